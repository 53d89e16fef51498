using System.Runtime.CompilerServices;
using SocialInvestment.Economics;
using SocialInvestment.Engine;
using SocialInvestment.Model;

namespace SocialInvestment.Uncertainty;

/// <summary>
/// One PSA draw through the cohort engine, recomputing only what the draw changes. Built once per
/// run: every strategy is compiled at the base values with its parameter dependence recorded
/// (<see cref="DependenceRecorder"/>), and the blocks (transition rows, flow cells, event tables)
/// that read a parameter with a distribution are listed. Of those, a row or cell that an earlier
/// strategy computes the same way (no intervention effect, cost or parameter effect reaches it at its
/// age: <see cref="SubcohortCompiler.RowIsStrategyFree"/>, <see cref="SubcohortCompiler.CellIsStrategyFree"/>)
/// is copied from it, and a row re-evaluates only its entries that read a drawn parameter (the others
/// are cached at their base values, <see cref="SubcohortCompiler.RowEntries"/>). Per draw a
/// <see cref="Worker"/> samples into its own parameter vector, recomputes those blocks in its copy of
/// each compiled model with the compiler's own stage methods (the other blocks read only parameters
/// the draw leaves at their base values, so they are what a full compilation would give), projects
/// each recomputed flow cell onto the perspectives (<see cref="Project"/>), runs the trace over the
/// rows' structural non-zeros accumulating the projected cells (<see cref="Propagate"/>), and computes
/// only the figures the PSA summaries keep: per strategy and perspective the discounted total cost,
/// per outcome the discounted total, and against the comparator NPV, BCR, ROI and payback, with
/// <see cref="Appraisal.Compare"/>'s rules. Outcomes are bit-identical to compiling, running and
/// appraising every draw (under the life-table convention, which books a cycle's two halves at once, within 1e-12);
/// costs and figures are summed per perspective before the trace points
/// instead of account by account, and agree with it within 1e-12 of the magnitude they are rounded
/// at (tested). The per-draw results depend only on the draw, never on the thread or the draw range.
/// A draw whose values fail validation or change the sub-cohort split is compiled in full (which
/// reports its problems exactly as before).
/// </summary>
internal sealed partial class CohortDrawEvaluator
{
    private readonly PsaSpecification _spec;
    private readonly LifeCourseModel _model;
    private readonly Strategy[] _strategies;
    private readonly int _ci;
    private readonly double[][] _coefficients;
    private readonly StrategyPlan[] _plans;

    /// <summary>Per account a, the coefficient of each perspective v at <c>a·V + v</c>.</summary>
    private readonly double[] _coefByAccount;

    /// <summary>The width of a projected cell: 2·V (base, then intervention flows of each perspective) and the O outcomes, rounded up to whole vectors.</summary>
    private readonly int _jp;

    /// <summary>Where the outcomes start in a projected cell (2·V).</summary>
    private readonly int _outcomeLane;

    /// <summary>The number of the PSA's perspectives (the first channels of <see cref="_coefficients"/>; the rest are payer channels).</summary>
    private readonly int _figurePerspectives;

    /// <summary>Per payer, the channel that projects its accounts (<see cref="PsaPayerFlows"/>); null without a payer-flow observer.</summary>
    private readonly int[]? _payerChannel;

    private CohortDrawEvaluator(PsaSpecification spec, Strategy[] strategies, int ci, double[][] coefficients, int figurePerspectives, int[]? payerChannel, StrategyPlan[] plans)
    {
        _figurePerspectives = figurePerspectives;
        _payerChannel = payerChannel;
        var V = coefficients.Length;
        var A = spec.Model.Accounts.Count;
        _coefByAccount = new double[A * V];
        for (var a = 0; a < A; a++)
        {
            for (var v = 0; v < V; v++)
            {
                _coefByAccount[(a * V) + v] = coefficients[v][a];
            }
        }

        var w = System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated ? System.Runtime.Intrinsics.Vector512<double>.Count : System.Numerics.Vector<double>.Count;
        _outcomeLane = 2 * V;
        _jp = Math.Max(w, ((2 * V) + spec.Model.Outcomes.Count + w - 1) / w * w);
        _spec = spec;
        _model = spec.Model;
        _strategies = strategies;
        _ci = ci;
        _coefficients = coefficients;
        _plans = plans;
        _lanes = BuildLanes();
        var cells = BuildCellOffsets();
        _cellBase = cells?.Base;
        _ledgerChunks = cells?.Chunks;
        _inert = BuildInert(cells?.Books);
        _traceCells = cells is { } c ? ListTraceCells(c.ChunkAt, c.Books, _inert!) : null;
        (_pullRows, _rowBase) = BuildPullRows() is { } pull ? pull : (null, null);
        _ledgerZeros = _lanes is { } l ? new double[l.Used * l.W] : null;
        _cellFixed = [.. plans.Select(p => p.CellLean.Select(cells => cells.Select(FixedProjection).ToArray()).ToArray())];
    }

    /// <summary>The ledger's channels in the chunks the lanes' trace books together (<see cref="LedgerChunks"/>).</summary>
    private readonly LedgerChunks? _ledgerChunks;

    /// <summary>A point's ledger of zeros (never written), from which the first sub-cohort's trace starts each point (<see cref="PropagateLanes"/>).</summary>
    private readonly double[]? _ledgerZeros;

    /// <summary>Per strategy and sub-cohort, where the lanes' trace reads each cell's channels (<see cref="TraceCells"/>).</summary>
    private readonly TraceCells[][]? _traceCells;

    /// <summary>The distinct base cells' channels, one double each, which the lanes' trace broadcasts as it reads them (<see cref="TraceCells"/>).</summary>
    private readonly double[]? _cellBase;

    /// <summary>Per strategy and sub-cohort, the expanded states the lanes' trace leaves out (<see cref="BuildInert"/>).</summary>
    private readonly bool[][][]? _inert;

    /// <summary>Per strategy and sub-cohort, the trace's step in pull order (<see cref="BuildPullRows"/>).</summary>
    private readonly PullRows[][]? _pullRows;

    /// <summary>The distinct base rows' probabilities, one double each, which the lanes' trace broadcasts as it reads them (<see cref="PullRows"/>).</summary>
    private readonly double[]? _rowBase;

    /// <summary>Per strategy, sub-cohort and dependent cell, the projection of its lean plan's fixed flows (<see cref="FixedProjection"/>), or null.</summary>
    private readonly double[]?[][][] _cellFixed;

    /// <summary>
    /// The fixed flows of a lean cell projected onto the channels, 2·V wide (base flows, then an
    /// intervention half of zeros): summed per account in flow order, then projected in account order, as
    /// <see cref="Project"/> projects a ledger.
    /// </summary>
    private double[]? FixedProjection(LeanCellPlan? plan)
    {
        if (plan is null)
        {
            return null;
        }

        var V = _coefficients.Length;
        var A = _coefByAccount.Length / V;
        var byAccount = new double[A];
        var booked = new SortedSet<int>();
        foreach (var (account, value) in plan.Fixed)
        {
            byAccount[account] += value;
            booked.Add(account);
        }

        var g = new double[2 * V];
        foreach (var a in booked)
        {
            if (byAccount[a] != 0)
            {
                for (var v = 0; v < V; v++)
                {
                    g[v] += _coefByAccount[(a * V) + v] * byAccount[a];
                }
            }
        }

        return g;
    }

