using System.Globalization;
using SocialInvestment.Economics;
using SocialInvestment.Model;
using SocialInvestment.Reporting.Tests.TestSupport;
using SocialInvestment.Uncertainty;

namespace SocialInvestment.Reporting.Tests;

public class UncertaintyReportTests
{
    private static readonly Lazy<PsaResult> Psa = new(() => YouthModel.Psa());

    private static ReportOptions Options(CultureInfo? culture = null) => new()
    {
        Title = "Youth PSA report",
        ChartWidth = 800,
        ChartHeight = 450,
        Culture = culture ?? CultureInfo.InvariantCulture,
    };

    private static Report Build(PsaResult? psa, ReportOptions options)
    {
        var (results, appraisals) = YouthModel.Run();
        var builder = new ReportBuilder(results, results[0], appraisals, options);
        return (psa is null ? builder : builder.WithUncertainty(psa)).Build();
    }

    [Test]
    public void WithUncertainty_Html_HasSectionTableAndNumbersOfThePsa()
    {
        var psa = Psa.Value;
        var html = Build(psa, Options()).ToHtml();
        Assert.That(html, Does.Contain("<h2>Uncertainty</h2>"));
        Assert.That(html, Does.Contain("P(NPV &gt; 0)"));
        var strategy = psa.Strategies[1];
        foreach (var p in psa.Perspectives)
        {
            var npv = psa.Summarize(PsaFigure.NetPresentValue, strategy, p);
            var prob = psa.ProbabilityPositiveNpv(strategy, p);
            var row = string.Join(
                "</td><td class=\"num\">",
                Math.Round(npv.Mean).ToString("N0", CultureInfo.InvariantCulture),
                Math.Round(npv.Lower).ToString("N0", CultureInfo.InvariantCulture),
                Math.Round(npv.Upper).ToString("N0", CultureInfo.InvariantCulture),
                (100 * prob).ToString("N1", CultureInfo.InvariantCulture) + " %");
            var point = Math.Round(YouthModel.Run().Appraisals.Single(a => a.Perspective.Name == p.Name).NetPresentValue).ToString("N0", CultureInfo.InvariantCulture);
            Assert.That(html, Does.Contain($"<td>{strategy.Name}</td><td>{p.Name}</td><td class=\"num\">{point}</td><td class=\"num\">{row}</td>"), p.Name);
        }
    }

    [Test]
    public void WithUncertainty_Psa_ProbabilitiesAreNeitherAllZeroNorAllOne()
    {
        // Guards the test model: the chart and table tests are only meaningful if the draws disagree
        // about the sign of the NPV for at least one perspective.
        var psa = Psa.Value;
        var probs = psa.Perspectives.Select(p => psa.ProbabilityPositiveNpv(psa.Strategies[1], p)).ToList();
        Assert.That(probs.Any(p => p is > 0.05 and < 0.95), Is.True, string.Join(", ", probs));
    }

    [Test]
    public void WithUncertainty_AddsDistributionPlaneAcceptabilityEvpiAndTornadoCharts()
    {
        var report = Build(Psa.Value, Options());
        var names = report.Charts.Select(c => c.FileName).ToList();
        Assert.That(names, Does.Contain("npv-distribution-1-public-sector.png"));
        Assert.That(names.Count(n => n.StartsWith("npv-distribution-", StringComparison.Ordinal)), Is.EqualTo(2));
        Assert.That(names.Single(n => n.StartsWith("npv-distribution-2-", StringComparison.Ordinal)), Does.StartWith("npv-distribution-2-society"));
        foreach (var name in new[] { "probability-positive-npv.png", "plane-1-supported-employment.png", "acceptability.png", "evpi.png", "tornado-1-supported-employment.png" })
        {
            Assert.That(names, Does.Contain(name));
        }

        Assert.That(names, Has.Count.EqualTo(4 + 7), "four charts without PSA plus seven");
        foreach (var chart in report.Charts.Where(c => !c.FileName.StartsWith("tornado", StringComparison.Ordinal)))
        {
            ChartsTests.AssertPng(chart.Png.Span, 800, 450);
        }
    }

    [Test]
    public void WithUncertainty_Markdown_UsesTheCulture()
    {
        var nb = CultureInfo.GetCultureInfo("nb-NO");
        var psa = Psa.Value;
        var md = Build(psa, Options(nb)).ToMarkdown();
        Assert.That(md, Does.Contain("## Uncertainty"));
        var society = psa.Perspectives.Single(p => p.Name.StartsWith("society", StringComparison.Ordinal));
        var mean = psa.Summarize(PsaFigure.NetPresentValue, psa.Strategies[1], society).Mean;
        Assert.That(md, Does.Contain(Math.Round(mean).ToString("N0", nb)));
        Assert.That(md, Does.Contain("![Chance that benefits exceed costs (vs Business as usual)](probability-positive-npv.png)"));
    }

    [Test]
    public void Build_WithoutUncertainty_HasNoUncertaintySection()
    {
        var report = Build(null, Options());
        Assert.That(report.ToHtml(), Does.Not.Contain("Uncertainty"));
        Assert.That(report.ToMarkdown(), Does.Not.Contain("P(NPV > 0)"));
        Assert.That(report.Charts, Has.Count.EqualTo(4));
    }

    [Test]
    public void WithUncertainty_OtherComparator_Throws()
    {
        var (results, appraisals) = YouthModel.Run();
        var builder = new ReportBuilder([results[1]], results[1], [], Options());
        Assert.That(() => builder.WithUncertainty(Psa.Value), Throws.ArgumentException.With.Message.Contains("comparator"));
    }

    [Test]
    public void Uncertainty_Text_HasOneRowPerPerspective()
    {
        var psa = Psa.Value;
        var lines = ReportTables.Uncertainty(psa).TrimEnd('\n').Split('\n');
        Assert.That(lines, Has.Length.EqualTo(2 + psa.Perspectives.Count));
        Assert.That(lines[0], Does.StartWith("Strategy"));
    }

    [Test]
    public void NpvDistribution_UnknownPerspective_Throws()
    {
        Assert.That(() => Charts.NpvDistribution(Psa.Value, Perspective.ResourceCosts), Throws.ArgumentException);
    }

    [Test]
    public void ProbabilityPositiveNpv_IsPngOfDefaultSize()
    {
        ChartsTests.AssertPng(Charts.ProbabilityPositiveNpv(Psa.Value), 1000, 560);
    }
}
