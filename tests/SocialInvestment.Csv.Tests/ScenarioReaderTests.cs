using System.Text;
using SocialInvestment.Csv.Tests.TestSupport;
using SocialInvestment.Model;
using SocialInvestment.Scenarios;

namespace SocialInvestment.Csv.Tests;

/// <summary>
/// Each kind of bad input gives one aggregated <see cref="ScenarioFormatException"/> naming file and line.
/// The whole fixture runs under de-DE (decimal comma culture) to prove that reading never uses the current culture.
/// </summary>
[SetCulture("de-DE")]
public sealed class ScenarioReaderTests
{
    private string _dir = null!;

    [SetUp]
    public void SetUp()
    {
        _dir = Directory.CreateTempSubdirectory("socinv-bad-").FullName;
        ScenarioWriter.Write(SmallScenario.Create(), _dir);
    }

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, recursive: true);

    private string PathOf(string file) => Path.Combine(_dir, file);

    private string[] Lines(string file) => File.ReadAllText(PathOf(file)).Split('\n', StringSplitOptions.RemoveEmptyEntries);

    private void SetLines(string file, IEnumerable<string> lines) => File.WriteAllText(PathOf(file), string.Join('\n', lines) + "\n");

    private void ReplaceInLine(string file, int line, string from, string to)
    {
        var lines = Lines(file);
        Assert.That(lines[line - 1], Does.Contain(from), "test setup: the line to corrupt");
        lines[line - 1] = lines[line - 1].Replace(from, to, StringComparison.Ordinal);
        SetLines(file, lines);
    }

    private IReadOnlyList<ScenarioProblem> Problems()
    {
        var e = Assert.Throws<ScenarioFormatException>(() => ScenarioReader.Read(_dir));
        return e!.Problems;
    }

    [Test]
    public void Read_ValidFolderUnderGermanCulture_Succeeds()
    {
        Assert.That(ScenarioReader.Read(_dir).Parameters[0].Value, Is.EqualTo(0.2));
    }

    [Test]
    public void Read_QuotedDecimalComma_ReportsFileLineColumnAndSaysDecimalComma()
    {
        // parameters.csv line 2 is p_neet_work with value 0.2 in column 2.
        ReplaceInLine("parameters.csv", 2, ",0.2,", ",\"0,2\",");
        var problems = Problems();
        Assert.That(problems, Has.Count.EqualTo(1));
        Assert.That(problems[0].File, Is.EqualTo("parameters.csv"));
        Assert.That(problems[0].Line, Is.EqualTo(2));
        Assert.That(problems[0].Column, Is.EqualTo(2));
        Assert.That(problems[0].Field, Is.EqualTo("value"));
        Assert.That(problems[0].Message, Does.Contain("decimal comma").And.Contain("0.2"));
    }

    [Test]
    public void Read_UnquotedDecimalComma_ReportsExtraFieldWithDecimalCommaHint()
    {
        ReplaceInLine("population.csv", 2, ",0.8", ",0,8");
        var problems = Problems();
        Assert.That(problems.Select(p => (p.File, p.Line)), Does.Contain(("population.csv", (int?)2)));
        Assert.That(problems.Single(p => p.File == "population.csv").Message, Does.Contain("decimal comma"));
    }

    [Test]
    public void Read_MissingRequiredColumn_ReportsHeaderLineAndColumnName()
    {
        var lines = Lines("population.csv").Select(l => string.Join(',', l.Split(',').Where((_, i) => i != 1))).ToArray();
        SetLines("population.csv", lines);
        var problems = Problems();
        var p = problems.Single(x => x.File == "population.csv");
        Assert.That(p.Line, Is.EqualTo(1));
        Assert.That(p.Field, Is.EqualTo("start_age"));
        Assert.That(p.Message, Does.Contain("missing").And.Contain("state,start_age,weight,source"));
    }

    [Test]
    public void Read_UnknownColumn_IsRejected()
    {
        var lines = Lines("sectors.csv").Select((l, i) => l + (i == 0 ? ",colour" : ",red")).ToArray();
        SetLines("sectors.csv", lines);
        var p = Problems().Single();
        Assert.That((p.File, p.Line, p.Column, p.Field), Is.EqualTo(("sectors.csv", (int?)1, (int?)3, "colour")));
    }

    [Test]
    public void Read_UnknownState_ReportsRowAndField()
    {
        ReplaceInLine("population.csv", 3, "neet,", "neeet,");
        var p = Problems().Single();
        Assert.That((p.File, p.Line, p.Field), Is.EqualTo(("population.csv", (int?)3, "state")));
        Assert.That(p.Message, Does.Contain("Unknown state 'neeet'"));
    }

    [Test]
    public void Read_RowNotSummingToOne_IsReportedAtTheRowsFirstTransition()
    {
        // transitions.csv: header, 5 school rows (lines 2-6), neet rows on lines 7-9, the neet remainder on line 9.
        var lines = Lines("transitions.csv").ToList();
        Assert.That(lines[8], Does.StartWith("neet,neet,remainder"));
        lines.RemoveAt(8);
        SetLines("transitions.csv", lines);
        var p = Problems().Single();
        Assert.That((p.File, p.Line), Is.EqualTo(("transitions.csv", (int?)7)));
        Assert.That(p.Message, Does.Contain("sum to"));
    }

    [Test]
    public void Read_DuplicateStateName_ReportsTheSecondOccurrence()
    {
        SetLines("states.csv", [.. Lines("states.csv"), "work,false,0,again"]);
        var p = Problems().Single();
        Assert.That((p.File, p.Line, p.Field), Is.EqualTo(("states.csv", (int?)6, "name")));
        Assert.That(p.Message, Does.Contain("more than once"));
    }

    [Test]
    public void Read_EmptyFile_IsReportedWithTheExpectedHeader()
    {
        File.WriteAllBytes(PathOf("sectors.csv"), []);
        var p = Problems().Single(x => x.File == "sectors.csv");
        Assert.That(p.Message, Does.Contain("empty").And.Contain("name,description"));
    }

    [Test]
    public void Read_NonUtf8Bytes_ReportsLineAndColumnOfTheFirstBadByte()
    {
        // "Bodø" in Latin-1: ø is the single byte 0xF8, invalid in UTF-8.
        var bytes = Encoding.UTF8.GetBytes("name,description\neducation,Bod").Concat(new byte[] { 0xF8 }).Concat(Encoding.UTF8.GetBytes("\n")).ToArray();
        File.WriteAllBytes(PathOf("sectors.csv"), bytes);
        var p = Problems().Single(x => x.File == "sectors.csv");
        Assert.That((p.Line, p.Column), Is.EqualTo(((int?)2, (int?)14)));
        Assert.That(p.Message, Does.Contain("UTF-8").And.Contain("0xF8"));
    }

    [Test]
    public void Read_ProblemsInSeveralFiles_AreAllCollectedInOneException()
    {
        ReplaceInLine("parameters.csv", 2, ",0.2,", ",\"0,2\",");
        ReplaceInLine("population.csv", 3, "neet,", "neeet,");
        SetLines("states.csv", [.. Lines("states.csv"), "work,false,0,again"]);
        var e = Assert.Throws<ScenarioFormatException>(() => ScenarioReader.Read(_dir))!;
        Assert.That(e.Problems.Select(p => p.File), Is.EquivalentTo(new[] { "parameters.csv", "population.csv", "states.csv" }));
        Assert.That(e.Message, Does.Contain("parameters.csv:2:2").And.Contain("population.csv:3").And.Contain("states.csv:6"));
    }

    [Test]
    public void Read_UnknownPerspectiveAndPresetInManifest_AreReported()
    {
        var json = File.ReadAllText(PathOf("scenario.json")).Replace("\"society\"", "\"sociiety\"", StringComparison.Ordinal).Replace("\"costDiscounting\": \"norway\"", "\"costDiscounting\": \"mars\"", StringComparison.Ordinal);
        File.WriteAllText(PathOf("scenario.json"), json);
        var fields = Problems().Select(p => (p.File, p.Field)).ToArray();
        Assert.That(fields, Is.EquivalentTo(new[] { ("scenario.json", "perspectives"), ("scenario.json", "costDiscounting") }));
    }

    [Test]
    public void Read_MissingManifest_SaysWhatIsExpected()
    {
        File.Delete(PathOf("scenario.json"));
        Assert.That(Problems().Single().Message, Does.Contain("scenario.json"));
    }
}

