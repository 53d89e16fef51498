using SocialInvestment.Economics;
using SocialInvestment.Engine;
using SocialInvestment.Model;
using SocialInvestment.Tests.TestSupport;

namespace SocialInvestment.Tests.Engine;

/// <summary>
/// Durations of intervention costs and of outcome and flow effects cover the same cycles as
/// transition effects (cycles k with k·Δt &lt; d) under every counting convention (issue 7).
/// </summary>
public class DurationCountingTests
{
    private static readonly Payer P = new("payer", true);
    private static readonly Sector S = new("sector");
    private static readonly Account Cost = new(P, S, FlowKind.ResourceCost);
    private static readonly Outcome Treated = new("treated-years");

    public static IEnumerable<TestCaseData> Conventions()
    {
        yield return new TestCaseData(CycleWeights.Beginning).SetArgDisplayNames("beginning");
        yield return new TestCaseData(CycleWeights.End).SetArgDisplayNames("end");
        yield return new TestCaseData(CycleWeights.AllPoints).SetArgDisplayNames("all-points");
        yield return new TestCaseData(CycleWeights.HalfCycle).SetArgDisplayNames("half-cycle");
        yield return new TestCaseData(CycleWeights.LifeTable).SetArgDisplayNames("life-table");
        yield return new TestCaseData(CycleWeights.SimpsonDarth).SetArgDisplayNames("simpson-darth");
        yield return new TestCaseData(CycleWeights.Custom([0.5, 1, 1, 1, 1, 1, 0.5])).SetArgDisplayNames("custom-trapezoid");
        yield return new TestCaseData(CycleWeights.Custom([0, 2, 0, 2, 0, 2, 0])).SetArgDisplayNames("custom-uneven");
    }

    /// <summary>One state nobody leaves, six annual cycles, a cost of 1 per cycle for 2 years and an outcome of 1 set for 2 years.</summary>
    private static (LifeCourseModel Model, Strategy Strategy) StayModel(CycleWeights weights, double durationYears = 2, double cycleLength = 1, int cycles = 6)
    {
        var iv = Intervention.Create("two years")
            .CostPerCycle(Cost, 1, durationYears)
            .SetOutcome("In", Treated, 1, EffectProfile.ConstantFor(durationYears))
            .Build();
        var s = new Strategy("treat", iv);
        var b = new LifeCourseModelBuilder("stay");
        b.AddState("In").AddPayers(P).AddSectors(S).AddOutcomes(Treated);
        b.Probability("In", "In", 1.0);
        b.StateFlow("In", Cost, 0);
        b.WithPopulation(Population.StartingIn(30, "In"))
            .WithOptions(new SimulationOptions { Cycles = cycles, CycleLengthYears = cycleLength, StateWeights = weights, CostDiscounting = DiscountSchedule.None, OutcomeDiscounting = DiscountSchedule.None });
        return (b.AddStrategy(s).Build(), s);
    }

    private static double Invested(SimulationResult r) => r.TotalFlow(r.Model.AccountIndex(Cost), FlowOrigin.Intervention, discounted: false);

    [TestCaseSource(nameof(Conventions))]
    public void TwoYearCost_NobodyLeaves_TotalsTwo(CycleWeights weights)
    {
        var (model, s) = StayModel(weights);
        var r = CohortEngine.Run(model, s);
        Assert.Multiple(() =>
        {
            Assert.That(Invested(r), Is.EqualTo(2).Within(1e-12), "2 years of a cost of 1 per cycle");
            Assert.That(r.TotalOutcome(Treated, discounted: false), Is.EqualTo(2).Within(1e-12), "2 years of an outcome of 1");
        });
    }

    [TestCaseSource(nameof(Conventions))]
    public void FractionalDuration_CoversWholeCyclesLikeATransitionEffect(CycleWeights weights)
    {
        // ConstantFor(1.5) acts on the transitions of cycles 0 and 1 (τ = 0 and 1 are < 1.5), so a 1.5-year cost is paid in both.
        Assert.That(EffectProfile.ConstantFor(1.5).Multiplier(1), Is.EqualTo(1));
        var (model, s) = StayModel(weights, durationYears: 1.5);
        Assert.That(Invested(CohortEngine.Run(model, s)), Is.EqualTo(2).Within(1e-12));
    }

