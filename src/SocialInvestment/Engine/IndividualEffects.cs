using SocialInvestment.Model;

namespace SocialInvestment.Engine;

/// <summary>
/// What only individuals have: per-person attributes (heterogeneity) and dependence on time in
/// state without tunnel expansion. Used by the <see cref="MicrosimEngine"/> on top of a compiled
/// model; the cohort engine ignores it. Immutable: every method returns a new instance.
/// </summary>
/// <remarks>
/// <para>
/// Time in state τ at a trace point is the number of consecutive trace points <em>before</em> it
/// that the person spent in the same duration group as now (0 on entry). A duration group is a set
/// of base states sharing one clock (by default each state is its own group); τ is capped at
/// <see cref="DurationCap"/>.
/// </para>
/// <para>
/// Functions are evaluated when a run starts, for τ = 0..cap, into dense tables; the cycle loop
/// never calls them. Attributes are drawn once per person from stream
/// <c>CounterRng.AttributeStreamBase</c> + index, so every strategy sees the same person.
/// </para>
/// </remarks>
public sealed class IndividualEffects
{
    private IndividualEffects(IReadOnlyList<PersonCharacteristic> attributes, IReadOnlyList<IReadOnlyList<string>> groups, int? cap, IReadOnlyList<HazardEffect> hazards, IReadOnlyList<ValueEffect> values)
    {
        Attributes = ReadOnly.Copy(attributes);
        DurationGroups = ReadOnly.Copy(groups);
        DurationCap = cap;
        Hazards = ReadOnly.Copy(hazards);
        Values = ReadOnly.Copy(values);
    }

    /// <summary>No individual effects.</summary>
    public static IndividualEffects None { get; } = new([], [], null, [], []);

    /// <summary>The person attributes, in stream order.</summary>
    public IReadOnlyList<PersonCharacteristic> Attributes { get; }

    /// <summary>Groups of base states sharing one time-in-state clock.</summary>
    public IReadOnlyList<IReadOnlyList<string>> DurationGroups { get; }

    /// <summary>Cap on time in state τ (null: the horizon, so never binding).</summary>
    public int? DurationCap { get; }

    /// <summary>Hazard multipliers on transitions.</summary>
    public IReadOnlyList<HazardEffect> Hazards { get; }

    /// <summary>Per-cycle values replaced by functions of time in state (and attributes).</summary>
    public IReadOnlyList<ValueEffect> Values { get; }

    /// <summary>True when there is nothing individual to simulate.</summary>
    public bool IsEmpty => Attributes.Count == 0 && Hazards.Count == 0 && Values.Count == 0;

    /// <summary>Adds a per-person attribute drawn at the start of the simulation.</summary>
    /// <param name="name">Attribute name (unique).</param>
    /// <param name="quantile">
    /// The attribute's distribution as a quantile function: maps a uniform u ∈ [0, 1) to a value
    /// (for example <c>u =&gt; 0.95 + 0.1·u</c> for U(0.95, 1.05)). The value must be finite.
    /// </param>
    public IndividualEffects WithAttribute(string name, Func<double, double> quantile)
    {
        Guard.NotEmpty(name);
        ArgumentNullException.ThrowIfNull(quantile);
        if (Attributes.Any(a => a.Name == name))
        {
            throw new ArgumentException($"The attribute '{name}' is already defined.", nameof(name));
        }

        return new([.. Attributes, new PersonCharacteristic(name, quantile)], DurationGroups, DurationCap, Hazards, Values);
    }

    /// <summary>Declares base states that share one time-in-state clock (τ keeps counting while moving between them).</summary>
    /// <param name="states">Two or more state names.</param>
    public IndividualEffects WithDurationGroup(params string[] states)
    {
        ArgumentNullException.ThrowIfNull(states);
        if (states.Length == 0)
        {
            throw new ArgumentException("A duration group needs at least one state.", nameof(states));
        }

        return new(Attributes, [.. DurationGroups, states.ToArray()], DurationCap, Hazards, Values);
    }

