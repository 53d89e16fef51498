using Orleans.TestingHost;
using SocialInvestment.Engine;
using SocialInvestment.Scenarios;

namespace SocialInvestment.Orleans.Tests;

/// <summary>
/// A silo that leaves mid-run: its ranges (and possibly the scenario document it held) are lost,
/// re-sent by the coordinator to the silos left, and the merged result is still bit-identical to
/// the single-process run. Each test starts its own cluster, because it stops a silo.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class SiloFailureTests
{
    private const int People = 16_384;
    private const int BlockSize = 1024;
    private const ulong Seed = 7;

    [TestCase(false, TestName = "A silo stopped mid-run loses no work and the result is identical")]
    [TestCase(true, TestName = "A silo killed mid-run loses no work and the result is identical")]
    public async Task Silo_leaving_mid_run(bool kill)
    {
        var cluster = await Clusters.StartAsync(3);
        try
        {
            var scenario = NorwegianDefault.Load();
            var definition = new PreparedDefinition(scenario);
            var work = new ClusterWork(ScenarioDocument.Hash(scenario).ToString(), ClusterWorkKind.Microsimulation, Seed, People, BlockSize, 1, ClusterVersion.Current);
            var single = Fingerprint.Of(MicrosimEngine.RunCompiled(definition.Compiled, RangeComputation.MicrosimOptions(definition, work) with { Threads = 2 }));

            var victim = cluster.SecondarySilos[0];
            var stopped = 0;
            Task? stopping = null;
            var progress = new SynchronousProgress<RunProgress>(p =>
            {
                if (p.Completed >= 2 && Interlocked.Exchange(ref stopped, 1) == 0)
                {
                    stopping = kill ? cluster.KillSiloAsync(victim) : cluster.StopSiloAsync(victim);
                }
            });
            var runner = new ClusterRunner(cluster.GrainFactory);
            var (result, stats) = await runner.RunMicrosimulationAsync(scenario, People, Seed, BlockSize, new ClusterRunOptions { RangeSize = BlockSize, MaxRangesInFlight = 4, MaxAttempts = 10 }, progress);
            if (stopping is not null)
            {
                await stopping;
            }

            TestContext.Out.WriteLine($"ranges {stats.Ranges}, retries {stats.Retries}, silos {string.Join(", ", stats.Silos)}, {stats.Seconds:F1} s");
            Assert.That(stopped, Is.EqualTo(1), "the silo was stopped during the run");
            Assert.That(Fingerprint.Of(result), Is.EqualTo(single));
            Assert.That(stats.Duplicates, Is.Zero);
        }
        finally
        {
            await cluster.StopAllSilosAsync();
            await cluster.DisposeAsync();
        }
    }

    private sealed class SynchronousProgress<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }
}
