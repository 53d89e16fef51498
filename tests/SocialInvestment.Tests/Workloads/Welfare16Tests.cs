using SocialInvestment.Economics;
using SocialInvestment.Engine;
using SocialInvestment.Model;
using SocialInvestment.Workloads;

namespace SocialInvestment.Tests.Workloads;

/// <summary>
/// The welfare-16 workload (<see cref="Welfare16"/>) through the public API against its exact values.
/// Source of every expected value: benchmarks/yardsticks/welfare16.md §9, the welfare-16 reference workload
/// (the tables there are printed to 4 decimals; the full digits restated here are those of its
/// independent plain-Python reference, welfare16_check.py <c>point_values()</c>, which agrees with
/// the C++ yardstick to 4e-12 relative). Cohort values are checked to 1e-9 relative.
/// </summary>
public class Welfare16Tests
{
    private const double Relative = 1e-9;

    // Perspective order: municipality, county, state, individual, public, society (Welfare16.Perspectives).
    private static readonly Dictionary<string, double[]> CohortTotals = new()
    {
        ["BAU"] = [126345.32838844345, 433297.91041895404, 561263.3417079614, -5004953.566659773, 1120906.5805153588, -3659865.670041342],
        ["A"] = [136102.43085970357, 433369.742867289, 552729.7460032732, -5004939.303643476, 1122201.9197302656, -3658296.9999671564],
        ["B"] = [122497.6950120771, 431946.5464762218, 561629.6053948221, -5014311.387737253, 1116073.846883121, -3675022.7714775074],
        ["C"] = [132261.57702367252, 432021.04011191847, 553092.8243570719, -5014280.283325383, 1117375.4414926628, -3673429.753534187],
    };

    private static readonly Dictionary<string, double[]> CohortNpvs = new()
    {
        ["A"] = [-9757.102471260121, -71.83244833495701, 8533.595704688225, -14.263016296550632, -1295.339214906795, -1568.6700741853565],
        ["B"] = [3847.6333763663424, 1351.3639427322196, -366.2636868606787, 9357.82107747998, 4832.733632237883, 15157.101436165627],
        ["C"] = [-5916.2486352290725, 1276.8703070355696, 8170.5173508895095, 9326.716665610671, 3531.139022696065, 13564.083492845297],
    };

    // Taker sub-cohorts: everyone takes the named interventions (uptake 1); "AB" is strategy C.
    private static readonly Dictionary<string, double[]> TakerTotals = new()
    {
        ["A"] = [142499.83710854664, 433418.35263739567, 547026.8961704907, -5004929.613387141, 1122945.085916433, -3657395.510287422],
        ["B"] = [116454.18695672578, 429772.7736648227, 563366.7931455758, -5029052.34842841, 1109593.7537671244, -3697539.843907859],
        ["C"] = [132637.7718797333, 429904.8083407122, 549112.0713586246, -5028956.055590545, 1111654.6515790701, -3694970.473695661],
    };

    // Microsimulation definition (exact mixture of the taker sub-cohorts).
    private static readonly Dictionary<string, double[]> MixtureTotals = new()
    {
        ["BAU"] = CohortTotals["BAU"],
        ["A"] = [136038.03362050536, 433370.175750019, 552721.474385479, -5004939.194696194, 1122129.6837560034, -3658383.57418899],
        ["B"] = [122883.42888734226, 432064.11255500803, 561999.5497111264, -5013388.140278796, 1116947.0911534769, -3673051.6308946228],
        ["C"] = [132582.2401220141, 432138.8123021371, 553453.8443762532, -5013358.577006518, 1118174.8968004042, -3671548.7008460327],
    };

    private static readonly Dictionary<string, double[]> MixtureNpvs = new()
    {
        ["A"] = [-9692.705232061911, -72.26533106499119, 8541.867322482402, -14.371963579207659, -1223.1032406445593, -1482.0958523517475],
        ["B"] = [3461.8995011011866, 1233.7978639460052, -736.2080031649675, 8434.573619022965, 3959.489361881977, 13185.960853280965],
        ["C"] = [-6236.911733570654, 1159.0981168169528, 7809.497331708204, 8405.01034674514, 2731.683714954648, 11683.030804690905],
    };

