using SocialInvestment.Model;
using SocialInvestment.Reporting.Tests.TestSupport;

namespace SocialInvestment.Reporting.Tests;

public class ChartsTests
{
    private static readonly byte[] PngSignature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    internal static void AssertPng(ReadOnlySpan<byte> png, int width, int height)
    {
        Assert.That(png.Length, Is.GreaterThan(5_000), "a chart with text and lines is more than a few kB");
        Assert.That(png[..8].ToArray(), Is.EqualTo(PngSignature));
        // IHDR: width and height are big-endian 32-bit integers at offsets 16 and 20.
        var w = (png[16] << 24) | (png[17] << 16) | (png[18] << 8) | png[19];
        var h = (png[20] << 24) | (png[21] << 16) | (png[22] << 8) | png[23];
        Assert.That((w, h), Is.EqualTo((width, height)));
    }

    [Test]
    public void StateOccupancy_YouthModel_IsPngOfRequestedSize()
    {
        var (results, _) = YouthModel.Run();
        AssertPng(Charts.StateOccupancy(results[0], new ReportOptions { ChartWidth = 800, ChartHeight = 450 }), 800, 450);
    }

    [Test]
    public void IncrementalNetGainByPayer_YouthModel_IsPngOfDefaultSize()
    {
        var (results, appraisals) = YouthModel.Run();
        AssertPng(Charts.IncrementalNetGainByPayer(results[1], appraisals[0]), 1000, 560);
    }

    [Test]
    public void IncrementalOccupancy_YouthModel_IsPng()
    {
        var (results, _) = YouthModel.Run();
        AssertPng(Charts.IncrementalOccupancy(results[1], results[0], new ReportOptions { ChartWidth = 700, ChartHeight = 400 }), 700, 400);
    }

    [Test]
    public void CumulativeNetPosition_YouthModel_IsPng()
    {
        var (results, appraisals) = YouthModel.Run();
        AssertPng(Charts.CumulativeNetPosition(results[1], appraisals), 1000, 560);
    }

    [Test]
    public void CumulativeNetPosition_NoAppraisal_Throws()
    {
        var (results, _) = YouthModel.Run();
        Assert.That(() => Charts.CumulativeNetPosition(results[1], []), Throws.ArgumentException);
    }

    [Test]
    public void PsaCharts_YouthModel_ArePngs()
    {
        var psa = YouthModel.Psa(draws: 60);
        var society = psa.Perspectives.Single(p => p.Name.StartsWith("society", StringComparison.Ordinal));
        var municipality = psa.Perspectives.Single(p => p.Name == "municipality");
        AssertPng(Charts.InvestmentPlane(psa, psa.Strategies[1], municipality, society), 1000, 560);
        AssertPng(Charts.Acceptability(psa), 1000, 560);
        AssertPng(Charts.Evpi(psa, new ReportOptions { Language = ReportLanguage.NorwegianBokmal }), 1000, 560);
        Assert.That(() => Charts.InvestmentPlane(psa, psa.Strategies[0], municipality, society), Throws.ArgumentException.With.Message.Contains("comparator"));
    }

    [Test]
    public void Tornado_ManyBars_GrowsTallerThanTheDefault()
    {
        var psa = YouthModel.Psa(draws: 10);
        var model = psa.Specification.Model;
        var tornado = SocialInvestment.Uncertainty.Sensitivity.OneWayNpv(model, psa.Strategies[1], psa.Strategies[0], SocialInvestment.Model.Perspective.PublicSector, psa.Specification.Ranges());
        Assert.That(tornado.Bars, Has.Count.EqualTo(2));
        AssertPng(Charts.Tornado(tornado, model, psa.Strategies[1].Name, SocialInvestment.Model.Perspective.PublicSector, new ReportOptions { ChartWidth = 800, ChartHeight = 150 }), 800, 140 + (34 * 2));
    }
}
