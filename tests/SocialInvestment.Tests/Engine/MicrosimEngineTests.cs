using SocialInvestment.Economics;
using SocialInvestment.Engine;
using SocialInvestment.Model;
using SocialInvestment.Tests.TestSupport;

namespace SocialInvestment.Tests.Engine;

/// <summary>
/// The microsimulation engine against REFERENCE-CASES.md cases 1–3 and its own guarantees
/// (common random numbers, determinism across threads and shards).
/// Statistical tolerances: a Monte Carlo mean is compared with an exact value within 3 standard
/// errors (two-sided failure probability 0.27 % per comparison under the normal approximation);
/// with a published Monte Carlo estimate, within 3·√(SE² + SE_published²). Seeds are fixed, so each
/// test is deterministic: the failure probability is that of having picked an unlucky seed.
/// </summary>
public class MicrosimEngineTests
{
    private const double Z = 3.0;

    /// <summary>Case 3, Krijkamp et al. MDM 2018 (DARTH-git/Microsimulation-tutorial, Appendix A): exact cohort values and published microsimulation (MCSE).</summary>
    [Test]
    public void RunAll_DarthMicrosimTutorial_MatchesCohortAndPublishedValues()
    {
        var (model, _, _) = DarthModels.BuildMicrosimTutorial();
        var run = MicrosimEngine.RunAll(model, new MicrosimOptions { People = 100_000, Seed = 2018 });
        var none = run.Results[0];
        var treat = run.Results[1];
        var p = DarthModels.CostPerspective;
        Assert.Multiple(() =>
        {
            AssertExact(none.CostPerPerson(p), 75976.149, "no treatment cost vs cohort");
            AssertExact(none.OutcomePerPerson(Outcome.Qaly), 15.838848, "no treatment QALY vs cohort");
            AssertExact(treat.CostPerPerson(p), 141623.028, "treatment cost vs cohort");
            AssertExact(treat.OutcomePerPerson(Outcome.Qaly), 16.400406, "treatment QALY vs cohort");
            AssertPublished(none.CostPerPerson(p), 75_996, 183, "no treatment cost vs published");
            AssertPublished(none.OutcomePerPerson(Outcome.Qaly), 15.823, 0.016, "no treatment QALY vs published");
            AssertPublished(treat.CostPerPerson(p), 141_644, 343, "treatment cost vs published");
            AssertPublished(treat.OutcomePerPerson(Outcome.Qaly), 16.384, 0.016, "treatment QALY vs published");
            AssertExact(run.IncrementalCost(1, p), 141623.028 - 75976.149, "incremental cost vs cohort");
        });
    }

    /// <summary>Case 3 extended (Appendix B of the tutorial): duration-dependent death and utility, per-person effect modifier X ~ U(0.95, 1.05).</summary>
    [Test]
    public void RunAll_DarthMicrosimTutorialExtended_MatchesPublishedValues()
    {
        var (model, _, _) = DarthModels.BuildMicrosimTutorial();
        var run = MicrosimEngine.RunAll(model, new MicrosimOptions { People = 100_000, Seed = 7, Effects = ExtendedEffects() });
        var p = DarthModels.CostPerspective;
        Assert.Multiple(() =>
        {
            AssertPublished(run.Results[0].CostPerPerson(p), 62_667, 120, "no treatment cost");
            AssertPublished(run.Results[0].OutcomePerPerson(Outcome.Qaly), 15.279, 0.017, "no treatment QALY");
            AssertPublished(run.Results[1].CostPerPerson(p), 117_455, 231, "treatment cost");
            AssertPublished(run.Results[1].OutcomePerPerson(Outcome.Qaly), 15.786, 0.017, "treatment QALY");
        });
    }

