using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using SocialInvestment.Economics;
using SocialInvestment.Engine;
using SocialInvestment.Model;

namespace SocialInvestment.Uncertainty;

/// <summary>
/// The appraisal in lanes: the PSA's figures of all <see cref="LaneCount"/> draws of a batch at once,
/// straight from the lane-major projected ledgers <c>[t][j][lane]</c> of <see cref="PropagateLanes"/>.
/// Per lane it does the operations of <see cref="Worker"/>'s one-draw appraisal in the same order (the
/// sums over the trace points in time order, each product and difference as there, no fused
/// multiply-add), and it applies <see cref="Appraisal.Compare"/>'s rules (<see cref="AppraisalResult"/>'s
/// <c>Invests</c>, <c>Ratio</c> and <c>Payback</c>) as lane masks, so every figure is the one-draw figure
/// bit for bit, an undefined one NaN as there.
/// </summary>
internal sealed partial class CohortDrawEvaluator
{
    internal sealed partial class Worker
    {
        /// <summary>One lane group of results, for a batch shorter than the lanes.</summary>
        private double[]? _laneOut;

        /// <summary>
        /// The PSA's figures of the batch's <paramref name="count"/> draws (lanes 0 … <paramref name="count"/> − 1)
        /// from the lane-major projected ledgers, into positions <paramref name="at"/> … of the buffers: per
        /// strategy and perspective the discounted total cost, per outcome the discounted total, and against
        /// the comparator NPV, BCR, ROI and payback, as <see cref="Appraise"/> writes them for one draw.
        /// </summary>
        private void AppraiseLanes(in PsaBuffers b, int at, int count)
        {
            for (var s = 0; s < _e._strategies.Length; s++)
            {
                AppraiseLanes(b, at, count, s, _accL![s], _accL[_e._ci]);
            }
        }

        /// <summary>
        /// The figures of strategy <paramref name="s"/> for every lane at once from its lane-major ledger
        /// <paramref name="ledger"/> and the comparator's <paramref name="comparator"/> (the same array when
        /// <paramref name="s"/> is the comparator): its totals by perspective and outcome, and its appraisal against the comparator.
        /// </summary>
        private void AppraiseLanes(in PsaBuffers b, int at, int count, int s, LaneBuffer ledger, LaneBuffer comparator)
        {
            var W = _e._lanes!.W;
            if (Vector512.IsHardwareAccelerated && W % Vector512<double>.Count == 0)
            {
                // One 512-bit vector of lanes at a time (sixteen lanes in two passes: measured 1.6 µs a draw on welfare-16, against
                // 2.0 µs for one pass over both vectors, Lanes512x2, whose running values no longer fit the registers).
                for (var h = 0; h < W; h += Vector512<double>.Count)
                {
                    AppraiseLanes<Lanes512>(b, at, count, s, ledger, comparator, h);
                }
            }
            else
            {
                // One hardware vector of lanes at a time (on AVX2 each 256-bit half of the eight lanes in its own pass,
                // which keeps the appraisal's running values within the machine's sixteen registers; one pass over
                // both halves spills them).
                for (var h = 0; h < W; h += Vector<double>.Count)
                {
                    AppraiseLanes<LanesN>(b, at, count, s, ledger, comparator, h);
                }
            }
        }

