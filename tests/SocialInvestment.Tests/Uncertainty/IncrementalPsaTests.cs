using SocialInvestment.Economics;
using SocialInvestment.Engine;
using SocialInvestment.Model;
using SocialInvestment.Tests.TestSupport;
using SocialInvestment.Uncertainty;
using SocialInvestment.Workloads;

namespace SocialInvestment.Tests.Uncertainty;

/// <summary>
/// The cohort PSA's per-draw evaluation (only the compiled blocks a draw changes recomputed, sparse
/// trace, the ledger projected onto the perspectives, lean appraisal) against the general path
/// (compile, run and appraise every draw, forced by passing the cohort engine as an explicit
/// evaluator). Outcomes are bit-identical; costs and figures are summed per perspective before the
/// trace points instead of account by account, so they agree within 1e-12 relative (the rounding of
/// a few hundred double additions is ~1e-14 of their magnitude; 1e-12 leaves room without hiding a
/// wrong term, which would be off by far more), of the magnitude they are rounded at (see
/// <see cref="AssertAgrees"/>). Identical on 1 and 2 threads.
/// </summary>
public class IncrementalPsaTests
{
    /// <summary>The general path: every draw compiled in full, run by the cohort engine and appraised by <see cref="Appraisal.Compare"/>.</summary>
    internal static StrategyEvaluator General(LifeCourseModel model) => (s, p, _, ct) => CohortEngine.Run(model, s, p, ct);

    /// <summary>Every kept per-draw value of two runs, compared bit for bit (NaN equals NaN).</summary>
    internal static void AssertIdentical(PsaResult expected, PsaResult actual)
    {
        var model = expected.Specification.Model;
        var mismatches = new List<string>();
        void Same(string what, ReadOnlySpan<double> a, ReadOnlySpan<double> b)
        {
            for (var k = 0; k < a.Length; k++)
            {
                if (!a[k].Equals(b[k]))
                {
                    mismatches.Add($"{what} draw {k}: {a[k]:R} vs {b[k]:R}");
                    return;
                }
            }
        }

        foreach (var s in expected.Strategies)
        {
            foreach (var v in expected.Perspectives)
            {
                Same($"cost {s.Name}/{v.Name}", expected.Costs(s, v), actual.Costs(s, v));
                foreach (var f in Enum.GetValues<PsaFigure>())
                {
                    Same($"{f} {s.Name}/{v.Name}", expected.Values(f, s, v), actual.Values(f, s, v));
                }
            }

            foreach (var o in model.Outcomes)
            {
                Same($"outcome {s.Name}/{o.Name}", expected.Outcomes(s, o), actual.Outcomes(s, o));
            }
        }

        Assert.That(mismatches, Is.Empty);
    }

    /// <summary>Relative tolerance of costs and figures against the general path (see the class remarks).</summary>
    internal const double Relative = 1e-12;

    /// <summary>
    /// Every kept per-draw value of the incremental run against the general path: outcomes bit for bit;
    /// costs within <see cref="Relative"/> of themselves; NPV within <see cref="Relative"/> of the larger
    /// of the two strategies' totals it is the difference of (M, the magnitude both paths round at); BCR
    /// and ROI, ratios to the invested PV I = NPV/ROI, within <c>Relative·M·(1 + |BCR|)/I</c>; payback
    /// within 1e-9 years. Where the PSA books a cycle's terms in another order than the cohort engine (the life-table
    /// convention: both halves of a cycle at once), outcomes within <paramref name="outcomesWithin"/> relative.
    /// </summary>
    internal static void AssertAgrees(PsaResult expected, PsaResult actual, double outcomesWithin = 0)
    {
        var model = expected.Specification.Model;
        var comparator = expected.Strategies[expected.ComparatorIndex];
        var mismatches = new List<string>();
        void Close(string what, ReadOnlySpan<double> a, ReadOnlySpan<double> b, Func<int, double> tolerance)
        {
            for (var k = 0; k < a.Length; k++)
            {
                if (!a[k].Equals(b[k]) && !(Math.Abs(a[k] - b[k]) <= tolerance(k)))
                {
                    mismatches.Add($"{what} draw {k}: {a[k]:R} vs {b[k]:R}");
                    return;
                }
            }
        }

        foreach (var s in expected.Strategies)
        {
            foreach (var v in expected.Perspectives)
            {
                var cost = expected.Costs(s, v).ToArray();
                var baseline = expected.Costs(comparator, v).ToArray();
                var npv = expected.Values(PsaFigure.NetPresentValue, s, v).ToArray();
                var bcr = expected.Values(PsaFigure.BenefitCostRatio, s, v).ToArray();
                var roi = expected.Values(PsaFigure.ReturnOnInvestment, s, v).ToArray();
                double M(int k) => Math.Max(Math.Abs(cost[k]), Math.Abs(baseline[k]));
                double Ratio(int k) => Relative * M(k) * (1 + Math.Abs(bcr[k])) / Math.Abs(npv[k] / roi[k]);
                Close($"cost {s.Name}/{v.Name}", cost, actual.Costs(s, v), k => Relative * Math.Abs(cost[k]));
                Close($"NPV {s.Name}/{v.Name}", npv, actual.Values(PsaFigure.NetPresentValue, s, v), k => Relative * M(k));
                Close($"BCR {s.Name}/{v.Name}", bcr, actual.Values(PsaFigure.BenefitCostRatio, s, v), Ratio);
                Close($"ROI {s.Name}/{v.Name}", roi, actual.Values(PsaFigure.ReturnOnInvestment, s, v), Ratio);
                Close($"payback {s.Name}/{v.Name}", expected.Values(PsaFigure.PaybackYears, s, v), actual.Values(PsaFigure.PaybackYears, s, v), _ => 1e-9);
            }

            foreach (var o in model.Outcomes)
            {
                var outcome = expected.Outcomes(s, o).ToArray();
                Close($"outcome {s.Name}/{o.Name}", outcome, actual.Outcomes(s, o), k => outcomesWithin * Math.Abs(outcome[k]));
            }
        }

        Assert.That(mismatches, Is.Empty);
    }

