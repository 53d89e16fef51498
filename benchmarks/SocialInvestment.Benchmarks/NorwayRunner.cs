using System.Diagnostics;
using System.Globalization;
using SocialInvestment.Engine;
using SocialInvestment.Scenarios;
using SocialInvestment.Uncertainty;

namespace SocialInvestment.Benchmarks;

/// <summary>
/// <c>norway [--draws K] [--threads N] [--general] [--settle]</c> (and <c>norway parts</c>, <see cref="Parts"/>): the embedded Norwegian default's PSA (14
/// states, 68 cycles, 4 strategies, its parameter distributions, its perspectives) through the core,
/// without the CLI's files: the default per-draw evaluation, or with <c>--general</c> the path that
/// compiles, runs and appraises every draw in full. <c>--settle</c> also settles every draw of every
/// strategy with the example plan, as <c>socinv run --draws</c> does (payer-flow observers; with
/// <c>--general</c> the evaluators the CLI used before). Prints one JSON line with wall and CPU time.
/// </summary>
public static class NorwayRunner
{
    public static int Run(string[] args)
    {
        if (args.Length > 0 && args[0] == "parts")
        {
            return Parts(args[1..]);
        }

        var draws = (int)RunnerArgs.Arg(args, "--draws", 10_000);
        var threads = (int)RunnerArgs.Arg(args, "--threads", Environment.ProcessorCount);
        var general = args.Contains("--general");
        var scenario = NorwegianDefault.Load();
        var model = scenario.BuildModel();
        var spec = scenario.ToPsaSpecification(model);
        var comparator = model.Strategies.First(s => s.Name == scenario.Settings.Comparator);
        var options = new PsaOptions { Draws = draws, Seed = 20260101, Threads = threads, Strategies = model.Strategies, Comparator = comparator, Perspectives = scenario.Perspectives() };
        var settle = args.Contains("--settle");
        (PsaOptions, StrategyEvaluator?) Setup(int k)
        {
            StrategyEvaluator? evaluator = general ? (s, p, _, ct) => CohortEngine.Run(model, s, p, ct) : null;
            if (!settle)
            {
                return (options with { Draws = k }, evaluator);
            }

            var collectors = new List<SettlementUncertainty>();
            foreach (var s in model.Strategies.Where(s => s != comparator))
            {
                // Chained as the CLI chained them before (each collector's inner evaluator is the previous one's).
                collectors.Add(new SettlementUncertainty(model, SettlementFile.ExamplePlan, s, comparator, k, general ? evaluator : null));
                evaluator = general ? collectors[^1].Evaluator : null;
            }

            if (general)
            {
                return (options with { Draws = k }, evaluator);
            }

            return (options with
            {
                Draws = k,
                PayerFlowObserver = f =>
                {
                    foreach (var c in collectors)
                    {
                        c.Observer(f);
                    }
                },
            }, null);
        }

        var (warmOptions, warmEvaluator) = Setup(Math.Min(draws, 64));
        ProbabilisticAnalysis.Run(spec, warmOptions, warmEvaluator);
        var (runOptions, runEvaluator) = Setup(draws);
        var cpu0 = Process.GetCurrentProcess().TotalProcessorTime;
        var sw = Stopwatch.StartNew();
        var psa = ProbabilisticAnalysis.Run(spec, runOptions, runEvaluator);
        var wall = sw.Elapsed.TotalSeconds;
        var cpu = (Process.GetCurrentProcess().TotalProcessorTime - cpu0).TotalSeconds;
        var strategy = model.Strategies[^1];
        var evaluator = general ? null : CohortDrawEvaluator.Create(spec, model.Strategies, model.Strategies.ToList().IndexOf(comparator), options.Perspectives!);
        var blocks = evaluator is null ? "" : string.Create(CultureInfo.InvariantCulture, $",\"lanes\":{(evaluator.HasLanes ? CohortDrawEvaluator.LaneCount : 1)},{evaluator.BlockCounts()}");
        var npv = psa.Summarize(PsaFigure.NetPresentValue, strategy, options.Perspectives![^1]);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{{\"impl\":\"csharp\",\"mode\":\"norway\",\"path\":\"{(general ? "general" : "incremental")}\",\"settle\":{(settle ? "true" : "false")},\"threads\":{threads},\"draws\":{draws},\"wall_s\":{wall:G6},\"cpu_s\":{cpu:G6},\"rate\":{draws / wall:G6},\"rate_per_cpu_s\":{draws / cpu:G6},\"mean_npv_last_strategy_last_perspective\":{npv.Mean:R},\"peak_rss_mb\":{ProcessMemory.PeakRssMb():F1}{blocks}}}"));
        return 0;
    }

