using SocialInvestment.Model;

namespace SocialInvestment.Scenarios;

// The rows of the scenario tables. Each is a record with init-only properties (not positional), so
// that a new optional column is a new optional property, not a breaking change to a constructor:
// create a row with an object initializer, change one with 'with'. Rows compare by value.

/// <summary>A state of the model (one row of <c>states.csv</c>).</summary>
public sealed record StateRow
{
    /// <summary>Unique name, used by every other table.</summary>
    public required string Name { get; init; }

    /// <summary>True for absorbing states (dead). Default false.</summary>
    public bool Absorbing { get; init; }

    /// <summary>Track time in state up to this many cycles (0, the default: not tracked).</summary>
    public int TunnelCycles { get; init; }

    /// <summary>Free text.</summary>
    public string? Description { get; init; }
}

/// <summary>A payer (one row of <c>payers.csv</c>): whose budget bears a flow.</summary>
public sealed record PayerRow
{
    /// <summary>Unique name (for example <c>municipality</c> for kommune).</summary>
    public required string Name { get; init; }

    /// <summary>True for public budgets (counted in the public-sector perspective and the tax financing cost).</summary>
    public required bool IsPublic { get; init; }

    /// <summary>Optional parent payer (a sub-payer such as NAV under the state).</summary>
    public string? Parent { get; init; }

    /// <summary>Free text.</summary>
    public string? Description { get; init; }
}

/// <summary>A sector (one row of <c>sectors.csv</c>): the service area a flow belongs to.</summary>
public sealed record SectorRow
{
    /// <summary>Unique name.</summary>
    public required string Name { get; init; }

    /// <summary>Free text.</summary>
    public string? Description { get; init; }
}

/// <summary>
/// A named parameter (one row of <c>parameters.csv</c>): a base value and, optionally, a
/// distribution for probabilistic sensitivity analysis.
/// </summary>
public sealed record ParameterRow
{
    /// <summary>Unique name, referred to from the <c>parameter</c> column of other tables.</summary>
    public required string Name { get; init; }

    /// <summary>Base value (point estimate).</summary>
    public required double Value { get; init; }

    /// <summary>Distribution for uncertainty analysis; null (the default) when the parameter is fixed.</summary>
    public DistributionSpec? Distribution { get; init; }

    /// <summary>Meaning, unit and source.</summary>
    public string? Description { get; init; }
}

/// <summary>
/// One age band of a transition (one row of <c>transitions.csv</c>). The rows of one
/// (from, to) pair with the same kind form an age schedule: the value applies at ages in
/// [<see cref="AgeFrom"/>, <see cref="AgeTo"/>) and is 0 outside every band.
/// </summary>
public sealed record TransitionRow
{
    /// <summary>State left.</summary>
    public required string From { get; init; }

    /// <summary>State entered.</summary>
    public required string To { get; init; }

    /// <summary>Probability (per cycle), annual rate (hazard), or remainder (the complement of the row).</summary>
    public required TransitionValueKind Kind { get; init; }

    /// <summary>Lower age, inclusive (null: no lower bound).</summary>
    public double? AgeFrom { get; init; }

    /// <summary>Upper age, exclusive (null: no upper bound).</summary>
    public double? AgeTo { get; init; }

    /// <summary>The probability or annual rate; null for a remainder or when <see cref="Parameter"/> alone gives it.</summary>
    public double? Value { get; init; }

    /// <summary>Optional parameter: the value is <c>Value × parameter</c> (or the parameter alone when Value is null).</summary>
    public string? Parameter { get; init; }

    /// <summary>Where the figure comes from, or how it was estimated.</summary>
    public string? Source { get; init; }
}

/// <summary>
/// A flow or unit cost (one row of <c>flows.csv</c>): an amount per person-cycle in a state, or
/// per transition event, booked to (payer, sector, kind), for ages in [<see cref="AgeFrom"/>, <see cref="AgeTo"/>).
/// Sign: positive is a cost to the payer, negative an income or value created (earnings are negative production for the individual).
/// </summary>
/// <remarks>
/// Stored compactly, as a large table has a row per line: everything but the amount is one shared
/// part that the reader keeps once for all the rows alike in it (in a table of a million rows the
/// states, payers, sectors, bands and sources repeat; the amounts do not), so a row read from a file
/// holds a reference and a number. Setting a property other than <see cref="Amount"/> gives the row
/// its own part.
/// </remarks>
public sealed record FlowRow
{
    private FlowRowKey _key = FlowRowKey.Empty;
    private double _amount;
    private bool _hasAmount;

