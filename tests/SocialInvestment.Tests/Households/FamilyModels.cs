using SocialInvestment.Households;
using SocialInvestment.Model;

namespace SocialInvestment.Tests.Households;

/// <summary>Small, synthetic life-course and household models for the household tests (illustrative numbers, no source).</summary>
internal static class FamilyModels
{
    public static readonly Sector Care = new("care");

    public static readonly Account Earnings = new(Payer.Individual, Sector.Employment, FlowKind.Production);

    public static readonly Account Benefit = new(Payer.State, Sector.Benefits, FlowKind.Transfer);

    public static readonly Account BenefitReceived = new(Payer.Individual, Sector.Benefits, FlowKind.Transfer);

    public static readonly Account Placement = new(Payer.Municipality, Sector.ChildWelfare, FlowKind.ResourceCost);

    public static readonly Account HousingBenefit = new(Payer.Municipality, Sector.Housing, FlowKind.Transfer);

    public static readonly Account FamilyTeam = new(Payer.Municipality, Sector.SocialServices, FlowKind.ResourceCost);

    /// <summary>
    /// One model for adults and children: work / nowork for adults, home / placed for children, dead.
    /// Annual cycles; 0.04 discounting; <paramref name="weights"/> counting (default beginning).
    /// </summary>
    /// <remarks>
    /// With <paramref name="parameters"/> the model declares the parameters of the household PSA tests:
    /// <c>p_lose_work</c> (0.10, the adults' work → nowork probability, read by the model), and three
    /// multipliers at 1 read only by household numbers that name them: <c>hr_child_link</c>,
    /// <c>cost_team</c>, <c>uptake_team</c>. Without, the model is unchanged. A
    /// <paramref name="definitionHash"/> stands for the hash a model read from files has (so its
    /// household partials can travel).
    /// </remarks>
    public static LifeCourseModel Build(int cycles = 20, CycleWeights? weights = null, double death = 0.01, bool parameters = false, ContentHash? definitionHash = null)
    {
        var b = new LifeCourseModelBuilder("family");
        b.AddState("work").AddState("nowork").AddState("home").AddState("placed").AddState("dead", absorbing: true);
        b.AddPayers(Payer.Municipality, Payer.State, Payer.Individual).AddSectors(Sector.Employment, Sector.Benefits, Sector.ChildWelfare, Care).AddOutcomes(Outcome.Qaly);
        if (parameters)
        {
            var lose = b.AddParameter("p_lose_work", 0.10, "work → nowork per cycle");
            b.AddParameter("hr_child_link", 1.0, "multiplier on the child link's hazard ratio");
            b.AddParameter("cost_team", 1.0, "multiplier on the family team's cost");
            b.AddParameter("uptake_team", 1.0, "multiplier on the family team's uptake");
            b.Probability("work", "nowork", (in ModelContext c) => c[lose]);
        }
        else
        {
            b.Probability("work", "nowork", 0.10);
        }

        b.Probability("work", "dead", death).Remainder("work", "work");
        b.Probability("nowork", "work", 0.25).Probability("nowork", "dead", death).Remainder("nowork", "nowork");
        b.Probability("home", "placed", 0.06).Probability("home", "dead", death / 5).Remainder("home", "home");
        b.Probability("placed", "home", 0.30).Probability("placed", "dead", death / 5).Remainder("placed", "placed");
        b.StateFlow("work", Earnings, -450_000);
        b.StateFlow("nowork", Benefit, 180_000).StateFlow("nowork", BenefitReceived, -180_000);
        b.StateFlow("placed", Placement, 900_000);
        b.TransitionFlow("home", "placed", new Account(Payer.Municipality, Care, FlowKind.ResourceCost), 50_000);
        b.StateOutcome("work", Outcome.Qaly, 0.9).StateOutcome("nowork", Outcome.Qaly, 0.75).StateOutcome("home", Outcome.Qaly, 0.95).StateOutcome("placed", Outcome.Qaly, 0.8);
        var support = Intervention.Create("job support").EligibleIn("nowork").WithUptake(0.5).UpfrontCost(new Account(Payer.State, Sector.Employment, FlowKind.ResourceCost), 20_000)
            .AffectTransition("nowork", "work", EffectMeasure.RelativeRisk, 1.4).Build();
        b.AddStrategy(new Strategy("none")).AddStrategy(new Strategy("support", support));
        b.WithPopulation(new Population([new PopulationGroup(30, "work", 0.6), new PopulationGroup(40, "nowork", 0.4)]));
        b.WithOptions(new SimulationOptions
        {
            Cycles = cycles,
            StateWeights = weights ?? CycleWeights.Beginning,
            CostDiscounting = DiscountSchedule.Constant(0.04),
            OutcomeDiscounting = DiscountSchedule.Constant(0.04),
        });
        if (definitionHash is { } hash)
        {
            b.WithDefinitionHash(hash);
        }

        return b.Build();
    }

    /// <summary>Links of the 2-adult-1-child example: a child's placement hazard × 2.5 while no adult works; an adult's exit from work × 1.6 while a child is placed.</summary>
    public static HouseholdDefinitionBuilder Family(LifeCourseModel model, double childLink = 2.5, double adultLink = 1.6)
    {
        return HouseholdDefinition.Create(model)
            .AddRole("adult")
            .AddRole("child", AgeOut.LeavesAt(18))
            .AddTemplate(
                "couple with child",
                1,
                new HouseholdMember("adult", [new MemberStart(35, "work", 0.7), new MemberStart(35, "nowork", 0.3)]),
                new HouseholdMember("adult", [new MemberStart(33, "work", 0.5), new MemberStart(33, "nowork", 0.5)]),
                new HouseholdMember("child", [new MemberStart(8, "home", 0.9), new MemberStart(8, "placed", 0.1)]))
            .Link("child", "home", "placed", childLink, HouseholdCondition.None("adult", "work"), "illustrative")
            .Link("adult", "work", "nowork", adultLink, HouseholdCondition.Any("child", "placed"), "illustrative");
    }

    /// <summary>The family team: households with a placed child or no adult in work at cycle 0; uptake 0.6; 3 cycles; effects on the child and the adults; the family's own time 120 h per cycle at 350 NOK/h.</summary>
    public static HouseholdIntervention FamilyTeamIntervention() => new("family team", HouseholdCondition.Or(HouseholdCondition.Any("child", "placed"), HouseholdCondition.None("adult", "work")), 0.6, 3)
    {
        Effects = [new HouseholdEffect("child", "home", "placed", 0.5), new HouseholdEffect("child", "placed", "home", 1.8), new HouseholdEffect("adult", "nowork", "work", 1.5)],
        Costs = [new HouseholdCost(FamilyTeam, 150_000)],
        FamilyHoursPerCycle = 120,
        FamilyValuePerHour = 350,
    };
}