    private static readonly (string Payer, string Sector, FlowKind Kind, double Total)[] BauLedger =
    [
        ("county", "education", FlowKind.ResourceCost, 547359.8201069115),
        ("county", "employment", FlowKind.Transfer, -114061.90968795742),
        ("individual", "benefits", FlowKind.Transfer, -1149877.319770829),
        ("individual", "employment", FlowKind.Production, -5703095.484397871),
        ("individual", "employment", FlowKind.Transfer, 1882021.5098512978),
        ("individual", "social-services", FlowKind.Transfer, -34002.27234236991),
        ("municipality", "child-welfare", FlowKind.ResourceCost, 123335.34224668877),
        ("municipality", "education", FlowKind.ResourceCost, 448948.5810087572),
        ("municipality", "employment", FlowKind.Transfer, -633043.5987681637),
        ("municipality", "health", FlowKind.ResourceCost, 129704.93829327378),
        ("municipality", "social-services", FlowKind.ResourceCost, 23397.79326551757),
        ("municipality", "social-services", FlowKind.Transfer, 34002.27234236991),
        ("state", "benefits", FlowKind.Transfer, 1149877.319770829),
        ("state", "child-welfare", FlowKind.ResourceCost, 118251.37347497737),
        ("state", "education", FlowKind.ResourceCost, 188431.36466329868),
        ("state", "employment", FlowKind.Transfer, -1134916.0013951764),
        ("state", "health", FlowKind.ResourceCost, 182382.13391701275),
        ("state", "justice", FlowKind.ResourceCost, 4698.692584980292),
        ("state", "labour", FlowKind.ResourceCost, 52538.45869203982),
    ];

    private static readonly Lazy<LifeCourseModel> CohortModel = new(() => Welfare16.Build(UptakeMode.MeanEffect));
    private static readonly Lazy<LifeCourseModel> MixtureModel = new(() => Welfare16.Build(UptakeMode.Subcohorts));

    private static Dictionary<string, CohortResult> RunAll(LifeCourseModel model, ParameterValues? parameters = null)
        => model.Strategies.ToDictionary(s => s.Name, s => CohortEngine.Run(model, s, parameters));

    private static void AssertTotals(Dictionary<string, CohortResult> runs, Dictionary<string, double[]> expected, string what)
    {
        Assert.Multiple(() =>
        {
            foreach (var (strategy, values) in expected)
            {
                for (var k = 0; k < Welfare16.Perspectives.Count; k++)
                {
                    var p = Welfare16.Perspectives[k];
                    Assert.That(runs[strategy].TotalCost(p), Is.EqualTo(values[k]).Within(Math.Abs(values[k]) * Relative), $"{what}: total of {strategy}, {p.Name}");
                }
            }
        });
    }

    private static void AssertNpvs(Dictionary<string, CohortResult> runs, Dictionary<string, double[]> expected, string what)
    {
        Assert.Multiple(() =>
        {
            foreach (var (strategy, values) in expected)
            {
                for (var k = 0; k < Welfare16.Perspectives.Count; k++)
                {
                    var p = Welfare16.Perspectives[k];
                    var npv = Appraisal.Compare(runs[strategy], runs["BAU"], p).NetPresentValue;
                    Assert.That(npv, Is.EqualTo(values[k]).Within(Math.Abs(values[k]) * Relative), $"{what}: NPV of {strategy} vs BAU, {p.Name} (+ = gain)");
                }
            }
        });
    }

    [Test]
    public void CohortDefinition_TotalsByPerspective_MatchSpecTo1e9()
        => AssertTotals(RunAll(CohortModel.Value), CohortTotals, "cohort definition");

