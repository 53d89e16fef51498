using SocialInvestment.Economics;
using SocialInvestment.Reporting.Tests.TestSupport;

namespace SocialInvestment.Reporting.Tests;

public class ReportSeriesTests
{
    [Test]
    public void OccupancyPercent_EveryTracePoint_SumsToHundred()
    {
        var (results, _) = YouthModel.Run();
        var shares = ReportSeries.OccupancyPercent(results[0]);
        for (var t = 0; t <= results[0].Cycles; t++)
        {
            Assert.That(shares.Sum(s => s[t]), Is.EqualTo(100).Within(1e-9));
        }
    }

    [Test]
    public void TimeAxis_SingleStartAge_IsAge()
    {
        var (results, _) = YouthModel.Run(cycles: 10);
        var (x, label) = ReportSeries.TimeAxis(results[0]);
        Assert.That(x, Is.EqualTo(Enumerable.Range(16, 11).Select(a => (double)a)));
        Assert.That(label, Is.EqualTo("axis.age"));
    }

    [Test]
    public void CumulativeNetBenefitByPayer_FinalValues_ArePayerNetGain()
    {
        // The last point of each payer's payback curve is the payer's discounted net gain, which is
        // the PayerBalance.NetGain of the appraisal (same ledger, two routes; + = better off in both).
        var (results, appraisals) = YouthModel.Run();
        var payers = ReportSeries.PayerNames(results[1]);
        var curves = ReportSeries.CumulativeNetBenefitByPayer(appraisals[0], payers);
        foreach (var balance in appraisals[0].Payers)
        {
            var i = payers.ToList().IndexOf(balance.Payer.Name);
            Assert.That(curves[i][^1], Is.EqualTo(balance.NetGain).Within(1e-6 * (1 + Math.Abs(balance.NetGain))));
        }
    }

    [Test]
    public void CumulativeNetBenefit_FinalValue_IsNpv()
    {
        var (_, appraisals) = YouthModel.Run();
        foreach (var a in appraisals)
        {
            Assert.That(ReportSeries.CumulativeNetBenefit(a)[^1], Is.EqualTo(a.NetPresentValue).Within(1e-6 * (1 + Math.Abs(a.NetPresentValue))));
        }
    }

    [Test]
    public void NetGainByPayer_Undiscounted_SumsToThePayersUndiscountedNetGain()
    {
        // Two routes to the same number: the per-year series summed over time, and the payer balance.
        var (results, appraisals) = YouthModel.Run();
        var payers = ReportSeries.PayerNames(results[1]);
        var gains = ReportSeries.NetGainByPayer(appraisals[0], payers, discounted: false);
        foreach (var balance in appraisals[0].Payers)
        {
            var sum = gains[payers.ToList().IndexOf(balance.Payer.Name)].Sum();
            Assert.That(sum, Is.EqualTo(balance.NetGainUndiscounted).Within(1e-6 * (1 + Math.Abs(balance.NetGainUndiscounted))), balance.Payer.Name);
        }

        var municipality = appraisals[0].Payers.Single(p => p.Payer.Name == "municipality");
        Assert.That(municipality.Invested, Is.GreaterThan(0), "the test model's municipality pays the programme");
        Assert.That(gains[payers.ToList().IndexOf("municipality")][0], Is.LessThan(0), "the payer that invests is worse off in the first year (+ = better off)");
    }

    [Test]
    public void IncrementalOccupancy_ConservesPeopleAndStartsAtZero()
    {
        var (results, _) = YouthModel.Run();
        var diff = ReportSeries.IncrementalOccupancy(results[1], results[0]);
        var work = results[1].Model.StateIndex("Work");
        Assert.That(diff.Select(d => d[0]), Has.All.EqualTo(0.0));
        for (var t = 0; t < diff[0].Length; t++)
        {
            Assert.That(diff.Sum(d => d[t]), Is.EqualTo(0).Within(1e-9), $"t = {t}: every person is in some state under both strategies");
        }

        Assert.That(diff[work][5], Is.EqualTo(results[1].Occupancy(5, "Work") - results[0].Occupancy(5, "Work")));
        Assert.That(diff[work][5], Is.GreaterThan(0), "supported employment puts more people in work");
    }

    [Test]
    public void Acceptability_SharesSumToOneAndFrontierHasTheHighestMeanNpv()
    {
        var psa = YouthModel.Psa(draws: 100);
        foreach (var p in psa.Perspectives)
        {
            var (prob, frontier) = ReportSeries.Acceptability(psa, p);
            Assert.That(prob.Sum(), Is.EqualTo(1).Within(1e-12), p.Name);
            var mean = psa.Summarize(SocialInvestment.Uncertainty.PsaFigure.NetPresentValue, psa.Strategies[1], p).Mean;
            Assert.That(frontier, Is.EqualTo(mean > 0 ? 1 : 0), p.Name);
            var positive = psa.ProbabilityPositiveNpv(psa.Strategies[1], p);
            Assert.That(prob[1], Is.EqualTo(positive).Within(1e-12), "with two strategies the strategy is best exactly when its NPV > 0");
        }
    }

    [Test]
    public void Evpi_TwoStrategies_IsTheMeanLossOfTheExpectedValueChoice()
    {
        // With one strategy against the comparator (NPV 0), EVPI = mean(max(NPV, 0)) − max(mean NPV, 0):
        // the expected regret of choosing on the mean, computed here independently from the draws.
        var psa = YouthModel.Psa(draws: 100);
        foreach (var p in psa.Perspectives)
        {
            var npv = psa.Values(SocialInvestment.Uncertainty.PsaFigure.NetPresentValue, psa.Strategies[1], p).ToArray();
            var mean = npv.Average();
            var expected = mean > 0 ? npv.Average(v => Math.Max(0, -v)) : npv.Average(v => Math.Max(0, v));
            Assert.That(ReportSeries.Evpi(psa, p), Is.EqualTo(expected).Within(1e-6 * (1 + Math.Abs(expected))), p.Name);
        }
    }

    [Test]
    public void Role_SignOfNetGain_GivesTheRole()
    {
        Assert.That(ReportTables.Role(100, 20, -80), Is.EqualTo("role.loses"));
        Assert.That(ReportTables.Role(100, 105, 5), Is.EqualTo("role.gains"));
        Assert.That(ReportTables.Role(100, 100.1, 0.1), Is.EqualTo("role.even"));
    }

    [Test]
    public void NumberFormat_Scale_PicksMillionForMillions()
    {
        Assert.That(NumberFormat.Scale(7_100_000), Is.EqualTo((1e6, "scale.million")));
        Assert.That(NumberFormat.Scale(999), Is.EqualTo((1.0, string.Empty)));
    }

    [Test]
    public void NumberFormat_Tick_KeepsTheDecimalsATickNeeds()
    {
        // Ticks 0.05 apart must not collapse to the same label (0.05 and 0.1 both read "0.1" with one decimal).
        var nb = System.Globalization.CultureInfo.GetCultureInfo("nb-NO");
        Assert.That(NumberFormat.Tick(0.05, 1, System.Globalization.CultureInfo.InvariantCulture), Is.EqualTo("0.05"));
        Assert.That(NumberFormat.Tick(0.15, 1, nb), Is.EqualTo("0,15"));
        Assert.That(NumberFormat.Tick(2_500_000, 1e6, System.Globalization.CultureInfo.InvariantCulture), Is.EqualTo("2.5"));
        Assert.That(NumberFormat.Tick(12_000, 1, System.Globalization.CultureInfo.InvariantCulture), Is.EqualTo("12,000"));
    }
}
