using SocialInvestment.Economics;
using SocialInvestment.Engine;
using SocialInvestment.Model;

namespace SocialInvestment.Uncertainty;

/// <summary>One bar of a tornado diagram.</summary>
/// <param name="Parameter">The parameter varied.</param>
/// <param name="Low">Its low value.</param>
/// <param name="High">Its high value.</param>
/// <param name="ResultAtLow">The figure with the parameter at its low value (others at base).</param>
/// <param name="ResultAtHigh">The figure with the parameter at its high value.</param>
public sealed record TornadoBar(ParameterRef Parameter, double Low, double High, double ResultAtLow, double ResultAtHigh)
{
    /// <summary>The swing <c>|ResultAtHigh − ResultAtLow|</c>, the bar's length.</summary>
    public double Swing => Math.Abs(ResultAtHigh - ResultAtLow);
}

/// <summary>One-way sensitivity results: the base value and one bar per parameter, longest swing first.</summary>
/// <param name="BaseResult">The figure at the base values.</param>
/// <param name="Bars">Bars sorted by decreasing swing (ties keep the input order).</param>
public sealed record TornadoData(double BaseResult, IReadOnlyList<TornadoBar> Bars);

/// <summary>A two-way sensitivity grid: <c>Result[i, j]</c> at (first = FirstValues[i], second = SecondValues[j]).</summary>
/// <param name="First">First parameter.</param>
/// <param name="FirstValues">Its values.</param>
/// <param name="Second">Second parameter.</param>
/// <param name="SecondValues">Its values.</param>
/// <param name="Result">The figure on the grid.</param>
public sealed record TwoWayGrid(ParameterRef First, IReadOnlyList<double> FirstValues, ParameterRef Second, IReadOnlyList<double> SecondValues, double[,] Result);

/// <summary>The switching value of one parameter (null when the NPV does not change sign in its range).</summary>
/// <param name="Parameter">The parameter.</param>
/// <param name="Low">Lower end of the search range.</param>
/// <param name="High">Upper end.</param>
/// <param name="SwitchingValue">The value at which NPV = 0, or null.</param>
public sealed record ThresholdResult(ParameterRef Parameter, double Low, double High, double? SwitchingValue);

/// <summary>Deterministic sensitivity analysis: one-way (tornado), two-way grids, threshold values.</summary>
public static class Sensitivity
{
    /// <summary>
    /// One-way sensitivity of any figure: each parameter in turn at its low and high value, all
    /// others at <paramref name="baseValues"/>.
    /// </summary>
    /// <param name="baseValues">The base parameter values.</param>
    /// <param name="ranges">Low and high value per parameter (for example <see cref="PsaSpecification.Ranges"/>).</param>
    /// <param name="figure">The figure as a function of the parameter values (for example an NPV).</param>
    /// <param name="cancellationToken">Cancels the analysis.</param>
    public static TornadoData OneWay(ParameterValues baseValues, IEnumerable<ParameterRange> ranges, Func<ParameterValues, double> figure, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(baseValues);
        ArgumentNullException.ThrowIfNull(ranges);
        ArgumentNullException.ThrowIfNull(figure);
        var bars = new List<TornadoBar>();
        foreach (var r in ranges)
        {
            cancellationToken.ThrowIfCancellationRequested();
            bars.Add(new TornadoBar(r.Parameter, r.Low, r.High, figure(baseValues.With(r.Parameter, r.Low)), figure(baseValues.With(r.Parameter, r.High))));
        }

        // OrderByDescending is a stable sort.
        return new TornadoData(figure(baseValues), bars.OrderByDescending(b => b.Swing).ToArray());
    }

