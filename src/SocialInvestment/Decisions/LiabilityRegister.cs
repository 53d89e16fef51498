using System.Collections.ObjectModel;
using SocialInvestment.Model;

namespace SocialInvestment.Decisions;

/// <summary>
/// One person of a client register snapshot: who (an id), how old, in which model state and for how
/// long, and optional attributes (district, school, any named grouping) and household. Immutable.
/// </summary>
public sealed record RegisterPerson
{
    /// <summary>Creates a person.</summary>
    /// <param name="personId">Identifier, unique within the register (a pseudonym: never a national identity number).</param>
    /// <param name="age">Age in years at the snapshot date, in [0, 130] (fractional years allowed).</param>
    /// <param name="state">Name of the model state the person is in.</param>
    /// <param name="timeInState">Completed cycles already spent in the state, ≥ 0. Used only for tunnel states (<see cref="State.TunnelCycles"/> &gt; 0), capped at the tunnel's last cycle; ignored otherwise.</param>
    /// <param name="householdId">Household identifier, or null.</param>
    /// <param name="attributes">Named attributes (for example <c>district</c>); null for none. Copied.</param>
    public RegisterPerson(string personId, double age, string state, int timeInState = 0, string? householdId = null, IReadOnlyDictionary<string, string>? attributes = null)
    {
        PersonId = personId;
        Age = age;
        State = state;
        TimeInState = timeInState;
        HouseholdId = householdId;
        Attributes = attributes is null ? Empty : new ReadOnlyDictionary<string, string>(new SortedDictionary<string, string>(attributes.ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal), StringComparer.Ordinal));
    }

    private static readonly IReadOnlyDictionary<string, string> Empty = new ReadOnlyDictionary<string, string>(new SortedDictionary<string, string>(StringComparer.Ordinal));

    /// <summary>Identifier, unique within the register.</summary>
    public string PersonId { get; }

    /// <summary>Age in years at the snapshot date.</summary>
    public double Age { get; }

    /// <summary>The model state.</summary>
    public string State { get; }

    /// <summary>Completed cycles in the state (tunnel states only).</summary>
    public int TimeInState { get; }

    /// <summary>Household identifier, or null.</summary>
    public string? HouseholdId { get; }

    /// <summary>Named attributes, ordinal order of names.</summary>
    public IReadOnlyDictionary<string, string> Attributes { get; }

    /// <summary>The value of an attribute, or null when the person has none.</summary>
    /// <param name="name">Attribute name.</param>
    public string? Attribute(string name) => Attributes.TryGetValue(name, out var v) ? v : null;
}

/// <summary>
/// A snapshot of a client register: one row per person at a date. Immutable. <see cref="Check"/>
/// lists every problem against a model (unknown states, impossible ages, duplicate ids) at once.
/// </summary>
public sealed class ClientRegister
{
    /// <summary>The highest age a register accepts (years).</summary>
    public const double MaxAge = 130;

    private readonly RegisterPerson[] _persons;

    /// <summary>Creates a register snapshot.</summary>
    /// <param name="persons">The persons (copied).</param>
    /// <param name="label">What the snapshot is (for example <c>2025-12-31</c>); shown in results.</param>
    public ClientRegister(IEnumerable<RegisterPerson> persons, string? label = null)
    {
        ArgumentNullException.ThrowIfNull(persons);
        _persons = [.. persons];
        if (_persons.Any(p => p is null))
        {
            throw new ArgumentException("A register row is null.", nameof(persons));
        }

        Label = label;
        AttributeNames = ReadOnly.Copy(_persons.SelectMany(p => p.Attributes.Keys).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal));
    }

    /// <summary>The persons in register order.</summary>
    public IReadOnlyList<RegisterPerson> Persons => _persons;

    /// <summary>Number of persons.</summary>
    public int Count => _persons.Length;

    /// <summary>What the snapshot is, or null.</summary>
    public string? Label { get; }

    /// <summary>Every attribute name any person has, in ordinal order.</summary>
    public IReadOnlyList<string> AttributeNames { get; }

    /// <summary>
    /// Every problem of the register against a model, in row order (row numbers are 1-based
    /// positions in <see cref="Persons"/>): an empty or duplicate person id, an age that is not a
    /// finite number in [0, <see cref="MaxAge"/>], an unknown state, a negative time in state.
    /// </summary>
    /// <param name="model">The model.</param>
    /// <returns>The problems (empty when the register is valid).</returns>
    public IReadOnlyList<ValidationProblem> Check(LifeCourseModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var problems = new List<ValidationProblem>();
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < _persons.Length; i++)
        {
            var p = _persons[i];
            var row = $"register row {i + 1}";
            if (string.IsNullOrWhiteSpace(p.PersonId))
            {
                problems.Add(new ValidationProblem(row, "The person id is empty."));
            }
            else if (!seen.TryAdd(p.PersonId, i + 1))
            {
                problems.Add(new ValidationProblem(row, $"Person id '{p.PersonId}' is a duplicate of row {seen[p.PersonId]}."));
            }

            if (!(double.IsFinite(p.Age) && p.Age >= 0 && p.Age <= MaxAge))
            {
                problems.Add(new ValidationProblem(row, $"Age {p.Age} is impossible: it must be a number of years in [0, {MaxAge}]."));
            }

            if (p.State is null || !model.TryStateIndex(p.State, out _))
            {
                problems.Add(new ValidationProblem(row, $"State '{p.State}' is not a state of model '{model.Name}' ({string.Join(", ", model.States.Select(s => s.Name))})."));
            }

            if (p.TimeInState < 0)
            {
                problems.Add(new ValidationProblem(row, $"Time in state {p.TimeInState} is negative."));
            }
        }

        return problems;
    }
}
