using Orleans.TestingHost;
using SocialInvestment.Economics;
using SocialInvestment.Scenarios;
using SocialInvestment.Uncertainty;

namespace SocialInvestment.Orleans.Tests;

/// <summary>
/// PSA of the Norwegian default over an in-process cluster of three silos against
/// <see cref="ProbabilisticAnalysis.Run"/> in one process with the same seed. Bit-for-bit, not a
/// tolerance: draw k's stream is (seed, k) wherever it runs, and the sums merge exactly. Percentiles
/// are compared only with kept draws (streamed sketches merge approximately, as documented).
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class ClusterPsaTests
{
    private const int Draws = 96;
    private const ulong Seed = 4242;
    private TestCluster _cluster = null!;
    private Scenario _scenario = null!;

    [OneTimeSetUp]
    public async Task StartCluster()
    {
        _cluster = await Clusters.StartAsync(3);
        _scenario = NorwegianDefault.Load();
    }

    [OneTimeTearDown]
    public async Task StopCluster()
    {
        await _cluster.StopAllSilosAsync();
        await _cluster.DisposeAsync();
    }

    private PsaResult SingleProcess(bool keep, int threads)
    {
        var definition = new PreparedDefinition(_scenario);
        var work = new ClusterWork(ScenarioDocument.Hash(_scenario).ToString(), ClusterWorkKind.ProbabilisticAnalysis, Seed, Draws, 1, threads, ClusterVersion.Current) { KeepDraws = keep };
        return ProbabilisticAnalysis.Run(definition.Psa, RangeComputation.PsaOptions(definition, work));
    }

    private static long[] Bits(PsaResult r, bool percentiles)
    {
        var bits = new List<long>();
        void Add(double x) => bits.Add(BitConverter.DoubleToInt64Bits(x));
        foreach (var s in r.Strategies)
        {
            foreach (var p in r.Perspectives)
            {
                var c = r.CostMoments(s, p);
                Add(c.Mean);
                Add(c.StandardDeviation);
                bits.Add(c.Count);
                if (ReferenceEquals(s, r.Strategies[r.ComparatorIndex]))
                {
                    continue;
                }

                Add(r.ProbabilityPositiveNpv(s, p));
                foreach (var f in new[] { PsaFigure.NetPresentValue, PsaFigure.BenefitCostRatio, PsaFigure.ReturnOnInvestment })
                {
                    var summary = r.Summarize(f, s, p);
                    Add(summary.Mean);
                    Add(summary.StandardDeviation);
                    Add(summary.StandardError);
                    bits.Add(summary.Count);
                    if (percentiles)
                    {
                        Add(summary.Lower);
                        Add(summary.Median);
                        Add(summary.Upper);
                    }
                }
            }
        }

        return [.. bits];
    }

    [TestCase(false, 1, 5)]
    [TestCase(false, 2, 32)]
    [TestCase(true, 1, 7)]
    [TestCase(true, 2, 96)]
    public async Task A_cluster_PSA_equals_the_single_process_PSA_bit_for_bit(bool keepDraws, int threads, int rangeSize)
    {
        var single = SingleProcess(keepDraws, threads);
        var runner = new ClusterRunner(_cluster.GrainFactory);
        var (result, stats) = await runner.RunProbabilisticAsync(_scenario, Draws, Seed, keepDraws, new ClusterRunOptions { RangeSize = rangeSize, ThreadsPerRange = threads });
        Assert.That(stats.Ranges, Is.EqualTo((Draws + rangeSize - 1) / rangeSize));
        Assert.That(result.Draws, Is.EqualTo(Draws));
        Assert.That(Bits(result, percentiles: keepDraws), Is.EqualTo(Bits(single, percentiles: keepDraws)));
        if (keepDraws)
        {
            var s = result.Strategies[1];
            var p = result.Perspectives[^1];
            Assert.That(result.Values(PsaFigure.NetPresentValue, s, p).ToArray(), Is.EqualTo(single.Values(PsaFigure.NetPresentValue, single.Strategies[1], single.Perspectives[^1]).ToArray()));
        }
    }

    [Test]
    public async Task The_cluster_PSA_equals_the_scenario_runner_of_socinv_run()
    {
        var runner = new ClusterRunner(_cluster.GrainFactory);
        var (result, _) = await runner.RunProbabilisticAsync(_scenario, Draws, Seed, false, new ClusterRunOptions { RangeSize = 24 });
        var cli = ScenarioRunner.RunProbabilistic(_scenario, Draws, Seed);
        var s = result.Strategies.First(x => x.Name != _scenario.Settings.Comparator);
        var society = result.Perspectives.First(p => p.Name.StartsWith("society", StringComparison.Ordinal));
        var sc = cli.Strategies.First(x => x.Name == s.Name);
        var pc = cli.Perspectives.First(p => p.Name == society.Name);
        Assert.That(result.Summarize(PsaFigure.NetPresentValue, s, society).Mean, Is.EqualTo(cli.Summarize(PsaFigure.NetPresentValue, sc, pc).Mean));
        Assert.That(result.ProbabilityPositiveNpv(s, society), Is.EqualTo(cli.ProbabilityPositiveNpv(sc, pc)));
    }

    [TestCase(13)]
    [TestCase(96)]
    public async Task Settlement_under_uncertainty_on_the_silos_equals_the_local_collectors_bit_for_bit(int rangeSize)
    {
        // A plan of several kinds (sent as its document), settled on three silos in ranges of 13 draws (the last one short) or one range.
        var plan = new SettlementPlan("cluster", [new ReimburseInvestorsRule("reimburse", ["municipality", "state"]), new ShapleyRule("shapley", Timing: TransferTiming.Upfront)]);
        var runner = new ClusterRunner(_cluster.GrainFactory);
        var (result, settlements, stats) = await runner.RunProbabilisticWithSettlementAsync(_scenario, Draws, Seed, plan, options: new ClusterRunOptions { RangeSize = rangeSize });

        // Locally, as socinv run settles: one observer per strategy (the comparator left out) on the PSA of the scenario runner.
        var collectors = new List<SettlementUncertainty>();
        var local = ScenarioRunner.RunProbabilistic(_scenario, Draws, Seed, new ScenarioRunOptions
        {
            PayerFlowObserver = model =>
            {
                var bau = model.Strategies.First(x => x.Name == _scenario.Settings.Comparator);
                collectors.AddRange(model.Strategies.Where(x => x.Name != bau.Name).Select(x => new SettlementUncertainty(model, plan, x, bau, Draws)));
                return flows => collectors.ForEach(c => c.Observer(flows));
            },
        });
        Assert.That(stats.Ranges, Is.EqualTo((Draws + rangeSize - 1) / rangeSize));
        Assert.That(settlements.Select(x => x.Strategy.Name), Is.EqualTo(collectors.Select(c => c.Result().Strategy.Name)));
        Assert.That(settlements, Has.Count.EqualTo(3));
        Assert.Multiple(() =>
        {
            for (var i = 0; i < settlements.Count; i++)
            {
                var expected = collectors[i].Result();
                Assert.That(settlements[i].Draws, Is.EqualTo(Draws));
                Assert.That(settlements[i].Plan, Is.SameAs(plan));
                Assert.That(settlements[i].Scale.ToArray(), Is.EqualTo(expected.Scale.ToArray()));
                foreach (var p in expected.Payers)
                {
                    Assert.That(settlements[i].NetGainBefore(p.Name).ToArray(), Is.EqualTo(expected.NetGainBefore(p.Name).ToArray()), $"{expected.Strategy.Name}, {p.Name}, before");
                    Assert.That(settlements[i].NetGainAfter(p.Name).ToArray(), Is.EqualTo(expected.NetGainAfter(p.Name).ToArray()), $"{expected.Strategy.Name}, {p.Name}, after");
                }
            }

            // The PSA itself is the local run's too.
            var s = result.Strategies.First(x => x.Name != _scenario.Settings.Comparator);
            var society = result.Perspectives.First(p => p.Name.StartsWith("society", StringComparison.Ordinal));
            Assert.That(result.Summarize(PsaFigure.NetPresentValue, s, society), Is.EqualTo(local.Summarize(PsaFigure.NetPresentValue, local.Strategies.First(x => x.Name == s.Name), local.Perspectives.First(p => p.Name == society.Name))));
        });
    }

    [Test]
    public async Task Settlement_with_a_plan_the_model_cannot_settle_is_refused_before_anything_is_sent()
    {
        var plan = new SettlementPlan("unknown payer", [new ReimburseInvestorsRule("reimburse", ["municipality", "nobody"])]);
        var runner = new ClusterRunner(_cluster.GrainFactory);
        var e = await Assert.ThrowsAsync<SettlementValidationException>(() => runner.RunProbabilisticWithSettlementAsync(_scenario, Draws, Seed, plan));
        Assert.That(e!.Message, Does.Contain("nobody"));
    }

    [Test]
    public void A_range_evaluated_in_full_travels_with_its_own_run_key()
    {
        var definition = new PreparedDefinition(_scenario);
        var work = new ClusterWork(ScenarioDocument.Hash(_scenario).ToString(), ClusterWorkKind.ProbabilisticAnalysis, Seed, Draws, 1, 1, ClusterVersion.Current);
        var fullWork = work with { EvaluateInFull = true };
        Assert.That(fullWork.RangeKey(0, 4), Is.Not.EqualTo(work.RangeKey(0, 4)));
        var incremental = RangeComputation.PsaOptions(definition, work);
        var full = RangeComputation.PsaOptions(definition, fullWork);
        Assert.That(full.EvaluateEveryDrawInFull, Is.True);
        var partial = ProbabilisticAnalysis.RunRange(definition.Psa, full, 0, 4);
        Assert.That(partial.RunKey, Is.Not.Null);
        Assert.That(partial.RunKey, Is.Not.EqualTo(ProbabilisticAnalysis.RunRange(definition.Psa, incremental, 0, 4).RunKey));
        Assert.That(PsaPartial.FromBytes(RangeComputation.Run(definition, null, null, fullWork, 0, 4, default), definition.Psa, full).DrawCount, Is.EqualTo(4));
        Assert.Throws<FormatException>(() => PsaPartial.FromBytes(partial.ToBytes(), definition.Psa, incremental));
    }

    [Test]
    public void A_partial_of_another_run_is_refused_when_read()
    {
        var definition = new PreparedDefinition(_scenario);
        var work = new ClusterWork(ScenarioDocument.Hash(_scenario).ToString(), ClusterWorkKind.ProbabilisticAnalysis, Seed, Draws, 1, 1, ClusterVersion.Current);
        var options = RangeComputation.PsaOptions(definition, work);
        var bytes = ProbabilisticAnalysis.RunRange(definition.Psa, options, 0, 4).ToBytes();
        Assert.That(PsaPartial.FromBytes(bytes, definition.Psa, options).DrawCount, Is.EqualTo(4));
        var e = Assert.Throws<FormatException>(() => PsaPartial.FromBytes(bytes, definition.Psa, options with { Seed = Seed + 1 }));
        Assert.That(e!.Message, Does.Contain("another run"));
        Assert.Throws<FormatException>(() => PsaPartial.FromBytes(bytes[..^9], definition.Psa, options));
    }
}
