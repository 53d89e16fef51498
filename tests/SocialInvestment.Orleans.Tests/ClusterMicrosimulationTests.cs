using System.Diagnostics;
using System.Diagnostics.Metrics;
using Orleans.TestingHost;
using SocialInvestment.Engine;
using SocialInvestment.Scenarios;

namespace SocialInvestment.Orleans.Tests;

/// <summary>
/// Microsimulation over an in-process cluster of three silos (Orleans' TestingHost) against the
/// same run in one process. The expectation is bit-for-bit equality, not a tolerance: the person
/// streams are counter-based and the partials merge exactly, so any difference is a defect.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class ClusterMicrosimulationTests
{
    private const int People = 12_000;
    private const int BlockSize = 1024;
    private const ulong Seed = 20261201;
    private TestCluster _cluster = null!;
    private Scenario _scenario = null!;
    private byte[] _document = null!;
    private string _hash = null!;
    private long[] _single = null!;

    [OneTimeSetUp]
    public async Task StartCluster()
    {
        _cluster = await Clusters.StartAsync(3);
        _scenario = NorwegianDefault.Load();
        _document = ScenarioDocument.ToUtf8Bytes(_scenario);
        _hash = ScenarioDocument.Hash(_scenario).ToString();
        var definition = new PreparedDefinition(_scenario);
        var work = new ClusterWork(_hash, ClusterWorkKind.Microsimulation, Seed, People, BlockSize, 2, ClusterVersion.Current);
        _single = Fingerprint.Of(MicrosimEngine.RunCompiled(definition.Compiled, RangeComputation.MicrosimOptions(definition, work)));
    }

    [OneTimeTearDown]
    public async Task StopCluster()
    {
        await _cluster.StopAllSilosAsync();
        await _cluster.DisposeAsync();
    }

    [TestCase(1024)]
    [TestCase(3072)]
    [TestCase(12_000)]
    public async Task A_cluster_run_equals_the_single_process_run_bit_for_bit(int rangeSize)
    {
        var runner = new ClusterRunner(_cluster.GrainFactory);
        var (result, stats) = await runner.RunMicrosimulationAsync(_scenario, People, Seed, BlockSize, new ClusterRunOptions { RangeSize = rangeSize });
        Assert.That(Fingerprint.Of(result), Is.EqualTo(_single));
        Assert.That(stats.Ranges, Is.EqualTo((People + rangeSize - 1) / rangeSize));
        Assert.That(stats.Duplicates, Is.Zero);
    }

    [Test]
    public async Task Ranges_are_spread_over_the_silos()
    {
        var runner = new ClusterRunner(_cluster.GrainFactory);
        var (_, stats) = await runner.RunMicrosimulationAsync(_scenario, People, Seed + 1, BlockSize, new ClusterRunOptions { RangeSize = BlockSize });
        Assert.That(stats.Silos, Has.Count.GreaterThanOrEqualTo(2), "12 ranges placed by activation count should reach more than one of the three silos");
    }

    [Test]
    public async Task A_range_already_in_the_ledger_is_counted_once_and_not_recomputed()
    {
        var ledger = new MemoryRangeLedger();
        var runner = new ClusterRunner(_cluster.GrainFactory);
        var options = new ClusterRunOptions { RangeSize = 4096, Ledger = ledger };
        var (first, firstStats) = await runner.RunMicrosimulationAsync(_scenario, People, Seed, BlockSize, options);
        Assert.That(ledger.Count, Is.EqualTo(firstStats.Ranges));

        var (again, againStats) = await runner.RunMicrosimulationAsync(_scenario, People, Seed, BlockSize, options);
        Assert.That(againStats.FromLedger, Is.EqualTo(againStats.Ranges));
        Assert.That(Fingerprint.Of(again), Is.EqualTo(Fingerprint.Of(first)));
        Assert.That(Fingerprint.Of(again), Is.EqualTo(_single));
    }

    [Test]
    public async Task A_range_submitted_twice_gives_the_same_partial_and_the_ledger_refuses_the_second()
    {
        var work = new ClusterWork(_hash, ClusterWorkKind.Microsimulation, Seed, People, BlockSize, 1, ClusterVersion.Current);
        await _cluster.GrainFactory.GetGrain<IScenarioDefinitionGrain>(_hash).Store(_document);
        var key = work.RangeKey(0, 1024);
        var a = await _cluster.GrainFactory.GetGrain<IRangeGrain>(key).Run(work, 0, 1024, CancellationToken.None);
        var b = await _cluster.GrainFactory.GetGrain<IRangeGrain>(key).Run(work, 0, 1024, CancellationToken.None);
        Assert.That(a.Partial, Is.Not.Null, a.Error);
        Assert.That(b.Partial.AsSpan().SequenceEqual(a.Partial), Is.True, "the second call returns the same partial");
        var ledger = new MemoryRangeLedger();
        Assert.That(ledger.TryRecord(key, a.Partial!), Is.True);
        Assert.That(ledger.TryRecord(key, b.Partial!), Is.False);
    }

    [Test]
    public async Task A_silo_with_another_library_version_refuses_the_work_clearly()
    {
        var work = new ClusterWork(_hash, ClusterWorkKind.Microsimulation, Seed, People, BlockSize, 1, "0.0.1-other");
        await _cluster.GrainFactory.GetGrain<IScenarioDefinitionGrain>(_hash).Store(_document);
        var outcome = await _cluster.GrainFactory.GetGrain<IRangeGrain>(work.RangeKey(0, 1024)).Run(work, 0, 1024, CancellationToken.None);
        Assert.That(outcome.Partial is null, Is.True, "no partial");
        Assert.That(outcome.Permanent, Is.True);
        Assert.That(outcome.Error, Does.Contain("0.0.1-other").And.Contain(ClusterVersion.Current));
    }

    [Test]
    public async Task A_bad_model_definition_gives_one_clear_error_not_a_hung_run()
    {
        var first = _scenario.Transitions[0];
        var damaged = _scenario with { Transitions = [first with { To = "nowhere" }, .. _scenario.Transitions.Skip(1)] };
        var runner = new ClusterRunner(_cluster.GrainFactory);
        var clock = Stopwatch.StartNew();
        var e = await Assert.ThrowsAsync<SocialInvestment.Model.ModelValidationException>(() => runner.RunMicrosimulationAsync(damaged, People, Seed, BlockSize));
        Assert.That(e!.Message, Does.Contain("nowhere"));
        Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(30)));
    }

    [Test]
    public async Task A_silo_given_a_bad_definition_says_so_and_the_error_is_permanent()
    {
        var damaged = System.Text.Encoding.UTF8.GetBytes("{\"format\":\"socinv-scenario\",\"version\":1,\"scenario\":{\"states\":7}}");
        var hash = SocialInvestment.Model.ContentHash.Of(damaged).ToString();
        var work = new ClusterWork(hash, ClusterWorkKind.Microsimulation, Seed, People, BlockSize, 1, ClusterVersion.Current);
        await _cluster.GrainFactory.GetGrain<IScenarioDefinitionGrain>(hash).Store(damaged);
        var outcome = await _cluster.GrainFactory.GetGrain<IRangeGrain>(work.RangeKey(0, 1024)).Run(work, 0, 1024, CancellationToken.None);
        Assert.That(outcome.Partial is null, Is.True, "no partial");
        Assert.That(outcome.Permanent, Is.True);
        Assert.That(outcome.Error, Does.StartWith("The model definition is invalid"));
    }

    [Test]
    public async Task Cancellation_stops_every_silos_work_promptly()
    {
        var running = 0L;
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == ClusterTelemetry.Name && instrument.Name == "socinv.cluster.ranges.running")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Add(ref running, value));
        listener.Start();

        using var cts = new CancellationTokenSource();
        var runner = new ClusterRunner(_cluster.GrainFactory);
        var progress = new Progress<RunProgress>(_ => cts.Cancel());
        var clock = Stopwatch.StartNew();
        // 2 million people in ranges of 65,536: minutes of work; cancelled after the first range.
        var run = runner.RunMicrosimulationAsync(_scenario, 2_000_000, Seed, 4096, new ClusterRunOptions { RangeSize = 65_536, MaxRangesInFlight = 6 }, progress, cts.Token);
        Assert.That(async () => await run, Throws.InstanceOf<OperationCanceledException>());
        var stopped = clock.Elapsed;
        for (var i = 0; i < 100 && Interlocked.Read(ref running) > 0; i++)
        {
            await Task.Delay(100);
        }

        TestContext.Out.WriteLine($"cancelled after {stopped.TotalSeconds:F2} s; ranges still running 10 s later: {Interlocked.Read(ref running)}");
        Assert.That(Interlocked.Read(ref running), Is.Zero, "every silo's range computation stops after cancellation");
        Assert.That(stopped, Is.LessThan(TimeSpan.FromSeconds(60)));
    }
}
