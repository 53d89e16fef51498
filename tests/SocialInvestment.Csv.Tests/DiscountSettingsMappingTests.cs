using SocialInvestment.Csv.Tests.TestSupport;
using SocialInvestment.Engine;
using SocialInvestment.Model;
using SocialInvestment.Scenarios;

namespace SocialInvestment.Csv.Tests;

/// <summary>scenario.json carries the discount offsets and the counting names of issue 7.</summary>
public sealed class DiscountSettingsMappingTests
{
    private string _dir = null!;

    [SetUp]
    public void SetUp() => _dir = Directory.CreateTempSubdirectory("socinv-disc-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, recursive: true);

    private static Scenario FramStyle()
    {
        var s = SmallScenario.Create();
        return s with { Settings = s.Settings with { DiscountTimeOffsetYears = 3, DiscountStepsOffsetYears = -3, Counting = "life-table" } };
    }

    [Test]
    public void Offsets_RoundTripAndReachTheModel()
    {
        var original = FramStyle();
        ScenarioWriter.Write(original, _dir);
        var json = File.ReadAllText(Path.Combine(_dir, "scenario.json"));
        var read = ScenarioReader.Read(_dir);
        var options = read.BuildModel().Options;
        Assert.Multiple(() =>
        {
            Assert.That(json, Does.Contain("\"discountTimeOffsetYears\": 3").And.Contain("\"discountStepsOffsetYears\": -3"));
            Assert.That(read, Is.EqualTo(original));
            Assert.That(options.DiscountTimeOffsetYears, Is.EqualTo(3));
            Assert.That(options.DiscountStepsOffsetYears, Is.EqualTo(-3));
            Assert.That(options.StateWeights, Is.SameAs(CycleWeights.LifeTable));
            // R-109 counted from the opening year, discounted to the decision year 3 years earlier.
            Assert.That(options.CostDiscounting.Factor(3 + 40, options.DiscountStepsOffsetYears), Is.EqualTo(Math.Pow(1.04, -43)).Within(1e-15));
        });
    }

    [Test]
    public void DefaultOffsets_AreNotWritten()
    {
        ScenarioWriter.Write(SmallScenario.Create(), _dir);
        Assert.That(File.ReadAllText(Path.Combine(_dir, "scenario.json")), Does.Not.Contain("discountStepsOffsetYears").And.Not.Contain("discountTimeOffsetYears"));
    }

    [Test]
    public void NegativeTimeOffset_IsAProblemNamingTheField()
    {
        var s = SmallScenario.Create();
        ScenarioWriter.Write(s with { Settings = s.Settings with { DiscountTimeOffsetYears = -1 } }, _dir);
        var e = Assert.Throws<ScenarioFormatException>(() => ScenarioReader.Read(_dir))!;
        Assert.That(e.Problems.Select(p => (p.File, p.Field)), Does.Contain(("scenario.json", "discountTimeOffsetYears")));
    }

    [TestCase("trapezoid", "half-cycle")]
    [TestCase("trapezoid-discounted", "half-cycle")]
    [TestCase("life-table", "life-table")]
    public void CountingNames_Map(string name, string convention)
    {
        var s = SmallScenario.Create();
        var model = (s with { Settings = s.Settings with { Counting = name } }).BuildModel();
        Assert.That(model.Options.StateWeights.Name, Is.EqualTo(convention));
    }
}
