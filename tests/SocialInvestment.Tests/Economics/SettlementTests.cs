using FsCheck;
using FsCheck.Fluent;
using SocialInvestment.Economics;
using SocialInvestment.Engine;
using SocialInvestment.Model;
using SocialInvestment.Uncertainty;

namespace SocialInvestment.Tests.Economics;

/// <summary>
/// The cross-budget settlement: every rule on a hand-computed example, the Shapley value against
/// hand values and its axioms, the zero-sum invariant, participants, PSA, and aggregated errors.
/// </summary>
public class SettlementTests
{
    private const double Tol = 1e-9;

    private static readonly Payer M = Payer.Municipality;
    private static readonly Payer S = Payer.State;
    private static readonly Payer C = Payer.County;
    private static readonly Payer I = Payer.Individual;

    /// <summary>
    /// The hand example. Three trace points with discount factors 1, 0.5, 0.25 (chosen for easy arithmetic).
    /// municipality: invests 100 at t = 0, saves 20 at t = 1: net [−100, 20, 0], PV −100 + 10 = −90 (invested 100, savings 10).
    /// state: saves 160 at t = 1 and 2: PV 80 + 40 = 120. county: saves 60 at t = 1: PV 30.
    /// individual (not public, so outside every default rule): [0, 100, 100], PV 75.
    /// Public total G = −90 + 120 + 30 = 60.
    /// </summary>
    private static SettlementLedger Example() => new(
        new Strategy("team"), new Strategy("business as usual"), 1.0, [1.0, 0.5, 0.25],
        [
            new SettlementLedgerPayer(M, 100, 10, [-100, 20, 0]),
            new SettlementLedgerPayer(S, 0, 120, [0, 160, 160]),
            new SettlementLedgerPayer(C, 0, 30, [0, 60, 0]),
            new SettlementLedgerPayer(I, 0, 75, [0, 100, 100]),
        ]);

    private static SettlementResult Settle(params SettlementRule[] rules) => Settlement.SettleLedger(Example(), new SettlementPlan("test", rules));

    private static SettlementTransfer Transfer(SettlementResult r, Payer from, Payer to) => r.Transfers.Single(t => t.From == from && t.To == to);

    [Test]
    public void Reimburse_SaversPayInProportionToTheirGains_UpToTheInvestorsBreakEven()
    {
        // Investors: municipality (invests, PV −90): deficit D = 90. Savers: state 120, county 30: C = 150.
        // X = min(90, 150) = 90. State pays 90·120/150 = 72, county 90·30/150 = 18.
        // As saved: the state passes on 72/120 = 0.6 of its net gain each year: [0, 96, 96], PV 48 + 24 = 72.
        // The county 18/30 = 0.6: [0, 36, 0], PV 18. After: municipality 0, state 48, county 12, individual 75.
        var r = Settle(new ReimburseInvestorsRule("reimburse"));
        var state = Transfer(r, S, M);
        Assert.That(state.PerCycle, Is.EqualTo(new[] { 0, 96.0, 96.0 }).Within(Tol));
        Assert.That(state.PerCycleDiscounted, Is.EqualTo(new[] { 0, 48.0, 24.0 }).Within(Tol));
        Assert.That(state.TotalDiscounted, Is.EqualTo(72).Within(Tol));
        Assert.That(state.Total, Is.EqualTo(192).Within(Tol));
        Assert.That(Transfer(r, C, M).PerCycle, Is.EqualTo(new[] { 0, 36.0, 0 }).Within(Tol));
        Assert.That(r.Transfers, Has.Count.EqualTo(2));
        Assert.That(r.Position("municipality").NetGainAfter, Is.EqualTo(0).Within(Tol));
        Assert.That(r.Position("state").NetGainAfter, Is.EqualTo(48).Within(Tol));
        Assert.That(r.Position("county").NetGainAfter, Is.EqualTo(12).Within(Tol));
        Assert.That(r.Position("individual").NetGainAfter, Is.EqualTo(75).Within(Tol));
        // Municipality per year after: [−100, 20 + 96 + 36, 96] = [−100, 152, 96]; undiscounted total 148.
        Assert.That(r.Position("municipality").AfterByCycle, Is.EqualTo(new[] { -100, 152.0, 96.0 }).Within(Tol));
        Assert.That(r.Position("municipality").NetGainAfterUndiscounted, Is.EqualTo(148).Within(Tol));
        Assert.That(r.TotalNetGainAfter, Is.EqualTo(r.TotalNetGainBefore).Within(Tol));
    }

