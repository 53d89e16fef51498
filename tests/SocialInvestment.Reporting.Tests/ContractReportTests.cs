using SocialInvestment.Economics;

namespace SocialInvestment.Reporting.Tests;

/// <summary>The contract report: units, price year and sign convention stated; undefined figures never shown as numbers; the charts.</summary>
public class ContractReportTests
{
    private static ContractResult Evaluate(double strategyCount)
    {
        var contract = new OutcomeContract(
            "hand",
            "programme",
            "business as usual",
            "municipality",
            [new OutcomeMetric("in work", ["work"], OutcomeDirection.Increase, [new OutcomeMeasurement(2)], price: 10, threshold: 0.5)],
            description: "illustrative terms");
        var observation = new ContractObservation(1, [1, 0.5, 0.25], [100, 0, 0], [-100, 30, 200], new Dictionary<string, IReadOnlyList<MeasuredCount>> { ["in work"] = [new MeasuredCount(strategyCount, 8)] });
        return contract.Evaluate(observation);
    }

    [Test]
    public void Report_StatesUnitsAndSigns_AndTheHandFigures()
    {
        // 20 against 8 is 150 % ≥ 50 %: 120 paid at year 2; the investor's IRR is √1.2 − 1 = 9.5 %.
        var report = ContractReport.Build([Evaluate(20)], null, 2023);
        var md = report.ToMarkdown();
        Assert.That(md, Does.Contain("NOK, 2023 prices").And.Contain("+ = the party pays").And.Contain("+ = better off"));
        Assert.That(md, Does.Contain("| Investor's IRR (per year, real) | 9.5 % |"));
        Assert.That(md, Does.Contain("| Contract vs self-funded (NOK, 2023 prices) | 70 |"));
        Assert.That(md, Does.Contain("⚠ illustrative terms"));
        Assert.That(report.Charts.Select(c => c.FileName), Is.EqualTo(new[] { "contract-schedule-1.png" }));
        Assert.That(report.ToHtml(), Does.Contain("<a id=\"contract\" class=\"section\"></a>"));
    }

    [Test]
    public void Report_NoPayment_TheIrrIsNotANumber_AndSaysWhy()
    {
        // 10 against 8 is 25 % < 50 %: nothing is paid, the investor loses its 100.
        var md = ContractReport.Build([Evaluate(10)], null, 2023).ToMarkdown();
        Assert.That(md, Does.Contain("the commissioner pays nothing"));
        Assert.That(md, Does.Contain("| Investor's IRR (per year, real) | n/a |"));
        Assert.That(md, Does.Contain("Investor's IRR: n/a (not a conventional investment"));
    }

    [Test]
    public void Charts_ArePngs()
    {
        ChartsTests.AssertPng(Charts.ContractSchedule(Evaluate(20), 2023), 1000, 560);
    }
}
