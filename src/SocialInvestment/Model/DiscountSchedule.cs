namespace SocialInvestment.Model;

/// <summary>One step of a stepped discount schedule: <see cref="Rate"/> applies from year <see cref="FirstYear"/> on.</summary>
/// <param name="FirstYear">The first step year to which the rate applies, 1-based and counted from the steps' origin: step year k is the interval (k − 1, k] after the origin (see <see cref="DiscountSchedule.Factor"/> for where the origin lies relative to the year discounted to).</param>
/// <param name="Rate">Annual real discount rate, for example 0.04 for 4 %.</param>
public readonly record struct DiscountStep(int FirstYear, double Rate);

/// <summary>How a discount rate compounds.</summary>
public enum Compounding
{
    /// <summary>Annual compounding: a constant rate r gives <c>DF(t) = (1 + r)^−t</c>.</summary>
    Discrete = 0,

    /// <summary>Continuous compounding: a constant rate r gives <c>DF(t) = exp(−r·t)</c>.</summary>
    Continuous = 1,
}

/// <summary>
/// A discount schedule: the factor <c>DF(t)</c> by which an amount <c>t</c> years after the year
/// discounted to is multiplied. Stepped schedules compound piecewise,
/// <c>DF(t) = Π_{k=1..t} 1/(1 + r_k)</c> for whole years (R-109/2021, the Green Book), and
/// log-linearly inside a year for fractional <c>t</c>. Immutable and thread-safe.
/// </summary>
/// <remarks>
/// Excel equivalent for a constant rate: <c>NPV(r, …)</c> discounts its first value by one period,
/// i.e. it uses <c>DF(1)</c> for the first cash flow; choose
/// <see cref="SimulationOptions.DiscountTimeOffsetYears"/> accordingly.
/// </remarks>
public sealed class DiscountSchedule
{
    private readonly DiscountStep[] _steps;
    private readonly double[] _logFactorAtStep; // ln G at the start (FirstYear − 1) of each step

    private DiscountSchedule(string name, DiscountStep[] steps, Compounding compounding)
    {
        if (steps.Length == 0)
        {
            throw new ArgumentException("A discount schedule needs at least one step.", nameof(steps));
        }

        if (steps[0].FirstYear != 1)
        {
            throw new ArgumentException("The first step of a discount schedule must start in year 1.", nameof(steps));
        }

        for (var i = 0; i < steps.Length; i++)
        {
            if (RateProblem(steps[i].Rate, compounding, i + 1) is string problem)
            {
                throw new ArgumentOutOfRangeException(nameof(steps), steps[i].Rate, problem);
            }

            if (i > 0 && steps[i].FirstYear <= steps[i - 1].FirstYear)
            {
                throw new ArgumentException("Discount steps must start in strictly increasing years.", nameof(steps));
            }
        }

        Name = name;
        Compounding = compounding;
        _steps = steps;
        _logFactorAtStep = new double[steps.Length];
        for (var i = 1; i < steps.Length; i++)
        {
            var years = steps[i].FirstYear - steps[i - 1].FirstYear;
            _logFactorAtStep[i] = _logFactorAtStep[i - 1] - (years * LogGrowth(steps[i - 1].Rate));
        }
    }

    /// <summary>Why a discount rate cannot be a step of a schedule, or null when it can: it must be finite and greater than −1 (and ≥ −10 under continuous compounding).</summary>
    /// <param name="rate">The rate.</param>
    /// <param name="compounding">The compounding.</param>
    /// <param name="step">The step's number (from 1), named in the text.</param>
    internal static string? RateProblem(double rate, Compounding compounding, int step)
        => !double.IsFinite(rate) || rate <= -1 || (compounding == Compounding.Continuous && rate < -10)
            ? $"Discount rate of step {step} must be finite and greater than −1."
            : null;

    /// <summary>A short name of the schedule, used in reports.</summary>
    public string Name { get; }

    /// <summary>Discrete (annual) or continuous compounding.</summary>
    public Compounding Compounding { get; }

    /// <summary>The steps, in order.</summary>
    public IReadOnlyList<DiscountStep> Steps => ReadOnly.Own(_steps);

