using SocialInvestment.Engine;

namespace SocialInvestment.Tests.Engine;

public class CounterRngTests
{
    [Test]
    public void Uniform_SameCounter_SameValue()
    {
        var a = CounterRng.Uniform(42, 3, 123_456, 17, CounterRng.TransitionStream);
        var b = CounterRng.Uniform(42, 3, 123_456, 17, CounterRng.TransitionStream);
        Assert.That(b, Is.EqualTo(a));
    }

    [Test]
    public void Uniform_DifferentFields_DifferentValues()
    {
        var u = CounterRng.Uniform(1, 0, 0, 0, 0);
        Assert.Multiple(() =>
        {
            Assert.That(CounterRng.Uniform(2, 0, 0, 0, 0), Is.Not.EqualTo(u), "seed");
            Assert.That(CounterRng.Uniform(1, 1, 0, 0, 0), Is.Not.EqualTo(u), "draw");
            Assert.That(CounterRng.Uniform(1, 0, 1, 0, 0), Is.Not.EqualTo(u), "person");
            Assert.That(CounterRng.Uniform(1, 0, 0, 1, 0), Is.Not.EqualTo(u), "cycle");
            Assert.That(CounterRng.Uniform(1, 0, 0, 0, 1), Is.Not.EqualTo(u), "stream");
        });
    }

    [Test]
    public void Uniform_MillionDraws_HalfOpenAndUniform()
    {
        // 10^6 uniforms over persons × cycles into 100 bins. Chi-square with 99 degrees of freedom:
        // the 99.9 % quantile is 148.2, so a correct generator fails with probability 0.1 % (fixed seed).
        const int bins = 100;
        var counts = new long[bins];
        double min = 1, max = 0, sum = 0;
        for (var person = 0; person < 20_000; person++)
        {
            for (var cycle = 0; cycle < 50; cycle++)
            {
                var u = CounterRng.Uniform(7, 0, person, cycle, CounterRng.TransitionStream);
                counts[(int)(u * bins)]++;
                min = Math.Min(min, u);
                max = Math.Max(max, u);
                sum += u;
            }
        }

        const double expected = 1_000_000.0 / bins;
        var chi2 = counts.Sum(c => (c - expected) * (c - expected) / expected);
        Assert.Multiple(() =>
        {
            Assert.That(min, Is.GreaterThanOrEqualTo(0.0));
            Assert.That(max, Is.LessThan(1.0));
            // Mean of 10^6 U(0,1): SE = √(1/12)/1000 ≈ 2.9e-4; 4 SE = 1.2e-3 (failure probability 6e-5).
            Assert.That(sum / 1e6, Is.EqualTo(0.5).Within(1.2e-3));
            Assert.That(chi2, Is.LessThan(148.2));
        });
    }

    /// <summary>
    /// The per-block keys and start uniforms of the microsimulation (vectorised, the seed's and the
    /// draw's mixes shared) equal <see cref="CounterRng.Key"/> and <see cref="CounterRng.Uniform"/>
    /// person by person, bit for bit: lengths that leave a remainder after 8 and after 4 people, a
    /// first person that is not a multiple of 8, and a person index near the top of the range.
    /// </summary>
    [TestCase(0UL, 0L, 1)]
    [TestCase(777UL, 3L, 4_099)]
    [TestCase(5UL, 0L, 13)]
    public void TransitionKeysAndStarts_EqualsKeyAndUniform(ulong seed, long draw, int n)
    {
        foreach (var first in new[] { 0L, 4_101L, long.MaxValue - n })
        {
            var keys = new ulong[n];
            var startU = new double[n];
            CounterRng.TransitionKeysAndStarts(seed, draw, first, keys, startU);
            for (var i = 0; i < n; i++)
            {
                Assert.That(keys[i], Is.EqualTo(CounterRng.Key(seed, draw, first + i, CounterRng.TransitionStream)), $"key of person {first + i}");
                Assert.That(BitConverter.DoubleToInt64Bits(startU[i]), Is.EqualTo(BitConverter.DoubleToInt64Bits(CounterRng.Uniform(seed, draw, first + i, 0, CounterRng.StartStream))), $"start uniform of person {first + i}");
            }
        }
    }

    [Test]
    public void Uniform_IsTopBitsOfBits()
    {
        var bits = CounterRng.Bits(5, 1, 2, 3, 4);
        Assert.That(CounterRng.Uniform(5, 1, 2, 3, 4), Is.EqualTo((bits >> 12) * Math.Pow(2, -52)));
    }
}
