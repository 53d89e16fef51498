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
        States = [new() { Name = "school" }, new() { Name = "neet", Description = "not in employment, education or training" }, new() { Name = "work" }, new() { Name = "dead", Absorbing = true }],
        Payers = [new() { Name = "municipality", IsPublic = true, Parent = null, Description = "kommune" }, new() { Name = "state", IsPublic = true }, new() { Name = "individual", IsPublic = false }],
        Sectors = [new() { Name = "education" }, new() { Name = "social-services" }, new() { Name = "benefits" }, new() { Name = "employment" }],
        Parameters =
        [
            new() { Name = "p_neet_work", Value = 0.2, Distribution = new DistributionSpec("beta", [20, 80]), Description = "NEET to work per year" },
            new() { Name = "ips_rr", Value = 1.5, Distribution = new DistributionSpec("lognormal", [0.405, 0.1]) },
            new() { Name = "scale", Value = 1.0 },
        ],
        Transitions =
        [
            new() { From = "school", To = "work", Kind = TransitionValueKind.Probability, AgeFrom = 16, AgeTo = 20, Value = 0.3, Source = "illustrative" },
            new() { From = "school", To = "neet", Kind = TransitionValueKind.Probability, AgeFrom = 16, AgeTo = 20, Value = 0.1 },
            new() { From = "school", To = "work", Kind = TransitionValueKind.Probability, AgeFrom = 20, AgeTo = null, Value = 0.9 },
            new() { From = "school", To = "neet", Kind = TransitionValueKind.Probability, AgeFrom = 20, AgeTo = null, Value = 0.1 },
            new() { From = "school", To = "school", Kind = TransitionValueKind.Remainder },
            new() { From = "neet", To = "work", Kind = TransitionValueKind.Probability, Value = null, Parameter = "p_neet_work" },
            new() { From = "neet", To = "dead", Kind = TransitionValueKind.Probability, Value = 0.002 },
            new() { From = "neet", To = "neet", Kind = TransitionValueKind.Remainder },
            new() { From = "work", To = "neet", Kind = TransitionValueKind.Rate, Value = 0.05, Parameter = "scale" },
            new() { From = "work", To = "dead", Kind = TransitionValueKind.Rate, Value = 0.001 },
        ],
        Flows =
        [
            new() { State = "school", Payer = "municipality", Sector = "education", Kind = FlowKind.ResourceCost, AgeFrom = null, AgeTo = 16, Amount = 150_000, PriceYear = 2023, Source = "KOSTRA, 2023" },
            new() { State = "neet", Payer = "municipality", Sector = "social-services", Kind = FlowKind.Transfer, Amount = 120_000, Source = "illustrative" },
            new() { State = "neet", Payer = "individual", Sector = "social-services", Kind = FlowKind.Transfer, Amount = -120_000 },
            new() { State = "work", Payer = "individual", Sector = "employment", Kind = FlowKind.Production, AgeFrom = 18, AgeTo = 67, Amount = -500_000, RealGrowth = 0.01 },
            new() { State = "*", ToState = "dead", Payer = "state", Sector = "benefits", Kind = FlowKind.ResourceCost, Amount = 50_000, Source = "funeral grant, illustrative" },
        ],
        Population = [new() { State = "school", StartAge = 16, Weight = 0.8 }, new() { State = "neet", StartAge = 18, Weight = 0.2, Source = "illustrative" }],
        PriceIndex = [new() { Year = 2023, Index = 131.1, Source = "SSB KPI table 03014" }, new() { Year = 2024, Index = 135.2 }],
        Interventions = [new() { Name = "IPS", Kind = InterventionKind.Preventive, EligibleStates = ["neet"], MinAge = 16, MaxAge = 30, Uptake = 0.8, UptakeParameter = null, Description = "supported employment" }],
        InterventionCosts = [new() { Intervention = "IPS", Payer = "municipality", Sector = "employment", Kind = FlowKind.ResourceCost, Timing = CostTiming.PerCycle, Amount = 60_000, Parameter = null, DurationYears = 2, States = ["neet"], PriceYear = 2023, Source = "illustrative" }, new() { Intervention = "IPS", Payer = "state", Sector = "employment", Kind = FlowKind.ResourceCost, Timing = CostTiming.Upfront, Amount = 10_000, Parameter = null, DurationYears = null, States = [] }],
        Effects = [new() { Intervention = "IPS", Target = EffectTarget.Transition, From = "neet", To = "work", Payer = null, Sector = null, Measure = EffectMeasure.RelativeRisk, Value = null, Parameter = "ips_rr", Profile = EffectProfileKind.Decay, ProfileYears = 5, ProfileUntil = 2, Source = "illustrative" }, new() { Intervention = "IPS", Target = EffectTarget.Flows, From = "neet", To = null, Payer = "municipality", Sector = null, Measure = EffectMeasure.RelativeRisk, Value = 0.9, Parameter = null }],
        Strategies = [new() { Strategy = "Business as usual" }, new() { Strategy = "IPS for NEET", Intervention = "IPS" }],
    };
}
