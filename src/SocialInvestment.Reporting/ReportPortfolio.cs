using System.Globalization;
using ScottPlot;
using SocialInvestment.Decisions;
using SocialInvestment.Economics;

namespace SocialInvestment.Reporting;

/// <summary>What the portfolio report shows.</summary>
/// <param name="Problem">The problem solved.</param>
/// <param name="Chosen">The chosen portfolio (under the problem's risk floor).</param>
/// <param name="Frontier">The efficient frontier (<see cref="PortfolioFrontier.Trace"/>), best expected NPV first.</param>
/// <param name="PriceYear">The price year of the amounts, or null.</param>
public sealed record PortfolioReportInput(PortfolioProblem Problem, PortfolioSolution Chosen, IReadOnlyList<PortfolioSolution> Frontier, int? PriceYear)
{
    /// <summary>The chosen set's NPV per draw from running its combined strategy, when it was checked (null otherwise).</summary>
    public IReadOnlyList<double>? SimulatedNpv { get; init; }

    /// <summary>The scenario's name (the report title).</summary>
    public string? Title { get; init; }

    /// <summary>The run's provenance line (tool version, scenario, draws, seed).</summary>
    public string? Provenance { get; init; }
}

/// <summary>
/// The portfolio report (<c>socinv portfolio</c>): the chosen set, its expected NPV, tail NPV and
/// chance of a loss, its budget use by payer and year, the efficient frontier as a table and a chart.
/// English or Norwegian bokmål, numbers in the report's culture; + = better off throughout.
/// </summary>
public static class PortfolioReport
{
    /// <summary>Builds the report.</summary>
    /// <param name="input">The solved portfolio.</param>
    /// <param name="options">Culture, language, chart size; null for the defaults.</param>
    /// <returns>The report.</returns>
    public static Report Build(PortfolioReportInput input, ReportOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(input);
        options ??= new ReportOptions();
        options.Validate();
        var t = new PortfolioTexts(options);
        var c = options.Culture;
        var p = input.Problem;
        var v = p.Valuation;
        var s = input.Chosen;
        var money = t.Money(options.Currency, input.PriceYear);
        var alpha = NumberFormat.Percent(1 - p.Risk.Alpha, c);
        var blocks = new List<Block> { new HeadingBlock(1, input.Title ?? t["title"]) };
        blocks.Add(new HeadingBlock(2, t["sec"], "portfolio"));
        blocks.Add(new ParagraphBlock(t.F("intro", v.Candidates.Count, v.Comparator?.Name ?? "(given)", v.Objective.Name, money, v.Draws == 1 ? t["deterministic"] : t.F("draws", v.Draws.ToString("N0", c)), alpha)));
        blocks.Add(new ParagraphBlock(v.IsExact ? t["interactions.exact"] : t["interactions.pairwise"]));
        if (!s.IsFeasible)
        {
            blocks.Add(new WarningBlock(t["infeasible"]));
        }
        else
        {
            blocks.Add(new ListBlock(
            [
                t.F("chosen", s.Candidates.Count == 0 ? t["none"] : string.Join(", ", s.Candidates), s.Method, s.ProvedOptimal ? t["optimal"] : t["notOptimal"]),
                t.F("expected", NumberFormat.Amount(s.ExpectedNpv, c)),
                t.F("tail", alpha, NumberFormat.Amount(s.TailNpv, c)),
                t.F("loss", NumberFormat.Percent(s.ProbabilityOfLoss, c)),
                p.Risk.MinTailNpv is double f ? t.F("floor", NumberFormat.Amount(f, c)) : t["noFloor"],
            ]));
            if (input.SimulatedNpv is { Count: > 0 } sim)
            {
                blocks.Add(new ParagraphBlock(t.F("simulated", NumberFormat.Amount(sim.Average(), c), NumberFormat.Amount(sim.Average() - s.ExpectedNpv, c))));
            }
        }

        var candidates = new Table([t["col.candidate"], t["col.chosen"], t.F("col.npv", money), t["col.description"]], [false, false, true, false]);
        for (var i = 0; i < v.Candidates.Count; i++)
        {
            var mean = 0.0;
            foreach (var x in v.Npv(i))
            {
                mean += x;
            }

            candidates.Add(v.Candidates[i].Name, s.Chosen[i] ? "✓" : "", NumberFormat.Amount(mean / v.Draws, c), v.Candidates[i].Description ?? "");
        }

        blocks.Add(new HeadingBlock(3, t["sec.candidates"]));
        blocks.Add(new TableBlock(candidates));

        blocks.Add(new HeadingBlock(3, t["sec.budget"]));
        blocks.Add(new ParagraphBlock(t["budget.intro"]));
        var budget = new Table([t["col.payer"], t["col.year"], t.F("col.used", options.Currency), t.F("col.limit", options.Currency), t["col.share"]], [false, true, true, true, true]);
        foreach (var u in s.BudgetUse)
        {
            budget.Add(u.Payer ?? t["total"], u.Year.ToString(CultureInfo.InvariantCulture), NumberFormat.Amount(u.Used, c), NumberFormat.Amount(u.Limit, c), u.Limit > 0 ? NumberFormat.Percent(u.Used / u.Limit, c) : "–");
        }

        blocks.Add(new TableBlock(budget));

        blocks.Add(new HeadingBlock(3, t["sec.frontier"]));
        blocks.Add(new ParagraphBlock(t.F("frontier.intro", alpha)));
        var frontier = new Table([t["col.portfolio"], t.F("col.expected", money), t.F("col.tail", alpha, money), t["col.loss"]], [false, true, true, true]);
        foreach (var f in input.Frontier)
        {
            frontier.Add(f.Candidates.Count == 0 ? t["none"] : string.Join(" + ", f.Candidates), NumberFormat.Amount(f.ExpectedNpv, c), NumberFormat.Amount(f.TailNpv, c), NumberFormat.Percent(f.ProbabilityOfLoss, c));
        }

        blocks.Add(new TableBlock(frontier));
        if (input.Frontier.Count > 0)
        {
            blocks.Add(new ChartBlock(new ReportChart(
                t["chart.title"],
                t.F("chart.caption", alpha, v.Objective.Name, money),
                "portfolio-frontier.png",
                () => Charts.PortfolioFrontier(input.Frontier, s.IsFeasible ? s : null, p.Risk.Alpha, v.Objective.Name, input.PriceYear, options))));
        }

        if (!string.IsNullOrWhiteSpace(input.Provenance))
        {
            blocks.Add(new FooterBlock(input.Provenance));
        }

        return new Report(input.Title ?? t["title"], blocks, options.Language == ReportLanguage.NorwegianBokmal ? "nb" : "en", options.Threads);
    }
}

