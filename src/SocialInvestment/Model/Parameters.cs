using System.Collections.ObjectModel;

namespace SocialInvestment.Model;

/// <summary>
/// A handle to a named model parameter (a probability, a rate, a cost, an effect size). Functions
/// read a parameter's value through <see cref="ModelContext"/>; uncertainty analyses replace the
/// values while the model stays the same.
/// </summary>
/// <param name="Index">Position of the parameter in the model's parameter list.</param>
/// <param name="Name">Unique name of the parameter.</param>
public readonly record struct ParameterRef(int Index, string Name)
{
    /// <inheritdoc />
    public override string ToString() => Name;
}

/// <summary>A named parameter with its base-case (point) value.</summary>
/// <param name="Name">Unique, case-sensitive name.</param>
/// <param name="BaseValue">The point estimate used unless a parameter set says otherwise.</param>
/// <param name="Description">Optional free text: meaning, unit, source.</param>
public sealed record Parameter(string Name, double BaseValue, string? Description = null);

/// <summary>
/// An immutable vector of parameter values, one per parameter of a <see cref="LifeCourseModel"/>,
/// in the model's parameter order.
/// </summary>
public sealed class ParameterValues
{
    private readonly double[] _values;
    private readonly IParameterReadLog? _recorder;

    /// <summary>Creates a parameter set from values in the model's parameter order (the array is copied).</summary>
    /// <param name="values">One value per parameter.</param>
    public ParameterValues(IEnumerable<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        _values = values.ToArray();
    }

    private ParameterValues(double[] values, bool _) => _values = values;

    private ParameterValues(double[] values, IParameterReadLog? recorder)
    {
        _values = values;
        _recorder = recorder;
    }

    /// <summary>The same values, reporting every read to <paramref name="recorder"/> (compile-time dependence recording).</summary>
    internal ParameterValues Tracked(IParameterReadLog recorder) => new(_values, recorder);

    internal static ParameterValues Wrap(double[] values) => new(values, true);

    /// <summary>The value at <paramref name="index"/> without reporting the read (the engine's own reads of values it already knows the dependence of).</summary>
    internal double Untracked(int index) => _values[index];

    /// <summary>Number of values.</summary>
    public int Count => _values.Length;

    /// <summary>The value of a parameter.</summary>
    /// <param name="parameter">The parameter handle.</param>
    public double this[ParameterRef parameter] => this[parameter.Index];

    /// <summary>The value at a position.</summary>
    /// <param name="index">Zero-based parameter index.</param>
    public double this[int index]
    {
        get
        {
            _recorder?.Read(index);
            return _values[index];
        }
    }

    /// <summary>The values as a read-only span.</summary>
    public ReadOnlySpan<double> AsSpan()
    {
        _recorder?.ReadAll();
        return _values;
    }

    /// <summary>Returns a copy with one value replaced.</summary>
    /// <param name="parameter">The parameter to change.</param>
    /// <param name="value">Its new value.</param>
    public ParameterValues With(ParameterRef parameter, double value)
    {
        var copy = (double[])_values.Clone();
        copy[parameter.Index] = value;
        return new ParameterValues(copy, _recorder);
    }

    /// <summary>Returns a copy with several values replaced.</summary>
    /// <param name="changes">Pairs of parameter and new value.</param>
    public ParameterValues With(IEnumerable<KeyValuePair<ParameterRef, double>> changes)
    {
        ArgumentNullException.ThrowIfNull(changes);
        var copy = (double[])_values.Clone();
        foreach (var (p, v) in changes)
        {
            copy[p.Index] = v;
        }

        return new ParameterValues(copy, _recorder);
    }

    internal ReadOnlyCollection<double> AsReadOnly()
    {
        _recorder?.ReadAll();
        return Array.AsReadOnly(_values);
    }
}

/// <summary>
/// A number that is either a constant or the current value of a parameter. Used for effect sizes,
/// uptake and intervention costs so that they can be varied in sensitivity analysis.
/// </summary>
public readonly struct Quantity : IEquatable<Quantity>
{
    private readonly double _constant; // the value of a constant; the factor on the parameter of a parameter quantity.
    private readonly int _parameterIndex; // 0 = constant; otherwise parameter index + 1.

    private Quantity(double constant, int parameterIndex)
    {
        _constant = constant;
        _parameterIndex = parameterIndex;
    }

    /// <summary>A constant quantity.</summary>
    /// <param name="value">The value.</param>
    public static Quantity Constant(double value) => new(value, 0);

    /// <summary>A quantity that takes the value of a parameter.</summary>
    /// <param name="parameter">The parameter.</param>
    public static Quantity Of(ParameterRef parameter) => new(1.0, parameter.Index + 1);

    /// <summary>Converts a constant.</summary>
    /// <param name="value">The value.</param>
    public static implicit operator Quantity(double value) => Constant(value);

    /// <summary>Converts a parameter handle.</summary>
    /// <param name="parameter">The parameter.</param>
    public static implicit operator Quantity(ParameterRef parameter) => Of(parameter);

    /// <summary>True when this quantity reads a parameter.</summary>
    public bool IsParameter => _parameterIndex > 0;

    /// <summary>Evaluates the quantity for a parameter set.</summary>
    /// <param name="parameters">The parameter values.</param>
    public double Evaluate(ParameterValues parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        return _parameterIndex == 0 ? _constant : _constant * parameters[_parameterIndex - 1];
    }

    internal int ParameterIndex => _parameterIndex - 1;

    /// <summary>The value of a constant; the factor on the parameter of a parameter quantity.</summary>
    internal double Coefficient => _constant;

    /// <summary>
    /// This quantity times <paramref name="factor"/>: a constant's value, or the factor on a parameter's
    /// value (so a parameter quantity stays one that varies with its parameter). A factor of 1 returns
    /// the quantity unchanged. Used at the file boundary to turn amounts per person-year into amounts
    /// per person-cycle and to re-index prices.
    /// </summary>
    internal Quantity Times(double factor) => factor == 1.0 ? this : new(_constant * factor, _parameterIndex);

    /// <inheritdoc />
    public bool Equals(Quantity other) => _constant.Equals(other._constant) && _parameterIndex == other._parameterIndex;

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is Quantity q && Equals(q);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(_constant, _parameterIndex);

    /// <summary>Equality.</summary>
    /// <param name="left">Left operand.</param>
    /// <param name="right">Right operand.</param>
    public static bool operator ==(Quantity left, Quantity right) => left.Equals(right);

    /// <summary>Inequality.</summary>
    /// <param name="left">Left operand.</param>
    /// <param name="right">Right operand.</param>
    public static bool operator !=(Quantity left, Quantity right) => !left.Equals(right);

    /// <inheritdoc />
    public override string ToString() => !IsParameter ? _constant.ToString(System.Globalization.CultureInfo.InvariantCulture)
        : _constant == 1.0 ? $"parameter #{ParameterIndex}" : string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{_constant} × parameter #{ParameterIndex}");
}

/// <summary>Receives the reads of a tracked <see cref="ParameterValues"/> (the compiler's dependence recording).</summary>
internal interface IParameterReadLog
{
    /// <summary>A parameter was read.</summary>
    void Read(int parameter);

    /// <summary>Every parameter was read.</summary>
    void ReadAll();
}
