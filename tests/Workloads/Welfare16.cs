using SocialInvestment.Economics;
using SocialInvestment.Engine;
using SocialInvestment.Model;
using SocialInvestment.Uncertainty;

namespace SocialInvestment.Workloads;

/// <summary>
/// The welfare-16 reference workload of benchmarks/yardsticks/welfare16.md (sections 1–8), defined once
/// with the public builder, exactly as a user would, and compiled into both the tests and the
/// benchmarks: 16 life-course states from age 12 to 92 (80 annual cycles, half-cycle counting,
/// R-109/2021 discounting), 44 age-dependent competing rates plus Gompertz mortality, four
/// strategies (BAU; A = family team, fading; B = supported employment, constant; C = both), a
/// 4 payer × 8 sector × 3 kind ledger and 19 uncertain parameters. Amounts are NOK (2023) per
/// person and year; results are per person of the cohort.
/// </summary>
public static class Welfare16
{
    /// <summary>The states in the specification's order (index = its column #).</summary>
    public static readonly string[] States = ["S", "CWH", "FC", "INST", "VGS", "HE", "NEET", "W", "PT", "UN", "AAP", "DIS", "SA", "PR", "RET", "D"];

    /// <summary>Mortality hazard ratios h_i (section 1), in <see cref="States"/> order without D.</summary>
    private static readonly double[] MortalityHr = [1.0, 2.0, 3.0, 5.0, 1.0, 0.8, 3.0, 1.0, 1.2, 1.8, 3.0, 4.0, 3.0, 4.0, 1.5];

    /// <summary>80 annual cycles from age 12, half-cycle weights (w_0 = w_80 = 0.5), R-109/2021 discounting.</summary>
    public static readonly SimulationOptions Options = new()
    {
        Cycles = 80,
        StateWeights = CycleWeights.HalfCycle,
        CostDiscounting = DiscountSchedule.Norway2021,
        OutcomeDiscounting = DiscountSchedule.Norway2021,
    };

    /// <summary>Sector "labour": NAV measures and follow-up (not one of the library's predefined sectors).</summary>
    public static readonly Sector Labour = new("labour");

    /// <summary>The four strategies' names.</summary>
    public const string Bau = "BAU", FamilyTeam = "A", SupportedEmployment = "B", Both = "C";

    /// <summary>The six perspectives of section 5: municipality, county, state, individual, public, society (λ = 0.2).</summary>
    public static IReadOnlyList<Perspective> Perspectives { get; } =
    [
        Perspective.ForPayer(Payer.Municipality),
        Perspective.ForPayer(Payer.County),
        Perspective.ForPayer(Payer.State),
        Perspective.Individual,
        Perspective.PublicSector,
        Perspective.Society(taxFinancingCost: 0.2),
    ];

