using SocialInvestment.Decisions;
using SocialInvestment.Economics;
using SocialInvestment.Engine;
using SocialInvestment.Model;
using SocialInvestment.Uncertainty;

namespace SocialInvestment.Tests.Economics;

public class FollowUpTests
{
    private const double Alpha = 2;
    private const double Beta = 8;

    /// <summary>
    /// The share of the cohort in "placed" at the end of the first year is exactly the parameter p
    /// (waiting → placed with probability p, placed absorbing), so a binomial count of placed people
    /// updates p ~ Beta(α, β) conjugately: posterior Beta(α + k, β + n − k).
    /// </summary>
    private static (LifeCourseModel Model, PsaSpecification Psa, Strategy Invest) Conjugate()
    {
        var cost = new Account(Payer.Municipality, Sector.ChildWelfare, FlowKind.ResourceCost);
        var b = new LifeCourseModelBuilder("beta-binomial")
            .AddState("waiting").AddState("placed", absorbing: true)
            .AddPayers(Payer.Municipality).AddSectors(Sector.ChildWelfare);
        var p = b.AddParameter("p_place", Alpha / (Alpha + Beta));
        b.Probability("waiting", "placed", (in ModelContext c) => c[p]).Remainder("waiting", "waiting");
        b.StateFlow("placed", cost, 1_000_000).StateFlow("waiting", cost, 100_000);
        var team = Intervention.Create("team").EligibleIn("waiting").UpfrontCost(cost, 20_000).Build();
        var invest = new Strategy("team", team);
        var model = b.AddStrategy(Strategy.BusinessAsUsual).AddStrategy(invest)
            .WithPopulation(Population.StartingIn(13, "waiting", 1))
            .WithOptions(new SimulationOptions { Cycles = 5 })
            .Build();
        var psa = new PsaSpecification(model).With("p_place", new BetaDistribution(Alpha, Beta));
        return (model, psa, invest);
    }

    [Test]
    public void ImportanceReweighting_MatchesTheConjugateBetaBinomialUpdate_WithinMcse()
    {
        var (model, psa, invest) = Conjugate();
        var forecast = InvestmentForecast.Make(model, invest, Strategy.BusinessAsUsual, 2025, "sha256:test", new ForecastOptions { Years = 2, Draws = 4000, Seed = 17 }, psa);
        const int n = 30, k = 12;
        var table = new FollowUpTable("team", [new FollowUpRow(2025, FollowUpMeasure.People, "", n, "test"), new FollowUpRow(2025, FollowUpMeasure.Count, "placed", k, "test")]);
        var c = FollowUp.Compare(forecast, table);
        var u = c.Update!;
        var p = u.Parameters.Single(f => f.Name == "p_place");
        var postMean = (Alpha + k) / (Alpha + Beta + n);
        var postSd = Math.Sqrt((Alpha + k) * (Beta + n - k) / (Math.Pow(Alpha + Beta + n, 2) * (Alpha + Beta + n + 1)));
        Assert.Multiple(() =>
        {
            // Tolerance: 4 Monte Carlo standard errors of the self-normalised importance estimate (its delta-method MCSE,
            // reported by the update); a correct estimator misses by more with probability ~6e-5.
            Assert.That(p.PosteriorMean, Is.EqualTo(postMean).Within(4 * p.PosteriorStandardError));
            Assert.That(p.PosteriorStandardError, Is.LessThan(0.01), "enough effective draws for a sharp test");
            Assert.That(p.PriorMean, Is.EqualTo(Alpha / (Alpha + Beta)).Within(4 * p.PriorStandardError));

            // Quantiles of the weighted sample: within half a posterior sd (a loose check that the whole shape moved, not only the mean).
            Assert.That(p.PosteriorLower, Is.EqualTo(postMean - (1.96 * postSd)).Within(0.5 * postSd));
            Assert.That(p.PosteriorUpper, Is.EqualTo(postMean + (1.96 * postSd)).Within(0.5 * postSd));
            Assert.That(u.EffectiveSampleSize, Is.GreaterThan(300).And.LessThan(4000));
            Assert.That(u.Moved, Is.True);
            Assert.That(u.Statement, Does.StartWith("The follow-up data move the belief"));

            // The predictive band mixes Binomial(30, pᵢ) over the draws: the beta-binomial(30, α, β) quantiles, ±1 for the Monte Carlo mixture.
            var (lo, hi) = BetaBinomialBand(n, Alpha, Beta);
            Assert.That(c.Counts.Single().Lower, Is.InRange(lo - 1, lo + 1));
            Assert.That(c.Counts.Single().Upper, Is.InRange(hi - 1, hi + 1));
            Assert.That(c.Counts.Single().Deviation, Is.EqualTo(12 > c.Counts.Single().Upper ? Deviation.Above : Deviation.Within));
        });
    }

    /// <summary>2.5 % and 97.5 % quantiles of the beta-binomial: pmf(0) = Π (β + j)/(α + β + j), pmf(k+1)/pmf(k) = (n − k)(k + α)/((k + 1)(n − k − 1 + β)).</summary>
    private static (int Lower, int Upper) BetaBinomialBand(int n, double a, double b)
    {
        var pmf = 1.0;
        for (var j = 0; j < n; j++)
        {
            pmf *= (b + j) / (a + b + j);
        }

        var cum = 0.0;
        int? lower = null;
        for (var k = 0; k <= n; k++)
        {
            cum += pmf;
            lower ??= cum >= 0.025 ? k : null;
            if (cum >= 0.975)
            {
                return (lower!.Value, k);
            }

            pmf *= (n - k) * (k + a) / ((k + 1) * (n - k - 1 + b));
        }

        return (lower ?? 0, n);
    }

