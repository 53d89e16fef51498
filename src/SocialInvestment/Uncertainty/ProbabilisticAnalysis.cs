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

/// <summary>Options of a probabilistic sensitivity analysis.</summary>
public sealed record PsaOptions
{
    /// <summary>Number of parameter draws K. Default 1,000.</summary>
    public int Draws { get; init; } = 1000;

    /// <summary>Master seed; draw k uses the stream (Seed, k). Default 20260101.</summary>
    public ulong Seed { get; init; } = 20260101;

    /// <summary>Worker threads; 0 (default) means <see cref="Environment.ProcessorCount"/>. Results do not depend on it.</summary>
    public int MaxDegreeOfParallelism { get; init; }

    /// <summary>Strategies to run; null means the model's strategies (business as usual when it has none).</summary>
    public IReadOnlyList<Strategy>? Strategies { get; init; }

    /// <summary>The comparator of the appraisals; null means the first strategy.</summary>
    public Strategy? Comparator { get; init; }

    /// <summary>Perspectives; null means <see cref="Perspective.StandardSet"/> (each payer, public sector, society with λ = 0.2).</summary>
    public IReadOnlyList<Perspective>? Perspectives { get; init; }
}

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
    private const int Chunk = 16;

    /// <summary>
    /// Runs K parameter draws through the engine for every strategy and appraises each strategy
    /// against the comparator from every perspective (<see cref="Appraisal.Compare"/> per draw).
    /// Draws run in parallel in chunks; every per-draw result is written at its draw index, so the
    /// result is identical for any number of threads.
    /// </summary>
    /// <param name="specification">Distributions of the model's parameters.</param>
    /// <param name="options">Options; null for the defaults.</param>
    /// <param name="evaluator">Runs one strategy for one draw; null for the cohort engine.</param>
    /// <param name="progress">Receives the number of completed draws.</param>
    /// <param name="cancellationToken">Cancels the run.</param>
    /// <exception cref="ArgumentException">The comparator is not among the strategies, or the options are invalid.</exception>
    public static PsaResult Run(PsaSpecification specification, PsaOptions? options = null, StrategyEvaluator? evaluator = null, IProgress<RunProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(specification);
        options ??= new PsaOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Draws, 1, nameof(options));
        var model = specification.Model;
        var strategies = options.Strategies ?? (model.Strategies.Count == 0 ? [Strategy.BusinessAsUsual] : model.Strategies);
        var comparator = options.Comparator ?? strategies[0];
        var ci = IndexOf(strategies, comparator);
        if (ci < 0)
        {
            throw new ArgumentException($"The comparator '{comparator.Name}' is not among the strategies.", nameof(options));
        }

        var perspectives = options.Perspectives ?? Perspective.StandardSet(model);
        evaluator ??= (s, p, _, ct) => CohortEngine.Run(model, s, p, ct);
        var K = options.Draws;
        var S = strategies.Count;
        var V = perspectives.Count;
        var O = model.Outcomes.Count;
        var P = model.Parameters.Count;
        var costs = new double[S * V * K];
        var outcomes = new double[S * Math.Max(O, 1) * K];
        var figures = new double[4 * S * V * K];
        var parameters = new double[K * P];
        var completed = 0;
        var chunks = (K + Chunk - 1) / Chunk;
        var po = new ParallelOptions
        {
            MaxDegreeOfParallelism = options.MaxDegreeOfParallelism > 0 ? options.MaxDegreeOfParallelism : Environment.ProcessorCount,
            CancellationToken = cancellationToken,
        };
        ParallelRun.For(chunks, po, c =>
        {
            var results = new SimulationResult[S];
            for (var k = c * Chunk; k < Math.Min(K, (c + 1) * Chunk); k++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var draw = specification.Draw(options.Seed, k);
                draw.AsSpan().CopyTo(parameters.AsSpan(k * P, P));
                for (var s = 0; s < S; s++)
                {
                    results[s] = evaluator(strategies[s], draw, k, cancellationToken);
                    for (var v = 0; v < V; v++)
                    {
                        costs[(((s * V) + v) * K) + k] = results[s].TotalCost(perspectives[v]);
                    }

                    for (var o = 0; o < O; o++)
                    {
                        outcomes[(((s * O) + o) * K) + k] = results[s].TotalOutcome(model.Outcomes[o]);
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

                        figures[FigureIndex(PsaFigure.NetPresentValue, s, v, S, V, K) + k] = npv;
                        figures[FigureIndex(PsaFigure.BenefitCostRatio, s, v, S, V, K) + k] = bcr;
                        figures[FigureIndex(PsaFigure.ReturnOnInvestment, s, v, S, V, K) + k] = roi;
                        figures[FigureIndex(PsaFigure.PaybackYears, s, v, S, V, K) + k] = payback;
                    }
                }
            }

            var done = Interlocked.Add(ref completed, Math.Min(K, (c + 1) * Chunk) - (c * Chunk));
            progress?.Report(new RunProgress(done, K, "PSA draws"));
        });

        return new PsaResult(specification, options.Seed, strategies, ci, perspectives, costs, outcomes, figures, parameters, K);
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
    /// <see cref="RunningMoments"/>, which are merged in chunk order; per-draw totals are kept
    /// (K × <see cref="HomogeneousCohortKernel.ValueCount"/> doubles). Identical results on any number of threads.
    /// </summary>
    /// <param name="specification">Distributions of the model's parameters.</param>
    /// <param name="kernel">The fast path for the same model.</param>
    /// <param name="options">Options (Draws, Seed, MaxDegreeOfParallelism are used); null for the defaults.</param>
    /// <param name="progress">Receives the number of completed draws.</param>
    /// <param name="cancellationToken">Cancels the run.</param>
    /// <exception cref="ArgumentException">The kernel belongs to another model.</exception>
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
        var K = options.Draws;
        var V = kernel.ValueCount;
        var totals = new double[K * V];
        var chunks = (K + ChunkSize - 1) / ChunkSize;
        var moments = new RunningMoments[chunks * V];
        var baseValues = specification.Model.BaseParameters.AsSpan().ToArray();
        var completed = 0;
        var lanes = HomogeneousCohortKernel.Lanes;
        var po = new ParallelOptions
        {
            MaxDegreeOfParallelism = options.MaxDegreeOfParallelism > 0 ? options.MaxDegreeOfParallelism : Environment.ProcessorCount,
            CancellationToken = cancellationToken,
        };
        ParallelRun.For(chunks, po, () => kernel.CreateWorkspace(), [MethodImpl(MethodImplOptions.AggressiveOptimization)] (c, ws) =>
        {
            cancellationToken.ThrowIfCancellationRequested();
            var lo = c * ChunkSize;
            var hi = Math.Min(K, lo + ChunkSize);
            for (var start = lo; start < hi; start += lanes)
            {
                var count = Math.Min(lanes, hi - start);
                for (var lane = 0; lane < lanes; lane++)
                {
                    baseValues.CopyTo(ws.Parameters, 0);
                    specification.DrawInto(options.Seed, start + Math.Min(lane, count - 1), ws.Parameters);
                    kernel.EvaluateCell(ws.Values, ws.CellP, ws.CellValues);
                    ws.Load(lane);
                }

                kernel.RunBatch(ws);
                ws.Store(totals.AsSpan(start * V, count * V), count);
            }

            for (var v = 0; v < V; v++)
            {
                ref var m = ref moments[(c * V) + v];
                for (var k = lo; k < hi; k++)
                {
                    m.Add(totals[(k * V) + v]);
                }
            }

            var done = Interlocked.Add(ref completed, hi - lo);
            progress?.Report(new RunProgress(done, K, "PSA draws (fast path)"));
        });

        var merged = new RunningMoments[V];
        for (var c = 0; c < chunks; c++)
        {
            for (var v = 0; v < V; v++)
            {
                merged[v].Merge(moments[(c * V) + v]);
            }
        }

        return new HomogeneousPsaResult(kernel, options.Seed, K, totals, merged);
    }
}

