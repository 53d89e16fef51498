using SocialInvestment.Economics;
using SocialInvestment.Engine;
using SocialInvestment.Model;
using SocialInvestment.Tests.TestSupport;

using SocialInvestment.Workloads;

namespace SocialInvestment.Tests.ReferenceCases;

/// <summary>REFERENCE-CASES.md cases 3 (cohort equivalent), 4 and 5, and the welfare-4 point values.</summary>
public class OtherReferenceCaseTests
{
    /// <summary>
    /// Case 3: the cohort equivalent of the DARTH microsimulation tutorial (Krijkamp EM, Alarid-Escudero F,
    /// et al. MDM 2018;38(3):400–422; DARTH-git/Microsimulation-tutorial). 30 cycles, all trace points
    /// 0..30 counted, 1/1.03^t. Exact values from REFERENCE-CASES.md, 1e-6 relative.
    /// </summary>
    [Test]
    public void Case3_CohortEquivalent_MatchesExactValues()
    {
        var (model, none, treat) = DarthModels.BuildMicrosimTutorial();
        var r0 = CohortEngine.Run(model, none);
        var r1 = CohortEngine.Run(model, treat);
        var c0 = r0.TotalCost(DarthModels.CostPerspective);
        var c1 = r1.TotalCost(DarthModels.CostPerspective);
        var e0 = r0.TotalOutcome(Outcome.Qaly);
        var e1 = r1.TotalOutcome(Outcome.Qaly);
        Assert.Multiple(() =>
        {
            Assert.That(c0, Is.EqualTo(75976.149).Within(75976.149 * 1e-6));
            Assert.That(e0, Is.EqualTo(15.838848).Within(15.838848 * 1e-6));
            Assert.That(c1, Is.EqualTo(141623.028).Within(141623.028 * 1e-6));
            Assert.That(e1, Is.EqualTo(16.400406).Within(16.400406 * 1e-6));
            Assert.That((c1 - c0) / (e1 - e0), Is.EqualTo(116901.38).Within(0.05));
        });
    }

    /// <summary>
    /// The welfare-4 workload (benchmarks/yardsticks/workloads.md) at its point values: discounted cost
    /// 103,116.8556 and QALY 18.898657 per person (exact, as printed there).
    /// </summary>
    [Test]
    public void Welfare4_PointValues_MatchYardstick()
    {
        var model = Welfare4.BuildPointModel();
        var r = CohortEngine.Run(model, Strategy.BusinessAsUsual);
        Assert.Multiple(() =>
        {
            Assert.That(r.TotalCost(DarthModels.CostPerspective), Is.EqualTo(103116.8556).Within(1e-4));
            Assert.That(r.TotalOutcome(Outcome.Qaly), Is.EqualTo(18.898657).Within(1e-6));
        });
    }

    /// <summary>Case 4: dampack tests/testthat/test_calculate_icers.R, the six-strategy example.</summary>
    [Test]
    public void Case4_Dampack_StrongAndExtendedDominance()
    {
        var rows = DecisionAnalysis.CalculateIcers(
        [
            new(new Strategy("E"), 55000, 5), new(new Strategy("D"), 35000, 4), new(new Strategy("C"), 25000, 3), new(new Strategy("B"), 10000, 2), new(new Strategy("A"), 12000, 1.5), new(new Strategy("UC"), 5000, 1),
        ]);
        Assert.Multiple(() =>
        {
            Assert.That(rows.Select(r => r.Strategy.Name), Is.EqualTo(new[] { "UC", "B", "D", "E", "C", "A" }), "ND by cost, then ED, then D");
            Assert.That(rows[0].Status, Is.EqualTo(DominanceStatus.NonDominated));
            Assert.That(rows[0].Icer, Is.Null, "the reference has no ICER");
            Assert.That(rows[0].IncrementalCost, Is.Null);
            Assert.That(rows[1].IncrementalCost, Is.EqualTo(5000));
            Assert.That(rows[1].IncrementalEffect, Is.EqualTo(1));
            Assert.That(rows[1].Icer, Is.EqualTo(5000));
            Assert.That(rows[2].IncrementalCost, Is.EqualTo(25000));
            Assert.That(rows[2].IncrementalEffect, Is.EqualTo(2));
            Assert.That(rows[2].Icer, Is.EqualTo(12500));
            Assert.That(rows[3].IncrementalCost, Is.EqualTo(20000));
            Assert.That(rows[3].IncrementalEffect, Is.EqualTo(1));
            Assert.That(rows[3].Icer, Is.EqualTo(20000));
            Assert.That(rows[4].Status, Is.EqualTo(DominanceStatus.ExtendedlyDominated));
            Assert.That(rows[4].Icer, Is.Null);
            Assert.That(rows[5].Status, Is.EqualTo(DominanceStatus.Dominated));
            Assert.That(rows[5].Icer, Is.Null);
        });
    }

