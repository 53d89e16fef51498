using System.Globalization;
using System.Text;
using System.Text.Unicode;
using CsvHelper;

namespace SocialInvestment.Scenarios;

/// <summary>The columns of one table: name, whether required, and the expected form (for messages).</summary>
internal sealed record ColumnSpec(string Name, bool Required, string Form);

/// <summary>The text format of the CSV tables: the field delimiter and the decimal separator of numbers.</summary>
/// <param name="Delimiter">',' (default) or ';'.</param>
/// <param name="DecimalSeparator">'.' (default) or ','.</param>
/// <param name="Declared">Whether the format was declared in scenario.json (otherwise a table may be detected as semicolon-separated from its header).</param>
internal sealed record CsvFormat(char Delimiter, char DecimalSeparator, bool Declared)
{
    public static CsvFormat Invariant { get; } = new(',', '.', false);

    public static CsvFormat Semicolon { get; } = new(';', ',', false);
}

/// <summary>
/// The header of a CSV table; its rows are streamed to a callback by <see cref="Read"/>, so that
/// memory is bounded by one row, not the file.
/// </summary>
internal sealed class CsvTable
{
    private CsvTable(string file, string[] headers, CsvFormat format, ScenarioLimits limits)
    {
        File = file;
        Headers = headers;
        Format = format;
        Limits = limits;
    }

    public string File { get; }

    public string[] Headers { get; }

    public CsvFormat Format { get; }

    public ScenarioLimits Limits { get; }

    /// <summary>Longest text pooled by <see cref="Intern"/>; longer texts are kept as read.</summary>
    private const int MaxPooledLength = 256;

    /// <summary>Most distinct texts pooled per table, so that the pool itself stays bounded (about 20 MB at most).</summary>
    private const int MaxPooledTexts = 65_536;

    private readonly Dictionary<string, string> _pool = new(StringComparer.Ordinal);

    /// <summary>
    /// One instance per distinct text of the table: the state, payer, sector and source names a large
    /// table repeats on every row are kept once instead of once per row (the rows hold the text, so
    /// this is most of a large table's memory). Bounded: at most <see cref="MaxPooledTexts"/> texts of
    /// at most <see cref="MaxPooledLength"/> characters; the pool is dropped with the table.
    /// </summary>
    public string Intern(string text)
    {
        if (text.Length > MaxPooledLength)
        {
            return text;
        }

        if (_pool.TryGetValue(text, out var pooled))
        {
            return pooled;
        }

        if (_pool.Count < MaxPooledTexts)
        {
            _pool.Add(text, text);
        }

        return text;
    }

    private readonly Dictionary<object, object> _parts = [];

    /// <summary>
    /// One instance per distinct value of a shared part of the rows (a <see cref="FlowRowKey"/>:
    /// everything of a flow but its amount), by value equality; bounded like <see cref="Intern"/>.
    /// </summary>
    public T Pool<T>(T part)
        where T : class
    {
        if (_parts.TryGetValue(part, out var pooled))
        {
            return (T)pooled;
        }

        if (_parts.Count < MaxPooledTexts)
        {
            _parts.Add(part, part);
        }

        return part;
    }

    /// <summary>Number of data rows read.</summary>
    public int RowCount { get; private set; }

