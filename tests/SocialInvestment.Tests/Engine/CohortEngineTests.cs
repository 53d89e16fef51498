using SocialInvestment.Economics;
using SocialInvestment.Engine;
using SocialInvestment.Model;

namespace SocialInvestment.Tests.Engine;

public class CohortEngineTests
{
    private static readonly Payer P = new("payer", true);
    private static readonly Sector S = new("sector");
    private static readonly Account Cost = new(P, S, FlowKind.ResourceCost);

    private static LifeCourseModelBuilder TwoState(SimulationOptions options)
    {
        var b = new LifeCourseModelBuilder("two");
        b.AddState("Alive").AddState("Dead", absorbing: true).AddPayers(P).AddSectors(S).AddOutcomes(Outcome.LifeYears);
        b.Probability("Alive", "Dead", 0.1).Remainder("Alive", "Alive");
        b.StateFlow("Alive", Cost, 100);
        b.StateOutcome("Alive", Outcome.LifeYears, 1);
        b.WithPopulation(Population.StartingIn(50, "Alive"));
        return b.WithOptions(options);
    }

    [Test]
    public void CountingConventions_WeightTracePointsAsDocumented()
    {
        double Total(CycleWeights w) => CohortEngine.Run(TwoState(new SimulationOptions { Cycles = 3, StateWeights = w, CostDiscounting = DiscountSchedule.None }).Build(), Strategy.BusinessAsUsual).TotalCost(Perspective.ForPayer(P));
        // Alive occupancy: 1, 0.9, 0.81, 0.729.
        Assert.Multiple(() =>
        {
            Assert.That(Total(CycleWeights.Beginning), Is.EqualTo(100 * (1 + 0.9 + 0.81)).Within(1e-9));
            Assert.That(Total(CycleWeights.End), Is.EqualTo(100 * (0.9 + 0.81 + 0.729)).Within(1e-9));
            Assert.That(Total(CycleWeights.AllPoints), Is.EqualTo(100 * (1 + 0.9 + 0.81 + 0.729)).Within(1e-9));
            Assert.That(Total(CycleWeights.HalfCycle), Is.EqualTo(100 * (0.5 + 0.9 + 0.81 + 0.3645)).Within(1e-9));
            Assert.That(Total(CycleWeights.LifeTable), Is.EqualTo(Total(CycleWeights.HalfCycle)).Within(1e-12));
            Assert.That(Total(CycleWeights.Custom([0, 2, 0, 0])), Is.EqualTo(180).Within(1e-9));
        });
    }

    [Test]
    public void DiscountTiming_OffsetOfOneYear_MatchesExcelNpv()
    {
        var r = CohortEngine.Run(TwoState(new SimulationOptions { Cycles = 3, StateWeights = CycleWeights.Beginning, CostDiscounting = DiscountSchedule.Constant(0.04), DiscountTimeOffsetYears = 1 }).Build(), Strategy.BusinessAsUsual);
        // Excel: =NPV(4%, 100, 90, 81) = 251.6071…
        Assert.That(r.TotalCost(Perspective.ForPayer(P)), Is.EqualTo((100 / 1.04) + (90 / (1.04 * 1.04)) + (81 / Math.Pow(1.04, 3))).Within(1e-9));
    }

    [Test]
    public void RateRow_ConvertsCompetingRisksTogether()
    {
        var b = new LifeCourseModelBuilder("rates");
        b.AddState("A").AddState("B").AddState("Dead", absorbing: true).AddPayers(P).AddSectors(S);
        b.Rate("A", "B", 0.3).Rate("A", "Dead", 0.1);
        b.Probability("B", "B", 1.0);
        b.WithPopulation(Population.StartingIn(0, "A")).WithOptions(new SimulationOptions { Cycles = 2, CycleLengthYears = 0.5 });
        var p = b.Build().Compile(Strategy.BusinessAsUsual).TransitionMatrix(0, 0);
        var stay = Math.Exp(-0.4 * 0.5);
        Assert.Multiple(() =>
        {
            Assert.That(p[0, 0], Is.EqualTo(stay).Within(1e-15));
            Assert.That(p[0, 1], Is.EqualTo(0.75 * (1 - stay)).Within(1e-15));
            Assert.That(p[0, 2], Is.EqualTo(0.25 * (1 - stay)).Within(1e-15));
        });
    }

