using SocialInvestment.Cli.Tests.TestSupport;
using SocialInvestment.Csv.Tests.TestSupport;
using SocialInvestment.Scenarios;

namespace SocialInvestment.Cli.Tests;

/// <summary>socinv report --from RUNDIR (or report RUNDIR): re-renders an earlier run from its stored scenario copy, settings, seed and draws.</summary>
public class ReportFromRunTests : TempFolderTest
{
    private string WriteSmallScenario()
    {
        var dir = Path.Combine(Dir, "small");
        ScenarioWriter.Write(SmallScenario.Create(), dir);
        return dir;
    }

    /// <summary>The Markdown report's Uncertainty section (to the next level-2 heading).</summary>
    private static string UncertaintySection(string dir)
    {
        var md = File.ReadAllText(Path.Combine(dir, "report.md"));
        var start = md.IndexOf("## Uncertainty", StringComparison.Ordinal);
        Assert.That(start, Is.GreaterThanOrEqualTo(0), "the report has an Uncertainty section");
        var end = md.IndexOf("\n## ", start + 3, StringComparison.Ordinal);
        return end < 0 ? md[start..] : md[start..end];
    }

    private string RunWithDraws(string outDir)
    {
        var scenario = WriteSmallScenario();
        var r = Socinv.Run("run", scenario, "--out", outDir, "--draws", "25", "--seed", "11", "--horizon", "25", "--perspective", "public", "society");
        Assert.That(r.ExitCode, Is.EqualTo(ExitCodes.Ok), r.Err);
        return scenario;
    }

    [Test]
    public void ReportFrom_AfterRunWithDraws_ReproducesTheUncertaintySection_InPlace()
    {
        var outDir = Path.Combine(Dir, "out");
        var scenario = RunWithDraws(outDir);
        var uncertainty = UncertaintySection(outDir);
        var results = File.ReadAllBytes(Path.Combine(outDir, "results.csv"));
        var psa = File.ReadAllBytes(Path.Combine(outDir, "psa.csv"));

        // The scenario folder is edited afterwards: the re-rendered report must still show the run, not the edit.
        Directory.Delete(scenario, recursive: true);

        var r = Socinv.Run("report", "--from", outDir);
        Assert.That(r.ExitCode, Is.EqualTo(ExitCodes.Ok), r.Err);
        Assert.That(r.Out, Does.Contain("Re-rendering the run in").And.Contain("25 draws").And.Contain("seed 11"));
        Assert.That(UncertaintySection(outDir), Is.EqualTo(uncertainty));
        Assert.That(File.ReadAllBytes(Path.Combine(outDir, "results.csv")), Is.EqualTo(results));
        Assert.That(File.ReadAllBytes(Path.Combine(outDir, "psa.csv")), Is.EqualTo(psa));
        var m = RunManifest.TryRead(outDir)!;
        Assert.That(m.Verify(outDir), Is.Empty);
        Assert.That(m.Settings, Is.EqualTo(new RunSettings("run", scenario, 25, null, m.Settings.Perspectives, 25, 11, string.Empty)));
        Assert.That(m.Settings.Perspectives, Is.EqualTo(new[] { "public", "society" }));
    }

    [Test]
    public void ReportRunFolder_AsPositionalArgument_IsDetected_AndWritesToOut()
    {
        var runDir = Path.Combine(Dir, "run");
        RunWithDraws(runDir);
        var before = RunManifest.TryRead(runDir)!;
        var copy = Path.Combine(Dir, "copy");
        var r = Socinv.Run("report", runDir, "--out", copy, "--culture", "nb-NO");
        Assert.That(r.ExitCode, Is.EqualTo(ExitCodes.Ok), r.Err);
        Assert.That(File.Exists(Path.Combine(copy, "psa.csv")), "the new folder holds the whole run");
        Assert.That(RunManifest.TryRead(copy)!.Verify(copy), Is.Empty);
        Assert.That(RunManifest.TryRead(copy)!.Settings.Culture, Is.EqualTo("nb-NO"), "display options can change");
        Assert.That(before.Verify(runDir), Is.Empty, "the source run is untouched");
        Assert.That(File.ReadAllText(Path.Combine(copy, "report.md")), Does.Contain("## Uncertainty"));
    }

