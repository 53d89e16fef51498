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
}
