using System.Globalization;
using System.Text.RegularExpressions;
using SocialInvestment.Engine;
using SocialInvestment.Model;
using SocialInvestment.Tests.TestSupport;
using SocialInvestment.Uncertainty;

namespace SocialInvestment.Tests.Uncertainty;

/// <summary>
/// The builder's level × shape form (<see cref="LifeCourseModelBuilder.Rate(string, string, ParameterRef, ModelFunction)"/>,
/// its probability and occupancy-flow siblings): the model is the one written with the product as a
/// function, number for number, on every path; a PSA computes the drawn entries as vectors (counted by
/// the evaluator's block counts), bit-identical to draw-by-draw evaluation, and a draw failing a check
/// fails as on the general path. A drawn utility written as level × shape is computed the same way;
/// outcomes that read no parameter are taken once per point.
/// </summary>
public class LevelShapeTests
{
    private static double AgeShape(in ModelContext c) => Math.Exp(0.03 * (c.Age - 30));

    private static double UtilityShape(in ModelContext c) => 1 - (0.002 * (c.Age - 30));

    /// <summary>
    /// Three states with age-shaped rates, a probability and a flow whose levels are drawn, an intervention
    /// with a hazard ratio and a cost; <paramref name="form"/> 0 writes the products as functions, 1 uses the level × shape
    /// overloads, 2 uses them with a shape that reads a parameter (no scaled form).
    /// </summary>
    private static (LifeCourseModel Model, PsaSpecification Spec) Build(int form, Distribution? level = null)
    {
        var b = new LifeCourseModelBuilder("level × shape");
        var sick = b.AddParameter("sick", 0.08, "rate Well → Sick at 30, per year");
        var death = b.AddParameter("death", 0.02, "probability Sick → Dead at 30, per cycle");
        var care = b.AddParameter("care", 12_000, "care cost in Sick, per person-cycle at 30");
        var hr = b.AddParameter("hr", 0.7);
        var gradient = b.AddParameter("gradient", 0.03);
        var uWell = b.AddParameter("u_well", 0.9, "utility in Well at 30");
        b.AddState("Well").AddState("Sick").AddState("Dead", absorbing: true).AddPayers(RandomModels.Kommune).AddSectors(RandomModels.Services).AddOutcomes(Outcome.LifeYears, Outcome.Qaly);
        ModelFunction shape = form == 2 ? (in ModelContext c) => Math.Exp(c[gradient] * (c.Age - 30)) : AgeShape;
        if (form == 0)
        {
            b.Rate("Well", "Sick", (in ModelContext c) => c[sick] * AgeShape(in c));
            b.Probability("Sick", "Dead", (in ModelContext c) => c[death] * AgeShape(in c));
            b.StateFlow("Sick", RandomModels.KommuneCost, (in ModelContext c) => c[care] * AgeShape(in c));
            b.StateOutcome("Well", Outcome.Qaly, (in ModelContext c) => c[uWell] * UtilityShape(in c));
        }
        else
        {
            b.Rate("Well", "Sick", sick, shape);
            b.Probability("Sick", "Dead", death, shape);
            b.StateFlow("Sick", RandomModels.KommuneCost, care, shape);
            b.StateOutcome("Well", Outcome.Qaly, uWell, UtilityShape);
        }

        b.Rate("Well", "Dead", 0.005).Probability("Sick", "Well", 0.3).Remainder("Sick", "Sick");
        b.StateFlow("Well", RandomModels.KommuneCost, 500);
        b.StateOutcome("Sick", Outcome.Qaly, (in ModelContext c) => 0.6 - (0.001 * c.Age));
        b.WithPopulation(Population.StartingIn(30, "Well"));
        var iv = Intervention.Create("prevention")
            .AffectTransition("Well", "Sick", EffectMeasure.HazardRatio, hr)
            .CostPerCycle(RandomModels.KommuneCost, 2_000, 5)
            .Build();
        var model = b.AddStrategy(Strategy.BusinessAsUsual).AddStrategy(new Strategy("prevention", iv)).WithOptions(new SimulationOptions { Cycles = 25 }).Build();
        var spec = new PsaSpecification(model)
            .With(sick, level ?? GammaDistribution.FromMeanAndStandardError(0.08, 0.02))
            .With(death, new BetaDistribution(4, 196))
            .With(care, GammaDistribution.FromMeanAndStandardError(12_000, 2_000))
            .With(hr, LogNormalDistribution.FromMeanAndStandardError(0.7, 0.1))
            .With(uWell, new BetaDistribution(90, 10));
        return (model, spec);
    }

