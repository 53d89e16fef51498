using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using SocialInvestment.Economics;
using SocialInvestment.Engine;
using SocialInvestment.Scenarios;
using SocialInvestment.Uncertainty;

namespace SocialInvestment.Orleans;

/// <summary>How a coordinator splits and schedules a run.</summary>
public sealed record ClusterRunOptions
{
    /// <summary>People (rounded up to a multiple of the block size) or draws per range; 0 = about four ranges per silo-thread of a 3-silo cluster (total / 24, at least one block).</summary>
    public long RangeSize { get; init; }

    /// <summary>Ranges sent at a time (≥ 1); default 8.</summary>
    public int MaxRangesInFlight { get; init; } = 8;

    /// <summary>Threads each silo uses for one range (≥ 1); default 1 (parallelism comes from several ranges in flight).</summary>
    public int ThreadsPerRange { get; init; } = 1;

    /// <summary>Attempts per range before the run fails (≥ 1); default 5. Only transient failures (a silo stopping, a lost document, a timeout) are retried.</summary>
    public int MaxAttempts { get; init; } = 5;

    /// <summary>The ledger of finished ranges; null = a new <see cref="MemoryRangeLedger"/> per run. Give a <see cref="FolderRangeLedger"/> to resume after a coordinator restart.</summary>
    public IRangeLedger? Ledger { get; init; }

    /// <summary>The logger for the run's progress and retries; null for none.</summary>
    public ILogger? Logger { get; init; }

    /// <summary>
    /// PSA only: compile and run every draw of every strategy in full (<c>CohortEngine.Run</c>), as a
    /// local PSA with an explicit strategy evaluator does (a settlement or contract PSA, and so
    /// <c>socinv run --draws</c>), so that the cluster's results equal such a local run bit for bit.
    /// False (the default): the incremental draw path of <c>ProbabilisticAnalysis.Run</c> without an
    /// evaluator, bit-identical to that path locally and within 1e-12 of the full one.
    /// </summary>
    public bool EvaluateEveryDrawInFull { get; init; }
}

/// <summary>What a cluster run did, beside its result.</summary>
/// <param name="Ranges">Number of ranges of the run.</param>
/// <param name="FromLedger">Ranges taken from the ledger (already done before this call).</param>
/// <param name="Retries">Range attempts that failed transiently and were sent again.</param>
/// <param name="Duplicates">Partials refused because their range key had already been counted.</param>
/// <param name="Silos">The distinct silos that returned partials.</param>
/// <param name="Seconds">Wall-clock seconds of the run on the coordinator.</param>
/// <param name="SiloSeconds">Sum of the silos' seconds over the ranges (the work done).</param>
public sealed record ClusterRunStatistics(int Ranges, int FromLedger, int Retries, int Duplicates, IReadOnlyList<string> Silos, double Seconds, double SiloSeconds);

/// <summary>A cluster run failed for a reason that running it again would not change (a bad definition, a version mismatch, a range that failed on every attempt).</summary>
public sealed class ClusterRunException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ClusterRunException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">What failed and why.</param>
    public ClusterRunException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    /// <param name="message">What failed and why.</param>
    /// <param name="innerException">The cause.</param>
    public ClusterRunException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>
/// The coordinator of cluster runs: splits a run into ranges, sends the scenario document once to
/// the cluster, schedules the ranges over the silos (a bounded number in flight), retries ranges
/// whose silo failed, counts each range key once, and merges the partials exactly — in range
/// order, with the engines' exact merges — so that the result is bit-identical to the same run in
/// one process for any number of silos and any range size. Cancellation stops every silo's work.
/// </summary>
/// <param name="grains">The cluster's grain factory (an <c>IClusterClient</c>, or a silo's).</param>
public sealed partial class ClusterRunner(IGrainFactory grains)
{
    private readonly IGrainFactory _grains = grains ?? throw new ArgumentNullException(nameof(grains));

