using SocialInvestment.Economics;
using SocialInvestment.Engine;
using SocialInvestment.Model;
using SocialInvestment.Uncertainty;

namespace SocialInvestment.Scenarios;

/// <summary>Overrides for a scenario run; null members keep the scenario's settings.</summary>
public sealed record ScenarioRunOptions
{
    /// <summary>Horizon in cycles instead of the scenario's.</summary>
    public int? Horizon { get; init; }

    /// <summary>Discount preset (for costs and outcomes) instead of the scenario's, a name understood by <see cref="ScenarioConventions.TryParseDiscounting"/>.</summary>
    public string? Discounting { get; init; }

    /// <summary>Perspective names to appraise instead of the scenario's list (same names as <see cref="ScenarioSettings.Perspectives"/>).</summary>
    public IReadOnlyList<string>? Perspectives { get; init; }

    /// <summary>Worker threads of a probabilistic run (<see cref="ScenarioRunner.RunProbabilistic"/>), the convention of <see cref="RunOptions.Threads"/>: 0 (default) every core, n ≥ 1 at most n. Results do not depend on it; deterministic runs ignore it.</summary>
    public int Threads { get; init; }

    /// <summary>
    /// Keep every PSA draw in memory (<see cref="PsaOptions.KeepDraws"/>): per-draw values, exact
    /// percentiles and EVPPI, at about 8·(5·S·V + S·O + P) bytes per draw. Default false: the
    /// summaries are streamed and memory does not grow with the draws. Deterministic runs ignore it.
    /// </summary>
    public bool KeepDraws { get; init; }

    /// <summary>Receives every PSA draw in draw order while the run goes on (<see cref="PsaOptions.DrawSink"/>), for example to write a per-draw file without keeping the draws. Deterministic runs ignore it.</summary>
    public PsaDrawSink? DrawSink { get; init; }

    /// <summary>
    /// The evaluator of a probabilistic run: called once with the model the run builds (overrides
    /// applied), it returns the <see cref="StrategyEvaluator"/> the PSA calls for every strategy and
    /// draw, for example <see cref="SettlementUncertainty.Evaluator"/> to settle every draw. The
    /// evaluator it returns must run the strategy (for instance by calling through to the cohort
    /// engine). Null: the cohort engine. Deterministic runs ignore it.
    /// </summary>
    public Func<LifeCourseModel, StrategyEvaluator>? Evaluator { get; init; }

    /// <summary>
    /// The per-draw payer-flow observer of a probabilistic run (<see cref="PsaOptions.PayerFlowObserver"/>):
    /// called once with the model the run builds (overrides applied), it returns the observer, for
    /// example <see cref="SettlementUncertainty.Observer"/> to settle every draw while the cohort PSA keeps
    /// its incremental draw path. Null: none. Deterministic runs ignore it.
    /// </summary>
    public Func<LifeCourseModel, PsaPayerFlowObserver>? PayerFlowObserver { get; init; }
}

/// <summary>The result of running every strategy of a scenario with the cohort engine and appraising it against the comparator.</summary>
public sealed class ScenarioRun
{
    internal ScenarioRun(Scenario scenario, LifeCourseModel model, IReadOnlyList<CohortResult> results, string comparator, IReadOnlyList<Perspective> perspectives, IReadOnlyList<AppraisalResult> appraisals)
    {
        Scenario = scenario;
        Model = model;
        Results = results;
        Comparator = comparator;
        Perspectives = perspectives;
        Appraisals = appraisals;
    }

    /// <summary>The scenario run.</summary>
    public Scenario Scenario { get; }

    /// <summary>The model built from the scenario (with any run overrides applied).</summary>
    public LifeCourseModel Model { get; }

    /// <summary>One cohort result per strategy, in the model's strategy order.</summary>
    public IReadOnlyList<CohortResult> Results { get; }

    /// <summary>Name of the comparator strategy.</summary>
    public string Comparator { get; }

    /// <summary>The perspectives appraised.</summary>
    public IReadOnlyList<Perspective> Perspectives { get; }

