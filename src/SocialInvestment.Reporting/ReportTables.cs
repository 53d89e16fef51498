using SocialInvestment.Economics;
using SocialInvestment.Model;
using SocialInvestment.Uncertainty;

namespace SocialInvestment.Reporting;

/// <summary>
/// The report's tables as plain aligned text (for a console), formatted with
/// <see cref="ReportOptions.Culture"/> in <see cref="ReportOptions.Language"/>. Amounts are
/// present values in <see cref="ReportOptions.Currency"/>, totals for the modelled population,
/// rounded to whole units, in the result sign convention: + = the payer or perspective is better
/// off, − = worse off. A figure that is undefined (no investment to divide by or pay back, no
/// unique internal rate of return, not paid back within the horizon) is shown as "n/a" with a
/// numbered footnote giving the reason, never as a number.
/// </summary>
public static class ReportTables
{
    /// <summary>
    /// The appraisal: one row per appraisal (strategy × perspective) with the invested amount
    /// (PV of intervention costs), savings (PV of the change in everything else, + = saves), NPV
    /// (savings − invested, + = better off), benefit–cost ratio, ROI, IRR and the discounted and
    /// undiscounted payback (years from the start), followed by the footnotes of undefined figures.
    /// </summary>
    /// <param name="appraisals">The appraisals, in the order to print.</param>
    /// <param name="options">Culture, language, currency and perspective filter; null for the defaults.</param>
    /// <returns>The table as text lines ending with '\n'.</returns>
    public static string Summary(IReadOnlyList<AppraisalResult> appraisals, ReportOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(appraisals);
        options ??= new ReportOptions();
        options.Validate();
        return SummaryTable(appraisals, options, null).ToText();
    }

    /// <summary>
    /// Who invests, who saves: per payer the invested amount (PV of the intervention costs it bears),
    /// its savings (PV of the change in its other flows, + = saves or gains), its net gain (savings −
    /// invested, + = better off) discounted and undiscounted, and its role.
    /// </summary>
    /// <param name="appraisal">An appraisal (the split by payer does not depend on its perspective).</param>
    /// <param name="options">Culture, language and currency; null for the defaults.</param>
    /// <returns>The table as text lines ending with '\n'.</returns>
    public static string WhoInvestsWhoSaves(AppraisalResult appraisal, ReportOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(appraisal);
        options ??= new ReportOptions();
        options.Validate();
        return PayerTable(appraisal, options, null).ToText();
    }

    /// <summary>
    /// The uncertainty table of a probabilistic sensitivity analysis: one row per strategy (other
    /// than the comparator) × perspective with the mean NPV over the draws, the 95 % percentile
    /// interval (2.5th and 97.5th percentiles, R type 7) and P(NPV &gt; 0), the share of draws in
    /// which benefits exceed costs. NPV is against the comparator, totals for the modelled
    /// population, + = better off.
    /// </summary>
    /// <param name="psa">The PSA result.</param>
    /// <param name="options">Culture, language, currency and perspective filter; null for the defaults.</param>
    /// <returns>The table as text lines ending with '\n'.</returns>
    public static string Uncertainty(PsaResult psa, ReportOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(psa);
        options ??= new ReportOptions();
        options.Validate();
        return UncertaintyTable(psa, options, null, null).ToText();
    }

    internal static string MoneyHeader(Loc t, ReportOptions o, int? priceYear, string id) =>
        t.F(id, t.Money(o.Currency, string.Empty, priceYear, compact: true));

    internal static Table UncertaintyTable(PsaResult psa, ReportOptions options, IReadOnlyList<AppraisalResult>? point, int? priceYear)
    {
        var c = options.Culture;
        var t = Loc.For(options);
        priceYear ??= psa.Specification.Model.PriceYear;
        var headers = new List<string> { t["col.strategy"], t["col.perspective"] };
        var numeric = new List<bool> { false, false };
        if (point is not null)
        {
            headers.Add(MoneyHeader(t, options, priceYear, "col.pointNpv"));
            numeric.Add(true);
        }

        headers.AddRange([MoneyHeader(t, options, priceYear, "col.meanNpv"), MoneyHeader(t, options, priceYear, "col.npvLow"), MoneyHeader(t, options, priceYear, "col.npvHigh"), t["col.probPositive"]]);
        numeric.AddRange([true, true, true, true]);
        var table = new Table(headers, numeric);
        for (var s = 0; s < psa.Strategies.Count; s++)
        {
            if (s == psa.ComparatorIndex)
            {
                continue;
            }

            foreach (var p in psa.Perspectives.Where(p => options.Shows(p.Name)))
            {
                var npv = psa.Summarize(PsaFigure.NetPresentValue, psa.Strategies[s], p);
                var cells = new List<string> { psa.Strategies[s].Name, p.Name };
                if (point is not null)
                {
                    var a = point.FirstOrDefault(a => a.Strategy.Name == psa.Strategies[s].Name && a.Perspective.Equals(p));
                    cells.Add(a is null ? "–" : NumberFormat.Amount(a.NetPresentValue, c));
                }

                cells.AddRange(
                [
                    NumberFormat.Amount(npv.Mean, c),
                    NumberFormat.Amount(npv.Lower, c),
                    NumberFormat.Amount(npv.Upper, c),
                    NumberFormat.Percent(psa.ProbabilityPositiveNpv(psa.Strategies[s], p), c),
                ]);
                table.Add([.. cells]);
            }
        }

        if (point is not null && table.Rows.Any(r => r[2] == "–"))
        {
            table.Footnotes = [t["note.noPointEstimate"]];
        }

        return table;
    }

