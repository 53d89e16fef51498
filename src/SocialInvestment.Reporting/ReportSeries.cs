using SocialInvestment.Economics;
using SocialInvestment.Engine;

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

        return (x, sameAge ? "Age (years)" : "Years since start");
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

    /// <summary>Net undiscounted flow per payer at each trace point (base and intervention flows, positive = cost); [payer][t].</summary>
    public static double[][] FlowsByPayer(SimulationResult result, IReadOnlyList<string> payers)
    {
        var series = payers.Select(_ => new double[result.Cycles + 1]).ToArray();
        for (var a = 0; a < result.Accounts.Count; a++)
        {
            var p = IndexOf(payers, result.Accounts[a].Payer.Name);
            for (var t = 0; t <= result.Cycles; t++)
            {
                series[p][t] += result.Flow(t, a, FlowOrigin.Base, false) + result.Flow(t, a, FlowOrigin.Intervention, false);
            }
        }

        return series;
    }

    /// <summary>
    /// Cumulative discounted net benefit per payer (−Σ_{τ≤t} Σ_{accounts of the payer} ΔC_τ,
    /// discounted; positive = the payer is ahead); [payer][t].
    /// </summary>
    public static double[][] CumulativeNetBenefitByPayer(AppraisalResult appraisal, IReadOnlyList<string> payers)
    {
        var length = appraisal.NetBenefitByCycleDiscounted.Count;
        var series = payers.Select(_ => new double[length]).ToArray();
        foreach (var row in appraisal.Ledger)
        {
            var p = IndexOf(payers, row.Account.Payer.Name);
            for (var t = 0; t < length; t++)
            {
                series[p][t] += row.PerCycleDiscounted[t];
            }
        }

        foreach (var s in series)
        {
            Accumulate(s);
        }

        return series;
    }

    /// <summary>Cumulative discounted net benefit of a perspective (Σ_{τ≤t} NB_τ).</summary>
    public static double[] CumulativeNetBenefit(AppraisalResult appraisal)
    {
        var s = appraisal.NetBenefitByCycleDiscounted.ToArray();
        Accumulate(s);
        return s;
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
