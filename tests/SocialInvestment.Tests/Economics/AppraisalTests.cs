using SocialInvestment.Economics;
using SocialInvestment.Engine;
using SocialInvestment.Model;

namespace SocialInvestment.Tests.Economics;

public class AppraisalTests
{
    private static readonly Account KommuneCare = new(Payer.Municipality, Sector.SocialServices, FlowKind.ResourceCost);
    private static readonly Account StateBenefit = new(Payer.State, Sector.Benefits, FlowKind.Transfer);
    private static readonly Account PersonBenefit = new(Payer.Individual, Sector.Benefits, FlowKind.Transfer);

    /// <summary>
    /// One client who stays a client; the municipality pays 30 a year; the investment costs 100 upfront
    /// and removes the running cost. Beginning-of-cycle counting over 4 cycles, 5 % constant discounting
    /// from t = 0: net benefit stream (−70, 30, 30, 30).
    /// </summary>
    private static (CohortResult Invest, CohortResult Bau) Simple()
    {
        var b = new LifeCourseModelBuilder("simple");
        b.AddState("Client").AddPayers(Payer.Municipality, Payer.State, Payer.Individual).AddSectors(Sector.SocialServices, Sector.Benefits);
        b.Probability("Client", "Client", 1.0);
        b.StateFlow("Client", KommuneCare, 30);
        b.StateFlow("Client", StateBenefit, 10);
        b.StateFlow("Client", PersonBenefit, -10);
        var iv = Intervention.Create("fix").UpfrontCost(KommuneCare, 100).ScaleFlows(0, payer: Payer.Municipality).Build();
        var invest = new Strategy("invest", iv);
        b.AddStrategy(Strategy.BusinessAsUsual).AddStrategy(invest);
        b.WithPopulation(Population.StartingIn(30, "Client"));
        b.WithOptions(new SimulationOptions { Cycles = 4, StateWeights = CycleWeights.Beginning, CostDiscounting = DiscountSchedule.Constant(0.05) });
        var model = b.Build();
        return (CohortEngine.Run(model, invest), CohortEngine.Run(model, Strategy.BusinessAsUsual));
    }

    [Test]
    public void Compare_HandComputedStream_GivesNpvBcrRoiIrrPayback()
    {
        var (invest, bau) = Simple();
        var a = Appraisal.Compare(invest, bau, Perspective.ForPayer(Payer.Municipality));
        // Hand computation (and Excel: =NPV(5%, 30, 30, 30) + 30 − 100 = 11.69744088...).
        const double pvBenefits = 111.69744088111435;
        Assert.Multiple(() =>
        {
            Assert.That(a.PresentValueInvestment, Is.EqualTo(100).Within(1e-12));
            Assert.That(a.PresentValueBenefits, Is.EqualTo(pvBenefits).Within(1e-10));
            Assert.That(a.NetPresentValue, Is.EqualTo(pvBenefits - 100).Within(1e-10));
            Assert.That(a.BenefitCostRatio.Value, Is.EqualTo(pvBenefits / 100).Within(1e-12));
            Assert.That(a.ReturnOnInvestment.Value, Is.EqualTo((pvBenefits - 100) / 100).Within(1e-12));
            // Excel: =IRR({-70, 30, 30, 30}) = 13.7009 %.
            Assert.That(a.InternalRateOfReturn.Value, Is.EqualTo(0.13700914959534702).Within(1e-9));
            Assert.That(a.PaybackYears.Value, Is.EqualTo(3.0), "cumulative −70, −40, −10, +20");
            Assert.That(a.PaybackYearsDiscounted.Value, Is.EqualTo(3.0));
            Assert.That(a.NetBenefitByCycle, Is.EqualTo(new[] { -70.0, 30, 30, 30, 0 }).Within(1e-12));
        });
    }

    [Test]
    public void Compare_WhoInvestsWhoSaves_SplitsByPayer()
    {
        var (invest, bau) = Simple();
        var a = Appraisal.Compare(invest, bau, Perspective.Society(0.2));
        var kommune = a.Payers.Single(p => p.Payer == Payer.Municipality);
        var state = a.Payers.Single(p => p.Payer == Payer.State);
        Assert.Multiple(() =>
        {
            Assert.That(kommune.Invested, Is.EqualTo(100).Within(1e-12));
            Assert.That(kommune.Savings, Is.EqualTo(111.69744088111435).Within(1e-10), "+ = saves");
            Assert.That(kommune.NetGain, Is.EqualTo(11.69744088111435).Within(1e-10), "savings − invested, + = better off");
            Assert.That(state.NetGain, Is.EqualTo(0).Within(1e-12), "the benefit is untouched");
            Assert.That(a.PayerSectors, Has.Count.EqualTo(1));
            Assert.That(a.PayerSectors[0].Sector, Is.EqualTo(Sector.SocialServices));
            Assert.That(a.PayerSectors[0].NetGain, Is.EqualTo(111.69744088111435 - 100).Within(1e-10));
            Assert.That(a.Ledger.Single(r => r.Account.Payer == Payer.Municipality).TotalDiscounted, Is.EqualTo(11.69744088111435).Within(1e-10), "ledger rows are net gains too");
            // Society: resource costs count with 1 + λ because the municipality is public.
            Assert.That(a.NetPresentValue, Is.EqualTo(1.2 * 11.69744088111435).Within(1e-9));
        });
    }

