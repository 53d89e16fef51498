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

    private static ContractResult EvaluateWithBridge()
    {
        var contract = new OutcomeContract(
            "bridged",
            "programme",
            "business as usual",
            "municipality",
            [new OutcomeMetric("in work", ["work"], OutcomeDirection.Increase, [new OutcomeMeasurement(2)], price: 10, threshold: 0.5, pooledThreshold: 0.3, pooledPaymentYear: 2)],
            cap: 500,
            bridge: new BridgeFinancing(50, 0.05));
        var observation = new ContractObservation(1, [1, 0.5, 0.25], [100, 0, 0], [-100, 30, 200], new Dictionary<string, IReadOnlyList<MeasuredCount>> { ["in work"] = [new MeasuredCount(20, 8)] });
        return contract.Evaluate(observation);
    }

    [Test]
    public void Report_English_IsUnchanged()
    {
        // Lines of the English report as it was before the report went through the message table.
        var md = ContractReport.Build([Evaluate(10)], null, null).ToMarkdown();
        Assert.Multiple(() =>
        {
            Assert.That(md, Does.Contain("\n## Outcome contracts\n\nAn outcome contract (payment by results, a social impact bond): an investor funds the commissioner's intervention costs up front; the commissioner pays only for outcomes measured against the comparator, and the investor is repaid only out of those payments, so it carries the risk. Amounts in NOK, totals for the modelled population. Payments and capital are amounts paid (+ = the party pays); net flows, net gains and NPVs are results (+ = better off). Undiscounted unless marked PV (the commissioner's discounting).\n"));
            Assert.That(md, Does.Contain("### hand: programme vs business as usual, paid by municipality\n"));
            Assert.That(md, Does.Contain("| Outcome | States | Better when | Price per | Price (NOK) | Measured (years) | Threshold | Pooled threshold | Cap (NOK) |\n"));
            Assert.That(md, Does.Contain("| in work | work | more | improvement | 10 | 2 | 50.0 % | – | – |\n\nThe investor funds 100 % of the commissioner's incremental intervention costs, as they fall.\n"));
            Assert.That(md, Does.Contain("| Outcome | Measurement | Strategy | Comparator | Improvement | Relative | Pays on its own |\n"));
            Assert.That(md, Does.Contain("| in work | year 2 | 10.0 | 8.0 | 2.0 | 25.0 % | no |\n\nCounts are people in the states at the measurement year (person-years for a window); improvement + = the strategy is better.\n\nNo measurement reaches its threshold: the commissioner pays nothing.\n"));
            Assert.That(md, Does.Contain("| Investor's net (NOK) | -100 | + = investor gains |\n| Investor's IRR (per year, real) | n/a | + = return |\n| Investor's multiple (received / capital) | 0.00 | > 1 = gains |\n| Commissioner's NPV, self-funded (NOK) | -35 | + = better off |\n"));
            Assert.That(md, Does.Contain("Investor's IRR: n/a (not a conventional investment: the net gain must start negative and change sign once).\n\n![Outcome payments and investor cash flow: hand](contract-schedule-1.png)\n\n*Bars: the commissioner's outcome payments in each year (+ = pays). Line: the investor's net cash flow (− = capital paid in, + = payments received). Undiscounted, NOK.*\n\n## Conventions\n\n- Payments, capital and the bridge advance are amounts paid: + = the party pays."));
            Assert.That(md, Does.Contain("- Contract vs self-funded: the commissioner's NPV with the contract minus its NPV when it funds and runs the intervention itself; + = the contract is better for it.\n"));
        });
        var bridged = ContractReport.Build([EvaluateWithBridge()], null, 2023).ToMarkdown();
        Assert.That(bridged, Does.Contain("Total outcome payments are capped at 500 (NOK, 2023 prices).").And.Contain("Bridge financing: the commissioner advances up to 50 at year 0 and recovers it with 5.0 % a year out of the payments before the investor is paid.").And.Contain("| Bridge advance (NOK, 2023 prices) |").And.Contain("pooled relative improvement 150.0 %, reaches the pooled threshold."));
    }

    [Test]
    public void Report_Norwegian_IsInNorwegian_AndHasNoEnglishText()
    {
        var options = new ReportOptions { Language = ReportLanguage.NorwegianBokmal, Culture = System.Globalization.CultureInfo.GetCultureInfo("nb-NO") };
        var report = ContractReport.Build([Evaluate(20), Evaluate(10), EvaluateWithBridge()], null, 2023, options);
        var md = report.ToMarkdown();
        Assert.Multiple(() =>
        {
            foreach (var norwegian in new[]
            {
                "## Effektkontrakter", "En effektkontrakt (resultatbasert betaling", "### hand: programme mot business as usual, betalt av municipality",
                "| Utfall | Tilstander | Bedre når | Pris per | Pris (NOK, 2023-priser) |", "| Nøkkeltall | Verdi | Fortegn |", "| Investorens internrente (per år, reell) | 9,5 % |",
                "Ingen måling når terskelen sin: oppdragsgiveren betaler ingenting.", "Investorens internrente: i.a. (ikke en vanlig investering", "Mellomfinansiering: oppdragsgiveren forskutterer inntil 50 i år 0",
                "når den samlede terskelen.", "Utfallsbetalinger og investorens kontantstrøm: hand", "## Konvensjoner", "Kontrakt mot egenfinansiering: oppdragsgiverens NNV",
            })
            {
                Assert.That(md, Does.Contain(norwegian));
            }

            foreach (var english in new[]
            {
                "Outcome contracts", "An outcome contract", " vs ", "paid by", "Conventions", "Better when", "Price per", "Pays on its own", "Measurement", "Investor's", "Commissioner",
                "commissioner", "Contract vs self-funded", "pays nothing", "n/a", "prices", "Due is before caps", "The investor funds", "Bridge", "pooled", "Bars:", "Undiscounted", "yes |", "no |", "more |",
            })
            {
                Assert.That(md, Does.Not.Contain(english));
            }

            Assert.That(report.ToHtml(), Does.Contain("<html lang=\"nb\">"));
        });
        ChartsTests.AssertPng(Charts.ContractSchedule(Evaluate(20), 2023, options), 1000, 560);
    }

    [Test]
    public void ContractReasons_InEnglish_AreTheFiguresOwnExplanations()
    {
        foreach (var reason in Enum.GetValues<FigureReason>())
        {
            Assert.That(Texts.English["contract.reason." + reason], Is.EqualTo(Figure.Explain(reason)), reason.ToString());
        }
    }

    [Test]
    public void Charts_ArePngs()
    {
        ChartsTests.AssertPng(Charts.ContractSchedule(Evaluate(20), 2023), 1000, 560);
    }
}
