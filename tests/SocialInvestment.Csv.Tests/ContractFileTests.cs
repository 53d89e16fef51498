using System.Text;
using SocialInvestment.Economics;
using SocialInvestment.Engine;
using SocialInvestment.Model;
using SocialInvestment.Scenarios;

namespace SocialInvestment.Csv.Tests;

/// <summary>contracts.csv and contract_outcomes.csv: strict parsing with file/line/column/field problems, the default's example contract, and the results file.</summary>
public class ContractFileTests
{
    private static readonly Lazy<(Scenario Scenario, LifeCourseModel Model)> Default = new(() =>
    {
        var s = NorwegianDefault.Load();
        return (s, s.BuildModel());
    });

    private static IReadOnlyList<OutcomeContract> Parse(string contracts, string outcomes)
        => ContractFile.Parse(Encoding.UTF8.GetBytes(contracts), Encoding.UTF8.GetBytes(outcomes), Default.Value.Model, Default.Value.Scenario.Settings.Comparator);

    private static string[] Problems(string contracts, string outcomes)
        => Assert.Throws<ScenarioFormatException>(() => Parse(contracts, outcomes))!.Problems.Select(p => p.ToString()).ToArray();

    private const string OneContract = """
        contract,strategy,comparator,payer,cap,funded_share,capital_timing,bridge_amount,bridge_rate,description
        sib,IPS for young people,,municipality,1000000,0.5,upfront,100000,0.02,test
        """;

    [Test]
    public void Parse_AContractWithTwoOutcomes()
    {
        var contracts = Parse(OneContract, """
            contract,outcome,states,direction,basis,price,years,until_years,payment_years,labels,threshold,pooled_threshold,pooled_payment_year,cap,source
            sib,outside work,neet aap,decrease,,120000,6 9,- 10,7 -,first second,0.1,0.075,12,500000,illustrative
            sib,in work,work,increase,per-person-achieving,1000,8,,,,,,,,
            """);
        var k = contracts.Single();
        Assert.That(k.Strategy, Is.EqualTo("IPS for young people"));
        Assert.That(k.Comparator, Is.EqualTo("Business as usual"), "an empty comparator is the scenario's");
        Assert.That(k.Capital, Is.EqualTo(new InvestorCapital(0.5, CapitalTiming.Upfront)));
        Assert.That(k.Bridge, Is.EqualTo(new BridgeFinancing(100000, 0.02)));
        Assert.That(k.Cap, Is.EqualTo(1000000));
        var o = k.Outcomes[0];
        Assert.That(o.States, Is.EqualTo(new[] { "neet", "aap" }));
        Assert.That(o.Direction, Is.EqualTo(OutcomeDirection.Decrease));
        Assert.That(o.Basis, Is.EqualTo(OutcomePriceBasis.PerImprovement));
        Assert.That(o.Measurements, Is.EqualTo(new[] { new OutcomeMeasurement(6, null, 7, "first"), new OutcomeMeasurement(9, 10, null, "second") }));
        Assert.That((o.Threshold, o.PooledThreshold, o.PooledPaymentYear, o.Cap), Is.EqualTo((0.1, 0.075, 12.0, 500000.0)));
        Assert.That(k.Outcomes[1].Basis, Is.EqualTo(OutcomePriceBasis.PerPersonAchieving));
    }