    [Test]
    public void Reimburse_WhenSavingsDoNotCoverTheLoss_SaversPayAllTheyGain()
    {
        // Only the county takes part with the municipality: D = 90, C = 30, X = 30: the county pays all its
        // gain (30) and ends at 0; the municipality ends at −60. No payer pays more than it gains.
        var r = Settle(new ReimburseInvestorsRule("reimburse", ["municipality", "county"]));
        Assert.That(Transfer(r, C, M).TotalDiscounted, Is.EqualTo(30).Within(Tol));
        Assert.That(r.Position("county").NetGainAfter, Is.EqualTo(0).Within(Tol));
        Assert.That(r.Position("municipality").NetGainAfter, Is.EqualTo(-60).Within(Tol));
        Assert.That(r.Position("state").NetGainAfter, Is.EqualTo(120).Within(Tol));
    }

    [Test]
    public void ShareGains_BySavings()
    {
        // Weights: savings 10, 120, 30 (sum 160): 1/16, 12/16, 3/16 of G = 60: targets 3.75, 45, 11.25.
        // Δ = +93.75, −75, −18.75: the state pays the municipality 75, the county 18.75.
        var r = Settle(new ShareGainsRule("share", GainShareBasis.Savings));
        Assert.That(Transfer(r, S, M).TotalDiscounted, Is.EqualTo(75).Within(Tol));
        Assert.That(Transfer(r, C, M).TotalDiscounted, Is.EqualTo(18.75).Within(Tol));
        Assert.That(r.Position("municipality").NetGainAfter, Is.EqualTo(3.75).Within(Tol));
        Assert.That(r.Position("state").NetGainAfter, Is.EqualTo(45).Within(Tol));
        Assert.That(r.Position("county").NetGainAfter, Is.EqualTo(11.25).Within(Tol));
    }

    [Test]
    public void ShareGains_ByInvestment()
    {
        // Only the municipality invests: weight 1, it gets all of G = 60; the state pays 120 and the county 30.
        var r = Settle(new ShareGainsRule("share", GainShareBasis.Investment));
        Assert.That(Transfer(r, S, M).TotalDiscounted, Is.EqualTo(120).Within(Tol));
        Assert.That(Transfer(r, C, M).TotalDiscounted, Is.EqualTo(30).Within(Tol));
        Assert.That(r.Position("municipality").NetGainAfter, Is.EqualTo(60).Within(Tol));
        Assert.That(r.Position("state").NetGainAfter, Is.EqualTo(0).Within(Tol));
    }

    [Test]
    public void ShareGains_ByFixedShares()
    {
        // Shares 0.5, 0.3, 0.2 of 60: targets 30, 18, 12. Δ = +120, −102, −18.
        var r = Settle(new ShareGainsRule("share", GainShareBasis.Fixed, Shares: new Dictionary<string, double> { ["municipality"] = 0.5, ["state"] = 0.3, ["county"] = 0.2 }));
        Assert.That(Transfer(r, S, M).TotalDiscounted, Is.EqualTo(102).Within(Tol));
        Assert.That(Transfer(r, C, M).TotalDiscounted, Is.EqualTo(18).Within(Tol));
        Assert.That(r.Position("state").NetGainAfter, Is.EqualTo(18).Within(Tol));
    }

    [Test]
    public void Shapley_OneStrategyGame_FunderAndEachSaverSplitThatSaversGain()
    {
        // Players M, S, C; the strategy runs only when the funder M is in the coalition:
        // v(M) = −90, v(S) = v(C) = v(SC) = 0, v(MS) = 30, v(MC) = −60, v(MSC) = 60.
        // φ_S: marginals 0 (∅), 120 ({M}), 0 ({C}), 120 ({M,C}), weights 1/3, 1/6, 1/6, 1/3: 20 + 40 = 60.
        // φ_C likewise 30/6 + 30/3 = 15; φ_M = 60 − 60 − 15 = −15 (= −90 + 120/2 + 30/2).
        var r = Settle(new ShapleyRule("shapley"));
        Assert.That(r.Position("municipality").NetGainAfter, Is.EqualTo(-15).Within(1e-7));
        Assert.That(r.Position("state").NetGainAfter, Is.EqualTo(60).Within(1e-7));
        Assert.That(r.Position("county").NetGainAfter, Is.EqualTo(15).Within(1e-7));
        Assert.That(Transfer(r, S, M).TotalDiscounted, Is.EqualTo(60).Within(1e-7));
    }