    [Test]
    public void TunnelStates_TrackTimeInStateAndAggregateInTrace()
    {
        var b = new LifeCourseModelBuilder("tunnel");
        b.AddState("Sick", tunnelCycles: 3).AddState("Well", absorbing: true).AddPayers(P).AddSectors(S);
        // Recovery 10 %, 20 %, then 50 % from the third year in Sick on.
        b.Probability("Sick", "Well", (in ModelContext c) => c.TimeInState switch { 0 => 0.1, 1 => 0.2, _ => 0.5 }).Remainder("Sick", "Sick");
        b.StateFlow("Sick", Cost, (in ModelContext c) => 1000 * (c.TimeInState + 1));
        b.WithPopulation(Population.StartingIn(0, "Sick")).WithOptions(new SimulationOptions { Cycles = 4, StateWeights = CycleWeights.AllPoints, CostDiscounting = DiscountSchedule.None });
        var model = b.Build();
        var r = CohortEngine.Run(model, Strategy.BusinessAsUsual);
        double[] sick = [1, 0.9, 0.72, 0.36, 0.18];
        for (var t = 0; t <= 4; t++)
        {
            Assert.That(r.Occupancy(t, "Sick"), Is.EqualTo(sick[t]).Within(1e-12), $"t={t}");
        }

        Assert.That(r.TotalCost(Perspective.ForPayer(P)), Is.EqualTo(1000 * (1 + (0.9 * 2) + (0.72 * 3) + (0.36 * 3) + (0.18 * 3))).Within(1e-9));
        Assert.That(model.Compile(Strategy.BusinessAsUsual).ExpandedStateCount, Is.EqualTo(4));
    }

    [Test]
    public void AgeDependence_UsesStartAgePlusTimeForEachPopulationGroup()
    {
        var b = new LifeCourseModelBuilder("ages");
        b.AddState("Alive").AddState("Dead", absorbing: true).AddPayers(P).AddSectors(S);
        b.Probability("Alive", "Dead", (in ModelContext c) => c.Age >= 60 ? 1.0 : 0.0).Remainder("Alive", "Alive");
        b.WithPopulation(new Population([new PopulationGroup(58, "Alive", 1), new PopulationGroup(59, "Alive", 3)], size: 100));
        b.WithOptions(new SimulationOptions { Cycles = 3 });
        var r = CohortEngine.Run(b.Build(), Strategy.BusinessAsUsual);
        Assert.Multiple(() =>
        {
            Assert.That(r.Occupancy(0, "Alive"), Is.EqualTo(100));
            Assert.That(r.Occupancy(1, "Alive"), Is.EqualTo(100), "the 58- and 59-year-olds survive their first cycle");
            Assert.That(r.Occupancy(2, "Alive"), Is.EqualTo(25).Within(1e-12), "the 59-year-olds (75 %) died at 60");
            Assert.That(r.Occupancy(3, "Alive"), Is.EqualTo(0).Within(1e-12));
        });
    }

    [Test]
    public void PriceIndexAndRealGrowth_AdjustAmounts()
    {
        var b = TwoState(new SimulationOptions { Cycles = 2, StateWeights = CycleWeights.AllPoints, CostDiscounting = DiscountSchedule.None });
        b.WithPriceYear(2023, new Dictionary<int, double> { [2020] = 100, [2023] = 120 });
        b.AddFlow(new FlowDefinition { Trigger = FlowTrigger.StateOccupancy, FromState = "Alive", Account = Cost, Amount = (in ModelContext _) => 50, PriceYear = 2020, RealGrowth = 0.1 });
        var r = CohortEngine.Run(b.Build(), Strategy.BusinessAsUsual);
        var a = r.Model.AccountIndex(Cost);
        Assert.Multiple(() =>
        {
            Assert.That(r.Flow(0, a, FlowOrigin.Base, false), Is.EqualTo(100 + 60).Within(1e-12));
            Assert.That(r.Flow(1, a, FlowOrigin.Base, false), Is.EqualTo(0.9 * (100 + (60 * 1.1))).Within(1e-12));
        });
    }

