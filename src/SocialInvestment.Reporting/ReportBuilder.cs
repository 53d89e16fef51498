using System.Globalization;
using System.Text;
using SocialInvestment.Economics;
using SocialInvestment.Engine;
using SocialInvestment.Uncertainty;

namespace SocialInvestment.Reporting;

/// <summary>
/// Builds a <see cref="Report"/> from the core results of one appraisal: the run of every strategy
/// (the comparator included), the comparator, and the appraisals of each other strategy against it
/// from one or more perspectives. Sections: run settings, summary (NPV, BCR, ROI, IRR, payback per
/// strategy and perspective), who invests and who saves (per payer), payback curves, annual flows
/// by payer, state occupancy, conventions.
/// </summary>
/// <example>
/// <code>
/// var results = CohortEngine.RunAll(model);
/// var appraisals = results.Skip(1).SelectMany(r => perspectives.Select(p => Appraisal.Compare(r, results[0], p))).ToList();
/// new ReportBuilder(results, results[0], appraisals, new ReportOptions { Title = "My model" }).Build().WriteTo("out");
/// </code>
/// </example>
public sealed class ReportBuilder
{
    private readonly IReadOnlyList<SimulationResult> _results;
    private readonly SimulationResult _comparator;
    private readonly IReadOnlyList<AppraisalResult> _appraisals;
    private readonly ReportOptions _options;
    private PsaResult? _psa;

    /// <summary>Creates a builder.</summary>
    /// <param name="results">The run of every strategy to show, the comparator included (same model and horizon).</param>
    /// <param name="comparator">The comparator's run (one of <paramref name="results"/>, or added to them).</param>
    /// <param name="appraisals">Appraisals of the other strategies against the comparator, any number of perspectives each.</param>
    /// <param name="options">Title, culture, perspectives, chart size; null for the defaults.</param>
    /// <exception cref="ArgumentException">The results are empty, or an appraisal names a strategy or comparator that is not among the results.</exception>
    public ReportBuilder(IReadOnlyList<SimulationResult> results, SimulationResult comparator, IReadOnlyList<AppraisalResult> appraisals, ReportOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(results);
        ArgumentNullException.ThrowIfNull(comparator);
        ArgumentNullException.ThrowIfNull(appraisals);
        _options = options ?? new ReportOptions();
        _options.Validate();
        var all = results.Contains(comparator) ? results.ToList() : results.Prepend(comparator).ToList();
        if (all.Any(r => r is null))
        {
            throw new ArgumentException("The results contain a null entry.", nameof(results));
        }

        var names = all.Select(r => r.Strategy.Name).ToHashSet(StringComparer.Ordinal);
        var problems = new List<string>();
        foreach (var a in appraisals)
        {
            if (a is null)
            {
                problems.Add("an appraisal is null");
                continue;
            }

            if (!names.Contains(a.Strategy))
            {
                problems.Add($"the appraisal of '{a.Strategy}' ({a.Perspective.Name}) has no run among the results");
            }

            if (a.Comparator != comparator.Strategy.Name)
            {
                problems.Add($"the appraisal of '{a.Strategy}' ({a.Perspective.Name}) is against '{a.Comparator}', not the comparator '{comparator.Strategy.Name}'");
            }
        }

        if (problems.Count > 0)
        {
            throw new ArgumentException("The appraisals do not match the results: " + string.Join("; ", problems) + ".", nameof(appraisals));
        }

        _results = all;
        _comparator = comparator;
        _appraisals = appraisals;
    }

    /// <summary>
    /// Adds an "Uncertainty" section from a probabilistic sensitivity analysis of the same model:
    /// a table per strategy × perspective (mean NPV, 95 % percentile interval, P(NPV &gt; 0)),
    /// cumulative-probability curves of NPV for the society and public-sector perspectives, and a bar
    /// chart of P(NPV &gt; 0) per perspective (who is likely to gain). Without it the report has no
    /// such section.
    /// </summary>
    /// <param name="psa">The PSA result; its comparator must be the report's comparator.</param>
    /// <returns>This builder.</returns>
    /// <exception cref="ArgumentException">The PSA's comparator differs from the report's.</exception>
    public ReportBuilder WithUncertainty(PsaResult psa)
    {
        ArgumentNullException.ThrowIfNull(psa);
        var name = psa.Strategies[psa.ComparatorIndex].Name;
        if (name != _comparator.Strategy.Name)
        {
            throw new ArgumentException($"The PSA's comparator '{name}' is not the report's comparator '{_comparator.Strategy.Name}'.", nameof(psa));
        }

        _psa = psa;
        return this;
    }

