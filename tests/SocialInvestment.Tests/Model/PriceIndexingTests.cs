using SocialInvestment.Model;

namespace SocialInvestment.Tests.Model;

public class PriceIndexingTests
{
    private static readonly Dictionary<int, double> Index = new() { [2020] = 100, [2023] = 120, [2024] = 126 };

    [Test]
    public void Factor_IsTheIndexOfTheYearWantedOverTheYearGiven()
    {
        Assert.Multiple(() =>
        {
            Assert.That(PriceIndexing.Factor(Index, 2020, 2023), Is.EqualTo(120.0 / 100.0));
            Assert.That(PriceIndexing.Factor(Index, 2024, 2020), Is.EqualTo(100.0 / 126.0));
            Assert.That(PriceIndexing.Factor(null, 2023, 2023), Is.EqualTo(1.0), "the same year needs no index");
            Assert.That(PriceIndexing.TryFactor(Index, 2019, 2023, out var f), Is.False);
            Assert.That(f, Is.EqualTo(1.0));
            Assert.Throws<InvalidOperationException>(() => PriceIndexing.Factor(Index, 2023, 2019));
        });
    }

    [Test]
    public void Quantity_Times_ScalesAConstantOrTheParameterItReads()
    {
        var values = new ParameterValues([4.0]);
        var p = Quantity.Of(new ParameterRef(0, "p"));
        Assert.Multiple(() =>
        {
            Assert.That(Quantity.Constant(10).Times(0.5).Evaluate(values), Is.EqualTo(5));
            Assert.That(p.Times(0.5).Evaluate(values), Is.EqualTo(2));
            Assert.That(p.Times(0.5).Evaluate(new ParameterValues([6.0])), Is.EqualTo(3), "re-reads the parameter");
            Assert.That(p.Times(1.0), Is.EqualTo(p));
            Assert.That(p.Times(0.5).ToString(), Is.EqualTo("0.5 × parameter #0"));
        });
    }
}
