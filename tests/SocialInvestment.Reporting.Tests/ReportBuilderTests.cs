using System.Globalization;
using SocialInvestment.Economics;
using SocialInvestment.Model;
using SocialInvestment.Reporting.Tests.TestSupport;

namespace SocialInvestment.Reporting.Tests;

public class ReportBuilderTests
{
    private string _dir = null!;

    [SetUp]
    public void SetUp() => _dir = Path.Combine(Path.GetTempPath(), "socinv-report-" + Guid.NewGuid().ToString("N"));

    [TearDown]
    public void TearDown()
    {
        if (Directory.Exists(_dir))
        {
            Directory.Delete(_dir, recursive: true);
        }
    }

    private static Report BuildReport(ReportOptions? options = null)
    {
        var (results, appraisals) = YouthModel.Run();
        return new ReportBuilder(results, results[0], appraisals, options ?? new ReportOptions { Title = "Youth test report", ChartWidth = 600, ChartHeight = 360 }).Build();
    }

    [Test]
    public void Build_TwoStrategies_ChartsShowTheDifferenceAndOneBaseline()
    {
        // Per appraised strategy: net gain by payer per year, cumulative net position, change in
        // occupancy; plus the comparator's occupancy as the baseline. No per-strategy flow chart.
        var report = BuildReport();
        Assert.That(report.Charts.Select(c => c.FileName), Is.EqualTo(new[]
        {
            "net-gain-1-supported-employment.png",
            "cumulative-1-supported-employment.png",
            "occupancy-change-1-supported-employment.png",
            "occupancy-1-business-as-usual.png",
        }));
    }

    [Test]
    public void ToHtml_ContainsSectionsNumbersAndEmbeddedImages()
    {
        var (results, appraisals) = YouthModel.Run();
        var report = new ReportBuilder(results, results[0], appraisals, new ReportOptions { Title = "Youth test report", ChartWidth = 600, ChartHeight = 360 }).Build();
        var html = report.ToHtml();
        Assert.That(html, Does.StartWith("<!DOCTYPE html>\n<html lang=\"en\">"));
        foreach (var section in new[] { "<h1>Youth test report</h1>", "<a id=\"summary\" class=\"section\"></a>\n<h2>Summary</h2>", "<a id=\"who-invests\" class=\"section\"></a>\n<h2>Who invests, who saves</h2>", "<a id=\"what-changes\" class=\"section\"></a>\n<h2>What changes</h2>", "<a id=\"assumptions\" class=\"section\"></a>\n<h2>Assumptions</h2>", "<a id=\"baseline\" class=\"section\"></a>\n<h2>Baseline</h2>", "<a id=\"conventions\" class=\"section\"></a>\n<h2>Conventions</h2>" })
        {
            Assert.That(html, Does.Contain(section));
        }

        Assert.That(html.Split("data:image/png;base64,").Length - 1, Is.EqualTo(4));
        var society = appraisals.Single(a => a.Perspective.Name.StartsWith("society", StringComparison.Ordinal));
        Assert.That(html, Does.Contain(Math.Round(society.NetPresentValue).ToString("N0", CultureInfo.InvariantCulture)));
        Assert.That(html, Does.Not.Contain("src=\"net-gain"), "the HTML report references no external file");
        Assert.That(html, Does.Contain("white-space:nowrap"));
    }

    [Test]
    public void ToMarkdown_ReferencesPngsAndShowsPayerTableInTheResultConvention()
    {
        var (_, appraisals) = YouthModel.Run();
        var md = BuildReport().ToMarkdown();
        Assert.That(md, Does.Contain("![Cumulative net position: Supported employment vs Business as usual](cumulative-1-supported-employment.png)"));
        Assert.That(md, Does.Contain("## Who invests, who saves"));
        Assert.That(md, Does.Contain("| Payer | Invested, PV (NOK) | Savings, PV (NOK, + = saves) | Net gain, PV (NOK, + = better off) |"));
        var municipality = appraisals[0].Payers.Single(p => p.Payer.Name == "municipality");
        var cells = string.Join(" | ", new[] { municipality.Invested, municipality.Savings, municipality.NetGain, municipality.NetGainUndiscounted }.Select(v => Math.Round(v).ToString("N0", CultureInfo.InvariantCulture)));
        Assert.That(md, Does.Contain("| municipality | " + cells + " |"));
        Assert.That(municipality.NetGain, Is.EqualTo(municipality.Savings - municipality.Invested).Within(1e-6 * municipality.Invested));
    }

