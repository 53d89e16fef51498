using SocialInvestment.Model;

namespace SocialInvestment.Households;

/// <summary>
/// What happens to a member of a role when they reach an age: they leave the household (are no
/// longer simulated or counted in it from that trace point on) or stay as a member of another role.
/// </summary>
/// <param name="Age">The age in years (finite, &gt; 0) at which the rule applies: at the first trace point t with start age + t × cycle length ≥ Age.</param>
/// <param name="BecomesRole">The role the member takes (for example <c>adult</c>); null: the member leaves.</param>
public sealed record AgeOut(double Age, string? BecomesRole = null)
{
    /// <summary>The member leaves at <paramref name="age"/>.</summary>
    /// <param name="age">Age in years.</param>
    public static AgeOut LeavesAt(double age) => new(age);

    /// <summary>The member stays, as a member of <paramref name="role"/>, from <paramref name="age"/>.</summary>
    /// <param name="age">Age in years.</param>
    /// <param name="role">The new role.</param>
    public static AgeOut StaysAs(double age, string role) => new(age, role);
}

/// <summary>
/// A role members of a household have (adult, child, …). Every role follows the same life-course
/// model (<see cref="HouseholdDefinition.Model"/>); roles differ by their start ages and states, the
/// links that act on them, the household events that apply to them and the conditions that name them.
/// </summary>
/// <param name="Name">Unique, non-empty name.</param>
/// <param name="AgeOut">What happens when a member reaches an age (null: nothing).</param>
public sealed record HouseholdRole(string Name, AgeOut? AgeOut = null);

/// <summary>One possible start of a member: age, state and relative weight.</summary>
/// <param name="Age">Age in years at cycle 0 (finite, ≥ 0).</param>
/// <param name="State">Start state (a state of the model).</param>
/// <param name="Weight">Relative weight (finite, ≥ 0); the weights of a member's starts are normalised.</param>
public sealed record MemberStart(double Age, string State, double Weight = 1.0);

/// <summary>
/// A member of a household template: a role and the distribution of the member's start age and
/// state, or the model's own population (<see cref="FromPopulation"/>), drawn exactly as the
/// individual microsimulation draws a person's start.
/// </summary>
public sealed record HouseholdMember
{
    /// <summary>Creates a member.</summary>
    /// <param name="role">The role's name.</param>
    /// <param name="starts">The start distribution; empty: the model's population.</param>
    public HouseholdMember(string role, IReadOnlyList<MemberStart> starts)
    {
        Role = role;
        Starts = starts is null ? null! : ReadOnly.Copy(starts);
    }

    /// <summary>The role's name.</summary>
    public string Role { get; }

    /// <summary>The start distribution (age, state, weight); empty when the member starts like a person of the model's population.</summary>
    public IReadOnlyList<MemberStart> Starts { get; }

    /// <summary>True when the member starts like a person of the model's own population.</summary>
    public bool StartsFromPopulation => Starts.Count == 0;

    /// <summary>A member who starts at one age in one state.</summary>
    /// <param name="role">The role.</param>
    /// <param name="age">Start age in years.</param>
    /// <param name="state">Start state.</param>
    public static HouseholdMember At(string role, double age, string state) => new(role, [new MemberStart(age, state)]);

    /// <summary>A member whose start is drawn from the model's population (<see cref="LifeCourseModel.Population"/>), with the individual microsimulation's start stream.</summary>
    /// <param name="role">The role.</param>
    public static HouseholdMember FromPopulation(string role) => new(role, []);
}

/// <summary>A kind of household: its members and its relative weight among the templates.</summary>
/// <param name="Name">Unique, non-empty name.</param>
/// <param name="Weight">Relative weight (finite, ≥ 0); the templates' weights are normalised.</param>
/// <param name="Members">The members (at least one, at most <see cref="HouseholdDefinition.MaxMembers"/>), in member order (member 0 first).</param>
public sealed record HouseholdTemplate(string Name, double Weight, IReadOnlyList<HouseholdMember> Members)
{
    /// <summary>The members, member 0 first (an immutable copy of the list given).</summary>
    public IReadOnlyList<HouseholdMember> Members { get; init; } = Members is null ? null! : ReadOnly.Copy(Members);
}