    [Test]
    public void Shapley_ThreePlayerGame_ByEnumeration_MatchesHandValues()
    {
        // v(1) = v(2) = v(3) = 0, v(12) = 90, v(13) = 80, v(23) = 70, v(123) = 120.
        // φ1 = 90/6 + 80/6 + (120 − 70)/3 = 15 + 13.33… + 16.67… = 45
        // φ2 = 90/6 + 70/6 + (120 − 80)/3 = 15 + 11.67… + 13.33… = 40
        // φ3 = 80/6 + 70/6 + (120 − 90)/3 = 13.33… + 11.67… + 10 = 35
        var pairs = new Dictionary<string, double> { ["municipality,state"] = 90, ["county,municipality"] = 80, ["county,state"] = 70, ["county,municipality,state"] = 120 };
        var game = CoalitionGame.Create([M, S, C], s => pairs.GetValueOrDefault(string.Join(",", s.Select(p => p.Name).Order(StringComparer.Ordinal))));
        Assert.That(game.ShapleyValues(), Is.EqualTo(new[] { 45.0, 40.0, 35.0 }).Within(1e-12));
        Assert.That(game.Value(0b011), Is.EqualTo(90));
    }

    private static Arbitrary<(int N, double[] Values, int Seed)> Games()
        => (from n in Gen.Choose(2, 6)
            from seed in Gen.Choose(0, 1_000_000)
            select (n, RandomValues(n, seed), seed)).ToArbitrary();

    private static double[] RandomValues(int n, int seed)
    {
        var rng = new Random(seed);
        var v = new double[1 << n];
        for (var s = 1; s < v.Length; s++)
        {
            v[s] = Math.Round((rng.NextDouble() * 2000) - 1000, 2);
        }

        return v;
    }

    private static Payer[] Players(int n) => Enumerable.Range(0, n).Select(i => new Payer($"p{i}", true)).ToArray();

    private static int Mask(IReadOnlySet<Payer> s, Payer[] players) => Enumerable.Range(0, players.Length).Where(i => s.Contains(players[i])).Sum(i => 1 << i);

    [Test]
    public void Shapley_Axioms_Efficiency_Symmetry_NullPlayer()
    {
        var config = Config.QuickThrowOnFailure.WithMaxTest(80);
        Check.One(config, Prop.ForAll(Games(), g =>
        {
            var players = Players(g.N);

            // Efficiency: Σ φ = v(N).
            var game = CoalitionGame.Create(players, s => g.Values[Mask(s, players)]);
            var phi = game.ShapleyValues();
            var efficient = Math.Abs(phi.Sum() - g.Values[^1]) < 1e-7;

            // Symmetry: make players 0 and 1 interchangeable (a coalition with exactly one of them is worth
            // what it is worth with player 0 only) — then φ_0 = φ_1.
            int Canonical(int m) => ((m & 1) != 0) ^ ((m & 2) != 0) ? (m & ~3) | 1 : m;
            var sym = CoalitionGame.Create(players, s => g.Values[Canonical(Mask(s, players))]).ShapleyValues();
            var symmetric = Math.Abs(sym[0] - sym[1]) < 1e-7;

            // Null player: the last player adds nothing to any coalition — then φ_last = 0.
            var last = 1 << (g.N - 1);
            var nul = CoalitionGame.Create(players, s => g.Values[Mask(s, players) & ~last]).ShapleyValues();
            var nullPlayer = Math.Abs(nul[^1]) < 1e-7;
            return efficient && symmetric && nullPlayer;
        }));
    }

    [Test]
    public void Shapley_MoreThanTwelvePlayers_IsAClearError()
    {
        var ex = Assert.Throws<ArgumentException>(() => CoalitionGame.Create(Players(13), _ => 0));
        Assert.That(ex!.Message, Does.Contain("1 to 12 players"));
    }

