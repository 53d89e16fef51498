using SocialInvestment.Model;
using SocialInvestment.Uncertainty;

namespace SocialInvestment.Tests.Model;

/// <summary>
/// The lane row kernel (<see cref="LaneRowKernel"/>, W draws in the lanes of a vector) against the scalar
/// lean row (<see cref="SubcohortCompiler.LeanRow"/>) of each lane's own compilation, on every row of a
/// model that has a lean plan, for batches of W consecutive draws: per lane the kernel must accept
/// exactly the rows the scalar row accepts, and give the same doubles bit for bit (−0 and +0 told
/// apart). Likewise the lean cells (<see cref="LaneRowKernel.Cell"/> against <see cref="SubcohortCompiler.LeanCell"/>,
/// projected onto three channels with arbitrary coefficients). Shared by the core's and the CSV layer's
/// tests (the Norwegian default).
/// </summary>
internal static class LaneRowComparison
{
    /// <summary>Compares <paramref name="batches"/> batches of draws (seed <paramref name="seed"/>); returns the lane rows compared, those both reject, the lane cells compared, and the mismatches.</summary>
    public static (int Rows, int Rejected, int Cells, List<string> Mismatches) Compare(LifeCourseModel model, PsaSpecification spec, int batches, ulong seed = 17)
    {
        var W = CohortDrawEvaluator.LaneCount;
        var words = (model.Parameters.Count + 63) / 64;
        var changed = new ulong[Math.Max(1, words)];
        foreach (var p in spec.UncertainParameters)
        {
            changed[p.Index >> 6] |= 1UL << (p.Index & 63);
        }

        int compared = 0, rejected = 0, cellsCompared = 0;
        const int V = 3;
        var random = new Random(5);
        var coefficients = Enumerable.Range(0, model.Accounts.Count * V).Select(_ => random.NextDouble() - 0.3).ToArray();
        var O = model.Outcomes.Count;
        var mismatches = new List<string>();
        var kernel = new LaneRowKernel(W);
        foreach (var strategy in model.Strategies)
        {
            var c0 = Compilation.Start(model, strategy, model.BaseParameters, [], null)!;
            var plans = c0.PlanSubcohorts();
            int T = c0.T, N = c0.N;
            var rows = new List<LeanRowPlan>[plans.Count];
            var cells = new List<(LeanCellPlan Plan, double[] Fixed)>[plans.Count];
            for (var si = 0; si < plans.Count; si++)
            {
                rows[si] = [];
                cells[si] = [];
                var planner = new SubcohortCompiler(c0, plans[si]);
                var values = new double[64];
                for (var t = 0; t <= T; t++)
                {
                    for (var x = 0; x < N; x++)
                    {
                        if (t < T && planner.PlanLeanRow(t, x, planner.RowEntries(t, x, changed, values), values) is { } lean)
                        {
                            rows[si].Add(lean);
                        }

                        if (planner.PlanLeanCell(t, x, planner.CellEntries(t, x, changed, values), values) is { } cell)
                        {
                            cells[si].Add((cell, [.. Enumerable.Range(0, 2 * V).Select(_ => random.NextDouble())]));
                        }
                    }
                }
            }

            var lanes = new Compilation[W];
            for (var l = 0; l < W; l++)
            {
                lanes[l] = Compilation.Start(model, strategy, model.BaseParameters, [], null)!;
            }

            var compilers = new SubcohortCompiler?[plans.Count][];
            for (var si = 0; si < plans.Count; si++)
            {
                compilers[si] = new SubcohortCompiler?[W];
            }

            for (var b = 0; b < batches; b++)
            {
                var splits = new List<SubcohortPlan>[W];
                var usable = true;
                for (var l = 0; l < W && usable; l++)
                {
                    usable = lanes[l].Rebind(spec.Draw(seed, (b * W) + l));
                    if (usable)
                    {
                        splits[l] = lanes[l].PlanSubcohorts();
                        usable = splits[l].Count == plans.Count && splits[l].Select((p, i) => p.Mask == plans[i].Mask && p.StartAge == plans[i].StartAge).All(same => same);
                    }
                }

                if (!usable)
                {
                    continue;
                }

                for (var si = 0; si < plans.Count; si++)
                {
                    var block = new SubcohortCompiler[W];
                    for (var l = 0; l < W; l++)
                    {
                        if (compilers[si][l] is { } compiler)
                        {
                            compiler.Rebind(splits[l][si]);
                        }
                        else
                        {
                            compilers[si][l] = new SubcohortCompiler(lanes[l], splits[l][si]);
                        }

                        block[l] = compilers[si][l]!;
                    }

                    kernel.Bind(block);
                    foreach (var lean in rows[si])
                    {
                        var distinct = lean.Expanded.Distinct().ToArray();
                        var position = lean.Expanded.Select(y => Array.IndexOf(distinct, y)).ToArray();
                        var output = new double[distinct.Length * W];
                        var failed = kernel.Row(lean, output, position, distinct.Length);
                        for (var l = 0; l < W; l++)
                        {
                            var row = new double[N];
                            var ok = block[l].LeanRow(lean, row);
                            compared++;
                            var where = $"{strategy.Name} sub-cohort {si} row ({lean.T}, {lean.X}) draw {(b * W) + l}";
                            if (ok == ((failed & (1UL << l)) != 0))
                            {
                                mismatches.Add($"{where}: lanes {(ok ? "reject" : "accept")}, scalar {(ok ? "accepts" : "rejects")}");
                            }
                            else if (!ok)
                            {
                                rejected++;
                            }
                            else
                            {
                                for (var i = 0; i < distinct.Length; i++)
                                {
                                    if (BitConverter.DoubleToInt64Bits(output[(i * W) + l]) != BitConverter.DoubleToInt64Bits(row[distinct[i]]))
                                    {
                                        mismatches.Add($"{where} to {distinct[i]}: lanes {output[(i * W) + l]:R}, scalar {row[distinct[i]]:R}");
                                        break;
                                    }
                                }
                            }
                        }
                    }

                    foreach (var (cell, fixedProjection) in cells[si])
                    {
                        var J = (2 * V) + O;
                        var output = new double[J * W];
                        var failed = kernel.Cell(cell, fixedProjection, coefficients, V, 2 * V, O, output);
                        for (var l = 0; l < W; l++)
                        {
                            var g = new double[J];
                            var ok = block[l].LeanCell(cell, fixedProjection, coefficients, V, 2 * V, g);
                            cellsCompared++;
                            var where = $"{strategy.Name} sub-cohort {si} cell ({cell.T}, {cell.X}) draw {(b * W) + l}";
                            if (ok == ((failed & (1UL << l)) != 0))
                            {
                                mismatches.Add($"{where}: lanes {(ok ? "reject" : "accept")}, scalar {(ok ? "accepts" : "rejects")}");
                            }
                            else if (ok)
                            {
                                for (var j = 0; j < J; j++)
                                {
                                    if (BitConverter.DoubleToInt64Bits(output[(j * W) + l]) != BitConverter.DoubleToInt64Bits(g[j]))
                                    {
                                        mismatches.Add($"{where} channel {j}: lanes {output[(j * W) + l]:R}, scalar {g[j]:R}");
                                        break;
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }

        return (compared, rejected, cellsCompared, mismatches);
    }
}
