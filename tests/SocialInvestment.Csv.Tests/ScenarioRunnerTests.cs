using SocialInvestment.Csv.Tests.TestSupport;
using SocialInvestment.Engine;
using SocialInvestment.Model;
using SocialInvestment.Scenarios;

namespace SocialInvestment.Csv.Tests;

public sealed class ScenarioRunnerTests
{
    private sealed class Collect : IProgress<RunProgress>
    {
        public List<RunProgress> Reports { get; } = [];

        public void Report(RunProgress value) => Reports.Add(value);
    }

    [Test]
    public void Run_WithOverrides_UsesHorizonDiscountingAndPerspectives()
    {
        var progress = new Collect();
        var run = ScenarioRunner.Run(SmallScenario.Create(), new ScenarioRunOptions { Horizon = 5, Discounting = "none", Perspectives = ["state", "society"] }, progress);
        Assert.That(run.Model.Options.Cycles, Is.EqualTo(5));
        Assert.That(run.Model.Options.CostDiscounting.Name, Is.EqualTo("none"));
        Assert.That(run.Appraisals.Select(a => a.Perspective.Name), Is.EqualTo(new[] { "state", "society (tax financing cost 20 %)" }));
        Assert.That(run.Appraisal("IPS for NEET", "society").NetPresentValue, Is.EqualTo(run.Appraisals[1].NetPresentValue));
        Assert.That(progress.Reports.Select(r => r.Completed), Is.EqualTo(new[] { 1, 2 }));
    }

    [Test]
    public void Run_UnknownPerspectiveOverride_ThrowsNamingIt()
    {
        Assert.That(() => ScenarioRunner.Run(SmallScenario.Create(), new ScenarioRunOptions { Perspectives = ["kommune"] }), Throws.ArgumentException.With.Message.Contains("kommune"));
    }

    [Test]
    public void Run_Cancelled_Throws()
    {
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        Assert.That(() => ScenarioRunner.Run(SmallScenario.Create(), ct: cts.Token), Throws.InstanceOf<OperationCanceledException>());
    }

    [Test]
    public void BuildModel_RowNotSummingToOne_ThrowsModelValidationException()
    {
        var s = SmallScenario.Create();
        var bad = s with { Transitions = s.Transitions.Where(t => !(t.From == "neet" && t.Kind == TransitionValueKind.Remainder)).ToArray() };
        var e = Assert.Throws<ModelValidationException>(() => bad.BuildModel())!;
        Assert.That(e.Problems.Select(p => p.Subject), Has.Some.EqualTo("row 'neet'"));
    }

    [Test]
    public void BuildModel_ScenarioReadFromFiles_PrefixesProblemsWithFileAndLine()
    {
        var dir = Directory.CreateTempSubdirectory("socinv-bm-").FullName;
        try
        {
            ScenarioWriter.Write(SmallScenario.Create(), dir);
            var read = ScenarioReader.Read(dir);
            var changed = read with { Settings = read.Settings with { HorizonCycles = 0 } };
            var e = Assert.Throws<ModelValidationException>(() => changed.BuildModel())!;
            Assert.That(e.Problems, Is.Not.Empty);

            var neetRows = read.Transitions.Where(t => t.From == "neet" && t.Kind != TransitionValueKind.Remainder).ToArray();
            var noRemainder = read with { Transitions = read.Transitions.Where(t => !(t.From == "neet" && t.Kind == TransitionValueKind.Remainder)).ToArray() };
            var e2 = Assert.Throws<ModelValidationException>(() => noRemainder.BuildModel())!;
            Assert.That(e2.Problems.Select(p => p.Subject), Has.Some.EqualTo("transitions.csv:7: row 'neet'"));
            Assert.That(neetRows, Has.Length.EqualTo(2));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Test]
    public void Perspectives_NamesFromSettings_MapToPayerPublicAndSociety()
    {
        var names = SmallScenario.Create().Perspectives().Select(p => p.Name);
        Assert.That(names, Is.EqualTo(new[] { "municipality", "public sector", "society (tax financing cost 20 %)" }));
    }
}
