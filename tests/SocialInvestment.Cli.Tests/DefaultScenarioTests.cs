using SocialInvestment.Cli.Tests.TestSupport;

namespace SocialInvestment.Cli.Tests;

/// <summary>The embedded Norwegian default through the tool: init, validate, run.</summary>
public class DefaultScenarioTests : TempFolderTest
{
    [Test]
    public void Init_ThenValidate_ExitsZero()
    {
        var dir = Path.Combine(Dir, "norway");
        var init = Socinv.Run("init", dir);
        Assert.That(init.ExitCode, Is.EqualTo(ExitCodes.Ok), init.Err);
        Assert.That(Directory.GetFiles(dir, "*.csv"), Is.Not.Empty);
        var validate = Socinv.Run("validate", dir);
        Assert.That(validate.ExitCode, Is.EqualTo(ExitCodes.Ok), validate.Err);
    }

    [Test]
    public void Run_NoScenario_RunsTheDefault()
    {
        var outDir = Path.Combine(Dir, "out");
        var r = Socinv.Run("run", "--out", outDir);
        Assert.That(r.ExitCode, Is.EqualTo(ExitCodes.Ok), r.Err);
        Assert.That(r.Out, Does.Contain("[embedded default]"));
        Assert.That(r.Out, Does.Contain("Who invests, who saves"));
        Assert.That(File.Exists(Path.Combine(outDir, "report.html")));
    }

    [Test]
    public void Run_WithDraws_PrintsTheChanceThatBenefitsExceedCostsReproducibly()
    {
        var first = Socinv.Run("run", "--out", Path.Combine(Dir, "a"), "--draws", "40", "--seed", "3", "--horizon", "30");
        var second = Socinv.Run("run", "--out", Path.Combine(Dir, "b"), "--draws", "40", "--seed", "3", "--horizon", "30");
        Assert.That(first.ExitCode, Is.EqualTo(ExitCodes.Ok), first.Err);
        Assert.That(first.Out, Does.Contain("probabilistic sensitivity analysis, 40 draws").And.Contain("P(NPV > 0)").And.Contain("seed 3"));
        var table = (string o) => o[o.IndexOf("Uncertainty:", StringComparison.Ordinal)..o.IndexOf("Wrote to", StringComparison.Ordinal)];
        Assert.That(table(second.Out), Is.EqualTo(table(first.Out)), "the same seed gives the same draws");
    }

    [Test]
    public void Run_WithDraws_GivesTheSamePsaFileOnOneAndTwoThreads()
    {
        var one = Socinv.Run("run", "--out", Path.Combine(Dir, "t1"), "--draws", "24", "--seed", "8", "--horizon", "20", "--threads", "1");
        var two = Socinv.Run("run", "--out", Path.Combine(Dir, "t2"), "--draws", "24", "--seed", "8", "--horizon", "20", "--threads", "2");
        Assert.That(one.ExitCode, Is.EqualTo(ExitCodes.Ok), one.Err);
        Assert.That(two.ExitCode, Is.EqualTo(ExitCodes.Ok), two.Err);
        Assert.That(File.ReadAllBytes(Path.Combine(Dir, "t2", "psa.csv")), Is.EqualTo(File.ReadAllBytes(Path.Combine(Dir, "t1", "psa.csv"))), "every draw identical");
    }

    [Test]
    public void Run_NegativeDraws_IsAUsageError()
        => Assert.That(Socinv.Run("run", "--out", Path.Combine(Dir, "c"), "--draws", "-1").ExitCode, Is.EqualTo(ExitCodes.Usage));
}
