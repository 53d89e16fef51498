using SocialInvestment.Engine;
using SocialInvestment.Uncertainty;

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
        Perspectives = definition.Perspectives,
    };

    /// <summary>The PSA options of a range: as <c>ScenarioRunner.RunProbabilistic</c> sets them (the model's strategies in order, the scenario's comparator and perspectives).</summary>
    public static PsaOptions PsaOptions(PreparedDefinition definition, ClusterWork work) => new()
    {
        Seed = work.Seed,
        Threads = work.ThreadsPerRange,
        Draws = checked((int)work.Total),
        Strategies = definition.Model.Strategies,
        Comparator = definition.Comparator,
        Perspectives = definition.Perspectives,
        KeepDraws = work.KeepDraws,
        EvaluateEveryDrawInFull = work.EvaluateInFull,
    };

    /// <summary>The options a definition's PSA is prepared with (<see cref="PreparedDefinition.PreparedPsa"/>): the strategies, comparator and perspectives every range shares; a range's seed, draws and threads are its own.</summary>
    public static PsaOptions PsaOptions(PreparedDefinition definition, bool inFull) => new()
    {
        Strategies = definition.Model.Strategies,
        Comparator = definition.Comparator,
        Perspectives = definition.Perspectives,
        EvaluateEveryDrawInFull = inFull,
    };

    public static byte[] Run(PreparedDefinition definition, Households.HouseholdRun? households, HouseholdPsa? householdPsa, ClusterWork work, long first, long count, CancellationToken cancellationToken)
    {
        switch (work.Kind)
        {
            case ClusterWorkKind.HouseholdProbabilisticAnalysis:
                return (householdPsa ?? throw new ArgumentException("A household PSA range needs its prepared household PSA.", nameof(householdPsa))).RunRange(first, count, null, cancellationToken).ToBytes();
            case ClusterWorkKind.Households:
                return Households.HouseholdEngine.RunRange(households ?? throw new ArgumentException("A household range needs its prepared household run.", nameof(households)), first, count, null, cancellationToken).ToBytes();
            case ClusterWorkKind.Microsimulation:
                return MicrosimEngine.RunRange(definition.Compiled, MicrosimOptions(definition, work), first, count, null, cancellationToken).ToBytes();
            case ClusterWorkKind.ProbabilisticAnalysis:
                // The silo's prepared PSA: a definition is compiled and planned once, not once per range.
                return definition.PreparedPsa(work.EvaluateInFull).RunRange(PsaOptions(definition, work), first, count, null, cancellationToken).ToBytes();
            default:
                throw new NotSupportedException($"The work kind {work.Kind} is not supported by this silo.");
        }
    }
}