    internal static Table SummaryTable(IReadOnlyList<AppraisalResult> appraisals, ReportOptions options, int? priceYear)
    {
        var c = options.Culture;
        var t = Loc.For(options);
        var notes = new Footnotes(t);
        var table = new Table(
            [
                t["col.strategy"], t["col.perspective"],
                MoneyHeader(t, options, priceYear, "col.investedPv"), MoneyHeader(t, options, priceYear, "col.savingsPv"), MoneyHeader(t, options, priceYear, "col.npv"),
                t["col.bcr"], t["col.roi"], t["col.irr"], t["col.paybackDiscounted"], t["col.payback"],
            ],
            [false, false, true, true, true, true, true, true, true, true]);
        string Cell(Shown f, Func<double, string> format) => f.Value is double v ? format(v) : notes.Mark(f.Reason ?? "NonFinite");
        foreach (var a in appraisals.Where(a => options.Shows(a.Perspective.Name)))
        {
            table.Add(
                a.Strategy.Name,
                a.Perspective.Name,
                NumberFormat.Amount(a.PresentValueInvestment, c),
                NumberFormat.Amount(a.PresentValueBenefits, c),
                NumberFormat.Amount(a.NetPresentValue, c),
                Cell(Figures.BenefitCostRatio(a), v => NumberFormat.Ratio(v, c)),
                Cell(Figures.ReturnOnInvestment(a), v => NumberFormat.Percent(v, c)),
                Cell(Figures.InternalRateOfReturn(a), v => NumberFormat.Percent(v, c)),
                Cell(Figures.PaybackYearsDiscounted(a), v => NumberFormat.Years(v, c)),
                Cell(Figures.PaybackYears(a), v => NumberFormat.Years(v, c)));
        }

        table.Footnotes = notes.Lines;
        return table;
    }

    internal static Table PayerTable(AppraisalResult appraisal, ReportOptions options, int? priceYear)
    {
        var c = options.Culture;
        var t = Loc.For(options);
        var table = new Table(
            [
                t["col.payer"], MoneyHeader(t, options, priceYear, "col.investedPv"), MoneyHeader(t, options, priceYear, "col.savingsPv"),
                MoneyHeader(t, options, priceYear, "col.netGainPv"), MoneyHeader(t, options, priceYear, "col.netGainUndiscounted"), t["col.role"],
            ],
            [false, true, true, true, true, false]);
        foreach (var p in appraisal.Payers)
        {
            var b = Figures.Balance(p);
            table.Add(
                p.Payer.Name,
                NumberFormat.Amount(b.Invested, c),
                NumberFormat.Amount(b.Savings, c),
                NumberFormat.Amount(b.NetGain, c),
                NumberFormat.Amount(b.NetGainUndiscounted, c),
                t[Role(b.Invested, b.Savings, b.NetGain)]);
        }

        return table;
    }

    internal static Table PayerSectorTable(AppraisalResult appraisal, ReportOptions options, int? priceYear)
    {
        var c = options.Culture;
        var t = Loc.For(options);
        var table = new Table(
            [t["col.payer"], t["col.sector"], MoneyHeader(t, options, priceYear, "col.investedPv"), MoneyHeader(t, options, priceYear, "col.savingsPv"), MoneyHeader(t, options, priceYear, "col.netGainPv")],
            [false, false, true, true, true]);
        foreach (var p in appraisal.PayerSectors)
        {
            var b = Figures.Balance(p);
            table.Add(p.Payer.Name, p.Sector.Name, NumberFormat.Amount(b.Invested, c), NumberFormat.Amount(b.Savings, c), NumberFormat.Amount(b.NetGain, c));
        }

        return table;
    }

    /// <summary>The message id of a payer's role: better off, worse off, or even when the net gain rounds to zero.</summary>
    internal static string Role(double invested, double savings, double netGain)
    {
        var scale = Math.Max(1.0, Math.Abs(invested) + Math.Abs(savings));
        return Math.Abs(netGain) < 0.5 || Math.Abs(netGain) < 1e-9 * scale ? "role.even" : netGain > 0 ? "role.gains" : "role.loses";
    }
}
