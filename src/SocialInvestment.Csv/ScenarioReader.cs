using System.Globalization;
using System.Text.Json;
using SocialInvestment.Engine;
using SocialInvestment.Economics;
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

    /// <summary>Reads and validates a scenario folder.</summary>
    /// <param name="directory">The folder holding <c>scenario.json</c>.</param>
    /// <returns>The scenario.</returns>
    /// <exception cref="ScenarioFormatException">Every problem in every file, each with file, line, column and the expected form.</exception>
    public static Scenario Read(string directory)
    {
        ArgumentNullException.ThrowIfNull(directory);
        if (!Directory.Exists(directory))
        {
            throw new ScenarioFormatException([new ScenarioProblem(directory, null, null, null, "The scenario folder does not exist.")]);
        }

        return ReadFrom(name =>
        {
            var path = Path.Combine(directory, name);
            return File.Exists(path) ? File.ReadAllBytes(path) : null;
        });
    }

    /// <summary>Reads a scenario from a file source (a folder, or embedded resources).</summary>
    internal static Scenario ReadFrom(Func<string, byte[]?> open)
    {
        var problems = new List<ScenarioProblem>();
        var manifestBytes = open(ScenarioFiles.Manifest);
        if (manifestBytes is null)
        {
            throw new ScenarioFormatException([new ScenarioProblem(ScenarioFiles.Manifest, null, null, null, "The manifest scenario.json is missing. A scenario folder needs scenario.json with the settings and the names of its CSV tables.")]);
        }

        var (settings, files) = ReadManifest(manifestBytes, problems);
        LocateManifestProblems(manifestBytes, problems);
        var map = new SourceMap();
        var tables = new Dictionary<string, CsvTable?>(StringComparer.Ordinal);
        var broken = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (key, defaultFile) in TableKeys)
        {
            var file = files.GetValueOrDefault(key, defaultFile);
            var bytes = open(file);
            if (bytes is null)
            {
                if (RequiredTables.Contains(key) || files.ContainsKey(key))
                {
                    problems.Add(new ScenarioProblem(file, null, null, null, $"The {key} table '{file}' is missing{(files.ContainsKey(key) ? " (named in scenario.json)" : " (required)")}."));
                }

                tables[key] = null;
                continue;
            }

            tables[key] = CsvTable.Read(bytes, file, TableColumns.For(key), problems);
            if (tables[key] is null)
            {
                broken.Add(key);
            }
        }

        var states = Rows(tables["states"], problems, map, TableRows.State);
        var payers = Rows(tables["payers"], problems, map, TableRows.Payer);
        var sectors = Rows(tables["sectors"], problems, map, TableRows.Sector);
        var parameters = Rows(tables["parameters"], problems, map, TableRows.Parameter);
        var transitions = Rows(tables["transitions"], problems, map, TableRows.Transition);
        var flows = Rows(tables["flows"], problems, map, TableRows.Flow);
        var population = Rows(tables["population"], problems, map, TableRows.Population);
        var priceIndex = Rows(tables["priceIndex"], problems, map, TableRows.PriceIndex);
        var interventions = Rows(tables["interventions"], problems, map, TableRows.Intervention);
        var costs = Rows(tables["interventionCosts"], problems, map, TableRows.InterventionCost);
        var effects = Rows(tables["effects"], problems, map, TableRows.Effect);
        var strategies = Rows(tables["strategies"], problems, map, TableRows.Strategy);

        foreach (var key in RequiredTables)
        {
            if (tables[key] is { Rows.Count: 0 } t)
            {
                problems.Add(new ScenarioProblem(t.File, null, null, null, "The table has a header but no rows; at least one row is required."));
            }
        }

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

        if (settings is not null)
        {
            ScenarioValidator.Validate(scenario, map, broken, problems);
        }

        if (problems.Count == 0)
        {
            try
            {
                scenario.BuildModel();
            }
            catch (ModelValidationException e)
            {
                foreach (var p in e.Problems)
                {
                    // BuildModel has already prefixed located subjects with file:line; locate again for the structured fields.
                    var bare = StripLocation(p);
                    var at = ProblemLocator.Locate(scenario, bare);
                    problems.Add(new ScenarioProblem(at?.File ?? "model", at?.Line, null, null, bare.ToString()));
                }
            }
        }

        if (problems.Count > 0)
        {
            throw new ScenarioFormatException(problems.OrderBy(p => p.File, StringComparer.Ordinal).ThenBy(p => p.Line ?? 0).ThenBy(p => p.Column ?? 0).ToArray());
        }

        return scenario;
    }

    private static ValidationProblem StripLocation(ValidationProblem p)
    {
        var s = p.Subject;
        var i = s.IndexOf(": ", StringComparison.Ordinal);
        if (i > 0 && s[..i].Contains(".csv:", StringComparison.Ordinal))
        {
            return p with { Subject = s[(i + 2)..] };
        }

        return p;
    }

    private static List<T> Rows<T>(CsvTable? table, List<ScenarioProblem> problems, SourceMap map, Func<RowCursor, T?> read)
        where T : class
    {
        var list = new List<T>();
        if (table is null)
        {
            return list;
        }

        for (var i = 0; i < table.Rows.Count; i++)
        {
            var cursor = new RowCursor(table, i, problems);
            var row = read(cursor);
            if (row is not null)
            {
                list.Add(row);
                map.Add(row, table.File, cursor.Line);
            }
        }

        return list;
    }

    private static (ScenarioSettings? Settings, Dictionary<string, string> Files) ReadManifest(byte[] bytes, List<ScenarioProblem> problems)
    {
        const string file = ScenarioFiles.Manifest;
        var files = new Dictionary<string, string>(StringComparer.Ordinal);
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(bytes, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException e)
        {
            problems.Add(new ScenarioProblem(file, (int?)(e.LineNumber + 1), (int?)(e.BytePositionInLine + 1), null, $"The manifest is not valid JSON (UTF-8): {e.Message}"));
            return (null, files);
        }

        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                problems.Add(new ScenarioProblem(file, 1, null, null, "The manifest must be a JSON object with the settings (name, horizonCycles, priceYear, …) and a 'tables' object."));
                return (null, files);
            }

            var s = new ScenarioSettings { Name = string.Empty };
            var known = new[] { "name", "description", "notes", "horizonCycles", "cycleLengthYears", "counting", "costDiscounting", "outcomeDiscounting", "discountTimeOffsetYears", "discountStepsOffsetYears", "priceYear", "taxFinancingCost", "comparator", "populationSize", "perspectives", "tables" };
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

            return (s, files);
        }
    }

    /// <summary>Gives manifest problems that name a property the line of that property's first occurrence.</summary>
    private static void LocateManifestProblems(byte[] manifest, List<ScenarioProblem> problems)
    {
        string text;
        try
        {
            text = new System.Text.UTF8Encoding(false, true).GetString(manifest);
        }
        catch (System.Text.DecoderFallbackException)
        {
            return;
        }

        for (var i = 0; i < problems.Count; i++)
        {
            var p = problems[i];
            if (p.File != ScenarioFiles.Manifest || p.Line is not null || p.Field is null)
            {
                continue;
            }

            var key = "\"" + p.Field.Split('.')[^1] + "\"";
            var at = text.IndexOf(key, StringComparison.Ordinal);
            if (at >= 0)
            {
                var line = 1 + text.AsSpan(0, at).Count('\n');
                var column = at - text.LastIndexOf('\n', Math.Max(0, at - 1));
                problems[i] = p with { Line = line, Column = column };
            }
        }
    }

    internal static string Format(double x) => x.ToString("R", CultureInfo.InvariantCulture);
}