    /// <summary>
    /// <c>norway parts [--draws K] [--settle]</c>: one thread, the Norwegian default's PSA split into
    /// the fixed setup (the evaluator's base compilations and plans, a worker's copies, its lane storage
    /// and lane compilations; each timed on a second evaluator, after a warm-up one has run 512 draws)
    /// and the per-draw parts (sampling, compiled-entry update with its rows and cells, trace + ledger,
    /// appraisal, and with <c>--settle</c> the payer flows and the settlement of the three strategies
    /// against the comparator), in µs per draw by the stopwatch around each part. Then the same draws
    /// through <see cref="ProbabilisticAnalysis.Run"/> on one thread, whose CPU time less the setup and
    /// the parts' CPU time is what the PSA adds around the evaluator (<c>other_us</c>: summaries, buffers).
    /// </summary>
    private static int Parts(string[] args)
    {
        var draws = (int)RunnerArgs.Arg(args, "--draws", 10_000);
        var settle = args.Contains("--settle");
        var scenario = NorwegianDefault.Load();
        var model = scenario.BuildModel();
        var spec = scenario.ToPsaSpecification(model);
        var comparator = model.Strategies.First(s => s.Name == scenario.Settings.Comparator);
        var ci = model.Strategies.ToList().IndexOf(comparator);
        var perspectives = scenario.Perspectives();
        var S = model.Strategies.Count;
        var V = perspectives.Count;
        var O = model.Outcomes.Count;
        var P = model.Parameters.Count;
        var W = CohortDrawEvaluator.LaneCount;
        var b = new PsaBuffers(new double[S * V * W], new double[S * Math.Max(O, 1) * W], new double[4 * S * V * W], new double[P * W], W, 0);
        PsaPayerFlowObserver? Observer(int k)
        {
            if (!settle)
            {
                return null;
            }

            var collectors = model.Strategies.Where(s => s != comparator).Select(s => new SettlementUncertainty(model, SettlementFile.ExamplePlan, s, comparator, k)).ToArray();
            return f =>
            {
                foreach (var c in collectors)
                {
                    c.Observer(f);
                }
            };
        }

        void Draws(CohortDrawEvaluator.Worker worker, int count, PsaPayerFlowObserver? observer)
        {
            for (var k = 0; k < count; k += W)
            {
                worker.EvaluateBatch(k, Math.Min(W, count - k), 20260101, b, 0, observer, default);
            }
        }

        // JIT warm-up on a first evaluator, not timed.
        var warm = CohortDrawEvaluator.Create(spec, model.Strategies, ci, perspectives, settle)!;
        Draws(warm.CreateWorker(), 512, Observer(512));

        var sw = Stopwatch.StartNew();
        var evaluator = CohortDrawEvaluator.Create(spec, model.Strategies, ci, perspectives, settle)!;
        var create = sw.Elapsed.TotalSeconds;
        sw.Restart();
        var worker = evaluator.CreateWorker();
        var workerSetup = sw.Elapsed.TotalSeconds;
        sw.Restart();
        worker.PrepareLanes();
        var laneSetup = sw.Elapsed.TotalSeconds;
        var observer = Observer(draws);
        worker.Timed = true;
        var cpu0 = Process.GetCurrentProcess().TotalProcessorTime;
        var alloc0 = GC.GetAllocatedBytesForCurrentThread();
        sw.Restart();
        Draws(worker, draws, observer);
        var total = sw.Elapsed.TotalSeconds;
        var cpu = (Process.GetCurrentProcess().TotalProcessorTime - cpu0).TotalSeconds;
        var allocated = (GC.GetAllocatedBytesForCurrentThread() - alloc0) / (double)draws;
        double Us(long ticks) => ticks * 1e6 / Stopwatch.Frequency / draws;
        var t = worker.Ticks;

        // The same draws through the PSA on one thread (its own evaluator, worker and summaries).
        var options = new PsaOptions { Draws = draws, Seed = 20260101, Threads = 1, Strategies = model.Strategies, Comparator = comparator, Perspectives = perspectives, PayerFlowObserver = Observer(draws) };
        var runCpu0 = Process.GetCurrentProcess().TotalProcessorTime;
        sw.Restart();
        ProbabilisticAnalysis.Run(spec, options);
        var runWall = sw.Elapsed.TotalSeconds;
        var runCpu = (Process.GetCurrentProcess().TotalProcessorTime - runCpu0).TotalSeconds;
        var setup = create + workerSetup + laneSetup;
        var other = ((runCpu - setup) * 1e6 / draws) - (cpu * 1e6 / draws);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{{\"impl\":\"csharp\",\"mode\":\"norway-parts\",\"lanes\":{(evaluator.HasLanes ? W : 1)},\"threads\":1,\"settle\":{(settle ? "true" : "false")},\"draws\":{draws},\"setup_s\":{setup:F3},\"setup_evaluator_s\":{create:F3},\"setup_worker_s\":{workerSetup:F3},\"setup_lanes_s\":{laneSetup:F3},\"us_per_draw\":{total * 1e6 / draws:F2},\"cpu_us_per_draw\":{cpu * 1e6 / draws:F2},\"bytes_allocated_per_draw\":{allocated:F0},\"sampling_us\":{Us(t[0]):F2},\"update_us\":{Us(t[1]):F2},\"update_rows_us\":{Us(t[4]):F2},\"update_cells_us\":{Us(t[5]):F2},\"trace_ledger_us\":{Us(t[2]):F2},\"appraisal_us\":{Us(t[3]):F2},\"payer_flows_us\":{Us(t[6]):F2},\"settlement_us\":{Us(t[7]):F2},\"run_wall_s\":{runWall:F3},\"run_cpu_s\":{runCpu:F3},\"other_us\":{other:F2},{evaluator.BlockCounts()}}}"));
        return 0;
    }

