using SocialInvestment.Model;
using SocialInvestment.Workloads;

namespace SocialInvestment.Tests.Model;

/// <summary>
/// The lane row kernel (<see cref="LaneRowKernel"/>: W draws' rows at once on vectors) against the scalar
/// lean row of each lane (<see cref="LaneRowComparison"/>): the same rows accepted and the same doubles
/// bit for bit, on every lean row of welfare-16 and of a model with every effect measure, both balances,
/// age windows, a drawn uptake and a rate that some draws make negative (rows that both reject); and the
/// lane cell kernel against the scalar lean cell on every lean cell of the same models.
/// </summary>
public class LaneRowTests
{
    [TestCase(UptakeMode.MeanEffect)]
    [TestCase(UptakeMode.Subcohorts)]
    public void MixedModel_LaneRowsAndCellsEqualTheScalarLeanOnes(UptakeMode mode)
    {
        var (model, spec) = LeanRowTests.Mixed(mode);
        var (rows, rejected, cells, mismatches) = LaneRowComparison.Compare(model, spec, 6);
        Assert.That(mismatches.Take(5), Is.Empty);
        Assert.That(rows, Is.GreaterThan(1000), "lane rows compared");
        Assert.That(cells, Is.GreaterThan(100), "lane cells compared");
        Assert.That(rejected, Is.GreaterThan(0), "lane rows with a negative rate, rejected by both");
    }

    [TestCase(UptakeMode.MeanEffect)]
    [TestCase(UptakeMode.Subcohorts)]
    public void Welfare16_LaneRowsAndCellsEqualTheScalarLeanOnes(UptakeMode mode)
    {
        var model = Welfare16.Build(mode);
        var (rows, _, cells, mismatches) = LaneRowComparison.Compare(model, Welfare16.Specification(model), 2);
        Assert.That(mismatches.Take(5), Is.Empty);
        Assert.That(rows, Is.GreaterThan(10000), "lane rows compared");
        Assert.That(cells, Is.GreaterThan(10000), "lane cells compared");
    }
}
