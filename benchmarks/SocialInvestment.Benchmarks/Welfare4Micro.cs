using System.Diagnostics;
using System.Globalization;
using BenchmarkDotNet.Attributes;
using SocialInvestment.Economics;
using SocialInvestment.Engine;
using SocialInvestment.Model;

namespace SocialInvestment.Benchmarks;

/// <summary>
/// The welfare-4 microsimulation runner (../shared/perf/README.md, "Microsimulation mode"):
/// point-value matrix, N people × 60 cycles, values counted at the start of each cycle, discount
/// 1.03^−t, one uniform per person-cycle (the dead keep drawing). Also "micro-welfare": the
/// welfare-sized model (15 states, 80 cycles, 4 payers × 8 sectors), both strategies, with time and memory.
/// </summary>
public static partial class Program
{
    static partial void RegisterMicroMode(Dictionary<string, Func<string[], int>> modes)
    {
        modes["micro"] = Welfare4Micro.Run;
        modes["micro-welfare"] = Welfare4Micro.RunWelfare;
    }
}

/// <summary>The plain runners. Output: one JSON line per measurement on stdout.</summary>
public static class Welfare4Micro
{
    public static readonly Payer Health = new("health system", true);
    public static readonly Account Care = new(Health, new Sector("health care"), FlowKind.ResourceCost);