    /// <summary>Creates an empty row; set at least <see cref="State"/>, <see cref="Payer"/>, <see cref="Sector"/> and <see cref="Kind"/>.</summary>
    public FlowRow()
    {
    }

    /// <summary>A row of the reader: its shared part (pooled) and its amount.</summary>
#pragma warning disable CS8618 // State, Payer and Sector read the key, which is set here (the compiler cannot see through the accessors).
    [System.Diagnostics.CodeAnalysis.SetsRequiredMembers]
    internal FlowRow(FlowRowKey key, double? amount)
#pragma warning restore CS8618
    {
        _key = key;
        _hasAmount = amount.HasValue;
        _amount = amount ?? 0;
    }

    /// <summary>The state (occupancy flows), or the state left (event flows; <c>*</c> = any other state).</summary>
    public required string State { get => _key.State; init => _key = _key with { State = value }; }

    /// <summary>Null (the default) for occupancy flows; the state entered for event flows.</summary>
    public string? ToState { get => _key.ToState; init => _key = _key with { ToState = value }; }

    /// <summary>Payer name.</summary>
    public required string Payer { get => _key.Payer; init => _key = _key with { Payer = value }; }

    /// <summary>Sector name.</summary>
    public required string Sector { get => _key.Sector; init => _key = _key with { Sector = value }; }

    /// <summary>Resource cost, transfer or production.</summary>
    public required FlowKind Kind { get => _key.Kind; init => _key = _key with { Kind = value }; }

    /// <summary>Lower age, inclusive (null: none).</summary>
    public double? AgeFrom { get => _key.AgeFrom; init => _key = _key with { AgeFrom = value }; }

    /// <summary>Upper age, exclusive (null: none).</summary>
    public double? AgeTo { get => _key.AgeTo; init => _key = _key with { AgeTo = value }; }

    /// <summary>Amount in NOK (or the model currency) per person-year (occupancy, scaled by the cycle length) or per event; null when <see cref="Parameter"/> alone gives it.</summary>
    public double? Amount
    {
        get => _hasAmount ? _amount : null;
        init
        {
            _hasAmount = value.HasValue;
            _amount = value ?? 0;
        }
    }

    /// <summary>Optional parameter multiplying the amount (or giving it when Amount is null).</summary>
    public string? Parameter { get => _key.Parameter; init => _key = _key with { Parameter = value }; }

    /// <summary>Price year of the amount; null means the scenario's price year.</summary>
    public int? PriceYear { get => _key.PriceYear; init => _key = _key with { PriceYear = value }; }

    /// <summary>Annual real growth (0.01 = 1 %/year). Default 0.</summary>
    public double RealGrowth { get => _key.RealGrowth; init => _key = _key with { RealGrowth = value }; }

    /// <summary>Where the figure comes from, or how it was estimated.</summary>
    public string? Source { get => _key.Source; init => _key = _key with { Source = value }; }

    /// <summary>
    /// The amount per person-cycle of an occupancy row without a parameter, as the model's function:
    /// <see cref="Amount"/> (per person-year) times the cycle length inside the age band, 0 outside.
    /// The row is the delegate's target, so the model adds no object per row for its amount.
    /// </summary>
    internal double AmountPerCycle(in ModelContext c) => FileUnits.PerCycle(AmountPerEvent(in c), c.CycleLengthYears);

    /// <summary>The amount of an event row without a parameter: <see cref="Amount"/> inside the age band, 0 outside.</summary>
    internal double AmountPerEvent(in ModelContext c)
        => ModelMapper.Band.Contains(_key.AgeFrom ?? double.NegativeInfinity, _key.AgeTo ?? double.PositiveInfinity, c.Age) ? (_hasAmount ? _amount : 1.0) : 0.0;
}