    private static Arbitrary<(int Seed, int Payers, int Points, int Rule)> Ledgers()
        => (from seed in Gen.Choose(0, 1_000_000)
            from payers in Gen.Choose(2, 6)
            from points in Gen.Choose(1, 12)
            from rule in Gen.Choose(0, 4)
            select (seed, payers, points, rule)).ToArbitrary();

    private static SettlementLedger RandomLedger(int seed, int payers, int points)
    {
        var rng = new Random(seed);
        var df = Enumerable.Range(0, points).Select(t => Math.Pow(1.04, -t)).ToArray();
        var rows = Enumerable.Range(0, payers).Select(p =>
        {
            var net = Enumerable.Range(0, points).Select(_ => Math.Round((rng.NextDouble() * 2000) - 1000, 1)).ToArray();
            var pv = net.Select((v, t) => v * df[t]).Sum();
            var invested = rng.NextDouble() < 0.5 ? Math.Round(rng.NextDouble() * 500, 1) : 0;
            return new SettlementLedgerPayer(new Payer($"p{p}", rng.NextDouble() < 0.85), invested, invested + pv, net);
        }).ToArray();
        return new SettlementLedger(new Strategy("s"), new Strategy("c"), 1.0, df, rows);
    }

    [Test]
    public void EveryRule_OnlyMovesMoney_TotalsAndEveryYearUnchanged()
    {
        var config = Config.QuickThrowOnFailure.WithMaxTest(150);
        Check.One(config, Prop.ForAll(Ledgers(), l =>
        {
            var ledger = RandomLedger(l.Seed, l.Payers, l.Points);
            var all = ledger.Payers.Select(p => p.Payer.Name).ToArray();
            SettlementRule rule = l.Rule switch
            {
                0 => new ReimburseInvestorsRule("r", all),
                1 => new ShareGainsRule("r", GainShareBasis.Savings, all),
                2 => new ShareGainsRule("r", GainShareBasis.Investment, all, Timing: TransferTiming.Upfront),
                3 => new ShapleyRule("r", all),
                _ => new ShareGainsRule("r", GainShareBasis.Fixed, Shares: all.ToDictionary(n => n, _ => 1.0 / all.Length)),
            };

            var r = Settlement.SettleLedger(ledger, new SettlementPlan("p", [rule]));
            var scale = 1 + ledger.Payers.Sum(p => p.NetGainByCycle.Sum(Math.Abs));
            var ok = Math.Abs(r.TotalNetGainAfter - r.TotalNetGainBefore) <= 1e-9 * scale;
            for (var t = 0; t < l.Points; t++)
            {
                ok &= Math.Abs(r.Positions.Sum(p => p.AfterByCycle[t]) - r.Positions.Sum(p => p.BeforeByCycle[t])) <= 1e-9 * scale;
            }

            // Every payer's change equals what it receives minus what it pays in the schedule.
            foreach (var p in r.Positions)
            {
                var net = r.Transfers.Where(x => x.To == p.Payer).Sum(x => x.TotalDiscounted) - r.Transfers.Where(x => x.From == p.Payer).Sum(x => x.TotalDiscounted);
                ok &= Math.Abs(net - p.Received) <= 1e-9 * scale;
            }

            if (rule is ReimburseInvestorsRule)
            {
                // No saver ends below zero, no investor ends above break-even.
                foreach (var p in r.Positions)
                {
                    ok &= p.NetGainBefore > 0 ? p.NetGainAfter >= -1e-9 * scale : p.NetGainAfter <= 1e-9 * scale;
                }
            }

            return ok;
        }));
    }

    [Test]
    public void Upfront_PaysThePresentValueAtTheFirstTracePoint()
    {
        // Share by investment, upfront: the state pays 120 at t = 0 (discount factor 1) instead of as it saves.
        var r = Settle(new ShareGainsRule("share", GainShareBasis.Investment, Timing: TransferTiming.Upfront));
        Assert.That(Transfer(r, S, M).PerCycle, Is.EqualTo(new[] { 120.0, 0, 0 }).Within(Tol));
        Assert.That(Transfer(r, S, M).Timing, Is.EqualTo(TransferTiming.Upfront));
    }

