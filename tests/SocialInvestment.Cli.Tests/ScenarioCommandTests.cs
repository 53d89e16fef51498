using System.Text;
using SocialInvestment.Cli.Tests.TestSupport;
using SocialInvestment.Csv.Tests.TestSupport;
using SocialInvestment.Model;
using SocialInvestment.Scenarios;

namespace SocialInvestment.Cli.Tests;

public class ScenarioCommandTests : TempFolderTest
{
    private string WriteSmallScenario()
    {
        var dir = Path.Combine(Dir, "small");
        ScenarioWriter.Write(SmallScenario.Create(), dir);
        return dir;
    }

    [Test]
    public void Validate_GoodScenario_ExitsZero()
    {
        var r = Socinv.Run("validate", WriteSmallScenario());
        Assert.That(r.ExitCode, Is.EqualTo(ExitCodes.Ok), r.Err);
        Assert.That(r.Out, Does.StartWith("OK: 'small'").And.Contain("4 states"));
    }

    [Test]
    public void Validate_DecimalCommaAndUnknownState_ListsEveryProblemWithFileAndLine()
    {
        var dir = WriteSmallScenario();
        var transitions = Directory.GetFiles(dir, "transitions*.csv").Single();
        var lines = File.ReadAllLines(transitions, Encoding.UTF8);
        // Line 2 (the first data row): a decimal comma in a number; line 3: an unknown state name.
        lines[1] = lines[1].Replace("0.3", "\"0,3\"", StringComparison.Ordinal);
        lines[2] = lines[2].Replace("school", "skool", StringComparison.Ordinal);
        File.WriteAllLines(transitions, lines, new UTF8Encoding(false));

        var r = Socinv.Run("validate", dir);

        Assert.That(r.ExitCode, Is.EqualTo(ExitCodes.InvalidInput));
        var name = Path.GetFileName(transitions);
        Assert.That(r.Err, Does.Contain($"{name}:2"), r.Err);
        Assert.That(r.Err, Does.Contain($"{name}:3"), r.Err);
        Assert.That(r.Err, Does.Contain("problems"));
        Assert.That(r.Err, Does.Not.Contain("   at "));
    }

    [Test]
    public void Run_SmallScenario_PrintsSummaryAndWritesResultsAndReport()
    {
        var outDir = Path.Combine(Dir, "out");
        var r = Socinv.Run("run", WriteSmallScenario(), "--out", outDir, "--seed", "42");
        Assert.That(r.ExitCode, Is.EqualTo(ExitCodes.Ok), r.Err);
        Assert.That(r.Out, Does.Contain("Scenario: small"));
        Assert.That(r.Out, Does.Contain("NPV (NOK").And.Contain("BCR").And.Contain("Payback"));
        Assert.That(r.Out, Does.Contain("Who invests, who saves: IPS for NOK".Replace("NOK", "NEET", StringComparison.Ordinal)));
        Assert.That(r.Out, Does.Contain("Seed: 42"));
        Assert.That(File.Exists(Path.Combine(outDir, "report.html")));
        Assert.That(File.Exists(Path.Combine(outDir, "report.md")));
        Assert.That(Directory.GetFiles(outDir, "*.png"), Has.Length.EqualTo(5), "net gain per year, cumulative position, change in occupancy and the settlement's net positions before and after for the one strategy, and the baseline");
        Assert.That(Directory.GetFiles(outDir, "settlement-1-*.png"), Has.Length.EqualTo(1), "the who-should-compensate-whom chart");
        Assert.That(File.Exists(Path.Combine(outDir, ResultWriter.TidyCsvFileName)), "tidy CSV results");
        Assert.That(File.Exists(Path.Combine(outDir, ResultWriter.SummaryFileName)), "JSON summary");
        Assert.That(r.Out, Does.Contain("results.csv, summary.json, settlement.csv, report.html, report.md, results.xlsx, 5 charts (PNG)"));
        Assert.That(Directory.GetFiles(outDir, "*.tmp"), Is.Empty);
    }

