using System.Globalization;
using ScottPlot;
using SocialInvestment.Decisions;
using SocialInvestment.Economics;

namespace SocialInvestment.Reporting;

/// <summary>
/// Reports and charts of the caseload liability and of the follow-up of an investment (English).
/// A liability is a named magnitude: the present value of projected future flows, + when it costs
/// the payer. Follow-up gains follow the result convention: + = better off.
/// </summary>
public static class LiabilityReports
{
    /// <summary>Builds the liability report: totals by payer, the public liability by age band, state and attribute (suppressed cells shown as such), the movement analysis when given, and the conventions.</summary>
    /// <param name="liability">The liability.</param>
    /// <param name="movement">The movement analysis between two snapshots, or null.</param>
    /// <param name="options">Title, culture, currency, chart size; null for the defaults.</param>
    public static Report Liability(LiabilityResult liability, LiabilityMovementResult? movement = null, ReportOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(liability);
        options ??= new ReportOptions { Title = "Caseload liability" };
        options.Validate();
        var c = options.Culture;
        var unit = Unit(options.Currency, liability.PriceYear);
        var blocks = new List<Block>
        {
            new HeadingBlock(1, options.Title),
        };
        if (options.Description is { } d)
        {
            blocks.Add(new ParagraphBlock(d));
        }

        blocks.Add(new HeadingBlock(2, "Caseload liability", "liability"));
        blocks.Add(new ParagraphBlock(string.Create(c, $"The present value at the snapshot date{(liability.RegisterLabel is { } l ? $" ({l})" : string.Empty)} of the projected future flows of the {liability.PersonCount:N0} persons of the register, over the model's horizon of {liability.HorizonCycles} cycles, under '{liability.Strategy}', in {unit}, discounted with the model's schedule. A liability is + when it costs the payer; a negative figure is a projected gain (the individual's earnings and benefits received). The public liability is the sum over the public payers. Perspective: each payer's own budget.")));
        var totals = new Table(["Payer", $"Liability ({unit})", "95 % interval"], [false, true, true]);
        foreach (var p in liability.ByPayer)
        {
            totals.Add(p.Payer.Name, NumberFormat.Amount(p.Value, c), Interval(liability.PayerIntervals?.GetValueOrDefault(p.Payer.Name), c));
        }

        totals.Add("public sector", NumberFormat.Amount(liability.Public, c), Interval(liability.PublicInterval, c));
        if (liability.Draws > 0)
        {
            totals.Footnotes = [string.Create(c, $"Intervals: 2.5 % and 97.5 % quantiles over {liability.Draws} PSA draws (seed {liability.Seed}).")];
        }

        blocks.Add(new TableBlock(totals));

        var dimensions = liability.Cells.Select(x => x.Dimension).Distinct(StringComparer.Ordinal).ToList();
        foreach (var dimension in dimensions)
        {
            var cells = liability.Dimension(dimension);
            blocks.Add(new HeadingBlock(3, $"By {dimension}"));
            var t = new Table([dimension, "Persons", $"Public liability ({unit})", "Per person", "95 % interval"], [false, true, true, true, true]);
            foreach (var cell in cells)
            {
                if (cell.Suppressed)
                {
                    t.Add(cell.Key, "suppressed", "suppressed", "suppressed", "suppressed");
                }
                else
                {
                    t.Add(cell.Key, cell.Count!.Value.ToString("N0", c), NumberFormat.Amount(cell.Public!.Value, c), NumberFormat.Amount(cell.Public.Value / cell.Count.Value, c), Interval(cell.PublicInterval, c));
                }
            }

            if (cells.Any(x => x.Suppressed))
            {
                t.Footnotes = [string.Create(c, $"Cells with fewer than {liability.MinimumCellCount} persons are suppressed, and when only one cell of a grouping would be, the next smallest too, so that none can be recovered from the total.")];
            }

            blocks.Add(new TableBlock(t));
            if (dimension is CaseloadLiability.AgeBand or CaseloadLiability.StateDimension)
            {
                var file = dimension == CaseloadLiability.AgeBand ? "liability-age-band.png" : "liability-state.png";
                blocks.Add(new ChartBlock(new ReportChart($"Public liability by {dimension}", $"Bars: the public liability of each {dimension} in {unit} (+ = future public cost); suppressed cells are left out.", file, () => LiabilityByGroup(liability, dimension, options))));
            }
        }

        if (movement is not null)
        {
            blocks.Add(new HeadingBlock(2, "Movement of the liability", "movement"));
            blocks.Add(new ParagraphBlock(string.Create(c, $"From {movement.OpeningLabel ?? "the opening snapshot"} to {movement.ClosingLabel ?? "the closing snapshot"}, public liability in {unit} (+ = the liability grows: more future public cost). The parts add up to the actual change.")));
            var t = new Table(["", "Persons", $"Public ({unit})"], [false, true, true]);
            t.Add("Opening liability", string.Empty, NumberFormat.Amount(movement.Opening, c));
            foreach (var part in movement.Parts)
            {
                t.Add(part.Name, part.Persons.ToString("N0", c), NumberFormat.Amount(part.Public, c));
            }

            t.Add("Closing liability", string.Empty, NumberFormat.Amount(movement.Closing, c));
            t.Add("Expected change (ageing: year of costs + unwinding)", string.Empty, NumberFormat.Amount(movement.ExpectedChange, c));
            t.Add("Actual change", string.Empty, NumberFormat.Amount(movement.ActualChange, c));
            t.Footnotes = movement.Parts.Select(p => $"{p.Name}: {p.Description}").ToArray();
            blocks.Add(new TableBlock(t));
        }

        blocks.Add(new HeadingBlock(2, "Conventions", "conventions"));
        blocks.Add(new ListBlock(
        [
            $"Amounts in {unit}; the price year is the model's.",
            "Persons with the same age, state and time in state have the same expected costs: each such profile is one run of the exact cohort engine, times its head count.",
            "The register is synthetic and illustrative when it is the built-in default; no real person.",
        ]));
        if (options.Provenance is { } prov)
        {
            blocks.Add(new FooterBlock(prov));
        }

        return new Report(options.Title, blocks, threads: options.Threads);
    }

