using System.Numerics;
using SocialInvestment.Uncertainty;

namespace SocialInvestment.Tests.Uncertainty;

/// <summary>The PSA summaries' exact running sum (<see cref="ExactAccumulator"/>) against a big-integer sum of the same values.</summary>
public class ExactAccumulatorTests
{
    /// <summary>A finite double's exact value in units of 2^−1074.</summary>
    private static BigInteger Units(double x)
    {
        var bits = BitConverter.DoubleToInt64Bits(x);
        var exponent = (int)((bits >> 52) & 0x7FF);
        var mantissa = bits & 0xFFFFFFFFFFFFFL;
        var value = exponent == 0 ? new BigInteger(mantissa) : new BigInteger(mantissa | (1L << 52)) << (exponent - 1);
        return bits < 0 ? -value : value;
    }

    [Test]
    public void Sum_IsTheExactSum_OverEveryExponentAndBothSigns()
    {
        var rng = new Random(1202);
        var accumulator = new ExactAccumulator();
        var expected = BigInteger.Zero;
        var values = new List<double> { double.Epsilon, -double.Epsilon, double.MaxValue, -double.MaxValue, 1.0, -0.0, 0.0, 2.2250738585072014E-308, 4.9e-324 * 3 };
        for (var i = 0; i < 20_000; i++)
        {
            // Random bits with every exponent (the non-finite ones skipped): each shift 0..31 within a limb is met.
            var bits = (long)rng.NextInt64();
            var x = BitConverter.Int64BitsToDouble(bits);
            if (double.IsFinite(x))
            {
                values.Add(x);
            }
        }

        foreach (var x in values)
        {
            accumulator.Add(x);
            expected += Units(x);
        }

        Assert.That(accumulator.Units(), Is.EqualTo(expected));
        Assert.That(accumulator.HasInfinities, Is.False);
    }

    [Test]
    public void Sum_OfValuesThatCancel_IsExactlyTheRemainder()
    {
        var accumulator = new ExactAccumulator();
        accumulator.Add(1e300);
        accumulator.Add(3.0);
        accumulator.Add(-1e300);
        accumulator.Add(1e-300);
        accumulator.Add(-1e-300);
        Assert.That(accumulator.ToDouble(), Is.EqualTo(3.0));
    }
}
