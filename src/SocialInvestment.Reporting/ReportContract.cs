using System.Globalization;
using SocialInvestment.Economics;
using SocialInvestment.Uncertainty;

namespace SocialInvestment.Reporting;

/// <summary>
/// The report of <c>socinv contract</c>: for each outcome contract its terms, what each measurement
/// counted and whether it triggered payment, the payment schedule, the investor's capital, net, IRR
/// and multiple, the commissioner's NPV with the contract against running the intervention itself,
/// and under a PSA the probabilities (investor loss, any payment, contract better) with the
/// distributions of payments and of the investor's IRR as charts. Units, price year and sign
/// convention are stated with every table and axis. The text is in the report's language (English or
/// Norwegian bokmål, <see cref="ReportOptions.Language"/>); numbers follow the culture, and the names
/// of contracts, outcomes, strategies and payers are printed as given.
/// </summary>
public static class ContractReport
{
    /// <summary>Builds the report.</summary>
    /// <param name="results">The evaluated contracts (base case), at least one.</param>
    /// <param name="psa">Their PSA results in the same order, or null.</param>
    /// <param name="priceYear">The price year of the amounts, or null.</param>
    /// <param name="options">Title, culture, currency, chart size, provenance; null for the defaults.</param>
    /// <returns>The report, ready to render or write.</returns>
    public static Report Build(IReadOnlyList<ContractResult> results, IReadOnlyList<ContractPsaResult>? psa, int? priceYear, ReportOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(results);
        options ??= new ReportOptions();
        options.Validate();
        var c = options.Culture;
        var t = Loc.For(options);
        var money = t.Money(options.Currency, string.Empty, priceYear);
        var blocks = new List<Block> { new HeadingBlock(1, options.Title) };
        if (!string.IsNullOrWhiteSpace(options.Description))
        {
            blocks.Add(new ParagraphBlock(options.Description));
        }

        blocks.Add(new HeadingBlock(2, t["contract.heading"], "contract"));
        blocks.Add(new ParagraphBlock(t.F("contract.intro", money)));
        for (var i = 0; i < results.Count; i++)
        {
            var r = results[i];
            var k = r.Contract;
            blocks.Add(new HeadingBlock(3, t.F("contract.heading.contract", k.Name, k.Strategy, k.Comparator, k.Payer)));
            if (!string.IsNullOrWhiteSpace(k.Description))
            {
                blocks.Add(k.Description.Contains("illustrative", StringComparison.OrdinalIgnoreCase) ? new WarningBlock(k.Description) : new ParagraphBlock(k.Description));
            }

            blocks.Add(new TableBlock(Terms(k, t, money)));
            blocks.Add(new TableBlock(Measurements(r, t)));
            if (r.Payments.Count > 0)
            {
                blocks.Add(new TableBlock(Payments(r, t, money)));
            }
            else
            {
                blocks.Add(new ParagraphBlock(t["contract.noPayment"]));
            }

            blocks.Add(new TableBlock(Figures(r, t, money)));
            var index = (i + 1).ToString(CultureInfo.InvariantCulture);
            blocks.Add(new ChartBlock(new ReportChart(
                ContractTexts.ScheduleTitle(t, k.Name),
                t.F("contract.caption.schedule", money),
                $"contract-schedule-{index}.png",
                () => Charts.ContractSchedule(r, priceYear, options))));
            if (psa is not null && i < psa.Count)
            {
                AddPsa(blocks, psa[i], t, money, priceYear, options, index);
            }
        }

        blocks.Add(new HeadingBlock(2, t["sec.conventions"], "conventions"));
        blocks.Add(new ListBlock(
        [
            t["contract.conv.signs"],
            t["contract.conv.counts"],
            t["contract.conv.thresholds"],
            t["contract.conv.irr"],
            t["contract.conv.advantage"],
        ]));
        if (!string.IsNullOrWhiteSpace(options.Provenance))
        {
            blocks.Add(new FooterBlock(options.Provenance));
        }

        return new Report(options.Title, blocks, t.HtmlLang, options.Threads);
    }