    /// <summary>One-way sensitivity of a strategy's NPV against a comparator (cohort engine).</summary>
    /// <param name="model">The model.</param>
    /// <param name="strategy">The strategy.</param>
    /// <param name="comparator">The comparator.</param>
    /// <param name="perspective">The perspective.</param>
    /// <param name="ranges">Low and high value per parameter.</param>
    /// <param name="baseValues">Base values; null for the model's.</param>
    /// <param name="cancellationToken">Cancels the analysis.</param>
    public static TornadoData OneWayNpv(LifeCourseModel model, Strategy strategy, Strategy comparator, Perspective perspective, IEnumerable<ParameterRange> ranges, ParameterValues? baseValues = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        return OneWay(baseValues ?? model.BaseParameters, ranges, Npv(model, strategy, comparator, perspective, cancellationToken), cancellationToken);
    }

    /// <summary>Two-way sensitivity: the figure on the grid of two parameters' values, others at base.</summary>
    /// <param name="baseValues">The base parameter values.</param>
    /// <param name="first">First parameter.</param>
    /// <param name="firstValues">Its values (rows).</param>
    /// <param name="second">Second parameter.</param>
    /// <param name="secondValues">Its values (columns).</param>
    /// <param name="figure">The figure as a function of the parameter values.</param>
    /// <param name="cancellationToken">Cancels the analysis.</param>
    public static TwoWayGrid TwoWay(ParameterValues baseValues, ParameterRef first, IEnumerable<double> firstValues, ParameterRef second, IEnumerable<double> secondValues, Func<ParameterValues, double> figure, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(baseValues);
        ArgumentNullException.ThrowIfNull(firstValues);
        ArgumentNullException.ThrowIfNull(secondValues);
        ArgumentNullException.ThrowIfNull(figure);
        if (first.Index == second.Index)
        {
            throw new ArgumentException("The two parameters must differ.", nameof(second));
        }

        var a = firstValues.ToArray();
        var b = secondValues.ToArray();
        var grid = new double[a.Length, b.Length];
        for (var i = 0; i < a.Length; i++)
        {
            for (var j = 0; j < b.Length; j++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                grid[i, j] = figure(baseValues.With([new(first, a[i]), new(second, b[j])]));
            }
        }

        return new TwoWayGrid(first, a, second, b, grid);
    }

    /// <summary>
    /// Threshold (switching) values: for each parameter, the value in its range at which the
    /// strategy's NPV against the comparator is zero (<see cref="Appraisal.SwitchingValue"/>).
    /// </summary>
    /// <param name="model">The model.</param>
    /// <param name="strategy">The strategy.</param>
    /// <param name="comparator">The comparator.</param>
    /// <param name="perspective">The perspective.</param>
    /// <param name="ranges">Search range per parameter.</param>
    /// <param name="baseValues">Values of the other parameters; null for the model's.</param>
    /// <param name="cancellationToken">Cancels the search.</param>
    public static IReadOnlyList<ThresholdResult> Thresholds(LifeCourseModel model, Strategy strategy, Strategy comparator, Perspective perspective, IEnumerable<ParameterRange> ranges, ParameterValues? baseValues = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ranges);
        return ranges.Select(r => new ThresholdResult(r.Parameter, r.Low, r.High, Appraisal.SwitchingValue(model, strategy, comparator, perspective, r.Parameter, r.Low, r.High, baseValues, cancellationToken))).ToArray();
    }

    /// <summary>The NPV of a strategy against a comparator as a function of the parameter values.</summary>
    /// <param name="model">The model.</param>
    /// <param name="strategy">The strategy.</param>
    /// <param name="comparator">The comparator.</param>
    /// <param name="perspective">The perspective.</param>
    /// <param name="cancellationToken">Cancels the runs.</param>
    public static Func<ParameterValues, double> Npv(LifeCourseModel model, Strategy strategy, Strategy comparator, Perspective perspective, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(strategy);
        ArgumentNullException.ThrowIfNull(comparator);
        ArgumentNullException.ThrowIfNull(perspective);
        return p => Appraisal.Compare(CohortEngine.Run(model, strategy, p, cancellationToken), CohortEngine.Run(model, comparator, p, cancellationToken), perspective).NetPresentValue;
    }
}
