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

    private static (LiabilityResult Liability, LiabilityMovementResult Movement) LiabilityWithMovement(LifeCourseModel model, Strategy? closingStrategy = null)
    {
        var opening = Enumerable.Range(0, 30).Select(i => new RegisterPerson($"h{i}", 12 + (i % 5), "home"))
            .Concat(Enumerable.Range(0, 3).Select(i => new RegisterPerson($"p{i}", 14, "placed")));
        var closing = Enumerable.Range(0, 28).Select(i => new RegisterPerson($"h{i}", 13 + (i % 5), "home"))
            .Concat(Enumerable.Range(0, 6).Select(i => new RegisterPerson($"p{i}", 15, "placed")));
        var register = new ClientRegister(opening, "2025-12-31");
        var liability = CaseloadLiability.Compute(model, register, new LiabilityOptions { Draws = 20, Seed = 7 }, new PsaSpecification(model).With("p_place", new BetaDistribution(2, 18)));
        return (liability, LiabilityMovement.Analyse(model, register, new ClientRegister(closing, "2026-12-31"), closingStrategy: closingStrategy));
    }

    [Test]
    public void LiabilityReport_English_IsUnchanged()
    {
        // Lines of the English report as it was before the report went through the message table.
        var (model, _) = Model();
        var (liability, movement) = LiabilityWithMovement(model);
        var md = LiabilityReports.Liability(liability, movement, new ReportOptions { Title = "T" }).ToMarkdown();
        Assert.Multiple(() =>
        {
            Assert.That(md, Does.Contain("## Caseload liability\n\nThe present value at the snapshot date (2025-12-31) of the projected future flows of the 33 persons of the register, over the model's horizon of 10 cycles, under 'Business as usual', in NOK, 2023 prices, discounted with the model's schedule. A liability is + when it costs the payer; a negative figure is a projected gain (the individual's earnings and benefits received). The public liability is the sum over the public payers. Perspective: each payer's own budget.\n"));
            Assert.That(md, Does.Contain("| Payer | Liability (NOK, 2023 prices) | 95 % interval |\n"));
            Assert.That(md, Does.Contain("Intervals: 2.5 % and 97.5 % quantiles over 20 PSA draws (seed 7)."));
            Assert.That(md, Does.Contain("### By age band\n\n| age band | Persons | Public liability (NOK, 2023 prices) | Per person | 95 % interval |\n"));
            Assert.That(md, Does.Contain("| placed | suppressed | suppressed | suppressed | suppressed |"));
            Assert.That(md, Does.Contain("Cells with fewer than 5 persons are suppressed, and when only one cell of a grouping would be, the next smallest too, so that none can be recovered from the total."));
            Assert.That(md, Does.Contain("![Public liability by state](liability-state.png)\n\n*Bars: the public liability of each state in NOK, 2023 prices (+ = future public cost); suppressed cells are left out.*"));
            Assert.That(md, Does.Contain("## Movement of the liability\n\nFrom 2025-12-31 to 2026-12-31, public liability in NOK, 2023 prices (+ = the liability grows: more future public cost). The parts add up to the actual change.\n"));
            Assert.That(md, Does.Contain("| Opening liability |  |").And.Contain("| one year of costs | 33 |").And.Contain("| Expected change (ageing: year of costs + unwinding) |  |").And.Contain("| Actual change |  |"));
            Assert.That(md, Does.Contain("interventions: The closing register projected under 'Business as usual' instead of business as usual."));
            Assert.That(md, Does.Contain("## Conventions\n\n- Amounts in NOK, 2023 prices; the price year is the model's.\n- Persons with the same age, state and time in state have the same expected costs: each such profile is one run of the exact cohort engine, times its head count.\n- The register is synthetic and illustrative when it is the built-in default; no real person.\n"));
        });
    }

    [Test]
    public void LiabilityReport_Norwegian_IsInNorwegian_AndHasNoEnglishText()
    {
        var (model, invest) = Model();
        var (liability, movement) = LiabilityWithMovement(model, invest);
        var report = LiabilityReports.Liability(liability, movement, new ReportOptions { Title = "T", Language = ReportLanguage.NorwegianBokmal, Culture = System.Globalization.CultureInfo.GetCultureInfo("nb-NO") });
        var md = report.ToMarkdown();
        Assert.Multiple(() =>
        {
            foreach (var norwegian in new[]
            {
                "## Forpliktelse for dagens brukere", "Nåverdien på datoen for registeruttrekket (2025-12-31)", "| Betaler | Forpliktelse (NOK, 2023-priser) | 95 %-intervall |",
                "| offentlig sektor |", "PSA-trekninger (frø 7)", "### Etter aldersgruppe", "| aldersgruppe | Personer | Offentlig forpliktelse (NOK, 2023-priser) | Per person |",
                "| prikket | prikket |", "er prikket", "![Offentlig forpliktelse etter tilstand](liability-state.png)", "## Endring i forpliktelsen", "| Inngående forpliktelse |", "| ett års kostnader |",
                "| Faktisk endring |", "tiltak: Det utgående registeret framskrevet med «team»", "## Konvensjoner", "Beløp i NOK, 2023-priser; prisåret er modellens.",
            })
            {
                Assert.That(md, Does.Contain(norwegian));
            }

            foreach (var english in new[]
            {
                "Caseload liability", "The present value", "snapshot", "Liability (", "95 % interval", "public sector", "Intervals", "By age band", "age band", "By state", "Persons", "Public liability",
                "suppressed", "no draws", "Bars:", "Movement of the liability", "Opening liability", "Closing liability", "Expected change", "Actual change", "one year of costs", "unwinding",
                "The closing register", "Conventions", "Amounts in", "prices", "The register is synthetic",
            })
            {
                Assert.That(md, Does.Not.Contain(english));
            }

            Assert.That(report.ToHtml(), Does.Contain("<html lang=\"nb\">"));
            Assert.That(report.Charts.All(c => c.Png.Length > 1000), Is.True);
        });
    }

    [Test]
    public void MovementParts_InEnglish_AreTheAnalysisOwnTexts()
    {
        var (model, invest) = Model();
        var (_, movement) = LiabilityWithMovement(model, invest);
        var keys = new Dictionary<string, string>
        {
            [LiabilityMovement.YearOfCosts] = "yearOfCosts",
            [LiabilityMovement.Unwinding] = "unwinding",
            [LiabilityMovement.Exits] = "exits",
            [LiabilityMovement.Experience] = "experience",
            [LiabilityMovement.NewEntrants] = "newEntrants",
            [LiabilityMovement.AssumptionChanges] = "assumptionChanges",
            [LiabilityMovement.Interventions] = "interventions",
        };
        Assert.That(movement.Parts.Select(p => p.Name), Is.EquivalentTo(keys.Keys));
        foreach (var part in movement.Parts)
        {
            var key = "liability.part." + keys[part.Name];
            Assert.That(Texts.English[key], Is.EqualTo(part.Name));
            Assert.That(string.Format(System.Globalization.CultureInfo.InvariantCulture, Texts.English[key + ".description"], movement.ClosingStrategy), Is.EqualTo(part.Description), part.Name);
        }
    }

    /// <summary>The family team's forecast (3 years, 50 draws, seed of the forecast options) compared with one year of follow-up: a count of placed people and the municipality's spending.</summary>
    private static FollowUpComparison TeamFollowUp()
    {
        var (model, invest) = Model();
        var psa = new PsaSpecification(model).With("p_place", new BetaDistribution(2, 18));
        var forecast = InvestmentForecast.Make(model, invest, Strategy.BusinessAsUsual, 2025, "sha256:test", new ForecastOptions { Years = 3, Draws = 50 }, psa);
        var table = new FollowUpTable("team", [new FollowUpRow(2025, FollowUpMeasure.Count, "placed", 3, "register"), new FollowUpRow(2025, FollowUpMeasure.Spending, "municipality", 4_000_000, "accounts")]);
        return FollowUp.Compare(forecast, table);
    }

    [Test]
    public void FollowUpReport_HasTheRealisationSections_AndTheChart()
    {
        var report = LiabilityReports.FollowUp(TeamFollowUp());
        var md = report.ToMarkdown();
        Assert.Multiple(() =>
        {
            Assert.That(md, Does.Contain("People: observed against expected").And.Contain("Spending and gains realised so far").And.Contain("Updated belief"));
            Assert.That(md, Does.Contain("sha256:test"));
            Assert.That(md, Does.Contain("+ = better off"));
            Assert.That(report.Charts.Single().FileName, Is.EqualTo("follow-up-counts.png"));
        });
    }

    [Test]
    public void FollowUpReport_InNorwegian_HasNoEnglishText_AndEnglishIsUnchanged()
    {
        var comparison = TeamFollowUp();
        var nbOptions = new ReportOptions { Title = "Oppfølging", Language = ReportLanguage.NorwegianBokmal, Culture = System.Globalization.CultureInfo.GetCultureInfo("nb-NO") };
        var nb = LiabilityReports.FollowUp(comparison, nbOptions);
        var md = nb.ToMarkdown();
        var en = LiabilityReports.FollowUp(comparison).ToMarkdown();
        string[] english =
        [
            "The investment and its forecast", "People: observed against expected", "Spending and gains realised so far", "## Deviations", "Updated belief",
            "Forecast lifetime NPV", "People followed", "95 % band", "Without the investment", "Realised gain", "Forecast gain for the same years",
            "People counted at the end of each year", "Spending is a named magnitude", "Observed against expected", "the forecast's expected number",
            "observation(s) lie outside", "Every observation lies inside", "The follow-up data", "re-weighting", "Importance re-weighting", "effective sample size",
            "Forecast mean", "Updated mean", "MCSE (updated)", "ABOVE band", "BELOW band", "within", "no draws", "base case only", "PSA draws (seed", "2023 prices", "NPV (",
        ];
        Assert.Multiple(() =>
        {
            Assert.That(md, Does.Contain("## Investeringen og prognosen").And.Contain("## Personer: observert mot forventet").And.Contain("## Utgifter og gevinster realisert så langt").And.Contain("## Avvik").And.Contain("## Oppdatert oppfatning"));
            Assert.That(md, Does.Contain("«team» mot «Business as usual», startet 2025 for en kohort på 40").And.Contain("med 50 PSA-trekninger (frø 20260101)"));
            Assert.That(md, Does.Contain("| År | Tilstand | Personer fulgt | Observert | Forventet | 95 %-bånd | Avvik |").And.Contain("Prognostisert NNV over hele levetiden (NOK, 2023-priser, + = bedre ut)"));
            Assert.That(md, Does.Contain("Oppfølgingsdataene endrer oppfatningen").And.Contain("| NNV (municipality) |").And.Contain("effektiv utvalgsstørrelse 38"));
            Assert.That(md, Does.Contain("![Observert mot forventet](follow-up-counts.png)"));
            foreach (var text in english)
            {
                Assert.That(md, Does.Not.Contain(text), text);
            }

            Assert.That(nb.ToHtml(), Does.Contain("lang=\"nb\""));
            Assert.That(en, Does.StartWith("# Follow-up: realised against forecast\n"));
            Assert.That(en, Does.Contain("## The investment and its forecast").And.Contain("'team' against 'Business as usual', started 2025 for a cohort of 40; forecast for 2025–2027 from the scenario with content hash sha256:test, with 50 PSA draws (seed 20260101)."));
            Assert.That(en, Does.Contain("| Year | State | People followed | Observed | Expected | 95 % band | Deviation |").And.Contain("| Perspective | Forecast lifetime NPV (NOK, 2023 prices, + = better off) |"));
            Assert.That(en, Does.Contain("Spending is a named magnitude (+ = the payer paid), undiscounted, in the price year.").And.Contain("| Figure | Forecast mean | Forecast 95 % | Updated mean | Updated 95 % | MCSE (updated) | Moved |"));
            Assert.That(en, Does.Contain("## Updated belief\n\n" + comparison.UpdateStatement + "\n"));
            Assert.That(en, Does.Contain("| NPV (municipality) |"));
            Assert.That(LiabilityReports.ObservedAgainstExpected(comparison, nbOptions), Is.Not.EqualTo(LiabilityReports.ObservedAgainstExpected(comparison)), "the chart's title, axes and legend are translated");
        });
    }

    [Test]
    public void FollowUpReport_InNorwegian_StatesWhyThereIsNoUpdate()
    {
        var (model, invest) = Model();
        var psa = new PsaSpecification(model).With("p_place", new BetaDistribution(2, 18));
        var noDraws = InvestmentForecast.Make(model, invest, Strategy.BusinessAsUsual, 2025, "sha256:test", new ForecastOptions { Years = 3, Draws = 0 }, psa);
        var withDraws = InvestmentForecast.Make(model, invest, Strategy.BusinessAsUsual, 2025, "sha256:test", new ForecastOptions { Years = 3, Draws = 50 }, psa);
        var spending = new FollowUpTable("team", [new FollowUpRow(2025, FollowUpMeasure.Spending, "municipality", 4_000_000, null)]);
        var far = new FollowUpTable("team", [new FollowUpRow(2025, FollowUpMeasure.Count, "placed", 30, null), new FollowUpRow(2026, FollowUpMeasure.Count, "placed", 35, null)]);
        var options = new ReportOptions { Title = "Oppfølging", Language = ReportLanguage.NorwegianBokmal };
        Assert.Multiple(() =>
        {
            var a = LiabilityReports.FollowUp(FollowUp.Compare(noDraws, spending), options).ToMarkdown();
            Assert.That(a, Does.Contain("bare basisberegningen").And.Contain("Oppfølgingen har ingen opptellinger av personer i tilstander.").And.Contain("Prognosen har ingen PSA-trekninger").And.Contain("| ingen trekninger |"));
            var b = LiabilityReports.FollowUp(FollowUp.Compare(withDraws, spending), options).ToMarkdown();
            Assert.That(b, Does.Contain("så det er ingenting å oppdatere oppfatningen med"));
            var c = LiabilityReports.FollowUp(FollowUp.Compare(withDraws, far), options).ToMarkdown();
            Assert.That(c, Does.Contain("Oppfølgingen har ingen utgifter.").And.Contain("OVER båndet").And.Contain("observasjon(er) ligger utenfor prognosebåndet").And.Contain("etter omvekting med antallene for 2025–2026"));
            Assert.That(a + b + c, Does.Not.Contain("The follow-up").And.Not.Contain("The forecast").And.Not.Contain("The observed counts"));
        });
    }
}