    /// <summary>Builds the realisation report an investment leader can take to the council: observed against forecast with bands, gains realised so far by payer, deviations, and the updated belief.</summary>
    /// <param name="comparison">The follow-up comparison.</param>
    /// <param name="options">Title, culture, currency; null for the defaults.</param>
    public static Report FollowUp(FollowUpComparison comparison, ReportOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(comparison);
        options ??= new ReportOptions { Title = "Follow-up: realised against forecast" };
        options.Validate();
        var c = options.Culture;
        var f = comparison.Forecast;
        var unit = Unit(options.Currency, f.PriceYear);
        var blocks = new List<Block> { new HeadingBlock(1, options.Title) };
        if (options.Description is { } d)
        {
            blocks.Add(new ParagraphBlock(d));
        }

        blocks.Add(new HeadingBlock(2, "The investment and its forecast", "forecast"));
        blocks.Add(new ParagraphBlock(string.Create(c, $"'{f.Investment}' against '{f.Comparator}', started {f.StartYear} for a cohort of {f.CohortSize:N0}; forecast for {f.StartYear}–{f.LastYear} from the scenario with content hash {f.ScenarioHash}{(f.Draws.Count > 0 ? $", with {f.Draws.Count} PSA draws (seed {f.Seed})" : ", base case only")}.")));
        var npv = new Table(["Perspective", $"Forecast lifetime NPV ({unit}, + = better off)"], [false, true]);
        for (var v = 0; v < f.Perspectives.Count; v++)
        {
            npv.Add(f.Perspectives[v], NumberFormat.Amount(f.BaseCase.Npv[v], c));
        }

        blocks.Add(new TableBlock(npv));

        blocks.Add(new HeadingBlock(2, "People: observed against expected", "counts"));
        if (comparison.Counts.Count > 0)
        {
            var t = new Table(["Year", "State", "People followed", "Observed", "Expected", "95 % band", "Deviation"], [true, false, true, true, true, true, false]);
            foreach (var x in comparison.Counts)
            {
                t.Add(x.Year.ToString(CultureInfo.InvariantCulture), x.State, x.People.ToString("N0", c), x.Observed.ToString("N0", c), x.Expected.ToString("N1", c), $"{x.Lower.ToString("N0", c)}–{x.Upper.ToString("N0", c)}", DeviationText(x.Deviation));
            }

            t.Footnotes = ["People counted at the end of each year. The band is the forecast's 95 % predictive interval: binomial counts of the people followed, mixed over the PSA draws (parameter and sampling uncertainty)."];
            blocks.Add(new TableBlock(t));
            blocks.Add(new ChartBlock(new ReportChart("Observed against expected", "Each year and state: the forecast's expected number (circle) with its 95 % band (line) and the observed number (diamond).", "follow-up-counts.png", () => ObservedAgainstExpected(comparison, options))));
        }
        else
        {
            blocks.Add(new ParagraphBlock("The follow-up has no counts of people in states."));
        }

        blocks.Add(new HeadingBlock(2, "Spending and gains realised so far", "gains"));
        if (comparison.Spending.Count > 0)
        {
            var t = new Table(["Year", "Payer", $"Spent ({unit})", "Forecast", "95 % band", "Without the investment (modelled)", "Realised gain", "Forecast gain", "Deviation", "Source"], [true, false, true, true, true, true, true, true, false, false]);
            foreach (var x in comparison.Spending)
            {
                t.Add(x.Year.ToString(CultureInfo.InvariantCulture), x.Payer, NumberFormat.Amount(x.Observed, c), NumberFormat.Amount(x.Expected, c), x.Lower is double lo ? $"{NumberFormat.Amount(lo, c)}–{NumberFormat.Amount(x.Upper!.Value, c)}" : "no draws", NumberFormat.Amount(x.Comparator, c), NumberFormat.Amount(x.RealisedGain, c), NumberFormat.Amount(x.ForecastGain, c), DeviationText(x.Deviation), x.Source ?? string.Empty);
            }

            t.Footnotes = ["Spending is a named magnitude (+ = the payer paid), undiscounted, in the price year. Gains: + = better off than without the investment; the counterfactual spending cannot be observed and is the model's."];
            blocks.Add(new TableBlock(t));
            var g = new Table(["Payer", "Years", $"Realised gain so far ({unit})", "Forecast gain for the same years"], [false, true, true, true]);
            foreach (var x in comparison.Gains)
            {
                g.Add(x.Payer, x.Years.ToString(CultureInfo.InvariantCulture), NumberFormat.Amount(x.Realised, c), NumberFormat.Amount(x.Forecast, c));
            }

            blocks.Add(new TableBlock(g));
        }
        else
        {
            blocks.Add(new ParagraphBlock("The follow-up has no spending."));
        }

        blocks.Add(new HeadingBlock(2, "Deviations", "deviations"));
        blocks.Add(new ParagraphBlock(comparison.DeviationCount == 0
            ? "Every observation lies inside its forecast band."
            : string.Create(c, $"{comparison.DeviationCount} observation(s) lie outside their forecast band (marked above, below in the tables).")));

        blocks.Add(new HeadingBlock(2, "Updated belief", "update"));
        blocks.Add(new ParagraphBlock(comparison.UpdateStatement));
        if (comparison.Update is { } u)
        {
            var t = new Table(["Figure", "Forecast mean", "Forecast 95 %", "Updated mean", "Updated 95 %", "MCSE (updated)", "Moved"], [false, true, true, true, true, true, false]);
            foreach (var x in u.Npv.Concat(u.Parameters))
            {
                string N(double v) => Math.Abs(v) >= 1e4 ? NumberFormat.Amount(v, c) : v.ToString("0.####", c);
                t.Add(x.Name, N(x.PriorMean), $"{N(x.PriorLower)} – {N(x.PriorUpper)}", N(x.PosteriorMean), $"{N(x.PosteriorLower)} – {N(x.PosteriorUpper)}", N(x.PosteriorStandardError), x.Moved ? "yes" : "no");
            }

            t.Footnotes = [string.Create(c, $"Importance re-weighting of the forecast's {u.Draws} PSA draws by the multinomial likelihood of the observed counts; effective sample size {u.EffectiveSampleSize:N0}. NPV in {unit}, + = better off.")];
            blocks.Add(new TableBlock(t));
        }

        if (options.Provenance is { } prov)
        {
            blocks.Add(new FooterBlock(prov));
        }

        return new Report(options.Title, blocks, threads: options.Threads);
    }