    [Test]
    public void RunAll_DarthMicrosimTutorial_CommonRandomNumbersShrinkIncrementalError()
    {
        var (model, _, _) = DarthModels.BuildMicrosimTutorial();
        var run = MicrosimEngine.RunAll(model, new MicrosimOptions { People = 20_000, Seed = 3 });
        var p = DarthModels.CostPerspective;
        var dc = run.IncrementalCost(1, p).StandardError;
        var dq = run.IncrementalOutcome(1, Outcome.Qaly).StandardError;
        Assert.Multiple(() =>
        {
            // Published: MCSE of the incremental cost 164 against 183 and 343 for the arms.
            Assert.That(dc, Is.LessThan(run.Results[0].CostPerPerson(p).StandardError));
            Assert.That(dc, Is.LessThan(run.Results[1].CostPerPerson(p).StandardError));
            Assert.That(dq, Is.LessThan(run.Results[0].OutcomePerPerson(Outcome.Qaly).StandardError));
            Assert.That(dq, Is.LessThan(run.Results[1].OutcomePerPerson(Outcome.Qaly).StandardError));
        });
    }

    [TestCase(false)]
    [TestCase(true)]
    public void RunAll_DarthCases1And2_AgreeWithCohortEngine(bool ageDependent)
    {
        var m = DarthModels.Build(ageDependent);
        var run = MicrosimEngine.RunAll(m.Model, new MicrosimOptions { People = 20_000, Seed = 11 }, [m.SoC, m.AB]);
        foreach (var r in run.Results)
        {
            var exact = CohortEngine.Run(m.Model, r.Strategy);
            Assert.Multiple(() =>
            {
                AssertExact(r.CostPerPerson(DarthModels.CostPerspective), exact.TotalCost(DarthModels.CostPerspective), $"{r.Strategy.Name} cost");
                AssertExact(r.OutcomePerPerson(Outcome.Qaly), exact.TotalOutcome(Outcome.Qaly), $"{r.Strategy.Name} QALY");
                // The inherited (population-scale, here per-person) totals are the same estimates.
                Assert.That(r.TotalCost(DarthModels.CostPerspective), Is.EqualTo(r.CostPerPerson(DarthModels.CostPerspective).Mean).Within(1e-9).Percent);
                // Share dead by the horizon: binomial SE, 3 SE.
                var dead = r.ShareEverIn("D");
                Assert.That(dead.Mean, Is.EqualTo(exact.Occupancy(exact.Cycles, "D")).Within(Z * dead.StandardError), "share ever dead");
                Assert.That(r.Occupancy(exact.Cycles, "D"), Is.EqualTo(dead.Mean).Within(1e-12), "trace vs distribution");
            });
        }
    }

    /// <summary>
    /// Partial uptake splits the population into treated and untreated sub-cohorts in one arm only;
    /// the start uniform must still give each person the same start state in both arms.
    /// </summary>
    [Test]
    public void RunAll_PartialUptakeWithUpfrontCost_AgreesWithCohortAndKeepsCommonRandomNumbers()
    {
        var b = new LifeCourseModelBuilder("uptake");
        b.AddState("H").AddState("S1").AddState("S2").AddState("D", absorbing: true);
        b.AddPayers(DarthModels.HealthSystem).AddSectors(DarthModels.Care).AddOutcomes(Outcome.Qaly);
        b.Probability("H", "S1", 0.15).Probability("H", "D", 0.005).Remainder("H", "H");
        b.Probability("S1", "H", 0.3).Probability("S1", "S2", 0.2).Probability("S1", "D", 0.02).Remainder("S1", "S1");
        b.Probability("S2", "D", 0.1).Remainder("S2", "S2");
        b.StateFlow("H", DarthModels.CareCost, 2000).StateFlow("S1", DarthModels.CareCost, 4000).StateFlow("S2", DarthModels.CareCost, 15000);
        b.StateOutcome("H", Outcome.Qaly, 1).StateOutcome("S1", Outcome.Qaly, 0.75).StateOutcome("S2", Outcome.Qaly, 0.5);
        b.TransitionFlow(null, "D", DarthModels.CareCost, 5000);
        var trt = Intervention.Create("Trt").EligibleIn("S1").WithUptake(0.5).UpfrontCost(DarthModels.CareCost, 10_000)
            .AffectTransition("S1", "S2", EffectMeasure.RelativeRisk, 0.5).Build();
        b.AddStrategy(new Strategy("none")).AddStrategy(new Strategy("treat", trt));
        b.WithPopulation(new Population([new PopulationGroup(30, "H", 0.6), new PopulationGroup(30, "S1", 0.4)]));
        b.WithOptions(new SimulationOptions { Cycles = 40, CostDiscounting = DiscountSchedule.Constant(0.03), OutcomeDiscounting = DiscountSchedule.Constant(0.03) });
        var model = b.Build();
        var run = MicrosimEngine.RunAll(model, new MicrosimOptions { People = 40_000, Seed = 4 });
        var p = DarthModels.CostPerspective;
        var exact = model.Strategies.Select(s => CohortEngine.Run(model, s)).ToArray();
        var dc = run.IncrementalCost(1, p);
        Assert.Multiple(() =>
        {
            for (var k = 0; k < 2; k++)
            {
                AssertExact(run.Results[k].CostPerPerson(p), exact[k].TotalCost(p), $"arm {k} cost");
                AssertExact(run.Results[k].OutcomePerPerson(Outcome.Qaly), exact[k].TotalOutcome(Outcome.Qaly), $"arm {k} QALY");
            }

            AssertExact(dc, exact[1].TotalCost(p) - exact[0].TotalCost(p), "incremental cost");
            Assert.That(dc.StandardError, Is.LessThan(run.Results[0].CostPerPerson(p).StandardError / 2), "common random numbers");
        });
    }