    [TestCaseSource(nameof(Conventions))]
    public void HalfYearCycles_TwoYearsAreFourCycles(CycleWeights weights)
    {
        var (model, s) = StayModel(weights, durationYears: 2, cycleLength: 0.5, cycles: 6);
        var r = CohortEngine.Run(model, s);
        Assert.That(Invested(r), Is.EqualTo(4).Within(1e-12), "the amount is per cycle; 2 years of half-year cycles are 4 cycles");
    }

    [Test]
    public void TransitionEffect_ConstantForTwo_ActsInCyclesZeroAndOne()
    {
        var iv = Intervention.Create("x").AffectTransition("Alive", "Dead", EffectMeasure.AbsoluteChange, -0.05, EffectProfile.ConstantFor(2)).Build();
        var s = new Strategy("s", iv);
        var c = Mortal(CycleWeights.Beginning, s).Compile(s);
        Assert.Multiple(() =>
        {
            Assert.That(c.TransitionMatrix(0, 0)[0, 1], Is.EqualTo(0.05).Within(1e-15));
            Assert.That(c.TransitionMatrix(0, 1)[0, 1], Is.EqualTo(0.05).Within(1e-15));
            Assert.That(c.TransitionMatrix(0, 2)[0, 1], Is.EqualTo(0.1).Within(1e-15));
        });
    }

    /// <summary>
    /// With people leaving (10 % die each cycle: occupancy 1, 0.9, 0.81, …) the 2-year cost is paid on
    /// the occupancy the convention assigns to cycles 0 and 1, computed by hand.
    /// </summary>
    [TestCase("beginning", 1 + 0.9)]
    [TestCase("end", 0.9 + 0.81)]
    [TestCase("all-points", 1 + 0.9)]
    [TestCase("half-cycle", 0.5 + 0.9 + 0.405)]
    [TestCase("life-table", (0.5 * (1 + 0.9)) + (0.5 * (0.9 + 0.81)))]
    [TestCase("simpson-darth", (1.0 / 3) + (2.0 / 3 * 0.9) + 0.81)] // cumulative weight 1/3, 1, 7/3: point 2 gives 1 of its 4/3 to cycle 1
    public void TwoYearCost_PeopleLeaving_UsesTheConventionsCycles(string convention, double expected)
    {
        var iv = Intervention.Create("x").CostPerCycle(Cost, 1, 2).Build();
        var s = new Strategy("s", iv);
        var r = CohortEngine.Run(Mortal(CountingNames.Of(convention), s), s);
        Assert.That(Invested(r), Is.EqualTo(expected).Within(1e-12));
    }

    [TestCase("beginning")]
    [TestCase("end")]
    [TestCase("half-cycle")]
    [TestCase("life-table")]
    public void FlowEffect_ConstantForTwo_CoversTheSameCyclesAsACost(string convention)
    {
        // A flow effect that removes a flow of 1 for 2 years saves exactly what a 2-year cost of 1 costs.
        var saving = new Strategy("saving", Intervention.Create("x").ScaleFlows(0, state: "Alive", profile: EffectProfile.ConstantFor(2)).Build());
        var cost = new Strategy("cost", Intervention.Create("y").CostPerCycle(Cost, 1, 2).Build());
        var b = MortalBuilder(CountingNames.Of(convention));
        b.StateFlow("Alive", Cost, 1);
        var model = b.AddStrategy(saving).AddStrategy(cost).Build();
        var pers = Perspective.ForPayer(P);
        var bau = CohortEngine.Run(model, Strategy.BusinessAsUsual).TotalCost(pers, discounted: false);
        var saved = bau - CohortEngine.Run(model, saving).TotalCost(pers, discounted: false);
        var paid = Invested(CohortEngine.Run(model, cost));
        Assert.That(saved, Is.EqualTo(paid).Within(1e-12));
    }

    private static LifeCourseModelBuilder MortalBuilder(CycleWeights weights)
    {
        var b = new LifeCourseModelBuilder("mortal");
        b.AddState("Alive").AddState("Dead", absorbing: true).AddPayers(P).AddSectors(S);
        b.Probability("Alive", "Dead", 0.1).Remainder("Alive", "Alive");
        b.WithPopulation(Population.StartingIn(30, "Alive"))
            .WithOptions(new SimulationOptions { Cycles = 6, StateWeights = weights, CostDiscounting = DiscountSchedule.None, OutcomeDiscounting = DiscountSchedule.None });
        return b;
    }

    private static LifeCourseModel Mortal(CycleWeights weights, Strategy s) => MortalBuilder(weights).AddStrategy(s).Build();
}