    [Test]
    public void Run_NumbersInSummary_MatchTheAppraisal()
    {
        var dir = WriteSmallScenario();
        var run = ScenarioRunner.Run(ScenarioReader.Read(dir));
        var society = run.Appraisals.First(a => a.Perspective.Name.StartsWith("society", StringComparison.Ordinal));
        var r = Socinv.Run("run", dir, "--out", Path.Combine(Dir, "out"));
        Assert.That(r.Out, Does.Contain(Math.Round(society.NetPresentValue).ToString("N0", System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Test]
    public void Report_SmallScenario_WritesOnlyTheReport()
    {
        var outDir = Path.Combine(Dir, "rep");
        var r = Socinv.Run("report", WriteSmallScenario(), "-o", outDir, "--perspective", "public", "--horizon", "15");
        Assert.That(r.ExitCode, Is.EqualTo(ExitCodes.Ok), r.Err);
        Assert.That(File.ReadAllText(Path.Combine(outDir, "report.html")), Does.Contain("<h2>Who invests, who saves</h2>"));
        Assert.That(Directory.GetFiles(outDir, "*.csv"), Is.Empty);
    }

    [Test]
    public void Run_UnknownPerspective_IsInvalidInput()
    {
        var r = Socinv.Run("run", WriteSmallScenario(), "--perspective", "martians", "--out", Path.Combine(Dir, "out"));
        Assert.That(r.ExitCode, Is.EqualTo(ExitCodes.InvalidInput));
        Assert.That(r.Err, Does.Contain("martians").And.Not.Contain("(Parameter"));
    }

    [Test]
    public void Run_OutIsAFile_IsIoError()
    {
        var file = Path.Combine(Dir, "taken");
        File.WriteAllText(file, "x");
        var r = Socinv.Run("report", WriteSmallScenario(), "--out", file);
        Assert.That(r.ExitCode, Is.EqualTo(ExitCodes.IoError), r.Err);
        Assert.That(r.Err, Does.StartWith("socinv: I/O error"));
    }

    [Test]
    public void Init_NonEmptyFolder_IsInvalidInputWithoutForce()
    {
        File.WriteAllText(Path.Combine(Dir, "keep.txt"), "x");
        var r = Socinv.Run("init", Dir);
        Assert.That(r.ExitCode, Is.EqualTo(ExitCodes.InvalidInput));
        Assert.That(r.Err, Does.Contain("--force"));
    }
}

public class RunBehaviourTests : TempFolderTest
{
    private string WriteSmallScenario()
    {
        var dir = Path.Combine(Dir, "small");
        ScenarioWriter.Write(SmallScenario.Create(), dir);
        return dir;
    }

    [Test]
    public void Run_Verbose_ShowsProgressOnStandardError()
    {
        var r = Socinv.Run("report", WriteSmallScenario(), "-o", Path.Combine(Dir, "out"), "--verbose");
        Assert.That(r.ExitCode, Is.EqualTo(ExitCodes.Ok), r.Err);
        Assert.That(r.Err, Does.Contain("(2/2)").And.Contain("Drawing charts"));
        Assert.That(r.Out, Does.Not.Contain("Drawing charts"), "progress never goes to standard output");
    }

    [Test]
    public void Run_NorwegianCulture_FormatsTablesWithNorwegianNumbers()
    {
        var dir = WriteSmallScenario();
        var run = ScenarioRunner.Run(ScenarioReader.Read(dir));
        var nb = System.Globalization.CultureInfo.GetCultureInfo("nb-NO");
        var npv = run.Appraisals.First(a => a.Perspective.Name == "municipality").NetPresentValue;
        var r = Socinv.Run("report", dir, "-o", Path.Combine(Dir, "out"), "--culture", "nb-NO");
        Assert.That(r.ExitCode, Is.EqualTo(ExitCodes.Ok), r.Err);
        Assert.That(r.Out, Does.Contain(Math.Round(npv).ToString("N0", nb)));
    }

    [Test]
    public void Run_Cancelled_ExitsWith130()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        var code = CliApp.Run(["report", WriteSmallScenario(), "-o", Path.Combine(Dir, "out")], output, error, null, cts.Token);
        Assert.That(code, Is.EqualTo(ExitCodes.Cancelled));
        Assert.That(error.ToString(), Does.Contain("cancelled"));
    }

    [Test]
    public void Init_ThenRunTheFolder_ExitsZero()
    {
        var dir = Path.Combine(Dir, "norway");
        Assert.That(Socinv.Run("init", dir).ExitCode, Is.EqualTo(ExitCodes.Ok));
        var r = Socinv.Run("run", dir, "-o", Path.Combine(Dir, "out"), "--horizon", "30", "--discount", "constant:0.04");
        Assert.That(r.ExitCode, Is.EqualTo(ExitCodes.Ok), r.Err);
        Assert.That(r.Out, Does.Contain("Horizon 30 cycles"));
    }
}
