using SocialInvestment.Csv.Tests.TestSupport;
using SocialInvestment.Economics;
using SocialInvestment.Engine;
using SocialInvestment.Model;
using SocialInvestment.Scenarios;

namespace SocialInvestment.Csv.Tests;

/// <summary>
/// A model problem found in a scenario read from files is located on its row (file, line, column,
/// field) through its machine-readable subject and the map built while reading, in the reader's
/// <see cref="ScenarioFormatException"/> and in <see cref="Scenario.BuildModel()"/>'s <see cref="ModelValidationException"/>.
/// </summary>
public sealed class StructuredProblemTests
{
    private string _dir = null!;

    [SetUp]
    public void SetUp()
    {
        _dir = Directory.CreateTempSubdirectory("socinv-structured-").FullName;
        ScenarioWriter.Write(SmallScenario.Create(), _dir);
    }

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, recursive: true);

    private string PathOf(string file) => Path.Combine(_dir, file);

    private int ColumnOf(string file, string column) => Array.IndexOf(File.ReadLines(PathOf(file)).First().Split(','), column) + 1;

    /// <summary>Drops the neet remainder (transitions.csv line 9), so the neet row, first defined on line 7, no longer sums to one.</summary>
    private void DropNeetRemainder()
    {
        var lines = File.ReadAllLines(PathOf("transitions.csv")).ToList();
        Assert.That(lines[8], Does.StartWith("neet,neet,remainder"), "test setup");
        lines.RemoveAt(8);
        File.WriteAllLines(PathOf("transitions.csv"), lines);
    }

    [Test]
    public void Reader_RowNotSummingToOne_NamesFileLineColumnFieldAndSubject()
    {
        DropNeetRemainder();
        var p = Assert.Throws<ScenarioFormatException>(() => ScenarioReader.Read(_dir))!.Problems.Single();
        Assert.Multiple(() =>
        {
            Assert.That(ColumnOf("transitions.csv", "value"), Is.EqualTo(6), "test setup: the value column");
            Assert.That((p.File, p.Line, p.Column, p.Field), Is.EqualTo(("transitions.csv", (int?)7, (int?)6, "value")));
            Assert.That(p.Target, Is.EqualTo(ProblemSubject.TransitionRow("neet")));
            Assert.That(p.ToString(), Does.StartWith("transitions.csv:7:6: [value] row 'neet': The probabilities sum to"));
        });
    }

    [Test]
    public void Validator_UnknownStateInARow_NamesItsColumn()
    {
        var lines = File.ReadAllLines(PathOf("population.csv"));
        lines[2] = lines[2].Replace("neet,", "neeet,", StringComparison.Ordinal);
        File.WriteAllLines(PathOf("population.csv"), lines);
        var p = Assert.Throws<ScenarioFormatException>(() => ScenarioReader.Read(_dir))!.Problems.Single();
        Assert.That((p.File, p.Line, p.Column, p.Field), Is.EqualTo(("population.csv", (int?)3, (int?)ColumnOf("population.csv", "state"), "state")));
        Assert.That(p.Column, Is.EqualTo(1));
    }

    [Test]
    public void BuildModel_ProblemsCarryTheirSubjectAndPosition()
    {
        var read = ScenarioReader.Read(_dir);
        var noRemainder = read with { Transitions = read.Transitions.Where(t => !(t.From == "neet" && t.Kind == TransitionValueKind.Remainder)).ToArray() };
        var p = Assert.Throws<ModelValidationException>(() => noRemainder.BuildModel())!.Problems.Single();
        Assert.That(p.Target, Is.EqualTo(ProblemSubject.TransitionRow("neet")));
        Assert.That(p.Position, Is.EqualTo(new SourcePosition("transitions.csv", 7, 6, "value")));
        Assert.That(p.Subject, Is.EqualTo("transitions.csv:7: row 'neet'"));

        var noHorizon = read with { Settings = read.Settings with { HorizonCycles = 0 } };
        var h = Assert.Throws<ModelValidationException>(() => noHorizon.BuildModel())!.Problems.First(x => x.Target.Kind == ProblemKind.Setting);
        Assert.That(h.Target, Is.EqualTo(ProblemSubject.Setting(nameof(SimulationOptions.Cycles))));
        Assert.That((h.Position?.File, h.Position?.Field), Is.EqualTo(("scenario.json", "horizonCycles")));
        Assert.That(h.Position?.Line, Is.EqualTo(File.ReadAllLines(PathOf("scenario.json")).ToList().FindIndex(l => l.Contains("\"horizonCycles\"", StringComparison.Ordinal)) + 1));
        Assert.That(h.Subject, Is.EqualTo("options"), "a setting's subject text is not prefixed");
    }

    [Test]
    public void BuildModel_RowRemovedFromTheScenario_IsNotLocatedOnIt()
    {
        // A scenario derived with 'with' that drops the rows defining neet's row: the problem is not located on a row it no longer has.
        var read = ScenarioReader.Read(_dir);
        var changed = read with { Transitions = read.Transitions.Where(t => t.From != "neet").Append(new TransitionRow { From = "neet", To = "work", Kind = TransitionValueKind.Probability, Value = 0.5 }).ToArray() };
        var p = Assert.Throws<ModelValidationException>(() => changed.BuildModel())!.Problems.Single();
        Assert.That(p.Target, Is.EqualTo(ProblemSubject.TransitionRow("neet")));
        Assert.That(p.Position, Is.Null);
        Assert.That(p.Subject, Is.EqualTo("row 'neet'"));
    }

    [Test]
    public void InMemoryScenario_ProblemsHaveSubjectsButNoPosition()
    {
        var s = SmallScenario.Create();
        var bad = s with { Transitions = s.Transitions.Where(t => !(t.From == "neet" && t.Kind == TransitionValueKind.Remainder)).ToArray() };
        var p = Assert.Throws<ModelValidationException>(() => bad.BuildModel())!.Problems.Single();
        Assert.That((p.Target, p.Position), Is.EqualTo((ProblemSubject.TransitionRow("neet"), (SourcePosition?)null)));
    }
}