    [Test]
    public void RunAll_SameSeed_BitIdenticalOnOneAndTwoThreads()
    {
        var (model, _, _) = DarthModels.BuildMicrosimTutorial();
        var options = new MicrosimOptions { People = 10_000, Seed = 5, BlockSize = 1000, Effects = ExtendedEffects() };
        var one = MicrosimEngine.RunAll(model, options with { Threads = 1 });
        var two = MicrosimEngine.RunAll(model, options with { Threads = 2 });
        AssertIdentical(one, two);
    }

    [Test]
    public void RunRange_ShardsMergedInAnyOrder_BitIdenticalToOneRun()
    {
        var (model, none, treat) = DarthModels.BuildMicrosimTutorial();
        var compiled = new[] { model.Compile(none), model.Compile(treat) };
        var options = new MicrosimOptions { People = 7_000, Seed = 9, BlockSize = 1000, Effects = ExtendedEffects() };
        var whole = MicrosimEngine.RunCompiled(compiled, options);
        var a = MicrosimEngine.RunRange(compiled, options, 0, 3000);
        var b = MicrosimEngine.RunRange(compiled, options, 3000, 2000);
        var c = MicrosimEngine.RunRange(compiled, options, 5000, 2000);
        var merged = MicrosimEngine.Complete(c.Merge(a).Merge(b));
        var merged2 = MicrosimEngine.Complete(a.Merge(b.Merge(c)));
        AssertIdentical(whole, merged);
        AssertIdentical(whole, merged2);
    }

    [Test]
    public void RunAll_FastKernel_BitIdenticalToGeneralKernel()
    {
        var (model, _, _) = DarthModels.BuildMicrosimTutorial();
        var options = new MicrosimOptions { People = 5_003, Seed = 21, BlockSize = 512 };
        var general = MicrosimEngine.RunAll(model, options);
        var fast = MicrosimEngine.RunAll(model, options with { TrackDistributions = false });
        AssertIdentical(general, fast, distributions: false);
    }

