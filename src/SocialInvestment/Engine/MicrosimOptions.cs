using SocialInvestment.Model;

namespace SocialInvestment.Engine;

/// <summary>
/// Options of a microsimulation run. Immutable; use <c>with</c>. Results depend only on the model,
/// <see cref="Seed"/>, <see cref="Draw"/>, <see cref="People"/>, <see cref="BlockSize"/> and
/// <see cref="Effects"/> — never on <see cref="Threads"/> or on how the people are split into shards.
/// </summary>
public sealed record MicrosimOptions
{
    /// <summary>Seed of the counter-based generator (see <see cref="CounterRng"/>). Default 1.</summary>
    public ulong Seed { get; init; } = 1;

    /// <summary>Parameter-draw index fed to the generator (0 for a run at fixed parameter values).</summary>
    public long Draw { get; init; }

    /// <summary>Number of simulated people N (≥ 1). Default 10,000.</summary>
    public int People { get; init; } = 10_000;

    /// <summary>Maximum degree of parallelism (−1: all cores). Does not change the results.</summary>
    public int Threads { get; init; } = -1;

    /// <summary>
    /// People per block (the unit of parallel work and of floating-point summation, ≥ 1; default
    /// 4,096). Shards must start on a multiple of it. Part of the result's identity: runs with
    /// different block sizes may differ in the last bits.
    /// </summary>
    public int BlockSize { get; init; } = 4096;

    /// <summary>Perspectives whose per-person discounted net cost is estimated with a standard error (null: <see cref="Perspective.StandardSet"/>).</summary>
    public IReadOnlyList<Perspective>? Perspectives { get; init; }

    /// <summary>Track the distributions (ever in a state, years in a state, time to first entry). Default true.</summary>
    public bool TrackDistributions { get; init; } = true;

    /// <summary>Keep one record per person (memory grows with N). Default false.</summary>
    public bool KeepPersonRecords { get; init; }

    /// <summary>Per-person attributes and time-in-state effects (default none).</summary>
    public IndividualEffects Effects { get; init; } = IndividualEffects.None;

    /// <summary>Checks the options and returns every problem found (empty when valid).</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (People < 1)
        {
            problems.Add($"The number of people must be at least 1 (got {People}).");
        }

        if (BlockSize < 1)
        {
            problems.Add($"The block size must be at least 1 (got {BlockSize}).");
        }

        if (Threads == 0 || Threads < -1)
        {
            problems.Add($"Threads must be −1 (all cores) or ≥ 1 (got {Threads}).");
        }

        if (Effects is null)
        {
            problems.Add("Effects must not be null (use IndividualEffects.None).");
        }

        return problems;
    }
}
