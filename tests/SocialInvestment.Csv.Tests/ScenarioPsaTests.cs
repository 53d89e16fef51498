using SocialInvestment.Csv.Tests.TestSupport;
using SocialInvestment.Economics;
using SocialInvestment.Model;
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
                new() { Name = "a", Value = 0.2, Distribution = new DistributionSpec("dirichlet", [2, 3, 5]) },
                new() { Name = "b", Value = 0.3, Distribution = new DistributionSpec("dirichlet", [2, 3, 5]) },
                new() { Name = "c", Value = 0.5, Distribution = new DistributionSpec("dirichlet", [2, 3, 5]) },
                new() { Name = "x", Value = 0.5, Distribution = new DistributionSpec("dirichlet", [1, 1]) },
                new() { Name = "y", Value = 0.5, Distribution = new DistributionSpec("dirichlet", [1, 1]) },
                new() { Name = "z", Value = 0.5, Distribution = new DistributionSpec("dirichlet", [1, 1]) },
                new() { Name = "w", Value = 0.5, Distribution = new DistributionSpec("dirichlet", [1, 1]) },
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
                new() { Name = "d1", Value = 0.5, Distribution = new DistributionSpec("dirichlet", [1, 2, 3]) },
                new() { Name = "d2", Value = 0.5, Distribution = new DistributionSpec("dirichlet", [1, 2, 3]) },
                new() { Name = "tn", Value = 0.5, Distribution = new DistributionSpec("truncnormal", [0, 1, 100, 101]) },
            ],
        };
        ScenarioWriter.Write(s, _dir);
        var lines = File.ReadAllLines(Path.Combine(_dir, "parameters.csv"));
        int LineOf(string name) => Array.FindIndex(lines, l => l.StartsWith(name + ",", StringComparison.Ordinal)) + 1;

        // Reading (and so `socinv validate`) reports them, before any PSA is run.
        var e = Assert.Throws<ScenarioFormatException>(() => ScenarioReader.Read(_dir))!;
        Assert.That(e.Problems, Has.Count.EqualTo(2), string.Join("\n", e.Problems));
        var group = e.Problems.Single(p => p.Message.Contains("'d1'", StringComparison.Ordinal));
        Assert.That(group.File, Is.EqualTo("parameters.csv"));
        Assert.That(group.Line, Is.EqualTo(LineOf("d1")).And.GreaterThan(1));
        Assert.That(group.Field, Is.EqualTo("distribution"));
        Assert.That(group.Message, Does.Contain("3 concentrations but 2 consecutive row(s)"));
        var tn = e.Problems.Single(p => p.Message.Contains("'tn'", StringComparison.Ordinal));
        Assert.That(tn.Line, Is.EqualTo(LineOf("tn")));
        Assert.That((tn.Column, tn.Field), Is.EqualTo(((int?)4, "arguments")), "the location 0 is not the point value 0.5");

        // The same scenario built in memory: ToPsaSpecification reports the same two problems.
        var inMemory = Assert.Throws<ScenarioFormatException>(() => s.ToPsaSpecification(SmallScenario.Create().BuildModel()))!;
        Assert.That(inMemory.Problems.Select(p => p.Message), Has.Some.Contains("'d1'").And.Some.Contains("'tn'"));
        Assert.That(inMemory.Problems, Has.Count.EqualTo(2));
        Assert.That(e.Message, Does.Contain(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"parameters.csv:{LineOf("d1")}")));
    }

    [Test]
    public void ToPsaSpecification_InMemoryProblems_NameTheParametersFile()
    {
        var s = SmallScenario.Create();
        var model = s.BuildModel();
        var other = s with { Parameters = [.. s.Parameters, new() { Name = "not_in_model", Value = 1, Distribution = new DistributionSpec("gamma", [1, 1]) }, new() { Name = "bad", Value = 1, Distribution = new DistributionSpec("weibull", [1, 1]) }] };
        var e = Assert.Throws<ScenarioFormatException>(() => other.ToPsaSpecification(model))!;
        Assert.That(e.Problems.Select(p => p.File), Is.All.EqualTo("parameters.csv"));
        Assert.That(e.Problems.Select(p => p.Line), Is.All.Null);
        Assert.That(e.Problems.Select(p => p.Message), Has.Some.Contains("'not_in_model': not a parameter of the model"));
        Assert.That(e.Problems.Select(p => p.Message), Has.Some.Contains("Unknown distribution 'weibull'"));
    }

    /// <summary>Writes the Norwegian default as `socinv init` does and applies text edits to parameters.csv.</summary>
    private Scenario EditedDefault(params (string From, string To)[] edits)
    {
        NorwegianDefault.WriteTo(_dir);
        var path = Path.Combine(_dir, "parameters.csv");
        var text = File.ReadAllText(path);
        foreach (var (from, to) in edits)
        {
            Assert.That(text, Does.Contain(from), "the edit must apply");
            text = text.Replace(from, to, StringComparison.Ordinal);
        }

        File.WriteAllText(path, text);
        return ScenarioReader.Read(_dir);
    }

    // Issue 7: editing cost_family_team 150000 → 100000 and ips_or_work 2.79 → 2.0 in parameters.csv
    // must move the PSA with the point run. Drawn means: 20 000 draws; a gamma with CV 0.25 around
    // 100 000 has SE of the mean 25 000/√20 000 ≈ 177, so ±1 000 is > 5 SE (the unedited
    // distribution would give 150 000); the truncated normal's mean is its closed form
    // (μ + σ(φ(α) − φ(β))/Z) at μ = 2.0, SD ≤ 0.75, SE ≤ 0.0053, tolerance 0.03 (> 5 SE).
    [Test]
    public void EditedPointValues_MoveTheDistributions_AndTheTornadoRangesBracketTheNewBase()
    {
        var scenario = EditedDefault(("cost_family_team,150000,", "cost_family_team,100000,"), ("ips_or_work,2.79,", "ips_or_work,2.0,"));
        var model = scenario.BuildModel();
        var spec = scenario.ToPsaSpecification(model);
        var cost = model.Parameter("cost_family_team");
        var or = model.Parameter("ips_or_work");
        Assert.That(model.BaseParameters[cost], Is.EqualTo(100_000));
        Assert.That(spec.DistributionOf(cost)!.Mean, Is.EqualTo(100_000).Within(1e-6));
        Assert.That(spec.DistributionOf(or), Is.TypeOf<TruncatedNormalDistribution>());
        Assert.That(((TruncatedNormalDistribution)spec.DistributionOf(or)!).Mu, Is.EqualTo(2.0));
        var draws = spec.DrawMany(2026, 20_000);
        Assert.That(draws.Average(d => d[cost]), Is.EqualTo(100_000).Within(1_000));
        Assert.That(draws.Average(d => d[or]), Is.EqualTo(new TruncatedNormalDistribution(2.0, 0.75, 1, 4).Mean).Within(0.03));

        var ranges = spec.Ranges().ToDictionary(r => r.Parameter.Name);
        Assert.That(ranges["ips_or_work"].Low, Is.LessThan(2.0).And.GreaterThanOrEqualTo(1.0));
        Assert.That(ranges["ips_or_work"].High, Is.GreaterThan(2.0).And.LessThan(3.6), "97.5 % of truncnormal(2.0, 0.75) on [1, 4] is about 3.42, not the old 3.86");
        Assert.That(ranges["cost_family_team"].Low, Is.LessThan(100_000));
        Assert.That(ranges["cost_family_team"].High, Is.EqualTo(new GammaDistribution(16, 6250).InverseCumulativeDistribution(0.975)).Within(1e-6), "gamma with mean 100 000 and CV 0.25 (the unedited column's 97.5 % point was 231 939)");
        foreach (var r in ranges.Values)
        {
            Assert.That(model.BaseParameters[r.Parameter], Is.InRange(r.Low, r.High), $"the tornado range of {r.Parameter.Name} brackets its point value");
        }

        var comparator = model.Strategies.Single(x => x.Name == scenario.Settings.Comparator);
        var team = model.Strategies.First(x => x.Name != comparator.Name);
        var tornado = Sensitivity.OneWayNpv(model, team, comparator, Perspective.PublicSector, ranges.Values);
        Assert.That(tornado.BaseResult, Is.EqualTo(ScenarioRunner.Run(scenario).Appraisal(team.Name, "public").NetPresentValue).Within(1e-6), "the tornado's base is the point run");
    }

    // The PSA run itself: 400 draws of the edited default; the drawn cost_family_team has SE
    // 25 000/√400 = 1 250 around 100 000, tolerance 5 000 (4 SE; the unedited column gave 152 599).
    [Test]
    public void EditedPointValue_RunProbabilistic_DrawsAroundTheEditedValue()
    {
        var scenario = EditedDefault(("cost_family_team,150000,", "cost_family_team,100000,"));
        var psa = ScenarioRunner.RunProbabilistic(scenario, 400, 7);
        var drawn = psa.ParameterMoments(psa.Specification.Model.Parameter("cost_family_team"));
        Assert.That(drawn.Count, Is.EqualTo(400));
        Assert.That(drawn.Mean, Is.EqualTo(100_000).Within(5_000));
        Assert.That(drawn.StandardDeviation, Is.EqualTo(25_000).Within(5_000), "CV 0.25 around the edited value (SD of a sample SD ≈ 25 000/√800 ≈ 900, tolerance > 5 of those)");
    }

    [Test]
    public void EditedPointValue_UnderAnExplicitDistribution_FailsValidationNamingBothValues()
    {
        // The distribution written out explicitly (gamma shape 16, scale 9375: mean 150 000) while the value is edited.
        var e = Assert.Throws<ScenarioFormatException>(() => EditedDefault(("cost_family_team,150000,gamma,cv 0.25,", "cost_family_team,100000,gamma,16 9375,")))!;
        var lines = File.ReadAllLines(Path.Combine(_dir, "parameters.csv"));
        var line = Array.FindIndex(lines, l => l.StartsWith("cost_family_team,", StringComparison.Ordinal)) + 1;
        var p = e.Problems.Single();
        Assert.That((p.File, p.Line, p.Column, p.Field), Is.EqualTo(("parameters.csv", (int?)line, (int?)4, "arguments")));
        Assert.That(p.Message, Does.Contain("'cost_family_team'").And.Contain("mean is 150000").And.Contain("value is 100000").And.Contain("difference of -50000"));
        Assert.That(p.Message, Does.Contain("'cv 0.25'"), "it suggests the spread form with the same spread");
        Assert.That(e.Message, Does.Contain($"parameters.csv:{line}:4"));
    }

    [Test]
    public void DirichletGroup_PointValuesNotTheMeans_FailsValidationWithTheLine()
    {
        var s = SmallScenario.Create();
        s = s with
        {
            Parameters =
            [
                .. s.Parameters,
                new() { Name = "a", Value = 0.2, Distribution = new DistributionSpec("dirichlet", [2, 3, 5]) },
                new() { Name = "b", Value = 0.4, Distribution = new DistributionSpec("dirichlet", [2, 3, 5]) },
                new() { Name = "c", Value = 0.4, Distribution = new DistributionSpec("dirichlet", [2, 3, 5]) },
            ],
        };
        ScenarioWriter.Write(s, _dir);
        var e = Assert.Throws<ScenarioFormatException>(() => ScenarioReader.Read(_dir))!;
        var p = e.Problems.Single();
        Assert.That((p.File, p.Line), Is.EqualTo(("parameters.csv", (int?)5)));
        Assert.That(p.Message, Does.Contain("'b'").And.Contain("0.3").And.Contain("'c'").And.Not.Contain("'a')"));
        Assert.That(() => s.ToPsaSpecification(s.BuildModel()), Throws.TypeOf<ScenarioFormatException>());
    }

    [Test]
    public void SpreadForm_RoundTripsThroughTheFiles()
    {
        var s = SmallScenario.Create();
        s = s with { Parameters = [.. s.Parameters.Where(p => p.Name != "ips_rr"), new() { Name = "ips_rr", Value = 1.5, Distribution = DistributionSpec.Spread("lognormal", ("sigma", 0.1)) }, new() { Name = "c1", Value = 200, Distribution = DistributionSpec.Spread("gamma", ("cv", 0.3)) }] };
        ScenarioWriter.Write(s, _dir);
        Assert.That(File.ReadAllText(Path.Combine(_dir, "parameters.csv")), Does.Contain("ips_rr,1.5,lognormal,sigma 0.1,").And.Contain("c1,200,gamma,cv 0.3,"));
        var read = ScenarioReader.Read(_dir);
        Assert.That(read, Is.EqualTo(s));
        var spec = read.ToPsaSpecification(read.BuildModel());
        Assert.That(spec.DistributionOf(read.BuildModel().Parameter("ips_rr"))!.InverseCumulativeDistribution(0.5), Is.EqualTo(1.5).Within(1e-12), "the median of a spread-form lognormal is the point value");
    }

    [Test]
    public void RunProbabilistic_SmallScenario_IsReproducibleBySeedAndThreadCount()
    {
        var s = SmallScenario.Create();
        var a = ScenarioRunner.RunProbabilistic(s, 40, 11, new ScenarioRunOptions { Threads = 1, KeepDraws = true });
        var b = ScenarioRunner.RunProbabilistic(s, 40, 11, new ScenarioRunOptions { Threads = 2, KeepDraws = true });
        var c = ScenarioRunner.RunProbabilistic(s, 40, 12, new ScenarioRunOptions { KeepDraws = true });
        var ips = a.Strategies.Single(x => x.Name == "IPS for NEET");
        var society = a.Perspectives.Single(p => p.Name == Perspective.Society(0.2).Name);
        Assert.That(a.Strategies.Select(x => x.Name), Is.EqualTo(new[] { "Business as usual", "IPS for NEET" }));
        Assert.That(a.Strategies[a.ComparatorIndex].Name, Is.EqualTo("Business as usual"));
        Assert.That(a.Perspectives, Has.Count.EqualTo(3), "municipality, public, society from the settings");
        Assert.That(a.Values(PsaFigure.NetPresentValue, ips, society).ToArray(), Is.EqualTo(b.Values(PsaFigure.NetPresentValue, ips, society).ToArray()));
        Assert.That(a.Values(PsaFigure.NetPresentValue, ips, society).ToArray(), Is.Not.EqualTo(c.Values(PsaFigure.NetPresentValue, ips, society).ToArray()));
        Assert.That(a.ParameterDraws(a.Specification.Model.Parameter("scale")).ToArray(), Is.All.EqualTo(1.0), "a parameter without a distribution keeps its base value");
        Assert.That(a.ParameterDraws(a.Specification.Model.Parameter("p_neet_work")).ToArray().Distinct().Count(), Is.EqualTo(40));
    }

    [Test]
    public void RunProbabilistic_BadArguments_Throw()
    {
        var s = SmallScenario.Create();
        Assert.That(() => ScenarioRunner.RunProbabilistic(s, 0, 1), Throws.InstanceOf<ArgumentOutOfRangeException>());
        Assert.That(() => ScenarioRunner.RunProbabilistic(s, 5, 1, new ScenarioRunOptions { Perspectives = ["nobody"] }), Throws.ArgumentException.With.Message.Contains("nobody"));
    }
}