    /// <summary>
    /// The blocks of each strategy that the run's drawn parameters reach, per sub-cohort: the rows
    /// (<c>t·N + x</c>) with, per row, the block it is copied from (<see cref="BlockSource"/>; a row
    /// computed the same in an earlier strategy) or the entries it re-evaluates (<see cref="RowEvaluate"/>,
    /// the others cached in <see cref="RowCache"/> from <see cref="RowCacheAt"/>), and the cells likewise.
    /// </summary>
    private sealed record StrategyPlan(CompiledModel Base, int[][] Rows, int[][] Cells, int[][] Events)
    {
        public required BlockSource[][] RowSource { get; init; }

        public required ulong[][] RowEvaluate { get; init; }

        public required int[][] RowCacheAt { get; init; }

        /// <summary>Per row, its lean plan (<see cref="SubcohortCompiler.LeanRow"/>), or null for the general kernel.</summary>
        public required LeanRowPlan?[][] RowLean { get; init; }

        public required double[][] RowCache { get; init; }

        public required BlockSource[][] CellSource { get; init; }

        public required ulong[][] CellEvaluate { get; init; }

        public required int[][] CellCacheAt { get; init; }

        public required double[][] CellCache { get; init; }

        /// <summary>Per cell, its lean plan (<see cref="SubcohortCompiler.LeanCell"/>), or null for the general stage.</summary>
        public required LeanCellPlan?[][] CellLean { get; init; }

        /// <summary>The structural non-zeros of the rows, flat (<see cref="Flat"/>; the same in every compilation of the strategy).</summary>
        public required (int[] Start, int[] Index) Columns { get; init; }
    }

    /// <summary>The strategy and sub-cohort whose identical block a block copies (<see cref="Strategy"/> −1: computed itself).</summary>
    private readonly record struct BlockSource(int Strategy, int Subcohort)
    {
        public static readonly BlockSource Self = new(-1, -1);
    }

    /// <summary>Compiles every strategy at the base values with its dependence; null when the base case does not compile (the general path then reports it).</summary>
    /// <param name="specification">The PSA's distributions.</param>
    /// <param name="strategies">The strategies.</param>
    /// <param name="comparator">The comparator's index.</param>
    /// <param name="perspectives">The perspectives of the PSA's figures.</param>
    /// <param name="payerFlows">Also project each payer's accounts (<see cref="Worker.PayerFlows(int)"/>): a payer whose coefficients equal a perspective's reads that channel, the others get their own.</param>
    /// <param name="threads">How many strategies are compiled at once (the result does not depend on it).</param>
    public static CohortDrawEvaluator? Create(PsaSpecification specification, IReadOnlyList<Strategy> strategies, int comparator, IReadOnlyList<Perspective> perspectives, bool payerFlows = false, int threads = 1)
    {
        if (strategies.Count == 0 || (uint)comparator >= (uint)strategies.Count)
        {
            throw new ArgumentException($"The comparator's index {comparator} is not among the {strategies.Count} strategies (the PSA's callers resolve an empty list to business as usual).", nameof(comparator));
        }

        var model = specification.Model;
        var drawn = specification.UncertainParameters.Select(p => p.Index).ToArray();
        var plans = new StrategyPlan[strategies.Count];

        // Each strategy is compiled and planned on its own (in parallel when threads > 1); then, in strategy
        // order, a strategy-free dependent block is given the source of the first strategy that has it, by
        // (start age, t, x): that one computes, later ones copy. A failure is that of the first strategy that
        // fails, as one by one.
        var rowFree = new bool[strategies.Count][][];
        var cellFree = new bool[strategies.Count][][];
        var failures = new System.Runtime.ExceptionServices.ExceptionDispatchInfo?[strategies.Count];
        var compiles = new bool[strategies.Count];
        void PlanOne(int s)
        {
            try
            {
                if (PlanStrategy(model, strategies[s], drawn) is { } planned)
                {
                    (plans[s], rowFree[s], cellFree[s]) = planned;
                    compiles[s] = true;
                }
            }
            catch (Exception ex)
            {
                failures[s] = System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(ex);
            }
        }

        if (threads > 1 && strategies.Count > 1)
        {
            Parallel.For(0, strategies.Count, new ParallelOptions { MaxDegreeOfParallelism = threads }, PlanOne);
        }
        else
        {
            for (var s = 0; s < strategies.Count; s++)
            {
                PlanOne(s);
            }
        }

        for (var s = 0; s < strategies.Count; s++)
        {
            failures[s]?.Throw();
            if (!compiles[s])
            {
                return null;
            }
        }

        // Strategy-free dependent blocks by (start age, t, x): the first strategy computes, later ones copy.
        var sharedRows = new Dictionary<(double, int, int), BlockSource>();
        var sharedCells = new Dictionary<(double, int, int), BlockSource>();
        for (var s = 0; s < strategies.Count; s++)
        {
            var p = plans[s];
            for (var si = 0; si < p.Rows.Length; si++)
            {
                ShareBlocks(sharedRows, p.Rows[si], rowFree[s][si], p.RowSource[si], p.Base, s, si);
                ShareBlocks(sharedCells, p.Cells[si], cellFree[s][si], p.CellSource[si], p.Base, s, si);
            }
        }

        var coefficients = perspectives.Select(p => p.Coefficients(model.Accounts)).ToList();
        int[]? payerChannel = null;
        if (payerFlows)
        {
            payerChannel = new int[model.Payers.Count];
            for (var p = 0; p < payerChannel.Length; p++)
            {
                var c = PsaPayerFlows.Coefficients(model.Accounts, model.Payers[p]);
                var same = coefficients.FindIndex(x => x.AsSpan().SequenceEqual(c));
                if (same < 0)
                {
                    same = coefficients.Count;
                    coefficients.Add(c);
                }

                payerChannel[p] = same;
            }
        }

        return new CohortDrawEvaluator(specification, [.. strategies], comparator, [.. coefficients], perspectives.Count, payerChannel, plans);
    }

