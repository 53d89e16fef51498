using FsCheck;
using FsCheck.Fluent;
using SocialInvestment.Economics;
using SocialInvestment.Engine;
using SocialInvestment.Model;

namespace SocialInvestment.Tests.Economics;

/// <summary>
/// The prepared settlement (one plan, many ledgers of one shape: the PSA's per-draw settlement) against
/// <see cref="Settlement.SettleLedger"/>: it performs the same operations in the same order, so every
/// payer's present net gain before and after must be bit-identical (compared as IEEE bit patterns), over
/// random ledgers and random plans of every rule kind, timing and basis; it must not allocate per ledger;
/// and bad ledgers and missing participants must fail with SettleLedger's own errors.
/// </summary>
public class PreparedSettlementTests
{
    private static readonly Payer M = Payer.Municipality;
    private static readonly Payer S = Payer.State;
    private static readonly Payer C = Payer.County;
    private static readonly Payer I = Payer.Individual;

    private static SettlementLedger Example() => new(
        new Strategy("team"), new Strategy("business as usual"), 1.0, [1.0, 0.5, 0.25],
        [
            new SettlementLedgerPayer(M, 100, 10, [-100, 20, 0]),
            new SettlementLedgerPayer(S, 0, 120, [0, 160, 160]),
            new SettlementLedgerPayer(C, 0, 30, [0, 60, 0]),
            new SettlementLedgerPayer(I, 0, 75, [0, 100, 100]),
        ]);

    private static readonly ParticipantCounts ExampleParticipants = new([new InterventionParticipants("programme", 10, [10, 8, 6])]);

    /// <summary>Every rule kind on the hand example (the plans of SettlementTests), alone and chained.</summary>
    private static IEnumerable<SettlementRule[]> ExamplePlans()
    {
        yield return [new ReimburseInvestorsRule("r")];
        yield return [new ReimburseInvestorsRule("r", Timing: TransferTiming.Upfront)];
        yield return [new ReimburseInvestorsRule("r", ["municipality", "individual"])];
        yield return [new ShareGainsRule("r", GainShareBasis.Savings)];
        yield return [new ShareGainsRule("r", GainShareBasis.Investment, Timing: TransferTiming.Upfront)];
        yield return [new ShareGainsRule("r", GainShareBasis.Fixed, Shares: new Dictionary<string, double> { ["state"] = 0.5, ["municipality"] = 0.3, ["county"] = 0.2 })];
        yield return [new ShapleyRule("r")];
        yield return [new ShapleyRule("r", ["municipality", "state", "individual"], TransferTiming.Upfront)];
        yield return [new PerParticipantPriceRule("r", "state", "municipality", "programme", 7)];
        yield return [new PerParticipantPriceRule("r", "state", "municipality", "programme", 7, ParticipantBasis.PerParticipantYear, 1.5)];
        yield return [new PerParticipantPriceRule("r", "state", "municipality", "other", 7)];
        yield return [new PerParticipantPriceRule("price", "state", "municipality", "programme", 3, ParticipantBasis.PerParticipantYear), new ShareGainsRule("share", GainShareBasis.Savings), new ShapleyRule("shapley"), new ReimburseInvestorsRule("reimburse")];
    }

    [TestCaseSource(nameof(ExamplePlans))]
    public void HandExample_EveryRuleKind_BitIdenticalToSettleLedger(SettlementRule[] rules)
    {
        var plan = new SettlementPlan("p", rules);
        var ledger = Example();
        Assert.That(Mismatches(ledger, plan, ExampleParticipants), Is.Empty);
    }

    [Test]
    public void RandomLedgersAndPlans_BitIdenticalToSettleLedger()
    {
        // 300 cases: 2–7 payers, 1–40 trace points, 1–4 rules of every kind, timing and basis.
        var config = Config.QuickThrowOnFailure.WithMaxTest(300);
        Check.One(config, Prop.ForAll(Cases(), c =>
        {
            var (ledger, plan, participants) = RandomCase(c.Seed, c.Payers, c.Points, c.Rules);
            var mismatches = Mismatches(ledger, plan, participants);
            return (mismatches.Count == 0).ToProperty().Label(string.Join("; ", mismatches));
        }));
    }

