using SocialInvestment.Engine;
using SocialInvestment.Model;

namespace SocialInvestment.Households;

/// <summary>
/// Options of a household microsimulation. Immutable; use <c>with</c>. Results depend only on the
/// definition, the strategies, <see cref="RunOptions.Seed"/>, <see cref="Draw"/>,
/// <see cref="Households"/> and <see cref="BlockSize"/> — never on <see cref="RunOptions.Threads"/> or
/// on how the households are split into shards.
/// </summary>
/// <remarks>
/// Random numbers are keyed by (seed, draw, household, member, cycle, stream): member m of household
/// h uses <see cref="CounterRng.Uniform"/>(Seed, Draw, h, cycle, <see cref="HouseholdStreams.Member"/>(m, stream)),
/// where <c>Member(0, s) = s</c>, so member 0 of household h draws exactly the numbers person h of
/// the individual microsimulation draws. Household-level draws (the template, uptake) use
/// <see cref="HouseholdStreams.TemplateStream"/> and <see cref="HouseholdStreams.Uptake"/>(i).
/// </remarks>
public sealed record HouseholdOptions : RunOptions
{
    /// <summary>Options with the defaults.</summary>
    public HouseholdOptions()
    {
    }

    /// <summary>Options that take the seed and thread count of a run-options root.</summary>
    /// <param name="root">The root.</param>
    public HouseholdOptions(RunOptions root)
        : base(root)
    {
    }

    /// <summary>Parameter-draw index fed to the generator (0 at fixed parameter values).</summary>
    public long Draw { get; init; }

    /// <summary>Number of simulated households (≥ 1; default 10,000). Ignored for a definition from a register, whose households are each simulated once.</summary>
    public long Households { get; init; } = 10_000;

    /// <summary>Households per block (the unit of parallel work and of floating-point summation, ≥ 1; default 4,096, the individual microsimulation's, so that households of one sum exactly as its people do). Shards start on a multiple of it.</summary>
    public int BlockSize { get; init; } = 4096;

    /// <summary>Perspectives whose per-household net cost is estimated with a standard error (null: <see cref="Perspective.StandardSet"/> of the model with the household accounts, which includes the family payer).</summary>
    public IReadOnlyList<Perspective>? Perspectives { get; init; }

    /// <summary>Checks the options and returns every problem found (empty when valid).</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (Households < 1)
        {
            problems.Add($"The number of households must be at least 1 (got {Households}).");
        }

        if (BlockSize < 1)
        {
            problems.Add($"The block size must be at least 1 (got {BlockSize}).");
        }

        if (Threads < 0)
        {
            problems.Add($"Threads must be 0 (every core) or at least 1 (got {Threads}).");
        }

        return problems;
    }
}

/// <summary>The stream numbers of the household microsimulation (see <see cref="HouseholdOptions"/>).</summary>
public static class HouseholdStreams
{
    /// <summary>Streams of one member are <c>member · MemberStride + stream</c>.</summary>
    public const int MemberStride = 1 << 16;

    /// <summary>The first household-level stream (above every member stream: members are at most <see cref="HouseholdDefinition.MaxMembers"/>).</summary>
    public const int HouseholdBase = 0x4000_0000;

    /// <summary>The household-level stream that picks the template.</summary>
    public const int TemplateStream = HouseholdBase;

    /// <summary>The stream of member <paramref name="member"/> for the individual stream <paramref name="stream"/> (<see cref="CounterRng.TransitionStream"/>, <see cref="CounterRng.StartStream"/>); member 0 uses the individual streams unchanged.</summary>
    /// <param name="member">Member index (0-based).</param>
    /// <param name="stream">The individual model's stream.</param>
    public static int Member(int member, int stream) => (member * MemberStride) + stream;

    /// <summary>The household-level stream of the uptake decision of the household intervention with index <paramref name="intervention"/> (in order of first appearance among the run's strategies' interventions, by name).</summary>
    /// <param name="intervention">The intervention's index.</param>
    public static int Uptake(int intervention) => HouseholdBase + 1 + intervention;
}
