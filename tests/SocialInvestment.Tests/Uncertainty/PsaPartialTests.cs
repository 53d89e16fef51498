using SocialInvestment.Economics;
using SocialInvestment.Engine;
using SocialInvestment.Model;
using SocialInvestment.Tests.TestSupport;
using SocialInvestment.Uncertainty;
using SocialInvestment.Workloads;

namespace SocialInvestment.Tests.Uncertainty;

/// <summary>PSA over draw ranges: partials that merge exactly to the single run (issue 9, "a model that can travel").</summary>
public class PsaPartialTests
{
    private const int K = 300;
    private static readonly double[] Grid = [0, 100_000, 150_000];

    private static (DarthModels.SickSicker Case, PsaSpecification Spec) Darth()
    {
        var c = DarthModels.Build(ageDependent: false);
        var spec = new PsaSpecification(c.Model)
            .With("r_HS1", GammaDistribution.FromMeanAndStandardError(0.15, 0.03))
            .With("r_S1S2", GammaDistribution.FromMeanAndStandardError(0.105, 0.02))
            .With("hr_S2", LogNormalDistribution.FromMeanAndStandardError(10, 1));
        return (c, spec);
    }

    private static PsaOptions Options(bool keep, int threads)
    {
        var p = DarthModels.CostPerspective;
        return new PsaOptions { Draws = K, Seed = 4, Threads = threads, Perspectives = [p], KeepDraws = keep, Acceptability = [new AcceptabilityRequest(p, Outcome.Qaly, Grid)] };
    }

    /// <summary>Every summary of two results, as exact bits (doubles compared with ==, which is bit equality for non-NaN values; NaN compared as NaN).</summary>
    private static void AssertIdentical(PsaResult merged, PsaResult single, DarthModels.SickSicker c, bool exactQuantiles)
    {
        var p = DarthModels.CostPerspective;
        Assert.That(merged.Draws, Is.EqualTo(single.Draws));
        foreach (var s in c.Model.Strategies)
        {
            Assert.That(merged.CostMoments(s, p), Is.EqualTo(single.CostMoments(s, p)), $"cost moments, {s.Name}");
            Assert.That(merged.OutcomeMoments(s, Outcome.Qaly), Is.EqualTo(single.OutcomeMoments(s, Outcome.Qaly)), $"outcome moments, {s.Name}");
            Assert.That(merged.ProbabilityPositiveNpv(s, p), Is.EqualTo(single.ProbabilityPositiveNpv(s, p)));
            foreach (var f in Enum.GetValues<PsaFigure>())
            {
                var a = merged.Summarize(f, s, p);
                var b = single.Summarize(f, s, p);
                Assert.That((a.Mean, a.StandardDeviation, a.StandardError, a.Count), Is.EqualTo((b.Mean, b.StandardDeviation, b.StandardError, b.Count)), $"{s.Name} {f}");
                if (exactQuantiles)
                {
                    Assert.That(a, Is.EqualTo(b), $"{s.Name} {f}: with the draws kept, percentiles too");
                }
            }
        }

        foreach (var name in new[] { "r_HS1", "r_S1S2", "hr_S2" })
        {
            Assert.That(merged.ParameterMoments(c.Model.Parameter(name)), Is.EqualTo(single.ParameterMoments(c.Model.Parameter(name))), name);
        }

        var ma = merged.Acceptability(p, Outcome.Qaly, Grid);
        var sa = single.Acceptability(p, Outcome.Qaly, Grid);
        Assert.That(ma.Evpi, Is.EqualTo(sa.Evpi).AsCollection);
        Assert.That(ma.FrontierStrategy, Is.EqualTo(sa.FrontierStrategy).AsCollection);
        for (var s = 0; s < c.Model.Strategies.Count; s++)
        {
            for (var j = 0; j < Grid.Length; j++)
            {
                Assert.That(ma.Probability(s, j), Is.EqualTo(sa.Probability(s, j)));
            }
        }
    }

