using SocialInvestment.Economics;
using SocialInvestment.Engine;
using SocialInvestment.Model;
using SocialInvestment.Uncertainty;
using SocialInvestment.Workloads;

namespace SocialInvestment.Tests.Uncertainty;

public class StrategyEvaluatorsTests
{
    /// <summary>
    /// A PSA through the microsimulation engine agrees draw by draw with the same PSA through the
    /// cohort engine within Monte Carlo error. With 20,000 people per draw the per-person cost has a
    /// standard error of about 0.6 % (welfare-4: SD ≈ 75,000 around a mean ≈ 104,000, /√20,000);
    /// averaged over 8 draws the mean difference must be within 4 such errors of 0 (tolerance 2 %,
    /// chosen generously; failure probability below 1e-4).
    /// </summary>
    [Test]
    public void Microsimulation_PsaMatchesCohortPsaWithinMonteCarloError()
    {
        var model = Welfare4.BuildPsaModel();
        var spec = Welfare4.Specification(model);
        var perspective = Perspective.ForPayer(Welfare4.HealthSystem);
        var options = new PsaOptions { Draws = 8, Seed = 7, Perspectives = [perspective], KeepDraws = true };
        var cohort = ProbabilisticAnalysis.Run(spec, options);
        var micro = ProbabilisticAnalysis.Run(spec, options, StrategyEvaluators.Microsimulation(model, new MicrosimOptions { People = 20_000, Seed = 11, Threads = 1 }));
        var c = cohort.Costs(Strategy.BusinessAsUsual, perspective).ToArray();
        var m = micro.Costs(Strategy.BusinessAsUsual, perspective).ToArray();
        Assert.That(m, Has.Length.EqualTo(8));
        Assert.That(m.Average(), Is.EqualTo(c.Average()).Within(0.02 * c.Average()));
        Assert.That(m.Zip(c).Count(p => Math.Abs(p.First - p.Second) < 0.03 * p.Second), Is.EqualTo(8), "every draw within 3 % (≈ 5 SE)");
    }

    [Test]
    public void Microsimulation_IsReproducibleBySeedOnAnyThreadCount()
    {
        var model = Welfare4.BuildPsaModel();
        var spec = Welfare4.Specification(model);
        var perspective = Perspective.ForPayer(Welfare4.HealthSystem);
        var evaluator = StrategyEvaluators.Microsimulation(model, new MicrosimOptions { People = 2_000, Seed = 3, Threads = 1 });
        var one = ProbabilisticAnalysis.Run(spec, new PsaOptions { Draws = 6, Seed = 5, Threads = 1, Perspectives = [perspective], KeepDraws = true }, evaluator);
        var two = ProbabilisticAnalysis.Run(spec, new PsaOptions { Draws = 6, Seed = 5, Threads = 2, Perspectives = [perspective], KeepDraws = true }, evaluator);
        Assert.That(two.Costs(Strategy.BusinessAsUsual, perspective).ToArray(), Is.EqualTo(one.Costs(Strategy.BusinessAsUsual, perspective).ToArray()));
    }
}
