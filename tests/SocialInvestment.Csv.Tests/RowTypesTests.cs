using SocialInvestment.Model;
using SocialInvestment.Scenarios;

namespace SocialInvestment.Csv.Tests;

/// <summary>
/// The row types are records with init-only properties (issue 9: a new column must not break a
/// constructor), and a flows.csv row read from a file shares everything but its amount with the rows
/// alike in it: it must still behave as a value of its own.
/// </summary>
public sealed class RowTypesTests
{
    private static FlowRow Flow(double? amount) => new()
    {
        State = "school",
        Payer = "municipality",
        Sector = "education",
        Kind = FlowKind.ResourceCost,
        AgeTo = 16,
        Amount = amount,
        PriceYear = 2021,
        Source = "Udir",
    };

    [Test]
    public void AFlowRowMadeInCode_HasTheDefaultsOfTheOptionalColumns()
    {
        var row = new FlowRow { State = "work", Payer = "state", Sector = "benefits", Kind = FlowKind.Transfer };
        Assert.Multiple(() =>
        {
            Assert.That(row.ToState, Is.Null);
            Assert.That(row.AgeFrom, Is.Null);
            Assert.That(row.AgeTo, Is.Null);
            Assert.That(row.Amount, Is.Null);
            Assert.That(row.Parameter, Is.Null);
            Assert.That(row.PriceYear, Is.Null);
            Assert.That(row.RealGrowth, Is.EqualTo(0));
            Assert.That(row.Source, Is.Null);
            Assert.That(row.Kind, Is.EqualTo(FlowKind.Transfer));
        });
    }

    [Test]
    public void FlowRowsRead_EqualTheSameRowsMadeInCode_AndShareTheirCommonPart()
    {
        var scenario = NorwegianDefault.Load();
        var first = scenario.Flows[0];
        var copy = new FlowRow
        {
            State = first.State,
            ToState = first.ToState,
            Payer = first.Payer,
            Sector = first.Sector,
            Kind = first.Kind,
            AgeFrom = first.AgeFrom,
            AgeTo = first.AgeTo,
            Amount = first.Amount,
            Parameter = first.Parameter,
            PriceYear = first.PriceYear,
            RealGrowth = first.RealGrowth,
            Source = first.Source,
        };
        Assert.That(copy, Is.EqualTo(first));
        Assert.That(copy.GetHashCode(), Is.EqualTo(first.GetHashCode()));
        Assert.That(copy.ToString(), Is.EqualTo(first.ToString()));
    }

    [Test]
    public void ChangingARowWithWith_LeavesTheRowsItSharedWithUnchanged()
    {
        var a = Flow(100);
        var b = a with { Amount = 200 };
        var c = b with { State = "neet", Amount = null };
        Assert.Multiple(() =>
        {
            Assert.That(a.Amount, Is.EqualTo(100));
            Assert.That(b.Amount, Is.EqualTo(200));
            Assert.That(b.State, Is.EqualTo("school"));
            Assert.That(c.State, Is.EqualTo("neet"));
            Assert.That(c.Amount, Is.Null);
            Assert.That(a.State, Is.EqualTo("school"));
            Assert.That(a, Is.Not.EqualTo(b));
            Assert.That(b with { Amount = 100 }, Is.EqualTo(a));
            Assert.That(Flow(null), Is.Not.EqualTo(Flow(0)), "no amount is not an amount of 0");
        });
    }

    [Test]
    public void ListsOfARow_AreCopiedOnInitialisation()
    {
        var states = new List<string> { "neet" };
        var row = new InterventionRow { Name = "IPS", Kind = InterventionKind.Preventive, EligibleStates = states };
        states.Add("work");
        Assert.That(row.EligibleStates, Is.EqualTo(new[] { "neet" }));
        Assert.That(new InterventionRow { Name = "IPS", Kind = InterventionKind.Preventive }.EligibleStates, Is.Empty);
        Assert.That(new InterventionCostRow { Intervention = "IPS", Payer = "state", Sector = "employment", Kind = FlowKind.ResourceCost, Timing = CostTiming.Upfront, Amount = 1 }.States, Is.Empty);
    }
}
