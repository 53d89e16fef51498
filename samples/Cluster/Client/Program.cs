// Submits the Norwegian default (or a scenario folder) to a running development cluster and prints
// the per-person lifetime cost by perspective, with its Monte Carlo standard error.
//   dotnet run --project samples/Cluster/Client -- [scenario-folder] [people]
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using SocialInvestment.Orleans;
using SocialInvestment.Scenarios;

var scenario = args.Length > 0 && Directory.Exists(args[0]) ? ScenarioReader.Read(args[0]) : NorwegianDefault.Load();
var people = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 100_000;
var builder = Host.CreateApplicationBuilder();
builder.Logging.SetMinimumLevel(LogLevel.Warning);
builder.UseOrleansClient(client => client.UseLocalhostClustering(gatewayPort: 30000));
using var host = builder.Build();
await host.StartAsync();
var runner = new ClusterRunner(host.Services.GetRequiredService<IClusterClient>());
var progress = new Progress<SocialInvestment.Engine.RunProgress>(p => Console.Error.Write($"\r{p.Completed}/{p.Total} ranges"));
var (result, stats) = await runner.RunMicrosimulationAsync(scenario, people, seed: 20260101, options: new ClusterRunOptions { RangeSize = 8192 }, progress: progress);
Console.Error.WriteLine();
foreach (var r in result.Results)
{
    foreach (var p in r.Perspectives)
    {
        var e = r.CostPerPerson(p);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{r.Strategy.Name,-28} {p.Name,-24} {e.Mean,14:N0} ± {e.StandardError:N0} NOK per person (PV, cost: + = pays)"));
    }
}

Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{stats.Ranges} ranges on {stats.Silos.Count} silos in {stats.Seconds:F1} s ({stats.Retries} retried)"));
await host.StopAsync();
