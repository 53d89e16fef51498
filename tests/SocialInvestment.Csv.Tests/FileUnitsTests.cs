using SocialInvestment.Engine;
using SocialInvestment.Model;
using SocialInvestment.Scenarios;

namespace SocialInvestment.Csv.Tests;

/// <summary>
/// Files give recurring amounts per person-year; the core books them per person-cycle. Flows and
/// per-cycle intervention costs must be converted alike, so a scenario run in half-year cycles over
/// the same years gives the same totals as in annual cycles.
/// </summary>
public sealed class FileUnitsTests
{
    // One person in one state that nobody leaves, counted from the beginning of each cycle, undiscounted:
    // every total is (amount per year) × (years), whatever the cycle length.
    private static Scenario Scenario(double cycleLengthYears, int cycles) => new()
    {
        Settings = new ScenarioSettings
        {
            Name = "units",
            HorizonCycles = cycles,
            CycleLengthYears = cycleLengthYears,
            Counting = "beginning",
            CostDiscounting = "none",
            OutcomeDiscounting = "none",
            PriceYear = 2024,
            PopulationSize = 1,
            Comparator = "none",
            Perspectives = ["municipality"],
        },
        States = [new() { Name = "A" }],
        Payers = [new() { Name = "municipality", IsPublic = true }],
        Sectors = [new() { Name = "social-services" }],
        Parameters = [new() { Name = "cost_b", Value = 400 }],
        Transitions = [new() { From = "A", To = "A", Kind = TransitionValueKind.Remainder }],
        Flows =
        [
            new() { State = "A", Payer = "municipality", Sector = "social-services", Kind = FlowKind.ResourceCost, Amount = 1_000 },
            new() { State = "A", Payer = "municipality", Sector = "social-services", Kind = FlowKind.ResourceCost, Amount = 131.1, PriceYear = 2023 },
        ],
        Population = [new() { State = "A", StartAge = 30, Weight = 1 }],
        PriceIndex = [new() { Year = 2023, Index = 131.1 }, new() { Year = 2024, Index = 135.2 }],
        Interventions = [new() { Name = "X", Kind = InterventionKind.Preventive, EligibleStates = ["A"] }],
        InterventionCosts =
        [
            new() { Intervention = "X", Payer = "municipality", Sector = "social-services", Kind = FlowKind.ResourceCost, Timing = CostTiming.PerCycle, Amount = 600, Parameter = null, DurationYears = null, States = [] },
            new() { Intervention = "X", Payer = "municipality", Sector = "social-services", Kind = FlowKind.ResourceCost, Timing = CostTiming.PerCycle, Amount = null, Parameter = "cost_b", DurationYears = null, States = [] },
            new() { Intervention = "X", Payer = "municipality", Sector = "social-services", Kind = FlowKind.ResourceCost, Timing = CostTiming.PerCycle, Amount = 131.1, Parameter = null, DurationYears = null, States = [], PriceYear = 2023 },
            new() { Intervention = "X", Payer = "municipality", Sector = "social-services", Kind = FlowKind.ResourceCost, Timing = CostTiming.Upfront, Amount = 50, Parameter = null, DurationYears = null, States = [] },
        ],
        Strategies = [new() { Strategy = "none" }, new() { Strategy = "X", Intervention = "X" }],
    };

    [TestCase(1.0, 10)]
    [TestCase(0.5, 20)]
    [TestCase(0.25, 40)]
    public void FlowsAndPerCycleCosts_ArePerPersonYear_WhateverTheCycleLength(double cycleLengthYears, int cycles)
    {
        var run = ScenarioRunner.Run(Scenario(cycleLengthYears, cycles));
        var municipality = run.Perspectives.Single();

        // Flows: 1 000 a year, plus 131.1 in 2023 prices = 135.2 in 2024 prices, over 10 years.
        // Tolerance: sums of 10–40 terms with binary fractions of the cycle length; 1e-9 relative.
        var flows = run.Result("none").TotalCost(municipality, discounted: false);
        Assert.That(flows, Is.EqualTo(10 * (1_000 + 135.2)).Within(1e-9).Percent);

        // Intervention costs: 600 + 400 (a parameter) + 131.1 in 2023 prices (= 135.2) a participant-year over 10 years, plus 50 upfront.
        var appraisal = run.Appraisal("X", "municipality");
        Assert.That(appraisal.PresentValueInvestment, Is.EqualTo((10 * (600 + 400 + 135.2)) + 50).Within(1e-9).Percent);
        Assert.That(appraisal.InvestmentByCycle[1], Is.EqualTo((600 + 400 + 135.2) * cycleLengthYears).Within(1e-9).Percent, "one cycle's cost is the annual cost times the cycle length");
        Assert.That(run.Result("X").TotalCost(municipality, discounted: false) - flows, Is.EqualTo(appraisal.PresentValueInvestment).Within(1e-9).Percent);
    }

    [Test]
    public void PerCycleQuantities_ScaleConstantsAndParametersAlike()
    {
        var values = new ParameterValues([3.0]);
        Assert.That(FileUnits.PerCycle(Quantity.Constant(1_000), 0.5).Evaluate(values), Is.EqualTo(500));
        Assert.That(FileUnits.PerCycle(Quantity.Of(new ParameterRef(0, "p")), 0.5).Evaluate(values), Is.EqualTo(1.5));
        Assert.That(FileUnits.PerCycle(Quantity.Of(new ParameterRef(0, "p")), 0.5).IsParameter, Is.True, "still varies with its parameter under PSA");
        Assert.That(FileUnits.PerCycle(1_000, 0.25), Is.EqualTo(250));
    }
}
