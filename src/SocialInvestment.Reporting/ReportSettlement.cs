using System.Globalization;
using ScottPlot;
using SocialInvestment.Economics;
using SocialInvestment.Uncertainty;

namespace SocialInvestment.Reporting;

/// <content>The "Who should compensate whom" section.</content>
public sealed partial class ReportBuilder
{
    private IReadOnlyList<SettlementResult>? _settlements;
    private IReadOnlyList<SettlementPsaResult>? _settlementPsa;

    /// <summary>
    /// Adds a "Who should compensate whom" section after "Who invests, who saves": per settled
    /// strategy, a table of each payer's present net gain before and after the settlement and what it
    /// receives (+) or pays (−), the transfers (who pays whom how much in present value, in which
    /// years, by which rule), and a bar chart of the net positions before and after; with
    /// <paramref name="probabilities"/> also each payer's probability of being better off before and
    /// after over the PSA draws. + = better off throughout.
    /// </summary>
    /// <param name="settlements">One settlement per strategy (<see cref="Settlement.Settle"/>) against the report's comparator.</param>
    /// <param name="probabilities">The PSA settlements (<see cref="SettlementUncertainty.Result"/>), or null.</param>
    /// <returns>This builder.</returns>
    /// <exception cref="ArgumentException">A settlement is against another comparator.</exception>
    public ReportBuilder WithSettlement(IReadOnlyList<SettlementResult> settlements, IReadOnlyList<SettlementPsaResult>? probabilities = null)
    {
        ArgumentNullException.ThrowIfNull(settlements);
        var wrong = settlements.FirstOrDefault(s => s is null || s.Ledger.Comparator.Name != _comparator.Strategy.Name);
        if (settlements.Any(s => s is null) || wrong is not null)
        {
            throw new ArgumentException($"Every settlement must be against the report's comparator '{_comparator.Strategy.Name}'.", nameof(settlements));
        }

        _settlements = settlements;
        _settlementPsa = probabilities;
        return this;
    }

    private void AddSettlement(List<Block> blocks)
    {
        if (_settlements is not { Count: > 0 } settlements)
        {
            return;
        }

        var o = _options;
        var c = o.Culture;
        var t = new SettlementTexts(o);
        var year = _comparator.Model.PriceYear;
        var money = year is int y ? t.F("money", o.Currency, y.ToString(CultureInfo.InvariantCulture)) : o.Currency;
        blocks.Add(new HeadingBlock(2, t["sec"], "who-compensates"));
        blocks.Add(new ParagraphBlock(t.F("intro", money)));
        var index = 0;
        foreach (var s in settlements)
        {
            index++;
            blocks.Add(new HeadingBlock(3, t.F("heading", s.Ledger.Strategy.Name, s.Ledger.Comparator.Name, s.Plan.Name)));
            var psa = _settlementPsa?.FirstOrDefault(p => p.Strategy.Name == s.Ledger.Strategy.Name);
            var headers = new List<string> { t["col.payer"], t.F("col.before", money), t.F("col.received", money), t.F("col.after", money) };
            if (psa is not null)
            {
                headers.Add(t["col.pBefore"]);
                headers.Add(t["col.pAfter"]);
            }

            var table = new Table(headers, headers.Select((_, i) => i > 0).ToArray());
            foreach (var p in s.Positions)
            {
                var row = new List<string> { p.Payer.Name, NumberFormat.Amount(p.NetGainBefore, c), NumberFormat.Amount(p.Received, c), NumberFormat.Amount(p.NetGainAfter, c) };
                if (psa is not null)
                {
                    row.Add(NumberFormat.Percent(psa.ProbabilityBetterOffBefore(p.Payer.Name), c));
                    row.Add(NumberFormat.Percent(psa.ProbabilityBetterOffAfter(p.Payer.Name), c));
                }

                table.Add([.. row]);
            }

            var total = new List<string> { t["total"], NumberFormat.Amount(s.TotalNetGainBefore, c), NumberFormat.Amount(0, c), NumberFormat.Amount(s.TotalNetGainAfter, c) };
            if (psa is not null)
            {
                total.Add(string.Empty);
                total.Add(string.Empty);
            }

            table.Add([.. total]);
            if (psa is not null)
            {
                table.Footnotes = [t.F("footnote.psa", psa.Draws.ToString("N0", c))];
            }

            blocks.Add(new TableBlock(table));
            var transfers = new List<string>();
            foreach (var g in s.Transfers.GroupBy(x => (x.From.Name, x.To.Name)))
            {
                var pv = g.Sum(x => x.TotalDiscounted);
                var paid = g.SelectMany(x => x.PerCycle.Select((v, k) => (v, k))).Where(x => x.v != 0).Select(x => x.k).ToArray();
                var years = paid.Length == 0 ? string.Empty : t.F("years", (paid.Min() * s.Ledger.CycleLengthYears).ToString("0.##", c), (paid.Max() * s.Ledger.CycleLengthYears).ToString("0.##", c));
                transfers.Add(t.F("transfer", g.Key.Item1, g.Key.Item2, NumberFormat.Amount(pv, c), o.Currency, years, string.Join(", ", g.Select(x => x.Rule).Distinct(StringComparer.Ordinal))));
            }

            blocks.Add(transfers.Count == 0 ? new ParagraphBlock(t["noTransfers"]) : new ListBlock(transfers));
            foreach (var remark in s.Remarks)
            {
                blocks.Add(new ParagraphBlock(remark));
            }

            blocks.Add(new ChartBlock(new ReportChart(
                t.F("chart.title", s.Ledger.Strategy.Name, s.Ledger.Comparator.Name),
                t.F("chart.caption", s.Ledger.Strategy.Name, s.Ledger.Comparator.Name, s.Plan.Name, money),
                SettlementFileName(index, s.Ledger.Strategy.Name),
                () => Charts.SettlementPositions(s, year, o))));
        }
    }