    [Test]
    public void RunAll_FastKernelFiveStates_BitIdenticalToGeneralKernel()
    {
        // Five states take the scalar eight-lane kernel (the SIMD one handles at most four).
        var b = new LifeCourseModelBuilder("five states");
        b.AddState("A").AddState("B").AddState("C").AddState("E").AddState("D", absorbing: true);
        b.AddPayers(DarthModels.HealthSystem).AddSectors(DarthModels.Care).AddOutcomes(Outcome.Qaly);
        b.Probability("A", "B", 0.2).Probability("A", "D", 0.01).Remainder("A", "A");
        b.Probability("B", "C", 0.3).Probability("B", "D", 0.02).Remainder("B", "B");
        b.Probability("C", "E", 0.1).Probability("C", "A", 0.2).Probability("C", "D", 0.03).Remainder("C", "C");
        b.Probability("E", "D", 0.2).Remainder("E", "E");
        b.StateFlow("A", DarthModels.CareCost, 100).StateFlow("B", DarthModels.CareCost, 300).StateFlow("C", DarthModels.CareCost, 700).StateFlow("E", DarthModels.CareCost, 2000);
        b.StateOutcome("A", Outcome.Qaly, 1).StateOutcome("B", Outcome.Qaly, 0.8).StateOutcome("C", Outcome.Qaly, 0.6).StateOutcome("E", Outcome.Qaly, 0.3);
        b.WithPopulation(new Population([new PopulationGroup(20, "A", 0.7), new PopulationGroup(20, "B", 0.3)]));
        b.WithOptions(new SimulationOptions { Cycles = 25 });
        var model = b.Build();
        var options = new MicrosimOptions { People = 3_001, Seed = 8, BlockSize = 256, Perspectives = [DarthModels.CostPerspective] };
        var general = MicrosimEngine.RunAll(model, options);
        var fast = MicrosimEngine.RunAll(model, options with { TrackDistributions = false });
        AssertIdentical(general, fast, distributions: false);
        var exact = CohortEngine.Run(model, Strategy.BusinessAsUsual);
        AssertExact(fast.Results[0].CostPerPerson(DarthModels.CostPerspective), exact.TotalCost(DarthModels.CostPerspective), "five-state cost");
    }

    [Test]
    public void RunAll_PersonRecords_ConsistentWithSummaries()
    {
        var (model, _, _) = DarthModels.BuildMicrosimTutorial();
        var run = MicrosimEngine.RunAll(model, new MicrosimOptions { People = 300, Seed = 1, BlockSize = 64, KeepPersonRecords = true, Threads = 2 });
        var r = run.Results[0];
        var records = r.PersonRecords;
        Assert.Multiple(() =>
        {
            Assert.That(records.Select(x => x.Person), Is.EqualTo(Enumerable.Range(0, 300).Select(i => (long)i)));
            Assert.That(records.Average(x => x.Scores[0]), Is.EqualTo(r.CostPerPerson(DarthModels.CostPerspective).Mean).Within(1e-9).Percent);
            Assert.That(records.All(x => x.FirstEntry[0] == 0), Is.True, "everyone starts in H");
            Assert.That(records.Average(x => x.CyclesInState[1]), Is.EqualTo(r.YearsInState("S1").Mean).Within(1e-12));
            Assert.That(r.ShareEverIn("H").Mean, Is.EqualTo(1.0));
            Assert.That(r.FirstEntryHistogram("H")[0], Is.EqualTo(300));
        });
    }

    [Test]
    public void RunAll_Progress_ReportsEveryBlock()
    {
        var (model, _, _) = DarthModels.BuildMicrosimTutorial();
        var reports = new List<RunProgress>();
        var progress = new SynchronousProgress(reports);
        MicrosimEngine.RunAll(model, new MicrosimOptions { People = 1000, BlockSize = 100, Threads = 1 }, progress: progress);
        Assert.Multiple(() =>
        {
            Assert.That(reports, Has.Count.EqualTo(10));
            Assert.That(reports.Max(r => r.Completed), Is.EqualTo(10));
            Assert.That(reports.All(r => r.Total == 10), Is.True);
        });
    }

    [Test]
    public void RunAll_CancelledToken_Throws()
    {
        var (model, _, _) = DarthModels.BuildMicrosimTutorial();
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        Assert.That(
            () => MicrosimEngine.RunAll(model, new MicrosimOptions { People = 1000 }, cancellationToken: cts.Token),
            Throws.InstanceOf<OperationCanceledException>());
    }

    [Test]
    public void RunRange_MisalignedShard_Throws()
    {
        var (model, none, _) = DarthModels.BuildMicrosimTutorial();
        Assert.That(
            () => MicrosimEngine.RunRange([model.Compile(none)], new MicrosimOptions { BlockSize = 100 }, 150, 10),
            Throws.ArgumentException.With.Message.Contains("multiple of the block size"));
    }

