using FsCheck;
using FsCheck.Fluent;
using SocialInvestment.Economics;
using SocialInvestment.Engine;
using SocialInvestment.Model;
using SocialInvestment.Tests.TestSupport;
using Outcome = SocialInvestment.Model.Outcome;

namespace SocialInvestment.Tests.Properties;

/// <summary>
/// Property tests (FsCheck 3): invariants that hold for every valid model. Models are generated
/// from a seed so a failure prints a reproducible case.
/// </summary>
public class EnginePropertyTests
{
    private static readonly Config Config = Config.QuickThrowOnFailure.WithMaxTest(60);

    private static Arbitrary<(int Seed, int States, int Cycles)> Models()
        => (from seed in Gen.Choose(0, 1_000_000)
            from states in Gen.Choose(1, 6)
            from cycles in Gen.Choose(1, 40)
            select (seed, states, cycles)).ToArbitrary();

    [Test]
    public void Occupancy_IsConservedAtEveryCycle()
    {
        Check.One(Config, Prop.ForAll(Models(), m =>
        {
            var model = RandomModels.Builder(m.Seed, m.States, m.Cycles, ageDependent: true, tunnel: true).Build();
            var r = CohortEngine.Run(model, Strategy.BusinessAsUsual);
            for (var t = 0; t <= m.Cycles; t++)
            {
                var sum = 0.0;
                foreach (var v in r.TraceRow(t))
                {
                    if (v < -1e-12)
                    {
                        return false;
                    }

                    sum += v;
                }

                if (Math.Abs(sum - 100) > 1e-9)
                {
                    return false;
                }
            }

            return true;
        }));
    }

    [Test]
    public void DiscountFactors_ArePositiveAndNonIncreasing()
    {
        var schedules = (from r1 in Gen.Choose(0, 100)
                         from r2 in Gen.Choose(0, 100)
                         from r3 in Gen.Choose(0, 100)
                         from s2 in Gen.Choose(2, 60)
                         from gap in Gen.Choose(1, 60)
                         from continuous in Gen.Elements(false, true)
                         select DiscountSchedule.Stepped(
                             "random",
                             [new DiscountStep(1, r1 / 1000.0), new DiscountStep(s2, r2 / 1000.0), new DiscountStep(s2 + gap, r3 / 1000.0)],
                             continuous ? Compounding.Continuous : Compounding.Discrete)).ToArbitrary();
        Check.One(Config, Prop.ForAll(schedules, s =>
        {
            var previous = 1.0;
            for (var i = 0; i <= 800; i++)
            {
                var df = s.Factor(i / 4.0);
                if (!(df > 0) || df > previous + 1e-15)
                {
                    return false;
                }

                previous = df;
            }

            return s.Factor(0) == 1.0;
        }));
    }

    [Test]
    public void TotalCost_IsLinearInFlows()
    {
        var cases = (from m in Models().Generator
                     from k in Gen.Choose(-30, 30)
                     select (m, k / 10.0)).ToArbitrary();
        Check.One(Config, Prop.ForAll(cases, c =>
        {
            var (m, k) = c;
            var one = CohortEngine.Run(RandomModels.Builder(m.Seed, m.States, m.Cycles).Build(), Strategy.BusinessAsUsual);
            var scaled = CohortEngine.Run(RandomModels.Builder(m.Seed, m.States, m.Cycles, flowScale: k).Build(), Strategy.BusinessAsUsual);
            foreach (var p in new[] { Perspective.PublicSector, Perspective.Society(0.2), Perspective.ForPayer(RandomModels.Kommune) })
            {
                var a = one.TotalCost(p);
                var b = scaled.TotalCost(p);
                if (Math.Abs(b - (k * a)) > 1e-9 * (1 + Math.Abs(k * a)))
                {
                    return false;
                }
            }

            return true;
        }));
    }

    [Test]
    public void Npv_IsLinearInInterventionCostAndAdditiveOverPerspectiveCoefficients()
    {
        var cases = (from m in Models().Generator
                     from cost in Gen.Choose(0, 100_000)
                     select (m, (double)cost)).ToArbitrary();
        Check.One(Config, Prop.ForAll(cases, c =>
        {
            var (m, cost) = c;
            double Npv(double amount)
            {
                var iv = Intervention.Create("iv").UpfrontCost(RandomModels.KommuneCost, amount).CostPerCycle(RandomModels.KommuneCost, amount / 10, 3).AffectTransition("S0", "Dead", EffectMeasure.RelativeRisk, 0.9).Build();
                var s = new Strategy("s", iv);
                var model = RandomModels.Builder(m.Seed, m.States, m.Cycles).AddStrategy(Strategy.BusinessAsUsual).AddStrategy(s).Build();
                return Appraisal.Compare(CohortEngine.Run(model, s), CohortEngine.Run(model, Strategy.BusinessAsUsual), Perspective.PublicSector).NetPresentValue;
            }

            var n0 = Npv(0);
            var n1 = Npv(cost);
            var n2 = Npv(2 * cost);
            return Math.Abs((n2 - n1) - (n1 - n0)) <= 1e-7 * (1 + Math.Abs(n2));
        }));
    }

    [Test]
    public void Intervention_WithNoEffectAndNoCost_ChangesNothing()
    {
        Check.One(Config, Prop.ForAll(Models(), m =>
        {
            var iv = Intervention.Create("nothing")
                .WithUptake(0.7)
                .UpfrontCost(RandomModels.KommuneCost, 0)
                .AffectTransition("S0", "Dead", EffectMeasure.HazardRatio, 1.0)
                .AffectTransition("S0", "Dead", EffectMeasure.OddsRatio, 1.0, EffectProfile.ExponentialDecay(2))
                .ScaleFlows(1.0)
                .AddToOutcome("S0", Outcome.Qaly, 0)
                .Build();
            var s = new Strategy("nothing", iv);
            var model = RandomModels.Builder(m.Seed, m.States, m.Cycles, ageDependent: true).AddStrategy(Strategy.BusinessAsUsual).AddStrategy(s).Build();
            var a = CohortEngine.Run(model, Strategy.BusinessAsUsual);
            var b = CohortEngine.Run(model, s);
            var appraisal = Appraisal.Compare(b, a, Perspective.Society(0.2));
            return Math.Abs(appraisal.NetPresentValue) < 1e-6
                   && Math.Abs(b.TotalOutcome(Outcome.Qaly) - a.TotalOutcome(Outcome.Qaly)) < 1e-9
                   && Enumerable.Range(0, m.Cycles + 1).All(t => Enumerable.Range(0, model.States.Count).All(i => Math.Abs(a.Occupancy(t, i) - b.Occupancy(t, i)) < 1e-9));
        }));
    }
}
