using SocialInvestment.Csv.Tests.TestSupport;
using SocialInvestment.Economics;
using SocialInvestment.Scenarios;
using SocialInvestment.Uncertainty;

namespace SocialInvestment.Csv.Tests;

/// <summary>Scenario parameter distributions → <see cref="PsaSpecification"/>, and probabilistic scenario runs.</summary>
public sealed class ScenarioPsaTests
{
    private string _dir = string.Empty;

    [SetUp]
    public void SetUp() => _dir = Directory.CreateTempSubdirectory("socinv-psa-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, recursive: true);

    // Expected means are the closed forms of each family: beta α/(α+β); gamma kθ; lognormal
    // exp(μ + σ²/2); normal μ; truncated normal symmetric about μ → μ; uniform (a+b)/2;
    // triangular (a+c+b)/3; fixed → the base value (4.2 here).
    [TestCase("beta", new[] { 2.0, 5.0 }, typeof(BetaDistribution), 2.0 / 7)]
    [TestCase("gamma", new[] { 3.0, 2.0 }, typeof(GammaDistribution), 6.0)]
    [TestCase("lognormal", new[] { 0.5, 0.2 }, typeof(LogNormalDistribution), 1.6820276496988864)]
    [TestCase("normal", new[] { 3.0, 1.0 }, typeof(NormalDistribution), 3.0)]
    [TestCase("truncnormal", new[] { 1.0, 2.0, -1.0, 3.0 }, typeof(TruncatedNormalDistribution), 1.0)]
    [TestCase("uniform", new[] { 1.0, 3.0 }, typeof(UniformDistribution), 2.0)]
    [TestCase("triangular", new[] { 0.0, 1.0, 5.0 }, typeof(TriangularDistribution), 2.0)]
    [TestCase("fixed", new double[0], typeof(FixedDistribution), 4.2)]
    public void ToDistribution_EveryUnivariateFamily_MapsToTheLibraryDistribution(string family, double[] args, Type expected, double mean)
    {
        var d = new DistributionSpec(family, args).ToDistribution(4.2);
        Assert.That(d, Is.TypeOf(expected));
        Assert.That(d.Mean, Is.EqualTo(mean).Within(1e-12));
    }

    [Test]
    public void ToDistribution_UpperCaseFamily_IsAccepted()
    {
        var d = new DistributionSpec("Beta", [16, 4]).ToDistribution(0.8);
        Assert.That(d, Is.TypeOf<BetaDistribution>());
        Assert.That(((BetaDistribution)d).Alpha, Is.EqualTo(16));
        Assert.That(((BetaDistribution)d).Beta, Is.EqualTo(4));
    }

    [Test]
    public void ToDirichlet_Concentrations_BecomeComponents()
    {
        var d = new DistributionSpec("dirichlet", [2, 3, 5]).ToDirichlet();
        Assert.That(d.Dimension, Is.EqualTo(3));
        Assert.That(d.Alphas, Is.EqualTo(new[] { 2.0, 3.0, 5.0 }));
    }

    [Test]
    public void ToDistribution_DirichletOrInvalid_Throws()
    {
        Assert.That(() => new DistributionSpec("dirichlet", [1, 2]).ToDistribution(0), Throws.InvalidOperationException.With.Message.Contains("group"));
        Assert.That(() => new DistributionSpec("weibull", [1, 2]).ToDistribution(0), Throws.InvalidOperationException.With.Message.Contains("Unknown distribution 'weibull'"));
        Assert.That(() => new DistributionSpec("beta", [1]).ToDistribution(0), Throws.InvalidOperationException.With.Message.Contains("takes 2 arguments"));
        Assert.That(() => new DistributionSpec("beta", [1, 2]).ToDirichlet(), Throws.InvalidOperationException.With.Message.Contains("not a dirichlet"));
    }

    [Test]
    public void ToPsaSpecification_SmallScenario_HasOneEntryPerDistributedRow()
    {
        var scenario = SmallScenario.Create();
        var model = scenario.BuildModel();
        var spec = scenario.ToPsaSpecification(model);
        Assert.That(spec.UncertainParameters.Select(p => p.Name), Is.EqualTo(new[] { "p_neet_work", "ips_rr" }));
        Assert.That(spec.DistributionOf(model.Parameter("p_neet_work")), Is.TypeOf<BetaDistribution>());
        Assert.That(spec.DistributionOf(model.Parameter("ips_rr"))!.Mean, Is.EqualTo(Math.Exp(0.405 + 0.005)).Within(1e-12));
        Assert.That(spec.DistributionOf(model.Parameter("scale")), Is.Null);
    }

    [Test]
    public void ToPsaSpecification_ConsecutiveDirichletRows_FormGroupsThatSumToOne()
    {
        var s = SmallScenario.Create();
        s = s with
        {
            Parameters =
            [
                .. s.Parameters,
                new("a", 0.2, new DistributionSpec("dirichlet", [2, 3, 5])),
                new("b", 0.3, new DistributionSpec("dirichlet", [2, 3, 5])),
                new("c", 0.5, new DistributionSpec("dirichlet", [2, 3, 5])),
                new("x", 0.5, new DistributionSpec("dirichlet", [1, 1])),
                new("y", 0.5, new DistributionSpec("dirichlet", [1, 1])),
                new("z", 0.5, new DistributionSpec("dirichlet", [1, 1])),
                new("w", 0.5, new DistributionSpec("dirichlet", [1, 1])),
            ],
        };
        var model = s.BuildModel();
        var spec = s.ToPsaSpecification(model);
        Assert.That(spec.UncertainParameterCount, Is.EqualTo(2 + 3 + 4));
        for (var k = 0; k < 20; k++)
        {
            var draw = spec.Draw(7, k);
            double V(string n) => draw[model.Parameter(n)];
            Assert.That(V("a") + V("b") + V("c"), Is.EqualTo(1).Within(1e-12));
            Assert.That(V("x") + V("y"), Is.EqualTo(1).Within(1e-12), "four rows of a two-component dirichlet are two groups");
            Assert.That(V("z") + V("w"), Is.EqualTo(1).Within(1e-12));
        }
    }

    [Test]
    public void ToPsaSpecification_BadSpecsInFiles_ReportEveryProblemWithFileAndLine()
    {
        var s = SmallScenario.Create();
        s = s with
        {
            Parameters =
            [
                .. s.Parameters,
                new("d1", 0.5, new DistributionSpec("dirichlet", [1, 2, 3])),
                new("d2", 0.5, new DistributionSpec("dirichlet", [1, 2, 3])),
                new("tn", 0.5, new DistributionSpec("truncnormal", [0, 1, 100, 101])),
            ],
        };
        ScenarioWriter.Write(s, _dir);
        var read = ScenarioReader.Read(_dir);
        var lines = File.ReadAllLines(Path.Combine(_dir, "parameters.csv"));
        int LineOf(string name) => Array.FindIndex(lines, l => l.StartsWith(name + ",", StringComparison.Ordinal)) + 1;

        var e = Assert.Throws<ScenarioFormatException>(() => read.ToPsaSpecification(read.BuildModel()))!;
        Assert.That(e.Problems, Has.Count.EqualTo(2), string.Join("\n", e.Problems));
        var group = e.Problems.Single(p => p.Message.Contains("'d1'", StringComparison.Ordinal));
        Assert.That(group.File, Is.EqualTo("parameters.csv"));
        Assert.That(group.Line, Is.EqualTo(LineOf("d1")).And.GreaterThan(1));
        Assert.That(group.Field, Is.EqualTo("distribution"));
        Assert.That(group.Message, Does.Contain("3 concentrations but 2 consecutive row(s)"));
        var tn = e.Problems.Single(p => p.Message.Contains("'tn'", StringComparison.Ordinal));
        Assert.That(tn.Line, Is.EqualTo(LineOf("tn")));
        Assert.That(e.Message, Does.Contain(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"parameters.csv:{LineOf("d1")}")));
    }