    [TestCase(1, 1)]
    [TestCase(16, 1)]
    [TestCase(100, 2)]
    [TestCase(255, 2)]
    [TestCase(299, 1)]
    public void TwoRanges_KeptDraws_MergeToTheSingleRun_BitForBit(int split, int threads)
    {
        var (c, spec) = Darth();
        var options = Options(keep: true, threads);
        var single = ProbabilisticAnalysis.Run(spec, options with { Threads = 1 });
        var first = ProbabilisticAnalysis.RunRange(spec, options, 0, split);
        var second = ProbabilisticAnalysis.RunRange(spec, options, split, K - split);
        Assert.That(first.Ranges, Is.EqualTo(new[] { (0L, (long)split) }));
        foreach (var merged in new[] { first.Merge(second), second.Merge(first) })
        {
            Assert.That(merged.Ranges, Is.EqualTo(new[] { (0L, (long)K) }), "coalesced");
            var r = merged.ToResult();
            AssertIdentical(r, single, c, exactQuantiles: true);
            foreach (var s in c.Model.Strategies)
            {
                Assert.That(r.Values(PsaFigure.NetPresentValue, s, DarthModels.CostPerspective).ToArray(), Is.EqualTo(single.Values(PsaFigure.NetPresentValue, s, DarthModels.CostPerspective).ToArray()));
                Assert.That(r.Costs(s, DarthModels.CostPerspective).ToArray(), Is.EqualTo(single.Costs(s, DarthModels.CostPerspective).ToArray()));
            }

            Assert.That(r.ParameterDraws(c.Model.Parameter("hr_S2")).ToArray(), Is.EqualTo(single.ParameterDraws(c.Model.Parameter("hr_S2")).ToArray()));
            Assert.That(r.Evppi(DarthModels.CostPerspective, Outcome.Qaly, 100_000, [c.Model.Parameter("hr_S2")]), Is.EqualTo(single.Evppi(DarthModels.CostPerspective, Outcome.Qaly, 100_000, [c.Model.Parameter("hr_S2")])));
        }
    }

    [TestCase(64, 1)]
    [TestCase(150, 2)]
    public void TwoRanges_Streamed_MergeExactly_ExceptTheSketchPercentiles(int split, int threads)
    {
        var (c, spec) = Darth();
        var options = Options(keep: false, threads);
        var single = ProbabilisticAnalysis.Run(spec, options);
        var merged = ProbabilisticAnalysis.RunRange(spec, options, split, K - split).Merge(ProbabilisticAnalysis.RunRange(spec, options, 0, split)).ToResult();
        AssertIdentical(merged, single, c, exactQuantiles: false);

        // The merged t-digests are approximate: against the exact percentile of the kept draws, the
        // 2.5 % and 97.5 % points of 300 draws must be within 1 % of the NPV's range (a rank error of
        // about 3 draws; the sketch keeps single values in the tails, so the observed error is far smaller).
        var kept = ProbabilisticAnalysis.Run(spec, options with { KeepDraws = true, Acceptability = null });
        var npv = kept.Values(PsaFigure.NetPresentValue, c.AB, DarthModels.CostPerspective).ToArray();
        var range = npv.Max() - npv.Min();
        foreach (var q in new[] { 0.025, 0.5, 0.975 })
        {
            Assert.That(merged.Quantile(PsaFigure.NetPresentValue, c.AB, DarthModels.CostPerspective, q), Is.EqualTo(kept.Quantile(PsaFigure.NetPresentValue, c.AB, DarthModels.CostPerspective, q)).Within(0.01 * range), $"q = {q}");
        }
    }

    /// <summary>
    /// Kept ranges folded again in draw order (what a cluster coordinator does for socinv run
    /// --cluster) give the single streamed run bit for bit, its sketch percentiles included, and the
    /// sink sees the same draws in the same order. 2,000 draws, so that the sketches compress.
    /// </summary>
    [TestCase(1)]
    [TestCase(2)]
    public void KeptRanges_FoldedAgainInDrawOrder_AreTheSingleStreamedRun_BitForBit(int threads)
    {
        const int draws = 2000;
        var (c, spec) = Darth();
        var options = Options(keep: false, threads) with { Draws = draws };
        var singleDraws = new List<double>();
        var single = ProbabilisticAnalysis.Run(spec, options with { DrawSink = d => singleDraws.Add(d.Value(PsaFigure.NetPresentValue, 1, 0)) });
        int[] cuts = [0, 333, 1000, 1001, draws];
        var kept = options with { KeepDraws = true };
        var parts = cuts.Zip(cuts.Skip(1)).Select(r => ProbabilisticAnalysis.RunRange(spec, kept, r.First, r.Second - r.First)).ToArray();
        var merged = PsaPartial.MergeAll([parts[2], parts[0], parts[3], parts[1]]);
        var refoldedDraws = new List<double>();
        var refolded = merged.ToStreamedResult(d => refoldedDraws.Add(d.Value(PsaFigure.NetPresentValue, 1, 0)));
        AssertIdentical(refolded, single, c, exactQuantiles: true);
        Assert.That(refoldedDraws, Is.EqualTo(singleDraws).AsCollection, "the sink sees the same draws in draw order");
        Assert.That(() => refolded.Values(PsaFigure.NetPresentValue, c.AB, DarthModels.CostPerspective), Throws.InvalidOperationException, "the refolded result keeps no draws, like the streamed run");
        Assert.That(() => ProbabilisticAnalysis.RunRange(spec, options, 0, 10).ToStreamedResult(), Throws.InvalidOperationException.With.Message.Contains("KeepDraws"));
        Assert.That(() => parts[1].ToStreamedResult(), Throws.InvalidOperationException.With.Message.Contains("draws [0, 333) are missing"));
    }