    /// <summary>
    /// One strategy's plan: compiled at the base values with its dependence recorded, its dependent blocks
    /// listed with their cached entries and lean plans, each block's source left as <see cref="BlockSource.Self"/>
    /// and whether it is strategy-free (<see cref="Create"/> then shares those across strategies in order);
    /// null when the base case does not compile. Reads only the model: safe to run for several strategies at once.
    /// </summary>
    private static (StrategyPlan Plan, bool[][] RowFree, bool[][] CellFree)? PlanStrategy(LifeCourseModel model, Strategy strategy, int[] drawn)
    {
        var recorder = new DependenceRecorder(model);
        var problems = new List<ValidationProblem>();
        var compiled = ModelCompiler.Compile(model, strategy, model.BaseParameters, problems, recorder);
        if (compiled is null)
        {
            return null;
        }

        var dependence = recorder.Result();
        var changed = dependence.Mask(drawn);
        int T = compiled.Cycles, N = compiled.ExpandedStateCount;
        var S = compiled.SubcohortCount;
        var rows = new int[S][];
        var cells = new int[S][];
        var events = new int[S][];
        var rowSource = new BlockSource[S][];
        var rowEvaluate = new ulong[S][];
        var rowCacheAt = new int[S][];
        var rowCache = new double[S][];
        var rowLean = new LeanRowPlan?[S][];
        var cellSource = new BlockSource[S][];
        var cellEvaluate = new ulong[S][];
        var cellCacheAt = new int[S][];
        var cellCache = new double[S][];
        var cellLean = new LeanCellPlan?[S][];
        var rowFree = new bool[S][];
        var cellFree = new bool[S][];
        var baseCompilation = Compilation.Start(model, strategy, model.BaseParameters, [], null)!;
        var subcohortPlans = baseCompilation.PlanSubcohorts();
        for (var si = 0; si < S; si++)
        {
            var d = dependence.Subcohorts[si];
            var compiler = new SubcohortCompiler(baseCompilation, subcohortPlans[si]);
            var age = compiled.Subcohorts[si].StartAge;
            var r = new List<int>();
            var c = new List<int>();
            var e = new List<int>();
            var re = new List<ulong>();
            var ra = new List<int>();
            var cache = new List<double>();
            var lean = new List<LeanRowPlan?>();
            var ce = new List<ulong>();
            var ca = new List<int>();
            var cellValues = new List<double>();
            var leanCells = new List<LeanCellPlan?>();
            var rf = new List<bool>();
            var cf = new List<bool>();
            var values = new double[64];
            for (var t = 0; t <= T; t++)
            {
                for (var x = 0; x < N; x++)
                {
                    if (t < T && d.DependsOn(CompiledBlock.TransitionRow, t, x, changed))
                    {
                        r.Add((t * N) + x);
                        rf.Add(compiler.RowIsStrategyFree(t, x));
                        var entries = baseCompilation.Rows[compiled.BaseOf[x]].Entries.Length;
                        var evaluate = compiler.RowEntries(t, x, changed, values);
                        re.Add(evaluate);
                        lean.Add(compiler.PlanLeanRow(t, x, evaluate, values));
                        ra.Add(cache.Count);
                        if (evaluate != ulong.MaxValue)
                        {
                            cache.AddRange(values.AsSpan(0, entries));
                        }
                    }

                    if (d.DependsOn(CompiledBlock.StateCell, t, x, changed))
                    {
                        c.Add((t * N) + x);
                        cf.Add(compiler.CellIsStrategyFree(t, x));
                        var flowCount = baseCompilation.FlowsByState[compiled.BaseOf[x]].Count;
                        var evaluate = compiler.CellEntries(t, x, changed, values);
                        ce.Add(evaluate);
                        leanCells.Add(compiler.PlanLeanCell(t, x, evaluate, values));
                        ca.Add(cellValues.Count);
                        if (evaluate != ulong.MaxValue)
                        {
                            cellValues.AddRange(values.AsSpan(0, flowCount));
                        }
                    }
                }

                if (t < T && d.DependsOn(CompiledBlock.Events, t, 0, changed))
                {
                    e.Add(t);
                }
            }

            rows[si] = [.. r];
            cells[si] = [.. c];
            events[si] = [.. e];
            rowSource[si] = [.. Enumerable.Repeat(BlockSource.Self, r.Count)];
            rowEvaluate[si] = [.. re];
            rowCacheAt[si] = [.. ra];
            rowCache[si] = [.. cache];
            rowLean[si] = [.. lean];
            cellSource[si] = [.. Enumerable.Repeat(BlockSource.Self, c.Count)];
            cellEvaluate[si] = [.. ce];
            cellCacheAt[si] = [.. ca];
            cellCache[si] = [.. cellValues];
            cellLean[si] = [.. leanCells];
            rowFree[si] = [.. rf];
            cellFree[si] = [.. cf];
        }

        var plan = new StrategyPlan(compiled, rows, cells, events)
        {
            RowSource = rowSource,
            RowEvaluate = rowEvaluate,
            RowCacheAt = rowCacheAt,
            RowCache = rowCache,
            RowLean = rowLean,
            CellSource = cellSource,
            CellEvaluate = cellEvaluate,
            CellCacheAt = cellCacheAt,
            CellCache = cellCache,
            CellLean = cellLean,
            Columns = Flat(compiled.Columns, N),
        };

        return (plan, rowFree, cellFree);
    }

    /// <summary>
    /// Projects one flow cell (a ledger over <c>2·A</c> cells, structurally non-zero at
    /// <paramref name="cells"/>) onto the perspectives: <c>g[v] = Σ_a c_v(a)·F[a]</c> (base flows) and
    /// <c>g[V + v] = Σ_a c_v(a)·F[A + a]</c> (intervention flows), in account order; the rest of the
    /// <see cref="_jp"/> wide cell holds the state's outcomes (<see cref="_outcomeLane"/> on), then 0. The trace then accumulates 2·V numbers per state instead of the
    /// ledger (a change of summation order against <see cref="SimulationResult.TotalCost"/> and
    /// <see cref="Appraisal.Compare"/>: equal within 1e-12 relative, tested).
    /// </summary>
    private void Project(ReadOnlySpan<double> flows, int[] cells, ReadOnlySpan<double> outcomes, Span<double> g)
    {
        var V = _coefficients.Length;
        var A = flows.Length / 2;
        g.Clear();
        outcomes.CopyTo(g[_outcomeLane..]);
        foreach (var l in cells)
        {
            var f = flows[l];
            if (f == 0)
            {
                continue;
            }

            var h = l >= A ? V : 0;
            var coef = _coefByAccount.AsSpan((l - (l >= A ? A : 0)) * V, V);
            for (var v = 0; v < V; v++)
            {
                g[h + v] += coef[v] * f;
            }
        }
    }

    /// <summary>The projected cells (<see cref="Project"/>) of every sub-cohort of a compiled model, <c>[t][x][j]</c>.</summary>
    private double[][] ProjectAll(CompiledModel compiled)
    {
        int T = compiled.Cycles, N = compiled.ExpandedStateCount, L = compiled.LedgerCount;
        var result = new double[compiled.SubcohortCount][];
        for (var si = 0; si < result.Length; si++)
        {
            var F = compiled.Subcohorts[si].StateFlows;
            var U = compiled.Subcohorts[si].StateOutcomes;
            var O = compiled.OutcomeCount;
            var g = result[si] = new double[(T + 1) * N * _jp];
            for (var tx = 0; tx < (T + 1) * N; tx++)
            {
                Project(F.AsSpan(tx * L, L), compiled.Cells[tx % N], O == 0 ? [] : U.AsSpan(tx * O, O), g.AsSpan(tx * _jp, _jp));
            }
        }

        return result;
    }

