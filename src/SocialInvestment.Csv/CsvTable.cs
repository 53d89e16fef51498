using System.Globalization;
using System.Text;
using System.Text.Unicode;
using CsvHelper;

namespace SocialInvestment.Scenarios;

/// <summary>The columns of one table: name, whether required, and the expected form (for messages).</summary>
internal sealed record ColumnSpec(string Name, bool Required, string Form);

/// <summary>A CSV table read as text, with the line of each row; parsing of values is done by <see cref="RowCursor"/>.</summary>
internal sealed class CsvTable
{
    private CsvTable(string file, string[] headers, List<(int Line, string[] Fields)> rows)
    {
        File = file;
        Headers = headers;
        Rows = rows;
    }

    public string File { get; }

    public string[] Headers { get; }

    public List<(int Line, string[] Fields)> Rows { get; }

    /// <summary>
    /// Reads a CSV file strictly: UTF-8 only (a byte order mark is allowed), comma-separated,
    /// header first, lines starting with '#' are comments. Reports an empty file, invalid UTF-8,
    /// unknown, duplicate and missing columns, and rows with the wrong number of fields.
    /// </summary>
    public static CsvTable? Read(byte[] bytes, string file, IReadOnlyList<ColumnSpec> columns, List<ScenarioProblem> problems)
    {
        var expectedHeader = string.Join(',', columns.Select(c => c.Name));
        var start = bytes.Length >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF ? 3 : 0;
        var span = bytes.AsSpan(start);
        if (span.Trim("\r\n\t "u8).IsEmpty)
        {
            problems.Add(new ScenarioProblem(file, null, null, null, $"The file is empty. Expected a header line '{expectedHeader}' (required: {string.Join(", ", columns.Where(c => c.Required).Select(c => c.Name))}) followed by data rows."));
            return null;
        }

        // Strict UTF-8: report the first invalid byte with its line and column.
        var chars = new char[span.Length];
        var status = Utf8.ToUtf16(span, chars, out var bytesRead, out _, replaceInvalidSequences: false);
        if (status != System.Buffers.OperationStatus.Done)
        {
            var before = span[..bytesRead];
            var line = before.Count((byte)'\n') + 1;
            var lastNl = before.LastIndexOf((byte)'\n');
            var column = Encoding.UTF8.GetCharCount(before[(lastNl + 1)..]) + 1;
            problems.Add(new ScenarioProblem(file, line, column, null, string.Create(CultureInfo.InvariantCulture, $"The file is not valid UTF-8 (byte 0x{span[bytesRead]:X2} at offset {bytesRead + start}). Save it as UTF-8; Latin-1/Windows-1252 (for example æ, ø, å from Excel) is not accepted.")));
            return null;
        }

        var options = CsvReaderOptions.Default with { TrackLineNumbers = true, CommentPrefix = '#', SkipEmptyLines = true, Separator = ',' };
        using var reader = CsvReader.Create(bytes, options);
        string[] headers;
        try
        {
            headers = reader.Headers.Select(h => h.Trim()).ToArray();
        }
        catch (CsvFormatException e)
        {
            problems.Add(new ScenarioProblem(file, 1, null, null, $"The header line cannot be read: {e.Message}"));
            return null;
        }

        var ok = CheckHeader(file, headers, columns, expectedHeader, problems);
        var rows = new List<(int, string[])>();
        try
        {
            while (reader.Read())
            {
                var line = (int)reader.LineNumber;
                var fields = new string[reader.FieldCount];
                for (var i = 0; i < fields.Length; i++)
                {
                    fields[i] = reader.GetString(i);
                }

                if (fields.Length == 1 && string.IsNullOrWhiteSpace(fields[0]))
                {
                    continue;
                }

                if (ok && fields.Length != headers.Length)
                {
                    var hint = fields.Length > headers.Length
                        ? " If a number was written with a decimal comma (0,5), write it with a decimal point (0.5): numbers are read in invariant culture. Quote text that contains commas."
                        : " Add empty fields for missing optional values.";
                    problems.Add(new ScenarioProblem(file, line, null, null, string.Create(CultureInfo.InvariantCulture, $"The row has {fields.Length} fields but the header has {headers.Length} ({string.Join(',', headers)}).{hint}")));
                    continue;
                }

                rows.Add((line, fields));
            }
        }
        catch (CsvFormatException e)
        {
            problems.Add(new ScenarioProblem(file, null, null, null, $"The file is not well-formed CSV: {e.Message}"));
            return null;
        }

        return ok ? new CsvTable(file, headers, rows) : null;
    }

