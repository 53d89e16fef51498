namespace SocialInvestment.Model;

/// <summary>
/// How strongly an intervention's effect acts as a function of the years since it started:
/// a multiplier <c>m(τ)</c> in [0, 1] (1 = full effect, 0 = none).
/// </summary>
public abstract class EffectProfile
{
    private protected EffectProfile()
    {
    }

    /// <summary>Full effect for ever.</summary>
    public static EffectProfile Permanent { get; } = new ConstantProfile(double.PositiveInfinity);

    /// <summary>Full effect for the first <paramref name="years"/> years (<c>τ &lt; years</c>), none after.</summary>
    /// <param name="years">Duration in years, &gt; 0.</param>
    public static EffectProfile ConstantFor(double years)
    {
        Guard.Positive(years);
        return new ConstantProfile(years);
    }

    /// <summary>Full effect until <paramref name="delayYears"/>, then exponential decay: <c>m(τ) = 2^(−(τ − delay)/halfLife)</c>.</summary>
    /// <param name="halfLifeYears">Half-life in years, &gt; 0.</param>
    /// <param name="delayYears">Years of full effect before the decay starts, ≥ 0.</param>
    public static EffectProfile ExponentialDecay(double halfLifeYears, double delayYears = 0)
    {
        Guard.Positive(halfLifeYears);
        Guard.NonNegativeFinite(delayYears);
        return new DecayProfile(halfLifeYears, delayYears);
    }

    /// <summary>Full effect until <paramref name="fullEffectYears"/>, then a linear drop to zero at <paramref name="zeroAfterYears"/>.</summary>
    /// <param name="fullEffectYears">End of the full effect, ≥ 0.</param>
    /// <param name="zeroAfterYears">Time at which the effect is gone, &gt; <paramref name="fullEffectYears"/>.</param>
    public static EffectProfile LinearDropOff(double fullEffectYears, double zeroAfterYears)
    {
        Guard.NonNegativeFinite(fullEffectYears);
        if (!(zeroAfterYears > fullEffectYears) || !double.IsFinite(zeroAfterYears))
        {
            throw new ArgumentOutOfRangeException(nameof(zeroAfterYears), zeroAfterYears, "The effect must end after the full-effect period.");
        }

        return new LinearProfile(fullEffectYears, zeroAfterYears);
    }

    /// <summary>The multiplier at <paramref name="yearsSinceStart"/> years after the intervention started.</summary>
    /// <param name="yearsSinceStart">Years since start, ≥ 0.</param>
    public abstract double Multiplier(double yearsSinceStart);

    private sealed class ConstantProfile(double years) : EffectProfile
    {
        public override double Multiplier(double yearsSinceStart) => yearsSinceStart < years - 1e-9 ? 1.0 : 0.0;

        public override string ToString() => double.IsPositiveInfinity(years) ? "permanent" : $"constant for {years} years";
    }

    private sealed class DecayProfile(double halfLife, double delay) : EffectProfile
    {
        public override double Multiplier(double yearsSinceStart)
            => yearsSinceStart <= delay ? 1.0 : Math.Pow(2.0, -(yearsSinceStart - delay) / halfLife);

        public override string ToString() => $"exponential decay, half-life {halfLife} years after {delay}";
    }

    private sealed class LinearProfile(double full, double zero) : EffectProfile
    {
        public override double Multiplier(double yearsSinceStart)
            => yearsSinceStart <= full ? 1.0 : yearsSinceStart >= zero ? 0.0 : (zero - yearsSinceStart) / (zero - full);

        public override string ToString() => $"linear drop-off from {full} to {zero} years";
    }
}

/// <summary>How an effect on a transition is expressed.</summary>
public enum EffectMeasure
{
    /// <summary>Relative risk: <c>p' = p·RR</c> (on a rate row: <c>r' = r·RR</c>).</summary>
    RelativeRisk = 0,

    /// <summary>Hazard ratio: <c>p' = 1 − (1 − p)^HR</c> (on a rate row: <c>r' = r·HR</c>).</summary>
    HazardRatio = 1,

    /// <summary>Odds ratio: <c>odds' = OR·odds</c>.</summary>
    OddsRatio = 2,

    /// <summary>Absolute change: <c>p' = p + Δ</c>.</summary>
    AbsoluteChange = 3,
}

