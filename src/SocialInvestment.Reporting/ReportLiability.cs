using System.Globalization;
using ScottPlot;
using SocialInvestment.Decisions;
using SocialInvestment.Economics;

namespace SocialInvestment.Reporting;

/// <summary>
/// Reports and charts of the caseload liability and of the follow-up of an investment. The liability
/// report, the follow-up report and their charts are in the report's language (English or Norwegian
/// bokmål, <see cref="ReportOptions.Language"/>). A liability is a named
/// magnitude: the present value of projected future flows, + when it costs the payer. Follow-up gains
/// follow the result convention: + = better off.
/// </summary>
public static class LiabilityReports
{
    /// <summary>Builds the liability report: totals by payer, the public liability by age band, state and attribute (suppressed cells shown as such), the movement analysis when given, and the conventions.</summary>
    /// <param name="liability">The liability.</param>
    /// <param name="movement">The movement analysis between two snapshots, or null.</param>
    /// <param name="options">Title, language, culture, currency, chart size; null for the defaults.</param>
    public static Report Liability(LiabilityResult liability, LiabilityMovementResult? movement = null, ReportOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(liability);
        options ??= new ReportOptions { Title = "Caseload liability" };
        options.Validate();
        var c = options.Culture;
        var tx = Loc.For(options);
        var unit = Unit(tx, options.Currency, liability.PriceYear);
        var blocks = new List<Block>
        {
            new HeadingBlock(1, options.Title),
        };
        if (options.Description is { } d)
        {
            blocks.Add(new ParagraphBlock(d));
        }

        blocks.Add(new HeadingBlock(2, tx["liability.heading"], "liability"));
        blocks.Add(new ParagraphBlock(tx.F(
            "liability.intro",
            liability.RegisterLabel is { } l ? tx.F("liability.registerLabel", l) : string.Empty,
            liability.PersonCount.ToString("N0", c),
            liability.HorizonCycles,
            liability.Strategy,
            unit)));
        var totals = new Table([tx["col.payer"], tx.F("liability.col.liability", unit), tx["liability.col.interval"]], [false, true, true]);
        foreach (var p in liability.ByPayer)
        {
            totals.Add(p.Payer.Name, NumberFormat.Amount(p.Value, c), Interval(tx, liability.PayerIntervals?.GetValueOrDefault(p.Payer.Name)));
        }

        totals.Add(tx["liability.publicSector"], NumberFormat.Amount(liability.Public, c), Interval(tx, liability.PublicInterval));
        if (liability.Draws > 0)
        {
            totals.Footnotes = [tx.F("liability.note.intervals", liability.Draws, liability.Seed)];
        }

        blocks.Add(new TableBlock(totals));

        var dimensions = liability.Cells.Select(x => x.Dimension).Distinct(StringComparer.Ordinal).ToList();
        foreach (var dimension in dimensions)
        {
            var cells = liability.Dimension(dimension);
            var name = DimensionName(tx, dimension);
            blocks.Add(new HeadingBlock(3, tx.F("liability.byDimension", name)));
            var t = new Table([name, tx["liability.col.persons"], tx.F("liability.col.publicLiability", unit), tx["liability.col.perPerson"], tx["liability.col.interval"]], [false, true, true, true, true]);
            var suppressed = tx["liability.suppressed"];
            foreach (var cell in cells)
            {
                if (cell.Suppressed)
                {
                    t.Add(cell.Key, suppressed, suppressed, suppressed, suppressed);
                }
                else
                {
                    t.Add(cell.Key, cell.Count!.Value.ToString("N0", c), NumberFormat.Amount(cell.Public!.Value, c), NumberFormat.Amount(cell.Public.Value / cell.Count.Value, c), Interval(tx, cell.PublicInterval));
                }
            }

            if (cells.Any(x => x.Suppressed))
            {
                t.Footnotes = [tx.F("liability.note.suppressed", liability.MinimumCellCount)];
            }

            blocks.Add(new TableBlock(t));
            if (dimension is CaseloadLiability.AgeBand or CaseloadLiability.StateDimension)
            {
                var file = dimension == CaseloadLiability.AgeBand ? "liability-age-band.png" : "liability-state.png";
                blocks.Add(new ChartBlock(new ReportChart(tx.F("liability.chart.title", name), tx.F("liability.caption.byGroup", name, unit), file, () => LiabilityByGroup(liability, dimension, options))));
            }
        }

        if (movement is not null)
        {
            blocks.Add(new HeadingBlock(2, tx["liability.movement.heading"], "movement"));
            blocks.Add(new ParagraphBlock(tx.F("liability.movement.intro", movement.OpeningLabel ?? tx["liability.movement.openingSnapshot"], movement.ClosingLabel ?? tx["liability.movement.closingSnapshot"], unit)));
            var t = new Table([string.Empty, tx["liability.col.persons"], tx.F("liability.col.public", unit)], [false, true, true]);
            t.Add(tx["liability.movement.opening"], string.Empty, NumberFormat.Amount(movement.Opening, c));
            foreach (var part in movement.Parts)
            {
                t.Add(PartName(tx, part), part.Persons.ToString("N0", c), NumberFormat.Amount(part.Public, c));
            }

            t.Add(tx["liability.movement.closing"], string.Empty, NumberFormat.Amount(movement.Closing, c));
            t.Add(tx["liability.movement.expected"], string.Empty, NumberFormat.Amount(movement.ExpectedChange, c));
            t.Add(tx["liability.movement.actual"], string.Empty, NumberFormat.Amount(movement.ActualChange, c));
            t.Footnotes = movement.Parts.Select(p => tx.F("liability.movement.note", PartName(tx, p), PartDescription(tx, p, movement.ClosingStrategy))).ToArray();
            blocks.Add(new TableBlock(t));
        }

        blocks.Add(new HeadingBlock(2, tx["sec.conventions"], "conventions"));
        blocks.Add(new ListBlock(
        [
            tx.F("liability.conv.amounts", unit),
            tx["liability.conv.profiles"],
            tx["liability.conv.synthetic"],
        ]));
        if (options.Provenance is { } prov)
        {
            blocks.Add(new FooterBlock(prov));
        }

        return new Report(options.Title, blocks, tx.HtmlLang, options.Threads);
    }

