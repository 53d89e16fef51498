using System.Globalization;
using System.Text;
using SocialInvestment.Cli.Tests.TestSupport;
using SocialInvestment.Csv.Tests.TestSupport;
using SocialInvestment.Economics;
using SocialInvestment.Engine;
using SocialInvestment.Scenarios;

namespace SocialInvestment.Cli.Tests;

/// <summary>socinv contract: the default's example contract with no input, a scenario's contract tables against the library, PSA output, errors, and the atomic run folder.</summary>
public class ContractCommandTests : TempFolderTest
{
    private const string Contracts = "contract,strategy,payer,capital_timing\nsib,IPS for NEET,municipality,upfront\n";

    private const string Outcomes = "contract,outcome,states,direction,price,years,threshold,pooled_threshold\nsib,fewer NEET,neet,decrease,200000,2 4,0.05,0.03\n";

    private string WriteScenario(string contracts = Contracts, string outcomes = Outcomes)
    {
        var dir = Path.Combine(Dir, "small");
        ScenarioWriter.Write(SmallScenario.Create(), dir);
        File.WriteAllText(Path.Combine(dir, ContractFile.ContractsFileName), contracts, new UTF8Encoding(false));
        File.WriteAllText(Path.Combine(dir, ContractFile.OutcomesFileName), outcomes, new UTF8Encoding(false));
        return dir;
    }

    [Test]
    public void Contract_OnTheDefault_WithNoInput_WritesTheRunFolder()
    {
        var outDir = Path.Combine(Dir, "out");
        var r = Socinv.Run("contract", "--out", outDir);
        Assert.That(r.ExitCode, Is.EqualTo(ExitCodes.Ok), r.Err);
        Assert.That(r.Out, Does.Contain("Outcome contract 'youth-exclusion': IPS for young people vs Business as usual").And.Contain("contract vs self-funded"));
        foreach (var f in new[] { ContractFile.ResultsFileName, "report.html", "report.md", "contract-schedule-1.png", "manifest.json", "scenario/contracts.csv", "scenario/contract_outcomes.csv", "scenario/scenario.json" })
        {
            Assert.That(File.Exists(Path.Combine(outDir, f)), f);
        }

        Assert.That(File.Exists(Path.Combine(outDir, ContractFile.DrawsFileName)), Is.False, "no PSA without --draws");
        var report = File.ReadAllText(Path.Combine(outDir, "report.md"));
        Assert.That(report, Does.Contain("NOK, 2023 prices").And.Contain("+ = the party pays").And.Contain("illustrative"));

        // The folder is a socinv run: a second run replaces it.
        var again = Socinv.Run("contract", "--out", outDir);
        Assert.That(again.ExitCode, Is.EqualTo(ExitCodes.Ok), again.Err);
    }

    [Test]
    public void Contract_LanguageNb_WritesTheReportInNorwegian_TheConsoleAndCsvUnchanged()
    {
        var en = Path.Combine(Dir, "en");
        var nb = Path.Combine(Dir, "nb");
        var (english, norwegian, md) = Socinv.RunInBothLanguages(en, nb, "contract", "--draws", "20");
        Assert.Multiple(() =>
        {
            Assert.That(md, Does.StartWith("# Effektkontrakter: ").And.Contain("## Effektkontrakter").And.Contain("#### Under usikkerhet: 20 PSA-trekninger").And.Contain("## Konvensjoner"));
            Assert.That(md, Does.Contain("NOK, 2023-priser").And.Contain("10\u00A0000\u00A0000"), "Norwegian text reads numbers the Norwegian way (nb-NO) unless --culture says otherwise");
            Assert.That(md, Does.Not.Contain("Outcome contracts").And.Not.Contain("Under uncertainty").And.Not.Contain("Conventions").And.Not.Contain("2023 prices"));
            Assert.That(File.ReadAllText(Path.Combine(nb, "report.html")), Does.Contain("<html lang=\"nb\">"));
            Assert.That(File.ReadAllText(Path.Combine(en, "report.md")), Does.StartWith("# Outcome contracts: ").And.Contain("#### Under uncertainty: 20 PSA draws").And.Contain("10,000,000"));
            Socinv.AssertLanguageNeutral(en, nb, english, norwegian, ContractFile.ResultsFileName);
        });
        var withCulture = Socinv.Run("contract", "--language", "nb", "--culture", "en-GB", "--out", Path.Combine(Dir, "nb-gb"));
        Assert.That(withCulture.ExitCode, Is.EqualTo(ExitCodes.Ok), withCulture.Err);
        Assert.That(File.ReadAllText(Path.Combine(Dir, "nb-gb", "report.md")), Does.Contain("## Effektkontrakter").And.Contain("10,000,000"), "--culture wins over the language's default");
        Assert.That(Socinv.Run("contract", "--language", "de", "--out", Path.Combine(Dir, "de")).ExitCode, Is.Not.EqualTo(ExitCodes.Ok));
    }

