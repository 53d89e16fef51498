using Orleans.Hosting;
using Orleans.TestingHost;

namespace SocialInvestment.Orleans.Tests;

/// <summary>Configures every test silo as a SocialInvestment silo.</summary>
public sealed class SocialInvestmentSilo : ISiloConfigurator
{
    public void Configure(ISiloBuilder siloBuilder) => siloBuilder.AddSocialInvestment();
}

/// <summary>Starting an in-process cluster of <paramref name="silos"/> silos (Orleans' TestingHost).</summary>
internal static class Clusters
{
    public static async Task<TestCluster> StartAsync(short silos = 3)
    {
        var builder = new TestClusterBuilder(silos);
        builder.AddSiloBuilderConfigurator<SocialInvestmentSilo>();
        var cluster = builder.Build();
        await cluster.DeployAsync();
        return cluster;
    }
}