    /// <summary>Case 4, ties: equal effect at lower cost dominates (dampack test_calculate_icers.R).</summary>
    [Test]
    public void Case4_Dampack_TiesInEffect_CheaperStrategyIsReference()
    {
        var rows = DecisionAnalysis.CalculateIcers(
        [
            new(new Strategy("No Treat"), 163771.0, 6.48273), new(new Strategy("Treat all"), 164848.7, 6.52861), new(new Strategy("Test & treat"), 163765.1, 6.52861),
        ]);
        Assert.Multiple(() =>
        {
            Assert.That(rows[0].Strategy.Name, Is.EqualTo("Test & treat"));
            Assert.That(rows[0].Status, Is.EqualTo(DominanceStatus.NonDominated));
            Assert.That(rows[0].Icer, Is.Null);
            Assert.That(rows.Single(r => r.Strategy.Name == "Treat all").Status, Is.EqualTo(DominanceStatus.Dominated));
            Assert.That(rows.Single(r => r.Strategy.Name == "No Treat").Status, Is.EqualTo(DominanceStatus.Dominated));
        });
    }

    /// <summary>Case 4, one strategy: no ICER, no increments.</summary>
    [Test]
    public void Case4_Dampack_OneStrategy_NoIcer()
    {
        var rows = DecisionAnalysis.CalculateIcers([new(new Strategy("Only"), 1000, 2)]);
        Assert.That(rows, Has.Count.EqualTo(1));
        Assert.Multiple(() =>
        {
            Assert.That(rows[0].Status, Is.EqualTo(DominanceStatus.NonDominated));
            Assert.That(rows[0].Icer, Is.Null);
            Assert.That(rows[0].IncrementalCost, Is.Null);
            Assert.That(rows[0].IncrementalEffect, Is.Null);
        });
    }

    /// <summary>
    /// Case 5: Norway, Finance Ministry circular R-109/2021: 4 % for years 1–40, 3 % for 41–75, 2 % after;
    /// DF(t) = Π 1/(1 + r_k). Expected factors to the five printed digits.
    /// </summary>
    [TestCase(10, 0.67556)]
    [TestCase(40, 0.20829)]
    [TestCase(41, 0.20222)]
    [TestCase(75, 0.07402)]
    [TestCase(76, 0.07257)]
    public void Case5_Norway2021_DiscountFactors(int year, double expected)
        => Assert.That(Math.Round(DiscountSchedule.Norway2021.Factor(year), 5), Is.EqualTo(expected));

    /// <summary>Case 5: present value of 1 per year for years 1–75 under R-109/2021 is 24.268.</summary>
    [Test]
    public void Case5_Norway2021_AnnuityOver75Years()
        => Assert.That(Math.Round(DiscountSchedule.Norway2021.AnnuityFactor(75), 3), Is.EqualTo(24.268));

    /// <summary>Exact piecewise products for the other presets.</summary>
    [Test]
    public void Case5_OtherPresets_CompoundPiecewise()
    {
        Assert.Multiple(() =>
        {
            Assert.That(DiscountSchedule.UkGreenBook.Factor(30), Is.EqualTo(Math.Pow(1.035, -30)).Within(1e-14));
            Assert.That(DiscountSchedule.UkGreenBook.Factor(31), Is.EqualTo(Math.Pow(1.035, -30) / 1.03).Within(1e-14));
            Assert.That(DiscountSchedule.UkGreenBook.Factor(76), Is.EqualTo(Math.Pow(1.035, -30) * Math.Pow(1.03, -45) / 1.025).Within(1e-14));
            Assert.That(DiscountSchedule.Denmark2013.Factor(36), Is.EqualTo(Math.Pow(1.04, -35) / 1.03).Within(1e-14));
            Assert.That(DiscountSchedule.Denmark2021.Factor(71), Is.EqualTo(Math.Pow(1.035, -35) * Math.Pow(1.025, -35) / 1.015).Within(1e-14));
            Assert.That(DiscountSchedule.Constant(0.03, Compounding.Continuous).Factor(10), Is.EqualTo(Math.Exp(-0.3)).Within(1e-15));
            Assert.That(DiscountSchedule.Constant(0.035).Factor(2.5), Is.EqualTo(Math.Pow(1.035, -2.5)).Within(1e-15));
        });
    }

    /// <summary>
    /// Steps counted from a base year separately from the year discounted to: steps from 2025,
    /// discounting to 2027 (offset 2), an amount in 2066 (39 years later) crosses the step at year 41.
    /// </summary>
    [Test]
    public void Case5_StepsOffset_DiscountsToLaterOpeningYear()
    {
        var df = DiscountSchedule.Norway2021.Factor(39, stepsOffsetYears: 2);
        var expected = Math.Pow(1.04, -38) / 1.03; // years 3..40 at 4 %, year 41 at 3 %
        Assert.That(df, Is.EqualTo(expected).Within(1e-14));
    }
}