/// <content>The portfolio frontier chart.</content>
public static partial class Charts
{
    /// <summary>
    /// The efficient frontier of a portfolio choice: each efficient portfolio as a point, tail NPV
    /// (the mean NPV of the worst 1 − α of draws) on the x axis and expected NPV on the y axis, both
    /// in the currency of the report at the price year, + = better off; the points joined from the
    /// safest to the most rewarding, the chosen portfolio marked.
    /// </summary>
    /// <param name="frontier">The efficient portfolios.</param>
    /// <param name="chosen">The chosen one, or null.</param>
    /// <param name="alpha">The tail level α.</param>
    /// <param name="perspective">The objective perspective's name.</param>
    /// <param name="priceYear">The price year, or null.</param>
    /// <param name="options">Size, culture, language; null for the defaults.</param>
    /// <returns>The PNG image.</returns>
    public static byte[] PortfolioFrontier(IReadOnlyList<PortfolioSolution> frontier, PortfolioSolution? chosen, double alpha, string perspective, int? priceYear, ReportOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(frontier);
        options ??= new ReportOptions();
        options.Validate();
        var t = new PortfolioTexts(options);
        var ordered = frontier.OrderBy(f => f.TailNpv).ToArray();
        var xs = ordered.Select(f => f.TailNpv).ToArray();
        var ys = ordered.Select(f => f.ExpectedNpv).ToArray();
        var (divisor, word) = NumberFormat.Scale(MaxAbs([xs, ys]));
        var unit = t.Money(word.Length == 0 ? options.Currency : Loc.For(options).F(word, options.Currency), priceYear);
        var share = NumberFormat.Percent(1 - alpha, options.Culture);
        var plot = NewPlot(t["chart.title"], t.F("axis.tail", share, perspective, unit), t.F("axis.expected", perspective, unit));
        plot.Add.HorizontalLine(0, 1, Zero);
        plot.Add.VerticalLine(0, 1, Zero);
        var line = plot.Add.ScatterLine(xs, ys, new ScottPlot.Palettes.Category10().GetColor(0));
        line.LineWidth = 2;
        line.MarkerSize = 9;
        line.MarkerShape = MarkerShape.FilledCircle;
        line.LegendText = t["legend.frontier"];
        for (var i = 0; i < ordered.Length; i++)
        {
            var label = plot.Add.Text(ordered[i].Candidates.Count == 0 ? t["none"] : string.Join(" + ", ordered[i].Candidates), xs[i], ys[i]);
            label.LabelFontSize = 11;
            label.LabelOffsetX = 6;
            label.LabelOffsetY = -6;
        }

        if (chosen is not null)
        {
            var mark = plot.Add.ScatterPoints(new[] { chosen.TailNpv }, new[] { chosen.ExpectedNpv }, Colors.Black);
            mark.MarkerShape = MarkerShape.OpenDiamond;
            mark.MarkerSize = 18;
            mark.LegendText = t["legend.chosen"];
        }

        double Lo(double[] v) => Math.Min(0, v.Length == 0 ? 0 : v.Min());
        double Hi(double[] v) => Math.Max(0, v.Length == 0 ? 0 : v.Max());
        var padX = Math.Max(1, (Hi(xs) - Lo(xs)) * 0.15);
        var padY = Math.Max(1, (Hi(ys) - Lo(ys)) * 0.1);
        plot.Axes.SetLimits(Lo(xs) - padX, Hi(xs) + (2 * padX), Lo(ys) - padY, Hi(ys) + padY);
        SetTicks(plot.Axes.Left, divisor, options.Culture);
        SetTicks(plot.Axes.Bottom, divisor, options.Culture);
        plot.ShowLegend(Edge.Bottom);
        return Render(plot, options);
    }
}

