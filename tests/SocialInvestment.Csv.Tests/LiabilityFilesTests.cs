using System.Text;
using SocialInvestment.Decisions;
using SocialInvestment.Economics;
using SocialInvestment.Model;
using SocialInvestment.Scenarios;
using SocialInvestment.Uncertainty;

namespace SocialInvestment.Csv.Tests;

/// <summary>register.csv, the follow-up tables, forecast.json and the caseload extension of the Norwegian default. Run under de-DE: reading never uses the current culture.</summary>
[SetCulture("de-DE")]
public sealed class LiabilityFilesTests
{
    private static readonly Lazy<LifeCourseModel> DefaultModel = new(() => NorwegianDefault.Load().BuildModel());

    private static MemoryStream Utf8(string text) => new(Encoding.UTF8.GetBytes(text));

    [Test]
    public void Register_ReadsAttributes_AndReportsEveryBadRowWithLineAndField()
    {
        var model = DefaultModel.Value;
        var good = RegisterFile.ReadStream(Utf8("person_id,age,state,district,school\na,14,cw_inhome,Nord,X\nb,30.5,aap,Sør,\n"), "register.csv", model, null, "2025");
        Assert.Multiple(() =>
        {
            Assert.That(good.Count, Is.EqualTo(2));
            Assert.That(good.AttributeNames, Is.EqualTo(new[] { "district", "school" }));
            Assert.That(good.Persons[1].Age, Is.EqualTo(30.5));
            Assert.That(good.Persons[1].Attribute("school"), Is.Null);
        });

        var bad = "# comment\nperson_id,age,state,time_in_state\na,14,cw_inhome,0\na,15,nowhere,0\nc,-3,aap,0\nd,abc,aap,-1\n";
        var e = Assert.Throws<ScenarioFormatException>(() => RegisterFile.ReadStream(Utf8(bad), "register.csv", model, null, null))!;
        var text = string.Join("\n", e.Problems);
        Assert.Multiple(() =>
        {
            Assert.That(e.Problems.Select(p => (p.Line, p.Field)), Is.SupersetOf(new (int?, string?)[] { (4, "person_id"), (4, "state"), (5, "age"), (6, "age"), (6, "time_in_state") }));
            Assert.That(text, Does.Contain("Person id 'a' is a duplicate of line 3"));
            Assert.That(text, Does.Contain("Unknown state 'nowhere'"));
            Assert.That(text, Does.Contain("Age -3 is impossible"));
            Assert.That(e.Problems.All(p => p.File == "register.csv"), Is.True);
        });
    }

    [Test]
    public void FollowUp_YearBeforeTheForecast_IsAnErrorWithLineAndField()
    {
        var model = DefaultModel.Value;
        var cohorts = FollowUpFiles.ReadCohorts(Utf8("investment,comparator,start_year,years,start_age,state,people,source\nFamily team,Business as usual,2025,3,13,cw_inhome,40,x\n"), "follow_up_cohorts.csv", model);
        var rows = "investment,year,measure,item,value,source\nFamily team,2024,count,cw_foster,1,x\nFamily team,2025,count,nowhere,1,x\nFamily team,2025,spending,nobody,1,x\nNo such,2025,people,,1,x\nFamily team,2026,people,,2.5,x\nFamily team,2026,count,cw_foster,1,\n";
        var e = Assert.Throws<ScenarioFormatException>(() => FollowUpFiles.ReadFollowUp(Utf8(rows), "follow_up.csv", cohorts, model))!;
        var text = string.Join("\n", e.Problems);
        Assert.Multiple(() =>
        {
            Assert.That(e.Problems.Select(p => (p.Line, p.Field)), Is.SupersetOf(new (int?, string?)[] { (2, "year"), (3, "item"), (4, "item"), (5, "investment"), (6, "value"), (7, "source") }));
            Assert.That(text, Does.Contain("Year 2024 is before the forecast: 'Family team' starts in 2025"));
            Assert.That(cohorts.Single().Cohort.Size, Is.EqualTo(40));
        });
    }

