using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace SocialInvestment.Model;

/// <summary>
/// The lean row (<see cref="SubcohortCompiler.LeanRow"/>) and the lean cell (<see cref="Cell"/>) for W draws at once, one draw per lane of a
/// vector of the hardware's width (<see cref="IsSupported"/>): lane l reads the parameter values and
/// weights of the l-th of the sub-cohort compilers it is bound to (<see cref="Bind"/>, one compilation
/// per draw, all of the same sub-cohort split). The drawn entries' model functions are called per lane
/// (scalar delegate calls); the effects (from a per-lane factor table, <see cref="SubcohortCompiler.LeanFactors"/>),
/// the competing risks, the remainder, the effects on probabilities, the checks and the clamping run on
/// vectors, with per lane the same IEEE operations in the same order as the scalar lean row, so each
/// lane's row is that row bit for bit. The competing risks' exponential is <see cref="LaneMath.Exp{TV}"/>
/// on vectors (bit for bit the scalar row's <see cref="Numerics.Exp(double, out double)"/>); the hazard- and
/// odds-ratio conversions (<see cref="RateConversion"/>) are the scalar calls per lane. The row is written lane-major,
/// <c>output[i·W + lane]</c>, over a row layout given by the caller (each slot's position in it). A lane
/// whose row fails a check is reported in the returned mask and its part of the output is unspecified:
/// the caller computes it with the scalar path, which rejects it and falls back as before. Not thread-safe:
/// one kernel per worker.
/// </summary>
internal sealed class LaneRowKernel
{
    private readonly int _w;
    private readonly ModelContext[] _ctx;
    private readonly double[] _values;
    private readonly double[] _stay;
    private readonly double[] _scale;
    private double[] _gathered = [];
    private int[] _gatheredAt = [];
    private int _bind;
    private SubcohortCompiler[] _lanes = [];
    private double[] _q = [];
    private double[] _factor = [];
    private double[] _weighted = [];
    private double[] _weights = [];
    private double[] _one = [];
    private double[] _oneWeighted = [];
    private LeanFactorTable? _table;
    private int _tableCount;

    /// <summary>A kernel for <paramref name="w"/> lanes (<see cref="IsSupported"/>).</summary>
    public LaneRowKernel(int w)
    {
        if (!IsSupported(w))
        {
            throw new ArgumentOutOfRangeException(nameof(w), w, "The lane count must be the width of a hardware vector of doubles.");
        }

        _w = w;
        _ctx = new ModelContext[w];
        _values = new double[w];
        _stay = new double[w];
        _scale = new double[w];
    }

    /// <summary>True when <paramref name="w"/> lanes are one vector type: two <see cref="Vector512{T}"/> (<see cref="Lanes512x2"/>) when accelerated, two <see cref="Vector256{T}"/> when those are (<see cref="Lanes256x2"/>), or <see cref="Vector{T}"/>.</summary>
    public static bool IsSupported(int w) => (Vector512.IsHardwareAccelerated && w == 2 * Vector512<double>.Count) || (Vector256.IsHardwareAccelerated && w == 2 * Vector256<double>.Count) || w == Vector<double>.Count;

    /// <summary>
    /// Binds the kernel to the compilers of one sub-cohort, lane l to <paramref name="lanes"/>[l], after
    /// their <see cref="SubcohortCompiler.Rebind"/> for the draws: the weights are read now, the factors
    /// by the first row. The array is kept (not copied) until the next bind.
    /// </summary>
    public void Bind(SubcohortCompiler[] lanes)
    {
        var W = _w;
        if (lanes.Length != W)
        {
            throw new ArgumentException("One compiler per lane.", nameof(lanes));
        }

        _lanes = lanes;
        _table = null;
        _bind++;
        var A = lanes[0].Weights.Length;
        if (_weights.Length < A * W)
        {
            _weights = new double[A * W];
        }

        for (var l = 0; l < W; l++)
        {
            var weights = lanes[l].Weights;
            for (var a = 0; a < A; a++)
            {
                _weights[(a * W) + l] = weights[a];
            }
        }
    }

    /// <summary>
    /// The lean row <paramref name="r"/> for every lane into <paramref name="output"/>
    /// (<c>[i·W + lane]</c>, <paramref name="width"/> positions, all written: a position no slot reaches is 0), slot j
    /// at position <paramref name="position"/>[j]. Returns the lanes (bit l) whose row fails a check;
    /// their output is unspecified.
    /// </summary>
    public ulong Row(LeanRowPlan r, Span<double> output, ReadOnlySpan<int> position, int width) => Row(r, output, position, width, Direct(position, width));