    [Test]
    public void Welfare16_AgreesWithTheGeneralPath_IdenticalOnOneAndTwoThreads()
    {
        var model = Welfare16.Build(UptakeMode.MeanEffect);
        var spec = Welfare16.Specification(model);
        var options = new PsaOptions { Draws = 40, Seed = 99, Perspectives = Welfare16.Perspectives, KeepDraws = true, Threads = 1 };
        var general = ProbabilisticAnalysis.Run(spec, options, General(model));
        var one = ProbabilisticAnalysis.Run(spec, options);
        var two = ProbabilisticAnalysis.Run(spec, options with { Threads = 2 });
        AssertAgrees(general, one);
        AssertIdentical(one, two);
        Assert.That(general.Values(PsaFigure.NetPresentValue, Welfare16.StrategyNamed(model, "C"), Welfare16.Perspectives[5]).ToArray().Distinct().Count(), Is.EqualTo(40), "the draws differ from each other");
    }

    [TestCase(UptakeMode.MeanEffect)]
    [TestCase(UptakeMode.Subcohorts)]
    public void Welfare16_Lanes_AreTheDrawByDrawResults_BitForBit(UptakeMode mode)
    {
        // Batches of every size from 1 to the lane count (tail lanes), against the one-draw path, with the payer flows.
        var model = Welfare16.Build(mode);
        var spec = Welfare16.Specification(model);
        var strategies = model.Strategies;
        var evaluator = CohortDrawEvaluator.Create(spec, strategies, 0, Welfare16.Perspectives, payerFlows: true)!;
        Assert.That(evaluator.HasLanes, "welfare-16 has no transition events, so it runs in lanes");
        var W = CohortDrawEvaluator.LaneCount;
        var sizes = Enumerable.Range(1, W).Concat([W, W, 1]).ToArray();
        var K = sizes.Sum();
        PsaBuffers Buffers() => new(new double[strategies.Count * 6 * K], new double[strategies.Count * K], new double[4 * strategies.Count * 6 * K], new double[K * model.Parameters.Count], K, 0);
        var one = Buffers();
        var lanes = Buffers();
        var flowsOne = new List<(int Index, double[] Flows)>();
        var flowsLanes = new List<(int Index, double[] Flows)>();
        PsaPayerFlowObserver Record(List<(int, double[])> into) => f =>
        {
            var all = new List<double>();
            for (var s = 0; s < f.Strategies.Count; s++)
            {
                for (var p = 0; p < f.Payers.Count; p++)
                {
                    all.AddRange(f.Flows(s, p, FlowOrigin.Base).ToArray());
                    all.AddRange(f.Flows(s, p, FlowOrigin.Intervention).ToArray());
                }
            }

            all.AddRange(f.Parameters.AsSpan().ToArray());
            into.Add((f.Index, [.. all]));
        };

        var scalar = evaluator.CreateWorker();
        var observeOne = Record(flowsOne);
        for (var k = 0; k < K; k++)
        {
            scalar.Evaluate(k, 31, one, k, default);
            observeOne(scalar.PayerFlows(k));
        }

        var batched = evaluator.CreateWorker();
        var at = 0;
        foreach (var n in sizes)
        {
            batched.EvaluateBatch(at, n, 31, lanes, at, Record(flowsLanes), default);
            at += n;
        }

        Assert.Multiple(() =>
        {
            Assert.That(lanes.Costs, Is.EqualTo(one.Costs).AsCollection, "costs");
            Assert.That(lanes.Outcomes, Is.EqualTo(one.Outcomes).AsCollection, "outcomes");
            Assert.That(lanes.Figures, Is.EqualTo(one.Figures).AsCollection, "figures");
            Assert.That(lanes.Parameters, Is.EqualTo(one.Parameters).AsCollection, "parameters");
            Assert.That(flowsLanes.Select(f => f.Index), Is.EqualTo(Enumerable.Range(0, K)), "payer flows in draw order");
            Assert.That(flowsLanes.Select(f => f.Flows), Is.EqualTo(flowsOne.Select(f => f.Flows)), "payer flows");
            Assert.That(one.Figures.Distinct().Count(), Is.GreaterThan(K), "the draws differ from each other");
        });
    }