    [Test]
    public void UptakeAndEligibility_MixTreatedAndUntreatedExactly()
    {
        LifeCourseModelBuilder Builder() => TwoState(new SimulationOptions { Cycles = 10 });
        var full = Intervention.Create("x").AffectTransition("Alive", "Dead", EffectMeasure.HazardRatio, 0.5).CostPerCycle(Cost, 7, 3).UpfrontCost(Cost, 11).Build();
        var part = Intervention.Create("x").AffectTransition("Alive", "Dead", EffectMeasure.HazardRatio, 0.5).CostPerCycle(Cost, 7, 3).UpfrontCost(Cost, 11).WithUptake(0.3).Build();
        var ineligible = Intervention.Create("x").AffectTransition("Alive", "Dead", EffectMeasure.HazardRatio, 0.5).EligibleAges(0, 40).Build();
        var sFull = new Strategy("full", full);
        var sPart = new Strategy("part", part);
        var sNone = new Strategy("none", ineligible);
        var model = Builder().AddStrategy(sFull).AddStrategy(sPart).AddStrategy(sNone).Build();
        var bau = CohortEngine.Run(model, Strategy.BusinessAsUsual);
        var rf = CohortEngine.Run(model, sFull);
        var rp = CohortEngine.Run(model, sPart);
        var rn = CohortEngine.Run(model, sNone);
        var pers = Perspective.ForPayer(P);
        Assert.Multiple(() =>
        {
            Assert.That(rp.TotalCost(pers), Is.EqualTo((0.3 * rf.TotalCost(pers)) + (0.7 * bau.TotalCost(pers))).Within(1e-9));
            Assert.That(rp.Occupancy(7, "Alive"), Is.EqualTo((0.3 * rf.Occupancy(7, "Alive")) + (0.7 * bau.Occupancy(7, "Alive"))).Within(1e-12));
            Assert.That(rn.TotalCost(pers), Is.EqualTo(bau.TotalCost(pers)).Within(1e-9), "start age 50 is not in [0, 40]");
            Assert.That(rf.Occupancy(1, "Alive"), Is.EqualTo(1 - RateConversion.ApplyHazardRatio(0.1, 0.5)).Within(1e-15));
        });
        var a = model.AccountIndex(Cost);
        // Upfront 11 at t = 0 plus 7 per cycle for 3 years while alive.
        var invest = Enumerable.Range(0, 11).Sum(t => rf.Flow(t, a, FlowOrigin.Intervention, false));
        var alive = Enumerable.Range(0, 3).Sum(t => rf.Occupancy(t, "Alive"));
        Assert.That(invest, Is.EqualTo(11 + (7 * alive)).Within(1e-12));
    }

    [Test]
    public void EffectProfiles_ScaleTheEffectOverTime()
    {
        Assert.Multiple(() =>
        {
            Assert.That(EffectProfile.ConstantFor(3).Multiplier(2.9), Is.EqualTo(1));
            Assert.That(EffectProfile.ConstantFor(3).Multiplier(3), Is.EqualTo(0));
            Assert.That(EffectProfile.ExponentialDecay(2).Multiplier(4), Is.EqualTo(0.25).Within(1e-15));
            Assert.That(EffectProfile.ExponentialDecay(2, delayYears: 1).Multiplier(3), Is.EqualTo(0.5).Within(1e-15));
            Assert.That(EffectProfile.LinearDropOff(2, 6).Multiplier(5), Is.EqualTo(0.25).Within(1e-15));
            Assert.That(EffectProfile.LinearDropOff(2, 6).Multiplier(7), Is.EqualTo(0));
            Assert.That(EffectProfile.Permanent.Multiplier(1e6), Is.EqualTo(1));
        });
    }

    [Test]
    public void DecayingHazardRatio_ActsAsHrToTheMultiplier()
    {
        var iv = Intervention.Create("x").AffectTransition("Alive", "Dead", EffectMeasure.HazardRatio, 0.25, EffectProfile.ExponentialDecay(1)).Build();
        var s = new Strategy("s", iv);
        var model = TwoState(new SimulationOptions { Cycles = 3 }).AddStrategy(s).Build();
        var c = model.Compile(s);
        Assert.Multiple(() =>
        {
            Assert.That(c.TransitionMatrix(0, 0)[0, 1], Is.EqualTo(RateConversion.ApplyHazardRatio(0.1, 0.25)).Within(1e-15));
            Assert.That(c.TransitionMatrix(0, 1)[0, 1], Is.EqualTo(RateConversion.ApplyHazardRatio(0.1, 0.5)).Within(1e-15), "HR^0.5 one half-life later");
        });
    }