    [Test]
    public void Perspectives_NetTransfersForSocietyButNotForBudgets()
    {
        var (_, bau) = Simple();
        var pv = 10 * (1 + 1 / 1.05 + 1 / (1.05 * 1.05) + 1 / Math.Pow(1.05, 3));
        Assert.Multiple(() =>
        {
            Assert.That(bau.TotalCost(Perspective.ForPayer(Payer.State)), Is.EqualTo(pv).Within(1e-10));
            Assert.That(bau.TotalCost(Perspective.Individual), Is.EqualTo(-pv).Within(1e-10));
            Assert.That(bau.TotalCost(Perspective.PublicSector), Is.EqualTo(4 * pv).Within(1e-10), "30 + 10 per year");
            // Society: 30 of resource costs × 1.2, plus the tax financing cost on the 10 transfer (0.2 × 10); the transfer itself nets out.
            Assert.That(bau.TotalCost(Perspective.Society(0.2)), Is.EqualTo((3 * pv * 1.2) + (0.2 * pv)).Within(1e-9));
        });
    }

    [Test]
    public void Compare_NoInvestment_EveryRatioUndefinedWithItsReason()
    {
        var (_, bau) = Simple();
        var a = Appraisal.Compare(bau, bau, Perspective.PublicSector);
        Assert.Multiple(() =>
        {
            Assert.That(a.NetPresentValue, Is.Zero);
            foreach (var f in new[] { a.BenefitCostRatio, a.ReturnOnInvestment, a.InternalRateOfReturn, a.PaybackYears, a.PaybackYearsDiscounted })
            {
                Assert.That(f.IsDefined, Is.False);
                Assert.That(f.Value, Is.Null);
                Assert.That(f.Reason, Is.EqualTo(FigureReason.NoInvestment));
                Assert.That(f.Explanation, Does.Contain("no investment"));
            }
        });
    }

    [Test]
    public void Compare_PayerThatOnlySaves_HasNoIrrNoPaybackNoRatio()
    {
        // The state invests nothing but saves on the benefit: a saver's IRR (806 % in the issue) or
        // "payback 0 years" would be a meaningless number.
        var b = new LifeCourseModelBuilder("saver");
        b.AddState("Client").AddState("Out").AddPayers(Payer.Municipality, Payer.State).AddSectors(Sector.SocialServices, Sector.Benefits);
        b.Probability("Client", "Out", 0.1).Remainder("Client", "Client").Probability("Out", "Out", 1.0);
        var team = new Account(Payer.Municipality, Sector.SocialServices, FlowKind.ResourceCost);
        b.StateFlow("Client", new Account(Payer.State, Sector.Benefits, FlowKind.Transfer), 100);
        var intervention = Intervention.Create("team").UpfrontCost(team, 50)
            .AffectTransition("Client", "Out", EffectMeasure.RelativeRisk, 2.0, EffectProfile.Permanent).Build();
        var invest = new Strategy("team", intervention);
        b.AddStrategy(Strategy.BusinessAsUsual).AddStrategy(invest).WithPopulation(Population.StartingIn(20, "Client", size: 1));
        b.WithOptions(new SimulationOptions { Cycles = 10, CostDiscounting = DiscountSchedule.Constant(0.04) });
        var model = b.Build();
        var a = Appraisal.Compare(CohortEngine.Run(model, invest), CohortEngine.Run(model, Strategy.BusinessAsUsual), Perspective.ForPayer(Payer.State));
        Assert.Multiple(() =>
        {
            Assert.That(a.NetPresentValue, Is.GreaterThan(0), "the state saves");
            Assert.That(a.InternalRateOfReturn.Reason, Is.EqualTo(FigureReason.NoInvestment));
            Assert.That(a.PaybackYears.Reason, Is.EqualTo(FigureReason.NoInvestment));
            Assert.That(a.BenefitCostRatio.Reason, Is.EqualTo(FigureReason.NoInvestment));
        });
    }

