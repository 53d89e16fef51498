using System.Text.RegularExpressions;
using SocialInvestment.Economics;
using SocialInvestment.Engine;
using SocialInvestment.Model;

namespace SocialInvestment.Tests;

/// <summary>Keeps the README's code example true: the same code is compiled and run here, and the README must contain it verbatim.</summary>
public partial class ReadmeExampleTests
{
    private static (AppraisalResult Society, AppraisalResult Municipality) Example()
    {
        // begin-readme
        var work = new Account(Payer.Individual, Sector.Employment, FlowKind.Production);
        var benefit = new Account(Payer.State, Sector.Benefits, FlowKind.Transfer);
        var received = new Account(Payer.Individual, Sector.Benefits, FlowKind.Transfer);
        var followUp = new Account(Payer.Municipality, Sector.SocialServices, FlowKind.ResourceCost);

        var builder = new LifeCourseModelBuilder("young adults outside work")
            .AddState("NEET").AddState("Work").AddState("Dead", absorbing: true)
            .AddPayers(Payer.Municipality, Payer.State, Payer.Individual)
            .AddSectors(Sector.Employment, Sector.Benefits, Sector.SocialServices);
        builder.Probability("NEET", "Work", 0.15).Probability("NEET", "Dead", 0.002).Remainder("NEET", "NEET")
               .Probability("Work", "NEET", 0.04).Probability("Work", "Dead", 0.001).Remainder("Work", "Work");
        builder.StateFlow("Work", work, -450_000)            // earnings: value created (a gain)
               .StateFlow("NEET", benefit, 250_000)          // benefit paid by the state ...
               .StateFlow("NEET", received, -250_000)        // ... and received by the person
               .StateFlow("NEET", followUp, 60_000);         // municipal follow-up

        var ips = Intervention.Create("supported employment")
            .EligibleIn("NEET")
            .UpfrontCost(followUp, 80_000)
            .AffectTransition("NEET", "Work", EffectMeasure.RelativeRisk, 1.6, EffectProfile.ExponentialDecay(halfLifeYears: 3))
            .Build();
        var bau = Strategy.BusinessAsUsual;
        var invest = new Strategy("IPS", ips);
        var model = builder.AddStrategy(bau).AddStrategy(invest)
            .WithPopulation(Population.StartingIn(20, "NEET", size: 100))
            .WithOptions(new SimulationOptions { Cycles = 40 })     // annual cycles, R-109 discounting
            .Build();

        var withIps = CohortEngine.Run(model, invest);
        var withoutIps = CohortEngine.Run(model, bau);
        var society = Appraisal.Compare(withIps, withoutIps, Perspective.Society(taxFinancingCost: 0.2));
        var municipality = Appraisal.Compare(withIps, withoutIps, Perspective.ForPayer(Payer.Municipality));
        // Results: + = better off. An undefined figure (no investment, never paid back) has no value, only a reason.
        Console.WriteLine($"Society: NPV {society.NetPresentValue:N0}, BCR {society.BenefitCostRatio.Value:F1}");
        var payback = municipality.PaybackYears;
        Console.WriteLine($"Municipality: NPV {municipality.NetPresentValue:N0}, payback {(payback.Value is double y ? $"{y:0} years" : payback.Explanation)}");
        foreach (var payer in society.Payers)
        {
            Console.WriteLine($"{payer.Payer.Name,-14} invested {payer.Invested,12:N0}  net gain {payer.NetGain,14:N0}");
        }
        // end-readme
        return (society, municipality);
    }

    [Test]
    public void Example_RunsAndShowsTheWrongPocketProblem()
    {
        var (society, municipality) = Example();
        Assert.Multiple(() =>
        {
            Assert.That(society.NetPresentValue, Is.GreaterThan(0), "society gains: more people in work");
            Assert.That(society.BenefitCostRatio.Value, Is.GreaterThan(1));
            var state = society.Payers.Single(p => p.Payer == Payer.State);
            var kommune = society.Payers.Single(p => p.Payer == Payer.Municipality);
            Assert.That(state.Invested, Is.Zero, "the state invests nothing");
            Assert.That(state.NetGain, Is.GreaterThan(0), "... yet is better off: it saves on benefits");
            Assert.That(kommune.Invested, Is.EqualTo(100 * 80_000).Within(1e-6));
        });
    }

    [Test]
    public void Readme_ContainsTheExampleVerbatim()
    {
        var root = FindRepositoryRoot();
        var source = File.ReadAllText(Path.Combine(root, "tests", "SocialInvestment.Tests", "ReadmeExampleTests.cs"));
        var block = Regex.Match(source, @"// begin-readme\r?\n(.*?)\r?\n\s*// end-readme", RegexOptions.Singleline).Groups[1].Value;
        var code = string.Join('\n', block.Split('\n').Select(l => l.Length >= 8 ? l[8..] : l.TrimStart()));
        var readme = File.ReadAllText(Path.Combine(root, "README.md")).Replace("\r\n", "\n", StringComparison.Ordinal);
        Assert.That(readme, Does.Contain(code));
        var psaSource = File.ReadAllText(Path.Combine(root, "tests", "SocialInvestment.Tests", "ReadmeUncertaintyExampleTests.cs"));
        var psaBlock = Regex.Match(psaSource, @"// begin-readme-uncertainty\r?\n(.*?)\r?\n\s*// end-readme-uncertainty", RegexOptions.Singleline).Groups[1].Value;
        var psaCode = string.Join('\n', psaBlock.Split('\n').Select(l => l.Length >= 8 ? l[8..] : l.TrimStart()));
        Assert.That(readme, Does.Contain(psaCode), "the uncertainty example");
    }

    private static string FindRepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "SocialInvestment.slnx")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new DirectoryNotFoundException("Repository root (SocialInvestment.slnx) not found.");
    }
}
