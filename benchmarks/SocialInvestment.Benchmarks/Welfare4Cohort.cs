using System.Diagnostics;
using System.Globalization;
using SocialInvestment.Economics;
using SocialInvestment.Engine;
using SocialInvestment.Model;
using SocialInvestment.Uncertainty;

using SocialInvestment.Workloads;

namespace SocialInvestment.Benchmarks;

/// <summary>
/// The welfare-4 cohort PSA of benchmarks/yardsticks/workloads.md: K parameter draws (default 10,000), each
/// giving one discounted (cost, QALY) pair, on the library's homogeneous fast path
/// (<see cref="HomogeneousPsa"/>). Rate = draws per second including drawing the parameters.
/// </summary>
public static partial class Program
{
    static partial void RegisterCohortMode(Dictionary<string, Func<string[], int>> modes) => modes["cohort"] = Welfare4Cohort.Run;
}

/// <summary>The welfare-4 cohort PSA runner (model and distributions: <see cref="Welfare4"/>).</summary>
internal static class Welfare4Cohort
{
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
                case "--parts": return Parts(draws, repeats, seed);
                default:
                    Console.Error.WriteLine($"unknown option {args[i]}; use --draws K --threads N --repeats R --seed S [--path fast|generic]");
                    return 2;
            }
        }

        var model = Welfare4.BuildPsaModel();
        var spec = Welfare4.Specification(model);
        var kernel = HomogeneousCohortKernel.Create(model);
        var options = new PsaOptions { Draws = draws, Seed = seed, Threads = threads };
        var perspective = Perspective.ForPayer(Welfare4.HealthSystem);
        var times = new List<double>();
        double meanCost = 0, seCost = 0, meanQaly = 0, seQaly = 0;
        if (path != "generic")
        {
            // Start-up, untimed: tiered compilation moves hot code (the samplers, the model's own
            // functions) to fully optimised code only after ~30 calls and a 100 ms delay, so run for
            // one second before measuring steady state (the yardstick is compiled ahead of time).
            var warm = Stopwatch.StartNew();
            while (warm.Elapsed.TotalSeconds < 1.0)
            {
                HomogeneousPsa.Run(spec, kernel, options);
            }
        }

        var cpu = TimeSpan.Zero;
        for (var r = 0; r <= repeats; r++)
        {
            var cpu0 = Process.GetCurrentProcess().TotalProcessorTime;
            var sw = Stopwatch.StartNew();
            if (path == "generic")
            {
                var res = ProbabilisticAnalysis.Run(spec, options with { Perspectives = [perspective] });
                sw.Stop();
                var c = res.CostMoments(Strategy.BusinessAsUsual, perspective);
                var q = res.OutcomeMoments(Strategy.BusinessAsUsual, Outcome.Qaly);
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
                cpu += Process.GetCurrentProcess().TotalProcessorTime - cpu0;
            }
        }

        times.Sort();
        var median = times.Count % 2 == 1 ? times[times.Count / 2] : 0.5 * (times[(times.Count / 2) - 1] + times[times.Count / 2]);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{{\"impl\":\"csharp\",\"mode\":\"cohort\",\"path\":\"{path}\",\"threads\":{threads},\"draws\":{draws},\"repeats\":{repeats},\"median_s\":{median:G6},\"min_s\":{times[0]:G6},\"max_s\":{times[^1]:G6},\"rate_median\":{draws / median:G6},\"cpu_us_per_draw\":{cpu.TotalMicroseconds / ((double)draws * repeats):F4},\"mean_cost\":{meanCost:F6},\"se_cost\":{seCost:F6},\"mean_qaly\":{meanQaly:F8},\"se_qaly\":{seQaly:F8},\"peak_rss_mb\":{ProcessMemory.PeakRssMb():F1}}}"));
        return 0;
    }

    /// <summary>Single-thread CPU time of the three parts of a fast-path draw (min over repeats), for profiling on a shared machine.</summary>
    private static int Parts(int draws, int repeats, ulong seed)
    {
        var model = Welfare4.BuildPsaModel();
        var spec = Welfare4.Specification(model);
        var kernel = HomogeneousCohortKernel.Create(model);
        var ws = kernel.CreateWorkspace();
        double drawMin = double.MaxValue, lanesMin = double.MaxValue, cellMin = double.MaxValue, traceMin = double.MaxValue, sink = 0;
        for (var r = 0; r <= repeats; r++)
        {
            var sw = CpuClock.StartNew();
            for (var k = 0; k < draws; k++)
            {
                spec.DrawInto(seed, k, ws.Parameters);
            }

            drawMin = Math.Min(drawMin, sw.Elapsed.TotalSeconds);
            sw.Restart();
            for (var k = 0; k < draws; k += ws.DrawBatch)
            {
                spec.DrawLanes(seed, k, Math.Min(ws.DrawBatch, draws - k), ws.Random, ws.LaneRows);
            }

            lanesMin = Math.Min(lanesMin, sw.Elapsed.TotalSeconds);
            sw.Restart();
            for (var k = 0; k < draws; k++)
            {
                kernel.EvaluateLane(ws.Values, ws, k % HomogeneousCohortKernel.Lanes);
            }

            cellMin = Math.Min(cellMin, sw.Elapsed.TotalSeconds);
            sw.Restart();
            for (var k = 0; k < draws; k += HomogeneousCohortKernel.Lanes)
            {
                kernel.RunBatch(ws);
                sink += ws.Totals[0];
            }

            traceMin = Math.Min(traceMin, sw.Elapsed.TotalSeconds);
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{{\"mode\":\"cohort-parts\",\"draws\":{draws},\"draw_us\":{drawMin / draws * 1e6:F4},\"draw_lanes_us\":{lanesMin / draws * 1e6:F4},\"cell_us\":{cellMin / draws * 1e6:F4},\"trace_us\":{traceMin / draws * 1e6:F4},\"sink\":{sink:G3}}}"));
        return 0;
    }
}

/// <summary>A stopwatch on the process's CPU time (immune to preemption on a loaded machine).</summary>
internal sealed class CpuClock
{
    private TimeSpan _start;

    public static CpuClock StartNew() => new() { _start = Process.GetCurrentProcess().TotalProcessorTime };

    public TimeSpan Elapsed => Process.GetCurrentProcess().TotalProcessorTime - _start;

    public void Restart() => _start = Process.GetCurrentProcess().TotalProcessorTime;
}