    [Test]
    public void OneWorkspace_ManyLedgers_NoAllocationPerLedger_AndEachResultIndependentOfThePrevious()
    {
        var plan = new SettlementPlan("p", [new PerParticipantPriceRule("price", "state", "municipality", "programme", 3, ParticipantBasis.PerParticipantYear), new ShareGainsRule("share", GainShareBasis.Savings), new ShapleyRule("shapley"), new ReimburseInvestorsRule("reimburse", Timing: TransferTiming.Upfront)]);
        var ledgers = Enumerable.Range(0, 20).Select(k => RandomCase(1000 + k, 5, 30, 1).Ledger).ToArray();
        var participants = new ParticipantCounts([new InterventionParticipants("programme", 12, [.. Enumerable.Range(0, 30).Select(t => 12.0 - (0.3 * t))])]);
        Payer[] payers = [M, S, C, I, new Payer("health trust", true)];
        ledgers = [.. ledgers.Select(l => new SettlementLedger(l.Strategy, l.Comparator, l.CycleLengthYears, l.DiscountFactors, [.. l.Payers.Select((r, i) => r with { Payer = payers[i] })]))];
        var prepared = new PreparedSettlement(plan, payers);
        var w = prepared.CreateWorkspace(30);

        // Warm up (JIT), then settle every ledger 50 times into the same workspace, in five windows of ten rounds:
        // a per-ledger allocation shows in every window, the runtime's own on this thread (a tier-up stub) not in all.
        Settle(prepared, w, ledgers[0], participants);
        var quietest = long.MaxValue;
        for (var window = 0; window < 5; window++)
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            for (var round = 0; round < 10; round++)
            {
                foreach (var l in ledgers)
                {
                    Settle(prepared, w, l, participants);
                }
            }

            quietest = Math.Min(quietest, GC.GetAllocatedBytesForCurrentThread() - before);
        }

        Assert.That(quietest, Is.Zero, "bytes allocated by 200 prepared settlements in the quietest of five windows");

