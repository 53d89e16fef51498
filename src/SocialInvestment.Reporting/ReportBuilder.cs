using System.Globalization;
using System.Text;
using SocialInvestment.Economics;
using SocialInvestment.Engine;
using SocialInvestment.Model;
using SocialInvestment.Uncertainty;

namespace SocialInvestment.Reporting;

/// <summary>
/// Builds a <see cref="Report"/> from the core results of one appraisal: the run of every strategy
/// (the comparator included), the comparator, and the appraisals of each other strategy against it
/// from one or more perspectives. Sections: run settings; summary (invested, savings, NPV, BCR, ROI,
/// IRR, payback per strategy and perspective, undefined figures footnoted); who invests and who saves
/// (per payer); what changes (per strategy against the comparator: net gain by payer per year,
/// cumulative net position, change in occupancy); uncertainty (with <see cref="WithUncertainty(PsaResult)"/> or <see cref="WithUncertainty(PsaResult, PsaDrawSample)"/>);
/// assumptions (with <see cref="WithAssumptions"/> for parameters and interventions); the baseline
/// (state occupancy under the comparator); conventions. Every amount follows the result sign
/// convention: + = the payer or perspective is better off.
/// </summary>
/// <example>
/// <code>
/// var results = CohortEngine.RunAll(model);
/// var appraisals = results.Skip(1).SelectMany(r => perspectives.Select(p => Appraisal.Compare(r, results[0], p))).ToList();
/// new ReportBuilder(results, results[0], appraisals, new ReportOptions { Title = "My model" }).Build().WriteTo("out");
/// </code>
/// </example>
public sealed partial class ReportBuilder
{
    private readonly IReadOnlyList<SimulationResult> _results;
    private readonly SimulationResult _comparator;
    private readonly IReadOnlyList<AppraisalResult> _appraisals;
    private readonly ReportOptions _options;
    private PsaResult? _psa;
    private PsaDrawSample? _sample;
    private ReportAssumptions? _assumptions;

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

            if (!names.Contains(a.Strategy.Name))
            {
                problems.Add($"the appraisal of '{a.Strategy}' ({a.Perspective.Name}) has no run among the results");
            }

            if (a.Comparator.Name != comparator.Strategy.Name)
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
    /// a table per strategy × perspective (point NPV, mean NPV, 95 % percentile interval,
    /// P(NPV &gt; 0)), cumulative-probability curves of NPV for the society and public-sector
    /// perspectives, a bar chart of P(NPV &gt; 0) per perspective (who is likely to gain), the
    /// investment plane of the draws (NPV of the payer that invests most against NPV for society),
    /// acceptability by perspective with the frontier, the expected value of perfect information,
    /// and a tornado diagram per strategy (one-way sensitivity of society's NPV, or the public
    /// sector's, over each uncertain parameter's 2.5th–97.5th percentile range; the cohort engine
    /// reruns the model twice per parameter when the report is built). Without it the report has
    /// no such section.
    /// </summary>
    /// <param name="psa">The PSA result, run with <see cref="PsaOptions.KeepDraws"/> (the investment plane, acceptability and EVPI read every draw; for a streamed PSA use <see cref="WithUncertainty(PsaResult, PsaDrawSample)"/>); its comparator must be the report's comparator.</param>
    /// <returns>This builder.</returns>
    /// <exception cref="ArgumentException">The PSA's comparator differs from the report's, or the PSA did not keep its draws.</exception>
    public ReportBuilder WithUncertainty(PsaResult psa)
    {
        ArgumentNullException.ThrowIfNull(psa);
        if (!psa.KeepsDraws)
        {
            throw new ArgumentException("The PSA streamed its summaries without keeping the draws: pass a PsaDrawSample that was its DrawSink (WithUncertainty(psa, sample)), or run it with KeepDraws = true.", nameof(psa));
        }

        return WithUncertaintyCore(psa, null);
    }