    [Test]
    public void RulesApplyInOrder_ToThePositionsThePreviousOnesLeft()
    {
        // Fixed shares first (targets 30, 18, 12), then reimburse: nobody is worse off any more, so it moves nothing and says why.
        var r = Settle(
            new ShareGainsRule("share", GainShareBasis.Fixed, Shares: new Dictionary<string, double> { ["municipality"] = 0.5, ["state"] = 0.3, ["county"] = 0.2 }),
            new ReimburseInvestorsRule("reimburse"));
        Assert.That(r.Transfers.All(t => t.Rule == "share"));
        Assert.That(r.Remarks.Single(), Does.Contain("'reimburse' moved nothing"));
        Assert.That(r.Position("municipality").NetGainAfter, Is.EqualTo(30).Within(Tol));
    }

    /// <summary>
    /// 100 people start NEET at 20; each cycle 10 % die (from NEET and from work), 20 % of NEET find work.
    /// The state pays benefits of 100 per NEET person-cycle; the municipality funds a programme (upfront 50
    /// per participant) with uptake 0.5 that raises NEET → work.
    /// </summary>
    private static (LifeCourseModel Model, Strategy Bau, Strategy Invest) WrongPocket()
    {
        var benefit = new Account(Payer.State, Sector.Benefits, FlowKind.Transfer);
        var followUp = new Account(Payer.Municipality, Sector.SocialServices, FlowKind.ResourceCost);
        var builder = new LifeCourseModelBuilder("wrong pocket")
            .AddState("NEET").AddState("Work").AddState("Dead", absorbing: true)
            .AddPayers(Payer.Municipality, Payer.State)
            .AddSectors(Sector.Benefits, Sector.SocialServices);
        builder.Probability("NEET", "Work", 0.2).Probability("NEET", "Dead", 0.1).Remainder("NEET", "NEET")
               .Probability("Work", "Dead", 0.1).Remainder("Work", "Work");
        builder.StateFlow("NEET", benefit, 100);
        var programme = Intervention.Create("programme").EligibleIn("NEET").WithUptake(Quantity.Constant(0.5))
            .UpfrontCost(followUp, 50)
            .AffectTransition("NEET", "Work", EffectMeasure.RelativeRisk, 2.0, EffectProfile.Permanent)
            .Build();
        var bau = Strategy.BusinessAsUsual;
        var invest = new Strategy("programme", programme);
        var model = builder.AddStrategy(bau).AddStrategy(invest)
            .WithPopulation(Population.StartingIn(20, "NEET", size: 100))
            .WithOptions(new SimulationOptions { Cycles = 10 })
            .Build();
        return (model, bau, invest);
    }

    [Test]
    public void Participation_CountsStartersAndSurvivingParticipants()
    {
        // 100 × uptake 0.5 = 50 start; 10 % die each cycle from either living state: 50·0.9^t alive.
        var (model, _, invest) = WrongPocket();
        var p = Participation.Count(model, invest).Single();
        Assert.That(p.Started, Is.EqualTo(50).Within(1e-9));
        for (var t = 0; t <= 10; t++)
        {
            Assert.That(p.Active[t], Is.EqualTo(50 * Math.Pow(0.9, t)).Within(1e-9));
        }
    }

    [Test]
    public void PerParticipantPrice_MoneyFollowsTheCitizen()
    {
        var (model, bau, invest) = WrongPocket();

        // Per start: the state pays 50 participants × 1,000 = 50,000 at t = 0.
        var perStart = Settlement.Run(model, invest, bau, new SettlementPlan("price", [new PerParticipantPriceRule("price", "state", "municipality", "programme", 1000)]));
        var x = perStart.Transfers.Single();
        Assert.That((x.From, x.To), Is.EqualTo((S, M)));
        Assert.That(x.PerCycle[0], Is.EqualTo(50_000).Within(1e-6));
        Assert.That(x.PerCycle.Skip(1).All(v => v == 0));

        // Per participant-year for 2 years: 1,000 × 1 year × 50 at t = 0 and × 45 at t = 1, nothing after.
        var perYear = Settlement.Run(model, invest, bau, new SettlementPlan("price", [new PerParticipantPriceRule("price", "state", "municipality", "programme", 1000, ParticipantBasis.PerParticipantYear, 2)]));
        var y = perYear.Transfers.Single();
        Assert.That(y.PerCycle[0], Is.EqualTo(50_000).Within(1e-6));
        Assert.That(y.PerCycle[1], Is.EqualTo(45_000).Within(1e-6));
        Assert.That(y.PerCycle.Skip(2).All(v => v == 0));
        var run = CohortEngine.Run(model, invest);
        Assert.That(y.TotalDiscounted, Is.EqualTo((50_000 * run.CostDiscountFactor(0)) + (45_000 * run.CostDiscountFactor(1))).Within(1e-6));
        Assert.That(perYear.Position("state").Received, Is.EqualTo(-y.TotalDiscounted).Within(1e-6));
    }

