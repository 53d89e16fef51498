using SocialInvestment.Economics;
using SocialInvestment.Engine;
using SocialInvestment.Model;

namespace SocialInvestment.Benchmarks;

/// <summary>
/// A welfare-sized benchmark model: 15 states, 80 annual cycles from age 12, age-dependent
/// transitions, 4 payers × 8 sectors. The numbers are illustrative (roughly Norwegian magnitudes),
/// chosen for the shape of the work, not for policy use.
/// </summary>
public static class WelfareModel
{
    public static readonly string[] StateNames =
    [
        "Home", "InHomeMeasures", "FosterCare", "Institution", "School", "UpperSecondary", "Neet", "Work",
        "Unemployed", "Aap", "Disability", "SocialAssistance", "Prison", "Retired", "Dead",
    ];

    public static readonly Payer[] Payers = [Payer.Municipality, Payer.County, Payer.State, Payer.Individual];

    public static readonly Sector[] Sectors =
    [
        Sector.ChildWelfare, Sector.Education, Sector.Health, Sector.SocialServices, Sector.Benefits, Sector.Justice, Sector.Employment, Sector.Taxation,
    ];

    public static LifeCourseModel Build(int cycles = 80)
    {
        var b = new LifeCourseModelBuilder("welfare benchmark");
        foreach (var s in StateNames)
        {
            b.AddState(s, absorbing: s == "Dead");
        }

        b.AddPayers(Payers).AddSectors(Sectors).AddOutcomes(Outcome.Qaly, new Outcome("years in work"));
        var effect = b.AddParameter("team_effect", 0.7);

        // Parameters of the family team with the values the model always had (WelfarePsa gives them distributions).
        var neetWork = b.AddParameter("team_neet_work_rr", 1.3);
        var upfront = b.AddParameter("team_upfront_cost", 150_000);
        var perCycle = b.AddParameter("team_cost_per_cycle", 50_000);

        static double Mort(in ModelContext c) => 0.0003 + (1e-5 * Math.Exp(0.1 * c.Age));
        var alive = StateNames.Where(s => s != "Dead").ToArray();
        foreach (var s in alive)
        {
            b.Probability(s, "Dead", (in ModelContext c) => Mort(c) * (s is "Prison" or "Neet" or "SocialAssistance" ? 2 : 1));
            b.Remainder(s, s);
        }

        b.Probability("Home", "InHomeMeasures", (in ModelContext c) => c.Age < 18 ? 0.01 : 0);
        b.Probability("Home", "School", (in ModelContext c) => c.Age >= 13 && c.Age < 20 ? 0.9 : 0);
        b.Probability("InHomeMeasures", "FosterCare", (in ModelContext c) => c.Age < 18 ? 0.05 : 0);
        b.Probability("InHomeMeasures", "School", (in ModelContext c) => c.Age >= 13 ? 0.5 : 0);
        b.Probability("FosterCare", "Institution", (in ModelContext c) => c.Age < 18 ? 0.03 : 0);
        b.Probability("FosterCare", "School", (in ModelContext c) => c.Age >= 16 ? 0.3 : 0);
        b.Probability("Institution", "Neet", (in ModelContext c) => c.Age >= 18 ? 0.5 : 0);
        b.Probability("School", "UpperSecondary", (in ModelContext c) => c.Age >= 15 && c.Age < 20 ? 0.9 : 0);
        b.Probability("School", "Neet", (in ModelContext c) => c.Age >= 20 ? 0.9 : c.Age >= 16 ? 0.05 : 0);
        b.Probability("UpperSecondary", "Work", (in ModelContext c) => c.Age >= 18 ? 0.3 : 0);
        b.Probability("UpperSecondary", "Neet", (in ModelContext c) => c.Age >= 17 ? 0.05 : 0);
        b.Probability("Neet", "Work", (in ModelContext c) => c.Age < 67 ? 0.15 : 0);
        b.Probability("Neet", "Aap", 0.05).Probability("Neet", "SocialAssistance", 0.08).Probability("Neet", "Prison", 0.01);
        b.Probability("Work", "Unemployed", (in ModelContext c) => c.Age < 67 ? 0.03 : 0);
        b.Probability("Work", "Aap", (in ModelContext c) => c.Age < 67 ? 0.01 + (0.0005 * (c.Age - 20)) : 0);
        b.Probability("Work", "Retired", (in ModelContext c) => c.Age >= 67 ? 1 - Mort(c) : 0);
        b.Probability("Unemployed", "Work", 0.5).Probability("Unemployed", "Neet", 0.1);
        b.Probability("Aap", "Work", 0.15).Probability("Aap", "Disability", 0.1);
        b.Probability("Disability", "Retired", (in ModelContext c) => c.Age >= 67 ? 1 - (2 * Mort(c)) : 0);
        b.Probability("SocialAssistance", "Work", 0.12).Probability("SocialAssistance", "Aap", 0.05);
        b.Probability("Prison", "Neet", 0.6);

        Account A(Payer p, Sector s, FlowKind k = FlowKind.ResourceCost) => new(p, s, k);
        b.StateFlow("Home", A(Payer.Municipality, Sector.Education), 135_300);
        b.StateFlow("InHomeMeasures", A(Payer.Municipality, Sector.ChildWelfare), 180_000);
        b.StateFlow("InHomeMeasures", A(Payer.State, Sector.ChildWelfare), 100_000);
        b.StateFlow("FosterCare", A(Payer.Municipality, Sector.ChildWelfare), 400_000);
        b.StateFlow("Institution", A(Payer.Municipality, Sector.ChildWelfare), 2_040_000);
        b.StateFlow("Institution", A(Payer.State, Sector.ChildWelfare), 3_640_130);
        b.StateFlow("School", A(Payer.Municipality, Sector.Education), 135_300);
        b.StateFlow("UpperSecondary", A(Payer.County, Sector.Education), 170_000);
        foreach (var s in new[] { "Neet", "Aap", "Disability", "SocialAssistance", "Prison", "Unemployed" })
        {
            b.StateFlow(s, A(Payer.State, Sector.Health), (in ModelContext c) => 20_000 + (500 * c.Age));
            b.StateFlow(s, A(Payer.Municipality, Sector.Health), 8_000);
        }

        b.StateFlow("SocialAssistance", A(Payer.Municipality, Sector.SocialServices, FlowKind.Transfer), 144_418);
        b.StateFlow("SocialAssistance", A(Payer.Individual, Sector.SocialServices, FlowKind.Transfer), -144_418);
        b.StateFlow("Prison", A(Payer.State, Sector.Justice), 985_500);
        b.StateFlow("Neet", A(Payer.Municipality, Sector.SocialServices), 60_000);
        b.StateFlow("Neet", A(Payer.State, Sector.Employment), 40_000);
        b.AddSectorCostModel(new EarningsAndTaxModel(["Work"], new AgeSchedule([(16, 25, 350_000), (25, 40, 600_000), (40, 67, 680_000)]), 0.255, TaxSplit.Norway));
        b.AddSectorCostModel(BenefitModel.ShareOfBaseAmount("Aap", 2.0, 118_620, taxRate: 0.2));
        b.AddSectorCostModel(BenefitModel.ShareOfBaseAmount("Disability", 2.5, 118_620, taxRate: 0.2));
        b.AddSectorCostModel(BenefitModel.ShareOfEarnings("Unemployed", 0.624, new AgeSchedule([(16, 67, 600_000)]), 0.624 * 6 * 118_620, taxRate: 0.2));
        b.AddSectorCostModel(BenefitModel.ShareOfBaseAmount("Retired", 2.0, 118_620, taxRate: 0.2));
        b.TransitionFlow(null, "Prison", A(Payer.State, Sector.Justice), 150_000);
        b.TransitionFlow(null, "FosterCare", A(Payer.Municipality, Sector.ChildWelfare), 50_000);

        foreach (var s in alive)
        {
            b.StateOutcome(s, Outcome.Qaly, s is "Work" or "School" or "UpperSecondary" or "Home" ? 0.9 : 0.7);
        }

        b.StateOutcome("Work", new Outcome("years in work"), 1);

        var team = Intervention.Create("family team").OfKind(InterventionKind.Preventive)
            .EligibleIn("InHomeMeasures", "FosterCare")
            .UpfrontCost(A(Payer.Municipality, Sector.SocialServices), upfront)
            .CostPerCycle(A(Payer.Municipality, Sector.SocialServices), perCycle, 3)
            .AffectTransition("InHomeMeasures", "FosterCare", EffectMeasure.HazardRatio, effect, EffectProfile.ExponentialDecay(5))
            .AffectTransition("Neet", "Work", EffectMeasure.RelativeRisk, neetWork, EffectProfile.LinearDropOff(5, 15))
            .Build();
        b.AddStrategy(Strategy.BusinessAsUsual).AddStrategy(new Strategy("family team", team));
        b.WithPopulation(new Population(
        [
            new PopulationGroup(12, "School", 80), new PopulationGroup(12, "InHomeMeasures", 12), new PopulationGroup(12, "FosterCare", 5),
            new PopulationGroup(12, "Institution", 1), new PopulationGroup(12, "Home", 2),
        ], size: 1000));
        b.WithOptions(new SimulationOptions { Cycles = cycles, StateWeights = CycleWeights.HalfCycle, CostDiscounting = DiscountSchedule.Norway2021, OutcomeDiscounting = DiscountSchedule.Norway2021 });
        return b.Build();
    }
}