    /// <summary>
    /// Adds the Uncertainty section for a PSA that streamed its summaries (<see cref="PsaOptions.KeepDraws"/>
    /// false), in memory that does not grow with the draws: as <see cref="WithUncertainty(PsaResult)"/>,
    /// but the NPV distribution charts are read from the PSA's quantile sketches, the acceptability
    /// and EVPI charts from the counts and sums <paramref name="sample"/> accumulated over every
    /// draw, and the investment planes plot the draws the sample kept (the first
    /// <see cref="PsaDrawSample.Count"/>; the chart's legend says so).
    /// </summary>
    /// <param name="psa">The PSA result; its comparator must be the report's comparator.</param>
    /// <param name="sample">The draw sample that was this PSA's <see cref="PsaOptions.DrawSink"/>.</param>
    /// <returns>This builder.</returns>
    /// <exception cref="ArgumentException">The PSA's comparator differs from the report's, or the sample was not fed by this PSA.</exception>
    public ReportBuilder WithUncertainty(PsaResult psa, PsaDrawSample sample)
    {
        ArgumentNullException.ThrowIfNull(psa);
        ArgumentNullException.ThrowIfNull(sample);
        sample.CheckMatches(psa);
        return WithUncertaintyCore(psa, sample);
    }

    private ReportBuilder WithUncertaintyCore(PsaResult psa, PsaDrawSample? sample)
    {
        var name = psa.Strategies[psa.ComparatorIndex].Name;
        if (name != _comparator.Strategy.Name)
        {
            throw new ArgumentException($"The PSA's comparator '{name}' is not the report's comparator '{_comparator.Strategy.Name}'.", nameof(psa));
        }

        _psa = psa;
        _sample = sample;
        return this;
    }

    /// <summary>
    /// Adds what the Assumptions section lists beyond the model: every parameter (point value,
    /// distribution, source), the interventions (eligibility, uptake, costs, effects with sizes),
    /// the year discounted to and the tax financing cost. Effects marked illustrative get a visible
    /// warning, in the Assumptions section and under the summary. Without it the section states only
    /// what the model holds (population, horizon, counting, discounting, price year, strategies).
    /// </summary>
    /// <param name="assumptions">The assumptions, filled by the caller from its input.</param>
    /// <returns>This builder.</returns>
    public ReportBuilder WithAssumptions(ReportAssumptions assumptions)
    {
        ArgumentNullException.ThrowIfNull(assumptions);
        _assumptions = assumptions;
        return this;
    }