    [Test]
    public void ManyRanges_MergedInAnyOrder_GiveTheSameResult()
    {
        var (c, spec) = Darth();
        var options = Options(keep: true, threads: 2);
        var single = ProbabilisticAnalysis.Run(spec, options);
        int[] cuts = [0, 7, 40, 41, 200, K];
        var parts = cuts.Zip(cuts.Skip(1)).Select(r => ProbabilisticAnalysis.RunRange(spec, options, r.First, r.Second - r.First)).ToArray();
        var shuffled = PsaPartial.MergeAll([parts[3], parts[0], parts[4], parts[2], parts[1]]).ToResult();
        AssertIdentical(shuffled, single, c, exactQuantiles: true);
        var pairwise = parts[4].Merge(parts[1]).Merge(parts[3].Merge(parts[0])).Merge(parts[2]).ToResult();
        AssertIdentical(pairwise, single, c, exactQuantiles: true);
    }

    [Test]
    public void Merge_RefusesOverlapsDuplicatesOtherRunsAndGaps()
    {
        var (c, spec) = Darth();
        var options = Options(keep: false, threads: 1);
        var a = ProbabilisticAnalysis.RunRange(spec, options, 0, 50);
        var b = ProbabilisticAnalysis.RunRange(spec, options, 50, 50);
        Assert.That(() => a.Merge(a), Throws.ArgumentException.With.Message.Contains("overlap").And.Message.Contains("[0, 50)"), "a range counted twice");
        Assert.That(() => a.Merge(ProbabilisticAnalysis.RunRange(spec, options, 40, 20)), Throws.ArgumentException.With.Message.Contains("draws [40, 50) are in both"));
        Assert.That(() => a.Merge(b).Merge(b), Throws.ArgumentException.With.Message.Contains("overlap"));
        Assert.That(() => a.Merge(ProbabilisticAnalysis.RunRange(spec, options with { Seed = 5 }, 50, 50)), Throws.ArgumentException.With.Message.Contains("different runs"));
        Assert.That(() => a.Merge(ProbabilisticAnalysis.RunRange(Darth().Spec, options, 50, 50)), Throws.ArgumentException.With.Message.Contains("different specification objects"), "a model built in code has no definition hash: only the same objects merge");
        Assert.That(() => a.Merge(ProbabilisticAnalysis.RunRange(spec, options with { KeepDraws = true }, 50, 50)), Throws.ArgumentException.With.Message.Contains("kept the draws"));
        Assert.That(() => a.Merge(ProbabilisticAnalysis.RunRange(spec, options with { Strategies = [c.SoC, c.A] }, 50, 50)), Throws.ArgumentException.With.Message.Contains("strategies"));
        Assert.That(() => a.Merge(ProbabilisticAnalysis.RunRange(spec, options, 60, 10)).ToResult(), Throws.InvalidOperationException.With.Message.Contains("draws [50, 60) are missing"));
        Assert.That(() => b.ToResult(), Throws.InvalidOperationException.With.Message.Contains("draws [0, 50) are missing"));
        Assert.That(() => ProbabilisticAnalysis.RunRange(spec, options, -1, 5), Throws.InstanceOf<ArgumentOutOfRangeException>());
        Assert.That(() => ProbabilisticAnalysis.RunRange(spec, options, 0, 0), Throws.InstanceOf<ArgumentOutOfRangeException>());
        Assert.That(a.RunKey, Is.Null, "no definition hash, no run key");
    }

