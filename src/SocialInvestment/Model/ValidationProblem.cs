using System.Collections.ObjectModel;
using System.Globalization;

namespace SocialInvestment.Model;

/// <summary>What kind of thing a <see cref="ValidationProblem"/> is about (<see cref="ProblemSubject.Kind"/>).</summary>
public enum ProblemKind
{
    /// <summary>The model as a whole (no keys).</summary>
    Model = 0,

    /// <summary>A run option or scenario setting; key: the option's name (<c>Cycles</c>, <c>CycleLengthYears</c>, <c>StateWeights</c>, <c>CostDiscounting</c>, … as on <see cref="SimulationOptions"/>; <c>Comparator</c>, <c>Perspectives</c>, <c>TaxFinancingCost</c> for scenario settings).</summary>
    Setting = 1,

    /// <summary>A limit of <see cref="ModelLimits"/> itself; key: the limit's property name.</summary>
    Limit = 2,

    /// <summary>A state; key: its name (no key: the states as a whole, for example their tunnel expansion).</summary>
    State = 3,

    /// <summary>A transition; keys: the state left and the state entered.</summary>
    Transition = 4,

    /// <summary>A row of the transition matrix (every transition out of one state); key: the state left.</summary>
    TransitionRow = 5,

    /// <summary>A flow; key: its 1-based position among the model's flows (no key: the flows as a whole).</summary>
    Flow = 6,

    /// <summary>An outcome or an outcome definition; key: the outcome's name.</summary>
    Outcome = 7,

    /// <summary>A payer; key: its name.</summary>
    Payer = 8,

    /// <summary>A sector; key: its name.</summary>
    Sector = 9,

    /// <summary>A parameter; key: its name (no key: the parameter values as a whole).</summary>
    Parameter = 10,

    /// <summary>The population as a whole (its size, its weights); no keys.</summary>
    Population = 11,

    /// <summary>A population group; key: its 1-based position.</summary>
    PopulationGroup = 12,

    /// <summary>The price index; key: the year concerned, when one is.</summary>
    PriceIndex = 13,

    /// <summary>A strategy; key: its name.</summary>
    Strategy = 14,

    /// <summary>An intervention (its eligibility, uptake, costs); key: its name.</summary>
    Intervention = 15,

    /// <summary>An intervention's effect on a transition; keys: the intervention, the state left, the state entered.</summary>
    InterventionEffect = 16,

    /// <summary>A sector cost model; key: its name.</summary>
    SectorCostModel = 17,

    /// <summary>A perspective; key: its name as given.</summary>
    Perspective = 18,

    /// <summary>A part of a household definition (<c>SocialInvestment.Households</c>); keys: the part (<c>role</c>, <c>template</c>, <c>member</c>, <c>link</c>, <c>flow</c>, <c>intervention</c>, <c>strategy</c>, <c>register</c>, <c>definition</c>) and its name or 1-based position.</summary>
    Household = 19,
}

/// <summary>
/// The machine-readable subject of a <see cref="ValidationProblem"/>: a <see cref="Kind"/> and the
/// keys (names or 1-based positions, as invariant text) that identify the thing within the model,
/// for example <c>(Transition, ["A", "B"])</c> or <c>(Setting, ["Cycles"])</c>. Compared by value;
/// a host finds the definition (or the file row) a problem is about through it, never by reading
/// the message. Immutable.
/// </summary>
public sealed class ProblemSubject : IEquatable<ProblemSubject>
{
    private readonly string[] _keys;

    private ProblemSubject(ProblemKind kind, string[] keys)
    {
        Kind = kind;
        _keys = keys;
        Keys = new ReadOnlyCollection<string>(keys);
    }

    /// <summary>The model as a whole.</summary>
    public static ProblemSubject Model { get; } = new(ProblemKind.Model, []);

    /// <summary>What kind of thing the problem is about.</summary>
    public ProblemKind Kind { get; }