    /// <summary>Builds the realisation report an investment leader can take to the council: observed against forecast with bands, gains realised so far by payer, deviations, and the updated belief.</summary>
    /// <param name="comparison">The follow-up comparison.</param>
    /// <param name="options">Title, language, culture, currency; null for the defaults.</param>
    public static Report FollowUp(FollowUpComparison comparison, ReportOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(comparison);
        options ??= new ReportOptions { Title = "Follow-up: realised against forecast" };
        options.Validate();
        var c = options.Culture;
        var tx = Loc.For(options);
        var f = comparison.Forecast;
        var unit = Unit(tx, options.Currency, f.PriceYear);
        var blocks = new List<Block> { new HeadingBlock(1, options.Title) };
        if (options.Description is { } d)
        {
            blocks.Add(new ParagraphBlock(d));
        }

        blocks.Add(new HeadingBlock(2, tx["followup.heading.forecast"], "forecast"));
        blocks.Add(new ParagraphBlock(tx.F(
            "followup.intro",
            f.Investment,
            f.Comparator,
            f.StartYear,
            f.CohortSize,
            f.LastYear,
            f.ScenarioHash,
            f.Draws.Count > 0 ? tx.F("followup.intro.draws", f.Draws.Count, f.Seed) : tx["followup.intro.baseCaseOnly"])));
        var npv = new Table([tx["col.perspective"], tx.F("followup.col.forecastNpv", unit)], [false, true]);
        for (var v = 0; v < f.Perspectives.Count; v++)
        {
            npv.Add(f.Perspectives[v], NumberFormat.Amount(f.BaseCase.Npv[v], c));
        }

        blocks.Add(new TableBlock(npv));

        blocks.Add(new HeadingBlock(2, tx["followup.heading.counts"], "counts"));
        if (comparison.Counts.Count > 0)
        {
            var t = new Table([tx["followup.col.year"], tx["followup.col.state"], tx["followup.col.peopleFollowed"], tx["followup.col.observed"], tx["followup.col.expected"], tx["followup.col.band"], tx["followup.col.deviation"]], [true, false, true, true, true, true, false]);
            foreach (var x in comparison.Counts)
            {
                t.Add(x.Year.ToString(CultureInfo.InvariantCulture), x.State, x.People.ToString("N0", c), x.Observed.ToString("N0", c), x.Expected.ToString("N1", c), $"{x.Lower.ToString("N0", c)}–{x.Upper.ToString("N0", c)}", DeviationText(tx, x.Deviation));
            }

            t.Footnotes = [tx["followup.note.counts"]];
            blocks.Add(new TableBlock(t));
            blocks.Add(new ChartBlock(new ReportChart(tx["followup.chart.title"], tx["followup.caption.counts"], "follow-up-counts.png", () => ObservedAgainstExpected(comparison, options))));
        }
        else
        {
            blocks.Add(new ParagraphBlock(tx["followup.noCounts"]));
        }

        blocks.Add(new HeadingBlock(2, tx["followup.heading.gains"], "gains"));
        if (comparison.Spending.Count > 0)
        {
            var t = new Table([tx["followup.col.year"], tx["col.payer"], tx.F("followup.col.spent", unit), tx["followup.col.forecast"], tx["followup.col.band"], tx["followup.col.without"], tx["followup.col.realisedGain"], tx["followup.col.forecastGain"], tx["followup.col.deviation"], tx["col.source"]], [true, false, true, true, true, true, true, true, false, false]);
            foreach (var x in comparison.Spending)
            {
                t.Add(x.Year.ToString(CultureInfo.InvariantCulture), x.Payer, NumberFormat.Amount(x.Observed, c), NumberFormat.Amount(x.Expected, c), x.Lower is double lo ? $"{NumberFormat.Amount(lo, c)}–{NumberFormat.Amount(x.Upper!.Value, c)}" : tx["followup.noDraws"], NumberFormat.Amount(x.Comparator, c), NumberFormat.Amount(x.RealisedGain, c), NumberFormat.Amount(x.ForecastGain, c), DeviationText(tx, x.Deviation), x.Source ?? string.Empty);
            }

            t.Footnotes = [tx["followup.note.spending"]];
            blocks.Add(new TableBlock(t));
            var g = new Table([tx["col.payer"], tx["followup.col.years"], tx.F("followup.col.realisedSoFar", unit), tx["followup.col.forecastSameYears"]], [false, true, true, true]);
            foreach (var x in comparison.Gains)
            {
                g.Add(x.Payer, x.Years.ToString(CultureInfo.InvariantCulture), NumberFormat.Amount(x.Realised, c), NumberFormat.Amount(x.Forecast, c));
            }

            blocks.Add(new TableBlock(g));
        }
        else
        {
            blocks.Add(new ParagraphBlock(tx["followup.noSpending"]));
        }

        blocks.Add(new HeadingBlock(2, tx["followup.heading.deviations"], "deviations"));
        blocks.Add(new ParagraphBlock(comparison.DeviationCount == 0
            ? tx["followup.deviations.none"]
            : tx.F("followup.deviations.some", comparison.DeviationCount)));

        blocks.Add(new HeadingBlock(2, tx["followup.heading.update"], "update"));
        blocks.Add(new ParagraphBlock(UpdateStatement(tx, comparison)));
        if (comparison.Update is { } u)
        {
            var t = new Table([tx["followup.col.figure"], tx["followup.col.priorMean"], tx["followup.col.prior95"], tx["followup.col.updatedMean"], tx["followup.col.updated95"], tx["followup.col.mcse"], tx["followup.col.moved"]], [false, true, true, true, true, true, false]);
            for (var i = 0; i < u.Npv.Count + u.Parameters.Count; i++)
            {
                var x = i < u.Npv.Count ? u.Npv[i] : u.Parameters[i - u.Npv.Count];
                string N(double v) => Math.Abs(v) >= 1e4 ? NumberFormat.Amount(v, c) : v.ToString("0.####", c);
                t.Add(FigureName(tx, comparison, x, i < u.Npv.Count ? i : -1), N(x.PriorMean), $"{N(x.PriorLower)} – {N(x.PriorUpper)}", N(x.PosteriorMean), $"{N(x.PosteriorLower)} – {N(x.PosteriorUpper)}", N(x.PosteriorStandardError), x.Moved ? tx["followup.yes"] : tx["followup.no"]);
            }

            t.Footnotes = [tx.F("followup.note.update", u.Draws, u.EffectiveSampleSize, unit)];
            blocks.Add(new TableBlock(t));
        }

        if (options.Provenance is { } prov)
        {
            blocks.Add(new FooterBlock(prov));
        }

        return new Report(options.Title, blocks, tx.HtmlLang, options.Threads);
    }

