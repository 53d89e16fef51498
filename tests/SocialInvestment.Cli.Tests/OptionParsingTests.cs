using SocialInvestment.Cli.Tests.TestSupport;

namespace SocialInvestment.Cli.Tests;

/// <summary>Every option of run and report is parsed by socinv: a malformed value is a usage error (exit 2) with a message that names the option and the value, before anything runs.</summary>
public class OptionParsingTests : TempFolderTest
{
    private static void AssertUsageError(Socinv.Outcome r, params string[] expected)
    {
        Assert.That(r.ExitCode, Is.EqualTo(ExitCodes.Usage), r.Err);
        Assert.That(r.Err, Does.StartWith("socinv: "));
        foreach (var e in expected)
        {
            Assert.That(r.Err, Does.Contain(e));
        }

        Assert.That(r.Err, Does.Not.Contain("   at ").And.Not.Contain("System.").And.Not.Contain("Exception").And.Not.Contain("`1"), "no stack trace, no .NET type names");
        Assert.That(r.Out, Is.Empty, "nothing runs");
    }

    [TestCase("abc", "'abc' is not one")]
    [TestCase("1.5", "'1.5' is not one (no decimals")]
    [TestCase("1,5", "'1,5' is not one (no decimals")]
    [TestCase("1e3", "write the digits: 1000 rather than 1e3")]
    [TestCase("99999999999", "got 99999999999")]
    [TestCase("1000001", "got 1000001")]
    [TestCase("-1", "got -1")]
    [TestCase("", "'' is not one")]
    public void Draws_Malformed_IsUsageErrorNamingTheOptionAndRange(string value, string detail)
        => AssertUsageError(Socinv.Run("run", "--out", Path.Combine(Dir, "o"), "--draws", value), "--draws", "0 to 1,000,000", detail);

    [TestCase("x", "'x' is not one")]
    [TestCase("1.5", "'1.5' is not one")]
    [TestCase("-3", "got -3")]
    [TestCase("99999999999999999999", "got 99999999999999999999")]
    public void Seed_Malformed_IsUsageErrorWithoutTypeName(string value, string detail)
        => AssertUsageError(Socinv.Run("run", "--out", Path.Combine(Dir, "o"), "--seed", value), "--seed", "0 to 9,223,372,036,854,775,807", detail);

    [TestCase("-1", "got -1")]
    [TestCase("4097", "got 4097")]
    [TestCase("all", "'all' is not one")]
    public void Threads_Malformed_IsUsageErrorNamingTheOptionAndRange(string value, string detail)
        => AssertUsageError(Socinv.Run("run", "--out", Path.Combine(Dir, "o"), "--threads", value), "--threads", "0 to 4,096", detail);

    [TestCase("0", "got 0")]
    [TestCase("201", "got 201")]
    [TestCase("ten", "'ten' is not one")]
    [TestCase("2147483648", "got 2147483648")]
    public void Horizon_Malformed_IsUsageError(string value, string detail)
        => AssertUsageError(Socinv.Run("report", "--out", Path.Combine(Dir, "o"), "--horizon", value), "--horizon", "1 to 200", detail);

    [TestCase("")]
    [TestCase("   ")]
    public void Out_Empty_IsUsageErrorBeforeTheRun(string value)
        => AssertUsageError(Socinv.Run("run", "--out", value), "--out needs a folder name");

    [Test]
    public void MaxErrors_Malformed_IsUsageError()
        => AssertUsageError(Socinv.Run("validate", Dir, "--max-errors", "lots"), "--max-errors", "'lots' is not one");

    [Test]
    public void SeveralBadValues_AreAllReported()
        => AssertUsageError(Socinv.Run("run", "--draws", "abc", "--seed", "1.5", "--horizon", "0"), "--draws", "--seed", "--horizon");

    [Test]
    public void From_WithRunShapingOptions_IsUsageError()
        => AssertUsageError(Socinv.Run("report", "--from", Dir, "--draws", "10", "--seed", "3"), "--seed, --draws cannot be combined with --from");

    [Test]
    public void From_WithScenario_IsUsageError()
        => AssertUsageError(Socinv.Run("report", Dir, "--from", Dir), "either a scenario folder or --from");

    [Test]
    public void GoodValues_AreAccepted()
    {
        Assert.That(CliOptions.ParseWholeNumber("1000000", "--draws", 0, 1_000_000), Is.EqualTo(((long?)1_000_000, (string?)null)));
        Assert.That(CliOptions.ParseWholeNumber("+7", "--seed", 0, long.MaxValue), Is.EqualTo(((long?)7, (string?)null)));
        Assert.That(CliOptions.ParseWholeNumber("9223372036854775807", "--seed", 0, long.MaxValue).Value, Is.EqualTo(long.MaxValue));
        Assert.That(CliOptions.ParseWholeNumber("--1", "--seed", 0, 10).Error, Does.Contain("is not one"));
    }

    [Test]
    public void OutIsAFile_IsIoErrorBeforeTheRun()
    {
        var file = Path.Combine(Dir, "taken");
        File.WriteAllText(file, "x");
        var r = Socinv.Run("run", "--out", file, "--horizon", "5");
        Assert.That(r.ExitCode, Is.EqualTo(ExitCodes.IoError), r.Err);
        Assert.That(r.Err, Does.StartWith("socinv: I/O error").And.Contain("is a file"));
        Assert.That(r.Out, Is.Empty, "checked before the summary is printed");
        Assert.That(File.ReadAllText(file), Is.EqualTo("x"));
    }
}
