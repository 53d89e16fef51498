using SocialInvestment.Engine;

namespace SocialInvestment.Orleans;

/// <summary>The computation of one range, the same on a silo and (for checks) in one process.</summary>
internal static class RangeComputation
{
    public static MicrosimOptions MicrosimOptions(PreparedDefinition definition, ClusterWork work) => new()
    {
        Seed = work.Seed,
        People = checked((int)work.Total),
        BlockSize = work.BlockSize,
        Threads = work.ThreadsPerRange,
        Perspectives = definition.Scenario.Perspectives(),
    };

    public static byte[] Run(PreparedDefinition definition, ClusterWork work, long first, long count, CancellationToken cancellationToken)
    {
        switch (work.Kind)
        {
            case ClusterWorkKind.Microsimulation:
                return MicrosimEngine.RunRange(definition.Compiled, MicrosimOptions(definition, work), first, count, null, cancellationToken).ToBytes();
            default:
                throw new NotSupportedException($"The work kind {work.Kind} is not supported by this silo.");
        }
    }
}