        /// <summary>
        /// The figures of lanes <paramref name="h"/> … <paramref name="h"/> + <c>TL.Count</c> − 1 of strategy <paramref name="s"/>
        /// (the lanes of a batch of <paramref name="count"/> draws among them), one <typeparamref name="TL"/> at a time.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private void AppraiseLanes<TL>(in PsaBuffers b, int at, int count, int s, LaneBuffer ledger, LaneBuffer comparator, int h)
            where TL : struct, ILaneVector<TL>
        {
            var e = _e;
            var lanes = e._lanes!;
            var W = lanes.W;
            var J = lanes.Used;
            var S = e._strategies.Length;
            var V = e._figurePerspectives;
            var VA = e._coefficients.Length;
            var O = e._model.Outcomes.Count;
            var stride = b.Stride;
            var df = _work[0].CostDiscountFactors;
            var odf = _work[0].OutcomeDiscountFactors;
            var T = df.Length - 1;
            var outcomeLane = e._outcomeLane;
            var tw = J * W;
            if (count <= h)
            {
                return;
            }

            at += h;
            count = Math.Min(count - h, TL.Count);
            if ((uint)h > (uint)(W - TL.Count) || odf.Length != T + 1 || (uint)s >= (uint)S || (uint)(at + count) > (uint)stride || VA + V > J || outcomeLane + O > J
                || ledger.Length < (T + 1) * tw || comparator.Length < (T + 1) * tw)
            {
                throw new InvalidOperationException("The lane ledgers or the buffers are shorter than the appraisal.");
            }

            ref var fs = ref Unsafe.Add(ref ledger.Start, h);
            for (var v = 0; v < V; v++)
            {
                // Σ_t (B_t·d_t + I_t·d_t), in time order.
                var total = TL.Create(0);
                for (var t = 0; t <= T; t++)
                {
                    var d = TL.Create(df[t]);
                    var point = t * tw;
                    total = TL.Add(total, TL.Add(TL.Multiply(TL.Load(ref Unsafe.Add(ref fs, point + (v * W))), d), TL.Multiply(TL.Load(ref Unsafe.Add(ref fs, point + ((VA + v) * W))), d)));
                }

                Put(total, b.Costs, (((s * V) + v) * stride) + at, count);
            }

            for (var o = 0; o < O; o++)
            {
                var sum = TL.Create(0);
                for (var t = 0; t <= T; t++)
                {
                    sum = TL.Add(sum, TL.Multiply(TL.Load(ref Unsafe.Add(ref fs, (t * tw) + ((outcomeLane + o) * W))), TL.Create(odf[t])));
                }

                Put(sum, b.Outcomes, (((s * O) + o) * stride) + at, count);
            }

            var ci = e._ci;
            ref var fc = ref Unsafe.Add(ref comparator.Start, h);
            var dt = TL.Create(e._model.Options.CycleLengthYears);
            var zero = TL.Create(0);
            var one = TL.Create(1);
            var none = TL.Create(-1);
            var nan = TL.Create(double.NaN);
            var rounding = TL.Create(1e-12);
            var tolerance = TL.Create(-1e-9);
            for (var v = 0; v < V; v++)
            {
                TL npv = zero, bcr = nan, roi = nan, payback = nan;
                if (s != ci)
                {
                    // Appraisal.Compare's perspective series, lane by lane: invested I_s − I_c, its discounted
                    // form I_s·d − I_c·d, saved B_c − B_s and B_c·d − B_s·d, the net gain saved − invested.
                    TL pvi = zero, pvb = zero, scale = zero, cumulative = zero, spread = zero, lastNegative = none, point = zero;
                    // The perspective's channels at point t: B_t at [t·tw + v·W], I_t at [t·tw + (VA + v)·W] (refs stepped by tw).
                    ref var bs = ref Unsafe.Add(ref fs, v * W);
                    ref var bc = ref Unsafe.Add(ref fc, v * W);
                    var toI = VA * W;
                    for (var t = 0; t <= T; t++, point = TL.Add(point, one), bs = ref Unsafe.Add(ref bs, tw), bc = ref Unsafe.Add(ref bc, tw))
                    {
                        var d = TL.Create(df[t]);
                        TL fsj = TL.Load(ref Unsafe.Add(ref bs, toI)), fcj = TL.Load(ref Unsafe.Add(ref bc, toI));
                        TL fsi = TL.Load(ref bs), fci = TL.Load(ref bc);
                        var inv = TL.Subtract(fsj, fcj);
                        var invD = TL.Subtract(TL.Multiply(fsj, d), TL.Multiply(fcj, d));
                        var sav = TL.Subtract(fci, fsi);
                        var savD = TL.Subtract(TL.Multiply(fci, d), TL.Multiply(fsi, d));
                        var net = TL.Subtract(sav, inv);

                        // Numerics.SumInOrder of each discounted series; Invests' finiteness and scale.
                        pvi = TL.Add(pvi, invD);
                        pvb = TL.Add(pvb, savD);
                        // x − x is +0 for a finite x and NaN otherwise, so their sum stays exactly 0 while every
                        // saved amount is finite (an invested amount that is not makes PV(investment), their sum in
                        // order, ±∞ or NaN, which fails Invests as the finiteness would). The scale is a maximum of
                        // magnitudes, so the instruction's own maximum (a NaN or ±∞ among them fails Invests already).
                        spread = TL.Add(spread, TL.Subtract(savD, savD));
                        scale = TL.MaxNative(scale, TL.MaxNative(TL.Abs(invD), TL.Abs(savD)));

                        // Payback: the running net gain; below −1e-9·(1 + |NB_t|) it is still negative. The payback
                        // point is the one after the last negative point (the first of the non-negative run that
                        // ends the series), so only the last negative point is kept.
                        cumulative = TL.Add(cumulative, net);
                        var negative = TL.LessThan(cumulative, TL.Multiply(tolerance, TL.Add(one, TL.Abs(net))));
                        lastNegative = TL.Select(negative, point, lastNegative);
                    }

                    npv = TL.Subtract(pvb, pvi);

                    // Invests: every amount finite and PV(investment) above 1e-12 of the largest amount and above 0.
                    var finite = TL.Equal(spread, zero);
                    var invests = TL.And(TL.And(finite, IsFinite(pvi)), TL.And(TL.GreaterThan(pvi, TL.Multiply(rounding, scale)), TL.GreaterThan(pvi, zero)));
                    var ratio = TL.Divide(pvb, pvi);
                    bcr = TL.Select(TL.And(invests, IsFinite(ratio)), ratio, nan);
                    var r = TL.Divide(npv, pvi);
                    roi = TL.Select(TL.And(invests, IsFinite(r)), r, nan);
                    // Paid back: negative at some point (lastNegative ≥ 0) but not at the last (T), at point lastNegative + 1.
                    var paid = TL.And(TL.And(invests, IsFinite(cumulative)), TL.And(TL.GreaterThan(lastNegative, none), TL.LessThan(lastNegative, TL.Create(T))));
                    payback = TL.Select(paid, TL.Multiply(TL.Add(lastNegative, one), dt), nan);
                }

                Put(npv, b.Figures, ProbabilisticAnalysis.FigureIndex(PsaFigure.NetPresentValue, s, v, S, V, stride) + at, count);
                Put(bcr, b.Figures, ProbabilisticAnalysis.FigureIndex(PsaFigure.BenefitCostRatio, s, v, S, V, stride) + at, count);
                Put(roi, b.Figures, ProbabilisticAnalysis.FigureIndex(PsaFigure.ReturnOnInvestment, s, v, S, V, stride) + at, count);
                Put(payback, b.Figures, ProbabilisticAnalysis.FigureIndex(PsaFigure.PaybackYears, s, v, S, V, stride) + at, count);
            }

            // A finite lane: x − x is exactly 0 (NaN for ±∞ and NaN).
            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            static TL IsFinite(TL x) => TL.Equal(TL.Subtract(x, x), TL.Create(0));
        }

