using SocialInvestment.Scenarios;
using SocialInvestment.Uncertainty;

namespace SocialInvestment.Csv.Tests;

public sealed class DistributionSpecTests
{
    [TestCase("beta", new[] { 2.0, 5.0 }, 0)]
    [TestCase("beta", new[] { 2.0 }, 1)]
    [TestCase("beta", new[] { -1.0, 5.0 }, 1)]
    [TestCase("triangular", new[] { 0.0, 2.0, 1.0 }, 1)]
    [TestCase("dirichlet", new[] { 1.0, 2.0, 3.0 }, 0)]
    [TestCase("fixed", new double[0], 0)]
    [TestCase("weibull", new[] { 1.0, 2.0 }, 1)]
    public void Validate_ArityAndRanges_ReportsExpectedProblemCount(string family, double[] args, int problems)
    {
        Assert.That(new DistributionSpec(family, args).Validate(), Has.Count.EqualTo(problems));
    }

    [Test]
    public void Equals_SameFamilyAndArguments_IsTrue()
    {
        Assert.That(new DistributionSpec("beta", [2, 5]), Is.EqualTo(new DistributionSpec("Beta", [2.0, 5.0])));
    }

    // Spread forms are centred on the point value; each expected distribution is the closed form
    // listed in DistributionSpec's documentation.
    [Test]
    public void SpreadForms_AreCentredOnThePointValue()
    {
        var gamma = (GammaDistribution)DistributionSpec.Spread("gamma", ("cv", 0.25)).ToDistribution(150_000);
        Assert.That((gamma.Shape, gamma.Scale), Is.EqualTo((16.0, 9375.0)));
        var gammaSd = (GammaDistribution)DistributionSpec.Spread("gamma", ("sd", 37_500)).ToDistribution(100_000);
        Assert.That(gammaSd.Mean, Is.EqualTo(100_000).Within(1e-9));
        Assert.That(gammaSd.Variance, Is.EqualTo(37_500.0 * 37_500).Within(1e-3));
        var beta = (BetaDistribution)DistributionSpec.Spread("beta", ("n", 20)).ToDistribution(0.75);
        Assert.That((beta.Alpha, beta.Beta), Is.EqualTo((15.0, 5.0)));
        var betaSd = DistributionSpec.Spread("beta", ("sd", 0.1)).ToDistribution(0.3);
        Assert.That(betaSd.Mean, Is.EqualTo(0.3).Within(1e-12));
        Assert.That(Math.Sqrt(betaSd.Variance), Is.EqualTo(0.1).Within(1e-12));
        var logn = (LogNormalDistribution)DistributionSpec.Spread("lognormal", ("sigma", 0.15)).ToDistribution(0.75);
        Assert.That((logn.Mu, logn.Sigma), Is.EqualTo((Math.Log(0.75), 0.15)));
        var normal = DistributionSpec.Spread("normal", ("cv", 0.1)).ToDistribution(-20);
        Assert.That((normal.Mean, normal.Variance), Is.EqualTo((-20.0, 4.0)).Using<(double, double)>((x, y) => Math.Abs(x.Item1 - y.Item1) < 1e-12 && Math.Abs(x.Item2 - y.Item2) < 1e-12));
        var tn = (TruncatedNormalDistribution)DistributionSpec.Spread("truncnormal", ("sd", 0.75), ("lower", 1), ("upper", 4)).ToDistribution(2.0);
        Assert.That((tn.Mu, tn.Sigma, tn.Lower, tn.Upper), Is.EqualTo((2.0, 0.75, 1.0, 4.0)));
        var u = (UniformDistribution)DistributionSpec.Spread("uniform", ("relative", 0.2)).ToDistribution(50);
        Assert.That((u.Lower, u.Upper), Is.EqualTo((40.0, 60.0)));
        var t = (TriangularDistribution)DistributionSpec.Spread("triangular", ("lower", 1), ("upper", 5)).ToDistribution(2);
        Assert.That((t.Lower, t.Mode, t.Upper), Is.EqualTo((1.0, 2.0, 5.0)));
    }

    [TestCase("gamma", "cv 0.25", 0)]
    [TestCase("gamma", "CV 0.25", 0)]
    [TestCase("gamma", "cv 0.25 sd 3", 1)]
    [TestCase("gamma", "sigma 0.2", 2)]
    [TestCase("gamma", "cv -1", 1)]
    [TestCase("truncnormal", "sd 0.1 lower 0.8", 1)]
    [TestCase("truncnormal", "sd 0.1 lower 1.2 upper 0.8", 1)]
    [TestCase("triangular", "lower 0 upper 1 lower 0", 1)]
    [TestCase("fixed", "sd 1", 1)]
    [TestCase("dirichlet", "n 10", 1)]
    public void SpreadForm_Validate_ReportsExpectedProblemCount(string family, string arguments, int problems)
    {
        var parse = new List<string>();
        var spec = DistributionSpec.Parse(family, arguments, parse);
        Assert.That(parse, Is.Empty);
        Assert.That(spec.IsSpreadForm);
        Assert.That(spec.Validate(), Has.Count.EqualTo(problems), string.Join(" | ", spec.Validate()));
    }