    /// <summary>
    /// The cycle loop of <see cref="CohortEngine.Propagate"/> for one sub-cohort with the ledger projected
    /// onto the perspectives: the occupancy-weighted projected cells <paramref name="g"/> accumulate into
    /// <paramref name="acc"/> (<c>[t][j]</c>, <see cref="_jp"/> wide, in whole vectors), events and upfront
    /// costs are projected as they are booked, the outcomes ride in their lanes (the same additions in the same
    /// order as there, so bit-identical, except under the life-table convention, where each cycle is booked once at
    /// the occupancy of both its halves: the same terms in another order, within 1e-12) and the occupancy is
    /// propagated exactly as there. Allocation-free;
    /// the occupancy trace itself is not kept (no PSA summary reads it).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Propagate(CompiledModel c, Subcohort sc, double[] g, (int[] Start, int[] Index) columns, double[] mBuffer, double[] nextBuffer, double[] acc)
    {
        var T = c.Cycles;
        var O = c.OutcomeCount;
        var N = c.ExpandedStateCount;
        var A = c.AccountCount;
        var V = _coefficients.Length;
        var Jp = _jp;
        var coefA = _coefByAccount;
        var (columnStart, columnIndex) = columns;
        var w = c.StateWeights;
        var r = c.PreviousWeights;
        var ew = c.EventWeights;
        var E = sc.EventFrom.Length;
        var EO = sc.OutcomeEventFrom.Length;
        var P = sc.P;
        if (columnStart.Length != N + 1 || P.Length < T * N * N || mBuffer.Length < N || nextBuffer.Length < N)
        {
            throw new InvalidOperationException("The transition table or the occupancy buffers are shorter than the state space.");
        }

        var m = mBuffer.AsSpan(0, N);
        var next = nextBuffer.AsSpan(0, N);
        sc.Initial.AsSpan().CopyTo(m);

        var up = sc.Upfront;
        for (var l = 0; l < up.Length; l++)
        {
            if (up[l] != 0)
            {
                Book(acc.AsSpan(0, Jp), coefA, l, A, V, up[l]);
            }
        }

        for (var t = 0; t <= T; t++)
        {
            if (r is not null && t > 0)
            {
                // Per-cycle conventions: point t − 1 books its cycle's values once, at the weighted occupancy of both
                // halves, w_{t−1}·m_{t−1} + r_t·m_t (the start half at t − 1 and the end half at t; m_{t−1} is still in
                // `next`, which the step below overwrites); the last point its start half alone, below.
                var (wp, rt) = (w[t - 1], r[t]);
                for (var x = 0; x < N; x++)
                {
                    var both = (wp * next[x]) + (rt * m[x]);
                    if (both != 0)
                    {
                        AxpyVectors(both, g.AsSpan((((t - 1) * N) + x) * Jp, Jp), acc.AsSpan((t - 1) * Jp, Jp));
                    }
                }
            }

            if (w[t] != 0 && (r is null || t == T))
            {
                var wt = w[t];
                for (var x = 0; x < N; x++)
                {
                    var mx = m[x];
                    if (mx != 0)
                    {
                        AxpyVectors(wt * mx, g.AsSpan(((t * N) + x) * Jp, Jp), acc.AsSpan(t * Jp, Jp));
                    }
                }
            }

            if (t == T)
            {
                break;
            }

            var pt = t * N * N;
            if (E > 0)
            {
                var arrive = acc.AsSpan((t + 1) * Jp, Jp);
                var amounts = sc.EventAmounts.AsSpan(t * E, E);
                var weight = ew[t + 1];
                for (var e = 0; e < E; e++)
                {
                    var from = sc.EventFrom[e];
                    var value = weight * m[from] * P[pt + (from * N) + sc.EventTo[e]] * amounts[e];
                    if (value != 0)
                    {
                        Book(arrive, coefA, sc.EventLedger[e], A, V, value);
                    }
                }
            }

            if (EO > 0)
            {
                var arrive = acc.AsSpan(((t + 1) * Jp) + _outcomeLane, O);
                var values = sc.OutcomeEventValues.AsSpan(t * EO, EO);
                var weight = ew[t + 1];
                for (var e = 0; e < EO; e++)
                {
                    var from = sc.OutcomeEventFrom[e];
                    arrive[sc.OutcomeEventIndex[e]] += weight * m[from] * P[pt + (from * N) + sc.OutcomeEventTo[e]] * values[e];
                }
            }

            // m·P over the structural non-zeros (flat, ascending per row as in CompiledModel.Columns; every
            // index is below N and every row inside P, checked when the plan was built).
            next.Clear();
            ref var p0 = ref System.Runtime.InteropServices.MemoryMarshal.GetArrayDataReference(P);
            ref var n0 = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(next);
            ref var c0 = ref System.Runtime.InteropServices.MemoryMarshal.GetArrayDataReference(columnIndex);
            for (var x = 0; x < N; x++)
            {
                var mx = m[x];
                if (mx != 0)
                {
                    ref var row = ref Unsafe.Add(ref p0, pt + (x * N));
                    for (var k = columnStart[x]; k < columnStart[x + 1]; k++)
                    {
                        var y = Unsafe.Add(ref c0, k);
                        Unsafe.Add(ref n0, y) += mx * Unsafe.Add(ref row, y);
                    }
                }
            }

            var tmp = m;
            m = next;
            next = tmp;
        }
    }

    /// <summary>The structural non-zeros of the rows (<see cref="CompiledModel.Columns"/>) as one flat index array with row starts, built once per column table and checked to lie below <paramref name="n"/>.</summary>
    private static (int[] Start, int[] Index) Flat(int[][] columns, int n)
    {
        var start = new int[columns.Length + 1];
        for (var x = 0; x < columns.Length; x++)
        {
            start[x + 1] = start[x] + columns[x].Length;
        }

        var index = columns.SelectMany(c => c).ToArray();
        if (columns.Length != n || index.Any(y => (uint)y >= (uint)n))
        {
            throw new InvalidOperationException("A structural column lies outside the state space.");
        }

        return (start, index);
    }

    /// <summary>Books an amount on ledger cell <paramref name="l"/> into a projected row: <c>row[h + v] += c_v(a)·amount</c>.</summary>
    private static void Book(Span<double> row, double[] coefA, int l, int A, int V, double amount)
    {
        var h = l >= A ? V : 0;
        var coef = coefA.AsSpan((l - (l >= A ? A : 0)) * V, V);
        for (var v = 0; v < V; v++)
        {
            row[h + v] += coef[v] * amount;
        }
    }

