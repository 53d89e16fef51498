using System.Runtime.CompilerServices;
using SocialInvestment.Economics;
using SocialInvestment.Engine;
using SocialInvestment.Model;

namespace SocialInvestment.Uncertainty;

/// <summary>
/// Evaluates one strategy for one parameter draw. The default runs the cohort engine; a
/// microsimulation engine plugs in here (the draw index lets it key its own random streams, so
/// that strategies share random numbers within a draw).
/// </summary>
/// <param name="strategy">The strategy.</param>
/// <param name="parameters">The drawn parameter values.</param>
/// <param name="draw">Zero-based draw index.</param>
/// <param name="cancellationToken">Cancels the evaluation.</param>
/// <returns>The simulation result.</returns>
public delegate SimulationResult StrategyEvaluator(Strategy strategy, ParameterValues parameters, long draw, CancellationToken cancellationToken);

/// <summary>
/// Options of a probabilistic sensitivity analysis. The master seed and the thread count come from
/// the <see cref="RunOptions"/> root (<see cref="RunOptions.Seed"/>: draw k uses the stream (Seed, k);
/// <see cref="RunOptions.Threads"/>: 0 = every core, results do not depend on it).
/// </summary>
public sealed record PsaOptions : RunOptions
{
    /// <summary>Options with the defaults.</summary>
    public PsaOptions()
    {
    }

    /// <summary>Options that take the seed and thread count of a run-options root (so that a microsimulation built from the same root follows the same seed).</summary>
    /// <param name="root">The root.</param>
    public PsaOptions(RunOptions root)
        : base(root)
    {
    }

    /// <summary>Number of parameter draws K. Default 1,000.</summary>
    public int Draws { get; init; } = 1000;

    /// <summary>Strategies to run; null means the model's strategies (business as usual when it has none).</summary>
    public IReadOnlyList<Strategy>? Strategies { get; init; }

    /// <summary>The comparator of the appraisals; null means the first strategy.</summary>
    public Strategy? Comparator { get; init; }

    /// <summary>Perspectives; null means <see cref="Perspective.StandardSet"/> (each payer, public sector, society with λ = 0.2).</summary>
    public IReadOnlyList<Perspective>? Perspectives { get; init; }

    /// <summary>
    /// Keep every draw in memory: per-draw costs, outcomes, figures and parameter values
    /// (<see cref="PsaResult.Values"/>, <see cref="PsaResult.Costs"/>, <see cref="PsaResult.ParameterDraws"/>, …),
    /// exact percentiles (R type 7) and the regression EVPPI. Memory then grows with the draws:
    /// about <c>8·(5·S·V + S·O + P)</c> bytes per draw for S strategies, V perspectives, O outcomes
    /// and P parameters. Default false: summaries are streamed (moments, a <see cref="QuantileSketch"/>
    /// per figure, counts of positive values, the requested acceptability curves) and memory does not
    /// grow with the number of draws.
    /// </summary>
    public bool KeepDraws { get; init; }

    /// <summary>
    /// Receives every draw, in draw order (0, 1, …, K − 1), on the thread that called
    /// <see cref="ProbabilisticAnalysis.Run"/>, for example to write a per-draw CSV while the run
    /// goes on, without keeping the draws in memory. The <see cref="PsaDraw"/> passed is reused: it
    /// is valid only during the call. An exception thrown by the sink stops the run and propagates.
    /// </summary>
    public PsaDrawSink? DrawSink { get; init; }

    /// <summary>
    /// Receives every draw's flows by payer (<see cref="PsaPayerFlows"/>: per strategy and payer, the
    /// undiscounted base and intervention flows per trace point), for example to settle every draw
    /// (<see cref="SettlementUncertainty.Observer"/>). Unlike an evaluator it keeps the cohort PSA on the
    /// incremental draw path, and the PSA's own results do not change with it. It is called once per draw,
    /// right after the draw is evaluated, on the worker thread that evaluated it: concurrently and in no
    /// particular order, so it must be thread-safe and record what it keeps by <see cref="PsaPayerFlows.Index"/>.
    /// The <see cref="PsaPayerFlows"/> passed is reused: it is valid only during the call. An exception
    /// thrown by the observer stops the run and propagates. Null (default): none.
    /// </summary>
    public PsaPayerFlowObserver? PayerFlowObserver { get; init; }

