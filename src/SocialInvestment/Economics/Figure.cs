using System.Globalization;

namespace SocialInvestment.Economics;

/// <summary>Why an appraisal figure has no value (or <see cref="Defined"/> when it has one).</summary>
public enum FigureReason
{
    /// <summary>The figure has a finite value.</summary>
    Defined = 0,

    /// <summary>
    /// The perspective invests nothing more than the comparator (present value of incremental
    /// intervention costs ≤ 0), so a ratio to the investment, a return on it or a time to pay it back
    /// has no meaning.
    /// </summary>
    NoInvestment,

    /// <summary>
    /// The net-gain stream is not a conventional investment: neither the stream nor its running total
    /// starts negative and changes sign exactly once (Descartes' rule and Norström's criterion), so the
    /// internal rate of return is not unique or not a return on an investment.
    /// </summary>
    NotConventional,

    /// <summary>No rate in the searched range (−99 % to 10 000 % a year) makes the present value zero.</summary>
    NoRoot,

    /// <summary>The cumulative net gain is still below zero at the end of the horizon.</summary>
    NotPaidBackWithinHorizon,

    /// <summary>The cumulative net gain is never below zero: there is nothing to pay back.</summary>
    NothingToPayBack,

    /// <summary>An input to the figure is not a finite number (infinite or NaN).</summary>
    NonFinite,
}

/// <summary>
/// One figure of an appraisal (a benefit–cost ratio, a return, a rate, a payback time): either a
/// finite <see cref="Value"/>, or no value and the <see cref="Reason"/> why. A figure that is
/// undefined is never shown as a number.
/// </summary>
public readonly record struct Figure : IFormattable
{
    private Figure(double? value, FigureReason reason)
    {
        Value = value;
        Reason = reason;
    }

    /// <summary>The value, finite, when <see cref="IsDefined"/>; otherwise null.</summary>
    public double? Value { get; }

    /// <summary><see cref="FigureReason.Defined"/> when the figure has a value; otherwise why not.</summary>
    public FigureReason Reason { get; }

    /// <summary>True when the figure has a finite value.</summary>
    public bool IsDefined => Value.HasValue;

    /// <summary>An English sentence saying why the figure is undefined (empty when it is defined).</summary>
    public string Explanation => Explain(Reason);

    /// <summary>A defined figure; a non-finite <paramref name="value"/> gives an undefined figure with <see cref="FigureReason.NonFinite"/>.</summary>
    /// <param name="value">The value.</param>
    public static Figure Of(double value) => double.IsFinite(value) ? new Figure(value, FigureReason.Defined) : new Figure(null, FigureReason.NonFinite);

    /// <summary>An undefined figure.</summary>
    /// <param name="reason">Why it is undefined (not <see cref="FigureReason.Defined"/>).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="reason"/> is <see cref="FigureReason.Defined"/> or not a declared value.</exception>
    public static Figure Undefined(FigureReason reason)
    {
        if (reason == FigureReason.Defined || !Enum.IsDefined(reason))
        {
            throw new ArgumentOutOfRangeException(nameof(reason), reason, "Give the reason why the figure is undefined.");
        }

        return new Figure(null, reason);
    }

    /// <summary>The English explanation of a reason (empty for <see cref="FigureReason.Defined"/>).</summary>
    /// <param name="reason">The reason.</param>
    public static string Explain(FigureReason reason) => reason switch
    {
        FigureReason.Defined => string.Empty,
        FigureReason.NoInvestment => "no investment: the perspective spends no more on interventions than under the comparator",
        FigureReason.NotConventional => "not a conventional investment: the net gain must start negative and change sign once",
        FigureReason.NoRoot => "no rate between -99 % and 10 000 % a year makes the present value zero",
        FigureReason.NotPaidBackWithinHorizon => "not paid back within the horizon",
        FigureReason.NothingToPayBack => "nothing to pay back: the cumulative net gain is never negative",
        FigureReason.NonFinite => "an input is not a finite number",
        _ => reason.ToString(),
    };

    /// <summary>The value in invariant culture (round-trip format), or <c>n/a (reason)</c>.</summary>
    public override string ToString() => ToString("R", CultureInfo.InvariantCulture);

    /// <summary>The value formatted like a <see cref="double"/>, or <c>n/a (reason)</c> when undefined.</summary>
    /// <param name="format">A numeric format string (for example <c>F2</c> or <c>P1</c>).</param>
    /// <param name="formatProvider">The culture.</param>
    public string ToString(string? format, IFormatProvider? formatProvider) =>
        Value is double v ? v.ToString(format, formatProvider) : $"n/a ({Explanation})";
}
