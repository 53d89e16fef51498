using SocialInvestment.Economics;
using SocialInvestment.Engine;
using SocialInvestment.Model;
using SocialInvestment.Uncertainty;

namespace SocialInvestment.Tests.Economics;

/// <summary>
/// Outcome contracts: the Peterborough trigger on the published rates, caps, the investor's IRR and
/// the commissioner's NPV against running the intervention itself on hand-computed examples, bridge
/// financing, counting from a model, PSA, and aggregated errors.
/// </summary>
public class OutcomeContractTests
{
    private const double Tol = 1e-9;

    /// <summary>
    /// The Peterborough social impact bond (Ministry of Justice with Social Finance; the One Service,
    /// HMP Peterborough, 2010–2015; outcome payers the Ministry of Justice and the Big Lottery Fund):
    /// the outcome is the frequency of reconviction events of short-sentence prisoners against a
    /// matched national comparison group. A cohort paid if its reconvictions fell by ≥ 10 %; otherwise
    /// the cohorts were paid together at the end if the pooled fall was ≥ 7.5 %.
    /// Sources: Ministry of Justice interim results and Social Finance press release, 7 August 2014
    /// (cohort 1: 142 reconviction events per 100 offenders against 155 in the comparison group, an
    /// 8.4 % reduction: below 10 %, no payment for the cohort); Ministry of Justice, "Peterborough
    /// Social Impact Bond: final results", and Social Finance press release, July 2017 (a 9.0 %
    /// reduction overall, above the 7.5 % target: the investors were repaid their capital plus just
    /// over 3 % a year). Cohort 2's counts below are not the published ones: they are chosen so that
    /// the pooled reduction is the published 9.0 % (155 + 155 comparison events, 13 + 14.9 fewer).
    /// The price and the years are illustrative.
    /// </summary>
    private static OutcomeContract Peterborough(double? cap = null, double? contractCap = null) => new(
        "Peterborough",
        "One Service",
        "comparison group",
        "Ministry of Justice",
        [
            new OutcomeMetric(
                "reconviction events",
                ["reconvicted"],
                OutcomeDirection.Decrease,
                [new OutcomeMeasurement(2, Label: "cohort 1"), new OutcomeMeasurement(4, Label: "cohort 2")],
                price: 1000,
                threshold: 0.10,
                pooledThreshold: 0.075,
                pooledPaymentYear: 5,
                cap: cap),
        ],
        cap: contractCap);

    /// <summary>Six annual trace points, no discounting, the commissioner invests 100 at year 0 and saves nothing (the trigger tests need only the counts).</summary>
    private static ContractObservation Observed(params (double Strategy, double Comparator)[] cohorts) => new(
        1.0,
        [1, 1, 1, 1, 1, 1],
        [100, 0, 0, 0, 0, 0],
        [-100, 0, 0, 0, 0, 0],
        new Dictionary<string, IReadOnlyList<MeasuredCount>> { ["reconviction events"] = cohorts.Select(c => new MeasuredCount(c.Strategy, c.Comparator)).ToArray() });

    [Test]
    public void Peterborough_Cohort1At8Point4Percent_PaysNothingForTheCohort_Pooled9Percent_PaysAtTheEnd()
    {
        var r = Peterborough().Evaluate(Observed((142, 155), (140.1, 155)));

        var cohort1 = r.Measurements[0];
        Assert.That(cohort1.RelativeImprovement.Value, Is.EqualTo(13.0 / 155).Within(Tol));
        Assert.That(cohort1.RelativeImprovement.Value, Is.EqualTo(0.084).Within(0.0005), "the published 8.4 %");
        Assert.That(cohort1.ThresholdMet, Is.False, "8.4 % < the cohort threshold of 10 %");
        Assert.That(r.Measurements[1].ThresholdMet, Is.False, "14.9/155 = 9.6 % < 10 %");
        Assert.That(r.PaymentsByCycle[2], Is.EqualTo(0), "no payment when cohort 1 is measured");
        Assert.That(r.PaymentsByCycle[4], Is.EqualTo(0));

        var pooled = r.Pooled.Single();
        Assert.That(pooled.RelativeImprovement.Value, Is.EqualTo(0.090).Within(Tol), "(13 + 14.9)/(155 + 155) = 9.0 %");
        Assert.That(pooled.ThresholdMet, Is.True, "9.0 % ≥ the pooled threshold of 7.5 %");
        var payment = r.Payments.Single();
        Assert.That(payment.Measurement, Is.EqualTo("pooled"));
        Assert.That(payment.Cycle, Is.EqualTo(5));
        Assert.That(payment.Amount, Is.EqualTo(1000 * 27.9).Within(1e-6), "price × events avoided in both cohorts");
        Assert.That(r.TotalPayments, Is.EqualTo(27_900).Within(1e-6));
    }