    [Test]
    public void CohortDefinition_NpvsVsBau_MatchSpecTo1e9()
        => AssertNpvs(RunAll(CohortModel.Value), CohortNpvs, "cohort definition");

    [Test]
    public void TakerSubcohorts_UptakeOne_MatchSpecTo1e9()
    {
        // Uptake 1 for both interventions: the two uptake definitions coincide.
        foreach (var model in new[] { CohortModel.Value, MixtureModel.Value })
        {
            var p = model.BaseParameters.With(model.Parameter("u_A"), 1.0).With(model.Parameter("u_B"), 1.0);
            AssertTotals(RunAll(model, p), TakerTotals, $"taker sub-cohorts ({model.Strategies[1].Interventions[0].UptakeMode})");
        }
    }

    [Test]
    public void MicrosimulationDefinition_ExactMixture_TotalsAndNpvsMatchSpecTo1e9()
    {
        var runs = RunAll(MixtureModel.Value);
        AssertTotals(runs, MixtureTotals, "mixture of taker sub-cohorts");
        AssertNpvs(runs, MixtureNpvs, "mixture of taker sub-cohorts");
    }

    [Test]
    public void Bau_LedgerByAccountAndLifeYears_MatchSpecTo1e9()
    {
        var model = CohortModel.Value;
        var bau = CohortEngine.Run(model, Welfare16.StrategyNamed(model, Welfare16.Bau));
        var nonZero = Enumerable.Range(0, model.Accounts.Count).Where(a => bau.TotalFlow(a, null, discounted: true) != 0).ToArray();
        Assert.Multiple(() =>
        {
            foreach (var (payer, sector, kind, total) in BauLedger)
            {
                var a = model.Accounts.Select((acc, i) => (acc, i)).Single(x => x.acc.Payer.Name == payer && x.acc.Sector.Name == sector && x.acc.Kind == kind).i;
                Assert.That(bau.TotalFlow(a, null, discounted: true), Is.EqualTo(total).Within(Math.Abs(total) * Relative), $"{payer}/{sector}/{kind}");
            }

            Assert.That(nonZero, Has.Length.EqualTo(BauLedger.Length), "19 non-zero accounts in BAU");
            Assert.That(bau.TotalOutcome(Outcome.LifeYears, discounted: false), Is.EqualTo(70.62245361055949).Within(70.62245361055949 * Relative), "undiscounted life-years");
        });
    }

