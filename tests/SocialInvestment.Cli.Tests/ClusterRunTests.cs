using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using SocialInvestment.Cli.Tests.TestSupport;
using SocialInvestment.Orleans;

namespace SocialInvestment.Cli.Tests;

/// <summary>socinv run --cluster against a silo started in this process on free localhost ports (localhost clustering, as samples/Cluster/Silo).</summary>
[NonParallelizable]
public class ClusterRunTests : TempFolderTest
{
    /// <summary>The result files of a run that must be byte-identical to the local run's.</summary>
    private static readonly string[] ResultFiles = ["results.csv", "summary.json", "psa.csv", "settlement.csv", "settlement_psa.csv"];

    [Test]
    public async Task RunOnTheCluster_WritesTheLocalRunsResults_BitForBit()
    {
        var (host, gateway) = await StartSiloAsync();
        try
        {
            var scenario = Path.Combine(Dir, "s");
            Assert.That(Socinv.Run("init", scenario).ExitCode, Is.EqualTo(ExitCodes.Ok));
            var localDir = Path.Combine(Dir, "local");
            var clusterDir = Path.Combine(Dir, "cluster");
            var local = Socinv.Run("run", scenario, "--draws", "48", "--seed", "7", "--out", localDir);
            Assert.That(local.ExitCode, Is.EqualTo(ExitCodes.Ok), local.Err);
            var cluster = Socinv.Run("run", scenario, "--draws", "48", "--seed", "7", "--out", clusterDir, "--cluster", $"localhost:{gateway}");
            Assert.That(cluster.ExitCode, Is.EqualTo(ExitCodes.Ok), cluster.Err);

            foreach (var name in ResultFiles)
            {
                Assert.That(File.ReadAllBytes(Path.Combine(clusterDir, name)), Is.EqualTo(File.ReadAllBytes(Path.Combine(localDir, name))), $"{name} differs from the local run's");
            }

            // The printed uncertainty table (means, 95 % intervals from the quantile sketches, P(NPV > 0)) is the local run's too.
            Assert.That(UncertaintyTable(cluster.Out), Is.EqualTo(UncertaintyTable(local.Out)).And.Not.Empty);

            // The settlement under uncertainty is settled on the silos, draw by draw, and is the local run's too (the
            // file above and the printed probabilities); the run folder is complete and atomic as always.
            Assert.That(Lines(cluster.Out, "Who should compensate whom under uncertainty"), Is.EqualTo(Lines(local.Out, "Who should compensate whom under uncertainty")).And.Not.Empty);
            Assert.That(File.Exists(Path.Combine(clusterDir, "manifest.json")), Is.True);
            Assert.That(Directory.GetDirectories(Dir).Select(Path.GetFileName), Is.EquivalentTo(new[] { "s", "local", "cluster" }), "no staging folder left");
        }
        finally
        {
            await host.StopAsync();
            host.Dispose();
        }
    }

    /// <summary>The output's lines from the first that starts with <paramref name="start"/> to the next blank one.</summary>
    private static string[] Lines(string output, string start)
        => [.. output.Split('\n').SkipWhile(l => !l.StartsWith(start, StringComparison.Ordinal)).TakeWhile(l => l.Trim().Length > 0)];

    [Test]
    public async Task HouseholdsOnTheCluster_WriteTheLocalRunsResults_BitForBit()
    {
        var (host, gateway) = await StartSiloAsync();
        try
        {
            var localDir = Path.Combine(Dir, "local");
            var clusterDir = Path.Combine(Dir, "cluster");
            var local = Socinv.Run("households", "--households", "1500", "--seed", "11", "--draws", "4", "--out", localDir);
            Assert.That(local.ExitCode, Is.EqualTo(ExitCodes.Ok), local.Err);
            var cluster = Socinv.Run("households", "--households", "1500", "--seed", "11", "--draws", "4", "--out", clusterDir, "--cluster", $"localhost:{gateway}");
            Assert.That(cluster.ExitCode, Is.EqualTo(ExitCodes.Ok), cluster.Err);
            Assert.That(cluster.Err, Does.Contain($"on the cluster at localhost:{gateway}"));

            // Every result file, the results by household type, the household PSA and the settlement included, is the local run's.
            var names = new[] { "household_results.csv", "household_outcomes.csv", "household_ever.csv", "household_bill.csv", "household_uptake.csv", "household_summary.json", "household_settlement.csv", "household_psa.csv", "household_psa_draws.csv" };
            foreach (var name in names)
            {
                Assert.That(File.ReadAllBytes(Path.Combine(clusterDir, name)), Is.EqualTo(File.ReadAllBytes(Path.Combine(localDir, name))), $"{name} differs from the local run's");
            }

            Assert.That(File.ReadAllText(Path.Combine(localDir, "household_results.csv")), Does.Contain("two adults with child"), "the default has several household types, so the by-type runs went to the cluster too");
            Assert.That(cluster.Out, Is.EqualTo(local.Out.Replace(localDir, clusterDir, StringComparison.Ordinal)), "the printed tables are the local run's");
        }
        finally
        {
            await host.StopAsync();
            host.Dispose();
        }
    }

