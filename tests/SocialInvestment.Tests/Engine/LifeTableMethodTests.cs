using SocialInvestment.Economics;
using SocialInvestment.Engine;
using SocialInvestment.Model;

namespace SocialInvestment.Tests.Engine;

/// <summary>
/// heemod's life-table method (issue 7): cycle k counts ½(m_k + m_{k+1}) with cycle k's values,
/// discounted at the cycle's start, against the trapezoid over discounted trace points.
/// </summary>
public class LifeTableMethodTests
{
    private static readonly Payer P = new("payer", true);
    private static readonly Sector S = new("sector");
    private static readonly Account Cost = new(P, S, FlowKind.ResourceCost);

    // Alive occupancy 1, 0.9, 0.81, 0.729 (10 % die each cycle); cost 100 + 10·t in Alive at cycle t; 4 % a year.
    private static LifeCourseModel Model(CycleWeights weights) => new LifeCourseModelBuilder("lt")
        .AddState("Alive").AddState("Dead", absorbing: true).AddPayers(P).AddSectors(S).AddOutcomes(Outcome.LifeYears)
        .Probability("Alive", "Dead", 0.1).Remainder("Alive", "Alive")
        .StateFlow("Alive", Cost, (in ModelContext c) => 100 + (10 * c.Cycle))
        .StateOutcome("Alive", Outcome.LifeYears, 1)
        .WithPopulation(Population.StartingIn(40, "Alive"))
        .WithOptions(new SimulationOptions { Cycles = 3, StateWeights = weights, CostDiscounting = DiscountSchedule.Constant(0.04), OutcomeDiscounting = DiscountSchedule.Constant(0.04) })
        .Build();

    [Test]
    public void LifeTable_MatchesHandComputation()
    {
        var r = CohortEngine.Run(Model(CycleWeights.LifeTable), Strategy.BusinessAsUsual);
        var pers = Perspective.ForPayer(P);
        // Σ_{k=0..2} ½(m_k + m_{k+1})·v(k)·1.04^−k with v(k) = 100 + 10k.
        var expected = (0.5 * (1 + 0.9) * 100) + (0.5 * (0.9 + 0.81) * 110 / 1.04) + (0.5 * (0.81 + 0.729) * 120 / (1.04 * 1.04));
        var lifeYears = (0.5 * (1 + 0.9)) + (0.5 * (0.9 + 0.81) / 1.04) + (0.5 * (0.81 + 0.729) / (1.04 * 1.04));
        var a = r.Model.AccountIndex(Cost);
        Assert.Multiple(() =>
        {
            Assert.That(r.TotalCost(pers), Is.EqualTo(expected).Within(1e-12));
            Assert.That(r.TotalOutcome(Outcome.LifeYears), Is.EqualTo(lifeYears).Within(1e-14));
            Assert.That(r.TotalCost(pers, discounted: false), Is.EqualTo((95 + (0.5 * 1.71 * 110) + (0.5 * 1.539 * 120))).Within(1e-12));
            Assert.That(r.Flow(0, a, FlowOrigin.Base, discounted: false), Is.EqualTo(95).Within(1e-12), "row k is cycle k");
            Assert.That(r.Flow(3, a, FlowOrigin.Base, discounted: false), Is.EqualTo(0), "no row for the final trace point");
            Assert.That(r.Occupancy(3, "Alive"), Is.EqualTo(0.729).Within(1e-15), "the trace itself is unchanged");
            Assert.That(CycleWeights.LifeTable.PerCycle, Is.True);
            Assert.That(CycleWeights.LifeTable.For(3), Is.EqualTo(new[] { 0.5, 1, 1, 0.5 }), "total weight of each trace point's occupancy");
        });
    }

    [Test]
    public void TrapezoidDiscounted_IsTheOldComputation()
    {
        var r = CohortEngine.Run(Model(CycleWeights.TrapezoidDiscounted), Strategy.BusinessAsUsual);
        // Σ_t w_t·m_t·v(t)·1.04^−t with w = (½, 1, 1, ½).
        var expected = (0.5 * 100) + (0.9 * 110 / 1.04) + (0.81 * 120 / Math.Pow(1.04, 2)) + (0.5 * 0.729 * 130 / Math.Pow(1.04, 3));
        Assert.Multiple(() =>
        {
            Assert.That(r.TotalCost(Perspective.ForPayer(P)), Is.EqualTo(expected).Within(1e-12));
            Assert.That(CycleWeights.TrapezoidDiscounted, Is.SameAs(CycleWeights.HalfCycle));
            Assert.That(CycleWeights.FromName("trapezoid"), Is.SameAs(CycleWeights.HalfCycle));
            Assert.That(CycleWeights.FromName("life-table"), Is.SameAs(CycleWeights.LifeTable));
            Assert.That(CycleWeights.HalfCycle.PerCycle, Is.False);
        });
    }

    [Test]
    public void LifeTable_Undiscounted_TimeConstantValues_EqualsHalfCycle()
    {
        // With values constant in time and no discounting the two methods are the same sum.
        LifeCourseModel M(CycleWeights w) => new LifeCourseModelBuilder("c")
            .AddState("Alive").AddState("Dead", absorbing: true).AddPayers(P).AddSectors(S)
            .Probability("Alive", "Dead", 0.1).Remainder("Alive", "Alive").StateFlow("Alive", Cost, 100)
            .WithPopulation(Population.StartingIn(40, "Alive"))
            .WithOptions(new SimulationOptions { Cycles = 12, StateWeights = w, CostDiscounting = DiscountSchedule.None })
            .Build();
        var pers = Perspective.ForPayer(P);
        Assert.That(CohortEngine.Run(M(CycleWeights.LifeTable), Strategy.BusinessAsUsual).TotalCost(pers), Is.EqualTo(CohortEngine.Run(M(CycleWeights.HalfCycle), Strategy.BusinessAsUsual).TotalCost(pers)).Within(1e-10));
    }

    [Test]
    public void LifeTable_Microsimulation_IsRefusedWithAReason()
    {
        var e = Assert.Throws<ArgumentException>(() => MicrosimEngine.Run(Model(CycleWeights.LifeTable), Strategy.BusinessAsUsual, new MicrosimOptions { People = 10, Seed = 1 }));
        Assert.That(e!.Message, Does.Contain("life-table").And.Contain("cohort engine"));
    }
}