/// <summary>Per-draw discounted totals of a fast-path PSA, with their streamed moments.</summary>
public sealed class HomogeneousPsaResult
{
    private readonly double[] _totals;
    private readonly RunningMoments[] _moments;

    internal HomogeneousPsaResult(HomogeneousCohortKernel kernel, ulong seed, int draws, double[] totals, RunningMoments[] moments)
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

    /// <summary>Discounted total of value <paramref name="value"/> (accounts first, then outcomes) per draw.</summary>
    /// <param name="value">Value index, 0 … ValueCount − 1.</param>
    public double[] Values(int value)
    {
        var V = Kernel.ValueCount;
        ArgumentOutOfRangeException.ThrowIfNegative(value);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(value, V);
        var r = new double[Draws];
        for (var k = 0; k < Draws; k++)
        {
            r[k] = _totals[(k * V) + value];
        }

        return r;
    }

    /// <summary>Streamed mean and variance of value <paramref name="value"/> over the draws.</summary>
    /// <param name="value">Value index (accounts first, then outcomes).</param>
    public RunningMoments Moments(int value) => _moments[value];

    /// <summary>Discounted total of an outcome per draw.</summary>
    /// <param name="outcome">The outcome.</param>
    public double[] Outcome(Outcome outcome) => Values(Kernel.Model.Accounts.Count + OutcomeIndex(outcome));

