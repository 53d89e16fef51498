using System.Runtime.Intrinsics;
using NUnit.Framework;
using SocialInvestment.Model;

namespace SocialInvestment.Tests.Model;

/// <summary>
/// The lane vectors' operations are lane by lane the scalar operations, bit for bit (ILaneVector's contract, on
/// which every lane kernel's identity with its scalar form rests), for each vector type this machine accelerates:
/// arithmetic, sign, maximum, comparisons as masks and their bits (lane l at bit l), selection, rounding and the
/// powers of two of the exponential.
/// </summary>
public sealed class LaneVectorTests
{
    [Test]
    public void Operations_AreTheScalarOnes_LaneByLane()
    {
        if (Vector512.IsHardwareAccelerated)
        {
            Check<Lanes512>();
            Check<Lanes512x2>();
        }

        if (Vector256.IsHardwareAccelerated)
        {
            Check<Lanes256x2>();
        }

        Check<LanesN>();
    }

    private static void Check<TV>()
        where TV : struct, ILaneVector<TV>
    {
        var W = TV.Count;
        double[] special = [0.0, -0.0, 1.0, -1.5, 2.5, 3.5, -2.5, double.NaN, double.PositiveInfinity, double.NegativeInfinity, double.Epsilon, 1e300, -7e-310, 0.1, 1e-3, 42.0];
        var random = new Random(20261202);
        var values = special.Concat(Enumerable.Range(0, 64).Select(_ => (random.NextDouble() - 0.5) * Math.Pow(10, random.Next(-5, 6)))).ToArray();
        var a = new double[W];
        var b = new double[W];
        var o = new double[W];
        for (var i = 0; i + (2 * W) <= values.Length; i += W)
        {
            Array.Copy(values, i, a, 0, W);
            Array.Copy(values, values.Length - W - i, b, 0, W);
            var x = TV.Load(ref a[0]);
            var y = TV.Load(ref b[0]);
            Same(x + y, (p, q) => p + q, "+");
            Same(x - y, (p, q) => p - q, "-");
            Same(x * y, (p, q) => p * q, "*");
            Same(x / y, (p, q) => p / q, "/");
            Same(TV.Negate(x), (p, _) => -p, "negate");
            Same(TV.Abs(x), (p, _) => Math.Abs(p), "abs");
            Same(TV.Max(x, y), Math.Max, "max");
            Same(TV.Select(TV.LessThan(x, y), x, y), (p, q) => p < q ? p : q, "select");
            Mask(TV.LessThan(x, y), (p, q) => p < q, "<");
            Mask(TV.LessThanOrEqual(x, y), (p, q) => p <= q, "<=");
            Mask(TV.GreaterThan(x, y), (p, q) => p > q, ">");
            Mask(TV.Equal(x, y), (p, q) => p == q, "==");
            Mask(TV.IsFinite(x), (p, _) => double.IsFinite(p), "finite");
            Mask(TV.And(TV.LessThan(x, y), TV.IsFinite(y)), (p, q) => p < q && double.IsFinite(q), "and");
            Mask(TV.Or(TV.LessThan(x, y), TV.Equal(x, y)), (p, q) => p <= q, "or");
            Assert.That(TV.IsZero(x), Is.EqualTo(a.All(v => v == 0)), $"{typeof(TV).Name} IsZero");
            // The hardware maximum (the appraisal's scale, of magnitudes): Math.Max's where neither is NaN and not both zeros.
            TV.Store(TV.MaxNative(x, y), ref o[0]);
            for (var l = 0; l < W; l++)
            {
                if (!double.IsNaN(a[l]) && !double.IsNaN(b[l]) && !(a[l] == 0 && b[l] == 0))
                {
                    Assert.That(BitConverter.DoubleToInt64Bits(o[l]), Is.EqualTo(BitConverter.DoubleToInt64Bits(Math.Max(a[l], b[l]))), $"{typeof(TV).Name} max native({a[l]:R}, {b[l]:R}) lane {l}");
                }
            }

            // The hardware minimum likewise; and the row kernel's clamp min(max(v, +0), 1) is Math.Clamp(v, 0, 1) with a zero
            // of either sign as +0, for every number (the kernel clamps only values it has checked to be numbers).
            TV.Store(TV.MinNative(x, y), ref o[0]);
            for (var l = 0; l < W; l++)
            {
                if (!double.IsNaN(a[l]) && !double.IsNaN(b[l]) && !(a[l] == 0 && b[l] == 0))
                {
                    Assert.That(BitConverter.DoubleToInt64Bits(o[l]), Is.EqualTo(BitConverter.DoubleToInt64Bits(Math.Min(a[l], b[l]))), $"{typeof(TV).Name} min native({a[l]:R}, {b[l]:R}) lane {l}");
                }
            }

            TV.Store(TV.MinNative(TV.MaxNative(x, TV.Create(0.0)), TV.Create(1.0)), ref o[0]);
            for (var l = 0; l < W; l++)
            {
                if (!double.IsNaN(a[l]))
                {
                    var clamped = Math.Clamp(a[l], 0.0, 1.0);
                    Assert.That(BitConverter.DoubleToInt64Bits(o[l]), Is.EqualTo(BitConverter.DoubleToInt64Bits(clamped == 0 ? 0.0 : clamped)), $"{typeof(TV).Name} clamp({a[l]:R}) lane {l}");
                }
            }

            var finite = a.Select(v => double.IsFinite(v) && Math.Abs(v) < 1e6 ? v : 0.5).ToArray();
            Same(TV.RoundToEven(TV.Load(ref finite[0])), (p, _) => Math.Round(p, MidpointRounding.ToEven), "round", finite);
        }

        Assert.That(TV.IsZero(TV.Create(0.0)), Is.True);
        Assert.That(TV.IsZero(TV.Create(-0.0)), Is.True);

        // 2^h and 2^(n − h), h = ⌊n/2⌋, over the exponential's range of n.
        var n = new double[W];
        for (var k = -1100; k + W <= 1100; k += W)
        {
            for (var l = 0; l < W; l++)
            {
                n[l] = k + l;
            }

            TV.Pow2Halves(TV.Load(ref n[0]), out var s1, out var s2);
            var p1 = new double[W];
            var p2 = new double[W];
            TV.Store(s1, ref p1[0]);
            TV.Store(s2, ref p2[0]);
            for (var l = 0; l < W; l++)
            {
                var h = (int)Math.Floor(n[l] / 2);
                Assert.That(p1[l], Is.EqualTo(Math.ScaleB(1.0, h)), $"{typeof(TV).Name} 2^⌊{n[l]}/2⌋");
                Assert.That(p2[l], Is.EqualTo(Math.ScaleB(1.0, (int)n[l] - h)), $"{typeof(TV).Name} 2^({n[l]} − ⌊{n[l]}/2⌋)");
            }
        }

        void Same(TV v, Func<double, double, double> scalar, string name, double[]? input = null)
        {
            TV.Store(v, ref o[0]);
            for (var l = 0; l < W; l++)
            {
                var expected = scalar((input ?? a)[l], b[l]);
                var what = $"{typeof(TV).Name} {name}({(input ?? a)[l]:R}, {b[l]:R}) lane {l}";
                if (double.IsNaN(expected))
                {
                    // A NaN's payload is not part of the contract (no kernel reads it: a NaN fails the draw).
                    Assert.That(o[l], Is.NaN, what);
                }
                else
                {
                    Assert.That(BitConverter.DoubleToInt64Bits(o[l]), Is.EqualTo(BitConverter.DoubleToInt64Bits(expected)), what);
                }
            }
        }

        void Mask(TV m, Func<double, double, bool> scalar, string name)
        {
            var bits = TV.Bits(m);
            for (var l = 0; l < W; l++)
            {
                Assert.That((bits >> l) & 1, Is.EqualTo(scalar(a[l], b[l]) ? 1UL : 0UL), $"{typeof(TV).Name} {name}({a[l]:R}, {b[l]:R}) lane {l}");
            }

            Assert.That(bits >> W, Is.Zero, $"{typeof(TV).Name} {name}: no bits above the lanes");
        }
    }
}