    /// <summary>The keys that identify it (see each <see cref="ProblemKind"/> member); may be empty.</summary>
    public IReadOnlyList<string> Keys { get; }

    /// <summary>A subject of any kind.</summary>
    /// <param name="kind">The kind.</param>
    /// <param name="keys">The keys (null keys become empty strings).</param>
    public static ProblemSubject Of(ProblemKind kind, params IEnumerable<string?> keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        return new ProblemSubject(kind, [.. keys.Select(k => k ?? string.Empty)]);
    }

    /// <summary>A state.</summary>
    /// <param name="name">The state's name.</param>
    public static ProblemSubject State(string? name) => Of(ProblemKind.State, name);

    /// <summary>A transition.</summary>
    /// <param name="from">The state left.</param>
    /// <param name="to">The state entered.</param>
    public static ProblemSubject Transition(string? from, string? to) => Of(ProblemKind.Transition, from, to);

    /// <summary>A row of the transition matrix.</summary>
    /// <param name="from">The state left.</param>
    public static ProblemSubject TransitionRow(string? from) => Of(ProblemKind.TransitionRow, from);

    /// <summary>A flow by its 1-based position among the model's flows.</summary>
    /// <param name="position">1-based position.</param>
    public static ProblemSubject Flow(int position) => Of(ProblemKind.Flow, position.ToString(CultureInfo.InvariantCulture));

    /// <summary>A payer.</summary>
    /// <param name="name">The payer's name.</param>
    public static ProblemSubject Payer(string? name) => Of(ProblemKind.Payer, name);

    /// <summary>A parameter.</summary>
    /// <param name="name">The parameter's name.</param>
    public static ProblemSubject Parameter(string? name) => Of(ProblemKind.Parameter, name);

    /// <summary>A population group by its 1-based position.</summary>
    /// <param name="position">1-based position.</param>
    public static ProblemSubject PopulationGroup(int position) => Of(ProblemKind.PopulationGroup, position.ToString(CultureInfo.InvariantCulture));

    /// <summary>A run option or setting.</summary>
    /// <param name="name">The option's property name, for example <c>nameof(SimulationOptions.Cycles)</c>.</param>
    public static ProblemSubject Setting(string name) => Of(ProblemKind.Setting, name);

    /// <summary>A strategy.</summary>
    /// <param name="name">The strategy's name.</param>
    public static ProblemSubject Strategy(string? name) => Of(ProblemKind.Strategy, name);

    /// <summary>An intervention.</summary>
    /// <param name="name">The intervention's name.</param>
    public static ProblemSubject Intervention(string? name) => Of(ProblemKind.Intervention, name);

    /// <summary>An intervention's effect on a transition.</summary>
    /// <param name="intervention">The intervention's name.</param>
    /// <param name="from">The state left.</param>
    /// <param name="to">The state entered.</param>
    public static ProblemSubject InterventionEffect(string? intervention, string? from, string? to) => Of(ProblemKind.InterventionEffect, intervention, from, to);

    /// <inheritdoc />
    public bool Equals(ProblemSubject? other) => other is not null && Kind == other.Kind && _keys.AsSpan().SequenceEqual(other._keys);

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as ProblemSubject);

    /// <inheritdoc />
    public override int GetHashCode()
    {
        var h = new HashCode();
        h.Add(Kind);
        foreach (var k in _keys)
        {
            h.Add(k, StringComparer.Ordinal);
        }

        return h.ToHashCode();
    }

    /// <summary>The subject as <c>Kind(key, key)</c>, for logs.</summary>
    public override string ToString() => _keys.Length == 0 ? Kind.ToString() : $"{Kind}({string.Join(", ", _keys)})";
}

/// <summary>Where in a file a problem is: the file, and where known its 1-based line and column and the column's or property's name.</summary>
/// <param name="File">The file (for a scenario, its name relative to the scenario folder).</param>
/// <param name="Line">1-based line, when known.</param>
/// <param name="Column">1-based column (the field number in a CSV row, the character in a JSON line), when known.</param>
/// <param name="Field">The CSV column or JSON property, when known.</param>
public sealed record SourcePosition(string File, int? Line = null, int? Column = null, string? Field = null);