/// <summary>Everything of a <see cref="FlowRow"/> but its amount: the part that the rows of a large table share.</summary>
internal sealed record FlowRowKey(string State, string? ToState, string Payer, string Sector, FlowKind Kind, double? AgeFrom, double? AgeTo, string? Parameter, int? PriceYear, double RealGrowth, string? Source)
{
    public static FlowRowKey Empty { get; } = new(string.Empty, null, string.Empty, string.Empty, FlowKind.ResourceCost, null, null, null, null, 0, null);
}

/// <summary>A population group (one row of <c>population.csv</c>).</summary>
public sealed record PopulationRow
{
    /// <summary>Start state.</summary>
    public required string State { get; init; }

    /// <summary>Age at cycle 0, years.</summary>
    public required double StartAge { get; init; }

    /// <summary>Relative weight (normalised).</summary>
    public required double Weight { get; init; }

    /// <summary>Where the share comes from.</summary>
    public string? Source { get; init; }
}

/// <summary>A price index level (one row of <c>price_index.csv</c>), used to re-index amounts to the scenario's price year.</summary>
public sealed record PriceIndexRow
{
    /// <summary>Calendar year.</summary>
    public required int Year { get; init; }

    /// <summary>Index level (any base; annual average).</summary>
    public required double Index { get; init; }

    /// <summary>Source of the index.</summary>
    public string? Source { get; init; }
}

/// <summary>An intervention (one row of <c>interventions.csv</c>).</summary>
public sealed record InterventionRow
{
    private readonly IReadOnlyList<string> _eligibleStates = [];

    /// <summary>Unique name.</summary>
    public required string Name { get; init; }

    /// <summary>Preventive or repair.</summary>
    public required InterventionKind Kind { get; init; }

    /// <summary>States whose occupants are eligible at the start (empty, the default: everyone). Copied on initialisation.</summary>
    public IReadOnlyList<string> EligibleStates { get => _eligibleStates; init => _eligibleStates = [.. value]; }

    /// <summary>Lowest eligible start age (null: none).</summary>
    public double? MinAge { get; init; }

    /// <summary>Highest eligible start age (null: none).</summary>
    public double? MaxAge { get; init; }

    /// <summary>Share of the eligible who take it up, in [0, 1] (default 1; ignored when <see cref="UptakeParameter"/> is given).</summary>
    public double Uptake { get; init; } = 1;

    /// <summary>Optional parameter giving the uptake.</summary>
    public string? UptakeParameter { get; init; }

    /// <summary>What it is and where its evidence comes from.</summary>
    public string? Description { get; init; }

    /// <inheritdoc/>
    public bool Equals(InterventionRow? other) => other is not null && Name == other.Name && Kind == other.Kind && EligibleStates.SequenceEqual(other.EligibleStates)
        && MinAge == other.MinAge && MaxAge == other.MaxAge && Uptake.Equals(other.Uptake) && UptakeParameter == other.UptakeParameter && Description == other.Description;

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Name, Kind, EligibleStates.Count, MinAge, MaxAge, Uptake, UptakeParameter, Description);
}

/// <summary>A cost of an intervention (one row of <c>intervention_costs.csv</c>).</summary>
public sealed record InterventionCostRow
{
    private readonly IReadOnlyList<string> _states = [];

    /// <summary>Intervention name.</summary>
    public required string Intervention { get; init; }

    /// <summary>Payer name.</summary>
    public required string Payer { get; init; }

    /// <summary>Sector name.</summary>
    public required string Sector { get; init; }

    /// <summary>Flow kind (usually resource cost).</summary>
    public required FlowKind Kind { get; init; }

    /// <summary>Once at the start for each participant, or per cycle while in the given states.</summary>
    public required CostTiming Timing { get; init; }

    /// <summary>Amount per participant (upfront) or per participant-year (per cycle); null when the parameter gives it.</summary>
    public double? Amount { get; init; }

    /// <summary>Optional parameter giving the amount (then Amount must be empty).</summary>
    public string? Parameter { get; init; }

    /// <summary>For per-cycle costs: how long they last (null: as long as the person is in the states).</summary>
    public double? DurationYears { get; init; }

    /// <summary>For per-cycle costs: states in which the cost applies (empty, the default: any living state). Copied on initialisation.</summary>
    public IReadOnlyList<string> States { get => _states; init => _states = [.. value]; }

