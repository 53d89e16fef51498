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
    public void AnnualFlowsByPayer_YouthModel_IsPngOfDefaultSize()
    {
        var (results, _) = YouthModel.Run();
        AssertPng(Charts.AnnualFlowsByPayer(results[1]), 1000, 560);
    }

    [Test]
    public void PaybackCurve_YouthModel_IsPng()
    {
        var (results, appraisals) = YouthModel.Run();
        AssertPng(Charts.PaybackCurve(results[1], appraisals), 1000, 560);
    }

    [Test]
    public void PaybackCurve_NoAppraisal_Throws()
    {
        var (results, _) = YouthModel.Run();
        Assert.That(() => Charts.PaybackCurve(results[1], []), Throws.ArgumentException);
    }
}
