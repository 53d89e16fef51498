using System.Globalization;
using SocialInvestment.Csv.Tests.TestSupport;
using SocialInvestment.Scenarios;

namespace SocialInvestment.Csv.Tests;

public sealed class ScenarioWriterTests
{
    private string _dir = null!;

    [SetUp]
    public void SetUp() => _dir = Directory.CreateTempSubdirectory("socinv-rt-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, recursive: true);

    [Test]
    public void Write_ThenRead_GivesEqualScenario()
    {
        var original = SmallScenario.Create();
        ScenarioWriter.Write(original, _dir);
        var read = ScenarioReader.Read(_dir);
        Assert.That(read, Is.EqualTo(original));
    }

    [Test]
    [SetCulture("de-DE")]
    public void Write_ThenRead_UnderGermanCulture_GivesEqualScenario()
    {
        Assert.That(CultureInfo.CurrentCulture.NumberFormat.NumberDecimalSeparator, Is.EqualTo(","));
        var original = SmallScenario.Create();
        ScenarioWriter.Write(original, _dir);
        Assert.That(File.ReadAllText(Path.Combine(_dir, "parameters.csv")), Does.Contain("0.405"));
        Assert.That(ScenarioReader.Read(_dir), Is.EqualTo(original));
    }

    [Test]
    public void Write_SmallScenario_BuildsAndRuns()
    {
        var run = ScenarioRunner.Run(SmallScenario.Create());
        Assert.That(run.Results, Has.Count.EqualTo(2));
        Assert.That(run.Appraisals, Has.Count.EqualTo(3));
    }
}