    /// <summary>Draws the charts and assembles the report.</summary>
    /// <returns>The report, ready to render or write.</returns>
    public Report Build()
    {
        var o = _options;
        var c = o.Culture;
        var t = Loc.For(o);
        var model = _comparator.Model;
        var year = model.PriceYear;
        var comparator = _comparator.Strategy.Name;
        var blocks = new List<Block> { new HeadingBlock(1, o.Title) };
        if (!string.IsNullOrWhiteSpace(o.Description))
        {
            blocks.Add(new ParagraphBlock(o.Description));
        }

        var groups = model.Population.Groups;
        blocks.Add(new HeadingBlock(2, t["sec.settings"], "settings"));
        blocks.Add(new ListBlock(
        [
            t.F("settings.model", model.Name),
            t.F("settings.strategies", string.Join(", ", _results.Select(r => r.Strategy.Name)), comparator),
            t.F("settings.horizon", _comparator.Cycles, _comparator.CycleLengthYears.ToString("0.##", c)),
            t.F("settings.population", model.Population.Size.ToString("N0", c), string.Join(", ", groups.Select(g => g.StartAge.ToString("0.#", c)).Distinct())),
            t.F("settings.money", t.Money(o.Currency, string.Empty, year)),
            t["settings.sign"],
        ]));

        var shown = _appraisals.Where(a => o.Shows(a.Perspective.Name)).ToList();
        blocks.Add(new HeadingBlock(2, t["sec.summary"], "summary"));
        if (shown.Count == 0)
        {
            blocks.Add(new ParagraphBlock(t["summary.none"]));
        }
        else
        {
            blocks.Add(new ParagraphBlock(t.F("summary.intro", comparator, t.Money(o.Currency, string.Empty, year))));
            blocks.Add(new TableBlock(ReportTables.SummaryTable(shown, o, year)));
        }

        var illustrative = IllustrativeWarning(t);
        if (illustrative is not null)
        {
            blocks.Add(new WarningBlock(illustrative));
        }

        var byStrategy = _appraisals.GroupBy(a => a.Strategy.Name, StringComparer.Ordinal).ToList();
        if (byStrategy.Count > 0)
        {
            blocks.Add(new HeadingBlock(2, t["sec.whoInvests"], "who-invests"));
            blocks.Add(new ParagraphBlock(t["whoInvests.intro"]));
            foreach (var g in byStrategy)
            {
                blocks.Add(new HeadingBlock(3, t.F("heading.vs", g.Key, comparator)));
                blocks.Add(new TableBlock(ReportTables.PayerTable(g.First(), o, year)));
            }

            AddSettlement(blocks);
            blocks.Add(new HeadingBlock(2, t["sec.changes"], "what-changes"));
            blocks.Add(new ParagraphBlock(t.F("changes.intro", comparator)));
            var index = 0;
            foreach (var g in byStrategy)
            {
                index++;
                var run = _results.First(r => r.Strategy.Name == g.Key);
                blocks.Add(new HeadingBlock(3, t.F("heading.vs", g.Key, comparator)));
                blocks.Add(new ChartBlock(new ReportChart(
                    t.F("chart.netGainYear.title", g.Key, comparator),
                    t.F("caption.netGainYear", g.Key, comparator),
                    FileName("net-gain", index, g.Key),
                    () => Charts.IncrementalNetGainByPayer(run, g.First(), o))));
                blocks.Add(new ChartBlock(new ReportChart(
                    t.F("chart.cumulative.title", g.Key, comparator),
                    t.F("caption.cumulative", g.Key, comparator),
                    FileName("cumulative", index, g.Key),
                    () => Charts.CumulativeNetPosition(run, g.ToList(), o))));
                blocks.Add(new ChartBlock(new ReportChart(
                    t.F("chart.incOccupancy.title", g.Key, comparator),
                    t.F("caption.incOccupancy", g.Key, comparator),
                    FileName("occupancy-change", index, g.Key),
                    () => Charts.IncrementalOccupancy(run, _comparator, o))));
            }
        }

        if (_psa is not null)
        {
            AddUncertainty(blocks, _psa, t);
        }

        AddAssumptions(blocks, t);

        blocks.Add(new HeadingBlock(2, t["sec.baseline"], "baseline"));
        blocks.Add(new ChartBlock(new ReportChart(
            t.F("chart.occupancy.title", comparator),
            t.F("caption.occupancy", comparator),
            FileName("occupancy", 1, comparator),
            () => Charts.StateOccupancy(_comparator, o))));

        blocks.Add(new HeadingBlock(2, t["sec.conventions"], "conventions"));
        blocks.Add(new ListBlock(
        [
            t["conventions.sign"],
            t["conventions.input"],
            t["conventions.society"],
            t["conventions.discount"],
            c.Name.Length == 0 ? t["conventions.invariant"] : t.F("conventions.culture", c.Name),
        ]));
        if (!string.IsNullOrWhiteSpace(o.Provenance))
        {
            blocks.Add(new FooterBlock(o.Provenance));
        }

        return new Report(o.Title, blocks, t.HtmlLang, o.Threads);
    }

    private string? IllustrativeWarning(Loc t)
    {
        if (_assumptions is null)
        {
            return null;
        }

        var names = _assumptions.Interventions.Where(i => i.Effects.Any(e => e.IsIllustrative))
            .Select(i => i.Strategies.Count == 0 ? i.Name : t.F("warning.inStrategies", i.Name, string.Join(", ", i.Strategies))).ToList();
        return names.Count == 0 ? null : t.F("warning.illustrative", string.Join(", ", names));
    }