    /// <summary>Caps time in state τ (tables are built for τ = 0..cap; longer stays use the cap).</summary>
    /// <param name="cap">Cap in cycles, ≥ 0.</param>
    public IndividualEffects WithDurationCap(int cap)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(cap);
        return new(Attributes, DurationGroups, cap, Hazards, Values);
    }

    /// <summary>
    /// Multiplies the hazard of a transition: <c>p' = 1 − (1 − p)^m</c> with
    /// <c>m = multiplier(τ) × attribute</c> (the rate <c>−ln(1 − p)</c> scaled by m, as in the DARTH
    /// microsimulation tutorial), the change in probability taken from (or given to) the
    /// <paramref name="remainderTo"/> transition so the row still sums to 1. A remainder that would
    /// become negative is set to 0 and the row renormalised (flagged at compile time when no attribute is used).
    /// </summary>
    /// <param name="from">Base state left.</param>
    /// <param name="to">Base state entered.</param>
    /// <param name="multiplier">Rate multiplier as a function of time in state τ (≥ 0).</param>
    /// <param name="attribute">Optional attribute multiplying the rate too.</param>
    /// <param name="remainderTo">Base state whose probability absorbs the change (default: staying in <paramref name="from"/>).</param>
    public IndividualEffects ScaleHazard(string from, string to, Func<int, double> multiplier, string? attribute = null, string? remainderTo = null)
    {
        Guard.NotEmpty(from);
        Guard.NotEmpty(to);
        ArgumentNullException.ThrowIfNull(multiplier);
        return new(Attributes, DurationGroups, DurationCap, [.. Hazards, new HazardEffect(from, to, multiplier, attribute, remainderTo ?? from)], Values);
    }

    /// <summary>
    /// Replaces the per-cycle value of an outcome in a state by <c>value(τ) × attribute</c> for the
    /// strategies selected by <paramref name="appliesTo"/> (all when null).
    /// </summary>
    /// <param name="state">Base state.</param>
    /// <param name="outcome">The outcome (for example QALYs).</param>
    /// <param name="value">Value per person-cycle as a function of time in state τ.</param>
    /// <param name="attribute">Optional attribute multiplying the value.</param>
    /// <param name="appliesTo">Strategy filter (null: every strategy).</param>
    public IndividualEffects SetOutcomeValue(string state, Outcome outcome, Func<int, double> value, string? attribute = null, Func<Strategy, bool>? appliesTo = null)
    {
        Guard.NotEmpty(state);
        ArgumentNullException.ThrowIfNull(outcome);
        ArgumentNullException.ThrowIfNull(value);
        return new(Attributes, DurationGroups, DurationCap, Hazards, [.. Values, new ValueEffect(state, outcome, null, value, attribute, appliesTo)]);
    }

    /// <summary>
    /// Replaces the per-cycle base flow booked to an account in a state by <c>value(τ) × attribute</c>
    /// for the strategies selected by <paramref name="appliesTo"/> (all when null).
    /// </summary>
    /// <param name="state">Base state.</param>
    /// <param name="account">The account.</param>
    /// <param name="value">Amount per person-cycle as a function of time in state τ.</param>
    /// <param name="attribute">Optional attribute multiplying the amount.</param>
    /// <param name="appliesTo">Strategy filter (null: every strategy).</param>
    public IndividualEffects SetFlowValue(string state, Account account, Func<int, double> value, string? attribute = null, Func<Strategy, bool>? appliesTo = null)
    {
        Guard.NotEmpty(state);
        ArgumentNullException.ThrowIfNull(value);
        return new(Attributes, DurationGroups, DurationCap, Hazards, [.. Values, new ValueEffect(state, null, account, value, attribute, appliesTo)]);
    }
}

/// <summary>A per-person attribute drawn once at the start from its quantile function.</summary>
/// <param name="Name">Attribute name.</param>
/// <param name="Quantile">Maps a uniform in [0, 1) to the attribute value.</param>
public sealed record PersonCharacteristic(string Name, Func<double, double> Quantile);

/// <summary>A hazard multiplier on a transition (see <see cref="IndividualEffects.ScaleHazard"/>).</summary>
/// <param name="From">Base state left.</param>
/// <param name="To">Base state entered.</param>
/// <param name="Multiplier">Rate multiplier by time in state τ.</param>
/// <param name="Attribute">Attribute multiplying the rate, or null.</param>
/// <param name="RemainderTo">Base state absorbing the change in probability.</param>
public sealed record HazardEffect(string From, string To, Func<int, double> Multiplier, string? Attribute, string RemainderTo);

/// <summary>A per-cycle value replaced by a function of time in state (see <see cref="IndividualEffects.SetOutcomeValue"/>).</summary>
/// <param name="State">Base state.</param>
/// <param name="Outcome">Target outcome, or null when the target is an account.</param>
/// <param name="Account">Target account (base flows), or null when the target is an outcome.</param>
/// <param name="Value">Value per person-cycle by time in state τ.</param>
/// <param name="Attribute">Attribute multiplying the value, or null.</param>
/// <param name="AppliesTo">Strategy filter, or null for all strategies.</param>
public sealed record ValueEffect(string State, Outcome? Outcome, Account? Account, Func<int, double> Value, string? Attribute, Func<Strategy, bool>? AppliesTo);
