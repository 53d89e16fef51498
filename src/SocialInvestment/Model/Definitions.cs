namespace SocialInvestment.Model;

/// <summary>How a transition's value is to be read.</summary>
public enum TransitionValueKind
{
    /// <summary>A per-cycle probability in [0, 1].</summary>
    Probability = 0,

    /// <summary>
    /// An annual rate (hazard) ≥ 0. All rates of a row are competing risks and are converted together:
    /// with total rate <c>R = Σ r_j</c> and cycle length <c>Δt</c>, <c>p_j = (r_j/R)(1 − exp(−R·Δt))</c>;
    /// the rest, <c>exp(−R·Δt)</c>, goes to the row's remainder (staying, unless a remainder is named).
    /// </summary>
    Rate = 1,

    /// <summary>One minus the sum of the row's other probabilities (the complement).</summary>
    Remainder = 2,
}

/// <summary>A transition from one state to another, as a function of the <see cref="ModelContext"/>.</summary>
/// <param name="From">Name of the state left.</param>
/// <param name="To">Name of the state entered (may equal <paramref name="From"/>: staying).</param>
/// <param name="Kind">Probability, rate, or remainder.</param>
/// <param name="Value">The probability or annual rate; null for a remainder.</param>
public sealed record TransitionDefinition(string From, string To, TransitionValueKind Kind, ModelFunction? Value);

/// <summary>What a flow or outcome value is attached to.</summary>
public enum FlowTrigger
{
    /// <summary>Per person-cycle spent in a state (weighted by the counting convention).</summary>
    StateOccupancy = 0,

    /// <summary>Per transition event into a state (a placement, a death).</summary>
    TransitionEvent = 1,
}

/// <summary>
/// An amount booked to an <see cref="Account"/> per person-cycle in a state or per transition
/// event. Amounts are in the prices of <see cref="PriceYear"/> (re-indexed to the model's price
/// year through its price index), signed from the payer's side (positive = cost), and may grow
/// in real terms: the amount at model time τ years is <c>amount·(1 + RealGrowth)^τ</c>.
/// </summary>
public sealed record FlowDefinition
{
    /// <summary>Occupancy or transition event.</summary>
    public required FlowTrigger Trigger { get; init; }

    /// <summary>For occupancy flows the state; for event flows the state left, or null for any state other than <see cref="ToState"/>.</summary>
    public string? FromState { get; init; }

    /// <summary>For event flows the state entered; null for occupancy flows.</summary>
    public string? ToState { get; init; }

    /// <summary>The account booked to.</summary>
    public required Account Account { get; init; }

    /// <summary>The amount per person-cycle (occupancy) or per person making the transition (event), in the currency of the model.</summary>
    public required ModelFunction Amount { get; init; }

    /// <summary>Price year of the amount; null means the model's price year.</summary>
    public int? PriceYear { get; init; }

    /// <summary>Annual real growth rate of the amount (0.01 = 1 % a year). Default 0.</summary>
    public double RealGrowth { get; init; }

    /// <summary>Where the figure comes from (report, table, estimate method).</summary>
    public string? Source { get; init; }

    /// <summary>An amount per person-cycle in a state.</summary>
    /// <param name="state">The state.</param>
    /// <param name="account">The account.</param>
    /// <param name="amount">The amount.</param>
    public static FlowDefinition PerCycle(string state, Account account, ModelFunction amount)
        => new() { Trigger = FlowTrigger.StateOccupancy, FromState = state, Account = account, Amount = amount };

    /// <summary>A constant amount per person-cycle in a state.</summary>
    /// <param name="state">The state.</param>
    /// <param name="account">The account.</param>
    /// <param name="amount">The amount.</param>
    public static FlowDefinition PerCycle(string state, Account account, double amount)
        => PerCycle(state, account, (in ModelContext _) => amount);

    /// <summary>An amount per transition from <paramref name="from"/> (null: any other state) into <paramref name="to"/>.</summary>
    /// <param name="from">The state left, or null for any state other than <paramref name="to"/>.</param>
    /// <param name="to">The state entered.</param>
    /// <param name="account">The account.</param>
    /// <param name="amount">The amount per person making the transition.</param>
    public static FlowDefinition OnTransition(string? from, string to, Account account, ModelFunction amount)
        => new() { Trigger = FlowTrigger.TransitionEvent, FromState = from, ToState = to, Account = account, Amount = amount };
}

