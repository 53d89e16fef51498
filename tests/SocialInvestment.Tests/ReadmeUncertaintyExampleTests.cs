using SocialInvestment.Economics;
using SocialInvestment.Engine;
using SocialInvestment.Model;
using SocialInvestment.Uncertainty;

namespace SocialInvestment.Tests;

/// <summary>
/// The README's uncertainty example, verbatim between the markers (ReadmeCompilesTests also builds
/// it from README.md as a program of its own, pasted as it stands there).
/// </summary>
public sealed class ReadmeUncertaintyExampleTests
{
    private static (PsaResult Psa, TornadoData Tornado, double Chance) Example()
    {
        // begin-readme-uncertainty
        // Young adults outside work, with and without supported employment; the effect and the
        // programme cost are uncertain parameters.
        var builder = new LifeCourseModelBuilder("supported employment under uncertainty")
            .AddState("NEET").AddState("Work").AddState("Dead", absorbing: true)
            .AddPayers(Payer.Municipality, Payer.State).AddSectors(Sector.Employment, Sector.Benefits)
            .AddOutcomes(Outcome.LifeYears);
        var toWork = builder.AddParameter("p_work", 0.15, "annual probability NEET → work");
        var effect = builder.AddParameter("rr_work", 1.6, "relative risk of NEET → work with the programme");
        var cost = builder.AddParameter("cost_programme", 80_000, "NOK per participant, upfront");
        builder.Probability("NEET", "Work", (in ModelContext c) => c[toWork]).Probability("NEET", "Dead", 0.002).Remainder("NEET", "NEET")
               .Probability("Work", "NEET", 0.04).Probability("Work", "Dead", 0.001).Remainder("Work", "Work")
               .StateFlow("NEET", new Account(Payer.State, Sector.Benefits, FlowKind.Transfer), 250_000)
               .StateOutcome("NEET", Outcome.LifeYears, 1).StateOutcome("Work", Outcome.LifeYears, 1);
        var programme = Intervention.Create("supported employment").EligibleIn("NEET")
            .UpfrontCost(new Account(Payer.Municipality, Sector.Employment, FlowKind.ResourceCost), cost)
            .AffectTransition("NEET", "Work", EffectMeasure.RelativeRisk, effect, EffectProfile.ConstantFor(3))
            .Build();
        var invest = new Strategy("supported employment", programme);
        var model = builder.AddStrategy(Strategy.BusinessAsUsual).AddStrategy(invest)
            .WithPopulation(Population.StartingIn(20, "NEET", size: 100))
            .WithOptions(new SimulationOptions { Cycles = 40 })
            .Build();

        // Distributions from a mean and a standard error; a PSA of 1 000 draws, reproducible by seed.
        var spec = new PsaSpecification(model)
            .With(toWork, BetaDistribution.FromMeanAndStandardError(0.15, 0.02))
            .With(effect, LogNormalDistribution.FromMeanAndStandardError(1.6, 0.2))
            .With(cost, GammaDistribution.FromMeanAndStandardError(80_000, 10_000));
        var options = new PsaOptions { Draws = 1_000, Seed = 42, Perspectives = [Perspective.PublicSector, Perspective.Society()] };
        var psa = ProbabilisticAnalysis.Run(spec, options);
        var chance = psa.ProbabilityPositiveNpv(invest, Perspective.PublicSector);      // P(NPV > 0): benefits exceed costs
        var tornado = Sensitivity.OneWayNpv(model, invest, Strategy.BusinessAsUsual, Perspective.PublicSector, spec.Ranges());
        Console.WriteLine($"Public sector: P(NPV > 0) = {chance:P0}");
        foreach (var bar in tornado.Bars)
        {
            Console.WriteLine($"{bar.Parameter.Name,-15} NPV {bar.ResultAtLow,14:N0} … {bar.ResultAtHigh,14:N0} NOK (+ = better off)");
        }
        // end-readme-uncertainty
        return (psa, tornado, chance);
    }

    [Test]
    public void Example_RunsAndGivesAChanceBetweenZeroAndOne()
    {
        var (psa, tornado, chance) = Example();
        Assert.Multiple(() =>
        {
            Assert.That(psa.Draws, Is.EqualTo(1_000));
            Assert.That(chance, Is.InRange(0.0, 1.0));
            Assert.That(tornado.Bars, Has.Count.EqualTo(3), "one bar per uncertain parameter");
        });
    }
}
