using SocialInvestment.Economics;
using SocialInvestment.Engine;
using SocialInvestment.Model;
using SocialInvestment.Uncertainty;

namespace SocialInvestment.Reporting;

/// <summary>The numbers behind the charts, computed from the core results (kept apart from drawing so that tests can check them).</summary>
internal static class ReportSeries
{
    /// <summary>
    /// The x axis of a result: age at each trace point (start age + t·Δt) when every population
    /// group starts at the same age, otherwise years since the start.
    /// </summary>
    public static (double[] X, string Label) TimeAxis(SimulationResult result)
    {
        var groups = result.Model.Population.Groups;
        var sameAge = groups.Count > 0 && groups.All(g => g.StartAge == groups[0].StartAge);
        var start = sameAge ? groups[0].StartAge : 0.0;
        var x = new double[result.Cycles + 1];
        for (var t = 0; t <= result.Cycles; t++)
        {
            x[t] = start + (t * result.CycleLengthYears);
        }

        return (x, sameAge ? "axis.age" : "axis.yearsSinceStart");
    }

    /// <summary>
    /// The first and last trace points that the counting convention weights (w_t ≠ 0): flows at the
    /// other points are zero by convention, not by the model, and are left out of flow charts.
    /// </summary>
    public static (int First, int Last) CountedRange(SimulationResult result)
    {
        var w = result.Model.Options.StateWeights.For(result.Cycles);
        var first = Array.FindIndex(w, v => v != 0);
        var last = Array.FindLastIndex(w, v => v != 0);
        return first < 0 ? (0, result.Cycles) : (first, last);
    }

    /// <summary>Share (0–100 %) of the population in each state at each trace point; [state][t].</summary>
    public static double[][] OccupancyPercent(SimulationResult result)
    {
        var n = result.States.Count;
        var shares = new double[n][];
        for (var s = 0; s < n; s++)
        {
            shares[s] = new double[result.Cycles + 1];
        }

        for (var t = 0; t <= result.Cycles; t++)
        {
            var row = result.TraceRow(t);
            var total = 0.0;
            foreach (var v in row)
            {
                total += v;
            }

            for (var s = 0; s < n; s++)
            {
                shares[s][t] = total > 0 ? 100.0 * row[s] / total : 0.0;
            }
        }

        return shares;
    }

    /// <summary>Payer names in model order, then any payer that only appears in an account.</summary>
    public static IReadOnlyList<string> PayerNames(SimulationResult result)
    {
        var names = result.Model.Payers.Select(p => p.Name).ToList();
        foreach (var a in result.Accounts)
        {
            if (!names.Contains(a.Payer.Name))
            {
                names.Add(a.Payer.Name);
            }
        }

        return names;
    }

    /// <summary>
    /// Factor that turns an incremental ledger amount into a net gain (+ = the payer is better off):
    /// ledger rows already carry net gains, so 1.
    /// </summary>
    internal const double LedgerToGain = 1.0;

    /// <summary>
    /// Incremental net gain per payer at each trace point (strategy − comparator, summed over the
    /// payer's accounts; + = the payer is better off), undiscounted or discounted; [payer][t].
    /// </summary>
    public static double[][] NetGainByPayer(AppraisalResult appraisal, IReadOnlyList<string> payers, bool discounted)
    {
        var length = appraisal.NetBenefitByCycleDiscounted.Count;
        var series = payers.Select(_ => new double[length]).ToArray();
        foreach (var row in appraisal.Ledger)
        {
            var p = IndexOf(payers, row.Account.Payer.Name);
            var values = discounted ? row.PerCycleDiscounted : row.PerCycle;
            for (var t = 0; t < length; t++)
            {
                series[p][t] += LedgerToGain * values[t];
            }
        }

        return series;
    }

