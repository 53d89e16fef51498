using SocialInvestment.Economics;
using SocialInvestment.Engine;
using SocialInvestment.Model;
using SocialInvestment.Tests.TestSupport;
using SocialInvestment.Uncertainty;

using SocialInvestment.Workloads;

namespace SocialInvestment.Tests.Uncertainty;

public class ProbabilisticAnalysisTests
{
    [Test]
    public void HomogeneousPsa_Welfare4_MatchesReferenceMeanWithinThreeStandardErrors()
    {
        // Reference PSA mean (benchmarks/yardsticks/workloads.md, 1M draws of the C++ yardstick): cost
        // 104,612.8 ± 16.4, QALY 19.02327 ± 0.00124. With K = 20,000 draws our SEs are about 116
        // (cost) and 0.0087 (QALY); the combined SE √(SE² + SE_ref²) is used, so a correct
        // implementation fails each check with probability 0.27 % for a random seed (seed fixed here).
        var model = Welfare4.BuildPsaModel();
        var result = HomogeneousPsa.Run(Welfare4.Specification(model), HomogeneousCohortKernel.Create(model), new PsaOptions { Draws = 20_000, Seed = 4 });
        var cost = result.Moments(0);
        var qaly = result.OutcomeMoments(Outcome.Qaly);
        var seCost = Math.Sqrt((cost.StandardError * cost.StandardError) + (16.4 * 16.4));
        var seQaly = Math.Sqrt((qaly.StandardError * qaly.StandardError) + (0.00124 * 0.00124));
        Assert.That(cost.Mean, Is.EqualTo(104_612.8).Within(3 * seCost));
        Assert.That(qaly.Mean, Is.EqualTo(19.02327).Within(3 * seQaly));
    }

    [Test]
    public void HomogeneousKernel_Welfare4_EqualsGenericPathTo1e12()
    {
        var model = Welfare4.BuildPsaModel();
        var spec = Welfare4.Specification(model);
        var kernel = HomogeneousCohortKernel.Create(model);
        var draws = spec.DrawMany(7, 23); // 23: not a multiple of the lane count, exercises the remainder.
        var flat = draws.SelectMany(d => d.AsSpan().ToArray()).ToArray();
        var fast = new double[draws.Count * kernel.ValueCount];
        kernel.Evaluate(flat, fast);
        for (var k = 0; k < draws.Count; k++)
        {
            var r = CohortEngine.Run(model, Strategy.BusinessAsUsual, draws[k]);
            var cost = r.TotalFlow(0, null, true);
            var qaly = r.TotalOutcome(Outcome.Qaly);
            Assert.That(fast[k * 2], Is.EqualTo(cost).Within(1e-12 * cost), $"draw {k} cost");
            Assert.That(fast[(k * 2) + 1], Is.EqualTo(qaly).Within(1e-12 * qaly), $"draw {k} QALY");
        }
    }

