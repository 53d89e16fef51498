namespace SocialInvestment;

/// <summary>
/// <c>exp(x) − 1</c> and <c>ln(1 + x)</c> accurate to a few ulps near zero, using Kahan's
/// compensation (D. Goldberg, "What every computer scientist should know about floating-point
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

    /// <summary><c>exp(x) − 1</c>.</summary>
    public static double ExpM1(double x) => ExpM1(x, Math.Exp(x));

    /// <summary><c>exp(x) − 1</c> given <paramref name="u"/> = <c>Math.Exp(x)</c> (for a caller that needs both).</summary>
    public static double ExpM1(double x, double u)
    {
        if (u == 1.0)
        {
            return x;
        }

        var um1 = u - 1.0;
        if (um1 == -1.0)
        {
            return -1.0;
        }

        return double.IsInfinity(u) ? u : um1 * x / Math.Log(u);
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
