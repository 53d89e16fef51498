// A SocialInvestment silo. Development: every silo on this machine, localhost clustering.
//   dotnet run --project samples/Cluster/Silo -- 0     (the first silo: silo port 11111, gateway 30000)
//   dotnet run --project samples/Cluster/Silo -- 1     (a second silo: 11112, 30001)
// Production: replace UseLocalhostClustering with a membership provider shared by every silo and
// client, for example ADO.NET (Microsoft.Orleans.Clustering.AdoNet, a PostgreSQL or SQL Server
// table) or Redis (Microsoft.Orleans.Clustering.Redis); see docs/cluster.md.
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using SocialInvestment.Orleans;

var instance = args.Length > 0 && int.TryParse(args[0], out var i) ? i : 0;
var builder = Host.CreateApplicationBuilder();
builder.Logging.SetMinimumLevel(LogLevel.Warning);
builder.UseOrleans(silo => silo
    .UseLocalhostClustering(siloPort: 11111 + instance, gatewayPort: 30000 + instance, primarySiloEndpoint: new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 11111))
    .AddSocialInvestment());
await builder.Build().RunAsync();
