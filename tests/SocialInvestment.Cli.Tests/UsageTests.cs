using SocialInvestment.Cli.Tests.TestSupport;

namespace SocialInvestment.Cli.Tests;

public class UsageTests
{
    [Test]
    public void Help_ListsCommands_ExitsZero()
    {
        var r = Socinv.Run("--help");
        Assert.That(r.ExitCode, Is.EqualTo(ExitCodes.Ok));
        Assert.That(r.Out, Does.Contain("run").And.Contain("validate").And.Contain("init").And.Contain("report"));
    }

    [Test]
    public void NoCommand_IsUsageError()
    {
        var r = Socinv.Run();
        Assert.That(r.ExitCode, Is.EqualTo(ExitCodes.Usage));
        Assert.That(r.Err, Does.Contain("socinv --help"));
    }

    [TestCase("run", "--bogus")]
    [TestCase("validate", "--nope", "x")]
    [TestCase("frobnicate")]
    [TestCase("run", "--horizon", "0")]
    [TestCase("run", "--horizon", "ten")]
    [TestCase("run", "--discount", "martian")]
    [TestCase("run", "--culture", "xx-notaculture")]
    [TestCase("validate")]
    [TestCase("init")]
    public void BadCommandLine_IsUsageError_WithOneReadableMessage(params string[] args)
    {
        var r = Socinv.Run(args);
        Assert.That(r.ExitCode, Is.EqualTo(ExitCodes.Usage));
        Assert.That(r.Err, Does.StartWith("socinv: "));
        Assert.That(r.Err, Does.Not.Contain("   at "), "no stack trace without --verbose");
        Assert.That(r.Out, Is.Empty);
    }

    [Test]
    public void DiscountError_HidesParameterName()
    {
        var r = Socinv.Run("run", "--discount", "martian");
        Assert.That(r.Err, Does.Contain("Unknown discount preset 'martian'").And.Not.Contain("(Parameter"));
    }

    [Test]
    public void Validate_MissingFolder_IsInvalidInput()
    {
        var r = Socinv.Run("validate", Path.Combine(Path.GetTempPath(), "socinv-does-not-exist-" + Guid.NewGuid().ToString("N")));
        Assert.That(r.ExitCode, Is.EqualTo(ExitCodes.InvalidInput));
        Assert.That(r.Err, Does.Contain("no scenario folder"));
    }
}