[SetCulture("de-DE")]
public sealed class ScenarioReaderMoreTests
{
    private string _dir = null!;

    [SetUp]
    public void SetUp()
    {
        _dir = Directory.CreateTempSubdirectory("socinv-more-").FullName;
        ScenarioWriter.Write(SmallScenario.Create(), _dir);
    }

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, recursive: true);

    private IReadOnlyList<ScenarioProblem> Problems() => Assert.Throws<ScenarioFormatException>(() => ScenarioReader.Read(_dir))!.Problems;

    [Test]
    public void Read_WindowsLineEndingsAndByteOrderMark_ReadsTheSameScenario()
    {
        foreach (var file in Directory.GetFiles(_dir, "*.csv"))
        {
            var text = File.ReadAllText(file).Replace("\n", "\r\n", StringComparison.Ordinal);
            File.WriteAllText(file, text, new System.Text.UTF8Encoding(encoderShouldEmitUTF8Identifier: true));
        }

        Assert.That(ScenarioReader.Read(_dir), Is.EqualTo(SmallScenario.Create()));
    }

    [Test]
    public void Read_CommentLines_AreSkippedAndLineNumbersStillCountThem()
    {
        var path = Path.Combine(_dir, "population.csv");
        var lines = File.ReadAllLines(path).ToList();
        lines.Insert(1, "# cohort at 16 and 18");
        lines[3] = lines[3].Replace("neet,", "neeet,", StringComparison.Ordinal);
        File.WriteAllLines(path, lines);
        var p = Problems().Single();
        Assert.That((p.File, p.Line), Is.EqualTo(("population.csv", (int?)4)));
    }

    [Test]
    public void Read_MixedRatesAndProbabilitiesInOneRow_IsRejected()
    {
        var path = Path.Combine(_dir, "transitions.csv");
        File.AppendAllText(path, "neet,school,rate,,,0.1,,\n");
        var p = Problems().Single();
        Assert.That((p.File, p.Field), Is.EqualTo(("transitions.csv", "kind")));
        Assert.That(p.Message, Does.Contain("mixes probabilities and rates"));
    }

    [Test]
    public void Read_BalanceColumn_SelectsProportionalBalanceAndRoundTrips()
    {
        var scenario = NorwegianDefault.Load();
        var proportional = scenario with { Effects = [.. scenario.Effects.Select(e => e.Target == EffectTarget.Transition ? e with { Balance = EffectBalance.Proportional } : e)] };
        ScenarioWriter.Write(proportional, _dir);
        Assert.That(File.ReadAllText(Path.Combine(_dir, "effects.csv")), Does.Contain(",proportional,"));
        var read = ScenarioReader.Read(_dir);
        Assert.That(read, Is.EqualTo(proportional));
        var model = read.BuildModel();
        var effects = model.Strategies.SelectMany(s => s.Interventions).SelectMany(i => i.TransitionEffects).ToList();
        Assert.That(effects, Is.Not.Empty);
        Assert.That(effects.All(e => e.Balance == EffectBalance.Proportional), Is.True);
    }

    [Test]
    public void Read_UnknownParameterAndIntervention_AreReported()
    {
        File.AppendAllText(Path.Combine(_dir, "effects.csv"), "IPS,transition,neet,work,,,hr,,no_such_parameter,permanent,,,,\n");
        File.AppendAllText(Path.Combine(_dir, "strategies.csv"), "Both,no_such_intervention\n");
        var messages = Problems().Select(p => p.Message).ToArray();
        Assert.That(messages, Has.Some.Contains("Unknown parameter 'no_such_parameter'"));
        Assert.That(messages, Has.Some.Contains("Unknown intervention 'no_such_intervention'"));
    }

    [Test]
    public void Read_DecimalCommaInManifest_SaysSo()
    {
        var path = Path.Combine(_dir, "scenario.json");
        File.WriteAllText(path, File.ReadAllText(path).Replace("\"taxFinancingCost\": 0.2", "\"taxFinancingCost\": \"0,2\"", StringComparison.Ordinal));
        var p = Problems().Single();
        Assert.That((p.File, p.Field), Is.EqualTo(("scenario.json", "taxFinancingCost")));
        Assert.That(p.Line, Is.EqualTo(File.ReadAllLines(path).ToList().FindIndex(l => l.Contains("taxFinancingCost", StringComparison.Ordinal)) + 1));
        Assert.That(p.Message, Does.Contain("decimal comma"));
    }

    [Test]
    public void Read_SemicolonSeparatedTable_IsDetectedFromItsHeader()
    {
        var path = Path.Combine(_dir, "sectors.csv");
        var lines = File.ReadAllLines(path);
        Assert.That(lines.All(l => !l.Contains('"', StringComparison.Ordinal)), "test setup: no quoted fields");
        File.WriteAllLines(path, lines.Select(l => l.Replace(',', ';')));
        var expected = ScenarioReader.Read(_dir).Sectors;
        Assert.That(expected.Select(r => r.Name), Is.EqualTo(SmallScenario.Create().Sectors.Select(r => r.Name)));
    }

    [Test]
    public void Read_InvalidDistribution_ReportsArity()
    {
        var path = Path.Combine(_dir, "parameters.csv");
        File.WriteAllText(path, File.ReadAllText(path).Replace("beta,20 80", "beta,20", StringComparison.Ordinal));
        var p = Problems().Single();
        Assert.That((p.File, p.Line, p.Field), Is.EqualTo(("parameters.csv", (int?)2, "distribution")));
        Assert.That(p.Message, Does.Contain("takes 2 arguments"));
    }
}

