using SocialInvestment.Model;
using SocialInvestment.Tests.TestSupport;
using SocialInvestment.Uncertainty;

namespace SocialInvestment.Tests.Uncertainty;

/// <summary>
/// Under the life-table convention (<see cref="CycleWeights.LifeTable"/>, values booked per cycle from the occupancy at
/// both of its ends) the cohort PSA books each cycle once, at <c>½·m_t + ½·m_(t+1)</c>, where the cohort engine books
/// the two halves one after the other: the same terms summed in another order. So the PSA agrees with the general path
/// within <see cref="IncrementalPsaTests.Relative"/> (1e-12 relative; the rounding of a few hundred additions is ~1e-14),
/// outcomes included, and its lanes are its draw-by-draw results bit for bit.
/// </summary>
public class LifeTableLedgerTests
{
    [TestCase(1, false)]
    [TestCase(2, true)]
    public void LifeTableModels_AgreeWithTheGeneralPath(int seed, bool ageDependent)
    {
        var (model, spec) = IncrementalPsaTests.RandomWithInterventions(seed, ageDependent, tunnel: seed % 2 == 0, CycleWeights.LifeTable);
        var options = new PsaOptions { Draws = 20, Seed = (ulong)seed, KeepDraws = true, Comparator = model.Strategies[0] };
        IncrementalPsaTests.AssertAgrees(ProbabilisticAnalysis.Run(spec, options, IncrementalPsaTests.General(model)), ProbabilisticAnalysis.Run(spec, options), outcomesWithin: IncrementalPsaTests.Relative);
    }

    /// <summary>A model the PSA runs in lanes (no transition events), with drawn rates, flows, an effect and a cost.</summary>
    private static (LifeCourseModel Model, PsaSpecification Spec) BuildForLanes(CycleWeights weights, UptakeMode uptake = UptakeMode.MeanEffect)
    {
        var b = new LifeCourseModelBuilder("life-table lanes");
        var sick = b.AddParameter("sick", 0.2);
        var level = b.AddParameter("level", 1000);
        var rr = b.AddParameter("rr", 0.8);
        var cost = b.AddParameter("cost", 300);
        var share = b.AddParameter("share", 0.7);
        b.AddState("Well").AddState("Sick").AddState("Dead", absorbing: true).AddPayers(RandomModels.Kommune).AddSectors(RandomModels.Services).AddOutcomes(Outcome.LifeYears);
        b.Probability("Well", "Sick", (in ModelContext c) => c[sick]).Probability("Well", "Dead", 0.01).Remainder("Well", "Well");
        b.Probability("Sick", "Well", 0.3).Probability("Sick", "Dead", (in ModelContext c) => 0.02 + (0.003 * c.Cycle)).Remainder("Sick", "Sick");
        b.StateFlow("Sick", RandomModels.KommuneCost, (in ModelContext c) => c[level]);
        b.StateFlow("Well", RandomModels.KommuneCost, 10);
        b.StateOutcome("Well", Outcome.LifeYears, 1).StateOutcome("Sick", Outcome.LifeYears, 1);
        b.WithPopulation(Population.StartingIn(30, "Well"));
        var iv = Intervention.Create("program")
            .AffectTransition("Well", "Sick", EffectMeasure.RelativeRisk, rr)
            .CostPerCycle(RandomModels.KommuneCost, cost, 5)
            .UpfrontCost(RandomModels.KommuneCost, 2000)
            .WithUptake(share, uptake)
            .Build();
        var model = b.AddStrategy(Strategy.BusinessAsUsual).AddStrategy(new Strategy("with program", iv)).WithOptions(new SimulationOptions { Cycles = 15, StateWeights = weights }).Build();
        var spec = new PsaSpecification(model)
            .With(sick, BetaDistribution.FromMeanAndStandardError(0.2, 0.04))
            .With(level, GammaDistribution.FromMeanAndStandardError(1000, 150))
            .With(rr, LogNormalDistribution.FromMeanAndStandardError(0.8, 0.1))
            .With(cost, GammaDistribution.FromMeanAndStandardError(300, 50))
            .With(share, BetaDistribution.FromMeanAndStandardError(0.7, 0.1));
        return (model, spec);
    }

    /// <summary>
    /// Every convention, with an upfront cost (booked at point 0 before the trace) and one or several sub-cohorts: the
    /// lanes' first sub-cohort starts each point's ledger from zeros rather than from a cleared ledger, and the points a
    /// convention weighs 0 (beginning: the last; end: the first) are cleared; the lanes stay the draw-by-draw results.
    /// </summary>
    [TestCase("beginning", UptakeMode.MeanEffect)]
    [TestCase("end", UptakeMode.Subcohorts)]
    [TestCase("half-cycle", UptakeMode.Subcohorts)]
    [TestCase("life-table", UptakeMode.Subcohorts)]
    public void EveryConvention_Lanes_AreTheDrawByDrawResults_AndAgreeWithTheGeneralPath(string convention, UptakeMode uptake)
    {
        var weights = convention switch
        {
            "beginning" => CycleWeights.Beginning,
            "end" => CycleWeights.End,
            "half-cycle" => CycleWeights.HalfCycle,
            _ => CycleWeights.LifeTable,
        };
        var (model, spec) = BuildForLanes(weights, uptake);
        LaneBatches.AssertEqualDrawByDraw(model, spec, 23);
        var options = new PsaOptions { Draws = 20, Seed = 4, KeepDraws = true, Comparator = model.Strategies[0] };
        IncrementalPsaTests.AssertAgrees(ProbabilisticAnalysis.Run(spec, options, IncrementalPsaTests.General(model)), ProbabilisticAnalysis.Run(spec, options), outcomesWithin: IncrementalPsaTests.Relative);
    }

    [Test]
    public void LifeTableModel_Lanes_AreTheDrawByDrawResults_BitForBit()
    {
        var (model, spec) = BuildForLanes(CycleWeights.LifeTable);
        Assert.That(CohortDrawEvaluator.Create(spec, model.Strategies, 0, [Perspective.PublicSector])!.HasLanes, "no transition events: the PSA runs in lanes");
        LaneBatches.AssertEqualDrawByDraw(model, spec, 19);
    }

    [Test]
    public void LifeTableModel_InLanes_AgreesWithTheGeneralPath()
    {
        var (model, spec) = BuildForLanes(CycleWeights.LifeTable);
        var options = new PsaOptions { Draws = 20, Seed = 8, KeepDraws = true, Comparator = model.Strategies[0] };
        IncrementalPsaTests.AssertAgrees(ProbabilisticAnalysis.Run(spec, options, IncrementalPsaTests.General(model)), ProbabilisticAnalysis.Run(spec, options), outcomesWithin: IncrementalPsaTests.Relative);
    }
}
