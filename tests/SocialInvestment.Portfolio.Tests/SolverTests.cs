using SocialInvestment.Decisions;
using SocialInvestment.Economics;
using SocialInvestment.Model;
using SocialInvestment.Portfolio;
using SocialInvestment.Workloads;

namespace SocialInvestment.Portfolio.Tests;

public class SolverTests
{
    private static readonly MipPortfolioSolver Mip = new();
    private static readonly ExhaustivePortfolioSolver Exhaustive = new();

    // Exhaustive search is exact for the valuation, so the MIP must reach the same objective value
    // (a tie may pick another set of the same value); 1e-7 relative covers the solver's tolerances.
    [TestCase(1)]
    [TestCase(2)]
    [TestCase(3)]
    [TestCase(4)]
    [TestCase(5)]
    [TestCase(6)]
    public void Mip_matches_exhaustive_search_on_ten_candidates(int seed)
    {
        var problem = PortfolioInstances.Create(seed);
        var exact = Exhaustive.Solve(problem);
        var mip = Mip.Solve(problem);
        Assert.That(exact.IsFeasible && mip.IsFeasible, Is.True);
        Assert.That(mip.ExpectedNpv, Is.EqualTo(exact.ExpectedNpv).Within(1e-7 * Math.Max(1, Math.Abs(exact.ExpectedNpv))));
        Assert.That(mip.ProvedOptimal, Is.True);
        Assert.That(exact.Candidates, Is.Not.Empty, "the instance should fund something");
    }

    [TestCase(11)]
    [TestCase(12)]
    [TestCase(13)]
    [TestCase(14)]
    public void Mip_matches_exhaustive_search_under_a_cvar_floor(int seed)
    {
        var free = PortfolioInstances.Create(seed);
        var top = Exhaustive.Solve(free);
        // A floor halfway between the best portfolio's tail and 0 forces a safer choice.
        var problem = free with { Risk = new PortfolioRisk { Alpha = 0.9, MinTailNpv = top.TailNpv / 2 } };
        var exact = Exhaustive.Solve(problem);
        var mip = Mip.Solve(problem);
        Assert.That(mip.IsFeasible, Is.EqualTo(exact.IsFeasible));
        Assert.That(mip.ExpectedNpv, Is.EqualTo(exact.ExpectedNpv).Within(1e-7 * Math.Max(1, Math.Abs(exact.ExpectedNpv))));
        Assert.That(mip.TailNpv, Is.GreaterThanOrEqualTo(problem.Risk.MinTailNpv!.Value - 1e-3));

        var safest = problem with { Goal = PortfolioGoal.MaximiseTailNpv, Risk = problem.Risk with { MinTailNpv = null } };
        Assert.That(Mip.Solve(safest).TailNpv, Is.EqualTo(Exhaustive.Solve(safest).TailNpv).Within(1e-6 * Math.Max(1, Math.Abs(top.TailNpv))));
    }

    [TestCase(21)]
    [TestCase(22)]
    [TestCase(23)]
    public void Budgets_exclusions_and_prerequisites_are_respected(int seed)
    {
        var problem = PortfolioInstances.Create(seed);
        foreach (var s in new[] { Mip.Solve(problem), Exhaustive.Solve(problem), new GreedyPortfolioSolver().Solve(problem) })
        {
            Assert.That(s.BudgetUse, Has.Count.EqualTo(problem.Budgets.Count));
            foreach (var u in s.BudgetUse)
            {
                Assert.That(u.Used, Is.LessThanOrEqualTo(u.Limit + 1e-6), $"{s.Method}: {u.Payer ?? "total"} year {u.Year}");
            }

            // Budget use recomputed by hand from the valuation (own costs plus pair corrections).
            var v = problem.Valuation;
            var use = 0.0;
            for (var i = 0; i < 10; i++)
            {
                if (!s.Chosen[i])
                {
                    continue;
                }

                use += v.CandidateCost(i, 0, 1);
                for (var j = i + 1; j < 10; j++)
                {
                    use += s.Chosen[j] ? v.Interaction(i, j)?.Cost(0, 1) ?? 0 : 0;
                }
            }

            Assert.That(s.BudgetUse.Single(u => u.Payer == "municipality" && u.Year == 1).Used, Is.EqualTo(use).Within(1e-6));
            Assert.That(s.Chosen[0] && s.Chosen[1], Is.False, $"{s.Method}: c0 and c1 exclude each other");
            Assert.That(!s.Chosen[3] || s.Chosen[2], Is.True, $"{s.Method}: c3 requires c2");
        }
    }

