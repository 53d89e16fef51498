using System.Globalization;
using System.Text.Json;
using SocialInvestment.IO;

namespace SocialInvestment.Scenarios;

/// <summary>Writes a scenario as a folder that <see cref="ScenarioReader.Read(string)"/> reads back to an equal scenario.</summary>
public static class ScenarioWriter
{
    /// <summary>
    /// Writes <c>scenario.json</c> and the twelve CSV tables (every column, invariant culture,
    /// round-trip number formatting, UTF-8 without byte order mark; comma-separated with decimal
    /// points, or in the format <see cref="ScenarioSettings.CsvDelimiter"/> and
    /// <see cref="ScenarioSettings.DecimalSeparator"/> declare, which the manifest then records) into a folder, created if
    /// missing. Each file is written to a temporary file in the folder and then moved into place.
    /// </summary>
    /// <param name="scenario">The scenario.</param>
    /// <param name="directory">The folder.</param>
    /// <exception cref="ArgumentException">The settings declare a CSV format other than ',' with '.', or ';' with ',' or '.'.</exception>
    public static void Write(Scenario scenario, string directory)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        ArgumentNullException.ThrowIfNull(directory);
        Directory.CreateDirectory(directory);
        string P(string file) => Path.Combine(directory, file);
        var delimiter = scenario.Settings.CsvDelimiter;
        if (delimiter is not (',' or ';') || scenario.Settings.DecimalSeparator is not ('.' or ',') || (delimiter == ',' && scenario.Settings.DecimalSeparator == ','))
        {
            throw new ArgumentException("The CSV format must be ',' with a decimal point, or ';' with a decimal comma or point.", nameof(scenario));
        }

        var comma = scenario.Settings.DecimalSeparator == ',';
        string? N(double? x) => x is double v ? (comma ? v.ToString("R", CultureInfo.InvariantCulture).Replace('.', ',') : v.ToString("R", CultureInfo.InvariantCulture)) : null;
        void Csv(string path, ColumnSpec[] columns, IEnumerable<string?[]> rows) => CsvFiles.WriteCsv(path, columns.Select(c => c.Name).ToArray(), rows, delimiter);

        Csv(P(ScenarioFiles.States), TableColumns.States, scenario.States.Select(r => new[] { r.Name, B(r.Absorbing), I(r.TunnelCycles), r.Description }));
        Csv(P(ScenarioFiles.Payers), TableColumns.Payers, scenario.Payers.Select(r => new[] { r.Name, B(r.IsPublic), r.Parent, r.Description }));
        Csv(P(ScenarioFiles.Sectors), TableColumns.Sectors, scenario.Sectors.Select(r => new[] { r.Name, r.Description }));
        Csv(P(ScenarioFiles.Parameters), TableColumns.Parameters, scenario.Parameters.Select(r => new[] { r.Name, N(r.Value), r.Distribution?.Family, r.Distribution is null || r.Distribution.Arguments.Count == 0 ? null : (comma ? r.Distribution.ArgumentsText().Replace('.', ',') : r.Distribution.ArgumentsText()), r.Description }));
        Csv(P(ScenarioFiles.Transitions), TableColumns.Transitions, scenario.Transitions.Select(r => new[] { r.From, r.To, TableRows.Text(r.Kind), N(r.AgeFrom), N(r.AgeTo), N(r.Value), r.Parameter, r.Source }));
        Csv(P(ScenarioFiles.Flows), TableColumns.Flows, scenario.Flows.Select(r => new[] { r.State, r.ToState, r.Payer, r.Sector, TableRows.Text(r.Kind), N(r.AgeFrom), N(r.AgeTo), N(r.Amount), r.Parameter, I(r.PriceYear), r.RealGrowth == 0 ? null : N(r.RealGrowth), r.Source }));
        Csv(P(ScenarioFiles.Population), TableColumns.Population, scenario.Population.Select(r => new[] { r.State, N(r.StartAge), N(r.Weight), r.Source }));
        Csv(P(ScenarioFiles.PriceIndex), TableColumns.PriceIndex, scenario.PriceIndex.Select(r => new[] { I(r.Year), N(r.Index), r.Source }));
        Csv(P(ScenarioFiles.Interventions), TableColumns.Interventions, scenario.Interventions.Select(r => new[] { r.Name, TableRows.Text(r.Kind), L(r.EligibleStates), N(r.MinAge), N(r.MaxAge), N(r.Uptake), r.UptakeParameter, r.Description }));
        Csv(P(ScenarioFiles.InterventionCosts), TableColumns.InterventionCosts, scenario.InterventionCosts.Select(r => new[] { r.Intervention, r.Payer, r.Sector, TableRows.Text(r.Kind), TableRows.Text(r.Timing), N(r.Amount), r.Parameter, N(r.DurationYears), L(r.States), I(r.PriceYear), r.Source }));
        Csv(P(ScenarioFiles.Effects), TableColumns.Effects, scenario.Effects.Select(r => new[] { r.Intervention, TableRows.Text(r.Target), r.From, r.To, r.Payer, r.Sector, r.Target == EffectTarget.Transition ? TableRows.Text(r.Measure) : null, N(r.Value), r.Parameter, TableRows.Text(r.Profile), N(r.ProfileYears), N(r.ProfileUntil), r.Target == EffectTarget.Transition ? TableRows.Text(r.Balance) : null, r.Source }));
        Csv(P(ScenarioFiles.Strategies), TableColumns.Strategies, scenario.Strategies.Select(r => new[] { r.Strategy, r.Intervention }));

