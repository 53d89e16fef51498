using System.Globalization;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using SocialInvestment.Model;

namespace SocialInvestment.Uncertainty;

/// <summary>
/// Several draws at once: <see cref="LaneCount"/> draws (the doubles of two 512-bit vectors where the
/// hardware accelerates them, otherwise of two 256-bit ones or of <see cref="Vector{T}"/>) go through the shared structure
/// together. Each draw (lane) is sampled from its own stream and its dependent blocks are recomputed
/// with the same stage methods as <see cref="Worker.Evaluate"/>, written lane-major: the transition rows
/// over the union of the strategies' structural non-zeros (<c>[t][x][k][lane]</c>; the rows no drawn
/// parameter reaches are the base rows in every lane), the projected flow cells that a draw changes
/// (<c>[slot][j][lane]</c>; the others are read from the base projection, one value broadcast to the lanes). The trace then
/// propagates the occupancy <c>m[x][lane]</c> and accumulates the projected ledger <c>[t][j][lane]</c> for
/// all lanes at once, with per lane the same multiplications and additions in the same order as
/// <see cref="Propagate"/>, and all lanes are appraised at once from that ledger with the one-draw appraisal's operations and rules per lane (CohortDrawEvaluator.Appraisal.cs):
/// the results are bit-identical to evaluating the draws one by one. A batch in which any lane needs a
/// full compilation (invalid values, another sub-cohort split) is evaluated draw by draw, so it fails or
/// falls back exactly as before. Models with transition events are evaluated draw by draw.
/// </summary>
internal sealed partial class CohortDrawEvaluator
{
    /// <summary>The shared lane layout; null when draws go one by one (transition events).</summary>
    private readonly LaneLayout? _lanes;

