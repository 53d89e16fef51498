using System.Diagnostics;
using System.Globalization;
using SocialInvestment.Economics;
using SocialInvestment.Engine;
using SocialInvestment.Model;
using SocialInvestment.Uncertainty;

using SocialInvestment.Workloads;

namespace SocialInvestment.Benchmarks;

/// <summary>
/// The welfare-16 runners (benchmarks/yardsticks/welfare16.md §7 and §8) through the library's general
/// path: <c>welfare16 cohort [--draws K] [--threads N] [--repeats R] [--seed S] [--functions] [--keep]</c> runs the cohort
/// PSA (a draw = 19 parameters sampled and all 4 strategies run and appraised from 6 perspectives;
/// <c>--functions</c>: the workload with its drawn rates and amounts as functions, not level × shape; streamed
/// summaries, as the yardstick keeps no draws, <c>--keep</c>: every draw kept);
/// <c>welfare16 micro [--people N] [--threads N] [--repeats R] [--kernel auto|lanes|reference]</c> the microsimulation of the point
/// model (N people × 80 cycles × 4 strategies, common random numbers). Each prints one JSON line
/// in the fields of the C++ yardstick's lines (<c>rate_median</c> = draws/s or person-cycles/s). The cohort
/// line times runs of a PSA prepared once (<see cref="ProbabilisticAnalysis.Prepare"/>, its time as
/// <c>prepare_s</c>), as the yardstick builds its tables before it times, and one-off runs that prepare each
/// time as <c>whole_median_s</c> and <c>whole_rate_median</c>.
/// </summary>
public static class Welfare16Runner
{
    /// <summary>Dispatches <c>welfare16 MODE [options]</c>.</summary>
    public static int Run(string[] args)
    {
        if (args.Length < 1 || args[0] is not ("cohort" or "micro" or "parts"))
        {
            Console.Error.WriteLine("usage: welfare16 {cohort|micro|parts} [--threads N] [--draws K | --people N] [--repeats R] [--seed S] [--functions]");
            return 2;
        }

        return args[0] switch
        {
            "cohort" => Cohort(args[1..]),
            "parts" => Parts(args[1..]),
            _ => Micro(args[1..]),
        };
    }

