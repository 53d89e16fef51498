using SocialInvestment.Economics;
using SocialInvestment.Engine;
using SocialInvestment.Model;
using SocialInvestment.Scenarios;
using SocialInvestment.Uncertainty;

namespace SocialInvestment.Csv.Tests;

/// <summary>
/// Settlement under uncertainty on the Norwegian default, the way <c>socinv run --draws</c> runs it:
/// through <see cref="SettlementUncertainty.Observer"/> on the PSA's incremental draw path, against
/// the old way, <see cref="SettlementUncertainty.Evaluator"/>, which forces every draw through a
/// full compilation, run and <see cref="Appraisal.Compare"/>. The observer's ledger sums each payer's
/// accounts per state before the occupancy weighting, so the net gains may differ in the last bits:
/// they must agree within 1e-12 of the draw's largest position (the magnitude the settlement's
/// transfers are computed at); the PSA's own results must not change at all with the observer, and
/// one and two threads must give identical settlements.
/// </summary>
public sealed class NorwegianDefaultSettlementPsaTests
{
    private const int Draws = 40;

    [Test]
    public void ObserverOnTheIncrementalPath_AgreesWithTheEvaluatorOnTheGeneralPath()
    {
        var scenario = NorwegianDefault.Load();
        var model = scenario.BuildModel();
        var spec = scenario.ToPsaSpecification(model);
        var bau = model.Strategies.First(s => s.Name == scenario.Settings.Comparator);
        var ips = model.Strategies.First(s => s.Name == "IPS for young people");
        var both = model.Strategies.First(s => s.Name == "Family team + IPS");
        var family = model.Strategies.First(s => s.Name == "Family team");
        var options = new PsaOptions { Draws = Draws, Seed = 20261201, Threads = 1, Strategies = model.Strategies, Comparator = bau, Perspectives = scenario.Perspectives(), KeepDraws = true };
        var plans = new (Strategy Strategy, SettlementPlan Plan)[]
        {
            (ips, SettlementFile.ExamplePlan),
            (family, SettlementFile.ExamplePlan),
            (both, new SettlementPlan("mixed", [new PerParticipantPriceRule("price", "municipality", "state", "ips", 20000), new ShareGainsRule("share", GainShareBasis.Savings)])),
        };

        // The old way: chained evaluators (every draw compiled and run in full).
        var oldCollectors = new List<SettlementUncertainty>();
        StrategyEvaluator? inner = null;
        foreach (var (s, plan) in plans)
        {
            var c = new SettlementUncertainty(model, plan, s, bau, Draws, inner);
            oldCollectors.Add(c);
            inner = c.Evaluator;
        }

        ProbabilisticAnalysis.Run(spec, options, inner);

        var plain = ProbabilisticAnalysis.Run(spec, options);
        var one = Observed(model, spec, options, plans, bau, out var psaOne);
        var two = Observed(model, spec, options with { Threads = 2 }, plans, bau, out _);
        var full = Observed(model, spec, options with { EvaluateEveryDrawInFull = true }, plans, bau, out _);

        var mismatches = new List<string>();
        for (var i = 0; i < plans.Length; i++)
        {
            var expected = oldCollectors[i].Result();
            foreach (var p in expected.Payers)
            {
                for (var k = 0; k < Draws; k++)
                {
                    var scale = expected.Payers.Max(q => Math.Max(Math.Abs(expected.NetGainBefore(q.Name)[k]), Math.Abs(expected.NetGainAfter(q.Name)[k])));
                    foreach (var (name, r) in new[] { ("incremental", one[i]), ("general", full[i]) })
                    {
                        Check($"{plans[i].Plan.Name} {p.Name} before, draw {k}, {name}", expected.NetGainBefore(p.Name)[k], r.NetGainBefore(p.Name)[k], 1e-12 * scale);
                        Check($"{plans[i].Plan.Name} {p.Name} after, draw {k}, {name}", expected.NetGainAfter(p.Name)[k], r.NetGainAfter(p.Name)[k], 1e-12 * scale);
                    }

                    Check($"{plans[i].Plan.Name} {p.Name} before, draw {k}, 2 threads", one[i].NetGainBefore(p.Name)[k], two[i].NetGainBefore(p.Name)[k], 0);
                    Check($"{plans[i].Plan.Name} {p.Name} after, draw {k}, 2 threads", one[i].NetGainAfter(p.Name)[k], two[i].NetGainAfter(p.Name)[k], 0);
                }

                Assert.That(one[i].ProbabilityBetterOffAfter(p.Name), Is.EqualTo(expected.ProbabilityBetterOffAfter(p.Name)), p.Name);
                Assert.That(one[i].ProbabilityBetterOffBefore(p.Name), Is.EqualTo(expected.ProbabilityBetterOffBefore(p.Name)), p.Name);
            }

            Assert.That(expected.Payers.Select(p => expected.NetGainAfter(p.Name).ToArray().Distinct().Count()).Max(), Is.GreaterThan(1), "the draws move the settlement");
        }

        // The observer does not change the PSA: bit-identical to the run without it.
        foreach (var s in model.Strategies)
        {
            foreach (var v in options.Perspectives!)
            {
                Assert.That(psaOne.Costs(s, v).ToArray(), Is.EqualTo(plain.Costs(s, v).ToArray()), $"cost {s.Name}/{v.Name}");
                foreach (var f in Enum.GetValues<PsaFigure>())
                {
                    Assert.That(psaOne.Values(f, s, v).ToArray(), Is.EqualTo(plain.Values(f, s, v).ToArray()), $"{f} {s.Name}/{v.Name}");
                }
            }
        }

        Assert.That(mismatches, Is.Empty);

        void Check(string what, double a, double b, double tolerance)
        {
            if (!a.Equals(b) && !(Math.Abs(a - b) <= tolerance))
            {
                mismatches.Add($"{what}: {a:R} vs {b:R}");
            }
        }
    }

    private static List<SettlementPsaResult> Observed(LifeCourseModel model, PsaSpecification spec, PsaOptions options, (Strategy Strategy, SettlementPlan Plan)[] plans, Strategy bau, out PsaResult psa)
    {
        var collectors = plans.Select(x => new SettlementUncertainty(model, x.Plan, x.Strategy, bau, Draws)).ToList();
        psa = ProbabilisticAnalysis.Run(spec, options with
        {
            PayerFlowObserver = flows =>
            {
                foreach (var c in collectors)
                {
                    c.Observer(flows);
                }
            },
        });
        return [.. collectors.Select(c => c.Result())];
    }
}