    /// <summary>
    /// Compile and run every draw of every strategy in full (<see cref="CohortEngine.Run(LifeCourseModel, Strategy, ParameterValues?, CancellationToken)"/>)
    /// instead of the incremental draw path, which recomputes only what a draw's parameters reach.
    /// Outcomes are bit-identical either way (under the life-table convention within 1e-12: the incremental path books a
    /// cycle's two halves at once); costs and figures of the incremental path agree with
    /// the full one within 1e-12 of their rounding magnitude (they are summed per perspective first).
    /// Set it to match, bit for bit, a run whose explicit evaluator is the cohort engine (a contract
    /// PSA, or a settlement through <see cref="SettlementUncertainty.Evaluator"/>; a settlement through
    /// <see cref="PayerFlowObserver"/> keeps the incremental path), for example on another machine. Default false. Part of a
    /// <see cref="PsaPartial.RunKey"/>.
    /// </summary>
    public bool EvaluateEveryDrawInFull { get; init; }

    /// <summary>
    /// The identity of an explicit evaluator that computes the same per-draw results in every process
    /// (for example a household PSA's exact cohort of a content-hashed definition): with it, partials
    /// of runs with that evaluator get a <see cref="PsaPartial.RunKey"/> and can travel. Null: an
    /// explicit evaluator makes the partials key-less.
    /// </summary>
    internal ContentHash? EvaluatorKey { get; init; }

    /// <summary>
    /// Acceptability curves and EVPI to accumulate while the run streams (per willingness to pay:
    /// the count of draws in which each strategy is best, the sums of net benefit and of its maximum).
    /// <see cref="PsaResult.Acceptability"/> and <see cref="PsaResult.Evpi"/> answer for the requested
    /// perspectives, outcomes and λ values without <see cref="KeepDraws"/>; with it, for any.
    /// </summary>
    public IReadOnlyList<AcceptabilityRequest>? Acceptability { get; init; }
}

/// <summary>A perspective, an effect measure and a willingness-to-pay grid whose net benefit a streamed PSA accumulates.</summary>
/// <param name="Perspective">The cost perspective.</param>
/// <param name="Outcome">The effect measure (for example QALY).</param>
/// <param name="WillingnessToPay">The λ values, currency per unit of outcome.</param>
public sealed record AcceptabilityRequest(Perspective Perspective, Outcome Outcome, IReadOnlyList<double> WillingnessToPay);

/// <summary>Receives one PSA draw (see <see cref="PsaOptions.DrawSink"/>).</summary>
/// <param name="draw">The draw; valid only during the call.</param>
public delegate void PsaDrawSink(PsaDraw draw);

/// <summary>
/// One PSA draw as passed to a <see cref="PsaDrawSink"/>: the drawn parameters and, per strategy
/// and perspective, the totals and the appraisal figures against the comparator. The same instance
/// is reused for every draw; read what you need during the call.
/// </summary>
public sealed class PsaDraw
{
    private readonly int _s;
    private readonly int _v;
    private readonly int _o;
    private readonly int _p;
    private double[] _costs = [];
    private double[] _outcomes = [];
    private double[] _figures = [];
    private double[] _parameters = [];
    private int _stride;
    private int _at;

    internal PsaDraw(IReadOnlyList<Strategy> strategies, int comparator, IReadOnlyList<Perspective> perspectives, IReadOnlyList<Outcome> outcomes, int parameters)
    {
        Strategies = strategies;
        ComparatorIndex = comparator;
        Perspectives = perspectives;
        Outcomes = outcomes;
        _s = strategies.Count;
        _v = perspectives.Count;
        _o = outcomes.Count;
        _p = parameters;
    }

    /// <summary>Zero-based draw index k.</summary>
    public int Index { get; private set; }

    /// <summary>The strategies, in the order of the strategy indices.</summary>
    public IReadOnlyList<Strategy> Strategies { get; }

    /// <summary>Index of the comparator in <see cref="Strategies"/>.</summary>
    public int ComparatorIndex { get; }

    /// <summary>The perspectives, in the order of the perspective indices.</summary>
    public IReadOnlyList<Perspective> Perspectives { get; }

