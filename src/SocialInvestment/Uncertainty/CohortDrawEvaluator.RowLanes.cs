using SocialInvestment.Model;

namespace SocialInvestment.Uncertainty;

/// <summary>
/// The dependent transition rows of a batch computed for all lanes at once (<see cref="LaneRowKernel"/>):
/// a lean row's drawn entries are evaluated per lane and its maths runs on vectors, written straight
/// into the lane-major rows (<c>[i·W + lane]</c> over the union of the strategies' structural
/// non-zeros). A lane whose row fails a check, and a row without a lean plan, go through the scalar path
/// as before (the lean row, then the general kernel, which reports).
/// </summary>
internal sealed partial class CohortDrawEvaluator
{
    internal sealed partial class Worker
    {
        private LaneRowKernel? _rowKernel;
        private SubcohortCompiler[]? _blockLanes;

        /// <summary>Per strategy, sub-cohort and dependent row, the position of each slot of its lean plan in the union row (null: no lean plan, or a slot outside the union).</summary>
        private int[]?[]?[][]? _rowPositions;

        /// <summary>Per strategy, sub-cohort and dependent row with positions: its slots fill the union row's positions one each (<see cref="LaneRowKernel.Direct"/> at the union row's width).</summary>
        private bool[]?[][]? _rowDirect;

        /// <summary>Per strategy and sub-cohort, the rate rows a batch computes in one call (<see cref="RateBlock"/>; null: none), and per dependent row its index there (−1: not in it).</summary>
        private (RateBlock? Block, int[] At)?[][]? _rateBlocks;

        /// <summary>The failing lanes of each row of a <see cref="RateBlock"/>.</summary>
        private ulong[] _rateFails = [];

        /// <summary>
        /// The rate rows of block (<paramref name="s"/>, <paramref name="si"/>) among those a batch computes, in one
        /// <see cref="RateBlock"/>, and per dependent row its index there; built once per worker.
        /// </summary>
        private (RateBlock? Block, int[] At) RateRowsOf(int s, int si, int[]?[] positions, bool[] direct)
        {
            var e = _e;
            var lanes = e._lanes!;
            _rateBlocks ??= [.. e._plans.Select(p => new (RateBlock?, int[])?[p.Rows.Length])];
            if (_rateBlocks[s][si] is { } built)
            {
                return built;
            }

            var plan = e._plans[s];
            var rows = plan.Rows[si];
            var lean = plan.RowLean[si];
            var N = _work[s].ExpandedStateCount;
            var at = new int[rows.Length];
            Array.Fill(at, -1);
            var list = new List<(LeanRowPlan, int[], int, int, bool)>();
            foreach (var k in lanes.RowsComputed[s][si])
            {
                var x = rows[k] % N;
                if (lean[k] is { Rate: not null } r && positions[k] is { } position)
                {
                    at[k] = list.Count;
                    list.Add((r, position, lanes.RowOffset[s][si][rows[k]], lanes.Start[x + 1] - lanes.Start[x], direct[k]));
                }
            }

            var block = RateBlock.Of(list);
            if (block is null)
            {
                Array.Fill(at, -1);
            }

            if (_rateFails.Length < list.Count)
            {
                _rateFails = new ulong[list.Count];
            }

            var result = (block, at);
            _rateBlocks[s][si] = result;
            return result;
        }

        /// <summary>
        /// Binds the lane row kernel to the lane compilers of sub-cohort <paramref name="si"/> of strategy
        /// <paramref name="s"/> (after their rebind for the batch) and returns it with the block's slot positions.
        /// </summary>
        private (LaneRowKernel Kernel, int[]?[] Positions, bool[] Direct) BindRowLanes(int s, int si)
        {
            var e = _e;
            var lanes = e._lanes!;
            var W = lanes.W;
            var kernel = _rowKernel ??= new LaneRowKernel(W);
            var block = _blockLanes ??= new SubcohortCompiler[W];
            var compilers = _laneCompilers!;
            for (var lane = 0; lane < W; lane++)
            {
                block[lane] = compilers[lane][s][si]!;
            }

            kernel.Bind(block);
            _rowPositions ??= [.. e._plans.Select(p => new int[]?[]?[p.Rows.Length])];
            var lean = e._plans[s].RowLean[si];
            var positions = _rowPositions[s][si] ??= RowPositions(lean, lanes);
            _rowDirect ??= [.. e._plans.Select(p => new bool[]?[p.Rows.Length])];
            var direct = _rowDirect[s][si] ??= RowDirect(lean, positions, lanes);
            return (kernel, positions, direct);
        }

        /// <summary>Per lean plan with positions, whether its slots fill its union row's positions one each (<see cref="LaneRowKernel.Direct"/> at that row's width).</summary>
        private static bool[] RowDirect(LeanRowPlan?[] plans, int[]?[] positions, LaneLayout lanes)
        {
            var direct = new bool[plans.Length];
            for (var k = 0; k < plans.Length; k++)
            {
                if (plans[k] is { } r && positions[k] is { } position)
                {
                    direct[k] = LaneRowKernel.Direct(position, lanes.Start[r.X + 1] - lanes.Start[r.X]);
                }
            }

            return direct;
        }

        /// <summary>Per lean plan, its slots' positions among the structural non-zeros of its row in the lane layout; null where a slot is not among them.</summary>
        private static int[]?[] RowPositions(LeanRowPlan?[] plans, LaneLayout lanes)
        {
            var positions = new int[]?[plans.Length];
            for (var k = 0; k < plans.Length; k++)
            {
                if (plans[k] is not { } r)
                {
                    continue;
                }

                var from = lanes.Start[r.X];
                var n = lanes.Start[r.X + 1] - from;
                var position = new int[r.Expanded.Length];
                var ok = true;
                for (var j = 0; j < position.Length && ok; j++)
                {
                    position[j] = Array.IndexOf(lanes.Index, r.Expanded[j], from, n) - from;
                    ok = position[j] >= 0;
                }

                positions[k] = ok ? position : null;
            }

            return positions;
        }
    }
}
