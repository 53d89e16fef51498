using SocialInvestment.Economics;
using SocialInvestment.Engine;
using SocialInvestment.Model;
using SocialInvestment.Tests.TestSupport;

namespace SocialInvestment.Tests.ReferenceCases;

/// <summary>
/// REFERENCE-CASES.md cases 1 and 2: the DARTH Sick-Sicker cohort models.
/// Case 1: Alarid-Escudero F, Krijkamp EM, et al. "An Introductory Tutorial on Cohort State-Transition
/// Models in R Using a Cost-Effectiveness Analysis Example." MDM 2023;43(1):3–20, table 4
/// (DARTH-git/cohort-modeling-tutorial-intro, analysis/cSTM_time_indep.R).
/// Case 2: Alarid-Escudero F, et al. "A Tutorial on Time-Dependent Cohort State-Transition Models in R
/// Using a Cost-Effectiveness Analysis Example." MDM 2023;43(1):21–41
/// (DARTH-git/cohort-modeling-tutorial-timedep, analysis/cSTM_time_dep_simulation.R).
/// Conventions pinned: DARTH Simpson 1/3 weights, 1/1.03^t for t = 0..75, transition rewards at the
/// arriving trace point with its weight.
/// </summary>
public class DarthCohortTests
{
    private const double RecomputedRelativeTolerance = 1e-6;

    public static IEnumerable<TestCaseData> Case1Expectations()
    {
        // Strategy, published cost, recomputed cost, published QALY (3 dp), recomputed QALY.
        yield return new TestCaseData("Standard of care", 151_580, 151579.866, 20.711, 20.711331);
        yield return new TestCaseData("Strategy B", 259_100, 259100.411, 22.184, 22.184465);
        yield return new TestCaseData("Strategy AB", 378_875, 378875.198, 23.137, 23.136844);
        yield return new TestCaseData("Strategy A", 284_805, 284804.513, 21.499, 21.498663);
    }

    public static IEnumerable<TestCaseData> Case2Expectations()
    {
        yield return new TestCaseData("Standard of care", 116_374, 116374.448, 18.879, 18.879195);
        yield return new TestCaseData("Strategy B", 202_536, 202536.460, 20.199, 20.198926);
        yield return new TestCaseData("Strategy AB", 296_300, 296300.326, 21.097, 21.096527);
        yield return new TestCaseData("Strategy A", 218_789, 218789.359, 19.636, 19.635556);
    }

    [TestCaseSource(nameof(Case1Expectations))]
    public void Case1_CostAndQaly_MatchPublishedTable(string strategy, int publishedCost, double cost, double publishedQaly, double qaly)
        => AssertStrategy(DarthModels.Build(ageDependent: false).Model, strategy, publishedCost, cost, publishedQaly, qaly);

    [TestCaseSource(nameof(Case2Expectations))]
    public void Case2_CostAndQaly_MatchPublishedTable(string strategy, int publishedCost, double cost, double publishedQaly, double qaly)
        => AssertStrategy(DarthModels.Build(ageDependent: true).Model, strategy, publishedCost, cost, publishedQaly, qaly);

    [Test]
    public void Case1_SocTransitionMatrix_MatchesRecomputedMatrix()
    {
        var model = DarthModels.Build(false).Model;
        var p = model.Compile(model.Strategies[0]).TransitionMatrix(0, 0);
        double[,] expected =
        {
            { 0.858988, 0.139014, 0, 0.001998 },
            { 0.391116, 0.503823, 0.099079, 0.005982 },
            { 0, 0, 0.980199, 0.019801 },
            { 0, 0, 0, 1 },
        };
        for (var i = 0; i < 4; i++)
        {
            for (var j = 0; j < 4; j++)
            {
                Assert.That(p[i, j], Is.EqualTo(expected[i, j]).Within(5e-7), $"P[{i},{j}]");
            }
        }
    }

    [Test]
    public void Case1_SocTraceAtCycle75_MatchesPublishedTrace()
    {
        var model = DarthModels.Build(false).Model;
        var result = CohortEngine.Run(model, model.Strategies[0]);
        var expected = new[] { 0.115723, 0.034179, 0.317062, 0.533036 };
        for (var s = 0; s < 4; s++)
        {
            Assert.That(result.Occupancy(75, s), Is.EqualTo(expected[s]).Within(5e-7), model.States[s].Name);
        }
    }

    [Test]
    public void Case1_IcerTable_MatchesPublishedTable()
    {
        var icers = Icers(DarthModels.Build(false));
        Assert.Multiple(() =>
        {
            Assert.That(icers.Select(r => r.Strategy.Name), Is.EqualTo(new[] { "Standard of care", "Strategy B", "Strategy AB", "Strategy A" }));
            Assert.That(icers[1].Icer!.Value, Is.EqualTo(72987.636).Within(72987.636 * RecomputedRelativeTolerance));
            Assert.That(Math.Round(icers[1].Icer!.Value), Is.EqualTo(72_988));
            Assert.That(icers[2].Icer!.Value, Is.EqualTo(125763.786).Within(125763.786 * RecomputedRelativeTolerance));
            Assert.That(Math.Round(icers[2].Icer!.Value), Is.EqualTo(125_764));
            Assert.That(icers[3].Status, Is.EqualTo(DominanceStatus.Dominated));
            Assert.That(icers.Take(3).All(r => r.Status == DominanceStatus.NonDominated), Is.True);
        });
    }

    [Test]
    public void Case2_IcerTable_MatchesPublishedTable()
    {
        var icers = Icers(DarthModels.Build(true));
        Assert.Multiple(() =>
        {
            Assert.That(icers.Select(r => r.Strategy.Name), Is.EqualTo(new[] { "Standard of care", "Strategy B", "Strategy AB", "Strategy A" }));
            Assert.That(icers[1].Icer!.Value, Is.EqualTo(65287.60).Within(0.01));
            Assert.That(icers[2].Icer!.Value, Is.EqualTo(104460.51).Within(0.01));
            Assert.That(icers[3].Status, Is.EqualTo(DominanceStatus.Dominated));
        });
    }

    private static IReadOnlyList<IcerRow> Icers(DarthModels.SickSicker m)
    {
        var outcomes = m.Model.Strategies.Select(s =>
        {
            var r = CohortEngine.Run(m.Model, s);
            return new StrategyOutcome(s, r.TotalCost(DarthModels.CostPerspective), r.TotalOutcome(Outcome.Qaly));
        }).ToArray();
        return DecisionAnalysis.CalculateIcers(outcomes);
    }

    private static void AssertStrategy(LifeCourseModel model, string strategy, int publishedCost, double cost, double publishedQaly, double qaly)
    {
        var result = CohortEngine.Run(model, model.Strategy(strategy));
        var totalCost = result.TotalCost(DarthModels.CostPerspective);
        var totalQaly = result.TotalOutcome(Outcome.Qaly);
        Assert.Multiple(() =>
        {
            Assert.That(Math.Round(totalCost), Is.EqualTo(publishedCost), "published cost, every printed digit");
            Assert.That(Math.Round(totalQaly, 3), Is.EqualTo(publishedQaly), "published QALY, every printed digit");
            Assert.That(totalCost, Is.EqualTo(cost).Within(cost * RecomputedRelativeTolerance), "recomputed cost, 1e-6 relative");
            Assert.That(totalQaly, Is.EqualTo(qaly).Within(qaly * RecomputedRelativeTolerance), "recomputed QALY, 1e-6 relative");
        });
    }
}
