using SocialInvestment.Decisions;
using SocialInvestment.Economics;
using SocialInvestment.Engine;
using SocialInvestment.Model;
using SocialInvestment.Uncertainty;

namespace SocialInvestment.Reporting.Tests;

/// <summary>The liability and follow-up report sections: units, price year and perspective stated, suppressed cells never shown as numbers, charts present.</summary>
public class LiabilityReportTests
{
    private static (LifeCourseModel Model, Strategy Invest) Model()
    {
        var cost = new Account(Payer.Municipality, Sector.ChildWelfare, FlowKind.ResourceCost);
        var benefit = new Account(Payer.State, Sector.Benefits, FlowKind.Transfer);
        var b = new LifeCourseModelBuilder("report test")
            .AddState("home").AddState("placed").AddState("dead", absorbing: true)
            .AddPayers(Payer.Municipality, Payer.State).AddSectors(Sector.ChildWelfare, Sector.Benefits);
        var p = b.AddParameter("p_place", 0.1);
        b.Probability("home", "placed", (in ModelContext c) => c[p]).Probability("home", "dead", 0.01).Remainder("home", "home");
        b.Probability("placed", "home", 0.2).Probability("placed", "dead", 0.01).Remainder("placed", "placed");
        b.StateFlow("placed", cost, 900_000).StateFlow("home", benefit, 50_000);
        var invest = new Strategy("team", Intervention.Create("team").EligibleIn("home").UpfrontCost(cost, 20_000).AffectTransition("home", "placed", EffectMeasure.RelativeRisk, 0.7).Build());
        var model = b.AddStrategy(Strategy.BusinessAsUsual).AddStrategy(invest).WithPopulation(Population.StartingIn(13, "home", 40)).WithOptions(new SimulationOptions { Cycles = 10 }).WithPriceYear(2023).Build();
        return (model, invest);
    }

    [Test]
    public void LiabilityReport_StatesUnits_AndShowsSuppressedCellsAsSuppressed()
    {
        var (model, _) = Model();
        var persons = Enumerable.Range(0, 30).Select(i => new RegisterPerson($"h{i}", 12 + (i % 5), "home"))
            .Concat(Enumerable.Range(0, 3).Select(i => new RegisterPerson($"p{i}", 14, "placed")));
        var liability = CaseloadLiability.Compute(model, new ClientRegister(persons, "2025-12-31"));
        var report = LiabilityReports.Liability(liability);
        var md = report.ToMarkdown();
        Assert.Multiple(() =>
        {
            Assert.That(md, Does.Contain("NOK, 2023 prices"));
            Assert.That(md, Does.Contain("Perspective: each payer's own budget"));
            Assert.That(md, Does.Contain("| placed | suppressed | suppressed | suppressed | suppressed |"));
            Assert.That(report.Charts.Select(c => c.FileName), Is.EquivalentTo(new[] { "liability-age-band.png", "liability-state.png" }));
            Assert.That(report.Charts.All(c => c.Png.Length > 1000), Is.True);
        });
    }

    [Test]
    public void FollowUpReport_HasTheRealisationSections_AndTheChart()
    {
        var (model, invest) = Model();
        var psa = new PsaSpecification(model).With("p_place", new BetaDistribution(2, 18));
        var forecast = InvestmentForecast.Make(model, invest, Strategy.BusinessAsUsual, 2025, "sha256:test", new ForecastOptions { Years = 3, Draws = 50 }, psa);
        var table = new FollowUpTable("team", [new FollowUpRow(2025, FollowUpMeasure.Count, "placed", 3, "register"), new FollowUpRow(2025, FollowUpMeasure.Spending, "municipality", 4_000_000, "accounts")]);
        var report = LiabilityReports.FollowUp(FollowUp.Compare(forecast, table));
        var md = report.ToMarkdown();
        Assert.Multiple(() =>
        {
            Assert.That(md, Does.Contain("People: observed against expected").And.Contain("Spending and gains realised so far").And.Contain("Updated belief"));
            Assert.That(md, Does.Contain("sha256:test"));
            Assert.That(md, Does.Contain("+ = better off"));
            Assert.That(report.Charts.Single().FileName, Is.EqualTo("follow-up-counts.png"));
        });
    }
}
