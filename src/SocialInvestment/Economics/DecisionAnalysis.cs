using SocialInvestment.Model;

namespace SocialInvestment.Economics;

/// <summary>Dominance status of a strategy on the cost-effectiveness frontier.</summary>
public enum DominanceStatus
{
    /// <summary>On the efficient frontier.</summary>
    NonDominated = 0,

    /// <summary>Extendedly (weakly) dominated: a mix of two other strategies is better.</summary>
    ExtendedlyDominated = 1,

    /// <summary>Strongly dominated: another strategy costs no more and is at least as effective.</summary>
    Dominated = 2,
}

/// <summary>A strategy's cost and effect, the input of <see cref="DecisionAnalysis.CalculateIcers"/>.</summary>
/// <param name="Strategy">The strategy (its <see cref="Model.Strategy.Name"/> names it; names must be unique).</param>
/// <param name="Cost">Expected (discounted) cost.</param>
/// <param name="Effect">Expected (discounted) effect.</param>
public readonly record struct StrategyOutcome(Strategy Strategy, double Cost, double Effect);

/// <summary>One row of an ICER table. Increments and ICER are null for the reference and for dominated strategies.</summary>
/// <param name="Strategy">The strategy.</param>
/// <param name="Cost">Cost.</param>
/// <param name="Effect">Effect.</param>
/// <param name="IncrementalCost">Cost minus the cost of the previous non-dominated strategy.</param>
/// <param name="IncrementalEffect">Effect minus the effect of the previous non-dominated strategy.</param>
/// <param name="Icer">Incremental cost-effectiveness ratio.</param>
/// <param name="Status">Dominance status.</param>
public sealed record IcerRow(Strategy Strategy, double Cost, double Effect, double? IncrementalCost, double? IncrementalEffect, double? Icer, DominanceStatus Status);

/// <summary>Decision rules across many strategies: ICERs with strong and extended dominance, net monetary benefit.</summary>
public static class DecisionAnalysis
{
    /// <summary>
    /// Computes incremental cost-effectiveness ratios along the efficient frontier, as dampack's
    /// <c>calculate_icers</c> (DARTH-git/dampack): strategies are sorted by cost (ties: higher effect
    /// first); a strategy is strongly dominated when a cheaper-or-equal one has at least its effect;
    /// among the rest, a strategy whose ICER exceeds the next one's is extendedly dominated, repeatedly
    /// until ICERs increase. Rows: non-dominated by cost, then extendedly dominated, then dominated.
    /// With one strategy, it is the reference with no ICER.
    /// </summary>
    /// <param name="strategies">Costs and effects; names must be unique.</param>
    /// <returns>The ICER table.</returns>
    public static IReadOnlyList<IcerRow> CalculateIcers(IReadOnlyList<StrategyOutcome> strategies)
    {
        ArgumentNullException.ThrowIfNull(strategies);
        if (strategies.Count == 0)
        {
            return [];
        }

        if (strategies.Any(s => s.Strategy is null))
        {
            throw new ArgumentException("Every strategy outcome needs its strategy.", nameof(strategies));
        }

        if (strategies.Select(s => s.Strategy.Name).Distinct(StringComparer.Ordinal).Count() != strategies.Count)
        {
            throw new ArgumentException("Strategy names must be unique.", nameof(strategies));
        }

        foreach (var s in strategies)
        {
            if (!double.IsFinite(s.Cost) || !double.IsFinite(s.Effect))
            {
                throw new ArgumentException($"Strategy '{s.Strategy}' has a non-finite cost or effect.", nameof(strategies));
            }
        }

        var sorted = strategies.Select((s, i) => (s, i)).OrderBy(x => x.s.Cost).ThenByDescending(x => x.s.Effect).ThenBy(x => x.i).Select(x => x.s).ToList();
        var dominated = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < sorted.Count - 1; i++)
        {
            for (var j = i + 1; j < sorted.Count; j++)
            {
                if (sorted[j].Effect <= sorted[i].Effect)
                {
                    dominated.Add(sorted[j].Strategy.Name);
                }
            }
        }

        var frontier = sorted.Where(s => !dominated.Contains(s.Strategy.Name)).ToList();
        var extended = new List<StrategyOutcome>();
        while (true)
        {
            var icers = Icers(frontier);
            var removed = -1;
            for (var i = 1; i < frontier.Count - 1; i++)
            {
                if (icers[i] > icers[i + 1])
                {
                    removed = i;
                    break;
                }
            }

            if (removed < 0)
            {
                break;
            }

            extended.Add(frontier[removed]);
            frontier.RemoveAt(removed);
        }

        var rows = new List<IcerRow>();
        for (var i = 0; i < frontier.Count; i++)
        {
            var s = frontier[i];
            if (i == 0)
            {
                rows.Add(new IcerRow(s.Strategy, s.Cost, s.Effect, null, null, null, DominanceStatus.NonDominated));
            }
            else
            {
                var dc = s.Cost - frontier[i - 1].Cost;
                var de = s.Effect - frontier[i - 1].Effect;
                rows.Add(new IcerRow(s.Strategy, s.Cost, s.Effect, dc, de, dc / de, DominanceStatus.NonDominated));
            }
        }

        rows.AddRange(extended.OrderBy(s => s.Cost).Select(s => new IcerRow(s.Strategy, s.Cost, s.Effect, null, null, null, DominanceStatus.ExtendedlyDominated)));
        rows.AddRange(sorted.Where(s => dominated.Contains(s.Strategy.Name)).Select(s => new IcerRow(s.Strategy, s.Cost, s.Effect, null, null, null, DominanceStatus.Dominated)));
        return rows;
    }

    /// <summary>Net monetary benefit: <c>NMB = λ·effect − cost</c>.</summary>
    /// <param name="cost">Cost.</param>
    /// <param name="effect">Effect.</param>
    /// <param name="willingnessToPay">Value λ of one unit of effect.</param>
    public static double NetMonetaryBenefit(double cost, double effect, double willingnessToPay) => (willingnessToPay * effect) - cost;

    private static double[] Icers(List<StrategyOutcome> frontier)
    {
        var icers = new double[frontier.Count];
        for (var i = 1; i < frontier.Count; i++)
        {
            icers[i] = (frontier[i].Cost - frontier[i - 1].Cost) / (frontier[i].Effect - frontier[i - 1].Effect);
        }

        return icers;
    }
}
