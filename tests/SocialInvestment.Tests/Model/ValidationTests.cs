using SocialInvestment.Engine;
using SocialInvestment.Model;

namespace SocialInvestment.Tests.Model;

/// <summary>Bad input gives one aggregated <see cref="ModelValidationException"/> naming each problem.</summary>
public class ValidationTests
{
    private static readonly Payer Kommune = new("kommune", true);
    private static readonly Sector Services = new("services");
    private static readonly Account Cost = new(Kommune, Services, FlowKind.ResourceCost);

    private static LifeCourseModelBuilder Valid()
    {
        var b = new LifeCourseModelBuilder("valid");
        b.AddState("A").AddState("B").AddState("Dead", absorbing: true).AddPayers(Kommune).AddSectors(Services);
        b.Probability("A", "B", 0.1).Probability("A", "Dead", 0.01).Remainder("A", "A");
        b.Probability("B", "A", 0.2).Probability("B", "Dead", 0.02).Remainder("B", "B");
        b.StateFlow("A", Cost, 1000);
        b.WithPopulation(Population.StartingIn(20, "A"));
        return b;
    }

    private static ModelValidationException BuildFails(LifeCourseModelBuilder b)
        => Assert.Throws<ModelValidationException>(() => b.Build())!;

    [Test]
    public void Build_ValidModel_Succeeds() => Assert.That(Valid().Build().States, Has.Count.EqualTo(3));

    [Test]
    public void Build_NegativeProbability_NamesTransitionCycleAndAge()
    {
        var b = Valid().Probability("B", "Dead", 0.0);
        var b2 = new LifeCourseModelBuilder("neg");
        b2.AddState("A").AddState("Dead", absorbing: true).AddPayers(Kommune).AddSectors(Services);
        b2.Probability("A", "Dead", (in ModelContext c) => c.Cycle == 3 ? -0.1 : 0.01).Remainder("A", "A");
        b2.WithPopulation(Population.StartingIn(25, "A"));
        var e = BuildFails(b2);
        Assert.That(e.Problems, Has.Count.EqualTo(1));
        Assert.That(e.Problems[0].Subject, Is.EqualTo("transition A → Dead"));
        Assert.That(e.Problems[0].Message, Does.Contain("-0.1").And.Contain("cycle 3").And.Contain("age 28"));
        Assert.That(b, Is.Not.Null);
    }

    [Test]
    public void Build_RowNotSummingToOne_NamesRowAndSum()
    {
        var b = new LifeCourseModelBuilder("rows");
        b.AddState("A").AddState("Dead", absorbing: true).AddPayers(Kommune).AddSectors(Services);
        b.Probability("A", "A", 0.5).Probability("A", "Dead", 0.3);
        b.WithPopulation(Population.StartingIn(25, "A"));
        var e = BuildFails(b);
        Assert.That(e.Problems.Single().Subject, Is.EqualTo("row 'A'"));
        Assert.That(e.Problems.Single().Message, Does.Contain("sum to 0.8"));
    }

    [Test]
    public void Build_UnknownStateAndPayer_AreBothReported()
    {
        var b = Valid();
        b.Probability("A", "Nowhere", 0.1);
        b.StateFlow("Ghost", new Account(new Payer("fylket", true), Services, FlowKind.ResourceCost), 5);
        var e = BuildFails(b);
        Assert.Multiple(() =>
        {
            Assert.That(e.Problems.Any(p => p.Subject == "transition A → Nowhere" && p.Message.Contains("Unknown state 'Nowhere'")), Is.True, e.Message);
            Assert.That(e.Problems.Any(p => p.Message.Contains("Unknown state 'Ghost'")), Is.True, e.Message);
            Assert.That(e.Problems.Any(p => p.Message.Contains("Unknown payer 'fylket'")), Is.True, e.Message);
            Assert.That(e.Message, Does.Contain("3 problems"));
        });
    }

    [Test]
    public void Build_NaNProbabilityAndNaNCost_AreReported()
    {
        var b = new LifeCourseModelBuilder("nan");
        b.AddState("A").AddState("Dead", absorbing: true).AddPayers(Kommune).AddSectors(Services);
        b.Probability("A", "Dead", double.NaN).Remainder("A", "A");
        b.StateFlow("A", Cost, double.NaN);
        b.WithPopulation(Population.StartingIn(25, "A"));
        var e = BuildFails(b);
        Assert.That(e.Problems.Any(p => p.Subject == "transition A → Dead" && p.Message.Contains("not a finite number")), Is.True, e.Message);
        Assert.That(e.Problems.Any(p => p.Subject.Contains("flow") && p.Message.Contains("not a finite number")), Is.True, e.Message);
    }