    /// <summary>
    /// <c>y += a·x</c> over whole vectors (the length is a multiple of the width): 512-bit where the
    /// hardware accelerates them, otherwise <see cref="System.Numerics.Vector{T}"/>'s width; a multiply
    /// and an add per lane either way (no fused multiply-add), so the sums do not depend on the width.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AxpyVectors(double a, ReadOnlySpan<double> x, Span<double> y)
    {
        if (System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated)
        {
            var va512 = System.Runtime.Intrinsics.Vector512.Create(a);
            ref var x512 = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(x);
            ref var y512 = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(y);
            for (nuint i = 0; i < (nuint)x.Length; i += (nuint)System.Runtime.Intrinsics.Vector512<double>.Count)
            {
                var vy = System.Runtime.Intrinsics.Vector512.LoadUnsafe(ref y512, i);
                var vx = System.Runtime.Intrinsics.Vector512.LoadUnsafe(ref x512, i);
                System.Runtime.Intrinsics.Vector512.StoreUnsafe(vy + (va512 * vx), ref y512, i);
            }

            return;
        }

        var width = System.Numerics.Vector<double>.Count;
        var va = new System.Numerics.Vector<double>(a);
        ref var rx = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(x);
        ref var ry = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(y);
        for (nuint i = 0; i < (nuint)x.Length; i += (nuint)width)
        {
            var vy = System.Numerics.Vector.LoadUnsafe(ref ry, i);
            var vx = System.Numerics.Vector.LoadUnsafe(ref rx, i);
            System.Numerics.Vector.StoreUnsafe(vy + (va * vx), ref ry, i);
        }
    }

    /// <summary>The sources of one sub-cohort's dependent blocks (<c>t·N + x</c>) in strategy order, by <see cref="Shared"/>.</summary>
    private static void ShareBlocks(Dictionary<(double, int, int), BlockSource> shared, int[] blocks, bool[] strategyFree, BlockSource[] sources, CompiledModel compiled, int s, int si)
    {
        var N = compiled.ExpandedStateCount;
        var age = compiled.Subcohorts[si].StartAge;
        for (var k = 0; k < blocks.Length; k++)
        {
            sources[k] = Shared(shared, strategyFree[k], (age, blocks[k] / N, blocks[k] % N), new BlockSource(s, si));
        }
    }

    /// <summary>The source of a strategy-free block: the first strategy's, registered when it is met; a block that is not strategy-free computes itself.</summary>
    private static BlockSource Shared(Dictionary<(double, int, int), BlockSource> shared, bool strategyFree, (double, int, int) key, BlockSource self)
    {
        if (!strategyFree)
        {
            return BlockSource.Self;
        }

        if (shared.TryGetValue(key, out var source))
        {
            return source;
        }

        shared[key] = self;
        return BlockSource.Self;
    }

    /// <summary>The number of blocks a draw recomputes, against all, as JSON fields (for the benchmark runner).</summary>
    public string BlockCounts()
    {
        long rowsGeneral = 0, cellsGeneral = 0, rows = 0, cells = 0, events = 0, allRows = 0, allCells = 0, rowsComputed = 0, cellsComputed = 0, entries = 0, entriesEvaluated = 0, uncached = 0, cellFlows = 0, cellFlowsEvaluated = 0, entriesScaled = 0, cellFlowsScaled = 0;
        foreach (var p in _plans)
        {
            rows += p.Rows.Sum(r => r.Length);
            cells += p.Cells.Sum(c => c.Length);
            rowsComputed += p.RowSource.Sum(r => r.Count(b => b.Strategy < 0));
            cellsComputed += p.CellSource.Sum(r => r.Count(b => b.Strategy < 0));
            for (var si = 0; si < p.Rows.Length; si++)
            {
                for (var k = 0; k < p.Rows[si].Length; k++)
                {
                    if (p.RowSource[si][k].Strategy >= 0)
                    {
                        continue;
                    }

                    if (p.RowLean[si][k] is { } lean)
                    {
                        entriesScaled += lean.Entries.Count(e => e.Evaluate && e.Parameter >= 0);
                    }
                    else
                    {
                        rowsGeneral++;
                    }

                    if (p.RowEvaluate[si][k] == ulong.MaxValue)
                    {
                        uncached++;
                    }
                    else
                    {
                        entries += (k + 1 < p.RowCacheAt[si].Length ? p.RowCacheAt[si][k + 1] : p.RowCache[si].Length) - p.RowCacheAt[si][k];
                        entriesEvaluated += System.Numerics.BitOperations.PopCount(p.RowEvaluate[si][k]);
                    }
                }
            }

            for (var si = 0; si < p.Cells.Length; si++)
            {
                for (var k = 0; k < p.Cells[si].Length; k++)
                {
                    if (p.CellSource[si][k].Strategy >= 0)
                    {
                        continue;
                    }

                    if (p.CellLean[si][k] is { } leanCell)
                    {
                        cellFlowsScaled += leanCell.Evaluated.Count(f => f.Parameter >= 0);
                    }
                    else
                    {
                        cellsGeneral++;
                    }

                    if (p.CellEvaluate[si][k] != ulong.MaxValue)
                    {
                        cellFlows += (k + 1 < p.CellCacheAt[si].Length ? p.CellCacheAt[si][k + 1] : p.CellCache[si].Length) - p.CellCacheAt[si][k];
                        cellFlowsEvaluated += System.Numerics.BitOperations.PopCount(p.CellEvaluate[si][k]);
                    }
                }
            }

            events += p.Events.Sum(e => e.Length);
            allRows += (long)p.Base.SubcohortCount * p.Base.Cycles * p.Base.ExpandedStateCount;
            allCells += (long)p.Base.SubcohortCount * (p.Base.Cycles + 1) * p.Base.ExpandedStateCount;
        }

        // The trace's work: the width of a projected cell in use, and how many of the base cells' channels are non-zero.
        long baseChannels = 0, baseNonZero = 0, changedCells = 0;
        long baseRowEntries = 0, baseRowNonZero = 0;
        if (_lanes is { } layout)
        {
            for (var s = 0; s < _plans.Length; s++)
            {
                var b = _plans[s].Base;
                int T = b.Cycles, N = b.ExpandedStateCount;
                for (var si = 0; si < b.Subcohorts.Length; si++)
                {
                    var P = b.Subcohorts[si].P;
                    for (var tx = 0; tx < T * N; tx++)
                    {
                        if (layout.RowOffset[s][si][tx] < 0)
                        {
                            for (var k = layout.Start[tx % N]; k < layout.Start[(tx % N) + 1]; k++)
                            {
                                baseRowEntries++;
                                baseRowNonZero += P[(tx * N) + layout.Index[k]] != 0 ? 1 : 0;
                            }
                        }
                    }
                }
            }
        }

        var used = _lanes?.Used ?? _jp;
        for (var s = 0; s < _plans.Length; s++)
        {
            var g = ProjectAll(_plans[s].Base);
            for (var si = 0; si < g.Length; si++)
            {
                var changed = new HashSet<int>(_plans[s].Cells[si]);
                changedCells += changed.Count;
                for (var tx = 0; tx < g[si].Length / _jp; tx++)
                {
                    if (!changed.Contains(tx))
                    {
                        baseChannels += used;
                        for (var j = 0; j < used; j++)
                        {
                            baseNonZero += g[si][(tx * _jp) + j] != 0 ? 1 : 0;
                        }
                    }
                }
            }
        }

        // The trace's work per batch: the ledger's channel updates per booking of the points (a chunk entry of four
        // channels books four) and the pull step's entries.
        long ledgerUpdates = 0, pullEntries = 0;
        if (_traceCells is { } tc && _pullRows is { } pr)
        {
            var chunks = _ledgerChunks!;
            foreach (var c in tc.SelectMany(cs => cs))
            {
                for (var k = 0; k + 1 < c.Start.Length; k++)
                {
                    ledgerUpdates += (long)(c.Start[k + 1] - c.Start[k]) * chunks.Width[k % chunks.Count];
                }
            }

            pullEntries = pr.Sum(rs => rs.Sum(r => (long)r.From.Length));
        }

        return string.Create(System.Globalization.CultureInfo.InvariantCulture, $"\"trace_ledger_chunks\":\"{string.Join(' ', _ledgerChunks is { } lch ? lch.Width : [])}\",\"trace_ledger_updates\":{ledgerUpdates},\"trace_pull_entries\":{pullEntries},\"trace_row_base_bytes\":{(_rowBase?.Length ?? 0) * 8L},\"trace_cell_base_bytes\":{(_cellBase?.Length ?? 0) * 8L},\"lane_rows_bytes\":{(_lanes?.RowTotal ?? 0) * 8L},\"lane_cells_bytes\":{(_lanes is { } lc ? (long)lc.CellTotal * lc.Used * lc.W : 0) * 8L},\"strategies\":{_plans.Length},\"subcohorts\":{_plans.Sum(p => p.Base.SubcohortCount)},\"cycles\":{_plans[0].Base.Cycles},\"expanded_states\":{_plans[0].Base.ExpandedStateCount},\"row_nonzeros\":{_lanes?.Nnz ?? 0},\"trace_width\":{used},\"trace_states_left_out\":{_inert?.Sum(s => s.Sum(si => si.Count(x => x))) ?? 0},\"base_row_entries\":{baseRowEntries},\"base_row_entries_nonzero\":{baseRowNonZero},\"base_cell_channels\":{baseChannels},\"base_cell_channels_nonzero\":{baseNonZero},\"rows_recomputed\":{rows},\"rows_computed\":{rowsComputed},\"rows_lane_aliased\":{_lanes?.RowAliases ?? 0},\"cells_lane_aliased\":{_lanes?.CellAliases ?? 0},\"rows_general\":{rowsGeneral},\"cells_general\":{cellsGeneral},\"rows\":{allRows},\"row_entries_cached\":{entries},\"row_entries_evaluated\":{entriesEvaluated},\"row_entries_scaled\":{entriesScaled},\"rows_uncached\":{uncached},\"cells_recomputed\":{cells},\"cells_computed\":{cellsComputed},\"cells\":{allCells},\"cell_flows_cached\":{cellFlows},\"cell_flows_evaluated\":{cellFlowsEvaluated},\"cell_flows_scaled\":{cellFlowsScaled},\"event_cycles_recomputed\":{events}");
    }

