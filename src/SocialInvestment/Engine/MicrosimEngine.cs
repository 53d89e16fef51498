using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using SocialInvestment.Model;

namespace SocialInvestment.Engine;

/// <summary>
/// The individual-level engine: runs the same <see cref="CompiledModel"/> as the
/// <see cref="CohortEngine"/> one person at a time. Each person carries a state (expanded), age
/// (through the sub-cohort and cycle), time in state and attributes. Each person-cycle accrues the
/// state's values at the trace point, then draws one uniform u (stream
/// <see cref="CounterRng.TransitionStream"/>) and moves to the first state whose cumulative
/// probability exceeds u. Strategies share every random number (common random numbers): person i
/// sees the same uniforms in each arm.
/// </summary>
/// <remarks>
/// People are simulated in blocks of <see cref="MicrosimOptions.BlockSize"/> in parallel; block
/// results merge exactly (see <see cref="MicrosimPartial"/>), so results are bit-identical on any
/// number of threads and for any split into block-aligned shards. Memory does not grow with the
/// number of people unless person records are kept. The cycle loop does not allocate.
/// </remarks>
public static class MicrosimEngine
{
    private const int Lanes = 8;

    /// <summary>Inside a block, cancellation is checked every this many people (a multiple of <see cref="Lanes"/>), so a large block stops promptly.</summary>
    internal const int CancellationCheckPeople = 1024;

    /// <summary>Compiles and simulates one strategy.</summary>
    /// <param name="model">The model.</param>
    /// <param name="strategy">The strategy.</param>
    /// <param name="options">Run options.</param>
    /// <param name="parameters">Parameter values; null for the base case.</param>
    /// <param name="progress">Receives a report per finished block.</param>
    /// <param name="cancellationToken">Cancels the run (checked before anything is allocated and every 1,024 people within a block).</param>
    public static MicrosimResult Run(LifeCourseModel model, Strategy strategy, MicrosimOptions options, ParameterValues? parameters = null, IProgress<RunProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        cancellationToken.ThrowIfCancellationRequested();
        return RunCompiled([model.Compile(strategy, parameters)], options, progress, cancellationToken).Results[0];
    }

    /// <summary>
    /// Simulates several strategies of one model on the same people with common random numbers,
    /// every registered strategy when <paramref name="strategies"/> is null. The first strategy is the
    /// comparator of the incremental estimates.
    /// </summary>
    /// <param name="model">The model.</param>
    /// <param name="options">Run options.</param>
    /// <param name="strategies">Strategies (null: the model's strategies, or business as usual).</param>
    /// <param name="parameters">Parameter values; null for the base case.</param>
    /// <param name="progress">Receives a report per finished block.</param>
    /// <param name="cancellationToken">Cancels the run (checked before anything is allocated and every 1,024 people within a block).</param>
    public static MicrosimComparison RunAll(LifeCourseModel model, MicrosimOptions options, IReadOnlyList<Strategy>? strategies = null, ParameterValues? parameters = null, IProgress<RunProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        cancellationToken.ThrowIfCancellationRequested();
        strategies ??= model.Strategies.Count == 0 ? [Strategy.BusinessAsUsual] : model.Strategies;
        return RunCompiled([.. strategies.Select(s => model.Compile(s, parameters))], options, progress, cancellationToken);
    }

    /// <summary>Simulates compiled strategies of one model (the first is the comparator).</summary>
    /// <param name="compiled">Compiled strategies of the same model.</param>
    /// <param name="options">Run options.</param>
    /// <param name="progress">Receives a report per finished block.</param>
    /// <param name="cancellationToken">Cancels the run.</param>
    public static MicrosimComparison RunCompiled(IReadOnlyList<CompiledModel> compiled, MicrosimOptions options, IProgress<RunProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        var partial = RunRange(compiled, options, 0, CheckedOptions(options).People, progress, cancellationToken);
        return Complete(partial);
    }

    /// <summary>
    /// Simulates people [<paramref name="firstPerson"/>, <paramref name="firstPerson"/> + <paramref name="count"/>)
    /// and returns a mergeable partial result (a shard). <paramref name="firstPerson"/> must be a
    /// multiple of <see cref="MicrosimOptions.BlockSize"/>. <see cref="MicrosimOptions.People"/> is ignored here.
    /// </summary>
    /// <param name="compiled">Compiled strategies of the same model (the first is the comparator).</param>
    /// <param name="options">Run options.</param>
    /// <param name="firstPerson">Global index of the first person (≥ 0, a multiple of the block size).</param>
    /// <param name="count">Number of people (≥ 1).</param>
    /// <param name="progress">Receives a report per finished block.</param>
    /// <param name="cancellationToken">Cancels the run (checked before anything is allocated and every 1,024 people within a block).</param>
    public static MicrosimPartial RunRange(IReadOnlyList<CompiledModel> compiled, MicrosimOptions options, long firstPerson, long count, IProgress<RunProgress>? progress = null, CancellationToken cancellationToken = default)
        => RunRange(compiled, options, firstPerson, count, MicrosimKernel.Auto, progress, cancellationToken);

