using SocialInvestment.Economics;
using SocialInvestment.Uncertainty;

namespace SocialInvestment.Reporting;

/// <summary>
/// The report's tables as plain aligned text (for a console), formatted with
/// <see cref="ReportOptions.Culture"/>. Amounts are present values in <see cref="ReportOptions.Currency"/>,
/// totals for the modelled population, rounded to whole units.
/// </summary>
public static class ReportTables
{
    /// <summary>
    /// The summary: one row per appraisal (strategy × perspective) with PV(investment),
    /// PV(benefits), NPV, benefit–cost ratio, ROI, IRR and the discounted and undiscounted payback
    /// (years from the start; "not within horizon" when the cumulative net benefit never stays ≥ 0).
    /// </summary>
    /// <param name="appraisals">The appraisals, in the order to print.</param>
    /// <param name="options">Culture, currency and perspective filter; null for the defaults.</param>
    /// <returns>The table as text lines ending with '\n'.</returns>
    public static string Summary(IReadOnlyList<AppraisalResult> appraisals, ReportOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(appraisals);
        options ??= new ReportOptions();
        return SummaryTable(appraisals, options).ToText();
    }

    /// <summary>
    /// Who invests, who saves: per payer the present value of the investment it bears, of the
    /// change in its other flows (negative = savings or extra income), the net (investment +
    /// consequences; positive = the payer is out of pocket) and the undiscounted net. Independent of
    /// the appraisal's perspective.
    /// </summary>
    /// <param name="appraisal">An appraisal of the strategy against its comparator.</param>
    /// <param name="options">Culture and currency; null for the defaults.</param>
    /// <returns>The table as text lines ending with '\n'.</returns>
    public static string WhoInvestsWhoSaves(AppraisalResult appraisal, ReportOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(appraisal);
        options ??= new ReportOptions();
        return PayerTable(appraisal, options).ToText();
    }

    /// <summary>
    /// The uncertainty table of a probabilistic sensitivity analysis: one row per strategy (other
    /// than the comparator) × perspective with the mean NPV over the draws, the 95 % percentile
    /// interval (2.5th and 97.5th percentiles, R type 7) and P(NPV &gt; 0), the share of draws in
    /// which benefits exceed costs. NPV is against the comparator, totals for the modelled population.
    /// </summary>
    /// <param name="psa">The PSA result.</param>
    /// <param name="options">Culture, currency and perspective filter; null for the defaults.</param>
    /// <returns>The table as text lines ending with '\n'.</returns>
    public static string Uncertainty(PsaResult psa, ReportOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(psa);
        options ??= new ReportOptions();
        return UncertaintyTable(psa, options).ToText();
    }

    internal static Table UncertaintyTable(PsaResult psa, ReportOptions options)
    {
        var c = options.Culture;
        var table = new Table(
            ["Strategy", "Perspective", $"Mean NPV ({options.Currency})", $"NPV 2.5th percentile ({options.Currency})", $"NPV 97.5th percentile ({options.Currency})", "P(NPV > 0)"],
            [false, false, true, true, true, true]);
        for (var s = 0; s < psa.Strategies.Count; s++)
        {
            if (s == psa.ComparatorIndex)
            {
                continue;
            }

            foreach (var p in psa.Perspectives.Where(p => options.Shows(p.Name)))
            {
                var npv = psa.Summarize(PsaFigure.NetPresentValue, psa.Strategies[s], p);
                table.Add(
                    psa.Strategies[s].Name,
                    p.Name,
                    NumberFormat.Amount(npv.Mean, c),
                    NumberFormat.Amount(npv.Lower, c),
                    NumberFormat.Amount(npv.Upper, c),
                    NumberFormat.Percent(psa.ProbabilityPositiveNpv(psa.Strategies[s], p), c));
            }
        }

        return table;
    }

    internal static Table SummaryTable(IReadOnlyList<AppraisalResult> appraisals, ReportOptions options)
    {
        var c = options.Culture;
        var table = new Table(
            ["Strategy", "Perspective", $"PV investment ({options.Currency})", $"PV benefits ({options.Currency})", $"NPV ({options.Currency})", "BCR", "ROI", "IRR", "Payback, discounted (years)", "Payback (years)"],
            [false, false, true, true, true, true, true, true, true, true]);
        foreach (var a in appraisals.Where(a => options.Shows(a.Perspective.Name)))
        {
            table.Add(
                a.Strategy,
                a.Perspective.Name,
                NumberFormat.Amount(a.PresentValueInvestment, c),
                NumberFormat.Amount(a.PresentValueBenefits, c),
                NumberFormat.Amount(a.NetPresentValue, c),
                NumberFormat.Ratio(a.BenefitCostRatio, c),
                NumberFormat.Percent(double.IsFinite(a.ReturnOnInvestment) ? a.ReturnOnInvestment : null, c),
                NumberFormat.Percent(a.InternalRateOfReturn, c),
                NumberFormat.Years(a.PaybackYearsDiscounted, c),
                NumberFormat.Years(a.PaybackYears, c));
        }

        return table;
    }

    internal static Table PayerTable(AppraisalResult appraisal, ReportOptions options)
    {
        var c = options.Culture;
        var table = new Table(
            ["Payer", $"Investment, PV ({options.Currency})", $"Consequences, PV ({options.Currency})", $"Net, PV ({options.Currency})", $"Net, undiscounted ({options.Currency})", "Role"],
            [false, true, true, true, true, false]);
        foreach (var p in appraisal.Payers)
        {
            table.Add(
                p.Payer.Name,
                NumberFormat.Amount(p.Investment, c),
                NumberFormat.Amount(p.Consequences, c),
                NumberFormat.Amount(p.Net, c),
                NumberFormat.Amount(p.NetUndiscounted, c),
                Role(p));
        }

        return table;
    }

    /// <summary>"invests" when the payer bears a net cost, "saves" when it gains, "even" when the net rounds to zero.</summary>
    internal static string Role(PayerBalance p)
    {
        var scale = Math.Max(1.0, Math.Abs(p.Investment) + Math.Abs(p.Consequences));
        return Math.Abs(p.Net) < 0.5 || Math.Abs(p.Net) < 1e-9 * scale ? "even" : p.Net > 0 ? "invests (net cost)" : "saves (net gain)";
    }
}
