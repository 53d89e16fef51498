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
/// convention are stated with every table and axis. The text is English in both report languages
/// (numbers follow the culture).
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

        blocks.Add(new HeadingBlock(2, "Outcome contracts", "contract"));
        blocks.Add(new ParagraphBlock($"An outcome contract (payment by results, a social impact bond): an investor funds the commissioner's intervention costs up front; the commissioner pays only for outcomes measured against the comparator, and the investor is repaid only out of those payments, so it carries the risk. Amounts in {money}, totals for the modelled population. Payments and capital are amounts paid (+ = the party pays); net flows, net gains and NPVs are results (+ = better off). Undiscounted unless marked PV (the commissioner's discounting)."));
        for (var i = 0; i < results.Count; i++)
        {
            var r = results[i];
            var k = r.Contract;
            blocks.Add(new HeadingBlock(3, $"{k.Name}: {k.Strategy} vs {k.Comparator}, paid by {k.Payer}"));
            if (!string.IsNullOrWhiteSpace(k.Description))
            {
                blocks.Add(k.Description.Contains("illustrative", StringComparison.OrdinalIgnoreCase) ? new WarningBlock(k.Description) : new ParagraphBlock(k.Description));
            }

            blocks.Add(new TableBlock(Terms(k, c, money)));
            blocks.Add(new TableBlock(Measurements(r, c)));
            if (r.Payments.Count > 0)
            {
                blocks.Add(new TableBlock(Payments(r, c, money)));
            }
            else
            {
                blocks.Add(new ParagraphBlock("No measurement reaches its threshold: the commissioner pays nothing."));
            }

            blocks.Add(new TableBlock(Figures(r, c, money)));
            var index = (i + 1).ToString(CultureInfo.InvariantCulture);
            blocks.Add(new ChartBlock(new ReportChart(
                ContractTexts.ScheduleTitle(k.Name),
                $"Bars: the commissioner's outcome payments in each year (+ = pays). Line: the investor's net cash flow (− = capital paid in, + = payments received). Undiscounted, {money}.",
                $"contract-schedule-{index}.png",
                () => Charts.ContractSchedule(r, priceYear, options))));
            if (psa is not null && i < psa.Count)
            {
                AddPsa(blocks, psa[i], c, money, priceYear, options, index);
            }
        }

        blocks.Add(new HeadingBlock(2, "Conventions", "conventions"));
        blocks.Add(new ListBlock(
        [
            "Payments, capital and the bridge advance are amounts paid: + = the party pays. The investor's net flow and the commissioner's net gain and NPV are results: + = better off.",
            "Counts are expected numbers of people in the outcome's states in the whole modelled population (person-years for a window); a relative improvement is the improvement divided by the comparator's count.",
            "A measurement pays on its own when its relative improvement reaches its threshold; with a pooled threshold, the measurements are paid together at the pooled payment year when the pooled improvement reaches it, less what they were already paid. Caps apply in time order.",
            "The investor's IRR is the annual rate that makes its undiscounted net cash flows sum to zero in present value (real, like every amount); it is shown as n/a with the reason when it is not defined (for example when nothing is paid back).",
            "Contract vs self-funded: the commissioner's NPV with the contract minus its NPV when it funds and runs the intervention itself; + = the contract is better for it.",
        ]));
        if (!string.IsNullOrWhiteSpace(options.Provenance))
        {
            blocks.Add(new FooterBlock(options.Provenance));
        }

        return new Report(options.Title, blocks, t.HtmlLang, options.Threads);
    }

    private static Table Terms(OutcomeContract k, CultureInfo c, string money)
    {
        var table = new Table(["Outcome", "States", "Better when", "Price per", $"Price ({money})", "Measured (years)", "Threshold", "Pooled threshold", $"Cap ({money})"], [false, false, false, false, true, false, true, true, true]);
        foreach (var o in k.Outcomes)
        {
            table.Add(
                o.Name,
                string.Join(" ", o.States),
                o.Direction == OutcomeDirection.Increase ? "more" : "fewer",
                (o.Basis == OutcomePriceBasis.PerImprovement ? "improvement" : "person achieving") + (o.Measurements.Any(m => m.UntilYear is not null) ? " (person-year)" : string.Empty),
                NumberFormat.Amount(o.Price, c),
                string.Join(", ", o.Measurements.Select(m => m.UntilYear is double u ? string.Create(c, $"{m.Year:0.##}–{u:0.##}") : m.Year.ToString("0.##", c))),
                NumberFormat.Percent(o.Threshold, c),
                o.PooledThreshold is null ? "–" : NumberFormat.Percent(o.PooledThreshold, c) + string.Create(c, $" (paid year {o.PooledPaidInYear:0.##})"),
                o.Cap is double cap ? NumberFormat.Amount(cap, c) : "–");
        }

        var notes = new List<string>
        {
            string.Create(c, $"The investor funds {k.Capital.FundedShare:P0} of the commissioner's incremental intervention costs, {(k.Capital.Timing == CapitalTiming.Upfront ? "all at year 0" : "as they fall")}."),
        };
        if (k.Cap is double total)
        {
            notes.Add($"Total outcome payments are capped at {NumberFormat.Amount(total, c)} ({money}).");
        }

        if (k.Bridge is { } b)
        {
            notes.Add(string.Create(c, $"Bridge financing: the commissioner advances up to {NumberFormat.Amount(b.Amount, c)} at year 0 and recovers it{(b.InterestRate > 0 ? $" with {b.InterestRate:P1} a year" : string.Empty)} out of the payments before the investor is paid."));
        }

        table.Footnotes = notes;
        return table;
    }

    private static Table Measurements(ContractResult r, CultureInfo c)
    {
        var table = new Table(["Outcome", "Measurement", "Strategy", "Comparator", "Improvement", "Relative", "Pays on its own"], [false, false, true, true, true, true, false]);
        foreach (var m in r.Measurements)
        {
            table.Add(m.Outcome, m.Measurement, m.Count.Strategy.ToString("N1", c), m.Count.Comparator.ToString("N1", c), m.Improvement.ToString("N1", c), m.RelativeImprovement.Value is double v ? NumberFormat.Percent(v, c) : "n/a", m.ThresholdMet ? "yes" : "no");
        }

        var notes = new List<string> { "Counts are people in the states at the measurement year (person-years for a window); improvement + = the strategy is better." };
        foreach (var p in r.Pooled)
        {
            notes.Add($"{p.Outcome}: pooled relative improvement {(p.RelativeImprovement.Value is double v ? NumberFormat.Percent(v, c) : "n/a")}, {(p.ThresholdMet ? "reaches" : "does not reach")} the pooled threshold.");
        }

        table.Footnotes = notes;
        return table;
    }

    private static Table Payments(ContractResult r, CultureInfo c, string money)
    {
        var table = new Table(["Outcome", "Measurement", "Year", $"Due ({money})", $"Paid ({money})", $"Paid, PV ({money})"], [false, false, true, true, true, true]);
        foreach (var p in r.Payments)
        {
            table.Add(p.Outcome, p.Measurement, p.Year.ToString("0.##", c), NumberFormat.Amount(p.Due, c), NumberFormat.Amount(p.Amount, c), NumberFormat.Amount(p.AmountDiscounted, c));
        }

        table.Footnotes = ["+ = the commissioner pays. Due is before caps."];
        return table;
    }

    private static Table Figures(ContractResult r, CultureInfo c, string money)
    {
        var table = new Table(["Figure", "Value", "Sign"], [false, true, false]);
        var notes = new List<string>();
        string Fig(Figure f, Func<double, string> format, string what)
        {
            if (f.Value is double v)
            {
                return format(v);
            }

            notes.Add($"{what}: n/a ({f.Explanation}).");
            return "n/a";
        }

        table.Add($"Outcome payments ({money})", NumberFormat.Amount(r.TotalPayments, c), "+ = commissioner pays");
        table.Add($"Outcome payments, PV ({money})", NumberFormat.Amount(r.PresentValuePayments, c), "+ = commissioner pays");
        table.Add($"Investor's capital ({money})", NumberFormat.Amount(r.InvestorCapital, c), "+ = investor pays in");
        table.Add($"Investor receives ({money})", NumberFormat.Amount(r.InvestorReceived, c), "+ = investor receives");
        table.Add($"Investor's net ({money})", NumberFormat.Amount(r.InvestorNet, c), "+ = investor gains");
        table.Add("Investor's IRR (per year, real)", Fig(r.InvestorIrr, v => NumberFormat.Percent(v, c), "Investor's IRR"), "+ = return");
        table.Add("Investor's multiple (received / capital)", Fig(r.InvestorMultiple, v => v.ToString("N2", c), "Investor's multiple"), "> 1 = gains");
        if (r.Contract.Bridge is not null)
        {
            table.Add($"Bridge advance ({money})", NumberFormat.Amount(r.BridgeAdvance, c), "+ = commissioner pays");
            table.Add($"Bridge not recovered ({money})", NumberFormat.Amount(r.BridgeUnrecovered, c), "+ = commissioner loses");
        }

        table.Add($"Commissioner's NPV, self-funded ({money})", NumberFormat.Amount(r.NpvSelfFunded, c), "+ = better off");
        table.Add($"Commissioner's NPV, with the contract ({money})", NumberFormat.Amount(r.NpvWithContract, c), "+ = better off");
        table.Add($"Contract vs self-funded ({money})", NumberFormat.Amount(r.ContractAdvantage, c), "+ = contract better");
        table.Footnotes = notes;
        return table;
    }

    private static void AddPsa(List<Block> blocks, ContractPsaResult p, CultureInfo c, string money, int? priceYear, ReportOptions options, string index)
    {
        blocks.Add(new HeadingBlock(4, string.Create(c, $"Under uncertainty: {p.Draws:N0} PSA draws")));
        blocks.Add(new ListBlock(
        [
            $"Probability that the investor loses money (gets back less than it paid in): {NumberFormat.Percent(p.ProbabilityInvestorLoss, c)}",
            $"Probability that the commissioner pays anything: {NumberFormat.Percent(p.ProbabilityAnyPayment, c)}",
            $"Probability that the contract is better for the commissioner than running the intervention itself: {NumberFormat.Percent(p.ProbabilityContractBetter, c)}",
            $"Draws with a defined investor IRR: {NumberFormat.Percent(p.ShareIrrDefined, c)}",
        ]));
        var table = new Table(["Figure", "Mean", "2.5 %", "Median", "97.5 %"], [false, true, true, true, true]);
        var advantage = new double[p.Draws];
        for (var k = 0; k < p.Draws; k++)
        {
            advantage[k] = p.NpvWithContract[k] - p.NpvSelfFunded[k];
        }

        void Row(string name, double[] values, Func<double, string> f)
        {
            if (values.Length == 0)
            {
                table.Add(name, "n/a", "n/a", "n/a", "n/a");
                return;
            }

            table.Add(name, f(values.Average()), f(ContractPsaResult.Quantile(values, 0.025)), f(ContractPsaResult.Quantile(values, 0.5)), f(ContractPsaResult.Quantile(values, 0.975)));
        }

        Row($"Outcome payments, PV ({money}; + = commissioner pays)", p.PresentValuePayments.ToArray(), v => NumberFormat.Amount(v, c));
        Row($"Investor's net ({money}; + = gains)", p.InvestorNet.ToArray(), v => NumberFormat.Amount(v, c));
        Row("Investor's IRR (per year; draws where defined)", p.InvestorIrr.Where(f => f.IsDefined).Select(f => f.Value!.Value).ToArray(), v => NumberFormat.Percent(v, c));
        Row($"Contract vs self-funded ({money}; + = contract better)", advantage, v => NumberFormat.Amount(v, c));
        blocks.Add(new TableBlock(table));
        blocks.Add(new ChartBlock(new ReportChart(
            ContractTexts.PaymentsDistributionTitle(p.Contract.Name, p.Draws),
            $"Share of draws (y) in which the present value of the commissioner's outcome payments is at most x ({money}; + = the commissioner pays).",
            $"contract-payments-{index}.png",
            () => Charts.ContractPaymentsDistribution(p, priceYear, options))));
        blocks.Add(new ChartBlock(new ReportChart(
            ContractTexts.IrrDistributionTitle(p.Contract.Name, p.Draws),
            $"Share of all draws (y) in which the investor's IRR is at most x (% per year, real); the curve ends at the {NumberFormat.Percent(p.ShareIrrDefined, c)} of draws whose IRR is defined (no IRR when nothing is paid back).",
            $"contract-irr-{index}.png",
            () => Charts.ContractIrrDistribution(p, options))));
    }
}

/// <summary>The English texts of the contract report and charts.</summary>
internal static class ContractTexts
{
    public const string YearsAfterStart = "Years after start";
    public const string ScheduleSign = "\nbars: + = commissioner pays; line: + = investor receives";
    public const string PaymentsAxisSign = "; + = commissioner pays";
    public const string PaymentsLegend = "outcome payments";
    public const string InvestorLegend = "investor's net cash flow";
    public const string ShareOfDraws = "Share of draws (%)";
    public const string IrrAxis = "Investor's IRR (% per year, real)";
    public const string IrrLegend = "investor's IRR";

    public static string ScheduleTitle(string contract) => $"Outcome payments and investor cash flow: {contract}";

    public static string PaymentsDistributionTitle(string contract, int draws) => string.Create(CultureInfo.InvariantCulture, $"Outcome payments (PV) over {draws:N0} draws: {contract}");

    public static string IrrDistributionTitle(string contract, int draws) => string.Create(CultureInfo.InvariantCulture, $"Investor's IRR over {draws:N0} draws: {contract}");
}