    /// <summary><see cref="RunRange(IReadOnlyList{CompiledModel}, MicrosimOptions, long, long, IProgress{RunProgress}?, CancellationToken)"/> with a chosen kernel (the results are bit-identical for every kernel).</summary>
    internal static MicrosimPartial RunRange(IReadOnlyList<CompiledModel> compiled, MicrosimOptions options, long firstPerson, long count, MicrosimKernel kernel, IProgress<RunProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(compiled);
        CheckedOptions(options);
        if (compiled.Count == 0)
        {
            throw new ArgumentException("At least one compiled strategy is required.", nameof(compiled));
        }

        ArgumentOutOfRangeException.ThrowIfNegative(firstPerson);
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        if (firstPerson % options.BlockSize != 0)
        {
            throw new ArgumentException($"A shard must start on a multiple of the block size {options.BlockSize} (got {firstPerson}).", nameof(firstPerson));
        }

        cancellationToken.ThrowIfCancellationRequested();
        var (plan, lanes) = Prepare(compiled, options, kernel);
        return RunPrepared(plan, lanes, firstPerson, count, progress, cancellationToken);
    }

    /// <summary>The per-run plan and lane tables of <see cref="RunRange(IReadOnlyList{CompiledModel}, MicrosimOptions, long, long, MicrosimKernel, IProgress{RunProgress}?, CancellationToken)"/> (immutable once built; the options' seed is part of the plan).</summary>
    internal static (MicrosimPlan Plan, LanePlan? Lanes) Prepare(IReadOnlyList<CompiledModel> compiled, MicrosimOptions options, MicrosimKernel kernel)
    {
        var plan = new MicrosimPlan(compiled, options);
        var lanes = kernel == MicrosimKernel.Lanes || (kernel == MicrosimKernel.Auto && !Array.TrueForAll(plan.Arms, a => LeanSimd(plan, a))) ? LanePlan.TryCreate(plan) : null;
        return (plan, lanes);
    }

    /// <summary>Simulates people [firstPerson, firstPerson + count) with a plan from <see cref="Prepare"/> (the arguments checked by the caller).</summary>
    internal static MicrosimPartial RunPrepared(MicrosimPlan plan, LanePlan? lanes, long firstPerson, long count, IProgress<RunProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        var options = plan.Options;
        var bs = options.BlockSize;
        var blocks = (int)((count + bs - 1) / bs);
        var result = new MicrosimPartial(plan);
        var gate = new Lock();
        var done = 0;
        var po = new ParallelOptions { MaxDegreeOfParallelism = options.EffectiveThreads, CancellationToken = cancellationToken };
        try
        {
            Parallel.For(
                0,
                blocks,
                po,
                () => new Worker(plan, lanes, cancellationToken),
                (b, _, worker) =>
                {
                    var start = firstPerson + ((long)b * bs);
                    var end = Math.Min(firstPerson + count, start + bs);
                    worker.RunBlock(start, end);
                    if (progress is not null)
                    {
                        progress.Report(new RunProgress(Interlocked.Increment(ref done), blocks, "microsimulation"));
                    }

                    return worker;
                },
                worker =>
                {
                    lock (gate)
                    {
                        result.AddFrom(worker.Partial);
                    }
                });
        }
        catch (AggregateException e) when (cancellationToken.IsCancellationRequested && e.InnerExceptions.All(x => x is OperationCanceledException))
        {
            // A block stopped by the check within it: report the cancellation itself, not an aggregate.
            throw new OperationCanceledException(cancellationToken);
        }

        return result;
    }

    /// <summary>
    /// Whether the lean SIMD kernel serves a strategy better than the lane kernel: a plain model
    /// (no attributes, time-in-state effects, transition events, distributions or records) with one
    /// sub-cohort and few enough states for its vectors (≤ 8 with 512-bit vectors, ≤ 4 with AVX2).
    /// </summary>
    private static bool LeanSimd(MicrosimPlan plan, ArmPlan a)
        => plan.Attributes.Length == 0 && a.D == 1 && !a.HasEvents && !plan.TrackDistributions && !plan.KeepRecords && a.SubcohortCount == 1
            && ((Vector512.IsHardwareAccelerated && a.N <= 8) || (Avx2.IsSupported && a.N <= 4));

    /// <summary>Turns a (merged) partial into results, one per strategy, with incremental estimates.</summary>
    /// <param name="partial">The partial covering all simulated people.</param>
    public static MicrosimComparison Complete(MicrosimPartial partial)
    {
        ArgumentNullException.ThrowIfNull(partial);
        return new MicrosimComparison(partial);
    }

    private static MicrosimOptions CheckedOptions(MicrosimOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = options.Validate();
        if (problems.Count > 0)
        {
            throw new ArgumentException("Invalid microsimulation options:" + Environment.NewLine + string.Join(Environment.NewLine, problems), nameof(options));
        }

        return options;
    }

