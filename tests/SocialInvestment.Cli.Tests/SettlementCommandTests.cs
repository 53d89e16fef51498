using System.Text;
using SocialInvestment.Cli.Tests.TestSupport;
using SocialInvestment.Csv.Tests.TestSupport;
using SocialInvestment.Economics;
using SocialInvestment.Scenarios;

namespace SocialInvestment.Cli.Tests;

/// <summary>socinv run settles every strategy: the "Who should compensate whom" table, settlement.csv, and the rules table in the scenario copy.</summary>
public class SettlementCommandTests : TempFolderTest
{
    private string WriteSmallScenario(string? rules)
    {
        var dir = Path.Combine(Dir, "small");
        ScenarioWriter.Write(SmallScenario.Create(), dir);
        if (rules is not null)
        {
            File.WriteAllText(Path.Combine(dir, SettlementFile.RulesFileName), rules, new UTF8Encoding(false));
        }

        return dir;
    }

    [Test]
    public void Run_WithRulesTable_PrintsTheTable_WritesTheScheduleMatchingTheLibrary()
    {
        // The state pays the municipality 1,000 per IPS starter; the rest is shared by savings.
        var rules = "rule,kind,basis,payer,payee,intervention,price\nprice,per-participant-price,,state,municipality,IPS,1000\nshare,share-gains,savings,,,,\n";
        var dir = WriteSmallScenario(rules);
        var outDir = Path.Combine(Dir, "out");
        var r = Socinv.Run("run", dir, "--out", outDir);
        Assert.That(r.ExitCode, Is.EqualTo(ExitCodes.Ok), r.Err);
        Assert.That(r.Out, Does.Contain("Who should compensate whom: IPS").And.Contain("settlement_rules.csv").And.Not.Contain("an example rule"));
        Assert.That(File.Exists(Path.Combine(outDir, "scenario", SettlementFile.RulesFileName)), "the rules table travels with the scenario copy");

        // The schedule's present values per rule agree with settling the appraisal through the library.
        var scenario = ScenarioReader.Read(dir);
        var run = ScenarioRunner.Run(scenario);
        var expected = SettlementOutputOracle(run, SettlementFile.TryRead(dir, scenario)!);
        var lines = File.ReadAllLines(Path.Combine(outDir, SettlementFile.ScheduleFileName));
        Assert.That(lines[0], Is.EqualTo("strategy,comparator,rule,from,to,cycle,year,amount,amount_discounted,timing"));
        var byRule = lines.Skip(1).Select(l => l.Split(',')).GroupBy(f => (f[2], f[3], f[4])).ToDictionary(g => g.Key, g => g.Sum(f => double.Parse(f[8], System.Globalization.CultureInfo.InvariantCulture)));
        foreach (var x in expected.Transfers.Where(x => x.TotalDiscounted != 0))
        {
            Assert.That(byRule[(x.Rule, x.From.Name, x.To.Name)], Is.EqualTo(x.TotalDiscounted).Within(1e-6 * (1 + Math.Abs(x.TotalDiscounted))));
        }

        Assert.That(expected.Transfers.Any(x => x.Rule == "price"));
    }

    private static SettlementResult SettlementOutputOracle(ScenarioRun run, SettlementPlan plan)
    {
        var appraisal = run.Appraisals.First(a => a.Strategy.Name != run.Comparator);
        var strategy = run.Result(appraisal.Strategy.Name).Strategy;
        var comparator = run.Result(run.Comparator).Strategy;
        return Settlement.Run(run.Model, strategy, comparator, plan);
    }

    [Test]
    public void Run_WithoutRulesTable_UsesTheLabelledExample()
    {
        var r = Socinv.Run("run", WriteSmallScenario(null), "--out", Path.Combine(Dir, "out"));
        Assert.That(r.ExitCode, Is.EqualTo(ExitCodes.Ok), r.Err);
        Assert.That(r.Out, Does.Contain("Who should compensate whom").And.Contain("an example rule"));
    }

    [Test]
    public void Run_BadRulesTable_ExitsWithEveryProblemAndWritesNothing()
    {
        var dir = WriteSmallScenario("rule,kind,payers,price\na,reimburse-investors,kommune state,\nb,per-participant-price,,-1\n");
        var outDir = Path.Combine(Dir, "out");
        var r = Socinv.Run("run", dir, "--out", outDir);
        Assert.That(r.ExitCode, Is.EqualTo(ExitCodes.InvalidInput));
        Assert.That(r.Err, Does.Contain("settlement_rules.csv:2:3: [payers]").And.Contain("Unknown payer 'kommune'"), r.Err);
        Assert.That(r.Err, Does.Contain("settlement_rules.csv:3:"), r.Err);
        Assert.That(Directory.Exists(outDir), Is.False, "no half-written output folder");
    }
}

/// <summary>socinv validate checks the optional rules table too.</summary>
public class SettlementValidateTests : TempFolderTest
{
    [Test]
    public void Validate_BadRulesTable_ListsItsProblems()
    {
        var dir = Path.Combine(Dir, "small");
        ScenarioWriter.Write(SmallScenario.Create(), dir);
        File.WriteAllText(Path.Combine(dir, SettlementFile.RulesFileName), "rule,kind,payers\na,shapley,municipality police\n", new UTF8Encoding(false));
        var r = Socinv.Run("validate", dir);
        Assert.That(r.ExitCode, Is.EqualTo(ExitCodes.InvalidInput));
        Assert.That(r.Err, Does.Contain("settlement_rules.csv:2:3: [payers] rule 'a': Unknown payer 'police'"), r.Err);
    }
}
