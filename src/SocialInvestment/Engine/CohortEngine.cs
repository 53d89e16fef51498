using System.Runtime.CompilerServices;
using SocialInvestment.Model;

namespace SocialInvestment.Engine;

/// <summary>Progress of a multi-strategy run.</summary>
/// <param name="Completed">Units of work done.</param>
/// <param name="Total">Units of work in all.</param>
/// <param name="Stage">What is being done.</param>
public readonly record struct RunProgress(int Completed, int Total, string Stage);

/// <summary>
/// The exact cohort engine: propagates the expected occupancy <c>m_{t+1} = m_t·P_t</c> of every
/// sub-cohort and accumulates weighted flows and outcomes. The cycle loop touches only arrays
/// prepared by compilation: no allocation, no virtual call, no dictionary. Stateless and thread-safe.
/// </summary>
public static class CohortEngine
{
    /// <summary>Compiles and runs one strategy.</summary>
    /// <param name="model">The model.</param>
    /// <param name="strategy">The strategy.</param>
    /// <param name="parameters">Parameter values; null for the base case.</param>
    /// <param name="cancellationToken">Cancels the run.</param>
    public static CohortResult Run(LifeCourseModel model, Strategy strategy, ParameterValues? parameters = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        return RunCompiled(model.Compile(strategy, parameters), cancellationToken);
    }

    /// <summary>Runs every registered strategy of a model (business as usual when none is registered).</summary>
    /// <param name="model">The model.</param>
    /// <param name="parameters">Parameter values; null for the base case.</param>
    /// <param name="progress">Receives one report per strategy.</param>
    /// <param name="cancellationToken">Cancels the run.</param>
    public static IReadOnlyList<CohortResult> RunAll(LifeCourseModel model, ParameterValues? parameters = null, IProgress<RunProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        var strategies = model.Strategies.Count == 0 ? [Strategy.BusinessAsUsual] : model.Strategies;
        var results = new CohortResult[strategies.Count];
        for (var i = 0; i < strategies.Count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            results[i] = Run(model, strategies[i], parameters, cancellationToken);
            progress?.Report(new RunProgress(i + 1, strategies.Count, strategies[i].Name));
        }

        return results;
    }

    /// <summary>Runs a compiled model.</summary>
    /// <param name="compiled">The compiled model.</param>
    /// <param name="cancellationToken">Cancels the run (checked between sub-cohorts).</param>
    public static CohortResult RunCompiled(CompiledModel compiled, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(compiled);
        var T = compiled.Cycles;
        var B = compiled.BaseStateCount;
        var L = compiled.LedgerCount;
        var O = compiled.OutcomeCount;
        var N = compiled.ExpandedStateCount;
        var trace = new double[(T + 1) * B];
        var flows = new double[(T + 1) * L];
        var outcomes = new double[(T + 1) * Math.Max(O, 1)];
        var m = new double[N];
        var next = new double[N];
        foreach (var sc in compiled.Subcohorts)
        {
            cancellationToken.ThrowIfCancellationRequested();
            Propagate(compiled, sc, m, next, trace, flows, outcomes);
        }

        return new CohortResult(compiled.Model, compiled.Strategy, compiled.Parameters, trace, flows, O == 0 ? [] : outcomes, compiled.CostDiscountFactors, compiled.OutcomeDiscountFactors);
    }

