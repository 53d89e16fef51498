using System.Text.Json;
using SocialInvestment.Model;

namespace SocialInvestment.Scenarios;

/// <summary>Where each row of a scenario was read from, keyed by row instance.</summary>
internal sealed class SourceMap
{
    // Compact: a file index and a line per row (8 bytes, not a string reference and a line), as a large table has a row per line.
    private readonly Dictionary<object, (int File, int Line)> _rows = new(ReferenceEqualityComparer.Instance);
    private readonly List<string> _files = [];

    public string ManifestFile { get; init; } = ScenarioFiles.Manifest;

    /// <summary>Where each property of scenario.json is (line and column), when read from a file.</summary>
    public ManifestPositions? Positions { get; init; }

    public void Add(object row, string file, int line)
    {
        var f = _files.Count > 0 && ReferenceEquals(_files[^1], file) ? _files.Count - 1 : _files.IndexOf(file);
        if (f < 0)
        {
            f = _files.Count;
            _files.Add(file);
        }

        _rows[row] = (f, line);
    }

    public (string File, int Line)? Find(object? row) => row is not null && _rows.TryGetValue(row, out var at) ? (_files[at.File], at.Line) : null;
}

/// <summary>
/// The line and column of every property of scenario.json (top level and one level down, as
/// <c>tables.states</c>), found with <see cref="Utf8JsonReader"/>; duplicate keys at any depth are problems.
/// </summary>
internal sealed class ManifestPositions
{
    private readonly Dictionary<string, (int Line, int Column)> _at = new(StringComparer.Ordinal);

    public bool Valid { get; private set; } = true;

    public static ReadOnlySpan<byte> WithoutBom(ReadOnlySpan<byte> bytes) => bytes.StartsWith("\uFEFF"u8) ? bytes[3..] : bytes;

    public static byte[] WithoutBom(byte[] bytes) => bytes.AsSpan().StartsWith("\uFEFF"u8) ? bytes[3..] : bytes;

    public static ManifestPositions Scan(byte[] manifest, ProblemList problems)
    {
        var result = new ManifestPositions();
        var bytes = WithoutBom(manifest);
        var lineStarts = new List<int> { 0 };
        for (var i = 0; i < bytes.Length; i++)
        {
            if (bytes[i] == (byte)'\n')
            {
                lineStarts.Add(i + 1);
            }
        }

        (int, int) At(long offset)
        {
            var o = (int)offset;
            var line = lineStarts.BinarySearch(o);
            line = line >= 0 ? line : ~line - 1;
            var column = System.Text.Encoding.UTF8.GetCharCount(bytes, lineStarts[line], o - lineStarts[line]) + 1;
            return (line + 1, column);
        }

        var reader = new Utf8JsonReader(bytes, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true, MaxDepth = 64 });
        var path = new List<string?>();
        var keys = new List<HashSet<string>?>();
        string? pending = null;
        try
        {
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.StartObject:
                    case JsonTokenType.StartArray:
                        path.Add(pending);
                        keys.Add(reader.TokenType == JsonTokenType.StartObject ? new HashSet<string>(StringComparer.Ordinal) : null);
                        pending = null;
                        break;
                    case JsonTokenType.EndObject:
                    case JsonTokenType.EndArray:
                        path.RemoveAt(path.Count - 1);
                        keys.RemoveAt(keys.Count - 1);
                        break;
                    case JsonTokenType.PropertyName:
                        var name = reader.GetString()!;
                        var full = string.Join('.', path.Skip(1).Where(x => x is not null).Append(name));
                        var at = At(reader.TokenStartIndex);
                        if (keys[^1] is { } set && !set.Add(name))
                        {
                            problems.Add(new ScenarioProblem(ScenarioFiles.Manifest, at.Item1, at.Item2, full, $"The property '{full}' appears more than once; each property may be given once."));
                        }
                        else if (path.Count <= 2)
                        {
                            result._at.TryAdd(full, at);
                        }

                        pending = name;
                        break;
                    default:
                        pending = null;
                        break;
                }
            }
        }
        catch (JsonException)
        {
            // ReadManifest reports the syntax error with its position.
        }

        return result;
    }

    /// <summary>Gives scenario.json problems that name a property (and have no line) that property's line and column.</summary>
    public void Locate(ProblemList problems)
    {
        for (var i = 0; i < problems.Count; i++)
        {
            var p = problems[i];
            if (p.File != ScenarioFiles.Manifest || p.Line is not null || p.Field is null)
            {
                continue;
            }

            if (_at.TryGetValue(p.Field, out var at) || _at.TryGetValue(p.Field.Split('.')[0], out at))
            {
                problems[i] = p with { Line = at.Line, Column = at.Column };
            }
        }
    }
}