    /// <summary>Bar chart of the public liability of each unsuppressed cell of a dimension (+ = future public cost).</summary>
    /// <param name="liability">The liability.</param>
    /// <param name="dimension"><c>age band</c>, <c>state</c> or an attribute.</param>
    /// <param name="options">Size, culture, currency; null for the defaults.</param>
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
        var scaled = word.Length == 0 ? options.Currency : string.Format(CultureInfo.InvariantCulture, Loc.For(options with { Language = ReportLanguage.English })[word], options.Currency);
        var prices = liability.PriceYear is int py ? string.Create(CultureInfo.InvariantCulture, $"{py} prices") : "model prices";
        var plot = NewPlot($"Public liability by {dimension}", dimension, $"{scaled} ({prices}), present value, + = cost");
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
    /// <param name="options">Size; null for the defaults.</param>
    /// <returns>The PNG image.</returns>
    public static byte[] ObservedAgainstExpected(FollowUpComparison comparison, ReportOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(comparison);
        options ??= new ReportOptions();
        options.Validate();
        var plot = NewPlot("Observed against expected", "year and state", "people");
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

        plot.Legend.ManualItems.Add(new LegendItem { LabelText = "expected (forecast)", MarkerShape = MarkerShape.FilledCircle, MarkerFillColor = palette.GetColor(0), MarkerSize = 12 });
        plot.Legend.ManualItems.Add(new LegendItem { LabelText = "95 % band", LineColor = palette.GetColor(0).WithAlpha(0.35), LineWidth = 6 });
        plot.Legend.ManualItems.Add(new LegendItem { LabelText = "observed (outside the band: red)", MarkerShape = MarkerShape.FilledDiamond, MarkerFillColor = palette.GetColor(2), MarkerSize = 14 });
        plot.ShowLegend(Edge.Bottom);
        plot.Axes.Bottom.TickGenerator = ticks;
        plot.Axes.Bottom.MajorTickStyle.Length = 0;
        plot.Axes.SetLimitsX(-0.6, comparison.Counts.Count - 0.4);
        return Charts.Render(plot, options);
    }

    private static string Unit(string currency, int? priceYear) => priceYear is int y ? string.Create(CultureInfo.InvariantCulture, $"{currency}, {y} prices") : $"{currency}, the model's prices";

    private static string Interval(LiabilityInterval? interval, CultureInfo c) => interval is null ? "no draws" : $"{NumberFormat.Amount(interval.Lower, c)} – {NumberFormat.Amount(interval.Upper, c)}";

    private static string DeviationText(Deviation d) => d switch
    {
        Deviation.Within => "within",
        Deviation.Above => "ABOVE band",
        Deviation.Below => "BELOW band",
        _ => "no band",
    };

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