    /// <summary>
    /// A block's sums of one strategy's scores ([person][score], <paramref name="n"/> people of
    /// <paramref name="S"/> scores) and of their squares, and with <paramref name="paired"/> of the
    /// differences from <paramref name="reference"/> (the first strategy's) and their squares:
    /// each sum starts at 0 and adds the people's terms in person order, as a loop over people
    /// and scores would (the scores of one person in the lanes of a vector, each lane its own
    /// sums: the same additions, so the same sums to the last bit), and the sums are kept in
    /// registers rather than in memory.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void BlockSums(ReadOnlySpan<double> scores, ReadOnlySpan<double> reference, int n, int S, bool paired, Span<double> sum, Span<double> sq, Span<double> dsum, Span<double> dsq)
    {
        if ((long)n * S > scores.Length || (paired && (long)n * S > reference.Length) || sum.Length < S || sq.Length < S || dsum.Length < S || dsq.Length < S)
        {
            throw new ArgumentException("The block's scores or sums are too short.");
        }

        ref var x = ref MemoryMarshal.GetReference(scores);
        ref var y = ref MemoryMarshal.GetReference(reference);
        var s = 0;
        for (; s + 2 <= S; s += 2)
        {
            Vector128<double> a = default, b = default, c = default, d = default;
            if (paired)
            {
                for (var i = 0; i < n; i++)
                {
                    var v = Vector128.LoadUnsafe(ref x, (nuint)((i * S) + s));
                    var e = v - Vector128.LoadUnsafe(ref y, (nuint)((i * S) + s));
                    a += v;
                    b += v * v;
                    c += e;
                    d += e * e;
                }
            }
            else
            {
                for (var i = 0; i < n; i++)
                {
                    var v = Vector128.LoadUnsafe(ref x, (nuint)((i * S) + s));
                    a += v;
                    b += v * v;
                }
            }

            a.CopyTo(sum[s..]);
            b.CopyTo(sq[s..]);
            c.CopyTo(dsum[s..]);
            d.CopyTo(dsq[s..]);
        }

        for (; s < S; s++)
        {
            double a = 0, b = 0, c = 0, d = 0;
            for (var i = 0; i < n; i++)
            {
                var v = Unsafe.Add(ref x, (i * S) + s);
                a += v;
                b += v * v;
                if (paired)
                {
                    var e = v - Unsafe.Add(ref y, (i * S) + s);
                    c += e;
                    d += e * e;
                }
            }

            sum[s] = a;
            sq[s] = b;
            dsum[s] = c;
            dsq[s] = d;
        }
    }

    /// <summary>Per-thread scratch and accumulators. Allocated once per thread, reused for every block.</summary>
    private sealed class Worker
    {
        private readonly MicrosimPlan _plan;
        private readonly int _bs;
        private readonly int _s;
        private readonly double[] _scores;     // [arm][person in block][score]
        private readonly double[] _attributes; // [person in block][attribute]
        private readonly ulong[] _keys;        // [person in block]
        private readonly double[] _startU;     // [person in block]
        private readonly double[][] _weighted; // [arm][attribute position · sc · stride]
        private readonly int[] _timeIn;
        private readonly int[] _first;
        private readonly double[] _row;
        private readonly double[] _sum;
        private readonly double[] _sq;
        private readonly double[] _dsum;
        private readonly double[] _dsq;
        private readonly long[] _laneCounts;
        private readonly CancellationToken _cancellationToken;
        private readonly LaneKernel? _lane;

        public Worker(MicrosimPlan plan, LanePlan? lanes, CancellationToken cancellationToken)
        {
            _plan = plan;
            _lane = lanes is null ? null : new LaneKernel(lanes);
            _cancellationToken = cancellationToken;
            _bs = plan.Options.BlockSize;
            _s = plan.ScoreCount;
            Partial = new MicrosimPartial(plan);
            _scores = new double[plan.Arms.Length * _bs * _s];
            _attributes = new double[_bs * Math.Max(1, plan.Attributes.Length)];
            _keys = new ulong[_bs];
            _startU = new double[_bs];
            _weighted = [.. plan.Arms.Select(a => new double[a.WeightedAttributes.Length * a.SubcohortCount * a.CountStride])];
            var maxB = plan.Arms.Max(a => a.BaseStates);
            _timeIn = new int[Lanes * maxB];
            _first = new int[Lanes * maxB];
            _row = new double[plan.Arms.Max(a => a.N)];
            _sum = new double[_s];
            _sq = new double[_s];
            _dsum = new double[_s];
            _dsq = new double[_s];
            _laneCounts = new long[Lanes * plan.Arms.Max(a => a.CountStride * a.SubcohortCount)];
        }

