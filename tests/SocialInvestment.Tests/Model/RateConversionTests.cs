using SocialInvestment.Model;

namespace SocialInvestment.Tests.Model;

public class RateConversionTests
{
    [TestCase(0.002, 1.0, 0.0019980013326669331)] // 1 − exp(−0.002), DARTH p_HD
    [TestCase(0.15, 1.0, 0.13929202357494219)]    // 1 − exp(−0.15), DARTH p_HS1
    [TestCase(0.105, 0.5, 0.051145678944198719)]  // 1 − exp(−0.0525), a half-year cycle
    public void ToProbability_MatchesOneMinusExp(double rate, double years, double expected)
        => Assert.That(RateConversion.ToProbability(rate, years), Is.EqualTo(expected).Within(1e-15));

    [Test]
    public void ToRate_InvertsToProbability()
    {
        foreach (var p in new[] { 1e-12, 1e-6, 0.005, 0.3, 0.999 })
        {
            Assert.That(RateConversion.ToProbability(RateConversion.ToRate(p)), Is.EqualTo(p).Within(p * 1e-14));
        }
    }

    [Test]
    public void ApplyHazardRatio_OfOne_IsIdentityToTheUlp()
    {
        // Guards the accuracy of exp(x) − 1 and ln(1 + x): a hazard ratio of 1 must not move p.
        foreach (var p in new[] { 1e-9, 0.00123, 0.0517, 0.4, 0.93 })
        {
            Assert.That(RateConversion.ApplyHazardRatio(p, 1.0), Is.EqualTo(p).Within(p * 4e-16));
        }
    }

    [Test]
    public void ApplyHazardRatio_MatchesRateScaling()
        => Assert.That(RateConversion.ApplyHazardRatio(RateConversion.ToProbability(0.105), 0.6), Is.EqualTo(1 - Math.Exp(-0.063)).Within(1e-16));

    [Test]
    public void ApplyOddsRatio_MatchesOddsArithmetic()
        => Assert.That(RateConversion.ApplyOddsRatio(0.2, 2.0), Is.EqualTo(0.5 / 1.5).Within(1e-16));

    [Test]
    public void RescaleProbability_AnnualToMonthly_CompoundsBack()
    {
        var monthly = RateConversion.RescaleProbability(0.3, 1, 1.0 / 12);
        Assert.That(1 - Math.Pow(1 - monthly, 12), Is.EqualTo(0.3).Within(1e-15));
    }

    [Test]
    public void Conversions_RejectInvalidInput()
    {
        Assert.Multiple(() =>
        {
            Assert.That(() => RateConversion.ToProbability(-0.1), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("rate"));
            Assert.That(() => RateConversion.ToProbability(double.NaN), Throws.InstanceOf<ArgumentOutOfRangeException>());
            Assert.That(() => RateConversion.ToRate(1.0), Throws.InstanceOf<ArgumentOutOfRangeException>());
            Assert.That(() => RateConversion.ToRate(1.5), Throws.InstanceOf<ArgumentOutOfRangeException>());
            Assert.That(() => RateConversion.ApplyHazardRatio(0.5, -1), Throws.InstanceOf<ArgumentOutOfRangeException>());
        });
    }
}