    [Test]
    public void OddsRatioRelativeRiskAndAbsoluteChange_AdjustTheRemainder()
    {
        Intervention Iv(EffectMeasure m, double size) => Intervention.Create(m.ToString()).AffectTransition("Alive", "Dead", m, size).Build();
        var strategies = new[] { (EffectMeasure.OddsRatio, 2.0, 2.0 / 11.0), (EffectMeasure.RelativeRisk, 1.5, 0.15), (EffectMeasure.AbsoluteChange, -0.04, 0.06) };
        foreach (var (m, size, expected) in strategies)
        {
            var s = new Strategy(m.ToString(), Iv(m, size));
            var model = TwoState(new SimulationOptions { Cycles = 1 }).AddStrategy(s).Build();
            var p = model.Compile(s).TransitionMatrix(0, 0);
            Assert.That(p[0, 1], Is.EqualTo(expected).Within(1e-15), m.ToString());
            Assert.That(p[0, 0], Is.EqualTo(1 - expected).Within(1e-15), m.ToString());
        }
    }

    [Test]
    public void ProportionalBalance_KeepsALargeEffectFeasible()
    {
        LifeCourseModelBuilder Builder()
        {
            var b = new LifeCourseModelBuilder("balance");
            b.AddState("A").AddState("B").AddState("Dead", absorbing: true).AddPayers(P).AddSectors(S);
            b.Probability("A", "B", 0.1).Probability("A", "Dead", 0.5).Remainder("A", "A");
            b.Probability("B", "B", 1.0);
            return b.WithPopulation(Population.StartingIn(20, "A")).WithOptions(new SimulationOptions { Cycles = 2 });
        }

        var remainder = new Strategy("remainder", Intervention.Create("x").AffectTransition("A", "B", EffectMeasure.OddsRatio, 20).Build());
        var proportional = new Strategy("proportional", Intervention.Create("x").AffectTransition("A", "B", EffectMeasure.OddsRatio, 20, balance: EffectBalance.Proportional).Build());
        var e = Assert.Throws<ModelValidationException>(() => Builder().AddStrategy(remainder).Build())!;
        Assert.That(e.Problems.Single().Message, Does.Contain("A → A").And.Contain("after intervention effects"), "staying (0.4) cannot give up 0.59");
        var model = Builder().AddStrategy(proportional).Build();
        var p = model.Compile(proportional).TransitionMatrix(0, 0);
        var pb = RateConversion.ApplyOddsRatio(0.1, 20);
        var scale = (1 - pb) / 0.9;
        Assert.Multiple(() =>
        {
            Assert.That(p[0, 1], Is.EqualTo(pb).Within(1e-15));
            Assert.That(p[0, 2], Is.EqualTo(0.5 * scale).Within(1e-15));
            Assert.That(p[0, 0], Is.EqualTo(0.4 * scale).Within(1e-15));
            Assert.That(p[0, 0] + p[0, 1] + p[0, 2], Is.EqualTo(1).Within(1e-15));
        });
    }

    [Test]
    public void TransitionEventFlows_CountArrivals()
    {
        var b = TwoState(new SimulationOptions { Cycles = 2, CostDiscounting = DiscountSchedule.None });
        b.TransitionFlow("Alive", "Dead", Cost, 1000);
        var r = CohortEngine.Run(b.Build(), Strategy.BusinessAsUsual);
        var a = r.Model.AccountIndex(Cost);
        Assert.Multiple(() =>
        {
            Assert.That(r.Flow(1, a, FlowOrigin.Base, false), Is.EqualTo((0.9 * 100) + (0.1 * 1000)).Within(1e-12));
            Assert.That(r.Flow(2, a, FlowOrigin.Base, false), Is.EqualTo(0.09 * 1000).Within(1e-12), "beginning counting: no state value at T, deaths still count");
        });
    }

    [Test]
    public void Run_IsCancellable()
    {
        var model = TwoState(new SimulationOptions { Cycles = 3 }).Build();
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        Assert.That(() => CohortEngine.RunAll(model, cancellationToken: cts.Token), Throws.InstanceOf<OperationCanceledException>());
    }

    [Test]
    public void RunAll_ReportsProgressPerStrategy()
    {
        var model = TwoState(new SimulationOptions { Cycles = 3 }).AddStrategy(Strategy.BusinessAsUsual).AddStrategy(new Strategy("other")).Build();
        var reports = new List<RunProgress>();
        var results = CohortEngine.RunAll(model, progress: new SynchronousProgress(reports));
        Assert.That(results, Has.Count.EqualTo(2));
        Assert.That(reports.Select(r => r.Completed), Is.EqualTo(new[] { 1, 2 }));
    }

    private sealed class SynchronousProgress(List<RunProgress> sink) : IProgress<RunProgress>
    {
        public void Report(RunProgress value) => sink.Add(value);
    }
}
