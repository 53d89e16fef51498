using SocialInvestment.Model;

namespace SocialInvestment.Decisions;

/// <summary>The risk measures of a portfolio's NPV draws.</summary>
public static class PortfolioRiskMeasures
{
    /// <summary>
    /// The tail NPV at level α: the mean of the worst m = (1 − α)·K of K equally likely NPVs, the
    /// (⌊m⌋ + 1)-th worst counted with weight m − ⌊m⌋ when m is not whole; equal to
    /// −CVaR_α(−NPV) = −min_τ [τ + Σ_k (−NPV_k − τ)⁺ / m] (Rockafellar and Uryasev 2000). NOK, +
    /// = better off. With one draw it is that draw's NPV.
    /// </summary>
    /// <param name="npvByDraw">The NPV in each draw.</param>
    /// <param name="alpha">The level α in (0, 1).</param>
    /// <exception cref="ArgumentException">No draws, or α outside (0, 1).</exception>
    public static double TailNpv(ReadOnlySpan<double> npvByDraw, double alpha)
    {
        if (npvByDraw.Length == 0)
        {
            throw new ArgumentException("There are no draws.", nameof(npvByDraw));
        }

        if (!(alpha > 0 && alpha < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(alpha), alpha, "α must lie strictly between 0 and 1.");
        }

        var sorted = npvByDraw.ToArray();
        Array.Sort(sorted);
        var m = Math.Round((1 - alpha) * sorted.Length, 9);
        if (m <= 0)
        {
            return sorted[0];
        }

        var whole = (int)Math.Floor(m);
        var sum = 0.0;
        for (var i = 0; i < whole && i < sorted.Length; i++)
        {
            sum += sorted[i];
        }

        if (whole < sorted.Length)
        {
            sum += (m - whole) * sorted[whole];
        }

        return sum / m;
    }

    /// <summary>The mean of the draws, summed in draw order (the same value as <c>Enumerable.Average</c> of the array).</summary>
    internal static double Mean(ReadOnlySpan<double> npvByDraw)
    {
        var sum = 0.0;
        foreach (var x in npvByDraw)
        {
            sum += x;
        }

        return sum / npvByDraw.Length;
    }
}

/// <summary>
/// The exhaustive solver: checks every subset of candidates (2^n, at most 2^20) against the rules,
/// the budgets and the risk floor and keeps the best by the goal (ties: the set with the smaller bit
/// mask, candidate 0 being bit 0). Exact for the valuation it is given, so it is the oracle of the
/// MIP in the tests; with an exhaustive valuation every set's value is simulated rather than
/// estimated pairwise.
/// </summary>
public sealed class ExhaustivePortfolioSolver : IPortfolioSolver
{
    /// <summary>The most candidates it enumerates.</summary>
    public const int MaxCandidates = 20;

    /// <inheritdoc />
    public string Name => "exhaustive";

    /// <inheritdoc />
    /// <exception cref="ArgumentException">More than <see cref="MaxCandidates"/> candidates.</exception>
    public PortfolioSolution Solve(PortfolioProblem problem, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(problem);
        problem.ThrowIfInvalid();
        var n = problem.Valuation.Candidates.Count;
        if (n > MaxCandidates)
        {
            throw new ArgumentException($"Exhaustive search is limited to {MaxCandidates} candidates (got {n}); use the MIP solver.", nameof(problem));
        }

        bool[]? best = null;
        var bestValue = double.NegativeInfinity;
        var chosen = new bool[n];
        for (long mask = 0; mask < 1L << n; mask++)
        {
            if ((mask & 0xFFF) == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }

            for (var i = 0; i < n; i++)
            {
                chosen[i] = (mask & (1L << i)) != 0;
            }

            if (!problem.MeetsRules(chosen) || !problem.WithinBudgets(chosen))
            {
                continue;
            }

            var npv = problem.Valuation.NpvByDraw(chosen);
            var tail = PortfolioRiskMeasures.TailNpv(npv, problem.Risk.Alpha);
            if (problem.Risk.MinTailNpv is double floor && tail < floor - (1e-9 * Math.Max(1, Math.Abs(floor))))
            {
                continue;
            }

            var value = problem.Goal == PortfolioGoal.MaximiseTailNpv ? tail : PortfolioRiskMeasures.Mean(npv);
            if (value > bestValue + (1e-9 * Math.Max(1, Math.Abs(bestValue))) || best is null)
            {
                bestValue = value;
                best = (bool[])chosen.Clone();
            }
        }

        return best is null
            ? new PortfolioSolution(problem, new bool[n], Name, provedOptimal: true, feasible: false)
            : new PortfolioSolution(problem, best, Name, provedOptimal: true, feasible: true);
    }
}

/// <summary>
/// A greedy heuristic, the naive baseline: repeatedly adds the candidate with the highest expected
/// NPV per NOK of base-case cost (over all payers and years) that keeps the set within the rules,
/// the budgets and the risk floor, until none can be added. Fast and often good, never proved
/// optimal.
/// </summary>
public sealed class GreedyPortfolioSolver : IPortfolioSolver
{
    /// <inheritdoc />
    public string Name => "greedy";