/// <summary>Where the probability an effect adds to (or removes from) one transition comes from.</summary>
public enum EffectBalance
{
    /// <summary>From the row's remainder, or, without one, the probability of staying (the default). A large effect can make the remainder negative, which compilation reports.</summary>
    Remainder = 0,

    /// <summary>From every other destination of the row in proportion: <c>q_j' = q_j·(1 − p')/(1 − p)</c>. Always feasible for <c>p' ∈ [0, 1]</c>.</summary>
    Proportional = 1,
}

/// <summary>How an effect profile's multiplier <c>m</c> scales a ratio effect (relative risk, hazard ratio, odds ratio).</summary>
public enum EffectScaling
{
    /// <summary>Geometric (the default): a ratio <c>x</c> acts as <c>x^m</c>; an absolute change <c>Δ</c> as <c>m·Δ</c>.</summary>
    Power = 0,

    /// <summary>
    /// Linear in the risk reduction: a ratio <c>x</c> acts as <c>1 − m·(1 − x)</c>, that is <c>1 + m·(x − 1)</c>
    /// (the reduction <c>1 − x</c> fades with <c>m</c>, as in a parameter interpolation
    /// <c>base + m·(value − base)</c> on the ratio); an absolute change <c>Δ</c> as <c>m·Δ</c>.
    /// </summary>
    Linear = 1,
}

/// <summary>
/// How a cohort run treats an intervention's uptake <c>u</c>.
/// </summary>
public enum UptakeMode
{
    /// <summary>
    /// Exact mixture (the default): the cohort is split into sub-cohorts of takers and non-takers
    /// (a share <c>u</c> of the eligible take it, for the whole run); takers get the full effects and
    /// costs, non-takers none. The microsimulation draws who takes it the same way.
    /// </summary>
    Subcohorts = 0,

    /// <summary>
    /// Mean effect: no split; every eligible person gets the uptake-weighted mean of the takers'
    /// and the non-takers' inputs in every cycle. A transition effect with multiplier <c>f</c> on a
    /// rate becomes <c>1 + u·(f − 1)</c> (the mean of the takers' and non-takers' rates); on a
    /// probability <c>p → p'</c> it becomes <c>p + u·(p' − p)</c>; a flow-effect multiplier
    /// <c>1 + m·(M − 1)</c> becomes <c>1 + u·m·(M − 1)</c>; a parameter effect
    /// <c>base + u·m·(value − base)</c>; an outcome effect is scaled by <c>u</c>; every cost is
    /// multiplied by <c>u</c>. It is the common cohort-model convention; because it mixes rates
    /// rather than people it differs from the exact mixture once the effect has acted for more than
    /// one cycle.
    /// </summary>
    MeanEffect = 1,
}

/// <summary>
/// An inclusive age window <c>[MinAge, MaxAge]</c> in years. On a transition effect it is the age
/// at the start of the cycle; on a per-cycle cost it is the age at the trace point (the boundary
/// whose occupancy pays it); on an upfront cost the start age.
/// </summary>
public sealed record AgeWindow
{
    /// <summary>Creates a window.</summary>
    /// <param name="minAge">Lowest age, inclusive (may be −∞).</param>
    /// <param name="maxAge">Highest age, inclusive (may be +∞), ≥ <paramref name="minAge"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException">An age is NaN or <paramref name="maxAge"/> &lt; <paramref name="minAge"/>.</exception>
    public AgeWindow(double minAge, double maxAge)
    {
        if (double.IsNaN(minAge) || double.IsPositiveInfinity(minAge))
        {
            throw new ArgumentOutOfRangeException(nameof(minAge), minAge, "The lowest age must be a number below +∞.");
        }

        if (double.IsNaN(maxAge) || maxAge < minAge)
        {
            throw new ArgumentOutOfRangeException(nameof(maxAge), maxAge, $"The highest age must be a number ≥ the lowest age {minAge}.");
        }

        MinAge = minAge;
        MaxAge = maxAge;
    }

    /// <summary>Lowest age, inclusive.</summary>
    public double MinAge { get; }

    /// <summary>Highest age, inclusive.</summary>
    public double MaxAge { get; }

    /// <summary>True when <paramref name="age"/> lies in the window (with a tolerance of 1e-9 years at both ends).</summary>
    /// <param name="age">Age in years.</param>
    public bool Contains(double age) => age >= MinAge - 1e-9 && age <= MaxAge + 1e-9;