    /// <summary>Two models built separately from one definition (same definition hash): their partials share a run key and merge, as partials from two processes would.</summary>
    [Test]
    public void ModelsWithOneDefinitionHash_MergeAcrossInstances_AndADifferentHashIsRefused()
    {
        var definition = ContentHash.Of("a two-state test definition"u8);
        var p = Perspective.ForPayer(DarthModels.HealthSystem);
        PsaSpecification Spec(ContentHash hash)
        {
            var b = new LifeCourseModelBuilder("two-state").AddState("well").AddState("dead", absorbing: true).AddPayers(DarthModels.HealthSystem).AddSectors(DarthModels.Care).AddOutcomes(Outcome.Qaly);
            var death = b.AddParameter("p_death", 0.05);
            var cost = b.AddParameter("cost", 1000);
            b.Probability("well", "dead", (in ModelContext x) => x[death]).Remainder("well", "well").Remainder("dead", "dead");
            b.StateFlow("well", DarthModels.CareCost, (in ModelContext x) => x[cost]).StateOutcome("well", Outcome.Qaly, 1);
            var model = b.AddStrategy(Strategy.BusinessAsUsual).WithPopulation(Population.StartingIn(30, "well")).WithOptions(new SimulationOptions { Cycles = 20 }).WithDefinitionHash(hash).Build();
            return new PsaSpecification(model).With("p_death", BetaDistribution.FromMeanAndStandardError(0.05, 0.01)).With("cost", GammaDistribution.FromMeanAndStandardError(1000, 200));
        }

        var options = new PsaOptions { Draws = 90, Seed = 12, Perspectives = [p], KeepDraws = true };
        var one = Spec(definition);
        var two = Spec(definition);
        Assert.That(two.Model, Is.Not.SameAs(one.Model));
        Assert.That(two.ContentHash, Is.EqualTo(one.ContentHash));
        var first = ProbabilisticAnalysis.RunRange(one, options, 0, 30);
        var second = ProbabilisticAnalysis.RunRange(two, options, 30, 60);
        Assert.That(second.RunKey, Is.EqualTo(first.RunKey).And.Not.Null);
        Assert.That(first.ModelHash, Is.EqualTo(definition));
        var merged = first.Merge(second).ToResult();
        var single = ProbabilisticAnalysis.Run(one, options);
        Assert.That(merged.CostMoments(Strategy.BusinessAsUsual, p), Is.EqualTo(single.CostMoments(Strategy.BusinessAsUsual, p)));
        Assert.That(merged.Costs(Strategy.BusinessAsUsual, p).ToArray(), Is.EqualTo(single.Costs(Strategy.BusinessAsUsual, p).ToArray()));

        var other = ProbabilisticAnalysis.RunRange(Spec(ContentHash.Of("another definition"u8)), options, 30, 60);
        Assert.That(() => first.Merge(other), Throws.ArgumentException.With.Message.Contains("model definitions differ"));
        var otherSpread = ProbabilisticAnalysis.RunRange(new PsaSpecification(two.Model).With("p_death", BetaDistribution.FromMeanAndStandardError(0.05, 0.02)), options, 30, 60);
        Assert.That(() => first.Merge(otherSpread), Throws.ArgumentException.With.Message.Contains("distributions differ"));
    }

    [Test]
    public void ExactMoments_OfConstantValues_HaveZeroVariance_AndIgnoreTheOrder()
    {
        var m = new ExactMoments();
        for (var i = 0; i < 1000; i++)
        {
            m.Add(123_456.789);
        }

        Assert.That(m.ToRunningMoments().Variance, Is.EqualTo(0), "exact sums: no cancellation");
        Assert.That(m.ToRunningMoments().Mean, Is.EqualTo(123_456.789));

        // Values of both signs spanning six orders of magnitude, added forwards, backwards and in two halves merged.
        var values = Enumerable.Range(0, 500).Select(i => (i % 3 == 0 ? -1 : 1) * (1 + (i * 0.37 % 5)) * Math.ScaleB(1, i % 20)).ToArray();
        var forward = new ExactMoments();
        var backward = new ExactMoments();
        var left = new ExactMoments();
        var right = new ExactMoments();
        for (var i = 0; i < values.Length; i++)
        {
            forward.Add(values[i]);
            backward.Add(values[^(i + 1)]);
            (i < 200 ? left : right).Add(values[i]);
        }

        right.Add(left);
        Assert.That(backward.ToRunningMoments(), Is.EqualTo(forward.ToRunningMoments()));
        Assert.That(right.ToRunningMoments(), Is.EqualTo(forward.ToRunningMoments()));
        var welford = default(RunningMoments);
        foreach (var v in values)
        {
            welford.Add(v);
        }

        Assert.That(forward.ToRunningMoments().Mean, Is.EqualTo(welford.Mean).Within(1e-10 * Math.Abs(welford.Mean)), "the same mean as Welford's, up to its rounding (about n·ε relative)");
        Assert.That(forward.ToRunningMoments().Variance, Is.EqualTo(welford.Variance).Within(1e-10 * welford.Variance));
    }