    [Test]
    public void Peterborough_ACohortAt10Percent_PaysAtOnce_AndThePooledPaymentOnlyTheRest()
    {
        // Cohort 1: 155 → 139.5 is exactly 10 %: paid at year 2 for 15.5 events. Cohort 2 at 14.9/155 = 9.6 %: not on its own.
        // Pooled (15.5 + 14.9)/310 = 9.8 % ≥ 7.5 %: 30.4 events in all, less the 15.5 already paid, at year 5.
        var r = Peterborough().Evaluate(Observed((139.5, 155), (140.1, 155)));
        Assert.That(r.Measurements[0].ThresholdMet, Is.True);
        Assert.That(r.PaymentsByCycle[2], Is.EqualTo(15_500).Within(1e-6));
        Assert.That(r.PaymentsByCycle[5], Is.EqualTo(14_900).Within(1e-6));
        Assert.That(r.TotalPayments, Is.EqualTo(30_400).Within(1e-6));
    }

    [Test]
    public void Peterborough_PooledBelow7Point5Percent_PaysNothing()
    {
        // (10 + 12)/310 = 7.1 %.
        var r = Peterborough().Evaluate(Observed((145, 155), (143, 155)));
        Assert.That(r.Pooled.Single().ThresholdMet, Is.False);
        Assert.That(r.Payments, Is.Empty);
        Assert.That(r.TotalPayments, Is.EqualTo(0));
        Assert.That(r.InvestorLoses, Is.True, "the investor funded 100 and got nothing back");
        Assert.That(r.InvestorIrr.IsDefined, Is.False);
        Assert.That(r.InvestorIrr.Reason, Is.EqualTo(FigureReason.NotConventional), "a total loss has no conventional IRR (it would be −100 %)");
    }

    [Test]
    public void Cap_OutcomeAndContractCaps_LimitThePaymentsInTimeOrder()
    {
        // Due 15,500 at year 2 and 14,900 at year 5; an outcome cap of 20,000 leaves 4,500 for year 5.
        var capped = Peterborough(cap: 20_000).Evaluate(Observed((139.5, 155), (140.1, 155)));
        Assert.That(capped.PaymentsByCycle[2], Is.EqualTo(15_500).Within(1e-6));
        var last = capped.Payments.Single(p => p.Cycle == 5);
        Assert.That(last.Due, Is.EqualTo(14_900).Within(1e-6));
        Assert.That(last.Amount, Is.EqualTo(4_500).Within(1e-6));
        Assert.That(capped.TotalPayments, Is.EqualTo(20_000).Within(1e-6));

        // A contract cap below the first payment: 10,000 at year 2 and nothing later.
        var contractCapped = Peterborough(contractCap: 10_000).Evaluate(Observed((139.5, 155), (140.1, 155)));
        Assert.That(contractCapped.PaymentsByCycle[2], Is.EqualTo(10_000).Within(1e-6));
        Assert.That(contractCapped.PaymentsByCycle[5], Is.EqualTo(0));
    }

    /// <summary>
    /// The hand example: three trace points with discount factors 1, 0.5, 0.25. The commissioner spends
    /// 100 on the intervention at year 0; run by itself its net gain is [−100, 30, 200], NPV
    /// −100 + 15 + 50 = −35. The contract pays 10 per person in work at year 2 above the comparator
    /// (12 more: 20 against 8), i.e. 120 at year 2.
    /// </summary>
    private static (OutcomeContract Contract, ContractObservation Observation) HandExample(BridgeFinancing? bridge = null) => (
        new OutcomeContract(
            "hand",
            "programme",
            "business as usual",
            "municipality",
            [new OutcomeMetric("in work", ["work"], OutcomeDirection.Increase, [new OutcomeMeasurement(2)], price: 10)],
            bridge: bridge),
        new ContractObservation(
            1.0,
            [1, 0.5, 0.25],
            [100, 0, 0],
            [-100, 30, 200],
            new Dictionary<string, IReadOnlyList<MeasuredCount>> { ["in work"] = [new MeasuredCount(20, 8)] }));