    /// <summary>
    /// Runs the microsimulation of every strategy of a scenario (comparator first) over the
    /// cluster: people [0, <paramref name="people"/>) in ranges; stream (seed, person) as in
    /// <see cref="MicrosimEngine.RunRange"/>. The scenario is read and validated here first, so a bad
    /// definition fails at once with the reader's located problems.
    /// </summary>
    /// <param name="scenario">The scenario (its canonical <see cref="ScenarioDocument"/> is the model definition sent to the cluster).</param>
    /// <param name="people">Number of simulated people (≥ 1).</param>
    /// <param name="seed">The master seed.</param>
    /// <param name="blockSize">People per exact-sum block (ranges start on its multiples); 4096 by default, as <see cref="MicrosimOptions.BlockSize"/>.</param>
    /// <param name="options">Scheduling options; null for the defaults.</param>
    /// <param name="progress">Receives one report per finished range.</param>
    /// <param name="cancellationToken">Cancels the run and every range in flight.</param>
    /// <returns>The results (as <see cref="MicrosimEngine.Complete"/> gives them) and the run's statistics.</returns>
    /// <exception cref="Model.ModelValidationException">The scenario does not make a valid model.</exception>
    /// <exception cref="ClusterRunException">A silo refused the work, or a range failed on every attempt.</exception>
    public async Task<(MicrosimComparison Result, ClusterRunStatistics Statistics)> RunMicrosimulationAsync(
        Scenario scenario, int people, ulong seed, int blockSize = 4096, ClusterRunOptions? options = null, IProgress<RunProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        ArgumentOutOfRangeException.ThrowIfLessThan(people, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(blockSize, 1);
        options ??= new ClusterRunOptions();
        Check(options);
        var document = ScenarioDocument.ToUtf8Bytes(scenario);
        var definition = new PreparedDefinition(ScenarioDocument.FromJson(document));
        var work = new ClusterWork(Model.ContentHash.Of(document).ToString(), ClusterWorkKind.Microsimulation, seed, people, blockSize, options.ThreadsPerRange, ClusterVersion.Current);
        var size = options.RangeSize > 0 ? options.RangeSize : Math.Max(1, people / 24);
        size = Math.Max(blockSize, (size + blockSize - 1) / blockSize * blockSize);
        var (partials, stats) = await RunRanges(document, work, people, size, options, progress, cancellationToken).ConfigureAwait(false);
        var microsim = RangeComputation.MicrosimOptions(definition, work);
        MicrosimPartial? merged = null;
        foreach (var bytes in partials)
        {
            var p = MicrosimPartial.FromBytes(bytes, definition.Compiled, microsim);
            merged = merged is null ? p : merged.Merge(p);
        }

        return (MicrosimEngine.Complete(merged!), stats);
    }

    /// <summary>
    /// Runs the household microsimulation of a scenario's household tables over the cluster, as
    /// <c>socinv households</c> runs it in one process (<see cref="Households.HouseholdEngine.RunAll"/>
    /// with the definition's household strategies, the base-case parameters and the scenario's
    /// perspectives with the family's added): households [0, N) in ranges on multiples of
    /// <paramref name="blockSize"/>, N = <paramref name="households"/> or, for a household register,
    /// its households. The tables travel as a second content-addressed document (a canonical bundle
    /// of file name → bytes, stored once like the scenario document); each silo parses them and
    /// prepares the run once. Household h uses the streams (seed, h) whatever range it falls in, and
    /// the partials merge exactly, so the result equals the single-process run bit for bit for any
    /// number of silos and any range size. Every partial is read back with
    /// <see cref="Households.HouseholdPartial.FromBytes"/> against the run prepared here: a partial of
    /// another run (another run key) is refused. The tables are read and validated here first, so bad
    /// tables fail at once with every located problem. With <paramref name="householdType"/> the run
    /// is that household type alone (<see cref="Households.HouseholdDefinition.ForType"/>), as the
    /// results by type of <c>socinv households</c> run it. The household PSA is not part of this call.
    /// </summary>
    /// <param name="scenario">The scenario (its canonical <see cref="ScenarioDocument"/> is sent to the cluster).</param>
    /// <param name="householdFiles">The household tables' bytes by file name (<see cref="HouseholdFiles.FileNames"/>; a missing name is an absent table), as <see cref="HouseholdFiles.Parse"/> takes them.</param>
    /// <param name="households">Number of simulated households (≥ 1; ignored for a household register, whose households are each simulated once).</param>
    /// <param name="seed">The master seed.</param>
    /// <param name="blockSize">Households per exact-sum block (ranges start on its multiples); 4096 by default, as <see cref="Households.HouseholdOptions.BlockSize"/>.</param>
    /// <param name="householdType">A household type (template name) to run alone; null for every household.</param>
    /// <param name="options">Scheduling options (<see cref="ClusterRunOptions.RangeSize"/> counts households); null for the defaults.</param>
    /// <param name="progress">Receives one report per finished range.</param>
    /// <param name="cancellationToken">Cancels the run and every range in flight.</param>
    /// <returns>The results (as <see cref="Households.HouseholdEngine.Complete"/> gives them; the comparator first) and the run's statistics.</returns>
    /// <exception cref="ScenarioFormatException">The household tables do not parse (every problem, with file, line, column and field).</exception>
    /// <exception cref="Model.ModelValidationException">The scenario does not make a valid model, or a household strategy is invalid for it.</exception>
    /// <exception cref="ArgumentException">The run cannot be keyed (its model has no definition hash), or its options are invalid.</exception>
    /// <exception cref="ClusterRunException">A silo refused the work, a range failed on every attempt, or a silo returned a partial of another run.</exception>
    public async Task<(Households.HouseholdComparison Result, ClusterRunStatistics Statistics)> RunHouseholdsAsync(
        Scenario scenario, IReadOnlyDictionary<string, byte[]> householdFiles, long households, ulong seed, int blockSize = 4096, string? householdType = null, ClusterRunOptions? options = null, IProgress<RunProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        ArgumentNullException.ThrowIfNull(householdFiles);
        ArgumentOutOfRangeException.ThrowIfLessThan(households, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(blockSize, 1);
        options ??= new ClusterRunOptions();
        Check(options);
        var document = ScenarioDocument.ToUtf8Bytes(scenario);
        var definition = new PreparedDefinition(ScenarioDocument.FromJson(document));
        var tables = HouseholdTables.Pack(householdFiles);
        var work = new ClusterWork(Model.ContentHash.Of(document).ToString(), ClusterWorkKind.Households, seed, households, blockSize, options.ThreadsPerRange, ClusterVersion.Current) { TablesHash = Model.ContentHash.Of(tables).ToString(), HouseholdType = householdType };
        var run = HouseholdTables.Prepare(definition, HouseholdTables.Unpack(tables), work);
        if (run.RunKey is null)
        {
            throw new ArgumentException("The household run has no run key (its model has no definition hash), so partials from the silos cannot be checked against it.", nameof(scenario));
        }

        var total = run.Households;
        var size = options.RangeSize > 0 ? options.RangeSize : Math.Max(1, total / 24);
        size = Math.Max(blockSize, (size + blockSize - 1) / blockSize * blockSize);
        var (partials, stats) = await RunRanges(document, work, total, size, options, progress, cancellationToken, tables).ConfigureAwait(false);
        Households.HouseholdPartial? merged = null;
        for (var i = 0; i < partials.Count; i++)
        {
            Households.HouseholdPartial p;
            try
            {
                p = Households.HouseholdPartial.FromBytes(partials[i], run);
            }
            catch (FormatException e)
            {
                throw new ClusterRunException($"The partial of household range {i + 1} of {partials.Count} cannot be merged: {e.Message}", e);
            }

            merged = merged is null ? p : merged.Merge(p);
        }

        return (Households.HouseholdEngine.Complete(merged!), stats);
    }

    /// <summary>
    /// Runs the household PSA of a scenario's household tables over the cluster, as
    /// <c>socinv households --draws</c> runs it in one process (<see cref="HouseholdUncertainty.Run"/>:
    /// the scenario's parameter distributions, its perspectives with the family's, every household
    /// strategy, each draw an exact joint-state cohort of the households): draws [0,
    /// <paramref name="draws"/>) in ranges. The household tables travel as for
    /// <see cref="RunHouseholdsAsync"/>; each silo prepares the household PSA once per run (its base
    /// case included). Draw k uses the stream (seed, k) in any range and every draw is kept, so the
    /// result equals the single-process run bit for bit, percentiles included. Every partial is read
    /// back with <see cref="Uncertainty.HouseholdPsa.ReadPartial"/> against the PSA prepared here, which
    /// refuses a partial of another run. The tables and distributions are checked here first.
    /// </summary>
    /// <param name="scenario">The scenario (its canonical <see cref="ScenarioDocument"/> is sent to the cluster).</param>
    /// <param name="householdFiles">The household tables' bytes by file name, as for <see cref="RunHouseholdsAsync"/>.</param>
    /// <param name="draws">Number of draws K (≥ 1).</param>
    /// <param name="seed">The master seed.</param>
    /// <param name="options">Scheduling options (<see cref="ClusterRunOptions.RangeSize"/> counts draws); null for the defaults.</param>
    /// <param name="progress">Receives one report per finished range.</param>
    /// <param name="cancellationToken">Cancels the run and every range in flight.</param>
    /// <returns>The household PSA result and the run's statistics.</returns>
    /// <exception cref="ScenarioFormatException">The household tables or a distribution do not parse (every problem, located).</exception>
    /// <exception cref="ArgumentException">The joint state space is above the cap, or the run cannot be keyed (its model has no definition hash).</exception>
    /// <exception cref="ClusterRunException">A silo refused the work, a range failed on every attempt, or a silo returned a partial of another run.</exception>
    public async Task<(Uncertainty.HouseholdPsaResult Result, ClusterRunStatistics Statistics)> RunHouseholdPsaAsync(
        Scenario scenario, IReadOnlyDictionary<string, byte[]> householdFiles, int draws, ulong seed, ClusterRunOptions? options = null, IProgress<RunProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        ArgumentNullException.ThrowIfNull(householdFiles);
        ArgumentOutOfRangeException.ThrowIfLessThan(draws, 1);
        options ??= new ClusterRunOptions();
        Check(options);
        var document = ScenarioDocument.ToUtf8Bytes(scenario);
        var definition = new PreparedDefinition(ScenarioDocument.FromJson(document));
        var tables = HouseholdTables.Pack(householdFiles);
        var work = new ClusterWork(Model.ContentHash.Of(document).ToString(), ClusterWorkKind.HouseholdProbabilisticAnalysis, seed, draws, 1, options.ThreadsPerRange, ClusterVersion.Current) { TablesHash = Model.ContentHash.Of(tables).ToString(), KeepDraws = true };
        var psa = HouseholdTables.PreparePsa(definition, HouseholdTables.Unpack(tables), work);
        if (psa.RunKey is null)
        {
            throw new ArgumentException("The household PSA has no run key (its model has no definition hash), so partials from the silos cannot be checked against it.", nameof(scenario));
        }

        var size = options.RangeSize > 0 ? options.RangeSize : Math.Max(1, draws / 24);
        var (partials, stats) = await RunRanges(document, work, draws, size, options, progress, cancellationToken, tables).ConfigureAwait(false);
        var read = new List<Uncertainty.PsaPartial>(partials.Count);
        for (var i = 0; i < partials.Count; i++)
        {
            try
            {
                read.Add(psa.ReadPartial(partials[i]));
            }
            catch (FormatException e)
            {
                throw new ClusterRunException($"The partial of household PSA range {i + 1} of {partials.Count} cannot be merged: {e.Message}", e);
            }
        }

        return (psa.Complete(Uncertainty.PsaPartial.MergeAll(read)), stats);
    }

    /// <summary>
    /// Runs the probabilistic sensitivity analysis of a scenario over the cluster: draws
    /// [0, <paramref name="draws"/>) in ranges, each appraising every strategy against the scenario's
    /// comparator from its perspectives, as <c>ScenarioRunner.RunProbabilistic</c> does in one
    /// process. Draw k uses the stream (seed, k), so the merged result equals the single-process
    /// run bit for bit in every mean, standard deviation, standard error, probability, acceptability
    /// and EVPI figure, and, with <paramref name="keepDraws"/>, in every percentile and draw. Without
    /// it, percentiles come from quantile sketches merged across ranges, which keep their accuracy but
    /// may differ in the last digits from the single run's (see <see cref="PsaPartial"/>).
    /// </summary>
    /// <param name="scenario">The scenario (its canonical <see cref="ScenarioDocument"/> is sent to the cluster).</param>
    /// <param name="draws">Number of draws K (≥ 1).</param>
    /// <param name="seed">The master seed.</param>
    /// <param name="keepDraws">Keep every draw (memory grows with K) for exact percentiles.</param>
    /// <param name="options">Scheduling options; null for the defaults.</param>
    /// <param name="progress">Receives one report per finished range.</param>
    /// <param name="cancellationToken">Cancels the run and every range in flight.</param>
    /// <returns>The PSA result and the run's statistics.</returns>
    /// <exception cref="Model.ModelValidationException">The scenario does not make a valid model.</exception>
    /// <exception cref="ClusterRunException">A silo refused the work, or a range failed on every attempt.</exception>
    public async Task<(PsaResult Result, ClusterRunStatistics Statistics)> RunProbabilisticAsync(
        Scenario scenario, int draws, ulong seed, bool keepDraws = false, ClusterRunOptions? options = null, IProgress<RunProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        var (merged, _, stats) = await RunPsaRanges(scenario, draws, seed, keepDraws, options, progress, cancellationToken).ConfigureAwait(false);
        return (merged.ToResult(), stats);
    }

    /// <summary>
    /// Runs the PSA of a scenario over the cluster and gives the result a single streamed run gives
    /// (<c>ScenarioRunner.RunProbabilistic</c> with <c>KeepDraws = false</c>, as <c>socinv run --draws</c>
    /// runs it) bit for bit, the quantile-sketch percentiles included: the ranges keep their draws,
    /// and the coordinator folds every draw again in draw order (<see cref="PsaPartial.ToStreamedResult"/>),
    /// passing each to <paramref name="drawSink"/> in order. The price is memory on the coordinator:
    /// every draw's values (5 × strategies × perspectives + strategies × outcomes + parameters
    /// doubles; about 1.4 KB a draw for the Norwegian default) until the run ends.
    /// </summary>
    /// <param name="scenario">The scenario (its canonical <see cref="ScenarioDocument"/> is sent to the cluster).</param>
    /// <param name="draws">Number of draws K (≥ 1).</param>
    /// <param name="seed">The master seed.</param>
    /// <param name="drawSink">Receives each draw in draw order after the ranges are in; null for none.</param>
    /// <param name="options">Scheduling options; null for the defaults.</param>
    /// <param name="progress">Receives one report per finished range.</param>
    /// <param name="cancellationToken">Cancels the run and every range in flight.</param>
    /// <returns>The streamed PSA result (no draws kept) and the run's statistics.</returns>
    /// <exception cref="Model.ModelValidationException">The scenario does not make a valid model.</exception>
    /// <exception cref="ClusterRunException">A silo refused the work, or a range failed on every attempt.</exception>
    public async Task<(PsaResult Result, ClusterRunStatistics Statistics)> RunProbabilisticStreamedAsync(
        Scenario scenario, int draws, ulong seed, PsaDrawSink? drawSink = null, ClusterRunOptions? options = null, IProgress<RunProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        var (merged, _, stats) = await RunPsaRanges(scenario, draws, seed, true, options, progress, cancellationToken).ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
        return (merged.ToStreamedResult(drawSink), stats);
    }

    /// <summary>
    /// <see cref="RunProbabilisticStreamedAsync"/> with settlement under uncertainty, as <c>socinv run --draws</c> with
    /// settlement rules runs it in one process: every draw of every strategy (the model's, the comparator left out)
    /// is also settled against the scenario's comparator under <paramref name="settlement"/> on the silos, from the
    /// draw's payer flows (<see cref="SettlementUncertainty.Observer"/>). The plan travels as its document
    /// (<see cref="SettlementPlan.ToDocument"/>), stored once per run like the scenario document; each range
    /// returns its settlements with its partial, and the coordinator joins them in draw order
    /// (<see cref="SettlementPsaResult.Concatenate"/>), so each result equals the local collector's bit for bit,
    /// for any number of silos and any range size. The plan is checked against the model here first.
    /// </summary>
    /// <param name="scenario">The scenario (its canonical <see cref="ScenarioDocument"/> is sent to the cluster).</param>
    /// <param name="draws">Number of draws K (≥ 1).</param>
    /// <param name="seed">The master seed.</param>
    /// <param name="settlement">The settlement plan (the library's rule kinds).</param>
    /// <param name="drawSink">Receives each draw in draw order after the ranges are in; null for none.</param>
    /// <param name="options">Scheduling options; null for the defaults.</param>
    /// <param name="progress">Receives one report per finished range.</param>
    /// <param name="cancellationToken">Cancels the run and every range in flight.</param>
    /// <returns>The streamed PSA result, one settlement result per settled strategy (in the model's order), and the run's statistics.</returns>
    /// <exception cref="Model.ModelValidationException">The scenario does not make a valid model.</exception>
    /// <exception cref="SettlementValidationException">The plan names payers or interventions the model does not have.</exception>
    /// <exception cref="NotSupportedException">The plan has a rule of a kind a plan document cannot hold.</exception>
    /// <exception cref="ClusterRunException">A silo refused the work, or a range failed on every attempt, or returned what cannot be read.</exception>
    public async Task<(PsaResult Result, IReadOnlyList<SettlementPsaResult> Settlements, ClusterRunStatistics Statistics)> RunProbabilisticWithSettlementAsync(
        Scenario scenario, int draws, ulong seed, SettlementPlan settlement, PsaDrawSink? drawSink = null, ClusterRunOptions? options = null, IProgress<RunProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(settlement);
        var (merged, settlements, stats) = await RunPsaRanges(scenario, draws, seed, true, options, progress, cancellationToken, settlement).ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
        return (merged.ToStreamedResult(drawSink), settlements, stats);
    }

    // The PSA's ranges over the cluster, read back and merged exactly (shared by the kept and the streamed form, with and without settlement).
    private async Task<(PsaPartial Merged, IReadOnlyList<SettlementPsaResult> Settlements, ClusterRunStatistics Statistics)> RunPsaRanges(
        Scenario scenario, int draws, ulong seed, bool keepDraws, ClusterRunOptions? options, IProgress<RunProgress>? progress, CancellationToken cancellationToken, SettlementPlan? settlement = null)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        ArgumentOutOfRangeException.ThrowIfLessThan(draws, 1);
        options ??= new ClusterRunOptions();
        Check(options);
        var document = ScenarioDocument.ToUtf8Bytes(scenario);
        var definition = new PreparedDefinition(ScenarioDocument.FromJson(document));
        _ = definition.Psa;
        var model = definition.Model;
        var settled = definition.SettledStrategies;
        byte[]? plan = null;
        if (settlement is not null)
        {
            // The plan checked against the model here (each collector validates it), and its document made, before anything is sent.
            foreach (var s in settled)
            {
                _ = SettlementUncertainty.ForRange(model, settlement, s, definition.Comparator, 0, 1);
            }

            plan = settlement.ToDocument();
        }

        var work = new ClusterWork(Model.ContentHash.Of(document).ToString(), ClusterWorkKind.ProbabilisticAnalysis, seed, draws, 1, options.ThreadsPerRange, ClusterVersion.Current)
        {
            KeepDraws = keepDraws,
            EvaluateInFull = options.EvaluateEveryDrawInFull,
            SettlementHash = plan is null ? null : Model.ContentHash.Of(plan).ToString(),
        };
        var size = options.RangeSize > 0 ? options.RangeSize : Math.Max(1, draws / 24);
        var (blobs, stats) = await RunRanges(document, work, draws, size, options, progress, cancellationToken, plan).ConfigureAwait(false);
        var psa = RangeComputation.PsaOptions(definition, work);
        if (settlement is null)
        {
            return (PsaPartial.MergeAll(blobs.Select(b => PsaPartial.FromBytes(b, definition.Psa, psa))), [], stats);
        }

        var partials = new List<PsaPartial>(blobs.Count);
        var parts = settled.Select(_ => new List<SettlementPsaResult>(blobs.Count)).ToArray();
        for (var i = 0; i < blobs.Count; i++)
        {
            try
            {
                var (partial, settlements) = RangeComputation.SplitSettled(blobs[i]);
                if (settlements.Length != settled.Count)
                {
                    throw new FormatException($"The range holds {settlements.Length} settlements; the run settles {settled.Count} strategies.");
                }

                partials.Add(PsaPartial.FromBytes(partial, definition.Psa, psa));
                for (var s = 0; s < settled.Count; s++)
                {
                    var part = SettlementPsaResult.FromBytes(settlements[s], model, settlement);
                    if (part.Strategy.Name != settled[s].Name)
                    {
                        throw new FormatException($"The range's settlement {s + 1} is of '{part.Strategy.Name}', not '{settled[s].Name}'.");
                    }

                    parts[s].Add(part);
                }
            }
            catch (FormatException e)
            {
                throw new ClusterRunException($"The settled range {i + 1} of {blobs.Count} cannot be read: {e.Message}", e);
            }
        }

        IReadOnlyList<SettlementPsaResult> joined;
        try
        {
            joined = [.. parts.Select(SettlementPsaResult.Concatenate)];
        }
        catch (ArgumentException e)
        {
            throw new ClusterRunException($"The ranges' settlements do not join into the run's: {e.Message}", e);
        }

        return (PsaPartial.MergeAll(partials), joined, stats);
    }

    private static void Check(ClusterRunOptions o)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(o.RangeSize, nameof(o.RangeSize));
        ArgumentOutOfRangeException.ThrowIfLessThan(o.MaxRangesInFlight, 1, nameof(o.MaxRangesInFlight));
        ArgumentOutOfRangeException.ThrowIfLessThan(o.ThreadsPerRange, 1, nameof(o.ThreadsPerRange));
        ArgumentOutOfRangeException.ThrowIfLessThan(o.MaxAttempts, 1, nameof(o.MaxAttempts));
    }