    /// <summary>
    /// <see cref="Row(LeanRowPlan, Span{double}, ReadOnlySpan{int}, int)"/> with <paramref name="direct"/> given: true
    /// exactly when <see cref="Direct"/> is for <paramref name="position"/> and <paramref name="width"/>.
    /// </summary>
    public ulong Row(LeanRowPlan r, Span<double> output, ReadOnlySpan<int> position, int width, bool direct)
    {
        if (position.Length != r.Expanded.Length || output.Length < width * _w)
        {
            throw new ArgumentException("The row layout does not fit the plan.");
        }

        if (!ReferenceEquals(r.Factors, _table) || r.Factors.Count != _tableCount)
        {
            BindFactors(r.Factors);
        }

        if (r.Rate is { } rate)
        {
            return Vector512.IsHardwareAccelerated && _w == 2 * Vector512<double>.Count ? RateRow<Lanes512x2>(r, rate, output, position, width, direct)
                : Vector256.IsHardwareAccelerated && _w == 2 * Vector256<double>.Count ? RateRow<Lanes256x2>(r, rate, output, position, width, direct)
                : RateRow<LanesN>(r, rate, output, position, width, direct);
        }

        return Vector512.IsHardwareAccelerated && _w == 2 * Vector512<double>.Count ? Row<Lanes512x2>(r, output, position, width, direct)
            : Vector256.IsHardwareAccelerated && _w == 2 * Vector256<double>.Count ? Row<Lanes256x2>(r, output, position, width, direct)
            : Row<LanesN>(r, output, position, width, direct);
    }

    /// <summary>True when the slots fill the <paramref name="width"/> positions of the row one each (at most 64), so that each is stored as it is.</summary>
    public static bool Direct(ReadOnlySpan<int> position, int width)
    {
        if (position.Length != width || width > 64)
        {
            return false;
        }

        var filled = 0UL;
        foreach (var p in position)
        {
            filled |= (uint)p < (uint)width ? 1UL << p : 0;
        }

        return filled == (width == 64 ? ulong.MaxValue : (1UL << width) - 1);
    }

    /// <summary>
    /// A rate row (<see cref="LeanRowPlan.Rate"/>): the general row's operations that such a row reaches, per lane in the
    /// same order (so bit for bit that row), over its flat entries, with the stay, the scaling, the checks, the clamp
    /// and the store in one pass over the slots.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private ulong RateRow<TV>(LeanRowPlan r, LeanRowPlan.RatePlan plan, Span<double> output, ReadOnlySpan<int> position, int width, bool direct)
        where TV : struct, ILaneVector<TV>
    {
        var n = r.Expanded.Length;
        EnsureScratch(n);
        var E = plan.Slot.Length;
        if (plan.Parameter.Length != E || plan.Value.Length != E || plan.B.Length != E || plan.EffectStart.Length != E + 1 || plan.EffectStart[E] > plan.EffectFactor.Length || plan.Base.Length != n)
        {
            throw new InvalidOperationException("The rate plan does not fit its row.");
        }

        return RateCore<TV>(r.T, n, r.BalanceSlot, 0, E, plan.Slot, plan.Parameter, plan.Value, plan.B, plan.EffectStart, plan.EffectFactor, plan.Base, output, position, width, direct);
    }

