using SocialInvestment.Decisions;
using SocialInvestment.Economics;
using SocialInvestment.Engine;
using SocialInvestment.Model;
using SocialInvestment.Uncertainty;

namespace SocialInvestment.Tests.Economics;

/// <summary>
/// The liability and forecast options hang on the run-options root like PSA and microsimulation
/// options: one master seed, one thread convention (0 = every core, negative refused), and an
/// appraisal names its strategies with the model's <see cref="Strategy"/> objects.
/// </summary>
public class RunOptionsRootTests
{
    [Test]
    public void LiabilityAndForecastOptions_TakeTheRootsSeedAndThreads()
    {
        var root = new RunOptions { Seed = 77, Threads = 3 };
        RunOptions[] derived = [new LiabilityOptions(root), new ForecastOptions(root), new PsaOptions(root)];
        Assert.That(derived.Select(o => (o.Seed, o.Threads)), Is.All.EqualTo((77UL, 3)));
        Assert.That(new LiabilityOptions().Seed, Is.EqualTo(RunOptions.DefaultSeed));
        Assert.That(new ForecastOptions().Seed, Is.EqualTo(RunOptions.DefaultSeed));
    }

    [Test]
    public void ALiabilityWithTheRootsSeed_EqualsOneWithTheSameSeedGivenDirectly()
    {
        var model = LiabilityTests.Model(out _);
        var psa = new PsaSpecification(model).With("exit_scale", new UniformDistribution(0.5, 1.5));
        var register = LiabilityTests.Register(30, 3);
        var viaRoot = CaseloadLiability.Compute(model, register, new LiabilityOptions(new RunOptions { Seed = 9, Threads = 1 }) { Draws = 12 }, psa);
        var direct = CaseloadLiability.Compute(model, register, new LiabilityOptions { Draws = 12, Seed = 9, Threads = 2 }, psa);
        var other = CaseloadLiability.Compute(model, register, new LiabilityOptions { Draws = 12, Seed = 10, Threads = 2 }, psa);
        Assert.That(viaRoot.PublicInterval, Is.EqualTo(direct.PublicInterval));
        Assert.That(other.PublicInterval, Is.Not.EqualTo(direct.PublicInterval), "the seed drives the draws");
    }

    [Test]
    public void NegativeThreads_AreRefusedWithTheRootsMessage()
    {
        var model = LiabilityTests.Model(out var invest);
        var e = Assert.Throws<ArgumentException>(() => CaseloadLiability.Compute(model, LiabilityTests.Register(5, 1), new LiabilityOptions { Threads = -1 }))!;
        Assert.That(e.Message, Does.Contain("Threads must be 0 (every core) or at least 1 (got -1)."));
        var f = Assert.Throws<ArgumentException>(() => InvestmentForecast.Make(model, invest, Strategy.BusinessAsUsual, 2025, "sha256:x", new ForecastOptions { Years = 1, Threads = -2 }))!;
        Assert.That(f.Message, Does.Contain("(got -2)"));
    }

    [Test]
    public void AnAppraisal_NamesItsStrategiesWithTheModelsStrategyObjects()
    {
        var model = LiabilityTests.Model(out var invest);
        var bau = CohortEngine.Run(model, Strategy.BusinessAsUsual);
        var run = CohortEngine.Run(model, invest);
        var a = Appraisal.Compare(run, bau, Perspective.PublicSector);
        Assert.That(a.Strategy, Is.SameAs(run.Strategy));
        Assert.That(a.Comparator, Is.SameAs(bau.Strategy));
    }
}
