using System.Globalization;
using SocialInvestment.Economics;
using SocialInvestment.Engine;
using SocialInvestment.Model;

namespace SocialInvestment.Tests.TestSupport;

/// <summary>
/// The DARTH Sick-Sicker models of tests/SocialInvestment.Tests/ReferenceCases/REFERENCE-CASES.md, built through the public API.
/// Case 1: Alarid-Escudero F, Krijkamp EM, et al. MDM 2023;43(1):3–20 (DARTH-git/cohort-modeling-tutorial-intro).
/// Case 2: Alarid-Escudero F, et al. MDM 2023;43(1):21–41 (DARTH-git/cohort-modeling-tutorial-timedep).
/// Case 3: Krijkamp EM, Alarid-Escudero F, et al. MDM 2018;38(3):400–422 (DARTH-git/Microsimulation-tutorial).
/// </summary>
public static class DarthModels
{
    public static readonly Payer HealthSystem = new("health system", true);
    public static readonly Sector Care = new("health care");
    public static readonly Account CareCost = new(HealthSystem, Care, FlowKind.ResourceCost);
    public static readonly Perspective CostPerspective = Perspective.ForPayer(HealthSystem);

    /// <summary>Strategies of cases 1 and 2: SoC, A, B, AB.</summary>
    public sealed record SickSicker(LifeCourseModel Model, Strategy SoC, Strategy A, Strategy B, Strategy AB);

    /// <summary>Case 1 (ageDependent = false) or case 2 (ageDependent = true, with transition rewards).</summary>
    public static SickSicker Build(bool ageDependent)
    {
        var lifeTable = ageDependent ? LoadLifeTable() : null;
        var b = new LifeCourseModelBuilder(ageDependent ? "Sick-Sicker age-dependent" : "Sick-Sicker");
        b.AddState("H").AddState("S1").AddState("S2").AddState("D", absorbing: true);
        b.AddPayers(HealthSystem).AddSectors(Care).AddOutcomes(Outcome.Qaly);
        var rHD = b.AddParameter("r_HD", 0.002);
        var rHS1 = b.AddParameter("r_HS1", 0.15);
        var rS1H = b.AddParameter("r_S1H", 0.5);
        var rS1S2 = b.AddParameter("r_S1S2", 0.105);
        var hrS1 = b.AddParameter("hr_S1", 3);
        var hrS2 = b.AddParameter("hr_S2", 10);
        var hrS1S2 = b.AddParameter("hr_S1S2_trt", 1.0, "hazard ratio on S1→S2 under the strategy (1 = none; treatment B sets 0.6)");

        double RateHD(in ModelContext c) => lifeTable is null ? c[rHD] : lifeTable[c.AgeYears];
        double P(double r) => 1 - Math.Exp(-r);
        double PHD(in ModelContext c) => P(RateHD(c));
        double PHS1(in ModelContext c) => P(c[rHS1]);
        double PS1H(in ModelContext c) => P(c[rS1H]);
        double PS1S2(in ModelContext c) => P(c[rS1S2] * c[hrS1S2]);
        double PS1D(in ModelContext c) => P(RateHD(c) * c[hrS1]);
        double PS2D(in ModelContext c) => P(RateHD(c) * c[hrS2]);

        b.Probability("H", "H", (in ModelContext c) => (1 - PHD(c)) * (1 - PHS1(c)))
         .Probability("H", "S1", (in ModelContext c) => (1 - PHD(c)) * PHS1(c))
         .Probability("H", "D", PHD)
         .Probability("S1", "H", (in ModelContext c) => (1 - PS1D(c)) * PS1H(c))
         .Probability("S1", "S1", (in ModelContext c) => (1 - PS1D(c)) * (1 - (PS1H(c) + PS1S2(c))))
         .Probability("S1", "S2", (in ModelContext c) => (1 - PS1D(c)) * PS1S2(c))
         .Probability("S1", "D", PS1D)
         .Probability("S2", "S2", (in ModelContext c) => 1 - PS2D(c))
         .Probability("S2", "D", PS2D);

        b.StateFlow("H", CareCost, 2000).StateFlow("S1", CareCost, 4000).StateFlow("S2", CareCost, 15000);
        b.StateOutcome("H", Outcome.Qaly, 1).StateOutcome("S1", Outcome.Qaly, 0.75).StateOutcome("S2", Outcome.Qaly, 0.5);
        if (ageDependent)
        {
            b.TransitionFlow("H", "S1", CareCost, 1000);
            b.TransitionOutcome("H", "S1", Outcome.Qaly, -0.01);
            b.TransitionFlow(null, "D", CareCost, 2000);
        }

        var trtA = Intervention.Create("A").CostPerCycle(CareCost, 12000, null, "S1", "S2").SetOutcome("S1", Outcome.Qaly, 0.95).Build();
        var trtB = Intervention.Create("B").CostPerCycle(CareCost, 13000, null, "S1", "S2").SetParameter(hrS1S2, 0.6).Build();
        var soc = new Strategy("Standard of care");
        var a = new Strategy("Strategy A", trtA);
        var bb = new Strategy("Strategy B", trtB);
        var ab = new Strategy("Strategy AB", trtA, trtB);
        b.AddStrategy(soc).AddStrategy(a).AddStrategy(bb).AddStrategy(ab);
        b.WithPopulation(Population.StartingIn(25, "H"));
        b.WithOptions(new SimulationOptions
        {
            Cycles = 75,
            StateWeights = CycleWeights.SimpsonDarth,
            TransitionEvents = TransitionEventWeighting.FollowStateWeights,
            CostDiscounting = DiscountSchedule.Constant(0.03),
            OutcomeDiscounting = DiscountSchedule.Constant(0.03),
        });
        return new SickSicker(b.Build(), soc, a, bb, ab);
    }

