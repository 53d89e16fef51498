using System.Globalization;
using ScottPlot;
using SocialInvestment.Economics;
using SocialInvestment.Engine;
using SocialInvestment.Uncertainty;

namespace SocialInvestment.Reporting;

/// <summary>
/// Draws the report's charts as PNG images with ScottPlot (headless: no window or display is
/// needed). Each method returns the encoded PNG bytes. Numbers on the axes are formatted with
/// <see cref="ReportOptions.Culture"/>; money axes are scaled to thousands, millions or billions
/// of <see cref="ReportOptions.Currency"/> as the data require.
/// </summary>
public static class Charts
{
    // A sans-serif family that is installed here (ScottPlot falls back to a serif face on some Linux machines).
    private static readonly Lazy<string> SansFont = new(() =>
    {
        foreach (var family in new[] { "DejaVu Sans", "Liberation Sans", "Arial", "Segoe UI", "Helvetica" })
        {
            using var typeface = SkiaSharp.SKTypeface.FromFamilyName(family);
            if (typeface is not null && string.Equals(typeface.FamilyName, family, StringComparison.OrdinalIgnoreCase))
            {
                return family;
            }
        }

        return Fonts.Sans;
    });

    private static readonly Color Zero = Colors.Black.WithAlpha(0.6);

    /// <summary>
    /// State occupancy over age: a stacked area chart of the share of the population (0–100 %) in
    /// each state at each trace point, one colour per state, states stacked in model order.
    /// </summary>
    /// <param name="result">The run of one strategy.</param>
    /// <param name="options">Size, culture; null for the defaults.</param>
    /// <returns>The PNG image.</returns>
    public static byte[] StateOccupancy(SimulationResult result, ReportOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(result);
        options ??= new ReportOptions();
        options.Validate();
        var (x, xLabel) = ReportSeries.TimeAxis(result);
        var shares = ReportSeries.OccupancyPercent(result);
        var plot = NewPlot($"States: {result.Strategy.Name}", xLabel, "Share of the cohort (%)");
        var palette = new ScottPlot.Palettes.Category20();
        var lower = new double[x.Length];
        for (var s = 0; s < shares.Length; s++)
        {
            var upper = new double[x.Length];
            for (var t = 0; t < x.Length; t++)
            {
                upper[t] = lower[t] + shares[s][t];
            }

            if (shares[s].Any(v => v > 0))
            {
                var fill = plot.Add.FillY(x, lower, upper);
                var color = palette.GetColor(s);
                fill.FillStyle.Color = color;
                fill.LineStyle.Width = 0;
                fill.LegendText = result.States[s].Name;
            }

            lower = upper;
        }

        plot.Axes.SetLimits(x[0], x[^1], 0, 100);
        SetTicks(plot.Axes.Left, 1, options.Culture);
        SetTicks(plot.Axes.Bottom, 1, options.Culture);
        plot.ShowLegend(Edge.Right);
        return Render(plot, options);
    }

    /// <summary>
    /// Annual flows by payer: for one strategy, the net undiscounted flow booked to each payer in
    /// each year (base flows and intervention costs; positive = cost, negative = gain, as in the
    /// ledger), totals for the modelled population.
    /// </summary>
    /// <param name="result">The run of one strategy.</param>
    /// <param name="options">Size, culture, currency; null for the defaults.</param>
    /// <returns>The PNG image.</returns>
    public static byte[] AnnualFlowsByPayer(SimulationResult result, ReportOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(result);
        options ??= new ReportOptions();
        options.Validate();
        var (x, xLabel) = ReportSeries.TimeAxis(result);
        var payers = ReportSeries.PayerNames(result);
        var flows = ReportSeries.FlowsByPayer(result, payers);
        var (first, last) = ReportSeries.CountedRange(result);
        x = x[first..(last + 1)];
        flows = flows.Select(f => f[first..(last + 1)]).ToArray();
        var (divisor, word) = NumberFormat.Scale(MaxAbs(flows));
        var plot = NewPlot(
            $"Flows by payer: {result.Strategy.Name}",
            xLabel,
            $"{Unit(options.Currency, word)} per year (+ cost, − gain)");
        plot.Add.HorizontalLine(0, 1, Zero);
        var palette = new ScottPlot.Palettes.Category10();
        for (var p = 0; p < payers.Count; p++)
        {
            var line = plot.Add.ScatterLine(x, flows[p], palette.GetColor(p));
            line.LineWidth = 2.5f;
            line.LegendText = payers[p];
        }

        SetTicks(plot.Axes.Left, divisor, options.Culture);
        SetTicks(plot.Axes.Bottom, 1, options.Culture);
        plot.ShowLegend(Edge.Right);
        return Render(plot, options);
    }

