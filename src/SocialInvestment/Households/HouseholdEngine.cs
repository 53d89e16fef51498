using System.Runtime.CompilerServices;
using SocialInvestment.Engine;
using SocialInvestment.Model;

namespace SocialInvestment.Households;

/// <summary>
/// The household microsimulation: members of a household advance together, cycle by cycle, with
/// the linked hazards of <see cref="HouseholdDefinition.Links"/> and the effects of the household
/// interventions. Households are the unit of parallelism and of sharding; strategies share every
/// random number (common random numbers); results are bit-identical on any number of threads and
/// for any block-aligned split into shards (<see cref="RunRange"/>, <see cref="HouseholdPartial.Merge"/>).
/// </summary>
/// <remarks>
/// Households are simulated in blocks of <see cref="HouseholdOptions.BlockSize"/>; per-household
/// totals are summed in double within a block in household order and the block sums added exactly,
/// as in <see cref="MicrosimEngine"/>. Memory does not grow with the number of households; the
/// cycle loop does not allocate. A household of one member whose start is the model's population,
/// without links, household flows or household interventions, gives exactly the numbers of person
/// h of the individual microsimulation with the same seed, draw and block size.
/// </remarks>
public static class HouseholdEngine
{
    /// <summary>Inside a block, cancellation is checked every this many households.</summary>
    internal const int CancellationCheckHouseholds = 256;

    /// <summary>Prepares a run: compiles every strategy for every member start and resolves links, flows and interventions.</summary>
    /// <param name="definition">The household definition.</param>
    /// <param name="options">Run options.</param>
    /// <param name="strategies">The strategies (null: the definition's); the first is the comparator.</param>
    /// <param name="parameters">Parameter values of the life-course model; null for the base case.</param>
    /// <exception cref="ArgumentException">The options are invalid, or a strategy is listed twice.</exception>
    /// <exception cref="ModelValidationException">A strategy's interventions are invalid for the model (raised by the compiler).</exception>
    public static HouseholdRun Prepare(HouseholdDefinition definition, HouseholdOptions options, IReadOnlyList<HouseholdStrategy>? strategies = null, ParameterValues? parameters = null)
    {
        ArgumentNullException.ThrowIfNull(definition);
        ArgumentNullException.ThrowIfNull(options);
        var problems = options.Validate();
        if (problems.Count > 0)
        {
            throw new ArgumentException("Invalid household options:" + Environment.NewLine + string.Join(Environment.NewLine, problems), nameof(options));
        }

        strategies ??= definition.Strategies;
        if (strategies.Count == 0)
        {
            throw new ArgumentException("At least one household strategy is required.", nameof(strategies));
        }

        var duplicate = strategies.GroupBy(s => s.Name, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new ArgumentException($"The household strategy '{duplicate.Key}' is listed twice.", nameof(strategies));
        }

        foreach (var s in strategies)
        {
            if (!definition.Strategies.Contains(s))
            {
                // A strategy from outside the definition is validated like the definition's own.
                ValidateStrategy(definition, s);
            }
        }

        return new HouseholdRun(definition, options, strategies, parameters);
    }

    /// <summary>Simulates every strategy on the same households (common random numbers) and returns the results; the first strategy is the comparator.</summary>
    /// <param name="definition">The household definition.</param>
    /// <param name="options">Run options.</param>
    /// <param name="strategies">The strategies (null: the definition's).</param>
    /// <param name="parameters">Parameter values; null for the base case.</param>
    /// <param name="progress">Receives a report per finished block.</param>
    /// <param name="cancellationToken">Cancels the run (checked before anything is allocated and every 256 households within a block).</param>
    public static HouseholdComparison RunAll(HouseholdDefinition definition, HouseholdOptions options, IReadOnlyList<HouseholdStrategy>? strategies = null, ParameterValues? parameters = null, IProgress<RunProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var run = Prepare(definition, options, strategies, parameters);
        return Complete(RunRange(run, 0, run.Households, progress, cancellationToken));
    }

