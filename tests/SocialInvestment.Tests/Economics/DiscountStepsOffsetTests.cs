using SocialInvestment.Economics;
using SocialInvestment.Engine;
using SocialInvestment.Model;

namespace SocialInvestment.Tests.Economics;

/// <summary>
/// Stepped schedules whose steps count from a year before or after the year discounted to (issue 7).
/// Rates: Finance Ministry circular R-109/2021 (Prinsipper og krav ved utarbeidelse av
/// samfunnsøkonomiske analyser mv.), 4 % real for years 1–40, 3 % for 41–75, 2 % after.
/// </summary>
public class DiscountStepsOffsetTests
{
    private static double R109Rate(int stepYear) => stepYear <= 40 ? 0.04 : stepYear <= 75 ? 0.03 : 0.02;

    /// <summary>By hand: discount to the decision year, steps counted from the opening year three years later (FRAM).</summary>
    [TestCase(0, 1.0)]
    [TestCase(1, 1 / 1.04)]
    [TestCase(3, 1 / (1.04 * 1.04 * 1.04))] // the opening year
    [TestCase(43, 0.18516820)]              // 1.04^−43: the 40th step year ends 43 years after the decision year
    public void NegativeOffset_StepsStartAfterTheYearDiscountedTo(int years, double expected)
        => Assert.That(DiscountSchedule.Norway2021.Factor(years, stepsOffsetYears: -3), Is.EqualTo(expected).Within(5e-9));

    [Test]
    public void NegativeOffset_CrossesTheStepsFortyAndSeventyFiveYearsAfterTheOpeningYear()
    {
        var n = DiscountSchedule.Norway2021;
        Assert.Multiple(() =>
        {
            Assert.That(n.Factor(43, -3), Is.EqualTo(Math.Pow(1.04, -43)).Within(1e-15));
            Assert.That(n.Factor(44, -3), Is.EqualTo(Math.Pow(1.04, -43) / 1.03).Within(1e-15));
            Assert.That(n.Factor(78, -3), Is.EqualTo(Math.Pow(1.04, -43) * Math.Pow(1.03, -35)).Within(1e-15));
            Assert.That(n.Factor(79, -3), Is.EqualTo(Math.Pow(1.04, -43) * Math.Pow(1.03, -35) / 1.02).Within(1e-15));
            Assert.That(n.Factor(2.5, -3), Is.EqualTo(Math.Pow(1.04, -2.5)).Within(1e-15), "before the origin: the first rate");
            Assert.That(DiscountSchedule.Constant(0.03, Compounding.Continuous).Factor(2, -5), Is.EqualTo(Math.Exp(-0.06)).Within(1e-15));
        });
    }

    [Test]
    public void PositiveOffset_StepsStartedBeforeTheYearDiscountedTo()
    {
        // Steps counted from a base year 3 years before the year discounted to: 37 years of 4 % are left.
        var n = DiscountSchedule.Norway2021;
        Assert.Multiple(() =>
        {
            Assert.That(n.Factor(37, 3), Is.EqualTo(Math.Pow(1.04, -37)).Within(1e-15));
            Assert.That(n.Factor(38, 3), Is.EqualTo(Math.Pow(1.04, -37) / 1.03).Within(1e-15));
            Assert.That(n.Factor(72, 3), Is.EqualTo(Math.Pow(1.04, -37) * Math.Pow(1.03, -35)).Within(1e-15));
            Assert.That(n.Factor(73, 3), Is.EqualTo(Math.Pow(1.04, -37) * Math.Pow(1.03, -35) / 1.02).Within(1e-15));
        });
    }

    [Test]
    public void FramStyleModel_DiscountsToTheDecisionYear_StepsFromTheOpeningYear()
    {
        // A model starting in the opening year (3 years after the decision year); 1 a year for 80 years, nobody leaves.
        var payer = new Payer("kystverket", true);
        var account = new Account(payer, new Sector("transport"), FlowKind.ResourceCost);
        var options = new SimulationOptions
        {
            Cycles = 80,
            StateWeights = CycleWeights.Beginning,
            CostDiscounting = DiscountSchedule.Norway2021,
            DiscountTimeOffsetYears = 3,
            DiscountStepsOffsetYears = -3,
        };
        Assert.That(options.Validate(), Is.Empty, "−3 is accepted");
        var model = new LifeCourseModelBuilder("fram")
            .AddState("Open").AddPayers(payer).AddSectors(account.Sector)
            .Probability("Open", "Open", 1.0).StateFlow("Open", account, 1)
            .WithPopulation(Population.StartingIn(0, "Open")).WithOptions(options).Build();
        var r = CohortEngine.Run(model, Strategy.BusinessAsUsual);

        // By hand: 3 years at 4 % to the opening year, then step year k = 1, 2, … at R-109's rate for k.
        var df = Math.Pow(1.04, -3);
        var expected = 0.0;
        for (var t = 0; t < 80; t++)
        {
            Assert.That(r.CostDiscountFactor(t), Is.EqualTo(df).Within(1e-15 + (1e-13 * df)), $"t = {t}");
            expected += df;
            df /= 1 + R109Rate(t + 1);
        }

        Assert.That(r.TotalCost(Perspective.ForPayer(payer)), Is.EqualTo(expected).Within(1e-12));
    }

    [Test]
    public void Offsets_MustBeFinite()
    {
        Assert.Multiple(() =>
        {
            Assert.That(new SimulationOptions { DiscountStepsOffsetYears = double.NaN }.Validate(), Has.Some.Contains("steps offset"));
            Assert.That(new SimulationOptions { DiscountStepsOffsetYears = -3 }.Validate(), Is.Empty);
            Assert.Throws<ArgumentOutOfRangeException>(() => DiscountSchedule.Norway2021.Factor(1, double.PositiveInfinity));
        });
    }
}
