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
