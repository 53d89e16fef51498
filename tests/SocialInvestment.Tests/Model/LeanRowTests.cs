using SocialInvestment.Economics;
using SocialInvestment.Model;
using SocialInvestment.Tests.TestSupport;
using SocialInvestment.Uncertainty;
using SocialInvestment.Workloads;

namespace SocialInvestment.Tests.Model;

/// <summary>
/// The PSA's lean row update (<see cref="SubcohortCompiler.LeanRow"/>: only the entries that read a
/// drawn parameter evaluated, the rest from the plan) against the general kernel
/// (<see cref="SubcohortCompiler.TransitionRow(int, int, Span{double})"/>, every entry evaluated) on every
/// row of every strategy and sub-cohort at drawn parameter values: the same row bit for bit, and false
/// exactly where the general kernel reports a problem.
/// </summary>
public class LeanRowTests
{
    /// <summary>Rate rows with drawn levels, a tunnel, hazard-ratio (power, decaying, age window) and relative-risk (linear) effects, a drawn uptake, probability rows with a remainder and hazard-ratio, odds-ratio, relative-risk and proportional absolute-change effects on them, and a rate that some draws make negative.</summary>
    internal static (LifeCourseModel Model, PsaSpecification Spec) Mixed(UptakeMode mode)
    {
        var b = new LifeCourseModelBuilder("lean-rows");
        b.AddState("A", tunnelCycles: 2).AddState("B").AddState("C").AddState("E").AddState("Dead", absorbing: true);
        b.AddPayers(RandomModels.Kommune).AddSectors(RandomModels.Services).AddOutcomes(Outcome.LifeYears);
        var rAB = b.AddParameter("rAB", 0.2);
        var pBA = b.AddParameter("pBA", 0.1);
        var rCA = b.AddParameter("rCA", 0.15);
        var hr = b.AddParameter("hr", 0.7);
        var rr = b.AddParameter("rr", 1.3);
        var uptake = b.AddParameter("uptake", 0.6);
        var pEA = b.AddParameter("pEA", 0.2);
        var or = b.AddParameter("or", 1.5);
        var delta = b.AddParameter("delta", 0.01);
        b.Rate("A", "B", (in ModelContext c) => c[rAB] * Math.Exp(0.02 * c.Age) * (1 + (0.1 * c.TimeInState)));
        b.Rate("A", "C", 0.05).Rate("A", "Dead", (in ModelContext c) => 0.001 * Math.Exp(0.05 * c.Age));
        b.Probability("B", "A", (in ModelContext c) => c[pBA]).Probability("B", "Dead", 0.02).Remainder("B", "B");
        b.Rate("C", "A", (in ModelContext c) => c[rCA]).Rate("C", "B", 0.1).Rate("C", "Dead", 0.03);
        b.Probability("E", "A", (in ModelContext c) => c[pEA]).Probability("E", "C", 0.05).Probability("E", "Dead", 0.01).Remainder("E", "E");
        b.StateFlow("A", RandomModels.KommuneCost, 100).StateOutcome("A", Outcome.LifeYears, 1);
        var iv = Intervention.Create("program")
            .AffectTransition(new TransitionEffect("A", "B", EffectMeasure.HazardRatio, hr, EffectProfile.ExponentialDecay(3)) { Ages = new AgeWindow(10, 20) })
            .AffectTransition(new TransitionEffect("C", "A", EffectMeasure.RelativeRisk, rr, EffectProfile.LinearDropOff(2, 8)) { Scaling = EffectScaling.Linear })
            .AffectTransition(new TransitionEffect("B", "A", EffectMeasure.HazardRatio, hr, EffectProfile.Permanent) { Ages = new AgeWindow(10, 15) })
            .AffectTransition(new TransitionEffect("E", "A", EffectMeasure.OddsRatio, or, EffectProfile.Permanent))
            .AffectTransition(new TransitionEffect("E", "C", EffectMeasure.AbsoluteChange, delta, EffectProfile.LinearDropOff(3, 10)) { Balance = EffectBalance.Proportional })
            .AffectTransition(new TransitionEffect("E", "Dead", EffectMeasure.RelativeRisk, rr, EffectProfile.ConstantFor(5)) { Ages = new AgeWindow(11, 30) })
            .WithUptake(uptake, mode)
            .Build();
        b.AddStrategy(Strategy.BusinessAsUsual).AddStrategy(new Strategy("program", iv));
        b.WithPopulation(new Population([new PopulationGroup(10, "A", 0.5), new PopulationGroup(10, "B", 0.3), new PopulationGroup(11, "C", 0.1), new PopulationGroup(10, "E", 0.1)], 100));
        var model = b.WithOptions(new SimulationOptions { Cycles = 30 }).Build();
        var spec = new PsaSpecification(model)
            .With(rAB, LogNormalDistribution.FromMeanAndStandardError(0.2, 0.05))
            .With(pBA, BetaDistribution.FromMeanAndStandardError(0.1, 0.03))
            .With(rCA, new UniformDistribution(-0.05, 0.4))
            .With(hr, LogNormalDistribution.FromMeanAndStandardError(0.7, 0.1))
            .With(rr, LogNormalDistribution.FromMeanAndStandardError(1.3, 0.1))
            .With(uptake, BetaDistribution.FromMeanAndStandardError(0.6, 0.1))
            .With(pEA, BetaDistribution.FromMeanAndStandardError(0.2, 0.05))
            .With(or, LogNormalDistribution.FromMeanAndStandardError(1.5, 0.2))
            .With(delta, new UniformDistribution(0, 0.02));
        return (model, spec);
    }

