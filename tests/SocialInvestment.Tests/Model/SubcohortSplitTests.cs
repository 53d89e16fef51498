using SocialInvestment.Model;
using SocialInvestment.Workloads;

namespace SocialInvestment.Tests.Model;

/// <summary>
/// The sub-cohort split a compilation re-plans at every PSA draw: kept as it is when no drawn value
/// reaches it (every intervention mean-effect), planned again when an uptake splits the cohort, and in
/// both cases equal to a fresh compilation's split at the draw's values.
/// </summary>
public class SubcohortSplitTests
{
    [TestCase(UptakeMode.MeanEffect, true)]
    [TestCase(UptakeMode.Subcohorts, false)]
    public void PlanSubcohorts_AtAnotherUptake_IsTheFreshSplit_KeptWhenNoDrawnValueReachesIt(UptakeMode mode, bool kept)
    {
        // Welfare-16's strategy C has both interventions (uptakes u_A 0.60 and u_B 0.35 at the base values).
        var model = Welfare16.Build(mode);
        var c = Welfare16.StrategyNamed(model, "C");
        var compilation = Compilation.Start(model, c, model.BaseParameters, [], null)!;
        var first = compilation.PlanSubcohorts(null);
        var before = Snapshot(first);

        var draw = model.BaseParameters.With(model.Parameter("u_A"), 0.3).With(model.Parameter("u_B"), 0.9);
        Assert.That(compilation.Rebind(draw), Is.True);
        var again = compilation.PlanSubcohorts(first);
        var fresh = Compilation.Start(model, c, draw, [], null)!.PlanSubcohorts(null);

        Assert.Multiple(() =>
        {
            Assert.That(Snapshot(again), Is.EqualTo(Snapshot(fresh)), "the split at the draw's values");
            Assert.That(ReferenceEquals(again, first), Is.True, "the list is reused");
            if (kept)
            {
                Assert.That(Snapshot(again), Is.EqualTo(before), "a mean-effect uptake weighs effects and costs, not the split");
            }
            else
            {
                Assert.That(Snapshot(again), Is.Not.EqualTo(before), "an uptake that splits the cohort moves the masses");
            }
        });

        // Back at the base values the split is the first one again (nothing stale is kept).
        Assert.That(compilation.Rebind(model.BaseParameters), Is.True);
        Assert.That(Snapshot(compilation.PlanSubcohorts(again)), Is.EqualTo(before));
    }

    private static List<string> Snapshot(List<SubcohortPlan> plans)
        => [.. plans.Select(p => $"{p.StartAge}/{p.Mask}/{BitConverter.DoubleToInt64Bits(p.Mass)}/{string.Join(",", p.Initial.Select(BitConverter.DoubleToInt64Bits))}")];
}