        // After all those, each ledger still settles to SettleLedger's figures (no state carried over).
        foreach (var l in ledgers)
        {
            Settle(prepared, w, l, participants);
            var expected = Settlement.SettleLedger(l, plan, participants);
            for (var p = 0; p < payers.Length; p++)
            {
                Assert.That(BitConverter.DoubleToInt64Bits(w.NetGainAfter[p]), Is.EqualTo(BitConverter.DoubleToInt64Bits(expected.Positions[p].NetGainAfter)));
            }
        }
    }

    [Test]
    public void BadInput_FailsWithSettleLedgersOwnErrors()
    {
        Assert.Throws<SettlementValidationException>(() => new PreparedSettlement(new SettlementPlan("p", [new ReimburseInvestorsRule("r", ["municipality", "police"])]), [M, S]));
        Assert.Throws<ArgumentException>(() => new PreparedSettlement(new SettlementPlan("p", [new ReimburseInvestorsRule("r")]), [M, M]));

        var price = new SettlementPlan("p", [new PerParticipantPriceRule("price", "state", "municipality", "programme", 10)]);
        var prepared = new PreparedSettlement(price, [M, S, C, I]);
        var w = prepared.CreateWorkspace(3);
        Fill(w, Example());
        var missing = Assert.Throws<SettlementValidationException>(() => prepared.Settle(w, new Strategy("s"), new Strategy("c"), 1, null));
        var general = Assert.Throws<SettlementValidationException>(() => Settlement.SettleLedger(Example(), price));
        Assert.That(missing!.Message, Is.EqualTo(general!.Message));
        var shortCounts = new ParticipantCounts([new InterventionParticipants("programme", 10, [10, 8])]);
        var wrongLength = Assert.Throws<SettlementValidationException>(() => prepared.Settle(w, new Strategy("s"), new Strategy("c"), 1, shortCounts));
        Assert.That(wrongLength!.Message, Is.EqualTo(Assert.Throws<SettlementValidationException>(() => Settlement.SettleLedger(Example(), price, shortCounts))!.Message));

        // A ledger SettlementLedger rejects (a non-finite amount, inconsistent present values): its own message.
        w.NetGainByCycle[4] = double.NaN;
        w.Savings[0] = 1e6;
        var bad = Assert.Throws<ArgumentException>(() => prepared.Settle(w, new Strategy("s"), new Strategy("c"), 1, ExampleParticipants));
        Assert.That(bad!.Message, Does.Contain("Payer 'state' has a non-finite amount.").And.Contain("Payer 'municipality': the discounted net gains sum to"));
    }

    private static Arbitrary<(int Seed, int Payers, int Points, int Rules)> Cases()
        => (from seed in Gen.Choose(0, 1_000_000)
            from payers in Gen.Choose(2, 7)
            from points in Gen.Choose(1, 40)
            from rules in Gen.Choose(1, 4)
            select (seed, payers, points, rules)).ToArbitrary();

    /// <summary>A random ledger (some payers public, some investing, amounts of mixed signs and sizes, some exact zeros) and a random plan.</summary>
    private static (SettlementLedger Ledger, SettlementPlan Plan, ParticipantCounts Participants) RandomCase(int seed, int payerCount, int points, int ruleCount)
    {
        var rng = new Random(seed);
        var rate = rng.NextDouble() * 0.06;
        var df = Enumerable.Range(0, points).Select(t => Math.Pow(1 + rate, -t)).ToArray();
        var magnitude = Math.Pow(10, rng.Next(0, 9));
        var rows = Enumerable.Range(0, payerCount).Select(p =>
        {
            var bias = (rng.NextDouble() - 0.5) * magnitude;
            var net = Enumerable.Range(0, points).Select(_ => rng.NextDouble() < 0.15 ? 0.0 : bias + ((rng.NextDouble() - 0.5) * magnitude)).ToArray();
            var pv = net.Select((v, t) => v * df[t]).Sum();
            var invested = rng.NextDouble() < 0.5 ? rng.NextDouble() * magnitude : 0;
            return new SettlementLedgerPayer(new Payer($"p{p}", p < 2 || rng.NextDouble() < 0.7), invested, invested + pv, net);
        }).ToArray();
        var dt = rng.NextDouble() < 0.5 ? 1.0 : 0.25 + rng.NextDouble();
        var ledger = new SettlementLedger(new Strategy("s"), new Strategy("c"), dt, df, rows);
        var names = rows.Select(r => r.Payer.Name).ToArray();
        var timing = rng.NextDouble() < 0.7 ? TransferTiming.AsSaved : TransferTiming.Upfront;

        string[]? Some()
        {
            if (rng.NextDouble() < 0.4)
            {
                return null;
            }

            var picked = names.Where(_ => rng.NextDouble() < 0.6).ToArray();
            return picked.Length >= 2 ? picked : [names[0], names[1]];
        }

        var rules = new List<SettlementRule>();
        for (var k = 0; k < ruleCount; k++)
        {
            var name = $"rule{k}";
            switch (rng.Next(0, 8))
            {
                case 0:
                    rules.Add(new ReimburseInvestorsRule(name, Some(), timing));
                    break;
                case 1:
                    rules.Add(new ShareGainsRule(name, GainShareBasis.Savings, Some(), Timing: timing));
                    break;
                case 2:
                    rules.Add(new ShareGainsRule(name, GainShareBasis.Investment, Some(), Timing: timing));
                    break;
                case 3:
                    var shareOf = names.Take(Math.Max(2, rng.Next(2, payerCount + 1))).ToArray();
                    var raw = shareOf.Select(_ => rng.NextDouble() + 0.01).ToArray();
                    var shares = raw.Select(v => v / raw.Sum()).ToArray();
                    shares[^1] = 1 - shares[..^1].Sum();
                    rules.Add(new ShareGainsRule(name, GainShareBasis.Fixed, Shares: shareOf.Select((n, i) => (n, shares[i])).ToDictionary(x => x.n, x => x.Item2), Timing: timing));
                    break;
                case 4:
                    rules.Add(new ShapleyRule(name, Some(), timing));
                    break;
                case 5:
                    rules.Add(new PerParticipantPriceRule(name, names[rng.Next(1, payerCount)], names[0], "programme", rng.NextDouble() * magnitude / 10));
                    break;
                case 6:
                    rules.Add(new PerParticipantPriceRule(name, names[0], names[rng.Next(1, payerCount)], rng.NextDouble() < 0.8 ? "programme" : "absent", rng.NextDouble() * magnitude / 10, ParticipantBasis.PerParticipantYear, rng.NextDouble() < 0.5 ? null : (0.01 + rng.NextDouble()) * points * dt));
                    break;
                default:
                    rules.Add(new ReimburseInvestorsRule(name, null, timing));
                    break;
            }
        }

        var started = rng.NextDouble() < 0.1 ? 0 : (rng.NextDouble() - 0.2) * 100;
        var active = Enumerable.Range(0, points).Select(t => started * Math.Pow(0.9, t)).ToArray();
        return (ledger, new SettlementPlan("random", rules), new ParticipantCounts([new InterventionParticipants("programme", started, active)]));
    }

    private static void Fill(PreparedSettlement.Workspace w, SettlementLedger ledger)
    {
        var n = ledger.DiscountFactors.Count;
        for (var t = 0; t < n; t++)
        {
            w.DiscountFactors[t] = ledger.DiscountFactors[t];
        }

        for (var p = 0; p < ledger.Payers.Count; p++)
        {
            var row = ledger.Payers[p];
            w.Invested[p] = row.Invested;
            w.Savings[p] = row.Savings;
            for (var t = 0; t < n; t++)
            {
                w.NetGainByCycle[(p * n) + t] = row.NetGainByCycle[t];
            }
        }
    }

    private static void Settle(PreparedSettlement prepared, PreparedSettlement.Workspace w, SettlementLedger ledger, ParticipantCounts participants)
    {
        Fill(w, ledger);
        prepared.Settle(w, ledger.Strategy, ledger.Comparator, ledger.CycleLengthYears, participants);
    }

    /// <summary>Every payer whose prepared position differs in any bit from SettleLedger's.</summary>
    private static List<string> Mismatches(SettlementLedger ledger, SettlementPlan plan, ParticipantCounts participants)
    {
        var expected = Settlement.SettleLedger(ledger, plan, participants);
        var prepared = new PreparedSettlement(plan, [.. ledger.Payers.Select(r => r.Payer)]);
        var w = prepared.CreateWorkspace(ledger.DiscountFactors.Count);
        Settle(prepared, w, ledger, participants);
        var mismatches = new List<string>();
        for (var p = 0; p < ledger.Payers.Count; p++)
        {
            var e = expected.Positions[p];
            if (BitConverter.DoubleToInt64Bits(e.NetGainBefore) != BitConverter.DoubleToInt64Bits(w.NetGainBefore[p])
                || BitConverter.DoubleToInt64Bits(e.NetGainAfter) != BitConverter.DoubleToInt64Bits(w.NetGainAfter[p]))
            {
                mismatches.Add($"{e.Payer.Name}: before {e.NetGainBefore:R} vs {w.NetGainBefore[p]:R}, after {e.NetGainAfter:R} vs {w.NetGainAfter[p]:R}");
            }
        }

        return mismatches;
    }
}
