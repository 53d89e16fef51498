using System.Globalization;
using SocialInvestment.Economics;

namespace SocialInvestment.Reporting;

/// <summary>Number formatting for tables and axes, always with an explicit culture.</summary>
internal static class NumberFormat
{
    /// <summary>Picks a scale (1, 10³, 10⁶, 10⁹) so that the largest absolute value reads in units of at most a few thousand.</summary>
    public static (double Divisor, string Word) Scale(double maxAbs) => maxAbs switch
    {
        >= 1e9 => (1e9, "billion"),
        >= 1e6 => (1e6, "million"),
        >= 1e4 => (1e3, "thousand"),
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

    /// <summary>
    /// An appraisal figure: formatted by <paramref name="format"/> when defined, otherwise
    /// <c>n/a</c> followed by a short reason; never a number for an undefined figure.
    /// </summary>
    public static string Figure(Figure figure, Func<double, string> format) =>
        figure.Value is double v ? format(v) : "n/a: " + ShortReason(figure.Reason);

    /// <summary>A few words for why a figure is undefined (the full sentence is <see cref="Economics.Figure.Explanation"/>).</summary>
    public static string ShortReason(FigureReason reason) => reason switch
    {
        FigureReason.NoInvestment => "no investment",
        FigureReason.NotConventional => "not a conventional investment",
        FigureReason.NoRoot => "no rate found",
        FigureReason.NotPaidBackWithinHorizon => "not within horizon",
        FigureReason.NothingToPayBack => "nothing to pay back",
        FigureReason.NonFinite => "not finite",
        _ => string.Empty,
    };

    /// <summary>A tick label: the value divided by the divisor, with as few decimals as the tick spacing needs.</summary>
    public static string Tick(double value, double divisor, CultureInfo culture)
    {
        var v = value / divisor;
        if (Math.Abs(v) < 1e-9)
        {
            v = 0;
        }

        return Math.Abs(v - Math.Round(v)) < 1e-9 ? v.ToString("N0", culture) : v.ToString("N1", culture);
    }
}
