using SocialInvestment.Model;

namespace SocialInvestment.Reporting;

/// <summary>
/// What the report's Assumptions section states beyond what the model itself holds: every named
/// parameter with its point value, distribution and source, the interventions with their
/// eligibility, uptake, costs and effects, and the conventions that are settings of the input
/// rather than of the model (the year values are discounted to, the tax financing cost). The
/// caller fills it (the <c>socinv</c> tool fills it from the scenario files), so the Reporting
/// library needs no knowledge of any input format. Immutable; every list may be empty.
/// </summary>
public sealed record ReportAssumptions
{
    /// <summary>Every named parameter, in the order to list them.</summary>
    public IReadOnlyList<ParameterAssumption> Parameters { get; init; } = [];

    /// <summary>Every intervention, in the order to list them.</summary>
    public IReadOnlyList<InterventionAssumption> Interventions { get; init; } = [];

    /// <summary>
    /// Calendar year that present values are discounted to (the decision year), or null when the
    /// report should say "discounted to the start of the model (cycle 0)".
    /// </summary>
    public int? DiscountedToYear { get; init; }

    /// <summary>Tax financing cost λ applied in the society perspective (0.2 = 20 % of the net change in public budgets), or null when not stated.</summary>
    public double? TaxFinancingCost { get; init; }

    /// <summary>Free-text notes on the data (for example how estimates were made), printed as given; null for none.</summary>
    public string? Notes { get; init; }
}

/// <summary>A named parameter as the Assumptions section lists it.</summary>
/// <param name="Name">Parameter name.</param>
/// <param name="Value">Point value used in the deterministic run (in the parameter's own unit).</param>
/// <param name="Distribution">The distribution used in the probabilistic analysis as display text (for example "lognormal −0.2877 0.15"), or null when the parameter is fixed.</param>
/// <param name="Source">Meaning, unit and source as given in the input; text containing the word "illustrative" marks the parameter as illustrative.</param>
public sealed record ParameterAssumption(string Name, double Value, string? Distribution, string? Source);

/// <summary>An intervention as the Assumptions section lists it.</summary>
/// <param name="Name">Intervention name.</param>
/// <param name="Strategies">Strategies that include it.</param>
/// <param name="EligibleStates">States whose occupants are eligible at the start (empty: everyone).</param>
/// <param name="MinAge">Lowest eligible start age in years, or null for none.</param>
/// <param name="MaxAge">Highest eligible start age in years, or null for none.</param>
/// <param name="Uptake">Share of the eligible who take it up, 0–1 (the point value; <paramref name="UptakeParameter"/> names the parameter when one gives it).</param>
/// <param name="UptakeParameter">Parameter giving the uptake, or null.</param>
/// <param name="Description">What it is and where its evidence comes from, or null.</param>
/// <param name="Costs">Its costs.</param>
/// <param name="Effects">Its effects.</param>
public sealed record InterventionAssumption(
    string Name,
    IReadOnlyList<string> Strategies,
    IReadOnlyList<string> EligibleStates,
    double? MinAge,
    double? MaxAge,
    double Uptake,
    string? UptakeParameter,
    string? Description,
    IReadOnlyList<InterventionCostAssumption> Costs,
    IReadOnlyList<InterventionEffectAssumption> Effects);

/// <summary>A cost of an intervention, in the input convention (a positive amount is paid by the payer).</summary>
/// <param name="Payer">Payer that bears it.</param>
/// <param name="Sector">Sector it is booked to.</param>
/// <param name="Timing">Once per participant at the start, or per participant-year while in <paramref name="States"/>.</param>
/// <param name="Amount">Amount per participant (upfront) or per participant-year (per cycle), in the report's currency and price year (the point value of <paramref name="Parameter"/> when one gives it).</param>
/// <param name="Parameter">Parameter giving the amount, or null.</param>
/// <param name="DurationYears">For per-cycle costs: how many years they last, or null for as long as the person stays in the states.</param>
/// <param name="States">For per-cycle costs: states in which the cost applies (empty: any living state).</param>
/// <param name="Source">Source of the figure, or null.</param>
public sealed record InterventionCostAssumption(string Payer, string Sector, CostTiming Timing, double Amount, string? Parameter, double? DurationYears, IReadOnlyList<string> States, string? Source);

/// <summary>How an effect changes over time since the intervention started.</summary>
public enum EffectDuration
{
    /// <summary>Full effect for ever.</summary>
    Permanent = 0,

    /// <summary>Full effect for <see cref="InterventionEffectAssumption.Years"/> years, then none.</summary>
    Constant = 1,

    /// <summary>Full effect for <see cref="InterventionEffectAssumption.Until"/> years (0 when null), then halving every <see cref="InterventionEffectAssumption.Years"/> years.</summary>
    Decay = 2,

    /// <summary>Full effect for <see cref="InterventionEffectAssumption.Years"/> years, falling linearly to none at <see cref="InterventionEffectAssumption.Until"/> years.</summary>
    Linear = 3,
}

/// <summary>An effect of an intervention as the Assumptions section lists it.</summary>
/// <param name="Target">What it changes, as display text (for example "cw_inhome → cw_foster", or "flows of municipality").</param>
/// <param name="Measure">The effect measure (relative risk, odds ratio, …); for flow effects the multiplier is shown as a relative risk.</param>
/// <param name="Size">The effect size (the point value of <paramref name="Parameter"/> when one gives it).</param>
/// <param name="Parameter">Parameter giving the size, or null.</param>
/// <param name="Duration">Its time profile.</param>
/// <param name="Years">Years of the profile (constant: years of effect; decay: half-life; linear: years of full effect), or null.</param>
/// <param name="Until">Decay: delay before the decay starts; linear: years after which the effect is zero; otherwise null.</param>
/// <param name="Source">Evaluation the effect comes from, or null.</param>
/// <param name="IsIllustrative">True when the effect size is not from an evaluation but labelled illustrative; the report prints a warning.</param>
public sealed record InterventionEffectAssumption(string Target, EffectMeasure Measure, double Size, string? Parameter, EffectDuration Duration, double? Years, double? Until, string? Source, bool IsIllustrative);
