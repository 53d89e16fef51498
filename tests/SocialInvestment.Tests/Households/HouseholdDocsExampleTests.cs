using SocialInvestment.Economics;
using SocialInvestment.Engine;
using SocialInvestment.Households;
using SocialInvestment.Model;

namespace SocialInvestment.Tests.Households;

/// <summary>The example of docs/households.md ("The API"), run on the test's family model, so the page's code compiles and does what it says.</summary>
public class HouseholdDocsExampleTests
{
    [Test]
    public void The_documented_example_runs()
    {
        var model = FamilyModels.Build();
        var familyTeam = new HouseholdIntervention(
                "family team",
                HouseholdCondition.Or(HouseholdCondition.Any("child", "placed"), HouseholdCondition.None("adult", "work")),
                uptake: 0.6,
                durationCycles: 3)
        {
            Effects = [new HouseholdEffect("child", "home", "placed", 0.5), new HouseholdEffect("adult", "nowork", "work", 1.5)],
            Costs = [new HouseholdCost(new Account(Payer.Municipality, Sector.SocialServices, FlowKind.ResourceCost), 150_000)],
            FamilyHoursPerCycle = 120,
            FamilyValuePerHour = 350,
        };

        var households = HouseholdDefinition.Create(model)
            .AddRole("adult")
            .AddRole("child", AgeOut.LeavesAt(18))
            .AddTemplate(
                "couple with child",
                1,
                new HouseholdMember("adult", [new MemberStart(35, "work", 0.7), new MemberStart(35, "nowork", 0.3)]),
                new HouseholdMember("adult", [new MemberStart(33, "work", 0.5), new MemberStart(33, "nowork", 0.5)]),
                new HouseholdMember("child", [new MemberStart(8, "home", 0.9), new MemberStart(8, "placed", 0.1)]))
            .Link("child", "home", "placed", 2.5, HouseholdCondition.None("adult", "work"), source: "illustrative")
            .Link("adult", "work", "nowork", 1.6, HouseholdCondition.Any("child", "placed"), source: "illustrative")
            .AddFlow(new HouseholdFlow("housing benefit", new Account(Payer.Municipality, Sector.Housing, FlowKind.Transfer), 30_000, HouseholdCondition.None("adult", "work")))
            .AddStrategy(HouseholdStrategy.BusinessAsUsual)
            .AddStrategy(new HouseholdStrategy("family team", [familyTeam]))
            .WithSize(1_200)
            .Build();

        var run = HouseholdEngine.RunAll(households, new HouseholdOptions { Households = 20_000, Seed = 2026 });
        var team = run["family team"];
        var familyGain = team.NetPositionPerHousehold(households.FamilyPerspective);
        var placed = team.ShareEverIn("child", "placed");
        var adultsInWork = team.MembersInState(5, "adult", "work");
        var paired = run.IncrementalCost(1, Perspective.Society());
        var appraisal = Appraisal.Compare(team.Totals, run.Results[0].Totals, Perspective.Society());
        var family = appraisal.Payers.Single(p => p.Payer == households.FamilyPayer);
        Assert.Multiple(() =>
        {
            Assert.That(familyGain.Mean, Is.GreaterThan(0), "the family's earnings and benefits exceed what it pays");
            Assert.That(placed.Mean, Is.InRange(0.1, 0.9));
            Assert.That(adultsInWork, Is.InRange(0.5, 2.0));
            Assert.That(double.IsFinite(paired.Mean) && paired.StandardError > 0);
            Assert.That(family.Invested, Is.GreaterThan(0), "the family invests its time");
            Assert.That(team.Totals.TotalCost(Perspective.Society()), Is.EqualTo(1_200 * team.CostPerHousehold(Perspective.Society()).Mean).Within(1e-6).Percent, "totals for Size households");
        });
    }
}
