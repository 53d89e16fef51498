using System.Collections.Concurrent;
using SocialInvestment.Engine;
using SocialInvestment.Model;

namespace SocialInvestment.Uncertainty;

/// <summary>
/// A probabilistic sensitivity analysis prepared for repeated runs (<see cref="ProbabilisticAnalysis.Prepare"/>):
/// the strategies, comparator and perspectives are resolved, and the cohort engine's incremental draw path is
/// compiled and planned once (every strategy at the base values, with the compiled blocks the drawn
/// parameters reach), instead of at every <see cref="ProbabilisticAnalysis.Run"/>. The per-thread work
/// spaces of the draw path (SIMD lanes, lane compilations, ledgers) are kept between runs and handed to the
/// next run, so that a value-of-information loop, a cluster silo running range after range, or a host that
/// reruns with another seed or number of draws pays for them once.
/// <para>
/// A run's results equal those of <see cref="ProbabilisticAnalysis.Run"/> and
/// <see cref="ProbabilisticAnalysis.RunRange"/> with the same options, bit for bit: the preparation holds
/// nothing that depends on a seed, a draw or a thread count. Runs may differ from the prepared options in
/// everything but the strategies, the comparator, the perspectives, whether there is a
/// <see cref="PsaOptions.PayerFlowObserver"/> and <see cref="PsaOptions.EvaluateEveryDrawInFull"/> (the seed, the
/// draws, the threads, <see cref="PsaOptions.KeepDraws"/>, the sinks and the acceptability requests are a
/// run's own). Safe to run from several threads at once; what it computes never changes. It holds the work
/// spaces of the most threads that ran at once (about a megabyte each for a model of welfare-16's size),
/// and the per-draw value buffers of the most runs at once that kept no draws (at most about 4 MB each), for as long
/// as it is referenced.
/// </para>
/// </summary>
public sealed class PreparedPsa
{
    private readonly PsaOptions _options;
    private readonly Strategy[] _strategies;
    private readonly Perspective[] _perspectives;
    private readonly StrategyEvaluator? _evaluator;
    private readonly CohortDrawEvaluator? _fast;
    private readonly ConcurrentBag<CohortDrawEvaluator.Worker> _workers = [];

    /// <summary>
    /// The per-draw value buffers of runs that kept no draws, for the next such run of the same wave length (cleared
    /// before reuse): a run then allocates only its summaries, which keeps the garbage collector out of repeated runs.
    /// </summary>
    private readonly ConcurrentBag<PsaBuffers> _buffers = [];

    /// <summary>
    /// Takes the options' resolution (<see cref="Resolve"/>, null: resolved here) and, for the cohort engine's
    /// incremental path, compiles and plans every strategy.
    /// </summary>
    internal PreparedPsa(PsaSpecification specification, PsaOptions options, StrategyEvaluator? evaluator, (Strategy[] Strategies, int Comparator, Perspective[] Perspectives)? resolved = null)
    {
        var threads = Threads(options);
        var (strategies, ci, perspectives) = resolved ?? Resolve(specification, options);
        Specification = specification;
        _options = options;
        _strategies = strategies;
        ComparatorIndex = ci;
        _perspectives = perspectives;
        _evaluator = evaluator;

        // The cohort engine's draws: only the compiled blocks a draw changes are recomputed (bit-identical to compiling every draw).
        _fast = evaluator is null && !options.EvaluateEveryDrawInFull ? CohortDrawEvaluator.Create(specification, strategies, ci, perspectives, options.PayerFlowObserver is not null, threads) : null;
    }

    /// <summary>The specification sampled.</summary>
    public PsaSpecification Specification { get; }

    /// <summary>The strategies every run evaluates, in order.</summary>
    public IReadOnlyList<Strategy> Strategies => _strategies;

    /// <summary>The comparator's index in <see cref="Strategies"/>.</summary>
    public int ComparatorIndex { get; }

    /// <summary>The perspectives of every run's figures.</summary>
    public IReadOnlyList<Perspective> Perspectives => _perspectives;

    /// <summary>
    /// True when the runs take the cohort engine's incremental draw path (no explicit evaluator, not
    /// <see cref="PsaOptions.EvaluateEveryDrawInFull"/>, and the base case compiles): then the preparation has done
    /// the compiling and planning.
    /// </summary>
    public bool IsIncremental => _fast is not null;