    [Test]
    public void InvestorIrr_HandComputed()
    {
        // The investor pays 100 at year 0 and receives 120 at year 2: −100 + 120/(1 + r)² = 0, r = √1.2 − 1 = 9.5445 %.
        var (contract, observation) = HandExample();
        var r = contract.Evaluate(observation);
        Assert.That(r.InvestorNetByCycle, Is.EqualTo(new[] { -100.0, 0, 120 }).Within(Tol));
        Assert.That(r.InvestorCapital, Is.EqualTo(100).Within(Tol));
        Assert.That(r.InvestorIrr.Value, Is.EqualTo(Math.Sqrt(1.2) - 1).Within(1e-9));
        Assert.That(r.InvestorMultiple.Value, Is.EqualTo(1.2).Within(Tol));
        Assert.That(r.InvestorLoses, Is.False);
    }

    [Test]
    public void CommissionerNpv_ContractAgainstSelfFunded_HandComputed()
    {
        // With the contract the investor pays the 100 and the commissioner pays 120 at year 2:
        // [0, 30, 80], NPV 15 + 20 = 35 against −35 self-funded: the contract is worth 100 − 0.25·120 = 70 to it.
        var (contract, observation) = HandExample();
        var r = contract.Evaluate(observation);
        Assert.That(r.NpvSelfFunded, Is.EqualTo(-35).Within(Tol));
        Assert.That(r.NetGainWithContractByCycle, Is.EqualTo(new[] { 0.0, 30, 80 }).Within(Tol));
        Assert.That(r.NpvWithContract, Is.EqualTo(35).Within(Tol));
        Assert.That(r.ContractAdvantage, Is.EqualTo(70).Within(Tol));
        Assert.That(r.PresentValuePayments, Is.EqualTo(30).Within(Tol));
    }

    [Test]
    public void BridgeFinancing_RecoveredWithInterestBeforeTheInvestorIsPaid_HandComputed()
    {
        // The commissioner advances 40 at year 0 at 50 % a year: the investor pays 60. The balance grows
        // 40 → 60 → 90 and is recovered out of the 120 at year 2; the investor receives 30.
        // Commissioner: [−100 + 100 − 40, 30, 200 − 120 + 90] = [−40, 30, 170], NPV −40 + 15 + 42.5 = 17.5.
        var (contract, observation) = HandExample(new BridgeFinancing(40, 0.5));
        var r = contract.Evaluate(observation);
        Assert.That(r.CapitalByCycle, Is.EqualTo(new[] { 60.0, 0, 0 }).Within(Tol));
        Assert.That(r.BridgeRecoveredByCycle, Is.EqualTo(new[] { 0.0, 0, 90 }).Within(Tol));
        Assert.That(r.BridgeUnrecovered, Is.EqualTo(0).Within(Tol));
        Assert.That(r.InvestorNetByCycle, Is.EqualTo(new[] { -60.0, 0, 30 }).Within(Tol));
        Assert.That(r.InvestorLoses, Is.True, "60 in, 30 back");
        Assert.That(r.NetGainWithContractByCycle, Is.EqualTo(new[] { -40.0, 30, 170 }).Within(Tol));
        Assert.That(r.NpvWithContract, Is.EqualTo(17.5).Within(Tol));
    }

    [Test]
    public void UpfrontCapital_AndFundedShare()
    {
        // Half the costs [60, 40, 0] funded, paid up front: the investor pays 50 at year 0; the commissioner keeps the other half.
        var contract = new OutcomeContract(
            "half",
            "programme",
            "business as usual",
            "municipality",
            [new OutcomeMetric("in work", ["work"], OutcomeDirection.Increase, [new OutcomeMeasurement(2)], price: 10, basis: OutcomePriceBasis.PerPersonAchieving)],
            capital: new InvestorCapital(0.5, CapitalTiming.Upfront));
        var observation = new ContractObservation(1.0, [1, 1, 1], [60, 40, 0], [-60, -40, 0], new Dictionary<string, IReadOnlyList<MeasuredCount>> { ["in work"] = [new MeasuredCount(20, 8)] });
        var r = contract.Evaluate(observation);
        Assert.That(r.FundedCostByCycle, Is.EqualTo(new[] { 30.0, 20, 0 }).Within(Tol));
        Assert.That(r.CapitalByCycle, Is.EqualTo(new[] { 50.0, 0, 0 }).Within(Tol));
        Assert.That(r.TotalPayments, Is.EqualTo(200).Within(Tol), "per person achieving: 10 × 20, the comparator's 8 included");
        Assert.That(r.NetGainWithContractByCycle, Is.EqualTo(new[] { -30.0, -20, -200 }).Within(Tol));
    }