    /// <summary>No discounting: <c>DF(t) = 1</c>.</summary>
    public static DiscountSchedule None { get; } = new("none", [new DiscountStep(1, 0)], Compounding.Discrete);

    /// <summary>
    /// Norway, Finance Ministry circular R-109/2021 (unchanged from R-109/14 in this respect): 4 % real
    /// for years 1–40, 3 % for years 41–75 and 2 % after year 75.
    /// </summary>
    public static DiscountSchedule Norway2021 { get; } = new(
        "Norway R-109/2021",
        [new DiscountStep(1, 0.04), new DiscountStep(41, 0.03), new DiscountStep(76, 0.02)],
        Compounding.Discrete);

    /// <summary>
    /// UK HM Treasury Green Book (2022), annex 6 long-term schedule: 3.5 % for years 0–30, 3.0 % for
    /// 31–75, 2.5 % for 76–125, 2.0 % for 126–200, 1.5 % for 201–300 and 1.0 % after.
    /// </summary>
    public static DiscountSchedule UkGreenBook { get; } = new(
        "UK Green Book",
        [new DiscountStep(1, 0.035), new DiscountStep(31, 0.03), new DiscountStep(76, 0.025), new DiscountStep(126, 0.02), new DiscountStep(201, 0.015), new DiscountStep(301, 0.01)],
        Compounding.Discrete);

    /// <summary>
    /// Denmark, Finance Ministry 2013 schedule: 4 % for years 1–35, 3 % for 36–70, 2 % after year 70.
    /// </summary>
    public static DiscountSchedule Denmark2013 { get; } = new(
        "Denmark 2013",
        [new DiscountStep(1, 0.04), new DiscountStep(36, 0.03), new DiscountStep(71, 0.02)],
        Compounding.Discrete);

    /// <summary>
    /// Denmark, Finance Ministry 2021 schedule: 3.5 % for years 1–35, 2.5 % for 36–70, and 1.5 % after
    /// year 70. The rate after year 70 is our reading of the Finance Ministry's 2021 documentation note;
    /// confirm it against the note before relying on appraisals longer than 70 years.
    /// </summary>
    public static DiscountSchedule Denmark2021 { get; } = new(
        "Denmark 2021",
        [new DiscountStep(1, 0.035), new DiscountStep(36, 0.025), new DiscountStep(71, 0.015)],
        Compounding.Discrete);

    /// <summary>A constant annual rate.</summary>
    /// <param name="rate">Annual rate, for example 0.03.</param>
    /// <param name="compounding">Discrete (<c>(1 + r)^−t</c>, the default) or continuous (<c>exp(−r·t)</c>).</param>
    public static DiscountSchedule Constant(double rate, Compounding compounding = Compounding.Discrete)
        => new(FormattableString.Invariant($"constant {rate:P2}{(compounding == Compounding.Continuous ? " continuous" : "")}"), [new DiscountStep(1, rate)], compounding);

    /// <summary>A stepped schedule; year <c>k</c> uses the rate of the last step whose <see cref="DiscountStep.FirstYear"/> ≤ k.</summary>
    /// <param name="name">A name for reports.</param>
    /// <param name="steps">Steps in increasing order of first year; the first must start in year 1.</param>
    /// <param name="compounding">Discrete or continuous compounding within each step.</param>
    public static DiscountSchedule Stepped(string name, IEnumerable<DiscountStep> steps, Compounding compounding = Compounding.Discrete)
    {
        ArgumentNullException.ThrowIfNull(steps);
        return new DiscountSchedule(name, steps.ToArray(), compounding);
    }

