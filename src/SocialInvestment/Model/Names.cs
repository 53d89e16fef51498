namespace SocialInvestment.Model;

/// <summary>
/// A life situation a person occupies for one cycle (in school, in work, NEET, on disability
/// pension, in foster care, in prison, dead).
/// </summary>
/// <param name="Name">Unique, case-sensitive name of the state.</param>
/// <param name="IsAbsorbing">True when no one ever leaves the state (dead, retired). An absorbing
/// state's row of the transition matrix is the identity and may not be given.</param>
/// <param name="TunnelCycles">When greater than zero, the state is expanded at compile time into
/// this many tunnel states so that transitions and flows can depend on the time spent in it
/// (<see cref="ModelContext.TimeInState"/>); time in state is capped at <c>TunnelCycles − 1</c>
/// (the last tunnel state keeps its occupants). Zero means time in state is not tracked.</param>
public sealed record State(string Name, bool IsAbsorbing = false, int TunnelCycles = 0)
{
    /// <inheritdoc />
    public override string ToString() => Name;
}

/// <summary>
/// Whose budget bears a flow. Payers are data, not an enumeration: a model declares the payers it
/// needs (a municipality, a county, the state and its agencies, the individual, others), and
/// sub-payers name their parent so that a perspective on the parent includes them.
/// </summary>
/// <param name="Name">Unique, case-sensitive name.</param>
/// <param name="IsPublic">True for public budgets (municipality, county, state and agencies);
/// the public-sector perspective and the tax financing cost use this flag.</param>
/// <param name="Parent">Optional name of the payer this one belongs to (NAV belongs to the state).</param>
public sealed record Payer(string Name, bool IsPublic, string? Parent = null)
{
    /// <summary>The municipality (kommune).</summary>
    public static Payer Municipality { get; } = new("municipality", true);

    /// <summary>The county (fylkeskommune).</summary>
    public static Payer County { get; } = new("county", true);

    /// <summary>The central government (staten), including its agencies unless they are modelled as sub-payers.</summary>
    public static Payer State { get; } = new("state", true);

    /// <summary>The individual or household.</summary>
    public static Payer Individual { get; } = new("individual", false);

    /// <summary>Everyone else: employers, victims, voluntary organisations.</summary>
    public static Payer Others { get; } = new("others", false);

    /// <inheritdoc />
    public override string ToString() => Name;
}

/// <summary>The service area a flow belongs to (child welfare, education, health, benefits…); orthogonal to the payer.</summary>
/// <param name="Name">Unique, case-sensitive name.</param>
public sealed record Sector(string Name)
{
    /// <summary>Child welfare services (barnevern).</summary>
    public static Sector ChildWelfare { get; } = new("child-welfare");

    /// <summary>Schools and education.</summary>
    public static Sector Education { get; } = new("education");

    /// <summary>Health care.</summary>
    public static Sector Health { get; } = new("health");

    /// <summary>Social services (social assistance, housing support, follow-up).</summary>
    public static Sector SocialServices { get; } = new("social-services");

    /// <summary>Cash benefits (unemployment, work assessment, disability).</summary>
    public static Sector Benefits { get; } = new("benefits");

    /// <summary>Police, courts and prisons.</summary>
    public static Sector Justice { get; } = new("justice");

    /// <summary>Housing.</summary>
    public static Sector Housing { get; } = new("housing");

    /// <summary>Employment and labour-market measures, and earnings from work.</summary>
    public static Sector Employment { get; } = new("employment");

    /// <summary>Taxes on income.</summary>
    public static Sector Taxation { get; } = new("taxation");

    /// <inheritdoc />
    public override string ToString() => Name;
}

/// <summary>The economic nature of a flow; perspectives select and net flows by kind.</summary>
public enum FlowKind
{
    /// <summary>Real resources used (a placement, a teacher's time). Counted by every perspective that includes the payer, and by society.</summary>
    ResourceCost = 0,

    /// <summary>Money moved between parties (a benefit, a tax). Counted by budgets; netted out by society.</summary>
    Transfer = 1,

    /// <summary>Value created (earnings as a measure of production). Conventionally negative (a gain) for the party that receives it.</summary>
    Production = 2,
}

/// <summary>
/// The ledger cell a flow is booked to: who pays (<see cref="Payer"/>), for what
/// (<see cref="Sector"/>) and of which <see cref="FlowKind"/>. Amounts are signed from the payer's
/// point of view: positive is a cost (money or resources out), negative a gain (money or value in).
/// </summary>
/// <param name="Payer">Whose budget bears the flow.</param>
/// <param name="Sector">The service area.</param>
/// <param name="Kind">The economic nature of the flow.</param>
public readonly record struct Account(Payer Payer, Sector Sector, FlowKind Kind)
{
    /// <inheritdoc />
    public override string ToString() => $"{Payer.Name}/{Sector.Name}/{Kind}";
}

/// <summary>An effect measure accumulated per person-cycle or per transition: QALYs, life-years, years in work, or any per-state score.</summary>
/// <param name="Name">Unique, case-sensitive name.</param>
public sealed record Outcome(string Name)
{
    /// <summary>Quality-adjusted life-years.</summary>
    public static Outcome Qaly { get; } = new("QALY");

    /// <summary>Life-years.</summary>
    public static Outcome LifeYears { get; } = new("life-years");

    /// <inheritdoc />
    public override string ToString() => Name;
}
