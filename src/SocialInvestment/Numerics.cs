namespace SocialInvestment;

/// <summary>Accurate elementary functions near zero (the BCL's generic-math versions are not).</summary>
internal static class Numerics
{
    /// <summary><c>exp(x) − 1</c>, accurate for small |x|.</summary>
    public static double ExpM1(double x) => MathNet.Numerics.SpecialFunctions.Expm1(x);

    /// <summary><c>ln(1 + x)</c>, accurate for small |x|.</summary>
    public static double Log1P(double x) => MathNet.Numerics.SpecialFunctions.Log1p(x);
}
