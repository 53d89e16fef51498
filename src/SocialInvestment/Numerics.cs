using System.Runtime.CompilerServices;

namespace SocialInvestment;

/// <summary>
/// The library's own <c>e^x</c> and <c>e^x − 1</c> (<see cref="Exp(double, out double)"/>, bit for bit the lane
/// kernels' <see cref="Model.LaneMath.Exp{TV}"/>), and <c>ln(1 + x)</c> accurate to a few ulps near zero using
/// Kahan's compensation (D. Goldberg, "What every computer scientist should know about floating-point
/// arithmetic", 1991, theorem 4). The BCL's generic-math versions compute them naively.
/// </summary>
internal static class Numerics
{
    /// <summary>The sum of a series added in order from index 0 (so that every path that totals a series gets the same bits).</summary>
    public static double SumInOrder(ReadOnlySpan<double> values)
    {
        var sum = 0.0;
        foreach (var v in values)
        {
            sum += v;
        }

        return sum;
    }

    /// <summary><c>1/ln 2</c>.</summary>
    internal const double InvLn2 = 1.4426950408889634;

    /// <summary>The high part of <c>ln 2</c> (its low 21 bits zero, so <c>n·Ln2Hi</c> is exact for |n| &lt; 2^21).</summary>
    internal const double Ln2Hi = 6.93147180369123816490e-01;

    /// <summary><c>ln 2 − Ln2Hi</c>.</summary>
    internal const double Ln2Lo = 1.90821492927058770002e-10;

    /// <summary>Below this <c>e^x</c> is 0 in double precision (and <c>e^x − 1</c> is −1).</summary>
    internal const double ExpLowest = -746.0;

    /// <summary>Above this <c>e^x</c> overflows.</summary>
    internal const double ExpHighest = 710.0;

    /// <summary>
    /// <c>e^x</c>, with <c>e^x − 1</c> in <paramref name="expm1"/>, from one range reduction: the library's own
    /// exponential, so that a scalar and a vector kernel (<see cref="Model.LaneMath.Exp{TV}"/>, the same IEEE
    /// operations in the same order, no fused multiply-add) give the same bits, on every machine and runtime
    /// (the C runtime's <c>exp</c> behind <see cref="Math.Exp"/> differs between platforms). With
    /// <c>n = round(x/ln 2)</c> (ties to even) and <c>r = (x − n·ln2hi) − n·ln2lo</c> (Cody and Waite; |r| ≤ ln 2 / 2),
    /// <c>e^r − 1 = r + r²·P(r)</c> with <c>P</c> the Taylor polynomial to degree 11 (its remainder below 10⁻¹⁷
    /// relative), then <c>e^x = (1 + (e^r − 1))·2^n</c> and <c>e^x − 1 = (e^r − 1)·2^n + (2^n − 1)</c> (above n = 60, <c>e^x − 1</c> directly), the power of two
    /// applied as two normal halves so that results in the subnormal range are formed without an
    /// intermediate underflow. Accurate to within 2 ulp of the exact values over the whole range (tested
    /// against <see cref="Math.Exp"/> and a compensated <c>expm1</c>). NaN gives NaN; <c>x &lt; −746</c> (and −∞)
    /// gives 0 and −1; <c>x &gt; 710</c> (and +∞) gives +∞ twice.
    /// </summary>
    public static double Exp(double x, out double expm1)
    {
        if (double.IsNaN(x))
        {
            expm1 = x;
            return x;
        }

        if (x < ExpLowest)
        {
            expm1 = -1.0;
            return 0.0;
        }

        if (x > ExpHighest)
        {
            expm1 = double.PositiveInfinity;
            return double.PositiveInfinity;
        }

        var n = Math.Round(x * InvLn2, MidpointRounding.ToEven);
        var r = (x - (n * Ln2Hi)) - (n * Ln2Lo);
        var e = r + ((r * r) * ExpPolynomial(r));
        var k = (long)n;
        var h = k >> 1;
        var s1 = BitConverter.Int64BitsToDouble((h + 1023) << 52);
        var s2 = BitConverter.Int64BitsToDouble((k - h + 1023) << 52);
        var exp = ((1.0 + e) * s1) * s2;

        // Above n = 60 the −1 is below half an ulp of e^x (and 2^1024 itself would overflow).
        expm1 = n > 60 ? exp - 1.0 : ((e * s1) * s2) + ((s1 * s2) - 1.0);
        return exp;
    }

    /// <summary><c>(e^r − 1 − r)/r² = Σ_{k=2..13} r^(k−2)/k!</c> by Horner's rule (the scalar form of <see cref="Model.LaneMath"/>'s).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static double ExpPolynomial(double r)
    {
        var p = ExpC13;
        p = (p * r) + ExpC12;
        p = (p * r) + ExpC11;
        p = (p * r) + ExpC10;
        p = (p * r) + ExpC9;
        p = (p * r) + ExpC8;
        p = (p * r) + ExpC7;
        p = (p * r) + ExpC6;
        p = (p * r) + ExpC5;
        p = (p * r) + ExpC4;
        p = (p * r) + ExpC3;
        return (p * r) + ExpC2;
    }

    internal const double ExpC2 = 0.5;
    internal const double ExpC3 = 0.16666666666666666;
    internal const double ExpC4 = 0.041666666666666664;
    internal const double ExpC5 = 0.008333333333333333;
    internal const double ExpC6 = 0.001388888888888889;
    internal const double ExpC7 = 0.0001984126984126984;
    internal const double ExpC8 = 2.48015873015873e-05;
    internal const double ExpC9 = 2.7557319223985893e-06;
    internal const double ExpC10 = 2.755731922398589e-07;
    internal const double ExpC11 = 2.505210838544172e-08;
    internal const double ExpC12 = 2.08767569878681e-09;
    internal const double ExpC13 = 1.6059043836821613e-10;

    /// <summary><c>exp(x) − 1</c> (<see cref="Exp(double, out double)"/>).</summary>
    public static double ExpM1(double x)
    {
        Exp(x, out var expm1);
        return expm1;
    }

    /// <summary><c>ln(1 + x)</c>.</summary>
    public static double Log1P(double x)
    {
        var u = 1.0 + x;
        if (u == 1.0)
        {
            return x;
        }

        return double.IsInfinity(u) || u <= 0 ? Math.Log(u) : Math.Log(u) * x / (u - 1.0);
    }
}