    private static int Count(CohortDrawEvaluator evaluator, string name)
        => int.Parse(Regex.Match(evaluator.BlockCounts(), $"\"{name}\":(\\d+)").Groups[1].Value, CultureInfo.InvariantCulture);

    [Test]
    public void LevelTimesShape_IsTheProductFunction_NumberForNumber()
    {
        var (functions, _) = Build(0);
        var (scaled, _) = Build(1);
        for (var s = 0; s < functions.Strategies.Count; s++)
        {
            var a = CohortEngine.Run(functions, functions.Strategies[s], functions.BaseParameters);
            var b = CohortEngine.Run(scaled, scaled.Strategies[s], scaled.BaseParameters);
            Assert.That(b.TotalCost(Perspective.PublicSector), Is.EqualTo(a.TotalCost(Perspective.PublicSector)), "discounted cost");
            Assert.That(b.TotalOutcome(Outcome.Qaly), Is.EqualTo(a.TotalOutcome(Outcome.Qaly)), "QALYs");
            for (var t = 0; t <= a.Cycles; t++)
            {
                for (var x = 0; x < a.States.Count; x++)
                {
                    Assert.That(b.Occupancy(t, x), Is.EqualTo(a.Occupancy(t, x)), $"occupancy at {t}, state {x}");
                }
            }
        }
    }

    [TestCase(0, 0)]
    [TestCase(1, 3)]
    [TestCase(2, 0)]
    public void Psa_ComputesScaledEntriesAsVectors_WithTheSameFigures(int form, int scaledRowEntriesAtLeast)
    {
        var (reference, referenceSpec) = Build(0);
        var (model, spec) = Build(form);
        var evaluator = CohortDrawEvaluator.Create(spec, model.Strategies, 0, [Perspective.PublicSector])!;
        Assert.That(evaluator.HasLanes);
        Assert.Multiple(() =>
        {
            if (scaledRowEntriesAtLeast == 0)
            {
                Assert.That(Count(evaluator, "row_entries_scaled"), Is.Zero, "the product functions and a shape reading a parameter are evaluated per draw");
                Assert.That(Count(evaluator, "cell_flows_scaled"), Is.Zero);
            }
            else
            {
                Assert.That(Count(evaluator, "row_entries_scaled"), Is.GreaterThanOrEqualTo(scaledRowEntriesAtLeast), "the drawn rate and probability rows");
                Assert.That(Count(evaluator, "cell_flows_scaled"), Is.GreaterThan(0), "the drawn care cost");
            }
        });

        var options = new PsaOptions { Draws = 37, Seed = 11, KeepDraws = true };
        var expected = ProbabilisticAnalysis.Run(referenceSpec, options, IncrementalPsaTests.General(reference));
        var actual = ProbabilisticAnalysis.Run(spec, options);
        IncrementalPsaTests.AssertAgrees(expected, actual);
        foreach (var s in model.Strategies)
        {
            Assert.That(actual.Outcomes(s, Outcome.Qaly).ToArray(), Is.EqualTo(expected.Outcomes(referenceSpec.Model.Strategies.Single(r => r.Name == s.Name), Outcome.Qaly).ToArray()).AsCollection, $"QALYs per draw, {s.Name}");
        }
    }

    [Test]
    public void ScaledLanes_AreTheDrawByDrawResults_BitForBit()
    {
        var (model, spec) = Build(1);
        LaneBatches.AssertEqualDrawByDraw(model, spec, 5);
    }

    [Test]
    public void ScaledEntryFailingInALane_FailsAsTheGeneralPathDoes()
    {
        // A normal level for the rate: some draws are negative, which no rate may be.
        var (model, spec) = Build(1, new NormalDistribution(0.08, 0.08));
        var options = new PsaOptions { Draws = 24, Seed = 2, Threads = 1 };
        var general = Assert.Throws<ModelValidationException>(() => ProbabilisticAnalysis.Run(spec, options, IncrementalPsaTests.General(model)))!;
        var fast = Assert.Throws<ModelValidationException>(() => ProbabilisticAnalysis.Run(spec, options))!;
        Assert.That(fast.Message, Is.EqualTo(general.Message));
    }

