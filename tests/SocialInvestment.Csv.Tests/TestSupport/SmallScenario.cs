using SocialInvestment.Model;
using SocialInvestment.Scenarios;

namespace SocialInvestment.Csv.Tests.TestSupport;

/// <summary>A small three-state scenario (school, NEET, work, dead) that uses every table.</summary>
internal static class SmallScenario
{
    public static Scenario Create() => new()
    {
        Settings = new ScenarioSettings
        {
            Name = "small",
            Description = "A test scenario, with a comma, and \"quotes\".",
            HorizonCycles = 20,
            PriceYear = 2024,
            Comparator = "Business as usual",
            Perspectives = ["municipality", "public", "society"],
        },
        States = [new("school"), new("neet", Description: "not in employment, education or training"), new("work"), new("dead", Absorbing: true)],
        Payers = [new("municipality", true, null, "kommune"), new("state", true), new("individual", false)],
        Sectors = [new("education"), new("social-services"), new("benefits"), new("employment")],
        Parameters =
        [
            new("p_neet_work", 0.2, new DistributionSpec("beta", [20, 80]), "NEET to work per year"),
            new("ips_rr", 1.5, new DistributionSpec("lognormal", [0.405, 0.1])),
            new("scale", 1.0),
        ],
        Transitions =
        [
            new("school", "work", TransitionValueKind.Probability, 16, 20, 0.3, Source: "illustrative"),
            new("school", "neet", TransitionValueKind.Probability, 16, 20, 0.1),
            new("school", "work", TransitionValueKind.Probability, 20, null, 0.9),
            new("school", "neet", TransitionValueKind.Probability, 20, null, 0.1),
            new("school", "school", TransitionValueKind.Remainder),
            new("neet", "work", TransitionValueKind.Probability, Value: null, Parameter: "p_neet_work"),
            new("neet", "dead", TransitionValueKind.Probability, Value: 0.002),
            new("neet", "neet", TransitionValueKind.Remainder),
            new("work", "neet", TransitionValueKind.Rate, Value: 0.05, Parameter: "scale"),
            new("work", "dead", TransitionValueKind.Rate, Value: 0.001),
        ],
        Flows =
        [
            new("school", null, "municipality", "education", FlowKind.ResourceCost, null, 16, 150_000, PriceYear: 2023, Source: "KOSTRA, 2023"),
            new("neet", null, "municipality", "social-services", FlowKind.Transfer, Amount: 120_000, Source: "illustrative"),
            new("neet", null, "individual", "social-services", FlowKind.Transfer, Amount: -120_000),
            new("work", null, "individual", "employment", FlowKind.Production, 18, 67, -500_000, RealGrowth: 0.01),
            new("*", "dead", "state", "benefits", FlowKind.ResourceCost, Amount: 50_000, Source: "funeral grant, illustrative"),
        ],
        Population = [new("school", 16, 0.8), new("neet", 18, 0.2, "illustrative")],
        PriceIndex = [new(2023, 131.1, "SSB KPI table 03014"), new(2024, 135.2)],
        Interventions = [new("IPS", InterventionKind.Preventive, ["neet"], 16, 30, 0.8, null, "supported employment")],
        InterventionCosts = [new("IPS", "municipality", "employment", FlowKind.ResourceCost, CostTiming.PerCycle, 60_000, null, 2, ["neet"], 2023, "illustrative"), new("IPS", "state", "employment", FlowKind.ResourceCost, CostTiming.Upfront, 10_000, null, null, [])],
        Effects = [new("IPS", EffectTarget.Transition, "neet", "work", null, null, EffectMeasure.RelativeRisk, null, "ips_rr", EffectProfileKind.Decay, 5, 2, "illustrative"), new("IPS", EffectTarget.Flows, "neet", null, "municipality", null, EffectMeasure.RelativeRisk, 0.9, null)],
        Strategies = [new("Business as usual"), new("IPS for NEET", "IPS")],
    };
}