    /// <summary>Draws the charts and assembles the report.</summary>
    /// <returns>The report, ready to render or write.</returns>
    public Report Build()
    {
        var o = _options;
        var c = o.Culture;
        var model = _comparator.Model;
        var blocks = new List<Block> { new HeadingBlock(1, o.Title) };
        if (!string.IsNullOrWhiteSpace(o.Description))
        {
            blocks.Add(new ParagraphBlock(o.Description));
        }

        var opts = model.Options;
        var groups = model.Population.Groups;
        blocks.Add(new HeadingBlock(2, "Run settings"));
        blocks.Add(new ListBlock(
        [
            $"Model: {model.Name}",
            $"Strategies: {string.Join(", ", _results.Select(r => r.Strategy.Name))}; comparator: {_comparator.Strategy.Name}",
            $"Horizon: {_comparator.Cycles.ToString(c)} cycles of {_comparator.CycleLengthYears.ToString("0.##", c)} year(s)",
            $"Population: {model.Population.Size.ToString("N0", c)} people starting at age {string.Join(", ", groups.Select(g => g.StartAge.ToString("0.#", c)).Distinct())} in {string.Join(", ", groups.Select(g => g.State).Distinct())}",
            $"Discounting of money: {opts.CostDiscounting.Name}; of outcomes: {opts.OutcomeDiscounting.Name}",
            $"Prices: {(model.PriceYear is int y ? $"{o.Currency}, price year {y.ToString(CultureInfo.InvariantCulture)}" : o.Currency)}",
        ]));

        var shown = _appraisals.Where(a => o.Shows(a.Perspective.Name)).ToList();
        blocks.Add(new HeadingBlock(2, "Summary"));
        if (shown.Count == 0)
        {
            blocks.Add(new ParagraphBlock("No appraisal was requested (only the comparator was run, or the perspective filter matched nothing)."));
        }
        else
        {
            blocks.Add(new ParagraphBlock($"Each strategy against {_comparator.Strategy.Name}. PV = present value in {o.Currency}, totals for the modelled population; NPV = PV benefits − PV investment; BCR = PV benefits / PV investment; payback = years until the cumulative net benefit stays at or above zero."));
            blocks.Add(new TableBlock(ReportTables.SummaryTable(shown, o)));
        }

        var byStrategy = _appraisals.GroupBy(a => a.Strategy, StringComparer.Ordinal).ToList();
        if (byStrategy.Count > 0)
        {
            blocks.Add(new HeadingBlock(2, "Who invests, who saves"));
            blocks.Add(new ParagraphBlock("Per payer, the present value of the investment it bears (invested) and of the change in its other flows as a gain (savings: + = it pays less or receives more). Net gain = savings − invested: + = the payer is better off than under the comparator, − = it is out of pocket. The split by payer does not depend on the perspective."));
            foreach (var g in byStrategy)
            {
                blocks.Add(new HeadingBlock(3, $"{g.Key} vs {_comparator.Strategy.Name}"));
                blocks.Add(new TableBlock(ReportTables.PayerTable(g.First(), o)));
            }

            blocks.Add(new HeadingBlock(2, "Payback curves"));
            var index = 0;
            foreach (var g in byStrategy)
            {
                var run = _results.First(r => r.Strategy.Name == g.Key);
                blocks.Add(new ChartBlock(new ReportChart(
                    $"Cumulative discounted net benefit: {g.Key}",
                    $"Cumulative discounted net benefit of {g.Key} against {_comparator.Strategy.Name}: thin lines per payer, thick lines per perspective. Above zero the party is ahead; where a thick line crosses zero for good, the investment has paid back from that perspective.",
                    FileName("payback", ++index, g.Key),
                    Charts.PaybackCurve(run, g.ToList(), o))));
            }
        }

        if (_psa is not null)
        {
            AddUncertainty(blocks, _psa);
        }

        blocks.Add(new HeadingBlock(2, "Annual flows by payer"));
        var k = 0;
        foreach (var r in _results)
        {
            blocks.Add(new ChartBlock(new ReportChart(
                $"Annual flows by payer: {r.Strategy.Name}",
                $"Net undiscounted flows booked to each payer per year under {r.Strategy.Name} (positive = cost, negative = gain such as earnings or taxes received).",
                FileName("flows", ++k, r.Strategy.Name),
                Charts.AnnualFlowsByPayer(r, o))));
        }

        blocks.Add(new HeadingBlock(2, "State occupancy"));
        k = 0;
        foreach (var r in _results)
        {
            blocks.Add(new ChartBlock(new ReportChart(
                $"State occupancy: {r.Strategy.Name}",
                $"Share of the cohort in each state by age under {r.Strategy.Name}.",
                FileName("occupancy", ++k, r.Strategy.Name),
                Charts.StateOccupancy(r, o))));
        }

        blocks.Add(new HeadingBlock(2, "Conventions"));
        blocks.Add(new ListBlock(
        [
            "Costs are positive and gains negative in the ledger; a perspective's net benefit is minus its incremental net cost.",
            "Society counts resource costs and production of every payer, nets out transfers, and adds the tax financing cost on the net change in public budgets.",
            "Trace point t is discounted with the schedule's factor for year t (cycle 0 undiscounted unless the model says otherwise).",
            c.Name.Length == 0 ? "Numbers are formatted with the invariant culture." : $"Numbers are formatted with the culture {c.Name}.",
        ]));
        if (!string.IsNullOrWhiteSpace(o.Provenance))
        {
            blocks.Add(new FooterBlock(o.Provenance));
        }

        return new Report(o.Title, blocks);
    }