    private static int Cohort(string[] args)
    {
        var draws = (int)RunnerArgs.Arg(args, "--draws", 2000);
        var threads = (int)RunnerArgs.Arg(args, "--threads", Environment.ProcessorCount);
        var repeats = (int)RunnerArgs.Arg(args, "--repeats", 3);
        var seed = (ulong)RunnerArgs.Arg(args, "--seed", 20261201);
        var model = Welfare16.Build(UptakeMode.MeanEffect, levelShape: !args.Contains("--functions"));
        var spec = Welfare16.Specification(model);
        var options = new PsaOptions { Draws = draws, Seed = seed, Threads = threads, Perspectives = Welfare16.Perspectives, KeepDraws = args.Contains("--keep") };

        // Warm-up, not timed: at least a second and 40 runs of each kind, so that the tiered JIT has compiled at
        // full optimisation both the hot loops and the set-up a run does once (a method is recompiled after 30
        // calls), before the timed repeats (the yardstick is compiled ahead of time).
        var warm = Stopwatch.StartNew();
        var runs = 0;
        do
        {
            var few = options with { Draws = Math.Min(draws, runs < 40 ? 64 : 1000) };
            ProbabilisticAnalysis.Run(spec, few);
            ProbabilisticAnalysis.Prepare(spec, few).Run(few);
            runs++;
        }
        while (warm.Elapsed.TotalSeconds < 1 || runs < 40);

        // The timed runs: of a PSA prepared once (its compiling and planning, as the yardstick computes its tables
        // before it times), and, as "whole", one-off runs that prepare each time.
        var prepareTimer = Stopwatch.StartNew();
        var prepared = ProbabilisticAnalysis.Prepare(spec, options);
        var prepare = prepareTimer.Elapsed.TotalSeconds;
        var times = new List<double>();
        var cpu = new List<double>();
        var whole = new List<double>();
        PsaResult? psa = null;
        for (var r = 0; r < repeats; r++)
        {
            var cpu0 = Process.GetCurrentProcess().TotalProcessorTime;
            var sw = Stopwatch.StartNew();
            psa = prepared.Run(options);
            times.Add(sw.Elapsed.TotalSeconds);
            cpu.Add((Process.GetCurrentProcess().TotalProcessorTime - cpu0).TotalSeconds);
            sw.Restart();
            var once = ProbabilisticAnalysis.Run(spec, options);
            whole.Add(sw.Elapsed.TotalSeconds);
            if (once.Summarize(PsaFigure.NetPresentValue, model.Strategies[^1], Welfare16.Perspectives[5]) != psa.Summarize(PsaFigure.NetPresentValue, model.Strategies[^1], Welfare16.Perspectives[5]))
            {
                throw new InvalidOperationException("A prepared PSA's run differs from a one-off run.");
            }
        }

        var bau = Welfare16.StrategyNamed(model, Welfare16.Bau);
        var (municipality, pub, society) = (Welfare16.Perspectives[0], Welfare16.Perspectives[4], Welfare16.Perspectives[5]);
        string Npv(string name, string strategy, Perspective p)
        {
            var npv = psa!.Summarize(PsaFigure.NetPresentValue, Welfare16.StrategyNamed(model, strategy), p);
            return Moments(name, npv.Mean, npv.StandardError);
        }

        string Cost(string name, Perspective p)
        {
            var cost = psa!.CostMoments(bau, p);
            return Moments(name, cost.Mean, cost.StandardError);
        }

        var median = RunnerArgs.Median(times);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{{\"impl\":\"csharp\",\"mode\":\"cohort\",\"kernel\":\"general\",\"threads\":{threads},\"draws\":{draws},\"reps\":{repeats},\"median_s\":{median:G6},\"min_s\":{times.Min():G6},\"max_s\":{times.Max():G6},\"rate_median\":{draws / median:G6},\"cpu_s_median\":{RunnerArgs.Median(cpu):G6},\"rate_per_cpu_s\":{draws / RunnerArgs.Median(cpu):G6},\"prepare_s\":{prepare:G4},\"whole_median_s\":{RunnerArgs.Median(whole):G6},\"whole_rate_median\":{draws / RunnerArgs.Median(whole):G6},")
            + Npv("npv_society_C", "C", society) + ","
            + string.Create(CultureInfo.InvariantCulture, $"\"p_npv_society_C_positive\":{psa!.ProbabilityPositiveNpv(Welfare16.StrategyNamed(model, "C"), society):F6},")
            + Npv("npv_society_A", "A", society) + "," + Npv("npv_society_B", "B", society) + ","
            + Npv("npv_municipality_A", "A", municipality) + "," + Npv("npv_public_C", "C", pub) + ","
            + Cost("total_public_BAU", pub) + "," + Cost("total_society_BAU", society) + ","
            + string.Create(CultureInfo.InvariantCulture, $"\"peak_rss_mb\":{ProcessMemory.PeakRssMb():F1}}}"));
        return 0;
    }