    /// <summary>The model's outcomes, in the order of the outcome indices.</summary>
    public IReadOnlyList<Outcome> Outcomes { get; }

    /// <summary>The drawn value of every model parameter (base value for those without a distribution), by <see cref="ParameterRef.Index"/>.</summary>
    public ReadOnlySpan<double> Parameters => _parameters.AsSpan(_at * _p, _p);

    /// <summary>An appraisal figure of strategy <paramref name="strategy"/> against the comparator from perspective <paramref name="perspective"/> (0 or NaN for the comparator; NaN when undefined).</summary>
    /// <param name="figure">The figure.</param>
    /// <param name="strategy">Strategy index.</param>
    /// <param name="perspective">Perspective index.</param>
    public double Value(PsaFigure figure, int strategy, int perspective)
        => _figures[ProbabilisticAnalysis.FigureIndex(figure, Check(strategy, _s), Check(perspective, _v), _s, _v, _stride) + _at];

    /// <summary>The discounted total cost of strategy <paramref name="strategy"/> from perspective <paramref name="perspective"/> (input convention: + = cost).</summary>
    /// <param name="strategy">Strategy index.</param>
    /// <param name="perspective">Perspective index.</param>
    public double Cost(int strategy, int perspective)
        => _costs[(((Check(strategy, _s) * _v) + Check(perspective, _v)) * _stride) + _at];

    /// <summary>The discounted total of outcome <paramref name="outcome"/> under strategy <paramref name="strategy"/>.</summary>
    /// <param name="strategy">Strategy index.</param>
    /// <param name="outcome">Outcome index.</param>
    public double Outcome(int strategy, int outcome)
        => _outcomes[(((Check(strategy, _s) * _o) + Check(outcome, _o)) * _stride) + _at];

    internal void Point(int draw, in PsaBuffers b, int at)
    {
        Index = draw;
        _costs = b.Costs;
        _outcomes = b.Outcomes;
        _figures = b.Figures;
        _parameters = b.Parameters;
        _stride = b.Stride;
        _at = at;
    }

    private static int Check(int index, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, count);
        return index;
    }
}

/// <summary>
/// Per-draw values of a range of draws: <c>Stride</c> draws per (strategy, perspective) block,
/// draw k at position <c>k − Offset</c>. Either one reused wave (streaming) or all draws (KeepDraws).
/// </summary>
internal readonly record struct PsaBuffers(double[] Costs, double[] Outcomes, double[] Figures, double[] Parameters, int Stride, int Offset);

/// <summary>An appraisal figure summarised over PSA draws.</summary>
public enum PsaFigure
{
    /// <summary>Net present value (benefits − investment), currency.</summary>
    NetPresentValue = 0,

    /// <summary>Benefit–cost ratio.</summary>
    BenefitCostRatio = 1,

    /// <summary>Return on investment, NPV / PV(investment).</summary>
    ReturnOnInvestment = 2,

    /// <summary>Undiscounted payback time in years (draws that never pay back are excluded).</summary>
    PaybackYears = 3,
}

/// <summary>Probabilistic sensitivity analysis (PSA), one-run entry points.</summary>
public static class ProbabilisticAnalysis
{
    /// <summary>Draws per parallel work item; fixed, so results do not depend on the thread count.</summary>
    internal const int Chunk = 16;