    [Test]
    public void Contract_FromAScenario_MatchesTheLibrary()
    {
        var dir = WriteScenario();
        var outDir = Path.Combine(Dir, "out");
        var r = Socinv.Run("contract", "--scenario", dir, "--out", outDir);
        Assert.That(r.ExitCode, Is.EqualTo(ExitCodes.Ok), r.Err);

        var scenario = ScenarioReader.Read(dir);
        var model = scenario.BuildModel();
        var k = ContractFile.TryRead(dir, scenario, model)!.Single();
        var expected = k.Evaluate(CohortEngine.Run(model, model.Strategies.First(s => s.Name == k.Strategy)), CohortEngine.Run(model, model.Strategies.First(s => s.Name == k.Comparator)));
        var rows = File.ReadAllLines(Path.Combine(outDir, ContractFile.ResultsFileName)).Skip(1).Select(l => l.Split(',')).ToArray();
        double Figure(string q) => double.Parse(rows.Single(f => f[1] == "figure" && f[6] == q)[7], CultureInfo.InvariantCulture);
        Assert.That(Figure("total_payments"), Is.EqualTo(expected.TotalPayments).Within(1e-6));
        Assert.That(Figure("npv_with_contract"), Is.EqualTo(expected.NpvWithContract).Within(1e-6));
        Assert.That(Figure("npv_self_funded"), Is.EqualTo(expected.NpvSelfFunded).Within(1e-6));
        Assert.That(expected.TotalPayments, Is.GreaterThan(0), "the small scenario's IPS cuts NEET below the thresholds");
        Assert.That(File.Exists(Path.Combine(outDir, "scenario", ContractFile.OutcomesFileName)), "the contract tables travel with the scenario copy");
    }

    [Test]
    public void Contract_WithDraws_WritesThePsaAndItsCharts()
    {
        var dir = WriteScenario();
        var outDir = Path.Combine(Dir, "out");
        var r = Socinv.Run("contract", "--scenario", dir, "--draws", "20", "--seed", "3", "--out", outDir);
        Assert.That(r.ExitCode, Is.EqualTo(ExitCodes.Ok), r.Err);
        Assert.That(r.Out, Does.Contain("Under uncertainty (20 draws, seed 3): sib").And.Contain("P(investor loses money)"));
        var draws = File.ReadAllLines(Path.Combine(outDir, ContractFile.DrawsFileName));
        Assert.That(draws, Has.Length.EqualTo(21));
        Assert.That(File.ReadAllText(Path.Combine(outDir, ContractFile.ResultsFileName)), Does.Contain(",psa,").And.Contain("probability_investor_loss"));
        Assert.That(File.Exists(Path.Combine(outDir, "contract-payments-1.png")) && File.Exists(Path.Combine(outDir, "contract-irr-1.png")));

        // The same seed gives the same draws.
        var outDir2 = Path.Combine(Dir, "out2");
        Assert.That(Socinv.Run("contract", "--scenario", dir, "--draws", "20", "--seed", "3", "--out", outDir2).ExitCode, Is.EqualTo(ExitCodes.Ok));
        Assert.That(File.ReadAllLines(Path.Combine(outDir2, ContractFile.DrawsFileName)), Is.EqualTo(draws));
    }

    [Test]
    public void Contract_BadTables_OneAggregatedErrorWithFileLineField_NothingWritten()
    {
        var dir = WriteScenario(
            "contract,strategy,payer\nsib,IPS for NEET,kommune\n",
            "contract,outcome,states,direction,price,years,threshold\nsib,in work,work jail,increase,200000,2,1.5\n");
        var outDir = Path.Combine(Dir, "out");
        var r = Socinv.Run("contract", "--scenario", dir, "--out", outDir);
        Assert.That(r.ExitCode, Is.EqualTo(ExitCodes.InvalidInput), r.Err);
        Assert.That(r.Err, Does.Contain("contracts.csv:2:3: [payer] Unknown payer 'kommune'"), r.Err);
        Assert.That(r.Err, Does.Contain("contract_outcomes.csv:2:3: [states] outcome 'in work': Unknown state 'jail'"), r.Err);
        Assert.That(r.Err, Does.Contain("contract_outcomes.csv:2:7: [threshold]").And.Contain("[0, 1]"), r.Err);
        Assert.That(Directory.Exists(outDir), Is.False, "a bad input writes nothing");

        var validate = Socinv.Run("validate", dir);
        Assert.That(validate.ExitCode, Is.EqualTo(ExitCodes.InvalidInput));
        Assert.That(validate.Err, Does.Contain("Unknown payer 'kommune'"));
    }

    [Test]
    public void Contract_ScenarioWithoutContractTables_SaysSo()
    {
        var dir = Path.Combine(Dir, "plain");
        ScenarioWriter.Write(SmallScenario.Create(), dir);
        var r = Socinv.Run("contract", "--scenario", dir, "--out", Path.Combine(Dir, "out"));
        Assert.That(r.ExitCode, Is.EqualTo(ExitCodes.InvalidInput));
        Assert.That(r.Err, Does.Contain("has no contracts.csv and contract_outcomes.csv"));
    }
}