/// <summary>One person of a household register: the household they belong to, their role, age and state at cycle 0.</summary>
/// <param name="Household">The household's identifier (non-empty); rows with the same identifier form one household, in row order.</param>
/// <param name="Role">The member's role.</param>
/// <param name="Age">Age in years at cycle 0.</param>
/// <param name="State">State at cycle 0.</param>
public sealed record RegisterMember(string Household, string Role, double Age, string State);

/// <summary>How a <see cref="HouseholdCondition"/> combines what it tests.</summary>
public enum HouseholdConditionKind
{
    /// <summary>Always true.</summary>
    Always = 0,

    /// <summary>At least one living member (of the role, when named) is in one of the states.</summary>
    Any = 1,

    /// <summary>No living member (of the role, when named) is in any of the states.</summary>
    None = 2,

    /// <summary>Every living member of the role is in one of the states (true when the household has no living member of the role).</summary>
    All = 3,

    /// <summary>All of the <see cref="HouseholdCondition.Parts"/> hold.</summary>
    And = 4,

    /// <summary>At least one of the <see cref="HouseholdCondition.Parts"/> holds.</summary>
    Or = 5,
}

/// <summary>
/// A condition on a household's composition: which of its living members (members present in the
/// household and not in a death state) are in which states. Evaluated on the members' states at a
/// trace point (for links, at the start of the cycle). Data, compared by value; immutable.
/// </summary>
public sealed record HouseholdCondition
{
    private HouseholdCondition(HouseholdConditionKind kind, string? role, IReadOnlyList<string> states, IReadOnlyList<HouseholdCondition> parts)
    {
        Kind = kind;
        Role = role;
        States = ReadOnly.Copy(states);
        Parts = ReadOnly.Copy(parts);
    }

    /// <summary>The kind of test.</summary>
    public HouseholdConditionKind Kind { get; }

    /// <summary>The role tested (null: members of every role) for <see cref="HouseholdConditionKind.Any"/>, <see cref="HouseholdConditionKind.None"/> and <see cref="HouseholdConditionKind.All"/>.</summary>
    public string? Role { get; }

    /// <summary>The states tested (at least one).</summary>
    public IReadOnlyList<string> States { get; }

    /// <summary>The parts of <see cref="HouseholdConditionKind.And"/> and <see cref="HouseholdConditionKind.Or"/>.</summary>
    public IReadOnlyList<HouseholdCondition> Parts { get; }

    /// <summary>A condition that always holds.</summary>
    public static HouseholdCondition Always { get; } = new(HouseholdConditionKind.Always, null, [], []);

    /// <summary>At least one living member of <paramref name="role"/> (every role when null) is in one of <paramref name="states"/>.</summary>
    /// <param name="role">The role, or null for any member.</param>
    /// <param name="states">The states.</param>
    public static HouseholdCondition Any(string? role, params string[] states) => new(HouseholdConditionKind.Any, role, [.. states], []);

    /// <summary>No living member of <paramref name="role"/> (every role when null) is in any of <paramref name="states"/> (for example: no adult in work).</summary>
    /// <param name="role">The role, or null for any member.</param>
    /// <param name="states">The states.</param>
    public static HouseholdCondition None(string? role, params string[] states) => new(HouseholdConditionKind.None, role, [.. states], []);

    /// <summary>Every living member of <paramref name="role"/> (every role when null) is in one of <paramref name="states"/>; true when there is none.</summary>
    /// <param name="role">The role, or null for any member.</param>
    /// <param name="states">The states.</param>
    public static HouseholdCondition All(string? role, params string[] states) => new(HouseholdConditionKind.All, role, [.. states], []);

    /// <summary>All the parts hold.</summary>
    /// <param name="parts">At least one condition.</param>
    public static HouseholdCondition And(params HouseholdCondition[] parts) => new(HouseholdConditionKind.And, null, [], [.. parts]);

    /// <summary>At least one part holds.</summary>
    /// <param name="parts">At least one condition.</param>
    public static HouseholdCondition Or(params HouseholdCondition[] parts) => new(HouseholdConditionKind.Or, null, [], [.. parts]);