    /// <summary>Bar chart of the public liability of each unsuppressed cell of a dimension (+ = future public cost).</summary>
    /// <param name="liability">The liability.</param>
    /// <param name="dimension"><c>age band</c>, <c>state</c> or an attribute.</param>
    /// <param name="options">Size, language, culture, currency; null for the defaults.</param>
    /// <returns>The PNG image.</returns>
    public static byte[] LiabilityByGroup(LiabilityResult liability, string dimension, ReportOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(liability);
        ArgumentNullException.ThrowIfNull(dimension);
        options ??= new ReportOptions();
        options.Validate();
        var cells = liability.Dimension(dimension).Where(x => !x.Suppressed).ToList();
        var max = cells.Count == 0 ? 0 : cells.Max(x => Math.Abs(x.Public!.Value));
        var (divisor, word) = NumberFormat.Scale(max);
        var t = Loc.For(options);
        var scaled = word.Length == 0 ? options.Currency : string.Format(CultureInfo.InvariantCulture, t[word], options.Currency);
        var prices = liability.PriceYear is int py ? t.F("liability.chart.prices", py.ToString(CultureInfo.InvariantCulture)) : t["liability.chart.modelPrices"];
        var name = DimensionName(t, dimension);
        var plot = NewPlot(t.F("liability.chart.title", name), name, t.F("liability.chart.axis", scaled, prices));
        var ticks = new ScottPlot.TickGenerators.NumericManual();
        var color = new ScottPlot.Palettes.Category10().GetColor(0);
        for (var i = 0; i < cells.Count; i++)
        {
            ticks.AddMajor(i, cells[i].Key.Replace("_", "\n", StringComparison.Ordinal));
            var bar = new Bar { Position = i, Value = cells[i].Public!.Value / divisor, Size = 0.7, FillColor = color };
            if (cells[i].PublicInterval is { } iv)
            {
                bar.Error = (iv.Upper - iv.Lower) / 2 / divisor;
            }

            plot.Add.Bars(new[] { bar });
        }

        plot.Axes.Bottom.TickGenerator = ticks;
        plot.Axes.Bottom.MajorTickStyle.Length = 0;
        plot.Axes.Margins(bottom: 0);
        plot.Add.HorizontalLine(0, 1, Colors.Black.WithAlpha(0.6));
        return Charts.Render(plot, options);
    }