    /// <inheritdoc />
    public PortfolioSolution Solve(PortfolioProblem problem, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(problem);
        problem.ThrowIfInvalid();
        var v = problem.Valuation;
        var n = v.Candidates.Count;
        var score = new double[n];
        for (var i = 0; i < n; i++)
        {
            var cost = 0.0;
            for (var p = 0; p < v.Payers.Count; p++)
            {
                for (var y = 0; y < v.Years; y++)
                {
                    cost += Math.Max(0, v.CandidateCost(i, p, y));
                }
            }

            var mean = 0.0;
            foreach (var x in v.Npv(i))
            {
                mean += x;
            }

            mean /= v.Draws;
            score[i] = mean / Math.Max(1, cost);
        }

        var order = Enumerable.Range(0, n).OrderByDescending(i => score[i]).ThenBy(i => i).ToArray();
        var chosen = new bool[n];
        var current = 0.0; // the empty set's value, by either goal
        var added = true;
        while (added)
        {
            cancellationToken.ThrowIfCancellationRequested();
            added = false;
            foreach (var i in order)
            {
                if (chosen[i])
                {
                    continue;
                }

                chosen[i] = true;
                var ok = problem.MeetsRules(chosen) && problem.WithinBudgets(chosen);
                double value = 0;
                if (ok)
                {
                    var npv = v.NpvByDraw(chosen);
                    var tail = PortfolioRiskMeasures.TailNpv(npv, problem.Risk.Alpha);
                    ok = problem.Risk.MinTailNpv is not double floor || tail >= floor;
                    value = problem.Goal == PortfolioGoal.MaximiseTailNpv ? tail : PortfolioRiskMeasures.Mean(npv);
                }

                if (ok && value > current)
                {
                    current = value;
                    added = true;
                    break;
                }

                chosen[i] = false;
            }
        }

        var emptyOk = problem.Risk.MinTailNpv is not double f || f <= 0;
        var feasible = chosen.Any(c => c) || emptyOk;
        return new PortfolioSolution(problem, chosen, Name, provedOptimal: false, feasible: feasible);
    }
}

/// <summary>
/// The efficient frontier of expected NPV against tail NPV (both + = better off): portfolios that no
/// other feasible portfolio beats on both. Traced by the ε-constraint method: the best expected NPV
/// without a risk floor, the best tail NPV, and between them the best expected NPV subject to tail
/// NPV ≥ each of evenly spaced floors.
/// </summary>
public static class PortfolioFrontier
{
    /// <summary>Traces the frontier.</summary>
    /// <param name="solver">The solver (exhaustive or MIP).</param>
    /// <param name="problem">The problem; its own risk floor and goal are replaced.</param>
    /// <param name="points">The number of floors tried (≥ 2); the frontier may have fewer distinct portfolios.</param>
    /// <param name="cancellationToken">Cancels.</param>
    /// <returns>The efficient portfolios, from the highest expected NPV (least safe) to the highest tail NPV, each distinct; empty when nothing is feasible.</returns>
    public static IReadOnlyList<PortfolioSolution> Trace(IPortfolioSolver solver, PortfolioProblem problem, int points = 11, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(solver);
        ArgumentNullException.ThrowIfNull(problem);
        ArgumentOutOfRangeException.ThrowIfLessThan(points, 2);
        var free = problem with { Risk = problem.Risk with { MinTailNpv = null } };
        var top = solver.Solve(free with { Goal = PortfolioGoal.MaximiseExpectedNpv }, cancellationToken);
        if (!top.IsFeasible)
        {
            return [];
        }

        var safest = solver.Solve(free with { Goal = PortfolioGoal.MaximiseTailNpv }, cancellationToken);
        var found = new List<PortfolioSolution> { top };
        var lo = top.TailNpv;
        var hi = safest.TailNpv;
        for (var i = 1; i < points && hi > lo + (1e-9 * Math.Max(1, Math.Abs(hi))); i++)
        {
            var floor = i == points - 1 ? hi - (1e-7 * Math.Max(1, Math.Abs(hi))) : lo + ((hi - lo) * i / (points - 1));
            var s = solver.Solve(free with { Goal = PortfolioGoal.MaximiseExpectedNpv, Risk = free.Risk with { MinTailNpv = floor } }, cancellationToken);
            if (s.IsFeasible)
            {
                found.Add(s);
            }
        }

        var distinct = found.GroupBy(s => PortfolioValuation.Mask(s.Chosen)).Select(g => g.First()).ToList();
        var efficient = distinct.Where(s => !distinct.Any(o => Dominates(o, s))).OrderByDescending(s => s.ExpectedNpv).ThenBy(s => s.TailNpv).ToList();
        return efficient;
    }

    private static bool Dominates(PortfolioSolution a, PortfolioSolution b) =>
        a.ExpectedNpv >= b.ExpectedNpv - 1e-9 && a.TailNpv >= b.TailNpv - 1e-9 && (a.ExpectedNpv > b.ExpectedNpv + 1e-6 || a.TailNpv > b.TailNpv + 1e-6);
}