    private void AddUncertainty(List<Block> blocks, PsaResult psa)
    {
        var o = _options;
        var c = o.Culture;
        var comparator = psa.Strategies[psa.ComparatorIndex].Name;
        blocks.Add(new HeadingBlock(2, "Uncertainty"));
        var spec = psa.Specification;
        blocks.Add(new ParagraphBlock(
            $"Probabilistic sensitivity analysis: the model was run {psa.Draws.ToString("N0", c)} times, each time with parameter values drawn from their distributions ({spec.UncertainParameterCount.ToString("N0", c)} uncertain parameter(s); seed {psa.Seed.ToString(CultureInfo.InvariantCulture)}). " +
            $"NPV is against {comparator} in {o.Currency}, totals for the modelled population. The 95 % interval holds the middle 95 % of the draws; P(NPV > 0) is the chance that benefits exceed costs from that perspective."));
        if (spec.UncertainParameterCount == 0)
        {
            blocks.Add(new ParagraphBlock("No parameter was given a distribution: every draw equals the base case, so the intervals have zero width."));
        }

        if (psa.Strategies.Count < 2)
        {
            blocks.Add(new ParagraphBlock("Only the comparator was run: nothing to appraise."));
            return;
        }

        blocks.Add(new TableBlock(ReportTables.UncertaintyTable(psa, o)));
        var k = 0;
        foreach (var p in psa.Perspectives.Where(p => o.Shows(p.Name) && (p.Name == Perspective.PublicSector.Name || p.Name.StartsWith("society", StringComparison.Ordinal))))
        {
            blocks.Add(new ChartBlock(new ReportChart(
                $"NPV distribution: {p.Name}",
                $"Cumulative probability of the NPV against {comparator} from the {p.Name} perspective over the draws, one curve per strategy. Where a curve crosses the dashed zero line, read the chance that the strategy does not pay off; the rest is the chance that benefits exceed costs. A steep curve means little uncertainty.",
                FileName("npv-distribution", ++k, p.Name),
                Charts.NpvDistribution(psa, p, o))));
        }

        if (psa.Perspectives.Any(p => o.Shows(p.Name)))
        {
            blocks.Add(new ChartBlock(new ReportChart(
                "Chance that benefits exceed costs, by payer",
                $"Share of the draws in which each payer (and the public sector and society) ends up with a positive NPV against {comparator}: who is likely to gain. The dotted line marks 50 %.",
                "probability-positive-npv.png",
                Charts.ProbabilityPositiveNpv(psa, o))));
        }
    }

    private static string FileName(string kind, int index, string strategy)
    {
        var sb = new StringBuilder();
        foreach (var ch in strategy.ToLowerInvariant())
        {
            if (char.IsAsciiLetterOrDigit(ch))
            {
                sb.Append(ch);
            }
            else if (sb.Length > 0 && sb[^1] != '-')
            {
                sb.Append('-');
            }
        }

        var slug = sb.ToString().Trim('-');
        return FormattableString.Invariant($"{kind}-{index}-{(slug.Length == 0 ? "strategy" : slug[..Math.Min(40, slug.Length)])}.png");
    }
}