    /// <summary>
    /// Runs K parameter draws through the engine for every strategy and appraises each strategy
    /// against the comparator from every perspective (<see cref="Appraisal.Compare"/> per draw).
    /// Draws run in parallel in chunks of 16 within waves of a fixed number of draws; after each wave
    /// its draws are folded, in draw order, into streamed summaries (moments, quantile sketches,
    /// counts, requested net-benefit sums) and passed to <see cref="PsaOptions.DrawSink"/>, so the
    /// result is bit-identical for any number of threads and, unless <see cref="PsaOptions.KeepDraws"/>
    /// is set, memory does not grow with K.
    /// </summary>
    /// <param name="specification">Distributions of the model's parameters.</param>
    /// <param name="options">Options; null for the defaults.</param>
    /// <param name="evaluator">Runs one strategy for one draw; null for the cohort engine.</param>
    /// <param name="progress">Receives the number of completed draws.</param>
    /// <param name="cancellationToken">Cancels the run; checked before anything is allocated and before every draw.</param>
    /// <exception cref="ArgumentException">The comparator is not among the strategies, or the options are invalid (including draws too many to keep in memory with KeepDraws).</exception>
    /// <exception cref="OperationCanceledException">The run was cancelled.</exception>
    public static PsaResult Run(PsaSpecification specification, PsaOptions? options = null, StrategyEvaluator? evaluator = null, IProgress<RunProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(specification);
        options ??= new PsaOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Draws, 1, nameof(options));
        return RunRange(specification, options, 0, options.Draws, evaluator, progress, cancellationToken).ToResult();
    }

    /// <summary>
    /// Runs draws [<paramref name="firstDraw"/>, <paramref name="firstDraw"/> + <paramref name="count"/>)
    /// exactly as <see cref="Run"/> runs them (draw k from the stream (Seed, k), whatever else is run)
    /// and returns their mergeable summaries: a <see cref="PsaPartial"/>. Partials of one run over
    /// disjoint ranges, computed in any processes, <see cref="PsaPartial.Merge">merge</see> to the
    /// partial of their union, and <see cref="PsaPartial.ToResult"/> of the partials covering
    /// draws 0 … K − 1 equals <see cref="Run"/> with K draws bit for bit (moments, counts,
    /// probabilities, acceptability, EVPI, and with <see cref="PsaOptions.KeepDraws"/> every draw and
    /// exact percentile; streamed percentiles come from merged quantile sketches, see
    /// <see cref="PsaPartial"/>). <see cref="PsaOptions.Draws"/> is not used here. The
    /// <see cref="PsaOptions.DrawSink"/> receives this range's draws in draw order.
    /// </summary>
    /// <param name="specification">Distributions of the model's parameters.</param>
    /// <param name="options">Options; null for the defaults.</param>
    /// <param name="firstDraw">Index of the first draw (≥ 0).</param>
    /// <param name="count">Number of draws (≥ 1; the last draw index must stay below <see cref="int.MaxValue"/>).</param>
    /// <param name="evaluator">Runs one strategy for one draw; null for the cohort engine. Partials with a custom evaluator merge only with partials of the same evaluator instance (a delegate has no content hash), unless the evaluator has an identity (a household PSA's, <see cref="HouseholdPsa.RunKey"/>).</param>
    /// <param name="progress">Receives the number of completed draws of the range.</param>
    /// <param name="cancellationToken">Cancels the run; checked before anything is allocated and before every draw.</param>
    /// <exception cref="ArgumentException">The comparator is not among the strategies, the range is invalid, or the options are invalid (including draws too many to keep in memory with KeepDraws).</exception>
    /// <exception cref="OperationCanceledException">The run was cancelled.</exception>
    public static PsaPartial RunRange(PsaSpecification specification, PsaOptions? options, long firstDraw, long count, StrategyEvaluator? evaluator = null, IProgress<RunProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(specification);
        options ??= new PsaOptions();
        CheckRange(firstDraw, count);
        PreparedPsa.Threads(options);
        cancellationToken.ThrowIfCancellationRequested();

        // The checks that need no compiling, before the preparation compiles (with the same resolution).
        var resolved = PreparedPsa.Resolve(specification, options);
        CheckKept(specification.Model, options, resolved.Strategies.Length, resolved.Perspectives.Length, (int)count);
        return new PreparedPsa(specification, options, evaluator, resolved).RunRange(options, firstDraw, count, progress, cancellationToken);
    }

    /// <summary>
    /// Prepares a PSA for repeated runs (<see cref="PreparedPsa"/>): the cohort engine's draw path is compiled and
    /// planned once, here (each strategy at the base values, with which compiled blocks the drawn parameters
    /// reach), and the per-thread work spaces are kept between runs, so that a value-of-information loop, a
    /// cluster silo running range after range or a host that reruns with another seed or draw count pays for
    /// them once. Runs of the result equal <see cref="Run"/> and <see cref="RunRange"/> with the same options bit
    /// for bit.
    /// </summary>
    /// <param name="specification">Distributions of the model's parameters.</param>
    /// <param name="options">The options whose strategies, comparator, perspectives, payer-flow observer (whether there is one) and <see cref="PsaOptions.EvaluateEveryDrawInFull"/> the runs share; null for the defaults. The other options are a run's own.</param>
    /// <param name="evaluator">Runs one strategy for one draw; null for the cohort engine.</param>
    /// <returns>The prepared PSA; immutable in what it computes and safe to run from several threads at once.</returns>
    /// <exception cref="ArgumentException">The comparator is not among the strategies, or the thread count is invalid.</exception>
    public static PreparedPsa Prepare(PsaSpecification specification, PsaOptions? options = null, StrategyEvaluator? evaluator = null)
    {
        ArgumentNullException.ThrowIfNull(specification);
        return new PreparedPsa(specification, options ?? new PsaOptions(), evaluator);
    }

    /// <summary>Throws unless [<paramref name="firstDraw"/>, <paramref name="firstDraw"/> + <paramref name="count"/>) is a valid range of draw indices.</summary>
    internal static void CheckRange(long firstDraw, long count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(firstDraw);
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        if (firstDraw + count > int.MaxValue)
        {
            throw new ArgumentOutOfRangeException(nameof(count), count, string.Create(System.Globalization.CultureInfo.InvariantCulture, $"Draw indices must stay below {int.MaxValue} (range [{firstDraw}, {firstDraw + count}))."));
        }
    }

    /// <summary>The values kept per draw (S strategies, V perspectives); throws when <paramref name="draws"/> of them are too many to keep with <see cref="PsaOptions.KeepDraws"/>.</summary>
    internal static long CheckKept(LifeCourseModel model, PsaOptions options, int strategies, int perspectives, int draws)
    {
        var perDraw = (5L * strategies * perspectives) + ((long)strategies * Math.Max(model.Outcomes.Count, 1)) + model.Parameters.Count;
        if (options.KeepDraws && perDraw * draws > Array.MaxLength)
        {
            throw new ArgumentException(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{draws} draws of {perDraw} values each are too many to keep in memory; run without KeepDraws (streamed summaries) or with fewer draws."), nameof(options));
        }

        return perDraw;
    }

    /// <summary>The reusable per-payer flows of one thread's draws.</summary>
    internal static PsaPayerFlows NewPayerFlows(LifeCourseModel model, IReadOnlyList<Strategy> strategies, int comparator)
    {
        // The discount factors are the results' (filled from the first strategy's result of every draw).
        return new PsaPayerFlows(strategies, comparator, model.Payers, new double[model.Options.Cycles + 1], model.Options.CycleLengthYears);
    }

    /// <summary>Evaluates draw k for every strategy, writes its totals and figures into the buffers and returns the draw's parameter values.</summary>
    internal static ParameterValues EvaluateDraw(PsaSpecification specification, ulong seed, int k, StrategyEvaluator evaluator, IReadOnlyList<Strategy> strategies, int ci, IReadOnlyList<Perspective> perspectives, in PsaBuffers b, SimulationResult[] results, CancellationToken cancellationToken)
    {
        var model = specification.Model;
        var S = strategies.Count;
        var V = perspectives.Count;
        var O = model.Outcomes.Count;
        var P = model.Parameters.Count;
        var stride = b.Stride;
        var at = k - b.Offset;
        var draw = specification.Draw(seed, k);
        draw.AsSpan().CopyTo(b.Parameters.AsSpan(at * P, P));
        for (var s = 0; s < S; s++)
        {
            results[s] = evaluator(strategies[s], draw, k, cancellationToken);
            for (var v = 0; v < V; v++)
            {
                b.Costs[(((s * V) + v) * stride) + at] = results[s].TotalCost(perspectives[v]);
            }

            for (var o = 0; o < O; o++)
            {
                b.Outcomes[(((s * O) + o) * stride) + at] = results[s].TotalOutcome(model.Outcomes[o]);
            }
        }

        for (var s = 0; s < S; s++)
        {
            for (var v = 0; v < V; v++)
            {
                double npv = 0, bcr = double.NaN, roi = double.NaN, payback = double.NaN;
                if (s != ci)
                {
                    var a = Appraisal.Compare(results[s], results[ci], perspectives[v]);
                    npv = a.NetPresentValue;
                    bcr = a.BenefitCostRatio.Value ?? double.NaN;
                    roi = a.ReturnOnInvestment.Value ?? double.NaN;
                    payback = a.PaybackYears.Value ?? double.NaN;
                }

                b.Figures[FigureIndex(PsaFigure.NetPresentValue, s, v, S, V, stride) + at] = npv;
                b.Figures[FigureIndex(PsaFigure.BenefitCostRatio, s, v, S, V, stride) + at] = bcr;
                b.Figures[FigureIndex(PsaFigure.ReturnOnInvestment, s, v, S, V, stride) + at] = roi;
                b.Figures[FigureIndex(PsaFigure.PaybackYears, s, v, S, V, stride) + at] = payback;
            }
        }

        return draw;
    }

    internal static int FigureIndex(PsaFigure figure, int s, int v, int strategies, int perspectives, int draws)
        => ((((int)figure * strategies) + s) * perspectives + v) * draws;

    internal static int IndexOf(IReadOnlyList<Strategy> strategies, Strategy s)
    {
        for (var i = 0; i < strategies.Count; i++)
        {
            if (ReferenceEquals(strategies[i], s) || strategies[i].Name == s.Name)
            {
                return i;
            }
        }

        return -1;
    }
}