    /// <summary>
    /// Runs <see cref="PsaOptions.Draws"/> draws (from draw 0), as <see cref="ProbabilisticAnalysis.Run"/> runs them.
    /// </summary>
    /// <param name="options">The run's options (null: the prepared ones); they must agree with the prepared options as the type's remarks say.</param>
    /// <param name="progress">Receives the number of completed draws.</param>
    /// <param name="cancellationToken">Cancels the run; checked before anything is allocated and before every draw.</param>
    /// <returns>The result.</returns>
    /// <exception cref="ArgumentException">The options are invalid or disagree with the prepared ones.</exception>
    /// <exception cref="OperationCanceledException">The run was cancelled.</exception>
    public PsaResult Run(PsaOptions? options = null, IProgress<RunProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        options ??= _options;
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Draws, 1, nameof(options));
        return RunRange(options, 0, options.Draws, progress, cancellationToken).ToResult();
    }

    /// <summary>
    /// Runs draws [<paramref name="firstDraw"/>, <paramref name="firstDraw"/> + <paramref name="count"/>) as
    /// <see cref="ProbabilisticAnalysis.RunRange"/> runs them and returns their mergeable summaries.
    /// </summary>
    /// <param name="options">The run's options (null: the prepared ones); they must agree with the prepared options as the type's remarks say. <see cref="PsaOptions.Draws"/> is not used.</param>
    /// <param name="firstDraw">Index of the first draw (≥ 0).</param>
    /// <param name="count">Number of draws (≥ 1; the last draw index must stay below <see cref="int.MaxValue"/>).</param>
    /// <param name="progress">Receives the number of completed draws of the range.</param>
    /// <param name="cancellationToken">Cancels the run; checked before anything is allocated and before every draw.</param>
    /// <returns>The range's partial.</returns>
    /// <exception cref="ArgumentException">The range or the options are invalid (including draws too many to keep in memory with KeepDraws), or the options disagree with the prepared ones.</exception>
    /// <exception cref="OperationCanceledException">The run was cancelled.</exception>
    public PsaPartial RunRange(PsaOptions? options, long firstDraw, long count, IProgress<RunProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        options ??= _options;
        ProbabilisticAnalysis.CheckRange(firstDraw, count);
        var threads = Threads(options);
        CheckAgrees(options);
        cancellationToken.ThrowIfCancellationRequested();
        var specification = Specification;
        var model = specification.Model;
        var strategies = _strategies;
        var ci = ComparatorIndex;
        var perspectives = _perspectives;
        var first0 = (int)firstDraw;
        var K = (int)count;
        var end = first0 + K;
        var S = strategies.Length;
        var P = model.Parameters.Count;
        var perDraw = ProbabilisticAnalysis.CheckKept(model, options, S, perspectives.Length, K);
        var observer = options.PayerFlowObserver;
        var fast = _fast;
        var evaluate = _evaluator ?? ((s, p, _, ct) => CohortEngine.Run(model, s, p, ct));

        // Waves: at most about 4 MB of per-draw values at a time, a whole number of chunks.
        const int Chunk = ProbabilisticAnalysis.Chunk;
        var V = perspectives.Length;
        var O = model.Outcomes.Count;
        var wave = options.KeepDraws ? K : (int)Math.Clamp((4L << 20) / (8 * perDraw) / Chunk * Chunk, 4 * Chunk, 256 * Chunk);
        wave = Math.Min(wave, ((K + Chunk - 1) / Chunk) * Chunk);
        var stride = options.KeepDraws ? K : wave;
        var buffers = options.KeepDraws ? NewBuffers(S, V, O, P, stride, first0) : ReusedBuffers(S, V, O, P, stride, first0);
        var summary = new PsaAccumulator(model, strategies, ci, perspectives, options);
        var completed = 0;
        var po = new ParallelOptions
        {
            MaxDegreeOfParallelism = threads,
            CancellationToken = cancellationToken,
        };

        // A work space goes back to the kept ones only after a wave that ended without an exception (one that
        // threw may have stopped in the middle of a batch).
        var used = new ConcurrentBag<CohortDrawEvaluator.Worker>();
        for (var first = first0; first < end; first += wave)
        {
            var last = Math.Min(end, first + wave);
            var b = options.KeepDraws ? buffers : buffers with { Offset = first };
            ParallelRun.For((last - first + Chunk - 1) / Chunk, po, () => fast is null ? null : _workers.TryTake(out var w) ? w : fast.CreateWorker(), (c, worker) =>
            {
                var results = new SimulationResult[S];
                var flows = observer is null || worker is not null ? null : ProbabilisticAnalysis.NewPayerFlows(model, strategies, ci);
                var lo = first + (c * Chunk);
                var hi = Math.Min(last, lo + Chunk);
                if (worker is not null)
                {
                    // Several draws at once in SIMD lanes (each from its own stream; the same results as one by one).
                    for (var k = lo; k < hi; k += CohortDrawEvaluator.LaneCount)
                    {
                        cancellationToken.ThrowIfCancellationRequested();
                        worker.EvaluateBatch(k, Math.Min(CohortDrawEvaluator.LaneCount, hi - k), options.Seed, b, k - b.Offset, observer, cancellationToken);
                    }
                }

                for (var k = lo; k < hi && worker is null; k++)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    var draw = ProbabilisticAnalysis.EvaluateDraw(specification, options.Seed, k, evaluate, strategies, ci, perspectives, b, results, cancellationToken);
                    if (flows is not null)
                    {
                        flows.From(results);
                        flows.Point(k, draw);
                        observer!(flows);
                    }
                }

                var done = Interlocked.Add(ref completed, hi - lo);
                progress?.Report(new RunProgress(done, K, "PSA draws"));
            }, worker =>
            {
                if (worker is not null)
                {
                    used.Add(worker);
                }
            });

            while (used.TryTake(out var w))
            {
                _workers.Add(w);
            }

            cancellationToken.ThrowIfCancellationRequested();
            summary.Fold(b, first, last, threads);
        }

        if (!options.KeepDraws)
        {
            _buffers.Add(buffers);
        }

        return new PsaPartial(specification, options, strategies, ci, perspectives, _evaluator, summary, options.KeepDraws ? buffers : null, first0, end);
    }

    /// <summary>New buffers for <paramref name="stride"/> draws of <paramref name="S"/> strategies, <paramref name="V"/> perspectives, <paramref name="O"/> outcomes and <paramref name="P"/> parameters, the first at <paramref name="offset"/>.</summary>
    private static PsaBuffers NewBuffers(int S, int V, int O, int P, int stride, int offset)
        => new(new double[S * V * stride], new double[S * Math.Max(O, 1) * stride], new double[4 * S * V * stride], new double[stride * P], stride, offset);

    /// <summary>
    /// <see cref="NewBuffers"/>, or kept buffers of the same stride cleared (all zeros, as new ones are); kept ones of another
    /// stride are dropped, so that the kept buffers are at most those of the most runs at once. The strategies, the
    /// perspectives, the outcomes and the parameters are the preparation's, so buffers of one stride are of one size.
    /// </summary>
    private PsaBuffers ReusedBuffers(int S, int V, int O, int P, int stride, int offset)
    {
        while (_buffers.TryTake(out var kept))
        {
            if (kept.Stride == stride)
            {
                Array.Clear(kept.Costs);
                Array.Clear(kept.Outcomes);
                Array.Clear(kept.Figures);
                Array.Clear(kept.Parameters);
                return kept with { Offset = offset };
            }
        }

        return NewBuffers(S, V, O, P, stride, offset);
    }

    /// <summary>The options' thread count (0: every core); an <see cref="ArgumentException"/> for a negative one.</summary>
    internal static int Threads(PsaOptions options)
        => options.Threads >= 0 ? options.EffectiveThreads : throw new ArgumentException(RunOptions.ThreadsProblem(options.Threads), nameof(options));

    /// <summary>The strategies (the model's, or business as usual when it has none), the comparator's index and the perspectives of the options.</summary>
    internal static (Strategy[] Strategies, int Comparator, Perspective[] Perspectives) Resolve(PsaSpecification specification, PsaOptions options)
    {
        var model = specification.Model;
        var strategies = options.Strategies ?? (model.Strategies.Count == 0 ? [Strategy.BusinessAsUsual] : model.Strategies);
        var comparator = options.Comparator ?? strategies[0];
        var ci = ProbabilisticAnalysis.IndexOf(strategies, comparator);
        if (ci < 0)
        {
            throw new ArgumentException($"The comparator '{comparator.Name}' is not among the strategies.", nameof(options));
        }

        return ([.. strategies], ci, [.. options.Perspectives ?? Perspective.StandardSet(model)]);
    }

    /// <summary>Throws when the run's options disagree with the prepared ones in what the preparation fixed, naming each option that differs.</summary>
    private void CheckAgrees(PsaOptions options)
    {
        if (ReferenceEquals(options, _options))
        {
            return;
        }

        var (strategies, ci, perspectives) = Resolve(Specification, options);
        var differ = new List<string>();
        if (strategies.Length != _strategies.Length || !strategies.Zip(_strategies).All(p => ReferenceEquals(p.First, p.Second) || p.First.Name == p.Second.Name))
        {
            differ.Add(nameof(PsaOptions.Strategies));
        }
        else if (ci != ComparatorIndex)
        {
            differ.Add(nameof(PsaOptions.Comparator));
        }

        if (!perspectives.SequenceEqual(_perspectives))
        {
            differ.Add(nameof(PsaOptions.Perspectives));
        }

        if ((options.PayerFlowObserver is null) != (_options.PayerFlowObserver is null))
        {
            differ.Add(nameof(PsaOptions.PayerFlowObserver) + " (whether there is one)");
        }

        if (options.EvaluateEveryDrawInFull != _options.EvaluateEveryDrawInFull)
        {
            differ.Add(nameof(PsaOptions.EvaluateEveryDrawInFull));
        }

        if (differ.Count > 0)
        {
            throw new ArgumentException($"The run's options differ from those the PSA was prepared with in {string.Join(", ", differ)}; prepare a PSA with these options (ProbabilisticAnalysis.Prepare).", nameof(options));
        }
    }
}
