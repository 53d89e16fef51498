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
    /// (years from the start). Sign convention: + = better off. An undefined figure (no investment,
    /// not a conventional stream, never paid back) is printed as <c>n/a: reason</c>, never as a number.
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
    /// Who invests, who saves: per payer the present value of the investment it bears (invested),
    /// of the change in its other flows as a gain (savings: + = pays less or receives more), the net
    /// gain (savings − invested; + = the payer is better off) and the undiscounted net gain.
    /// Independent of the appraisal's perspective.
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
                NumberFormat.Figure(a.BenefitCostRatio, v => NumberFormat.Ratio(v, c)),
                NumberFormat.Figure(a.ReturnOnInvestment, v => NumberFormat.Percent(v, c)),
                NumberFormat.Figure(a.InternalRateOfReturn, v => NumberFormat.Percent(v, c)),
                NumberFormat.Figure(a.PaybackYearsDiscounted, v => NumberFormat.Years(v, c)),
                NumberFormat.Figure(a.PaybackYears, v => NumberFormat.Years(v, c)));
        }

        return table;
    }

    internal static Table PayerTable(AppraisalResult appraisal, ReportOptions options)
    {
        var c = options.Culture;
        var table = new Table(
            ["Payer", $"Invested, PV ({options.Currency})", $"Savings, PV ({options.Currency}, + = saves)", $"Net gain, PV ({options.Currency}, + = better off)", $"Net gain, undiscounted ({options.Currency})", "Role"],
            [false, true, true, true, true, false]);
        foreach (var p in appraisal.Payers)
        {
            table.Add(
                p.Payer.Name,
                NumberFormat.Amount(p.Invested, c),
                NumberFormat.Amount(p.Savings, c),
                NumberFormat.Amount(p.NetGain, c),
                NumberFormat.Amount(p.NetGainUndiscounted, c),
                Role(p));
        }

        return table;
    }

    /// <summary>"gains" when the payer is better off, "loses" when it is worse off, "even" when the net gain rounds to zero.</summary>
    internal static string Role(PayerBalance p)
    {
        var scale = Math.Max(1.0, Math.Abs(p.Invested) + Math.Abs(p.Savings));
        return Math.Abs(p.NetGain) < 0.5 || Math.Abs(p.NetGain) < 1e-9 * scale ? "even" : p.NetGain > 0 ? "better off (net gain)" : "worse off (net cost)";
    }
}
