using SocialInvestment.Engine;
using SocialInvestment.Model;
using SocialInvestment.Uncertainty;
using SocialInvestment.Workloads;

namespace SocialInvestment.Tests.Uncertainty;

/// <summary>
/// A PSA prepared once and run many times (<see cref="ProbabilisticAnalysis.Prepare"/>): its runs are the
/// one-off runs bit for bit, whatever ran on it before (other seeds, other draw counts, a cancelled run, runs
/// on other threads at the same time), and a run whose options disagree with the preparation is refused.
/// </summary>
public class PreparedPsaTests
{
    private static (LifeCourseModel Model, PsaSpecification Spec, PsaOptions Options) Welfare(int draws = 24, int threads = 2)
    {
        var model = Welfare16.Build(UptakeMode.MeanEffect);
        var spec = Welfare16.Specification(model);
        return (model, spec, new PsaOptions { Draws = draws, Seed = 5, Perspectives = Welfare16.Perspectives, KeepDraws = true, Threads = threads });
    }

    [Test]
    public void Runs_AreTheOneOffRuns_BitForBit_AcrossSeedsDrawCountsAndThreads()
    {
        var (_, spec, options) = Welfare();
        var prepared = ProbabilisticAnalysis.Prepare(spec, options);
        Assert.That(prepared.IsIncremental, Is.True, "welfare-16 takes the incremental draw path");
        foreach (var run in new[] { options, options with { Seed = 6, Draws = 37 }, options with { Threads = 1, Draws = 9 }, options })
        {
            IncrementalPsaTests.AssertIdentical(ProbabilisticAnalysis.Run(spec, run), prepared.Run(run));
        }
    }

    [Test]
    public void Ranges_MergeToTheOneOffRun_BitForBit()
    {
        var (_, spec, options) = Welfare(draws: 30);
        var prepared = ProbabilisticAnalysis.Prepare(spec, options);
        var merged = prepared.RunRange(options, 11, 19).Merge(prepared.RunRange(null, 0, 11)).ToResult();
        IncrementalPsaTests.AssertIdentical(ProbabilisticAnalysis.Run(spec, options), merged);
    }

    [Test]
    public void StreamedRun_WithoutKeptDraws_HasTheOneOffSummaries()
    {
        var (model, spec, options) = Welfare(draws: 40);
        var streamed = options with { KeepDraws = false };
        var prepared = ProbabilisticAnalysis.Prepare(spec, options);
        prepared.Run(options);
        var a = prepared.Run(streamed);
        var b = ProbabilisticAnalysis.Run(spec, streamed);
        foreach (var s in model.Strategies)
        {
            foreach (var v in Welfare16.Perspectives)
            {
                Assert.That(a.CostMoments(s, v), Is.EqualTo(b.CostMoments(s, v)), $"{s.Name}/{v.Name}");
                Assert.That(a.Summarize(PsaFigure.NetPresentValue, s, v).Mean, Is.EqualTo(b.Summarize(PsaFigure.NetPresentValue, s, v).Mean), $"{s.Name}/{v.Name}");
            }
        }
    }

    [Test]
    public void StreamedRuns_OnReusedBuffers_AreEachTheOneOffRun()
    {
        // Runs that keep no draws reuse the per-draw buffers of the run before them (same wave length) or drop them
        // (another): each run's summaries, every figure's moments and quantiles, are still the one-off run's.
        var (model, spec, options) = Welfare(draws: 40);
        var streamed = options with { KeepDraws = false };
        var prepared = ProbabilisticAnalysis.Prepare(spec, streamed);
        foreach (var run in new[] { streamed, streamed with { Seed = 8 }, streamed with { Seed = 9, Draws = 23 }, streamed with { Seed = 8, Threads = 1 } })
        {
            var a = prepared.Run(run);
            var b = ProbabilisticAnalysis.Run(spec, run);
            foreach (var s in model.Strategies)
            {
                foreach (var v in Welfare16.Perspectives)
                {
                    Assert.That(a.CostMoments(s, v), Is.EqualTo(b.CostMoments(s, v)), $"seed {run.Seed}, {s.Name}/{v.Name}");
                    foreach (var figure in Enum.GetValues<PsaFigure>())
                    {
                        Assert.That(a.Summarize(figure, s, v), Is.EqualTo(b.Summarize(figure, s, v)), $"seed {run.Seed}, {figure} of {s.Name}/{v.Name}");
                    }
                }
            }
        }
    }

