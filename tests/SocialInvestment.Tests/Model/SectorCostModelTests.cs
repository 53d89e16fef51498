using SocialInvestment.Economics;
using SocialInvestment.Engine;
using SocialInvestment.Model;

namespace SocialInvestment.Tests.Model;

public class SectorCostModelTests
{
    private static LifeCourseModel Build(params ISectorCostModel[] components)
    {
        var b = new LifeCourseModelBuilder("sectors");
        b.AddState("Work").AddState("Out").AddPayers(Payer.Municipality, Payer.County, Payer.State, Payer.Individual)
            .AddSectors(Sector.Employment, Sector.Taxation, Sector.Benefits, Sector.SocialServices);
        b.Probability("Work", "Work", 1.0).Probability("Out", "Out", 1.0);
        foreach (var c in components)
        {
            b.AddSectorCostModel(c);
        }

        b.WithPopulation(new Population([new PopulationGroup(30, "Work", 1), new PopulationGroup(30, "Out", 1)]));
        b.WithOptions(new SimulationOptions { Cycles = 1, CostDiscounting = DiscountSchedule.None });
        return b.Build();
    }

    [Test]
    public void EarningsAndTax_BooksProductionAndTaxSplit()
    {
        var model = Build(new EarningsAndTaxModel(["Work"], new AgeSchedule([(18, 67, 600_000)]), 0.25, new TaxSplit(0.4, 0.1, 0.5)));
        var r = CohortEngine.Run(model, Strategy.BusinessAsUsual);
        Assert.Multiple(() =>
        {
            // Half the population works: earnings 300 000 per person on average, tax 75 000.
            Assert.That(r.TotalCost(Perspective.Individual), Is.EqualTo(-300_000 + 75_000).Within(1e-6));
            Assert.That(r.TotalCost(Perspective.ForPayer(Payer.Municipality)), Is.EqualTo(-30_000).Within(1e-6));
            Assert.That(r.TotalCost(Perspective.ForPayer(Payer.County)), Is.EqualTo(-7_500).Within(1e-6));
            Assert.That(r.TotalCost(Perspective.ForPayer(Payer.State)), Is.EqualTo(-37_500).Within(1e-6));
            Assert.That(r.TotalCost(Perspective.Society(0)), Is.EqualTo(-300_000).Within(1e-6), "production counts, tax is a transfer");
            Assert.That(r.TotalCost(Perspective.Society(0.2)), Is.EqualTo(-300_000 - (0.2 * 75_000)).Within(1e-6));
        });
    }

    [Test]
    public void Benefits_ShareOfBaseAmountAndOfEarnings_AreTransfersFromStateToPerson()
    {
        const double g = 118_620; // Folketrygdens grunnbeløp from 1 May 2023 (NAV).
        var model = Build(BenefitModel.ShareOfBaseAmount("Out", 2.0, g, taxRate: 0.2));
        var r = CohortEngine.Run(model, Strategy.BusinessAsUsual);
        Assert.Multiple(() =>
        {
            Assert.That(r.TotalCost(Perspective.ForPayer(Payer.State)), Is.EqualTo(0.5 * 2 * g * (1 - (0.2 * 0.65))).Within(1e-6));
            Assert.That(r.TotalCost(Perspective.Individual), Is.EqualTo(-0.5 * 2 * g * 0.8).Within(1e-6));
            Assert.That(r.TotalCost(Perspective.Society(0)), Is.EqualTo(0).Within(1e-6));
        });
        var earnings = new AgeSchedule([(18, 67, 600_000)]);
        var dagpenger = Build(BenefitModel.ShareOfEarnings("Out", 0.624, earnings, cap: 0.624 * 6 * g));
        var r2 = CohortEngine.Run(dagpenger, Strategy.BusinessAsUsual);
        Assert.That(r2.TotalCost(Perspective.ForPayer(Payer.State)), Is.EqualTo(0.5 * Math.Min(0.624 * 600_000, 0.624 * 6 * g)).Within(1e-6));
    }

    [Test]
    public void UnitCostTable_AppliesAgeBands()
    {
        var care = new Account(Payer.Municipality, Sector.SocialServices, FlowKind.ResourceCost);
        var model = Build(new UnitCostTable([new UnitCost("Out", care, 1000, 18, 30), new UnitCost("Out", care, 5000, 30, 67, Source: "test")]));
        var r = CohortEngine.Run(model, Strategy.BusinessAsUsual);
        Assert.That(r.TotalCost(Perspective.ForPayer(Payer.Municipality)), Is.EqualTo(2500).Within(1e-9));
    }

    [Test]
    public void SubPayers_AreIncludedInTheirParentsPerspective()
    {
        var nav = new Payer("NAV", true, Parent: "state");
        var b = new LifeCourseModelBuilder("sub");
        b.AddState("Out").AddPayers(Payer.State, nav).AddSectors(Sector.Benefits);
        b.Probability("Out", "Out", 1.0);
        b.StateFlow("Out", new Account(nav, Sector.Benefits, FlowKind.Transfer), 100);
        b.StateFlow("Out", new Account(Payer.State, Sector.Benefits, FlowKind.Transfer), 10);
        b.WithPopulation(Population.StartingIn(30, "Out")).WithOptions(new SimulationOptions { Cycles = 1, CostDiscounting = DiscountSchedule.None });
        var r = CohortEngine.Run(b.Build(), Strategy.BusinessAsUsual);
        Assert.That(r.TotalCost(Perspective.ForPayer(Payer.State)), Is.EqualTo(110));
        Assert.That(r.TotalCost(Perspective.ForPayer(nav)), Is.EqualTo(100));
    }

    [Test]
    public void AgeSchedule_RejectsOverlapsAndReturnsZeroOutsideBands()
    {
        Assert.That(() => new AgeSchedule([(10, 20, 1), (15, 25, 2)]), Throws.ArgumentException.With.Message.Contains("overlap"));
        var s = new AgeSchedule([(10, 20, 1)]);
        Assert.That(s[9.99], Is.Zero);
        Assert.That(s[10], Is.EqualTo(1));
    }
}