    /// <inheritdoc />
    public override string ToString() => $"ages {MinAge}–{MaxAge}";
}

/// <summary>
/// An effect on the transition <see cref="From"/> → <see cref="To"/>. The profile scales the effect
/// on its natural scale: a ratio <c>x</c> acts as <c>x^m</c>, an absolute change <c>Δ</c> as <c>m·Δ</c>
/// (or, with <see cref="Scaling"/> = <see cref="EffectScaling.Linear"/>, a ratio as <c>1 − m·(1 − x)</c>).
/// The change in probability is balanced as <see cref="Balance"/> says. With <see cref="Ages"/> the
/// effect acts only in cycles whose start age lies in the window.
/// </summary>
/// <param name="From">State left.</param>
/// <param name="To">State entered.</param>
/// <param name="Measure">How the size is expressed.</param>
/// <param name="Size">The effect size.</param>
/// <param name="Profile">Effect over time since start.</param>
/// <param name="Balance">Where the change in probability comes from (default: the remainder or staying).</param>
public sealed record TransitionEffect(string From, string To, EffectMeasure Measure, Quantity Size, EffectProfile Profile, EffectBalance Balance = EffectBalance.Remainder)
{
    /// <summary>How the profile's multiplier scales a ratio (default <see cref="EffectScaling.Power"/>: <c>x^m</c>).</summary>
    public EffectScaling Scaling { get; init; }

    /// <summary>The ages at the start of the cycle in which the effect acts; null for every age.</summary>
    public AgeWindow? Ages { get; init; }
}

/// <summary>
/// An effect that sets a model parameter for the treated: its value at τ years since start is
/// <c>base + m(τ)·(Value − base)</c>. The most faithful way to express treatment effects defined on
/// model inputs (for example a hazard ratio on one rate inside a conditional row).
/// </summary>
/// <param name="Parameter">The parameter.</param>
/// <param name="Value">Its value under full effect.</param>
/// <param name="Profile">Effect over time since start.</param>
public sealed record ParameterEffect(ParameterRef Parameter, Quantity Value, EffectProfile Profile);

/// <summary>
/// An effect on occupancy flows of the treated: matching flows are multiplied by
/// <c>1 + m(τ)·(Multiplier − 1)</c>. Null filters match everything.
/// </summary>
/// <param name="State">State whose flows change, or null for all.</param>
/// <param name="Payer">Payer whose flows change, or null for all.</param>
/// <param name="Sector">Sector whose flows change, or null for all.</param>
/// <param name="Multiplier">Multiplier under full effect (0.8 = 20 % lower).</param>
/// <param name="Profile">Effect over time since start.</param>
public sealed record FlowEffect(string? State, Payer? Payer, Sector? Sector, Quantity Multiplier, EffectProfile Profile);

/// <summary>
/// An effect on an occupancy outcome of the treated in <see cref="State"/>: with <see cref="Replace"/>
/// the value becomes <c>v + m(τ)·(Value − v)</c>; otherwise <c>v + m(τ)·Value</c>.
/// </summary>
/// <param name="State">The state.</param>
/// <param name="Outcome">The effect measure.</param>
/// <param name="Value">New value (replace) or change (add).</param>
/// <param name="Replace">Replace the value rather than add to it.</param>
/// <param name="Profile">Effect over time since start.</param>
public sealed record OutcomeEffect(string State, Outcome Outcome, Quantity Value, bool Replace, EffectProfile Profile);

/// <summary>When an intervention cost falls.</summary>
public enum CostTiming
{
    /// <summary>Once per treated person at the start (cycle 0), weight 1, discounted at cycle 0.</summary>
    Upfront = 0,

    /// <summary>Per treated person-cycle while active, weighted like occupancy flows.</summary>
    PerCycle = 1,
}

