using System.Globalization;
using System.Text.Json;
using SocialInvestment.Csv.Tests.TestSupport;
using SocialInvestment.IO;
using SocialInvestment.Model;
using SocialInvestment.Scenarios;

namespace SocialInvestment.Csv.Tests;

[SetCulture("de-DE")]
public sealed class ResultWriterTests
{
    private string _dir = null!;

    [SetUp]
    public void SetUp() => _dir = Directory.CreateTempSubdirectory("socinv-out-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, recursive: true);

    [Test]
    public void WriteAll_SmallScenario_WritesTidyCsvAndSummaryInInvariantCulture()
    {
        var run = ScenarioRunner.Run(SmallScenario.Create());
        ResultWriter.WriteAll(run, _dir);

        var lines = File.ReadAllLines(Path.Combine(_dir, ResultWriter.TidyCsvFileName));
        Assert.That(lines[0], Is.EqualTo("strategy,cycle,age,state_or_payer,sector,kind,value,discounted_value"));
        var occupancy = lines.Where(l => l.StartsWith("Business as usual,0,", StringComparison.Ordinal) && l.Contains(",occupancy,", StringComparison.Ordinal)).ToArray();
        Assert.That(occupancy, Has.Length.EqualTo(4), "one occupancy row per state at cycle 0");
        Assert.That(occupancy.Single(l => l.Contains(",school,", StringComparison.Ordinal)), Does.EndWith(",0.8,0.8"));

        // Every flow value in the CSV sums, per strategy, to the undiscounted total of the result.
        var bau = run.Result("Business as usual");
        var total = lines.Skip(1).Select(l => l.Split(',')).Where(f => f[0] == "Business as usual" && f[5] != "occupancy").Sum(f => double.Parse(f[6], CultureInfo.InvariantCulture));
        var expected = Enumerable.Range(0, bau.Accounts.Count).Sum(a => bau.TotalFlow(a, null, false));
        Assert.That(total, Is.EqualTo(expected).Within(1e-6 * Math.Abs(expected)));

        using var json = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(_dir, ResultWriter.SummaryFileName)));
        var appraisals = json.RootElement.GetProperty("appraisals");
        Assert.That(appraisals.GetArrayLength(), Is.EqualTo(3));
        var society = appraisals.EnumerateArray().Single(a => a.GetProperty("perspective").GetString()!.StartsWith("society", StringComparison.Ordinal));
        Assert.That(society.GetProperty("npv").GetDouble(), Is.EqualTo(run.Appraisal("IPS for NEET", "society").NetPresentValue).Within(1e-6));
        Assert.That(json.RootElement.GetProperty("payerBalances").GetArrayLength(), Is.EqualTo(3), "three payers for the one non-comparator strategy");
        Assert.That(Directory.GetFiles(_dir).Select(Path.GetFileName), Is.EquivalentTo(new[] { "results.csv", "summary.json" }), "no temporary files are left");
    }

    [Test]
    public void WriteSummaryJson_FollowsTheResultSignConventionAndExplainsUndefinedFigures()
    {
        var run = ScenarioRunner.Run(SmallScenario.Create());
        ResultWriter.WriteAll(run, _dir);
        using var json = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(_dir, ResultWriter.SummaryFileName)));
        var root = json.RootElement;
        Assert.That(root.GetProperty("signConvention").GetString(), Is.EqualTo(ResultWriter.SignConvention));
        foreach (var a in run.Appraisals)
        {
            var element = root.GetProperty("appraisals").EnumerateArray()
                .Single(e => e.GetProperty("strategy").GetString() == a.Strategy.Name && e.GetProperty("perspective").GetString() == a.Perspective.Name);
            Assert.That(element.GetProperty("npv").GetDouble(), Is.EqualTo(a.NetPresentValue), "+ = better off, as in the API");
            foreach (var (name, figure) in new[] { ("bcr", a.BenefitCostRatio), ("irr", a.InternalRateOfReturn), ("paybackYears", a.PaybackYears) })
            {
                var value = element.GetProperty(name);
                if (figure.IsDefined)
                {
                    Assert.That(value.GetDouble(), Is.EqualTo(figure.Value));
                    Assert.That(element.TryGetProperty(name + "Undefined", out _), Is.False);
                }
                else
                {
                    Assert.That(value.ValueKind, Is.EqualTo(JsonValueKind.Null), $"{name} is undefined: no number");
                    Assert.That(element.GetProperty(name + "Undefined").GetString(), Is.EqualTo(JsonNamingPolicy.CamelCase.ConvertName(figure.Reason.ToString())));
                    Assert.That(element.GetProperty(name + "Explanation").GetString(), Is.EqualTo(figure.Explanation));
                }
            }
        }

        foreach (var b in root.GetProperty("payerBalances").EnumerateArray())
        {
            var gain = b.GetProperty("netGain").GetDouble();
            Assert.That(gain, Is.EqualTo(b.GetProperty("savings").GetDouble() - b.GetProperty("invested").GetDouble()).Within(1e-6 * (1 + Math.Abs(gain))), "net gain = savings − invested");
        }
    }

    [Test]
    public void AtomicWrite_FailingWriter_LeavesNoFileAndNoTemporaryFile()
    {
        var path = Path.Combine(_dir, "results.csv");
        Assert.Throws<InvalidOperationException>(() => AtomicFile.Write(path, s =>
        {
            s.Write(new byte[10_000]);
            throw new InvalidOperationException("disk full (simulated)");
        }));
        Assert.That(Directory.GetFiles(_dir), Is.Empty);
    }

    [Test]
    public void AtomicWrite_FailingWriter_KeepsThePreviousFileIntact()
    {
        var path = Path.Combine(_dir, "summary.json");
        File.WriteAllText(path, "{\"previous\": true}");
        Assert.Throws<InvalidOperationException>(() => CsvFiles.WriteCsv(path, ["a", "b"], FailingRows()));
        Assert.That(File.ReadAllText(path), Is.EqualTo("{\"previous\": true}"));
        Assert.That(Directory.GetFiles(_dir), Has.Length.EqualTo(1));

        static IEnumerable<string?[]> FailingRows()
        {
            for (var i = 0; i < 50_000; i++)
            {
                yield return ["x", i.ToString(CultureInfo.InvariantCulture)];
            }

            throw new InvalidOperationException("the run was cancelled half-way (simulated)");
        }
    }

    [Test]
    public void WriteTidyCsv_IntoAFolderThatIsAFile_ThrowsAndWritesNothing()
    {
        var blocker = Path.Combine(_dir, "out");
        File.WriteAllText(blocker, "not a folder");
        var run = ScenarioRunner.Run(SmallScenario.Create());
        Assert.That(() => ResultWriter.WriteAll(run, blocker), Throws.InstanceOf<IOException>());
        Assert.That(Directory.GetFiles(_dir), Is.EquivalentTo(new[] { blocker }));
    }
}
