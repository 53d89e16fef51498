using SocialInvestment.Economics;
using SocialInvestment.Engine;
using SocialInvestment.Households;
using SocialInvestment.IO;
using SocialInvestment.Model;
using SocialInvestment.Uncertainty;

namespace SocialInvestment.Scenarios;

/// <summary>
/// The PSA over a scenario's households (docs/household-files.md): the distributions of
/// <c>parameters.csv</c> (the members' model and the household numbers whose <c>parameter</c>
/// column names one), each draw evaluated with the exact joint-state cohort
/// (<see cref="HouseholdPsa"/>), and its two result files.
/// </summary>
public static class HouseholdUncertainty
{
    /// <summary>The conventional file names of <see cref="WriteResults"/>: the summary, then the draws.</summary>
    public static IReadOnlyList<string> ResultFileNames { get; } = ["household_psa.csv", "household_psa_draws.csv"];

    /// <summary>
    /// Runs the household PSA of a scenario: the scenario's parameter distributions
    /// (<see cref="Scenario.ToPsaSpecification"/>), its perspectives with the family's, every household strategy.
    /// </summary>
    /// <param name="households">The household tables.</param>
    /// <param name="scenario">The scenario (its distributions and perspectives).</param>
    /// <param name="draws">Number of draws (≥ 1).</param>
    /// <param name="seed">The master seed: draw k is the stream (seed, k).</param>
    /// <param name="threads">Worker threads (0 = every core); the results do not depend on it.</param>
    /// <param name="progress">Receives the number of completed draws.</param>
    /// <param name="cancellationToken">Cancels the run.</param>
    /// <exception cref="ScenarioFormatException">A distribution in parameters.csv is invalid.</exception>
    /// <exception cref="ArgumentException">The joint state space of the households is above <see cref="HouseholdCohort.DefaultMaxJointStates"/> (the message names its size).</exception>
    public static HouseholdPsaResult Run(HouseholdScenario households, Scenario scenario, int draws, ulong seed, int threads = 0, IProgress<RunProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var psa = Prepare(households, scenario, draws, seed, threads);
        return psa.Complete(psa.RunRange(0, draws, progress, cancellationToken));
    }

    /// <summary>
    /// The household PSA that <see cref="Run"/> runs, prepared (the base case run, every check made)
    /// but no draw computed: draws ranges of it anywhere with <see cref="HouseholdPsa.RunRange"/>, in
    /// another process too (<see cref="HouseholdPsa.RunKey"/>, <see cref="HouseholdPsa.ReadPartial"/>),
    /// and complete the merged partials with <see cref="HouseholdPsa.Complete"/>.
    /// </summary>
    /// <param name="households">The household tables.</param>
    /// <param name="scenario">The scenario (its parameter distributions and perspectives).</param>
    /// <param name="draws">Number of draws (≥ 1).</param>
    /// <param name="seed">The master seed.</param>
    /// <param name="threads">Worker threads (0: every core); the results do not depend on it.</param>
    /// <exception cref="ScenarioFormatException">A distribution in parameters.csv is invalid.</exception>
    /// <exception cref="ArgumentException">The joint state space of the households is above <see cref="HouseholdCohort.DefaultMaxJointStates"/> (the message names its size).</exception>
    public static HouseholdPsa Prepare(HouseholdScenario households, Scenario scenario, int draws, ulong seed, int threads = 0)
    {
        ArgumentNullException.ThrowIfNull(households);
        ArgumentNullException.ThrowIfNull(scenario);
        ArgumentOutOfRangeException.ThrowIfLessThan(draws, 1);
        var d = households.Definition;
        var perspectives = scenario.Perspectives().ToList();
        if (!perspectives.Contains(d.FamilyPerspective))
        {
            perspectives.Add(d.FamilyPerspective);
        }

        var specification = scenario.ToPsaSpecification(d.Model);
        return HouseholdPsa.Create(d, specification, new PsaOptions { Draws = draws, Seed = seed, Threads = threads, Perspectives = perspectives });
    }

    /// <summary>
    /// Writes the household PSA's results into a folder (atomically per file, invariant culture,
    /// round-trip numbers): <c>household_psa.csv</c> — per non-comparator strategy and perspective the
    /// change per household against the comparator (+ = better off): the base case (the point
    /// estimate of the exact cohort), the mean, SD and 2.5 / 50 / 97.5 percentiles over the draws,
    /// the probability that the party is better off, and the draws; <c>household_psa_draws.csv</c>
    /// — per draw, strategy and perspective, the change per household, then the draw's uncertain
    /// parameter values (one column each).
    /// </summary>
    /// <param name="result">The result.</param>
    /// <param name="directory">The folder (must exist).</param>
    public static void WriteResults(HouseholdPsaResult result, string directory)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(directory);
        var rows = new List<string?[]>();
        for (var k = 1; k < result.Strategies.Count; k++)
        {
            foreach (var p in result.Perspectives)
            {
                var s = result.ChangePerHousehold(k, p);
                rows.Add([result.Strategies[k].Name, result.Strategies[0].Name, p.Name, N(result.BaseChangePerHousehold(k, p)), N(s.Mean), N(s.StandardDeviation), N(s.Lower), N(s.Median), N(s.Upper), N(result.ProbabilityBetterOff(k, p)), N(s.Count)]);
            }
        }

