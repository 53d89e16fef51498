using System.Diagnostics;
using System.Globalization;
using SocialInvestment.Engine;
using SocialInvestment.Scenarios;
using SocialInvestment.Uncertainty;

namespace SocialInvestment.Benchmarks;

/// <summary>
/// <c>norway [--draws K] [--threads N] [--general] [--settle]</c>: the embedded Norwegian default's PSA (14
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