    /// <summary>
    /// Builds the model. <paramref name="uptake"/> chooses the specification's cohort definition of
    /// uptake (<see cref="UptakeMode.MeanEffect"/>: hazard ratio 1 − u·m·(1 − HR), cost u·c; the point
    /// values and the PSA) or its microsimulation definition (<see cref="UptakeMode.Subcohorts"/>:
    /// takers and non-takers, an exact mixture of taker sub-cohorts).
    /// </summary>
    /// <param name="uptake">How the interventions' uptake is applied.</param>
    /// <param name="levelShape">
    /// Write the drawn rates and amounts in the builder's level × shape form (the default); false writes
    /// them as functions of the context that read the parameter: the same model number for number, which a
    /// PSA evaluates per draw (a test compares the two; a benchmark times them).
    /// </param>
    public static LifeCourseModel Build(UptakeMode uptake = UptakeMode.MeanEffect, bool levelShape = true)
    {
        var b = new LifeCourseModelBuilder("welfare-16");
        foreach (var s in States)
        {
            b.AddState(s, absorbing: s == "D");
        }

        b.AddPayers(Payer.Municipality, Payer.County, Payer.State, Payer.Individual);
        b.AddSectors(Sector.ChildWelfare, Sector.Education, Sector.Health, Sector.SocialServices, Labour, Sector.Benefits, Sector.Justice, Sector.Employment);
        b.AddOutcomes(Outcome.LifeYears);

        // Section 7: the 19 uncertain parameters at their point values.
        var aSCwh = b.AddParameter("a_S_CWH", 0.010, "rate S → CWH, per year");
        var aCwhFc = b.AddParameter("a_CWH_FC", 0.050, "rate CWH → FC, per year");
        var aFcInst = b.AddParameter("a_FC_INST", 0.040, "rate FC → INST, per year");
        var aNeetW = b.AddParameter("a_NEET_W", 0.400, "rate NEET → W at 12 (age gradient −0.3 per decade), per year");
        var aWUn = b.AddParameter("a_W_UN", 0.025, "rate W → UN, per year");
        var aWAap = b.AddParameter("a_W_AAP", 0.004, "rate W → AAP at 12 (gradient 0.4 per decade), per year");
        var aAapW = b.AddParameter("a_AAP_W", 0.250, "rate AAP → W at 12 (gradient −0.3 per decade), per year");
        var aAapDis = b.AddParameter("a_AAP_DIS", 0.040, "rate AAP → DIS at 12 (gradient 0.4 per decade), per year");
        var hrA = b.AddParameter("hr_A", 0.60, "family team: hazard ratio on CWH → FC, CWH → INST, FC → INST");
        var hrBNeet = b.AddParameter("hr_B_NEET", 1.40, "supported employment: hazard ratio on NEET → W");
        var hrBAap = b.AddParameter("hr_B_AAP", 1.30, "supported employment: hazard ratio on AAP → W");
        var cFc = b.AddParameter("c_FC", 420_000, "foster care, municipality, NOK per year");
        var cInst = b.AddParameter("c_INST", 3_640_000, "institution, state, NOK per year");
        var cPr = b.AddParameter("c_PR", 1_100_000, "prison, state, NOK per year");
        var cA = b.AddParameter("c_A", 80_000, "family team, NOK per person-year");
        var cB = b.AddParameter("c_B", 90_000, "supported employment, NOK per person-year");
        var uA = b.AddParameter("u_A", 0.60, "uptake of the family team");
        var uB = b.AddParameter("u_B", 0.35, "uptake of supported employment");
        var e25 = b.AddParameter("E25", 520_000, "annual earnings from age 25, NOK");

        // Section 2: rates r_k(a) = a_k·exp(b_k·(a − 12)/10) on [lo, hi] + F_k from age f (age at the start of the cycle).
        const double Inf = double.PositiveInfinity;
        void Pair(string from, string to, double level, double gradient, double lo, double hi, double forced = 0, double forcedFrom = Inf)
            => b.Rate(from, to, (in ModelContext c) => Regular(c.Age, level, gradient, lo, hi) + (c.Age >= forcedFrom ? forced : 0));
        // A drawn level times an age shape that reads no parameter (the builder's level × shape form: a PSA computes the draws as vectors).
        void Drawn(string from, string to, ParameterRef level, double gradient, double lo, double hi)
        {
            if (levelShape)
            {
                b.Rate(from, to, level, (in ModelContext c) => Regular(c.Age, 1.0, gradient, lo, hi));
            }
            else
            {
                b.Rate(from, to, (in ModelContext c) => Regular(c.Age, c[level], gradient, lo, hi));
            }
        }

        void DrawnFlow(string state, Account account, ParameterRef level)
        {
            if (levelShape)
            {
                b.StateFlow(state, account, level, One);
            }
            else
            {
                b.StateFlow(state, account, (in ModelContext c) => c[level]);
            }
        }
        void Forced(string from, string to, double forced, double forcedFrom)
            => b.Rate(from, to, (in ModelContext c) => c.Age >= forcedFrom ? forced : 0);

        Drawn("S", "CWH", aSCwh, 0, 12, 15);                 // 1
        Pair("CWH", "S", 0.200, 0, 12, 15);                  // 2
        Drawn("CWH", "FC", aCwhFc, 0, 12, 16);               // 3 (A)
        Pair("CWH", "INST", 0.012, 1.0, 12, 16);             // 4 (A)
        Drawn("FC", "INST", aFcInst, 0, 12, 16);             // 5 (A)
        Pair("INST", "FC", 0.250, 0, 12, 16);                // 6
        Forced("CWH", "VGS", 24.0, 17);                      // 7
        Forced("CWH", "NEET", 6.0, 17);                      // 8
        Forced("FC", "VGS", 19.5, 17);                       // 9
        Forced("FC", "NEET", 10.5, 17);                      // 10
        Forced("INST", "VGS", 12.0, 17);                     // 11
        Forced("INST", "NEET", 18.0, 17);                    // 12
        Pair("S", "VGS", 3.000, 0, 15, 16, 28.5, 17);        // 13
        Pair("S", "NEET", 0.100, 0, 15, 16, 1.5, 17);        // 14
        Pair("VGS", "HE", 0.550, 0, 19, 29);                 // 15
        Pair("VGS", "W", 0.250, 0, 18, Inf);                 // 16
        Pair("VGS", "NEET", 0.040, 0, 16, Inf);              // 17
        Pair("HE", "W", 0.280, 0, 19, Inf);                  // 18
        Pair("HE", "NEET", 0.020, 0, 19, 65);                // 19
        Drawn("NEET", "W", aNeetW, -0.3, 16, 65);            // 20 (B)
        Pair("NEET", "VGS", 0.300, 0, 16, 24);               // 21
        Pair("NEET", "AAP", 0.050, 0.3, 18, 65);             // 22
        Pair("NEET", "SA", 0.100, 0, 18, 65);                // 23
        Pair("NEET", "PR", 0.020, -0.3, 16, 65);             // 24
        Forced("NEET", "RET", 30.0, 66);                     // 25
        Drawn("W", "UN", aWUn, 0, 16, 65);                   // 26
        Drawn("W", "AAP", aWAap, 0.4, 18, 65);               // 27
        Pair("W", "PT", 0.030, 0, 18, 65);                   // 28
        Pair("W", "RET", 0.120, 0, 62, 65, 30.0, 66);        // 29
        Pair("PT", "W", 0.200, 0, 18, 65);                   // 30
        Pair("PT", "UN", 0.030, 0, 18, 65);                  // 31
        Pair("PT", "RET", 0.120, 0, 62, 65, 30.0, 66);       // 32
        Pair("UN", "W", 1.200, -0.3, 16, 65);                // 33
        Pair("UN", "AAP", 0.080, 0, 18, 65);                 // 34
        Pair("UN", "SA", 0.120, 0, 18, 65);                  // 35
        Pair("UN", "RET", 0.120, 0, 62, 65, 30.0, 66);       // 36
        Drawn("AAP", "W", aAapW, -0.3, 18, 65);              // 37 (B)
        Drawn("AAP", "DIS", aAapDis, 0.4, 18, 65);           // 38
        Forced("AAP", "RET", 30.0, 66);                      // 39
        Forced("DIS", "RET", 30.0, 66);                      // 40
        Pair("SA", "W", 0.250, -0.3, 18, 65);                // 41
        Pair("SA", "AAP", 0.100, 0, 18, 65);                 // 42
        Forced("SA", "RET", 30.0, 66);                       // 43
        Pair("PR", "NEET", 1.500, 0, 15, Inf);               // 44

        // Gompertz mortality from every living state, competing with the rest of its row.
        for (var i = 0; i < MortalityHr.Length; i++)
        {
            var h = MortalityHr[i];
            b.Rate(States[i], "D", (in ModelContext c) => h * 0.00005 * Math.Exp(0.09 * (c.Age - 12)));
        }

        // Section 3: occupancy flows (the boundary age a_t = 12 + t is ModelContext.Age of a trace point).
        var mEdu = new Account(Payer.Municipality, Sector.Education, FlowKind.ResourceCost);
        var cEdu = new Account(Payer.County, Sector.Education, FlowKind.ResourceCost);
        var sEdu = new Account(Payer.State, Sector.Education, FlowKind.ResourceCost);
        var mCw = new Account(Payer.Municipality, Sector.ChildWelfare, FlowKind.ResourceCost);
        var sCw = new Account(Payer.State, Sector.ChildWelfare, FlowKind.ResourceCost);
        var sHealth = new Account(Payer.State, Sector.Health, FlowKind.ResourceCost);
        var mHealth = new Account(Payer.Municipality, Sector.Health, FlowKind.ResourceCost);
        var mSocRes = new Account(Payer.Municipality, Sector.SocialServices, FlowKind.ResourceCost);
        var mSocTr = new Account(Payer.Municipality, Sector.SocialServices, FlowKind.Transfer);
        var iSocTr = new Account(Payer.Individual, Sector.SocialServices, FlowKind.Transfer);
        var sLabour = new Account(Payer.State, Labour, FlowKind.ResourceCost);
        var sBen = new Account(Payer.State, Sector.Benefits, FlowKind.Transfer);
        var iBen = new Account(Payer.Individual, Sector.Benefits, FlowKind.Transfer);
        var sJustice = new Account(Payer.State, Sector.Justice, FlowKind.ResourceCost);

        b.StateFlow("S", mEdu, 135_300);
        foreach (var s in new[] { "CWH", "FC", "INST" })
        {
            // Pupils in child welfare: lower secondary (municipality) up to 15, upper secondary (county) from 16.
            b.StateFlow(s, mEdu, (in ModelContext c) => c.Age <= 15 ? 135_300 : 0);
            b.StateFlow(s, cEdu, (in ModelContext c) => c.Age >= 16 ? 170_000 : 0);
        }

        b.StateFlow("CWH", mCw, 150_000).StateFlow("CWH", sCw, 50_000);
        DrawnFlow("FC", mCw, cFc);
        b.StateFlow("FC", sCw, 150_000);
        b.StateFlow("INST", mCw, 2_040_000);
        DrawnFlow("INST", sCw, cInst);
        b.StateFlow("INST", sHealth, 60_000);
        b.StateFlow("VGS", cEdu, 170_000);
        Benefit("HE", 45_000);
        b.StateFlow("HE", sEdu, 160_000);
        b.StateFlow("NEET", mSocRes, 40_000).StateFlow("NEET", sHealth, 35_000).StateFlow("NEET", sLabour, 25_000);
        Benefit("PT", 80_000);
        Benefit("UN", 220_000);
        b.StateFlow("UN", sLabour, 30_000);
        Benefit("AAP", 230_000);
        b.StateFlow("AAP", sLabour, 45_000).StateFlow("AAP", sHealth, 50_000);
        Benefit("DIS", 240_000);
        b.StateFlow("DIS", sHealth, 60_000).StateFlow("DIS", mHealth, 20_000);
        b.StateFlow("SA", mSocTr, 140_000).StateFlow("SA", iSocTr, -140_000).StateFlow("SA", mSocRes, 45_000).StateFlow("SA", sHealth, 30_000);
        DrawnFlow("PR", sJustice, cPr);
        Benefit("RET", 280_000);
        b.StateFlow("RET", mHealth, (in ModelContext c) => c.Age >= 67 ? 15_000 * Math.Exp(0.12 * (c.Age - 67)) : 0);
        b.StateFlow("RET", sHealth, 40_000);

        // Earnings and the income tax on them (sector employment; 33 % split 11.1 / 2.0 / 19.9 points).
        foreach (var (state, factor) in new[] { ("W", 1.0), ("PT", 0.5) })
        {
            var shares = new[]
            {
                (new Account(Payer.Individual, Sector.Employment, FlowKind.Production), -1.0),
                (new Account(Payer.Individual, Sector.Employment, FlowKind.Transfer), 0.330),
                (new Account(Payer.Municipality, Sector.Employment, FlowKind.Transfer), -0.111),
                (new Account(Payer.County, Sector.Employment, FlowKind.Transfer), -0.020),
                (new Account(Payer.State, Sector.Employment, FlowKind.Transfer), -0.199),
            };
            foreach (var (account, share) in shares)
            {
                // The earnings E(a) = 300,000 up to 18, 300,000 + (E25 − 300,000)·r(a) with r(a) = (a − 18)/7 up to 25, E25
                // from 25, written as what they are, a fixed part 300,000·(1 − r(a)) and E25 times the ramp r(a) (1 from
                // 25 on): the fixed part a flow that reads no parameter, the other the builder's level × shape form, so
                // that no flow is a function of a drawn value (the same numbers to rounding: the point-value tests hold
                // them to 1e-9). The function form writes the same two flows with the level read by the function,
                // number for number (c[E25]·shape is the level × shape form's own product).
                b.StateFlow(state, account, (in ModelContext c) => share * (factor * EarningsFixed(c.Age)));
                if (!levelShape)
                {
                    b.StateFlow(state, account, (in ModelContext c) =>
                    {
                        var shape = share * (factor * EarningsRamp(c.Age));
                        return shape == 0 ? 0 : c[e25] * shape;
                    });
                    continue;
                }

                b.StateFlow(state, account, e25, (in ModelContext c) => share * (factor * EarningsRamp(c.Age)));
            }
        }

        for (var i = 0; i < MortalityHr.Length; i++)
        {
            b.StateOutcome(States[i], Outcome.LifeYears, 1);
        }

        // Section 4: the interventions. Everyone alive at the start is eligible (the effects act on the
        // rows they name, the costs in the states they name); the programmes start at age 12.
        var familyTeam = Intervention.Create("family team")
            .OfKind(InterventionKind.Preventive)
            .Describe("municipal family team in child welfare; HR_A(a) = 1 − 2^(−(a − 12)/4)·(1 − HR_A)")
            .WithUptake(uA, uptake);
        foreach (var (from, to) in new[] { ("CWH", "FC"), ("CWH", "INST"), ("FC", "INST") })
        {
            familyTeam.AffectTransition(new TransitionEffect(from, to, EffectMeasure.HazardRatio, hrA, EffectProfile.ExponentialDecay(halfLifeYears: 4))
            {
                Scaling = EffectScaling.Linear,
                Ages = new AgeWindow(12, 17),
            });
        }

        familyTeam.AddCost(new InterventionCost(mCw, cA, CostTiming.PerCycle, ["CWH", "FC", "INST"]) { Ages = new AgeWindow(12, 17) });

        var supportedEmployment = Intervention.Create("supported employment")
            .OfKind(InterventionKind.Preventive)
            .Describe("NAV supported employment for NEET and AAP at 16–30")
            .WithUptake(uB, uptake)
            .AffectTransition(new TransitionEffect("NEET", "W", EffectMeasure.HazardRatio, hrBNeet, EffectProfile.Permanent) { Ages = new AgeWindow(16, 30) })
            .AffectTransition(new TransitionEffect("AAP", "W", EffectMeasure.HazardRatio, hrBAap, EffectProfile.Permanent) { Ages = new AgeWindow(16, 30) })
            .AddCost(new InterventionCost(sLabour, cB, CostTiming.PerCycle, ["NEET", "AAP"]) { Ages = new AgeWindow(16, 30) });

        var a = familyTeam.Build();
        var bInt = supportedEmployment.Build();
        b.AddStrategy(new Strategy(Bau))
         .AddStrategy(new Strategy(FamilyTeam, a))
         .AddStrategy(new Strategy(SupportedEmployment, bInt))
         .AddStrategy(new Strategy(Both, a, bInt));
        b.WithPopulation(new Population(
        [
            new PopulationGroup(12, "S", 0.940),
            new PopulationGroup(12, "CWH", 0.040),
            new PopulationGroup(12, "FC", 0.015),
            new PopulationGroup(12, "INST", 0.005),
        ]));
        b.WithOptions(Options);
        return b.Build();

        void Benefit(string state, double amount)
        {
            // Net of tax: paid by the state, received by the person.
            b.StateFlow(state, sBen, amount).StateFlow(state, iBen, -amount);
        }
    }

