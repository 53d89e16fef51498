using SocialInvestment.Model;
using SocialInvestment.Scenarios;
using SocialInvestment.Uncertainty;

namespace SocialInvestment.Csv.Tests.Data;

/// <summary>The embedded Norwegian default's parameter distributions and its probabilistic run.</summary>
public sealed class NorwegianDefaultPsaTests
{
    private const int Draws = 200;
    private static readonly Scenario Default = NorwegianDefault.Load();
    private static readonly Lazy<(PsaResult Psa, ScenarioRun Run)> Runs = new(() => (ScenarioRunner.RunProbabilistic(Default, Draws, 2026, new ScenarioRunOptions { KeepDraws = true }), ScenarioRunner.Run(Default)));

    [Test]
    public void Parameters_EveryDistribution_IsJustifiedAndMapsToTheSpecification()
    {
        var withDistribution = Default.Parameters.Where(p => p.Distribution is not null).ToArray();
        Assert.That(withDistribution.Select(p => p.Name), Is.EquivalentTo(new[] { "neet_work_scale", "family_rr_placement", "family_rr_neet", "ips_or_work", "cost_family_team", "cost_ips", "uptake_family", "uptake_ips" }));
        Assert.That(withDistribution.Where(p => string.IsNullOrWhiteSpace(p.Description)), Is.Empty);
        var model = Default.BuildModel();
        var spec = Default.ToPsaSpecification(model);
        Assert.That(spec.UncertainParameterCount, Is.EqualTo(8));
        Assert.That(spec.DistributionOf(model.Parameter("uptake_ips")), Is.TypeOf<BetaDistribution>());
        Assert.That(spec.DistributionOf(model.Parameter("cost_ips")), Is.TypeOf<GammaDistribution>());
        Assert.That(spec.DistributionOf(model.Parameter("family_rr_placement")), Is.TypeOf<LogNormalDistribution>());

        // Unit-cost and uptake distributions are centred on the base value (mean = base), relative
        // risks have their median at the base value (μ = ln base, to the 4 decimals written).
        foreach (var name in new[] { "cost_family_team", "cost_ips", "uptake_family", "uptake_ips" })
        {
            Assert.That(spec.DistributionOf(model.Parameter(name))!.Mean, Is.EqualTo(model.Parameters.Single(p => p.Name == name).BaseValue).Within(1e-9), name);
        }

        Assert.That(spec.DistributionOf(model.Parameter("family_rr_placement"))!.InverseCumulativeDistribution(0.5), Is.EqualTo(0.75).Within(1e-4));
    }

    [Test]
    public void RunProbabilistic_Default_GivesProbabilitiesInRangeAndMeansNearTheBaseCase()
    {
        var (psa, run) = Runs.Value;
        Assert.That(psa.Draws, Is.EqualTo(Draws));
        foreach (var s in psa.Strategies.Where(s => s.Name != Default.Settings.Comparator))
        {
            foreach (var p in psa.Perspectives)
            {
                Assert.That(psa.ProbabilityPositiveNpv(s, p), Is.InRange(0.0, 1.0), $"{s.Name}, {p.Name}");
            }

            foreach (var name in new[] { "public", "society" })
            {
                var p = psa.Perspectives.Single(x => x.Name == run.Appraisal(s.Name, name).Perspective.Name);
                var det = run.Appraisal(s.Name, name).NetPresentValue;
                var summary = psa.Summarize(PsaFigure.NetPresentValue, s, p);

                // The PSA mean estimates E[NPV(θ)], the deterministic run gives NPV at the base values.
                // They differ by Monte Carlo error (SE ≈ 2 % of the mean at 200 draws; 3 SE allowed)
                // and by non-linearity: NPV is concave in the IPS odds ratio (the probability of moving
                // into work saturates) and the odds ratio's truncated normal has mean 2.72 < 2.79. At
                // seed 2026 the gap is 5–10 % (IPS public sector: mean 50.0 vs 55.7 million with 300
                // draws), so 15 % of the base value plus 3 SE is allowed.
                Assert.That(summary.Mean, Is.EqualTo(det).Within((0.15 * Math.Abs(det)) + (3 * summary.StandardError)), $"{s.Name}, {name}");
            }
        }

        var ips = psa.Strategies.Single(s => s.Name == "IPS for young people");
        var society = psa.Perspectives.Single(p => p.Name == run.Appraisal(ips.Name, "society").Perspective.Name);
        var family = psa.Strategies.Single(s => s.Name == "Family team");
        var municipality = psa.Perspectives.Single(p => p.Name == run.Appraisal(ips.Name, "municipality").Perspective.Name);

        // IPS pays for society in ≥ 99 % of 300 draws at this seed (the odds ratio is bounded below by
        // 1); the family team never pays for the municipality (it carries the whole cost, the effects
        // are small and illustrative).
        Assert.That(psa.ProbabilityPositiveNpv(ips, society), Is.GreaterThan(0.95));
        Assert.That(psa.ProbabilityPositiveNpv(family, municipality), Is.LessThan(0.05));
    }

    [Test]
    public void RunProbabilistic_Default_IsReproducibleBySeed()
    {
        var (psa, _) = Runs.Value;
        var again = ScenarioRunner.RunProbabilistic(Default, 20, 2026, new ScenarioRunOptions { Threads = 1, KeepDraws = true });
        var ips = psa.Strategies.Single(s => s.Name == "IPS for young people");
        var p = psa.Perspectives[0];
        Assert.That(again.Values(PsaFigure.NetPresentValue, ips, p).ToArray(), Is.EqualTo(psa.Values(PsaFigure.NetPresentValue, ips, p)[..20].ToArray()), "draw k depends only on (seed, k), not on K or threads");
    }
}