    /// <summary>Streamed moments of an outcome.</summary>
    /// <param name="outcome">The outcome.</param>
    public RunningMoments OutcomeMoments(Outcome outcome) => _moments[Kernel.Model.Accounts.Count + OutcomeIndex(outcome)];

    /// <summary>Discounted total cost from a perspective per draw, <c>Σ_a coefficient_a·total_a</c>.</summary>
    /// <param name="perspective">The perspective.</param>
    public double[] Cost(Perspective perspective)
    {
        ArgumentNullException.ThrowIfNull(perspective);
        var coef = perspective.Coefficients(Kernel.Model.Accounts);
        var V = Kernel.ValueCount;
        var r = new double[Draws];
        for (var k = 0; k < Draws; k++)
        {
            for (var a = 0; a < coef.Length; a++)
            {
                r[k] += coef[a] * _totals[(k * V) + a];
            }
        }

        return r;
    }

    /// <summary>Mean and percentile interval of the cost from a perspective.</summary>
    /// <param name="perspective">The perspective.</param>
    /// <param name="interval">Central interval width.</param>
    public PsaSummary SummarizeCost(Perspective perspective, double interval = 0.95) => PsaSummary.Of(Cost(perspective), interval);

    /// <summary>Mean and percentile interval of an outcome.</summary>
    /// <param name="outcome">The outcome.</param>
    /// <param name="interval">Central interval width.</param>
    public PsaSummary SummarizeOutcome(Outcome outcome, double interval = 0.95) => PsaSummary.Of(Outcome(outcome), interval);

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
    {
        try
        {
            Parallel.For(0, count, options, body);
        }
        catch (AggregateException e) when (e.InnerExceptions.Count == 1)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e.InnerExceptions[0]).Throw();
        }
    }

    public static void For<TLocal>(int count, ParallelOptions options, Func<TLocal> init, Action<int, TLocal> body)
    {
        try
        {
            Parallel.For(0, count, options, init, (i, _, local) =>
            {
                body(i, local);
                return local;
            }, _ => { });
        }
        catch (AggregateException e) when (e.InnerExceptions.Count == 1)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e.InnerExceptions[0]).Throw();
        }
    }
}