    /// <summary>
    /// <c>welfare16 parts [--draws K] [--one] [--functions]</c>: one thread, the cohort PSA's per-draw time split into
    /// sampling, compiled-entry update, trace + ledger and appraisal (µs per draw, CPU-bound parts
    /// timed with the stopwatch around each), and how many compiled blocks a draw recomputes. The
    /// draws run in SIMD lanes as the PSA runs them (<c>--one</c>: one by one).
    /// </summary>
    private static int Parts(string[] args)
    {
        var draws = (int)RunnerArgs.Arg(args, "--draws", 4000);
        var model = Welfare16.Build(UptakeMode.MeanEffect, levelShape: !args.Contains("--functions"));
        var spec = Welfare16.Specification(model);
        var strategies = model.Strategies;
        var evaluator = CohortDrawEvaluator.Create(spec, strategies, 0, Welfare16.Perspectives)!;
        var worker = evaluator.CreateWorker();
        var S = strategies.Count;
        var V = Welfare16.Perspectives.Count;
        var O = model.Outcomes.Count;
        var P = model.Parameters.Count;
        var one = args.Contains("--one");
        var W = one ? 1 : CohortDrawEvaluator.LaneCount;
        var b = new PsaBuffers(new double[S * V * W], new double[S * Math.Max(O, 1) * W], new double[4 * S * V * W], new double[P * W], W, 0);
        void Draws(int first, int count)
        {
            for (var k = first; k < first + count; k += W)
            {
                if (one)
                {
                    worker.Evaluate(k, 1, b, 0, default);
                }
                else
                {
                    worker.EvaluateBatch(k, Math.Min(W, first + count - k), 1, b, 0, null, default);
                }
            }
        }

        Draws(0, 512);

        // The set-up a PSA run pays before its first draw, timed once the JIT has compiled it (a second
        // evaluator and worker): the evaluator (every strategy compiled with its dependence, the lane
        // layout and tables), a worker, and its lanes (a compilation per lane and strategy).
        var setupAlloc0 = GC.GetTotalAllocatedBytes(precise: true);
        var setup = Stopwatch.StartNew();
        var again = CohortDrawEvaluator.Create(spec, strategies, 0, Welfare16.Perspectives)!;
        var create = setup.Elapsed.TotalSeconds;
        var setupAllocated = (GC.GetTotalAllocatedBytes(precise: true) - setupAlloc0) / 1048576.0;
        setup.Restart();
        var againWorker = again.CreateWorker();
        var workerSetup = setup.Elapsed.TotalSeconds;
        setup.Restart();
        againWorker.PrepareLanes();
        var laneSetup = setup.Elapsed.TotalSeconds;

        worker.Timed = true;
        var cpu0 = Process.GetCurrentProcess().TotalProcessorTime;
        var alloc0 = GC.GetAllocatedBytesForCurrentThread();
        var sw = Stopwatch.StartNew();
        Draws(0, draws);
        var total = sw.Elapsed.TotalSeconds;
        var cpu = (Process.GetCurrentProcess().TotalProcessorTime - cpu0).TotalSeconds;
        var allocated = (GC.GetAllocatedBytesForCurrentThread() - alloc0) / (double)draws;
        double Us(long ticks) => ticks * 1e6 / Stopwatch.Frequency / draws;
        var t = worker.Ticks;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{{\"impl\":\"csharp\",\"mode\":\"parts\",\"lanes\":{W},\"threads\":1,\"draws\":{draws},\"setup_evaluator_s\":{create:F3},\"setup_evaluator_allocated_mb\":{setupAllocated:F1},\"setup_worker_s\":{workerSetup:F3},\"setup_lanes_s\":{laneSetup:F3},\"us_per_draw\":{total * 1e6 / draws:F2},\"cpu_us_per_draw\":{cpu * 1e6 / draws:F2},\"bytes_allocated_per_draw\":{allocated:F0},\"sampling_us\":{Us(t[0]):F2},\"update_us\":{Us(t[1]):F2},\"trace_ledger_us\":{Us(t[2]):F2},\"appraisal_us\":{Us(t[3]):F2},\"update_rows_us\":{Us(t[4]):F2},\"update_cells_us\":{Us(t[5]):F2},{evaluator.BlockCounts()}}}"));
        return 0;
    }