/// <summary>A cost of an intervention.</summary>
/// <param name="Account">Who pays, in which sector (the kind is normally <see cref="FlowKind.ResourceCost"/>).</param>
/// <param name="Amount">Amount per treated person (upfront) or per treated person-cycle.</param>
/// <param name="Timing">Upfront or per cycle.</param>
/// <param name="States">For per-cycle costs, the states in which it is paid; null for every non-absorbing state.</param>
/// <param name="DurationYears">For per-cycle costs, how long it is paid (years since start); null for the whole horizon.</param>
public sealed record InterventionCost(Account Account, Quantity Amount, CostTiming Timing, IReadOnlyList<string>? States = null, double? DurationYears = null)
{
    /// <summary>
    /// The ages in which the cost is paid; null for every age. A per-cycle cost is paid at the trace
    /// points whose age (start age + model time) lies in the window; an upfront cost only when the
    /// start age does.
    /// </summary>
    public AgeWindow? Ages { get; init; }
}

/// <summary>Whether an intervention prevents problems or repairs them (a label for reports and portfolios).</summary>
public enum InterventionKind
{
    /// <summary>Changes paths before problems arise.</summary>
    Preventive = 0,

    /// <summary>Services delivered after problems arise.</summary>
    Repair = 1,
}

/// <summary>
/// An investment: who is eligible, how many take it up, what it costs (by payer and sector) and
/// what it changes. It starts at cycle 0 for eligible people who take it up; effects and costs
/// follow their own profiles from there. Immutable; create with <see cref="Intervention.Create"/>.
/// </summary>
public sealed class Intervention
{
    internal Intervention(InterventionBuilder b)
    {
        Name = b.Name;
        Kind = b.KindValue;
        EligibleStates = b.EligibleStatesValue is null ? null : ReadOnly.Copy(b.EligibleStatesValue);
        MinAge = b.MinAgeValue;
        MaxAge = b.MaxAgeValue;
        Uptake = b.UptakeValue;
        UptakeMode = b.UptakeModeValue;
        Costs = ReadOnly.Copy(b.CostsList);
        TransitionEffects = ReadOnly.Copy(b.TransitionEffectsList);
        ParameterEffects = ReadOnly.Copy(b.ParameterEffectsList);
        FlowEffects = ReadOnly.Copy(b.FlowEffectsList);
        OutcomeEffects = ReadOnly.Copy(b.OutcomeEffectsList);
        Description = b.DescriptionValue;
    }

    /// <summary>Starts building an intervention.</summary>
    /// <param name="name">Unique name.</param>
    public static InterventionBuilder Create(string name) => new(name);

    /// <summary>Name.</summary>
    public string Name { get; }

    /// <summary>Preventive or repair.</summary>
    public InterventionKind Kind { get; }

    /// <summary>Free text (what it is, source of the effect sizes).</summary>
    public string? Description { get; }

    /// <summary>Start states that make a person eligible; null for every non-absorbing state.</summary>
    public IReadOnlyList<string>? EligibleStates { get; }

    /// <summary>Lowest eligible start age (inclusive).</summary>
    public double MinAge { get; }

    /// <summary>Highest eligible start age (inclusive).</summary>
    public double MaxAge { get; }

    /// <summary>Share of the eligible who take it up, in [0, 1].</summary>
    public Quantity Uptake { get; }

    /// <summary>How a cohort run treats the uptake: exact sub-cohorts of takers (default) or the uptake-weighted mean effect.</summary>
    public UptakeMode UptakeMode { get; }

    /// <summary>Costs.</summary>
    public IReadOnlyList<InterventionCost> Costs { get; }

    /// <summary>Effects on transitions.</summary>
    public IReadOnlyList<TransitionEffect> TransitionEffects { get; }

    /// <summary>Effects on parameters.</summary>
    public IReadOnlyList<ParameterEffect> ParameterEffects { get; }

    /// <summary>Effects on occupancy flows.</summary>
    public IReadOnlyList<FlowEffect> FlowEffects { get; }

    /// <summary>Effects on outcomes.</summary>
    public IReadOnlyList<OutcomeEffect> OutcomeEffects { get; }

    /// <inheritdoc />
    public override string ToString() => Name;
}

/// <summary>Builds an <see cref="Intervention"/>. Not thread-safe; the result is immutable.</summary>
public sealed class InterventionBuilder
{
    internal InterventionBuilder(string name)
    {
        Guard.NotEmpty(name);
        Name = name;
    }

    internal string Name { get; }

    internal InterventionKind KindValue { get; private set; }

    internal string? DescriptionValue { get; private set; }

    internal List<string>? EligibleStatesValue { get; private set; }

    internal double MinAgeValue { get; private set; } = double.NegativeInfinity;

    internal double MaxAgeValue { get; private set; } = double.PositiveInfinity;