/// <summary>PSA on the homogeneous fast path (<see cref="HomogeneousCohortKernel"/>).</summary>
public static class HomogeneousPsa
{
    /// <summary>Draws per parallel work item; fixed, so results do not depend on the thread count.</summary>
    public const int ChunkSize = 512;

    /// <summary>
    /// Runs K parameter draws through the fast path: each chunk of <see cref="ChunkSize"/> draws is
    /// drawn (stream (seed, k) per draw), evaluated in SIMD lanes and summarised into per-chunk
    /// <see cref="RunningMoments"/>, which are merged in chunk order (waves of 64 chunks), so the
    /// result is identical on any number of threads. Per-draw totals
    /// (K × <see cref="HomogeneousCohortKernel.ValueCount"/> doubles) are kept only with
    /// <see cref="PsaOptions.KeepDraws"/>; otherwise memory does not grow with K.
    /// </summary>
    /// <param name="specification">Distributions of the model's parameters.</param>
    /// <param name="kernel">The fast path for the same model.</param>
    /// <param name="options">Options (Draws, Seed, Threads, KeepDraws are used); null for the defaults.</param>
    /// <param name="progress">Receives the number of completed draws.</param>
    /// <param name="cancellationToken">Cancels the run; checked before anything is allocated and before every chunk.</param>
    /// <exception cref="ArgumentException">The kernel belongs to another model, or KeepDraws asks for more values than an array holds.</exception>
    public static HomogeneousPsaResult Run(PsaSpecification specification, HomogeneousCohortKernel kernel, PsaOptions? options = null, IProgress<RunProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(specification);
        ArgumentNullException.ThrowIfNull(kernel);
        if (!ReferenceEquals(specification.Model, kernel.Model))
        {
            throw new ArgumentException("The kernel and the specification must belong to the same model.", nameof(kernel));
        }

        options ??= new PsaOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Draws, 1, nameof(options));
        cancellationToken.ThrowIfCancellationRequested();
        var K = options.Draws;
        var V = kernel.ValueCount;
        if (options.KeepDraws && (long)K * V > Array.MaxLength)
        {
            throw new ArgumentException(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{K} draws of {V} values each are too many to keep in memory; run without KeepDraws (streamed moments) or with fewer draws."), nameof(options));
        }

        const int WaveChunks = 64;
        var totals = options.KeepDraws ? new double[K * V] : null;
        var chunks = (K + ChunkSize - 1) / ChunkSize;
        var moments = new RunningMoments[Math.Min(chunks, WaveChunks) * V];
        var merged = new RunningMoments[V];
        var completed = 0;
        var lanes = HomogeneousCohortKernel.Lanes;
        var po = new ParallelOptions
        {
            MaxDegreeOfParallelism = options.EffectiveThreads,
            CancellationToken = cancellationToken,
        };
        for (var firstChunk = 0; firstChunk < chunks; firstChunk += WaveChunks)
        {
            var waveChunks = Math.Min(WaveChunks, chunks - firstChunk);
            Array.Clear(moments);
            ParallelRun.For(waveChunks, po, () => (Workspace: kernel.CreateWorkspace(), Totals: totals is null ? new double[ChunkSize * V] : null), [MethodImpl(MethodImplOptions.AggressiveOptimization)] (ci, local) =>
            {
                cancellationToken.ThrowIfCancellationRequested();
                var ws = local.Workspace;
                var c = firstChunk + ci;
                var lo = c * ChunkSize;
                var hi = Math.Min(K, lo + ChunkSize);
                var chunkTotals = totals is null ? local.Totals.AsSpan(0, (hi - lo) * V) : totals.AsSpan(lo * V, (hi - lo) * V);
                for (var first = lo; first < hi; first += ws.DrawBatch)
                {
                    // Draw a batch of parameter sets in vector lanes (rows past the end repeat the last draw) …
                    var drawn = Math.Min(ws.DrawBatch, hi - first);
                    specification.DrawLanes(options.Seed, first, drawn, ws.Random, ws.LaneRows);
                    for (var g = 0; g < drawn; g += lanes)
                    {
                        // … then evaluate and trace them, one kernel batch of lanes at a time.
                        var count = Math.Min(lanes, drawn - g);
                        for (var lane = 0; lane < lanes; lane++)
                        {
                            kernel.EvaluateLane(ws.LaneParameters[g + lane], ws, lane);
                        }

                        kernel.RunBatch(ws);
                        ws.Store(chunkTotals.Slice((first + g - lo) * V, count * V), count);
                    }
                }

                for (var v = 0; v < V; v++)
                {
                    ref var m = ref moments[(ci * V) + v];
                    for (var k = lo; k < hi; k++)
                    {
                        m.Add(chunkTotals[((k - lo) * V) + v]);
                    }
                }

                var done = Interlocked.Add(ref completed, hi - lo);
                progress?.Report(new RunProgress(done, K, "PSA draws (fast path)"));
            });

            for (var ci = 0; ci < waveChunks; ci++)
            {
                for (var v = 0; v < V; v++)
                {
                    merged[v].Merge(moments[(ci * V) + v]);
                }
            }
        }

        return new HomogeneousPsaResult(kernel, options.Seed, K, totals, merged);
    }
}