/// <summary>An effect-measure value per person-cycle in a state or per transition event (a utility, a disutility, 1 for a life-year).</summary>
/// <param name="Trigger">Occupancy or transition event.</param>
/// <param name="FromState">The state (occupancy) or the state left (event; null = any state other than <paramref name="ToState"/>).</param>
/// <param name="ToState">For events, the state entered.</param>
/// <param name="Outcome">The effect measure.</param>
/// <param name="Value">The value per person-cycle or per event.</param>
public sealed record OutcomeDefinition(FlowTrigger Trigger, string? FromState, string? ToState, Outcome Outcome, ModelFunction Value);

/// <summary>A part of the population: its start age, its start state and its share (weight).</summary>
/// <param name="StartAge">Age in years at cycle 0.</param>
/// <param name="State">Start state.</param>
/// <param name="Weight">Relative weight, ≥ 0; weights are normalised to sum to one.</param>
public sealed record PopulationGroup(double StartAge, string State, double Weight);

/// <summary>
/// Who is modelled: a distribution over start ages and start states, and the number of people
/// (results are totals for <see cref="Size"/> people; 1 gives per-person values).
/// </summary>
public sealed class Population
{
    /// <summary>Creates a population.</summary>
    /// <param name="groups">The groups; weights are normalised.</param>
    /// <param name="size">Number of people represented, &gt; 0 (default 1: per-person results).</param>
    public Population(IEnumerable<PopulationGroup> groups, double size = 1.0)
    {
        ArgumentNullException.ThrowIfNull(groups);
        Groups = ReadOnly.Copy(groups);
        Size = size;
    }

    /// <summary>Everyone starts in one state at one age.</summary>
    /// <param name="startAge">Age at cycle 0.</param>
    /// <param name="state">Start state.</param>
    /// <param name="size">Number of people (default 1).</param>
    public static Population StartingIn(double startAge, string state, double size = 1.0) => new([new PopulationGroup(startAge, state, 1.0)], size);

    /// <summary>The groups.</summary>
    public IReadOnlyList<PopulationGroup> Groups { get; }

    /// <summary>Number of people represented.</summary>
    public double Size { get; }
}

/// <summary>A piecewise-constant schedule by age: bands [From, To) with a value each; 0 outside every band.</summary>
public sealed class AgeSchedule
{
    private readonly (double From, double To, double Value)[] _bands;

    /// <summary>Creates a schedule.</summary>
    /// <param name="bands">Non-overlapping bands: lower age (inclusive), upper age (exclusive), value.</param>
    /// <exception cref="ArgumentException">A band is empty, overlaps another, or has a non-finite value.</exception>
    public AgeSchedule(IEnumerable<(double From, double To, double Value)> bands)
    {
        ArgumentNullException.ThrowIfNull(bands);
        _bands = bands.OrderBy(b => b.From).ToArray();
        for (var i = 0; i < _bands.Length; i++)
        {
            var (from, to, value) = _bands[i];
            if (!(to > from) || !double.IsFinite(value) || double.IsNaN(from))
            {
                throw new ArgumentException($"Age band {i + 1} [{from}, {to}) with value {value} is invalid: bands need From < To and a finite value.", nameof(bands));
            }

            if (i > 0 && from < _bands[i - 1].To)
            {
                throw new ArgumentException($"Age bands [{_bands[i - 1].From}, {_bands[i - 1].To}) and [{from}, {to}) overlap.", nameof(bands));
            }
        }
    }

    /// <summary>A schedule with one value at every age.</summary>
    /// <param name="value">The value.</param>
    public static AgeSchedule Constant(double value) => new([(double.NegativeInfinity, double.PositiveInfinity, value)]);

    /// <summary>The bands in age order.</summary>
    public IReadOnlyList<(double From, double To, double Value)> Bands => _bands;

    /// <summary>The value at an age (0 outside every band).</summary>
    /// <param name="age">Age in years.</param>
    public double this[double age]
    {
        get
        {
            foreach (var (from, to, value) in _bands)
            {
                if (age >= from && age < to)
                {
                    return value;
                }
            }

            return 0.0;
        }
    }
}
