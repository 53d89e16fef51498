using SocialInvestment.Economics;
using SocialInvestment.Engine;
using SocialInvestment.Model;

namespace SocialInvestment.Tests.Model;

/// <summary>
/// The intervention capabilities added for welfare-16 (docs/welfare16.md): linear effect fading
/// (<see cref="EffectScaling.Linear"/>), age windows on transition effects and costs
/// (<see cref="AgeWindow"/>) and the mean-effect uptake convention (<see cref="UptakeMode.MeanEffect"/>),
/// each against values computed by hand on a one-state model: state X left for D at rate 0.1 a
/// year (or with probability 0.2), start age 12, beginning-of-cycle counting, no discounting.
/// </summary>
public class InterventionTimingTests
{
    private static readonly Account Cost = new(Payer.Municipality, Sector.SocialServices, FlowKind.ResourceCost);

    private static LifeCourseModel Model(Intervention? intervention, bool probabilityRow = false, int cycles = 4)
    {
        var b = new LifeCourseModelBuilder("one state")
            .AddState("X").AddState("D", absorbing: true)
            .AddPayers(Payer.Municipality).AddSectors(Sector.SocialServices);
        if (probabilityRow)
        {
            b.Probability("X", "D", 0.2).Remainder("X", "X");
        }
        else
        {
            b.Rate("X", "D", 0.1);
        }

        b.StateFlow("X", Cost, 1);
        b.AddStrategy(Strategy.BusinessAsUsual);
        if (intervention is not null)
        {
            b.AddStrategy(new Strategy("treated", intervention));
        }

        return b.WithPopulation(Population.StartingIn(12, "X"))
            .WithOptions(new SimulationOptions { Cycles = cycles, StateWeights = CycleWeights.Beginning, CostDiscounting = DiscountSchedule.None, OutcomeDiscounting = DiscountSchedule.None })
            .Build();
    }

    private static CohortResult RunTreated(Intervention intervention, bool probabilityRow = false)
    {
        var model = Model(intervention, probabilityRow);
        return CohortEngine.Run(model, model.Strategies[1]);
    }

    /// <summary>Occupancy of X after cycles with the given hazard multipliers: exp(−0.1·Σ f_k).</summary>
    private static double Survival(params double[] multipliers) => Math.Exp(-0.1 * multipliers.Sum());

    [Test]
    public void LinearScaling_FadesTheRiskReduction_PowerScalingFadesTheRatio()
    {
        // Half-life 1 year from the start: m(τ) = 2^−τ. Linear: HR(τ) = 1 − m·(1 − 0.5) = 0.5, 0.75, 0.875.
        // Power: HR(τ) = 0.5^m = 0.5, 0.5^0.5, 0.5^0.25.
        TransitionEffect Effect(EffectScaling scaling) => new("X", "D", EffectMeasure.HazardRatio, 0.5, EffectProfile.ExponentialDecay(halfLifeYears: 1)) { Scaling = scaling };
        var linear = RunTreated(Intervention.Create("linear").AffectTransition(Effect(EffectScaling.Linear)).Build());
        var power = RunTreated(Intervention.Create("power").AffectTransition(Effect(EffectScaling.Power)).Build());
        Assert.Multiple(() =>
        {
            Assert.That(linear.Occupancy(3, "X"), Is.EqualTo(Survival(0.5, 0.75, 0.875)).Within(1e-15));
            Assert.That(power.Occupancy(3, "X"), Is.EqualTo(Survival(0.5, Math.Pow(0.5, 0.5), Math.Pow(0.5, 0.25))).Within(1e-15));
            Assert.That(new TransitionEffect("X", "D", EffectMeasure.HazardRatio, 0.5, EffectProfile.Permanent).Scaling, Is.EqualTo(EffectScaling.Power), "the default scaling is the power (geometric) one");
        });
    }