    /// <summary>
    /// Reads a CSV file strictly: UTF-8 only (a byte order mark is allowed), comma-separated (or
    /// semicolon-separated with a decimal comma when declared or detected unambiguously from the
    /// header), header first, lines starting with '#' are comments. Reports an empty file, invalid
    /// UTF-8, unknown, duplicate and missing columns, rows with the wrong number of fields and more
    /// rows than <see cref="ScenarioLimits.MaxRowsPerTable"/>. Each good row is passed to
    /// <paramref name="onRow"/> as it is read.
    /// </summary>
    /// <returns>The table (header and row count), or null when it cannot be read.</returns>
    public static CsvTable? Read(Stream stream, string file, IReadOnlyList<ColumnSpec> columns, ProblemList problems, ScenarioLimits limits, CsvFormat format, Action<RowCursor> onRow)
    {
        var expectedHeader = string.Join(format.Delimiter, columns.Select(c => c.Name));
        var utf8 = ScenarioInput.CheckUtf8(stream, file, out var blank);
        if (utf8 is not null)
        {
            problems.Add(utf8);
            return null;
        }

        if (blank)
        {
            problems.Add(new ScenarioProblem(file, null, null, null, $"The file is empty. Expected a header line '{expectedHeader}' (required: {string.Join(", ", columns.Where(c => c.Required).Select(c => c.Name))}) followed by data rows."));
            return null;
        }

        if (!format.Declared)
        {
            format = Detect(stream, format);
            expectedHeader = string.Join(format.Delimiter, columns.Select(c => c.Name));
        }

        var options = CsvReaderOptions.Default with
        {
            TrackLineNumbers = true,
            CommentPrefix = '#',
            SkipEmptyLines = true,
            Separator = format.Delimiter,
            MaxRecordSize = limits.MaxRecordBytes,
            PoolStrings = true,
        };
        using var reader = CsvReader.Create(stream, options, true);
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

        var ok = CheckHeader(file, headers, columns, expectedHeader, format, problems);
        var table = new CsvTable(file, headers, format, limits);
        try
        {
            while (reader.Read())
            {
                var line = (int)Math.Min(reader.LineNumber, int.MaxValue);
                if (reader.FieldCount == 1 && string.IsNullOrWhiteSpace(reader.GetString(0)))
                {
                    continue;
                }

                if (ok && reader.FieldCount != headers.Length)
                {
                    var hint = reader.FieldCount > headers.Length
                        ? (format.Delimiter == ','
                            ? " If a number was written with a decimal comma (0,5), write it with a decimal point (0.5): numbers are read in invariant culture, unless scenario.json declares \"csv\": {\"delimiter\": \";\", \"decimalSeparator\": \",\"}. Quote text that contains commas."
                            : " Quote text that contains semicolons.")
                        : " Add empty fields for missing optional values.";
                    problems.Add(new ScenarioProblem(file, line, null, null, string.Create(CultureInfo.InvariantCulture, $"The row has {reader.FieldCount} fields but the header has {headers.Length} ({string.Join(format.Delimiter, headers)}).{hint}")));
                    continue;
                }

                if (++table.RowCount > limits.MaxRowsPerTable)
                {
                    problems.AddAlways(new ScenarioProblem(file, line, null, null, string.Create(CultureInfo.InvariantCulture, $"The table has more than {limits.MaxRowsPerTable:N0} rows, the limit (ScenarioLimits.MaxRowsPerTable); reading stopped here.")));
                    return null;
                }

                if (!ok)
                {
                    continue;
                }

                var fields = new string[reader.FieldCount];
                for (var i = 0; i < fields.Length; i++)
                {
                    fields[i] = reader.GetString(i);
                }

                onRow(new RowCursor(table, line, fields, problems));
            }
        }
        catch (CsvFormatException e)
        {
            problems.Add(new ScenarioProblem(file, null, null, null, $"The file is not well-formed CSV: {e.Message}"));
            return null;
        }
        catch (IOException e)
        {
            problems.Add(new ScenarioProblem(file, null, null, null, e.Message));
            return null;
        }

        return ok ? table : null;
    }

    /// <summary>Detects a semicolon-separated table: its first non-comment line has ';' and no ','.</summary>
    private static CsvFormat Detect(Stream stream, CsvFormat format)
    {
        var start = stream.Position;
        var buffer = new byte[4096];
        var n = stream.Read(buffer, 0, buffer.Length);
        stream.Position = start;
        var text = Encoding.UTF8.GetString(buffer, 0, n);
        foreach (var raw in text.Split('\n'))
        {
            var l = raw.Trim();
            if (l.Length == 0 || l.StartsWith('#'))
            {
                continue;
            }

            return l.Contains(';', StringComparison.Ordinal) && !l.Contains(',', StringComparison.Ordinal) && !l.Contains('"', StringComparison.Ordinal) ? CsvFormat.Semicolon : format;
        }

        return format;
    }