    [Test]
    public void HouseholdsWithNoClusterAtTheAddress_IsOneClearErrorWithExitCode5()
    {
        var outDir = Path.Combine(Dir, "out");
        var r = Socinv.Run("households", "--households", "100", "--out", outDir, "--cluster", $"127.0.0.1:{FreePort()}");
        Assert.That(r.ExitCode, Is.EqualTo(ExitCodes.ClusterError), r.Err);
        Assert.That(r.Err, Does.Contain("no Orleans cluster answered at 127.0.0.1:"));
        Assert.That(r.Err, Does.Not.Contain("   at "), "no stack trace");
        Assert.That(Directory.Exists(outDir), Is.False, "no output folder");
    }

    [Test]
    public void NoClusterAtTheAddress_IsOneClearErrorWithExitCode5_WithinTheTimeout()
    {
        var scenario = Path.Combine(Dir, "s");
        Assert.That(Socinv.Run("init", scenario).ExitCode, Is.EqualTo(ExitCodes.Ok));
        var outDir = Path.Combine(Dir, "out");
        var clock = Stopwatch.StartNew();
        var r = Socinv.Run("run", scenario, "--draws", "8", "--out", outDir, "--cluster", $"127.0.0.1:{FreePort()}");
        clock.Stop();
        Assert.That(r.ExitCode, Is.EqualTo(ExitCodes.ClusterError), r.Err);
        var errors = r.Err.Split('\n').Where(l => l.StartsWith("socinv:", StringComparison.Ordinal)).ToArray();
        Assert.That(errors, Has.Length.EqualTo(1));
        Assert.That(errors[0], Does.Contain("no Orleans cluster answered at 127.0.0.1:"));
        Assert.That(r.Err, Does.Not.Contain("   at "), "no stack trace");
        Assert.That(Directory.Exists(outDir), Is.False, "no output folder");

        // The connection timeout bounds the wait; the deterministic run before it takes a few seconds on a loaded machine.
        Assert.That(clock.Elapsed, Is.LessThan(ClusterSubmit.ConnectTimeout + TimeSpan.FromSeconds(60)));
    }

    [TestCase("--cluster", "localhost:30000", "--draws needed")]
    [TestCase("--cluster", "nonsense", "HOST:PORT")]
    public void ClusterOptionProblems_AreUsageErrors(string option, string value, string expected)
    {
        var args = expected == "HOST:PORT" ? new[] { "run", "--draws", "3", option, value } : ["run", option, value];
        var r = Socinv.Run(args);
        Assert.That(r.ExitCode, Is.EqualTo(ExitCodes.Usage));
        Assert.That(r.Err, Does.Contain(expected == "HOST:PORT" ? "HOST:PORT" : "give --draws N"));
    }

    [Test]
    public void ClusterWithOptionsThatChangeTheRun_IsAUsageError()
    {
        var r = Socinv.Run("run", "--draws", "3", "--horizon", "8", "--cluster", "localhost:30000");
        Assert.That(r.ExitCode, Is.EqualTo(ExitCodes.Usage));
        Assert.That(r.Err, Does.Contain("--horizon cannot be combined with --cluster"));
    }

    private static string[] UncertaintyTable(string output)
    {
        var lines = output.Split('\n');
        var start = Array.FindIndex(lines, l => l.StartsWith("Uncertainty:", StringComparison.Ordinal));
        return start < 0 ? [] : [.. lines.Skip(start).TakeWhile(l => l.Trim().Length > 0)];
    }

    // A silo in this process on free localhost ports (localhost clustering, as samples/Cluster/Silo), and its gateway port.
    private static async Task<(IHost Host, int Gateway)> StartSiloAsync()
    {
        var gateway = FreePort();
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.ClearProviders();
        builder.UseOrleans(silo => silo.UseLocalhostClustering(siloPort: FreePort(), gatewayPort: gateway).AddSocialInvestment());
        var host = builder.Build();
        await host.StartAsync();
        return (host, gateway);
    }

    private static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
