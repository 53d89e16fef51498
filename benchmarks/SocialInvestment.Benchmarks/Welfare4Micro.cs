using System.Diagnostics;
using System.Globalization;
using BenchmarkDotNet.Attributes;
using SocialInvestment.Economics;
using SocialInvestment.Engine;
using SocialInvestment.Model;

using SocialInvestment.Workloads;

namespace SocialInvestment.Benchmarks;

/// <summary>
/// The welfare-4 microsimulation runner (benchmarks/yardsticks/workloads.md, "Microsimulation mode"):
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
    /// <summary><c>micro [--people N] [--threads N] [--repeats R] [--distributions] [--kernel auto|lanes|reference]</c>.</summary>
    public static int Run(string[] args)
    {
        var people = (int)RunnerArgs.Arg(args, "--people", 1_000_000);
        var threads = (int)RunnerArgs.Arg(args, "--threads", Environment.ProcessorCount);
        var repeats = (int)RunnerArgs.Arg(args, "--repeats", 5);
        var distributions = args.Contains("--distributions");
        var kernel = Kernel(args);
        var model = Welfare4.BuildPointModel();
        var compiled = new[] { model.Compile(model.Strategies.Count > 0 ? model.Strategies[0] : Strategy.BusinessAsUsual) };
        var perspective = Perspective.ForPayer(Welfare4.HealthSystem);
        var options = new MicrosimOptions
        {
            People = people,
            Threads = threads,
            Seed = 777,
            Perspectives = [perspective],
            TrackDistributions = distributions,
        };

        // Start-up and JIT warm-up, not timed.
        Simulate(compiled, options with { People = Math.Min(people, 200_000) }, kernel);
        var times = new List<double>();
        var cpu = new List<double>();
        MicrosimComparison? last = null;
        for (var r = 0; r < repeats; r++)
        {
            var cpu0 = Process.GetCurrentProcess().TotalProcessorTime;
            var sw = Stopwatch.StartNew();
            last = Simulate(compiled, options with { Seed = 777 + (ulong)r }, kernel);
            times.Add(sw.Elapsed.TotalSeconds);
            cpu.Add((Process.GetCurrentProcess().TotalProcessorTime - cpu0).TotalSeconds);
        }

        var result = last!.Results[0];
        var cost = result.CostPerPerson(perspective);
        var qaly = result.OutcomePerPerson(Outcome.Qaly);
        var median = RunnerArgs.Median(times);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{{\"impl\":\"csharp\",\"mode\":\"micro\",\"kernel\":\"{kernel.ToString().ToLowerInvariant()}\",\"distributions\":{(distributions ? "true" : "false")},\"threads\":{threads},\"people\":{people},\"cycles\":60,\"reps\":{repeats},\"median_s\":{median:G6},\"min_s\":{times.Min():G6},\"max_s\":{times.Max():G6},\"rate_median\":{people * 60.0 / median:G6},\"cpu_s_median\":{RunnerArgs.Median(cpu):G6},\"rate_per_cpu_s\":{people * 60.0 / RunnerArgs.Median(cpu):G6},\"mean_cost\":{cost.Mean:F6},\"se_cost\":{cost.StandardError:F6},\"mean_qaly\":{qaly.Mean:F8},\"se_qaly\":{qaly.StandardError:F8},\"peak_rss_mb\":{ProcessMemory.PeakRssMb():F1}}}"));
        return 0;
    }

    /// <summary><c>--kernel auto</c> (default: the engine's choice), <c>--kernel lanes</c> (the lane kernel wherever it applies) or <c>--kernel reference</c> (the person-group kernels; bit-identical results).</summary>
    internal static MicrosimKernel Kernel(string[] args)
    {
        var i = Array.IndexOf(args, "--kernel");
        return i < 0 || i + 1 >= args.Length ? MicrosimKernel.Auto : args[i + 1] switch
        {
            "reference" => MicrosimKernel.Reference,
            "lanes" => MicrosimKernel.Lanes,
            _ => MicrosimKernel.Auto,
        };
    }

    /// <summary>All people of <paramref name="options"/> on the chosen kernel.</summary>
    internal static MicrosimComparison Simulate(IReadOnlyList<CompiledModel> compiled, MicrosimOptions options, MicrosimKernel kernel)
        => MicrosimEngine.Complete(MicrosimEngine.RunRange(compiled, options, 0, options.People, kernel));

    /// <summary><c>micro-welfare [--people N] [--threads N]</c>: the welfare-sized model, both strategies with common random numbers.</summary>
    public static int RunWelfare(string[] args)
    {
        var people = (int)RunnerArgs.Arg(args, "--people", 100_000);
        var threads = (int)RunnerArgs.Arg(args, "--threads", Environment.ProcessorCount);
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
        var size = model.Population.Size;
        var exact = compiled.Select(c => CohortEngine.RunCompiled(c).TotalCost(Perspective.PublicSector) / size).ToArray();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{{\"impl\":\"csharp\",\"mode\":\"micro-welfare\",\"threads\":{threads},\"people\":{people},\"cycles\":{cycles},\"strategies\":{compiled.Length},\"compile_s\":{compile:G4},\"total_s\":{total:G4},\"rate\":{people * (double)cycles * compiled.Length / (total - compile):G4},\"mean_public_cost\":{publicCost.Mean:F0},\"se_public_cost\":{publicCost.StandardError:F0},\"incremental_public_cost\":{delta.Mean:F0},\"se_incremental\":{delta.StandardError:F0},\"cohort_public_cost\":{exact[0]:F0},\"cohort_incremental\":{exact[1] - exact[0]:F0},\"peak_rss_mb\":{ProcessMemory.PeakRssMb():F1}}}"));
        return 0;
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
        _model = Welfare4.BuildPointModel();
        _compiled = [_model.Compile(Strategy.BusinessAsUsual)];
        _options = new MicrosimOptions { People = People, Threads = 1, Perspectives = [Perspective.ForPayer(Welfare4.HealthSystem)], TrackDistributions = false };
    }

    [Benchmark(Baseline = true, Description = "naive: person by person, matrices from the result API")]
    public double Naive() => NaiveMicrosim.MeanCost(_model, People);

    [Benchmark(Description = "engine: 1 thread, lean kernel")]
    public double Engine() => MicrosimEngine.RunCompiled(_compiled, _options).Results[0].CostPerPerson(_options.Perspectives![0]).Mean;

    [Benchmark(Description = "engine: 1 thread, with distributions")]
    public double EngineWithDistributions() => MicrosimEngine.RunCompiled(_compiled, _options with { TrackDistributions = true }).Results[0].CostPerPerson(_options.Perspectives![0]).Mean;
}

