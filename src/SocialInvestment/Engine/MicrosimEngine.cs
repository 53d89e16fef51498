using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
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

    /// <summary>Compiles and simulates one strategy.</summary>
    /// <param name="model">The model.</param>
    /// <param name="strategy">The strategy.</param>
    /// <param name="options">Run options.</param>
    /// <param name="parameters">Parameter values; null for the base case.</param>
    /// <param name="progress">Receives a report per finished block.</param>
    /// <param name="cancellationToken">Cancels the run (checked between blocks).</param>
    public static MicrosimResult Run(LifeCourseModel model, Strategy strategy, MicrosimOptions options, ParameterValues? parameters = null, IProgress<RunProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
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
    /// <param name="cancellationToken">Cancels the run.</param>
    public static MicrosimComparison RunAll(LifeCourseModel model, MicrosimOptions options, IReadOnlyList<Strategy>? strategies = null, ParameterValues? parameters = null, IProgress<RunProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
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
    /// <param name="cancellationToken">Cancels the run (checked between blocks).</param>
    public static MicrosimPartial RunRange(IReadOnlyList<CompiledModel> compiled, MicrosimOptions options, long firstPerson, long count, IProgress<RunProgress>? progress = null, CancellationToken cancellationToken = default)
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

        var plan = new MicrosimPlan(compiled, options);
        var bs = options.BlockSize;
        var blocks = (int)((count + bs - 1) / bs);
        var result = new MicrosimPartial(plan);
        var gate = new Lock();
        var done = 0;
        var po = new ParallelOptions { MaxDegreeOfParallelism = options.Threads, CancellationToken = cancellationToken };
        Parallel.For(
            0,
            blocks,
            po,
            () => new Worker(plan),
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
        return result;
    }

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
        private readonly long[] _laneCounts;

        public Worker(MicrosimPlan plan)
        {
            _plan = plan;
            _bs = plan.Options.BlockSize;
            _s = plan.ScoreCount;
            Partial = new MicrosimPartial(plan);
            _scores = new double[plan.Arms.Length * _bs * _s];
            _attributes = new double[_bs * Math.Max(1, plan.Attributes.Length)];
            _keys = new ulong[_bs];
            _startU = new double[_bs];
            _weighted = [.. plan.Arms.Select(a => new double[a.WeightedAttributes.Length * a.SubcohortCount * a.CountStride])];
            var maxB = plan.Arms.Max(a => a.BaseStates);
            _timeIn = new int[maxB];
            _first = new int[maxB];
            _row = new double[plan.Arms.Max(a => a.N)];
            _sum = new double[_s];
            _sq = new double[_s];
            _laneCounts = new long[Lanes * plan.Arms.Max(a => a.CountStride * a.SubcohortCount)];
        }

        public MicrosimPartial Partial { get; }

        public void RunBlock(long start, long end)
        {
            var plan = _plan;
            var o = plan.Options;
            var n = (int)(end - start);
            var A = plan.Attributes.Length;
            for (var i = 0; i < n; i++)
            {
                var person = start + i;
                _keys[i] = CounterRng.Key(o.Seed, o.Draw, person, CounterRng.TransitionStream);
                _startU[i] = CounterRng.Uniform(o.Seed, o.Draw, person, 0, CounterRng.StartStream);
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

            for (var k = 0; k < plan.Arms.Length; k++)
            {
                var arm = plan.Arms[k];
                var acc = Partial.Arms[k];
                var scores = _scores.AsSpan(k * _bs * _s, n * _s);
                scores.Clear();
                var fast = A == 0 && arm.D == 1 && !arm.HasEvents && !plan.TrackDistributions && !plan.KeepRecords;
                if (fast)
                {
                    RunFast(arm, acc, start, n, scores);
                }
                else
                {
                    for (var i = 0; i < n; i++)
                    {
                        RunPerson(arm, acc, _weighted[k], start + i, i, scores.Slice(i * _s, _s));
                    }
                }

                // Block sums, in person order, then exact accumulation.
                Array.Clear(_sum);
                Array.Clear(_sq);
                for (var i = 0; i < n; i++)
                {
                    for (var s = 0; s < _s; s++)
                    {
                        var v = scores[(i * _s) + s];
                        _sum[s] += v;
                        _sq[s] += v * v;
                    }
                }

                for (var s = 0; s < _s; s++)
                {
                    acc.Sum[s].Add(_sum[s]);
                    acc.SumSquares[s].Add(_sq[s]);
                }

                if (k > 0)
                {
                    var reference = _scores.AsSpan(0, n * _s);
                    Array.Clear(_sum);
                    Array.Clear(_sq);
                    for (var i = 0; i < n * _s; i++)
                    {
                        var d = scores[i] - reference[i];
                        _sum[i % _s] += d;
                        _sq[i % _s] += d * d;
                    }

                    for (var s = 0; s < _s; s++)
                    {
                        acc.DiffSum[s].Add(_sum[s]);
                        acc.DiffSquares[s].Add(_sq[s]);
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

        /// <summary>The general kernel: one person, every feature. Allocation-free unless records are kept.</summary>
        private void RunPerson(ArmPlan a, ArmPartial acc, double[] weighted, long person, int i, Span<double> score)
        {
            var plan = _plan;
            var T = a.T;
            var N = a.N;
            var D = a.D;
            var S = _s;
            var B = a.BaseStates;
            var A = plan.Attributes.Length;
            var attrs = _attributes.AsSpan(i * A, A);

            // Start state and sub-cohort.
            var u0 = _startU[i];
            var j = 0;
            while (u0 >= a.StartCum[j])
            {
                j++;
            }

            var sc = a.StartSubcohort[j];
            var x = a.StartState[j];
            acc.SubcohortPeople[sc]++;
            var cum = a.Cum[sc];
            var table = a.Score[sc];
            var wtables = a.WeightedScore[sc];
            var events = a.EventScore[sc];
            var counts = acc.Counts.AsSpan(sc * a.CountStride, a.CountStride);
            var up = a.UpfrontScore[sc];
            for (var s = 0; s < S; s++)
            {
                score[s] = up[s];
            }

            var track = plan.TrackDistributions;
            if (track)
            {
                _timeIn.AsSpan(0, B).Clear();
                _first.AsSpan(0, B).Fill(-1);
            }

            var key = _keys[i];
            var tau = 0;
            for (var t = 0; ; t++)
            {
                var cell = (((t * N) + x) * D) + tau;
                counts[cell]++;
                var v = table.AsSpan(cell * S, S);
                for (var s = 0; s < S; s++)
                {
                    score[s] += v[s];
                }

                for (var w = 0; w < wtables.Length; w++)
                {
                    var xa = attrs[a.WeightedAttributes[w]];
                    var wv = wtables[w].AsSpan(cell * S, S);
                    for (var s = 0; s < S; s++)
                    {
                        score[s] += xa * wv[s];
                    }

                    weighted[(((w * a.SubcohortCount) + sc) * a.CountStride) + cell] += xa;
                }

                if (track)
                {
                    var b = a.BaseOf[x];
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
                    break;
                }

                var u = CounterRng.UniformAt(key, t);
                int y;
                var hazards = a.AttributeHazardsByState[x];
                if (hazards.Length == 0)
                {
                    var row = cum.AsSpan((((t * N) + x) * D + tau) * N, N);
                    y = 0;
                    while (u >= row[y])
                    {
                        y++;
                    }
                }
                else
                {
                    y = SampleWithAttributes(a, sc, t, x, tau, u, attrs, hazards);
                }

                if (a.HasEvents)
                {
                    acc.Transitions[(sc * a.TransitionStride) + (((t * N) + x) * N) + y]++;
                    var ev = events.AsSpan(((((t * N) + x) * N) + y) * S, S);
                    for (var s = 0; s < S; s++)
                    {
                        score[s] += ev[s];
                    }
                }

                tau = a.Group[y] == a.Group[x] ? Math.Min(tau + 1, a.Cap) : 0;
                if (D == 1)
                {
                    tau = 0;
                }

                x = y;
            }

            if (track)
            {
                for (var b = 0; b < B; b++)
                {
                    acc.YearsHistogram[(b * (T + 1)) + _timeIn[b]]++;
                    acc.FirstEntryHistogram[(b * (T + 2)) + (_first[b] < 0 ? T + 1 : _first[b])]++;
                }
            }

            if (plan.KeepRecords)
            {
                acc.Records.Add(new MicrosimPersonRecord(person, sc, [], track ? _timeIn.AsSpan(0, B).ToArray() : [], track ? _first.AsSpan(0, B).ToArray() : []));
            }
        }

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
        private void RunFast(ArmPlan a, ArmPartial acc, long start, int n, Span<double> scores)
        {
            var T = a.T;
            var N = a.N;
            var S = _s;
            var stride = a.CountStride;
            Span<int> state = stackalloc int[Lanes];
            Span<int> sub = stackalloc int[Lanes];
            Span<ulong> keys = stackalloc ulong[Lanes];
            var i0 = 0;
            for (; i0 < n; i0 += Lanes)
            {
                var m = Math.Min(Lanes, n - i0);
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

                if (m == Lanes && sameSc)
                {
                    Lanes8(a, sub[0], state, keys, scores.Slice(i0 * S, Lanes * S), _laneCounts.AsSpan(sub[0] * Lanes * stride, Lanes * stride));
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

            // Per-lane occupancy counts (kept apart so that lanes never increment the same
            // counter back to back) are added to the partial once per block.
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
