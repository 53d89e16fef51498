namespace SocialInvestment.Cli.Tests.TestSupport;

/// <summary>Runs socinv in-process and captures its output.</summary>
internal static class Socinv
{
    public sealed record Outcome(int ExitCode, string Out, string Err);

    public static Outcome Run(params string[] args) => Run(null, args);

    /// <summary>Runs with the given surroundings (for example a <see cref="CliEnvironment.OnWriting"/> hook).</summary>
    public static Outcome Run(CliEnvironment? environment, params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = CliApp.Run(args, output, error, environment);
        return new Outcome(code, output.ToString(), error.ToString());
    }

    /// <summary>
    /// Runs a command twice, in English into <paramref name="en"/> and with <c>--language nb</c> into
    /// <paramref name="nb"/> (the same other arguments), asserts that both succeed and returns the Norwegian report.md.
    /// </summary>
    public static (Outcome English, Outcome Norwegian, string NorwegianReport) RunInBothLanguages(string en, string nb, string command, params string[] args)
    {
        var english = Run([command, .. args, "--out", en]);
        var norwegian = Run([command, .. args, "--language", "nb", "--out", nb]);
        Assert.That(english.ExitCode, Is.EqualTo(ExitCodes.Ok), english.Err);
        Assert.That(norwegian.ExitCode, Is.EqualTo(ExitCodes.Ok), norwegian.Err);
        return (english, norwegian, File.ReadAllText(Path.Combine(nb, "report.md")));
    }

    /// <summary>Asserts what the language leaves alone: the named CSV files are the same bytes in both folders, and the console is the English run's (folder names aside).</summary>
    public static void AssertLanguageNeutral(string en, string nb, Outcome english, Outcome norwegian, params string[] csvFiles)
    {
        foreach (var csv in csvFiles)
        {
            Assert.That(File.ReadAllBytes(Path.Combine(nb, csv)), Is.EqualTo(File.ReadAllBytes(Path.Combine(en, csv))), $"{csv}: CSV files do not follow the language");
        }

        Assert.That(norwegian.Out.Replace(nb, en, StringComparison.Ordinal), Is.EqualTo(english.Out), "the console stays English");
    }
}

/// <summary>A fresh temporary folder per test, deleted afterwards.</summary>
public abstract class TempFolderTest
{
    protected string Dir { get; private set; } = null!;

    [SetUp]
    public void CreateFolder()
    {
        Dir = Path.Combine(Path.GetTempPath(), "socinv-cli-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Dir);
    }

    [TearDown]
    public void DeleteFolder()
    {
        if (Directory.Exists(Dir))
        {
            Directory.Delete(Dir, recursive: true);
        }
    }
}