    [Test]
    public void A_prerequisite_and_an_exclusion_change_the_choice()
    {
        // a: +5, b: +3, c: +4 but only with b; a and b exclude each other.
        var problem = Small([[5], [3], [4]], budgetMunicipality: 100, costs: [10, 10, 10]) with
        {
            Prerequisites = [new PortfolioPrerequisite("c", "b")],
            Exclusions = [new PortfolioExclusion(["a", "b"])],
        };
        // Allowed: {}, {a}, {b}, {b, c} ({a, c} lacks c's prerequisite b). Best is {b, c} = 7 against {a} = 5.
        foreach (var solver in new IPortfolioSolver[] { Mip, Exhaustive })
        {
            var s = solver.Solve(problem);
            Assert.That(s.Candidates, Is.EqualTo(new[] { "b", "c" }), solver.Name);
            Assert.That(s.ExpectedNpv, Is.EqualTo(7));
        }
    }

    [Test]
    public void A_budget_per_year_binds_in_the_year_it_is_given()
    {
        // Two candidates worth 6 and 5, each costing 8 in year 0; year 0's budget is 10, so only one fits.
        var problem = Small([[6], [5]], budgetMunicipality: 10, costs: [8, 8]);
        Assert.That(Mip.Solve(problem).Candidates, Is.EqualTo(new[] { "a" }));
        var looser = problem with { Budgets = [new PortfolioBudget("municipality", 0, 16)] };
        Assert.That(Mip.Solve(looser).Candidates, Is.EqualTo(new[] { "a", "b" }));
        var total = problem with { Budgets = [new PortfolioBudget("municipality", 0, 16), new PortfolioBudget(null, 0, 15)] };
        Assert.That(Mip.Solve(total).Candidates, Is.EqualTo(new[] { "a" }));
    }

    [Test]
    public void Tail_npv_matches_a_hand_computed_cvar()
    {
        double[] npv = [20, -10, 14, 0, 12, -4, 10, 2, 8, 6];
        // α = 0.8: the worst 2 of 10 draws, −10 and −4: mean −7 (CVaR of the loss = 7).
        Assert.That(PortfolioRiskMeasures.TailNpv(npv, 0.8), Is.EqualTo(-7).Within(1e-12));
        // α = 0.75: m = 2.5: (−10 − 4 + 0.5·0) / 2.5 = −5.6.
        Assert.That(PortfolioRiskMeasures.TailNpv(npv, 0.75), Is.EqualTo(-5.6).Within(1e-12));
        // α = 0.95: m = 0.5 < 1: the worst draw, −10.
        Assert.That(PortfolioRiskMeasures.TailNpv(npv, 0.95), Is.EqualTo(-10).Within(1e-12));
    }