    /// <summary>A worker's own buffers and compiled-model copies (one per thread).</summary>
    public Worker CreateWorker() => new(this);

    /// <summary>The per-thread state of the evaluation: nothing in it is shared.</summary>
    internal sealed partial class Worker
    {
        private readonly CohortDrawEvaluator _e;
        private readonly double[] _values;
        private readonly ParameterValues _parameters;
        private readonly Compilation[] _compilations;
        private readonly CompiledModel[] _work;
        private readonly double[][][] _g;
        private readonly double[][] _acc;
        private readonly double[] _m;
        private readonly double[] _next;
        private readonly double[] _inv;
        private readonly double[] _invD;
        private readonly double[] _sav;
        private readonly double[] _savD;
        private readonly double[] _net;
        private readonly CompiledModel?[] _current;
        private readonly double[]?[][] _currentG;
        private readonly SubcohortCompiler?[][] _compilers;
        private readonly double[][][] _rowCache;
        private readonly bool[] _inPlace;
        private readonly double[] _cell;
        private readonly double[] _cellOutcomes;

        public Worker(CohortDrawEvaluator e)
        {
            _e = e;
            var model = e._model;
            _values = model.BaseParameters.AsSpan().ToArray();
            _parameters = ParameterValues.Wrap(_values);
            var S = e._strategies.Length;
            _compilations = new Compilation[S];
            _compilers = new SubcohortCompiler?[S][];
            _work = new CompiledModel[S];
            _current = new CompiledModel?[S];
            _currentG = new double[]?[S][];
            _rowCache = new double[S][][];
            _inPlace = new bool[S];
            _splits = new List<SubcohortPlan>?[S];
            _g = new double[S][][];
            _acc = new double[S][];
            var T = model.Options.Cycles;
            for (var s = 0; s < S; s++)
            {
                _compilations[s] = Compilation.Start(model, e._strategies[s], model.BaseParameters, [], null)!;
                _work[s] = e._plans[s].Base.CloneForUpdate();
                _compilers[s] = new SubcohortCompiler?[_work[s].SubcohortCount];
                _rowCache[s] = [.. e._plans[s].RowCache.Select(c => (double[])c.Clone())];
                _g[s] = e.ProjectAll(_work[s]);
                _acc[s] = new double[(T + 1) * e._jp];
            }

            var c0 = _work[0];
            _cell = new double[c0.LedgerCount];
            _cellOutcomes = new double[c0.OutcomeCount];
            _m = new double[c0.ExpandedStateCount];
            _next = new double[c0.ExpandedStateCount];
            _inv = new double[T + 1];
            _invD = new double[T + 1];
            _sav = new double[T + 1];
            _savD = new double[T + 1];
            _net = new double[T + 1];
            _flows = e._payerChannel is null ? null : new PsaPayerFlows(e._strategies, e._ci, model.Payers, c0.CostDiscountFactors, model.Options.CycleLengthYears);
        }

        private readonly PsaPayerFlows? _flows;

        /// <summary>Per strategy, the sub-cohort plans of the last draw, refilled in place by the next (<see cref="Compilation.PlanSubcohorts(List{SubcohortPlan})"/>).</summary>
        private readonly List<SubcohortPlan>?[] _splits;

        /// <summary>
        /// The per-payer flows of the draw <see cref="Evaluate"/> evaluated last (draw <paramref name="k"/>):
        /// the payer channels of the projected ledgers, base then intervention flows per trace point.
        /// </summary>
        public PsaPayerFlows PayerFlows(int k) => PayerFlows(k, _acc, _e._jp, 1, 0);

        /// <summary>
        /// The per-payer flows of draw <paramref name="k"/> from its projected ledgers <paramref name="acc"/>
        /// (and the parameters in <see cref="_values"/>): channel c of trace point t is at
        /// <c>t·<paramref name="pointStride"/> + c·<paramref name="channelStride"/> + <paramref name="offset"/></c>
        /// (one draw's ledgers: <c>(Jp, 1, 0)</c>; lane l of the lane-major ledgers: <c>(J·W, W, l)</c>).
        /// </summary>
        private PsaPayerFlows PayerFlows(int k, double[][] acc, int pointStride, int channelStride, int offset)
        {
            var flows = _flows ?? throw new InvalidOperationException("The evaluator was created without payer flows.");
            for (var s = 0; s < acc.Length; s++)
            {
                FlowSeries(flows, s, acc[s], pointStride, channelStride, offset);
            }

            flows.Point(k, _parameters);
            return flows;
        }