    [TestCase("half-cycle")]
    [TestCase("life-table")]
    public void HomogeneousKernel_ThreeStateRatesAndHalfCycle_EqualsGenericPathTo1e12(string counting)
    {
        // Exercises the generic (non-4-state) SIMD kernel, competing-rate rows, remainders,
        // two accounts, price re-indexing-free flows and half-cycle (trapezoid) weights.
        var payer = new Payer("state", true);
        var person = Payer.Individual;
        var care = new Account(payer, new Sector("care"), FlowKind.ResourceCost);
        var benefit = new Account(payer, new Sector("benefits"), FlowKind.Transfer);
        var b = new LifeCourseModelBuilder("three-state");
        b.AddState("Well").AddState("Ill").AddState("Dead", absorbing: true).AddPayers(payer, person).AddSectors(care.Sector, benefit.Sector).AddOutcomes(Outcome.Qaly);
        var r1 = b.AddParameter("r_ill", 0.1);
        var r2 = b.AddParameter("r_die", 0.01);
        var pRec = b.AddParameter("p_recover", 0.3);
        var cIll = b.AddParameter("c_ill", 5000);
        var uIll = b.AddParameter("u_ill", 0.6);
        b.Rate("Well", "Ill", (in ModelContext c) => c[r1]).Rate("Well", "Dead", (in ModelContext c) => c[r2]);
        b.Probability("Ill", "Well", (in ModelContext c) => c[pRec]).Probability("Ill", "Dead", (in ModelContext c) => 3 * c[r2]).Remainder("Ill", "Ill");
        b.StateFlow("Ill", care, (in ModelContext c) => c[cIll]).StateFlow("Ill", benefit, 12_000).StateFlow("Well", care, 300);
        b.StateOutcome("Well", Outcome.Qaly, 1).StateOutcome("Ill", Outcome.Qaly, (in ModelContext c) => c[uIll]);
        b.WithPopulation(new Population([new PopulationGroup(40, "Well", 0.8), new PopulationGroup(40, "Ill", 0.2)], 100));
        b.WithOptions(new SimulationOptions { Cycles = 37, StateWeights = CountingNames.Of(counting), CostDiscounting = DiscountSchedule.Constant(0.04), OutcomeDiscounting = DiscountSchedule.Constant(0.015) });
        var model = b.Build();
        var spec = new PsaSpecification(model)
            .With(r1, GammaDistribution.FromMeanAndStandardError(0.1, 0.02))
            .With(r2, GammaDistribution.FromMeanAndStandardError(0.01, 0.002))
            .With(pRec, BetaDistribution.FromMeanAndStandardError(0.3, 0.05))
            .With(cIll, GammaDistribution.FromMeanAndStandardError(5000, 500))
            .With(uIll, BetaDistribution.FromMeanAndStandardError(0.6, 0.05));
        var kernel = HomogeneousCohortKernel.Create(model);
        var draws = spec.DrawMany(11, 21);
        var fast = new double[draws.Count * kernel.ValueCount];
        kernel.Evaluate(draws.SelectMany(d => d.AsSpan().ToArray()).ToArray(), fast);
        Assert.That(kernel.ValueCount, Is.EqualTo(model.Accounts.Count + 1));
        for (var k = 0; k < draws.Count; k++)
        {
            var r = CohortEngine.Run(model, Strategy.BusinessAsUsual, draws[k]);
            for (var a = 0; a < model.Accounts.Count; a++)
            {
                var expected = r.TotalFlow(a, null, true);
                Assert.That(fast[(k * kernel.ValueCount) + a], Is.EqualTo(expected).Within(1e-12 * Math.Abs(expected)), $"draw {k} account {model.Accounts[a]}");
            }

            var q = r.TotalOutcome(Outcome.Qaly);
            Assert.That(fast[(k * kernel.ValueCount) + model.Accounts.Count], Is.EqualTo(q).Within(1e-12 * q), $"draw {k} QALY");
        }
    }

    [Test]
    public void HomogeneousKernel_PointValues_ReproducesExactWelfare4()
    {
        // Exact expected values per person at the point estimates, benchmarks/yardsticks/workloads.md.
        var model = Welfare4.BuildPsaModel();
        var v = HomogeneousCohortKernel.Create(model).Evaluate(model.BaseParameters);
        Assert.That(v[0], Is.EqualTo(103_116.8556).Within(1e-4));
        Assert.That(v[1], Is.EqualTo(18.898657).Within(1e-6));
    }

    [Test]
    public void HomogeneousKernel_AgeDependentModel_NotSupported()
    {
        var model = DarthModels.Build(ageDependent: true).Model;
        var e = Assert.Throws<NotSupportedException>(() => HomogeneousCohortKernel.Create(model));
        Assert.That(e!.Message, Does.Contain("transition-event"));
        var timeDependent = DarthModels.Build(ageDependent: false).Model;
        Assert.Throws<NotSupportedException>(() => HomogeneousCohortKernel.Create(timeDependent, timeDependent.Strategy("Strategy A")));
    }