        public MicrosimPartial Partial { get; }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void RunBlock(long start, long end)
        {
            var plan = _plan;
            var o = plan.Options;
            var n = (int)(end - start);
            var A = plan.Attributes.Length;
            _cancellationToken.ThrowIfCancellationRequested();
            CounterRng.TransitionKeysAndStarts(o.Seed, o.Draw, start, _keys.AsSpan(0, n), _startU.AsSpan(0, n));
            for (var i = 0; i < n && A > 0; i++)
            {
                if (i % CancellationCheckPeople == 0)
                {
                    _cancellationToken.ThrowIfCancellationRequested();
                }

                var person = start + i;
                for (var a = 0; a < A; a++)
                {
                    var u = CounterRng.Uniform(o.Seed, o.Draw, person, 0, CounterRng.AttributeStreamBase + a);
                    var x = plan.Attributes[a].Quantile(u);
                    if (!double.IsFinite(x))
                    {
                        throw new ArithmeticException($"The attribute '{plan.Attributes[a].Name}' gave a non-finite value for u = {u}.");
                    }

                    _attributes[(i * A) + a] = x;
                }
            }

            if (_lane is not null)
            {
                for (var q0 = 0; q0 < n; q0 += LanePlan.SubBlock)
                {
                    _cancellationToken.ThrowIfCancellationRequested();
                    _lane.Run(Partial.Arms, _keys, _startU, q0, Math.Min(LanePlan.SubBlock, n - q0), _scores, _bs);
                }

                _lane.FoldCounts(Partial.Arms);
            }

            for (var k = 0; k < plan.Arms.Length; k++)
            {
                var arm = plan.Arms[k];
                var acc = Partial.Arms[k];
                var scores = _scores.AsSpan(k * _bs * _s, n * _s);
                if (_lane is null)
                {
                    RunArm(k, arm, acc, start, n, scores);
                }


                // Block sums, in person order, then exact accumulation.
                MicrosimEngine.BlockSums(scores, _scores.AsSpan(0, n * _s), n, _s, k > 0, _sum, _sq, _dsum, _dsq);
                for (var s = 0; s < _s; s++)
                {
                    acc.Sum[s].Add(_sum[s]);
                    acc.SumSquares[s].Add(_sq[s]);
                }

                if (k > 0)
                {
                    for (var s = 0; s < _s; s++)
                    {
                        acc.DiffSum[s].Add(_dsum[s]);
                        acc.DiffSquares[s].Add(_dsq[s]);
                    }
                }

                var wbuf = _weighted[k];
                for (var i = 0; i < wbuf.Length; i++)
                {
                    if (wbuf[i] != 0)
                    {
                        (acc.WeightedCounts[i] ??= new ExactSum()).Add(wbuf[i]);
                        wbuf[i] = 0;
                    }
                }

                if (plan.KeepRecords)
                {
                    for (var i = 0; i < n; i++)
                    {
                        acc.Records[^(n - i)] = acc.Records[^(n - i)] with { Scores = scores.Slice(i * _s, _s).ToArray() };
                    }
                }
            }

            Partial.AddRange(start, end);
        }

        /// <summary>One strategy of a block on the reference kernels (the lean one for plain models, else the general one).</summary>
        private void RunArm(int k, ArmPlan arm, ArmPartial acc, long start, int n, Span<double> scores)
        {
            var plan = _plan;
            var A = plan.Attributes.Length;
            scores.Clear();
            var fast = A == 0 && arm.D == 1 && !arm.HasEvents && !plan.TrackDistributions && !plan.KeepRecords;
            if (fast)
            {
                RunFast(arm, acc, start, n, scores);
            }
            else
            {
                for (var i0 = 0; i0 < n; i0 += Lanes)
                {
                    if (i0 % CancellationCheckPeople == 0)
                    {
                        _cancellationToken.ThrowIfCancellationRequested();
                    }

                    RunGroup(arm, acc, _weighted[k], start, i0, Math.Min(Lanes, n - i0), scores);
                }
            }

            FlushLaneCounts(arm, acc);
        }

