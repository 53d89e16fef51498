using System.Globalization;
using SocialInvestment.Reporting;
using SocialInvestment.Scenarios;

namespace SocialInvestment.Cli;

/// <summary>Fills the report's Assumptions input from a scenario's tables (the Reporting library knows no input format).</summary>
internal static class ReportInputs
{
    public static ReportAssumptions Assumptions(Scenario scenario)
    {
        var values = scenario.Parameters.ToDictionary(p => p.Name, p => p.Value, StringComparer.Ordinal);
        double Value(double? amount, string? parameter) =>
            parameter is not null && values.TryGetValue(parameter, out var v) ? (amount ?? 1) * v : amount ?? 0;
        bool Illustrative(string? text, string? parameter) =>
            Contains(text) || (parameter is not null && scenario.Parameters.Any(p => p.Name == parameter && Contains(p.Description)));

        var strategies = scenario.Strategies.Where(s => s.Intervention is not null)
            .GroupBy(s => s.Intervention!, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => (IReadOnlyList<string>)g.Select(s => s.Strategy).Distinct(StringComparer.Ordinal).ToArray(), StringComparer.Ordinal);
        var interventions = scenario.Interventions.Select(i => new InterventionAssumption(
            i.Name,
            strategies.TryGetValue(i.Name, out var s) ? s : [],
            i.EligibleStates,
            i.MinAge,
            i.MaxAge,
            Value(i.UptakeParameter is null ? i.Uptake : null, i.UptakeParameter),
            i.UptakeParameter,
            i.Description,
            scenario.InterventionCosts.Where(c => c.Intervention == i.Name).Select(c => new InterventionCostAssumption(
                c.Payer, c.Sector, c.Timing, Value(c.Amount, c.Parameter), c.Parameter, c.DurationYears, c.States, c.Source)).ToArray(),
            scenario.Effects.Where(e => e.Intervention == i.Name).Select(e => new InterventionEffectAssumption(
                e.Target == EffectTarget.Transition ? $"{e.From} → {e.To}" : FlowTarget(e),
                e.Measure,
                Value(e.Value, e.Parameter),
                e.Parameter,
                (EffectDuration)(int)e.Profile,
                e.ProfileYears,
                e.ProfileUntil,
                e.Source,
                Illustrative(e.Source, e.Parameter))).ToArray())).ToArray();
        return new ReportAssumptions
        {
            Parameters = scenario.Parameters.Select(p => new ParameterAssumption(p.Name, p.Value, p.Distribution?.ToString(), p.Description)).ToArray(),
            Interventions = interventions,
            TaxFinancingCost = scenario.Settings.TaxFinancingCost,
        };
    }

    private static bool Contains(string? text) => text?.Contains("illustrative", StringComparison.OrdinalIgnoreCase) == true;

    private static string FlowTarget(EffectRow e) =>
        string.Create(CultureInfo.InvariantCulture, $"flows{(e.From is null ? string.Empty : " in " + e.From)}{(e.Payer is null ? string.Empty : " of " + e.Payer)}{(e.Sector is null ? string.Empty : " (" + e.Sector + ")")}");
}
