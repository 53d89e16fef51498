using SocialInvestment.Economics;
using SocialInvestment.Model;
using SocialInvestment.Tests.TestSupport;
using SocialInvestment.Uncertainty;

namespace SocialInvestment.Tests.Uncertainty;

/// <summary>The PSA API end to end on the DARTH Sick-Sicker model (the README's earlier uncertainty example): chance, CEAC, EVPPI and tornado agree with the model.</summary>
public class PsaApiExampleTests
{
    [Test]
    public void ReadmeExample_DarthCase1_RunsAndGivesConsistentAnswers()
    {
        var sick = DarthModels.Build(ageDependent: false);
        var (model, soc, strategyB) = (sick.Model, sick.SoC, sick.B);

        var spec = new PsaSpecification(model)
            .With("r_HS1", GammaDistribution.FromMeanAndStandardError(0.15, 0.03))
            .With("hr_S2", LogNormalDistribution.FromMeanAndStandardError(10, 1));
        var options = new PsaOptions { Draws = 100, Seed = 42, Perspectives = [Perspective.ResourceCosts, Perspective.Society()], KeepDraws = true }; // every draw kept, for EVPPI
        var psa = ProbabilisticAnalysis.Run(spec, options);
        var chance = psa.ProbabilityPositiveNpv(strategyB, Perspective.Society());             // P(benefits > costs)
        var ceac = psa.Acceptability(Perspective.ResourceCosts, Outcome.Qaly, [0, 100_000, 200_000]);
        var evppi = psa.Evppi(Perspective.ResourceCosts, Outcome.Qaly, 125_000, [model.Parameter("hr_S2")]);
        var tornado = Sensitivity.OneWayNpv(model, strategyB, soc, Perspective.ResourceCosts, spec.Ranges());

        Assert.That(chance, Is.EqualTo(0), "treatment B costs more and saves nothing in this model");
        Assert.That(ceac.FrontierStrategy[0], Is.EqualTo(0));
        Assert.That(evppi, Is.GreaterThanOrEqualTo(0));
        Assert.That(tornado.Bars, Has.Count.EqualTo(2));
        Assert.That(tornado.BaseResult, Is.LessThan(0));
    }
}