    [Test]
    public void BadTerms_OneAggregatedError_NamingOutcomeAndField()
    {
        var ex = Assert.Throws<ContractValidationException>(() => new OutcomeContract(
            "bad",
            "programme",
            "business as usual",
            "municipality",
            [
                new OutcomeMetric("a", ["work"], OutcomeDirection.Increase, [new OutcomeMeasurement(2)], price: 10, threshold: 1.5),
                new OutcomeMetric("b", [], OutcomeDirection.Decrease, [new OutcomeMeasurement(3, PaymentYear: 1)], price: -1, pooledThreshold: -0.1, basis: OutcomePriceBasis.PerPersonAchieving),
            ],
            capital: new InvestorCapital(2)));
        Assert.That(
            ex!.Problems.Select(p => (p.Outcome, p.Field)),
            Is.EquivalentTo(new[] { ("a", "threshold"), ("b", "states"), ("b", "basis"), ("b", "price"), ("b", "pooled_threshold"), ("b", "payment_year"), ("contract", "funded_share") }));
        Assert.That(ex.Message, Does.Contain("[0, 1]").And.Contain("got 1.5"));
    }

    [Test]
    public void Validate_UnknownNamesAndTimesOffTheHorizon()
    {
        var (model, _, _) = Model();
        var contract = new OutcomeContract(
            "c",
            "programme",
            "nothing",
            "kommune",
            [new OutcomeMetric("x", ["Work", "Jail"], OutcomeDirection.Increase, [new OutcomeMeasurement(2.5), new OutcomeMeasurement(11)], price: 1)]);
        var problems = contract.Validate(model);
        Assert.That(problems.Select(p => p.Field), Is.EquivalentTo(new[] { "comparator", "payer", "states", "year", "payment_year", "year", "payment_year" }));
        Assert.That(string.Join("\n", problems), Does.Contain("Unknown state 'Jail'").And.Contain("Unknown payer 'kommune'").And.Contain("not a whole number of cycles").And.Contain("beyond the horizon"));
    }

    private static (LifeCourseModel Model, Strategy Bau, Strategy Invest) Model()
    {
        var benefit = new Account(Payer.State, Sector.Benefits, FlowKind.Transfer);
        var tax = new Account(Payer.Municipality, Sector.Taxation, FlowKind.Transfer);
        var followUp = new Account(Payer.Municipality, Sector.SocialServices, FlowKind.ResourceCost);
        var builder = new LifeCourseModelBuilder("contract")
            .AddState("NEET").AddState("Work").AddState("Dead", absorbing: true)
            .AddPayers(Payer.Municipality, Payer.State)
            .AddSectors(Sector.Benefits, Sector.SocialServices, Sector.Taxation);
        var rr = builder.AddParameter("rr", 2.0);
        builder.Probability("NEET", "Work", 0.2).Probability("NEET", "Dead", 0.1).Remainder("NEET", "NEET")
               .Probability("Work", "Dead", 0.1).Remainder("Work", "Work");
        builder.StateFlow("NEET", benefit, 100);
        builder.StateFlow("Work", tax, -40);
        var programme = Intervention.Create("programme").EligibleIn("NEET").WithUptake(Quantity.Constant(0.5))
            .UpfrontCost(followUp, 50)
            .AffectTransition("NEET", "Work", EffectMeasure.RelativeRisk, Quantity.Of(rr), EffectProfile.Permanent)
            .Build();
        var bau = Strategy.BusinessAsUsual;
        var invest = new Strategy("programme", programme);
        var model = builder.AddStrategy(bau).AddStrategy(invest)
            .WithPopulation(Population.StartingIn(20, "NEET", size: 100))
            .WithOptions(new SimulationOptions { Cycles = 10 })
            .Build();
        return (model, bau, invest);
    }

    private static OutcomeContract InWork(LifeCourseModel model) => new(
        "in work",
        "programme",
        model.Strategies[0].Name,
        "municipality",
        [
            new OutcomeMetric("in work at 2", ["Work"], OutcomeDirection.Increase, [new OutcomeMeasurement(2, PaymentYear: 3)], price: 250, threshold: 0.05),
            new OutcomeMetric("NEET years 0-4", ["NEET"], OutcomeDirection.Decrease, [new OutcomeMeasurement(0, UntilYear: 4)], price: 10),
        ]);

