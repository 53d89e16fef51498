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

    /// <summary>
    /// The observer settles each draw with a prepared plan (validated once, buffers reused). Its net gains
    /// must be bit-identical to settling the same draw's ledger with <see cref="Settlement.SettleLedger"/>,
    /// as the observer did before (the reference below is that code), for every rule kind, on 2 threads.
    /// </summary>
    [Test]
    public void PreparedObserver_IsBitIdenticalToSettleLedgerOnEachDrawsLedger_EveryRuleKind()
    {
        var scenario = NorwegianDefault.Load();
        var model = scenario.BuildModel();
        var spec = scenario.ToPsaSpecification(model);
        var bau = model.Strategies.First(s => s.Name == scenario.Settings.Comparator);
        var ips = model.Strategies.First(s => s.Name == "IPS for young people");
        var both = model.Strategies.First(s => s.Name == "Family team + IPS");
        var family = model.Strategies.First(s => s.Name == "Family team");
        var options = new PsaOptions { Draws = Draws, Seed = 20261202, Threads = 2, Strategies = model.Strategies, Comparator = bau, Perspectives = scenario.Perspectives() };
        var plans = new (Strategy Strategy, SettlementPlan Plan)[]
        {
            (ips, SettlementFile.ExamplePlan),
            (family, SettlementFile.ExamplePlan),
            (both, SettlementFile.ExamplePlan),
            (both, new SettlementPlan("mixed", [new PerParticipantPriceRule("price", "municipality", "state", "ips", 20000), new ShareGainsRule("share", GainShareBasis.Savings)])),
            (ips, new SettlementPlan("per year", [new PerParticipantPriceRule("price", "state", "municipality", "ips", 15000, ParticipantBasis.PerParticipantYear, 3), new ReimburseInvestorsRule("reimburse", ["municipality", "state"], TransferTiming.Upfront)])),
            (family, new SettlementPlan("shapley", [new ShapleyRule("shapley")])),
            (both, new SettlementPlan("fixed", [new ShareGainsRule("fixed", GainShareBasis.Fixed, Shares: new Dictionary<string, double> { ["municipality"] = 0.5, ["state"] = 0.3, ["county"] = 0.2 }, Timing: TransferTiming.Upfront), new ShareGainsRule("investment", GainShareBasis.Investment)])),
        };
        var collectors = plans.Select(x => new SettlementUncertainty(model, x.Plan, x.Strategy, bau, Draws)).ToList();
        var references = plans.Select(x => new Reference(model, x.Plan, x.Strategy, bau)).ToList();
        ProbabilisticAnalysis.Run(spec, options with
        {
            PayerFlowObserver = flows =>
            {
                foreach (var c in collectors)
                {
                    c.Observer(flows);
                }

                foreach (var r in references)
                {
                    r.Observe(flows);
                }
            },
        });

        var mismatches = new List<string>();
        var moved = 0;
        for (var i = 0; i < plans.Length; i++)
        {
            var result = collectors[i].Result();
            for (var p = 0; p < result.Payers.Count; p++)
            {
                var name = result.Payers[p].Name;
                for (var k = 0; k < Draws; k++)
                {
                    var (before, after) = (result.NetGainBefore(name)[k], result.NetGainAfter(name)[k]);
                    var (eb, ea) = (references[i].Before[(p * Draws) + k], references[i].After[(p * Draws) + k]);
                    if (BitConverter.DoubleToInt64Bits(before) != BitConverter.DoubleToInt64Bits(eb) || BitConverter.DoubleToInt64Bits(after) != BitConverter.DoubleToInt64Bits(ea))
                    {
                        mismatches.Add($"{plans[i].Plan.Name}/{plans[i].Strategy.Name} {name} draw {k}: before {before:R} vs {eb:R}, after {after:R} vs {ea:R}");
                    }

                    moved += before != after ? 1 : 0;
                }
            }
        }

        Assert.That(mismatches, Is.Empty);
        Assert.That(moved, Is.GreaterThan(plans.Length * Draws), "the plans move money in most draws");
    }

    /// <summary>The observer as it was: each draw's ledger built as a <see cref="SettlementLedger"/> and settled by <see cref="Settlement.SettleLedger"/>.</summary>
    private sealed class Reference(LifeCourseModel model, SettlementPlan plan, Strategy strategy, Strategy comparator)
    {
        public double[] Before { get; } = new double[model.Payers.Count * Draws];

        public double[] After { get; } = new double[model.Payers.Count * Draws];

        public void Observe(PsaPayerFlows flows)
        {
            var si = flows.Strategies.ToList().FindIndex(s => s.Name == strategy.Name);
            var ci = flows.Strategies.ToList().FindIndex(s => s.Name == comparator.Name);
            var df = flows.CostDiscountFactors;
            var rows = new SettlementLedgerPayer[flows.Payers.Count];
            for (var p = 0; p < rows.Length; p++)
            {
                var bs = flows.Flows(si, p, FlowOrigin.Base);
                var bc = flows.Flows(ci, p, FlowOrigin.Base);
                var ins = flows.Flows(si, p, FlowOrigin.Intervention);
                var inc = flows.Flows(ci, p, FlowOrigin.Intervention);
                var net = new double[df.Count];
                double invested = 0, savings = 0;
                for (var t = 0; t < net.Length; t++)
                {
                    net[t] = -((bs[t] - bc[t]) + (ins[t] - inc[t]));
                    invested += (ins[t] * df[t]) - (inc[t] * df[t]);
                    savings -= (bs[t] * df[t]) - (bc[t] * df[t]);
                }

                rows[p] = new SettlementLedgerPayer(flows.Payers[p], invested, savings, net);
            }

            var ledger = new SettlementLedger(strategy, comparator, flows.CycleLengthYears, df, rows);
            var participants = plan.NeedsParticipants
                ? ParticipantCounts.Incremental(Participation.Count(model, strategy, flows.Parameters), Participation.Count(model, comparator, flows.Parameters))
                : null;
            var settled = Settlement.SettleLedger(ledger, plan, participants);
            for (var p = 0; p < rows.Length; p++)
            {
                Before[(p * Draws) + flows.Index] = settled.Positions[p].NetGainBefore;
                After[(p * Draws) + flows.Index] = settled.Positions[p].NetGainAfter;
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
