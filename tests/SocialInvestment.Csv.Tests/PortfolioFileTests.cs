using System.Text;
using SocialInvestment.Decisions;
using SocialInvestment.Economics;
using SocialInvestment.Model;
using SocialInvestment.Scenarios;

namespace SocialInvestment.Csv.Tests;

public class PortfolioFileTests
{
    private static byte[] B(string s) => Encoding.UTF8.GetBytes(s);

    [Test]
    public void Default_Parses_WithItsExclusionsAndOneLimitPerYear()
    {
        var scenario = NorwegianDefault.Load();
        var spec = PortfolioFile.Default(scenario);
        Assert.That(spec.Candidates.Select(c => c.Name), Is.EqualTo(new[] { "family_team", "ips", "ips_neet", "ips_half" }));
        Assert.That(spec.Exclusions, Has.Count.EqualTo(3), "ips, ips_neet and ips_half exclude each other pairwise");
        Assert.That(spec.BudgetLimits, Has.Count.EqualTo(3 * 18));
        Assert.That(spec.BudgetLimits.Where(b => b.Payer == "state").Select(b => b.Amount).Distinct(), Is.EqualTo(new[] { 1_500_000.0 }));
        var (model, candidates) = spec.BuildCandidates(scenario);
        Assert.That(candidates.Single(c => c.Name == "ips_half").Interventions.Single().Name, Is.EqualTo("ips_half"));
        Assert.That(model.Strategies.Any(s => s.Name == "candidate: ips_half"));
    }

    [Test]
    public void Problems_AreCollected_WithFileLineColumnAndField()
    {
        var scenario = NorwegianDefault.Load();
        var e = Assert.Throws<ScenarioFormatException>(() => PortfolioFile.Parse(
            B("candidate,interventions,excludes,requires,description\na,ips,,b,\na,nosuch,a,,\n"),
            B("payer,from_year,to_year,amount,source\nnav,0,,1,\nstate,-1,,1e3,\ntotal,0,,1;5,\n"),
            scenario))!;
        var text = e.Problems.Select(p => p.ToString()).ToList();
        Assert.That(text, Has.Some.StartWith("portfolio_candidates.csv:3:1: [candidate] The candidate 'a' is already defined on line 2"));
        Assert.That(text, Has.Some.StartWith("portfolio_candidates.csv:3:2: [interventions] Unknown intervention 'nosuch'"));
        Assert.That(text, Has.Some.StartWith("portfolio_candidates.csv:3:3: [excludes] 'a' cannot exclude or require itself"));
        Assert.That(text, Has.Some.StartWith("portfolio_candidates.csv:2:4: [requires] Unknown candidate 'b'"));
        Assert.That(text, Has.Some.StartWith("portfolio_budgets.csv:2:1: [payer] Unknown payer 'nav'"));
        Assert.That(text, Has.Some.StartWith("portfolio_budgets.csv:3:2: [from_year] Year -1 is outside"));
        Assert.That(text, Has.Some.StartWith("portfolio_budgets.csv:4:4: [amount]"));
    }

    [Test]
    public void BudgetsThatFundNothing_NameTheRowTheCheapestCandidateBreaks()
    {
        var scenario = NorwegianDefault.Load();
        var spec = PortfolioFile.Parse(
            B("candidate,interventions,excludes,requires,description\nips_half,ips_half,,,\n"),
            B("payer,from_year,to_year,amount,source\nmunicipality,0,17,100000000,\nstate,0,17,1000,too small\n"),
            scenario);
        var (model, candidates) = spec.BuildCandidates(scenario);
        var v = PortfolioValuation.Build(model, model.Strategies.First(s => s.Name == "Business as usual"), candidates, Perspective.PublicSector);
        var e = Assert.Throws<ScenarioFormatException>(() => spec.ToProblem(v))!;
        Assert.That(e.Problems.Single().ToString(), Does.StartWith("portfolio_budgets.csv:3:4: [amount] The budgets fund no candidate: 'ips_half' alone costs state"));
    }
}