    /// <summary>Price year of the amount (null: the scenario's); re-indexed with the price index.</summary>
    public int? PriceYear { get; init; }

    /// <summary>Where the figure comes from.</summary>
    public string? Source { get; init; }

    /// <inheritdoc/>
    public bool Equals(InterventionCostRow? other) => other is not null && Intervention == other.Intervention && Payer == other.Payer && Sector == other.Sector && Kind == other.Kind
        && Timing == other.Timing && Amount == other.Amount && Parameter == other.Parameter && DurationYears == other.DurationYears && States.SequenceEqual(other.States)
        && PriceYear == other.PriceYear && Source == other.Source;

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Intervention, Payer, Sector, Kind, Timing, Amount, Parameter, HashCode.Combine(DurationYears, States.Count, PriceYear, Source));
}

/// <summary>What an effect row changes.</summary>
public enum EffectTarget
{
    /// <summary>A transition (from → to) by a relative risk, hazard ratio, odds ratio or absolute change.</summary>
    Transition = 0,

    /// <summary>Flows (optionally of one state, payer, sector), multiplied by a factor.</summary>
    Flows = 1,
}

/// <summary>The time profile of an effect, as data.</summary>
public enum EffectProfileKind
{
    /// <summary>Full effect for ever.</summary>
    Permanent = 0,

    /// <summary>Full effect for <c>ProfileYears</c> years, then none.</summary>
    Constant = 1,

    /// <summary>Full effect during a delay of <c>ProfileUntil</c> years (default 0), then halving every <c>ProfileYears</c> years.</summary>
    Decay = 2,

    /// <summary>Full effect for <c>ProfileYears</c> years, falling linearly to none at <c>ProfileUntil</c> years.</summary>
    Linear = 3,
}

/// <summary>
/// An effect of an intervention (one row of <c>effects.csv</c>).
/// </summary>
public sealed record EffectRow
{
    /// <summary>Intervention name.</summary>
    public required string Intervention { get; init; }

    /// <summary>Transition or flows.</summary>
    public required EffectTarget Target { get; init; }

    /// <summary>Transition: the state left. Flows: the state whose flows are scaled (null: all).</summary>
    public string? From { get; init; }

    /// <summary>Transition: the state entered. Flows: must be null.</summary>
    public string? To { get; init; }

    /// <summary>Flows: the payer whose flows are scaled (null: all). Transition: must be null.</summary>
    public string? Payer { get; init; }

    /// <summary>Flows: the sector whose flows are scaled (null: all). Transition: must be null.</summary>
    public string? Sector { get; init; }

    /// <summary>Transition effects: the measure (default <see cref="EffectMeasure.RelativeRisk"/>). Ignored (stored as <see cref="EffectMeasure.RelativeRisk"/>) for flows.</summary>
    public EffectMeasure Measure { get; init; }

    /// <summary>The effect size (ratio, absolute change, or flow multiplier); null when the parameter gives it.</summary>
    public double? Value { get; init; }

    /// <summary>Optional parameter giving the size (then Value must be empty).</summary>
    public string? Parameter { get; init; }

    /// <summary>Time profile (default permanent).</summary>
    public EffectProfileKind Profile { get; init; }

    /// <summary>Constant: years of effect. Decay: half-life. Linear: years of full effect.</summary>
    public double? ProfileYears { get; init; }

    /// <summary>Decay: delay before decay starts. Linear: years after which the effect is zero.</summary>
    public double? ProfileUntil { get; init; }

    /// <summary>Evaluation the effect comes from, or "illustrative".</summary>
    public string? Source { get; init; }

    /// <summary>Transition effects: where the change in probability comes from (column <c>balance</c>: remainder, the default, or proportional).</summary>
    public EffectBalance Balance { get; init; }
}

/// <summary>A strategy membership (one row of <c>strategies.csv</c>): a strategy and one of its interventions (null for a strategy with none, such as business as usual).</summary>
public sealed record StrategyRow
{
    /// <summary>Strategy name.</summary>
    public required string Strategy { get; init; }

    /// <summary>Intervention name, or null (the default).</summary>
    public string? Intervention { get; init; }
}