    [Test]
    public void LinearScaling_OnAProbabilityRow_ScalesTheRelativeRisk()
    {
        // RR 0.5 fading linearly with m = 2^−τ: p = 0.2·(1 − m·0.5) = 0.1, 0.15, 0.175.
        var r = RunTreated(Intervention.Create("rr").AffectTransition(new TransitionEffect("X", "D", EffectMeasure.RelativeRisk, 0.5, EffectProfile.ExponentialDecay(1)) { Scaling = EffectScaling.Linear }).Build(), probabilityRow: true);
        Assert.That(r.Occupancy(3, "X"), Is.EqualTo(0.9 * 0.85 * 0.825).Within(1e-15));
    }

    [Test]
    public void AgeWindow_OnAnEffect_ActsOnlyInCyclesStartingInTheWindow()
    {
        // Start age 12: cycles start at 12, 13, 14, 15; the window 13–14 halves the rate in the middle two.
        var r = RunTreated(Intervention.Create("window")
            .AffectTransition(new TransitionEffect("X", "D", EffectMeasure.HazardRatio, 0.5, EffectProfile.Permanent) { Ages = new AgeWindow(13, 14) })
            .Build());
        Assert.Multiple(() =>
        {
            Assert.That(r.Occupancy(1, "X"), Is.EqualTo(Survival(1)).Within(1e-15));
            Assert.That(r.Occupancy(3, "X"), Is.EqualTo(Survival(1, 0.5, 0.5)).Within(1e-15));
            Assert.That(r.Occupancy(4, "X"), Is.EqualTo(Survival(1, 0.5, 0.5, 1)).Within(1e-15));
        });
    }

    [Test]
    public void AgeWindow_OnCosts_PaysPerCycleCostsAtTracePointsInTheWindowAndUpfrontCostsByStartAge()
    {
        var iv = Intervention.Create("costs")
            .AddCost(new InterventionCost(Cost, 100, CostTiming.PerCycle, ["X"]) { Ages = new AgeWindow(13, 14) })
            .AddCost(new InterventionCost(Cost, 1000, CostTiming.Upfront) { Ages = new AgeWindow(20, 30) })
            .AddCost(new InterventionCost(Cost, 7, CostTiming.Upfront) { Ages = new AgeWindow(10, 12) })
            .Build();
        var r = RunTreated(iv);
        var a = r.Model.AccountIndex(Cost);
        Assert.Multiple(() =>
        {
            // Trace points 1 and 2 (ages 13 and 14), occupancy e^−0.1 and e^−0.2; the upfront cost for start ages 20–30 is not paid, the one for 10–12 is.
            Assert.That(r.TotalFlow(a, FlowOrigin.Intervention, discounted: false), Is.EqualTo((100 * (Survival(1) + Survival(1, 1))) + 7).Within(1e-12));
            Assert.That(r.Flow(0, a, FlowOrigin.Intervention, discounted: false), Is.EqualTo(7).Within(1e-12));
            Assert.That(r.Flow(3, a, FlowOrigin.Intervention, discounted: false), Is.Zero);
        });
    }

    [Test]
    public void AgeWindow_RejectsAnEmptyOrUndefinedWindow()
    {
        Assert.Multiple(() =>
        {
            Assert.That(() => new AgeWindow(17, 12), Throws.InstanceOf<ArgumentOutOfRangeException>());
            Assert.That(() => new AgeWindow(double.NaN, 12), Throws.InstanceOf<ArgumentOutOfRangeException>());
            Assert.That(() => new AgeWindow(12, double.NaN), Throws.InstanceOf<ArgumentOutOfRangeException>());
            Assert.That(new AgeWindow(16, double.PositiveInfinity).Contains(80), Is.True);
            Assert.That(new AgeWindow(12, 17).Contains(17), Is.True, "inclusive");
            Assert.That(new AgeWindow(12, 17).Contains(18), Is.False);
        });
    }