    private void AddAssumptions(List<Block> blocks, Loc t)
    {
        var o = _options;
        var c = o.Culture;
        var model = _comparator.Model;
        var opts = model.Options;
        var a = _assumptions;
        blocks.Add(new HeadingBlock(2, t["sec.assumptions"], "assumptions"));
        var groups = model.Population.Groups;
        var total = groups.Sum(g => g.Weight);
        var items = new List<string>
        {
            t.F("assume.population", model.Population.Size.ToString("N0", c), string.Join("; ", groups.Select(g => t.F("assume.group", g.State, g.StartAge.ToString("0.#", c), NumberFormat.Percent(total > 0 ? g.Weight / total : 0, c))))),
            t.F("assume.horizon", _comparator.Cycles, _comparator.CycleLengthYears.ToString("0.##", c), (_comparator.Cycles * _comparator.CycleLengthYears).ToString("0.#", c)),
            t.F("assume.counting", opts.StateWeights.Name),
            t.F("assume.discounting", opts.CostDiscounting.Name, opts.OutcomeDiscounting.Name),
            model.PriceYear is int py ? t.F("assume.priceYear", py.ToString(CultureInfo.InvariantCulture), o.Currency) : t.F("assume.noPriceYear", o.Currency),
            a?.DiscountedToYear is int dy
                ? t.F("assume.discountedTo", dy.ToString(CultureInfo.InvariantCulture), opts.DiscountTimeOffsetYears.ToString("0.##", c))
                : t.F("assume.discountedToStart", opts.DiscountTimeOffsetYears.ToString("0.##", c)),
            a?.TaxFinancingCost is double tf ? t.F("assume.taxFinancing", NumberFormat.Percent(tf, c)) : t["assume.taxFinancingUnknown"],
        };
        blocks.Add(new ListBlock(items));
        if (!string.IsNullOrWhiteSpace(a?.Notes))
        {
            blocks.Add(new ParagraphBlock(a.Notes));
        }

        blocks.Add(new HeadingBlock(3, t["assume.strategies"]));
        blocks.Add(new ListBlock(_results.Select(r => r.Strategy.Interventions.Count == 0
            ? t.F("assume.strategyNone", r.Strategy.Name)
            : t.F("assume.strategyWith", r.Strategy.Name, string.Join(", ", r.Strategy.Interventions.Select(i => i.Name)))).ToList()));

        if (a is null)
        {
            blocks.Add(new ParagraphBlock(t["assume.notSupplied"]));
            return;
        }

        var illustrative = IllustrativeWarning(t);
        if (illustrative is not null)
        {
            blocks.Add(new WarningBlock(illustrative));
        }

        foreach (var i in a.Interventions)
        {
            blocks.Add(new HeadingBlock(3, t.F("assume.intervention", i.Name)));
            if (!string.IsNullOrWhiteSpace(i.Description))
            {
                blocks.Add(new ParagraphBlock(i.Description));
            }

            var eligible = i.EligibleStates.Count == 0 ? t["assume.everyone"] : string.Join(", ", i.EligibleStates);
            var ages = (i.MinAge, i.MaxAge) switch
            {
                (double lo, double hi) => t.F("assume.agesBetween", lo.ToString("0.#", c), hi.ToString("0.#", c)),
                (double lo, null) => t.F("assume.agesFrom", lo.ToString("0.#", c)),
                (null, double hi) => t.F("assume.agesTo", hi.ToString("0.#", c)),
                _ => string.Empty,
            };
            blocks.Add(new ListBlock(
            [
                t.F("assume.eligibility", eligible, ages),
                i.UptakeParameter is null ? t.F("assume.uptake", NumberFormat.Percent(i.Uptake, c)) : t.F("assume.uptakeParameter", NumberFormat.Percent(i.Uptake, c), i.UptakeParameter),
                t.F("assume.inStrategies", i.Strategies.Count == 0 ? "–" : string.Join(", ", i.Strategies)),
            ]));
            if (i.Costs.Count > 0)
            {
                var costs = new Table(
                    [t["col.payer"], t["col.sector"], t["col.timing"], ReportTables.MoneyHeader(t, o, model.PriceYear, "col.amount"), t["col.parameter"], t["col.duration"], t["col.states"], t["col.source"]],
                    [false, false, false, true, false, true, false, false]);
                foreach (var k in i.Costs)
                {
                    costs.Add(
                        k.Payer,
                        k.Sector,
                        t[k.Timing == Model.CostTiming.Upfront ? "timing.upfront" : "timing.perYear"],
                        NumberFormat.Amount(k.Amount, c),
                        k.Parameter ?? string.Empty,
                        k.DurationYears is double d ? t.F("unit.years", d.ToString("0.#", c)) : t["assume.whileInState"],
                        k.States.Count == 0 ? t["assume.anyLivingState"] : string.Join(", ", k.States),
                        k.Source ?? string.Empty);
                }

                blocks.Add(new TableBlock(costs));
            }

            if (i.Effects.Count > 0)
            {
                var effects = new Table(
                    [t["col.target"], t["col.measure"], t["col.size"], t["col.parameter"], t["col.profile"], t["col.source"]],
                    [false, false, true, false, false, false]);
                foreach (var e in i.Effects)
                {
                    effects.Add(
                        e.Target,
                        t["measure." + e.Measure],
                        e.Size.ToString("0.###", c),
                        e.Parameter ?? string.Empty,
                        Profile(t, e, c),
                        (e.IsIllustrative ? "⚠ " : string.Empty) + (e.Source ?? string.Empty));
                }

                blocks.Add(new TableBlock(effects));
            }
        }

        if (a.Parameters.Count > 0)
        {
            blocks.Add(new HeadingBlock(3, t["assume.parameters"]));
            blocks.Add(new ParagraphBlock(t["assume.parametersIntro"]));
            var table = new Table([t["col.parameter"], t["col.pointValue"], t["col.distribution"], t["col.sourceDescription"]], [false, true, false, false]);
            foreach (var p in a.Parameters)
            {
                var isIllustrative = p.Source?.Contains("illustrative", StringComparison.OrdinalIgnoreCase) == true;
                table.Add((isIllustrative ? "⚠ " : string.Empty) + p.Name, FormatValue(p.Value, c), p.Distribution ?? t["assume.fixed"], p.Source ?? string.Empty);
            }

            blocks.Add(new TableBlock(table));
        }
    }