    /// <summary>
    /// The payback curve: cumulative discounted net benefit of a strategy against its comparator,
    /// one thin line per payer (who invests dips below zero, who saves rises above it) and one thick
    /// dashed line per perspective (the perspectives' totals). A line crossing zero for good marks
    /// the discounted payback year.
    /// </summary>
    /// <param name="result">The strategy's run (gives the time axis).</param>
    /// <param name="appraisals">Appraisals of this strategy against its comparator, one per perspective to draw (at least one).</param>
    /// <param name="options">Size, culture, currency, perspective filter; null for the defaults.</param>
    /// <returns>The PNG image.</returns>
    /// <exception cref="ArgumentException">No appraisal is given or they appraise different strategies.</exception>
    public static byte[] PaybackCurve(SimulationResult result, IReadOnlyList<AppraisalResult> appraisals, ReportOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(appraisals);
        options ??= new ReportOptions();
        options.Validate();
        if (appraisals.Count == 0 || appraisals.Any(a => a.Strategy != appraisals[0].Strategy || a.Comparator != appraisals[0].Comparator))
        {
            throw new ArgumentException("Give at least one appraisal, all of the same strategy against the same comparator.", nameof(appraisals));
        }

        var (x, xLabel) = ReportSeries.TimeAxis(result);
        var payers = ReportSeries.PayerNames(result);
        var byPayer = ReportSeries.CumulativeNetBenefitByPayer(appraisals[0], payers);
        var payerNames = new HashSet<string>(payers, StringComparer.Ordinal);
        var totals = appraisals
            .Where(a => !payerNames.Contains(a.Perspective.Name) && options.Shows(a.Perspective.Name))
            .Select(a => (a.Perspective.Name, Values: ReportSeries.CumulativeNetBenefit(a)))
            .ToList();
        var (divisor, word) = NumberFormat.Scale(Math.Max(MaxAbs(byPayer), totals.Count == 0 ? 0 : totals.Max(t => MaxAbs([t.Values]))));
        var plot = NewPlot(
            $"Payback: {appraisals[0].Strategy} vs {appraisals[0].Comparator}",
            xLabel,
            $"{Unit(options.Currency, word)} (+ ahead, − behind)");
        plot.Add.HorizontalLine(0, 1, Zero);
        var palette = new ScottPlot.Palettes.Category10();
        for (var p = 0; p < payers.Count; p++)
        {
            if (byPayer[p].All(v => v == 0))
            {
                continue;
            }

            var line = plot.Add.ScatterLine(Trim(x, byPayer[p]), byPayer[p], palette.GetColor(p));
            line.LineWidth = 2f;
            line.LegendText = $"payer: {payers[p]}";
        }

        var dark = new[] { Colors.Black, Colors.DarkSlateGray, Colors.Maroon, Colors.Navy };
        for (var i = 0; i < totals.Count; i++)
        {
            var line = plot.Add.ScatterLine(Trim(x, totals[i].Values), totals[i].Values, dark[i % dark.Length]);
            line.LineWidth = 3.5f;
            line.LinePattern = i == 0 ? LinePattern.Solid : LinePattern.Dashed;
            line.LegendText = totals[i].Name;
        }

        SetTicks(plot.Axes.Left, divisor, options.Culture);
        SetTicks(plot.Axes.Bottom, 1, options.Culture);
        plot.ShowLegend(Edge.Right);
        return Render(plot, options);
    }