    [Test]
    public void Build_EmptyModel_ReportsEverythingMissing()
    {
        var e = BuildFails(new LifeCourseModelBuilder("empty"));
        Assert.Multiple(() =>
        {
            Assert.That(e.Problems.Any(p => p.Message.Contains("no states")), Is.True, e.Message);
            Assert.That(e.Problems.Any(p => p.Subject == "population"), Is.True, e.Message);
        });
    }

    [TestCase(0)]
    [TestCase(-5)]
    public void Build_HorizonNotPositive_IsReported(int cycles)
    {
        var e = BuildFails(Valid().WithOptions(new SimulationOptions { Cycles = cycles }));
        Assert.That(e.Problems.Single().Subject, Is.EqualTo("options"));
        Assert.That(e.Problems.Single().Message, Does.Contain("horizon").And.Contain(cycles.ToString(System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Test]
    public void Build_DuplicateNamesAndMixedRows_AreReported()
    {
        var b = Valid();
        b.AddState("A");
        b.Rate("B", "A", 0.3);
        var e = BuildFails(b);
        Assert.Multiple(() =>
        {
            Assert.That(e.Problems.Any(p => p.Subject == "state 'A'" && p.Message.Contains("more than once")), Is.True, e.Message);
            Assert.That(e.Problems.Any(p => p.Subject == "transition B → A" && p.Message.Contains("more than once")), Is.True, e.Message);
            Assert.That(e.Problems.Any(p => p.Subject == "row 'B'" && p.Message.Contains("mixes rates and probabilities")), Is.True, e.Message);
        });
    }

    [Test]
    public void Build_StateWithoutRowAndPopulationInAbsorbingState_AreReported()
    {
        var b = new LifeCourseModelBuilder("norow");
        b.AddState("A").AddState("Dead", absorbing: true).AddPayers(Kommune).AddSectors(Services);
        b.WithPopulation(new Population([new PopulationGroup(20, "Dead", 1), new PopulationGroup(20, "A", -1)]));
        var e = BuildFails(b);
        Assert.Multiple(() =>
        {
            Assert.That(e.Problems.Any(p => p.Subject == "state 'A'" && p.Message.Contains("no outgoing transitions")), Is.True, e.Message);
            Assert.That(e.Problems.Any(p => p.Message.Contains("absorbing")), Is.True, e.Message);
            Assert.That(e.Problems.Any(p => p.Message.Contains("weight")), Is.True, e.Message);
        });
    }

    [Test]
    public void Build_InterventionWithUnknownNames_IsReportedPerStrategy()
    {
        var iv = Intervention.Create("team").EligibleIn("Nope").AffectTransition("A", "Zzz", EffectMeasure.HazardRatio, 0.8).WithUptake(1.5).Build();
        var e = BuildFails(Valid().AddStrategy(new Strategy("bad", iv)));
        Assert.Multiple(() =>
        {
            Assert.That(e.Problems.Any(p => p.Subject.Contains("intervention 'team' in strategy 'bad'") && p.Message.Contains("Unknown state 'Nope'")), Is.True, e.Message);
            Assert.That(e.Problems.Any(p => p.Message.Contains("Unknown state 'Zzz'")), Is.True, e.Message);
        });
    }

    [Test]
    public void Compile_UptakeOutsideUnitInterval_IsReported()
    {
        var iv = Intervention.Create("team").WithUptake(1.5).Build();
        var e = BuildFails(Valid().AddStrategy(new Strategy("bad", iv)));
        Assert.That(e.Problems.Any(p => p.Message.Contains("Uptake must lie in [0, 1]")), Is.True, e.Message);
    }

    [Test]
    public void Compile_EffectThatPushesProbabilityAboveOne_IsReported()
    {
        var iv = Intervention.Create("harm").AffectTransition("A", "B", EffectMeasure.RelativeRisk, 20).Build();
        var e = BuildFails(Valid().AddStrategy(new Strategy("harm", iv)));
        Assert.That(e.Problems.Single().Message, Does.Contain("after intervention effects"));
    }

    [Test]
    public void WithOptions_Invalid_Throws()
    {
        var model = Valid().Build();
        Assert.That(() => model.WithOptions(new SimulationOptions { CycleLengthYears = 0 }), Throws.TypeOf<ModelValidationException>());
    }

    [Test]
    public void CustomWeights_WrongLength_IsReported()
    {
        var e = BuildFails(Valid().WithOptions(new SimulationOptions { Cycles = 3, StateWeights = CycleWeights.Custom([1, 1, 1]) }));
        Assert.That(e.Problems.Single().Message, Does.Contain("needs 4"));
    }
}
