using System.Text.Json;
using SocialInvestment.Cli.Tests.TestSupport;
using SocialInvestment.Csv.Tests.TestSupport;
using SocialInvestment.Scenarios;

namespace SocialInvestment.Cli.Tests;

/// <summary>One run, one folder: a run replaces its output folder as a whole, lists every file in manifest.json, and never deletes files it did not write.</summary>
public class RunFolderTests : TempFolderTest
{
    private string WriteSmallScenario()
    {
        var dir = Path.Combine(Dir, "small");
        ScenarioWriter.Write(SmallScenario.Create(), dir);
        return dir;
    }

    private static RunManifest Manifest(string dir) => RunManifest.TryRead(dir) ?? throw new AssertionException("no manifest in " + dir);

    private static string[] Relative(string dir) =>
        [.. Directory.GetFiles(dir, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(dir, f).Replace('\\', '/')).Order(StringComparer.Ordinal)];

    private string[] Siblings() => Directory.GetFileSystemEntries(Dir).Select(Path.GetFileName).OfType<string>().Where(n => n.StartsWith('.')).ToArray();

    [Test]
    public void RunWithDraws_ThenPlainRun_LeavesNoFileOfTheEarlierRun()
    {
        var scenario = WriteSmallScenario();
        var outDir = Path.Combine(Dir, "out");
        var first = Socinv.Run("run", scenario, "--out", outDir, "--draws", "10", "--seed", "5");
        Assert.That(first.ExitCode, Is.EqualTo(ExitCodes.Ok), first.Err);
        Assert.That(File.Exists(Path.Combine(outDir, "psa.csv")));
        var firstCharts = Directory.GetFiles(outDir, "*.png").Length;

        var second = Socinv.Run("run", scenario, "--out", outDir);
        Assert.That(second.ExitCode, Is.EqualTo(ExitCodes.Ok), second.Err);
        Assert.That(File.Exists(Path.Combine(outDir, "psa.csv")), Is.False, "psa.csv of the earlier run is gone");
        Assert.That(Directory.GetFiles(outDir, "*.png").Length, Is.LessThan(firstCharts), "the uncertainty charts of the earlier run are gone");
        Assert.That(File.ReadAllText(Path.Combine(outDir, "report.html")), Does.Not.Contain("Uncertainty"));
        Assert.That(second.Out, Does.Contain("It replaces the earlier run in that folder"));
        var manifest = Manifest(outDir);
        Assert.That(manifest.Verify(outDir), Is.Empty, "every file is listed with its size and hash, and nothing else is there");
        Assert.That(manifest.Settings.Draws, Is.Zero);
        Assert.That(Siblings(), Is.Empty, "no staging or old folder left beside the output");
    }