        var s = scenario.Settings;
        AtomicFile.Write(P(ScenarioFiles.Manifest), stream =>
        {
            using var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
            w.WriteStartObject();
            w.WriteString("name", s.Name);
            if (s.Description is not null)
            {
                w.WriteString("description", s.Description);
            }

            w.WriteNumber("horizonCycles", s.HorizonCycles);
            w.WriteNumber("cycleLengthYears", s.CycleLengthYears);
            w.WriteString("counting", s.Counting);
            w.WriteString("costDiscounting", s.CostDiscounting);
            w.WriteString("outcomeDiscounting", s.OutcomeDiscounting);
            if (s.DiscountTimeOffsetYears != 0)
            {
                w.WriteNumber("discountTimeOffsetYears", s.DiscountTimeOffsetYears);
            }

            if (s.DiscountStepsOffsetYears != 0)
            {
                w.WriteNumber("discountStepsOffsetYears", s.DiscountStepsOffsetYears);
            }

            w.WriteNumber("priceYear", s.PriceYear);
            w.WriteNumber("taxFinancingCost", s.TaxFinancingCost);
            w.WriteString("comparator", s.Comparator);
            w.WriteNumber("populationSize", s.PopulationSize);
            w.WriteStartArray("perspectives");
            foreach (var p in s.Perspectives)
            {
                w.WriteStringValue(p);
            }

            w.WriteEndArray();
            if (s.CsvDelimiter != ',' || s.DecimalSeparator != '.')
            {
                w.WriteStartObject("csv");
                w.WriteString("delimiter", s.CsvDelimiter.ToString());
                w.WriteString("decimalSeparator", s.DecimalSeparator.ToString());
                w.WriteEndObject();
            }

            w.WriteStartObject("tables");
            foreach (var (key, file) in ScenarioReader.TableKeys)
            {
                w.WriteString(key, file);
            }

            w.WriteEndObject();
            w.WriteEndObject();
        });
    }

    private static string B(bool b) => b ? "true" : "false";

    private static string? I(int? i) => i?.ToString(CultureInfo.InvariantCulture);

    private static string? L(IReadOnlyList<string> list) => list.Count == 0 ? null : string.Join(' ', list);
}