    [Test]
    public void Summary_UndefinedFigures_ShowAMarkAndTheReasonNeverANumber()
    {
        // The state and the individual bear no investment in the test model: BCR, ROI, IRR and payback
        // are undefined for them, so their cells are "n/a" with a footnote naming the reason.
        var (_, appraisals) = YouthModel.Run();
        var state = appraisals.Single(a => a.Perspective.Name == "state");
        Assert.That(state.PresentValueInvestment, Is.EqualTo(0));
        Assert.That(state.BenefitCostRatio.Reason, Is.EqualTo(FigureReason.NoInvestment));
        var text = ReportTables.Summary(appraisals);
        var row = text.Split('\n').Single(l => l.Contains(" state ", StringComparison.Ordinal));
        var figureCells = row.Split("  ", StringSplitOptions.RemoveEmptyEntries).Select(c => c.Trim()).TakeLast(5).ToArray();
        Assert.That(figureCells, Has.All.Match(@"^n/a[¹²³⁴⁵⁶]$"), row);
        var mark = figureCells[0][^1];
        Assert.That(text, Does.Contain(mark + " Not defined: this perspective bears no investment"));
        Assert.That(text, Does.Not.Contain(" – "), "no unexplained dash");
        var municipality = text.Split('\n').Single(l => l.Contains(" municipality ", StringComparison.Ordinal));
        Assert.That(municipality, Does.Contain("  " + NumberFormatBcr(appraisals.Single(a => a.Perspective.Name == "municipality")) + "  "), "a defined figure is printed as a number");
    }

    private static string NumberFormatBcr(AppraisalResult a) => a.BenefitCostRatio.Value!.Value.ToString("N2", CultureInfo.InvariantCulture);

    [Test]
    public void WithAssumptions_ListsParametersInterventionsAndWarnsAboutIllustrativeEffects()
    {
        var (results, appraisals) = YouthModel.Run();
        var assumptions = new ReportAssumptions
        {
            Parameters = [new ParameterAssumption(YouthModel.ProgrammeCost, 90_000, "gamma 20.25 4444.4", "annual programme cost, NOK (test figure)"), new ParameterAssumption(YouthModel.Effect, 1.8, null, "illustrative effect")],
            Interventions =
            [
                new InterventionAssumption(
                    "Supported employment", ["Supported employment"], ["NEET"], 16, 30, 0.6, null, "job specialist",
                    [new InterventionCostAssumption("municipality", "employment", SocialInvestment.Model.CostTiming.PerCycle, 90_000, YouthModel.ProgrammeCost, 2, ["NEET"], "test")],
                    [new InterventionEffectAssumption("NEET → Work", SocialInvestment.Model.EffectMeasure.RelativeRisk, 1.8, YouthModel.Effect, EffectDuration.Constant, 5, null, "illustrative", true)]),
            ],
            DiscountedToYear = 2025,
            TaxFinancingCost = 0.2,
        };
        var html = new ReportBuilder(results, results[0], appraisals, new ReportOptions { ChartWidth = 600, ChartHeight = 360 }).WithAssumptions(assumptions).Build().ToHtml();
        Assert.That(html, Does.Contain("<p class=\"warning\" role=\"note\">⚠ Illustrative effects: the effect sizes of Supported employment (in Supported employment)"));
        Assert.That(html, Does.Contain("<td>⚠ programme effect</td><td class=\"num\">1.8</td><td>fixed</td>"));
        Assert.That(html, Does.Contain("<td>programme cost</td><td class=\"num\">90,000</td><td>gamma 20.25 4444.4</td>"));
        Assert.That(html, Does.Contain("<td>NEET → Work</td><td>relative risk</td><td class=\"num\">1.8</td><td>programme effect</td><td>full effect for 5 years, then none</td>"));
        Assert.That(html, Does.Contain("Eligible: NEET, start age 16–30"));
        Assert.That(html, Does.Contain("Uptake: 60.0 % of the eligible"));
        Assert.That(html, Does.Contain("Discounted to: 2025"));
        Assert.That(html, Does.Contain("Tax financing cost in the society perspective: 20.0 %"));
        Assert.That(html, Does.Contain("Counting (within-cycle correction): " + results[0].Model.Options.StateWeights.Name));
    }