/// <summary>The portfolio report's text in English and Norwegian bokmål (same keys and placeholders; tested).</summary>
internal sealed class PortfolioTexts(ReportOptions options)
{
    public static readonly IReadOnlyDictionary<string, string> English = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["title"] = "Portfolio under a budget",
        ["sec"] = "Which portfolio under this budget",
        ["intro"] = "{0} candidate investments against {1}, valued from the {2} perspective in {3}, {4}. The chosen portfolio maximises expected NPV within every budget, exclusion and prerequisite (and the tail-NPV floor, if set). Tail NPV = the mean NPV in the worst {5} of draws (−CVaR of the loss).",
        ["deterministic"] = "in the base case (no PSA draws: the tail NPV equals the NPV)",
        ["draws"] = "over {0} PSA draws",
        ["interactions.exact"] = "Interactions: every combination of candidates was run as one combined strategy (exhaustive), so no additivity is assumed.",
        ["interactions.pairwise"] = "Interactions: every candidate and every pair that may be chosen together was run as one combined strategy; a larger set is valued as the sum of its candidates plus each pair's interaction (no third-order effects assumed).",
        ["infeasible"] = "No portfolio meets every constraint (the tail-NPV floor is above what any allowed set reaches).",
        ["chosen"] = "Chosen: {0} (solver: {1}, {2})",
        ["optimal"] = "proved optimal",
        ["notOptimal"] = "not proved optimal",
        ["expected"] = "Expected NPV: {0} (+ = better off)",
        ["tail"] = "Tail NPV (mean of the worst {0} of draws): {1}",
        ["loss"] = "Chance of a loss (NPV < 0): {0}",
        ["floor"] = "Tail-NPV floor (CVaR constraint): {0}",
        ["noFloor"] = "No tail-NPV floor was set.",
        ["simulated"] = "Check: running the chosen set as one combined strategy gives an expected NPV of {0} ({1} against the valuation's estimate).",
        ["none"] = "nothing",
        ["total"] = "total",
        ["sec.candidates"] = "Candidates",
        ["sec.budget"] = "Budget use by payer and year",
        ["budget.intro"] = "Intervention costs the chosen portfolio puts on each budget in each year (base case, undiscounted), against the limit.",
        ["sec.frontier"] = "Efficient frontier: expected return against risk",
        ["frontier.intro"] = "Portfolios no other allowed portfolio beats on both expected NPV and tail NPV (the mean NPV of the worst {0} of draws), from the most rewarding to the safest.",
        ["col.candidate"] = "Candidate",
        ["col.chosen"] = "Chosen",
        ["col.npv"] = "Expected NPV alone ({0}, + = better off)",
        ["col.description"] = "Description",
        ["col.payer"] = "Payer",
        ["col.year"] = "Year",
        ["col.used"] = "Used ({0})",
        ["col.limit"] = "Limit ({0})",
        ["col.share"] = "Share used",
        ["col.portfolio"] = "Portfolio",
        ["col.expected"] = "Expected NPV ({0})",
        ["col.tail"] = "Tail NPV, worst {0} ({1})",
        ["col.loss"] = "Chance of a loss",
        ["chart.title"] = "Efficient frontier: expected NPV against tail NPV",
        ["chart.caption"] = "Each point is an efficient portfolio; x: the mean NPV in the worst {0} of draws, y: the expected NPV, both from the {1} perspective in {2}; + = better off. The diamond marks the chosen portfolio.",
        ["axis.tail"] = "Tail NPV, worst {0} of draws ({1})\n{2}; + = better off",
        ["axis.expected"] = "Expected NPV ({0})\n{1}; + = better off",
        ["legend.frontier"] = "efficient portfolios",
        ["legend.chosen"] = "chosen",
        ["money"] = "{0}, {1} prices",
    };

    public static readonly IReadOnlyDictionary<string, string> Norwegian = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["title"] = "Portefølje innenfor et budsjett",
        ["sec"] = "Hvilken portefølje innenfor dette budsjettet",
        ["intro"] = "{0} kandidatinvesteringer mot {1}, verdsatt fra perspektivet {2} i {3}, {4}. Den valgte porteføljen gir høyest forventet nåverdi innenfor alle budsjetter, utelukkelser og forutsetninger (og gulvet for halenåverdi, om det er satt). Halenåverdi = gjennomsnittlig nåverdi i de verste {5} av trekkene (−CVaR av tapet).",
        ["deterministic"] = "i basisberegningen (ingen PSA-trekk: halenåverdien er lik nåverdien)",
        ["draws"] = "over {0} PSA-trekk",
        ["interactions.exact"] = "Samspill: hver kombinasjon av kandidater ble kjørt som én samlet strategi (uttømmende), så ingen additivitet er antatt.",
        ["interactions.pairwise"] = "Samspill: hver kandidat og hvert par som kan velges sammen ble kjørt som én samlet strategi; et større sett verdsettes som summen av kandidatene pluss hvert pars samspill (ingen tredjeordens effekter antatt).",
        ["infeasible"] = "Ingen portefølje oppfyller alle krav (gulvet for halenåverdi ligger over det noe tillatt sett når).",
        ["chosen"] = "Valgt: {0} (løser: {1}, {2})",
        ["optimal"] = "bevist optimal",
        ["notOptimal"] = "ikke bevist optimal",
        ["expected"] = "Forventet nåverdi: {0} (+ = bedre ut)",
        ["tail"] = "Halenåverdi (gjennomsnitt av de verste {0} av trekkene): {1}",
        ["loss"] = "Sannsynlighet for tap (nåverdi < 0): {0}",
        ["floor"] = "Gulv for halenåverdi (CVaR-krav): {0}",
        ["noFloor"] = "Det er ikke satt noe gulv for halenåverdi.",
        ["simulated"] = "Kontroll: kjørt som én samlet strategi gir det valgte settet en forventet nåverdi på {0} ({1} mot verdsettingens anslag).",
        ["none"] = "ingenting",
        ["total"] = "totalt",
        ["sec.candidates"] = "Kandidater",
        ["sec.budget"] = "Budsjettbruk etter betaler og år",
        ["budget.intro"] = "Tiltakskostnadene den valgte porteføljen legger på hvert budsjett hvert år (basisberegning, udiskontert), mot rammen.",
        ["sec.frontier"] = "Effisient front: forventet avkastning mot risiko",
        ["frontier.intro"] = "Porteføljer som ingen annen tillatt portefølje slår på både forventet nåverdi og halenåverdi (gjennomsnittlig nåverdi i de verste {0} av trekkene), fra den mest lønnsomme til den sikreste.",
        ["col.candidate"] = "Kandidat",
        ["col.chosen"] = "Valgt",
        ["col.npv"] = "Forventet nåverdi alene ({0}, + = bedre ut)",
        ["col.description"] = "Beskrivelse",
        ["col.payer"] = "Betaler",
        ["col.year"] = "År",
        ["col.used"] = "Brukt ({0})",
        ["col.limit"] = "Ramme ({0})",
        ["col.share"] = "Andel brukt",
        ["col.portfolio"] = "Portefølje",
        ["col.expected"] = "Forventet nåverdi ({0})",
        ["col.tail"] = "Halenåverdi, verste {0} ({1})",
        ["col.loss"] = "Sannsynlighet for tap",
        ["chart.title"] = "Effisient front: forventet nåverdi mot halenåverdi",
        ["chart.caption"] = "Hvert punkt er en effisient portefølje; x: gjennomsnittlig nåverdi i de verste {0} av trekkene, y: forventet nåverdi, begge fra perspektivet {1} i {2}; + = bedre ut. Ruten markerer den valgte porteføljen.",
        ["axis.tail"] = "Halenåverdi, verste {0} av trekkene ({1})\n{2}; + = bedre ut",
        ["axis.expected"] = "Forventet nåverdi ({0})\n{1}; + = bedre ut",
        ["legend.frontier"] = "effisiente porteføljer",
        ["legend.chosen"] = "valgt",
        ["money"] = "{0}, {1}-priser",
    };

    private readonly IReadOnlyDictionary<string, string> _table = options.Language == ReportLanguage.NorwegianBokmal ? Norwegian : English;

    public string this[string id] => _table[id];

    public string F(string id, params object?[] args) => string.Format(options.Culture, _table[id], args);

    public string Money(string unit, int? priceYear) => priceYear is int y ? F("money", unit, y.ToString(CultureInfo.InvariantCulture)) : unit;
}