    /// <summary>One master seed drives the PSA draws and the microsimulation's people (issue 9, "one run-options root").</summary>
    [Test]
    public void OneMasterSeed_SameSeedSameResults_AnotherSeedChangesBoth()
    {
        var model = Welfare4.BuildPsaModel();
        var spec = Welfare4.Specification(model);
        var p = Perspective.ForPayer(Welfare4.HealthSystem);
        (double[] Psa, MonteCarloEstimate Micro, double[] MicroPsa) Run(RunOptions root)
        {
            var psa = ProbabilisticAnalysis.Run(spec, new PsaOptions(root) { Draws = 20, Perspectives = [p], KeepDraws = true });
            var micro = MicrosimEngine.Run(model, Strategy.BusinessAsUsual, new MicrosimOptions(root) { People = 3_000, Perspectives = [p] });
            var microPsa = ProbabilisticAnalysis.Run(spec, new PsaOptions(root) { Draws = 4, Perspectives = [p], KeepDraws = true }, StrategyEvaluators.Microsimulation(model, new MicrosimOptions(root) { People = 1_000, Threads = 1, Perspectives = [p] }));
            return (psa.Costs(Strategy.BusinessAsUsual, p).ToArray(), micro.CostPerPerson(p), microPsa.Costs(Strategy.BusinessAsUsual, p).ToArray());
        }

        var root = new RunOptions { Seed = 5, Threads = 1 };
        var a = Run(root);
        var again = Run(root with { Threads = 2 });
        Assert.That(again.Psa, Is.EqualTo(a.Psa), "same seed, other thread count: the same PSA");
        Assert.That(again.Micro, Is.EqualTo(a.Micro), "and the same microsimulation");
        Assert.That(again.MicroPsa, Is.EqualTo(a.MicroPsa));
        var b = Run(root with { Seed = 6 });
        Assert.That(b.Psa.Zip(a.Psa).Count(x => x.First != x.Second), Is.EqualTo(20), "another seed: every PSA draw changes");
        Assert.That(b.Micro.Mean, Is.Not.EqualTo(a.Micro.Mean), "and the microsimulation changes");
        Assert.That(b.MicroPsa.Zip(a.MicroPsa).Count(x => x.First != x.Second), Is.EqualTo(4));

        // The derivation is the one the engines used before the root: an explicit seed gives the old streams.
        Assert.That(new PsaOptions(root).Seed, Is.EqualTo(5UL));
        Assert.That(new MicrosimOptions().Seed, Is.EqualTo(RunOptions.DefaultSeed).And.EqualTo(new PsaOptions().Seed), "one default seed");
        var explicitMicro = MicrosimEngine.Run(model, Strategy.BusinessAsUsual, new MicrosimOptions { People = 3_000, Perspectives = [p], Seed = 5 });
        Assert.That(explicitMicro.CostPerPerson(p), Is.EqualTo(a.Micro));
    }

    [Test]
    public void Threads_OneConvention_ZeroIsEveryCore_NegativeIsRefused()
    {
        Assert.That(new RunOptions().EffectiveThreads, Is.EqualTo(Environment.ProcessorCount));
        Assert.That(new RunOptions { Threads = 3 }.EffectiveThreads, Is.EqualTo(3));
        Assert.That(() => RunOptions.ResolveThreads(-1), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Message.Contains("0 (every core)"));
        Assert.That(new MicrosimOptions { Threads = -1 }.Validate(), Has.One.Contains("0 (every core)"));
        var (_, spec) = Darth();
        Assert.That(() => ProbabilisticAnalysis.Run(spec, new PsaOptions { Draws = 5, Threads = -1 }), Throws.ArgumentException.With.Message.Contains("0 (every core)"));
    }
}
