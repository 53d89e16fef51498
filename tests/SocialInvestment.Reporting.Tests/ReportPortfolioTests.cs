using System.Text.RegularExpressions;
using SocialInvestment.Decisions;
using SocialInvestment.Economics;
using SocialInvestment.Model;
using SocialInvestment.Reporting.Tests.TestSupport;

namespace SocialInvestment.Reporting.Tests;

/// <summary>The portfolio report and the "Who should compensate whom" section: texts in both languages, the tables' figures, the charts.</summary>
public partial class ReportPortfolioTests
{
    [GeneratedRegex(@"\{(\d+)\}")]
    private static partial Regex Placeholder();

    private static IEnumerable<(string Name, IReadOnlyDictionary<string, string> En, IReadOnlyDictionary<string, string> Nb)> Tables()
    {
        yield return ("portfolio", PortfolioTexts.English, PortfolioTexts.Norwegian);
        yield return ("settlement", SettlementTexts.English, SettlementTexts.Norwegian);
        yield return ("household", HouseholdTexts.English, HouseholdTexts.Norwegian);
    }

    [Test]
    public void EveryMessage_ExistsInBothLanguages_WithTheSamePlaceholders()
    {
        foreach (var (name, en, nb) in Tables())
        {
            Assert.That(nb.Keys.Order(StringComparer.Ordinal), Is.EqualTo(en.Keys.Order(StringComparer.Ordinal)), name);
            foreach (var (key, english) in en)
            {
                var a = Placeholder().Matches(english).Select(m => m.Value).Distinct().Order(StringComparer.Ordinal);
                var b = Placeholder().Matches(nb[key]).Select(m => m.Value).Distinct().Order(StringComparer.Ordinal);
                Assert.That(b, Is.EqualTo(a), $"{name}: {key}");
            }
        }
    }

    [Test]
    public void SettlementSection_ShowsBeforeAndAfter_AndTheTransfers_InBothLanguages()
    {
        var (results, appraisals) = YouthModel.Run();
        var plan = new SettlementPlan("test plan", [new ReimburseInvestorsRule("reimburse")]);
        var settled = appraisals.GroupBy(a => a.Strategy).Select(g => Settlement.Settle(g.First(), plan)).ToList();
        var comparator = results.First(r => r.Strategy.Name == appraisals[0].Comparator.Name);
        foreach (var language in new[] { ReportLanguage.English, ReportLanguage.NorwegianBokmal })
        {
            var report = new ReportBuilder(results, comparator, appraisals, new ReportOptions { Language = language }).WithSettlement(settled).Build();
            var md = report.ToMarkdown();
            Assert.That(md, Does.Contain(language == ReportLanguage.English ? "## Who should compensate whom" : "## Hvem bør kompensere hvem"));
            var first = settled[0];
            foreach (var p in first.Positions)
            {
                Assert.That(md, Does.Contain($"| {p.Payer.Name} | {NumberFormat.Amount(p.NetGainBefore, System.Globalization.CultureInfo.InvariantCulture)} |"));
            }

            Assert.That(report.Charts.Select(c => c.FileName), Has.Some.StartsWith("settlement-1-"));
            var chart = report.Charts.First(c => c.FileName.StartsWith("settlement-1-", StringComparison.Ordinal));
            Assert.That(chart.Png.Span[..4].ToArray(), Is.EqualTo(new byte[] { 0x89, 0x50, 0x4E, 0x47 }));
        }
    }

    [Test]
    public void PortfolioReport_ListsTheChosenSet_TheBudgetUse_AndTheFrontier()
    {
        double[][] npv = [[-6e6, 4e6, 10e6, 12e6], [1e6, 2e6, 4e6, 5e6]];
        double[][][] costs = [[[1e6], [0]], [[2e6], [0]]];
        var v = PortfolioValuation.FromValues(["a", "b"], [Payer.Municipality, Payer.State], 1, Perspective.PublicSector, npv, costs);
        var problem = new PortfolioProblem(v, [new PortfolioBudget("municipality", 0, 2.5e6)]) { Risk = new PortfolioRisk { Alpha = 0.75 } };
        var chosen = new ExhaustivePortfolioSolver().Solve(problem);
        var frontier = PortfolioFrontier.Trace(new ExhaustivePortfolioSolver(), problem, 4);
        Assert.That(chosen.Candidates, Is.EqualTo(new[] { "a" }), "a + b costs 3 M against the 2.5 M budget; a's mean is 5 M against b's 3 M");
        var md = PortfolioReport.Build(new PortfolioReportInput(problem, chosen, frontier, 2023)).ToMarkdown();
        Assert.That(md, Does.Contain("Chosen: a (solver: exhaustive, proved optimal)"));
        Assert.That(md, Does.Contain("| municipality | 0 | 1,000,000 | 2,500,000 | 40.0 % |"));
        Assert.That(md, Does.Contain("| a | 5,000,000 | -6,000,000 | 25.0 % |"));
        Assert.That(md, Does.Contain("| b | 3,000,000 | 1,000,000 | 0.0 % |"));
        Assert.That(md, Does.Contain("portfolio-frontier.png"));
    }
}