    [Test]
    public void Parse_ThresholdsOutsideZeroOne_UnknownNames_EveryProblemWithFileLineColumnAndField()
    {
        var problems = Problems(
            """
            contract,strategy,comparator,payer,funded_share
            a,IPS for young people,nothing,kommune,1.5
            b,Unknown strategy,,municipality,
            """,
            """
            contract,outcome,states,direction,price,years,threshold,pooled_threshold
            a,x,neet jail,decrease,100,6,1.2,-0.1
            b,y,work,increase,100,6,,
            c,z,work,increase,100,6,,
            """);
        var all = string.Join("\n", problems);
        Assert.That(problems, Has.Some.Contains("contracts.csv:2:3: [comparator] Unknown strategy 'nothing'"), all);
        Assert.That(problems, Has.Some.Contains("contracts.csv:2:4: [payer] Unknown payer 'kommune'"), all);
        Assert.That(problems, Has.Some.Contains("contracts.csv:2:5: [funded_share]").And.Some.Contains("[0, 1]"), all);
        Assert.That(problems, Has.Some.Contains("contracts.csv:3:2: [strategy] Unknown strategy 'Unknown strategy'"), all);
        Assert.That(problems, Has.Some.Contains("contract_outcomes.csv:2:7: [threshold] outcome 'x': A threshold is a relative improvement in [0, 1]"), all);
        Assert.That(problems, Has.Some.Contains("contract_outcomes.csv:2:8: [pooled_threshold] outcome 'x'"), all);
        Assert.That(problems, Has.Some.Contains("contract_outcomes.csv:4:1: [contract] Unknown contract 'c'"), all);
        Assert.That(problems, Has.Some.Contains("contract_outcomes.csv:2:3: [states] outcome 'x': Unknown state 'jail'"), "the names are checked even when the terms have problems of their own:\n" + all);
        Assert.That(problems, Has.Length.EqualTo(8), all);
    }

    [Test]
    public void Parse_NamesAndTimesAgainstTheModel()
    {
        var problems = Problems(OneContract, """
            contract,outcome,states,direction,price,years,payment_years
            sib,x,neet jail,decrease,100,6 2.5 90,- - -
            """);
        var all = string.Join("\n", problems);
        Assert.That(problems, Has.Some.Contains("contract_outcomes.csv:2:3: [states] outcome 'x': Unknown state 'jail'"), all);
        Assert.That(problems, Has.Some.Contains("contract_outcomes.csv:2:6: [years] outcome 'x': Measurement 'year 2.5': 2.5 years is not a whole number of cycles"), all);
        Assert.That(problems, Has.Some.Contains("contract_outcomes.csv:2:6: [years] outcome 'x': Measurement 'year 90': year 90 lies beyond the horizon"), all);
    }

    [Test]
    public void Parse_RowProblems_DecimalCommaListLengthsAndMissingOutcomes()
    {
        var problems = Problems(
            """
            contract,strategy,payer
            a,IPS for young people,municipality
            b,IPS for young people,municipality
            a,IPS for young people,municipality
            """,
            """
            contract,outcome,states,direction,price,years,payment_years,labels
            a,x,neet,sideways,"12,5",6 9,7,one two three
            a,x,neet,decrease,1,6,,
            """);
        var all = string.Join("\n", problems);
        Assert.That(problems, Has.Some.Contains("contracts.csv:4:1: [contract] Contract 'a' is already defined on line 2"), all);
        Assert.That(problems, Has.Some.Contains("contract_outcomes.csv:2:4: [direction] 'sideways' is not one of: increase, decrease"), all);
        Assert.That(problems, Has.Some.Contains("contract_outcomes.csv:2:5: [price] '12,5' uses a decimal comma"), all);
        Assert.That(problems, Has.Some.Contains("contract_outcomes.csv:2:7: [payment_years] Give one entry per measurement year (2)"), all);
        Assert.That(problems, Has.Some.Contains("contract_outcomes.csv:2:8: [labels] Give one entry per measurement year (2)"), all);
        Assert.That(problems, Has.Some.Contains("contract_outcomes.csv:3:2: [outcome] Outcome 'x' of contract 'a' is already defined on line 2"), all);
        Assert.That(problems, Has.Some.Contains("contracts.csv:3:1: [contract] Contract 'b' has no outcomes"), all);
    }

