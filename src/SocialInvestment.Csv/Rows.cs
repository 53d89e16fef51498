using SocialInvestment.Model;

namespace SocialInvestment.Scenarios;

/// <summary>A state of the model (one row of <c>states.csv</c>).</summary>
/// <param name="Name">Unique name, used by every other table.</param>
/// <param name="Absorbing">True for absorbing states (dead).</param>
/// <param name="TunnelCycles">Track time in state up to this many cycles (0: not tracked).</param>
/// <param name="Description">Free text.</param>
public sealed record StateRow(string Name, bool Absorbing = false, int TunnelCycles = 0, string? Description = null);

/// <summary>A payer (one row of <c>payers.csv</c>): whose budget bears a flow.</summary>
/// <param name="Name">Unique name (for example <c>municipality</c> for kommune).</param>
/// <param name="IsPublic">True for public budgets (counted in the public-sector perspective and the tax financing cost).</param>
/// <param name="Parent">Optional parent payer (a sub-payer such as NAV under the state).</param>
/// <param name="Description">Free text.</param>
public sealed record PayerRow(string Name, bool IsPublic, string? Parent = null, string? Description = null);

/// <summary>A sector (one row of <c>sectors.csv</c>): the service area a flow belongs to.</summary>
/// <param name="Name">Unique name.</param>
/// <param name="Description">Free text.</param>
public sealed record SectorRow(string Name, string? Description = null);

/// <summary>
/// A named parameter (one row of <c>parameters.csv</c>): a base value and, optionally, a
/// distribution for probabilistic sensitivity analysis.
/// </summary>
/// <param name="Name">Unique name, referred to from the <c>parameter</c> column of other tables.</param>
/// <param name="Value">Base value (point estimate).</param>
/// <param name="Distribution">Distribution for uncertainty analysis; null when the parameter is fixed.</param>
/// <param name="Description">Meaning, unit and source.</param>
public sealed record ParameterRow(string Name, double Value, DistributionSpec? Distribution = null, string? Description = null);

/// <summary>
/// One age band of a transition (one row of <c>transitions.csv</c>). The rows of one
/// (from, to) pair with the same kind form an age schedule: the value applies at ages in
/// [<see cref="AgeFrom"/>, <see cref="AgeTo"/>) and is 0 outside every band.
/// </summary>
/// <param name="From">State left.</param>
/// <param name="To">State entered.</param>
/// <param name="Kind">Probability (per cycle), annual rate (hazard), or remainder (the complement of the row).</param>
/// <param name="AgeFrom">Lower age, inclusive (null: no lower bound).</param>
/// <param name="AgeTo">Upper age, exclusive (null: no upper bound).</param>
/// <param name="Value">The probability or annual rate; null for a remainder or when <paramref name="Parameter"/> alone gives it.</param>
/// <param name="Parameter">Optional parameter: the value is <c>Value × parameter</c> (or the parameter alone when Value is null).</param>
/// <param name="Source">Where the figure comes from, or how it was estimated.</param>
public sealed record TransitionRow(string From, string To, TransitionValueKind Kind, double? AgeFrom = null, double? AgeTo = null, double? Value = null, string? Parameter = null, string? Source = null);

/// <summary>
/// A flow or unit cost (one row of <c>flows.csv</c>): an amount per person-cycle in a state, or
/// per transition event, booked to (payer, sector, kind), for ages in [<see cref="AgeFrom"/>, <see cref="AgeTo"/>).
/// Sign: positive is a cost to the payer, negative an income or value created (earnings are negative production for the individual).
/// </summary>
/// <param name="State">The state (occupancy flows), or the state left (event flows; <c>*</c> = any other state).</param>
/// <param name="ToState">Null for occupancy flows; the state entered for event flows.</param>
/// <param name="Payer">Payer name.</param>
/// <param name="Sector">Sector name.</param>
/// <param name="Kind">Resource cost, transfer or production.</param>
/// <param name="AgeFrom">Lower age, inclusive (null: none).</param>
/// <param name="AgeTo">Upper age, exclusive (null: none).</param>
/// <param name="Amount">Amount in NOK (or the model currency) per person-year (occupancy, scaled by the cycle length) or per event.</param>
/// <param name="Parameter">Optional parameter multiplying the amount (or giving it when Amount is null).</param>
/// <param name="PriceYear">Price year of the amount; null means the scenario's price year.</param>
/// <param name="RealGrowth">Annual real growth (0.01 = 1 %/year).</param>
/// <param name="Source">Where the figure comes from, or how it was estimated.</param>
public sealed record FlowRow(string State, string? ToState, string Payer, string Sector, FlowKind Kind, double? AgeFrom = null, double? AgeTo = null, double? Amount = null, string? Parameter = null, int? PriceYear = null, double RealGrowth = 0, string? Source = null)
{
    /// <summary>
    /// The amount per person-cycle of an occupancy row without a parameter, as the model's function:
    /// <see cref="Amount"/> (per person-year) times the cycle length inside the age band, 0 outside.
    /// The row is the delegate's target, so the model adds no object per row for its amount.
    /// </summary>
    internal double AmountPerCycle(in ModelContext c) => FileUnits.PerCycle(AmountPerEvent(in c), c.CycleLengthYears);

    /// <summary>The amount of an event row without a parameter: <see cref="Amount"/> inside the age band, 0 outside.</summary>
    internal double AmountPerEvent(in ModelContext c)
        => ModelMapper.Band.Contains(AgeFrom ?? double.NegativeInfinity, AgeTo ?? double.PositiveInfinity, c.Age) ? Amount ?? 1.0 : 0.0;
}

