using System.Diagnostics;
using System.Globalization;
using SocialInvestment.Economics;
using SocialInvestment.Engine;
using SocialInvestment.Model;
using SocialInvestment.Uncertainty;

namespace SocialInvestment.Benchmarks;

/// <summary>
/// The welfare-4 cohort PSA of ../shared/perf/README.md: K parameter draws (default 10,000), each
/// giving one discounted (cost, QALY) pair, on the library's homogeneous fast path
/// (<see cref="HomogeneousPsa"/>). Rate = draws per second including drawing the parameters.
/// </summary>
public static partial class Program
{
    static partial void RegisterCohortMode(Dictionary<string, Func<string[], int>> modes) => modes["cohort"] = Welfare4Cohort.Run;
}

/// <summary>The parametrised welfare-4 model and its PSA distributions (../shared/perf/README.md).</summary>
internal static class Welfare4Cohort
{
    public static readonly Payer HealthSystem = new("health system", true);
    public static readonly Account CareCost = new(HealthSystem, new Sector("health care"), FlowKind.ResourceCost);

    /// <summary>Builds the model with the workload's parameters as named model parameters.</summary>
    public static LifeCourseModel BuildModel()
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
        b.WithOptions(new SimulationOptions
        {
            Cycles = 60,
            StateWeights = CycleWeights.Beginning,
            CostDiscounting = DiscountSchedule.Constant(0.03),
            OutcomeDiscounting = DiscountSchedule.Constant(0.03),
        });
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

    public static int Run(string[] args)
    {
        int draws = 10_000, threads = Environment.ProcessorCount, repeats = 21;
        ulong seed = 12345;
        var path = "fast";
        for (var i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            switch (args[i])
            {
                case "--draws": draws = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--threads": threads = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--repeats": repeats = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--seed": seed = ulong.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--path": path = Next(); break;
                default:
                    Console.Error.WriteLine($"unknown option {args[i]}; use --draws K --threads N --repeats R --seed S [--path fast|generic]");
                    return 2;
            }
        }

        var model = BuildModel();
        var spec = Specification(model);
        var kernel = HomogeneousCohortKernel.Create(model);
        var options = new PsaOptions { Draws = draws, Seed = seed, MaxDegreeOfParallelism = threads };
        var perspective = Perspective.ForPayer(HealthSystem);
        var times = new List<double>();
        double meanCost = 0, seCost = 0, meanQaly = 0, seQaly = 0;
        for (var r = 0; r <= repeats; r++)
        {
            var sw = Stopwatch.StartNew();
            if (path == "generic")
            {
                var res = ProbabilisticAnalysis.Run(spec, options with { Perspectives = [perspective] });
                sw.Stop();
                var c = PsaSummary.Of(res.Costs(Strategy.BusinessAsUsual, perspective).ToArray());
                var q = PsaSummary.Of(res.Outcomes(Strategy.BusinessAsUsual, Outcome.Qaly).ToArray());
                (meanCost, seCost, meanQaly, seQaly) = (c.Mean, c.StandardError, q.Mean, q.StandardError);
            }
            else
            {
                var res = HomogeneousPsa.Run(spec, kernel, options);
                sw.Stop();
                var c = res.Moments(0);
                var q = res.OutcomeMoments(Outcome.Qaly);
                (meanCost, seCost, meanQaly, seQaly) = (c.Mean, c.StandardError, q.Mean, q.StandardError);
            }

            if (r > 0)
            {
                times.Add(sw.Elapsed.TotalSeconds); // repeat 0 is the warm-up (JIT, tiering)
            }
        }

        times.Sort();
        var median = times.Count % 2 == 1 ? times[times.Count / 2] : 0.5 * (times[(times.Count / 2) - 1] + times[times.Count / 2]);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{{\"impl\":\"csharp\",\"mode\":\"cohort\",\"path\":\"{path}\",\"threads\":{threads},\"draws\":{draws},\"repeats\":{repeats},\"median_s\":{median:G6},\"min_s\":{times[0]:G6},\"max_s\":{times[^1]:G6},\"rate_median\":{draws / median:G6},\"mean_cost\":{meanCost:F6},\"se_cost\":{seCost:F6},\"mean_qaly\":{meanQaly:F8},\"se_qaly\":{seQaly:F8},\"peak_rss_mb\":{PeakRssMb():F1}}}"));
        return 0;
    }

    /// <summary>Peak resident set size (VmHWM of /proc/self/status) in MB; NaN where unavailable.</summary>
    internal static double PeakRssMb()
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/self/status"))
            {
                if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                {
                    var kb = double.Parse(line["VmHWM:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
                    return kb / 1024;
                }
            }
        }
        catch (IOException)
        {
        }

        return double.NaN;
    }
}
