using System.Globalization;

namespace SocialInvestment.IO;

/// <summary>
/// Numbers in CSV output files, the same whatever culture a run uses for its console or report text:
/// invariant culture, shortest round-trip form ("R"), ASCII '-' for a negative value, '.' as the
/// decimal point, no group separators or spaces (so Excel, R and Python read them as numbers in any
/// locale; U+2212 minus or U+202F narrow no-break spaces, which some cultures use, make Excel read
/// text). Negative zero is written as 0; a value that is not finite (undefined) as an empty field.
/// One source file, compiled into each package that writes CSV (SocialInvestment.Csv, .Cli).
/// </summary>
internal static class CsvNumber
{
    /// <summary>The CSV field for <paramref name="value"/>.</summary>
    public static string Format(double value)
    {
        if (!double.IsFinite(value))
        {
            return string.Empty;
        }

        return value == 0 ? "0" : value.ToString("R", CultureInfo.InvariantCulture);
    }
}