/// <summary>A population group (one row of <c>population.csv</c>).</summary>
/// <param name="State">Start state.</param>
/// <param name="StartAge">Age at cycle 0, years.</param>
/// <param name="Weight">Relative weight (normalised).</param>
/// <param name="Source">Where the share comes from.</param>
public sealed record PopulationRow(string State, double StartAge, double Weight, string? Source = null);

/// <summary>A price index level (one row of <c>price_index.csv</c>), used to re-index amounts to the scenario's price year.</summary>
/// <param name="Year">Calendar year.</param>
/// <param name="Index">Index level (any base; annual average).</param>
/// <param name="Source">Source of the index.</param>
public sealed record PriceIndexRow(int Year, double Index, string? Source = null);

/// <summary>An intervention (one row of <c>interventions.csv</c>).</summary>
/// <param name="Name">Unique name.</param>
/// <param name="Kind">Preventive or repair.</param>
/// <param name="EligibleStates">States whose occupants are eligible at the start (empty: everyone).</param>
/// <param name="MinAge">Lowest eligible start age (null: none).</param>
/// <param name="MaxAge">Highest eligible start age (null: none).</param>
/// <param name="Uptake">Share of the eligible who take it up, in [0, 1] (ignored when <paramref name="UptakeParameter"/> is given).</param>
/// <param name="UptakeParameter">Optional parameter giving the uptake.</param>
/// <param name="Description">What it is and where its evidence comes from.</param>
public sealed record InterventionRow(string Name, InterventionKind Kind, IReadOnlyList<string> EligibleStates, double? MinAge = null, double? MaxAge = null, double Uptake = 1, string? UptakeParameter = null, string? Description = null)
{
    /// <inheritdoc/>
    public bool Equals(InterventionRow? other) => other is not null && Name == other.Name && Kind == other.Kind && EligibleStates.SequenceEqual(other.EligibleStates)
        && MinAge == other.MinAge && MaxAge == other.MaxAge && Uptake.Equals(other.Uptake) && UptakeParameter == other.UptakeParameter && Description == other.Description;

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Name, Kind, EligibleStates.Count, MinAge, MaxAge, Uptake, UptakeParameter, Description);
}

/// <summary>A cost of an intervention (one row of <c>intervention_costs.csv</c>).</summary>
/// <param name="Intervention">Intervention name.</param>
/// <param name="Payer">Payer name.</param>
/// <param name="Sector">Sector name.</param>
/// <param name="Kind">Flow kind (usually resource cost).</param>
/// <param name="Timing">Once at the start for each participant, or per cycle while in the given states.</param>
/// <param name="Amount">Amount per participant (upfront) or per participant-year (per cycle); null when the parameter gives it.</param>
/// <param name="Parameter">Optional parameter giving the amount (then Amount must be empty).</param>
/// <param name="DurationYears">For per-cycle costs: how long they last (null: as long as the person is in the states).</param>
/// <param name="States">For per-cycle costs: states in which the cost applies (empty: any living state).</param>
/// <param name="PriceYear">Price year of the amount (null: the scenario's); re-indexed with the price index.</param>
/// <param name="Source">Where the figure comes from.</param>
public sealed record InterventionCostRow(string Intervention, string Payer, string Sector, FlowKind Kind, CostTiming Timing, double? Amount, string? Parameter, double? DurationYears, IReadOnlyList<string> States, int? PriceYear = null, string? Source = null)
{
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
/// <param name="Intervention">Intervention name.</param>
/// <param name="Target">Transition or flows.</param>
/// <param name="From">Transition: the state left. Flows: the state whose flows are scaled (null: all).</param>
/// <param name="To">Transition: the state entered. Flows: must be null.</param>
/// <param name="Payer">Flows: the payer whose flows are scaled (null: all). Transition: must be null.</param>
/// <param name="Sector">Flows: the sector whose flows are scaled (null: all). Transition: must be null.</param>
/// <param name="Measure">Transition effects: the measure. Ignored (stored as <see cref="EffectMeasure.RelativeRisk"/>) for flows.</param>
/// <param name="Value">The effect size (ratio, absolute change, or flow multiplier); null when the parameter gives it.</param>
/// <param name="Parameter">Optional parameter giving the size (then Value must be empty).</param>
/// <param name="Profile">Time profile.</param>
/// <param name="ProfileYears">Constant: years of effect. Decay: half-life. Linear: years of full effect.</param>
/// <param name="ProfileUntil">Decay: delay before decay starts. Linear: years after which the effect is zero.</param>
/// <param name="Source">Evaluation the effect comes from, or "illustrative".</param>
/// <param name="Balance">Transition effects: where the change in probability comes from (column <c>balance</c>: remainder, the default, or proportional).</param>
public sealed record EffectRow(string Intervention, EffectTarget Target, string? From, string? To, string? Payer, string? Sector, EffectMeasure Measure, double? Value, string? Parameter, EffectProfileKind Profile = EffectProfileKind.Permanent, double? ProfileYears = null, double? ProfileUntil = null, string? Source = null, EffectBalance Balance = EffectBalance.Remainder);

/// <summary>A strategy membership (one row of <c>strategies.csv</c>): a strategy and one of its interventions (null for a strategy with none, such as business as usual).</summary>
/// <param name="Strategy">Strategy name.</param>
/// <param name="Intervention">Intervention name, or null.</param>
public sealed record StrategyRow(string Strategy, string? Intervention = null);