        /// <summary>
        /// The general kernel, every feature: up to eight people advance together, cycle by cycle
        /// (their dependency chains overlap in the CPU). Each person's values are accumulated in
        /// cycle order, so the result equals simulating the people one at a time. Allocation-free
        /// unless person records are kept.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private void RunGroup(ArmPlan a, ArmPartial acc, double[] weighted, long start, int i0, int m, Span<double> scores)
        {
            var plan = _plan;
            var T = a.T;
            var N = a.N;
            var D = a.D;
            var S = _s;
            var B = a.BaseStates;
            var A = plan.Attributes.Length;
            var stride = a.CountStride;
            var track = plan.TrackDistributions;
            Span<int> xs = stackalloc int[Lanes];
            Span<int> taus = stackalloc int[Lanes];
            Span<int> scs = stackalloc int[Lanes];
            for (var l = 0; l < m; l++)
            {
                var i = i0 + l;
                var u0 = _startU[i];
                var j = 0;
                while (u0 >= a.StartCum[j])
                {
                    j++;
                }

                scs[l] = a.StartSubcohort[j];
                xs[l] = a.StartState[j];
                taus[l] = 0;
                acc.SubcohortPeople[scs[l]]++;
                a.UpfrontScore[scs[l]].AsSpan().CopyTo(scores.Slice(i * S, S));
                if (track)
                {
                    _timeIn.AsSpan(l * B, B).Clear();
                    _first.AsSpan(l * B, B).Fill(-1);
                }
            }

            for (var t = 0; ; t++)
            {
                for (var l = 0; l < m; l++)
                {
                    var i = i0 + l;
                    var x = xs[l];
                    var tau = taus[l];
                    var sc = scs[l];
                    var score = scores.Slice(i * S, S);
                    var cell = (((t * N) + x) * D) + tau;
                    _laneCounts[(((sc * Lanes) + l) * stride) + cell]++;
                    var v = a.Score[sc].AsSpan(cell * S, S);
                    for (var s = 0; s < S; s++)
                    {
                        score[s] += v[s];
                    }

                    var wtables = a.WeightedScore[sc];
                    for (var w = 0; w < wtables.Length; w++)
                    {
                        var xa = _attributes[(i * A) + a.WeightedAttributes[w]];
                        var wv = wtables[w].AsSpan(cell * S, S);
                        for (var s = 0; s < S; s++)
                        {
                            score[s] += xa * wv[s];
                        }

                        weighted[(((w * a.SubcohortCount) + sc) * stride) + cell] += xa;
                    }

                    if (track)
                    {
                        var b = (l * B) + a.BaseOf[x];
                        if (_first[b] < 0)
                        {
                            _first[b] = t;
                        }

                        if (t < T)
                        {
                            _timeIn[b]++;
                        }
                    }

                    if (t == T)
                    {
                        continue;
                    }

                    var u = CounterRng.UniformAt(_keys[i], t);
                    int y;
                    var hazards = a.AttributeHazardsByState[x];
                    if (hazards.Length == 0)
                    {
                        var row = a.Cum[sc].AsSpan(((((t * N) + x) * D) + tau) * N, N);
                        y = 0;
                        if (N <= 8)
                        {
                            // Branch-free: the number of cumulative thresholds ≤ u (rows are non-decreasing).
                            for (var c = 0; c < N - 1; c++)
                            {
                                y += u >= row[c] ? 1 : 0;
                            }
                        }
                        else
                        {
                            while (u >= row[y])
                            {
                                y++;
                            }
                        }
                    }
                    else
                    {
                        y = SampleWithAttributes(a, sc, t, x, tau, u, _attributes.AsSpan(i * A, A), hazards);
                    }

                    if (a.EventCell[(x * N) + y])
                    {
                        acc.Transitions[(sc * a.TransitionStride) + (((t * N) + x) * N) + y]++;
                        var ev = a.EventScore[sc].AsSpan(((((t * N) + x) * N) + y) * S, S);
                        for (var s = 0; s < S; s++)
                        {
                            score[s] += ev[s];
                        }
                    }

                    taus[l] = D == 1 ? 0 : a.Group[y] == a.Group[x] ? Math.Min(tau + 1, a.Cap) : 0;
                    xs[l] = y;
                }

                if (t == T)
                {
                    break;
                }
            }

            for (var l = 0; l < m; l++)
            {
                if (track)
                {
                    for (var b = 0; b < B; b++)
                    {
                        acc.YearsHistogram[(b * (T + 1)) + _timeIn[(l * B) + b]]++;
                        var f = _first[(l * B) + b];
                        acc.FirstEntryHistogram[(b * (T + 2)) + (f < 0 ? T + 1 : f)]++;
                    }
                }

                if (plan.KeepRecords)
                {
                    acc.Records.Add(new MicrosimPersonRecord(start + i0 + l, scs[l], [], track ? _timeIn.AsSpan(l * B, B).ToArray() : [], track ? _first.AsSpan(l * B, B).ToArray() : []));
                }
            }
        }