    [Test]
    public void PerParticipantPrice_OnAnInterventionOutsideTheStrategy_MovesNothingAndSaysWhy()
    {
        var (model, bau, invest) = WrongPocket();
        var plan = new SettlementPlan("price", [new PerParticipantPriceRule("price", "state", "municipality", "programme", 1000)]);

        // Business as usual against itself has no participants of the programme.
        var appraisal = Appraisal.Compare(CohortEngine.Run(model, bau), CohortEngine.Run(model, bau), Perspective.PublicSector);
        var r = Settlement.Settle(appraisal, plan, ParticipantCounts.Incremental([], []));
        Assert.That(r.Transfers, Is.Empty);
        Assert.That(r.Remarks.Single(), Does.Contain("'programme' is in neither the strategy nor its comparator"));

        // A name the model does not know is an error when the model is at hand.
        var typo = new SettlementPlan("price", [new PerParticipantPriceRule("price", "state", "municipality", "programme2", 1000)]);
        var ex = Assert.Throws<SettlementValidationException>(() => Settlement.Run(model, invest, bau, typo));
        Assert.That(ex!.Problems.Single().Field, Is.EqualTo("intervention"));
    }

    [Test]
    public void WrongPocket_FromTheModel_ReimbursementBringsTheMunicipalityToBreakEven()
    {
        var (model, bau, invest) = WrongPocket();
        var appraisal = Appraisal.Compare(CohortEngine.Run(model, invest), CohortEngine.Run(model, bau), Perspective.PublicSector);
        var municipality = appraisal.Payers.Single(p => p.Payer == M);
        var state = appraisal.Payers.Single(p => p.Payer == S);
        Assert.That(municipality.NetGain, Is.LessThan(0), "the municipality pays for the programme");
        Assert.That(state.NetGain, Is.GreaterThan(-municipality.NetGain), "the state saves more than the programme costs");

        var r = Settlement.Settle(appraisal, new SettlementPlan("reimburse", [new ReimburseInvestorsRule("reimburse")]));
        Assert.That(r.Position("municipality").NetGainBefore, Is.EqualTo(municipality.NetGain).Within(1e-6));
        Assert.That(r.Position("municipality").NetGainAfter, Is.EqualTo(0).Within(1e-6));
        Assert.That(r.Position("state").NetGainAfter, Is.EqualTo(state.NetGain + municipality.NetGain).Within(1e-6));
        Assert.That(r.NetTransferDiscounted("state", "municipality"), Is.EqualTo(-municipality.NetGain).Within(1e-6));
    }