        /// <summary><see cref="PayerFlows(int, double[][], int, int, int)"/> from the lane-major ledgers.</summary>
        private PsaPayerFlows PayerFlows(int k, LaneBuffer[] acc, int pointStride, int channelStride, int offset)
        {
            var flows = _flows ?? throw new InvalidOperationException("The evaluator was created without payer flows.");
            for (var s = 0; s < acc.Length; s++)
            {
                FlowSeries(flows, s, acc[s].Span, pointStride, channelStride, offset);
            }

            flows.Point(k, _parameters);
            return flows;
        }

        /// <summary>Strategy <paramref name="s"/>'s per-payer series from its projected ledger <paramref name="f"/> (the layout of <see cref="PayerFlows(int, double[][], int, int, int)"/>).</summary>
        private void FlowSeries(PsaPayerFlows flows, int s, ReadOnlySpan<double> f, int pointStride, int channelStride, int offset)
        {
            var channel = _e._payerChannel!;
            var VA = _e._coefficients.Length;
            for (var p = 0; p < channel.Length; p++)
            {
                var b = flows.Series(s, p, FlowOrigin.Base);
                var i = flows.Series(s, p, FlowOrigin.Intervention);
                var baseAt = (channel[p] * channelStride) + offset;
                var interventionAt = ((VA + channel[p]) * channelStride) + offset;
                for (var t = 0; t < b.Length; t++)
                {
                    b[t] = f[(t * pointStride) + baseAt];
                    i[t] = f[(t * pointStride) + interventionAt];
                }
            }
        }

        /// <summary>
        /// Time spent per part, in <see cref="System.Diagnostics.Stopwatch"/> ticks, when <see cref="Timed"/> is set (for the benchmark's breakdown):
        /// sampling, compiled-entry update, trace + ledger, appraisal, of the update the rows and the cells, and in lanes
        /// the payer flows handed to the observer and the observer itself (not counted in the appraisal).
        /// </summary>
        public long[] Ticks { get; } = new long[8];

        /// <summary>Measure the parts of each draw (sampling, compiled-entry update, trace + ledger, appraisal).</summary>
        public bool Timed { get; set; }

        /// <summary>Evaluates draw <paramref name="k"/> into position <paramref name="at"/> of the buffers.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Evaluate(long k, ulong seed, in PsaBuffers b, int at, CancellationToken cancellationToken)
        {
            var e = _e;
            var S = e._strategies.Length;
            var P = _values.Length;
            var t0 = Timed ? System.Diagnostics.Stopwatch.GetTimestamp() : 0;
            e._spec.DrawInto(seed, k, _values);
            _values.AsSpan().CopyTo(b.Parameters.AsSpan(at * P, P));
            var t1 = Timed ? System.Diagnostics.Stopwatch.GetTimestamp() : 0;
            for (var s = 0; s < S; s++)
            {
                _current[s] = Update(s);
                _inPlace[s] = ReferenceEquals(_current[s], _work[s]);
                _currentG[s] = _inPlace[s] ? _g[s] : e.ProjectAll(_current[s]!);
            }

            var t2 = Timed ? System.Diagnostics.Stopwatch.GetTimestamp() : 0;
            for (var s = 0; s < S; s++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var compiled = _current[s]!;
                var acc = _acc[s];
                Array.Clear(acc);
                var g = _currentG[s];
                for (var si = 0; si < compiled.Subcohorts.Length; si++)
                {
                    e.Propagate(compiled, compiled.Subcohorts[si], g[si]!, e._plans[s].Columns, _m, _next, acc);
                }
            }

            var t3 = Timed ? System.Diagnostics.Stopwatch.GetTimestamp() : 0;
            Appraise(b, at, _acc);
            if (Timed)
            {
                var t4 = System.Diagnostics.Stopwatch.GetTimestamp();
                Ticks[0] += t1 - t0;
                Ticks[1] += t2 - t1;
                Ticks[2] += t3 - t2;
                Ticks[3] += t4 - t3;
            }
        }

        /// <summary>
        /// The PSA's figures of the draw whose projected ledgers are <paramref name="acc"/> (per strategy, <c>[t][j]</c>), into position
        /// <paramref name="at"/> of the buffers: per strategy and perspective the discounted total cost, per
        /// outcome the discounted total, and against the comparator NPV, BCR, ROI and payback with
        /// <see cref="Appraisal.Compare"/>'s rules.
        /// </summary>
        private void Appraise(in PsaBuffers b, int at, double[][] acc)
        {
            var e = _e;
            var model = e._model;
            var S = e._strategies.Length;
            var V = e._figurePerspectives;
            var VA = e._coefficients.Length;
            var O = model.Outcomes.Count;
            var Jp = e._jp;
            var stride = b.Stride;
            var df = _work[0].CostDiscountFactors;
            var odf = _work[0].OutcomeDiscountFactors;
            var T = df.Length - 1;
            for (var s = 0; s < S; s++)
            {
                // The projected ledger: per trace point, the base and intervention flows of each perspective.
                var f = acc[s];
                for (var v = 0; v < V; v++)
                {
                    var total = 0.0;
                    for (var t = 0; t <= T; t++)
                    {
                        total += (f[(t * Jp) + v] * df[t]) + (f[(t * Jp) + VA + v] * df[t]);
                    }

                    b.Costs[(((s * V) + v) * stride) + at] = total;
                }

                var lane = e._outcomeLane;
                for (var o = 0; o < O; o++)
                {
                    var sum = 0.0;
                    for (var t = 0; t <= T; t++)
                    {
                        sum += f[(t * Jp) + lane + o] * odf[t];
                    }

                    b.Outcomes[(((s * O) + o) * stride) + at] = sum;
                }
            }

            var ci = e._ci;
            var fc = acc[ci];
            var dt = model.Options.CycleLengthYears;
            for (var s = 0; s < S; s++)
            {
                var fs = acc[s];
                for (var v = 0; v < V; v++)
                {
                    double npv = 0, bcr = double.NaN, roi = double.NaN, payback = double.NaN;
                    if (s != ci)
                    {
                        // Appraisal.Compare's perspective series from the projected ledgers, then its figures.
                        for (var t = 0; t <= T; t++)
                        {
                            var i = (t * Jp) + v;
                            var j = i + VA;
                            _inv[t] = fs[j] - fc[j];
                            _invD[t] = (fs[j] * df[t]) - (fc[j] * df[t]);
                            _sav[t] = fc[i] - fs[i];
                            _savD[t] = (fc[i] * df[t]) - (fs[i] * df[t]);
                            _net[t] = _sav[t] - _inv[t];
                        }

                        var pvi = Numerics.SumInOrder(_invD);
                        var pvb = Numerics.SumInOrder(_savD);
                        npv = pvb - pvi;
                        var invests = AppraisalResult.Invests(pvi, _invD, _savD);
                        bcr = AppraisalResult.Ratio(pvb, pvi, invests).Value ?? double.NaN;
                        roi = AppraisalResult.Ratio(npv, pvi, invests).Value ?? double.NaN;
                        payback = AppraisalResult.Payback(_net, dt, invests).Value ?? double.NaN;
                    }

                    b.Figures[ProbabilisticAnalysis.FigureIndex(PsaFigure.NetPresentValue, s, v, S, V, stride) + at] = npv;
                    b.Figures[ProbabilisticAnalysis.FigureIndex(PsaFigure.BenefitCostRatio, s, v, S, V, stride) + at] = bcr;
                    b.Figures[ProbabilisticAnalysis.FigureIndex(PsaFigure.ReturnOnInvestment, s, v, S, V, stride) + at] = roi;
                    b.Figures[ProbabilisticAnalysis.FigureIndex(PsaFigure.PaybackYears, s, v, S, V, stride) + at] = payback;
                }
            }

        }