    private static string FormatValue(double v, CultureInfo c) => Math.Abs(v) >= 1000 ? v.ToString("N0", c) : v.ToString("0.####", c);

    private static string Profile(Loc t, InterventionEffectAssumption e, CultureInfo c)
    {
        string Y(double? v) => (v ?? 0).ToString("0.#", c);
        return e.Duration switch
        {
            EffectDuration.Constant => t.F("profile.constant", Y(e.Years)),
            EffectDuration.Decay => t.F("profile.decay", Y(e.Years), Y(e.Until)),
            EffectDuration.Linear => t.F("profile.linear", Y(e.Years), Y(e.Until)),
            _ => t["profile.permanent"],
        };
    }

    private void AddUncertainty(List<Block> blocks, PsaResult psa, Loc t)
    {
        var o = _options;
        var c = o.Culture;
        var comparator = psa.Strategies[psa.ComparatorIndex].Name;
        blocks.Add(new HeadingBlock(2, t["sec.uncertainty"], "uncertainty"));
        var spec = psa.Specification;
        blocks.Add(new ParagraphBlock(t.F(
            "uncertainty.intro",
            psa.Draws.ToString("N0", c),
            spec.UncertainParameterCount.ToString("N0", c),
            psa.Seed.ToString(CultureInfo.InvariantCulture),
            comparator,
            t.Money(o.Currency, string.Empty, spec.Model.PriceYear))));
        if (spec.UncertainParameterCount == 0)
        {
            blocks.Add(new ParagraphBlock(t["uncertainty.noDistributions"]));
        }

        if (psa.Strategies.Count < 2)
        {
            blocks.Add(new ParagraphBlock(t["uncertainty.onlyComparator"]));
            return;
        }

        blocks.Add(new TableBlock(ReportTables.UncertaintyTable(psa, o, _appraisals, spec.Model.PriceYear)));
        var k = 0;
        foreach (var p in psa.Perspectives.Where(p => o.Shows(p.Name) && (p.Equals(Perspective.PublicSector) || p.TaxFinancingCost is not null)))
        {
            blocks.Add(new ChartBlock(new ReportChart(
                t.F("chart.npvDistribution.title", p.Name),
                t.F("caption.npvDistribution", comparator, p.Name),
                FileName("npv-distribution", ++k, p.Name),
                () => Charts.NpvDistribution(psa, p, o))));
        }

        if (!psa.Perspectives.Any(p => o.Shows(p.Name)))
        {
            return;
        }

        blocks.Add(new ChartBlock(new ReportChart(
            t.F("chart.probPositive.title", comparator),
            t.F("caption.probPositive", comparator),
            "probability-positive-npv.png",
            () => Charts.ProbabilityPositiveNpv(psa, o))));

        var society = psa.Perspectives.FirstOrDefault(p => p.TaxFinancingCost is not null)
            ?? psa.Perspectives.FirstOrDefault(p => p.Equals(Perspective.PublicSector))
            ?? psa.Perspectives[^1];
        k = 0;
        foreach (var strategy in psa.Strategies.Where((_, i) => i != psa.ComparatorIndex))
        {
            k++;
            var point = _appraisals.FirstOrDefault(a => a.Strategy.Name == strategy.Name);
            var investor = point?.Payers.OrderByDescending(p => Figures.Balance(p).Invested).FirstOrDefault(p => Figures.Balance(p).Invested > 0);
            var x = investor is null ? null : psa.Perspectives.FirstOrDefault(p => p.Equals(Perspective.ForPayer(investor.Payer)));
            x ??= psa.Perspectives.FirstOrDefault(p => p.Equals(Perspective.PublicSector) && !p.Equals(society));
            if (x is null || x.Equals(society))
            {
                continue;
            }

            blocks.Add(new ChartBlock(new ReportChart(
                t.F("chart.plane.title", strategy.Name, comparator),
                t.F("caption.plane", strategy.Name, x.Name, society.Name),
                FileName("plane", k, strategy.Name),
                () => _sample is null ? Charts.InvestmentPlane(psa, strategy, x, society, o) : Charts.InvestmentPlaneOfSample(psa, _sample, strategy, x, society, o))));
        }

        blocks.Add(new ChartBlock(new ReportChart(
            t["chart.acceptability.title"],
            t["caption.acceptability"],
            "acceptability.png",
            () => _sample is null ? Charts.Acceptability(psa, o) : Charts.AcceptabilityOfSample(psa, _sample, o))));
        blocks.Add(new ChartBlock(new ReportChart(
            t["chart.evpi.title"],
            t["caption.evpi"],
            "evpi.png",
            () => _sample is null ? Charts.Evpi(psa, o) : Charts.EvpiOfSample(psa, _sample, o))));

        if (spec.UncertainParameterCount == 0)
        {
            return;
        }

        var ranges = spec.Ranges();
        var bau = psa.Strategies[psa.ComparatorIndex];

        // Every strategy's tornado compares with the comparator at the same parameter values (the base
        // and each range's ends): run the comparator once per point, not once per strategy. The
        // figures are those of Sensitivity.OneWayNpv (the same runs, the same appraisal); the runs are
        // independent, so they are made first, ReportOptions.Threads at once, and looked up after.
        // The distinct points (a range's end may be the base value), each run once.
        static string Key(ParameterValues p) => string.Join(',', Enumerable.Range(0, p.Count).Select(i => BitConverter.DoubleToInt64Bits(p[i]).ToString(CultureInfo.InvariantCulture)));
        var basePoint = spec.Model.BaseParameters;
        var points = new List<ParameterValues>();
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        void Point(ParameterValues p)
        {
            if (index.TryAdd(Key(p), points.Count))
            {
                points.Add(p);
            }
        }

        Point(basePoint);
        foreach (var r in ranges)
        {
            Point(basePoint.With(r.Parameter, r.Low));
            Point(basePoint.With(r.Parameter, r.High));
        }

        var strategies = psa.Strategies.Where((_, i) => i != psa.ComparatorIndex).ToList();
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = o.Threads == 0 ? Environment.ProcessorCount : o.Threads };
        var comparatorRuns = new SimulationResult[points.Count];
        Parallel.For(0, points.Count, parallel, i => comparatorRuns[i] = CohortEngine.Run(spec.Model, bau, points[i]));
        var npv = new double[strategies.Count * points.Count];
        Parallel.For(0, npv.Length, parallel, n =>
        {
            var (s, i) = Math.DivRem(n, points.Count);
            npv[n] = Appraisal.Compare(CohortEngine.Run(spec.Model, strategies[s], points[i]), comparatorRuns[i], society).NetPresentValue;
        });

        for (var s = 0; s < strategies.Count; s++)
        {
            var strategy = strategies[s];
            var row = s * points.Count;
            var tornado = Sensitivity.OneWay(basePoint, ranges, p => npv[row + index[Key(p)]]);
            blocks.Add(new ChartBlock(new ReportChart(
                t.F("chart.tornado.title", strategy.Name, society.Name),
                t.F("caption.tornado", strategy.Name, comparator, society.Name),
                FileName("tornado", s + 1, strategy.Name),
                () => Charts.Tornado(tornado, spec.Model, strategy.Name, society, o))));
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