    [Test]
    public void EvaluateEveryDrawInFull_IsTheGeneralPath_BitForBit()
    {
        // The option selects the full path without an explicit evaluator, so a run on another
        // machine (the cluster) can match a local settlement PSA exactly (its run key: ClusterPsaTests).
        var model = Welfare16.Build(UptakeMode.MeanEffect);
        var spec = Welfare16.Specification(model);
        var options = new PsaOptions { Draws = 12, Seed = 5, Perspectives = Welfare16.Perspectives, KeepDraws = true, Threads = 2 };
        var general = ProbabilisticAnalysis.Run(spec, options, General(model));
        var full = ProbabilisticAnalysis.Run(spec, options with { EvaluateEveryDrawInFull = true });
        AssertIdentical(general, full);
    }

    [Test]
    public void Welfare16_DrawRanges_MergeToTheSingleRun_BitForBit()
    {
        // Shared blocks, cached entries and projected cells depend on the draw only, not on the range or the worker.
        var model = Welfare16.Build(UptakeMode.MeanEffect);
        var spec = Welfare16.Specification(model);
        var options = new PsaOptions { Draws = 30, Seed = 7, Perspectives = Welfare16.Perspectives, KeepDraws = true, Threads = 2 };
        var single = ProbabilisticAnalysis.Run(spec, options with { Threads = 1 });
        var merged = ProbabilisticAnalysis.RunRange(spec, options, 13, 17).Merge(ProbabilisticAnalysis.RunRange(spec, options, 0, 13)).ToResult();
        AssertIdentical(single, merged);
    }

    [Test]
    public void Welfare16Subcohorts_AgreesWithTheGeneralPath()
    {
        // Uptake as an exact split into taker sub-cohorts: the drawn uptake moves the initial occupancy and the upfront mass.
        var model = Welfare16.Build(UptakeMode.Subcohorts);
        var spec = Welfare16.Specification(model);
        var options = new PsaOptions { Draws = 24, Seed = 5, Perspectives = Welfare16.Perspectives, KeepDraws = true };
        AssertAgrees(ProbabilisticAnalysis.Run(spec, options, General(model)), ProbabilisticAnalysis.Run(spec, options));
    }

    [TestCase(1, false, false)]
    [TestCase(2, true, false)]
    [TestCase(3, true, true)]
    [TestCase(4, false, true)]
    public void RandomModelsWithInterventions_AgreeWithTheGeneralPath(int seed, bool ageDependent, bool tunnel)
    {
        var (model, spec) = RandomWithInterventions(seed, ageDependent, tunnel);
        var options = new PsaOptions { Draws = 20, Seed = (ulong)seed, KeepDraws = true, Comparator = model.Strategies[0] };
        AssertAgrees(ProbabilisticAnalysis.Run(spec, options, General(model)), ProbabilisticAnalysis.Run(spec, options));
    }

    /// <summary>
    /// A random model (<see cref="RandomModels.Builder"/>, with a tunnel state where <paramref name="tunnel"/>) with an
    /// uncertain transition, flow, effect size, uptake and parameter-effect target, and intervention costs with a
    /// duration: every kind of block; under the convention <paramref name="weights"/> where given (else half-cycle).
    /// </summary>
    internal static (LifeCourseModel Model, PsaSpecification Spec) RandomWithInterventions(int seed, bool ageDependent, bool tunnel, CycleWeights? weights = null)
    {
        var b = RandomModels.Builder(seed, 4, 12, ageDependent: ageDependent, tunnel: tunnel);
        var hr = b.AddParameter("hr", 0.7);
        var cost = b.AddParameter("cost", 250);
        var uptake = b.AddParameter("uptake", 0.6);
        var level = b.AddParameter("level", 40);
        var target = b.AddParameter("target", 10);
        b.StateFlow("S1", RandomModels.KommuneCost, (in ModelContext c) => c[level] * (1 + (0.01 * c.Cycle)));
        var iv = Intervention.Create("program")
            .AffectTransition("S1", "Dead", EffectMeasure.HazardRatio, hr, EffectProfile.ExponentialDecay(3))
            .CostPerCycle(RandomModels.KommuneCost, cost, 4)
            .UpfrontCost(RandomModels.StatenTransfer, 1000)
            .WithUptake(uptake, seed % 2 == 0 ? UptakeMode.MeanEffect : UptakeMode.Subcohorts)
            .SetParameter(level, target, EffectProfile.LinearDropOff(2, 6))
            .Build();
        if (weights is not null)
        {
            b.WithOptions(new SimulationOptions { Cycles = 12, StateWeights = weights });
        }

        var model = b.AddStrategy(Strategy.BusinessAsUsual).AddStrategy(new Strategy("with program", iv)).Build();
        var spec = new PsaSpecification(model)
            .With(hr, LogNormalDistribution.FromMeanAndStandardError(0.7, 0.1))
            .With(cost, GammaDistribution.FromMeanAndStandardError(250, 40))
            .With(uptake, BetaDistribution.FromMeanAndStandardError(0.6, 0.1))
            .With(target, GammaDistribution.FromMeanAndStandardError(10, 2));
        return (model, spec);
    }