    /// <summary>The regular part of a rate: <c>level·exp(gradient·(a − 12)/10)</c> for <c>lo ≤ a ≤ hi</c>, else 0.</summary>
    /// <summary>The shape 1: a flow that is its level.</summary>
    private static double One(in ModelContext c) => 1.0;

    private static double Regular(double age, double level, double gradient, double lo, double hi)
        => age >= lo && age <= hi ? (gradient == 0 ? level : level * Math.Exp(gradient * (age - 12) / 10)) : 0;

    /// <summary>
    /// The share r(a) of E25 in full-time annual earnings at a boundary age: 0 up to 18, (a − 18)/7 up to 25, then 1
    /// (the earnings are <see cref="EarningsFixed"/> + r(a)·E25: 300,000 up to 18, a linear ramp to E25 at 25, then flat).
    /// </summary>
    private static double EarningsRamp(double age)
        => age <= 18 ? 0 : age < 25 ? (age - 18) / 7 : 1;

    /// <summary>The part of full-time annual earnings that does not scale with E25: 300,000·(1 − r(a)) (<see cref="EarningsRamp"/>).</summary>
    private static double EarningsFixed(double age)
        => age <= 18 ? 300_000 : age < 25 ? 300_000 * (1 - EarningsRamp(age)) : 0;