/// <summary>
/// BenchmarkDotNet: the lane kernel against the person-group kernels it replaced (the baseline;
/// results are bit-identical), on welfare-16 (4 strategies, sub-cohorts from partial uptake,
/// 16 states × 80 cycles) and welfare-4 (1 strategy, 4 states × 60 cycles), 1 thread.
/// </summary>
[MemoryDiagnoser]
public class MicrosimKernelBenchmarks
{
    private CompiledModel[] _welfare16 = null!;
    private CompiledModel[] _welfare4 = null!;
    private MicrosimOptions _options16 = null!;
    private MicrosimOptions _options4 = null!;

    [Params(20_000)]
    public int People { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var w16 = Welfare16.Build(UptakeMode.Subcohorts);
        _welfare16 = [.. w16.Strategies.Select(s => w16.Compile(s))];
        _options16 = new MicrosimOptions { People = People, Threads = 1, Seed = 777, Perspectives = [Welfare16.Perspectives[5]], TrackDistributions = false };
        var w4 = Welfare4.BuildPointModel();
        _welfare4 = [w4.Compile(Strategy.BusinessAsUsual)];
        _options4 = new MicrosimOptions { People = 5 * People, Threads = 1, Seed = 777, Perspectives = [Perspective.ForPayer(Welfare4.HealthSystem)], TrackDistributions = false };
    }

    [Benchmark(Baseline = true, Description = "welfare-16: reference kernels (person groups)")]
    public double Welfare16Reference() => Welfare4Micro.Simulate(_welfare16, _options16, MicrosimKernel.Reference).IncrementalCost(3, _options16.Perspectives![0]).Mean;

    [Benchmark(Description = "welfare-16: lane kernel")]
    public double Welfare16Lanes() => Welfare4Micro.Simulate(_welfare16, _options16, MicrosimKernel.Auto).IncrementalCost(3, _options16.Perspectives![0]).Mean;

    [Benchmark(Description = "welfare-4: lean SIMD kernel (the engine's choice)")]
    public double Welfare4Lean() => Welfare4Micro.Simulate(_welfare4, _options4, MicrosimKernel.Auto).Results[0].CostPerPerson(_options4.Perspectives![0]).Mean;

    [Benchmark(Description = "welfare-4: lane kernel")]
    public double Welfare4Lanes() => Welfare4Micro.Simulate(_welfare4, _options4, MicrosimKernel.Lanes).Results[0].CostPerPerson(_options4.Perspectives![0]).Mean;
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
