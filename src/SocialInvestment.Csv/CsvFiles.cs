using CsvHelper;
using SocialInvestment.IO;

namespace SocialInvestment.Scenarios;

/// <summary>CSV files written atomically (through <see cref="AtomicFile"/>).</summary>
internal static class CsvFiles
{
    /// <summary>Writes a CSV file atomically: a header and rows of text fields, separated by <paramref name="delimiter"/> (default ',').</summary>
    public static void WriteCsv(string path, IReadOnlyList<string> header, IEnumerable<string?[]> rows, char delimiter = ',')
        => AtomicFile.Write(path, stream => WriteCsv(stream, header, rows, delimiter));

    /// <summary>Writes a header and rows of text fields to a stream (UTF-8, '\n' line ends), quoting fields as CSV needs.</summary>
    public static void WriteCsv(Stream stream, IReadOnlyList<string> header, IEnumerable<string?[]> rows, char delimiter = ',')
    {
        using var csv = CsvWriter.Create(stream, CsvWriterOptions.Default with { NewLine = "\n", Separator = delimiter }, leaveOpen: true);
        csv.WriteHeader([.. header]);
        foreach (var r in rows)
        {
            csv.WriteRecord(r!);
        }
    }
}