    [Test]
    public void TryRead_OneFileWithoutTheOther_IsAnError_NeitherIsNull()
    {
        var dir = Directory.CreateTempSubdirectory("socinv-contract-").FullName;
        try
        {
            var (scenario, model) = Default.Value;
            Assert.That(ContractFile.TryRead(dir, scenario, model), Is.Null);
            File.WriteAllText(Path.Combine(dir, ContractFile.ContractsFileName), OneContract);
            var ex = Assert.Throws<ScenarioFormatException>(() => ContractFile.TryRead(dir, scenario, model));
            Assert.That(ex!.Problems.Single().ToString(), Does.StartWith("contract_outcomes.csv: The file is missing"));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Test]
    public void Default_ExampleContract_IsIllustrativeAndEvaluates()
    {
        var (scenario, model) = Default.Value;
        var k = ContractFile.ReadDefault(model, scenario.Settings.Comparator).Single();
        Assert.That(k.Description, Does.Contain("illustrative").And.Contain("Asker"));
        Assert.That(k.Payer, Is.EqualTo("municipality"));
        var s = CohortEngine.Run(model, model.Strategies.First(x => x.Name == k.Strategy));
        var c = CohortEngine.Run(model, model.Strategies.First(x => x.Name == k.Comparator));
        var r = k.Evaluate(s, c);
        Assert.That(r.InvestorCapital, Is.GreaterThan(0));
        Assert.That(r.TotalPayments, Is.LessThanOrEqualTo(k.Cap!.Value + 1e-6));
        Assert.That(r.ContractAdvantage, Is.EqualTo(r.FundedCostByCycle.Select((v, t) => v * r.DiscountFactors[t]).Sum() - r.PresentValuePayments).Within(1e-6 * r.InvestorCapital), "no bridge: the contract moves the funded costs to the investor and adds the payments");

        // The file beside the scenario tables reads the same as the embedded one.
        var dir = Directory.CreateTempSubdirectory("socinv-contract-").FullName;
        try
        {
            NorwegianDefault.WriteTo(dir);
            var fromFolder = ContractFile.TryRead(dir, ScenarioReader.Read(dir), model)!.Single();
            Assert.That(fromFolder.Outcomes, Is.EqualTo(k.Outcomes));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Test]
    public void WriteResults_TidyRows_UndefinedFiguresHaveNoNumber()
    {
        var contract = new OutcomeContract("hand", "programme", "bau", "municipality", [new OutcomeMetric("in work", ["work"], OutcomeDirection.Increase, [new OutcomeMeasurement(2)], price: 10, threshold: 0.9)]);
        var observation = new ContractObservation(1, [1, 0.5, 0.25], [100, 0, 0], [-100, 30, 200], new Dictionary<string, IReadOnlyList<MeasuredCount>> { ["in work"] = [new MeasuredCount(20, 8)] });
        var r = contract.Evaluate(observation); // 150 % improvement ≥ 90 %: pays 120 at year 2
        var path = Path.Combine(Path.GetTempPath(), $"contract-{Guid.NewGuid():N}.csv");
        try
        {
            ContractFile.WriteResults([r], null, "NOK", 2023, path);
            var lines = File.ReadAllLines(path);
            Assert.That(lines[0], Is.EqualTo("contract,section,outcome,measurement,cycle,year,quantity,value,unit,note"));
            Assert.That(lines, Has.Some.EqualTo("hand,payment,in work,year 2,2,2,amount,120,NOK 2023 (+ = pays),"));
            Assert.That(lines, Has.Some.EqualTo("hand,figure,,,,,npv_with_contract,35,NOK 2023 (+ = better off),with the outcome contract"));
            Assert.That(lines, Has.Some.StartsWith("hand,figure,,,,,investor_irr,0.09544511501").And.Some.Contains("investor_multiple,1.2,"));

            var none = new OutcomeContract("none", "programme", "bau", "municipality", [new OutcomeMetric("in work", ["work"], OutcomeDirection.Increase, [new OutcomeMeasurement(2)], price: 10)], capital: new InvestorCapital(0));
            ContractFile.WriteResults([none.Evaluate(observation)], null, "NOK", null, path);
            var irr = File.ReadAllLines(path).Single(l => l.Contains(",investor_irr,", StringComparison.Ordinal));
            Assert.That(irr, Is.EqualTo("none,figure,,,,,investor_irr,,\"per year (0.05 = 5 %), real\",n/a: no investment: the perspective spends no more on interventions than under the comparator"));
        }
        finally
        {
            File.Delete(path);
        }
    }
}
