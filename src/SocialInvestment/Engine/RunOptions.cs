namespace SocialInvestment.Engine;

/// <summary>
/// The root of every run's options: one master <see cref="Seed"/> and one thread-count
/// convention (<see cref="Threads"/>). <see cref="Uncertainty.PsaOptions"/> and
/// <see cref="MicrosimOptions"/> derive from it, so a PSA and a microsimulation built from the same
/// root (<c>new PsaOptions(root)</c>, <c>new MicrosimOptions(root)</c>) follow the same seed.
/// Results never depend on <see cref="Threads"/>.
/// </summary>
/// <remarks>
/// <para>Every random number of a run is a pure function of the master seed and a key naming its purpose:</para>
/// <list type="bullet">
/// <item>PSA parameter draw <c>k</c>: the stream <see cref="Uncertainty.RandomSource.ForStream"/>(Seed, k), its
/// distributions sampled in the order they were added to the specification.</item>
/// <item>Microsimulation, person <c>i</c> in parameter draw <c>k</c> (<see cref="MicrosimOptions.Draw"/>; 0 at fixed
/// parameters, the PSA draw index when the PSA evaluates draws by microsimulation): the counter-based uniform
/// <c>CounterRng.Uniform</c>(Seed, k, i, cycle, stream), stream <c>CounterRng.TransitionStream</c>
/// for the transition in a cycle, <c>CounterRng.StartStream</c> for the start state and
/// <c>CounterRng.AttributeStreamBase</c> + a for attribute a.</item>
/// </list>
/// <para>The two generators are different functions of their keys (xoshiro256** seeded through
/// its own mix of (seed, k) for parameters; a chained SplitMix64 finaliser over (seed, draw,
/// person, stream) and a Weyl counter over cycles for people), so the parameter draws and the
/// people of one master seed do not share random numbers. These are the
/// mappings the engines used before this root existed: a run that set its seed explicitly gives the
/// same numbers as before. The one default changes: the microsimulation's seed was 1 and is now
/// <see cref="DefaultSeed"/>, like the PSA's.</para>
/// </remarks>
public record RunOptions
{
    /// <summary>The default master seed, 20260101.</summary>
    public const ulong DefaultSeed = 20260101;

    /// <summary>Creates the root with the defaults (<see cref="DefaultSeed"/>, all cores).</summary>
    public RunOptions()
    {
    }

    /// <summary>Copies the seed and thread count of another root (a derived options type starts from a root this way).</summary>
    /// <param name="root">The root to copy.</param>
    protected RunOptions(RunOptions root)
    {
        ArgumentNullException.ThrowIfNull(root);
        Seed = root.Seed;
        Threads = root.Threads;
    }

    /// <summary>The master seed every random stream of the run derives from (see the remarks). Default <see cref="DefaultSeed"/>.</summary>
    public ulong Seed { get; init; } = DefaultSeed;

    /// <summary>
    /// Worker threads: 0 (the default) uses every core (<see cref="Environment.ProcessorCount"/>),
    /// n ≥ 1 at most n threads. Negative values are refused. The same convention everywhere
    /// (PSA, microsimulation, the scenario runner and the <c>socinv --threads</c> option). Results do not depend on it.
    /// </summary>
    public int Threads { get; init; }

    /// <summary>The number of threads <see cref="Threads"/> stands for: <see cref="Environment.ProcessorCount"/> for 0.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><see cref="Threads"/> is negative.</exception>
    public int EffectiveThreads => ResolveThreads(Threads);

    /// <summary>The number of threads a thread count stands for under the convention of <see cref="Threads"/>.</summary>
    /// <param name="threads">0 for every core, n ≥ 1 for n.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="threads"/> is negative.</exception>
    public static int ResolveThreads(int threads)
        => threads switch
        {
            0 => Environment.ProcessorCount,
            > 0 => threads,
            _ => throw new ArgumentOutOfRangeException(nameof(threads), threads, ThreadsProblem(threads)),
        };

    internal static string ThreadsProblem(int threads) => $"Threads must be 0 (every core) or at least 1 (got {threads}).";
}