    /// <inheritdoc />
    public bool Equals(HouseholdCondition? other)
        => other is not null && Kind == other.Kind && Role == other.Role && States.SequenceEqual(other.States) && Parts.SequenceEqual(other.Parts);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Kind, Role, States.Count, Parts.Count);

    /// <inheritdoc />
    public override string ToString() => Kind switch
    {
        HouseholdConditionKind.Always => "always",
        HouseholdConditionKind.And => "(" + string.Join(" and ", Parts) + ")",
        HouseholdConditionKind.Or => "(" + string.Join(" or ", Parts) + ")",
        _ => $"{Kind.ToString().ToLowerInvariant()} {(Role ?? "member")} in {string.Join("|", States)}",
    };
}

/// <summary>
/// A linked transition: while <see cref="While"/> holds for the household at the start of a cycle,
/// the hazard of members of <see cref="Role"/> for the transition <see cref="From"/> → <see cref="To"/>
/// is multiplied by <see cref="HazardRatio"/>: <c>p' = 1 − (1 − p)^HR</c>, the difference taken from
/// (or given to) staying in <see cref="From"/>. Several links (and household intervention effects)
/// on the same transition multiply. A hazard ratio of exactly 1 is no link at all.
/// </summary>
/// <param name="Role">The role whose transition is changed.</param>
/// <param name="From">The state left (not absorbing).</param>
/// <param name="To">The state entered (≠ From; the model must declare the transition From → To).</param>
/// <param name="HazardRatio">The hazard ratio (finite, ≥ 0).</param>
/// <param name="While">The condition on the household's composition.</param>
public sealed record HouseholdLink(string Role, string From, string To, double HazardRatio, HouseholdCondition While)
{
    /// <summary>Where the hazard ratio comes from (a register study), or a note that it is illustrative.</summary>
    public string? Source { get; init; }

    /// <summary>
    /// A parameter of the life-course model (by name) whose value multiplies <see cref="HazardRatio"/>
    /// (null: none): the hazard ratio used is <c>HazardRatio × value</c>, so a probabilistic
    /// sensitivity analysis that draws the parameter (<c>HouseholdPsa</c>) varies the link.
    /// </summary>
    public string? Parameter { get; init; }
}

/// <summary>
/// A flow that belongs to the household, not to a person (housing benefit, social assistance
/// assessed per household, a family team per family-year): <see cref="AmountPerCycle"/> booked to
/// <see cref="Account"/> once per household per trace point while the household exists (has a
/// living member) and <see cref="While"/> holds, weighted and discounted like a state flow.
/// Positive = the account's payer pays (the input convention).
/// </summary>
/// <param name="Name">Unique, non-empty name.</param>
/// <param name="Account">The ledger cell (payer, sector, kind); added to the model's accounts when it does not declare it.</param>
/// <param name="AmountPerCycle">Amount per household per cycle (finite), in the model's currency.</param>
/// <param name="While">The composition condition (null: always).</param>
public sealed record HouseholdFlow(string Name, Account Account, double AmountPerCycle, HouseholdCondition? While = null)
{
    /// <summary>A parameter of the life-course model (by name) whose value multiplies <see cref="AmountPerCycle"/> (null: none).</summary>
    public string? Parameter { get; init; }
}

/// <summary>An effect of a household intervention: the hazard of members of <see cref="Role"/> for <see cref="From"/> → <see cref="To"/> multiplied by <see cref="HazardRatio"/> while the intervention is active (as for a <see cref="HouseholdLink"/>).</summary>
/// <param name="Role">The role.</param>
/// <param name="From">The state left.</param>
/// <param name="To">The state entered.</param>
/// <param name="HazardRatio">The hazard ratio (finite, ≥ 0).</param>
public sealed record HouseholdEffect(string Role, string From, string To, double HazardRatio)
{
    /// <summary>A parameter of the life-course model (by name) whose value multiplies <see cref="HazardRatio"/> (null: none).</summary>
    public string? Parameter { get; init; }
}

/// <summary>A cost of a household intervention per household per active cycle, booked as the investment (<c>FlowOrigin.Intervention</c>). Positive = the payer pays.</summary>
/// <param name="Account">The ledger cell.</param>
/// <param name="AmountPerCycle">Amount per household per active cycle (finite).</param>
public sealed record HouseholdCost(Account Account, double AmountPerCycle)
{
    /// <summary>A parameter of the life-course model (by name) whose value multiplies <see cref="AmountPerCycle"/> (null: none).</summary>
    public string? Parameter { get; init; }
}

