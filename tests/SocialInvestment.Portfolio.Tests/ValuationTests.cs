using SocialInvestment.Decisions;
using SocialInvestment.Economics;
using SocialInvestment.Engine;
using SocialInvestment.Model;
using SocialInvestment.Scenarios;
using SocialInvestment.Uncertainty;

namespace SocialInvestment.Portfolio.Tests;

/// <summary>Valuing candidates by running the model: combined strategies, not sums; PSA settlement through the evaluator hook.</summary>
public class ValuationTests
{
    [Test]
    public void A_pair_is_valued_by_running_the_combined_strategy_not_by_adding()
    {
        var scenario = NorwegianDefault.Load();
        var model = scenario.BuildModel();
        var bau = model.Strategies.First(s => s.Name == "Business as usual");
        var family = model.Strategies.First(s => s.Name == "Family team").Interventions;
        var ips = model.Strategies.First(s => s.Name == "IPS for young people").Interventions;
        var both = model.Strategies.First(s => s.Name == "Family team + IPS");
        var objective = Perspective.PublicSector;
        var v = PortfolioValuation.Build(model, bau, [new PortfolioCandidate("family", family), new PortfolioCandidate("ips", ips)], objective);
        var comparator = CohortEngine.Run(model, bau);
        double Npv(Strategy s) => Appraisal.Compare(CohortEngine.Run(model, s), comparator, objective).NetPresentValue;
        var combined = Npv(both);
        Assert.That(v.NpvByDraw([true, true])[0], Is.EqualTo(combined).Within(1e-6 * Math.Abs(combined)));
        // The interaction is real: the sum of the two alone differs from running them together.
        var sum = v.Npv(0)[0] + v.Npv(1)[0];
        Assert.That(Math.Abs(combined - sum), Is.GreaterThan(1000));
        Assert.That(v.Interaction(0, 1)!.NpvByDraw[0], Is.EqualTo(combined - sum).Within(1e-6 * Math.Abs(combined)));

        // The exhaustive valuation runs every subset and agrees on every set of at most two.
        var exact = PortfolioValuation.Build(model, bau, [new PortfolioCandidate("family", family), new PortfolioCandidate("ips", ips)], objective, new PortfolioValuationOptions { Interactions = PortfolioInteractions.Exhaustive });
        Assert.That(exact.IsExact, Is.True);
        Assert.That(exact.NpvByDraw([true, true])[0], Is.EqualTo(combined).Within(1e-6 * Math.Abs(combined)));
        Assert.That(exact.Cost([true, true], "state", 10), Is.EqualTo(v.Cost([true, true], "state", 10)).Within(1e-6));
    }

    [Test]
    public void Per_draw_values_are_read_only_copies_of_what_was_given()
    {
        // An interaction copies its arrays: changing the caller's arrays afterwards changes nothing,
        // and the valuation hands its per-draw values out as ReadOnlySpan<double>, the PSA results' shape.
        var npv = new[] { 5.0, -1.0, 2.0 };
        var costs = new[] { new[] { 10.0, 0.0 } };
        var interaction = new PortfolioInteraction(npv, costs);
        var v = PortfolioValuation.FromValues(["a", "b"], [new Payer("municipality", true)], 2, Perspective.PublicSector, [[1.0, 2.0, 3.0], [0.5, 0.5, 0.5]], [[[1.0, 1.0]], [[2.0, 2.0]]], new Dictionary<(int, int), PortfolioInteraction> { [(0, 1)] = interaction });
        npv[0] = 1e9;
        costs[0][0] = 1e9;
        Assert.Multiple(() =>
        {
            Assert.That(interaction.NpvByDraw.ToArray(), Is.EqualTo(new[] { 5.0, -1.0, 2.0 }));
            Assert.That(interaction.Cost(0, 0), Is.EqualTo(10.0));
            Assert.That(v.NpvByDraw([true, true]).ToArray(), Is.EqualTo(new[] { 1.0 + 0.5 + 5.0, 2.0 + 0.5 - 1.0, 3.0 + 0.5 + 2.0 }));
            Assert.That(v.Cost([true, true], "municipality", 0), Is.EqualTo(1.0 + 2.0 + 10.0));
            Assert.That(v.Comparator, Is.Null, "given values have no comparator strategy");
        });
    }

    [Test]
    public void Settlement_per_draw_through_the_scenario_runner_agrees_with_the_psa()
    {
        var scenario = NorwegianDefault.Load();
        var collectors = new List<SettlementUncertainty>();
        const int draws = 12;
        var plan = SettlementFile.ExamplePlan;
        var psa = ScenarioRunner.RunProbabilistic(scenario, draws, 7, new ScenarioRunOptions
        {
            KeepDraws = true,
            Perspectives = ["municipality", "state"],
            Evaluator = model =>
            {
                var c = new SettlementUncertainty(model, plan, model.Strategies.First(s => s.Name == "Family team"), model.Strategies.First(s => s.Name == "Business as usual"), draws);
                collectors.Add(c);
                return c.Evaluator;
            },
        });
        var result = collectors.Single().Result();
        var strategy = psa.Strategies.First(s => s.Name == "Family team");
        foreach (var payer in new[] { "municipality", "state" })
        {
            // Before settlement each payer's net gain is its own NPV in that draw, computed by the PSA independently.
            var npv = psa.Values(PsaFigure.NetPresentValue, strategy, psa.Perspectives.First(p => p.Name == payer)).ToArray();
            Assert.That(result.NetGainBefore(payer).ToArray(), Is.EqualTo(npv).Within(1e-6 * npv.Max(Math.Abs)));
        }

        // The example rule: the state pays the municipality out of its gain, so it never ends above zero.
        Assert.That(result.NetGainAfter("state").ToArray(), Has.All.LessThanOrEqualTo(1e-6));
        Assert.That(result.ProbabilityBetterOffAfter("state"), Is.Zero);
        Assert.That(result.ProbabilityBetterOffBefore("state"), Is.EqualTo(result.NetGainBefore("state").ToArray().Count(x => x > 0) / (double)draws));
    }
}