    [Test]
    public void Manifest_ListsEveryFile_TheScenarioHash_Version_Arguments_SeedAndDraws()
    {
        var scenario = WriteSmallScenario();
        var outDir = Path.Combine(Dir, "out");
        var r = Socinv.Run("run", scenario, "--out", outDir, "--draws", "12", "--seed", "99", "--horizon", "20");
        Assert.That(r.ExitCode, Is.EqualTo(ExitCodes.Ok), r.Err);
        var m = Manifest(outDir);
        Assert.That(m.Files.Select(f => f.Path), Is.EqualTo(Relative(outDir).Where(p => p != RunManifest.FileName)));
        foreach (var f in m.Files)
        {
            var path = Path.Combine(outDir, f.Path);
            Assert.That(new FileInfo(path).Length, Is.EqualTo(f.Bytes), f.Path);
            Assert.That(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(path))), Is.EqualTo(f.Sha256), f.Path);
        }

        Assert.That(m.Files.Select(f => f.Path), Does.Contain("results.csv").And.Contain("summary.json").And.Contain("psa.csv").And.Contain("report.html").And.Contain("scenario/scenario.json"));
        Assert.That(m.Settings, Is.EqualTo(new RunSettings("run", scenario, 20, null, null, 12, 99, string.Empty)));
        Assert.That(m.Arguments, Is.EqualTo(new[] { "run", scenario, "--out", outDir, "--draws", "12", "--seed", "99", "--horizon", "20" }));
        Assert.That(m.Version, Is.EqualTo(RunManifest.ToolVersion).And.Not.Empty);
        Assert.That(m.ScenarioName, Is.EqualTo("small"));

        // The hash is of the scenario's canonical form: the original folder (written by the same writer) hashes the same,
        // and an edited scenario does not.
        Assert.That(m.ScenarioHash, Is.EqualTo(RunManifest.ScenarioContentHash(scenario)).And.StartsWith("sha256:"));
        Assert.That(ScenarioReader.Read(Path.Combine(outDir, RunManifest.ScenarioFolder)).Settings.Name, Is.EqualTo("small"), "the stored copy reads back");
        File.AppendAllText(Path.Combine(scenario, "sectors.csv"), "extra,an extra sector\n");
        Assert.That(RunManifest.ScenarioContentHash(scenario), Is.Not.EqualTo(m.ScenarioHash));

        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, RunManifest.FileName)));
        Assert.That(doc.RootElement.GetProperty("format").GetString(), Is.EqualTo("socinv-run/1"));
        Assert.That(doc.RootElement.GetProperty("settings").GetProperty("seed").GetUInt64(), Is.EqualTo(99UL));
    }

    [Test]
    public void DefaultSeed_IsRecordedWhenDrawsAreGivenWithoutSeed()
    {
        var outDir = Path.Combine(Dir, "out");
        var r = Socinv.Run("run", WriteSmallScenario(), "--out", outDir, "--draws", "3");
        Assert.That(r.ExitCode, Is.EqualTo(ExitCodes.Ok), r.Err);
        Assert.That(Manifest(outDir).Settings.Seed, Is.EqualTo(RunScenario.DefaultSeed));
    }

    [Test]
    public void FolderWithUnrelatedFiles_IsRefusedBeforeTheRun_AndKeptIntact()
    {
        var outDir = Path.Combine(Dir, "out");
        Directory.CreateDirectory(Path.Combine(outDir, "notes"));
        File.WriteAllText(Path.Combine(outDir, "results.csv"), "mine");
        File.WriteAllText(Path.Combine(outDir, "notes", "todo.txt"), "mine too");
        var r = Socinv.Run("run", WriteSmallScenario(), "--out", outDir);
        Assert.That(r.ExitCode, Is.EqualTo(ExitCodes.InvalidInput), r.Err);
        Assert.That(r.Err, Does.Contain("not from a socinv run").And.Contain("notes/"));
        Assert.That(r.Out, Is.Empty, "refused before the run");
        Assert.That(File.ReadAllText(Path.Combine(outDir, "results.csv")), Is.EqualTo("mine"));
        Assert.That(File.ReadAllText(Path.Combine(outDir, "notes", "todo.txt")), Is.EqualTo("mine too"));
        Assert.That(Siblings(), Is.Empty);
    }

    [Test]
    public void RunFolderWithAnAddedFile_IsRefused()
    {
        var scenario = WriteSmallScenario();
        var outDir = Path.Combine(Dir, "out");
        Assert.That(Socinv.Run("report", scenario, "--out", outDir).ExitCode, Is.EqualTo(ExitCodes.Ok));
        File.WriteAllText(Path.Combine(outDir, "my-analysis.xlsx"), "x");
        var r = Socinv.Run("report", scenario, "--out", outDir);
        Assert.That(r.ExitCode, Is.EqualTo(ExitCodes.InvalidInput), r.Err);
        Assert.That(r.Err, Does.Contain("my-analysis.xlsx"));
        Assert.That(File.Exists(Path.Combine(outDir, "my-analysis.xlsx")));
        Assert.That(File.Exists(Path.Combine(outDir, "report.html")));
    }

    [Test]
    public void FolderWrittenBeforeManifests_IsReplaced()
    {
        var outDir = Path.Combine(Dir, "out");
        Directory.CreateDirectory(outDir);
        foreach (var name in new[] { "results.csv", "summary.json", "psa.csv", "report.html", "report.md", "flows-1-business-as-usual.png", "npv-distribution-2-society.png", "probability-positive-npv.png" })
        {
            File.WriteAllText(Path.Combine(outDir, name), "old");
        }

        var r = Socinv.Run("report", WriteSmallScenario(), "--out", outDir);
        Assert.That(r.ExitCode, Is.EqualTo(ExitCodes.Ok), r.Err);
        Assert.That(File.Exists(Path.Combine(outDir, "psa.csv")), Is.False);
        Assert.That(File.Exists(Path.Combine(outDir, "results.csv")), Is.False, "report writes no results; the old ones are gone");
        Assert.That(Manifest(outDir).Verify(outDir), Is.Empty);
    }

    [TestCase("results")]
    [TestCase("report")]
    [TestCase("manifest")]
    [TestCase("swap")]
    public void FailureWhileWriting_LeavesTheEarlierRunIntact(string stage)
    {
        var scenario = WriteSmallScenario();
        var outDir = Path.Combine(Dir, "out");
        Assert.That(Socinv.Run("run", scenario, "--out", outDir, "--draws", "5").ExitCode, Is.EqualTo(ExitCodes.Ok));
        var before = Relative(outDir).Select(p => (p, File.ReadAllBytes(Path.Combine(outDir, p)))).ToArray();

        var env = new CliEnvironment { OnWriting = s => { if (s == stage) { throw new IOException("disk full (injected)"); } } };
        var r = Socinv.Run(env, "run", scenario, "--out", outDir, "--horizon", "7");
        Assert.That(r.ExitCode, Is.EqualTo(ExitCodes.IoError), r.Err);
        Assert.That(r.Err, Does.Contain("disk full (injected)"));

        var after = Relative(outDir).Select(p => (p, File.ReadAllBytes(Path.Combine(outDir, p)))).ToArray();
        Assert.That(after.Select(a => a.p), Is.EqualTo(before.Select(b => b.p)));
        for (var i = 0; i < before.Length; i++)
        {
            Assert.That(after[i].Item2, Is.EqualTo(before[i].Item2), before[i].p);
        }

        Assert.That(Manifest(outDir).Verify(outDir), Is.Empty);
        Assert.That(Siblings(), Is.Empty, "the staging folder is removed");
    }

    [Test]
    public void OutIsTheCurrentFolder_IsRefused()
    {
        var r = Socinv.Run("report", WriteSmallScenario(), "--out", Environment.CurrentDirectory);
        Assert.That(r.ExitCode, Is.EqualTo(ExitCodes.InvalidInput), r.Err);
        Assert.That(r.Err, Does.Contain("current folder"));
    }

    [Test]
    public void Run_OnARunFolder_SaysHowToUseIt()
    {
        var outDir = Path.Combine(Dir, "out");
        Assert.That(Socinv.Run("report", WriteSmallScenario(), "--out", outDir).ExitCode, Is.EqualTo(ExitCodes.Ok));
        var r = Socinv.Run("run", outDir, "--out", Path.Combine(Dir, "other"));
        Assert.That(r.ExitCode, Is.EqualTo(ExitCodes.InvalidInput));
        Assert.That(r.Err, Does.Contain("socinv report --from").And.Contain(Path.Combine(outDir, "scenario")));
    }
}

public class RunFolderNestingTests : TempFolderTest
{
    [Test]
    public void OutInsideAnotherRunFolder_IsRefused_AndThatRunStaysComplete()
    {
        var scenario = Path.Combine(Dir, "small");
        ScenarioWriter.Write(SmallScenario.Create(), scenario);
        var outer = Path.Combine(Dir, "outer");
        Assert.That(Socinv.Run("report", scenario, "--out", outer).ExitCode, Is.EqualTo(ExitCodes.Ok));
        var r = Socinv.Run("report", scenario, "--out", Path.Combine(outer, "inner"));
        Assert.That(r.ExitCode, Is.EqualTo(ExitCodes.InvalidInput), r.Err);
        Assert.That(r.Err, Does.Contain("inside the folder of another socinv run"));
        Assert.That(RunManifest.TryRead(outer)!.Verify(outer), Is.Empty);
    }
}