    /// <summary>
    /// The distribution of the net present value over PSA draws from one perspective, as cumulative
    /// probability curves (empirical distribution functions): for each strategy other than the
    /// comparator, the share of draws (0–100 %) with NPV at or below x, with a vertical line at
    /// NPV = 0. Where a curve crosses the zero line, read the chance that the strategy does not pay
    /// off; 100 % minus it is P(NPV &gt; 0). NPV is against the comparator, totals for the modelled population.
    /// </summary>
    /// <param name="psa">The PSA result.</param>
    /// <param name="perspective">One of <see cref="PsaResult.Perspectives"/>.</param>
    /// <param name="options">Size, culture, currency; null for the defaults.</param>
    /// <returns>The PNG image.</returns>
    /// <exception cref="ArgumentException">The perspective is not among the PSA's perspectives.</exception>
    public static byte[] NpvDistribution(PsaResult psa, Perspective perspective, ReportOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(psa);
        ArgumentNullException.ThrowIfNull(perspective);
        options ??= new ReportOptions();
        options.Validate();
        if (!psa.Perspectives.Any(p => p.Name == perspective.Name))
        {
            throw new ArgumentException($"The PSA has no perspective '{perspective.Name}'.", nameof(perspective));
        }

        perspective = psa.Perspectives.First(p => p.Name == perspective.Name);
        var strategies = psa.Strategies.Where((_, i) => i != psa.ComparatorIndex).ToList();
        var series = strategies.Select(s => psa.Values(PsaFigure.NetPresentValue, s, perspective).ToArray()).ToArray();
        var (divisor, word) = NumberFormat.Scale(MaxAbs(series));
        var comparator = psa.Strategies[psa.ComparatorIndex].Name;
        var plot = NewPlot(
            $"NPV over the draws: {perspective.Name}",
            $"NPV against {comparator} ({Unit(options.Currency, word)})",
            "Share of draws with NPV ≤ x (%)");
        var min = 0.0;
        var max = 0.0;
        var palette = new ScottPlot.Palettes.Category10();
        for (var s = 0; s < series.Length; s++)
        {
            var sorted = series[s].Where(double.IsFinite).Order().ToArray();
            if (sorted.Length == 0)
            {
                continue;
            }

            // Step curve starting at 0 % just left of the smallest draw.
            var xs = new double[sorted.Length + 1];
            var ys = new double[sorted.Length + 1];
            xs[0] = sorted[0];
            for (var i = 0; i < sorted.Length; i++)
            {
                xs[i + 1] = sorted[i];
                ys[i + 1] = 100.0 * (i + 1) / sorted.Length;
            }

            min = Math.Min(min, sorted[0]);
            max = Math.Max(max, sorted[^1]);
            var line = plot.Add.ScatterLine(xs, ys, palette.GetColor(s));
            line.ConnectStyle = ConnectStyle.StepHorizontal;
            line.LineWidth = 2.5f;
            line.LegendText = strategies[s].Name;
        }

        var pad = Math.Max(max - min, Math.Max(Math.Abs(min), Math.Abs(max))) * 0.05;
        if (pad == 0)
        {
            pad = 1;
        }

        var zero = plot.Add.VerticalLine(0, 1.5f, Zero);
        zero.LinePattern = LinePattern.Dashed;
        zero.LegendText = "NPV = 0";
        plot.Axes.SetLimits(min - pad, max + pad, 0, 100);
        plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericFixedInterval(10)
        {
            LabelFormatter = v => NumberFormat.Tick(v, 1, options.Culture),
        };
        SetTicks(plot.Axes.Bottom, divisor, options.Culture);
        plot.ShowLegend();
        plot.Legend.Alignment = Alignment.LowerRight;
        return Render(plot, options);
    }