    internal Quantity UptakeValue { get; private set; } = 1.0;

    internal UptakeMode UptakeModeValue { get; private set; }

    internal List<InterventionCost> CostsList { get; } = [];

    internal List<TransitionEffect> TransitionEffectsList { get; } = [];

    internal List<ParameterEffect> ParameterEffectsList { get; } = [];

    internal List<FlowEffect> FlowEffectsList { get; } = [];

    internal List<OutcomeEffect> OutcomeEffectsList { get; } = [];

    /// <summary>Labels the intervention preventive or repair.</summary>
    /// <param name="kind">The kind.</param>
    public InterventionBuilder OfKind(InterventionKind kind)
    {
        KindValue = kind;
        return this;
    }

    /// <summary>Describes the intervention.</summary>
    /// <param name="description">Free text.</param>
    public InterventionBuilder Describe(string description)
    {
        DescriptionValue = description;
        return this;
    }

    /// <summary>Restricts eligibility to people starting in these states.</summary>
    /// <param name="states">State names.</param>
    public InterventionBuilder EligibleIn(params string[] states)
    {
        ArgumentNullException.ThrowIfNull(states);
        EligibleStatesValue = [.. states];
        return this;
    }

    /// <summary>Restricts eligibility to start ages in [<paramref name="minAge"/>, <paramref name="maxAge"/>].</summary>
    /// <param name="minAge">Lowest age, inclusive.</param>
    /// <param name="maxAge">Highest age, inclusive.</param>
    public InterventionBuilder EligibleAges(double minAge, double maxAge)
    {
        MinAgeValue = minAge;
        MaxAgeValue = maxAge;
        return this;
    }

    /// <summary>Sets the uptake among the eligible (default 1).</summary>
    /// <param name="uptake">Share in [0, 1], constant or a parameter.</param>
    public InterventionBuilder WithUptake(Quantity uptake)
    {
        UptakeValue = uptake;
        return this;
    }

    /// <summary>Sets the uptake among the eligible and how a cohort run treats it.</summary>
    /// <param name="uptake">Share in [0, 1], constant or a parameter.</param>
    /// <param name="mode">Exact sub-cohorts of takers (<see cref="UptakeMode.Subcohorts"/>) or the uptake-weighted mean effect (<see cref="UptakeMode.MeanEffect"/>).</param>
    public InterventionBuilder WithUptake(Quantity uptake, UptakeMode mode)
    {
        if (!Enum.IsDefined(mode))
        {
            throw new ArgumentOutOfRangeException(nameof(mode), mode, "Unknown uptake mode.");
        }

        UptakeValue = uptake;
        UptakeModeValue = mode;
        return this;
    }

    /// <summary>Adds a fully specified cost (for example one restricted to an <see cref="AgeWindow"/>).</summary>
    /// <param name="cost">The cost.</param>
    public InterventionBuilder AddCost(InterventionCost cost)
    {
        ArgumentNullException.ThrowIfNull(cost);
        CostsList.Add(cost);
        return this;
    }

    /// <summary>Adds a fully specified transition effect (for example one with <see cref="EffectScaling.Linear"/> fading or an <see cref="AgeWindow"/>).</summary>
    /// <param name="effect">The effect.</param>
    public InterventionBuilder AffectTransition(TransitionEffect effect)
    {
        ArgumentNullException.ThrowIfNull(effect);
        TransitionEffectsList.Add(effect);
        return this;
    }

    /// <summary>Adds an upfront cost per treated person.</summary>
    /// <param name="account">Who pays, in which sector.</param>
    /// <param name="amount">Amount per person.</param>
    public InterventionBuilder UpfrontCost(Account account, Quantity amount)
    {
        CostsList.Add(new InterventionCost(account, amount, CostTiming.Upfront));
        return this;
    }

    /// <summary>Adds a cost per treated person-cycle while active.</summary>
    /// <param name="account">Who pays, in which sector.</param>
    /// <param name="amount">Amount per person-cycle.</param>
    /// <param name="durationYears">How long it is paid; null for the whole horizon.</param>
    /// <param name="inStates">States in which it is paid; none given means every non-absorbing state.</param>
    public InterventionBuilder CostPerCycle(Account account, Quantity amount, double? durationYears = null, params string[] inStates)
    {
        ArgumentNullException.ThrowIfNull(inStates);
        CostsList.Add(new InterventionCost(account, amount, CostTiming.PerCycle, inStates.Length == 0 ? null : ReadOnly.Copy(inStates), durationYears));
        return this;
    }