    [Test]
    public void TransitionRows_MatchSpecTo1e9()
    {
        // §9 "Transition-matrix rows" (strategy / age at the start of the cycle / state), full digits from
        // welfare16_check.py; C shows the cohort-definition (mean-effect) rows of A at 12–16 and of B at 16–30.
        (string Strategy, int Age, string From, (string To, double P)[] Entries)[] rows =
        [
            ("BAU", 12, "CWH", [("S", 0.17593737012389782), ("CWH", 0.769434076452632), ("FC", 0.043984342530974455), ("INST", 0.010556242207433869), ("D", 8.796868506194891e-05)]),
            ("BAU", 16, "INST", [("FC", 0.22116123954236627), ("INST", 0.778521763547637), ("D", 0.000316996909996699)]),
            ("BAU", 17, "FC", [("FC", 9.355421876630914e-14), ("VGS", 0.6499949030253045), ("NEET", 0.34999725547516397), ("D", 7.841499437854505e-06)]),
            ("BAU", 20, "NEET", [("VGS", 0.20701753441468965), ("NEET", 0.45191809372389397), ("W", 0.21712768039986524), ("AAP", 0.04386181078771773), ("SA", 0.06900584480489655), ("PR", 0.01085638401999326), ("D", 0.0002126518489435762)]),
            ("BAU", 40, "AAP", [("W", 0.09630468802821295), ("AAP", 0.7926400350288356), ("DIS", 0.10939175651522531), ("D", 0.001663520427726084)]),
            ("BAU", 66, "W", [("W", 9.297449282221755e-14), ("RET", 0.9997850058954662), ("D", 0.00021499410444097145)]),
            ("BAU", 80, "RET", [("RET", 0.9664604982572947), ("D", 0.03353950174270528)]),
            ("C", 12, "CWH", [("S", 0.17719532280477457), ("CWH", 0.7809688614810182), ("FC", 0.033667111332907174), ("INST", 0.008080106719897721), ("D", 8.859766140238729e-05)]),
            ("C", 16, "FC", [("FC", 0.9652047737163775), ("INST", 0.03458398942573867), ("D", 0.00021123685788389915)]),
            ("C", 20, "NEET", [("VGS", 0.20310876885730528), ("NEET", 0.43244268381409184), ("W", 0.24285194494332626), ("AAP", 0.043033641638779326), ("SA", 0.0677029229524351), ("PR", 0.010651401094005537), ("D", 0.0002086367000567205)]),
            ("C", 20, "AAP", [("W", 0.1901956463310386), ("AAP", 0.7613217418929282), ("DIS", 0.04821289233777989), ("D", 0.00026971943825332347)]),
        ];
        var model = CohortModel.Value;
        var compiled = model.Strategies.ToDictionary(s => s.Name, s => model.Compile(s));
        Assert.Multiple(() =>
        {
            Assert.That(compiled["C"].SubcohortCount, Is.EqualTo(1), "the mean-effect uptake does not split the cohort");
            foreach (var (strategy, age, from, entries) in rows)
            {
                var m = compiled[strategy].TransitionMatrix(0, age - 12);
                var i = Array.IndexOf(Welfare16.States, from);
                for (var j = 0; j < Welfare16.States.Length; j++)
                {
                    var expected = entries.Where(e => e.To == Welfare16.States[j]).Select(e => e.P).SingleOrDefault();
                    Assert.That(m[i, j], Is.EqualTo(expected).Within(Math.Max(Math.Abs(expected) * Relative, 1e-18)), $"{strategy}/{age}/{from} → {Welfare16.States[j]}");
                }
            }
        });
    }

    [Test]
    public void Bau_Occupancy_MatchesSpecTable()
    {
        // §9 "BAU occupancy (percent of the cohort) at boundary ages", printed to 4 decimals: within 0.00005 %.
        var model = CohortModel.Value;
        var bau = CohortEngine.Run(model, Welfare16.StrategyNamed(model, Welfare16.Bau));
        (int Age, string State, double Percent)[] expected =
        [
            (16, "S", 4.8657), (16, "CWH", 3.3613), (16, "FC", 2.3590), (16, "INST", 0.5420), (16, "VGS", 85.9852), (16, "NEET", 2.8662), (16, "D", 0.0206),
            (18, "VGS", 89.9832), (18, "NEET", 7.9145), (18, "W", 1.9770), (18, "PR", 0.0710),
            (30, "HE", 3.5237), (30, "W", 77.1771), (30, "PT", 9.0903), (30, "AAP", 3.5414), (30, "DIS", 1.3033),
            (60, "W", 50.7174), (60, "DIS", 23.1262), (60, "D", 5.8733),
            (66, "RET", 20.1031), (67, "RET", 88.6529), (67, "D", 11.3470), (92, "RET", 34.1391), (92, "D", 65.8609),
        ];
        Assert.Multiple(() =>
        {
            foreach (var (age, state, percent) in expected)
            {
                Assert.That(100 * bau.Occupancy(age - 12, state), Is.EqualTo(percent).Within(5e-5), $"{state} at {age}");
            }

            // Everyone has left child welfare and school after the cycle starting at 17 (forced exits as rates of 30).
            Assert.That(bau.Occupancy(6, "CWH"), Is.LessThan(1e-14));
            Assert.That(bau.Occupancy(6, "S"), Is.LessThan(1e-15));
        });
    }
}