/// <summary>The streamed moments of a fast-path PSA and, with <see cref="PsaOptions.KeepDraws"/>, its per-draw discounted totals.</summary>
public sealed class HomogeneousPsaResult
{
    private readonly double[]? _totals;
    private readonly RunningMoments[] _moments;

    internal HomogeneousPsaResult(HomogeneousCohortKernel kernel, ulong seed, int draws, double[]? totals, RunningMoments[] moments)
    {
        Kernel = kernel;
        Seed = seed;
        Draws = draws;
        _totals = totals;
        _moments = moments;
    }

    /// <summary>The kernel.</summary>
    public HomogeneousCohortKernel Kernel { get; }

    /// <summary>The seed.</summary>
    public ulong Seed { get; }

    /// <summary>Number of draws K.</summary>
    public int Draws { get; }

    /// <summary>True when the per-draw totals were kept (<see cref="PsaOptions.KeepDraws"/>).</summary>
    public bool KeepsDraws => _totals is not null;

    /// <summary>Discounted total of value <paramref name="value"/> (accounts first, then outcomes) per draw. Needs <see cref="PsaOptions.KeepDraws"/>.</summary>
    /// <param name="value">Value index, 0 … ValueCount − 1.</param>
    /// <exception cref="InvalidOperationException">The draws were not kept.</exception>
    public ReadOnlySpan<double> Values(int value) => ValueArray(value);

