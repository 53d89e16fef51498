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
        Assert.That(label, Does.StartWith("Age"));
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
    public void FlowsByPayer_SumOverPayersAndTime_EqualsTotalFlows()
    {
        var (results, _) = YouthModel.Run();
        var r = results[1];
        var payers = ReportSeries.PayerNames(r);
        var flows = ReportSeries.FlowsByPayer(r, payers);
        var expected = Enumerable.Range(0, r.Accounts.Count).Sum(a => r.TotalFlow(a, null, discounted: false));
        Assert.That(flows.Sum(f => f.Sum()), Is.EqualTo(expected).Within(1e-6 * Math.Abs(expected)));
    }

    [Test]
    public void Role_PositiveNetGain_IsBetterOff()
    {
        var p = new PayerBalance(SocialInvestment.Model.Payer.Municipality, 100, 20, -80, -90);
        Assert.That(ReportTables.Role(p), Does.StartWith("worse off"));
        Assert.That(ReportTables.Role(p with { NetGain = 5 }), Does.StartWith("better off"));
        Assert.That(ReportTables.Role(p with { NetGain = 0.1 }), Is.EqualTo("even"));
    }

    [Test]
    public void NumberFormat_Scale_PicksMillionForMillions()
    {
        Assert.That(NumberFormat.Scale(7_100_000), Is.EqualTo((1e6, "million")));
        Assert.That(NumberFormat.Scale(999), Is.EqualTo((1.0, string.Empty)));
    }
}