    [Test]
    public void Build_Norwegian_HasNoEnglishHeadingsAndNorwegianNumbers()
    {
        var (results, appraisals) = YouthModel.Run();
        var nb = CultureInfo.GetCultureInfo("nb-NO");
        var report = new ReportBuilder(results, results[0], appraisals, new ReportOptions { Language = ReportLanguage.NorwegianBokmal, Culture = nb, ChartWidth = 600, ChartHeight = 360 })
            .WithUncertainty(YouthModel.Psa(draws: 40)).Build();
        var html = report.ToHtml();
        Assert.That(html, Does.Contain("<html lang=\"nb\">"));
        foreach (var heading in new[] { "Sammendrag", "Hvem investerer, hvem sparer", "Hva endres", "Usikkerhet", "Forutsetninger", "Konvensjoner" })
        {
            Assert.That(html, Does.Contain(">" + heading + "</h2>"));
        }

        foreach (var english in new[] { ">Summary<", ">Who invests", "Net gain", "Invested", "better off", "Payback", ">Strategy<" })
        {
            Assert.That(html, Does.Not.Contain(english));
        }

        Assert.That(report.ToMarkdown(), Does.Contain(Math.Round(appraisals[0].NetPresentValue).ToString("N0", nb)));
        Assert.That(report.Charts.Select(c => c.Title), Has.Some.StartsWith("Nettogevinst per betaler per år"));
    }

    [Test]
    public void Build_NorwegianCulture_UsesNorwegianGrouping()
    {
        var nb = CultureInfo.GetCultureInfo("nb-NO");
        var (results, appraisals) = YouthModel.Run();
        var md = new ReportBuilder(results, results[0], appraisals, new ReportOptions { Culture = nb, ChartWidth = 600, ChartHeight = 360 }).Build().ToMarkdown();
        var npv = appraisals[0].NetPresentValue;
        Assert.That(md, Does.Contain(Math.Round(npv).ToString("N0", nb)));
    }

    [Test]
    public void WriteTo_Folder_WritesHtmlMarkdownAndPngsWithoutTempFiles()
    {
        var written = BuildReport().WriteTo(_dir);
        Assert.That(written, Has.Count.EqualTo(6));
        Assert.That(Path.GetFileName(written[0]), Is.EqualTo("report.html"));
        Assert.That(Path.GetFileName(written[1]), Is.EqualTo("report.md"));
        foreach (var png in written.Where(p => p.EndsWith(".png", StringComparison.Ordinal)))
        {
            ChartsTests.AssertPng(File.ReadAllBytes(png), 600, 360);
        }

        Assert.That(Directory.GetFiles(_dir, "*.tmp", SearchOption.AllDirectories), Is.Empty);
    }

    [Test]
    public void Build_PerspectiveFilter_ShowsOnlyThatPerspective()
    {
        var md = BuildReport(new ReportOptions { Perspectives = ["public sector"], ChartWidth = 600, ChartHeight = 360 }).ToMarkdown();
        Assert.That(md, Does.Contain("| Supported employment | public sector |"));
        Assert.That(md, Does.Not.Contain("| Supported employment | society"));
    }

    [Test]
    public void Constructor_AppraisalAgainstOtherComparator_Throws()
    {
        var (results, _) = YouthModel.Run();
        var wrong = Appraisal.Compare(results[0], results[1], Perspective.PublicSector);
        Assert.That(() => new ReportBuilder(results, results[0], [wrong]), Throws.ArgumentException.With.Message.Contains("not the comparator"));
    }

    [Test]
    public void ReportTables_Summary_IsAlignedText()
    {
        var (_, appraisals) = YouthModel.Run();
        var text = ReportTables.Summary(appraisals);
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var table = lines.Take(2 + appraisals.Count).ToArray();
        var notes = lines.Skip(table.Length).ToArray();
        Assert.That(table.Select(l => l.Length).Distinct().Count(), Is.EqualTo(1), "every line of the table is padded to the same width");
        Assert.That(notes, Is.Not.Empty.And.All.Match("^[¹²³⁴⁵⁶] (Not|Nothing)"), "then one footnote per reason an undefined figure has");
    }
}