        /// <summary>Adds the per-lane occupancy counts to the partial (once per block) and clears them.</summary>
        private void FlushLaneCounts(ArmPlan a, ArmPartial acc)
        {
            var stride = a.CountStride;
            for (var sc = 0; sc < a.SubcohortCount; sc++)
            {
                var counts = acc.Counts.AsSpan(sc * stride, stride);
                for (var l = 0; l < Lanes; l++)
                {
                    var lc = _laneCounts.AsSpan(((sc * Lanes) + l) * stride, stride);
                    for (var c = 0; c < stride; c++)
                    {
                        counts[c] += lc[c];
                    }

                    lc.Clear();
                }
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private int SampleWithAttributes(ArmPlan a, int sc, int t, int x, int tau, double u, ReadOnlySpan<double> attrs, AttributeHazard[] hazards)
        {
            var N = a.N;
            var row = _row.AsSpan(0, N);
            a.Prob[sc].AsSpan((((t * N) + x) * a.D + tau) * N, N).CopyTo(row);
            var clamped = false;
            foreach (var h in hazards)
            {
                var p = -Numerics.ExpM1(attrs[h.Attribute] * h.LogSurvival[sc][(t * a.D) + tau]);
                row[h.Remainder] += row[h.To] - p;
                row[h.To] = p;
                if (row[h.Remainder] < 0)
                {
                    row[h.Remainder] = 0;
                    clamped = true;
                }
            }

            var total = 1.0;
            if (clamped)
            {
                total = 0;
                foreach (var p in row)
                {
                    total += p;
                }
            }

            var target = u * total;
            var acc = 0.0;
            for (var y = 0; y < N - 1; y++)
            {
                acc += row[y];
                if (target < acc)
                {
                    return y;
                }
            }

            return N - 1;
        }

        /// <summary>
        /// The fast kernel for plain models (no attributes, no time-in-state tables, no transition
        /// events, no distributions): eight people advance together, cycle by cycle, so their
        /// independent dependency chains (state → threshold → next state) overlap in the CPU.
        /// Gives bit-for-bit the same per-person values as the general kernel.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private void RunFast(ArmPlan a, ArmPartial acc, long start, int n, Span<double> scores)
        {
            var T = a.T;
            var N = a.N;
            var S = _s;
            var stride = a.CountStride;
            var wide = Vector512.IsHardwareAccelerated && N <= 8;
            var G = wide ? 2 * Lanes : Lanes; // people per group (a divisor of CancellationCheckPeople)
            Span<int> state = stackalloc int[2 * Lanes];
            Span<int> sub = stackalloc int[2 * Lanes];
            Span<ulong> keys = stackalloc ulong[2 * Lanes];
            var i0 = 0;
            for (; i0 < n; i0 += G)
            {
                if (i0 % CancellationCheckPeople == 0)
                {
                    _cancellationToken.ThrowIfCancellationRequested();
                }

                var m = Math.Min(G, n - i0);
                var sameSc = true;
                for (var l = 0; l < m; l++)
                {
                    var u0 = _startU[i0 + l];
                    var j = 0;
                    while (u0 >= a.StartCum[j])
                    {
                        j++;
                    }

                    sub[l] = a.StartSubcohort[j];
                    state[l] = a.StartState[j];
                    keys[l] = _keys[i0 + l];
                    acc.SubcohortPeople[sub[l]]++;
                    sameSc &= sub[l] == sub[0];
                    var upScore = a.UpfrontScore[sub[l]];
                    for (var s = 0; s < S; s++)
                    {
                        scores[((i0 + l) * S) + s] = upScore[s];
                    }
                }

                if (m == G && sameSc)
                {
                    if (wide)
                    {
                        Simd512(a, sub[0], state, keys, scores.Slice(i0 * S, G * S), _laneCounts.AsSpan(sub[0] * Lanes * stride, stride));
                    }
                    else if (Avx2.IsSupported && N <= 4)
                    {
                        Simd8(a, sub[0], state, keys, scores.Slice(i0 * S, Lanes * S), _laneCounts.AsSpan(sub[0] * Lanes * stride, stride));
                    }
                    else
                    {
                        Lanes8(a, sub[0], state, keys, scores.Slice(i0 * S, Lanes * S), _laneCounts.AsSpan(sub[0] * Lanes * stride, Lanes * stride));
                    }
                }
                else
                {
                    for (var l = 0; l < m; l++)
                    {
                        var cum = a.Cum[sub[l]];
                        var table = a.Score[sub[l]];
                        var counts = acc.Counts.AsSpan(sub[l] * stride, stride);
                        var x = state[l];
                        var sc = scores.Slice((i0 + l) * S, S);
                        for (var t = 0; ; t++)
                        {
                            var cell = (t * N) + x;
                            counts[cell]++;
                            for (var s = 0; s < S; s++)
                            {
                                sc[s] += table[(cell * S) + s];
                            }

                            if (t == T)
                            {
                                break;
                            }

                            var u = CounterRng.UniformAt(keys[l], t);
                            var y = 0;
                            while (u >= cum[(cell * N) + y])
                            {
                                y++;
                            }

                            x = y;
                        }
                    }
                }
            }

        }

        /// <summary>
        /// The lean kernel for models of at most four expanded states with SIMD: two Vector256
        /// groups of four people; table look-ups by state are masked selects (no gathers), the
        /// counter-based uniforms are computed four at a time. Bit-identical to <see cref="Lanes8"/>.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static void Simd8(ArmPlan a, int sc, Span<int> state, Span<ulong> keys, Span<double> scores, Span<long> counts)
        {
            var T = a.T;
            var N = a.N;
            var S = scores.Length / Lanes;
            var cum = a.Cum[sc];
            var table = a.Score[sc];
            Span<Vector256<double>> acc = stackalloc Vector256<double>[2 * S];
            for (var s = 0; s < S; s++)
            {
                acc[s] = Vector256.Create(scores[s], scores[S + s], scores[(2 * S) + s], scores[(3 * S) + s]);
                acc[S + s] = Vector256.Create(scores[(4 * S) + s], scores[(5 * S) + s], scores[(6 * S) + s], scores[(7 * S) + s]);
            }

            var k0 = Vector256.Create(keys[0], keys[1], keys[2], keys[3]);
            var k1 = Vector256.Create(keys[4], keys[5], keys[6], keys[7]);
            var x0 = Vector256.Create((long)state[0], state[1], state[2], state[3]);
            var x1 = Vector256.Create((long)state[4], state[5], state[6], state[7]);
            Span<Vector256<double>> m0 = stackalloc Vector256<double>[4];
            Span<Vector256<double>> m1 = stackalloc Vector256<double>[4];
            var one = Vector256.Create(0x3FF0000000000000UL);
            var c1 = Vector256.Create(0xBF58476D1CE4E5B9UL);
            var c2 = Vector256.Create(0x94D049BB133111EBUL);
            for (var t = 0; ; t++)
            {
                for (var x = 0; x < N; x++)
                {
                    var sx = Vector256.Create((long)x);
                    m0[x] = Vector256.Equals(x0, sx).AsDouble();
                    m1[x] = Vector256.Equals(x1, sx).AsDouble();
                    counts[(t * N) + x] += BitOperations.PopCount(Vector256.ExtractMostSignificantBits(m0[x])) + BitOperations.PopCount(Vector256.ExtractMostSignificantBits(m1[x]));
                }

                for (var s = 0; s < S; s++)
                {
                    var v0 = Vector256<double>.Zero;
                    var v1 = Vector256<double>.Zero;
                    for (var x = 0; x < N; x++)
                    {
                        var v = Vector256.Create(table[(((t * N) + x) * S) + s]);
                        v0 |= m0[x] & v;
                        v1 |= m1[x] & v;
                    }

                    acc[s] += v0;
                    acc[S + s] += v1;
                }

                if (t == T)
                {
                    break;
                }

                var weyl = Vector256.Create((ulong)(t + 1) * CounterRng.Gamma);
                var u0 = Uniform4(k0 + weyl, c1, c2, one);
                var u1 = Uniform4(k1 + weyl, c1, c2, one);
                var y0 = Vector256<long>.Zero;
                var y1 = Vector256<long>.Zero;
                for (var j = 0; j < N - 1; j++)
                {
                    var h0 = Vector256<double>.Zero;
                    var h1 = Vector256<double>.Zero;
                    for (var x = 0; x < N; x++)
                    {
                        var c = Vector256.Create(cum[(((t * N) + x) * N) + j]);
                        h0 |= m0[x] & c;
                        h1 |= m1[x] & c;
                    }

                    y0 -= Vector256.GreaterThanOrEqual(u0, h0).AsInt64();
                    y1 -= Vector256.GreaterThanOrEqual(u1, h1).AsInt64();
                }

                x0 = y0;
                x1 = y1;
            }

            for (var s = 0; s < S; s++)
            {
                for (var l = 0; l < 4; l++)
                {
                    scores[(l * S) + s] = acc[s][l];
                    scores[((l + 4) * S) + s] = acc[S + s][l];
                }
            }
        }

        /// <summary>
        /// The lean kernel on hardware with 512-bit vectors, for at most eight expanded states: two
        /// vectors of eight people (two independent dependency chains); each table look-up by state
        /// is one permute of the cycle's values by the people's states (<see cref="ArmPlan.StateVectors"/>),
        /// the 64-bit multiplies of the uniforms one instruction each. Bit-identical to <see cref="Lanes8"/>.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static void Simd512(ArmPlan a, int sc, Span<int> state, Span<ulong> keys, Span<double> scores, Span<long> counts)
        {
            var T = a.T;
            var N = a.N;
            const int G = 2 * Lanes;
            var S = scores.Length / G;
            var tables = a.StateVectors[sc];
            var c0 = (T + 1) * S * 8;
            Span<Vector512<double>> acc = stackalloc Vector512<double>[2 * S];
            Span<double> lane = stackalloc double[Lanes];
            for (var h = 0; h < 2; h++)
            {
                for (var s = 0; s < S; s++)
                {
                    for (var l = 0; l < Lanes; l++)
                    {
                        lane[l] = scores[(((h * Lanes) + l) * S) + s];
                    }

                    acc[(h * S) + s] = Vector512.Create((ReadOnlySpan<double>)lane);
                }
            }

            Span<long> xl = stackalloc long[G];
            for (var l = 0; l < G; l++)
            {
                xl[l] = state[l];
            }

            var k0 = Vector512.Create((ReadOnlySpan<ulong>)keys[..Lanes]);
            var k1 = Vector512.Create((ReadOnlySpan<ulong>)keys[Lanes..G]);
            var x0 = Vector512.Create((ReadOnlySpan<long>)xl[..Lanes]);
            var x1 = Vector512.Create((ReadOnlySpan<long>)xl[Lanes..]);
            var one = Vector512.Create(0x3FF0000000000000UL);
            var c1 = Vector512.Create(0xBF58476D1CE4E5B9UL);
            var c2 = Vector512.Create(0x94D049BB133111EBUL);
            ref var tab = ref MemoryMarshal.GetArrayDataReference(tables);
            for (var t = 0; ; t++)
            {
                for (var x = 0; x < N; x++)
                {
                    var sx = Vector512.Create((long)x);
                    counts[(t * N) + x] += BitOperations.PopCount(Vector512.Equals(x0, sx).ExtractMostSignificantBits()) + BitOperations.PopCount(Vector512.Equals(x1, sx).ExtractMostSignificantBits());
                }

                for (var s = 0; s < S; s++)
                {
                    var v = Vector512.LoadUnsafe(ref tab, (nuint)(((t * S) + s) * 8));
                    acc[s] += Avx512F.PermuteVar8x64(v, x0);
                    acc[S + s] += Avx512F.PermuteVar8x64(v, x1);
                }

                if (t == T)
                {
                    break;
                }

                var weyl = Vector512.Create((ulong)(t + 1) * CounterRng.Gamma);
                var u0 = Uniform8(k0 + weyl, c1, c2, one);
                var u1 = Uniform8(k1 + weyl, c1, c2, one);
                var y0 = Vector512<long>.Zero;
                var y1 = Vector512<long>.Zero;
                for (var j = 0; j < N - 1; j++)
                {
                    var c = Vector512.LoadUnsafe(ref tab, (nuint)(c0 + (((t * (N - 1)) + j) * 8)));
                    y0 -= Vector512.GreaterThanOrEqual(u0, Avx512F.PermuteVar8x64(c, x0)).AsInt64();
                    y1 -= Vector512.GreaterThanOrEqual(u1, Avx512F.PermuteVar8x64(c, x1)).AsInt64();
                }

                x0 = y0;
                x1 = y1;
            }

            for (var s = 0; s < S; s++)
            {
                for (var l = 0; l < Lanes; l++)
                {
                    scores[(l * S) + s] = acc[s][l];
                    scores[((l + Lanes) * S) + s] = acc[S + s][l];
                }
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static Vector512<double> Uniform8(Vector512<ulong> z, Vector512<ulong> c1, Vector512<ulong> c2, Vector512<ulong> one)
        {
            z = (z ^ Vector512.ShiftRightLogical(z, 30)) * c1;
            z = (z ^ Vector512.ShiftRightLogical(z, 27)) * c2;
            z ^= Vector512.ShiftRightLogical(z, 31);
            return (Vector512.ShiftRightLogical(z, 12) | one).AsDouble() - Vector512<double>.One;
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static Vector256<double> Uniform4(Vector256<ulong> z, Vector256<ulong> c1, Vector256<ulong> c2, Vector256<ulong> one)
        {
            z = Multiply64(z ^ Vector256.ShiftRightLogical(z, 30), c1);
            z = Multiply64(z ^ Vector256.ShiftRightLogical(z, 27), c2);
            z ^= Vector256.ShiftRightLogical(z, 31);
            return (Vector256.ShiftRightLogical(z, 12) | one).AsDouble() - Vector256<double>.One;
        }

        /// <summary>
        /// The low 64 bits of a·b per lane from three 32×32→64 multiplies (AVX2 has no 64-bit
        /// multiply; the generic operator falls back to a slow software path).
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static Vector256<ulong> Multiply64(Vector256<ulong> a, Vector256<ulong> b)
        {
            var low = Avx2.Multiply(a.AsUInt32(), b.AsUInt32());
            var cross = Avx2.Multiply(Avx2.ShiftRightLogical(a, 32).AsUInt32(), b.AsUInt32())
                + Avx2.Multiply(a.AsUInt32(), Avx2.ShiftRightLogical(b, 32).AsUInt32());
            return low + Avx2.ShiftLeftLogical(cross, 32);
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static void Lanes8(ArmPlan a, int sc, Span<int> state, Span<ulong> keys, Span<double> scores, Span<long> laneCounts)
        {
            var T = a.T;
            var N = a.N;
            var S = scores.Length / Lanes;
            var stride = a.CountStride;
            ref var cum = ref MemoryMarshal.GetArrayDataReference(a.Cum[sc]);
            ref var table = ref MemoryMarshal.GetArrayDataReference(a.Score[sc]);
            ref var sc0 = ref MemoryMarshal.GetReference(scores);
            ref var counts = ref MemoryMarshal.GetReference(laneCounts);
            ref var st = ref MemoryMarshal.GetReference(state);
            ref var ks = ref MemoryMarshal.GetReference(keys);
            for (var t = 0; ; t++)
            {
                var last = t == T;
                var weyl = (ulong)(t + 1) * CounterRng.Gamma;
                for (var l = 0; l < Lanes; l++)
                {
                    var x = Unsafe.Add(ref st, l);
                    var cell = (t * N) + x;
                    Unsafe.Add(ref counts, (l * stride) + cell)++;
                    ref var v = ref Unsafe.Add(ref table, cell * S);
                    ref var o = ref Unsafe.Add(ref sc0, l * S);
                    for (var s = 0; s < S; s++)
                    {
                        Unsafe.Add(ref o, s) += Unsafe.Add(ref v, s);
                    }

                    if (last)
                    {
                        continue;
                    }

                    var u = (long)(CounterRng.Mix(Unsafe.Add(ref ks, l) + weyl) >> 12) * (1.0 / (1L << 52));
                    ref var row = ref Unsafe.Add(ref cum, cell * N);
                    var y = 0;
                    for (var j = 0; j < N - 1; j++)
                    {
                        y += u >= Unsafe.Add(ref row, j) ? 1 : 0;
                    }

                    Unsafe.Add(ref st, l) = y;
                }

                if (last)
                {
                    break;
                }
            }
        }
    }
}
