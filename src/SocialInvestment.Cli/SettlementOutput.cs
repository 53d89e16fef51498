using System.Globalization;
using SocialInvestment.Economics;
using SocialInvestment.Engine;
using SocialInvestment.Model;
using SocialInvestment.Scenarios;
using SocialInvestment.Uncertainty;

namespace SocialInvestment.Cli;

/// <summary>
/// The run command's settlement: settles every strategy against the comparator with the scenario's
/// <c>settlement_rules.csv</c> (or the example plan), prints the "Who should compensate whom" table
/// and writes <c>settlement.csv</c>.
/// </summary>
internal static class SettlementOutput
{
    private static readonly string[] Header = ["Payer", "Net gain before", "Receives", "Net gain after"];

    /// <summary>Settles every appraised strategy and prints the tables.</summary>
    public static IReadOnlyList<SettlementResult> SettleAndPrint(ScenarioRun run, string? scenarioDir, CultureInfo culture, TextWriter output, CancellationToken cancellationToken)
    {
        var fromFile = scenarioDir is null ? null : SettlementFile.TryRead(scenarioDir, run.Scenario);
        var plan = fromFile ?? SettlementFile.ExamplePlan;
        var results = new List<SettlementResult>();
        foreach (var group in run.Appraisals.GroupBy(a => a.Strategy.Name, StringComparer.Ordinal))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var appraisal = group.First();
            ParticipantCounts? participants = null;
            if (plan.NeedsParticipants)
            {
                var strategy = appraisal.Strategy;
                var comparator = appraisal.Comparator;
                participants = ParticipantCounts.Incremental(Participation.Count(run.Model, strategy, null, cancellationToken), Participation.Count(run.Model, comparator, null, cancellationToken));
            }

            SettlementResult result;
            try
            {
                result = Settlement.Settle(appraisal, plan, participants);
            }
            catch (SettlementValidationException e)
            {
                throw new CliException(ExitCodes.InvalidInput, $"the settlement rules do not fit strategy '{appraisal.Strategy}':", e.Problems.Select(p => $"{SettlementFile.RulesFileName}: {p}").ToList());
            }

            results.Add(result);
            Print(result, fromFile is null, culture, output);
        }

        return results;
    }

    /// <summary>The settlement plan of a run: the scenario's rules table, or the example plan.</summary>
    public static SettlementPlan PlanFor(string? scenarioDir, Scenario scenario)
        => (scenarioDir is null ? null : SettlementFile.TryRead(scenarioDir, scenario)) ?? SettlementFile.ExamplePlan;

    /// <summary>The PSA settlement file: each payer's probability of being better off before and after.</summary>
    public const string ProbabilityFileName = "settlement_psa.csv";

    /// <summary>
    /// A PSA payer-flow observer factory that settles every draw of every strategy against the
    /// comparator (one <see cref="SettlementUncertainty"/> per strategy, their observers called in turn),
    /// so the PSA keeps its incremental draw path; the collectors are added to
    /// <paramref name="collectors"/> when the run builds its model.
    /// </summary>
    public static Func<LifeCourseModel, PsaPayerFlowObserver> Collect(SettlementPlan plan, string comparator, int draws, List<SettlementUncertainty> collectors) => model =>
    {
        var bau = model.Strategies.First(s => s.Name == comparator);
        var observers = new List<PsaPayerFlowObserver>();
        foreach (var s in model.Strategies.Where(s => s.Name != comparator))
        {
            var c = new SettlementUncertainty(model, plan, s, bau, draws);
            collectors.Add(c);
            observers.Add(c.Observer);
        }

        return flows =>
        {
            foreach (var o in observers)
            {
                o(flows);
            }
        };
    };

    /// <summary>Prints each payer's probability of being better off before and after settlement.</summary>
    public static void PrintProbabilities(IReadOnlyList<SettlementPsaResult> results, CultureInfo c, TextWriter output)
    {
        foreach (var r in results)
        {
            output.WriteLine();
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Who should compensate whom under uncertainty: {r.Strategy} vs {r.Comparator}, {r.Plan.Name}, {r.Draws:N0} draws (share of draws in which the payer is better off, net gain > 0 beyond rounding)"));
            var width = r.Payers.Max(p => p.Name.Length);
            output.WriteLine($"{"Payer".PadRight(width)}  P(better off) before  P(better off) after");
            foreach (var p in r.Payers)
            {
                output.WriteLine($"{p.Name.PadRight(width)}  {r.ProbabilityBetterOffBefore(p.Name).ToString("P0", c),20}  {r.ProbabilityBetterOffAfter(p.Name).ToString("P0", c),19}");
            }
        }
    }

    /// <summary>Copies the scenario's rules table into the run's scenario copy (the scenario writer does not know it).</summary>
    public static void CopyRules(string? scenarioDir, string copyDir)
    {
        if (scenarioDir is null)
        {
            return;
        }

        var source = Path.Combine(scenarioDir, SettlementFile.RulesFileName);
        var target = Path.Combine(copyDir, SettlementFile.RulesFileName);
        if (File.Exists(source) && !File.Exists(target))
        {
            File.Copy(source, target);
        }
    }

    private static void Print(SettlementResult r, bool example, CultureInfo c, TextWriter output)
    {
        output.WriteLine();
        output.WriteLine($"Who should compensate whom: {r.Ledger.Strategy} vs {r.Ledger.Comparator}, {r.Plan.Name}{(example ? " (an example rule; put settlement_rules.csv in the scenario folder to choose your own)" : "")}");
        output.WriteLine("(present values in NOK; + = better off than under the comparator; Receives: + = receives, − = pays)");
        var rows = new List<string[]> { Header };
        foreach (var p in r.Positions)
        {
            rows.Add([p.Payer.Name, Money(p.NetGainBefore, c), Money(p.Received, c), Money(p.NetGainAfter, c)]);
        }

        rows.Add(["total", Money(r.TotalNetGainBefore, c), Money(0, c), Money(r.TotalNetGainAfter, c)]);
        var widths = Enumerable.Range(0, 4).Select(i => rows.Max(row => row[i].Length)).ToArray();
        for (var i = 0; i < rows.Count; i++)
        {
            output.WriteLine(string.Join("  ", rows[i].Select((cell, j) => j == 0 ? cell.PadRight(widths[j]) : cell.PadLeft(widths[j]))).TrimEnd());
            if (i == 0)
            {
                output.WriteLine(string.Join("  ", widths.Select(w => new string('-', w))));
            }
        }

        foreach (var g in r.Transfers.GroupBy(x => (x.From.Name, x.To.Name)))
        {
            var pv = g.Sum(x => x.TotalDiscounted);
            var paid = g.SelectMany(x => x.PerCycle.Select((v, t) => (v, t))).Where(x => x.v != 0).Select(x => x.t).ToArray();
            var years = paid.Length == 0 ? "" : string.Create(CultureInfo.InvariantCulture, $", paid in years {paid.Min() * r.Ledger.CycleLengthYears:0.##}–{paid.Max() * r.Ledger.CycleLengthYears:0.##}");
            output.WriteLine($"  {g.Key.Item1} pays {g.Key.Item2} {Money(pv, c)} NOK in present value{years} ({string.Join(", ", g.Select(x => x.Rule).Distinct(StringComparer.Ordinal))})");
        }

        foreach (var remark in r.Remarks)
        {
            output.WriteLine($"  {remark}");
        }
    }

    private static string Money(double v, CultureInfo c)
    {
        var rounded = Math.Round(v);
        return (rounded == 0 ? 0.0 : rounded).ToString("N0", c);
    }
}