    private static Table Terms(OutcomeContract k, Loc t, string money)
    {
        var c = t.Culture;
        var table = new Table([t["contract.col.outcome"], t["col.states"], t["contract.col.betterWhen"], t["contract.col.pricePer"], t.F("contract.col.price", money), t["contract.col.measured"], t["contract.col.threshold"], t["contract.col.pooledThreshold"], t.F("contract.col.cap", money)], [false, false, false, false, true, false, true, true, true]);
        foreach (var o in k.Outcomes)
        {
            table.Add(
                o.Name,
                string.Join(" ", o.States),
                t[o.Direction == OutcomeDirection.Increase ? "contract.direction.more" : "contract.direction.fewer"],
                t[o.Basis == OutcomePriceBasis.PerImprovement ? "contract.basis.improvement" : "contract.basis.person"] + (o.Measurements.Any(m => m.UntilYear is not null) ? t["contract.basis.personYear"] : string.Empty),
                NumberFormat.Amount(o.Price, c),
                string.Join(", ", o.Measurements.Select(m => m.UntilYear is double u ? string.Create(c, $"{m.Year:0.##}–{u:0.##}") : m.Year.ToString("0.##", c))),
                NumberFormat.Percent(o.Threshold, c),
                o.PooledThreshold is null ? "–" : t.F("contract.pooledPaid", NumberFormat.Percent(o.PooledThreshold, c), string.Create(c, $"{o.PooledPaidInYear:0.##}")),
                o.Cap is double cap ? NumberFormat.Amount(cap, c) : "–");
        }

        var notes = new List<string>
        {
            t.F("contract.note.funds", k.Capital.FundedShare.ToString("P0", c), t[k.Capital.Timing == CapitalTiming.Upfront ? "contract.note.fundsUpfront" : "contract.note.fundsAsTheyFall"]),
        };
        if (k.Cap is double total)
        {
            notes.Add(t.F("contract.note.totalCap", NumberFormat.Amount(total, c), money));
        }

        if (k.Bridge is { } b)
        {
            notes.Add(t.F("contract.note.bridge", NumberFormat.Amount(b.Amount, c), b.InterestRate > 0 ? t.F("contract.note.bridgeInterest", b.InterestRate.ToString("P1", c)) : string.Empty));
        }

        table.Footnotes = notes;
        return table;
    }

    private static Table Measurements(ContractResult r, Loc t)
    {
        var c = t.Culture;
        var na = t["mark.na"];
        var table = new Table([t["contract.col.outcome"], t["contract.col.measurement"], t["col.strategy"], t["contract.col.comparator"], t["contract.col.improvement"], t["contract.col.relative"], t["contract.col.paysOnItsOwn"]], [false, false, true, true, true, true, false]);
        foreach (var m in r.Measurements)
        {
            table.Add(m.Outcome, m.Measurement, m.Count.Strategy.ToString("N1", c), m.Count.Comparator.ToString("N1", c), m.Improvement.ToString("N1", c), m.RelativeImprovement.Value is double v ? NumberFormat.Percent(v, c) : na, t[m.ThresholdMet ? "contract.yes" : "contract.no"]);
        }

        var notes = new List<string> { t["contract.note.counts"] };
        foreach (var p in r.Pooled)
        {
            notes.Add(t.F(p.ThresholdMet ? "contract.note.pooledMet" : "contract.note.pooledNotMet", p.Outcome, p.RelativeImprovement.Value is double v ? NumberFormat.Percent(v, c) : na));
        }

        table.Footnotes = notes;
        return table;
    }

    private static Table Payments(ContractResult r, Loc t, string money)
    {
        var c = t.Culture;
        var table = new Table([t["contract.col.outcome"], t["contract.col.measurement"], t["contract.col.year"], t.F("contract.col.due", money), t.F("contract.col.paid", money), t.F("contract.col.paidPv", money)], [false, false, true, true, true, true]);
        foreach (var p in r.Payments)
        {
            table.Add(p.Outcome, p.Measurement, p.Year.ToString("0.##", c), NumberFormat.Amount(p.Due, c), NumberFormat.Amount(p.Amount, c), NumberFormat.Amount(p.AmountDiscounted, c));
        }

        table.Footnotes = [t["contract.note.payments"]];
        return table;
    }

    private static Table Figures(ContractResult r, Loc t, string money)
    {
        var c = t.Culture;
        var table = new Table([t["contract.col.figure"], t["contract.col.value"], t["contract.col.sign"]], [false, true, false]);
        var notes = new List<string>();
        string Fig(Figure f, Func<double, string> format, string what)
        {
            if (f.Value is double v)
            {
                return format(v);
            }

            notes.Add(t.F("contract.figureNa", what, t["contract.reason." + f.Reason]));
            return t["mark.na"];
        }

        var commissionerPays = t["contract.sign.commissionerPays"];
        var betterOff = t["contract.sign.betterOff"];
        table.Add(t.F("contract.fig.payments", money), NumberFormat.Amount(r.TotalPayments, c), commissionerPays);
        table.Add(t.F("contract.fig.paymentsPv", money), NumberFormat.Amount(r.PresentValuePayments, c), commissionerPays);
        table.Add(t.F("contract.fig.capital", money), NumberFormat.Amount(r.InvestorCapital, c), t["contract.sign.investorPaysIn"]);
        table.Add(t.F("contract.fig.received", money), NumberFormat.Amount(r.InvestorReceived, c), t["contract.sign.investorReceives"]);
        table.Add(t.F("contract.fig.net", money), NumberFormat.Amount(r.InvestorNet, c), t["contract.sign.investorGains"]);
        table.Add(t["contract.fig.irr"], Fig(r.InvestorIrr, v => NumberFormat.Percent(v, c), t["contract.fig.irrName"]), t["contract.sign.return"]);
        table.Add(t["contract.fig.multiple"], Fig(r.InvestorMultiple, v => v.ToString("N2", c), t["contract.fig.multipleName"]), t["contract.sign.multiple"]);
        if (r.Contract.Bridge is not null)
        {
            table.Add(t.F("contract.fig.bridgeAdvance", money), NumberFormat.Amount(r.BridgeAdvance, c), commissionerPays);
            table.Add(t.F("contract.fig.bridgeUnrecovered", money), NumberFormat.Amount(r.BridgeUnrecovered, c), t["contract.sign.commissionerLoses"]);
        }

        table.Add(t.F("contract.fig.npvSelfFunded", money), NumberFormat.Amount(r.NpvSelfFunded, c), betterOff);
        table.Add(t.F("contract.fig.npvWithContract", money), NumberFormat.Amount(r.NpvWithContract, c), betterOff);
        table.Add(t.F("contract.fig.advantage", money), NumberFormat.Amount(r.ContractAdvantage, c), t["contract.sign.contractBetter"]);
        table.Footnotes = notes;
        return table;
    }

