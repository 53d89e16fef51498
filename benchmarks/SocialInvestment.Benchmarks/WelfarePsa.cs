using System.Diagnostics;
using System.Globalization;
using SocialInvestment.Economics;
using SocialInvestment.Engine;
using SocialInvestment.Model;
using SocialInvestment.Uncertainty;

namespace SocialInvestment.Benchmarks;

/// <summary>
/// The realistic benchmark of issue 4: a PSA of the welfare-sized model (<see cref="WelfareModel"/>:
/// 15 states, 80 cycles, 4 payers × 8 sectors, 2 strategies) with four uncertain parameters of the
/// family team. <c>welfare4 welfare-psa [--draws K] [--threads N] [--engine cohort|micro]
/// [--people N] [--seed S]</c>. The cohort engine runs 1,000 draws by default; the
/// microsimulation (100,000 people × 80 cycles × 2 strategies per draw) runs 20 draws by default,
/// because one draw is ~16 million person-cycles. Prints one JSON line.
/// </summary>
public static partial class Program
{
    static partial void RegisterWelfarePsaMode(Dictionary<string, Func<string[], int>> modes)
    {
        modes["welfare-psa"] = WelfarePsa.Run;
    }
}

/// <summary>The welfare-sized PSA runner.</summary>
public static class WelfarePsa
{
    /// <summary>
    /// Distributions of the family team's parameters (illustrative, like the model): the hazard
    /// ratio on moving from in-home measures to foster care lognormal with median 0.7 and σ 0.2
    /// (95 % range 0.47–1.04); the relative risk on NEET → work lognormal with median 1.3 and σ 0.1
    /// (1.07–1.58); the upfront and per-cycle costs gamma with means 150,000 and 50,000 and a 25 %
    /// coefficient of variation. Base values are the model's.
    /// </summary>
    public static PsaSpecification Specification(LifeCourseModel model) => new PsaSpecification(model)
        .With("team_effect", new LogNormalDistribution(Math.Log(0.7), 0.2))
        .With("team_neet_work_rr", new LogNormalDistribution(Math.Log(1.3), 0.1))
        .With("team_upfront_cost", GammaDistribution.FromMeanAndStandardError(150_000, 37_500))
        .With("team_cost_per_cycle", GammaDistribution.FromMeanAndStandardError(50_000, 12_500));

    /// <summary><c>welfare-psa [--draws K] [--threads N] [--engine cohort|micro] [--people N] [--seed S]</c>.</summary>
    public static int Run(string[] args)
    {
        var engine = Text(args, "--engine", "cohort");
        if (engine is not ("cohort" or "micro"))
        {
            Console.Error.WriteLine("--engine must be cohort or micro");
            return 2;
        }

        var micro = engine == "micro";
        var draws = (int)RunnerArgs.Arg(args, "--draws", micro ? 20 : 1000);
        var threads = (int)RunnerArgs.Arg(args, "--threads", Environment.ProcessorCount);
        var people = (int)RunnerArgs.Arg(args, "--people", 100_000);
        var seed = (ulong)RunnerArgs.Arg(args, "--seed", 2026);
        var model = WelfareModel.Build();
        var spec = Specification(model);
        var perspectives = new[] { Perspective.PublicSector, Perspective.Society(0.2) };
        var bau = model.Strategies[0];
        var team = model.Strategies[1];

        // Base case (cohort engine, base values), for comparison with the PSA means.
        var baseNpv = perspectives.Select(p => Appraisal.Compare(CohortEngine.Run(model, team), CohortEngine.Run(model, bau), p).NetPresentValue).ToArray();

        StrategyEvaluator? evaluator = null;
        var options = new PsaOptions { Draws = draws, Seed = seed, Threads = threads, Perspectives = perspectives };
        if (micro)
        {
            // One draw at a time, each microsimulation on all threads; both strategies of a draw use
            // the same (seed, draw) key, so they share random numbers (CRN).
            var mo = new MicrosimOptions { People = people, Threads = threads, Seed = seed, Perspectives = perspectives, TrackDistributions = false };
            evaluator = (s, p, k, ct) => MicrosimEngine.Run(model, s, mo with { Draw = k }, p, null, ct);
            options = options with { Threads = 1 };
        }

        var sw = Stopwatch.StartNew();
        var psa = ProbabilisticAnalysis.Run(spec, options, evaluator);
        var seconds = sw.Elapsed.TotalSeconds;
        var pub = psa.Summarize(PsaFigure.NetPresentValue, team, perspectives[0]);
        var soc = psa.Summarize(PsaFigure.NetPresentValue, team, perspectives[1]);
        var cycles = model.Options.Cycles;
        var personCycles = micro ? $",\"people\":{people},\"person_cycles_per_s\":{(double)people * cycles * 2 * draws / seconds:G4}" : string.Empty;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{{\"impl\":\"csharp\",\"mode\":\"welfare-psa\",\"engine\":\"{engine}\",\"threads\":{threads},\"draws\":{draws},\"seed\":{seed},\"states\":{model.States.Count},\"cycles\":{cycles},\"strategies\":{model.Strategies.Count},\"uncertain_parameters\":{spec.UncertainParameterCount}{personCycles},\"time_s\":{seconds:G4},\"draws_per_s\":{draws / seconds:G4},\"peak_rss_mb\":{ProcessMemory.PeakRssMb():F1},\"npv_public_mean\":{pub.Mean:F0},\"npv_public_se\":{pub.StandardError:F0},\"p_npv_public_positive\":{psa.ProbabilityPositiveNpv(team, perspectives[0]):F3},\"npv_society_mean\":{soc.Mean:F0},\"npv_society_se\":{soc.StandardError:F0},\"p_npv_society_positive\":{psa.ProbabilityPositiveNpv(team, perspectives[1]):F3},\"base_npv_public\":{baseNpv[0]:F0},\"base_npv_society\":{baseNpv[1]:F0}}}"));
        return 0;
    }

    private static string Text(string[] args, string name, string fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
    }
}