    /// <summary>
    /// The number of draws evaluated together: twice <see cref="Vector512{T}.Count"/> when 512-bit vectors are accelerated
    /// (<see cref="Lanes512x2"/>: sixteen draws share the kernels' per-entry work; measured on welfare-16 on AMD Zen 4,
    /// 14.1 µs a draw against 15.6 µs with eight lanes), twice <see cref="Vector256{T}.Count"/> when 256-bit ones are
    /// (<see cref="Lanes256x2"/>), else <see cref="Vector{T}.Count"/>. The results do not depend on it.
    /// </summary>
    internal static int LaneCount
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => Vector512.IsHardwareAccelerated ? 2 * Vector512<double>.Count
            : Vector256.IsHardwareAccelerated ? 2 * Vector256<double>.Count
            : Vector<double>.Count;
    }

    /// <summary>True when <see cref="Worker.EvaluateBatch"/> runs its draws in lanes (no transition events).</summary>
    internal bool HasLanes => _lanes is not null;

    /// <summary>
    /// The structure every lane shares: the union over strategies of the rows' structural non-zeros
    /// (flat, ascending per row: adding an exact 0 where a strategy's row has no entry changes no sum),
    /// per strategy and sub-cohort where each dependent row's lanes start in the one flat row store
    /// (<c>[t·N + x]</c>, −1 for a row that is the base row in every lane, read from the base compilation
    /// and broadcast as it is read; a row copied from an earlier block starts where that block's does) and the store's
    /// length, the slot of each dependent cell in the one flat cell store (a copied cell its source's
    /// slot) and the number of slots, and the width of the projected cells in use.
    /// </summary>
    private sealed record LaneLayout(int W, int[] Start, int[] Index, int[][][] RowOffset, int RowTotal, int[][][] CellSlot, int CellTotal, int Used)
    {
        /// <summary>Per strategy, sub-cohort and dependent row: later rows of its block read its lanes.</summary>
        public required bool[][][] RowShared { get; init; }

        /// <summary>The number of aliased rows (for the benchmark's block counts).</summary>
        public required int RowAliases { get; init; }

        /// <summary>Per strategy, sub-cohort and dependent cell: an aliased cell reads its slot.</summary>
        public required bool[][][] CellShared { get; init; }

        /// <summary>The number of aliased cells.</summary>
        public required int CellAliases { get; init; }

        /// <summary>Per strategy and sub-cohort: the dependent rows a batch computes (ascending): neither copied from an earlier block nor aliased to an earlier row of its block with the same inputs (<see cref="RowKey"/>).</summary>
        public required int[][][] RowsComputed { get; init; }

        /// <summary>Per strategy and sub-cohort: the dependent cells a batch computes (ascending): neither copied from an earlier block nor aliased to an earlier cell of its block with the same inputs (<see cref="CellKey"/>).</summary>
        public required int[][][] CellsComputed { get; init; }

        /// <summary>Structural non-zeros per cycle.</summary>
        public int Nnz => Start[^1];
    }

    private LaneLayout? BuildLanes()
    {
        var first = _plans[0].Base;
        int T = first.Cycles, N = first.ExpandedStateCount;
        foreach (var p in _plans)
        {
            if (p.Base.Cycles != T || p.Base.ExpandedStateCount != N || p.Base.Subcohorts.Any(sc => sc.EventFrom.Length > 0 || sc.OutcomeEventFrom.Length > 0))
            {
                return null;
            }
        }

        var columns = new int[N][];
        for (var x = 0; x < N; x++)
        {
            var set = new SortedSet<int>();
            foreach (var p in _plans)
            {
                set.UnionWith(p.Base.Columns[x]);
            }

            columns[x] = [.. set];
        }

        var (start, index) = Flat(columns, N);
        var W = LaneCount;

        // One flat store for every strategy's and sub-cohort's dependent rows, in (strategy, sub-cohort) order;
        // a row copied from an earlier block reads that block's lanes (same values), so it has no storage of its own.
        // Within a block, a lean row whose inputs are those of an earlier row of the block (the same state, no
        // entry evaluated by its function per draw, the same cached values and scaled forms bit for bit, effects
        // and factors: RowKey) has the same lanes bit for bit, so it reads that row's lanes too (rowAlias; its
        // source is RowShared).
        var rowOffset = new int[_plans.Length][][];
        var rowAlias = new bool[_plans.Length][][];
        var rowShared = new bool[_plans.Length][][];
        var rowTotal = 0;
        var aliases = 0;
        for (var s = 0; s < _plans.Length; s++)
        {
            var p = _plans[s];
            rowOffset[s] = new int[p.Rows.Length][];
            rowAlias[s] = new bool[p.Rows.Length][];
            rowShared[s] = new bool[p.Rows.Length][];
            for (var si = 0; si < p.Rows.Length; si++)
            {
                var offsets = rowOffset[s][si] = new int[T * N];
                var alias = rowAlias[s][si] = new bool[p.Rows[si].Length];
                var shared = rowShared[s][si] = new bool[p.Rows[si].Length];
                var seen = new Dictionary<string, int>();
                Array.Fill(offsets, -1);
                for (var k = 0; k < p.Rows[si].Length; k++)
                {
                    var tx = p.Rows[si][k];
                    var src = p.RowSource[si][k];
                    var key = src.Strategy < 0 ? RowKey(p.RowLean[si][k], start, index) : null;
                    if (key is not null && seen.TryGetValue(key, out var earlier) && ReferenceEquals(p.RowLean[si][earlier]!.Factors, p.RowLean[si][k]!.Factors))
                    {
                        offsets[tx] = offsets[p.Rows[si][earlier]];
                        alias[k] = true;
                        shared[earlier] = true;
                        aliases++;
                    }
                    else if (src.Strategy < 0)
                    {
                        if (key is not null)
                        {
                            seen.TryAdd(key, k);
                        }

                        offsets[tx] = rowTotal;
                        rowTotal += (start[(tx % N) + 1] - start[tx % N]) * W;
                    }
                    else if (Earlier(src, s, si) && rowOffset[src.Strategy][src.Subcohort][tx] >= 0)
                    {
                        offsets[tx] = rowOffset[src.Strategy][src.Subcohort][tx];
                    }
                    else
                    {
                        // A copied row that its source does not recompute first: not expected; draws then go one by one.
                        return null;
                    }
                }
            }
        }

        // Likewise one flat store of the dependent cells, a copied cell reading its source's slot, and a lean cell
        // whose inputs are those of an earlier cell of its block (CellKey: the same flows, costs and outcomes, a
        // drawn amount of scaled form with the same factors) reading that cell's slot (cellAlias; CellShared).
        var cellSlot = new int[_plans.Length][][];
        var cellAlias = new bool[_plans.Length][][];
        var cellShared = new bool[_plans.Length][][];
        var cellTotal = 0;
        var cellAliases = 0;
        for (var s = 0; s < _plans.Length; s++)
        {
            var p = _plans[s];
            cellSlot[s] = new int[p.Cells.Length][];
            cellAlias[s] = new bool[p.Cells.Length][];
            cellShared[s] = new bool[p.Cells.Length][];
            for (var si = 0; si < p.Cells.Length; si++)
            {
                var slots = cellSlot[s][si] = new int[(T + 1) * N];
                Array.Fill(slots, -1);
                var cells = p.Cells[si];
                var alias = cellAlias[s][si] = new bool[cells.Length];
                var shared = cellShared[s][si] = new bool[cells.Length];
                var seen = new Dictionary<string, int>();
                for (var k = 0; k < cells.Length; k++)
                {
                    var src = p.CellSource[si][k];
                    var key = src.Strategy < 0 ? CellKey(p.CellLean[si][k]) : null;
                    if (key is not null && seen.TryGetValue(key, out var earlier))
                    {
                        slots[cells[k]] = slots[cells[earlier]];
                        alias[k] = true;
                        shared[earlier] = true;
                        cellAliases++;
                    }
                    else if (src.Strategy < 0)
                    {
                        if (key is not null)
                        {
                            seen.TryAdd(key, k);
                        }

                        slots[cells[k]] = cellTotal++;
                    }
                    else if (Earlier(src, s, si) && cellSlot[src.Strategy][src.Subcohort][cells[k]] >= 0)
                    {
                        slots[cells[k]] = cellSlot[src.Strategy][src.Subcohort][cells[k]];
                    }
                    else
                    {
                        // A copied cell that its source does not recompute first: not expected; draws then go one by one.
                        return null;
                    }
                }
            }
        }

        static bool Earlier(BlockSource src, int s, int si) => src.Strategy < s || (src.Strategy == s && src.Subcohort < si);

        return new LaneLayout(W, start, index, rowOffset, rowTotal, cellSlot, cellTotal, _outcomeLane + _model.Outcomes.Count)
        {
            RowShared = rowShared,
            RowAliases = aliases,
            CellShared = cellShared,
            CellAliases = cellAliases,
            RowsComputed = Computed(_plans.Select(p => p.RowSource).ToArray(), rowAlias),
            CellsComputed = Computed(_plans.Select(p => p.CellSource).ToArray(), cellAlias),
        };

        // The blocks of each strategy and sub-cohort that are its own (not copied from an earlier block) and not aliased.
        static int[][][] Computed(BlockSource[][][] sources, bool[][][] alias)
            => [.. sources.Select((perStrategy, s) => perStrategy.Select((perSubcohort, si) =>
                Enumerable.Range(0, perSubcohort.Length).Where(k => perSubcohort[k].Strategy < 0 && !alias[s][si][k]).ToArray()).ToArray())];
    }

    /// <summary>
    /// What the lane row kernel reads of a lean row whose entries are cached or of scaled form, as a string (rows
    /// of one block with the same key, and the same factor table, have the same lanes bit for bit): the state (its
    /// union row), the kind of row, the balance slots, the destinations, per entry its slot, kind, cached value
    /// or scaled form's parameter and factors (bits) and effects' factors, and per effect on probabilities its
    /// intervention, slot, measure, balance and factor. Null for a row the kernel does not compute on its own (no
    /// lean plan, an entry evaluated per draw by its function, or a destination outside the union row).
    /// </summary>
    private static string? RowKey(LeanRowPlan? r, int[] start, int[] index)
    {
        if (r is null)
        {
            return null;
        }

        var key = new System.Text.StringBuilder();
        key.Append(CultureInfo.InvariantCulture, $"{r.X}|{r.IsRate}|{r.BalanceSlot}|{r.EffectBalanceSlot}|");
        foreach (var y in r.Expanded)
        {
            if (Array.IndexOf(index, y, start[r.X], start[r.X + 1] - start[r.X]) < 0)
            {
                return null;
            }

            key.Append(CultureInfo.InvariantCulture, $"{y},");
        }

        foreach (var e in r.Entries)
        {
            if (e.Evaluate && e.Parameter < 0)
            {
                return null;
            }

            // A scaled entry's lanes are (p·A)·B on the batch's values of p, the same at every cycle of a bind.
            if (e.Evaluate)
            {
                key.Append(CultureInfo.InvariantCulture, $"|{e.Slot},{e.IsRate},s{e.Parameter},{BitConverter.DoubleToInt64Bits(e.A)},{BitConverter.DoubleToInt64Bits(e.B)}:");
            }
            else
            {
                key.Append(CultureInfo.InvariantCulture, $"|{e.Slot},{e.IsRate},{BitConverter.DoubleToInt64Bits(e.Cached)}:");
            }
            foreach (var fx in e.Effects)
            {
                key.Append(CultureInfo.InvariantCulture, $"{fx.Factor},");
            }
        }

        foreach (var pe in r.ProbabilityEffects)
        {
            key.Append(CultureInfo.InvariantCulture, $"|{pe.Active},{pe.Slot},{(int)pe.Measure},{(int)pe.Balance},{pe.Factor}");
        }

        return key.ToString();
    }

    /// <summary>
    /// What the lane cell kernel reads of a lean cell that calls no function per draw, as a string (cells of one
    /// block with the same key have the same lanes bit for bit: a scaled amount's parameter has the same value at
    /// every cycle of a bind, an intervention cost's weight is the bind's): the fixed flows (account, value bits),
    /// per evaluated flow its account, price, growth and scaled form's parameter and factors, per cost its
    /// intervention, amount, share and account, and per outcome its index and fixed value or scaled form. Null for
    /// a cell without a lean plan or with a flow or outcome evaluated by its function.
    /// </summary>
    private static string? CellKey(LeanCellPlan? c)
    {
        if (c is null)
        {
            return null;
        }

        var key = new System.Text.StringBuilder();
        foreach (var (account, value) in c.Fixed)
        {
            key.Append(CultureInfo.InvariantCulture, $"{account}:{BitConverter.DoubleToInt64Bits(value)},");
        }

        foreach (var f in c.Evaluated)
        {
            if (f.Parameter < 0)
            {
                return null;
            }

            key.Append(CultureInfo.InvariantCulture, $"|{f.Account},{BitConverter.DoubleToInt64Bits(f.Price)},{f.HasGrowth},{BitConverter.DoubleToInt64Bits(f.Growth)},s{f.Parameter},{BitConverter.DoubleToInt64Bits(f.A)},{BitConverter.DoubleToInt64Bits(f.B)}");
        }

        foreach (var cost in c.Costs)
        {
            var q = cost.Amount;
            key.Append(CultureInfo.InvariantCulture, $"|c{cost.Active},{q.IsParameter},{(q.IsParameter ? q.ParameterIndex : -1)},{BitConverter.DoubleToInt64Bits(q.Coefficient)},{BitConverter.DoubleToInt64Bits(cost.Share)},{cost.Account}");
        }

        foreach (var o in c.Outcomes)
        {
            if (!o.IsFixed && o.Parameter < 0)
            {
                return null;
            }

            if (o.IsFixed)
            {
                key.Append(CultureInfo.InvariantCulture, $"|o{o.Outcome},{BitConverter.DoubleToInt64Bits(o.Value)}");
            }
            else
            {
                key.Append(CultureInfo.InvariantCulture, $"|o{o.Outcome},s{o.Parameter},{BitConverter.DoubleToInt64Bits(o.A)},{BitConverter.DoubleToInt64Bits(o.B)}");
            }
        }

        return key.ToString();
    }

    /// <summary>
    /// The trace of one sub-cohort for all lanes: <see cref="Propagate"/> with the occupancy, the rows,
    /// the changed cells and the projected ledger lane-major (each cell's channels at its offset in
    /// <paramref name="gl"/>, or the base projection's, broadcast as it is read: <see cref="TraceCells"/>). Per lane
    /// the same operations in the same order; an occupancy of 0, and a base channel of 0, add exact zeros where
    /// <see cref="Propagate"/> skips (the ledger is never −0, so adding ±0 leaves it as it is).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void PropagateLanes(Engine.CompiledModel c, LaneBuffer initial, LaneBuffer upfront, int[] upfrontCells, LaneBuffer rows, PullRows p0, TraceCells g0, LaneBuffer gl, LaneBuffer mBuffer, LaneBuffer nextBuffer, LaneBuffer weightedBuffer, LaneBuffer acc, bool fresh)
    {
        var lanes = _lanes!;
        var W = lanes.W;
        var T = c.Cycles;
        var N = c.ExpandedStateCount;
        var A = c.AccountCount;
        var V = _coefficients.Length;
        var J = lanes.Used;
        var w = c.StateWeights;
        var r = c.PreviousWeights;
        if (initial.Length < N * W || p0.Start.Length < (T * N) + 1 || p0.From.Length != p0.At.Length || g0.Start.Length < ((T + 1) * _ledgerChunks!.Count) + 1 || g0.From.Length != g0.At.Length || mBuffer.Length < N * W || nextBuffer.Length < N * W || weightedBuffer.Length < N * W || acc.Length < (T + 1) * J * W
            || rows.Length < lanes.RowTotal || gl.Length < lanes.CellTotal * J * W || upfront.Length < upfrontCells.Length * W || !Within(upfrontCells, 2 * A))
        {
            throw new InvalidOperationException("The lane buffers are shorter than the model.");
        }

        initial.Span[..(N * W)].CopyTo(mBuffer.Span);

        // The first sub-cohort's trace starts every point's ledger from zeros instead of adding to it (as if it had been
        // cleared), except point 0, which the upfront costs book first: that point and any the trace does not book
        // (a weight of 0) are cleared here.
        if (fresh)
        {
            var span = acc.Span;
            for (var t = 0; t <= T; t++)
            {
                if (t == 0 || !TraceBooks(w, r, t))
                {
                    span.Slice(t * J * W, J * W).Clear();
                }
            }
        }

        // Upfront costs, booked per lane as Propagate books them (the cells they can book, ascending; the others are 0, which it skips).
        for (var k = 0; k < upfrontCells.Length; k++)
        {
            var l = upfrontCells[k];
            var h = l >= A ? V : 0;
            var a = l - (l >= A ? A : 0);
            for (var lane = 0; lane < W; lane++)
            {
                var u = upfront[(k * W) + lane];
                if (u != 0)
                {
                    for (var v = 0; v < V; v++)
                    {
                        acc[((h + v) * W) + lane] += _coefByAccount[(a * V) + v] * u;
                    }
                }
            }
        }

        if (Vector512.IsHardwareAccelerated && W == 2 * Vector512<double>.Count)
        {
            TraceLanes<Lanes512x2>(T, N, _ledgerChunks!, w, r, mBuffer, nextBuffer, weightedBuffer, rows, p0, g0, gl, acc, fresh, _ledgerZeros!);
        }
        else if (Vector256.IsHardwareAccelerated && W == 2 * Vector256<double>.Count)
        {
            TraceLanes<Lanes256x2>(T, N, _ledgerChunks!, w, r, mBuffer, nextBuffer, weightedBuffer, rows, p0, g0, gl, acc, fresh, _ledgerZeros!);
        }
        else
        {
            TraceLanes<LanesN>(T, N, _ledgerChunks!, w, r, mBuffer, nextBuffer, weightedBuffer, rows, p0, g0, gl, acc, fresh, _ledgerZeros!);
        }
    }

    /// <summary>True when the trace books point <paramref name="t"/>'s ledger (<see cref="TraceLanes"/>): a point of weight ≠ 0, or under a per-cycle convention every point but a last one of weight 0.</summary>
    private static bool TraceBooks(double[] w, double[]? r, int t) => r is null ? w[t] != 0 : t < w.Length - 1 || w[t] != 0;

    /// <summary>True when every value is in [0, <paramref name="bound"/>) (a loop: no closure per call, as a predicate capturing the bound would allocate).</summary>
    private static bool Within(int[] values, int bound)
    {
        foreach (var v in values)
        {
            if ((uint)v >= (uint)bound)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// The cycles of <see cref="PropagateLanes"/> on vectors of <typeparamref name="TV"/> (the lane count a
    /// constant of the specialised code, the occupancy and its weighted share held in registers):
    /// <paramref name="m"/> holds the initial occupancy and is used with <paramref name="next"/> as the two
    /// buffers of the trace. Per lane the operations of <see cref="Propagate"/> in its order.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void TraceLanes<TV>(int T, int N, LedgerChunks chunks, double[] w, double[]? r, LaneBuffer m, LaneBuffer next, LaneBuffer weighted, LaneBuffer rows, PullRows p0, TraceCells g0, LaneBuffer gl, LaneBuffer acc, bool fresh, double[] zeros)
        where TV : struct, ILaneVector<TV>
    {
        var W = TV.Count;
        ref var acc0 = ref acc.Start;
        ref var gl0 = ref gl.Start;
        ref var pl0 = ref rows.Start;
        var C = chunks.Count;
        var J = chunks.First[C - 1] + chunks.Width[C - 1];
        ref var ws0 = ref weighted.Start;
        if (zeros.Length < J * W)
        {
            throw new InvalidOperationException("The ledger's zeros are shorter than a point.");
        }

        ref var z0 = ref MemoryMarshal.GetArrayDataReference(zeros);
        for (var t = 0; t <= T; t++)
        {
            var wt = w[t];
            ref var m0 = ref m.Start;
            ref var accT = ref Unsafe.Add(ref acc0, t * J * W);

            // The ledger, per channel the additions in state order, as in Propagate. Per-cycle conventions: point
            // t − 1 books its cycle's values once, at the weighted occupancy of both its halves, w_{t−1}·m_{t−1} +
            // r_t·m_t (m_{t−1} is still in `next`, which the step below overwrites), and the last point its start half
            // alone, as any point of the other conventions books w_t·m_t. A weighted occupancy is the occupancy itself at a weight of 1 (1·m is
            // m), else the products once per state in the scratch (shared by the channels of every chunk).
            if (r is not null && t > 0)
            {
                LifeTableCycle<TV>(t, N, chunks, w[t - 1], r[t], ref next.Start, ref m0, ref ws0, g0, ref gl0, ref Unsafe.Subtract(ref accT, J * W), fresh && t != 1, ref z0);
            }

            if (wt != 0 && (r is null || t == T))
            {
                ref var s0 = ref Weighted<TV>(N, wt, ref m0, ref ws0);
                LedgerHalf<TV>(chunks, ref s0, g0, t * C, ref gl0, ref accT, ref fresh && t != 0 ? ref z0 : ref accT);
            }

            if (t == T)
            {
                break;
            }

            // The step m·P in pull order (PullStep).
            PullStep<TV>(N, ref m0, ref next.Start, ref pl0, p0, t * N);
            (m, next) = (next, m);
        }
    }

    /// <summary>
    /// The weighted occupancy <c>weight ⊙ m[x]</c> of the N states: <paramref name="m0"/> itself where the weight is 1
    /// (exactly its products), else the products in <paramref name="scratch0"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ref double Weighted<TV>(int N, double weight, ref double m0, ref double scratch0)
        where TV : struct, ILaneVector<TV>
    {
        if (weight == 1)
        {
            return ref m0;
        }

        var W = TV.Count;
        var w = TV.Create(weight);
        for (var x = 0; x < N; x++)
        {
            TV.Store(w * TV.Load(ref Unsafe.Add(ref m0, x * W)), ref Unsafe.Add(ref scratch0, x * W));
        }

        return ref scratch0;
    }

    /// <summary>
    /// Under a per-cycle convention, the ledger of point t − 1 (<see cref="TraceLanes"/>), its cycle's values at
    /// <c>wp·m_(t−1) + rt·m_t</c> (<paramref name="p0"/> is m_(t−1)), into <paramref name="accP"/>, from zeros where
    /// <paramref name="fromZeros"/>. Not inlined, so that the trace loop of the other conventions stays as it is.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void LifeTableCycle<TV>(int t, int N, LedgerChunks chunks, double wp, double rt, ref double p0, ref double m0, ref double ws0, TraceCells g0, ref double gl0, ref double accP, bool fromZeros, ref double z0)
        where TV : struct, ILaneVector<TV>
    {
        ref var s0 = ref Both<TV>(N, wp, ref p0, rt, ref m0, ref ws0);
        LedgerHalf<TV>(chunks, ref s0, g0, (t - 1) * chunks.Count, ref gl0, ref accP, ref fromZeros ? ref z0 : ref accP);
    }

    /// <summary>
    /// The occupancy of a point weighted over both halves of its cycle, <c>wp·p[x] + rt·m[x]</c> per state and lane (as
    /// <see cref="Propagate"/> forms it), into <paramref name="scratch0"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ref double Both<TV>(int N, double wp, ref double p0, double rt, ref double m0, ref double scratch0)
        where TV : struct, ILaneVector<TV>
    {
        var W = TV.Count;
        var a = TV.Create(wp);
        var b = TV.Create(rt);
        for (var x = 0; x < N; x++)
        {
            TV.Store((a * TV.Load(ref Unsafe.Add(ref p0, x * W))) + (b * TV.Load(ref Unsafe.Add(ref m0, x * W))), ref Unsafe.Add(ref scratch0, x * W));
        }

        return ref scratch0;
    }

    /// <summary>
    /// <c>acc[j] += s[x] ⊙ g[x][j]</c> for the J channels of one point (<paramref name="row"/> = t·C) and its weighted
    /// occupancy <c>s</c> (<paramref name="s0"/>, lane-major), states ascending within each channel: the channels in the
    /// chunks of <see cref="LedgerChunks"/> (each chunk's channels in registers), each over the chunk's entries of the
    /// point, a changed cell's channels loaded from its lanes and a base cell's broadcast from one double each (the one
    /// branch per entry; a base cell's vectors of copies cost more in loads than the branch's mispredictions). An
    /// occupancy of 0 in every lane, which <see cref="Propagate"/> skips, adds exact zeros
    /// (the ledger is never −0). The channels start from <paramref name="init"/>: the point's own ledger, or zeros where
    /// it is the first to book the point (so that the ledger need not be cleared first). Not inlined (the JIT's budget).
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void LedgerHalf<TV>(LedgerChunks chunks, ref double s0, TraceCells g0, int row, ref double gl0, ref double acc, ref double init)
        where TV : struct, ILaneVector<TV>
    {
        var W = TV.Count;
        ref var start0 = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(g0.Start), row);
        ref var from0 = ref MemoryMarshal.GetArrayDataReference(g0.From);
        ref var at0 = ref MemoryMarshal.GetArrayDataReference(g0.At);
        ref var sc0 = ref MemoryMarshal.GetArrayDataReference(g0.Base);
        var first = chunks.First;
        var width = chunks.Width;
        for (var c = 0; c < first.Length && c < width.Length; c++)
        {
            ref var a = ref Unsafe.Add(ref acc, first[c] * W);
            ref var a00 = ref Unsafe.Add(ref init, first[c] * W);
            int b = Unsafe.Add(ref start0, c), end = Unsafe.Add(ref start0, c + 1);
            switch (width[c])
            {
                case 4:
                {
                    var a0 = TV.Load(ref a00);
                    var a1 = TV.Load(ref Unsafe.Add(ref a00, W));
                    var a2 = TV.Load(ref Unsafe.Add(ref a00, 2 * W));
                    var a3 = TV.Load(ref Unsafe.Add(ref a00, 3 * W));
                    for (; b < end; b++)
                    {
                        var sx = TV.Load(ref Unsafe.Add(ref s0, Unsafe.Add(ref from0, b)));
                        var at = Unsafe.Add(ref at0, b);
                        TV g0v, g1v, g2v, g3v;
                        if (at >= 0)
                        {
                            ref var g = ref Unsafe.Add(ref gl0, at);
                            (g0v, g1v, g2v, g3v) = (TV.Load(ref g), TV.Load(ref Unsafe.Add(ref g, W)), TV.Load(ref Unsafe.Add(ref g, 2 * W)), TV.Load(ref Unsafe.Add(ref g, 3 * W)));
                        }
                        else
                        {
                            ref var g = ref Unsafe.Add(ref sc0, ~at);
                            (g0v, g1v, g2v, g3v) = (TV.Create(g), TV.Create(Unsafe.Add(ref g, 1)), TV.Create(Unsafe.Add(ref g, 2)), TV.Create(Unsafe.Add(ref g, 3)));
                        }

                        a0 += sx * g0v;
                        a1 += sx * g1v;
                        a2 += sx * g2v;
                        a3 += sx * g3v;
                    }

                    TV.Store(a0, ref a);
                    TV.Store(a1, ref Unsafe.Add(ref a, W));
                    TV.Store(a2, ref Unsafe.Add(ref a, 2 * W));
                    TV.Store(a3, ref Unsafe.Add(ref a, 3 * W));
                    break;
                }

                case 2:
                {
                    var a0 = TV.Load(ref a00);
                    var a1 = TV.Load(ref Unsafe.Add(ref a00, W));
                    for (; b < end; b++)
                    {
                        var sx = TV.Load(ref Unsafe.Add(ref s0, Unsafe.Add(ref from0, b)));
                        var at = Unsafe.Add(ref at0, b);
                        TV g0v, g1v;
                        if (at >= 0)
                        {
                            ref var g = ref Unsafe.Add(ref gl0, at);
                            (g0v, g1v) = (TV.Load(ref g), TV.Load(ref Unsafe.Add(ref g, W)));
                        }
                        else
                        {
                            ref var g = ref Unsafe.Add(ref sc0, ~at);
                            (g0v, g1v) = (TV.Create(g), TV.Create(Unsafe.Add(ref g, 1)));
                        }

                        a0 += sx * g0v;
                        a1 += sx * g1v;
                    }

                    TV.Store(a0, ref a);
                    TV.Store(a1, ref Unsafe.Add(ref a, W));
                    break;
                }

                default:
                {
                    var a0 = TV.Load(ref a00);
                    for (; b < end; b++)
                    {
                        var at = Unsafe.Add(ref at0, b);
                        a0 += TV.Load(ref Unsafe.Add(ref s0, Unsafe.Add(ref from0, b))) * (at >= 0 ? TV.Load(ref Unsafe.Add(ref gl0, at)) : TV.Create(Unsafe.Add(ref sc0, ~at)));
                    }

                    TV.Store(a0, ref a);
                    break;
                }
            }
        }
    }

    /// <summary>
    /// The trace's step at row <paramref name="row"/> (<c>t·N</c>) in pull order (<see cref="PullRows"/>): each
    /// destination summed in a register over its entries, sources ascending, and stored once; a lanes' own probability
    /// loaded from the lane rows, a base one broadcast from its double. Not inlined, so that
    /// the trace loop keeps its vector operations inline within the JIT's budget.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void PullStep<TV>(int N, ref double m0, ref double n0, ref double pl0, PullRows p0, int row)
        where TV : struct, ILaneVector<TV>
    {
        var W = TV.Count;
        ref var start0 = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(p0.Start), row);
        ref var from0 = ref MemoryMarshal.GetArrayDataReference(p0.From);
        ref var at0 = ref MemoryMarshal.GetArrayDataReference(p0.At);
        ref var base0 = ref MemoryMarshal.GetArrayDataReference(p0.Base);
        var zero = TV.Create(0.0);
        for (var y = 0; y < N; y++)
        {
            var sum = zero;
            for (int b = Unsafe.Add(ref start0, y), end = Unsafe.Add(ref start0, y + 1); b < end; b++)
            {
                var a = Unsafe.Add(ref at0, b);
                var p = a >= 0 ? TV.Load(ref Unsafe.Add(ref pl0, a)) : TV.Create(Unsafe.Add(ref base0, ~a));
                sum += TV.Load(ref Unsafe.Add(ref m0, Unsafe.Add(ref from0, b))) * p;
            }

            TV.Store(sum, ref Unsafe.Add(ref n0, y * W));
        }
    }

    /// <summary>
    /// Where the trace reads the cells' projected ledger (J channels of W lanes, lane-major) of one sub-cohort: per
    /// point t and chunk c of the channels (<see cref="LedgerChunks"/>, C of them), from
    /// <see cref="Start"/>[t·C + c] to <see cref="Start"/>[t·C + c + 1], the states whose cell can book something in the
    /// chunk, ascending: the state's offset in the lane-major occupancy (<see cref="From"/>, <c>x·W</c>) and the chunk's
    /// (<see cref="At"/>): the lanes' own (a changed cell), at that offset (≥ 0) in a worker's cell lanes, or the base
    /// projection's channels, from index <c>~At</c> (the complement, &lt; 0) of <see cref="Base"/>, the distinct base cells'
    /// channels (each once, <see cref="BaseConstants"/>), broadcast to the lanes as they are read. A base cell's chunk of
    /// zeros is left out (it would add exact zeros), so is a changed cell's chunk outside the channels its state's
    /// structural ledger cells project onto, and so is a left-out state (<see cref="BuildInert"/>).
    /// </summary>
    private sealed record TraceCells(int[] Start, int[] From, int[] At, double[] Base);

    /// <summary>
    /// The ledger's channels in the chunks the trace books together (<see cref="LedgerHalf"/>): chunk c is channels
    /// <see cref="First"/>[c] … <see cref="First"/>[c] + <see cref="Width"/>[c] − 1, in channel order, each of width 4, 2
    /// or 1. Chosen by <see cref="Partition"/> for the model's cells, so that a cell's channels that are zero in every draw
    /// mostly fall in chunks it leaves out.
    /// </summary>
    internal sealed record LedgerChunks(int[] First, int[] Width)
    {
        /// <summary>The number of chunks.</summary>
        public int Count => First.Length;

        /// <summary>
        /// The partition of channels 0 … <paramref name="J"/> − 1 into consecutive chunks of width 4, 2 or 1 that books the
        /// least work: an entry (a cell of a point) books a chunk in full where any of its channels
        /// (<paramref name="patterns"/>: bit j, with the number of such entries) can be non-zero, at a cost of its own
        /// besides the chunk's channels, and each chunk costs its accumulators' loads and stores at each of
        /// <paramref name="points"/> points. Dynamic programming over the channel order; without patterns (or more than
        /// 64 channels) fours, then ones.
        /// </summary>
        public static LedgerChunks Partition(int J, Dictionary<ulong, long> patterns, long points)
        {
            if (J > 64 || patterns.Count == 0)
            {
                var first = new List<int>();
                var width = new List<int>();
                for (var j = 0; j < J; j += width[^1])
                {
                    first.Add(j);
                    width.Add(j + 4 <= J ? 4 : 1);
                }

                return new LedgerChunks([.. first], [.. width]);
            }

            // best[j]: the least cost of channels 0 … j − 1; last[j]: the width of the last chunk there.
            var best = new double[J + 1];
            var last = new int[J + 1];
            Array.Fill(best, double.PositiveInfinity);
            best[0] = 0;
            for (var j = 1; j <= J; j++)
            {
                foreach (var w in (ReadOnlySpan<int>)[1, 2, 4])
                {
                    if (w > j)
                    {
                        continue;
                    }

                    var mask = ((1UL << w) - 1) << (j - w);
                    // In a channel update's work (a load, a product and a sum): an entry's own (its indices, the
                    // weighted occupancy, the loop) about two, the chunk's accumulators at a point (w loads, w stores,
                    // the list's bounds) about (2w + 4)/3.
                    var cost = (2.0 * w + 4) / 3 * points;
                    foreach (var (pattern, count) in patterns)
                    {
                        cost += (pattern & mask) != 0 ? (double)count * (2 + w) : 0;
                    }

                    if (best[j - w] + cost < best[j])
                    {
                        best[j] = best[j - w] + cost;
                        last[j] = w;
                    }
                }
            }

            var chunks = new List<(int First, int Width)>();
            for (var j = J; j > 0; j -= last[j])
            {
                chunks.Add((j - last[j], last[j]));
            }

            chunks.Reverse();
            return new LedgerChunks([.. chunks.Select(c => c.First)], [.. chunks.Select(c => c.Width)]);
        }
    }

    /// <summary>
    /// The trace's step <c>n = m·P</c> of one sub-cohort in pull order: per cycle t and destination y, from
    /// <see cref="Start"/>[t·N + y] to <see cref="Start"/>[t·N + y + 1], the entries into y from the kept states in
    /// ascending source order, each the source's offset in the lane-major occupancy (<see cref="From"/>, <c>x·W</c>)
    /// and where its probability is (<see cref="At"/>): a lanes' own, at that offset (≥ 0) in the lane rows, or, for a
    /// base row no drawn parameter reaches (its non-zero entries only), at index <c>~At</c> (the complement, &lt; 0) of
    /// the distinct base probabilities <see cref="Base"/> (<see cref="BaseConstants"/>), one double each, broadcast to the
    /// lanes as it is read: a base entry costs one scalar load instead of a vector of W copies (most entries are base
    /// ones, and the copies were most of the trace's bytes). Each destination is summed in a register and stored once
    /// (<see cref="PullStep"/>), per lane with the additions of the push order (<see cref="Propagate"/>: sources
    /// ascending, from 0) in the same order, so bit for bit.
    /// </summary>
    private sealed record PullRows(int[] Start, int[] From, int[] At, double[] Base);

    /// <summary>
    /// The base values the trace reads for its base rows and base cells, shared by every worker and broadcast to the
    /// lanes as they are read: each distinct run of values (by their bits) once, value i of a run at its index + i.
    /// </summary>
    private sealed class BaseConstants
    {
        private readonly Dictionary<double[], int> _indices = new(BitsComparer.Instance);
        private readonly List<double> _values = [];

        /// <summary>The index of <paramref name="run"/>'s first value: the first time it is seen, appended.</summary>
        public int Index(ReadOnlySpan<double> run)
        {
            var lookup = _indices.GetAlternateLookup<ReadOnlySpan<double>>();
            if (!lookup.TryGetValue(run, out var index))
            {
                index = _values.Count;
                lookup.TryAdd(run, index);
                _values.AddRange(run);
            }

            return index;
        }

        /// <summary>The values in index order.</summary>
        public double[] ToArray() => [.. _values];

        /// <summary>Runs of doubles equal when their bits are.</summary>
        private sealed class BitsComparer : IEqualityComparer<double[]>, IAlternateEqualityComparer<ReadOnlySpan<double>, double[]>
        {
            public static readonly BitsComparer Instance = new();

            public bool Equals(double[]? x, double[]? y) => Same(x, y);

            public int GetHashCode(double[] obj) => Hash(obj);

            public bool Equals(ReadOnlySpan<double> alternate, double[] other) => Same(alternate, other);

            public int GetHashCode(ReadOnlySpan<double> alternate) => Hash(alternate);

            public double[] Create(ReadOnlySpan<double> alternate) => alternate.ToArray();

            private static bool Same(ReadOnlySpan<double> x, ReadOnlySpan<double> y) => MemoryMarshal.AsBytes(x).SequenceEqual(MemoryMarshal.AsBytes(y));

            private static int Hash(ReadOnlySpan<double> run)
            {
                var hash = default(HashCode);
                hash.AddBytes(MemoryMarshal.AsBytes(run));
                return hash.ToHashCode();
            }
        }
    }

    /// <summary>
    /// Per strategy and sub-cohort, its <see cref="PullRows"/>, and the base probabilities they read (<see cref="BaseConstants"/>,
    /// shared by all); null when draws go one by one.
    /// </summary>
    private (PullRows[][] Rows, double[] Base)? BuildPullRows()
    {
        if (_lanes is not { } lanes)
        {
            return null;
        }

        var constants = new BaseConstants();

        var W = lanes.W;
        var N0 = lanes.Start.Length - 1;

        // Per source x and destination y, y's position in x's structural row (the lanes' row layout), or −1.
        var position = new int[N0 * N0];
        Array.Fill(position, -1);
        for (var x = 0; x < N0; x++)
        {
            for (var k = lanes.Start[x]; k < lanes.Start[x + 1]; k++)
            {
                position[(x * N0) + lanes.Index[k]] = k - lanes.Start[x];
            }
        }

        // The blocks' entries first, then their rows with the base values, whose list is complete only after every block.
        var lists = new (int[] Start, int[] From, int[] At)[_plans.Length][];
        for (var s = 0; s < _plans.Length; s++)
        {
            var b = _plans[s].Base;
            int T = b.Cycles, N = b.ExpandedStateCount;
            lists[s] = new (int[], int[], int[])[b.Subcohorts.Length];
            for (var si = 0; si < b.Subcohorts.Length; si++)
            {
                var P = b.Subcohorts[si].P;
                var offsets = lanes.RowOffset[s][si];
                var inert = _inert![s][si];
                var start = new int[(T * N) + 1];
                var from = new List<int>();
                var at = new List<int>();
                for (var t = 0; t < T; t++)
                {
                    for (var y = 0; y < N; y++)
                    {
                        for (var x = 0; x < N && !inert[y]; x++)
                        {
                            var k = inert[x] ? -1 : position[(x * N0) + y];
                            if (k < 0)
                            {
                                continue;
                            }

                            var tx = (t * N) + x;
                            if (offsets[tx] >= 0)
                            {
                                from.Add(x * W);
                                at.Add(offsets[tx] + (k * W));
                            }
                            else if (P[(tx * N) + y] is var v && v != 0)
                            {
                                from.Add(x * W);
                                at.Add(~constants.Index(new ReadOnlySpan<double>(in v)));
                            }
                        }

                        start[(t * N) + y + 1] = from.Count;
                    }
                }

                lists[s][si] = (start, [.. from], [.. at]);
            }
        }

        var values = constants.ToArray();
        var result = lists.Select(blocks => blocks.Select(l => new PullRows(l.Start, l.From, l.At, values)).ToArray()).ToArray();

        foreach (var p in result.SelectMany(r => r))
        {
            if (p.From.Any(f => f < 0 || f + W > (lanes.Start.Length - 1) * W) || p.At.Any(a => a >= 0 ? a + W > lanes.RowTotal : ~a >= values.Length))
            {
                throw new InvalidOperationException("The trace's pull order reaches outside the occupancy or the lane rows.");
            }
        }

        return (result, values);
    }

    /// <summary>
    /// Per strategy and sub-cohort, the expanded states whose occupancy reaches no figure: a state that keeps
    /// all its occupancy in every cycle (its base row is the identity and no drawn parameter reaches it) and
    /// whose cells book nothing in any cycle (no changed cell, no non-zero base channel), such as a death state
    /// without flows or outcomes. Without transition events (the lanes' condition) the ledger reads the
    /// occupancy only through the cells, so the trace leaves these states out (their rows and the base
    /// entries into them): the figures are the same bit for bit. Null when draws go one by one.
    /// </summary>
    private bool[][][]? BuildInert(bool[][][]? books)
    {
        if (_lanes is not { } lanes || books is null)
        {
            return null;
        }

        var result = new bool[_plans.Length][][];
        for (var s = 0; s < _plans.Length; s++)
        {
            var b = _plans[s].Base;
            int T = b.Cycles, N = b.ExpandedStateCount;
            result[s] = new bool[b.Subcohorts.Length][];
            for (var si = 0; si < b.Subcohorts.Length; si++)
            {
                var P = b.Subcohorts[si].P;
                var offsets = lanes.RowOffset[s][si];
                var slots = lanes.CellSlot[s][si];
                var cellBooks = books[s][si];
                var inert = result[s][si] = new bool[N];
                for (var x = 0; x < N; x++)
                {
                    var keeps = true;
                    for (var t = 0; t <= T && keeps; t++)
                    {
                        var tx = (t * N) + x;
                        keeps = !cellBooks[tx];
                        for (var y = 0; y < N && keeps && t < T; y++)
                        {
                            keeps = offsets[tx] < 0 && P[(tx * N) + y] == (y == x ? 1.0 : 0.0);
                        }
                    }

                    inert[x] = keeps;
                }
            }
        }

        return result;
    }

    /// <summary>
    /// Per strategy and sub-cohort, where the trace reads each cell's chunks of channels (per cell <c>t·N + x</c> and
    /// chunk c of <see cref="TraceCells"/> at <c>(t·N + x)·C + c</c>, −1 where the chunk books nothing) and whether the
    /// cell books anything (a base cell's chunk as <c>CellTotal·J·W</c> plus the index of its first channel in the base
    /// values); and the distinct base cells' channels, one double each (<see cref="BaseConstants"/>, shared by all). Null
    /// when draws go one by one.
    /// </summary>
    private (int[][][] ChunkAt, bool[][][] Books, double[] Base, LedgerChunks Chunks)? BuildCellOffsets()
    {
        if (_lanes is not { } lanes)
        {
            return null;
        }

        var W = lanes.W;
        var J = lanes.Used;
        var V = _coefficients.Length;
        var constants = new BaseConstants();
        var laneTotal = lanes.CellTotal * J * W;

        // The channels a cell can book: a base cell's non-zero ones; a changed cell's, those its state's structural
        // ledger cells project onto (the coefficients' non-zeros) and the outcomes (checked against its base values).
        // The cells' patterns of these (up to 64 channels) choose the chunks.
        var g = new double[_plans.Length][][];
        var reach = new bool[_plans.Length][][];
        var patterns = new Dictionary<ulong, long>();
        long points = 0;
        for (var s = 0; s < _plans.Length; s++)
        {
            var b = _plans[s].Base;
            var N = b.ExpandedStateCount;
            var A = b.AccountCount;
            g[s] = ProjectAll(b);
            reach[s] = new bool[N][];
            for (var x = 0; x < N; x++)
            {
                var r = reach[s][x] = new bool[J];
                r.AsSpan(Math.Min(_outcomeLane, J)).Fill(true);
                foreach (var l in b.Cells[x])
                {
                    var h = l >= A ? V : 0;
                    for (var v = 0; v < V && h + v < J; v++)
                    {
                        r[h + v] |= _coefByAccount[((l - (l >= A ? A : 0)) * V) + v] != 0;
                    }
                }
            }

            for (var si = 0; si < g[s].Length; si++)
            {
                var slots = lanes.CellSlot[s][si];
                points += slots.Length / N;
                for (var tx = 0; tx < slots.Length; tx++)
                {
                    var cell = g[s][si].AsSpan(tx * _jp, J);
                    var r = reach[s][tx % N];
                    var bits = 0UL;
                    for (var j = 0; j < J; j++)
                    {
                        if (slots[tx] >= 0 && cell[j] != 0 && !r[j])
                        {
                            throw new InvalidOperationException("A cell books a channel outside its state's structural ledger cells.");
                        }

                        bits |= (slots[tx] >= 0 ? r[j] : cell[j] != 0) && j < 64 ? 1UL << j : 0;
                    }

                    if (bits != 0)
                    {
                        patterns[bits] = patterns.GetValueOrDefault(bits) + 1;
                    }
                }
            }
        }

        var chunks = LedgerChunks.Partition(J, patterns, points);
        var C = chunks.Count;
        var chunkAt = new int[_plans.Length][][];
        var cellBooks = new bool[_plans.Length][][];
        for (var s = 0; s < _plans.Length; s++)
        {
            var N = _plans[s].Base.ExpandedStateCount;
            chunkAt[s] = new int[g[s].Length][];
            cellBooks[s] = new bool[g[s].Length][];
            for (var si = 0; si < g[s].Length; si++)
            {
                var slots = lanes.CellSlot[s][si];
                var at = new int[slots.Length * C];
                var books = new bool[slots.Length];
                at.AsSpan().Fill(-1);
                for (var tx = 0; tx < slots.Length; tx++)
                {
                    // A chunk is booked where the cell can book one of its channels.
                    var cell = g[s][si].AsSpan(tx * _jp, J);
                    var r = reach[s][tx % N];
                    var offset = -1;
                    for (var c = 0; c < C; c++)
                    {
                        var (first, width) = (chunks.First[c], chunks.Width[c]);
                        if (slots[tx] >= 0 ? r.AsSpan(first, width).Contains(true) : cell.Slice(first, width).ContainsAnyExcept(0.0))
                        {
                            // A changed cell's chunk at its offset in the cell lanes; a base cell's behind them, at its channels' index.
                            offset = offset >= 0 ? offset : slots[tx] >= 0 ? slots[tx] * J * W : laneTotal + constants.Index(cell);
                            at[(tx * C) + c] = offset + (slots[tx] >= 0 ? first * W : first);
                            books[tx] = true;
                        }
                    }
                }

                chunkAt[s][si] = at;
                cellBooks[s][si] = books;
            }
        }

        return (chunkAt, cellBooks, constants.ToArray(), chunks);
    }

    /// <summary>The <see cref="TraceCells"/> of <see cref="BuildCellOffsets"/>'s offsets, without the states <paramref name="inert"/> leaves out.</summary>
    private TraceCells[][] ListTraceCells(int[][][] chunkAt, bool[][][] books, bool[][][] inert)
    {
        var lanes = _lanes!;
        var chunks = _ledgerChunks!;
        int J = lanes.Used, W = lanes.W, C = chunks.Count;
        var laneTotal = lanes.CellTotal * J * W;
        var values = _cellBase!;
        var result = new TraceCells[_plans.Length][];
        for (var s = 0; s < _plans.Length; s++)
        {
            var N = _plans[s].Base.ExpandedStateCount;
            result[s] = new TraceCells[chunkAt[s].Length];
            for (var si = 0; si < chunkAt[s].Length; si++)
            {
                var offsets = chunkAt[s][si];
                var points = books[s][si].Length / N;
                var start = new int[(points * C) + 1];
                var from = new List<int>();
                var at = new List<int>();
                for (var t = 0; t < points; t++)
                {
                    for (var c = 0; c < C; c++)
                    {
                        for (var x = 0; x < N; x++)
                        {
                            var a = offsets[(((t * N) + x) * C) + c];
                            if (a >= 0 && !inert[s][si][x])
                            {
                                if (a < laneTotal ? a + (chunks.Width[c] * W) > laneTotal : a - laneTotal + chunks.Width[c] > values.Length)
                                {
                                    throw new InvalidOperationException("The trace's cell lists reach outside the cell lanes or the base cells.");
                                }

                                from.Add(x * W);
                                at.Add(a < laneTotal ? a : ~(a - laneTotal));
                            }
                        }

                        start[(t * C) + c + 1] = from.Count;
                    }
                }

                result[s][si] = new TraceCells(start, [.. from], [.. at], values);
            }
        }

        return result;
    }

    internal sealed partial class Worker
    {
        private LaneBuffer _pl;
        private LaneBuffer _gl;
        private LaneBuffer[][]? _initL;
        private LaneBuffer[][]? _upL;

        /// <summary>Per strategy and sub-cohort, the ledger cells its upfront costs can book (<see cref="SubcohortCompiler.UpfrontCells"/>), on first use.</summary>
        private int[]?[][]? _upCells;
        private LaneBuffer[]? _accL;
        private LaneBuffer _mL;
        private LaneBuffer _nextL;
        private LaneBuffer _weightedL;
        private double[][]? _laneValues;
        private ParameterValues[]? _laneParameters;
        private double[]? _rowScratch;
        private double[]? _gScratch;
        private double[]? _upScratch;
        private double[]? _cellScratch;
        private Compilation[][]? _laneCompilations;
        private SubcohortCompiler?[][][]? _laneCompilers;
        private List<SubcohortPlan>?[][]? _laneSplits;

        /// <summary>
        /// Evaluates draws <paramref name="k"/> … <paramref name="k"/> + <paramref name="count"/> − 1
        /// (<paramref name="count"/> ≤ <see cref="LaneCount"/>) into positions <paramref name="at"/> … of the
        /// buffers, in lanes (see <see cref="CohortDrawEvaluator"/>'s lane remarks), and passes each draw's
        /// payer flows to <paramref name="observer"/> in draw order. The results are those of
        /// <see cref="Evaluate"/> draw by draw, bit for bit; unused lanes repeat the first draw and are discarded.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void EvaluateBatch(long k, int count, ulong seed, in PsaBuffers b, int at, PsaPayerFlowObserver? observer, CancellationToken cancellationToken)
        {
            var e = _e;
            var lanes = e._lanes;
            var W = LaneCount;
            if (count < 1 || count > W)
            {
                throw new ArgumentOutOfRangeException(nameof(count), count, "A batch holds 1 to LaneCount draws.");
            }

            if (lanes is null)
            {
                OneByOne(k, count, seed, b, at, observer, cancellationToken);
                return;
            }

            EnsureLanes(lanes);
            var S = e._strategies.Length;
            var P = _values.Length;
            var t0 = Timed ? System.Diagnostics.Stopwatch.GetTimestamp() : 0;
            for (var lane = 0; lane < W; lane++)
            {
                if (lane < count)
                {
                    e._spec.DrawInto(seed, k + lane, _laneValues![lane]);
                }
                else
                {
                    _laneValues![0].AsSpan().CopyTo(_laneValues[lane]);
                }
            }

            var t1 = Timed ? System.Diagnostics.Stopwatch.GetTimestamp() : 0;
            long update = 0, trace = 0, appraisal = 0;

            // Without an observer (which reads every strategy's ledger), each strategy is appraised as soon as it and the
            // comparator are traced, so the strategies after the comparator share one ledger: fewer bytes in cache.
            var ci = e._ci;
            var early = observer is null;
            for (var s = 0; s < S; s++)
            {
                // Each strategy's update and trace together, while its lanes are in cache.
                cancellationToken.ThrowIfCancellationRequested();
                var u0 = Timed ? System.Diagnostics.Stopwatch.GetTimestamp() : 0;
                if (!UpdateLanes(s))
                {
                    // A lane needs a full compilation (or fails): the draws one by one, exactly as before.
                    OneByOne(k, count, seed, b, at, observer, cancellationToken);
                    return;
                }

                var u1 = Timed ? System.Diagnostics.Stopwatch.GetTimestamp() : 0;
                var acc = _accL![early && s > ci ? ci + 1 : s];
                var work = _work[s];
                var baseModel = e._plans[s].Base;
                for (var si = 0; si < work.Subcohorts.Length; si++)
                {
                    e.PropagateLanes(work, _initL![s][si], _upL![s][si], _upCells![s][si]!, _pl, e._pullRows![s][si], e._traceCells![s][si], _gl, _mL, _nextL, _weightedL, acc, fresh: si == 0);
                }

                var u2 = Timed ? System.Diagnostics.Stopwatch.GetTimestamp() : 0;

                // The figures of every lane at once from the lane-major ledgers: the strategies up to the comparator once it is traced, each later one at once.
                if (early && s >= ci)
                {
                    for (var a = s == ci ? 0 : s; a <= s; a++)
                    {
                        AppraiseLanes(b, at, count, a, a == s ? acc : _accL[a], _accL[ci]);
                    }
                }

                if (Timed)
                {
                    var u3 = System.Diagnostics.Stopwatch.GetTimestamp();
                    update += u1 - u0;
                    trace += u2 - u1;
                    appraisal += u3 - u2;
                }
            }

            var t3 = Timed ? System.Diagnostics.Stopwatch.GetTimestamp() : 0;
            if (!early)
            {
                AppraiseLanes(b, at, count);
            }

            // Each draw's parameters and payer flows in draw order.
            long observed = 0;
            for (var lane = 0; lane < count; lane++)
            {
                _laneValues![lane].AsSpan().CopyTo(b.Parameters.AsSpan((at + lane) * P, P));
                if (observer is not null)
                {
                    var o0 = Timed ? System.Diagnostics.Stopwatch.GetTimestamp() : 0;
                    _laneValues[lane].AsSpan().CopyTo(_values);
                    var flows = PayerFlowsLane((int)(k + lane), lane);
                    var o1 = Timed ? System.Diagnostics.Stopwatch.GetTimestamp() : 0;
                    observer(flows);
                    if (Timed)
                    {
                        var o2 = System.Diagnostics.Stopwatch.GetTimestamp();
                        Ticks[6] += o1 - o0;
                        Ticks[7] += o2 - o1;
                        observed += o2 - o0;
                    }
                }
            }

            if (Timed)
            {
                var t4 = System.Diagnostics.Stopwatch.GetTimestamp();
                Ticks[0] += t1 - t0;
                Ticks[1] += update;
                Ticks[2] += trace;
                Ticks[3] += t4 - t3 - observed + appraisal;
            }
        }

        /// <summary>Builds the lane storage and the lanes' compilations now instead of at the first batch (for the benchmark's setup time); nothing when draws go one by one.</summary>
        internal void PrepareLanes()
        {
            if (_e._lanes is { } lanes)
            {
                EnsureLanes(lanes);
            }
        }

        private void OneByOne(long k, int count, ulong seed, in PsaBuffers b, int at, PsaPayerFlowObserver? observer, CancellationToken cancellationToken)
        {
            for (var i = 0; i < count; i++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                Evaluate(k + i, seed, b, at + i, cancellationToken);
                if (observer is not null)
                {
                    observer(PayerFlows((int)(k + i)));
                }
            }
        }

        private void EnsureLanes(LaneLayout lanes)
        {
            if (!_pl.IsEmpty)
            {
                return;
            }

            var e = _e;
            var W = lanes.W;
            var S = e._strategies.Length;
            var c0 = _work[0];
            int T = c0.Cycles, N = c0.ExpandedStateCount, L = c0.LedgerCount, J = lanes.Used;
            var initL = new LaneBuffer[S][];
            var upL = new LaneBuffer[S][];
            _accL = new LaneBuffer[S];
            for (var s = 0; s < S; s++)
            {
                var plan = e._plans[s];
                var subcohorts = plan.Base.Subcohorts;
                initL[s] = new LaneBuffer[subcohorts.Length];
                upL[s] = new LaneBuffer[subcohorts.Length];
                for (var si = 0; si < subcohorts.Length; si++)
                {
                    initL[s][si] = new LaneBuffer(N * W);
                    upL[s][si] = new LaneBuffer(L * W);
                }

                _accL[s] = new LaneBuffer((T + 1) * J * W);
            }

            // The dependent rows' and cells' lanes (the others are read from the base compilation), overwritten by every batch.
            // The changed cells' lanes (the base cells' channels are the evaluator's, shared by every worker).
            _gl = new LaneBuffer(lanes.CellTotal * J * W);
            _initL = initL;
            _upL = upL;
            _upCells = [.. e._plans.Select(p => new int[]?[p.Rows.Length])];
            _mL = new LaneBuffer(N * W);
            _nextL = new LaneBuffer(N * W);
            _weightedL = new LaneBuffer(N * W);
            _laneValues = new double[W][];
            _laneParameters = new ParameterValues[W];
            for (var lane = 0; lane < W; lane++)
            {
                _laneValues[lane] = (double[])_values.Clone();
                _laneParameters[lane] = ParameterValues.Wrap(_laneValues[lane]);
            }

            // Each lane its own compilation and sub-cohort compilers, so that a block is computed for every lane in turn.
            _laneCompilations = new Compilation[W][];
            _laneCompilers = new SubcohortCompiler?[W][][];
            _laneSplits = new List<SubcohortPlan>?[W][];
            for (var lane = 0; lane < W; lane++)
            {
                _laneCompilations[lane] = new Compilation[S];
                _laneCompilers[lane] = new SubcohortCompiler?[S][];
                _laneSplits[lane] = new List<SubcohortPlan>?[S];
                for (var s = 0; s < S; s++)
                {
                    _laneCompilations[lane][s] = Compilation.Start(e._model, e._strategies[s], e._model.BaseParameters, [], null)!;
                    _laneCompilers[lane][s] = new SubcohortCompiler?[_work[s].SubcohortCount];
                }
            }

            _rowScratch = new double[N];
            _cellScratch = new double[L];
            _gScratch = new double[e._jp];
            _upScratch = new double[L];
            // The lane rows (the base rows' probabilities are the evaluator's, shared by every worker).
            _pl = new LaneBuffer(lanes.RowTotal);
        }

        /// <summary>
        /// Recomputes the dependent blocks of strategy <paramref name="s"/> for every lane into the lane
        /// storage, with the stage methods of <see cref="Update"/>, block by block and lane by lane within a
        /// block (each lane has its own compilation and compilers); false when a lane's draw needs a full
        /// compilation (invalid values, another sub-cohort split).
        /// </summary>
        private bool UpdateLanes(int s)
        {
            var e = _e;
            var lanes = e._lanes!;
            var W = lanes.W;
            var plan = e._plans[s];
            var work = _work[s];
            var compilations = _laneCompilations!;
            var splits = _laneSplits!;
            for (var lane = 0; lane < W; lane++)
            {
                var c = compilations[lane][s];
                if (!c.Rebind(_laneParameters![lane]))
                {
                    return false;
                }

                splits[lane][s] = c.PlanSubcohorts(splits[lane][s]);
                if (!SameSplit(splits[lane][s]!, work.Subcohorts))
                {
                    return false;
                }
            }

            int N = work.ExpandedStateCount, J = lanes.Used;
            var start = lanes.Start;
            var index = lanes.Index;
            var row = _rowScratch!;
            var compilers = _laneCompilers!;

            // The scratch row and ledger are kept all 0 between blocks (cleared here in case a model function threw in the last batch).
            Array.Clear(row);
            var cell = _cellScratch!;
            Array.Clear(cell);
            for (var si = 0; si < work.Subcohorts.Length; si++)
            {
                var initL = _initL![s][si].Span;
                for (var lane = 0; lane < W; lane++)
                {
                    var sp = splits[lane][s]![si];
                    var compiler = compilers[lane][s][si];
                    if (compiler is null)
                    {
                        compilers[lane][s][si] = new SubcohortCompiler(compilations[lane][s], sp);
                    }
                    else
                    {
                        compiler.Rebind(sp);
                    }

                    for (var x = 0; x < N; x++)
                    {
                        initL[(x * W) + lane] = sp.Initial[x];
                    }
                }

                var r0 = Timed ? System.Diagnostics.Stopwatch.GetTimestamp() : 0;
                var rows = plan.Rows[si];
                var rowEvaluate = plan.RowEvaluate[si];
                var rowCacheAt = plan.RowCacheAt[si];
                var rowLean = plan.RowLean[si];
                var cache = _rowCache[s][si];
                var pl = _pl.Span;
                var rowOffset = lanes.RowOffset[s][si];
                var rowShared = lanes.RowShared[s][si];
                var (rowKernel, positions, directs) = BindRowLanes(s, si);

                // The block's rate rows in one call (RateBlock), each row's failing lanes kept for the loop below.
                var (rateBlock, rateAt) = RateRowsOf(s, si, positions, directs);
                var rateFails = _rateFails;
                if (rateBlock is not null)
                {
                    rowKernel.RateRows(rateBlock, pl, rateFails);
                }

                // The rows of this block's own: a row copied from an earlier block, or aliased to a row of this block
                // with the same inputs, is already computed for every lane and read from there (the layout's offset is its).
                foreach (var k in lanes.RowsComputed[s][si])
                {
                    var inBlock = rateAt[k];
                    if (inBlock >= 0 && rateFails[inBlock] == 0)
                    {
                        continue;
                    }

                    var tx = rows[k];
                    var t = tx / N;
                    var x = tx - (t * N);
                    var off = rowOffset[tx];
                    var n = start[x + 1] - start[x];

                    var lean = rowLean[k];
                    var scalar = ulong.MaxValue;
                    if (inBlock >= 0)
                    {
                        // A rate row of the block with a failing lane: as below.
                        scalar = rateFails[inBlock];
                        if (rowShared[k])
                        {
                            return false;
                        }
                    }
                    else if (lean is not null && positions[k] is { } position)
                    {
                        // All lanes at once; a lane that fails a check goes through the scalar path below, which rejects it as before.
                        scalar = rowKernel.Row(lean, pl.Slice(off, n * W), position, n, directs[k]);
                        if (scalar == 0)
                        {
                            continue;
                        }

                        if (rowShared[k])
                        {
                            // A lane fails a check in a row that other rows read: the scalar path would compute that lane of
                            // this row alone (for its cycle), so the batch goes draw by draw instead, exactly as before.
                            return false;
                        }
                    }

                    for (var lane = 0; lane < W; lane++)
                    {
                        if ((scalar & (1UL << lane)) == 0)
                        {
                            continue;
                        }

                        // The scratch row is all 0 here; the kernels write within the row's structural non-zeros.
                        var compiler = compilers[lane][s][si]!;
                        if (!(lean is not null && compiler.LeanRow(lean, row)))
                        {
                            if (rowEvaluate[k] == ulong.MaxValue)
                            {
                                compiler.TransitionRow(t, x, row);
                            }
                            else
                            {
                                compiler.TransitionRow(t, x, row, cache.AsSpan(rowCacheAt[k]), rowEvaluate[k]);
                            }
                        }

                        for (var i = 0; i < n; i++)
                        {
                            var y = index[start[x] + i];
                            pl[off + (i * W) + lane] = row[y];
                            row[y] = 0;
                        }
                    }
                }

                if (Timed)
                {
                    Ticks[4] += System.Diagnostics.Stopwatch.GetTimestamp() - r0;
                    r0 = System.Diagnostics.Stopwatch.GetTimestamp();
                }

                var cells = plan.Cells[si];
                var cellEvaluate = plan.CellEvaluate[si];
                var cellCacheAt = plan.CellCacheAt[si];
                var cellCache = plan.CellCache[si];
                var cellSlot = lanes.CellSlot[s][si];
                var cellShared = lanes.CellShared[s][si];
                var gl = _gl.Span;
                var g = _gScratch!;
                // Likewise the cells of this block's own (a copied or aliased cell reads its source's slot).
                foreach (var k in lanes.CellsComputed[s][si])
                {
                    var tx = cells[k];
                    var off = cellSlot[tx] * J * W;

                    var evaluate = cellEvaluate[k];
                    var leanCell = plan.CellLean[si][k];
                    var fixedProjection = e._cellFixed[s][si][k]!;
                    var scalar = ulong.MaxValue;
                    if (leanCell is not null)
                    {
                        // All lanes at once; a lane with a value that is not finite goes through the scalar path below, which rejects it as before.
                        scalar = rowKernel.Cell(leanCell, fixedProjection, e._coefByAccount, e._coefficients.Length, e._outcomeLane, J - e._outcomeLane, gl.Slice(off, J * W));
                        if (scalar == 0)
                        {
                            continue;
                        }

                        if (cellShared[k])
                        {
                            // A lane fails in a cell that other cells read: the batch goes draw by draw instead, exactly as before.
                            return false;
                        }
                    }

                    for (var lane = 0; lane < W; lane++)
                    {
                        if ((scalar & (1UL << lane)) == 0)
                        {
                            continue;
                        }

                        if (leanCell is not null && compilers[lane][s][si]!.LeanCell(leanCell, fixedProjection, e._coefByAccount, e._coefficients.Length, e._outcomeLane, g))
                        {
                            for (var j = 0; j < J; j++)
                            {
                                gl[off + (j * W) + lane] = g[j];
                            }

                            continue;
                        }

                        // The scratch ledger is all 0 here; the cell books only to its structural ledger cells, cleared after the projection.
                        var structural = work.Cells[tx % N];
                        compilers[lane][s][si]!.StateCell(tx / N, tx % N, cell, _cellOutcomes, evaluate == ulong.MaxValue ? [] : cellCache.AsSpan(cellCacheAt[k]), evaluate, flowsAreZero: true);
                        e.Project(cell, structural, _cellOutcomes, g);
                        foreach (var l in structural)
                        {
                            cell[l] = 0;
                        }

                        for (var j = 0; j < J; j++)
                        {
                            gl[off + (j * W) + lane] = g[j];
                        }
                    }
                }

                if (Timed)
                {
                    Ticks[5] += System.Diagnostics.Stopwatch.GetTimestamp() - r0;
                }

                // The upfront costs scale with the sub-cohort's mass, which the uptake moves: always recomputed, and kept
                // for the cells they can book (the same in every lane and batch: the split is the base's).
                var up = _upScratch!;
                var upL = _upL![s][si].Span;
                var upCells = _upCells![s][si] ??= compilers[0][s][si]!.UpfrontCells();
                for (var lane = 0; lane < W; lane++)
                {
                    compilers[lane][s][si]!.Upfront(up);
                    for (var k = 0; k < upCells.Length; k++)
                    {
                        upL[(k * W) + lane] = up[upCells[k]];
                    }
                }
            }

            for (var lane = 0; lane < W; lane++)
            {
                if (compilations[lane][s].Problems.Count != 0)
                {
                    return false;
                }
            }

            return true;
        }
    }
}