    private double[] ValueArray(int value)
    {
        var V = Kernel.ValueCount;
        ArgumentOutOfRangeException.ThrowIfNegative(value);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(value, V);
        var totals = Kept();
        var r = new double[Draws];
        for (var k = 0; k < Draws; k++)
        {
            r[k] = totals[(k * V) + value];
        }

        return r;
    }

    /// <summary>Streamed mean and variance of value <paramref name="value"/> over the draws.</summary>
    /// <param name="value">Value index (accounts first, then outcomes).</param>
    public RunningMoments Moments(int value) => _moments[value];

    /// <summary>Discounted total of an outcome per draw. Needs <see cref="PsaOptions.KeepDraws"/>.</summary>
    /// <param name="outcome">The outcome.</param>
    public ReadOnlySpan<double> Outcome(Outcome outcome) => ValueArray(Kernel.Model.Accounts.Count + OutcomeIndex(outcome));

    /// <summary>Streamed moments of an outcome.</summary>
    /// <param name="outcome">The outcome.</param>
    public RunningMoments OutcomeMoments(Outcome outcome) => _moments[Kernel.Model.Accounts.Count + OutcomeIndex(outcome)];

    /// <summary>Discounted total cost from a perspective per draw, <c>Σ_a coefficient_a·total_a</c>. Needs <see cref="PsaOptions.KeepDraws"/>.</summary>
    /// <param name="perspective">The perspective.</param>
    /// <exception cref="InvalidOperationException">The draws were not kept.</exception>
    public ReadOnlySpan<double> Cost(Perspective perspective) => CostArray(perspective);