/// <summary>One problem found while validating or compiling a model.</summary>
/// <param name="Subject">What the problem is about, as text, for example <c>transition H → S1</c>, <c>state 'NEET'</c> or <c>payer 'kommune'</c>. For programs, <see cref="Target"/> says the same as data.</param>
/// <param name="Message">What is wrong and what is expected.</param>
public sealed record ValidationProblem(string Subject, string Message)
{
    /// <summary>Creates a problem with its machine-readable subject.</summary>
    /// <param name="target">What the problem is about, as data.</param>
    /// <param name="subject">The same as text (see <see cref="Subject"/>).</param>
    /// <param name="message">What is wrong and what is expected.</param>
    public ValidationProblem(ProblemSubject target, string subject, string message)
        : this(subject, message)
    {
        ArgumentNullException.ThrowIfNull(target);
        Target = target;
    }

    /// <summary>What the problem is about, as data: kind and keys (default <see cref="ProblemSubject.Model"/>).</summary>
    public ProblemSubject Target { get; init; } = ProblemSubject.Model;

    /// <summary>The member of the subject the problem concerns, when one does (a property name such as <c>nameof(State.TunnelCycles)</c>, <c>nameof(Payer.Parent)</c>, <c>nameof(TransitionDefinition.To)</c>); null otherwise.</summary>
    public string? Member { get; init; }

    /// <summary>The strategy under which the problem was found (a trial compilation with its interventions' effects), or null when it is a problem of the model itself.</summary>
    public string? Strategy { get; init; }

    /// <summary>The cycle at which a value was found wrong, when it was found at one.</summary>
    public int? Cycle { get; init; }

    /// <summary>The age (years) at which a value was found wrong, when it was found at one.</summary>
    public double? Age { get; init; }

    /// <summary>Where the definition the problem is about was read from, when the model was built from files (set by the layer that read them); null otherwise.</summary>
    public SourcePosition? Position { get; init; }

    /// <inheritdoc />
    public override string ToString() => $"{Subject}: {Message}";
}

/// <summary>
/// Thrown when a model, scenario or option set is invalid. Lists every problem found, not just
/// the first, so that a user can fix them all in one pass; each problem carries its
/// machine-readable subject (<see cref="ValidationProblem.Target"/>) and, for a model built from
/// files, its position (<see cref="ValidationProblem.Position"/>).
/// </summary>
public sealed class ModelValidationException : Exception
{
    /// <summary>Creates the exception from the problems found.</summary>
    /// <param name="problems">At least one problem.</param>
    public ModelValidationException(IReadOnlyList<ValidationProblem> problems)
        : base(Format(problems))
    {
        Problems = problems;
    }

    /// <summary>Creates an exception with a single message (for serializers and tooling).</summary>
    public ModelValidationException()
        : this([new ValidationProblem("model", "The model is invalid.")])
    {
    }

    /// <summary>Creates an exception with a single message.</summary>
    /// <param name="message">The message.</param>
    public ModelValidationException(string message)
        : this([new ValidationProblem("model", message)])
    {
    }

    /// <summary>Creates an exception with a single message and an inner exception.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public ModelValidationException(string message, Exception innerException)
        : base(message, innerException)
    {
        Problems = [new ValidationProblem("model", message)];
    }

    /// <summary>Every problem found.</summary>
    public IReadOnlyList<ValidationProblem> Problems { get; } = [];

    private static string Format(IReadOnlyList<ValidationProblem> problems)
    {
        ArgumentNullException.ThrowIfNull(problems);
        var lines = problems.Select(p => "  - " + p);
        return $"The model is invalid ({problems.Count} problem{(problems.Count == 1 ? "" : "s")}):{Environment.NewLine}{string.Join(Environment.NewLine, lines)}";
    }
}