    private static int Micro(string[] args)
    {
        var people = (int)RunnerArgs.Arg(args, "--people", 100_000);
        var threads = (int)RunnerArgs.Arg(args, "--threads", Environment.ProcessorCount);
        var repeats = (int)RunnerArgs.Arg(args, "--repeats", 3);
        var kernel = Welfare4Micro.Kernel(args);
        var model = Welfare16.Build(UptakeMode.Subcohorts);
        var society = Welfare16.Perspectives[5];
        var sw0 = Stopwatch.StartNew();
        var compiled = model.Strategies.Select(s => model.Compile(s)).ToArray();
        var compile = sw0.Elapsed.TotalSeconds;
        var options = new MicrosimOptions { People = people, Threads = threads, Seed = 777, Perspectives = [society], TrackDistributions = false };

        // JIT warm-up, not timed.
        Welfare4Micro.Simulate(compiled, options with { People = Math.Min(people, 20_000) }, kernel);
        var times = new List<double>();
        var cpu = new List<double>();
        var whole = new List<double>();
        MicrosimComparison? run = null;
        for (var r = 0; r < repeats; r++)
        {
            // As BenchmarkDotNet does before each iteration: the garbage of the runs before (the plan and
            // lane tables, a few MB, mostly large objects) is collected outside the timing, so that the
            // peak RSS is that of one run, not of the repeats' garbage piled up.
            GC.Collect();

            // Timed as the C++ yardstick times its micro mode: the per-run tables (the plan and lane
            // tables of this seed; the C++ builds its tables in init_micro before its clock starts)
            // and the statistics of the results (the C++ computes them after its clock stops) are
            // outside the timing. "whole_median_s" is the time of the public path with both included.
            var o = options with { Seed = 777 + (ulong)r };
            var w0 = Stopwatch.StartNew();
            var (plan, lanes) = MicrosimEngine.Prepare(compiled, o, kernel);
            var cpu0 = Process.GetCurrentProcess().TotalProcessorTime;
            var sw = Stopwatch.StartNew();
            var partial = MicrosimEngine.RunPrepared(plan, lanes, 0, people);
            times.Add(sw.Elapsed.TotalSeconds);
            cpu.Add((Process.GetCurrentProcess().TotalProcessorTime - cpu0).TotalSeconds);
            run = MicrosimEngine.Complete(partial);
            whole.Add(w0.Elapsed.TotalSeconds);
        }

        var median = RunnerArgs.Median(times);
        var cycles = model.Options.Cycles;
        var line = string.Create(CultureInfo.InvariantCulture,
            $"{{\"impl\":\"csharp\",\"mode\":\"micro\",\"kernel\":\"{kernel.ToString().ToLowerInvariant()}\",\"threads\":{threads},\"N\":{people},\"reps\":{repeats},\"compile_s\":{compile:G4},\"median_s\":{median:G6},\"min_s\":{times.Min():G6},\"max_s\":{times.Max():G6},\"rate_median\":{compiled.Length * (double)people * cycles / median:G6},\"cpu_s_median\":{RunnerArgs.Median(cpu):G6},\"rate_per_cpu_s\":{compiled.Length * (double)people * cycles / RunnerArgs.Median(cpu):G6},\"whole_median_s\":{RunnerArgs.Median(whole):G6},\"whole_rate_median\":{compiled.Length * (double)people * cycles / RunnerArgs.Median(whole):G6}");
        foreach (var r in run!.Results)
        {
            var e = r.CostPerPerson(society);
            line += string.Create(CultureInfo.InvariantCulture, $",\"mean_society_{r.Strategy.Name}\":{e.Mean:F3},\"se_society_{r.Strategy.Name}\":{e.StandardError:F3}");
        }

        var d = run.IncrementalCost(3, society);
        line += string.Create(CultureInfo.InvariantCulture, $",\"mean_society_C_minus_BAU\":{d.Mean:F3},\"se_society_C_minus_BAU\":{d.StandardError:F3},\"peak_rss_mb\":{ProcessMemory.PeakRssMb():F1}}}");
        Console.WriteLine(line);
        return 0;
    }

    private static string Moments(string name, double mean, double se)
        => string.Create(CultureInfo.InvariantCulture, $"\"mean_{name}\":{mean:F4},\"se_{name}\":{se:F4}");
}