    [Test]
    public void ToPsaSpecification_InMemoryProblems_NameTheParametersFile()
    {
        var s = SmallScenario.Create();
        var model = s.BuildModel();
        var other = s with { Parameters = [.. s.Parameters, new("not_in_model", 1, new DistributionSpec("gamma", [1, 1])), new("bad", 1, new DistributionSpec("weibull", [1, 1]))] };
        var e = Assert.Throws<ScenarioFormatException>(() => other.ToPsaSpecification(model))!;
        Assert.That(e.Problems.Select(p => p.File), Is.All.EqualTo("parameters.csv"));
        Assert.That(e.Problems.Select(p => p.Line), Is.All.Null);
        Assert.That(e.Problems.Select(p => p.Message), Has.Some.Contains("'not_in_model': not a parameter of the model"));
        Assert.That(e.Problems.Select(p => p.Message), Has.Some.Contains("Unknown distribution 'weibull'"));
    }

    [Test]
    public void RunProbabilistic_SmallScenario_IsReproducibleBySeedAndThreadCount()
    {
        var s = SmallScenario.Create();
        var a = ScenarioRunner.RunProbabilistic(s, 40, 11, new ScenarioRunOptions { MaxDegreeOfParallelism = 1 });
        var b = ScenarioRunner.RunProbabilistic(s, 40, 11, new ScenarioRunOptions { MaxDegreeOfParallelism = 2 });
        var c = ScenarioRunner.RunProbabilistic(s, 40, 12);
        var ips = a.Strategies.Single(x => x.Name == "IPS for NEET");
        var society = a.Perspectives.Single(p => p.Name == Perspective.Society(0.2).Name);
        Assert.That(a.Strategies.Select(x => x.Name), Is.EqualTo(new[] { "Business as usual", "IPS for NEET" }));
        Assert.That(a.Strategies[a.ComparatorIndex].Name, Is.EqualTo("Business as usual"));
        Assert.That(a.Perspectives, Has.Count.EqualTo(3), "municipality, public, society from the settings");
        Assert.That(a.Values(PsaFigure.NetPresentValue, ips, society).ToArray(), Is.EqualTo(b.Values(PsaFigure.NetPresentValue, ips, society).ToArray()));
        Assert.That(a.Values(PsaFigure.NetPresentValue, ips, society).ToArray(), Is.Not.EqualTo(c.Values(PsaFigure.NetPresentValue, ips, society).ToArray()));
        Assert.That(a.ParameterDraws(a.Specification.Model.Parameter("scale")), Is.All.EqualTo(1.0), "a parameter without a distribution keeps its base value");
        Assert.That(a.ParameterDraws(a.Specification.Model.Parameter("p_neet_work")).Distinct().Count(), Is.EqualTo(40));
    }

    [Test]
    public void RunProbabilistic_BadArguments_Throw()
    {
        var s = SmallScenario.Create();
        Assert.That(() => ScenarioRunner.RunProbabilistic(s, 0, 1), Throws.InstanceOf<ArgumentOutOfRangeException>());
        Assert.That(() => ScenarioRunner.RunProbabilistic(s, 5, 1, new ScenarioRunOptions { Perspectives = ["nobody"] }), Throws.ArgumentException.With.Message.Contains("nobody"));
    }
}
