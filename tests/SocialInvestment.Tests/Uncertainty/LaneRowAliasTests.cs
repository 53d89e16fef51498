using SocialInvestment.Model;
using SocialInvestment.Tests.TestSupport;
using SocialInvestment.Uncertainty;

namespace SocialInvestment.Tests.Uncertainty;

/// <summary>
/// Rows of a block with the same inputs (no entry evaluated per draw, the same cached values, effects
/// and factors) read one computed row's lanes: the lanes are still the draw-by-draw results bit for
/// bit, and a draw failing a check in such a row fails as the general path does.
/// </summary>
public class LaneRowAliasTests
{
    /// <summary>
    /// Constant probabilities and an intervention whose drawn effect (an odds ratio and a relative risk,
    /// constant over time) changes the rows of every cycle alike: those rows are aliased.
    /// </summary>
    private static (LifeCourseModel Model, PsaSpecification Spec) Build(EffectMeasure measure, Distribution size, double baseSize)
    {
        var b = new LifeCourseModelBuilder("aliased rows");
        var effect = b.AddParameter("effect", baseSize);
        var rr = b.AddParameter("rr", 0.8);
        var cost = b.AddParameter("cost", 300);
        b.AddState("Well").AddState("Sick").AddState("Dead", absorbing: true).AddPayers(RandomModels.Kommune).AddSectors(RandomModels.Services).AddOutcomes(Outcome.LifeYears);
        b.Probability("Well", "Sick", 0.2).Probability("Well", "Dead", 0.01).Remainder("Well", "Well");
        b.Probability("Sick", "Well", 0.3).Probability("Sick", "Dead", 0.05).Remainder("Sick", "Sick");
        b.StateFlow("Sick", RandomModels.KommuneCost, 1000);
        b.StateFlow("Well", RandomModels.KommuneCost, 10);
        b.WithPopulation(Population.StartingIn(30, "Well"));
        var iv = Intervention.Create("program")
            .AffectTransition("Well", "Sick", measure, effect)
            .AffectTransition("Sick", "Dead", EffectMeasure.RelativeRisk, rr)
            .CostPerCycle(RandomModels.KommuneCost, cost, 5)
            .Build();
        var model = b.AddStrategy(Strategy.BusinessAsUsual).AddStrategy(new Strategy("with program", iv)).WithOptions(new SimulationOptions { Cycles = 12 }).Build();
        var spec = new PsaSpecification(model)
            .With(effect, size)
            .With(rr, LogNormalDistribution.FromMeanAndStandardError(0.8, 0.1))
            .With(cost, GammaDistribution.FromMeanAndStandardError(300, 50));
        return (model, spec);
    }

    [Test]
    public void AliasedRows_Lanes_AreTheDrawByDrawResults_BitForBit()
    {
        var (model, spec) = Build(EffectMeasure.OddsRatio, LogNormalDistribution.FromMeanAndStandardError(0.6, 0.1), 0.6);
        var strategies = model.Strategies;
        var evaluator = CohortDrawEvaluator.Create(spec, strategies, 0, [Perspective.PublicSector])!;
        Assert.That(evaluator.HasLanes);
        var aliased = System.Text.RegularExpressions.Regex.Match(evaluator.BlockCounts(), "\"rows_lane_aliased\":(\\d+)");
        Assert.That(int.Parse(aliased.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), Is.GreaterThan(0), "the intervention's rows of later cycles read the first cycle's lanes");

        LaneBatches.AssertEqualDrawByDraw(model, spec, 17);
    }

    [Test]
    public void AliasedRowFailingInALane_FailsAsTheGeneralPathDoes()
    {
        // An absolute change drawn up to 1.2 on a probability of 0.2: some draws take it above 1 in every cycle's row.
        var (model, spec) = Build(EffectMeasure.AbsoluteChange, new UniformDistribution(0, 1.2), 0.1);
        var options = new PsaOptions { Draws = 16, Seed = 3 };
        var general = Assert.Throws<ModelValidationException>(() => ProbabilisticAnalysis.Run(spec, options, IncrementalPsaTests.General(model)))!;
        var fast = Assert.Throws<ModelValidationException>(() => ProbabilisticAnalysis.Run(spec, options))!;
        Assert.That(fast.Message, Is.EqualTo(general.Message));
    }
}