/// <summary>
/// An intervention for households: households whose composition at cycle 0 satisfies
/// <see cref="Eligible"/> take it up with probability <see cref="Uptake"/>, decided once per
/// household (one uniform per household and intervention, the same in every strategy). While it is
/// active (trace points 0 … <see cref="DurationCycles"/> − 1, as long as the household exists) its
/// <see cref="Effects"/> act on the named members' transitions and its <see cref="Costs"/> and the
/// family's time (<see cref="FamilyHoursPerCycle"/> × <see cref="FamilyValuePerHour"/>, booked to the
/// family payer in <see cref="FamilySector"/> as a resource cost) are booked as the investment.
/// </summary>
public sealed record HouseholdIntervention
{
    /// <summary>Creates a household intervention.</summary>
    /// <param name="name">Unique, non-empty name.</param>
    /// <param name="eligible">Which households qualify (at cycle 0).</param>
    /// <param name="uptake">Probability that an eligible household takes it up, in [0, 1].</param>
    /// <param name="durationCycles">Number of cycles it is active (≥ 0).</param>
    public HouseholdIntervention(string name, HouseholdCondition eligible, double uptake, int durationCycles)
    {
        Name = name;
        Eligible = eligible;
        Uptake = uptake;
        DurationCycles = durationCycles;
    }

    /// <summary>The name.</summary>
    public string Name { get; }

    /// <summary>Which households qualify, on their composition at cycle 0.</summary>
    public HouseholdCondition Eligible { get; }

    /// <summary>Probability that an eligible household takes it up.</summary>
    public double Uptake { get; }

    /// <summary>Number of cycles it is active, from cycle 0.</summary>
    public int DurationCycles { get; }

    /// <summary>A parameter of the life-course model (by name) whose value multiplies <see cref="Uptake"/> (null: none); the product must lie in [0, 1].</summary>
    public string? UptakeParameter { get; init; }

    /// <summary>Its effects on members' transitions (an immutable copy of the list given).</summary>
    public IReadOnlyList<HouseholdEffect> Effects { get; init => field = value is null ? null! : ReadOnly.Copy(value); } = ReadOnly.Own(Array.Empty<HouseholdEffect>());

    /// <summary>Its costs per household per active cycle (an immutable copy of the list given).</summary>
    public IReadOnlyList<HouseholdCost> Costs { get; init => field = value is null ? null! : ReadOnly.Copy(value); } = ReadOnly.Own(Array.Empty<HouseholdCost>());

    /// <summary>The family's own time per active cycle, in hours (finite, ≥ 0): the family's contribution as co-investor.</summary>
    public double FamilyHoursPerCycle { get; init; }

    /// <summary>The value of an hour of the family's time (finite, ≥ 0), in the model's currency per hour (for example NOK per hour, stated with its source).</summary>
    public double FamilyValuePerHour { get; init; }

    /// <summary>The sector the family's time is booked to (default <see cref="Sector.SocialServices"/>).</summary>
    public Sector FamilySector { get; init; } = Sector.SocialServices;
}

/// <summary>
/// A strategy for households: the model's strategy its members follow (their individual
/// interventions, default business as usual) and the household interventions offered.
/// </summary>
/// <param name="Name">Unique, non-empty name.</param>
/// <param name="Interventions">The household interventions (at most <see cref="HouseholdDefinition.MaxInterventions"/>).</param>
public sealed record HouseholdStrategy(string Name, IReadOnlyList<HouseholdIntervention> Interventions)
{
    /// <summary>The household interventions (an immutable copy of the list given).</summary>
    public IReadOnlyList<HouseholdIntervention> Interventions { get; init; } = Interventions is null ? null! : ReadOnly.Copy(Interventions);

    /// <summary>The strategy of the life-course model each member follows (default <see cref="Strategy.BusinessAsUsual"/>).</summary>
    public Strategy MemberStrategy { get; init; } = Strategy.BusinessAsUsual;

    /// <summary>No household intervention, members under business as usual.</summary>
    public static HouseholdStrategy BusinessAsUsual { get; } = new("Business as usual", []);
}
