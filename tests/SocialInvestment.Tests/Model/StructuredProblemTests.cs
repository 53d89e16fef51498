using SocialInvestment.Economics;
using SocialInvestment.Engine;
using SocialInvestment.Model;

namespace SocialInvestment.Tests.Model;

/// <summary>A core validation problem says what it is about as data (kind and keys, member, strategy, cycle, age), so that a host locates it without reading its text.</summary>
public class StructuredProblemTests
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
    public void UnknownState_InATransition_CarriesTheTransitionAndTheMember()
    {
        var e = BuildFails(Valid().Probability("B", "Nowhere", 0.1));
        var p = e.Problems.Single(x => x.Message.Contains("Nowhere", StringComparison.Ordinal));
        Assert.Multiple(() =>
        {
            Assert.That(p.Target.Kind, Is.EqualTo(ProblemKind.Transition));
            Assert.That(p.Target.Keys, Is.EqualTo(new[] { "B", "Nowhere" }));
            Assert.That(p.Target, Is.EqualTo(ProblemSubject.Transition("B", "Nowhere")), "compared by value");
            Assert.That(p.Member, Is.EqualTo(nameof(TransitionDefinition.To)));
            Assert.That(p.Position, Is.Null, "a model built in code has no file position");
        });
    }

    [Test]
    public void ValueFoundWrongInACycle_CarriesTheTransitionCycleAndAge()
    {
        var b = new LifeCourseModelBuilder("neg");
        b.AddState("A").AddState("Dead", absorbing: true).AddPayers(Kommune).AddSectors(Services);
        b.Probability("A", "Dead", (in ModelContext c) => c.Cycle == 3 ? -0.1 : 0.01).Remainder("A", "A");
        b.WithPopulation(Population.StartingIn(25, "A"));
        var p = BuildFails(b).Problems.Single();
        Assert.That((p.Target, p.Cycle, p.Age), Is.EqualTo((ProblemSubject.Transition("A", "Dead"), (int?)3, (double?)28)));
    }

    [Test]
    public void RowNotSummingToOne_IsAProblemOfTheRow()
    {
        var b = new LifeCourseModelBuilder("rows");
        b.AddState("A").AddState("Dead", absorbing: true).AddPayers(Kommune).AddSectors(Services);
        b.Probability("A", "A", 0.5).Probability("A", "Dead", 0.3);
        b.WithPopulation(Population.StartingIn(25, "A"));
        var p = BuildFails(b).Problems.Single();
        Assert.That(p.Target, Is.EqualTo(ProblemSubject.TransitionRow("A")));
        Assert.That(p.Target.ToString(), Is.EqualTo("TransitionRow(A)"));
    }

    [Test]
    public void ProblemUnderAStrategy_NamesTheStrategyAsData()
    {
        var iv = Intervention.Create("push").EligibleIn("A").AffectTransition("A", "B", EffectMeasure.RelativeRisk, 50).Build();
        var p = BuildFails(Valid().AddStrategy(Strategy.BusinessAsUsual).AddStrategy(new Strategy("S", iv))).Problems.Single();
        Assert.Multiple(() =>
        {
            Assert.That(p.Strategy, Is.EqualTo("S"));
            Assert.That(p.Target.Kind, Is.EqualTo(ProblemKind.TransitionRow));
            Assert.That(p.Target.Keys, Is.EqualTo(new[] { "A" }));
            Assert.That(p.Subject, Does.StartWith("strategy 'S', "), "the text is unchanged");
        });
    }

    [Test]
    public void BadOption_IsASettingKeyedByTheOptionsName()
    {
        var p = BuildFails(Valid().WithOptions(new SimulationOptions { Cycles = 5, DiscountTimeOffsetYears = -1 })).Problems.Single();
        Assert.That((p.Target, p.Subject), Is.EqualTo((ProblemSubject.Setting(nameof(SimulationOptions.DiscountTimeOffsetYears)), "options")));
        var limit = new SimulationOptions { Cycles = ModelLimits.Default.MaxCycles + 1 };
        Assert.That(ModelLimits.Default.CheckOptions(limit).Select(x => x.Target), Has.Some.EqualTo(ProblemSubject.Setting(nameof(SimulationOptions.Cycles))));
        Assert.That(new SimulationOptions { Cycles = ModelLimits.MinCycles - 1 }.Problems().Select(x => x.Target), Has.Some.EqualTo(ProblemSubject.Setting(nameof(SimulationOptions.Cycles))));
    }

    [Test]
    public void DuplicateNames_PayerLoops_AndPopulationGroups_CarryTheirKeys()
    {
        var b = Valid().AddState("A").AddPayers(new Payer("x", true, "y"), new Payer("y", true, "x"))
            .WithPopulation(new Population([new PopulationGroup(20, "A", 1), new PopulationGroup(30, "Dead", 1)]));
        var targets = BuildFails(b).Problems.Select(p => (p.Target, p.Member)).ToArray();
        Assert.That(targets, Does.Contain((ProblemSubject.State("A"), (string?)"Name")));
        Assert.That(targets, Does.Contain((ProblemSubject.Payer("x"), (string?)nameof(Payer.Parent))));
        Assert.That(targets, Does.Contain((ProblemSubject.PopulationGroup(2), (string?)nameof(PopulationGroup.State))));
    }

    [Test]
    public void ProblemSubject_EqualityIsByKindAndKeys()
    {
        Assert.That(ProblemSubject.Of(ProblemKind.Transition, "A", "B"), Is.EqualTo(ProblemSubject.Transition("A", "B")));
        Assert.That(ProblemSubject.Transition("A", "B").GetHashCode(), Is.EqualTo(ProblemSubject.Of(ProblemKind.Transition, "A", "B").GetHashCode()));
        Assert.That(ProblemSubject.Transition("A", "B"), Is.Not.EqualTo(ProblemSubject.Transition("B", "A")));
        Assert.That(ProblemSubject.State("A"), Is.Not.EqualTo(ProblemSubject.Payer("A")));
        Assert.That(ProblemSubject.Model.Keys, Is.Empty);
    }
}