    private double[] CostArray(Perspective perspective)
    {
        ArgumentNullException.ThrowIfNull(perspective);
        var totals = Kept();
        var coef = perspective.Coefficients(Kernel.Model.Accounts);
        var V = Kernel.ValueCount;
        var r = new double[Draws];
        for (var k = 0; k < Draws; k++)
        {
            for (var a = 0; a < coef.Length; a++)
            {
                r[k] += coef[a] * totals[(k * V) + a];
            }
        }

        return r;
    }

    /// <summary>Mean and percentile interval of the cost from a perspective. Needs <see cref="PsaOptions.KeepDraws"/>.</summary>
    /// <param name="perspective">The perspective.</param>
    /// <param name="interval">Central interval width.</param>
    public PsaSummary SummarizeCost(Perspective perspective, double interval = 0.95) => PsaSummary.Of(CostArray(perspective), interval);

    /// <summary>Mean and percentile interval of an outcome. Needs <see cref="PsaOptions.KeepDraws"/> (<see cref="OutcomeMoments"/> does not).</summary>
    /// <param name="outcome">The outcome.</param>
    /// <param name="interval">Central interval width.</param>
    public PsaSummary SummarizeOutcome(Outcome outcome, double interval = 0.95) => PsaSummary.Of(ValueArray(Kernel.Model.Accounts.Count + OutcomeIndex(outcome)), interval);

    private double[] Kept() => _totals ?? throw new InvalidOperationException(
        "Per-draw totals were not kept: run HomogeneousPsa with PsaOptions.KeepDraws = true (K × ValueCount doubles), or use Moments/OutcomeMoments, which are always streamed.");

    private int OutcomeIndex(Outcome outcome)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        var list = Kernel.Model.Outcomes;
        for (var i = 0; i < list.Count; i++)
        {
            if (list[i].Name == outcome.Name)
            {
                return i;
            }
        }

        throw new ArgumentException($"The model has no outcome '{outcome.Name}'.", nameof(outcome));
    }
}

/// <summary>Parallel loops that rethrow a single worker exception as itself (not wrapped in an AggregateException).</summary>
internal static class ParallelRun
{
    public static void For(int count, ParallelOptions options, Action<int> body)
        => For<object?>(count, options, () => null, (i, _) => body(i));

    /// <summary>
    /// <see cref="Parallel"/>.For
    /// over 0 … <paramref name="count"/> − 1 that fails as a loop in order would: an iteration that throws breaks the loop
    /// (every lower iteration still runs), and the exception of the lowest iteration that threw is rethrown as it was, so
    /// the error a caller sees does not depend on the number of threads or their timing.
    /// </summary>
    public static void For<TLocal>(int count, ParallelOptions options, Func<TLocal> init, Action<int, TLocal> body, Action<TLocal>? done = null)
    {
        var failed = int.MaxValue;
        Exception? first = null;
        var gate = new object();
        Parallel.For(0, count, options, init, (i, state, local) =>
        {
            try
            {
                body(i, local);
            }
            catch (Exception e)
            {
                lock (gate)
                {
                    if (i < failed)
                    {
                        (failed, first) = (i, e);
                    }
                }

                state.Break();
            }

            return local;
        }, local => done?.Invoke(local));

        if (first is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(first).Throw();
        }
    }
}