    private static bool CheckHeader(string file, string[] headers, IReadOnlyList<ColumnSpec> columns, string expectedHeader, List<ScenarioProblem> problems)
    {
        var ok = true;
        if (headers.Length == 1 && headers[0].Contains(';', StringComparison.Ordinal))
        {
            problems.Add(new ScenarioProblem(file, 1, 1, null, $"The file seems to use ';' as separator. Use ',' (comma-separated values, invariant culture) with a header like '{expectedHeader}'."));
            return false;
        }

        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < headers.Length; i++)
        {
            var h = headers[i];
            if (!seen.Add(h))
            {
                problems.Add(new ScenarioProblem(file, 1, i + 1, h, $"The column '{h}' appears more than once."));
                ok = false;
            }
            else if (!columns.Any(c => string.Equals(c.Name, h, StringComparison.OrdinalIgnoreCase)))
            {
                problems.Add(new ScenarioProblem(file, 1, i + 1, h, $"Unknown column '{h}'. Known columns: {string.Join(", ", columns.Select(c => c.Name))}."));
            }
        }

        foreach (var c in columns.Where(c => c.Required))
        {
            if (!headers.Contains(c.Name, StringComparer.OrdinalIgnoreCase))
            {
                problems.Add(new ScenarioProblem(file, 1, null, c.Name, $"The required column '{c.Name}' ({c.Form}) is missing. Expected header: '{expectedHeader}'."));
                ok = false;
            }
        }

        return ok;
    }

    public int IndexOf(string column) => Array.FindIndex(Headers, h => string.Equals(h, column, StringComparison.OrdinalIgnoreCase));
}

/// <summary>Reads typed values from one row, adding a problem (file, line, column, field, expected form) for each bad value.</summary>
internal readonly struct RowCursor(CsvTable table, int row, List<ScenarioProblem> problems)
{
    public int Line => table.Rows[row].Line;

    private string[] Fields => table.Rows[row].Fields;

    public void Problem(string column, string message)
    {
        var i = table.IndexOf(column);
        problems.Add(new ScenarioProblem(table.File, Line, i < 0 ? null : i + 1, column, message));
    }

    /// <summary>The trimmed text of a column, or null when the column is absent or the cell is empty.</summary>
    public string? Text(string column)
    {
        var i = table.IndexOf(column);
        if (i < 0)
        {
            return null;
        }

        var s = Fields[i].Trim();
        return s.Length == 0 ? null : s;
    }

    public string Name(string column, string form)
    {
        var s = Text(column);
        if (s is null)
        {
            Problem(column, $"A value is required ({form}).");
            return string.Empty;
        }

        return s;
    }

    public double? Number(string column, string form, bool required = false)
    {
        var s = Text(column);
        if (s is null)
        {
            if (required)
            {
                Problem(column, $"A number is required ({form}).");
            }

            return null;
        }

        if (TryParseNumber(s, out var v))
        {
            return v;
        }

        Problem(column, NumberMessage(s, form));
        return null;
    }

    public int? Integer(string column, string form, bool required = false)
    {
        var s = Text(column);
        if (s is null)
        {
            if (required)
            {
                Problem(column, $"A whole number is required ({form}).");
            }

            return null;
        }

        if (int.TryParse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var v))
        {
            return v;
        }

        Problem(column, IsDecimalComma(s) ? $"'{s}' uses a decimal comma; expected a whole number ({form})." : $"'{s}' is not a whole number; expected {form}.");
        return null;
    }

    public bool Bool(string column, bool defaultValue)
    {
        var s = Text(column);
        if (s is null)
        {
            return defaultValue;
        }

        switch (s.ToUpperInvariant())
        {
            case "TRUE" or "YES" or "1":
                return true;
            case "FALSE" or "NO" or "0":
                return false;
            default:
                Problem(column, $"'{s}' is not a boolean; expected true or false.");
                return defaultValue;
        }
    }

    public T Choice<T>(string column, IReadOnlyDictionary<string, T> choices, T defaultValue, bool required)
    {
        var s = Text(column);
        if (s is null)
        {
            if (required)
            {
                Problem(column, $"A value is required: one of {string.Join(", ", choices.Keys.Take(8))}.");
            }

            return defaultValue;
        }

        if (choices.TryGetValue(s.ToUpperInvariant(), out var v) || choices.TryGetValue(s, out v))
        {
            return v;
        }

        Problem(column, $"'{s}' is not one of: {string.Join(", ", choices.Keys.Select(k => k.ToLowerInvariant()).Distinct())}.");
        return defaultValue;
    }

    public IReadOnlyList<string> List(string column) => Text(column)?.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? [];

    public static bool TryParseNumber(string s, out double value)
        => double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out value) && double.IsFinite(value);

    public static bool IsDecimalComma(string s)
    {
        var t = s.Trim();
        var comma = t.IndexOf(',', StringComparison.Ordinal);
        return comma > 0 && comma < t.Length - 1 && t.Count(ch => ch == ',') == 1 && !t.Contains('.', StringComparison.Ordinal)
            && t.Replace(",", string.Empty, StringComparison.Ordinal).TrimStart('-', '+').All(char.IsDigit);
    }

    public static string NumberMessage(string s, string form)
        => IsDecimalComma(s)
            ? $"'{s}' uses a decimal comma; numbers are read in invariant culture, write {s.Replace(',', '.')} ({form})."
            : $"'{s}' is not a number; expected {form}, written with a decimal point (for example 0.25 or 1e-3).";
}