    /// <summary>An age window: 1 from 35 to 45, else 0.</summary>
    private static double Window(in ModelContext c) => c.Age >= 35 && c.Age < 45 ? Math.Exp(0.02 * (c.Age - 35)) : 0;

    /// <summary>A model whose drawn rate acts only inside an age window: <paramref name="form"/> 0 reads the level everywhere, 1 is 0 outside without reading it, 2 uses the level × shape overload.</summary>
    private static (LifeCourseModel Model, PsaSpecification Spec) Windowed(int form, bool deadCosts = false)
    {
        var b = new LifeCourseModelBuilder("windowed");
        var sick = b.AddParameter("sick", 0.2, "rate Well → Sick at 35, per year");
        b.AddState("Well").AddState("Sick").AddState("Dead", absorbing: true).AddPayers(RandomModels.Kommune).AddSectors(RandomModels.Services).AddOutcomes(Outcome.LifeYears);
        _ = form switch
        {
            0 => b.Rate("Well", "Sick", (in ModelContext c) => c[sick] * Window(in c)),
            1 => b.Rate("Well", "Sick", (in ModelContext c) => Window(in c) == 0 ? 0 : c[sick] * Window(in c)),
            _ => b.Rate("Well", "Sick", sick, Window),
        };
        b.Rate("Well", "Dead", 0.01).Rate("Sick", "Dead", 0.05).Rate("Sick", "Well", 0.1);
        b.StateFlow("Sick", RandomModels.KommuneCost, 10_000);
        if (deadCosts)
        {
            b.StateFlow("Dead", RandomModels.KommuneCost, 1_000);
        }

        b.WithPopulation(Population.StartingIn(30, "Well"));
        var model = b.AddStrategy(Strategy.BusinessAsUsual).WithOptions(new SimulationOptions { Cycles = 30 }).Build();
        return (model, new PsaSpecification(model).With(sick, GammaDistribution.FromMeanAndStandardError(0.2, 0.05)));
    }

    [Test]
    public void ZeroShape_ReadsNoLevel_SoADrawRecomputesOnlyTheWindow()
    {
        int Rows(int form)
        {
            var (model, spec) = Windowed(form);
            return Count(CohortDrawEvaluator.Create(spec, model.Strategies, 0, [Perspective.PublicSector])!, "rows_recomputed");
        }

        Assert.That(Rows(0), Is.EqualTo(30), "a function that reads the level at every age: every cycle's Well row");
        Assert.That(Rows(2), Is.EqualTo(10), "the level × shape form: the ten cycles of the window");
        Assert.That(Rows(1), Is.EqualTo(10), "the same as the function that is 0 outside without reading the level");

        var (reference, referenceSpec) = Windowed(1);
        var (model, spec) = Windowed(2);
        var options = new PsaOptions { Draws = 21, Seed = 4, KeepDraws = true, Perspectives = [Perspective.PublicSector] };
        var expected = ProbabilisticAnalysis.Run(referenceSpec, options, IncrementalPsaTests.General(reference));
        var actual = ProbabilisticAnalysis.Run(spec, options);
        IncrementalPsaTests.AssertAgrees(expected, actual);
    }

    [TestCase(false, 1)]
    [TestCase(true, 0)]
    public void AbsorbingStateThatBooksNothing_IsLeftOutOfTheTrace_WithTheSameFigures(bool deadCosts, int leftOut)
    {
        var (model, spec) = Windowed(2, deadCosts);
        var evaluator = CohortDrawEvaluator.Create(spec, model.Strategies, 0, [Perspective.PublicSector])!;
        Assert.That(Count(evaluator, "trace_states_left_out"), Is.EqualTo(leftOut), deadCosts ? "a state with a flow is kept" : "the death state without flows");
        var options = new PsaOptions { Draws = 19, Seed = 8, KeepDraws = true, Perspectives = [Perspective.PublicSector] };
        IncrementalPsaTests.AssertAgrees(ProbabilisticAnalysis.Run(spec, options, IncrementalPsaTests.General(model)), ProbabilisticAnalysis.Run(spec, options));
    }

    [Test]
    public void Level_MustBeAParameterHandle()
    {
        var b = new LifeCourseModelBuilder("bad level");
        Assert.Throws<ArgumentOutOfRangeException>(() => b.Rate("A", "B", new ParameterRef(-1, "none"), AgeShape));
        Assert.Throws<ArgumentNullException>(() => b.StateFlow("A", RandomModels.KommuneCost, b.AddParameter("x", 1), null!));
    }
}
