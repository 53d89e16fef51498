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
}