    /// <summary>
    /// Simulates households [<paramref name="firstHousehold"/>, <paramref name="firstHousehold"/> + <paramref name="count"/>)
    /// of a prepared run and returns a mergeable partial (a shard). <paramref name="firstHousehold"/> must be a multiple of
    /// <see cref="HouseholdOptions.BlockSize"/>; for a register, the range must lie within the register's households.
    /// </summary>
    /// <param name="run">The prepared run.</param>
    /// <param name="firstHousehold">Global index of the first household (≥ 0).</param>
    /// <param name="count">Number of households (≥ 1).</param>
    /// <param name="progress">Receives a report per finished block.</param>
    /// <param name="cancellationToken">Cancels the run.</param>
    public static HouseholdPartial RunRange(HouseholdRun run, long firstHousehold, long count, IProgress<RunProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentOutOfRangeException.ThrowIfNegative(firstHousehold);
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        var bs = run.Options.BlockSize;
        if (firstHousehold % bs != 0)
        {
            throw new ArgumentException($"A shard must start on a multiple of the block size {bs} (got {firstHousehold}).", nameof(firstHousehold));
        }

        if (run.Definition.FromRegister && firstHousehold + count > run.Households)
        {
            throw new ArgumentException($"The register has {run.Households} households; the range [{firstHousehold}, {firstHousehold + count}) goes beyond it.", nameof(count));
        }

        cancellationToken.ThrowIfCancellationRequested();
        var blocks = (int)((count + bs - 1) / bs);
        var result = new HouseholdPartial(run);
        var gate = new Lock();
        var done = 0;
        var po = new ParallelOptions { MaxDegreeOfParallelism = run.Options.EffectiveThreads, CancellationToken = cancellationToken };
        try
        {
            Parallel.For(
                0,
                blocks,
                po,
                () => new Worker(run, cancellationToken),
                (b, _, worker) =>
                {
                    var start = firstHousehold + ((long)b * bs);
                    var end = Math.Min(firstHousehold + count, start + bs);
                    worker.RunBlock(start, end);
                    progress?.Report(new RunProgress(Interlocked.Increment(ref done), blocks, "household microsimulation"));
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
            throw new OperationCanceledException(cancellationToken);
        }

        return result;
    }

    /// <summary>Turns a (merged) partial into results, one per strategy.</summary>
    /// <param name="partial">The partial covering all simulated households.</param>
    public static HouseholdComparison Complete(HouseholdPartial partial)
    {
        ArgumentNullException.ThrowIfNull(partial);
        if (partial.Households == 0)
        {
            throw new ArgumentException("The partial covers no households.", nameof(partial));
        }

        return new HouseholdComparison(partial);
    }

    private static void ValidateStrategy(HouseholdDefinition d, HouseholdStrategy s)
    {
        var b = HouseholdDefinition.Create(d.Model).WithFamilyPayer(d.FamilyPayer).WithDeathStates([.. d.DeathStates]);
        foreach (var r in d.Roles)
        {
            b.AddRole(r);
        }

        foreach (var t in d.Kinds.Take(1))
        {
            b.AddTemplate(t with { Name = "t", Weight = 1 });
        }

        b.AddStrategy(s).Build();
    }

    /// <summary>
    /// Applies the active hazard ratios to a copy of a member's transition row (staying in the
    /// current state takes the difference, floored at 0) and returns the row's total (1 unless a floor applied).
    /// </summary>
    internal static double LinkedRow(Span<double> row, int from, ReadOnlySpan<int> to, ReadOnlySpan<double> hazardRatio)
    {
        var clamped = false;
        for (var e = 0; e < to.Length; e++)
        {
            if (TransitionRowKernel.ApplyHazardRatio(row, to[e], from, hazardRatio[e]) < 0)
            {
                clamped = true;
            }
        }

        if (!clamped)
        {
            return 1.0;
        }

        var total = 0.0;
        foreach (var p in row)
        {
            total += p;
        }

        return total;
    }

    /// <summary>Per-thread scratch and accumulators, allocated once per thread and reused for every block.</summary>
    private sealed class Worker
    {
        private readonly HouseholdRun _run;
        private readonly CancellationToken _cancellationToken;
        private readonly int _bs;
        private readonly int _s;
        private readonly double[] _scores;   // [arm][household in block][score]
        private readonly int[] _kind;         // [household in block]
        private readonly double[] _startU;    // [household in block][member]
        private readonly ulong[] _keys;       // [household in block][member]
        private readonly int[] _x;
        private readonly int[] _sc;
        private readonly int[] _src;
        private readonly int[] _role;
        private readonly bool[] _present;
        private readonly bool[] _living;
        private readonly ArmPlan[] _armOf;     // [member]: the member's start source under the arm
        private readonly double[][] _cumOf;    // [member]: its sub-cohort's cumulative rows
        private readonly double[][] _scoreOf;  // [member]: its sub-cohort's score values
        private readonly long[][] _countsOf;   // [member]: its source's occupancy counts
        private readonly int[] _countBase;     // [member]: its sub-cohort's offset in them
        private readonly double[] _startAge;   // [member]
        private readonly bool[] _ever;
        private readonly bool[] _conditions;
        private readonly double[] _row;
        private readonly int[] _to;
        private readonly double[] _hr;
        private readonly double[] _sum;
        private readonly double[] _sq;

        public Worker(HouseholdRun run, CancellationToken cancellationToken)
        {
            _run = run;
            _cancellationToken = cancellationToken;
            _bs = run.Options.BlockSize;
            _s = run.S;
            Partial = new HouseholdPartial(run);
            var m = run.MaxMembers;
            _scores = new double[run.Arms.Length * _bs * _s];
            _kind = new int[_bs];
            _startU = new double[_bs * m];
            _keys = new ulong[_bs * m];
            _x = new int[m];
            _sc = new int[m];
            _src = new int[m];
            _role = new int[m];
            _present = new bool[m];
            _living = new bool[m];
            _armOf = new ArmPlan[m];
            _cumOf = new double[m][];
            _scoreOf = new double[m][];
            _countsOf = new long[m][];
            _countBase = new int[m];
            _startAge = new double[m];
            _ever = new bool[run.R * run.B];
            _conditions = new bool[Math.Max(1, run.Conditions.Length)];
            _row = new double[run.N];
            var maxEffects = Math.Max(1, run.Arms.Max(a => a.EffectsByRoleState.Max(e => e.Length)));
            _to = new int[maxEffects];
            _hr = new double[maxEffects];
            _sum = new double[_s];
            _sq = new double[_s];
        }

        public HouseholdPartial Partial { get; }

        public void RunBlock(long start, long end)
        {
            var run = _run;
            var o = run.Options;
            var n = (int)(end - start);
            var M = run.MaxMembers;
            var register = run.Definition.FromRegister;
            for (var i = 0; i < n; i++)
            {
                var h = start + i;
                int kind;
                if (register)
                {
                    kind = (int)h;
                }
                else if (run.Kinds.Length == 1)
                {
                    kind = 0;
                }
                else
                {
                    var u = CounterRng.Uniform(o.Seed, o.Draw, h, 0, HouseholdStreams.TemplateStream);
                    kind = 0;
                    while (u >= run.KindCum[kind])
                    {
                        kind++;
                    }
                }

                _kind[i] = kind;
                var members = run.Kinds[kind].Source.Length;
                for (var m = 0; m < members; m++)
                {
                    _keys[(i * M) + m] = CounterRng.Key(o.Seed, o.Draw, h, HouseholdStreams.Member(m, CounterRng.TransitionStream));
                    _startU[(i * M) + m] = CounterRng.Uniform(o.Seed, o.Draw, h, 0, HouseholdStreams.Member(m, CounterRng.StartStream));
                }
            }

            for (var k = 0; k < run.Arms.Length; k++)
            {
                var acc = Partial.Arms[k];
                var scores = _scores.AsSpan(k * _bs * _s, n * _s);
                scores.Clear();
                for (var i = 0; i < n; i++)
                {
                    if (i % CancellationCheckHouseholds == 0)
                    {
                        _cancellationToken.ThrowIfCancellationRequested();
                    }

                    Simulate(k, acc, start + i, _kind[i], _startU.AsSpan(i * M, M), _keys.AsSpan(i * M, M), scores.Slice(i * _s, _s));
                }

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
            }

            Partial.AddRange(start, end);
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private void Simulate(int k, HouseholdArmPartial acc, long h, int kindIndex, ReadOnlySpan<double> startU, ReadOnlySpan<ulong> keys, Span<double> score)
        {
            var run = _run;
            var o = run.Options;
            var T = run.T;
            var N = run.N;
            var B = run.B;
            var S = _s;
            var arm = run.Arms[k];
            var kind = run.Kinds[kindIndex];
            var M = kind.Source.Length;
            var x = _x.AsSpan(0, M);
            var sc = _sc.AsSpan(0, M);
            var src = _src.AsSpan(0, M);
            var role = _role.AsSpan(0, M);
            var present = _present.AsSpan(0, M);
            var living = _living.AsSpan(0, M);
            var ivs = arm.Interventions;
            var hasEffects = arm.HasEffects;
            var ageOut = run.AgeOutAge;
            var isDeath = run.IsDeath;
            var cl = run.CycleLength;
            for (var m = 0; m < M; m++)
            {
                var s = kind.Source[m];
                var a = run.Sources[s].Arms[k];
                var u0 = startU[m];
                var j = 0;
                while (u0 >= a.StartCum[j])
                {
                    j++;
                }

                src[m] = s;
                sc[m] = a.StartSubcohort[j];
                x[m] = a.StartState[j];
                _armOf[m] = a;
                _cumOf[m] = a.Cum[sc[m]];
                _scoreOf[m] = a.Score[sc[m]];
                _countsOf[m] = acc.Counts[s];
                _countBase[m] = sc[m] * (T + 1) * N;
                _startAge[m] = run.Sources[s].StartAge[k][sc[m]];
                role[m] = kind.Role[m];
                present[m] = true;
                acc.SubcohortPeople[s][sc[m]]++;
                var up = a.UpfrontScore[sc[m]];
                for (var q = 0; q < S; q++)
                {
                    score[q] += up[q];
                }
            }

            Array.Clear(_ever);
            var treated = 0;
            var dissolved = false;
            for (var t = 0; ; t++)
            {
                // (1) Age-out rules at trace point t.
                var anyLiving = false;
                for (var m = 0; m < M; m++)
                {
                    if (!present[m])
                    {
                        living[m] = false;
                        continue;
                    }

                    var guard = 0;
                    while (present[m] && ageOut[role[m]] != double.PositiveInfinity && _startAge[m] + (t * cl) >= ageOut[role[m]] - 1e-9 && guard++ < run.R)
                    {
                        var next = run.AgeOutRole[role[m]];
                        if (next < 0)
                        {
                            present[m] = false;
                        }
                        else
                        {
                            role[m] = next;
                        }
                    }

                    living[m] = present[m] && !isDeath[x[m]];
                    anyLiving |= living[m];
                }

                if (t == 0)
                {
                    for (var i = 0; i < ivs.Length; i++)
                    {
                        if (run.Conditions[ivs[i].Eligible].Holds(x, role, living) && anyLiving)
                        {
                            acc.Eligible[i]++;
                            if (CounterRng.Uniform(o.Seed, o.Draw, h, 0, ivs[i].Stream) < ivs[i].Uptake)
                            {
                                treated |= 1 << i;
                                acc.Treated[i]++;
                            }
                        }
                    }
                }

                dissolved |= !anyLiving;

                // (2) Values at trace point t: members, household flows, intervention costs.
                for (var m = 0; m < M; m++)
                {
                    if (!present[m])
                    {
                        continue;
                    }

                    var cell = (t * N) + x[m];
                    _countsOf[m][_countBase[m] + cell]++;
                    acc.RoleCounts[(((role[m] * (T + 1)) + t) * B) + x[m]]++;
                    _ever[(role[m] * B) + x[m]] = true;
                    var v = _scoreOf[m].AsSpan(cell * S, S);
                    for (var q = 0; q < S; q++)
                    {
                        score[q] += v[q];
                    }
                }

                if (dissolved)
                {
                    acc.Dissolved[t]++;
                }
                else
                {
                    var needConditions = run.FlowCondition.Length > 0 || arm.HasEffects;
                    if (needConditions)
                    {
                        for (var c = 0; c < run.Conditions.Length; c++)
                        {
                            _conditions[c] = run.Conditions[c].Holds(x, role, living);
                        }
                    }

                    for (var f = 0; f < run.FlowCondition.Length; f++)
                    {
                        var c = run.FlowCondition[f];
                        if (c < 0 || _conditions[c])
                        {
                            acc.FlowCounts[(f * (T + 1)) + t]++;
                            var v = run.FlowScore[f].AsSpan(t * S, S);
                            for (var q = 0; q < S; q++)
                            {
                                score[q] += v[q];
                            }
                        }
                    }

                    for (var i = 0; i < ivs.Length; i++)
                    {
                        if ((treated & (1 << i)) != 0 && t < ivs[i].ActiveCycles)
                        {
                            acc.ActiveCounts[(i * (T + 1)) + t]++;
                            var v = ivs[i].Score.AsSpan(t * S, S);
                            for (var q = 0; q < S; q++)
                            {
                                score[q] += v[q];
                            }
                        }
                    }
                }

                if (t == T)
                {
                    break;
                }

                // (3) Transitions, with the links read from the states at the start of the cycle (the conditions above).
                for (var m = 0; m < M; m++)
                {
                    if (!present[m])
                    {
                        continue;
                    }

                    var a = _armOf[m];
                    var xm = x[m];
                    var u = CounterRng.UniformAt(keys[m], t);
                    var active = 0;
                    if (hasEffects && !dissolved && living[m])
                    {
                        foreach (var e in arm.EffectsByRoleState[(role[m] * B) + xm])
                        {
                            var on = e.Condition >= 0 ? _conditions[e.Condition] : (treated & (1 << e.Intervention)) != 0 && t < ivs[e.Intervention].ActiveCycles;
                            if (on)
                            {
                                _to[active] = e.To;
                                _hr[active] = e.HazardRatio;
                                active++;
                            }
                        }
                    }

                    int y;
                    if (active == 0)
                    {
                        var row = _cumOf[m];
                        var r0 = ((t * N) + xm) * N;
                        y = 0;
                        while (u >= row[r0 + y])
                        {
                            y++;
                        }
                    }
                    else
                    {
                        var row = _row.AsSpan(0, N);
                        a.Compiled.Subcohorts[sc[m]].P.AsSpan((t * N * N) + (xm * N), N).CopyTo(row);
                        var total = LinkedRow(row, xm, _to.AsSpan(0, active), _hr.AsSpan(0, active));
                        var target = u * total;
                        var run0 = 0.0;
                        y = N - 1;
                        for (var q = 0; q < N - 1; q++)
                        {
                            run0 += row[q];
                            if (target < run0)
                            {
                                y = q;
                                break;
                            }
                        }
                    }

                    if (a.HasEvents && a.EventCell[(xm * N) + y])
                    {
                        acc.Transitions[src[m]][(sc[m] * T * N * N) + (((t * N) + xm) * N) + y]++;
                        var ev = a.EventScore[sc[m]].AsSpan(((((t * N) + xm) * N) + y) * S, S);
                        for (var q = 0; q < S; q++)
                        {
                            score[q] += ev[q];
                        }
                    }

                    x[m] = y;
                }
            }

            for (var i = 0; i < _ever.Length; i++)
            {
                if (_ever[i])
                {
                    acc.Ever[i]++;
                }
            }
        }
    }
}
