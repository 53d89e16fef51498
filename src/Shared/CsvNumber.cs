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

    /// <summary>The longest field <see cref="FormatUtf8"/> writes ("-1.2345678901234567E-308" has 24 bytes).</summary>
    public const int MaxUtf8Length = 32;

    /// <summary>
    /// Writes the field of <see cref="Format"/> as UTF-8 (ASCII) into <paramref name="destination"/>
    /// without making a string: the same bytes as <c>Encoding.UTF8.GetBytes(Format(value))</c>.
    /// </summary>
    /// <param name="value">The number.</param>
    /// <param name="destination">At least <see cref="MaxUtf8Length"/> bytes.</param>
    /// <returns>The number of bytes written.</returns>
    public static int FormatUtf8(double value, Span<byte> destination)
    {
        if (!double.IsFinite(value))
        {
            return 0;
        }

        if (value == 0)
        {
            destination[0] = (byte)'0';
            return 1;
        }

        if (!value.TryFormat(destination, out var written, "R", CultureInfo.InvariantCulture))
        {
            throw new ArgumentException("The destination is too short for a number.", nameof(destination));
        }

        return written;
    }
}
