using System.Globalization;
using System.Text.RegularExpressions;
using SocialInvestment.Economics;
using SocialInvestment.Model;
using SocialInvestment.Tests.TestSupport;
using SocialInvestment.Uncertainty;
using SocialInvestment.Workloads;

namespace SocialInvestment.Tests.Uncertainty;

/// <summary>
/// Rows and cells of scaled form (a drawn level times a shape) that repeat over the cycles: the lanes compute
/// each distinct one once per batch and the others read its lanes, with the results of draw-by-draw evaluation
/// bit for bit. Blocks whose shape changes with age are not merged (the same comparison fails if they were).
/// </summary>
public class LaneBlockAliasTests
{
    private static (LifeCourseModel Model, PsaSpecification Spec) Build()
    {
        var b = new LifeCourseModelBuilder("aliased blocks");
        var onset = b.AddParameter("onset", 0.08);
        var recovery = b.AddParameter("recovery", 0.3);
        var sickCost = b.AddParameter("sick cost", 12000);
        var wellCost = b.AddParameter("well cost", 400);
        var programCost = b.AddParameter("program cost", 2500);
        var qaly = b.AddParameter("utility sick", 0.7);
        b.AddState("Well").AddState("Sick").AddState("Dead", absorbing: true).AddPayers(RandomModels.Kommune).AddSectors(RandomModels.Services).AddOutcomes(Outcome.Qaly);

        // Banded shapes (constant within an age band): the rows and cells of a band repeat.
        b.Rate("Well", "Sick", onset, (in ModelContext c) => c.Age < 40 ? 1.0 : 1.6);
        b.Rate("Sick", "Well", recovery, (in ModelContext c) => c.Age < 50 ? 1.0 : 0.5);
        b.Rate("Well", "Dead", 0.004).Rate("Sick", "Dead", 0.03);
        b.StateFlow("Sick", RandomModels.KommuneCost, sickCost, (in ModelContext _) => 1.0);

        // An age-shaped cost: a different cell every cycle, never merged.
        b.StateFlow("Well", RandomModels.KommuneCost, wellCost, (in ModelContext c) => 1.0 + (0.02 * (c.Age - 30)));
        b.StateOutcome("Sick", Outcome.Qaly, qaly, (in ModelContext _) => 1.0);
        b.StateOutcome("Well", Outcome.Qaly, 1.0);
        b.WithPopulation(Population.StartingIn(30, "Well"));
        var program = Intervention.Create("program")
            .AffectTransition("Well", "Sick", EffectMeasure.HazardRatio, 0.7)
            .CostPerCycle(RandomModels.KommuneCost, programCost, 20)
            .Build();
        var model = b.AddStrategy(Strategy.BusinessAsUsual).AddStrategy(new Strategy("with program", program)).WithOptions(new SimulationOptions { Cycles = 40 }).Build();
        var spec = new PsaSpecification(model)
            .With(onset, GammaDistribution.FromMeanAndStandardError(0.08, 0.01))
            .With(recovery, BetaDistribution.FromMeanAndStandardError(0.3, 0.05))
            .With(sickCost, GammaDistribution.FromMeanAndStandardError(12000, 2000))
            .With(wellCost, GammaDistribution.FromMeanAndStandardError(400, 60))
            .With(programCost, GammaDistribution.FromMeanAndStandardError(2500, 300))
            .With(qaly, BetaDistribution.FromMeanAndStandardError(0.7, 0.05));
        return (model, spec);
    }

    private static int Count(CohortDrawEvaluator evaluator, string field)
    {
        var match = Regex.Match(evaluator.BlockCounts(), $"\"{field}\":(\\d+)");
        Assert.That(match.Success, Is.True, field);
        return int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
    }

    /// <summary>The evaluator's own boundary: no strategies, or a comparator outside them, is an argument error naming the comparator, not an index error (the PSA's public paths resolve an empty list to business as usual first).</summary>
    [Test]
    public void NoStrategiesOrAComparatorOutsideThem_IsAnArgumentError()
    {
        var (model, spec) = Build();
        Assert.Multiple(() =>
        {
            Assert.That(() => CohortDrawEvaluator.Create(spec, [], 0, [Perspective.PublicSector]), Throws.ArgumentException.With.Property("ParamName").EqualTo("comparator"));
            Assert.That(() => CohortDrawEvaluator.Create(spec, model.Strategies, model.Strategies.Count, [Perspective.PublicSector]), Throws.ArgumentException.With.Property("ParamName").EqualTo("comparator"));
            Assert.That(() => CohortDrawEvaluator.Create(spec, model.Strategies, -1, [Perspective.PublicSector]), Throws.ArgumentException.With.Property("ParamName").EqualTo("comparator"));
        });
    }

    [Test]
    public void RepeatingScaledRowsAndCells_AreComputedOnce()
    {
        var (model, spec) = Build();
        var evaluator = CohortDrawEvaluator.Create(spec, model.Strategies, 0, [Perspective.PublicSector])!;
        Assert.That(evaluator.HasLanes);
        Assert.Multiple(() =>
        {
            // Per strategy two bands of each drawn rate, so all but a few rows read an earlier row's lanes.
            Assert.That(Count(evaluator, "rows_lane_aliased"), Is.GreaterThan(Count(evaluator, "rows_computed") / 2), "rows");
            Assert.That(Count(evaluator, "cells_lane_aliased"), Is.GreaterThan(0), "cells");

            // The Well cells change every cycle (their cost is age-shaped): of the Sick and Well cells per cycle
            // at most the Sick ones are merged.
            Assert.That(Count(evaluator, "cells_lane_aliased"), Is.LessThan(Count(evaluator, "cells_computed")), "age-shaped cells stay apart");
        });
    }

    [Test]
    public void StrategiesPlannedAtOnce_GiveTheSamePlan()
    {
        // The evaluator compiles its strategies in parallel and then shares their blocks in strategy order:
        // the same blocks shared, copied and aliased on any thread count.
        var model = Welfare16.Build();
        var spec = Welfare16.Specification(model);
        var one = CohortDrawEvaluator.Create(spec, model.Strategies, 0, Welfare16.Perspectives, threads: 1)!;
        var four = CohortDrawEvaluator.Create(spec, model.Strategies, 0, Welfare16.Perspectives, threads: 4)!;
        Assert.That(four.BlockCounts(), Is.EqualTo(one.BlockCounts()));
        Assert.That(Count(one, "rows_computed"), Is.LessThan(Count(one, "rows_recomputed")), "some rows are copied across strategies");
    }

    [Test]
    public void AliasedScaledBlocks_Lanes_AreTheDrawByDrawResults_BitForBit()
    {
        var (model, spec) = Build();
        LaneBatches.AssertEqualDrawByDraw(model, spec, 23);
    }

    [Test]
    public void AliasedScaledBlocks_AgreeWithTheGeneralPath()
    {
        // Outcomes bit for bit, costs and figures within IncrementalPsaTests' tolerances (summed per perspective).
        var (model, spec) = Build();
        var options = new PsaOptions { Draws = 40, Seed = 5, KeepDraws = true, Threads = 1 };
        var general = ProbabilisticAnalysis.Run(spec, options, IncrementalPsaTests.General(model));
        IncrementalPsaTests.AssertAgrees(general, ProbabilisticAnalysis.Run(spec, options));
        IncrementalPsaTests.AssertAgrees(general, ProbabilisticAnalysis.Run(spec, options with { Threads = 2 }));
    }
}
