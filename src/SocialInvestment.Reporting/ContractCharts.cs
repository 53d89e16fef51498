using ScottPlot;
using SocialInvestment.Economics;
using SocialInvestment.Uncertainty;

namespace SocialInvestment.Reporting;

public static partial class Charts
{
    /// <summary>
    /// An outcome contract's schedule in the base case: bars of the commissioner's outcome payments per
    /// year (+ = the commissioner pays) and a line of the investor's net cash flow per year (+ = the
    /// investor receives, − = it pays in capital), undiscounted, in the model's money and price year.
    /// </summary>
    /// <param name="result">The evaluated contract.</param>
    /// <param name="priceYear">The price year of the amounts, or null.</param>
    /// <param name="options">Size, culture, currency; null for the defaults.</param>
    /// <returns>The PNG image.</returns>
    public static byte[] ContractSchedule(ContractResult result, int? priceYear, ReportOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(result);
        options ??= new ReportOptions();
        options.Validate();
        var t = Loc.For(options);
        var points = result.PaymentsByCycle.Count;
        var last = 0;
        for (var k = 0; k < points; k++)
        {
            if (result.PaymentsByCycle[k] != 0 || result.InvestorNetByCycle[k] != 0)
            {
                last = k;
            }
        }

        var years = Enumerable.Range(0, last + 1).Select(k => k * result.CycleLengthYears).ToArray();
        var payments = result.PaymentsByCycle.Take(last + 1).ToArray();
        var investor = result.InvestorNetByCycle.Take(last + 1).ToArray();
        var (divisor, word) = NumberFormat.Scale(MaxAbs([payments, investor]));
        var plot = NewPlot(
            ContractTexts.ScheduleTitle(t, result.Contract.Name),
            t["contract.chart.yearsAfterStart"],
            t.Money(options.Currency, word, priceYear) + t["contract.chart.scheduleSign"]);
        var bars = plot.Add.Bars(years, payments);
        bars.Color = Colors.SteelBlue.WithAlpha(0.8);
        bars.LegendText = t["contract.chart.paymentsLegend"];
        var line = plot.Add.ScatterLine(years, investor, Colors.DarkOrange);
        line.LineWidth = 2.5f;
        line.LegendText = t["contract.chart.investorLegend"];
        plot.Add.HorizontalLine(0, 1, Zero);
        SetTicks(plot.Axes.Left, divisor, options.Culture);
        SetTicks(plot.Axes.Bottom, 1, options.Culture);
        plot.ShowLegend(Edge.Right);
        return Render(plot, options);
    }

    /// <summary>
    /// The distribution of the commissioner's outcome payments under a PSA: the cumulative share of
    /// draws (y, %) whose present value of payments is at most x (+ = the commissioner pays), in the
    /// model's money and price year.
    /// </summary>
    /// <param name="psa">The contract's PSA result.</param>
    /// <param name="priceYear">The price year, or null.</param>
    /// <param name="options">Size, culture, currency; null for the defaults.</param>
    /// <returns>The PNG image.</returns>
    public static byte[] ContractPaymentsDistribution(ContractPsaResult psa, int? priceYear, ReportOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(psa);
        options ??= new ReportOptions();
        options.Validate();
        var t = Loc.For(options);
        var values = psa.PresentValuePayments.ToArray();
        var (divisor, word) = NumberFormat.Scale(MaxAbs([values]));
        var plot = NewPlot(
            ContractTexts.PaymentsDistributionTitle(t, psa.Contract.Name, psa.Draws),
            t.Money(options.Currency, word, priceYear) + t["contract.chart.paymentsAxisSign"],
            t["contract.chart.shareOfDraws"]);
        Cdf(plot, values, 1, Colors.SteelBlue, t["contract.chart.paymentsLegend"]);
        SetTicks(plot.Axes.Bottom, divisor, options.Culture);
        plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericFixedInterval(10) { LabelFormatter = v => NumberFormat.Tick(v, 1, options.Culture) };
        plot.ShowLegend(Edge.Right);
        return Render(plot, options);
    }

    /// <summary>
    /// The distribution of the investor's IRR under a PSA: the cumulative share of all draws (y, %) whose
    /// IRR is at most x (% per year, real). Draws whose IRR is undefined (for example a total loss) are
    /// left out of the curve, so it ends at the share of draws with a defined IRR, which the caption states.
    /// </summary>
    /// <param name="psa">The contract's PSA result.</param>
    /// <param name="options">Size, culture; null for the defaults.</param>
    /// <returns>The PNG image.</returns>
    public static byte[] ContractIrrDistribution(ContractPsaResult psa, ReportOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(psa);
        options ??= new ReportOptions();
        options.Validate();
        var t = Loc.For(options);
        var values = psa.InvestorIrr.Where(f => f.IsDefined).Select(f => 100 * f.Value!.Value).ToArray();
        var plot = NewPlot(ContractTexts.IrrDistributionTitle(t, psa.Contract.Name, psa.Draws), t["contract.chart.irrAxis"], t["contract.chart.shareOfDraws"]);
        Cdf(plot, values, (double)values.Length / psa.Draws, Colors.DarkOrange, t["contract.chart.irrLegend"]);
        var zero = plot.Add.VerticalLine(0, 1.5f, Zero);
        zero.LinePattern = LinePattern.Dashed;
        SetTicks(plot.Axes.Bottom, 1, options.Culture);
        plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericFixedInterval(10) { LabelFormatter = v => NumberFormat.Tick(v, 1, options.Culture) };
        plot.ShowLegend(Edge.Right);
        return Render(plot, options);
    }

    /// <summary>A step curve of the empirical distribution, rising to <paramref name="top"/> × 100 %.</summary>
    private static void Cdf(Plot plot, double[] values, double top, Color color, string legend)
    {
        var sorted = values.Where(double.IsFinite).Order().ToArray();
        double min = 0, max = 0;
        if (sorted.Length > 0)
        {
            var xs = new double[sorted.Length + 1];
            var ys = new double[sorted.Length + 1];
            xs[0] = sorted[0];
            for (var i = 0; i < sorted.Length; i++)
            {
                xs[i + 1] = sorted[i];
                ys[i + 1] = 100.0 * top * (i + 1) / sorted.Length;
            }

            var line = plot.Add.ScatterLine(xs, ys, color);
            line.ConnectStyle = ConnectStyle.StepHorizontal;
            line.LineWidth = 2.5f;
            line.LegendText = legend;
            min = Math.Min(0, sorted[0]);
            max = Math.Max(0, sorted[^1]);
        }

        var pad = Math.Max(max - min, Math.Max(Math.Abs(min), Math.Abs(max))) * 0.05;
        plot.Axes.SetLimits(min - (pad == 0 ? 1 : pad), max + (pad == 0 ? 1 : pad), 0, 100);
    }
}