    /// <summary>Observed against expected: per year and state the expected count with its 95 % band and the observed count.</summary>
    /// <param name="comparison">The follow-up comparison.</param>
    /// <param name="options">Size, language; null for the defaults.</param>
    /// <returns>The PNG image.</returns>
    public static byte[] ObservedAgainstExpected(FollowUpComparison comparison, ReportOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(comparison);
        options ??= new ReportOptions();
        options.Validate();
        var t = Loc.For(options);
        var plot = NewPlot(t["followup.chart.title"], t["followup.chart.xAxis"], t["followup.chart.yAxis"]);
        var ticks = new ScottPlot.TickGenerators.NumericManual();
        var palette = new ScottPlot.Palettes.Category10();
        for (var i = 0; i < comparison.Counts.Count; i++)
        {
            var x = comparison.Counts[i];
            ticks.AddMajor(i, $"{x.Year}\n{x.State.Replace("_", " ", StringComparison.Ordinal)}");
            var band = plot.Add.Line(i, x.Lower, i, x.Upper);
            band.LineWidth = 6;
            band.LineColor = palette.GetColor(0).WithAlpha(0.35);
            plot.Add.Marker(i, x.Expected, MarkerShape.FilledCircle, 12, palette.GetColor(0));
            plot.Add.Marker(i, x.Observed, MarkerShape.FilledDiamond, 14, x.Deviation == Deviation.Within ? palette.GetColor(2) : palette.GetColor(3));
        }

        plot.Legend.ManualItems.Add(new LegendItem { LabelText = t["followup.legend.expected"], MarkerShape = MarkerShape.FilledCircle, MarkerFillColor = palette.GetColor(0), MarkerSize = 12 });
        plot.Legend.ManualItems.Add(new LegendItem { LabelText = t["followup.legend.band"], LineColor = palette.GetColor(0).WithAlpha(0.35), LineWidth = 6 });
        plot.Legend.ManualItems.Add(new LegendItem { LabelText = t["followup.legend.observed"], MarkerShape = MarkerShape.FilledDiamond, MarkerFillColor = palette.GetColor(2), MarkerSize = 14 });
        plot.ShowLegend(Edge.Bottom);
        plot.Axes.Bottom.TickGenerator = ticks;
        plot.Axes.Bottom.MajorTickStyle.Length = 0;
        plot.Axes.SetLimitsX(-0.6, comparison.Counts.Count - 0.4);
        return Charts.Render(plot, options);
    }

    private static string Unit(Loc t, string currency, int? priceYear) => priceYear is int y ? t.F("unit.moneyPriceYear", currency, y.ToString(CultureInfo.InvariantCulture)) : t.F("liability.unit.modelPrices", currency);

    private static string Interval(Loc t, LiabilityInterval? interval) => interval is null ? t["liability.noDraws"] : $"{NumberFormat.Amount(interval.Lower, t.Culture)} – {NumberFormat.Amount(interval.Upper, t.Culture)}";