    [Test]
    public void ShapleyFromInterventions_TwoFundersTwoInterventions()
    {
        // Two interventions on the same people, one funded by the municipality, one by the state.
        var (model0, bau, _) = WrongPocket();
        var benefit = new Account(Payer.State, Sector.Benefits, FlowKind.Transfer);
        var followUp = new Account(Payer.Municipality, Sector.SocialServices, FlowKind.ResourceCost);
        var a = Intervention.Create("a").EligibleIn("NEET").UpfrontCost(followUp, 20).AffectTransition("NEET", "Work", EffectMeasure.RelativeRisk, 1.5, EffectProfile.Permanent).Build();
        var b = Intervention.Create("b").EligibleIn("NEET").UpfrontCost(benefit, 30).AffectTransition("NEET", "Work", EffectMeasure.RelativeRisk, 1.3, EffectProfile.Permanent).Build();
        var builder = new LifeCourseModelBuilder("two")
            .AddState("NEET").AddState("Work").AddState("Dead", absorbing: true)
            .AddPayers(Payer.Municipality, Payer.State).AddSectors(Sector.Benefits, Sector.SocialServices);
        builder.Probability("NEET", "Work", 0.2).Probability("NEET", "Dead", 0.1).Remainder("NEET", "NEET")
               .Probability("Work", "Dead", 0.1).Remainder("Work", "Work");
        builder.StateFlow("NEET", benefit, 100);
        var both = new Strategy("a+b", a, b);
        var model = builder.AddStrategy(bau).AddStrategy(both).AddStrategy(new Strategy("a", a)).AddStrategy(new Strategy("b", b))
            .WithPopulation(model0.Population).WithOptions(model0.Options).Build();
        var game = CoalitionGame.FromInterventions(model, bau, [(a, null), (b, null)], [M, S]);

        // Two players: φ_M = (v(M) + v(MS) − v(S))/2 with v(M) = M's own gain from running a, v(S) = S's from b.
        double Gain(Strategy s, Payer p) => Appraisal.Compare(CohortEngine.Run(model, s), CohortEngine.Run(model, bau), Perspective.PublicSector).Payers.Single(x => x.Payer == p).NetGain;
        var vM = Gain(model.Strategy("a"), M);
        var vS = Gain(model.Strategy("b"), S);
        var vN = Gain(both, M) + Gain(both, S);
        Assert.That(game.Value(0b01), Is.EqualTo(vM).Within(1e-9));
        Assert.That(game.Value(0b10), Is.EqualTo(vS).Within(1e-9));
        Assert.That(game.GrandCoalitionValue, Is.EqualTo(vN).Within(1e-9));
        var phi = game.ShapleyValues();
        Assert.That(phi[0], Is.EqualTo((vM + vN - vS) / 2).Within(1e-9));

        var r = Settlement.Run(model, both, bau, new SettlementPlan("shapley", [new ShapleyRule("shapley")]), game: game);
        Assert.That(r.Position("municipality").NetGainAfter, Is.EqualTo(phi[0]).Within(1e-6));
        Assert.That(r.Position("state").NetGainAfter, Is.EqualTo(phi[1]).Within(1e-6));
    }

    [Test]
    public void BadInput_OneAggregatedError_NamingRuleAndField()
    {
        var ex = Assert.Throws<SettlementValidationException>(() => SettlementPlan.ForPayers(
            "bad",
            [
                new ReimburseInvestorsRule("reimburse", ["kommune", "state"]),
                new PerParticipantPriceRule("price", "state", "municipality", "programme", -5),
                new ShareGainsRule("share", GainShareBasis.Fixed, Shares: new Dictionary<string, double> { ["municipality"] = 0.5, ["state"] = 0.4 }),
            ],
            [M, S, C],
            ["programme"]));
        Assert.That(ex!.Problems.Select(p => (p.Rule, p.Field)), Is.EquivalentTo(new[] { ("reimburse", "payers"), ("price", "price"), ("share", "shares") }));
        Assert.That(ex.Message, Does.Contain("Unknown payer 'kommune'").And.Contain("≥ 0").And.Contain("sum to 1"));
    }

    [Test]
    public void BadInput_AtSettleTime_UnknownPayerAndMissingParticipants()
    {
        var plan = new SettlementPlan("p", [new ShapleyRule("shapley", ["municipality", "police"]), new PerParticipantPriceRule("price", "state", "municipality", "programme", 10)]);
        var ex = Assert.Throws<SettlementValidationException>(() => Settlement.SettleLedger(Example(), plan));
        Assert.That(ex!.Problems.Select(p => (p.Rule, p.Field)), Is.EquivalentTo(new[] { ("shapley", "payers"), ("price", "intervention") }));
    }

    [Test]
    public void BadLedger_IsRejectedWithEveryProblem()
    {
        var ex = Assert.Throws<ArgumentException>(() => new SettlementLedger(new Strategy("s"), new Strategy("c"), 1, [1, 0.5], [
            new SettlementLedgerPayer(M, 100, 0, [-100, 0, 0]),
            new SettlementLedgerPayer(S, 0, 99, [0, 100]),
        ]));
        Assert.That(ex!.Message, Does.Contain("'municipality' has 3 net gains").And.Contain("'state': the discounted net gains sum to 50"));
    }