/// <summary>Maps model validation problems back to the scenario rows they come from.</summary>
internal static class ProblemLocator
{
    /// <summary>A model problem as a scenario problem: located on its row, on a scenario.json setting, or on the table it concerns.</summary>
    public static ScenarioProblem ToScenarioProblem(Scenario scenario, ValidationProblem problem)
    {
        var at = Locate(scenario, problem);
        if (at is not null)
        {
            return new ScenarioProblem(at.Value.File, at.Value.Line, null, null, problem.ToString());
        }

        var subject = problem.Subject;
        var message = problem.Message;
        if (subject is "options" or "settings" or "limits")
        {
            var field = message.Contains("discount", StringComparison.OrdinalIgnoreCase)
                ? (message.Contains("outcome", StringComparison.OrdinalIgnoreCase) ? "outcomeDiscounting" : "costDiscounting")
                : message.Contains("cycle length", StringComparison.OrdinalIgnoreCase) ? "cycleLengthYears"
                : message.Contains("horizon", StringComparison.OrdinalIgnoreCase) ? "horizonCycles"
                : message.Contains("count", StringComparison.OrdinalIgnoreCase) ? "counting"
                : null;
            return new ScenarioProblem(ScenarioFiles.Manifest, null, null, field, message);
        }

        if (subject == "population")
        {
            var file = scenario.Source?.Find(scenario.Population.Count > 0 ? scenario.Population[0] : null)?.File ?? ScenarioFiles.Population;
            return message.Contains("size", StringComparison.OrdinalIgnoreCase)
                ? new ScenarioProblem(ScenarioFiles.Manifest, null, null, "populationSize", message)
                : new ScenarioProblem(file, null, null, "weight", message);
        }

        if (subject == "flows")
        {
            return new ScenarioProblem(scenario.Source?.Find(scenario.Flows.Count > 0 ? scenario.Flows[0] : null)?.File ?? ScenarioFiles.Flows, null, null, null, message);
        }

        if (subject == "model" && message.Contains("tunnel expansion", StringComparison.Ordinal))
        {
            return new ScenarioProblem(scenario.Source?.Find(scenario.States.Count > 0 ? scenario.States[0] : null)?.File ?? ScenarioFiles.States, null, null, "tunnel_cycles", message);
        }

        return new ScenarioProblem("model", null, null, null, subject == "model" ? message : problem.ToString());
    }

    public static (string File, int Line)? Locate(Scenario scenario, ValidationProblem problem)
    {
        var map = scenario.Source;
        if (map is null)
        {
            return null;
        }

        var s = problem.Subject;
        if (s.StartsWith("strategy '", StringComparison.Ordinal) && EffectRow(scenario, s) is { } effect)
        {
            return map.Find(effect);
        }

        if (TryQuoted(s, "row '", out var rowState))
        {
            return map.Find(scenario.Transitions.FirstOrDefault(t => t.From == rowState));
        }

        if (s.StartsWith("transition ", StringComparison.Ordinal) || s.Contains(", transition ", StringComparison.Ordinal))
        {
            var body = s[(s.IndexOf("transition ", StringComparison.Ordinal) + 11)..];
            var parts = body.Split(" → ");
            if (parts.Length == 2)
            {
                return map.Find(scenario.Transitions.FirstOrDefault(t => t.From == parts[0] && t.To == parts[1]));
            }
        }

        if (TryQuoted(s, "state '", out var state))
        {
            return map.Find(scenario.States.FirstOrDefault(r => r.Name == state)) ?? map.Find(scenario.Flows.FirstOrDefault(f => f.State == state));
        }

        if (s.StartsWith("population group ", StringComparison.Ordinal))
        {
            var digits = new string(s.AsSpan(17).ToArray().TakeWhile(char.IsDigit).ToArray());
            if (int.TryParse(digits, System.Globalization.CultureInfo.InvariantCulture, out var i) && i >= 1 && i <= scenario.Population.Count)
            {
                return map.Find(scenario.Population[i - 1]);
            }
        }

        if (TryQuoted(s, "intervention '", out var iv))
        {
            return map.Find(scenario.Interventions.FirstOrDefault(r => r.Name == iv));
        }

        if (TryQuoted(s, "parameter '", out var par))
        {
            return map.Find(scenario.Parameters.FirstOrDefault(r => r.Name == par));
        }

        if (TryQuoted(s, "payer '", out var payer))
        {
            return map.Find(scenario.Payers.FirstOrDefault(r => r.Name == payer));
        }

        if (TryQuoted(s, "strategy '", out var strategy))
        {
            return map.Find(scenario.Strategies.FirstOrDefault(r => r.Strategy == strategy));
        }

        return null;
    }

    /// <summary>The effects.csv row behind a problem found after a strategy's intervention effects were applied.</summary>
    private static EffectRow? EffectRow(Scenario scenario, string subject)
    {
        if (!TryQuoted(subject, "strategy '", out var strategy))
        {
            return null;
        }

        var ivs = scenario.Strategies.Where(r => r.Strategy == strategy && r.Intervention is not null).Select(r => r.Intervention!).ToHashSet(StringComparer.Ordinal);
        string? from = null;
        string? to = null;
        if (TryQuoted(subject, "row '", out var row))
        {
            from = row;
        }
        else if (subject.Contains("transition ", StringComparison.Ordinal))
        {
            var body = subject[(subject.IndexOf("transition ", StringComparison.Ordinal) + 11)..].Split(" → ");
            if (body.Length == 2)
            {
                (from, to) = (body[0], body[1]);
            }
        }

        if (from is null)
        {
            return null;
        }

        return scenario.Effects.FirstOrDefault(e => ivs.Contains(e.Intervention) && e.From == from && (to is null || e.To == to));
    }

    private static bool TryQuoted(string subject, string prefix, out string value)
    {
        var i = subject.IndexOf(prefix, StringComparison.Ordinal);
        if (i >= 0)
        {
            var start = i + prefix.Length;
            var end = subject.IndexOf('\'', start);
            if (end > start)
            {
                value = subject[start..end];
                return true;
            }
        }

        value = string.Empty;
        return false;
    }
}

/// <summary>The standard file names of a scenario folder.</summary>
internal static class ScenarioFiles
{
    public const string Manifest = "scenario.json";
    public const string States = "states.csv";
    public const string Payers = "payers.csv";
    public const string Sectors = "sectors.csv";
    public const string Parameters = "parameters.csv";
    public const string Transitions = "transitions.csv";
    public const string Flows = "flows.csv";
    public const string Population = "population.csv";
    public const string PriceIndex = "price_index.csv";
    public const string Interventions = "interventions.csv";
    public const string InterventionCosts = "intervention_costs.csv";
    public const string Effects = "effects.csv";
    public const string Strategies = "strategies.csv";
}