    [Test]
    public void HomogeneousPsa_OneAndTwoThreads_Identical()
    {
        var model = Welfare4.BuildPsaModel();
        var spec = Welfare4.Specification(model);
        var kernel = HomogeneousCohortKernel.Create(model);
        var one = HomogeneousPsa.Run(spec, kernel, new PsaOptions { Draws = 3000, Seed = 9, Threads = 1, KeepDraws = true });
        var two = HomogeneousPsa.Run(spec, kernel, new PsaOptions { Draws = 3000, Seed = 9, Threads = 2, KeepDraws = true });
        Assert.That(two.Values(0).ToArray(), Is.EqualTo(one.Values(0).ToArray()).AsCollection);
        Assert.That(two.Moments(0).Mean, Is.EqualTo(one.Moments(0).Mean));
        Assert.That(two.Moments(1).Variance, Is.EqualTo(one.Moments(1).Variance));

        // Streamed (the default): no per-draw totals, the same moments to the bit.
        var streamed = HomogeneousPsa.Run(spec, kernel, new PsaOptions { Draws = 3000, Seed = 9, Threads = 2 });
        Assert.That(streamed.KeepsDraws, Is.False);
        Assert.That((streamed.Moments(0).Mean, streamed.Moments(0).Variance, streamed.Moments(1).Mean, streamed.Moments(1).Count), Is.EqualTo((one.Moments(0).Mean, one.Moments(0).Variance, one.Moments(1).Mean, one.Moments(1).Count)));
        Assert.That(() => { _ = streamed.Values(0); }, Throws.InvalidOperationException.With.Message.Contains("KeepDraws = true"));
    }

    [Test]
    public void HomogeneousPsa_ImpossibleDraw_ThrowsClearError()
    {
        // p_S1H ~ Uniform(0.9, 1) makes S1 → S1 = (1 − p_S1D)(1 − p_S1H − p_S1S2) negative.
        var model = Welfare4.BuildPsaModel();
        var spec = new PsaSpecification(model).With("p_S1H", new UniformDistribution(0.9, 1));
        var e = Assert.Throws<InvalidOperationException>(() => HomogeneousPsa.Run(spec, HomogeneousCohortKernel.Create(model), new PsaOptions { Draws = 64, Threads = 2 }));
        Assert.That(e!.Message, Does.Contain("S1 → S1"));
    }

    [Test]
    public void Run_Cancelled_Throws()
    {
        var (_, spec) = Darth();
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        Assert.That(() => ProbabilisticAnalysis.Run(spec, new PsaOptions { Draws = 50 }, cancellationToken: cts.Token), Throws.InstanceOf<OperationCanceledException>());
    }

    [Test]
    public void Specification_Draw_IsPureFunctionOfSeedAndIndex()
    {
        var model = Welfare4.BuildPsaModel();
        var spec = Welfare4.Specification(model);
        var many = spec.DrawMany(123, 10);
        Assert.That(spec.Draw(123, 7).AsSpan().ToArray(), Is.EqualTo(many[7].AsSpan().ToArray()).AsCollection);
        Assert.That(spec.Draw(124, 7).AsSpan().ToArray(), Is.Not.EqualTo(many[7].AsSpan().ToArray()).AsCollection);
    }

    [Test]
    public void Specification_UnknownOrDuplicateParameter_Rejected()
    {
        var model = Welfare4.BuildPsaModel();
        var spec = new PsaSpecification(model).With("p_HD", new BetaDistribution(1, 99));
        Assert.Throws<ArgumentException>(() => spec.With("p_HD", new BetaDistribution(1, 9)));
        Assert.Throws<KeyNotFoundException>(() => spec.With("nope", new BetaDistribution(1, 9)));
        Assert.Throws<ArgumentException>(() => spec.WithDirichlet([model.Parameter("u_S1")], new DirichletDistribution([1, 2])));
    }