    private static bool CheckHeader(string file, string[] headers, IReadOnlyList<ColumnSpec> columns, string expectedHeader, CsvFormat format, ProblemList problems)
    {
        var ok = true;
        var other = format.Delimiter == ',' ? ';' : ',';
        if (headers.Length == 1 && headers[0].Contains(other, StringComparison.Ordinal))
        {
            problems.Add(new ScenarioProblem(file, 1, 1, null, format.Delimiter == ','
                ? $"The file seems to use ';' as separator together with ','. Use ',' (comma-separated values, invariant culture) with a header like '{expectedHeader}', or declare \"csv\": {{\"delimiter\": \";\", \"decimalSeparator\": \",\"}} in scenario.json."
                : $"The file seems to use ',' as separator, but scenario.json declares ';'. Use a header like '{expectedHeader}'."));
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

    private readonly Dictionary<string, int> _columns = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The 0-based index of a column in the header (the first match, ignoring case), or -1; looked up once per column name, not once per cell.</summary>
    public int IndexOf(string column)
    {
        if (!_columns.TryGetValue(column, out var i))
        {
            i = Array.FindIndex(Headers, h => string.Equals(h, column, StringComparison.OrdinalIgnoreCase));
            _columns.Add(column, i);
        }

        return i;
    }
}

/// <summary>Reads typed values from one row, adding a problem (file, line, column, field, expected form) for each bad value.</summary>
internal readonly struct RowCursor(CsvTable table, int line, string[] fields, ProblemList problems)
{
    public int Line => line;

    /// <summary>The table's header (column names in file order).</summary>
    public IReadOnlyList<string> Headers => table.Headers;

    private string[] Fields => fields;

    public void Problem(string column, string message)
    {
        var i = table.IndexOf(column);
        problems.Add(new ScenarioProblem(table.File, Line, i < 0 ? null : i + 1, column, message));
    }

    /// <summary>The trimmed text of a column, or null when the column is absent or the cell is empty; pooled (<see cref="CsvTable.Intern"/>), as the rows keep it.</summary>
    public string? Text(string column)
    {
        var s = Raw(column);
        return s is null ? null : table.Intern(s);
    }

    /// <summary>
    /// The trimmed text of a column as read, not pooled: for the numbers, which are parsed and dropped
    /// (pooling them would cost a lookup per cell and fill the pool with amounts that never repeat,
    /// leaving no room for the names and sources that do).
    /// </summary>
    private string? Raw(string column)
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
        var s = Raw(column);
        if (s is null)
        {
            if (required)
            {
                Problem(column, $"A number is required ({form}).");
            }

            return null;
        }

        var format = table.Format;
        if (format.DecimalSeparator == ',')
        {
            if (s.Contains('.', StringComparison.Ordinal))
            {
                Problem(column, $"'{s}' has a '.', but the tables use a decimal comma (scenario.json \"csv\" or a semicolon-separated header); write {s.Replace('.', ',')} ({form}) without thousands separators.");
                return null;
            }

            s = s.Replace(',', '.');
        }

        if (TryParseNumber(s, out var v))
        {
            var max = table.Limits.Model.MaxAbsoluteValue;
            if (Math.Abs(v) > max)
            {
                Problem(column, string.Create(CultureInfo.InvariantCulture, $"{s} is beyond the limit of ±{max:R} (ModelLimits.MaxAbsoluteValue); expected {form}."));
                return null;
            }

            return v;
        }

        Problem(column, format.DecimalSeparator == ',' ? $"'{s}' is not a number; expected {form}, written with a decimal comma (for example 0,25)." : NumberMessage(s, form));
        return null;
    }

    public int? Integer(string column, string form, bool required = false)
    {
        var s = Raw(column);
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

    /// <summary>The pooled instance of a shared part of the row (<see cref="CsvTable.Pool"/>).</summary>
    public T Pool<T>(T part)
        where T : class => table.Pool(part);

    /// <summary>The table's decimal separator: '.' (invariant), or ',' when declared or detected.</summary>
    public char DecimalSeparator => table.Format.DecimalSeparator;

    /// <summary>Parses a number in the table's format (decimal point, or decimal comma when declared or detected), finite and within the magnitude limit.</summary>
    public bool TryNumber(string s, out double value)
    {
        value = 0;
        if (table.Format.DecimalSeparator == ',')
        {
            if (s.Contains('.', StringComparison.Ordinal))
            {
                return false;
            }

            s = s.Replace(',', '.');
        }

        return TryParseNumber(s, out value) && Math.Abs(value) <= table.Limits.Model.MaxAbsoluteValue;
    }

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