        /// <summary>
        /// For the tests: appraises the given lane-major ledgers (per strategy <c>[t][j][lane]</c>, <see cref="LaneCount"/>
        /// lanes, the lane layout's width per point) in lanes into <paramref name="lanes"/>, and each lane's ledger by the
        /// one-draw appraisal into <paramref name="oneByOne"/> (lane i at position i of both).
        /// </summary>
        internal void AppraiseLedgers(double[][] ledgers, in PsaBuffers lanes, in PsaBuffers oneByOne)
        {
            var layout = _e._lanes ?? throw new InvalidOperationException("The evaluator runs its draws one by one.");
            EnsureLanes(layout);
            var W = layout.W;
            var J = layout.Used;
            var Jp = _e._jp;
            for (var s = 0; s < ledgers.Length; s++)
            {
                ledgers[s].AsSpan().CopyTo(_accL![s].Span);
            }

            AppraiseLanes(lanes, 0, W);
            for (var lane = 0; lane < W; lane++)
            {
                var acc = _acc.Select(a => new double[a.Length]).ToArray();
                for (var s = 0; s < ledgers.Length; s++)
                {
                    for (var t = 0; t < ledgers[s].Length / (J * W); t++)
                    {
                        for (var j = 0; j < J; j++)
                        {
                            acc[s][(t * Jp) + j] = ledgers[s][(((t * J) + j) * W) + lane];
                        }
                    }
                }

                Appraise(oneByOne, lane, acc);
            }
        }

        /// <summary>The width of a trace point in the lane ledgers (channels and outcomes in use) and the number of trace points, for the tests.</summary>
        internal (int Width, int Points) LedgerShape() => (_e._lanes!.Used, _work[0].CostDiscountFactors.Length);

        /// <summary>The first <paramref name="count"/> lanes of <paramref name="value"/> into <paramref name="into"/> from <paramref name="index"/> on.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private void Put<TL>(TL value, double[] into, int index, int count)
            where TL : struct, ILaneVector<TL>
        {
            var W = TL.Count;
            if (count == W)
            {
                TL.Store(value, ref MemoryMarshal.GetReference(into.AsSpan(index, W)));
                return;
            }

            var scratch = _laneOut ??= new double[LaneCount];
            TL.Store(value, ref MemoryMarshal.GetArrayDataReference(scratch));
            scratch.AsSpan(0, count).CopyTo(into.AsSpan(index, count));
        }

        /// <summary>The per-payer flows of lane <paramref name="lane"/> (draw <paramref name="k"/>) read from the lane-major projected ledgers <c>[t][j][lane]</c>; the draw's parameters are in <see cref="_values"/>.</summary>
        private PsaPayerFlows PayerFlowsLane(int k, int lane)
        {
            var lanes = _e._lanes!;
            return PayerFlows(k, _accL!, lanes.Used * lanes.W, lanes.W, lane);
        }
    }
}
