using System.Globalization;
using System.Text;
using SocialInvestment.Cli.Tests.TestSupport;
using SocialInvestment.Scenarios;

namespace SocialInvestment.Cli.Tests;

/// <summary>socinv portfolio: runs on the built-in default with no input; bad tables give one aggregated error; the settlement probabilities under --draws.</summary>
public class PortfolioCommandTests : TempFolderTest
{
    [Test]
    public void Portfolio_OnTheDefault_ChoosesWithinTheBudgets_AndWritesTheFiles()
    {
        var outDir = Path.Combine(Dir, "out");
        var r = Socinv.Run("portfolio", "--out", outDir);
        Assert.That(r.ExitCode, Is.EqualTo(ExitCodes.Ok), r.Err);
        // Full IPS breaks the state's 1.5 M frame (docs/portfolio.md), so the half-scale variant is chosen.
        Assert.That(r.Out, Does.Contain("Chosen: ips_half (mip:SCIP, optimal)"));
        foreach (var f in new[] { PortfolioFile.ResultFileName, PortfolioFile.FrontierFileName, "report.html", "report.md", "portfolio-frontier.png", "manifest.json" })
        {
            Assert.That(File.Exists(Path.Combine(outDir, f)), f);
        }

        var rows = File.ReadAllLines(Path.Combine(outDir, PortfolioFile.ResultFileName)).Skip(1).Select(l => l.Split(',')).ToList();
        var budgets = rows.Where(f => f[0] == "budget").ToList();
        Assert.That(budgets, Has.Count.EqualTo(3 * 18), "three limits for each of years 0-17");
        foreach (var f in budgets)
        {
            Assert.That(double.Parse(f[4], CultureInfo.InvariantCulture), Is.LessThanOrEqualTo(double.Parse(f[5], CultureInfo.InvariantCulture) + 1e-6), string.Join(",", f));
        }

        Assert.That(budgets.Max(f => double.Parse(f[4], CultureInfo.InvariantCulture)), Is.GreaterThan(0));
        Assert.That(rows.Single(f => f[0] == "portfolio")[1], Is.EqualTo("ips_half"));
        Assert.That(File.ReadAllText(Path.Combine(outDir, "report.md")), Does.Contain("## Which portfolio under this budget").And.Contain("Efficient frontier"));

        // The same folder can be written again (its manifest lists every file).
        Assert.That(Socinv.Run("portfolio", "--out", outDir, "--language", "nb").ExitCode, Is.EqualTo(ExitCodes.Ok));
        Assert.That(File.ReadAllText(Path.Combine(outDir, "report.md")), Does.Contain("Hvilken portefølje innenfor dette budsjettet"));
    }

    [Test]
    public void Portfolio_WithBudgetsThatFundNothing_IsOneClearError_AndWritesNothing()
    {
        var dir = Path.Combine(Dir, "scenario");
        NorwegianDefault.WriteTo(dir);
        File.WriteAllText(Path.Combine(dir, PortfolioFile.BudgetsFileName), "payer,from_year,to_year,amount,source\nstate,0,17,1000,tiny\nmunicipality,0,17,1000,tiny\n", new UTF8Encoding(false));
        var outDir = Path.Combine(Dir, "out");
        var r = Socinv.Run("portfolio", "--scenario", dir, "--out", outDir);
        Assert.That(r.ExitCode, Is.EqualTo(ExitCodes.InvalidInput), r.Out);
        Assert.That(r.Err, Does.Contain("portfolio_budgets.csv:").And.Contain("[amount] The budgets fund no candidate: 'ips' alone costs"));
        Assert.That(Directory.Exists(outDir), Is.False);
    }

    [Test]
    public void Portfolio_WithUnknownNames_ListsEveryProblemWithFileLineAndField()
    {
        var dir = Path.Combine(Dir, "scenario");
        NorwegianDefault.WriteTo(dir);
        File.WriteAllText(Path.Combine(dir, PortfolioFile.CandidatesFileName), "candidate,interventions,excludes,requires,description\na,ips,zz,,\nb,nosuch,,a,\n", new UTF8Encoding(false));
        File.WriteAllText(Path.Combine(dir, PortfolioFile.BudgetsFileName), "payer,from_year,to_year,amount\nnav,0,,5\nstate,3,1,-2\n", new UTF8Encoding(false));
        var r = Socinv.Run("portfolio", "--scenario", dir, "--out", Path.Combine(Dir, "out"));
        Assert.That(r.ExitCode, Is.EqualTo(ExitCodes.InvalidInput));
        Assert.That(r.Err, Does.Contain("portfolio_candidates.csv:2:3: [excludes] Unknown candidate 'zz'")
            .And.Contain("portfolio_candidates.csv:3:2: [interventions] Unknown intervention 'nosuch'")
            .And.Contain("portfolio_budgets.csv:2:1: [payer] Unknown payer 'nav'")
            .And.Contain("portfolio_budgets.csv:3:3: [to_year]")
            .And.Contain("portfolio_budgets.csv:3:4: [amount] A budget is an amount ≥ 0"));
    }

    [Test]
    public void Run_WithDraws_WritesEachPayersProbabilityOfBeingBetterOffAfterSettlement()
    {
        var outDir = Path.Combine(Dir, "out");
        var r = Socinv.Run("run", "--draws", "16", "--out", outDir);
        Assert.That(r.ExitCode, Is.EqualTo(ExitCodes.Ok), r.Err);
        var lines = File.ReadAllLines(Path.Combine(outDir, "settlement_psa.csv"));
        Assert.That(lines[0], Is.EqualTo("strategy,comparator,payer,draws,probability_better_off_before,probability_better_off_after,mean_net_gain_before,mean_net_gain_after"));
        var rows = lines.Skip(1).Select(l => l.Split(',')).ToList();
        Assert.That(rows, Has.Count.EqualTo(3 * 4), "three strategies × four payers");

        // The example rule makes each saver pay the investor out of its gain: the state, which gains
        // from the family team in most draws, is never left better off than break-even by it.
        var state = rows.Single(f => f[0] == "Family team" && f[2] == "state");
        Assert.That(double.Parse(state[4], CultureInfo.InvariantCulture), Is.GreaterThan(0.5));
        Assert.That(double.Parse(state[5], CultureInfo.InvariantCulture), Is.Zero);

        // A settlement only moves money: the mean total over payers is the same before and after.
        foreach (var g in rows.GroupBy(f => f[0]))
        {
            Assert.That(g.Sum(f => double.Parse(f[7], CultureInfo.InvariantCulture)), Is.EqualTo(g.Sum(f => double.Parse(f[6], CultureInfo.InvariantCulture))).Within(1e-6 * (1 + Math.Abs(g.Sum(f => double.Parse(f[6], CultureInfo.InvariantCulture))))));
        }

        Assert.That(r.Out, Does.Contain("Who should compensate whom under uncertainty: Family team vs Business as usual"));
        Assert.That(File.ReadAllText(Path.Combine(outDir, "report.md")), Does.Contain("## Who should compensate whom").And.Contain("P(better off) after"));
        Assert.That(File.Exists(Path.Combine(outDir, "settlement-1-family-team.png")));
    }
}
