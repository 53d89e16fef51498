using System.Text;
using SocialInvestment.Cli.Tests.TestSupport;
using SocialInvestment.Csv.Tests.TestSupport;
using SocialInvestment.Engine;
using SocialInvestment.Scenarios;

namespace SocialInvestment.Cli.Tests;

/// <summary>Output volume is bounded: the first problems of a bad scenario and a count of the rest; progress throttled by time.</summary>
public class OutputVolumeTests : TempFolderTest
{
    private const int BadRows = 300;

    /// <summary>The small scenario with <paramref name="badRows"/> extra population rows, each with an unknown state (one problem per row).</summary>
    private string ScenarioWithManyProblems(int badRows = BadRows)
    {
        var dir = Path.Combine(Dir, "bad");
        ScenarioWriter.Write(SmallScenario.Create(), dir);
        var population = Path.Combine(dir, "population.csv");
        var lines = File.ReadAllLines(population, Encoding.UTF8).ToList();
        var row = lines[1].Split(',');
        for (var i = 0; i < badRows; i++)
        {
            row[0] = "nowhere" + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
            lines.Add(string.Join(',', row));
        }

        File.WriteAllLines(population, lines, new UTF8Encoding(false));
        return dir;
    }

    private static string[] ProblemLines(string err) => err.Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.StartsWith("  ", StringComparison.Ordinal) && !l.StartsWith("  …", StringComparison.Ordinal)).ToArray();

    [Test]
    public void Validate_ManyProblems_PrintsTheFirst50AndCountsTheRest()
    {
        var r = Socinv.Run("validate", ScenarioWithManyProblems());
        Assert.That(r.ExitCode, Is.EqualTo(ExitCodes.InvalidInput));
        var total = int.Parse(System.Text.RegularExpressions.Regex.Match(r.Err, @"has (\d+) problems").Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.That(total, Is.GreaterThanOrEqualTo(BadRows), r.Err[..Math.Min(2000, r.Err.Length)]);
        Assert.That(ProblemLines(r.Err), Has.Length.EqualTo(CliApp.DefaultMaxErrors));
        Assert.That(r.Err, Does.Contain($"… and {total - CliApp.DefaultMaxErrors} more (--max-errors 0 or --verbose prints all)."));
    }

    [Test]
    public void Validate_MoreProblemsThanTheReaderKeeps_CountsThemAll()
    {
        // The reader keeps the first ScenarioLimits.MaxProblems (1 000) and counts the rest; the CLI's
        // count must include those it never received.
        var r = Socinv.Run("validate", ScenarioWithManyProblems(1_500), "--max-errors", "0");
        Assert.That(r.ExitCode, Is.EqualTo(ExitCodes.InvalidInput));
        var total = int.Parse(System.Text.RegularExpressions.Regex.Match(r.Err, @"has ([\d,]+) problems").Groups[1].Value.Replace(",", string.Empty, StringComparison.Ordinal), System.Globalization.CultureInfo.InvariantCulture);
        Assert.That(total, Is.GreaterThanOrEqualTo(1_500), r.Err[..Math.Min(500, r.Err.Length)]);
        Assert.That(ProblemLines(r.Err), Has.Length.EqualTo(ScenarioLimits.Default.MaxProblems));
        Assert.That(r.Err, Does.Contain(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"… and {total - ScenarioLimits.Default.MaxProblems:N0} more (the reader keeps the first ScenarioLimits.MaxProblems).")));
    }

    [TestCase("--max-errors", "0")]
    [TestCase("--verbose")]
    public void Validate_ManyProblems_AllOnRequest(params string[] extra)
    {
        var r = Socinv.Run(["validate", ScenarioWithManyProblems(), .. extra]);
        Assert.That(r.ExitCode, Is.EqualTo(ExitCodes.InvalidInput));
        Assert.That(ProblemLines(r.Err), Has.Length.GreaterThanOrEqualTo(BadRows));
        Assert.That(r.Err, Does.Not.Contain("more (--max-errors"));
    }

    [Test]
    public void Validate_MaxErrors5_PrintsFive()
    {
        var r = Socinv.Run("validate", ScenarioWithManyProblems(), "--max-errors", "5");
        Assert.That(ProblemLines(r.Err), Has.Length.EqualTo(5));
        Assert.That(r.Err, Does.Contain(" more (--max-errors"));
    }

    [Test]
    public void Run_ManyProblems_IsCappedToo()
    {
        var r = Socinv.Run("run", ScenarioWithManyProblems(), "--out", Path.Combine(Dir, "out"));
        Assert.That(r.ExitCode, Is.EqualTo(ExitCodes.InvalidInput));
        Assert.That(ProblemLines(r.Err), Has.Length.EqualTo(CliApp.DefaultMaxErrors));
        Assert.That(Directory.Exists(Path.Combine(Dir, "out")), Is.False, "nothing written for an invalid scenario");
    }

    /// <summary>A fake clock: each call to <see cref="Tick"/> advances by a fixed step.</summary>
    private sealed class FakeClock(TimeSpan step)
    {
        public TimeSpan Now { get; private set; }

        public void Tick() => Now += step;
    }

    [Test]
    public void Progress_Redirected_AtMostOneLinePerSecond()
    {
        // 10^6 PSA draws reported every 16 draws (62 500 reports) over 62.5 s of fake time.
        using var err = new StringWriter();
        var clock = new FakeClock(TimeSpan.FromMilliseconds(1));
        var progress = new ProgressDisplay(err, terminal: false, verbose: false, clock: () => clock.Now);
        const int total = 1_000_000;
        for (var done = 16; done <= total; done += 16)
        {
            clock.Tick();
            progress.Report(new RunProgress(done, total, "PSA draws"));
        }

        var lines = err.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        // Silent for the first 0.4 s, then at most one line per second over the remaining 62.1 s, plus the completing line.
        Assert.That(lines, Has.Length.InRange(60, 64));
        Assert.That(lines[^1], Does.EndWith("PSA draws (1,000,000/1,000,000)"));
    }

    [Test]
    public void Progress_Terminal_RedrawsAtMostTenTimesASecond()
    {
        using var err = new StringWriter();
        var clock = new FakeClock(TimeSpan.FromMilliseconds(1));
        var progress = new ProgressDisplay(err, terminal: true, verbose: true, clock: () => clock.Now);
        for (var done = 1; done <= 10_000; done++)
        {
            clock.Tick();
            progress.Report(new RunProgress(done, 10_000, "draws"));
        }

        progress.Finish();
        var redraws = err.ToString().Split('\r').Length - 1;
        Assert.That(redraws, Is.InRange(100, 102), "10 s at ≤ 10 redraws per second, plus the completing one");
    }

    [Test]
    public void Progress_NewStages_AreAlwaysShown()
    {
        using var err = new StringWriter();
        var clock = new FakeClock(TimeSpan.FromMilliseconds(1));
        var progress = new ProgressDisplay(err, terminal: false, verbose: true, clock: () => clock.Now);
        progress.Stage("Reading");
        progress.Report(new RunProgress(1, 2, "a"));
        progress.Stage("Writing");
        progress.Report(new RunProgress(1, 2, "b"));
        Assert.That(err.ToString(), Does.Contain("Reading").And.Contain("a (1/2)").And.Contain("Writing").And.Contain("b (1/2)"));
    }
}
