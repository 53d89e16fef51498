using SocialInvestment.Economics;
using SocialInvestment.Model;
using SocialInvestment.Scenarios;
using SocialInvestment.Uncertainty;

namespace SocialInvestment.Csv.Tests;

/// <summary>
/// Settlement under uncertainty in draw ranges, as a cluster runs it: collectors of ranges joined in draw order
/// (<see cref="SettlementPsaResult.Concatenate"/>) equal one collector over the whole run bit for bit, a range's
/// result survives its bytes, and a plan survives its document (<see cref="SettlementPlan.ToDocument"/>) with
/// every rule kind and setting, settling every draw identically.
/// </summary>
public sealed class SettlementRangeTests
{
    private const int Draws = 24;

    [Test]
    public void RangesJoined_EqualTheWholeRun_AndAPlanSurvivesItsDocument()
    {
        var scenario = NorwegianDefault.Load();
        var model = scenario.BuildModel();
        var spec = scenario.ToPsaSpecification(model);
        var bau = model.Strategies.First(s => s.Name == scenario.Settings.Comparator);
        var both = model.Strategies.First(s => s.Name == "Family team + IPS");
        var plan = new SettlementPlan("every kind", [
            new PerParticipantPriceRule("price", "municipality", "state", "ips", 15000.25, ParticipantBasis.PerParticipantYear, 2.5),
            new ShareGainsRule("fixed", GainShareBasis.Fixed, Shares: new Dictionary<string, double> { ["state"] = 0.3, ["municipality"] = 0.5, ["county"] = 0.2 }, Timing: TransferTiming.Upfront),
            new ShareGainsRule("investment", GainShareBasis.Investment, ["municipality", "state"]),
            new ReimburseInvestorsRule("reimburse", ["municipality", "state"], TransferTiming.AsSaved),
            new ShapleyRule("shapley"),
        ]);
        var document = plan.ToDocument();
        var again = SettlementPlan.FromDocument(document);
        Assert.Multiple(() =>
        {
            Assert.That(again.Name, Is.EqualTo(plan.Name));
            Assert.That(again.ToDocument(), Is.EqualTo(document), "the document of the plan read back is the same bytes");
            Assert.That(() => SettlementPlan.FromDocument("{\"format\":\"other\"}"u8.ToArray()), Throws.TypeOf<FormatException>());
            Assert.That(() => SettlementPlan.FromDocument("{\"format\":\"socinv-settlement-plan/1\",\"name\":\"x\",\"rules\":[{\"name\":\"r\",\"kind\":\"shapley\",\"timing\":7}]}"u8.ToArray()), Throws.TypeOf<FormatException>().With.Message.Contains("not a TransferTiming"));
            Assert.That(() => SettlementPlan.FromDocument("not json"u8.ToArray()), Throws.TypeOf<FormatException>());
        });

        // One collector over every draw, the ranges' collectors (10 + 5 + 9 draws), and the whole run with the plan read back.
        var whole = SettlementUncertainty.ForRange(model, plan, both, bau, 0, Draws);
        var read = new SettlementUncertainty(model, again, both, bau, Draws);
        var ranges = new (int First, int Count)[] { (0, 10), (10, 5), (15, 9) };
        var parts = ranges.Select(r => SettlementUncertainty.ForRange(model, plan, both, bau, r.First, r.Count)).ToArray();
        var options = new PsaOptions { Draws = Draws, Seed = 11, Threads = 2, Strategies = model.Strategies, Comparator = bau, Perspectives = scenario.Perspectives() };
        ProbabilisticAnalysis.Run(spec, options with
        {
            PayerFlowObserver = flows =>
            {
                whole.Observer(flows);
                read.Observer(flows);
                parts.Single(p => flows.Index >= p.FirstDraw && flows.Index < p.FirstDraw + p.Draws).Observer(flows);
            },
        });

        var expected = whole.Result();
        var joined = SettlementPsaResult.Concatenate([.. parts.Select(p => SettlementPsaResult.FromBytes(p.Result().ToBytes(), model, plan))]);
        var fromDocument = read.Result();
        Assert.Multiple(() =>
        {
            Assert.That(joined.FirstDraw, Is.Zero);
            Assert.That(joined.Draws, Is.EqualTo(Draws));
            Assert.That(joined.Scale.ToArray(), Is.EqualTo(expected.Scale.ToArray()));
            foreach (var p in model.Payers)
            {
                Assert.That(joined.NetGainBefore(p.Name).ToArray(), Is.EqualTo(expected.NetGainBefore(p.Name).ToArray()), p.Name);
                Assert.That(joined.NetGainAfter(p.Name).ToArray(), Is.EqualTo(expected.NetGainAfter(p.Name).ToArray()), p.Name);
                Assert.That(fromDocument.NetGainAfter(p.Name).ToArray(), Is.EqualTo(expected.NetGainAfter(p.Name).ToArray()), $"{p.Name}: the plan read back settles the same");
                Assert.That(joined.ProbabilityBetterOffAfter(p.Name), Is.EqualTo(expected.ProbabilityBetterOffAfter(p.Name)));
            }

            // Some payer's position changes with the draws and the settlement moves money (the comparison is not trivial).
            Assert.That(model.Payers.Any(p => expected.NetGainAfter(p.Name).ToArray().Distinct().Count() > 1), Is.True);
            Assert.That(model.Payers.Any(p => !expected.NetGainAfter(p.Name).SequenceEqual(expected.NetGainBefore(p.Name))), Is.True);
        });

        // Ranges must be adjacent and in draw order, of one strategy and plan.
        var r0 = parts[0].Result();
        var r2 = parts[2].Result();
        Assert.Multiple(() =>
        {
            Assert.That(() => SettlementPsaResult.Concatenate([r0, r2]), Throws.ArgumentException.With.Message.Contains("starts at draw 15, not at 10"));
            Assert.That(() => SettlementPsaResult.Concatenate([]), Throws.ArgumentException);
            Assert.That(() => SettlementPsaResult.Concatenate([r0, SettlementPsaResult.FromBytes(parts[1].Result().ToBytes(), model, again)]), Throws.ArgumentException.With.Message.Contains("another strategy, comparator, plan"));
            Assert.That(() => SettlementPsaResult.FromBytes([1, 2, 3], model, plan), Throws.TypeOf<FormatException>());
            Assert.That(() => SettlementUncertainty.ForRange(model, plan, both, bau, -1, 3), Throws.TypeOf<ArgumentOutOfRangeException>());
        });
    }
}