    [Test]
    public void FewData_DoNotMoveTheBelief_AndSaySo()
    {
        var (model, psa, invest) = Conjugate();
        var forecast = InvestmentForecast.Make(model, invest, Strategy.BusinessAsUsual, 2025, "sha256:test", new ForecastOptions { Years = 2, Draws = 2000, Seed = 3 }, psa);
        var table = new FollowUpTable("team", [new FollowUpRow(2025, FollowUpMeasure.People, "", 1, "test"), new FollowUpRow(2025, FollowUpMeasure.Count, "placed", 0, "test")]);
        var u = FollowUp.Compare(forecast, table).Update!;
        Assert.Multiple(() =>
        {
            Assert.That(u.EffectiveSampleSize, Is.GreaterThan(0.9 * 2000), "one person barely changes the weights");
            Assert.That(u.Statement, Does.StartWith("The follow-up data are too few to move the belief"));
            Assert.That(u.Moved, Is.False);
        });
    }

    [Test]
    public void Comparison_GivesBandsGainsAndTheForecastValues()
    {
        var (model, psa, invest) = Conjugate();
        var forecast = InvestmentForecast.Make(model, invest, Strategy.BusinessAsUsual, 2025, "sha256:test", new ForecastOptions { Years = 3, Draws = 200, Seed = 1, Cohort = Population.StartingIn(13, "waiting", 40) }, psa);
        var table = new FollowUpTable("team",
        [
            new FollowUpRow(2025, FollowUpMeasure.Count, "placed", 8, "register"),
            new FollowUpRow(2025, FollowUpMeasure.Spending, "municipality", 5_000_000, "accounts"),
            new FollowUpRow(2026, FollowUpMeasure.Spending, "municipality", 9_000_000, "accounts"),
        ]);
        var c = FollowUp.Compare(forecast, table);
        var count = c.Counts.Single();

        // Base case: 20 % placed after a year; spending in 2025 (row 0, beginning counting... the model's default weights)
        // under the investment = the upfront cost plus the year's occupancy flows; the comparator lacks the upfront cost.
        var run = CohortEngine.Run(model.WithPopulation(Population.StartingIn(13, "waiting", 40)), invest);
        var spent2025 = run.Flow(0, 0, FlowOrigin.Base, false) + run.Flow(0, 0, FlowOrigin.Intervention, false);
        Assert.Multiple(() =>
        {
            Assert.That(count.Expected, Is.EqualTo(8).Within(1e-9));
            Assert.That(count.Lower, Is.LessThan(8));
            Assert.That(count.Upper, Is.GreaterThan(8));
            Assert.That(count.Deviation, Is.EqualTo(Deviation.Within));
            var s = c.Spending[0];
            Assert.That(s.Expected, Is.EqualTo(spent2025).Within(1e-6));
            Assert.That(s.ForecastGain, Is.EqualTo(-40 * 20_000).Within(1e-6), "the team has no effect here: the forecast gain is minus its cost");
            Assert.That(s.RealisedGain, Is.EqualTo(s.Comparator - 5_000_000).Within(1e-6));
            var g = c.Gains.Single();
            Assert.That(g.Years, Is.EqualTo(2));
            Assert.That(g.Realised, Is.EqualTo(c.Spending.Sum(x => x.RealisedGain)).Within(1e-6));
            Assert.That(forecast.ExpectedCount(2025, "placed"), Is.EqualTo(8).Within(1e-9));
        });
    }

    [Test]
    public void YearsBeforeTheForecast_AndUnknownItems_AreListedTogether()
    {
        var (model, _, invest) = Conjugate();
        var forecast = InvestmentForecast.Make(model, invest, Strategy.BusinessAsUsual, 2025, "sha256:test", new ForecastOptions { Years = 2 });
        var table = new FollowUpTable("team",
        [
            new FollowUpRow(2024, FollowUpMeasure.Count, "placed", 0, "x"),
            new FollowUpRow(2025, FollowUpMeasure.Count, "nowhere", 1, "x"),
            new FollowUpRow(2025, FollowUpMeasure.Spending, "county", 1, "x"),
            new FollowUpRow(2025, FollowUpMeasure.Count, "placed", 2.5, "x"),
            new FollowUpRow(2030, FollowUpMeasure.Count, "placed", 0, "x"),
        ]);
        var e = Assert.Throws<ModelValidationException>(() => FollowUp.Compare(forecast, table))!;
        var text = string.Join("\n", e.Problems);
        Assert.Multiple(() =>
        {
            Assert.That(text, Does.Contain("follow-up row 1: Year 2024 is before the forecast's start year 2025"));
            Assert.That(text, Does.Contain("follow-up row 2: State 'nowhere'"));
            Assert.That(text, Does.Contain("follow-up row 3: Payer 'county'"));
            Assert.That(text, Does.Contain("follow-up row 4: A number of people must be a whole number"));
            Assert.That(text, Does.Contain("follow-up row 5: Year 2030 is after the forecast's last year 2026"));
        });
    }

    [Test]
    public void WithoutDraws_ThereIsNoUpdate_AndTheStatementSaysWhy()
    {
        var (model, _, invest) = Conjugate();
        var forecast = InvestmentForecast.Make(model, invest, Strategy.BusinessAsUsual, 2025, "sha256:test", new ForecastOptions { Years = 2 });
        var c = FollowUp.Compare(forecast, new FollowUpTable("team", [new FollowUpRow(2025, FollowUpMeasure.Count, "placed", 0, "x")]));
        Assert.Multiple(() =>
        {
            Assert.That(c.Update, Is.Null);
            Assert.That(c.UpdateStatement, Does.Contain("no PSA draws"));
            Assert.That(c.Counts.Single().Upper, Is.GreaterThanOrEqualTo(0), "a binomial band from the base case");
        });
    }
}
