using SocialInvestment.Scenarios;
using SocialInvestment.Tests.Model;

namespace SocialInvestment.Csv.Tests;

/// <summary>
/// The lane row kernel on the Norwegian default (probability rows with a remainder, odds-ratio and
/// relative-risk effects, nine sub-cohorts): every lean row of every strategy, per lane the same doubles
/// as the scalar lean row, bit for bit, and every lean cell likewise (<see cref="LaneRowComparison"/>).
/// </summary>
public sealed class NorwegianDefaultLaneRowTests
{
    [Test]
    public void LaneRowsAndCellsEqualTheScalarLeanOnes()
    {
        var scenario = NorwegianDefault.Load();
        var model = scenario.BuildModel();
        var (rows, _, cells, mismatches) = LaneRowComparison.Compare(model, scenario.ToPsaSpecification(model), 2);
        Assert.That(mismatches.Take(5), Is.Empty);
        Assert.That(rows, Is.GreaterThan(1000), "lane rows compared");
        Assert.That(cells, Is.GreaterThan(100), "lane cells compared");
    }
}
