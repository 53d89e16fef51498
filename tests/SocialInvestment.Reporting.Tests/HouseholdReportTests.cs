using SocialInvestment.Households;
using SocialInvestment.Model;

namespace SocialInvestment.Reporting.Tests;

/// <summary>The household report: its sections and units in both languages, the family labelled beside the public payers, the charts rendered.</summary>
public class HouseholdReportTests
{
    private static HouseholdReportInput Input()
    {
        // A small synthetic family model (illustrative numbers): adults in work or not, a child at home or placed.
        var b = new LifeCourseModelBuilder("family");
        b.AddState("work").AddState("nowork").AddState("home").AddState("placed").AddState("dead", absorbing: true);
        b.AddPayers(Payer.Municipality, Payer.State, Payer.Individual).AddSectors(Sector.Employment, Sector.Benefits, Sector.ChildWelfare);
        b.Probability("work", "nowork", 0.1).Probability("work", "dead", 0.01).Remainder("work", "work");
        b.Probability("nowork", "work", 0.25).Probability("nowork", "dead", 0.01).Remainder("nowork", "nowork");
        b.Probability("home", "placed", 0.06).Remainder("home", "home");
        b.Probability("placed", "home", 0.3).Remainder("placed", "placed");
        b.StateFlow("work", new Account(Payer.Individual, Sector.Employment, FlowKind.Production), -450_000);
        b.StateFlow("nowork", new Account(Payer.State, Sector.Benefits, FlowKind.Transfer), 180_000);
        b.StateFlow("placed", new Account(Payer.Municipality, Sector.ChildWelfare, FlowKind.ResourceCost), 900_000);
        b.AddStrategy(new Strategy("none"));
        b.WithPopulation(new Population([new PopulationGroup(30, "work", 1)]));
        b.WithOptions(new SimulationOptions { Cycles = 10 });
        var model = b.Build();
        var team = new HouseholdIntervention("team", HouseholdCondition.None("adult", "work"), 0.7, 2)
        {
            Effects = [new HouseholdEffect("child", "home", "placed", 0.5), new HouseholdEffect("adult", "nowork", "work", 1.5)],
            Costs = [new HouseholdCost(new Account(Payer.Municipality, Sector.ChildWelfare, FlowKind.ResourceCost), 100_000)],
            FamilyHoursPerCycle = 100,
            FamilyValuePerHour = 347,
        };
        var d = HouseholdDefinition.Create(model)
            .AddRole("adult").AddRole("child", AgeOut.LeavesAt(18))
            .AddTemplate("one adult", 1, new HouseholdMember("adult", [new MemberStart(35, "work", 0.5), new MemberStart(35, "nowork", 0.5)]), HouseholdMember.At("child", 10, "home"))
            .Link("child", "home", "placed", 1.5, HouseholdCondition.None("adult", "work"), "illustrative")
            .AddStrategy(new HouseholdStrategy("none", []) { MemberStrategy = model.Strategy("none") })
            .AddStrategy(new HouseholdStrategy("team", [team]) { MemberStrategy = model.Strategy("none") })
            .Build();
        var perspectives = new[] { Perspective.ForPayer(Payer.Municipality), Perspective.ForPayer(Payer.State), d.FamilyPerspective };
        var all = HouseholdEngine.RunAll(d, new HouseholdOptions { Households = 2_000, Seed = 3, Perspectives = perspectives });
        return new HouseholdReportInput(all, perspectives, 2023) { PlacementStates = ["placed"], WorkStates = ["work"], ByType = [("one adult", 1.0, all)] };
    }

    [Test]
    public void The_report_shows_the_family_beside_the_public_payers_with_units_in_both_languages()
    {
        var input = Input();
        var en = HouseholdReport.Build(input).ToMarkdown();
        Assert.That(en, Does.Contain("### The family's net position beside the public payers"));
        Assert.That(en, Does.Contain("Change against the comparator (NOK, 2023 prices, + = better off)"));
        Assert.That(en, Does.Contain("| team | the family (individual) |"));
        Assert.That(en, Does.Contain("### Results by household type").And.Contain("share of families ever with a member in placed"));
        Assert.That(en, Does.Contain("| child | home → placed | 1.5 | none adult in work | illustrative |"));
        var nb = HouseholdReport.Build(input, new ReportOptions { Language = ReportLanguage.NorwegianBokmal }).ToMarkdown();
        Assert.That(nb, Does.Contain("Familiens nettoposisjon ved siden av de offentlige betalerne").And.Contain("NOK, 2023-priser"));
        var report = HouseholdReport.Build(input);
        Assert.That(report.Charts.Select(c => c.FileName), Is.EqualTo(new[] { "households-net-position.png", "households-placed.png" }));
        Assert.That(report.Charts.All(c => c.Png.Span[..4].SequenceEqual((byte[])[0x89, 0x50, 0x4E, 0x47])), "PNG images");
    }

    [Test]
    public void The_change_per_household_in_the_report_is_minus_the_incremental_cost()
    {
        var input = Input();
        var md = HouseholdReport.Build(input).ToMarkdown();
        var municipality = -input.All.IncrementalCost(1, input.Perspectives[0]).Mean;
        Assert.That(md, Does.Contain($"| team | municipality | {NumberFormat.Amount(input.All.Results[1].NetPositionPerHousehold(input.Perspectives[0]).Mean, System.Globalization.CultureInfo.InvariantCulture)} | {NumberFormat.Amount(municipality, System.Globalization.CultureInfo.InvariantCulture)} |"));
    }
}
