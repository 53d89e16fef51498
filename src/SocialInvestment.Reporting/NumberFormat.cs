using System.Globalization;

namespace SocialInvestment.Reporting;

/// <summary>Number formatting for tables and axes, always with an explicit culture.</summary>
internal static class NumberFormat
{
    /// <summary>
    /// Picks a scale (1, 10³, 10⁶, 10⁹) so that the largest absolute value reads in units of at most
    /// a few thousand; the second item is the message id of the scale word in <see cref="Texts"/>
    /// (empty for units).
    /// </summary>
    public static (double Divisor, string Word) Scale(double maxAbs) => maxAbs switch
    {
        >= 1e9 => (1e9, "scale.billion"),
        >= 1e6 => (1e6, "scale.million"),
        >= 1e4 => (1e3, "scale.thousand"),
        _ => (1, string.Empty),
    };

    /// <summary>An amount rounded to whole units, with group separators.</summary>
    public static string Amount(double value, CultureInfo culture) =>
        double.IsFinite(value) ? Math.Round(value).ToString("N0", culture) : "–";

    /// <summary>A ratio with two decimals, or a dash when undefined.</summary>
    public static string Ratio(double value, CultureInfo culture) =>
        double.IsFinite(value) ? value.ToString("N2", culture) : "–";

    /// <summary>A percentage with one decimal, or a dash.</summary>
    public static string Percent(double? value, CultureInfo culture) =>
        value is double v && double.IsFinite(v) ? (100 * v).ToString("N1", culture) + " %" : "–";

    /// <summary>Years with one decimal, or "never" when the value is null.</summary>
    public static string Years(double? value, CultureInfo culture) =>
        value is double v ? v.ToString("0.#", culture) : "not within horizon";

    /// <summary>A tick label: the value divided by the divisor, with as few decimals as the tick spacing needs (at most three).</summary>
    public static string Tick(double value, double divisor, CultureInfo culture)
    {
        var v = value / divisor;
        if (Math.Abs(v) < 1e-9)
        {
            v = 0;
        }

        // Whole numbers with group separators; otherwise as many decimals as the tick needs (0.05 stays 0.05).
        return Math.Abs(v - Math.Round(v)) < 1e-9 ? v.ToString("N0", culture) : v.ToString("#,##0.###", culture);
    }
}
