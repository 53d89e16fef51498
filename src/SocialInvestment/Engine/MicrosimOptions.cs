using SocialInvestment.Model;

namespace SocialInvestment.Engine;

/// <summary>
/// Options of a microsimulation run. Immutable; use <c>with</c>. Results depend only on the model,
/// <see cref="RunOptions.Seed"/>, <see cref="Draw"/>, <see cref="People"/>, <see cref="BlockSize"/> and
/// <see cref="Effects"/> — never on <see cref="RunOptions.Threads"/> or on how the people are split into shards.
/// The seed and the thread count come from the <see cref="RunOptions"/> root: person i's uniforms
/// are <c>CounterRng.Uniform</c>(Seed, Draw, i, cycle, stream); the default seed is
/// <see cref="RunOptions.DefaultSeed"/>, the same as the PSA's (it was 1 before the root existed;
/// set <c>Seed = 1</c> for the old default stream).
/// </summary>
public sealed record MicrosimOptions : RunOptions
{
    /// <summary>Options with the defaults.</summary>
    public MicrosimOptions()
    {
    }

    /// <summary>Options that take the seed and thread count of a run-options root (so that a PSA built from the same root follows the same seed).</summary>
    /// <param name="root">The root.</param>
    public MicrosimOptions(RunOptions root)
        : base(root)
    {
    }

    /// <summary>Parameter-draw index fed to the generator (0 for a run at fixed parameter values).</summary>
    public long Draw { get; init; }

    /// <summary>Number of simulated people N (≥ 1). Default 10,000.</summary>
    public int People { get; init; } = 10_000;

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

        if (Threads < 0)
        {
            problems.Add(ThreadsProblem(Threads));
        }

        if (Effects is null)
        {
            problems.Add("Effects must not be null (use IndividualEffects.None).");
        }

        return problems;
    }
}