    private static string SettlementFileName(int index, string strategy)
    {
        var slug = new string(strategy.ToLowerInvariant().Select(ch => char.IsAsciiLetterOrDigit(ch) ? ch : '-').ToArray()).Trim('-');
        while (slug.Contains("--", StringComparison.Ordinal))
        {
            slug = slug.Replace("--", "-", StringComparison.Ordinal);
        }

        return FormattableString.Invariant($"settlement-{index}-{(slug.Length == 0 ? "strategy" : slug[..Math.Min(40, slug.Length)])}.png");
    }
}

/// <content>The settlement chart.</content>
public static partial class Charts
{
    /// <summary>
    /// Net positions before and after a settlement: for each payer, two bars, its present net gain
    /// against the comparator before the settlement and after it (NOK at the price year, scaled to
    /// thousands or millions as needed; + = better off, − = worse off). A settlement only moves
    /// money, so the bars of all payers sum to the same total before and after.
    /// </summary>
    /// <param name="settlement">The settlement.</param>
    /// <param name="priceYear">The price year of the amounts, or null.</param>
    /// <param name="options">Size, culture, language; null for the defaults.</param>
    /// <returns>The PNG image.</returns>
    public static byte[] SettlementPositions(SettlementResult settlement, int? priceYear, ReportOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(settlement);
        options ??= new ReportOptions();
        options.Validate();
        var t = new SettlementTexts(options);
        var loc = Loc.For(options);
        var positions = settlement.Positions;
        var values = positions.Select(p => new[] { p.NetGainBefore, p.NetGainAfter }).ToArray();
        var (divisor, word) = NumberFormat.Scale(MaxAbs(values));
        var unit = loc.Money(options.Currency, word, priceYear);
        var plot = NewPlot(
            t.F("chart.title", settlement.Ledger.Strategy, settlement.Ledger.Comparator),
            string.Empty,
            t.F("axis", unit));
        plot.Add.HorizontalLine(0, 1, Zero);
        var scaled = values.Select(v => v.Select(x => x / divisor).ToArray()).ToArray();
        GroupedBars(plot, positions.Select(p => p.Payer.Name).ToList(), [t["legend.before"], t["legend.after"]], scaled, v => Math.Round(v, Math.Abs(v) >= 10 ? 0 : 1).ToString("N" + (Math.Abs(v) >= 10 ? "0" : "1"), options.Culture));
        SetTicks(plot.Axes.Left, 1, options.Culture);
        var all = scaled.SelectMany(v => v).ToArray();
        var lo = Math.Min(0, all.Min());
        var hi = Math.Max(0, all.Max());
        var pad = Math.Max(1e-9, (hi - lo) * 0.12);
        plot.Axes.SetLimits(-0.75, positions.Count - 0.25, lo - pad, hi + pad);
        return Render(plot, options);
    }
}