    /// <summary>
    /// The rate rows of a block (<see cref="RateBlock"/>) for every lane, into <paramref name="rows"/> (each at its offset),
    /// with each row's failing lanes (as <see cref="Row(LeanRowPlan, Span{double}, ReadOnlySpan{int}, int)"/> returns them)
    /// in <paramref name="fails"/>: one call for the block, the rows' plans read from its flat arrays.
    /// </summary>
    public void RateRows(RateBlock block, Span<double> rows, Span<ulong> fails)
    {
        var R = block.Offset.Length;
        if (fails.Length < R || block.Width.Length != R || block.Direct.Length != R || block.Balance.Length != R || block.Cycle.Length != R
            || block.EntryStart.Length != R + 1 || block.PositionStart.Length != R + 1 || block.EffectStart.Length != block.Slot.Length + 1)
        {
            throw new ArgumentException("The block's rows do not fit its arrays.");
        }

        if (!ReferenceEquals(block.Factors, _table) || block.Factors.Count != _tableCount)
        {
            BindFactors(block.Factors);
        }

        EnsureScratch(block.MaxSlots);
        if (Vector512.IsHardwareAccelerated && _w == 2 * Vector512<double>.Count)
        {
            RateRows<Lanes512x2>(block, rows, fails);
        }
        else if (Vector256.IsHardwareAccelerated && _w == 2 * Vector256<double>.Count)
        {
            RateRows<Lanes256x2>(block, rows, fails);
        }
        else
        {
            RateRows<LanesN>(block, rows, fails);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void RateRows<TV>(RateBlock block, Span<double> rows, Span<ulong> fails)
        where TV : struct, ILaneVector<TV>
    {
        var W = TV.Count;
        for (var i = 0; i < block.Offset.Length; i++)
        {
            int p0 = block.PositionStart[i], p1 = block.PositionStart[i + 1], width = block.Width[i];
            var output = rows.Slice(block.Offset[i], width * W);
            fails[i] = RateCore<TV>(block.Cycle[i], p1 - p0, block.Balance[i], block.EntryStart[i], block.EntryStart[i + 1], block.Slot, block.Parameter, block.Value, block.B, block.EffectStart, block.EffectFactor, block.SlotBase.AsSpan(p0, p1 - p0), output, block.Position.AsSpan(p0, p1 - p0), width, block.Direct[i]);
        }
    }

    private void EnsureScratch(int n)
    {
        if (_q.Length < n * _w)
        {
            _q = new double[n * _w];
        }
    }

    /// <summary>
    /// One rate row of <paramref name="n"/> slots from entries <paramref name="e0"/> … <paramref name="e1"/> − 1 of the flat
    /// arrays (each entry's effect factors at <paramref name="effectStart"/>[e] … [e + 1] − 1 of <paramref name="effectFactor"/>),
    /// the stay in slot <paramref name="balance"/>, into <paramref name="output"/> at the slots' positions. Every index is
    /// checked against the arrays and the row before it is used. Not inlined: within a larger method its two-vector lane
    /// values (<see cref="Lanes256x2"/>) would no longer be kept in registers.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private ulong RateCore<TV>(int t, int n, int balance, int e0, int e1, int[] slots, int[] parameters, double[] values, double[] bs, int[] effectStart, int[] effectFactor, ReadOnlySpan<double> slotBase, Span<double> output, ReadOnlySpan<int> position, int width, bool direct)
        where TV : struct, ILaneVector<TV>
    {
        var W = TV.Count;
        if ((uint)balance >= (uint)n || position.Length != n || slotBase.Length != n || output.Length < width * W || (uint)e1 > (uint)slots.Length || e0 > e1
            || e1 > parameters.Length || e1 > values.Length || e1 > bs.Length || e1 >= effectStart.Length || _q.Length < n * W)
        {
            throw new InvalidOperationException("The rate row does not fit its plan.");
        }

        ref var q0 = ref MemoryMarshal.GetArrayDataReference(_q);
        ref var fw0 = ref MemoryMarshal.GetArrayDataReference(_weighted);
        var F = _tableCount;
        var zero = TV.Create(0.0);
        var one = TV.Create(1.0);
        for (var j = 0; j < n; j++)
        {
            TV.Store(TV.Create(slotBase[j]), ref Unsafe.Add(ref q0, j * W));
        }

        // The drawn entries' checks as a mask of the passing lanes (finite and ≥ 0: two comparisons, which NaN and ±∞ fail).
        var largest = TV.Create(double.MaxValue);
        var ok = TV.Equal(zero, zero);
        for (var e = e0; e < e1; e++)
        {
            TV v;
            var p = parameters[e];
            if (p >= 0)
            {
                v = Scaled<TV>(t, p, values[e], bs[e]);
                ok = TV.And(ok, TV.And(TV.LessThanOrEqual(zero, v), TV.LessThanOrEqual(v, largest)));
            }
            else
            {
                v = TV.Create(values[e]);
            }

            for (var f = effectStart[e]; f < effectStart[e + 1]; f++)
            {
                var factor = effectFactor[f];
                if ((uint)factor >= (uint)F)
                {
                    throw new InvalidOperationException("An effect's factor lies outside the bound table.");
                }

                v *= TV.Load(ref Unsafe.Add(ref fw0, factor * W));
            }

            var slot = slots[e];
            if ((uint)slot >= (uint)n)
            {
                throw new InvalidOperationException("An entry's slot lies outside its row.");
            }

            ref var qs = ref Unsafe.Add(ref q0, slot * W);
            TV.Store(TV.Load(ref qs) + v, ref qs);
        }

        var fail = ~TV.Bits(ok);
        var u = CompetingRisks<TV>(ref q0, n, _lanes[0].Dt, out var positive, out var scale);

        // Each slot scaled (the stay's slot then plus the stay), checked, clamped (as the general row's output pass) and stored.
        var low = TV.Create(-TransitionRowKernel.Tolerance);
        var high = TV.Create(1 + TransitionRowKernel.Tolerance);
        ref var o0 = ref MemoryMarshal.GetReference(output);
        if (!direct)
        {
            for (var i = 0; i < width; i++)
            {
                TV.Store(zero, ref Unsafe.Add(ref o0, i * W));
            }
        }

        var sum = zero;
        ok = TV.Equal(zero, zero);
        for (var j = 0; j < n; j++)
        {
            var value = TV.Load(ref Unsafe.Add(ref q0, j * W));
            value = TV.Select(positive, value * scale, value);
            if (j == balance)
            {
                value += u;
            }

            ok = TV.And(ok, TV.And(TV.LessThanOrEqual(low, value), TV.LessThanOrEqual(value, high)));
            value = TV.MinNative(TV.MaxNative(value, zero), one);
            sum += value;
            var at = position[j];
            if ((uint)at >= (uint)width)
            {
                throw new ArgumentException("A slot's position lies outside the row.");
            }

            ref var oj = ref Unsafe.Add(ref o0, at * W);
            TV.Store(direct ? value : TV.Load(ref oj) + value, ref oj);
        }

        fail |= ~TV.Bits(ok);
        fail |= ~TV.Bits(TV.LessThanOrEqual(TV.Abs(sum - one), TV.Create(TransitionRowKernel.SumTolerance)));
        return fail & (W == 64 ? ulong.MaxValue : (1UL << W) - 1);
    }

    private void BindFactors(LeanFactorTable table)
    {
        var W = _w;
        var F = table.Count;
        if (_factor.Length < F * W)
        {
            _factor = new double[F * W];
            _weighted = new double[F * W];
            _one = new double[F];
            _oneWeighted = new double[F];
        }

        for (var l = 0; l < W; l++)
        {
            _lanes[l].LeanFactors(table, _one.AsSpan(0, F), _oneWeighted.AsSpan(0, F));
            for (var f = 0; f < F; f++)
            {
                _factor[(f * W) + l] = _one[f];
                _weighted[(f * W) + l] = _oneWeighted[f];
            }
        }

        _table = table;
        _tableCount = F;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private ulong Row<TV>(LeanRowPlan r, Span<double> output, ReadOnlySpan<int> position, int width, bool direct)
        where TV : struct, ILaneVector<TV>
    {
        var W = TV.Count;
        var lanes = _lanes;
        var n = r.Expanded.Length;
        if (_q.Length < n * W)
        {
            _q = new double[n * W];
        }

        ref var q0 = ref MemoryMarshal.GetArrayDataReference(_q);
        ref var f0 = ref MemoryMarshal.GetArrayDataReference(_factor);
        ref var fw0 = ref MemoryMarshal.GetArrayDataReference(_weighted);
        ref var w0 = ref MemoryMarshal.GetArrayDataReference(_weights);
        var zero = TV.Create(0.0);
        var one = TV.Create(1.0);
        for (var j = 0; j < n; j++)
        {
            TV.Store(zero, ref Unsafe.Add(ref q0, j * W));
        }

        var fail = 0UL;
        var contexts = false;
        var values = _values;
        var low = TV.Create(-TransitionRowKernel.Tolerance);
        var high = TV.Create(1 + TransitionRowKernel.Tolerance);
        var largest = TV.Create(double.MaxValue);
        var yes = TV.Equal(zero, zero);

        // The scaled entries' checks as a vector mask of the lanes that pass (finite, and ≥ 0 for a rate or within
        // the tolerance of [0, 1] for a probability: the negation of the scalar row's failing tests), folded into the
        // failing lanes' bits once, and before any code reads them.
        var ok = yes;
        foreach (ref readonly var e in r.Entries.AsSpan())
        {
            TV v;
            if (e.Evaluate && e.Parameter >= 0)
            {
                // Scaled form (Scaled): its checks on vectors.
                // Finite and ≥ 0 (a rate) or within the tolerance of [0, 1]: two comparisons, which NaN and ±∞ fail.
                v = Scaled<TV>(r.T, e.Parameter, e.A, e.B);
                ok = TV.And(ok, e.IsRate ? TV.And(TV.LessThanOrEqual(zero, v), TV.LessThanOrEqual(v, largest)) : TV.And(TV.LessThanOrEqual(low, v), TV.LessThanOrEqual(v, high)));
            }
            else if (e.Evaluate)
            {
                fail |= ~TV.Bits(ok);
                ok = yes;
                if (!contexts)
                {
                    LaneContexts(r.T, r.X);
                    contexts = true;
                }

                for (var l = 0; l < W; l++)
                {
                    if ((fail & (1UL << l)) != 0)
                    {
                        // The scalar row has returned already.
                        values[l] = 0;
                        continue;
                    }

                    var x = e.F(in _ctx[l]);
                    if (!double.IsFinite(x) || (e.IsRate ? x < 0 : x < -TransitionRowKernel.Tolerance || x > 1 + TransitionRowKernel.Tolerance))
                    {
                        fail |= 1UL << l;
                    }

                    values[l] = x;
                }

                v = TV.Load(ref MemoryMarshal.GetArrayDataReference(values));
            }
            else
            {
                v = TV.Create(e.Cached);
            }

            foreach (var fx in e.Effects)
            {
                v *= TV.Load(ref Unsafe.Add(ref fw0, fx.Factor * W));
            }

            ref var qs = ref Unsafe.Add(ref q0, e.Slot * W);
            TV.Store(TV.Load(ref qs) + v, ref qs);
        }

        fail |= ~TV.Bits(ok);

        if (r.IsRate)
        {
            var u = CompetingRisks<TV>(ref q0, n, lanes[0].Dt, out var positive, out var scale);
            for (var j = 0; j < n; j++)
            {
                ref var qj = ref Unsafe.Add(ref q0, j * W);
                var value = TV.Load(ref qj);
                TV.Store(TV.Select(positive, value * scale, value), ref qj);
            }

            ref var qb = ref Unsafe.Add(ref q0, r.BalanceSlot * W);
            TV.Store(TV.Load(ref qb) + u, ref qb);
        }
        else if (r.BalanceSlot >= 0)
        {
            var others = zero;
            for (var j = 0; j < n; j++)
            {
                others += TV.Load(ref Unsafe.Add(ref q0, j * W));
            }

            ref var qb = ref Unsafe.Add(ref q0, r.BalanceSlot * W);
            TV.Store(TV.Load(ref qb) + (one - others), ref qb);
        }

        // Effects on probabilities, per lane as the scalar row applies them.
        var live = W == 64 ? ulong.MaxValue : (1UL << W) - 1;
        foreach (ref readonly var pe in r.ProbabilityEffects.AsSpan())
        {
            ref var qs = ref Unsafe.Add(ref q0, pe.Slot * W);
            var factor = TV.Load(ref Unsafe.Add(ref f0, pe.Factor * W));
            var p = Clamp01(TV.Load(ref qs), zero, one);
            TV changed;
            switch (pe.Measure)
            {
                case EffectMeasure.RelativeRisk:
                    changed = p * factor;
                    break;
                case EffectMeasure.OddsRatio when (OddsRatioGuards(p, factor, zero, one) & ~fail & live) == (~fail & live):
                {
                    // RateConversion.ApplyOddsRatio on vectors (its guards hold in every lane the scalar row has not left):
                    // odds = or·p/(1 − p), p' = odds/(1 + odds); at p ≥ 1, 0 for a ratio of 0, else 1.
                    var odds = factor * p / (one - p);
                    changed = TV.Select(TV.LessThanOrEqual(one, p), TV.Select(TV.Equal(factor, zero), zero, one), odds / (one + odds));
                    break;
                }

                case EffectMeasure.HazardRatio:
                case EffectMeasure.OddsRatio:
                {
                    var hazard = pe.Measure == EffectMeasure.HazardRatio;
                    TV.Store(p, ref MemoryMarshal.GetArrayDataReference(_stay));
                    for (var l = 0; l < W; l++)
                    {
                        // A lane the scalar row has left would not reach the conversion (whose guards may throw).
                        _scale[l] = (fail & (1UL << l)) != 0 ? 0
                            : hazard ? RateConversion.ApplyHazardRatio(_stay[l], _factor[(pe.Factor * W) + l])
                            : RateConversion.ApplyOddsRatio(_stay[l], _factor[(pe.Factor * W) + l]);
                    }

                    changed = TV.Load(ref MemoryMarshal.GetArrayDataReference(_scale));
                    break;
                }

                default:
                    changed = p + factor;
                    break;
            }

            var w = TV.Load(ref Unsafe.Add(ref w0, pe.Active * W));
            changed = TV.Select(TV.Equal(w, one), changed, p + (w * (changed - p)));
            if (pe.Balance == EffectBalance.Proportional)
            {
                var below = TV.LessThan(p, one);
                var scale = (one - changed) / (one - p);

                // The scalar row leaves a non-finite scale to the general kernel.
                fail |= TV.Bits(below) & ~TV.Bits(TV.IsFinite(scale));
                for (var j = 0; j < n; j++)
                {
                    if (j != pe.Slot)
                    {
                        ref var qj = ref Unsafe.Add(ref q0, j * W);
                        var value = TV.Load(ref qj);
                        TV.Store(TV.Select(below, value * scale, value), ref qj);
                    }
                }

                ref var qe = ref Unsafe.Add(ref q0, r.EffectBalanceSlot * W);
                var balance = TV.Load(ref qe);
                TV.Store(TV.Select(below, balance, balance - (changed - TV.Load(ref qs))), ref qe);
            }
            else
            {
                ref var qe = ref Unsafe.Add(ref q0, r.EffectBalanceSlot * W);
                TV.Store(TV.Load(ref qe) - (changed - TV.Load(ref qs)), ref qe);
            }

            TV.Store(changed, ref qs);
        }

        // The checks (a mask of the passing lanes, as above) and the clamping, and the row into the output in the
        // same pass, its zeros as +0 (the scalar row skips them; a failing lane's output is unspecified).
        // When the slots fill the positions one each (the usual case), each is stored as it is (0 + v is v, and a zero
        // is stored as +0 either way); otherwise the positions start at 0 and the slots add into them.
        ref var o0 = ref MemoryMarshal.GetReference(output);
        for (var i = 0; i < width && !direct; i++)
        {
            TV.Store(zero, ref Unsafe.Add(ref o0, i * W));
        }

        // In a lane that passes (finite and within the tolerance of [0, 1]: the two comparisons, which NaN and ±∞ fail),
        // min(max(v, +0), 1) is the clamp to [0, 1] with a zero of either sign as +0, in two instructions: the hardware's
        // maximum of two zeros is +0 here (x86 returns its second operand, Arm's is IEEE's), and 0 < v < 1 is kept.
        var sum = zero;
        ok = yes;
        for (var j = 0; j < n; j++)
        {
            var value = TV.Load(ref Unsafe.Add(ref q0, j * W));
            ok = TV.And(ok, TV.And(TV.LessThanOrEqual(low, value), TV.LessThanOrEqual(value, high)));
            value = TV.MinNative(TV.MaxNative(value, zero), one);
            sum += value;
            ref var oj = ref Unsafe.Add(ref o0, position[j] * W);
            TV.Store(direct ? value : TV.Load(ref oj) + value, ref oj);
        }

        fail |= ~TV.Bits(ok);
        fail |= ~TV.Bits(TV.LessThanOrEqual(TV.Abs(sum - one), TV.Create(TransitionRowKernel.SumTolerance)));
        fail &= W == 64 ? ulong.MaxValue : (1UL << W) - 1;
        return fail;
    }

    /// <summary>
    /// The lean cell <paramref name="p"/> (<see cref="SubcohortCompiler.LeanCell"/>) for every lane into
    /// <paramref name="output"/> (<c>[j·W + lane]</c>): channels 0 … 2v − 1 from <paramref name="fixedProjection"/>
    /// plus each evaluated flow's <c>c_v(a)·amount</c> and each cost's <c>c_v(a)·weight·share·amount</c>,
    /// then the <paramref name="outcomes"/> outcomes from <paramref name="outcomeLane"/> on, per lane the scalar
    /// cell's operations in its order (the flows' and outcomes' functions called per lane). Returns the lanes
    /// (bit l) with a value that is not finite; their output is unspecified.
    /// </summary>
    public ulong Cell(LeanCellPlan p, ReadOnlySpan<double> fixedProjection, double[] coefByAccount, int v, int outcomeLane, int outcomes, Span<double> output)
    {
        if (fixedProjection.Length < 2 * v || outcomeLane < 2 * v || output.Length < (outcomeLane + outcomes) * _w)
        {
            throw new ArgumentException("The cell layout does not fit the plan.");
        }

        return Vector512.IsHardwareAccelerated && _w == 2 * Vector512<double>.Count ? Cell<Lanes512x2>(p, fixedProjection, coefByAccount, v, outcomeLane, outcomes, output)
            : Vector256.IsHardwareAccelerated && _w == 2 * Vector256<double>.Count ? Cell<Lanes256x2>(p, fixedProjection, coefByAccount, v, outcomeLane, outcomes, output)
            : Cell<LanesN>(p, fixedProjection, coefByAccount, v, outcomeLane, outcomes, output);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private ulong Cell<TV>(LeanCellPlan p, ReadOnlySpan<double> fixedProjection, double[] coefByAccount, int v, int outcomeLane, int outcomes, Span<double> output)
        where TV : struct, ILaneVector<TV>
    {
        var W = TV.Count;
        ref var o0 = ref MemoryMarshal.GetReference(output);
        ref var c0 = ref MemoryMarshal.GetArrayDataReference(coefByAccount);
        ref var v0 = ref MemoryMarshal.GetArrayDataReference(_values);
        for (var j = 0; j < 2 * v; j++)
        {
            TV.Store(TV.Create(fixedProjection[j]), ref Unsafe.Add(ref o0, j * W));
        }

        var contexts = false;
        var fail = 0UL;
        foreach (ref readonly var f in p.Evaluated.AsSpan())
        {
            ref var coef = ref Unsafe.Add(ref c0, f.Account * v);
            if (f.Parameter >= 0)
            {
                // Scaled form (Scaled), then the price and growth, as the scalar cell.
                var amount = Scaled<TV>(p.T, f.Parameter, f.A, f.B);
                fail |= ~TV.Bits(TV.IsFinite(amount));
                amount *= TV.Create(f.Price);
                if (f.HasGrowth)
                {
                    amount *= TV.Create(f.Growth);
                }

                for (var j = 0; j < v; j++)
                {
                    ref var oj = ref Unsafe.Add(ref o0, j * W);
                    TV.Store(TV.Load(ref oj) + (TV.Create(Unsafe.Add(ref coef, j)) * amount), ref oj);
                }

                continue;
            }

            if (!contexts)
            {
                LaneContexts(p.T, p.X);
                contexts = true;
            }

            for (var l = 0; l < W; l++)
            {
                if ((fail & (1UL << l)) != 0)
                {
                    // The scalar cell has returned already.
                    _values[l] = 0;
                    continue;
                }

                var amount = f.Amount(in _ctx[l]);
                if (!double.IsFinite(amount))
                {
                    fail |= 1UL << l;
                }

                amount *= f.Price;
                if (f.HasGrowth)
                {
                    amount *= f.Growth;
                }

                _values[l] = amount;
            }

            var a = TV.Load(ref v0);
            for (var j = 0; j < v; j++)
            {
                ref var oj = ref Unsafe.Add(ref o0, j * W);
                TV.Store(TV.Load(ref oj) + (TV.Create(Unsafe.Add(ref coef, j)) * a), ref oj);
            }
        }

        var one = TV.Create(1.0);
        ref var w0 = ref MemoryMarshal.GetArrayDataReference(_weights);
        foreach (ref readonly var cost in p.Costs.AsSpan())
        {
            // Per lane (w = 1 ? share : w·share) · amount, the amount a constant or its coefficient times the parameter (Quantity.Evaluate).
            var w = TV.Load(ref Unsafe.Add(ref w0, cost.Active * W));
            var share = TV.Create(cost.Share);
            var q = cost.Amount;
            var amount = q.IsParameter ? TV.Create(q.Coefficient) * Gather<TV>(p.T, q.ParameterIndex) : TV.Create(q.Coefficient);
            var a = TV.Select(TV.Equal(w, one), share, w * share) * amount;
            ref var coef = ref Unsafe.Add(ref c0, cost.Account * v);
            for (var j = 0; j < v; j++)
            {
                ref var oj = ref Unsafe.Add(ref o0, (v + j) * W);
                TV.Store(TV.Load(ref oj) + (TV.Create(Unsafe.Add(ref coef, j)) * a), ref oj);
            }
        }

        var zero = TV.Create(0.0);
        for (var o = 0; o < outcomes; o++)
        {
            TV.Store(zero, ref Unsafe.Add(ref o0, (outcomeLane + o) * W));
        }

        foreach (var (f, o, isFixed, fixedValue, parameter, sa, sb) in p.Outcomes)
        {
            ref var oo = ref Unsafe.Add(ref o0, (outcomeLane + o) * W);
            if (isFixed)
            {
                // It reads no parameter here: the same finite value in every lane.
                TV.Store(TV.Load(ref oo) + TV.Create(fixedValue), ref oo);
                continue;
            }

            if (parameter >= 0)
            {
                // Scaled form (Scaled).
                var scaledValue = Scaled<TV>(p.T, parameter, sa, sb);
                fail |= ~TV.Bits(TV.IsFinite(scaledValue));
                TV.Store(TV.Load(ref oo) + scaledValue, ref oo);
                continue;
            }

            if (!contexts)
            {
                LaneContexts(p.T, p.X);
                contexts = true;
            }

            for (var l = 0; l < W; l++)
            {
                if ((fail & (1UL << l)) != 0)
                {
                    _values[l] = 0;
                    continue;
                }

                var value = f(in _ctx[l]);
                if (!double.IsFinite(value))
                {
                    fail |= 1UL << l;
                }

                _values[l] = value;
            }

            TV.Store(TV.Load(ref oo) + TV.Load(ref v0), ref oo);
        }

        // Only the lanes' bits (the complements of the vector masks set the others).
        return fail & (W == 64 ? ulong.MaxValue : (1UL << W) - 1);
    }

    /// <summary>Each lane's context at (<paramref name="t"/>, <paramref name="x"/>) into <see cref="_ctx"/>.</summary>
    private void LaneContexts(int t, int x)
    {
        for (var l = 0; l < _w; l++)
        {
            _ctx[l] = _lanes[l].LeanContext(t, x);
        }
    }

    /// <summary>
    /// A value of scaled form (<see cref="IScaledModelFunction"/>) in every lane: <c>(p · a) · b</c> on the lanes' values of
    /// parameter <paramref name="p"/>, the model function's own operations in its order (so each lane is its value bit for bit).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private TV Scaled<TV>(int t, int p, double a, double b)
        where TV : struct, ILaneVector<TV>
        => (Gather<TV>(t, p) * TV.Create(a)) * TV.Create(b);

    /// <summary>The lanes' values of parameter <paramref name="p"/> at cycle <paramref name="t"/> (<see cref="SubcohortCompiler.LeanParameter"/>), as one vector.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private TV Gather<TV>(int t, int p)
        where TV : struct, ILaneVector<TV>
    {
        // Lean rows and cells exist only without parameter effects, so a lane's value of p is the same at
        // every cycle: gathered once per bind (on first use) into a lane-major block.
        var W = _w;
        if (_gatheredAt.Length <= p)
        {
            Array.Resize(ref _gatheredAt, Math.Max(p + 1, 2 * _gatheredAt.Length));
            Array.Resize(ref _gathered, _gatheredAt.Length * W);
        }

        ref var block = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_gathered), p * W);
        if (_gatheredAt[p] != _bind)
        {
            var lanes = _lanes;
            for (var l = 0; l < W; l++)
            {
                Unsafe.Add(ref block, l) = lanes[l].LeanParameter(t, p);
            }

            _gatheredAt[p] = _bind;
        }

        return TV.Load(ref block);
    }

    /// <summary>
    /// The competing risks of a rate row's <paramref name="n"/> slots (<paramref name="q0"/>, lane-major) per lane: the
    /// stay <c>e^(−total·dt)</c> (returned), where <c>total &gt; 0</c> (<paramref name="positive"/>), and the scale
    /// <c>−expm1(−total·dt)/total</c> that turns each rate into its probability (0 for an infinite total), the slots'
    /// total summed in slot order, as the scalar row.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TV CompetingRisks<TV>(ref double q0, int n, double dt, out TV positive, out TV scale)
        where TV : struct, ILaneVector<TV>
    {
        var W = TV.Count;
        var zero = TV.Create(0.0);
        var total = zero;
        for (var j = 0; j < n; j++)
        {
            total += TV.Load(ref Unsafe.Add(ref q0, j * W));
        }

        var exponent = TV.Negate(total) * TV.Create(dt);
        TV u, expm1;
        if (LaneExp.Inline<TV>())
        {
            u = LaneMath.Exp(exponent, out expm1);
        }
        else
        {
            u = LaneExp.Call(exponent, out expm1);
        }

        positive = TV.GreaterThan(total, zero);
        scale = TV.Select(TV.And(positive, TV.IsFinite(total)), TV.Negate(expm1) / total, zero);
        return u;
    }

    /// <summary>The lanes (bit l) in which <see cref="RateConversion.ApplyOddsRatio"/>'s guards hold: a probability in [0, 1] and a finite, non-negative ratio.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong OddsRatioGuards<TV>(TV p, TV ratio, TV zero, TV one)
        where TV : struct, ILaneVector<TV>
        => TV.Bits(TV.And(TV.And(TV.LessThanOrEqual(zero, p), TV.LessThanOrEqual(p, one)), TV.And(TV.IsFinite(ratio), TV.LessThanOrEqual(zero, ratio))));

    /// <summary><see cref="Math.Clamp(double, double, double)"/> to [0, 1] per lane: below 0 → 0, above 1 → 1, else the value (−0 and NaN kept).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TV Clamp01<TV>(TV value, TV zero, TV one)
        where TV : struct, ILaneVector<TV>
        => TV.Select(TV.LessThan(value, zero), zero, TV.Select(TV.GreaterThan(value, one), one, value));
}

/// <summary>
/// The rate rows (<see cref="LeanRowPlan.Rate"/>) of one block (a strategy's sub-cohort) that a PSA batch computes, flattened
/// into arrays in the order the batch computes them, so that the lane kernel runs them in one call
/// (<see cref="LaneRowKernel.RateRows"/>): per row its cycle, its offset in the lane rows, its width (the union row's
/// positions), whether its slots fill them one each, its stay's slot, its entries (from <see cref="EntryStart"/>) and
/// its slots' positions (from <see cref="PositionStart"/>); per entry, as in <see cref="LeanRowPlan.RatePlan"/>, with
/// the effects' factors from <see cref="EffectStart"/>. Every row's plan shares <see cref="Factors"/>. Immutable once built.
/// </summary>
internal sealed class RateBlock
{
    public required LeanFactorTable Factors { get; init; }

    public required int[] Cycle { get; init; }

    public required int[] Offset { get; init; }

    public required int[] Width { get; init; }

    public required bool[] Direct { get; init; }

    public required int[] Balance { get; init; }

    public required int[] EntryStart { get; init; }

    public required int[] PositionStart { get; init; }

    public required int[] Position { get; init; }

    public required int[] Slot { get; init; }

    public required int[] Parameter { get; init; }

    public required double[] Value { get; init; }

    public required double[] B { get; init; }

    public required int[] EffectStart { get; init; }

    public required int[] EffectFactor { get; init; }

    /// <summary>Per row and slot (from <see cref="PositionStart"/>, as the positions), the slot's base (<see cref="LeanRowPlan.RatePlan.Base"/>).</summary>
    public required double[] SlotBase { get; init; }

    /// <summary>The most slots of a row.</summary>
    public required int MaxSlots { get; init; }

    /// <summary>
    /// The block of <paramref name="rows"/> (each a plan with its slots' positions, its offset and width in the lane rows,
    /// and whether its slots fill them one each), or null when there are none or their plans do not share a factor table.
    /// </summary>
    public static RateBlock? Of(IReadOnlyList<(LeanRowPlan Plan, int[] Position, int Offset, int Width, bool Direct)> rows)
    {
        if (rows.Count == 0 || rows.Any(r => r.Plan.Rate is null || !ReferenceEquals(r.Plan.Factors, rows[0].Plan.Factors)))
        {
            return null;
        }

        var entryStart = new int[rows.Count + 1];
        var positionStart = new int[rows.Count + 1];
        var effectStart = new List<int> { 0 };
        List<int> slot = [], parameter = [], effectFactor = [], position = [];
        List<double> value = [], b = [], slotBase = [];
        for (var i = 0; i < rows.Count; i++)
        {
            var plan = rows[i].Plan.Rate!;
            for (var e = 0; e < plan.Slot.Length; e++)
            {
                slot.Add(plan.Slot[e]);
                parameter.Add(plan.Parameter[e]);
                value.Add(plan.Value[e]);
                b.Add(plan.B[e]);
                for (var f = plan.EffectStart[e]; f < plan.EffectStart[e + 1]; f++)
                {
                    effectFactor.Add(plan.EffectFactor[f]);
                }

                effectStart.Add(effectFactor.Count);
            }

            position.AddRange(rows[i].Position);
            slotBase.AddRange(plan.Base);
            entryStart[i + 1] = slot.Count;
            positionStart[i + 1] = position.Count;
        }

        return new RateBlock
        {
            Factors = rows[0].Plan.Factors,
            Cycle = [.. rows.Select(r => r.Plan.T)],
            Offset = [.. rows.Select(r => r.Offset)],
            Width = [.. rows.Select(r => r.Width)],
            Direct = [.. rows.Select(r => r.Direct)],
            Balance = [.. rows.Select(r => r.Plan.BalanceSlot)],
            EntryStart = entryStart,
            PositionStart = positionStart,
            Position = [.. position],
            Slot = [.. slot],
            Parameter = [.. parameter],
            Value = [.. value],
            B = [.. b],
            EffectStart = [.. effectStart],
            EffectFactor = [.. effectFactor],
            SlotBase = [.. slotBase],
            MaxSlots = rows.Max(r => r.Plan.Expanded.Length),
        };
    }
}