    /// <summary>For each non-comparator strategy (in order) and each perspective (in order), its appraisal against the comparator.</summary>
    public IReadOnlyList<AppraisalResult> Appraisals { get; }

    /// <summary>The result of a strategy.</summary>
    /// <param name="strategy">Strategy name.</param>
    /// <exception cref="KeyNotFoundException">No such strategy.</exception>
    public CohortResult Result(string strategy)
        => Results.FirstOrDefault(r => r.Strategy.Name == strategy) ?? throw new KeyNotFoundException($"The run has no strategy '{strategy}'.");

    /// <summary>The appraisal of a strategy from a perspective.</summary>
    /// <param name="strategy">Strategy name.</param>
    /// <param name="perspective">Perspective name as reported by <see cref="Perspective.Name"/>, or as given in the settings (public, society, a payer).</param>
    /// <exception cref="KeyNotFoundException">No such appraisal.</exception>
    public AppraisalResult Appraisal(string strategy, string perspective)
    {
        // A settings name (public, society, a payer) is matched by what it resolves to (society with the scenario's λ), a reported name as such.
        var p = Scenario.ResolvePerspective(perspective);
        return Appraisals.FirstOrDefault(a => a.Strategy.Name == strategy && a.Perspective.Equals(p))
            ?? Appraisals.FirstOrDefault(a => a.Strategy.Name == strategy && a.Perspective.Name == perspective)
            ?? throw new KeyNotFoundException($"The run has no appraisal of '{strategy}' from the perspective '{perspective}'.");
    }

    /// <summary>
    /// Who invests, who saves: for a strategy against the comparator, each payer's present value of
    /// investment (intervention costs), consequences (change in its other flows; negative =
    /// savings or extra income) and net. Independent of the perspective.
    /// </summary>
    /// <param name="strategy">Strategy name (not the comparator).</param>
    public IReadOnlyList<PayerBalance> WhoInvestsWhoSaves(string strategy)
    {
        var a = Appraisals.FirstOrDefault(x => x.Strategy.Name == strategy);
        return a is not null
            ? a.Payers
            : Economics.Appraisal.Compare(Result(strategy), Result(Comparator), Perspective.PublicSector).Payers;
    }
}

/// <summary>Runs a scenario in memory: builds the model, runs every strategy, appraises each against the comparator.</summary>
public static class ScenarioRunner
{
    /// <summary>Runs a scenario. No files are read or written.</summary>
    /// <param name="scenario">The scenario.</param>
    /// <param name="options">Overrides (horizon, discounting, perspectives); null for none.</param>
    /// <param name="progress">Receives one report per strategy run.</param>
    /// <param name="ct">Cancels the run between strategies.</param>
    /// <returns>The results and appraisals.</returns>
    /// <exception cref="ModelValidationException">The scenario does not make a valid model.</exception>
    /// <exception cref="ArgumentException">An override names an unknown discount preset or perspective.</exception>
    public static ScenarioRun Run(Scenario scenario, ScenarioRunOptions? options = null, IProgress<RunProgress>? progress = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        var (model, perspectives) = Prepare(scenario, options ?? new ScenarioRunOptions());
        var results = CohortEngine.RunAll(model, null, progress, ct);
        var comparator = results.FirstOrDefault(r => r.Strategy.Name == scenario.Settings.Comparator)
            ?? throw new ModelValidationException([new ValidationProblem(ProblemSubject.Setting(nameof(ScenarioSettings.Comparator)), "settings", $"The comparator '{scenario.Settings.Comparator}' is not a strategy of the model.")]);
        var appraisals = new List<AppraisalResult>();
        foreach (var r in results)
        {
            if (ReferenceEquals(r, comparator))
            {
                continue;
            }

            foreach (var p in perspectives)
            {
                appraisals.Add(Appraisal.Compare(r, comparator, p));
            }
        }

        return new ScenarioRun(scenario, model, results, comparator.Strategy.Name, perspectives, appraisals);
    }