    /// <summary>Runs [0, total) in ranges of <paramref name="size"/> and returns the partials in range order.</summary>
    private async Task<(IReadOnlyList<byte[]> Partials, ClusterRunStatistics Statistics)> RunRanges(
        byte[] document, ClusterWork work, long total, long size, ClusterRunOptions options, IProgress<RunProgress>? progress, CancellationToken cancellationToken, byte[]? tables = null)
    {
        // The second content-addressed document of the run, if any: the household tables, or the settlement plan.
        var secondHash = work.TablesHash ?? work.SettlementHash;
        using var activity = ClusterTelemetry.Source.StartActivity("socinv.cluster.run");
        activity?.SetTag("socinv.definition", work.DefinitionHash);
        activity?.SetTag("socinv.kind", work.Kind.ToString());
        var log = options.Logger ?? NullLogger.Instance;
        var clock = Stopwatch.StartNew();
        var ledger = options.Ledger ?? new MemoryRangeLedger();
        var ranges = new List<(long First, long Count)>();
        for (long first = 0; first < total; first += size)
        {
            ranges.Add((first, Math.Min(size, total - first)));
        }

        var results = new byte[ranges.Count][];
        var fromLedger = 0;
        for (var i = 0; i < ranges.Count; i++)
        {
            if (ledger.Find(work.RangeKey(ranges[i].First, ranges[i].Count)) is { } done)
            {
                results[i] = done;
                fromLedger++;
            }
        }

        var bytes = document;
        await _grains.GetGrain<IScenarioDefinitionGrain>(work.DefinitionHash).Store(bytes).WaitAsync(cancellationToken).ConfigureAwait(false);
        if (tables is not null)
        {
            await _grains.GetGrain<IScenarioDefinitionGrain>(secondHash!).Store(tables).WaitAsync(cancellationToken).ConfigureAwait(false);
        }

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var gate = new SemaphoreSlim(options.MaxRangesInFlight);
        var retries = 0;
        var duplicates = 0;
        var siloSeconds = 0.0;
        var silos = new HashSet<string>(StringComparer.Ordinal);
        var finished = fromLedger;
        var sync = new Lock();
        ClusterRunException? failure = null;

        async Task RunOne(int i)
        {
            var (first, count) = ranges[i];
            var key = work.RangeKey(first, count);
            await gate.WaitAsync(stop.Token).ConfigureAwait(false);
            try
            {
                for (var attempt = 1; ; attempt++)
                {
                    stop.Token.ThrowIfCancellationRequested();
                    RangeOutcome outcome;
                    try
                    {
                        outcome = await _grains.GetGrain<IRangeGrain>(key).Run(work, first, count, stop.Token).ConfigureAwait(false);
                    }
                    catch (Exception e) when (e is not OperationCanceledException && !stop.IsCancellationRequested)
                    {
                        outcome = new RangeOutcome(null, e.GetType().Name + ": " + e.Message, false, "?", 0);
                    }

                    if (outcome.Partial is { } partial)
                    {
                        lock (sync)
                        {
                            if (ledger.TryRecord(key, partial))
                            {
                                results[i] = partial;
                                silos.Add(outcome.Silo);
                                siloSeconds += outcome.Seconds;
                                finished++;
                            }
                            else
                            {
                                duplicates++;
                                results[i] ??= ledger.Find(key)!;
                            }
                        }

                        progress?.Report(new RunProgress(Volatile.Read(ref finished), ranges.Count, "cluster ranges"));
                        return;
                    }

                    if (outcome.Permanent || attempt >= options.MaxAttempts)
                    {
                        throw new ClusterRunException($"Range [{first}, {first + count}) failed{(outcome.Permanent ? string.Empty : $" on all {attempt} attempts")}: {outcome.Error}");
                    }

                    Interlocked.Increment(ref retries);
                    ClusterTelemetry.RangesRetried.Add(1);
                    LogRetry(log, first, first + count, attempt, outcome.Error);
                    await Task.Delay(TimeSpan.FromMilliseconds(100 * attempt), stop.Token).ConfigureAwait(false);
                    try
                    {
                        // The document's holder may be the silo that failed: store it again (it reactivates on a live silo).
                        await _grains.GetGrain<IScenarioDefinitionGrain>(work.DefinitionHash).Store(bytes).WaitAsync(stop.Token).ConfigureAwait(false);
                        if (tables is not null)
                        {
                            await _grains.GetGrain<IScenarioDefinitionGrain>(secondHash!).Store(tables).WaitAsync(stop.Token).ConfigureAwait(false);
                        }
                    }
                    catch (Exception e) when (e is not OperationCanceledException && !stop.IsCancellationRequested)
                    {
                        // Still transient (membership has not yet removed the failed silo): the next attempt reports it.
                    }
                }
            }
            catch (ClusterRunException e)
            {
                lock (sync)
                {
                    failure ??= e;
                }

                await stop.CancelAsync().ConfigureAwait(false);
            }
            finally
            {
                gate.Release();
            }
        }

        var pending = Enumerable.Range(0, ranges.Count).Where(i => results[i] is null).Select(RunOne).ToArray();
        try
        {
            await Task.WhenAll(pending).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (failure is not null)
        {
            // Stopped because one range failed for good: report that failure below.
        }

        if (failure is not null)
        {
            throw failure;
        }

        cancellationToken.ThrowIfCancellationRequested();
        var stats = new ClusterRunStatistics(ranges.Count, fromLedger, retries, duplicates, [.. silos.Order(StringComparer.Ordinal)], clock.Elapsed.TotalSeconds, siloSeconds);
        return (results, stats);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Range [{First}, {End}) attempt {Attempt} failed: {Error}; retrying")]
    private static partial void LogRetry(ILogger logger, long first, long end, int attempt, string? error);
}