/// <summary>The settlement section's text in English and Norwegian bokmål (same keys and placeholders; tested).</summary>
internal sealed class SettlementTexts(ReportOptions options)
{
    public static readonly IReadOnlyDictionary<string, string> English = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["sec"] = "Who should compensate whom",
        ["intro"] = "A settlement moves money between the payers to correct the wrong-pocket problem: one payer invests, others save. Each payer's present net gain against the comparator before and after the settlement, in {0}; + = better off. Received: + = receives, − = pays. The total is the same before and after.",
        ["heading"] = "{0} vs {1}: {2}",
        ["col.payer"] = "Payer",
        ["col.before"] = "Net gain before ({0})",
        ["col.received"] = "Receives ({0})",
        ["col.after"] = "Net gain after ({0})",
        ["col.pBefore"] = "P(better off) before",
        ["col.pAfter"] = "P(better off) after",
        ["footnote.psa"] = "P(better off): share of {0} PSA draws in which the payer's net gain is > 0, each draw settled by the same rules.",
        ["total"] = "total",
        ["transfer"] = "{0} pays {1} {2} {3} in present value{4} ({5})",
        ["years"] = ", paid in years {0}–{1}",
        ["noTransfers"] = "The rules move no money for this strategy.",
        ["chart.title"] = "Net position before and after settlement: {0} vs {1}",
        ["chart.caption"] = "Each payer's present net gain from {0} against {1}, before and after the settlement ({2}), in {3}; + = better off, − = worse off. The bars sum to the same total before and after.",
        ["axis"] = "Net gain, present value\n{0}; + = better off",
        ["legend.before"] = "before settlement",
        ["legend.after"] = "after settlement",
        ["money"] = "{0}, {1} prices",
    };

    public static readonly IReadOnlyDictionary<string, string> Norwegian = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["sec"] = "Hvem bør kompensere hvem",
        ["intro"] = "Et oppgjør flytter penger mellom betalerne for å rette opp problemet med feil lomme: én betaler investerer, andre sparer. Hver betalers nåverdi av netto gevinst mot sammenligningsalternativet før og etter oppgjøret, i {0}; + = bedre ut. Mottar: + = mottar, − = betaler. Summen er den samme før og etter.",
        ["heading"] = "{0} mot {1}: {2}",
        ["col.payer"] = "Betaler",
        ["col.before"] = "Netto gevinst før ({0})",
        ["col.received"] = "Mottar ({0})",
        ["col.after"] = "Netto gevinst etter ({0})",
        ["col.pBefore"] = "P(bedre ut) før",
        ["col.pAfter"] = "P(bedre ut) etter",
        ["footnote.psa"] = "P(bedre ut): andelen av {0} PSA-trekk der betalerens netto gevinst er > 0, med hvert trekk gjort opp etter de samme reglene.",
        ["total"] = "totalt",
        ["transfer"] = "{0} betaler {1} {2} {3} i nåverdi{4} ({5})",
        ["years"] = ", betalt i årene {0}–{1}",
        ["noTransfers"] = "Reglene flytter ingen penger for denne strategien.",
        ["chart.title"] = "Nettoposisjon før og etter oppgjør: {0} mot {1}",
        ["chart.caption"] = "Hver betalers nåverdi av netto gevinst av {0} mot {1}, før og etter oppgjøret ({2}), i {3}; + = bedre ut, − = dårligere ut. Søylene summerer til det samme før og etter.",
        ["axis"] = "Netto gevinst, nåverdi\n{0}; + = bedre ut",
        ["legend.before"] = "før oppgjør",
        ["legend.after"] = "etter oppgjør",
        ["money"] = "{0}, {1}-priser",
    };

    private readonly IReadOnlyDictionary<string, string> _table = options.Language == ReportLanguage.NorwegianBokmal ? Norwegian : English;

    public string this[string id] => _table[id];

    public string F(string id, params object?[] args) => string.Format(options.Culture, _table[id], args);
}
