using SocialInvestment.Economics;
using SocialInvestment.Engine;
using SocialInvestment.Model;
using SocialInvestment.Uncertainty;

namespace SocialInvestment.Reporting.Tests.TestSupport;

/// <summary>
/// A small three-payer youth model with one investment (supported employment paid by the
/// municipality that moves people from NEET into work). Illustrative numbers only.
/// </summary>
internal static class YouthModel
{
    public static readonly Account SocialAssistance = new(Payer.Municipality, Sector.SocialServices, FlowKind.Transfer);
    public static readonly Account Benefit = new(Payer.State, Sector.Benefits, FlowKind.Transfer);
    public static readonly Account Tax = new(Payer.State, Sector.Taxation, FlowKind.Transfer);
    public static readonly Account Earnings = new(Payer.Individual, Sector.Employment, FlowKind.Production);
    public static readonly Account ReceivedBenefits = new(Payer.Individual, Sector.Benefits, FlowKind.Transfer);
    public static readonly Account Programme = new(Payer.Municipality, Sector.Employment, FlowKind.ResourceCost);

    public const string ProgrammeCost = "programme cost";
    public const string Effect = "programme effect";

    public static LifeCourseModel Build(int cycles = 40)
    {
        var b = new LifeCourseModelBuilder("youth-test");
        b.AddState("School").AddState("NEET").AddState("Work").AddState("Dead", absorbing: true);
        b.AddPayers(Payer.Municipality, Payer.State, Payer.Individual);
        b.AddSectors(Sector.SocialServices, Sector.Benefits, Sector.Taxation, Sector.Employment);
        var programmeCost = b.AddParameter(ProgrammeCost, 90_000, "annual programme cost per participant, NOK");
        var effect = b.AddParameter(Effect, 1.8, "relative risk of NEET to work while in the programme");
        b.Probability("School", "NEET", 0.15).Probability("School", "Work", 0.25).Probability("School", "Dead", 0.001).Remainder("School", "School");
        b.Probability("NEET", "Work", 0.12).Probability("NEET", "Dead", 0.003).Remainder("NEET", "NEET");
        b.Probability("Work", "NEET", 0.04).Probability("Work", "Dead", 0.001).Remainder("Work", "Work");
        b.StateFlow("NEET", SocialAssistance, 60_000).StateFlow("NEET", Benefit, 120_000).StateFlow("NEET", ReceivedBenefits, -180_000);
        b.StateFlow("Work", Tax, -150_000).StateFlow("Work", Earnings, -500_000).StateFlow("Work", ReceivedBenefits, 150_000);
        var ips = Intervention.Create("Supported employment")
            .EligibleIn("NEET").EligibleAges(16, 30)
            .CostPerCycle(Programme, programmeCost, 2, "NEET")
            .AffectTransition("NEET", "Work", EffectMeasure.RelativeRisk, effect, EffectProfile.ConstantFor(5))
            .Build();
        b.AddStrategy(Strategy.BusinessAsUsual).AddStrategy(new Strategy("Supported employment", ips));
        b.WithPopulation(new Population([new PopulationGroup(16, "School", 0.7), new PopulationGroup(16, "NEET", 0.3)], 100));
        b.WithOptions(new SimulationOptions { Cycles = cycles });
        return b.Build();
    }

    /// <summary>Runs both strategies and appraises the second against the first from the standard perspectives.</summary>
    public static (IReadOnlyList<CohortResult> Results, IReadOnlyList<AppraisalResult> Appraisals) Run(int cycles = 40)
    {
        var model = Build(cycles);
        var results = CohortEngine.RunAll(model);
        var appraisals = Perspective.StandardSet(model).Select(p => Appraisal.Compare(results[1], results[0], p)).ToList();
        return (results, appraisals);
    }

    /// <summary>
    /// A PSA of the youth model: the programme cost Gamma(mean 90,000, SE 20,000) and its effect
    /// lognormal-ish Gamma(mean 1.8, SE 0.5), wide enough that the municipality's and society's
    /// NPV change sign across draws. Illustrative distributions only.
    /// </summary>
    public static PsaResult Psa(int draws = 200, ulong seed = 42, int cycles = 40)
    {
        var model = Build(cycles);
        var spec = new PsaSpecification(model)
            .With(ProgrammeCost, GammaDistribution.FromMeanAndStandardError(90_000, 20_000))
            .With(Effect, GammaDistribution.FromMeanAndStandardError(1.8, 0.5));
        return ProbabilisticAnalysis.Run(spec, new PsaOptions { Draws = draws, Seed = seed, Threads = 1, KeepDraws = true }); // the NPV distribution chart reads every draw
    }
}
