namespace SocialInvestment.Model;

/// <summary>
/// A model function that says, point by point, when its value is one parameter times factors that read
/// no parameter: at a context <c>c</c>, <c>f(c) = (c.Parameters[p] · a) · b</c> exactly (the same IEEE
/// operations in this order). A PSA then computes a drawn entry as two multiplications on the draws'
/// values of <c>p</c> (all lanes of a batch at once) instead of calling the function once per draw. The
/// function itself (the delegate whose target implements this) stays the definition that every other
/// path evaluates, so the two give the same number bit for bit.
/// </summary>
internal interface IScaledModelFunction
{
    /// <summary>
    /// At <paramref name="c"/> (the values of <c>c.Parameters</c> are not read): true with the parameter and
    /// the factors when the function's value there is <c>(c.Parameters[parameter] · a) · b</c>, false when it
    /// is not of that form there (a constant, or factors that read a parameter).
    /// </summary>
    bool TryScale(in ModelContext c, out int parameter, out double a, out double b);
}

/// <summary>Finds the scaled form of a model function (<see cref="IScaledModelFunction"/>), where it has one.</summary>
internal static class ScaledForm
{
    /// <summary>
    /// True with <c>(p, a, b)</c> when <paramref name="f"/> is a scaled function (its delegate's target implements
    /// <see cref="IScaledModelFunction"/>) of that form at <paramref name="c"/>.
    /// </summary>
    public static bool TryGet(ModelFunction? f, in ModelContext c, out int parameter, out double a, out double b)
    {
        if (f?.Target is IScaledModelFunction s && s.TryScale(in c, out parameter, out a, out b))
        {
            return true;
        }

        parameter = -1;
        a = 0;
        b = 0;
        return false;
    }

    /// <summary>The scaled form of <paramref name="f"/> at <paramref name="c"/> (<see cref="TryGet"/>), or parameter −1 and factors 0 where it has none.</summary>
    public static (int Parameter, double A, double B) Of(ModelFunction? f, in ModelContext c)
    {
        TryGet(f, in c, out var parameter, out var a, out var b);
        return (parameter, a, b);
    }

    /// <summary>
    /// True with its value when <paramref name="f"/> reads no parameter at <paramref name="c"/>: a pure function then has
    /// that value at this point for every parameter set, so a PSA need not call it per draw.
    /// </summary>
    public static bool TryFixed(ModelFunction f, in ModelContext c, out double value)
    {
        var log = new ReadFlag();
        var probe = new ModelContext(c.Cycle, c.CycleLengthYears, c.StartAge, c.TimeInState, c.Parameters.Tracked(log));
        value = f(in probe);
        return !log.Read;
    }
}

/// <summary>Notes whether a model function read a parameter.</summary>
internal sealed class ReadFlag : IParameterReadLog
{
    public bool Read { get; private set; }

    void IParameterReadLog.Read(int parameter) => Read = true;

    void IParameterReadLog.ReadAll() => Read = true;
}

/// <summary>
/// <c>f(c) = c[level] · shape(c)</c>, and exactly 0 where the shape is 0 (the level is not read there), where <c>shape</c> should read no parameter
/// (<see cref="LifeCourseModelBuilder.Rate(string, string, ParameterRef, ModelFunction)"/> and its siblings).
/// Where the shape reads one, the function is simply evaluated (no scaled form).
/// </summary>
internal sealed class LevelTimesShape : IScaledModelFunction
{
    private readonly int _level;
    private readonly ModelFunction _shape;

    public LevelTimesShape(ParameterRef level, ModelFunction shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        if (level.Index < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(level), level.Index, "The level must be a parameter of the model (a handle from AddParameter).");
        }

        _level = level.Index;
        _shape = shape;
    }

    /// <summary>The model function: the level's value times the shape's.</summary>
    public ModelFunction Function => Evaluate;

    public bool TryScale(in ModelContext c, out int parameter, out double a, out double b)
    {
        parameter = _level;
        b = 1;
        return ScaledForm.TryFixed(_shape, in c, out a) && a != 0;
    }

    /// <summary>The level times the shape; exactly 0 where the shape is 0, without reading the level (so a PSA recomputes nothing there).</summary>
    private double Evaluate(in ModelContext c)
    {
        var shape = _shape(in c);
        return shape == 0 ? 0.0 : c.Parameters[_level] * shape;
    }
}