    [Test]
    public void Specification_Dirichlet_GroupSumsToOne()
    {
        var model = Welfare4.BuildPsaModel();
        var spec = new PsaSpecification(model).WithDirichlet([model.Parameter("p_S1H"), model.Parameter("p_S1S2"), model.Parameter("u_S2")], new DirichletDistribution([50, 10, 40]));
        var d = spec.Draw(1, 0);
        Assert.That(d[model.Parameter("p_S1H")] + d[model.Parameter("p_S1S2")] + d[model.Parameter("u_S2")], Is.EqualTo(1).Within(1e-12));
        Assert.That(d[model.Parameter("p_HD")], Is.EqualTo(0.005), "parameters without a distribution keep their base value");
    }

    private static (DarthModels.SickSicker Case, PsaSpecification Spec) Darth()
    {
        var c = DarthModels.Build(ageDependent: false);
        var m = c.Model;
        var spec = new PsaSpecification(m)
            .With("r_HS1", GammaDistribution.FromMeanAndStandardError(0.15, 0.03))
            .With("r_S1H", GammaDistribution.FromMeanAndStandardError(0.5, 0.08))
            .With("r_S1S2", GammaDistribution.FromMeanAndStandardError(0.105, 0.02))
            .With("hr_S1", LogNormalDistribution.FromMeanAndStandardError(3, 0.3))
            .With("hr_S2", LogNormalDistribution.FromMeanAndStandardError(10, 1));
        return (c, spec);
    }

    [Test]
    public void Run_Darth_ReproducibleAndIdenticalOnOneAndTwoThreads()
    {
        var (c, spec) = Darth();
        var o = new PsaOptions { Draws = 40, Seed = 3, Perspectives = [DarthModels.CostPerspective], Threads = 1, KeepDraws = true };
        var one = ProbabilisticAnalysis.Run(spec, o);
        var two = ProbabilisticAnalysis.Run(spec, o with { Threads = 2 });
        Assert.That(two.Costs(c.B, DarthModels.CostPerspective).ToArray(), Is.EqualTo(one.Costs(c.B, DarthModels.CostPerspective).ToArray()).AsCollection);
        Assert.That(two.Values(PsaFigure.NetPresentValue, c.AB, DarthModels.CostPerspective).ToArray(), Is.EqualTo(one.Values(PsaFigure.NetPresentValue, c.AB, DarthModels.CostPerspective).ToArray()).AsCollection);
    }

    [Test]
    public void Run_Darth_DecisionStatisticsAreConsistent()
    {
        var (c, spec) = Darth();
        var progress = new List<RunProgress>();
        var r = ProbabilisticAnalysis.Run(spec, new PsaOptions { Draws = 200, Seed = 5, Perspectives = [DarthModels.CostPerspective], KeepDraws = true }, progress: new SyncProgress(progress));
        var wtp = new[] { 0.0, 50_000, 100_000, 150_000, 200_000 };
        var ceac = r.Acceptability(DarthModels.CostPerspective, Outcome.Qaly, wtp);
        for (var j = 0; j < wtp.Length; j++)
        {
            var sum = Enumerable.Range(0, 4).Sum(s => ceac.Probability(s, j));
            Assert.That(sum, Is.EqualTo(1).Within(1e-12), $"CEAC at λ = {wtp[j]}");
            Assert.That(ceac.Evpi[j], Is.GreaterThanOrEqualTo(0));
        }

        // At λ = 0 the cheapest strategy (standard of care, no treatment cost) is optimal in every draw.
        Assert.That(ceac.Probability(0, 0), Is.EqualTo(1));
        Assert.That(ceac.FrontierStrategy[0], Is.EqualTo(0));

        var evpi = r.Evpi(DarthModels.CostPerspective, Outcome.Qaly, 150_000);
        var group = new[] { c.Model.Parameter("r_S1S2") };
        var evppi = r.Evppi(DarthModels.CostPerspective, Outcome.Qaly, 150_000, group, 2);
        Assert.That(evpi, Is.GreaterThanOrEqualTo(0));
        Assert.That(evppi, Is.InRange(0, evpi));

        // Treatment adds cost without saving any: NPV < 0 from the payer's side in every draw.
        Assert.That(r.ProbabilityPositiveNpv(c.A, DarthModels.CostPerspective), Is.EqualTo(0));
        var npv = r.Summarize(PsaFigure.NetPresentValue, c.A, DarthModels.CostPerspective);
        Assert.That(npv.Lower, Is.LessThanOrEqualTo(npv.Median).And.LessThanOrEqualTo(npv.Upper));
        Assert.That(npv.Count, Is.EqualTo(200));
        Assert.That(r.SummaryTable(), Has.Count.EqualTo(3 * 4));
        Assert.That(progress[^1].Completed, Is.EqualTo(200).Or.LessThanOrEqualTo(200));
        Assert.That(progress.Max(p => p.Completed), Is.EqualTo(200));
    }

