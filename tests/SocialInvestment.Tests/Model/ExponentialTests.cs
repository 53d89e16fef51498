using System.Numerics;
using System.Runtime.Intrinsics;
using SocialInvestment.Model;

namespace SocialInvestment.Tests.Model;

/// <summary>
/// The library's own exponential (<see cref="Numerics.Exp(double, out double)"/>) and its lane form
/// (<see cref="LaneMath.Exp{TV}"/>): accurate, and bit for bit the same in both forms.
/// </summary>
public class ExponentialTests
{
    /// <summary>Inputs: the edges of the range, the special values and 200,000 random arguments on a log scale of both signs.</summary>
    private static double[] Arguments()
    {
        var list = new List<double>
        {
            0.0, -0.0, 1e-300, -1e-300, double.Epsilon, -double.Epsilon, 1e-17, -1e-17, 0.5 * Math.Log(2), -0.5 * Math.Log(2),
            Math.Log(2), -Math.Log(2), 1.0, -1.0, 30.0, -30.0, -700.0, -708.39, -708.4, -709.0, -744.4, -745.1, -745.2, -746.0, -746.0001,
            -800.0, 709.0, 709.78, 709.79, 710.0, 710.0001, 1000.0, double.MinValue, double.MaxValue,
            double.NegativeInfinity, double.PositiveInfinity, double.NaN,
        };
        var rng = new Random(20261202);
        for (var i = 0; i < 200_000; i++)
        {
            var magnitude = Math.Pow(10, (rng.NextDouble() * 22) - 19); // 1e-19 … 1e3
            list.Add(rng.Next(2) == 0 ? -magnitude : magnitude);
        }

        return [.. list];
    }

    [Test]
    public void Exp_IsWithinTwoUlpOfTheRuntimes_AndExpM1_OfACompensatedOne()
    {
        // Tolerance: 2 ulp of the exact value, allowing up to 1 ulp for the runtime's exp (correctly rounded
        // to within 1 ulp on glibc) and 1 for ours (the reduction and Horner's rule add well under 1 ulp).
        // The reference expm1 is Kahan's (u − 1)·x/ln u below |x| = 1 and e^x − 1 above (no cancellation
        // there: |e^x − 1| ≥ 0.63), each within 2 ulp: 4 ulp allowed.
        foreach (var x in Arguments())
        {
            var e = Numerics.Exp(x, out var em1);
            if (double.IsNaN(x))
            {
                Assert.That(double.IsNaN(e) && double.IsNaN(em1), Is.True, "NaN gives NaN");
                continue;
            }

            var reference = Math.Exp(x);
            if (reference == 0 || double.IsInfinity(reference) || reference < 2.2250738585072014E-308)
            {
                // Underflow and overflow: 0 or +∞ where the runtime's is, or a subnormal within a few of its units.
                Assert.That(Math.Abs(e - reference), Is.LessThanOrEqualTo(4 * double.Epsilon), $"exp({x:R})");
                if (double.IsInfinity(reference))
                {
                    Assert.That(e, Is.EqualTo(reference), $"exp({x:R})");
                }
            }
            else
            {
                Assert.That(Math.Abs(e - reference), Is.LessThanOrEqualTo(2 * (Math.BitIncrement(reference) - reference)), $"exp({x:R}) = {e:R}, runtime {reference:R}");
            }

            var kahan = Math.Abs(x) >= 1 ? Math.Exp(x) - 1.0 : KahanExpM1(x);
            if (double.IsInfinity(kahan) || kahan == -1.0)
            {
                Assert.That(em1, Is.EqualTo(kahan).Within(1e-16), $"expm1({x:R})");
            }
            else
            {
                var ulp = Math.BitIncrement(Math.Abs(kahan)) - Math.Abs(kahan);
                Assert.That(Math.Abs(em1 - kahan), Is.LessThanOrEqualTo(4 * ulp), $"expm1({x:R}) = {em1:R}, Kahan's {kahan:R}");
            }
        }
    }

    [Test]
    public void ExpM1_OfTinyArguments_IsTheArgument()
    {
        foreach (var x in new[] { 1e-20, -1e-20, 1e-300, -3e-310, 2.5e-17 })
        {
            Assert.That(Numerics.ExpM1(x), Is.EqualTo(x), $"{x:R}");
        }
    }

    [Test]
    public void ExpM1_AtTheReferenceRates_IsTheClosedForm()
    {
        // 1 − e^(−0.002) and 1 − e^(−0.15) to 20 digits (Python's decimal module at 50 digits); within 1 ulp.
        Assert.That(-Numerics.ExpM1(-0.002), Is.EqualTo(0.0019980013326669332445).Within(4.4e-19));
        Assert.That(-Numerics.ExpM1(-0.15), Is.EqualTo(0.13929202357494219277).Within(2.8e-17));
    }

    [Test]
    public void LaneForm_IsTheScalarForm_BitForBit()
    {
        var xs = Arguments();
        if (Vector512.IsHardwareAccelerated)
        {
            Compare<Lanes512>(xs);
            Compare<Lanes512x2>(xs);
        }

        if (Vector256.IsHardwareAccelerated)
        {
            Compare<Lanes256x2>(xs);
        }

        Compare<LanesN>(xs);
    }

    private static void Compare<TV>(double[] xs)
        where TV : struct, ILaneVector<TV>
    {
        var W = TV.Count;
        var input = new double[W];
        var exp = new double[W];
        var expm1 = new double[W];
        for (var i = 0; i + W <= xs.Length; i += W)
        {
            Array.Copy(xs, i, input, 0, W);
            var e = LaneMath.Exp(TV.Load(ref input[0]), out var em1);
            TV.Store(e, ref exp[0]);
            TV.Store(em1, ref expm1[0]);
            for (var l = 0; l < W; l++)
            {
                var scalar = Numerics.Exp(input[l], out var scalarM1);
                Assert.That(BitConverter.DoubleToInt64Bits(exp[l]), Is.EqualTo(BitConverter.DoubleToInt64Bits(scalar)), $"{typeof(TV).Name} exp({input[l]:R})");
                Assert.That(BitConverter.DoubleToInt64Bits(expm1[l]), Is.EqualTo(BitConverter.DoubleToInt64Bits(scalarM1)), $"{typeof(TV).Name} expm1({input[l]:R})");
            }
        }
    }

    /// <summary>Kahan's compensated <c>expm1</c> on the runtime's exp and log (Goldberg 1991, theorem 4): the reference.</summary>
    private static double KahanExpM1(double x)
    {
        var u = Math.Exp(x);
        if (u == 1.0)
        {
            return x;
        }

        var um1 = u - 1.0;
        return um1 == -1.0 ? -1.0 : double.IsInfinity(u) ? u : um1 * x / Math.Log(u);
    }
}
