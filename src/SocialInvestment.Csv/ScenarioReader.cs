using System.Globalization;
using System.Text.Json;
using SocialInvestment.Economics;
using SocialInvestment.Engine;
using SocialInvestment.Model;

namespace SocialInvestment.Scenarios;

/// <summary>
/// Reads a scenario folder: a JSON manifest (<c>scenario.json</c>) with the settings and the names
/// of the CSV tables, and the tables themselves. Reading is strict: UTF-8 only, invariant culture
/// (a decimal comma is an error that says so), unknown or missing columns and unknown or duplicate
/// names are rejected, and every problem in every file is collected into one
/// <see cref="ScenarioFormatException"/>. The model the scenario describes is then built once, and
/// its problems (rows not summing to one, …) are reported against the offending rows.
/// </summary>
public static class ScenarioReader
{
    internal static readonly IReadOnlyDictionary<string, string> TableKeys = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["states"] = ScenarioFiles.States,
        ["payers"] = ScenarioFiles.Payers,
        ["sectors"] = ScenarioFiles.Sectors,
        ["parameters"] = ScenarioFiles.Parameters,
        ["transitions"] = ScenarioFiles.Transitions,
        ["flows"] = ScenarioFiles.Flows,
        ["population"] = ScenarioFiles.Population,
        ["priceIndex"] = ScenarioFiles.PriceIndex,
        ["interventions"] = ScenarioFiles.Interventions,
        ["interventionCosts"] = ScenarioFiles.InterventionCosts,
        ["effects"] = ScenarioFiles.Effects,
        ["strategies"] = ScenarioFiles.Strategies,
    };

    private static readonly string[] RequiredTables = ["states", "transitions", "population"];

    /// <summary>Reads and validates a scenario folder with the default <see cref="ScenarioLimits"/>.</summary>
    /// <param name="directory">The folder holding <c>scenario.json</c>.</param>
    /// <returns>The scenario.</returns>
    /// <exception cref="ScenarioFormatException">Every problem in every file, each with file, line, column and the expected form.</exception>
    public static Scenario Read(string directory) => Read(directory, ScenarioLimits.Default);

    /// <summary>
    /// Reads and validates a scenario folder as untrusted input: only regular files inside the folder
    /// are read (no named pipes, devices or symbolic links out of it), each within
    /// <see cref="ScenarioLimits.MaxFileBytes"/>, streamed row by row so that memory is bounded by the
    /// row; UTF-8 with or without a byte order mark. Every breach of a limit is a located problem.
    /// </summary>
    /// <param name="directory">The folder holding <c>scenario.json</c>.</param>
    /// <param name="limits">The limits (file sizes, rows, problems kept, the model's limits).</param>
    /// <returns>The scenario.</returns>
    /// <exception cref="ScenarioFormatException">Every problem in every file (at most <see cref="ScenarioLimits.MaxProblems"/> listed), each with file, line, column and the expected form.</exception>
    public static Scenario Read(string directory, ScenarioLimits limits)
    {
        ArgumentNullException.ThrowIfNull(directory);
        ArgumentNullException.ThrowIfNull(limits);
        if (!Directory.Exists(directory))
        {
            throw new ScenarioFormatException([new ScenarioProblem(directory, null, null, null, "The scenario folder does not exist.")]);
        }

        return ReadFrom(name => ScenarioInput.Open(directory, name, name == ScenarioFiles.Manifest ? Math.Min(limits.MaxManifestBytes, limits.MaxFileBytes) : limits.MaxFileBytes), limits);
    }

    /// <summary>Reads a scenario from a file source (a folder, or embedded resources).</summary>
    internal static Scenario ReadFrom(Func<string, OpenedFile> open, ScenarioLimits? limits = null)
    {
        limits ??= ScenarioLimits.Default;
        var problems = new ProblemList(limits.MaxProblems);
        var manifest = open(ScenarioFiles.Manifest);
        if (manifest.Problem is string why)
        {
            throw new ScenarioFormatException([new ScenarioProblem(ScenarioFiles.Manifest, null, null, null, why)]);
        }

        if (manifest.Stream is null)
        {
            throw new ScenarioFormatException([new ScenarioProblem(ScenarioFiles.Manifest, null, null, null, "The manifest scenario.json is missing. A scenario folder needs scenario.json with the settings and the names of its CSV tables.")]);
        }

        byte[] manifestBytes;
        try
        {
            using (manifest.Stream)
            {
                var utf8 = ScenarioInput.CheckUtf8(manifest.Stream, ScenarioFiles.Manifest, out _);
                if (utf8 is not null)
                {
                    throw new ScenarioFormatException([utf8]);
                }

                using var ms = new MemoryStream();
                manifest.Stream.CopyTo(ms);
                manifestBytes = ms.ToArray();
            }
        }
        catch (IOException e)
        {
            throw new ScenarioFormatException([new ScenarioProblem(ScenarioFiles.Manifest, null, null, null, e.Message)]);
        }

        var positions = ManifestPositions.Scan(manifestBytes, problems);
        var map = new SourceMap { Positions = positions };
        var (settings, files, format) = positions.Valid ? ReadManifest(manifestBytes, problems, limits) : (null, new Dictionary<string, string>(StringComparer.Ordinal), CsvFormat.Invariant);
        var broken = new HashSet<string>(StringComparer.Ordinal);

        List<T> Load<T>(string key, Func<RowCursor, T?> read)
            where T : class
        {
            var list = new List<T>();
            var file = files.GetValueOrDefault(key, TableKeys[key]);
            var opened = open(file);
            if (opened.Problem is string problem)
            {
                problems.Add(new ScenarioProblem(file, null, null, null, problem));
                broken.Add(key);
                return list;
            }

            if (opened.Stream is null)
            {
                if (RequiredTables.Contains(key) || files.ContainsKey(key))
                {
                    problems.Add(new ScenarioProblem(file, null, null, null, $"The {key} table '{file}' is missing{(files.ContainsKey(key) ? " (named in scenario.json)" : " (required)")}."));
                    broken.Add(key);
                }

                return list;
            }

            using (opened.Stream)
            {
                CsvTable? table;
                try
                {
                    table = CsvTable.Read(opened.Stream, file, TableColumns.For(key), problems, limits, format, cursor =>
                    {
                        var row = read(cursor);
                        if (row is not null)
                        {
                            list.Add(row);
                            map.Add(row, file, cursor.Line, cursor.Headers);
                        }
                    });
                }
                catch (IOException e)
                {
                    // The file grew beyond the size limit while it was read, or could not be read.
                    problems.Add(new ScenarioProblem(file, null, null, null, e.Message));
                    table = null;
                }

                if (table is null)
                {
                    broken.Add(key);
                    list.Clear();
                }
                else if (RequiredTables.Contains(key) && table.RowCount == 0)
                {
                    problems.Add(new ScenarioProblem(file, null, null, null, "The table has a header but no rows; at least one row is required."));
                }
            }

            return list;
        }

        var states = Load("states", TableRows.State);
        var payers = Load("payers", TableRows.Payer);
        var sectors = Load("sectors", TableRows.Sector);
        var parameters = Load("parameters", TableRows.Parameter);
        var transitions = Load("transitions", TableRows.Transition);
        var flows = Load("flows", TableRows.Flow);
        var population = Load("population", TableRows.Population);
        var priceIndex = Load("priceIndex", TableRows.PriceIndex);
        var interventions = Load("interventions", TableRows.Intervention);
        var costs = Load("interventionCosts", TableRows.InterventionCost);
        var effects = Load("effects", TableRows.Effect);
        var strategies = Load("strategies", TableRows.Strategy);

        var scenario = new Scenario
        {
            Settings = settings ?? new ScenarioSettings { Name = "invalid" },
            States = states,
            Payers = payers,
            Sectors = sectors,
            Parameters = parameters,
            Transitions = transitions,
            Flows = flows,
            Population = population,
            PriceIndex = priceIndex,
            Interventions = interventions,
            InterventionCosts = costs,
            Effects = effects,
            Strategies = strategies,
            Source = map,
        };
        map.Attach(scenario.States);
        map.Attach(scenario.Payers);
        map.Attach(scenario.Sectors);
        map.Attach(scenario.Parameters);
        map.Attach(scenario.Transitions);
        map.Attach(scenario.Flows);
        map.Attach(scenario.Population);
        map.Attach(scenario.PriceIndex);
        map.Attach(scenario.Interventions);
        map.Attach(scenario.InterventionCosts);
        map.Attach(scenario.Effects);
        map.Attach(scenario.Strategies);

        if (settings is not null)
        {
            ScenarioValidator.Validate(scenario, map, broken, problems, limits);
        }

        if (problems.Count == 0)
        {
            var found = scenario.ModelProblems(limits.Model);
            var index = found.Count > 0 ? map.IndexSubjects(scenario) : null;
            foreach (var p in found)
            {
                problems.Add(ProblemLocator.ToScenarioProblem(scenario, p, index));
            }
        }

        if (problems.Count > 0)
        {
            positions.Locate(problems);
            throw problems.ToException();
        }

        return scenario;
    }

    private static (ScenarioSettings? Settings, Dictionary<string, string> Files, CsvFormat Format) ReadManifest(byte[] bytes, ProblemList problems, ScenarioLimits limits)
    {
        var format = CsvFormat.Invariant;
        const string file = ScenarioFiles.Manifest;
        var files = new Dictionary<string, string>(StringComparer.Ordinal);
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(ManifestPositions.WithoutBom(bytes), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException e)
        {
            problems.Add(new ScenarioProblem(file, (int?)(e.LineNumber + 1), (int?)(e.BytePositionInLine + 1), null, $"The manifest is not valid JSON (UTF-8): {e.Message}"));
            return (null, files, format);
        }

        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                problems.Add(new ScenarioProblem(file, 1, null, null, "The manifest must be a JSON object with the settings (name, horizonCycles, priceYear, …) and a 'tables' object."));
                return (null, files, format);
            }

            var s = new ScenarioSettings { Name = string.Empty };
            var known = new[] { "name", "description", "notes", "horizonCycles", "cycleLengthYears", "counting", "costDiscounting", "outcomeDiscounting", "discountTimeOffsetYears", "discountStepsOffsetYears", "priceYear", "taxFinancingCost", "comparator", "populationSize", "perspectives", "csv", "tables" };
            foreach (var prop in root.EnumerateObject())
            {
                if (!known.Contains(prop.Name, StringComparer.Ordinal))
                {
                    problems.Add(new ScenarioProblem(file, null, null, prop.Name, $"Unknown property '{prop.Name}'. Known: {string.Join(", ", known)}."));
                }
            }

            string? Str(string name, bool required)
            {
                if (!root.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null)
                {
                    if (required)
                    {
                        problems.Add(new ScenarioProblem(file, null, null, name, $"The property '{name}' is required (a string)."));
                    }

                    return null;
                }

                if (v.ValueKind != JsonValueKind.String)
                {
                    problems.Add(new ScenarioProblem(file, null, null, name, $"'{name}' must be a string."));
                    return null;
                }

                return v.GetString();
            }

            double? Num(string name)
            {
                if (!root.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null)
                {
                    return null;
                }

                if (v.ValueKind == JsonValueKind.Number && v.TryGetDouble(out var d))
                {
                    return d;
                }

                var text = v.ValueKind == JsonValueKind.String ? v.GetString() ?? string.Empty : v.GetRawText();
                problems.Add(new ScenarioProblem(file, null, null, name, RowCursor.IsDecimalComma(text) ? $"'{name}' uses a decimal comma ('{text}'); write a JSON number with a decimal point." : $"'{name}' must be a JSON number."));
                return null;
            }

            int? Int(string name)
            {
                var d = Num(name);
                if (d is double x && (x != Math.Floor(x) || x < int.MinValue || x > int.MaxValue))
                {
                    problems.Add(new ScenarioProblem(file, null, null, name, $"'{name}' must be a whole number."));
                    return null;
                }

                return d is null ? null : (int)d.Value;
            }

            s = s with { Name = Str("name", true) ?? string.Empty };
            s = s with { Description = Str("description", false) };
            if (Int("horizonCycles") is int h) s = s with { HorizonCycles = h };
            if (Num("cycleLengthYears") is double cl) s = s with { CycleLengthYears = cl };
            if (Str("counting", false) is string c) s = s with { Counting = c };
            if (Str("costDiscounting", false) is string cd) s = s with { CostDiscounting = cd };
            if (Str("outcomeDiscounting", false) is string od) s = s with { OutcomeDiscounting = od };
            if (Num("discountTimeOffsetYears") is double dto) s = s with { DiscountTimeOffsetYears = dto };
            if (Num("discountStepsOffsetYears") is double dso) s = s with { DiscountStepsOffsetYears = dso };
            if (Int("priceYear") is int py) s = s with { PriceYear = py };
            if (Num("taxFinancingCost") is double tfc) s = s with { TaxFinancingCost = tfc };
            if (Str("comparator", false) is string comp) s = s with { Comparator = comp };
            if (Num("populationSize") is double size) s = s with { PopulationSize = size };
            if (root.TryGetProperty("perspectives", out var per))
            {
                if (per.ValueKind == JsonValueKind.Array && per.EnumerateArray().All(e => e.ValueKind == JsonValueKind.String))
                {
                    s = s with { Perspectives = per.EnumerateArray().Select(e => e.GetString()!).ToArray() };
                }
                else
                {
                    problems.Add(new ScenarioProblem(file, null, null, "perspectives", "'perspectives' must be an array of strings (payer names, public, society, individual, resource-costs)."));
                }
            }

            if (root.TryGetProperty("tables", out var tables))
            {
                if (tables.ValueKind != JsonValueKind.Object)
                {
                    problems.Add(new ScenarioProblem(file, null, null, "tables", "'tables' must be an object mapping table names to CSV file names."));
                }
                else
                {
                    foreach (var t in tables.EnumerateObject())
                    {
                        if (!TableKeys.ContainsKey(t.Name))
                        {
                            problems.Add(new ScenarioProblem(file, null, null, "tables." + t.Name, $"Unknown table '{t.Name}'. Known: {string.Join(", ", TableKeys.Keys)}."));
                        }
                        else if (t.Value.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(t.Value.GetString()))
                        {
                            problems.Add(new ScenarioProblem(file, null, null, "tables." + t.Name, "A table must be named by a file name (a string)."));
                        }
                        else
                        {
                            var name = t.Value.GetString()!;
                            if (Path.IsPathRooted(name) || name.Contains("..", StringComparison.Ordinal))
                            {
                                problems.Add(new ScenarioProblem(file, null, null, "tables." + t.Name, $"'{name}' must be a file name inside the scenario folder."));
                            }
                            else
                            {
                                files[t.Name] = name;
                            }
                        }
                    }
                }
            }

            if (root.TryGetProperty("csv", out var csv))
            {
                format = ReadCsvFormat(csv, problems);
                s = s with { CsvDelimiter = format.Delimiter, DecimalSeparator = format.DecimalSeparator };
            }

            return (s, files, format);
        }
    }

    private static CsvFormat ReadCsvFormat(JsonElement csv, ProblemList problems)
    {
        const string file = ScenarioFiles.Manifest;
        if (csv.ValueKind != JsonValueKind.Object)
        {
            problems.Add(new ScenarioProblem(file, null, null, "csv", "'csv' must be an object such as {\"delimiter\": \";\", \"decimalSeparator\": \",\"}."));
            return CsvFormat.Invariant;
        }

        char Char(string name, char fallback, string allowed)
        {
            if (!csv.TryGetProperty(name, out var v))
            {
                return fallback;
            }

            var text = v.ValueKind == JsonValueKind.String ? v.GetString() : null;
            if (text is not { Length: 1 } || !allowed.Contains(text[0], StringComparison.Ordinal))
            {
                problems.Add(new ScenarioProblem(file, null, null, "csv." + name, $"'csv.{name}' must be one of {string.Join(" or ", allowed.Select(c => $"\"{c}\""))}."));
                return fallback;
            }

            return text[0];
        }

        foreach (var p in csv.EnumerateObject())
        {
            if (p.Name is not ("delimiter" or "decimalSeparator"))
            {
                problems.Add(new ScenarioProblem(file, null, null, "csv." + p.Name, $"Unknown property 'csv.{p.Name}'. Known: delimiter, decimalSeparator."));
            }
        }

        var delimiter = Char("delimiter", ',', ",;");
        var decimalSeparator = Char("decimalSeparator", delimiter == ';' ? ',' : '.', ".,");
        if (delimiter == ',' && decimalSeparator == ',')
        {
            problems.Add(new ScenarioProblem(file, null, null, "csv.decimalSeparator", "A decimal comma needs the ';' delimiter (\"delimiter\": \";\"); with ',' as delimiter numbers use a decimal point."));
            decimalSeparator = '.';
        }

        return new CsvFormat(delimiter, decimalSeparator, true);
    }

    internal static string Format(double x) => x.ToString("R", CultureInfo.InvariantCulture);
}