    [Test]
    public void MeanEffect_OnARate_MixesTheRatesAndScalesTheCost_Subcohorts_MixesThePeople()
    {
        const double u = 0.4;
        Intervention Iv(UptakeMode mode) => Intervention.Create("iv")
            .WithUptake(u, mode)
            .AffectTransition("X", "D", EffectMeasure.HazardRatio, 0.5)
            .CostPerCycle(Cost, 100, null, "X")
            .Build();
        var mean = RunTreated(Iv(UptakeMode.MeanEffect));
        var split = RunTreated(Iv(UptakeMode.Subcohorts));
        var a = mean.Model.AccountIndex(Cost);

        // Mean effect: rate 0.1·(1 − 0.4·0.5) = 0.08 for everyone; cost 0.4·100 per person-cycle.
        // Sub-cohorts: 0.4 of the people at rate 0.05 paying 100, 0.6 at rate 0.1 paying nothing.
        var meanCost = Enumerable.Range(0, 4).Sum(t => 40 * Math.Exp(-0.08 * t));
        var splitCost = Enumerable.Range(0, 4).Sum(t => u * 100 * Math.Exp(-0.05 * t));
        Assert.Multiple(() =>
        {
            Assert.That(mean.Occupancy(4, "X"), Is.EqualTo(Math.Exp(-0.32)).Within(1e-15));
            Assert.That(split.Occupancy(4, "X"), Is.EqualTo((u * Math.Exp(-0.2)) + ((1 - u) * Math.Exp(-0.4))).Within(1e-15));
            Assert.That(mean.TotalFlow(a, FlowOrigin.Intervention, discounted: false), Is.EqualTo(meanCost).Within(1e-12));
            Assert.That(split.TotalFlow(a, FlowOrigin.Intervention, discounted: false), Is.EqualTo(splitCost).Within(1e-12));
            Assert.That(Iv(UptakeMode.MeanEffect).UptakeMode, Is.EqualTo(UptakeMode.MeanEffect));
            Assert.That(Intervention.Create("default").Build().UptakeMode, Is.EqualTo(UptakeMode.Subcohorts), "the exact mixture is the default");
        });
    }

    [Test]
    public void MeanEffect_OnAProbabilityRow_MixesTheProbabilities()
    {
        // p = 0.2, takers RR 0.5 → 0.1; mean effect with u = 0.4: 0.2 + 0.4·(0.1 − 0.2) = 0.16.
        var r = RunTreated(Intervention.Create("iv").WithUptake(0.4, UptakeMode.MeanEffect).AffectTransition("X", "D", EffectMeasure.RelativeRisk, 0.5).Build(), probabilityRow: true);
        Assert.That(r.Occupancy(4, "X"), Is.EqualTo(Math.Pow(0.84, 4)).Within(1e-15));
    }

    [Test]
    public void MeanEffect_WithUptakeOne_EqualsSubcohortsExactly()
    {
        Intervention Iv(UptakeMode mode) => Intervention.Create("iv")
            .WithUptake(1.0, mode)
            .AffectTransition(new TransitionEffect("X", "D", EffectMeasure.HazardRatio, 0.7, EffectProfile.ExponentialDecay(2)) { Scaling = EffectScaling.Linear })
            .CostPerCycle(Cost, 50)
            .Build();
        var mean = RunTreated(Iv(UptakeMode.MeanEffect));
        var split = RunTreated(Iv(UptakeMode.Subcohorts));
        var a = mean.Model.AccountIndex(Cost);
        Assert.Multiple(() =>
        {
            for (var t = 0; t <= 4; t++)
            {
                Assert.That(mean.Occupancy(t, "X"), Is.EqualTo(split.Occupancy(t, "X")), $"occupancy at {t}");
            }

            Assert.That(mean.TotalFlow(a, null, discounted: true), Is.EqualTo(split.TotalFlow(a, null, discounted: true)));
        });
    }

    [Test]
    public void WithUptake_RejectsAnUnknownMode()
        => Assert.That(() => Intervention.Create("iv").WithUptake(0.5, (UptakeMode)7), Throws.InstanceOf<ArgumentOutOfRangeException>());

    [Test]
    public void Build_ReportsAnUnknownEffectScaling()
    {
        var iv = Intervention.Create("bad").AffectTransition(new TransitionEffect("X", "D", EffectMeasure.HazardRatio, 0.5, EffectProfile.Permanent) { Scaling = (EffectScaling)9 }).Build();
        var e = Assert.Throws<ModelValidationException>(() => Model(iv))!;
        Assert.That(e.Problems.Select(p => p.Message), Has.Some.Contains("Unknown effect scaling 9"));
    }
}
