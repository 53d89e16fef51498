using System.CommandLine;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using SocialInvestment.Economics;
using SocialInvestment.Engine;
using SocialInvestment.Households;
using SocialInvestment.Orleans;
using SocialInvestment.Scenarios;
using SocialInvestment.Uncertainty;

namespace SocialInvestment.Cli;

/// <summary>The gateway addresses of --cluster: HOST:PORT[,HOST:PORT…].</summary>
internal static class ClusterAddress
{
    /// <summary>The --cluster option with <paramref name="description"/>: its value is checked with <see cref="TryParse"/> when the command line is parsed (a usage error).</summary>
    public static Option<string?> Option(string description)
    {
        var option = new Option<string?>("--cluster") { Description = description, HelpName = "HOST:PORT" };
        option.Validators.Add(r =>
        {
            if (r.Tokens.Count == 1 && !TryParse(r.Tokens[0].Value, out _, out var problem))
            {
                r.AddError(problem);
            }
        });
        return option;
    }

    /// <summary>Parses the addresses (syntax only; host names are resolved when the run connects).</summary>
    /// <param name="text">The option's value.</param>
    /// <param name="gateways">The (host, port) pairs, in the order given.</param>
    /// <param name="problem">Why the value does not parse (a usage error).</param>
    public static bool TryParse(string text, out IReadOnlyList<(string Host, int Port)> gateways, out string problem)
    {
        var list = new List<(string, int)>();
        gateways = list;
        problem = string.Empty;
        foreach (var raw in text.Split(',', StringSplitOptions.TrimEntries))
        {
            var colon = raw.LastIndexOf(':');
            var host = colon > 0 ? raw[..colon].Trim('[', ']') : string.Empty;
            if (host.Length == 0 || !int.TryParse(raw[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
            {
                problem = $"--cluster needs gateway addresses as HOST:PORT (for example localhost:30000, the first silo of samples/Cluster/Silo), separated by commas; got '{raw}'.";
                return false;
            }

            list.Add((host, port));
        }

        return true;
    }
}

/// <summary>
/// run --cluster and households --cluster: the PSA and the household microsimulation over a running Orleans cluster. Kept in its own class, so the Orleans
/// assemblies are loaded only when --cluster is given (a local run never touches them).
/// </summary>
internal static class ClusterSubmit
{
    /// <summary>Cluster id (with the service id, Orleans' defaults, which localhost clustering and samples/Cluster/Silo use).</summary>
    internal const string ClusterId = ClusterOptions.DefaultClusterId;

    /// <summary>How long the client waits for a gateway to answer before giving up.</summary>
    internal static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(15);

    /// <summary>
    /// Connects to the cluster at <paramref name="address"/>, runs the PSA there and folds its draws
    /// here in draw order, so the result and the draws passed to <paramref name="sink"/> are those of
    /// the local streamed run bit for bit.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static PsaResult RunProbabilistic(string address, Scenario scenario, int draws, ulong seed, int threads, PsaDrawSink sink, IProgress<RunProgress> progress, CancellationToken cancellationToken)
        => RunAsync(address, scenario, draws, seed, threads, sink, progress, cancellationToken).GetAwaiter().GetResult();

    /// <summary>
    /// <see cref="RunProbabilistic"/> with every draw of every strategy also settled on the silos under
    /// <paramref name="plan"/> (<see cref="ClusterRunner.RunProbabilisticWithSettlementAsync"/>): the PSA result and
    /// the settlements equal the local run's (a payer-flow observer per strategy) bit for bit.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static (PsaResult Result, IReadOnlyList<SettlementPsaResult> Settlements) RunProbabilisticSettled(string address, Scenario scenario, int draws, ulong seed, int threads, SettlementPlan plan, PsaDrawSink sink, IProgress<RunProgress> progress, CancellationToken cancellationToken)
        => WithClusterAsync(address, async runner =>
        {
            var options = new ClusterRunOptions { ThreadsPerRange = threads > 0 ? threads : 1 };
            var (result, settlements, _) = await runner.RunProbabilisticWithSettlementAsync(scenario, draws, seed, plan, sink, options, progress, cancellationToken).ConfigureAwait(false);
            return (result, settlements);
        }, cancellationToken).GetAwaiter().GetResult();

    private static Task<PsaResult> RunAsync(string address, Scenario scenario, int draws, ulong seed, int threads, PsaDrawSink sink, IProgress<RunProgress> progress, CancellationToken cancellationToken)
        => WithClusterAsync(address, async runner =>
        {
            var options = new ClusterRunOptions { ThreadsPerRange = threads > 0 ? threads : 1 }; // the incremental draw path, as the local run
            var (result, _) = await runner.RunProbabilisticStreamedAsync(scenario, draws, seed, sink, options, progress, cancellationToken).ConfigureAwait(false);
            return result;
        }, cancellationToken);

    /// <summary>
    /// households --cluster: connects to the cluster at <paramref name="address"/> and runs the
    /// household microsimulation there, every household and each household type alone, so the
    /// appraisal equals the local <see cref="HouseholdAppraisal.Run(HouseholdScenario, Scenario, HouseholdOptions, IProgress{RunProgress}?, CancellationToken)"/> bit for bit.
    /// </summary>
    /// <param name="address">The gateway addresses.</param>
    /// <param name="scenario">The scenario.</param>
    /// <param name="files">The household tables' bytes (sent to the cluster).</param>
    /// <param name="tables">The same tables, parsed here (validated before anything is sent).</param>
    /// <param name="options">Households and seed (the perspectives are set by the appraisal).</param>
    /// <param name="threads">Threads per range on the silos (0: 1).</param>
    /// <param name="progress">Receives one report per finished range.</param>
    /// <param name="cancellationToken">Cancels the run on every silo.</param>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static HouseholdAppraisal RunHouseholds(string address, Scenario scenario, IReadOnlyDictionary<string, byte[]> files, HouseholdScenario tables, HouseholdOptions options, int threads, IProgress<RunProgress>? progress, CancellationToken cancellationToken)
        => WithClusterAsync(address, runner => Task.FromResult(HouseholdAppraisal.Run(tables, scenario, options, (type, o) =>
        {
            var run = new ClusterRunOptions { ThreadsPerRange = threads > 0 ? threads : 1 };
            return runner.RunHouseholdsAsync(scenario, files, o.Households, o.Seed, o.BlockSize, type, run, type is null ? progress : null, cancellationToken).GetAwaiter().GetResult().Result;
        })), cancellationToken).GetAwaiter().GetResult();

    /// <summary>households --cluster --draws: the household PSA on the cluster, equal to the local <see cref="HouseholdUncertainty.Run"/> bit for bit.</summary>
    /// <param name="address">The gateway addresses.</param>
    /// <param name="scenario">The scenario.</param>
    /// <param name="files">The household tables' bytes (sent to the cluster).</param>
    /// <param name="draws">Number of draws.</param>
    /// <param name="seed">The master seed.</param>
    /// <param name="threads">Threads per range on the silos (0: 1).</param>
    /// <param name="cancellationToken">Cancels the run on every silo.</param>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static HouseholdPsaResult RunHouseholdPsa(string address, Scenario scenario, IReadOnlyDictionary<string, byte[]> files, int draws, ulong seed, int threads, CancellationToken cancellationToken)
        => WithClusterAsync(address, async runner =>
        {
            var (result, _) = await runner.RunHouseholdPsaAsync(scenario, files, draws, seed, new ClusterRunOptions { ThreadsPerRange = threads > 0 ? threads : 1 }, null, cancellationToken).ConfigureAwait(false);
            return result;
        }, cancellationToken).GetAwaiter().GetResult();

    /// <summary>Connects a client to the cluster at <paramref name="address"/>, runs <paramref name="work"/> with it and leaves; connection failures and the cluster's refusals become <see cref="CliException"/>s with <see cref="ExitCodes.ClusterError"/>.</summary>
    private static async Task<T> WithClusterAsync<T>(string address, Func<ClusterRunner, Task<T>> work, CancellationToken cancellationToken)
    {
        if (!ClusterAddress.TryParse(address, out var gateways, out var problem))
        {
            throw new CliException(ExitCodes.Usage, problem);
        }

        var endpoints = new List<IPEndPoint>();
        foreach (var (name, port) in gateways)
        {
            IPAddress[] addresses;
            try
            {
                addresses = IPAddress.TryParse(name, out var ip) ? [ip] : await Dns.GetHostAddressesAsync(name, cancellationToken).ConfigureAwait(false);
            }
            catch (SocketException e)
            {
                throw new CliException(ExitCodes.ClusterError, $"the cluster gateway host '{name}' cannot be resolved: {e.Message}");
            }

            var chosen = addresses.FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork) ?? addresses.FirstOrDefault()
                ?? throw new CliException(ExitCodes.ClusterError, $"the cluster gateway host '{name}' has no address.");
            endpoints.Add(new IPEndPoint(chosen, port));
        }

        // No host defaults: no configuration files, environment or console logging (socinv writes its own output).
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.ClearProviders();
        builder.UseOrleansClient(client => client
            .UseStaticClustering([.. endpoints])
            .Configure<ClusterOptions>(o =>
            {
                o.ClusterId = ClusterId;
                o.ServiceId = ClusterOptions.DefaultServiceId;
            })
            .UseConnectionRetryFilter((_, _) => Task.FromResult(false)));
        using var host = builder.Build();
        using (var connect = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            connect.CancelAfter(ConnectTimeout);
            try
            {
                await host.StartAsync(connect.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested && e is not CliException)
            {
                throw new CliException(ExitCodes.ClusterError, string.Create(
                    CultureInfo.InvariantCulture,
                    $"no Orleans cluster answered at {address} within {ConnectTimeout.TotalSeconds:0} s ({Reason(e)}). Start a silo (dotnet run --project samples/Cluster/Silo -- 0 listens on localhost:30000) or check the address; without --cluster the run is local."));
            }
        }

        try
        {
            return await work(new ClusterRunner(host.Services.GetRequiredService<IClusterClient>())).ConfigureAwait(false);
        }
        catch (ClusterRunException e)
        {
            throw new CliException(ExitCodes.ClusterError, $"the cluster at {address} failed the run: {e.Message}");
        }
        finally
        {
            using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            try
            {
                await host.StopAsync(stop.Token).ConfigureAwait(false);
            }
#pragma warning disable CA1031 // Leaving the cluster is best effort: the run's result (or its error) is what matters.
            catch (Exception)
#pragma warning restore CA1031
            {
            }
        }
    }

    private static string Reason(Exception e) => e is OperationCanceledException ? "timed out" : e.GetBaseException().Message.TrimEnd('.');
}