    /// <summary>The welfare-4 model at its point values (same as the C++ yardstick's build_matrix).</summary>
    public static LifeCourseModel BuildModel()
    {
        var b = new LifeCourseModelBuilder("welfare-4");
        b.AddState("H").AddState("S1").AddState("S2").AddState("D", absorbing: true);
        b.AddPayers(Health).AddSectors(Care.Sector).AddOutcomes(Outcome.Qaly);
        const double pHD = 0.005, pHS1 = 0.15, pS1H = 0.5, pS1S2 = 0.105;
        var rHD = -Math.Log(1 - pHD);
        var pS1D = 1 - Math.Exp(-3 * rHD);
        var pS2D = 1 - Math.Exp(-10 * rHD);
        b.Probability("H", "H", (1 - pHD) * (1 - pHS1)).Probability("H", "S1", (1 - pHD) * pHS1).Probability("H", "D", pHD);
        b.Probability("S1", "H", (1 - pS1D) * pS1H).Probability("S1", "S1", (1 - pS1D) * (1 - pS1H - pS1S2)).Probability("S1", "S2", (1 - pS1D) * pS1S2).Probability("S1", "D", pS1D);
        b.Probability("S2", "S2", 1 - pS2D).Probability("S2", "D", pS2D);
        b.StateFlow("H", Care, 2000).StateFlow("S1", Care, 4000).StateFlow("S2", Care, 15000);
        b.StateOutcome("H", Outcome.Qaly, 1).StateOutcome("S1", Outcome.Qaly, 0.75).StateOutcome("S2", Outcome.Qaly, 0.5);
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

    /// <summary><c>micro [--people N] [--threads N] [--repeats R] [--distributions]</c>.</summary>
    public static int Run(string[] args)
    {
        var people = (int)Arg(args, "--people", 1_000_000);
        var threads = (int)Arg(args, "--threads", Environment.ProcessorCount);
        var repeats = (int)Arg(args, "--repeats", 5);
        var distributions = args.Contains("--distributions");
        var model = BuildModel();
        var compiled = new[] { model.Compile(model.Strategies.Count > 0 ? model.Strategies[0] : Strategy.BusinessAsUsual) };
        var perspective = Perspective.ForPayer(Health);
        var options = new MicrosimOptions
        {
            People = people,
            Threads = threads,
            Seed = 777,
            Perspectives = [perspective],
            TrackDistributions = distributions,
        };

        // Start-up and JIT warm-up, not timed.
        MicrosimEngine.RunCompiled(compiled, options with { People = Math.Min(people, 200_000) });
        var times = new List<double>();
        MicrosimComparison? last = null;
        for (var r = 0; r < repeats; r++)
        {
            var sw = Stopwatch.StartNew();
            last = MicrosimEngine.RunCompiled(compiled, options with { Seed = 777 + (ulong)r });
            times.Add(sw.Elapsed.TotalSeconds);
        }

        var result = last!.Results[0];
        var cost = result.CostPerPerson(perspective);
        var qaly = result.OutcomePerPerson(Outcome.Qaly);
        var median = Median(times);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{{\"impl\":\"csharp\",\"mode\":\"micro\",\"kernel\":\"{(distributions ? "general" : "lanes8")}\",\"threads\":{threads},\"people\":{people},\"cycles\":60,\"reps\":{repeats},\"median_s\":{median:G6},\"min_s\":{times.Min():G6},\"max_s\":{times.Max():G6},\"rate_median\":{people * 60.0 / median:G6},\"mean_cost\":{cost.Mean:F6},\"se_cost\":{cost.StandardError:F6},\"mean_qaly\":{qaly.Mean:F8},\"se_qaly\":{qaly.StandardError:F8},\"peak_rss_mb\":{PeakRssMb():F1}}}"));
        return 0;
    }

    /// <summary><c>micro-welfare [--people N] [--threads N]</c>: the welfare-sized model, both strategies with common random numbers.</summary>
    public static int RunWelfare(string[] args)
    {
        var people = (int)Arg(args, "--people", 100_000);
        var threads = (int)Arg(args, "--threads", Environment.ProcessorCount);
        var model = WelfareModel.Build();
        var options = new MicrosimOptions { People = people, Threads = threads, Seed = 2026 };
        var sw = Stopwatch.StartNew();
        var compiled = model.Strategies.Select(s => model.Compile(s)).ToArray();
        var compile = sw.Elapsed.TotalSeconds;
        var run = MicrosimEngine.RunCompiled(compiled, options);
        var total = sw.Elapsed.TotalSeconds;
        var publicCost = run.Results[0].CostPerPerson(Perspective.PublicSector);
        var delta = run.IncrementalCost(1, Perspective.PublicSector);
        var cycles = model.Options.Cycles;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{{\"impl\":\"csharp\",\"mode\":\"micro-welfare\",\"threads\":{threads},\"people\":{people},\"cycles\":{cycles},\"strategies\":{compiled.Length},\"compile_s\":{compile:G4},\"total_s\":{total:G4},\"rate\":{people * (double)cycles * compiled.Length / (total - compile):G4},\"mean_public_cost\":{publicCost.Mean:F0},\"se_public_cost\":{publicCost.StandardError:F0},\"incremental_public_cost\":{delta.Mean:F0},\"se_incremental\":{delta.StandardError:F0},\"peak_rss_mb\":{PeakRssMb():F1}}}"));
        return 0;
    }

    private static long Arg(string[] args, string name, long fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? long.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
    }

    private static double Median(List<double> values)
    {
        var v = values.Order().ToArray();
        return v.Length % 2 == 1 ? v[v.Length / 2] : 0.5 * (v[(v.Length / 2) - 1] + v[v.Length / 2]);
    }

    /// <summary>Peak resident set size (VmHWM) in MB, from /proc/self/status; NaN where unavailable.</summary>
    public static double PeakRssMb()
    {
        const string path = "/proc/self/status";
        if (!File.Exists(path))
        {
            return double.NaN;
        }

        foreach (var line in File.ReadLines(path))
        {
            if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
            {
                var kb = long.Parse(line["VmHWM:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
                return kb / 1024.0;
            }
        }

        return double.NaN;
    }
}

/// <summary>
/// BenchmarkDotNet: the engine against a naive person-by-person microsimulation on welfare-4
/// (System.Random-free: the naive loop uses the same counter-based uniforms, one person at a time,
/// with the transition row searched in a fresh array each cycle, as a straightforward port of the
/// DARTH R tutorial would).
/// </summary>
[MemoryDiagnoser]
public class MicrosimBenchmarks
{
    private CompiledModel[] _compiled = null!;
    private LifeCourseModel _model = null!;
    private MicrosimOptions _options = null!;

    [Params(100_000)]
    public int People { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _model = Welfare4Micro.BuildModel();
        _compiled = [_model.Compile(Strategy.BusinessAsUsual)];
        _options = new MicrosimOptions { People = People, Threads = 1, Perspectives = [Perspective.ForPayer(Welfare4Micro.Health)], TrackDistributions = false };
    }

    [Benchmark(Baseline = true, Description = "naive: person by person, matrices from the result API")]
    public double Naive() => NaiveMicrosim.MeanCost(_model, People);

    [Benchmark(Description = "engine: 1 thread, lanes kernel")]
    public double Engine() => MicrosimEngine.RunCompiled(_compiled, _options).Results[0].CostPerPerson(_options.Perspectives![0]).Mean;

    [Benchmark(Description = "engine: 1 thread, with distributions")]
    public double EngineWithDistributions() => MicrosimEngine.RunCompiled(_compiled, _options with { TrackDistributions = true }).Results[0].CostPerPerson(_options.Perspectives![0]).Mean;
}

/// <summary>The naive baseline: one person at a time, a new probability array per person-cycle, costs looked up by name.</summary>
public static class NaiveMicrosim
{
    public static double MeanCost(LifeCourseModel model, int people)
    {
        var compiled = model.Compile(Strategy.BusinessAsUsual);
        var T = compiled.Cycles;
        var matrices = Enumerable.Range(0, T).Select(t => compiled.TransitionMatrix(0, t)).ToArray();
        var costs = new Dictionary<string, double> { ["H"] = 2000, ["S1"] = 4000, ["S2"] = 15000, ["D"] = 0 };
        var names = model.States.Select(s => s.Name).ToArray();
        var total = 0.0;
        for (var i = 0; i < people; i++)
        {
            var s = 0;
            var c = 0.0;
            for (var t = 0; t < T; t++)
            {
                c += costs[names[s]] / Math.Pow(1.03, t);
                var row = new double[names.Length];
                for (var j = 0; j < row.Length; j++)
                {
                    row[j] = matrices[t][s, j];
                }

                var u = CounterRng.Uniform(1, 0, i, t, CounterRng.TransitionStream);
                var acc = 0.0;
                var next = row.Length - 1;
                for (var j = 0; j < row.Length - 1; j++)
                {
                    acc += row[j];
                    if (u < acc)
                    {
                        next = j;
                        break;
                    }
                }

                s = next;
            }

            total += c;
        }

        return total / people;
    }
}