    [Test]
    public void ReportFrom_AnEditedRun_IsRefused()
    {
        var outDir = Path.Combine(Dir, "out");
        RunWithDraws(outDir);
        File.AppendAllText(Path.Combine(outDir, "psa.csv"), "tampered\n");
        var r = Socinv.Run("report", "--from", outDir);
        Assert.That(r.ExitCode, Is.EqualTo(ExitCodes.InvalidInput));
        Assert.That(r.Err, Does.Contain("no longer match").And.Contain("psa.csv: changed since the run"));
    }

    [TestCase("liability")]
    [TestCase("contract")]
    public void ReportFrom_AnotherCommandsFolder_NamesTheCommand_AndLeavesTheFolder(string command)
    {
        // Such a folder has its own files and report: it is not compared with a run's results it never wrote.
        var outDir = Path.Combine(Dir, command);
        Assert.That(Socinv.Run(command, "--out", outDir).ExitCode, Is.EqualTo(ExitCodes.Ok));
        var before = Directory.GetFiles(outDir, "*", SearchOption.AllDirectories).Select(f => (f, File.GetLastWriteTimeUtc(f))).ToList();
        var r = Socinv.Run("report", "--from", outDir);
        Assert.Multiple(() =>
        {
            Assert.That(r.ExitCode, Is.EqualTo(ExitCodes.InvalidInput));
            Assert.That(r.Err, Does.Contain($"was written by socinv {command}, not by socinv run or socinv report").And.Contain($"Run socinv {command} again"));
            Assert.That(r.Err, Does.Not.Contain("does not reproduce"));
            Assert.That(Directory.GetFiles(outDir, "*", SearchOption.AllDirectories).Select(f => (f, File.GetLastWriteTimeUtc(f))), Is.EqualTo(before), "the folder is left as it was");
        });
    }

    [Test]
    public void ReportFrom_ARunThisVersionDoesNotReproduce_IsRefused_AndLeavesTheFolder()
    {
        var outDir = Path.Combine(Dir, "out");
        RunWithDraws(outDir);

        // Pretend an earlier socinv wrote different numbers: change summary.json and its manifest entry consistently.
        var summary = Path.Combine(outDir, "summary.json");
        File.WriteAllText(summary, File.ReadAllText(summary).Replace("\"scenario\"", "\"scenario\" ", StringComparison.Ordinal));
        var m = RunManifest.TryRead(outDir)!;
        var files = m.Files.Select(f => f.Path == "summary.json" ? new ManifestFile(f.Path, new FileInfo(summary).Length, RunManifest.Sha256Of(summary)) : f).ToList();
        (m with { Files = files }).WriteTo(outDir);
        var before = Directory.GetFiles(outDir, "*", SearchOption.AllDirectories).ToDictionary(f => f, File.ReadAllBytes);

        var r = Socinv.Run("report", "--from", outDir);
        Assert.That(r.ExitCode, Is.EqualTo(ExitCodes.InvalidInput), r.Err);
        Assert.That(r.Err, Does.Contain("does not reproduce its summary.json"));
        foreach (var (file, bytes) in before)
        {
            Assert.That(File.ReadAllBytes(file), Is.EqualTo(bytes), file);
        }
    }

    [Test]
    public void ReportFrom_AFolderWithoutManifest_IsInvalidInput()
    {
        var r = Socinv.Run("report", "--from", Dir);
        Assert.That(r.ExitCode, Is.EqualTo(ExitCodes.InvalidInput));
        Assert.That(r.Err, Does.Contain("has no manifest.json"));
    }

    [Test]
    public void ReportFrom_AMissingFolder_IsInvalidInput()
    {
        var r = Socinv.Run("report", "--from", Path.Combine(Dir, "nope"));
        Assert.That(r.ExitCode, Is.EqualTo(ExitCodes.InvalidInput));
        Assert.That(r.Err, Does.Contain("no run folder"));
    }

    [Test]
    public void PlainReport_IntoAFolderOfAnotherScenario_ReplacesItWholeAndSaysSo()
    {
        var outDir = Path.Combine(Dir, "out");
        RunWithDraws(outDir);
        var r = Socinv.Run("report", "--out", outDir, "--horizon", "10");
        Assert.That(r.ExitCode, Is.EqualTo(ExitCodes.Ok), r.Err);
        Assert.That(r.Out, Does.Contain("It replaces the earlier run in that folder (scenario 'small'"));
        Assert.That(File.Exists(Path.Combine(outDir, "psa.csv")), Is.False);
        Assert.That(File.Exists(Path.Combine(outDir, "results.csv")), Is.False);
        Assert.That(RunManifest.TryRead(outDir)!.Verify(outDir), Is.Empty);
    }
}
