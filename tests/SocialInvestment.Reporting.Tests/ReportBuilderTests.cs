using System.Globalization;
using SocialInvestment.Economics;
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
    public void Build_TwoStrategies_HasFiveCharts()
    {
        // One payback curve (one appraised strategy) + flows and occupancy for each of two strategies.
        var report = BuildReport();
        Assert.That(report.Charts.Select(c => c.FileName), Is.EquivalentTo(new[]
        {
            "payback-1-supported-employment.png",
            "flows-1-business-as-usual.png",
            "flows-2-supported-employment.png",
            "occupancy-1-business-as-usual.png",
            "occupancy-2-supported-employment.png",
        }));
    }

    [Test]
    public void ToHtml_ContainsSectionsNumbersAndEmbeddedImages()
    {
        var (results, appraisals) = YouthModel.Run();
        var report = new ReportBuilder(results, results[0], appraisals, new ReportOptions { Title = "Youth test report", ChartWidth = 600, ChartHeight = 360 }).Build();
        var html = report.ToHtml();
        Assert.That(html, Does.StartWith("<!DOCTYPE html>"));
        foreach (var section in new[] { "<h1>Youth test report</h1>", "<h2>Summary</h2>", "<h2>Who invests, who saves</h2>", "<h2>Payback curves</h2>", "<h2>Annual flows by payer</h2>", "<h2>State occupancy</h2>" })
        {
            Assert.That(html, Does.Contain(section));
        }

        Assert.That(html.Split("data:image/png;base64,").Length - 1, Is.EqualTo(5));
        var society = appraisals.Single(a => a.Perspective.Name.StartsWith("society", StringComparison.Ordinal));
        Assert.That(html, Does.Contain(Math.Round(society.NetPresentValue).ToString("N0", CultureInfo.InvariantCulture)));
        Assert.That(html, Does.Not.Contain("src=\"payback"), "the HTML report references no external file");
    }

    [Test]
    public void ToMarkdown_ReferencesPngsAndShowsPayerTable()
    {
        var (_, appraisals) = YouthModel.Run();
        var md = BuildReport().ToMarkdown();
        Assert.That(md, Does.Contain("![Cumulative discounted net benefit: Supported employment](payback-1-supported-employment.png)"));
        Assert.That(md, Does.Contain("## Who invests, who saves"));
        var municipality = appraisals[0].Payers.Single(p => p.Payer.Name == "municipality");
        Assert.That(md, Does.Contain("| municipality | " + Math.Round(municipality.Invested).ToString("N0", CultureInfo.InvariantCulture) + " |"));
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
        Assert.That(written, Has.Count.EqualTo(7));
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
        Assert.That(lines, Has.Length.EqualTo(2 + appraisals.Count));
        Assert.That(lines.Select(l => l.Length).Distinct().Count(), Is.EqualTo(1), "every line is padded to the same width");
    }
}