/// <summary>
/// The welfare-16 cohort PSA (19 independent parameters, all 4 strategies per draw) against the
/// reference means of benchmarks/yardsticks/welfare16.md §7, the welfare-16 reference workload (the C++
/// yardstick, K = 1,000,000 draws, seed 20261201; mean ± standard error).
/// </summary>
public class Welfare16PsaTests
{
    /// <summary>
    /// Draws: the general PSA path compiles every strategy for every draw (some tens of draws of all
    /// 4 strategies per second on this shared machine today), so 200 draws keep the test to a few
    /// seconds. Tolerance: each mean within 3 combined standard errors, <c>3·√(SE_here² + SE_ref²)</c>
    /// (the two runs are independent samples of the same distribution; SE_here is the sample SD over
    /// √K); the probability within 3 binomial SEs. At K = 200 that is about ±2,300 on the society NPV
    /// of C and ±22,000 on the BAU public total: it catches a wrong distribution, a wrong parameter
    /// mapping or a lost strategy effect, not a small change (the point-value tests above pin the
    /// model to 1e-9). The run is deterministic for its seed, so the test cannot flicker.
    /// </summary>
    /// <summary>
    /// The workload with its drawn rates and amounts as functions that read the parameters (as a user
    /// might first write them) is the level × shape model number for number: the point totals, and a PSA's
    /// every per-draw cost, outcome and figure, bit for bit.
    /// </summary>
    [TestCase(UptakeMode.MeanEffect)]
    [TestCase(UptakeMode.Subcohorts)]
    public void FunctionForm_IsTheLevelShapeModel_BitForBit(UptakeMode mode)
    {
        var functions = Welfare16.Build(mode, levelShape: false);
        var scaled = Welfare16.Build(mode);
        for (var s = 0; s < scaled.Strategies.Count; s++)
        {
            var a = CohortEngine.Run(functions, functions.Strategies[s]);
            var b = CohortEngine.Run(scaled, scaled.Strategies[s]);
            foreach (var p in Welfare16.Perspectives)
            {
                Assert.That(b.TotalCost(p), Is.EqualTo(a.TotalCost(p)), $"{scaled.Strategies[s].Name}, {p.Name}");
            }
        }

        var options = new SocialInvestment.Uncertainty.PsaOptions { Draws = 40, Seed = 3, Perspectives = Welfare16.Perspectives, KeepDraws = true };
        var expected = SocialInvestment.Uncertainty.ProbabilisticAnalysis.Run(Welfare16.Specification(functions), options);
        var actual = SocialInvestment.Uncertainty.ProbabilisticAnalysis.Run(Welfare16.Specification(scaled), options);
        SocialInvestment.Tests.Uncertainty.IncrementalPsaTests.AssertIdentical(expected, actual);
    }