    private static void AddPsa(List<Block> blocks, ContractPsaResult p, Loc t, string money, int? priceYear, ReportOptions options, string index)
    {
        var c = t.Culture;
        var na = t["mark.na"];
        blocks.Add(new HeadingBlock(4, t.F("contract.psa.heading", p.Draws.ToString("N0", c))));
        blocks.Add(new ListBlock(
        [
            t.F("contract.psa.investorLoss", NumberFormat.Percent(p.ProbabilityInvestorLoss, c)),
            t.F("contract.psa.anyPayment", NumberFormat.Percent(p.ProbabilityAnyPayment, c)),
            t.F("contract.psa.contractBetter", NumberFormat.Percent(p.ProbabilityContractBetter, c)),
            t.F("contract.psa.irrDefined", NumberFormat.Percent(p.ShareIrrDefined, c)),
        ]));
        var table = new Table([t["contract.col.figure"], t["contract.col.mean"], t["contract.col.low"], t["contract.col.median"], t["contract.col.high"]], [false, true, true, true, true]);
        var advantage = new double[p.Draws];
        for (var k = 0; k < p.Draws; k++)
        {
            advantage[k] = p.NpvWithContract[k] - p.NpvSelfFunded[k];
        }

        void Row(string name, double[] values, Func<double, string> f)
        {
            if (values.Length == 0)
            {
                table.Add(name, na, na, na, na);
                return;
            }

            table.Add(name, f(values.Average()), f(ContractPsaResult.Quantile(values, 0.025)), f(ContractPsaResult.Quantile(values, 0.5)), f(ContractPsaResult.Quantile(values, 0.975)));
        }

        Row(t.F("contract.psa.payments", money), p.PresentValuePayments.ToArray(), v => NumberFormat.Amount(v, c));
        Row(t.F("contract.psa.investorNet", money), p.InvestorNet.ToArray(), v => NumberFormat.Amount(v, c));
        Row(t["contract.psa.irr"], p.InvestorIrr.Where(f => f.IsDefined).Select(f => f.Value!.Value).ToArray(), v => NumberFormat.Percent(v, c));
        Row(t.F("contract.psa.advantage", money), advantage, v => NumberFormat.Amount(v, c));
        blocks.Add(new TableBlock(table));
        blocks.Add(new ChartBlock(new ReportChart(
            ContractTexts.PaymentsDistributionTitle(t, p.Contract.Name, p.Draws),
            t.F("contract.caption.payments", money),
            $"contract-payments-{index}.png",
            () => Charts.ContractPaymentsDistribution(p, priceYear, options))));
        blocks.Add(new ChartBlock(new ReportChart(
            ContractTexts.IrrDistributionTitle(t, p.Contract.Name, p.Draws),
            t.F("contract.caption.irr", NumberFormat.Percent(p.ShareIrrDefined, c)),
            $"contract-irr-{index}.png",
            () => Charts.ContractIrrDistribution(p, options))));
    }
}

/// <summary>
/// The chart titles of the contract report, shared by the report and its charts. The number of draws
/// is written with the invariant culture in English (as the English report always has) and with the
/// report's culture in Norwegian.
/// </summary>
internal static class ContractTexts
{
    public static string ScheduleTitle(Loc t, string contract) => t.F("contract.chart.scheduleTitle", contract);

    public static string PaymentsDistributionTitle(Loc t, string contract, int draws) => t.F("contract.chart.paymentsTitle", Draws(t, draws), contract);

    public static string IrrDistributionTitle(Loc t, string contract, int draws) => t.F("contract.chart.irrTitle", Draws(t, draws), contract);

    private static string Draws(Loc t, int draws) => draws.ToString("N0", t.Language == ReportLanguage.English ? CultureInfo.InvariantCulture : t.Culture);
}