    [Test]
    public void The_cvar_constraint_picks_the_hand_computed_safer_portfolio()
    {
        // Four equally likely draws. a: mean 5, worst draw −6; b: mean 3, worst draw 1; a and b exclude each other.
        // α = 0.75 (m = 1): tail(a) = −6, tail(b) = 1. With a floor of −2 only b is allowed.
        var problem = Small([[-6, 4, 10, 12], [1, 2, 4, 5]], budgetMunicipality: 100, costs: [1, 1]) with
        {
            Exclusions = [new PortfolioExclusion(["a", "b"])],
            Risk = new PortfolioRisk { Alpha = 0.75, MinTailNpv = -2 },
        };
        foreach (var solver in new IPortfolioSolver[] { Mip, Exhaustive })
        {
            var s = solver.Solve(problem);
            Assert.That(s.Candidates, Is.EqualTo(new[] { "b" }), solver.Name);
            Assert.That(s.ExpectedNpv, Is.EqualTo(3).Within(1e-9));
            Assert.That(s.TailNpv, Is.EqualTo(1).Within(1e-9));
            Assert.That(s.ProbabilityOfLoss, Is.Zero);
        }

        var free = Mip.Solve(problem with { Risk = new PortfolioRisk { Alpha = 0.75 } });
        Assert.That(free.Candidates, Is.EqualTo(new[] { "a" }));
        Assert.That(free.ProbabilityOfLoss, Is.EqualTo(0.25));
        var frontier = PortfolioFrontier.Trace(Mip, problem, 5);
        Assert.That(frontier.Select(f => string.Join("+", f.Candidates)), Is.EqualTo(new[] { "a", "b" }));
    }

    [TestCase(31)]
    [TestCase(32)]
    public void The_frontier_is_efficient_and_matches_exhaustive_search(int seed)
    {
        var problem = PortfolioInstances.Create(seed, candidates: 8);
        var mip = PortfolioFrontier.Trace(Mip, problem, 6);
        var exact = PortfolioFrontier.Trace(Exhaustive, problem, 6);
        Assert.That(mip.Select(s => s.ExpectedNpv), Is.EqualTo(exact.Select(s => s.ExpectedNpv)).Within(1e-3));
        Assert.That(mip[0].ExpectedNpv, Is.EqualTo(Exhaustive.Solve(problem).ExpectedNpv).Within(1e-3));
        for (var i = 1; i < mip.Count; i++)
        {
            Assert.That(mip[i].ExpectedNpv, Is.LessThan(mip[i - 1].ExpectedNpv));
            Assert.That(mip[i].TailNpv, Is.GreaterThan(mip[i - 1].TailNpv));
        }
    }

    [Test]
    public void A_floor_nothing_meets_is_reported_infeasible()
    {
        var problem = Small([[-1, 1], [-2, 3]], budgetMunicipality: 100, costs: [1, 1]) with { Risk = new PortfolioRisk { Alpha = 0.5, MinTailNpv = 5 } };
        Assert.That(Mip.Solve(problem).IsFeasible, Is.False);
        Assert.That(Exhaustive.Solve(problem).IsFeasible, Is.False);
    }

    [Test]
    public void Invalid_problems_list_every_problem()
    {
        var problem = Small([[1]], budgetMunicipality: 1, costs: [1]) with
        {
            Budgets = [new PortfolioBudget("county", 0, 1), new PortfolioBudget("municipality", 9, -1)],
            Exclusions = [new PortfolioExclusion(["a"])],
            Prerequisites = [new PortfolioPrerequisite("a", "zz")],
        };
        var e = Assert.Throws<ModelValidationException>(() => Mip.Solve(problem))!;
        Assert.That(e.Problems.Select(p => p.ToString()), Has.Some.Contains("Unknown payer 'county'")
            .And.Some.Contains("Year 9 is outside")
            .And.Some.Contains("finite amount ≥ 0")
            .And.Some.Contains("at least two different candidates")
            .And.Some.Contains("Unknown candidate 'zz'"));
    }

    private static PortfolioProblem Small(double[][] npv, double budgetMunicipality, double[] costs)
    {
        var names = Enumerable.Range(0, npv.Length).Select(i => ((char)('a' + i)).ToString()).ToArray();
        var v = PortfolioValuation.FromValues(names, PortfolioInstances.Payers, 1, Perspective.PublicSector, npv, costs.Select(c => new[] { new[] { c }, new[] { 0.0 } }).ToArray());
        return new PortfolioProblem(v, [new PortfolioBudget("municipality", 0, budgetMunicipality)]);
    }
}