    [Test]
    public void Forecast_RoundTripsThroughJson_Exactly()
    {
        var model = DefaultModel.Value;
        var psa = NorwegianDefault.Load().ToPsaSpecification(model);
        var forecast = InvestmentForecast.Make(model, model.Strategy("Family team"), model.Strategy("Business as usual"), 2025, "sha256:x", new ForecastOptions { Years = 2, Draws = 3, Cohort = Population.StartingIn(13, "cw_inhome", 40) }, psa);
        using var ms = new MemoryStream();
        ForecastFile.Write(forecast, ms);
        ms.Position = 0;
        var back = ForecastFile.Read(ms, "forecast.json");
        Assert.Multiple(() =>
        {
            Assert.That(back.BaseCase.Counts, Is.EqualTo(forecast.BaseCase.Counts));
            Assert.That(back.Draws[2].Npv, Is.EqualTo(forecast.Draws[2].Npv));
            Assert.That(back.ScenarioHash, Is.EqualTo("sha256:x"));
            Assert.That(back.Seed, Is.EqualTo(forecast.Seed));
        });
        Assert.Throws<ScenarioFormatException>(() => ForecastFile.Read(Utf8("{\"format\":\"other\"}"), "forecast.json"));
    }

    [Test]
    public void ScenarioHash_IsStable_AndChangesWithTheScenario()
    {
        var s = NorwegianDefault.Load();
        var h = FollowUpFiles.ScenarioHash(s);
        Assert.Multiple(() =>
        {
            Assert.That(h, Does.Match("^sha256:[0-9a-f]{64}$"));
            Assert.That(FollowUpFiles.ScenarioHash(NorwegianDefault.Load()), Is.EqualTo(h));
            Assert.That(FollowUpFiles.ScenarioHash(s with { Settings = s.Settings with { PopulationSize = 999 } }), Is.Not.EqualTo(h));
        });
    }

    [Test]
    public void DefaultCaseload_Loads_AndItsLiabilityAndMovementHold()
    {
        var model = DefaultModel.Value;
        var opening = NorwegianCaseload.OpeningRegister(model);
        var closing = NorwegianCaseload.ClosingRegister(model);
        var liability = CaseloadLiability.Compute(model, opening);
        var movement = LiabilityMovement.Analyse(model, opening, closing);
        Assert.Multiple(() =>
        {
            Assert.That(opening.Count, Is.EqualTo(3191));
            Assert.That(closing.Count, Is.EqualTo(3174));
            Assert.That(opening.AttributeNames, Is.EqualTo(new[] { "district" }));
            Assert.That(liability.Public, Is.GreaterThan(0));
            Assert.That(liability.Dimension("state").Single(c => c.Key == "cw_institution").Suppressed, Is.True, "4 children in institutions: suppressed");
            Assert.That(movement.Parts.Sum(p => p.Public), Is.EqualTo(movement.ActualChange).Within(1e-9 * movement.Opening));
        });
        TestContext.Out.WriteLine($"public liability {liability.Public:N0}; profiles {liability.ProfileCount}; movement {movement.ActualChange:N0}: " + string.Join("; ", movement.Parts.Select(p => $"{p.Name} {p.Public:N0}")));
    }

    [Test]
    public void DefaultFollowUp_ComparesWithTheForecast()
    {
        var model = DefaultModel.Value;
        var invest = NorwegianCaseload.FollowedInvestments(model).Single();
        var table = NorwegianCaseload.FollowUp(model).Single();
        var psa = NorwegianDefault.Load().ToPsaSpecification(model);
        var forecast = InvestmentForecast.Make(model, model.Strategy(invest.Investment), model.Strategy(invest.Comparator), invest.StartYear, "sha256:x", new ForecastOptions { Years = invest.Years, Draws = 200, Cohort = invest.Cohort }, psa);
        var c = FollowUp.Compare(forecast, table);
        Assert.Multiple(() =>
        {
            Assert.That(c.Counts, Is.Not.Empty);
            Assert.That(c.Spending, Is.Not.Empty);
            Assert.That(c.Update, Is.Not.Null);
        });
        foreach (var x in c.Counts)
        {
            TestContext.Out.WriteLine($"{x.Year} {x.State}: observed {x.Observed} expected {x.Expected:0.00} band {x.Lower}-{x.Upper} {x.Deviation}");
        }

        foreach (var x in c.Spending)
        {
            TestContext.Out.WriteLine($"{x.Year} {x.Payer}: observed {x.Observed:N0} expected {x.Expected:N0} band {x.Lower:N0}-{x.Upper:N0} comparator {x.Comparator:N0} {x.Deviation}");
        }

        for (var y = invest.StartYear; y < invest.StartYear + 3; y++)
        {
            TestContext.Out.WriteLine($"{y}: foster {forecast.ExpectedCount(y, "cw_foster"):0.00} inst {forecast.ExpectedCount(y, "cw_institution"):0.00} inhome {forecast.ExpectedCount(y, "cw_inhome"):0.00} spend {forecast.ExpectedSpending(y, "municipality"):N0}");
        }

        TestContext.Out.WriteLine(c.UpdateStatement);
    }
}
