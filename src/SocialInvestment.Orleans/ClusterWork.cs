namespace SocialInvestment.Orleans;

/// <summary>What a range of a cluster run computes.</summary>
public enum ClusterWorkKind
{
    /// <summary>Microsimulation: a range of people, all strategies, one parameter set.</summary>
    Microsimulation = 1,

    /// <summary>Probabilistic sensitivity analysis: a range of parameter draws, all strategies appraised.</summary>
    ProbabilisticAnalysis = 2,

    /// <summary>Household microsimulation: a range of households, every household strategy, the base-case parameters; the work carries the household tables' hash (<see cref="ClusterWork.TablesHash"/>).</summary>
    Households = 3,

    /// <summary>Household PSA: a range of parameter draws, each an exact joint-state cohort of the households (<see cref="Uncertainty.HouseholdPsa"/>); the work carries the household tables' hash (<see cref="ClusterWork.TablesHash"/>).</summary>
    HouseholdProbabilisticAnalysis = 4,
}

/// <summary>
/// The description of a cluster run that every range of it shares: the content hash of the
/// scenario document (the model definition), what to compute and the settings that make a range's
/// result a pure function of (definition, settings, range). Sent with every range; the document
/// itself is sent once per silo.
/// </summary>
/// <param name="DefinitionHash">SHA-256 of the scenario document (64 hexadecimal digits).</param>
/// <param name="Kind">What to compute.</param>
/// <param name="Seed">The master seed (PSA draws and microsimulation streams derive from it).</param>
/// <param name="Total">Total number of people (microsimulation), draws (PSA) or households (household microsimulation; the households option, ignored for a household register) of the run.</param>
/// <param name="BlockSize">Microsimulation block size (people or households per exact-sum block; ranges start on multiples of it); ignored for PSA.</param>
/// <param name="ThreadsPerRange">Threads a silo uses for one range (≥ 1).</param>
/// <param name="LibraryVersion">The coordinator's SocialInvestment library version; a silo with another version refuses the work.</param>
[GenerateSerializer]
[Immutable]
public sealed record ClusterWork(
    [property: Id(0)] string DefinitionHash,
    [property: Id(1)] ClusterWorkKind Kind,
    [property: Id(2)] ulong Seed,
    [property: Id(3)] long Total,
    [property: Id(4)] int BlockSize,
    [property: Id(5)] int ThreadsPerRange,
    [property: Id(6)] string LibraryVersion)
{
    /// <summary>PSA only: keep every draw (exact percentiles, EVPPI) instead of streamed quantile sketches. Part of the range key.</summary>
    [Id(7)]
    public bool KeepDraws { get; init; }

    /// <summary>PSA only: every draw compiled and run in full instead of the incremental draw path (see <see cref="ClusterRunOptions.EvaluateEveryDrawInFull"/>). Part of the range key.</summary>
    [Id(8)]
    public bool EvaluateInFull { get; init; }

    /// <summary>
    /// Households only: SHA-256 (64 hexadecimal digits) of the household tables' canonical bundle,
    /// a second content-addressed document stored and fetched like the scenario document; null for
    /// the other kinds. Part of the range key.
    /// </summary>
    [Id(9)]
    public string? TablesHash { get; init; }

    /// <summary>
    /// Households only: the household type (template name) run alone, as
    /// <see cref="Households.HouseholdDefinition.ForType"/> restricts the definition; null for every
    /// household. Part of the range key.
    /// </summary>
    [Id(10)]
    public string? HouseholdType { get; init; }

    /// <summary>
    /// PSA only: SHA-256 (64 hexadecimal digits) of a settlement plan document
    /// (<see cref="Economics.SettlementPlan.ToDocument"/>), stored and fetched like the scenario document: every draw
    /// of every strategy is also settled against the comparator under that plan, and a range returns its
    /// settlements with its partial; null for none. Part of the range key.
    /// </summary>
    [Id(11)]
    public string? SettlementHash { get; init; }

    /// <summary>The key of the range [<paramref name="first"/>, first + <paramref name="count"/>) of this run: equal keys are the same work, so a result is counted once per key.</summary>
    /// <param name="first">First person or draw.</param>
    /// <param name="count">Number of people or draws.</param>
    public string RangeKey(long first, long count)
        => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{DefinitionHash}/{Kind}/{Seed}/{Total}/{BlockSize}/{(KeepDraws ? "kept" : "streamed")}/{(EvaluateInFull ? "full" : "incremental")}/{first}+{count}{(TablesHash is null ? string.Empty : "/" + TablesHash)}{(HouseholdType is null ? string.Empty : "/type=" + HouseholdType)}{(SettlementHash is null ? string.Empty : "/settle=" + SettlementHash)}");
}

/// <summary>The result of one range as a silo returns it: the serialised partial, or why there is none.</summary>
/// <param name="Partial">The partial in the library's binary format; null on failure.</param>
/// <param name="Error">Why the range failed; null on success.</param>
/// <param name="Permanent">True when running the range again cannot succeed (a bad definition, a library version mismatch); false for a transient failure.</param>
/// <param name="Silo">The silo that ran the range.</param>
/// <param name="Seconds">Time the silo spent on the range (wall clock).</param>
[GenerateSerializer]
[Immutable]
public sealed record RangeOutcome(
    [property: Id(0)] byte[]? Partial,
    [property: Id(1)] string? Error,
    [property: Id(2)] bool Permanent,
    [property: Id(3)] string Silo,
    [property: Id(4)] double Seconds);