    [Test]
    public void InvalidDraw_FailsAsTheGeneralPathDoes()
    {
        // A drawn probability above 1 in some draws: both paths throw the compiler's validation error.
        var b = new LifeCourseModelBuilder("two");
        var p = b.AddParameter("p", 0.5);
        b.AddState("Alive").AddState("Dead", absorbing: true).AddPayers(RandomModels.Kommune).AddSectors(RandomModels.Services).AddOutcomes(Outcome.LifeYears);
        b.Probability("Alive", "Dead", (in ModelContext c) => c[p]).Remainder("Alive", "Alive");
        b.StateFlow("Alive", RandomModels.KommuneCost, 100);
        b.WithPopulation(Population.StartingIn(50, "Alive"));
        var model = b.WithOptions(new SimulationOptions { Cycles = 5 }).Build();
        var spec = new PsaSpecification(model).With(p, new UniformDistribution(0.5, 3));
        var options = new PsaOptions { Draws = 16, Seed = 1 };
        var general = Assert.Throws<ModelValidationException>(() => ProbabilisticAnalysis.Run(spec, options, General(model)))!;
        var fast = Assert.Throws<ModelValidationException>(() => ProbabilisticAnalysis.Run(spec, options))!;
        Assert.That(fast.Message, Is.EqualTo(general.Message));
    }

    [Test]
    public void NegativeDrawnRate_FailsAsTheGeneralPathDoes()
    {
        // A drawn rate level below 0 in some draws, in rate rows the lanes compute a block at a time (RateBlock): the
        // failing lanes go through the scalar path, which rejects them, and both paths throw the same validation error.
        var b = new LifeCourseModelBuilder("rates");
        var level = b.AddParameter("level", 0.2);
        b.AddState("Well").AddState("Sick").AddState("Dead", absorbing: true).AddPayers(RandomModels.Kommune).AddSectors(RandomModels.Services).AddOutcomes(Outcome.LifeYears);
        b.Rate("Well", "Sick", level, (in ModelContext c) => 1 + (0.01 * c.Cycle)).Rate("Well", "Dead", 0.01);
        b.Rate("Sick", "Well", 0.3).Rate("Sick", "Dead", 0.05);
        b.StateFlow("Sick", RandomModels.KommuneCost, 1000);
        b.WithPopulation(Population.StartingIn(40, "Well"));
        var model = b.AddStrategy(Strategy.BusinessAsUsual).WithOptions(new SimulationOptions { Cycles = 10 }).Build();
        var spec = new PsaSpecification(model).With(level, new UniformDistribution(-0.3, 0.5));
        Assert.That(CohortDrawEvaluator.Create(spec, model.Strategies, 0, [Perspective.PublicSector])!.HasLanes);
        // Several chunks of draws fail, on one or two threads: the error is the lowest failing draw's, whatever the timing.
        var general = Assert.Throws<ModelValidationException>(() => ProbabilisticAnalysis.Run(spec, new PsaOptions { Draws = 64, Seed = 2, Threads = 2 }, General(model)))!;
        var fast = Assert.Throws<ModelValidationException>(() => ProbabilisticAnalysis.Run(spec, new PsaOptions { Draws = 64, Seed = 2, Threads = 2 }))!;
        var one = Assert.Throws<ModelValidationException>(() => ProbabilisticAnalysis.Run(spec, new PsaOptions { Draws = 64, Seed = 2, Threads = 1 }))!;
        Assert.That(fast.Message, Is.EqualTo(general.Message));
        Assert.That(one.Message, Is.EqualTo(general.Message));
        Assert.That(general.Message, Does.Contain("is negative"));
    }
}
