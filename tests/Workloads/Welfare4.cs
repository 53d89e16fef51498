using SocialInvestment.Economics;
using SocialInvestment.Engine;
using SocialInvestment.Model;
using SocialInvestment.Uncertainty;

namespace SocialInvestment.Workloads;

/// <summary>
/// The welfare-4 reference workload of benchmarks/yardsticks/workloads.md, defined once and compiled into both
/// the tests and the benchmarks: states H, S1, S2, D; 60 annual cycles; DARTH Sick-Sicker
/// parameters with conditional competing risks; beginning-of-cycle counting; 3 % discounting.
/// </summary>
public static class Welfare4
{
    /// <summary>60 annual cycles, beginning-of-cycle counting (t = 0..59), 1.03^−t on costs and QALYs.</summary>
    public static readonly SimulationOptions Options = new()
    {
        Cycles = 60,
        StateWeights = CycleWeights.Beginning,
        CostDiscounting = DiscountSchedule.Constant(0.03),
        OutcomeDiscounting = DiscountSchedule.Constant(0.03),
    };

    /// <summary>The model at the point values (the same matrix as the C++ yardstick's build_matrix).</summary>
    public static LifeCourseModel BuildPointModel()
    {
        var b = new LifeCourseModelBuilder("welfare-4");
        b.AddState("H").AddState("S1").AddState("S2").AddState("D", absorbing: true);
        b.AddPayers(HealthSystem).AddSectors(CareCost.Sector).AddOutcomes(Outcome.Qaly);
        const double pHD = 0.005, pHS1 = 0.15, pS1H = 0.5, pS1S2 = 0.105;
        var rHD = -Math.Log(1 - pHD);
        var pS1D = 1 - Math.Exp(-3 * rHD);
        var pS2D = 1 - Math.Exp(-10 * rHD);
        b.Probability("H", "H", (1 - pHD) * (1 - pHS1)).Probability("H", "S1", (1 - pHD) * pHS1).Probability("H", "D", pHD);
        b.Probability("S1", "H", (1 - pS1D) * pS1H).Probability("S1", "S1", (1 - pS1D) * (1 - pS1H - pS1S2)).Probability("S1", "S2", (1 - pS1D) * pS1S2).Probability("S1", "D", pS1D);
        b.Probability("S2", "S2", 1 - pS2D).Probability("S2", "D", pS2D);
        b.StateFlow("H", CareCost, 2000).StateFlow("S1", CareCost, 4000).StateFlow("S2", CareCost, 15000);
        b.StateOutcome("H", Outcome.Qaly, 1).StateOutcome("S1", Outcome.Qaly, 0.75).StateOutcome("S2", Outcome.Qaly, 0.5);
        b.WithPopulation(Population.StartingIn(0, "H"));
        b.WithOptions(Options);
        return b.Build();
    }

    public static readonly Payer HealthSystem = new("health system", true);
    public static readonly Account CareCost = new(HealthSystem, new Sector("health care"), FlowKind.ResourceCost);

    /// <summary>The model with the workload's uncertain quantities as named model parameters (for PSA).</summary>
    public static LifeCourseModel BuildPsaModel()
    {
        var b = new LifeCourseModelBuilder("welfare-4 PSA");
        b.AddState("H").AddState("S1").AddState("S2").AddState("D", absorbing: true);
        b.AddPayers(HealthSystem).AddSectors(CareCost.Sector).AddOutcomes(Outcome.Qaly);
        var pHD = b.AddParameter("p_HD", 0.005);
        var pHS1 = b.AddParameter("p_HS1", 0.15);
        var pS1H = b.AddParameter("p_S1H", 0.5);
        var pS1S2 = b.AddParameter("p_S1S2", 0.105);
        var hrS1 = b.AddParameter("hr_S1", 3);
        var hrS2 = b.AddParameter("hr_S2", 10);
        var cH = b.AddParameter("c_H", 2000);
        var cS1 = b.AddParameter("c_S1", 4000);
        var cS2 = b.AddParameter("c_S2", 15000);
        var uS1 = b.AddParameter("u_S1", 0.75);
        var uS2 = b.AddParameter("u_S2", 0.5);

        // p = 1 − exp(−hr·r_HD) with r_HD = −ln(1 − p_HD).
        double PS1D(in ModelContext c) => 1 - Math.Exp(c[hrS1] * Math.Log(1 - c[pHD]));
        b.Probability("H", "S1", (in ModelContext c) => (1 - c[pHD]) * c[pHS1]).Probability("H", "D", (in ModelContext c) => c[pHD]).Remainder("H", "H");
        b.Probability("S1", "H", (in ModelContext c) => (1 - PS1D(c)) * c[pS1H])
         .Probability("S1", "S2", (in ModelContext c) => (1 - PS1D(c)) * c[pS1S2])
         .Probability("S1", "D", PS1D)
         .Remainder("S1", "S1");
        b.Probability("S2", "D", (in ModelContext c) => 1 - Math.Exp(c[hrS2] * Math.Log(1 - c[pHD]))).Remainder("S2", "S2");
        b.StateFlow("H", CareCost, (in ModelContext c) => c[cH]).StateFlow("S1", CareCost, (in ModelContext c) => c[cS1]).StateFlow("S2", CareCost, (in ModelContext c) => c[cS2]);
        b.StateOutcome("H", Outcome.Qaly, 1).StateOutcome("S1", Outcome.Qaly, (in ModelContext c) => c[uS1]).StateOutcome("S2", Outcome.Qaly, (in ModelContext c) => c[uS2]);
        b.WithPopulation(Population.StartingIn(0, "H"));
        b.WithOptions(Options);
        return b.Build();
    }

    /// <summary>The workload's distributions.</summary>
    public static PsaSpecification Specification(LifeCourseModel model) => new PsaSpecification(model)
        .With("p_HD", new BetaDistribution(10, 1990))
        .With("p_HS1", new BetaDistribution(30, 170))
        .With("p_S1H", new BetaDistribution(60, 60))
        .With("p_S1S2", new BetaDistribution(84, 716))
        .With("hr_S1", new LogNormalDistribution(Math.Log(3), 0.01))
        .With("hr_S2", new LogNormalDistribution(Math.Log(10), 0.02))
        .With("c_H", new GammaDistribution(100, 20))
        .With("c_S1", new GammaDistribution(100, 40))
        .With("c_S2", new GammaDistribution(100, 150))
        .With("u_S1", new BetaDistribution(75, 25))
        .With("u_S2", new BetaDistribution(50, 50));
}