    /// <summary>Case 3, the cohort equivalent of the DARTH microsimulation tutorial (Krijkamp et al. 2018).</summary>
    public static (LifeCourseModel Model, Strategy NoTreatment, Strategy Treatment) BuildMicrosimTutorial()
    {
        var b = new LifeCourseModelBuilder("Sick-Sicker microsimulation tutorial");
        b.AddState("H").AddState("S1").AddState("S2").AddState("D", absorbing: true);
        b.AddPayers(HealthSystem).AddSectors(Care).AddOutcomes(Outcome.Qaly);
        const double pHD = 0.005, pHS1 = 0.15, pS1H = 0.5, pS1S2 = 0.105;
        var rHD = -Math.Log(1 - pHD);
        var pS1D = 1 - Math.Exp(-3 * rHD);
        var pS2D = 1 - Math.Exp(-10 * rHD);
        b.Probability("H", "S1", pHS1).Probability("H", "D", pHD).Remainder("H", "H");
        b.Probability("S1", "H", pS1H).Probability("S1", "S2", pS1S2).Probability("S1", "D", pS1D).Remainder("S1", "S1");
        b.Probability("S2", "D", pS2D).Remainder("S2", "S2");
        b.StateFlow("H", CareCost, 2000).StateFlow("S1", CareCost, 4000).StateFlow("S2", CareCost, 15000);
        b.StateOutcome("H", Outcome.Qaly, 1).StateOutcome("S1", Outcome.Qaly, 0.75).StateOutcome("S2", Outcome.Qaly, 0.5);
        var trt = Intervention.Create("Treatment").CostPerCycle(CareCost, 12000, null, "S1", "S2").SetOutcome("S1", Outcome.Qaly, 0.95).Build();
        var none = new Strategy("No treatment");
        var treat = new Strategy("Treatment", trt);
        b.AddStrategy(none).AddStrategy(treat);
        b.WithPopulation(Population.StartingIn(0, "H"));
        b.WithOptions(new SimulationOptions
        {
            Cycles = 30,
            StateWeights = CycleWeights.AllPoints,
            CostDiscounting = DiscountSchedule.Constant(0.03),
            OutcomeDiscounting = DiscountSchedule.Constant(0.03),
        });
        return (b.Build(), none, treat);
    }

    /// <summary>US life table 2015, column Total (mortality rates by age), as used by the DARTH time-dependent tutorial.</summary>
    public static IReadOnlyDictionary<int, double> LoadLifeTable()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "ReferenceCases", "Data", "LifeTable_USA_Mx_2015.csv");
        var table = new Dictionary<int, double>();
        foreach (var line in File.ReadLines(path).Skip(1))
        {
            var f = line.Split(',');
            table[int.Parse(f[1], CultureInfo.InvariantCulture)] = double.Parse(f[4], CultureInfo.InvariantCulture);
        }

        return table;
    }
}