    /// <summary>
    /// <c>norway-micro [--people N] [--threads N] [--repeats R] [--kernel auto|lanes|reference] [--no-distributions]</c>:
    /// the Norwegian default's microsimulation (all strategies, common random numbers, its perspectives,
    /// distributions tracked unless told not to). One JSON line: median wall and CPU time, person-cycles/s.
    /// </summary>
    public static int Micro(string[] args)
    {
        var people = (int)RunnerArgs.Arg(args, "--people", 100_000);
        var threads = (int)RunnerArgs.Arg(args, "--threads", Environment.ProcessorCount);
        var repeats = (int)RunnerArgs.Arg(args, "--repeats", 3);
        var kernel = Welfare4Micro.Kernel(args);
        var scenario = NorwegianDefault.Load();
        var model = scenario.BuildModel();
        var compiled = model.Strategies.Select(s => model.Compile(s)).ToArray();
        var options = new MicrosimOptions { People = people, Threads = threads, Seed = 20260101, Perspectives = scenario.Perspectives(), TrackDistributions = !args.Contains("--no-distributions") };
        Welfare4Micro.Simulate(compiled, options with { People = Math.Min(people, 20_000) }, kernel);
        var times = new List<double>();
        var cpu = new List<double>();
        MicrosimComparison? run = null;
        for (var r = 0; r < repeats; r++)
        {
            var cpu0 = Process.GetCurrentProcess().TotalProcessorTime;
            var sw = Stopwatch.StartNew();
            run = Welfare4Micro.Simulate(compiled, options, kernel);
            times.Add(sw.Elapsed.TotalSeconds);
            cpu.Add((Process.GetCurrentProcess().TotalProcessorTime - cpu0).TotalSeconds);
        }

        var personCycles = compiled.Length * (double)people * model.Options.Cycles;
        var p0 = options.Perspectives![0];
        var d = run!.IncrementalCost(compiled.Length - 1, p0);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{{\"impl\":\"csharp\",\"mode\":\"norway-micro\",\"kernel\":\"{kernel.ToString().ToLowerInvariant()}\",\"threads\":{threads},\"N\":{people},\"strategies\":{compiled.Length},\"states\":{compiled[0].ExpandedStateCount},\"subcohorts\":{compiled.Max(c => c.SubcohortCount)},\"cycles\":{model.Options.Cycles},\"distributions\":{(options.TrackDistributions ? "true" : "false")},\"median_s\":{RunnerArgs.Median(times):G6},\"cpu_s_median\":{RunnerArgs.Median(cpu):G6},\"rate_median\":{personCycles / RunnerArgs.Median(times):G6},\"rate_per_cpu_s\":{personCycles / RunnerArgs.Median(cpu):G6},\"mean_last_minus_first\":{d.Mean:F3},\"se_last_minus_first\":{d.StandardError:F3},\"peak_rss_mb\":{ProcessMemory.PeakRssMb():F1}}}"));
        return 0;
    }
}
