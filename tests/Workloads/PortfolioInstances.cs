using SocialInvestment.Decisions;
using SocialInvestment.Economics;
using SocialInvestment.Model;

namespace SocialInvestment.Workloads;

/// <summary>
/// Random portfolio problems, fully determined by a seed, shared by the tests (solver against
/// exhaustive search) and the benchmark: n candidates with NPV draws (a mean and a spread each),
/// base-case costs for two payers over a few years, pairwise interactions for about a third of the
/// pairs (as if they shared people), budgets per payer and year that bind and a total, one
/// exclusion (candidates 0 and 1) and one prerequisite (3 requires 2).
/// </summary>
public static class PortfolioInstances
{
    /// <summary>The payers of the instances.</summary>
    public static readonly Payer[] Payers = [Payer.Municipality, Payer.State];

    /// <summary>Builds an instance.</summary>
    /// <param name="seed">The seed.</param>
    /// <param name="candidates">Number of candidates (≥ 4).</param>
    /// <param name="draws">Number of PSA-like draws.</param>
    /// <param name="years">Budget years.</param>
    /// <returns>The problem (no risk floor; add one with <c>with</c>).</returns>
    public static PortfolioProblem Create(int seed, int candidates = 10, int draws = 40, int years = 4)
    {
        var rng = new Random(seed);
        double Normal() => Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());
        var n = candidates;
        var npv = new double[n][];
        var costs = new double[n][][];
        for (var i = 0; i < n; i++)
        {
            var mean = (rng.NextDouble() * 10) - 2;   // millions: some candidates lose on average
            var spread = 1 + (rng.NextDouble() * 6);
            npv[i] = Enumerable.Range(0, draws).Select(_ => 1e6 * (mean + (spread * Normal()))).ToArray();
            costs[i] = Payers.Select(_ => Enumerable.Range(0, years).Select(_ => rng.NextDouble() < 0.7 ? 1e5 * Math.Round(rng.NextDouble() * 20, 1) : 0).ToArray()).ToArray();
        }

        var pairs = new Dictionary<(int, int), PortfolioInteraction>();
        for (var i = 0; i < n; i++)
        {
            for (var j = i + 1; j < n; j++)
            {
                if (rng.NextDouble() < 0.33)
                {
                    var d = -1e6 * rng.NextDouble() * 2;   // shared people: the pair saves less than the sum
                    pairs[(i, j)] = new PortfolioInteraction(
                        Enumerable.Range(0, draws).Select(_ => d * (1 + (0.3 * Normal()))).ToArray(),
                        Payers.Select(_ => Enumerable.Range(0, years).Select(_ => -1e4 * Math.Round(rng.NextDouble() * 20)).ToArray()).ToArray());
                }
            }
        }

        var names = Enumerable.Range(0, n).Select(i => $"c{i}").ToArray();
        var valuation = PortfolioValuation.FromValues(names, Payers, years, Perspective.PublicSector, npv, costs, pairs);
        var budgets = new List<PortfolioBudget>();
        for (var p = 0; p < Payers.Length; p++)
        {
            for (var y = 0; y < years; y++)
            {
                var all = costs.Sum(c => c[p][y]);
                budgets.Add(new PortfolioBudget(Payers[p].Name, y, Math.Round(all * (0.3 + (0.3 * rng.NextDouble())))));
            }
        }

        budgets.Add(new PortfolioBudget(null, 0, Math.Round(costs.Sum(c => c.Sum(row => row[0])) * 0.5)));
        return new PortfolioProblem(valuation, budgets)
        {
            Exclusions = [new PortfolioExclusion(["c0", "c1"])],
            Prerequisites = [new PortfolioPrerequisite("c3", "c2")],
        };
    }
}