    [Test]
    public void CohortPsa_MeansWithinThreeCombinedStandardErrors()
    {
        var model = Welfare16.Build(UptakeMode.MeanEffect);
        var spec = Welfare16.Specification(model);
        const int K = 200;
        var result = SocialInvestment.Uncertainty.ProbabilisticAnalysis.Run(spec, new SocialInvestment.Uncertainty.PsaOptions { Draws = K, Seed = 16, Perspectives = Welfare16.Perspectives, KeepDraws = true });
        var bau = Welfare16.StrategyNamed(model, Welfare16.Bau);
        var municipality = Welfare16.Perspectives[0];
        var pub = Welfare16.Perspectives[4];
        var society = Welfare16.Perspectives[5];
        (string What, double[] Values, double Mean, double Se)[] checks =
        [
            ("NPV society, C vs BAU", Npv("C", society), 13_535.82, 10.77),
            ("NPV society, A vs BAU", Npv("A", society), -1_754.42, 5.66),
            ("NPV society, B vs BAU", Npv("B", society), 15_314.64, 9.18),
            ("NPV municipality, A vs BAU", Npv("A", municipality), -9_868.60, 3.46),
            ("NPV public, C vs BAU", Npv("C", pub), 3_474.13, 7.36),
            ("BAU total, public", result.Costs(bau, pub).ToArray(), 1_126_821.89, 105.07),
            ("BAU total, society", result.Costs(bau, society).ToArray(), -3_651_372.66, 251.91),
        ];
        Assert.Multiple(() =>
        {
            foreach (var (what, values, mean, se) in checks)
            {
                var m = values.Average();
                var sd = Math.Sqrt(values.Sum(v => (v - m) * (v - m)) / (K - 1));
                var tolerance = 3 * Math.Sqrt((sd * sd / K) + (se * se));
                TestContext.Out.WriteLine($"{what}: mean {m:F2} ± {sd / Math.Sqrt(K):F2} (K = {K}) against {mean} ± {se}");
                Assert.That(m, Is.EqualTo(mean).Within(tolerance), $"{what}: mean {m:F2} ± {sd / Math.Sqrt(K):F2} against {mean} ± {se}");
            }

            var p = result.ProbabilityPositiveNpv(Welfare16.StrategyNamed(model, Welfare16.Both), society);
            TestContext.Out.WriteLine($"P(NPV society of C > 0) = {p} (K = {K}) against 0.8998");
            Assert.That(p, Is.EqualTo(0.8998).Within(3 * Math.Sqrt(0.8998 * 0.1002 / K)), "P(NPV society of C > 0)");
        });

        double[] Npv(string strategy, Perspective perspective)
            => result.Values(SocialInvestment.Uncertainty.PsaFigure.NetPresentValue, Welfare16.StrategyNamed(model, strategy), perspective).ToArray();
    }
}

/// <summary>
/// The welfare-16 microsimulation (the microsimulation definition of uptake: each person is a taker
/// of A with probability u_A and of B with probability u_B, for the whole run) against the exact
/// expectations of benchmarks/yardsticks/welfare16.md §8, the welfare-16 reference workload.
/// </summary>
public class Welfare16MicrosimTests
{
    /// <summary>
    /// 100,000 people × 80 cycles (the specification's N) × 4 strategies, common random numbers across strategies. Tolerance:
    /// 3 Monte Carlo standard errors of this run (the expectations are exact), per strategy and for the
    /// paired difference C − BAU. Deterministic for its seed.
    /// </summary>
    [Test]
    public void Microsimulation_SocietyPerPerson_WithinThreeMcse()
    {
        var model = Welfare16.Build(UptakeMode.Subcohorts);
        var society = Welfare16.Perspectives[5];
        var run = MicrosimEngine.RunAll(model, new MicrosimOptions { People = 100_000, Seed = 777, Perspectives = [society], TrackDistributions = false });
        (string Strategy, double Exact)[] expected = [("BAU", -3_659_865.67), ("A", -3_658_383.57), ("B", -3_673_051.63), ("C", -3_671_548.70)];
        Assert.Multiple(() =>
        {
            foreach (var (strategy, exact) in expected)
            {
                var e = run[strategy].CostPerPerson(society);
                TestContext.Out.WriteLine($"society per person, {strategy}: {e.Mean:F2} ± {e.StandardError:F2} against {exact}");
                Assert.That(e.Mean, Is.EqualTo(exact).Within(3 * e.StandardError), $"society per person, {strategy}: {e.Mean:F2} ± {e.StandardError:F2}");
            }

            var d = run.IncrementalCost(3, society);
            TestContext.Out.WriteLine($"C − BAU: {d.Mean:F2} ± {d.StandardError:F2} against −11,683.03");
            Assert.That(run.Results[3].Strategy.Name, Is.EqualTo("C"));
            Assert.That(d.Mean, Is.EqualTo(-11_683.03).Within(3 * d.StandardError), $"C − BAU: {d.Mean:F2} ± {d.StandardError:F2}");
            Assert.That(d.StandardError, Is.LessThan(run["C"].CostPerPerson(society).StandardError / 2), "common random numbers shrink the SE of the difference");
        });
    }
}
