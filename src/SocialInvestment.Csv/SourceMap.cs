using SocialInvestment.Model;

namespace SocialInvestment.Scenarios;

/// <summary>Where each row of a scenario was read from, keyed by row instance.</summary>
internal sealed class SourceMap
{
    private readonly Dictionary<object, (string File, int Line)> _rows = new(ReferenceEqualityComparer.Instance);

    public string ManifestFile { get; init; } = ScenarioFiles.Manifest;

    public void Add(object row, string file, int line) => _rows[row] = (file, line);

    public (string File, int Line)? Find(object? row) => row is not null && _rows.TryGetValue(row, out var at) ? at : null;
}

/// <summary>Maps model validation problems back to the scenario rows they come from.</summary>
internal static class ProblemLocator
{
    public static (string File, int Line)? Locate(Scenario scenario, ValidationProblem problem)
    {
        var map = scenario.Source;
        if (map is null)
        {
            return null;
        }

        var s = problem.Subject;
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