    [Test]
    public void Run_CustomEvaluator_IsCalledOncePerStrategyAndDraw()
    {
        // The StrategyEvaluator hook is where a microsimulation engine plugs in; here it wraps the
        // cohort engine and records (strategy, draw) pairs.
        var (c, spec) = Darth();
        var calls = new System.Collections.Concurrent.ConcurrentBag<(string, long)>();
        var r = ProbabilisticAnalysis.Run(spec, new PsaOptions { Draws = 8, Seed = 1, Perspectives = [DarthModels.CostPerspective], Strategies = [c.SoC, c.B], KeepDraws = true }, (s, p, k, ct) =>
        {
            calls.Add((s.Name, k));
            return CohortEngine.Run(c.Model, s, p, ct);
        });
        Assert.That(calls, Has.Count.EqualTo(16));
        Assert.That(calls.Distinct().Count(), Is.EqualTo(16));
        var direct = CohortEngine.Run(c.Model, c.B, spec.Draw(1, 5)).TotalCost(DarthModels.CostPerspective);
        Assert.That(r.Costs(c.B, DarthModels.CostPerspective)[5], Is.EqualTo(direct).Within(1e-9 * direct));
    }

    [Test]
    public void Evppi_AllUncertainParameters_ApproachesEvpi()
    {
        // With every uncertain parameter in the group, the metamodel recovers the net benefit almost
        // exactly (smooth model, degree-2 polynomial in 5 parameters, 400 draws), so EVPPI ≈ EVPI.
        var (c, spec) = Darth();
        var r = ProbabilisticAnalysis.Run(spec, new PsaOptions { Draws = 400, Seed = 8, Perspectives = [DarthModels.CostPerspective], KeepDraws = true });
        var lambda = 125_000.0; // near the AB-vs-B ICER of case 1 (≈ 126 k per QALY), where the decision is uncertain
        var evpi = r.Evpi(DarthModels.CostPerspective, Outcome.Qaly, lambda);
        var all = spec.UncertainParameters;
        var evppi = r.Evppi(DarthModels.CostPerspective, Outcome.Qaly, lambda, all, 2);
        var linear = r.Evppi(DarthModels.CostPerspective, Outcome.Qaly, lambda, all, 1);
        var single = r.Evppi(DarthModels.CostPerspective, Outcome.Qaly, lambda, [c.Model.Parameter("hr_S1")], 3);
        TestContext.Out.WriteLine($"EVPI {evpi}, EVPPI(all, d2) {evppi}, EVPPI(all, d1) {linear}, EVPPI(hr_S1) {single}");
        Assert.That(evpi, Is.GreaterThan(0));
        Assert.That(evppi, Is.EqualTo(evpi).Within(0.1 * evpi));
        Assert.That(linear, Is.EqualTo(evpi).Within(0.1 * evpi));
        Assert.That(single, Is.LessThan(linear), "one parameter explains less than all of them");
    }

