using SocialInvestment.Csv.Tests.TestSupport;
using SocialInvestment.Model;
using SocialInvestment.Scenarios;

namespace SocialInvestment.Csv.Tests;

/// <summary>
/// Problems found in scenario files are written for the user where they are found: the core is
/// never asked to throw for file input, so .NET's " (Parameter '…')" and "Actual value was" text is
/// never produced, and no layer edits exception messages to remove it.
/// </summary>
public sealed class ExceptionTextTests
{
    private string _dir = null!;

    [SetUp]
    public void SetUp() => _dir = Directory.CreateTempSubdirectory("socinv-exception-text-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, recursive: true);

    private IReadOnlyList<ScenarioProblem> Problems(Scenario scenario)
    {
        ScenarioWriter.Write(scenario, _dir);
        return Assert.Throws<ScenarioFormatException>(() => ScenarioReader.Read(_dir))!.Problems;
    }

    [TestCase(EffectProfileKind.Constant, -1.0, null, "profile_years must be a positive number of years (got -1).")]
    [TestCase(EffectProfileKind.Decay, 0.0, null, "profile_years (the half-life) must be a positive number of years (got 0).")]
    [TestCase(EffectProfileKind.Decay, 2.0, -1.0, "profile_until (the delay) must be ≥ 0 years (got -1).")]
    [TestCase(EffectProfileKind.Linear, 5.0, 3.0, "profile_until (3) must be after profile_years (5): the effect must end after the full-effect period.")]
    public void ABadEffectProfile_IsDescribedInTheFilesTerms(EffectProfileKind kind, double years, double? until, string message)
    {
        var s = SmallScenario.Create();
        var e = s.Effects[0] with { Profile = kind, ProfileYears = years, ProfileUntil = until };
        var p = Problems(s with { Effects = [e, .. s.Effects.Skip(1)] }).Single();
        Assert.That((p.File, p.Line, p.Field, p.Message), Is.EqualTo(("effects.csv", (int?)2, "profile", message)));
    }

    [Test]
    public void EligibleAgesTheWrongWayRound_AreLocatedOnMaxAge()
    {
        var s = SmallScenario.Create();
        var p = Problems(s with { Interventions = [s.Interventions[0] with { MinAge = 30, MaxAge = 16 }] }).Single();
        Assert.That((p.File, p.Line, p.Field, p.Message), Is.EqualTo(("interventions.csv", (int?)2, "max_age", "The highest eligible age (16) must be ≥ the lowest (30).")));
    }

    [Test]
    public void ABadConstantDiscountRate_ComesFromTheCoresRuleWithoutDotNetText()
    {
        Assert.That(ScenarioConventions.TryParseDiscounting("constant:-2", out _, out var problem), Is.False);
        Assert.That(problem, Is.EqualTo("Discount rate of step 1 must be finite and greater than −1."));
    }

    [Test]
    public void RunOverrides_ThatAreUnknown_ThrowWithoutAParameterSuffix()
    {
        var perspective = Assert.Throws<ArgumentException>(() => ScenarioRunner.Run(SmallScenario.Create(), new ScenarioRunOptions { Perspectives = ["kommune"] }))!;
        var discount = Assert.Throws<ArgumentException>(() => ScenarioRunner.Run(SmallScenario.Create(), new ScenarioRunOptions { Discounting = "martian" }))!;
        Assert.Multiple(() =>
        {
            Assert.That(perspective.Message, Does.StartWith("Unknown perspective(s): kommune.").And.Not.Contain("(Parameter"));
            Assert.That(discount.Message, Is.EqualTo("Unknown discount preset 'martian'. Known: none, norway, uk, denmark, denmark2013, constant:RATE."));
        });
    }

    [Test]
    public void NoSourceFile_EditsExceptionMessages()
    {
        var offenders = Directory.EnumerateFiles(Path.Combine(Repository.Root, "src"), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Where(f => File.ReadAllText(f) is var text && (text.Contains("(Parameter '", StringComparison.Ordinal) || text.Contains("\"Actual value was", StringComparison.Ordinal)))
            .Select(f => Path.GetRelativePath(Repository.Root, f))
            .ToList();
        Assert.That(offenders, Is.Empty, "code that strips .NET's parameter text from messages instead of not producing it");
    }
}