        CsvFiles.WriteCsv(Path.Combine(directory, ResultFileNames[0]), ["strategy", "comparator", "perspective", "base_change_per_household", "mean_change_per_household", "sd", "p2_5", "median", "p97_5", "probability_better_off", "draws"], rows);
        var uncertain = result.Psa.Specification.UncertainParameters;
        var values = uncertain.Select(u => result.Psa.ParameterDraws(u).ToArray()).ToArray();
        var changes = Enumerable.Range(1, result.Strategies.Count - 1).SelectMany(k => result.Perspectives.Select(p => (k, p, v: result.ChangesPerHousehold(k, p)))).ToArray();
        CsvFiles.WriteCsv(Path.Combine(directory, ResultFileNames[1]), ["draw", "strategy", "perspective", "change_per_household", .. uncertain.Select(u => u.Name)], Enumerable.Range(0, result.Draws).SelectMany(draw =>
            changes.Select(c => (string?[])[N(draw), result.Strategies[c.k].Name, c.p.Name, N(c.v[draw]), .. values.Select(v => N(v[draw]))])));
    }

    /// <summary>The conventional file names of <see cref="WriteSettlement"/>: the parties' positions, then the transfer schedule.</summary>
    public static IReadOnlyList<string> SettlementFileNames { get; } = ["household_settlement.csv", "household_settlement_schedule.csv"];

    /// <summary>
    /// Settles every household strategy against the comparator (on the totals for
    /// <see cref="HouseholdDefinition.Size"/> households) with the scenario's <c>settlement_rules.csv</c>,
    /// or <see cref="SettlementFile.ExamplePlan"/> when it has none, with the family as a party
    /// (<see cref="HouseholdSettlement"/>).
    /// </summary>
    /// <param name="households">The household tables.</param>
    /// <param name="all">The household run (every strategy; the first is the comparator).</param>
    /// <param name="plan">The plan (from <see cref="SettlementFile.TryRead"/>, or the example plan).</param>
    /// <exception cref="SettlementValidationException">The plan does not fit the household model.</exception>
    public static IReadOnlyList<SettlementResult> Settle(HouseholdScenario households, HouseholdComparison all, SettlementPlan plan)
    {
        ArgumentNullException.ThrowIfNull(households);
        ArgumentNullException.ThrowIfNull(all);
        ArgumentNullException.ThrowIfNull(plan);
        return [.. Enumerable.Range(1, all.Results.Count - 1).Select(k => HouseholdSettlement.Settle(households.Definition, all.Results[k].Totals, all.Results[0].Totals, plan))];
    }

    /// <summary>
    /// Writes the household settlements: <c>household_settlement.csv</c> — per strategy and party
    /// (<c>strategy, comparator, plan, payer, family</c> (true for the family payer), <c>puts_in</c> (PV of
    /// what the party invests), <c>gets_out</c> (PV of what it saves or gains), <c>net_gain_before,
    /// receives, net_gain_after</c>) in NOK for the households the totals stand for, + = better off
    /// (<c>receives</c>: + = receives, − = pays); and <c>household_settlement_schedule.csv</c>, the
    /// transfer schedule in the columns of <c>settlement.csv</c>.
    /// </summary>
    /// <param name="settlements">The settlements (one per non-comparator strategy).</param>
    /// <param name="family">The family payer.</param>
    /// <param name="directory">The folder (must exist).</param>
    public static void WriteSettlement(IReadOnlyList<SettlementResult> settlements, Payer family, string directory)
    {
        ArgumentNullException.ThrowIfNull(settlements);
        ArgumentNullException.ThrowIfNull(family);
        ArgumentNullException.ThrowIfNull(directory);
        CsvFiles.WriteCsv(Path.Combine(directory, SettlementFileNames[0]), ["strategy", "comparator", "plan", "payer", "family", "puts_in", "gets_out", "net_gain_before", "receives", "net_gain_after"], settlements.SelectMany(s => s.Positions.Select(p =>
        {
            var row = s.Ledger.Payer(p.Payer.Name);
            return new string?[] { s.Ledger.Strategy.Name, s.Ledger.Comparator.Name, s.Plan.Name, p.Payer.Name, p.Payer.Name == family.Name ? "true" : "false", N(row.Invested), N(row.Savings), N(p.NetGainBefore), N(p.Received), N(p.NetGainAfter) };
        })));
        SettlementFile.WriteSchedule(settlements, Path.Combine(directory, SettlementFileNames[1]));
    }

    private static string N(double x) => CsvNumber.Format(x);
}