    /// <summary>Adds an effect on a transition.</summary>
    /// <param name="from">State left.</param>
    /// <param name="to">State entered.</param>
    /// <param name="measure">How the size is expressed.</param>
    /// <param name="size">Effect size.</param>
    /// <param name="profile">Effect over time; null for permanent.</param>
    /// <param name="balance">Where the change in probability comes from (default: the remainder or staying).</param>
    public InterventionBuilder AffectTransition(string from, string to, EffectMeasure measure, Quantity size, EffectProfile? profile = null, EffectBalance balance = EffectBalance.Remainder)
    {
        TransitionEffectsList.Add(new TransitionEffect(from, to, measure, size, profile ?? EffectProfile.Permanent, balance));
        return this;
    }

    /// <summary>Sets a parameter for the treated.</summary>
    /// <param name="parameter">The parameter.</param>
    /// <param name="value">Its value under full effect.</param>
    /// <param name="profile">Effect over time; null for permanent.</param>
    public InterventionBuilder SetParameter(ParameterRef parameter, Quantity value, EffectProfile? profile = null)
    {
        ParameterEffectsList.Add(new ParameterEffect(parameter, value, profile ?? EffectProfile.Permanent));
        return this;
    }

    /// <summary>Multiplies occupancy flows of the treated.</summary>
    /// <param name="multiplier">Multiplier under full effect.</param>
    /// <param name="state">State filter, or null.</param>
    /// <param name="payer">Payer filter, or null.</param>
    /// <param name="sector">Sector filter, or null.</param>
    /// <param name="profile">Effect over time; null for permanent.</param>
    public InterventionBuilder ScaleFlows(Quantity multiplier, string? state = null, Payer? payer = null, Sector? sector = null, EffectProfile? profile = null)
    {
        FlowEffectsList.Add(new FlowEffect(state, payer, sector, multiplier, profile ?? EffectProfile.Permanent));
        return this;
    }

    /// <summary>Sets an occupancy outcome value for the treated in a state.</summary>
    /// <param name="state">The state.</param>
    /// <param name="outcome">The outcome.</param>
    /// <param name="value">The new value.</param>
    /// <param name="profile">Effect over time; null for permanent.</param>
    public InterventionBuilder SetOutcome(string state, Outcome outcome, Quantity value, EffectProfile? profile = null)
    {
        OutcomeEffectsList.Add(new OutcomeEffect(state, outcome, value, true, profile ?? EffectProfile.Permanent));
        return this;
    }

    /// <summary>Adds to an occupancy outcome value for the treated in a state.</summary>
    /// <param name="state">The state.</param>
    /// <param name="outcome">The outcome.</param>
    /// <param name="change">The change.</param>
    /// <param name="profile">Effect over time; null for permanent.</param>
    public InterventionBuilder AddToOutcome(string state, Outcome outcome, Quantity change, EffectProfile? profile = null)
    {
        OutcomeEffectsList.Add(new OutcomeEffect(state, outcome, change, false, profile ?? EffectProfile.Permanent));
        return this;
    }

    /// <summary>Builds the immutable intervention (the model validates names when it is built).</summary>
    public Intervention Build() => new(this);
}

/// <summary>A named package of interventions on top of the base model. Business as usual ("repair") is a strategy with none.</summary>
public sealed class Strategy
{
    /// <summary>Creates a strategy.</summary>
    /// <param name="name">Unique name.</param>
    /// <param name="interventions">Its interventions (at most 8, applied in order).</param>
    public Strategy(string name, params Intervention[] interventions)
    {
        Guard.NotEmpty(name);
        ArgumentNullException.ThrowIfNull(interventions);
        Name = name;
        Interventions = ReadOnly.Copy(interventions);
    }

    /// <summary>Name.</summary>
    public string Name { get; }

    /// <summary>Interventions, in the order their effects are applied.</summary>
    public IReadOnlyList<Intervention> Interventions { get; }

    /// <summary>A strategy with no intervention, named "Business as usual".</summary>
    public static Strategy BusinessAsUsual { get; } = new("Business as usual");

    /// <inheritdoc />
    public override string ToString() => Name;
}