    /// <summary>The annual rate that applies in year <paramref name="year"/> (1-based).</summary>
    /// <param name="year">The year, ≥ 1.</param>
    public double RateInYear(int year)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(year, 1);
        return _steps[StepIndex(year)].Rate;
    }

    /// <summary>
    /// The discount factor for an amount <paramref name="years"/> after the year discounted to:
    /// <c>DF(τ) = G(τ + o)/G(o)</c>, where <c>G(x)</c> compounds the steps from their origin
    /// (<c>G(x) = Π_{k=1..x} 1/(1 + r_k)</c> for whole <c>x ≥ 0</c>, log-linear inside a year) and
    /// <c>o</c> = <paramref name="stepsOffsetYears"/> is the year discounted to minus the origin of the
    /// steps.
    /// </summary>
    /// <remarks>
    /// <para><b>The convention.</b> τ = 0 is the year discounted to: an amount there is not
    /// discounted. Step year <c>k</c> (<see cref="DiscountStep.FirstYear"/> is 1-based) is the interval
    /// <c>(k − 1, k]</c> after the steps' origin, so an amount τ years after the year discounted to lies
    /// in step year <c>⌈τ + o⌉</c>. With <c>o = 0</c> the steps count from the year discounted to
    /// (R-109/2021 as usually applied: 4 % for years 1–40 after it, 3 % for 41–75, 2 % after).</para>
    /// <para><c>o &gt; 0</c>: the steps count from a base year <c>o</c> years <i>before</i> the year
    /// discounted to (values discounted to a later opening year, the 40-year step already partly
    /// used). <c>o &lt; 0</c>: the steps count from a year <c>−o</c> years <i>after</i> the year
    /// discounted to — the convention of Kystverket's FRAM, which discounts to the decision year but
    /// counts R-109's 40 and 75 years from the opening year. The years between the year discounted to
    /// and the origin are discounted at the first step's rate: <c>G(x) = (1 + r_1)^(−x)</c> for
    /// <c>x &lt; 0</c> (continuous: <c>exp(−r_1·x)</c>). Example, R-109 with <c>o = −3</c> (decision
    /// year 2024, opening year 2027): <c>DF(3) = 1.04^−3</c>, <c>DF(43) = 1.04^−43</c>,
    /// <c>DF(44) = 1.04^−43·1.03^−1</c>, <c>DF(79) = 1.04^−43·1.03^−35·1.02^−1</c>.</para>
    /// </remarks>
    /// <param name="years">Time τ in years after the year discounted to; may be fractional, must be ≥ 0.</param>
    /// <param name="stepsOffsetYears">The year discounted to minus the origin of the steps, in years (any finite value; 0 by default).</param>
    /// <returns>The factor, in (0, 1] for non-negative rates.</returns>
    public double Factor(double years, double stepsOffsetYears = 0)
    {
        if (!(years >= 0) || !double.IsFinite(years))
        {
            throw new ArgumentOutOfRangeException(nameof(years), years, "Discount time must be finite and non-negative.");
        }

        if (!double.IsFinite(stepsOffsetYears))
        {
            throw new ArgumentOutOfRangeException(nameof(stepsOffsetYears), stepsOffsetYears, "The steps offset must be a finite number of years.");
        }

        return Math.Exp(LogG(years + stepsOffsetYears) - LogG(stepsOffsetYears));
    }

    /// <summary>
    /// Present value of 1 per year paid at the end of years 1..<paramref name="years"/>: <c>Σ_{t=1..n} DF(t)</c>
    /// (Excel <c>PV(r, n, −1)</c> for a constant rate).
    /// </summary>
    /// <param name="years">Number of annual payments.</param>
    public double AnnuityFactor(int years)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(years);
        var sum = 0.0;
        for (var t = 1; t <= years; t++)
        {
            sum += Factor(t);
        }

        return sum;
    }

    /// <inheritdoc />
    public override string ToString() => Name;

    private double LogGrowth(double rate) => Compounding == Compounding.Continuous ? rate : Numerics.Log1P(rate);

    private int StepIndex(int year)
    {
        var i = _steps.Length - 1;
        while (i > 0 && _steps[i].FirstYear > year)
        {
            i--;
        }

        return i;
    }

    // ln G(x): minus the integrated log growth over (0, x]; for x < 0 (before the steps' origin) the
    // first step's rate extends backwards, ln G(x) = −x·ln(1 + r_1) > 0.
    private double LogG(double x)
    {
        var i = _steps.Length - 1;
        while (i > 0 && _steps[i].FirstYear - 1 > x)
        {
            i--;
        }

        var start = _steps[i].FirstYear - 1;
        return _logFactorAtStep[i] - ((x - start) * LogGrowth(_steps[i].Rate));
    }
}