/// <summary>The one parser of convention names (counting, discount presets) and the file format's defaults.</summary>
public sealed class ScenarioConventionsTests
{
    [TestCase("beginning")]
    [TestCase(" Half-Cycle ")]
    [TestCase("trapezoid")]
    [TestCase("life-table")]
    [TestCase("simpson")]
    public void Counting_KnownNames_AreRead(string name)
        => Assert.That(ScenarioConventions.TryParseCounting(name, out var w, out var problem) && w is not null && problem is null, Is.True);

    [Test]
    public void Counting_NamesGiveTheCoresConventions()
    {
        Assert.That(ScenarioConventions.ParseCounting("trapezoid"), Is.SameAs(CycleWeights.HalfCycle));
        Assert.That(ScenarioConventions.ParseCounting("life-table"), Is.SameAs(CycleWeights.LifeTable));
        Assert.That(ScenarioConventions.ParseCounting("beginning"), Is.SameAs(CycleWeights.Beginning));
        Assert.That(ScenarioConventions.TryParseCounting("middle", out _, out var problem), Is.False);
        Assert.That(problem, Is.EqualTo("Unknown counting convention 'middle'. Known: beginning, end, all-points, half-cycle (trapezoid), life-table, simpson-darth."));
        Assert.That(() => ScenarioConventions.ParseCounting("middle"), Throws.ArgumentException);
    }

    [Test]
    public void Discounting_PresetsAndConstants()
    {
        Assert.That(ScenarioConventions.ParseDiscounting("R-109"), Is.SameAs(DiscountSchedule.Norway2021));
        Assert.That(ScenarioConventions.ParseDiscounting("uk"), Is.SameAs(DiscountSchedule.UkGreenBook));
        Assert.That(ScenarioConventions.ParseDiscounting("constant:0.03").Factor(1), Is.EqualTo(1 / 1.03).Within(1e-15));
        Assert.That(ScenarioConventions.TryParseDiscounting("norvay", out _, out var problem), Is.False);
        Assert.That(problem, Is.EqualTo("Unknown discount preset 'norvay'. Known: none, norway, uk, denmark, denmark2013, constant:RATE."));
        Assert.That(ScenarioConventions.TryParseDiscounting("constant:-2", out _, out var bad), Is.False);
        Assert.That(bad, Does.Contain("greater than −1").And.Not.Contain("(Parameter").And.Not.Contain("Actual value"));
    }

    [Test]
    public void Defaults_AreReadFromOnePlace()
    {
        var s = new ScenarioSettings { Name = "x" };
        Assert.Multiple(() =>
        {
            Assert.That(s.Counting, Is.EqualTo(ScenarioConventions.DefaultCounting));
            Assert.That(ScenarioConventions.ParseCounting(ScenarioConventions.DefaultCounting), Is.SameAs(CycleWeights.HalfCycle), "files default to the half-cycle correction");
            Assert.That(new SimulationOptions().StateWeights, Is.SameAs(CycleWeights.Beginning), "code defaults to beginning-of-cycle counting (documented difference)");
            Assert.That(s.CostDiscounting, Is.EqualTo(ScenarioConventions.DefaultDiscounting));
            Assert.That(ScenarioConventions.ParseDiscounting(s.OutcomeDiscounting), Is.SameAs(new SimulationOptions().OutcomeDiscounting));
            Assert.That(s.TaxFinancingCost, Is.EqualTo(Perspective.DefaultTaxFinancingCost));
        });
    }
}
