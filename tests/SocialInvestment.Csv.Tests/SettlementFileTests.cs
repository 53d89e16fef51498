using System.Text;
using SocialInvestment.Economics;
using SocialInvestment.Model;
using SocialInvestment.Scenarios;

namespace SocialInvestment.Csv.Tests;

/// <summary>settlement_rules.csv: strict parsing with file/line/column/field problems, and the settlement of the Norwegian default.</summary>
public class SettlementFileTests
{
    private static readonly Payer[] Payers = [Payer.Municipality, Payer.County, Payer.State, Payer.Individual];

    private static SettlementPlan Parse(string csv) => SettlementFile.Parse(Encoding.UTF8.GetBytes(csv), Payers, ["ips", "family_team"]);

    [Test]
    public void Parse_EveryKind()
    {
        var plan = Parse("""
            rule,kind,payers,basis,shares,timing,payer,payee,intervention,price,duration_years,description
            # the money follows the citizen first, then the rest is reimbursed
            price,per-participant-price,,per-participant-year,,,state,municipality,ips,25000,2,NAV pays per participant-year
            reimburse,reimburse-investors,municipality state county,,,upfront,,,,,,
            split,share-gains,,fixed,municipality=0.5 state=0.3 county=0.2,,,,,,,
            shapley,shapley,,,,,,,,,,
            """);
        Assert.That(plan.Rules, Has.Count.EqualTo(4));
        Assert.That(plan.Rules[0], Is.EqualTo(new PerParticipantPriceRule("price", "state", "municipality", "ips", 25000, ParticipantBasis.PerParticipantYear, 2)));
        var reimburse = (ReimburseInvestorsRule)plan.Rules[1];
        Assert.That(reimburse.Payers, Is.EqualTo(new[] { "municipality", "state", "county" }));
        Assert.That(reimburse.Timing, Is.EqualTo(TransferTiming.Upfront));
        var split = (ShareGainsRule)plan.Rules[2];
        Assert.That(split.Basis, Is.EqualTo(GainShareBasis.Fixed));
        Assert.That(split.Shares!["state"], Is.EqualTo(0.3));
        Assert.That(((ShapleyRule)plan.Rules[3]).Payers, Is.Null);
    }

    [Test]
    public void Parse_BadRules_EveryProblemWithLineColumnAndField()
    {
        var ex = Assert.Throws<ScenarioFormatException>(() => Parse("""
            rule,kind,payers,basis,shares,price,payer,payee,intervention
            a,reimburse-investors,kommune state,,,,,,
            b,per-participant-price,,,,"12,5",state,municipality,ips
            c,share-gains,,fixed,municipality=0.5 state=0.4,,,,
            d,per-participant-price,,,,-5,state,municipality,unknown_programme
            e,barter,,,,,,,
            """));
        var problems = ex!.Problems.Select(p => p.ToString()).ToArray();
        Assert.That(problems, Has.Some.Contains("settlement_rules.csv:3:6: [price] '12,5' uses a decimal comma"), string.Join("\n", problems));
        Assert.That(problems, Has.Some.Contains("settlement_rules.csv:6:2: [kind] 'barter' is not one of"));

        // The rows that parse are checked against the model in the same pass.
        Assert.That(problems, Has.Some.Contains("settlement_rules.csv:2:3: [payers] rule 'a': Unknown payer 'kommune'"));
        Assert.That(problems, Has.Some.Contains("settlement_rules.csv:4:5: [shares] rule 'c': The shares must sum to 1"));
        Assert.That(problems, Has.Length.EqualTo(6), string.Join("\n", problems));

        // Without the unparseable rows: exactly the four model and value problems.
        var ex2 = Assert.Throws<ScenarioFormatException>(() => Parse("""
            rule,kind,payers,basis,shares,price,payer,payee,intervention
            a,reimburse-investors,kommune state,,,,,,
            c,share-gains,,fixed,municipality=0.5 state=0.4,,,,
            d,per-participant-price,,,,-5,state,municipality,unknown_programme
            """));
        var p2 = ex2!.Problems.Select(p => p.ToString()).ToArray();
        Assert.That(p2, Has.Some.Contains("settlement_rules.csv:2:3: [payers] rule 'a': Unknown payer 'kommune'"), string.Join("\n", p2));
        Assert.That(p2, Has.Some.Contains("settlement_rules.csv:3:5: [shares] rule 'c': The shares must sum to 1"));
        Assert.That(p2, Has.Some.Contains("settlement_rules.csv:4:6: [price] rule 'd'"));
        Assert.That(p2, Has.Some.Contains("settlement_rules.csv:4:9: [intervention] rule 'd': Unknown intervention 'unknown_programme'"));
        Assert.That(p2, Has.Length.EqualTo(4));
    }

    [Test]
    public void Parse_UnknownColumn_And_UnusedColumn_AreErrors()
    {
        var ex = Assert.Throws<ScenarioFormatException>(() => Parse("rule,kind,colour\na,shapley,red\n"));
        Assert.That(ex!.Message, Does.Contain("colour"));
        var ex2 = Assert.Throws<ScenarioFormatException>(() => Parse("rule,kind,price\na,shapley,10\n"));
        Assert.That(ex2!.Problems.Single().ToString(), Does.Contain("settlement_rules.csv:2:3: [price] The column price is not used by a shapley rule"));
    }

    [Test]
    public void NorwegianDefault_ExamplePlan_OnlyMovesMoney_AndWritesTheSchedule()
    {
        var scenario = NorwegianDefault.Load();
        var run = ScenarioRunner.Run(scenario);
        var comparator = run.Comparator;
        foreach (var appraisal in run.Appraisals.Where(a => a.Perspective.Name == run.Appraisals[0].Perspective.Name))
        {
            var result = Settlement.Settle(appraisal, SettlementFile.ExamplePlan);
            Assert.That(result.TotalNetGainAfter, Is.EqualTo(result.TotalNetGainBefore).Within(1e-6 * (1 + Math.Abs(result.TotalNetGainBefore))));
            foreach (var p in result.Positions.Where(p => p.Payer.IsPublic && p.NetGainBefore > 0))
            {
                Assert.That(p.NetGainAfter, Is.GreaterThanOrEqualTo(-1e-6), $"{appraisal.Strategy}: {p.Payer.Name} never pays more than it gains");
            }
        }

        var settlements = run.Appraisals.GroupBy(a => a.Strategy).Select(g => Settlement.Settle(g.First(), SettlementFile.ExamplePlan)).ToArray();
        using var w = new StringWriter();
        SettlementFile.WriteSchedule(settlements, w);
        var lines = w.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.That(lines[0], Is.EqualTo("strategy,comparator,rule,from,to,cycle,year,amount,amount_discounted,timing"));
        Assert.That(lines.Length, Is.GreaterThan(1), "the default's savers reimburse the municipality in some years");
        Assert.That(comparator, Is.Not.Empty);
    }
}