public sealed class ScenarioReaderManifestTests
{
    [Test]
    public void Read_TablesRenamedInManifest_AreReadFromTheNamedFiles()
    {
        var dir = Directory.CreateTempSubdirectory("socinv-names-").FullName;
        try
        {
            ScenarioWriter.Write(SmallScenario.Create(), dir);
            File.Move(Path.Combine(dir, "flows.csv"), Path.Combine(dir, "unit_costs_2024.csv"));
            var manifest = Path.Combine(dir, "scenario.json");
            File.WriteAllText(manifest, File.ReadAllText(manifest).Replace("\"flows\": \"flows.csv\"", "\"flows\": \"unit_costs_2024.csv\"", StringComparison.Ordinal));
            Assert.That(ScenarioReader.Read(dir), Is.EqualTo(SmallScenario.Create()));

            File.AppendAllText(Path.Combine(dir, "strategies.csv"), "IPS for NEET,IPS\n");
            var p = Assert.Throws<ScenarioFormatException>(() => ScenarioReader.Read(dir))!.Problems.Single();
            Assert.That((p.File, p.Line), Is.EqualTo(("strategies.csv", (int?)4)));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Test]
    public void FileNames_OfTheDefault_AreTheManifestTwelveTablesTheContractThePortfolioAndTheHouseholdTables()
    {
        Assert.That(NorwegianDefault.FileNames.Where(f => f.StartsWith("household_", StringComparison.Ordinal)), Is.EquivalentTo(HouseholdFiles.FileNames.Where(f => f != HouseholdFiles.RegisterFileName)), "every household table but the register");
        Assert.That(NorwegianDefault.FileNames, Has.Count.EqualTo(17 + 9).And.Contains("scenario.json").And.Contains(ContractFile.ContractsFileName).And.Contains(ContractFile.OutcomesFileName).And.Contains(PortfolioFile.CandidatesFileName).And.Contains(PortfolioFile.BudgetsFileName));
    }
}
