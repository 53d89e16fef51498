using SocialInvestment.Economics;

namespace SocialInvestment.Reporting;

/// <summary>A figure as the report shows it: a value, or the reason it is undefined (a <c>reason.*</c> message id suffix).</summary>
internal readonly record struct Shown(double? Value, string? Reason)
{
    public static Shown Of(double value) => double.IsFinite(value) ? new(value, null) : new(null, "NonFinite");
}

/// <summary>
/// Reads the appraisal's figures and balances in the result sign convention (+ = better off):
/// the one place that knows how the core types carry them.
/// </summary>
internal static class Figures
{
    public static Shown BenefitCostRatio(AppraisalResult a) => From(a.BenefitCostRatio);

    public static Shown ReturnOnInvestment(AppraisalResult a) => From(a.ReturnOnInvestment);

    public static Shown InternalRateOfReturn(AppraisalResult a) => From(a.InternalRateOfReturn);

    public static Shown PaybackYears(AppraisalResult a) => From(a.PaybackYears);

    public static Shown PaybackYearsDiscounted(AppraisalResult a) => From(a.PaybackYearsDiscounted);

    private static Shown From(Figure f) => f.Value is double v && double.IsFinite(v) ? new(v, null) : new(null, (f.IsDefined ? FigureReason.NonFinite : f.Reason).ToString());

    /// <summary>Invested (PV of intervention costs borne, + when it spends), savings (PV, + = saves), net gain (PV and undiscounted, + = better off).</summary>
    public static (double Invested, double Savings, double NetGain, double NetGainUndiscounted) Balance(PayerBalance p) =>
        (p.Invested, p.Savings, p.NetGain, p.NetGainUndiscounted);

    /// <summary>The same per payer and sector (discounted).</summary>
    public static (double Invested, double Savings, double NetGain) Balance(PayerSectorBalance p) =>
        (p.Invested, p.Savings, p.NetGain);
}

/// <summary>Numbers the footnotes of one table by the reasons of its undefined figures, in order of first use.</summary>
internal sealed class Footnotes(Loc t)
{
    private static readonly string[] Superscripts = ["¹", "²", "³", "⁴", "⁵", "⁶", "⁷", "⁸", "⁹"];
    private readonly List<string> _reasons = [];

    /// <summary>The cell text of an undefined figure: "n/a" and the footnote's number.</summary>
    public string Mark(string reason)
    {
        var i = _reasons.IndexOf(reason);
        if (i < 0)
        {
            _reasons.Add(reason);
            i = _reasons.Count - 1;
        }

        return t["mark.na"] + Superscript(i);
    }

    /// <summary>The footnotes, each starting with its number.</summary>
    public IReadOnlyList<string> Lines => _reasons.Select((r, i) => Superscript(i) + " " + t["reason." + r]).ToArray();

    private static string Superscript(int i) => i < Superscripts.Length ? Superscripts[i] : "(" + (i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture) + ")";
}