    /// <summary>
    /// The cycle loop for one sub-cohort. Allocation-free. Rows and flow cells are visited only at
    /// their structural non-zeros (<see cref="CompiledModel.Columns"/>, <see cref="CompiledModel.Cells"/>):
    /// every entry left out is exactly 0, so the sums are those of the dense loop, term for term.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void Propagate(CompiledModel c, Subcohort sc, double[] mBuffer, double[] nextBuffer, double[] trace, double[] flows, double[] outcomes)
    {
        var T = c.Cycles;
        var B = c.BaseStateCount;
        var L = c.LedgerCount;
        var O = c.OutcomeCount;
        var N = c.ExpandedStateCount;
        var baseOf = c.BaseOf;
        var columns = c.Columns;
        var cells = c.Cells;
        var w = c.StateWeights;
        var r = c.PreviousWeights;
        var ew = c.EventWeights;
        var E = sc.EventFrom.Length;
        var EO = sc.OutcomeEventFrom.Length;
        var F = sc.StateFlows;
        var P = sc.P;
        var m = mBuffer.AsSpan(0, N);
        var next = nextBuffer.AsSpan(0, N);
        sc.Initial.AsSpan().CopyTo(m);

        var up = sc.Upfront;
        for (var l = 0; l < L; l++)
        {
            flows[l] += up[l];
        }

        for (var t = 0; t <= T; t++)
        {
            var wt = w[t];
            var traceRow = trace.AsSpan(t * B, B);
            for (var x = 0; x < N; x++)
            {
                var mx = m[x];
                if (mx == 0)
                {
                    continue;
                }

                traceRow[baseOf[x]] += mx;
                var cx = cells[x];
                if (r is not null && t > 0)
                {
                    // Per-cycle conventions: the end half of cycle t − 1, with that cycle's values, in its row.
                    var rm = r[t] * mx;
                    var from = (((t - 1) * N) + x) * L;
                    var to = (t - 1) * L;
                    foreach (var l in cx)
                    {
                        flows[to + l] += rm * F[from + l];
                    }

                    if (O > 0)
                    {
                        Axpy(rm, sc.StateOutcomes.AsSpan((((t - 1) * N) + x) * O, O), outcomes.AsSpan((t - 1) * O, O));
                    }
                }

                if (wt == 0)
                {
                    continue;
                }

                var wm = wt * mx;
                var cellFrom = ((t * N) + x) * L;
                var cellTo = t * L;
                foreach (var l in cx)
                {
                    flows[cellTo + l] += wm * F[cellFrom + l];
                }

                if (O > 0)
                {
                    Axpy(wm, sc.StateOutcomes.AsSpan(((t * N) + x) * O, O), outcomes.AsSpan(t * O, O));
                }
            }

            if (t == T)
            {
                break;
            }

            var pt = t * N * N;
            if (E > 0)
            {
                var arrive = flows.AsSpan((t + 1) * L, L);
                var amounts = sc.EventAmounts.AsSpan(t * E, E);
                var weight = ew[t + 1];
                for (var e = 0; e < E; e++)
                {
                    var from = sc.EventFrom[e];
                    arrive[sc.EventLedger[e]] += weight * m[from] * P[pt + (from * N) + sc.EventTo[e]] * amounts[e];
                }
            }

            if (EO > 0)
            {
                var arrive = outcomes.AsSpan((t + 1) * O, O);
                var values = sc.OutcomeEventValues.AsSpan(t * EO, EO);
                var weight = ew[t + 1];
                for (var e = 0; e < EO; e++)
                {
                    var from = sc.OutcomeEventFrom[e];
                    arrive[sc.OutcomeEventIndex[e]] += weight * m[from] * P[pt + (from * N) + sc.OutcomeEventTo[e]] * values[e];
                }
            }

            next.Clear();
            for (var x = 0; x < N; x++)
            {
                var mx = m[x];
                if (mx != 0)
                {
                    var rowAt = pt + (x * N);
                    foreach (var y in columns[x])
                    {
                        next[y] += mx * P[rowAt + y];
                    }
                }
            }

            var tmp = m;
            m = next;
            next = tmp;
        }
    }

    /// <summary><c>y += a·x</c>.</summary>
    internal static void Axpy(double a, ReadOnlySpan<double> x, Span<double> y)
    {
        if (System.Numerics.Vector.IsHardwareAccelerated && x.Length >= System.Numerics.Vector<double>.Count)
        {
            var width = System.Numerics.Vector<double>.Count;
            var va = new System.Numerics.Vector<double>(a);
            var i = 0;
            for (; i <= x.Length - width; i += width)
            {
                var vy = new System.Numerics.Vector<double>(y.Slice(i, width));
                var vx = new System.Numerics.Vector<double>(x.Slice(i, width));
                (vy + (va * vx)).CopyTo(y.Slice(i, width));
            }

            for (; i < x.Length; i++)
            {
                y[i] += a * x[i];
            }

            return;
        }

        for (var i = 0; i < x.Length; i++)
        {
            y[i] += a * x[i];
        }
    }
}