        /// <summary>The compiled model of strategy <paramref name="s"/> at the drawn values: the worker's copy with the dependent blocks recomputed, or a full compilation when the draw needs one.</summary>
        private CompiledModel Update(int s)
        {
            var plan = _e._plans[s];
            var c = _compilations[s];
            var work = _work[s];
            if (c.Rebind(_parameters))
            {
                var subcohorts = _splits[s] = c.PlanSubcohorts(_splits[s]);
                if (SameSplit(subcohorts, work.Subcohorts))
                {
                    int T = work.Cycles, N = work.ExpandedStateCount, L = work.LedgerCount, O = work.OutcomeCount;
                    for (var si = 0; si < subcohorts.Count; si++)
                    {
                        var sc = work.Subcohorts[si];
                        var compiler = _compilers[s][si];
                        if (compiler is null)
                        {
                            compiler = _compilers[s][si] = new SubcohortCompiler(c, subcohorts[si]);
                        }
                        else
                        {
                            compiler.Rebind(subcohorts[si]);
                        }

                        subcohorts[si].Initial.AsSpan().CopyTo(sc.Initial);
                        var r0 = Timed ? System.Diagnostics.Stopwatch.GetTimestamp() : 0;
                        var rows = plan.Rows[si];
                        var rowSource = plan.RowSource[si];
                        var rowEvaluate = plan.RowEvaluate[si];
                        var rowCacheAt = plan.RowCacheAt[si];
                        var cache = _rowCache[s][si];
                        var rowLean = plan.RowLean[si];
                        for (var k = 0; k < rows.Length; k++)
                        {
                            var tx = rows[k];
                            var src = rowSource[k];
                            if (src.Strategy >= 0 && _inPlace[src.Strategy])
                            {
                                _work[src.Strategy].Subcohorts[src.Subcohort].P.AsSpan(tx * N, N).CopyTo(sc.P.AsSpan(tx * N, N));
                            }
                            else if (rowLean[k] is { } lean && compiler.LeanRow(lean, sc.P.AsSpan(tx * N, N)))
                            {
                                // Only the entries that read a drawn parameter evaluated; a row failing a check falls through to the general kernel, which reports it.
                            }
                            else if (rowEvaluate[k] == ulong.MaxValue)
                            {
                                compiler.TransitionRow(tx / N, tx % N, sc.P.AsSpan(tx * N, N));
                            }
                            else
                            {
                                compiler.TransitionRow(tx / N, tx % N, sc.P.AsSpan(tx * N, N), cache.AsSpan(rowCacheAt[k]), rowEvaluate[k]);
                            }
                        }

                        if (Timed)
                        {
                            Ticks[4] += System.Diagnostics.Stopwatch.GetTimestamp() - r0;
                            r0 = System.Diagnostics.Stopwatch.GetTimestamp();
                        }

                        var cells = plan.Cells[si];
                        var cellSource = plan.CellSource[si];
                        var cellEvaluate = plan.CellEvaluate[si];
                        var cellCacheAt = plan.CellCacheAt[si];
                        var cellCache = plan.CellCache[si];
                        var g = _g[s][si];
                        var Jp = _e._jp;
                        for (var k = 0; k < cells.Length; k++)
                        {
                            var tx = cells[k];
                            var src = cellSource[k];
                            if (src.Strategy >= 0 && _inPlace[src.Strategy])
                            {
                                // The projected cell with its outcomes (the flow and outcome tables are read only through the projection).
                                _g[src.Strategy][src.Subcohort].AsSpan(tx * Jp, Jp).CopyTo(g.AsSpan(tx * Jp, Jp));
                            }
                            else
                            {
                                if (plan.CellLean[si][k] is { } lean && compiler.LeanCell(lean, _e._cellFixed[s][si][k]!, _e._coefByAccount, _e._coefficients.Length, _e._outcomeLane, g.AsSpan(tx * Jp, Jp)))
                                {
                                    // Only the flows that read a drawn parameter evaluated and projected; a value failing a check falls through to the general stage, which reports it.
                                    continue;
                                }

                                // Into a scratch ledger, then projected: the worker's flow table is read only through the projection.
                                var evaluate = cellEvaluate[k];
                                compiler.StateCell(tx / N, tx % N, _cell, _cellOutcomes, evaluate == ulong.MaxValue ? [] : cellCache.AsSpan(cellCacheAt[k]), evaluate);
                                _e.Project(_cell, work.Cells[tx % N], _cellOutcomes, g.AsSpan(tx * Jp, Jp));
                            }
                        }

                        if (Timed)
                        {
                            Ticks[5] += System.Diagnostics.Stopwatch.GetTimestamp() - r0;
                        }

                        // The upfront costs scale with the sub-cohort's mass, which the uptake moves: always recomputed.
                        compiler.Upfront(sc.Upfront);
                        var E = sc.EventFrom.Length;
                        var EO = sc.OutcomeEventFrom.Length;
                        foreach (var t in plan.Events[si])
                        {
                            compiler.Events(t, sc.EventAmounts.AsSpan(t * E, E), sc.OutcomeEventValues.AsSpan(t * EO, EO));
                        }
                    }

                    if (c.Problems.Count == 0)
                    {
                        return work;
                    }
                }
            }

            // Invalid values (reported as the general path reports them) or another sub-cohort split.
            return _e._model.Compile(_e._strategies[s], ParameterValues.Wrap((double[])_values.Clone()));
        }

        private static bool SameSplit(List<SubcohortPlan> plans, Subcohort[] compiled)
        {
            if (plans.Count != compiled.Length)
            {
                return false;
            }

            for (var i = 0; i < plans.Count; i++)
            {
                if (plans[i].StartAge != compiled[i].StartAge || plans[i].Mask != compiled[i].TreatmentMask)
                {
                    return false;
                }
            }

            return true;
        }
    }
}