    [Test]
    public void OneWay_LinearCostModel_OrdersBySwingKnownInClosedForm()
    {
        // Total discounted cost is linear in the unit costs: the swing of c_i over ±10 % is
        // 0.2·c_i·(discounted person-cycles in state i), computed from the base-case trace.
        var model = Welfare4.BuildPsaModel();
        var baseRun = CohortEngine.Run(model, Strategy.BusinessAsUsual);
        string[] names = ["c_H", "c_S1", "c_S2"];
        var expected = names.Select((n, i) =>
        {
            var py = Enumerable.Range(0, model.Options.Cycles).Sum(t => baseRun.Occupancy(t, i) * baseRun.CostDiscountFactor(t));
            return (Name: n, Swing: 0.2 * model.BaseParameters[model.Parameter(n)] * py);
        }).OrderByDescending(x => x.Swing).ToArray();
        var ranges = names.Select(n => new ParameterRange(model.Parameter(n), 0.9 * model.BaseParameters[model.Parameter(n)], 1.1 * model.BaseParameters[model.Parameter(n)]));
        var tornado = Sensitivity.OneWay(model.BaseParameters, ranges, p => CohortEngine.Run(model, Strategy.BusinessAsUsual, p).TotalFlow(0, null, true));
        Assert.That(tornado.BaseResult, Is.EqualTo(103_116.8556).Within(1e-4));
        Assert.That(tornado.Bars.Select(b => b.Parameter.Name), Is.EqualTo(expected.Select(e => e.Name)).AsCollection);
        for (var i = 0; i < 3; i++)
        {
            Assert.That(tornado.Bars[i].Swing, Is.EqualTo(expected[i].Swing).Within(1e-8 * expected[i].Swing));
        }
    }

    [Test]
    public void TwoWay_GridValuesEqualDirectRuns()
    {
        var model = Welfare4.BuildPsaModel();
        var cS1 = model.Parameter("c_S1");
        var cS2 = model.Parameter("c_S2");
        double F(ParameterValues p) => CohortEngine.Run(model, Strategy.BusinessAsUsual, p).TotalFlow(0, null, true);
        var grid = Sensitivity.TwoWay(model.BaseParameters, cS1, [3000, 5000], cS2, [10_000, 20_000, 30_000], F);
        Assert.That(grid.Result[1, 2], Is.EqualTo(F(model.BaseParameters.With(cS1, 5000).With(cS2, 30_000))).Within(1e-9));
        Assert.That(grid.Result.GetLength(1), Is.EqualTo(3));
    }

    [Test]
    public void Thresholds_UpfrontInvestment_SwitchesAtPresentValueOfSavings()
    {
        // One state, cost 100 per cycle for 10 cycles (beginning-of-cycle counting, no discounting);
        // the programme halves that cost, saving 0.5·100·10 = 500, and costs `invest` up front, so
        // NPV = 500 − invest and the switching value of `invest` is exactly 500.
        var payer = new Payer("municipality", true);
        var account = new Account(payer, new Sector("care"), FlowKind.ResourceCost);
        var b = new LifeCourseModelBuilder("threshold");
        b.AddState("A").AddState("D", absorbing: true).AddPayers(payer).AddSectors(account.Sector);
        var invest = b.AddParameter("invest", 200);
        b.Probability("A", "D", 0).Remainder("A", "A");
        b.StateFlow("A", account, 100);
        var soc = new Strategy("as usual");
        var programme = new Strategy("programme", Intervention.Create("programme").UpfrontCost(account, invest).ScaleFlows(0.5).Build());
        b.AddStrategy(soc).AddStrategy(programme).WithPopulation(Population.StartingIn(30, "A"));
        b.WithOptions(new SimulationOptions { Cycles = 10, StateWeights = CycleWeights.Beginning, CostDiscounting = DiscountSchedule.Constant(0), OutcomeDiscounting = DiscountSchedule.Constant(0) });
        var model = b.Build();
        var r = Sensitivity.Thresholds(model, programme, soc, Perspective.ForPayer(payer), [new ParameterRange(invest, 0, 1000), new ParameterRange(invest, 600, 1000)]);
        Assert.That(r[0].SwitchingValue, Is.EqualTo(500).Within(1e-6));
        Assert.That(r[1].SwitchingValue, Is.Null, "no sign change in [600, 1000]");
    }

    private sealed class SyncProgress(List<RunProgress> sink) : IProgress<RunProgress>
    {
        public void Report(RunProgress value)
        {
            lock (sink)
            {
                sink.Add(value);
            }
        }
    }
}
