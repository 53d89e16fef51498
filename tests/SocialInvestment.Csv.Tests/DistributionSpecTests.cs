using SocialInvestment.Scenarios;

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
}
