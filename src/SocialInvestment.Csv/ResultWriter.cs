using System.Globalization;
using System.Text.Json;
using SocialInvestment.Economics;
using SocialInvestment.Engine;
using SocialInvestment.IO;
using SocialInvestment.Model;

namespace SocialInvestment.Scenarios;

/// <summary>
/// Exports a <see cref="ScenarioRun"/> as a tidy CSV and a JSON summary, in invariant culture.
/// Every file is written to a temporary file in the target folder and then moved into place
/// (<see cref="File.Move(string, string, bool)"/> with overwrite), so a failure never leaves a
/// half-written file.
/// </summary>
public static class ResultWriter
{
    /// <summary>File name of the tidy CSV written by <see cref="WriteAll"/>.</summary>
    public const string TidyCsvFileName = "results.csv";

    /// <summary>File name of the JSON summary written by <see cref="WriteAll"/>.</summary>
    public const string SummaryFileName = "summary.json";

    /// <summary>The columns of the tidy CSV.</summary>
    public static IReadOnlyList<string> TidyColumns { get; } = ["strategy", "cycle", "age", "state_or_payer", "sector", "kind", "value", "discounted_value"];

    /// <summary>
    /// Writes the tidy CSV: one row per strategy × cycle × state with <c>kind = occupancy</c>
    /// (value = expected number of people in the state at the cycle's trace point; discounted
    /// value = the same times the outcome discount factor), and one row per strategy × cycle ×
    /// account with a non-zero flow (<c>state_or_payer</c> = payer, <c>sector</c>, <c>kind</c> =
    /// resource, transfer or production; value = the cycle's amount in the scenario's price year,
    /// base flows and intervention costs together, positive = cost to the payer; discounted value =
    /// the same discounted). <c>age</c> is the population's mean start age plus the elapsed time.
    /// </summary>
    /// <param name="run">The run.</param>
    /// <param name="path">The file.</param>
    public static void WriteTidyCsv(ScenarioRun run, string path)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(path);
        CsvFiles.WriteCsv(path, [.. TidyColumns], TidyRows(run));
    }

    private static IEnumerable<string?[]> TidyRows(ScenarioRun run)
    {
        var pop = run.Model.Population;
        var totalWeight = pop.Groups.Sum(g => g.Weight);
        var startAge = totalWeight > 0 ? pop.Groups.Sum(g => g.StartAge * g.Weight) / totalWeight : 0;
        foreach (var r in run.Results)
        {
            var name = r.Strategy.Name;
            for (var t = 0; t <= r.Cycles; t++)
            {
                var cycle = t.ToString(CultureInfo.InvariantCulture);
                var age = N(startAge + (t * r.CycleLengthYears));
                var df = r.OutcomeDiscountFactor(t);
                for (var s = 0; s < r.States.Count; s++)
                {
                    var v = r.Occupancy(t, s);
                    yield return [name, cycle, age, r.States[s].Name, null, "occupancy", N(v), N(v * df)];
                }

                for (var a = 0; a < r.Accounts.Count; a++)
                {
                    var v = r.Flow(t, a, FlowOrigin.Base, false) + r.Flow(t, a, FlowOrigin.Intervention, false);
                    var d = r.Flow(t, a, FlowOrigin.Base, true) + r.Flow(t, a, FlowOrigin.Intervention, true);
                    if (v == 0 && d == 0)
                    {
                        continue;
                    }

                    var acc = r.Accounts[a];
                    yield return [name, cycle, age, acc.Payer.Name, acc.Sector.Name, TableRows.Text(acc.Kind), N(v), N(d)];
                }
            }
        }
    }

    /// <summary>
    /// Writes the JSON summary: the settings used; per strategy and perspective the total cost
    /// (discounted and undiscounted); per non-comparator strategy and perspective the NPV,
    /// benefit–cost ratio, ROI, IRR, payback years (discounted and undiscounted), present values
    /// of investment and benefits; per strategy the payer balances (who invests, who saves).
    /// Sign convention (stated in the file as <c>signConvention</c>): totals are costs (+ = the
    /// perspective spends); every figure against the comparator is a net gain (+ = better off);
    /// <c>invested</c> is the present value of intervention costs (+ = spends more). A figure that is
    /// undefined is written as null, with <c>&lt;name&gt;Undefined</c> giving the reason code
    /// (<see cref="FigureReason"/> in camel case) and <c>&lt;name&gt;Explanation</c> the sentence.
    /// </summary>
    /// <param name="run">The run.</param>
    /// <param name="path">The file.</param>
    public static void WriteSummaryJson(ScenarioRun run, string path)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(path);
        AtomicFile.Write(path, stream =>
        {
            using var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
            var s = run.Scenario.Settings;
            w.WriteStartObject();
            w.WriteString("scenario", s.Name);
            w.WriteNumber("priceYear", s.PriceYear);
            w.WriteNumber("horizonCycles", run.Model.Options.Cycles);
            w.WriteNumber("cycleLengthYears", run.Model.Options.CycleLengthYears);
            w.WriteString("costDiscounting", run.Model.Options.CostDiscounting.Name);
            w.WriteNumber("taxFinancingCost", s.TaxFinancingCost);
            w.WriteNumber("populationSize", run.Model.Population.Size);
            w.WriteString("comparator", run.Comparator);
            w.WriteString("signConvention", SignConvention);
            w.WriteStartArray("totals");
            foreach (var r in run.Results)
            {
                foreach (var p in run.Perspectives)
                {
                    w.WriteStartObject();
                    w.WriteString("strategy", r.Strategy.Name);
                    w.WriteString("perspective", p.Name);
                    Num(w, "cost", r.TotalCost(p, discounted: true));
                    Num(w, "costUndiscounted", r.TotalCost(p, discounted: false));
                    w.WriteEndObject();
                }
            }

            w.WriteEndArray();
            w.WriteStartArray("appraisals");
            foreach (var a in run.Appraisals)
            {
                w.WriteStartObject();
                w.WriteString("strategy", a.Strategy.Name);
                w.WriteString("perspective", a.Perspective.Name);
                Num(w, "npv", a.NetPresentValue);
                Fig(w, "bcr", a.BenefitCostRatio);
                Fig(w, "roi", a.ReturnOnInvestment);
                Fig(w, "irr", a.InternalRateOfReturn);
                Fig(w, "paybackYears", a.PaybackYears);
                Fig(w, "paybackYearsDiscounted", a.PaybackYearsDiscounted);
                Num(w, "pvInvestment", a.PresentValueInvestment);
                Num(w, "pvBenefits", a.PresentValueBenefits);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteStartArray("payerBalances");
            foreach (var strategy in run.Results.Select(r => r.Strategy.Name).Where(n => n != run.Comparator))
            {
                foreach (var b in run.WhoInvestsWhoSaves(strategy))
                {
                    w.WriteStartObject();
                    w.WriteString("strategy", strategy);
                    w.WriteString("payer", b.Payer.Name);
                    Num(w, "invested", b.Invested);
                    Num(w, "savings", b.Savings);
                    Num(w, "netGain", b.NetGain);
                    Num(w, "netGainUndiscounted", b.NetGainUndiscounted);
                    w.WriteEndObject();
                }
            }

            w.WriteEndArray();
            w.WriteEndObject();
        });
    }

    /// <summary>Writes <see cref="TidyCsvFileName"/> and <see cref="SummaryFileName"/> into a folder (created if missing).</summary>
    /// <param name="run">The run.</param>
    /// <param name="directory">The folder.</param>
    public static void WriteAll(ScenarioRun run, string directory)
    {
        ArgumentNullException.ThrowIfNull(directory);
        WriteTidyCsv(run, Path.Combine(directory, TidyCsvFileName));
        WriteSummaryJson(run, Path.Combine(directory, SummaryFileName));
    }

    /// <summary>The sign convention of every written result, in words (also written into <c>summary.json</c>).</summary>
    public const string SignConvention = "totals are costs (+ = the perspective spends); figures against the comparator are net gains (+ = better off); invested = present value of intervention costs (+ = spends more)";

    private static void Fig(Utf8JsonWriter w, string name, Figure figure)
    {
        Num(w, name, figure.Value);
        if (!figure.IsDefined)
        {
            w.WriteString(name + "Undefined", JsonNamingPolicy.CamelCase.ConvertName(figure.Reason.ToString()));
            w.WriteString(name + "Explanation", figure.Explanation);
        }
    }

    private static void Num(Utf8JsonWriter w, string name, double? value)
    {
        if (value is double v && double.IsFinite(v))
        {
            w.WriteNumber(name, v);
        }
        else
        {
            w.WriteNull(name);
        }
    }

    private static string N(double x) => CsvNumber.Format(x);
}