    [TestCase(new[] { -100.0, 230, -132 }, FigureReason.NotConventional, TestName = "Irr_TwoSignChanges_IsUndefined")]
    [TestCase(new[] { 10.0, 20, 30 }, FigureReason.NotConventional, TestName = "Irr_NoSignChange_IsUndefined")]
    [TestCase(new[] { 100.0, -20, -30 }, FigureReason.NotConventional, TestName = "Irr_ReturnsBeforeCosts_IsNotAnInvestment")]
    [TestCase(new[] { -100.0, double.NaN, 30 }, FigureReason.NonFinite, TestName = "Irr_NaN_IsNonFinite")]
    public void Irr_NonConventionalStream_IsUndefined(double[] stream, FigureReason reason)
        => Assert.That(AppraisalResult.Irr(stream, 1.0).Reason, Is.EqualTo(reason), "−100 + 230x − 132x² has roots at 10 % and 20 %: no unique IRR");

    [Test]
    public void Irr_LateSmallReversal_UsesNorstromsCriterion()
    {
        // −100, 60, 60, −1 changes sign twice, so Descartes allows two roots: they are −98.35 % and
        // 12.5296 % (bisection by hand). Its running total −100, −40, 20, 19 changes sign once, so by
        // Norström (1972) exactly one root is positive: that one is the IRR.
        var irr = AppraisalResult.Irr([-100.0, 60, 60, -1], 1.0);
        Assert.That(irr.Value, Is.EqualTo(0.12529597665138534).Within(1e-9));
    }

    [Test]
    public void Irr_ConventionalStream_MatchesExcel()
        => Assert.That(AppraisalResult.Irr([-1000.0, 300, 400, 500], 1.0).Value, Is.EqualTo(0.08896339469335).Within(1e-9), "Excel =IRR({-1000,300,400,500})");

    [TestCase(155)]
    [TestCase(200)]
    [TestCase(1000)]
    public void Irr_LongHorizon_DoesNotOverflow(int years)
    {
        // Issue 8.1: at r = −99 % the discount factor (1 + r)^−t overflows exp after ~154 years and the
        // search threw on NaN. The scaled sum keeps it finite. Stream: −100 now, then 10 a year:
        // the IRR solves 100 = 10·(1 − (1 + r)^−(T))/r, close to 10 % for long horizons.
        var stream = new double[years + 1];
        stream[0] = -100;
        for (var t = 1; t <= years; t++)
        {
            stream[t] = 10;
        }

        var irr = AppraisalResult.Irr(stream, 1.0);
        Assert.That(irr.Value, Is.EqualTo(0.1).Within(1e-6), "annuity factor 10 → 10 % as T → ∞");
    }

    [Test]
    public void Figure_NonFiniteValue_IsUndefined()
    {
        Assert.Multiple(() =>
        {
            Assert.That(Figure.Of(double.PositiveInfinity).Reason, Is.EqualTo(FigureReason.NonFinite));
            Assert.That(Figure.Of(1.5).Value, Is.EqualTo(1.5));
            Assert.That(Figure.Of(1.5).ToString(), Is.EqualTo("1.5"));
            Assert.That(Figure.Undefined(FigureReason.NoRoot).ToString(), Does.StartWith("n/a ("));
            Assert.Throws<ArgumentOutOfRangeException>(() => Figure.Undefined(FigureReason.Defined));
        });
    }

    [Test]
    public void SwitchingValue_FindsUptakeWhereNpvIsZero()
    {
        var b = new LifeCourseModelBuilder("switch");
        b.AddState("Client").AddPayers(Payer.Municipality).AddSectors(Sector.SocialServices);
        b.Probability("Client", "Client", 1.0);
        b.StateFlow("Client", KommuneCare, 30);
        var effect = b.AddParameter("effect", 0.5);
        var iv = Intervention.Create("fix").UpfrontCost(KommuneCare, 100).ScaleFlows(effect, payer: Payer.Municipality).Build();
        var invest = new Strategy("invest", iv);
        b.AddStrategy(Strategy.BusinessAsUsual).AddStrategy(invest).WithPopulation(Population.StartingIn(30, "Client"));
        b.WithOptions(new SimulationOptions { Cycles = 4, CostDiscounting = DiscountSchedule.Constant(0.05) });
        var model = b.Build();
        // Savings (1 − m)·111.697… equal 100 at m = 1 − 100/111.697….
        var m = Appraisal.SwitchingValue(model, invest, Strategy.BusinessAsUsual, Perspective.PublicSector, effect, 0, 1);
        Assert.That(m, Is.EqualTo(1 - (100 / 111.69744088111435)).Within(1e-8));
    }
}