    [Test]
    public void Observe_CountsTheModelsOccupancy_AndTheCommissionersPosition()
    {
        var (model, bau, invest) = Model();
        var s = CohortEngine.Run(model, invest);
        var c = CohortEngine.Run(model, bau);
        var contract = InWork(model);
        var observation = contract.Observe(s, c);

        var work = observation.Counts["in work at 2"].Single();
        Assert.That(work.Strategy, Is.EqualTo(s.Occupancy(2, "Work")).Within(Tol));
        Assert.That(work.Comparator, Is.EqualTo(c.Occupancy(2, "Work")).Within(Tol));
        var neet = observation.Counts["NEET years 0-4"].Single();
        Assert.That(neet.Strategy, Is.EqualTo(Enumerable.Range(0, 4).Sum(k => s.Occupancy(k, "NEET"))).Within(Tol), "person-years over trace points 0..3, one year each");

        var own = Appraisal.Compare(s, c, Perspective.ForPayer(Payer.Municipality));
        Assert.That(observation.InterventionCost, Is.EqualTo(own.InvestmentByCycle).Within(Tol));
        var r = contract.Evaluate(observation);
        Assert.That(r.NpvSelfFunded, Is.EqualTo(own.NetPresentValue).Within(1e-6));

        // Comparator 100·0.2 + 100·0.7·0.2 + … : with rr 2 on half the cohort, work at year 2 rises well above 5 %.
        var m = r.Measurements[0];
        Assert.That(m.ThresholdMet, Is.True);
        Assert.That(r.PaymentsByCycle[3], Is.EqualTo(250 * (work.Strategy - work.Comparator)).Within(1e-6));
        Assert.That(r.ContractAdvantage, Is.EqualTo(r.FundedCostByCycle.Select((v, t) => v * r.DiscountFactors[t]).Sum() - r.PresentValuePayments).Within(1e-6));
    }

    [Test]
    public void Observe_RejectsRunsOfOtherStrategies()
    {
        var (model, bau, invest) = Model();
        var s = CohortEngine.Run(model, invest);
        var c = CohortEngine.Run(model, bau);
        var ex = Assert.Throws<ContractValidationException>(() => InWork(model).Observe(c, s));
        Assert.That(ex!.Problems.Select(p => p.Field), Is.EquivalentTo(new[] { "strategy", "comparator" }));
    }

    [Test]
    public void Psa_EveryDrawMatchesADirectEvaluation()
    {
        var (model, bau, invest) = Model();
        var spec = new PsaSpecification(model).With("rr", new UniformDistribution(0.5, 3));
        var contract = InWork(model);
        var collector = new ContractUncertainty(model, contract, draws: 48);
        ProbabilisticAnalysis.Run(spec, new PsaOptions { Draws = 48, Seed = 11, Threads = 2, Strategies = [bau, invest] }, collector.Evaluator);
        var result = collector.Result();

        var losses = 0;
        var better = 0;
        for (var k = 0; k < 48; k++)
        {
            var p = spec.Draw(11, k);
            var direct = contract.Evaluate(CohortEngine.Run(model, invest, p), CohortEngine.Run(model, bau, p));
            Assert.That(result.TotalPayments[k], Is.EqualTo(direct.TotalPayments).Within(1e-9));
            Assert.That(result.NpvWithContract[k], Is.EqualTo(direct.NpvWithContract).Within(1e-9));
            Assert.That(result.InvestorIrr[k], Is.EqualTo(direct.InvestorIrr));
            losses += direct.InvestorNet < 0 ? 1 : 0;
            better += direct.NpvWithContract > direct.NpvSelfFunded ? 1 : 0;
        }

        Assert.That(result.ProbabilityInvestorLoss, Is.EqualTo(losses / 48.0));
        Assert.That(result.ProbabilityContractBetter, Is.EqualTo(better / 48.0));
        Assert.That(losses, Is.InRange(1, 47), "a relative risk from 0.5 to 3 makes the investor lose in some draws only");
        Assert.That(result.MeanPaymentsByCycle()[3], Is.EqualTo(Enumerable.Range(0, 48).Average(k => result.PaymentsByCycle(k)[3])).Within(1e-9));
    }
}