    /// <summary>The strategy with this name.</summary>
    /// <param name="model">The model.</param>
    /// <param name="name">BAU, A, B or C.</param>
    public static Strategy StrategyNamed(LifeCourseModel model, string name) => model.Strategies.Single(s => s.Name == name);

    /// <summary>Section 7: the distributions of the 19 parameters (all independent).</summary>
    /// <param name="model">The model (either uptake definition).</param>
    public static PsaSpecification Specification(LifeCourseModel model) => new PsaSpecification(model)
        .With("a_S_CWH", new LogNormalDistribution(Math.Log(0.010), 0.20))
        .With("a_CWH_FC", new LogNormalDistribution(Math.Log(0.050), 0.15))
        .With("a_FC_INST", new LogNormalDistribution(Math.Log(0.040), 0.20))
        .With("a_NEET_W", new LogNormalDistribution(Math.Log(0.400), 0.15))
        .With("a_W_UN", new LogNormalDistribution(Math.Log(0.025), 0.10))
        .With("a_W_AAP", new LogNormalDistribution(Math.Log(0.004), 0.15))
        .With("a_AAP_W", new LogNormalDistribution(Math.Log(0.250), 0.15))
        .With("a_AAP_DIS", new LogNormalDistribution(Math.Log(0.040), 0.15))
        .With("hr_A", new LogNormalDistribution(Math.Log(0.60), 0.15))
        .With("hr_B_NEET", new LogNormalDistribution(Math.Log(1.40), 0.10))
        .With("hr_B_AAP", new LogNormalDistribution(Math.Log(1.30), 0.10))
        .With("c_FC", new GammaDistribution(100, 4_200))
        .With("c_INST", new GammaDistribution(100, 36_400))
        .With("c_PR", new GammaDistribution(100, 11_000))
        .With("c_A", new GammaDistribution(25, 3_200))
        .With("c_B", new GammaDistribution(25, 3_600))
        .With("u_A", new BetaDistribution(60, 40))
        .With("u_B", new BetaDistribution(35, 65))
        .With("E25", new NormalDistribution(520_000, 20_000));
}