    /// <summary>
    /// Cumulative discounted net gain per payer (Σ_{τ≤t} of <see cref="NetGainByPayer"/>,
    /// discounted; + = the payer is ahead); [payer][t].
    /// </summary>
    public static double[][] CumulativeNetBenefitByPayer(AppraisalResult appraisal, IReadOnlyList<string> payers)
    {
        var series = NetGainByPayer(appraisal, payers, discounted: true);
        foreach (var s in series)
        {
            Accumulate(s);
        }

        return series;
    }

    /// <summary>Cumulative discounted net benefit of a perspective (Σ_{τ≤t} NB_τ, + = ahead).</summary>
    public static double[] CumulativeNetBenefit(AppraisalResult appraisal)
    {
        var s = appraisal.NetBenefitByCycleDiscounted.ToArray();
        Accumulate(s);
        return s;
    }

    /// <summary>Number of people in each state under a strategy minus under the comparator, at each trace point; [state][t].</summary>
    public static double[][] IncrementalOccupancy(SimulationResult strategy, SimulationResult comparator)
    {
        var n = strategy.States.Count;
        var length = Math.Min(strategy.Cycles, comparator.Cycles) + 1;
        var diff = new double[n][];
        for (var s = 0; s < n; s++)
        {
            diff[s] = new double[length];
            for (var t = 0; t < length; t++)
            {
                diff[s][t] = strategy.Occupancy(t, s) - comparator.Occupancy(t, strategy.States[s].Name);
            }
        }

        return diff;
    }

    /// <summary>NPV against the comparator per draw for every strategy, the comparator's own row all zero; [strategy][draw].</summary>
    public static double[][] NpvDraws(PsaResult psa, Perspective perspective) =>
        psa.Strategies.Select((s, i) => i == psa.ComparatorIndex
            ? new double[psa.Draws]
            : psa.Values(PsaFigure.NetPresentValue, s, perspective).ToArray().Select(v => double.IsFinite(v) ? v : 0).ToArray()).ToArray();

    /// <summary>
    /// Share of draws in which each strategy (the comparator included) has the highest NPV from a
    /// perspective (ties go to the first strategy), and the index of the strategy with the highest
    /// mean NPV (the acceptability frontier).
    /// </summary>
    public static (double[] ProbabilityBest, int Frontier) Acceptability(PsaResult psa, Perspective perspective)
    {
        var npv = NpvDraws(psa, perspective);
        var counts = new double[npv.Length];
        for (var k = 0; k < psa.Draws; k++)
        {
            var best = 0;
            for (var s = 1; s < npv.Length; s++)
            {
                if (npv[s][k] > npv[best][k])
                {
                    best = s;
                }
            }

            counts[best]++;
        }

        var means = npv.Select(d => d.Average()).ToArray();
        var frontier = 0;
        for (var s = 1; s < means.Length; s++)
        {
            if (means[s] > means[frontier])
            {
                frontier = s;
            }
        }

        return (counts.Select(c => c / psa.Draws).ToArray(), frontier);
    }

    /// <summary>
    /// Expected value of perfect information from a perspective, in money for the modelled
    /// population: <c>mean_k max_s NPV_s,k − max_s mean_k NPV_s,k</c> (comparator NPV = 0).
    /// </summary>
    public static double Evpi(PsaResult psa, Perspective perspective)
    {
        var npv = NpvDraws(psa, perspective);
        var withInfo = 0.0;
        for (var k = 0; k < psa.Draws; k++)
        {
            var max = double.NegativeInfinity;
            foreach (var s in npv)
            {
                max = Math.Max(max, s[k]);
            }

            withInfo += max;
        }

        withInfo /= psa.Draws;
        return Math.Max(0, withInfo - npv.Max(d => d.Average()));
    }

    private static void Accumulate(double[] values)
    {
        for (var t = 1; t < values.Length; t++)
        {
            values[t] += values[t - 1];
        }
    }

    private static int IndexOf(IReadOnlyList<string> names, string name)
    {
        for (var i = 0; i < names.Count; i++)
        {
            if (names[i] == name)
            {
                return i;
            }
        }

        throw new InvalidOperationException($"Unknown payer '{name}'.");
    }
}