    [TestCase("cv", "cv 0.25")]
    [TestCase("cv 0.25 sd", "no number after it")]
    [TestCase("2 x", "'x' is not a number")]
    [TestCase("cv abc", "'abc' is not a number")]
    public void Parse_BadTokens_AreReported(string arguments, string message)
    {
        var parse = new List<string>();
        DistributionSpec.Parse("gamma", arguments, parse);
        if (message == "cv 0.25")
        {
            Assert.That(parse, Has.Some.Contains("no number after it"));
            return;
        }

        Assert.That(parse, Has.Some.Contains(message), string.Join(" | ", parse));
    }

    [TestCase("beta", "n 20", 1.2, "strictly between 0 and 1")]
    [TestCase("beta", "sd 0.5", 0.5, "too large")]
    [TestCase("gamma", "cv 0.25", -5, "positive value")]
    [TestCase("lognormal", "sigma 0.2", 0, "positive value")]
    [TestCase("truncnormal", "sd 0.75 lower 1 upper 4", 5, "lower ≤ value ≤ upper")]
    [TestCase("triangular", "lower 1 upper 4", 0.5, "lower ≤ value ≤ upper")]
    [TestCase("normal", "cv 0.1", 0, "non-zero value")]
    public void SpreadForm_ValueItCannotBeCentredOn_IsAProblem(string family, string arguments, double value, string message)
    {
        var spec = DistributionSpec.Parse(family, arguments, []);
        Assert.That(spec.ValidateAgainst(value), Has.Count.EqualTo(1).And.Some.Contains(message));
        Assert.That(() => spec.ToDistribution(value), Throws.InvalidOperationException.With.Message.Contains(message));
    }

    // Explicit forms: the centre is the mean (beta, gamma, normal, uniform), the median e^μ
    // (lognormal), the location (truncnormal), the mode (triangular); tolerance 0.1 %.
    [TestCase("beta", new[] { 16.0, 4.0 }, 0.8)]
    [TestCase("gamma", new[] { 16.0, 9375.0 }, 150_000.0)]
    [TestCase("lognormal", new[] { -0.2877, 0.15 }, 0.75)]
    [TestCase("normal", new[] { 0.0, 1.0 }, 0.0)]
    [TestCase("truncnormal", new[] { 2.79, 0.75, 1, 4 }, 2.79)]
    [TestCase("uniform", new[] { 1.0, 3.0 }, 2.0)]
    [TestCase("triangular", new[] { 0.0, 1.0, 5.0 }, 1.0)]
    public void ExplicitForm_CentredOnTheValue_IsAccepted_AndOffByMoreThanTheTolerance_IsNot(string family, double[] args, double value)
    {
        var spec = new DistributionSpec(family, args);
        Assert.That(spec.ValidateAgainst(value), Is.Empty);
        var off = value == 0 ? 0.01 : value * 1.002;
        var problems = spec.ValidateAgainst(off);
        Assert.That(problems, Has.Count.EqualTo(1));
        Assert.That(problems[0], Does.Contain("not centred on the point value"));
    }

    [Test]
    public void ExplicitForm_Mismatch_NamesBothValuesTheDifferenceAndTheSpreadForm()
    {
        var problem = new DistributionSpec("truncnormal", [2.79, 0.75, 1, 4]).ValidateAgainst(2.0).Single();
        Assert.That(problem, Does.Contain("location (first argument) is 2.79").And.Contain("value is 2,").And.Contain("difference of -0.79"));
        Assert.That(problem, Does.Contain("'sd 0.75 lower 1 upper 4'"));
        Assert.That(new DistributionSpec("beta", [16, 4]).ValidateAgainst(0.5).Single(), Does.Contain("'n 20'"));
        Assert.That(new DistributionSpec("fixed", []).ValidateAgainst(123), Is.Empty, "fixed has no centre of its own");
        Assert.That(new DistributionSpec("dirichlet", [1, 2]).ValidateAgainst(0.9), Is.Empty, "dirichlet groups are checked by the scenario");
    }

    [Test]
    public void SpreadForm_EqualityAndText()
    {
        var a = DistributionSpec.Spread("Gamma", ("CV", 0.25));
        Assert.That(a, Is.EqualTo(DistributionSpec.Parse("gamma", "cv 0.25", [])));
        Assert.That(a, Is.Not.EqualTo(new DistributionSpec("gamma", [0.25])));
        Assert.That(a.ToString(), Is.EqualTo("gamma cv 0.25"));
        Assert.That(a.Centre(), Is.Null);
        Assert.That(new DistributionSpec("lognormal", [0, 1]).Centre(), Is.EqualTo(1.0));
    }
}