    /// <summary>The name of a built-in dimension in the report's language; an attribute's name as given.</summary>
    private static string DimensionName(Loc t, string dimension) => dimension switch
    {
        CaseloadLiability.AgeBand => t["liability.dimension.ageBand"],
        CaseloadLiability.StateDimension => t["liability.dimension.state"],
        _ => dimension,
    };

    /// <summary>The message id of a movement part of <see cref="LiabilityMovement"/>, or null for a part it does not know.</summary>
    private static string? PartKey(MovementPart part) => part.Name switch
    {
        LiabilityMovement.YearOfCosts => "liability.part.yearOfCosts",
        LiabilityMovement.Unwinding => "liability.part.unwinding",
        LiabilityMovement.Exits => "liability.part.exits",
        LiabilityMovement.Experience => "liability.part.experience",
        LiabilityMovement.NewEntrants => "liability.part.newEntrants",
        LiabilityMovement.AssumptionChanges => "liability.part.assumptionChanges",
        LiabilityMovement.Interventions => "liability.part.interventions",
        _ => null,
    };

    private static string PartName(Loc t, MovementPart part) => PartKey(part) is { } key ? t[key] : part.Name;

    /// <summary>A part's description: in English as the analysis wrote it, in Norwegian from the table (as given for a part it does not know).</summary>
    private static string PartDescription(Loc t, MovementPart part, string closingStrategy) =>
        t.Language == ReportLanguage.English || PartKey(part) is not { } key ? part.Description : t.F(key + ".description", closingStrategy);

    private static string DeviationText(Loc t, Deviation d) => d switch
    {
        Deviation.Within => t["followup.deviation.within"],
        Deviation.Above => t["followup.deviation.above"],
        Deviation.Below => t["followup.deviation.below"],
        _ => t["followup.deviation.noBand"],
    };

    /// <summary>A figure of the belief update: a perspective's NPV in the report's language, a parameter by its name.</summary>
    /// <summary>A figure's name in the update table: the library's (English) name, or in Norwegian the NPV of perspective <paramref name="npv"/> (−1: a parameter, named as given).</summary>
    private static string FigureName(Loc t, FollowUpComparison comparison, UpdatedFigure figure, int npv)
        => t.Language == ReportLanguage.English || npv < 0 || npv >= comparison.Forecast.Perspectives.Count ? figure.Name : t.F("followup.figure.npv", comparison.Forecast.Perspectives[npv]);

    private static string UpdateStatement(Loc t, FollowUpComparison comparison)
    {
        if (t.Language == ReportLanguage.English)
        {
            return comparison.UpdateStatement;
        }

        if (comparison.Update is not { } u)
        {
            return comparison.Forecast.Draws.Count == 0 ? t["followup.update.noDraws"] : t["followup.update.noCounts"];
        }

        if (u.EffectiveSampleSize == 0)
        {
            return t["followup.update.impossible"];
        }

        var years = comparison.Counts.Select(x => x.Year).ToList();
        var last = years.Max().ToString(CultureInfo.InvariantCulture);
        var yearsText = u.YearsUsed == 1 ? t.F("followup.update.year", last) : t.F("followup.update.years", years.Min().ToString(CultureInfo.InvariantCulture), last);
        if (u.TooFewEffectiveDraws)
        {
            return t.F("followup.update.tooFew", u.EffectiveSampleSize, u.Draws, yearsText);
        }

        if (!u.Moved)
        {
            return t.F("followup.update.notMoved", yearsText, u.MaterialShift, u.EffectiveSampleSize, u.Draws);
        }

        var which = string.Join(", ", u.Npv.Select((x, i) => (Figure: x, Npv: i)).Concat(u.Parameters.Select(x => (Figure: x, Npv: -1))).Where(f => f.Figure.Moved).Select(f => t.F("followup.update.change", FigureName(t, comparison, f.Figure, f.Npv), f.Figure.PriorMean, f.Figure.PosteriorMean)));
        return t.F("followup.update.moved", u.Draws, yearsText, u.EffectiveSampleSize, which);
    }

    private static Plot NewPlot(string title, string xLabel, string yLabel)
    {
        var plot = new Plot();
        plot.Font.Set(Charts.SansFont.Value);
        plot.Title(title, 17);
        plot.XLabel(xLabel, 15);
        plot.YLabel(yLabel, 15);
        plot.Axes.Bottom.TickLabelStyle.FontSize = 12;
        plot.Axes.Left.TickLabelStyle.FontSize = 13;
        plot.Legend.FontSize = 13;
        return plot;
    }
}