    [Test]
    public void RunAll_InvalidOptionsAndEffects_ThrowWithAllProblems()
    {
        var (model, _, _) = DarthModels.BuildMicrosimTutorial();
        Assert.That(
            () => MicrosimEngine.RunAll(model, new MicrosimOptions { People = 0, BlockSize = 0 }),
            Throws.ArgumentException.With.Message.Contains("people").And.Message.Contains("block size"));
        var bad = IndividualEffects.None.ScaleHazard("S1", "Nowhere", _ => 1).SetOutcomeValue("S1", Outcome.Qaly, _ => 1, attribute: "missing");
        Assert.That(
            () => MicrosimEngine.RunAll(model, new MicrosimOptions { People = 10, Effects = bad }),
            Throws.ArgumentException.With.Message.Contains("Nowhere").And.Message.Contains("missing"));
    }

    /// <summary>
    /// Appendix B of the tutorial: death rates in S1 and S2 × (1 + 0.2·dur), where dur counts the
    /// consecutive sick cycles including the current one (τ + 1 here, τ = sick trace points before
    /// now); treated S1 utility X·(0.95 − 0.03·dur) with dur = τ (the tutorial evaluates utility
    /// before updating dur); X ~ U(0.95, 1.05).
    /// </summary>
    private static IndividualEffects ExtendedEffects()
        => IndividualEffects.None
            .WithAttribute("X", u => 0.95 + (0.1 * u))
            .WithDurationGroup("S1", "S2")
            .ScaleHazard("S1", "D", tau => 1 + (0.2 * (tau + 1)))
            .ScaleHazard("S2", "D", tau => 1 + (0.2 * (tau + 1)))
            .SetOutcomeValue("S1", Outcome.Qaly, tau => 0.95 - (0.03 * tau), attribute: "X", appliesTo: s => s.Name == "Treatment");

    private static void AssertExact(MonteCarloEstimate e, double exact, string what)
    {
        TestContext.Out.WriteLine($"{what}: {e.Mean:F4} ± {e.StandardError:F4} (expected {exact:F4})");
        Assert.That(e.Mean, Is.EqualTo(exact).Within(Z * e.StandardError), $"{what}: {e.Mean} ± {e.StandardError}");
    }

    private static void AssertPublished(MonteCarloEstimate e, double published, double publishedSe, string what)
    {
        TestContext.Out.WriteLine($"{what}: {e.Mean:F4} ± {e.StandardError:F4} (published {published} ± {publishedSe})");
        Assert.That(e.Mean, Is.EqualTo(published).Within(Z * Math.Sqrt((e.StandardError * e.StandardError) + (publishedSe * publishedSe))), $"{what}: {e.Mean} ± {e.StandardError}");
    }

    private static void AssertIdentical(MicrosimComparison x, MicrosimComparison y, bool distributions = true)
    {
        var p = DarthModels.CostPerspective;
        for (var k = 0; k < x.Results.Count; k++)
        {
            var a = x.Results[k];
            var b = y.Results[k];
            Assert.That(b.CostPerPerson(p), Is.EqualTo(a.CostPerPerson(p)));
            Assert.That(b.OutcomePerPerson(Outcome.Qaly), Is.EqualTo(a.OutcomePerPerson(Outcome.Qaly)));
            Assert.That(b.TotalCost(p), Is.EqualTo(a.TotalCost(p)));
            Assert.That(b.TotalOutcome(Outcome.Qaly), Is.EqualTo(a.TotalOutcome(Outcome.Qaly)));
            for (var t = 0; t <= a.Cycles; t++)
            {
                Assert.That(b.TraceRow(t).ToArray(), Is.EqualTo(a.TraceRow(t).ToArray()));
            }

            if (distributions)
            {
                foreach (var s in a.States)
                {
                    Assert.That(b.YearsInStateHistogram(s.Name), Is.EqualTo(a.YearsInStateHistogram(s.Name)));
                    Assert.That(b.FirstEntryHistogram(s.Name), Is.EqualTo(a.FirstEntryHistogram(s.Name)));
                }
            }

            if (k > 0)
            {
                Assert.That(y.IncrementalCost(k, p), Is.EqualTo(x.IncrementalCost(k, p)));
                Assert.That(y.IncrementalOutcome(k, Outcome.Qaly), Is.EqualTo(x.IncrementalOutcome(k, Outcome.Qaly)));
            }
        }
    }

    private sealed class SynchronousProgress(List<RunProgress> reports) : IProgress<RunProgress>
    {
        public void Report(RunProgress value)
        {
            lock (reports)
            {
                reports.Add(value);
            }
        }
    }
}