    [Test]
    public void Psa_ProbabilityBetterOffAfterSettlement()
    {
        // The programme's effect is uncertain (relative risk ~ uniform(0.5, 3)). Under reimbursement the
        // state is better off after settlement exactly when it saves more than the municipality's loss;
        // checked draw by draw against settling each draw directly.
        var (model0, bau, _) = WrongPocket();
        var benefit = new Account(Payer.State, Sector.Benefits, FlowKind.Transfer);
        var followUp = new Account(Payer.Municipality, Sector.SocialServices, FlowKind.ResourceCost);
        var builder = new LifeCourseModelBuilder("psa")
            .AddState("NEET").AddState("Work").AddState("Dead", absorbing: true)
            .AddPayers(Payer.Municipality, Payer.State).AddSectors(Sector.Benefits, Sector.SocialServices);
        var rr = builder.AddParameter("rr", 2.0);
        builder.Probability("NEET", "Work", 0.2).Probability("NEET", "Dead", 0.1).Remainder("NEET", "NEET")
               .Probability("Work", "Dead", 0.1).Remainder("Work", "Work");
        builder.StateFlow("NEET", benefit, 100);
        var programme = Intervention.Create("programme").EligibleIn("NEET").UpfrontCost(followUp, 100)
            .AffectTransition("NEET", "Work", EffectMeasure.RelativeRisk, Quantity.Of(rr), EffectProfile.Permanent).Build();
        var invest = new Strategy("programme", programme);
        var model = builder.AddStrategy(bau).AddStrategy(invest).WithPopulation(model0.Population).WithOptions(model0.Options).Build();
        var spec = new PsaSpecification(model).With("rr", new UniformDistribution(0.5, 3));
        var plan = new SettlementPlan("reimburse", [new ReimburseInvestorsRule("reimburse")]);
        var collector = new SettlementUncertainty(model, plan, invest, bau, draws: 64);
        var psa = ProbabilisticAnalysis.Run(spec, new PsaOptions { Draws = 64, Seed = 7, Threads = 2 }, collector.Evaluator);
        var result = collector.Result();

        // Oracle per draw: settle the draw's appraisal directly.
        var expectedState = 0;
        for (var k = 0; k < 64; k++)
        {
            var p = spec.Draw(7, k);
            var direct = Settlement.Run(model, invest, bau, plan, p);
            Assert.That(result.NetGainAfter("state")[k], Is.EqualTo(direct.Position("state").NetGainAfter).Within(1e-9));
            Assert.That(result.NetGainBefore("municipality")[k], Is.EqualTo(direct.Position("municipality").NetGainBefore).Within(1e-9));
            expectedState += direct.Position("state").NetGainAfter > 0 ? 1 : 0;
        }

        Assert.That(result.ProbabilityBetterOffAfter("state"), Is.EqualTo(expectedState / 64.0));
        var helps = Enumerable.Range(0, 64).Count(k => spec.Draw(7, k)[rr] > 1) / 64.0;
        Assert.That(result.ProbabilityBetterOffBefore("state"), Is.EqualTo(helps), "the state saves exactly when the programme raises NEET → work (rr > 1)");
        Assert.That(result.ProbabilityBetterOffBefore("municipality"), Is.EqualTo(0.0), "the municipality only pays");
        Assert.That(expectedState, Is.InRange(1, 63), "the uniform effect range makes the programme pay off in some draws only");
        Assert.That(psa.Draws, Is.EqualTo(64));
    }

    [Test]
    public void PsaProbability_CountsABreakEvenWithinRoundingAsNotBetterOff()
    {
        // Three draws of two payers: made whole up to rounding (+3e-10 and −3e-10 of a scale of 2e7), and truly better off.
        Payer[] payers = [new("municipality", true), new("state", true)];
        var plan = new SettlementPlan("reimburse", [new ReimburseInvestorsRule("reimburse")]);
        double[] before = [-1e7, -1e7, -1e7, 1e7, 1e7, 1e7];
        double[] after = [3e-10 * 2e7, -3e-10 * 2e7, 5, 0, 0, 0];
        var result = new SettlementPsaResult(new Strategy("s"), new Strategy("c"), plan, payers, 0, 3, before, after, [2e7, 2e7, 2e7]);
        Assert.That(result.ProbabilityBetterOffAfter("municipality"), Is.EqualTo(1 / 3.0), "only the draw 5 NOK better off counts; ±6e-3 NOK of 2e7 is rounding");
        Assert.That(result.ProbabilityBetterOffBefore("state"), Is.EqualTo(1.0));
        Assert.That(result.ProbabilityBetterOffBefore("municipality"), Is.EqualTo(0.0));
    }
}
