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
            Assert.That(a.BenefitCostRatio, Is.EqualTo(pvBenefits / 100).Within(1e-12));
            Assert.That(a.ReturnOnInvestment, Is.EqualTo((pvBenefits - 100) / 100).Within(1e-12));
            // Excel: =IRR({-70, 30, 30, 30}) = 13.7009 %.
            Assert.That(a.InternalRateOfReturn, Is.EqualTo(0.13700914959534702).Within(1e-9));
            Assert.That(a.PaybackYears, Is.EqualTo(3.0), "cumulative −70, −40, −10, +20");
            Assert.That(a.PaybackYearsDiscounted, Is.EqualTo(3.0));
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
            Assert.That(kommune.Investment, Is.EqualTo(100).Within(1e-12));
            Assert.That(kommune.Consequences, Is.EqualTo(-111.69744088111435).Within(1e-10));
            Assert.That(state.Net, Is.EqualTo(0).Within(1e-12), "the benefit is untouched");
            Assert.That(a.PayerSectors, Has.Count.EqualTo(1));
            Assert.That(a.PayerSectors[0].Sector, Is.EqualTo(Sector.SocialServices));
            Assert.That(a.PayerSectors[0].Net, Is.EqualTo(100 - 111.69744088111435).Within(1e-10));
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
    public void Compare_NoInvestment_GivesNaNRatiosAndNoIrr()
    {
        var (_, bau) = Simple();
        var a = Appraisal.Compare(bau, bau, Perspective.PublicSector);
        Assert.Multiple(() =>
        {
            Assert.That(a.NetPresentValue, Is.Zero);
            Assert.That(double.IsNaN(a.BenefitCostRatio), Is.True);
            Assert.That(a.InternalRateOfReturn, Is.Null);
            Assert.That(a.PaybackYears, Is.EqualTo(0.0));
        });
    }

    [TestCase(new[] { -100.0, 230, -132 }, TestName = "Irr_TwoSignChanges_IsNull")]
    [TestCase(new[] { 10.0, 20, 30 }, TestName = "Irr_NoSignChange_IsNull")]
    public void Irr_NonConventionalStream_IsNull(double[] stream)
        => Assert.That(AppraisalResult.Irr(stream, 1.0), Is.Null, "−100 + 230x − 132x² has roots at 10 % and 20 %: no unique IRR");

    [Test]
    public void Irr_ConventionalStream_MatchesExcel()
        => Assert.That(AppraisalResult.Irr([-1000.0, 300, 400, 500], 1.0), Is.EqualTo(0.08896339469335).Within(1e-9), "Excel =IRR({-1000,300,400,500})");

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