    /// <summary>
    /// Probabilistic sensitivity analysis of a scenario: builds the model (with the run overrides),
    /// turns the parameter distributions into a <see cref="PsaSpecification"/>
    /// (<see cref="Scenario.ToPsaSpecification"/>) and runs <see cref="ProbabilisticAnalysis.Run"/>
    /// with the cohort engine over every strategy, appraising each against the scenario's comparator
    /// from the scenario's perspectives (or the overrides). Draw k uses the random stream (seed, k),
    /// so the result is a pure function of (scenario, draws, seed), whatever the number of threads.
    /// </summary>
    /// <param name="scenario">The scenario.</param>
    /// <param name="draws">Number of parameter draws K (≥ 1).</param>
    /// <param name="seed">The PSA seed.</param>
    /// <param name="options">Overrides (horizon, discounting, perspectives, threads); null for none.</param>
    /// <param name="progress">Receives the number of completed draws.</param>
    /// <param name="ct">Cancels the run.</param>
    /// <returns>Streamed summaries of the appraisal figures (NPV, BCR, ROI, payback) by strategy and perspective; with <see cref="ScenarioRunOptions.KeepDraws"/> also every per-draw cost, outcome, figure and parameter value.</returns>
    /// <exception cref="ModelValidationException">The scenario does not make a valid model.</exception>
    /// <exception cref="ScenarioFormatException">A parameter distribution is invalid (with file and line).</exception>
    /// <exception cref="ArgumentException">An override names an unknown discount preset or perspective.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="draws"/> is less than 1.</exception>
    public static PsaResult RunProbabilistic(Scenario scenario, int draws, ulong seed, ScenarioRunOptions? options = null, IProgress<RunProgress>? progress = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        ArgumentOutOfRangeException.ThrowIfLessThan(draws, 1);
        ct.ThrowIfCancellationRequested();
        options ??= new ScenarioRunOptions();
        var (model, perspectives) = Prepare(scenario, options);
        var comparator = model.Strategies.FirstOrDefault(s => s.Name == scenario.Settings.Comparator)
            ?? throw new ModelValidationException([new ValidationProblem(ProblemSubject.Setting(nameof(ScenarioSettings.Comparator)), "settings", $"The comparator '{scenario.Settings.Comparator}' is not a strategy of the model.")]);
        var spec = scenario.ToPsaSpecification(model);
        var psa = new PsaOptions
        {
            Draws = draws,
            Seed = seed,
            Threads = options.Threads,
            Strategies = model.Strategies,
            Comparator = comparator,
            Perspectives = perspectives,
            KeepDraws = options.KeepDraws,
            DrawSink = options.DrawSink,
            PayerFlowObserver = options.PayerFlowObserver?.Invoke(model),
        };
        return ProbabilisticAnalysis.Run(spec, psa, options.Evaluator?.Invoke(model), progress, ct);
    }

    private static (LifeCourseModel Model, IReadOnlyList<Perspective> Perspectives) Prepare(Scenario scenario, ScenarioRunOptions options)
    {
        var model = scenario.BuildModel();
        if (options.Horizon is not null || options.Discounting is not null)
        {
            var o = model.Options;
            if (options.Horizon is int h)
            {
                o = o with { Cycles = h };
            }

            if (options.Discounting is string d)
            {
                // The message names the known presets; no parameter name is attached (it would mean nothing to a user of socinv).
                var schedule = ScenarioConventions.TryParseDiscounting(d, out var parsed, out var problem) ? parsed : throw new ArgumentException(problem);
                o = o with { CostDiscounting = schedule, OutcomeDiscounting = schedule };
            }

            model = model.WithOptions(o);
        }

        IReadOnlyList<Perspective> perspectives;
        if (options.Perspectives is { } names)
        {
            var unknown = names.Where(n => scenario.ResolvePerspective(n) is null).ToArray();
            if (unknown.Length > 0)
            {
                throw new ArgumentException($"Unknown perspective(s): {string.Join(", ", unknown)}. Use a payer name ({string.Join(", ", scenario.Payers.Select(p => p.Name))}), public, society, individual or resource-costs.");
            }

            perspectives = names.Select(n => scenario.ResolvePerspective(n)!).ToArray();
        }
        else
        {
            perspectives = scenario.Perspectives();
        }

        return (model, perspectives);
    }
}
