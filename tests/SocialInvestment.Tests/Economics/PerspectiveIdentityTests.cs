using SocialInvestment.Economics;
using SocialInvestment.Engine;
using SocialInvestment.Model;
using SocialInvestment.Uncertainty;

namespace SocialInvestment.Tests.Economics;

/// <summary>Perspectives are matched by what they are, not by their display name (which rounds λ to whole percent).</summary>
public class PerspectiveIdentityTests
{
    private static readonly Payer Kommune = new("kommune", true);
    private static readonly Sector Services = new("services");

    [Test]
    public void TwoSocieties_DifferingOnlyInLambda_AreDifferent_ThoughTheirNamesAgree()
    {
        var a = Perspective.Society(0.2);
        var b = Perspective.Society(0.204);
        Assert.Multiple(() =>
        {
            Assert.That(a.Name, Is.EqualTo(b.Name), "both print as 20 %");
            Assert.That(a, Is.Not.EqualTo(b));
            Assert.That(a, Is.EqualTo(Perspective.Society(0.2)), "the same λ is the same perspective, however often it is made");
            Assert.That(a.GetHashCode(), Is.EqualTo(Perspective.Society(0.2).GetHashCode()));
            Assert.That(Perspective.ForPayer(Kommune), Is.EqualTo(Perspective.ForPayer(new Payer("kommune", true))));
            Assert.That(Perspective.Custom("society (tax financing cost 20 %)", _ => 1), Is.Not.EqualTo(a), "a custom perspective is itself only");
            Assert.That(a.TaxFinancingCost, Is.EqualTo(0.2));
            Assert.That(Perspective.PublicSector.TaxFinancingCost, Is.Null);
            Assert.That(Perspective.Society().TaxFinancingCost, Is.EqualTo(Perspective.DefaultTaxFinancingCost));
        });
    }

    [Test]
    public void Psa_WithTwoSocietiesDifferingOnlyInLambda_KeepsTheirResultsApart()
    {
        // One public cost of 1000 per cycle for three cycles, no discounting: society's cost is (1 + λ)·3000.
        var b = new LifeCourseModelBuilder("lambda");
        b.AddState("A").AddPayers(Kommune).AddSectors(Services);
        b.Remainder("A", "A");
        b.StateFlow("A", new Account(Kommune, Services, FlowKind.ResourceCost), 1000);
        b.WithPopulation(Population.StartingIn(30, "A"));
        b.WithOptions(new SimulationOptions { Cycles = 3, CostDiscounting = DiscountSchedule.None, OutcomeDiscounting = DiscountSchedule.None });
        var model = b.Build();
        var low = Perspective.Society(0.2);
        var high = Perspective.Society(0.204);
        var psa = ProbabilisticAnalysis.Run(new PsaSpecification(model), new PsaOptions
        {
            Draws = 2,
            Seed = 1,
            Strategies = [Strategy.BusinessAsUsual],
            Comparator = Strategy.BusinessAsUsual,
            Perspectives = [low, high],
            KeepDraws = true,
        });
        Assert.That(psa.Costs(Strategy.BusinessAsUsual, low)[0], Is.EqualTo(1.2 * 3000).Within(1e-9));
        Assert.That(psa.Costs(Strategy.BusinessAsUsual, high)[0], Is.EqualTo(1.204 * 3000).Within(1e-9));
        Assert.That(psa.Costs(Strategy.BusinessAsUsual, Perspective.Society(0.204))[0], Is.EqualTo(1.204 * 3000).Within(1e-9), "found by value, not by the instance");
    }
}