    /// <summary>
    /// Who is likely to gain: a bar chart of the probability (0–100 %) that each strategy's NPV
    /// against the comparator is positive, per perspective (each payer, then the public sector and
    /// society as in <see cref="PsaResult.Perspectives"/>), one bar per strategy in each group, each
    /// labelled with its percentage rounded to a whole number; a dotted line marks 50 %.
    /// </summary>
    /// <param name="psa">The PSA result.</param>
    /// <param name="options">Size, culture, perspective filter; null for the defaults.</param>
    /// <returns>The PNG image.</returns>
    public static byte[] ProbabilityPositiveNpv(PsaResult psa, ReportOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(psa);
        options ??= new ReportOptions();
        options.Validate();
        var perspectives = psa.Perspectives.Where(p => options.Shows(p.Name)).ToList();
        var strategies = psa.Strategies.Where((_, i) => i != psa.ComparatorIndex).ToList();
        var comparator = psa.Strategies[psa.ComparatorIndex].Name;
        var plot = NewPlot($"Chance that benefits exceed costs (vs {comparator})", string.Empty, "Chance that NPV > 0 (%)");
        var palette = new ScottPlot.Palettes.Category10();
        var width = 0.8 / Math.Max(1, strategies.Count);
        var ticks = new ScottPlot.TickGenerators.NumericManual();
        for (var v = 0; v < perspectives.Count; v++)
        {
            ticks.AddMajor(v, perspectives[v].Name.Replace(" (", "\n(", StringComparison.Ordinal));
            for (var s = 0; s < strategies.Count; s++)
            {
                var p = 100 * psa.ProbabilityPositiveNpv(strategies[s], perspectives[v]);
                var bar = new Bar
                {
                    Position = v - 0.4 + (width * (s + 0.5)),
                    Value = p,
                    Size = width * 0.9,
                    FillColor = palette.GetColor(s),
                    Label = Math.Round(p).ToString("N0", options.Culture),
                };
                plot.Add.Bars(new[] { bar }).ValueLabelStyle.FontSize = strategies.Count > 2 ? 11 : 13;
            }
        }

        for (var s = 0; s < strategies.Count && strategies.Count > 1; s++)
        {
            plot.Legend.ManualItems.Add(new LegendItem { LabelText = strategies[s].Name, FillColor = palette.GetColor(s) });
        }

        var half = plot.Add.HorizontalLine(50, 1, Zero);
        half.LinePattern = LinePattern.Dotted;
        plot.Axes.Bottom.TickGenerator = ticks;
        plot.Axes.Bottom.MajorTickStyle.Length = 0;
        SetTicks(plot.Axes.Left, 1, options.Culture);
        plot.Axes.SetLimits(-0.6, perspectives.Count - 0.4, 0, 110);
        if (strategies.Count > 1)
        {
            plot.ShowLegend(Edge.Bottom);
        }

        return Render(plot, options);
    }

    private static double[] Trim(double[] x, double[] y) => x.Length == y.Length ? x : x[..y.Length];

    private static Plot NewPlot(string title, string xLabel, string yLabel)
    {
        var plot = new Plot();
        plot.Font.Set(SansFont.Value);
        plot.Title(title, 17);
        plot.XLabel(xLabel, 15);
        plot.YLabel(yLabel, 15);
        plot.Axes.Bottom.TickLabelStyle.FontSize = 13;
        plot.Axes.Left.TickLabelStyle.FontSize = 13;
        plot.Legend.FontSize = 13;
        return plot;
    }

    private static void SetTicks(IAxis axis, double divisor, CultureInfo culture)
    {
        axis.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic
        {
            LabelFormatter = v => NumberFormat.Tick(v, divisor, culture),
        };
    }

    private static string Unit(string currency, string word) => word.Length == 0 ? currency : $"{currency} {word}";

    private static double MaxAbs(double[][] series)
    {
        var max = 0.0;
        foreach (var s in series)
        {
            foreach (var v in s)
            {
                if (double.IsFinite(v))
                {
                    max = Math.Max(max, Math.Abs(v));
                }
            }
        }

        return max;
    }

    private static byte[] Render(Plot plot, ReportOptions options) => plot.GetImageBytes(options.ChartWidth, options.ChartHeight, ImageFormat.Png);
}