    [Test]
    public void ConcurrentRuns_OnOnePreparation_AreEachTheOneOffRun()
    {
        var (_, spec, options) = Welfare(draws: 33, threads: 1);
        var prepared = ProbabilisticAnalysis.Prepare(spec, options);
        var seeds = new ulong[] { 1, 2, 3, 4 };
        var results = new PsaResult[seeds.Length];
        Parallel.For(0, seeds.Length, new ParallelOptions { MaxDegreeOfParallelism = 2 }, i => results[i] = prepared.Run(options with { Seed = seeds[i] }));
        for (var i = 0; i < seeds.Length; i++)
        {
            IncrementalPsaTests.AssertIdentical(ProbabilisticAnalysis.Run(spec, options with { Seed = seeds[i] }), results[i]);
        }
    }

    [Test]
    public void CancelledRun_LeavesThePreparationAsItWas()
    {
        // The progress handler cancels after the first chunk: the run stops in the middle, on a work space that is then dropped.
        var (_, spec, options) = Welfare(draws: 200, threads: 2);
        var prepared = ProbabilisticAnalysis.Prepare(spec, options);
        using var cts = new CancellationTokenSource();
        var progress = new Progress(cts);
        Assert.Throws<OperationCanceledException>(() => prepared.Run(options, progress, cts.Token));
        Assert.That(progress.Calls, Is.GreaterThan(0));
        IncrementalPsaTests.AssertIdentical(ProbabilisticAnalysis.Run(spec, options with { Draws = 50 }), prepared.Run(options with { Draws = 50 }));
    }

    [Test]
    public void OptionsThatDisagreeWithThePreparation_AreRefused_NamingEachOne()
    {
        var (model, spec, options) = Welfare();
        var prepared = ProbabilisticAnalysis.Prepare(spec, options);
        var ex = Assert.Throws<ArgumentException>(() => prepared.Run(options with { Perspectives = [Welfare16.Perspectives[0]], EvaluateEveryDrawInFull = true }));
        Assert.That(ex!.Message, Does.Contain("Perspectives").And.Contain("EvaluateEveryDrawInFull").And.Contain("ProbabilisticAnalysis.Prepare"));
        ex = Assert.Throws<ArgumentException>(() => prepared.Run(options with { Comparator = model.Strategies[1] }));
        Assert.That(ex!.Message, Does.Contain("Comparator"));
        ex = Assert.Throws<ArgumentException>(() => prepared.Run(options with { Strategies = [model.Strategies[0], model.Strategies[1]] }));
        Assert.That(ex!.Message, Does.Contain("Strategies"));

        // Equal perspectives built anew agree (value equality), as do the prepared options' own strategies listed again.
        Assert.DoesNotThrow(() => prepared.Run(options with { Draws = 8, Perspectives = [.. Welfare16.Perspectives], Strategies = [.. model.Strategies] }));
    }

    [Test]
    public void Prepare_ChecksItsArguments()
    {
        var (model, spec, options) = Welfare();
        Assert.Throws<ArgumentNullException>(() => ProbabilisticAnalysis.Prepare(null!));
        Assert.Throws<ArgumentException>(() => ProbabilisticAnalysis.Prepare(spec, options with { Threads = -1 }));
        var foreign = new Strategy("not in the list");
        var ex = Assert.Throws<ArgumentException>(() => ProbabilisticAnalysis.Prepare(spec, options with { Comparator = foreign, Strategies = [model.Strategies[0]] }));
        Assert.That(ex!.Message, Does.Contain("not in the list"));
        var prepared = ProbabilisticAnalysis.Prepare(spec, options);
        Assert.Throws<ArgumentOutOfRangeException>(() => prepared.RunRange(options, -1, 4));
        Assert.Throws<ArgumentOutOfRangeException>(() => prepared.RunRange(options, 0, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => prepared.Run(options with { Draws = 0 }));
    }

    [Test]
    public void ExplicitEvaluator_IsPreparedToo_AndNotIncremental()
    {
        var (model, spec, options) = Welfare(draws: 6);
        var prepared = ProbabilisticAnalysis.Prepare(spec, options, IncrementalPsaTests.General(model));
        Assert.That(prepared.IsIncremental, Is.False);
        IncrementalPsaTests.AssertIdentical(ProbabilisticAnalysis.Run(spec, options, IncrementalPsaTests.General(model)), prepared.Run());
    }

    /// <summary>Cancels its source at the first report (synchronously, on the reporting worker).</summary>
    private sealed class Progress(CancellationTokenSource cts) : IProgress<RunProgress>
    {
        public int Calls;

        public void Report(RunProgress value)
        {
            Interlocked.Increment(ref Calls);
            cts.Cancel();
        }
    }
}
