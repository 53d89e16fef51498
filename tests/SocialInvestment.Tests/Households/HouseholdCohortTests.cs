using SocialInvestment.Engine;
using SocialInvestment.Households;
using SocialInvestment.Model;

namespace SocialInvestment.Tests.Households;

/// <summary>
/// The exact joint-state cohort against the household microsimulation. Tolerance: 3 Monte Carlo
/// standard errors of the microsimulation's per-household mean (two-sided failure probability
/// 0.27 % per comparison under the normal approximation, which holds at 40,000 households; the
/// seed is fixed, so the test is deterministic). For member counts per household the standard error
/// is bounded from the range: adults per household lie in [0, 2] (variance at most 1, SE ≤ 1/√n),
/// the one child is 0 or 1 (variance at most 1/4, SE ≤ 0.5/√n).
/// </summary>
public class HouseholdCohortTests
{
    private const double Z = 3.0;

    [Test]
    public void The_joint_state_cohort_equals_the_microsimulation_within_3_MCSE_with_links()
    {
        var model = FamilyModels.Build();
        var definition = FamilyModels.Family(model)
            .AddFlow(new HouseholdFlow("housing benefit", FamilyModels.HousingBenefit, 30_000, HouseholdCondition.None("adult", "work")))
            .AddStrategy(HouseholdStrategy.BusinessAsUsual)
            .AddStrategy(new HouseholdStrategy("family team", [FamilyModels.FamilyTeamIntervention()]))
            .Build();
        const int n = 40_000;
        var micro = HouseholdEngine.RunAll(definition, new HouseholdOptions { Households = n, Seed = 2026 });
        var exact = HouseholdCohort.Run(definition);
        Assert.Multiple(() =>
        {
            for (var k = 0; k < 2; k++)
            {
                var m = micro.Results[k];
                var c = exact[k];
                foreach (var p in m.Perspectives)
                {
                    var e = m.CostPerHousehold(p);
                    Assert.That(c.CostPerHousehold(p), Is.EqualTo(e.Mean).Within(Z * e.StandardError), $"{m.Strategy.Name}: {p.Name}");
                    // The totals are the same expectations (for Size = 1 household): exact for the cohort, estimated by the microsimulation.
                    Assert.That(c.Totals.TotalCost(p), Is.EqualTo(c.CostPerHousehold(p)).Within(1e-9).Percent, $"{m.Strategy.Name}: {p.Name} totals");
                }

                var q = m.OutcomePerHousehold(Outcome.Qaly);
                Assert.That(c.OutcomePerHousehold(Outcome.Qaly), Is.EqualTo(q.Mean).Within(Z * q.StandardError), "QALY");
                foreach (var t in new[] { 1, 5, 10, 20 })
                {
                    Assert.That(c.MembersInState(t, "adult", "work"), Is.EqualTo(m.MembersInState(t, "adult", "work")).Within(Z / Math.Sqrt(n)), $"adults in work at {t}");
                    Assert.That(c.MembersInState(t, "child", "placed"), Is.EqualTo(m.MembersInState(t, "child", "placed")).Within(Z * 0.5 / Math.Sqrt(n)), $"children placed at {t}");
                }
            }

            // The comparison has power: without the links, the expectations move by more than the tolerance.
            var unlinked = HouseholdCohort.Run(FamilyModels.Family(model, childLink: 1, adultLink: 1)
                .AddFlow(new HouseholdFlow("housing benefit", FamilyModels.HousingBenefit, 30_000, HouseholdCondition.None("adult", "work"))).Build())[0];
            var municipality = micro.Results[0].CostPerHousehold(Perspective.ForPayer(Payer.Municipality));
            Assert.That(Math.Abs(unlinked.CostPerHousehold(Perspective.ForPayer(Payer.Municipality)) - exact[0].CostPerHousehold(Perspective.ForPayer(Payer.Municipality))), Is.GreaterThan(2 * Z * municipality.StandardError), "links matter");
            Assert.That(Math.Abs(unlinked.MembersInState(5, "child", "placed") - exact[0].MembersInState(5, "child", "placed")), Is.GreaterThan(2 * Z * 0.5 / Math.Sqrt(n)), "links matter for placements");

            var d = micro.IncrementalCost(1, Perspective.Society());
            Assert.That(exact[1].CostPerHousehold(Perspective.Society()) - exact[0].CostPerHousehold(Perspective.Society()), Is.EqualTo(d.Mean).Within(Z * d.StandardError), "incremental, paired SE");
            Assert.That(exact[1].ShareTakingUp("family team"), Is.EqualTo(exact[1].ShareEligible("family team") * 0.6).Within(1e-12));
        });
    }

    [Test]
    public void Without_links_the_joint_cohort_is_the_sum_of_the_members_cohorts()
    {
        var model = FamilyModels.Build();
        var definition = FamilyModels.Family(model, childLink: 1, adultLink: 1).Build();
        var exact = HouseholdCohort.Run(definition)[0];
        var society = Perspective.Society();
        var expected = 0.0;
        foreach (var member in definition.Templates[0].Members)
        {
            var m = model.WithPopulation(new Population(member.Starts.Select(s => new PopulationGroup(s.Age, s.State, s.Weight))));
            if (member.Role == "child")
            {
                m = m.WithOptions(model.Options with { Cycles = 10 }); // leaves at 18 = trace point 10
            }

            expected += CohortEngine.Run(m, model.Strategy("none")).TotalCost(society);
        }

        Assert.That(exact.CostPerHousehold(society), Is.EqualTo(expected).Within(1e-9).Percent);
    }

    [Test]
    public void The_expansion_is_capped_with_an_error_naming_its_size()
    {
        var model = FamilyModels.Build();
        var members = Enumerable.Range(0, 12).Select(_ => new HouseholdMember("adult", [new MemberStart(30, "work"), new MemberStart(30, "nowork")])).ToArray();
        var definition = HouseholdDefinition.Create(model).AddRole("adult").AddTemplate("large", 1, members).Build();
        Assert.Multiple(() =>
        {
            Assert.That(HouseholdCohort.JointStateCount(definition), Is.EqualTo(2 * Math.Pow(6, 12)));
            Assert.That(() => HouseholdCohort.Run(definition), Throws.ArgumentException.With.Message.Contains("4.35356E+09 states").And.Message.Contains("cap of 1000000"));
        });
    }
}