    [TestCase(UptakeMode.MeanEffect)]
    [TestCase(UptakeMode.Subcohorts)]
    public void MixedModel_LeanRowsEqualTheGeneralKernel(UptakeMode mode)
    {
        var (model, spec) = Mixed(mode);
        var (lean, failed) = Compare(model, spec, 40);
        Assert.That(lean, Is.GreaterThan(100), "rows on the lean path");
        Assert.That(failed, Is.GreaterThan(0), "draws with a negative rate, rejected by both");
    }

    [TestCase(UptakeMode.MeanEffect)]
    [TestCase(UptakeMode.Subcohorts)]
    public void Welfare16_LeanRowsEqualTheGeneralKernel(UptakeMode mode)
    {
        var model = Welfare16.Build(mode);
        var (lean, _) = Compare(model, Welfare16.Specification(model), 6);
        // The drawn rates are level × shape, so only the ages inside their windows read a drawn level (648 rows with the mean effect).
        Assert.That(lean, Is.GreaterThan(500), "rows on the lean path");
    }

    /// <summary>Every dependent row, lean against general, at <paramref name="draws"/> draws; returns the number of lean rows planned and of lean rows rejected.</summary>
    private static (int Lean, int Failed) Compare(LifeCourseModel model, PsaSpecification spec, int draws)
    {
        var words = (model.Parameters.Count + 63) / 64;
        var changed = new ulong[Math.Max(1, words)];
        foreach (var p in spec.UncertainParameters)
        {
            changed[p.Index >> 6] |= 1UL << (p.Index & 63);
        }

        int planned = 0, failed = 0;
        var mismatches = new List<string>();
        foreach (var strategy in model.Strategies)
        {
            var c = Compilation.Start(model, strategy, model.BaseParameters, [], null)!;
            var plans = c.PlanSubcohorts();
            int T = c.T, N = c.N;
            var rows = new List<(int Si, LeanRowPlan Plan, double[] BaseRow)>();
            var compilers = new SubcohortCompiler[plans.Count];
            for (var si = 0; si < plans.Count; si++)
            {
                var compiler = compilers[si] = new SubcohortCompiler(c, plans[si]);
                for (var t = 0; t < T; t++)
                {
                    for (var x = 0; x < N; x++)
                    {
                        var values = new double[64];
                        var evaluate = compiler.RowEntries(t, x, changed, values);
                        if (evaluate == 0 || compiler.PlanLeanRow(t, x, evaluate, values) is not { } lean)
                        {
                            continue;
                        }

                        var row = new double[N];
                        compiler.TransitionRow(t, x, row);
                        rows.Add((si, lean, row));
                    }
                }
            }

            planned += rows.Count;
            for (var d = 0; d < draws; d++)
            {
                var values = spec.Draw(17, d);
                if (!c.Rebind(values))
                {
                    continue;
                }

                var drawnPlans = c.PlanSubcohorts();
                if (drawnPlans.Count != plans.Count)
                {
                    continue;
                }

                for (var si = 0; si < plans.Count; si++)
                {
                    compilers[si].Rebind(drawnPlans[si]);
                }

                foreach (var (si, lean, baseRow) in rows)
                {
                    var expected = new double[N];
                    compilers[si].TransitionRow(lean.T, lean.X, expected);

                    // A rejected row is left all 0 (its problem is reported once per subject); a valid row sums to 1.
                    var generalOk = expected.Sum() > 0.5;
                    var actual = (double[])baseRow.Clone();
                    var leanOk = compilers[si].LeanRow(lean, actual);
                    if (leanOk != generalOk)
                    {
                        mismatches.Add($"{strategy.Name} sub-cohort {si} row ({lean.T}, {lean.X}) draw {d}: lean {(leanOk ? "accepts" : "rejects")}, general {(generalOk ? "accepts" : "rejects")}");
                    }
                    else if (!leanOk)
                    {
                        failed++;
                    }
                    else if (!expected.AsSpan().SequenceEqual(actual))
                    {
                        mismatches.Add($"{strategy.Name} sub-cohort {si} row ({lean.T}, {lean.X}) draw {d}: [{string.Join(", ", actual.Select(v => v.ToString("R", System.Globalization.CultureInfo.InvariantCulture)))}] vs [{string.Join(", ", expected.Select(v => v.ToString("R", System.Globalization.CultureInfo.InvariantCulture)))}]");
                    }
                }
            }
        }

        Assert.That(mismatches.Take(5), Is.Empty);
        return (planned, failed);
    }
}
