using System.Diagnostics;
using System.Globalization;
using System.Text;
using SocialInvestment.Scenarios;

namespace SocialInvestment.Benchmarks;

/// <summary>
/// <c>readbuild grow DIR MB</c> writes the Norwegian default into DIR with <c>flows.csv</c> grown to
/// about MB megabytes from its own rows, every amount different (as in docs/input-boundary.md);
/// <c>readbuild measure DIR</c> then does what <c>socinv validate</c> does (<see cref="ScenarioReader.Read(string, ScenarioLimits)"/>
/// then <see cref="Scenario.BuildModel(SocialInvestment.Model.ModelLimits)"/>) with the file and row limits raised, and prints one
/// JSON line: rows, CPU and wall seconds, bytes allocated, peak RSS. Run the two in separate
/// processes so that the peak RSS is the measurement's alone.
/// </summary>
public static class ReadBuildRunner
{
    public static int Run(string[] args)
    {
        if (args.Length >= 3 && args[0] == "grow")
        {
            Grow(args[1], long.Parse(args[2], CultureInfo.InvariantCulture) * 1_000_000);
            return 0;
        }

        if (args.Length >= 2 && args[0] == "measure")
        {
            return Measure(args[1], args.Contains("--sample"));
        }

        if (args.Length >= 2 && args[0] == "stages")
        {
            return Stages(args[1]);
        }

        Console.Error.WriteLine("usage: readbuild grow DIR MB | readbuild measure DIR");
        return 2;
    }

    private static void Grow(string dir, long bytes)
    {
        Directory.CreateDirectory(dir);
        NorwegianDefault.WriteTo(dir);
        var path = Path.Combine(dir, "flows.csv");
        var lines = File.ReadAllLines(path);
        var header = lines[0];
        var amount = header.Split(',').ToList().IndexOf("amount");
        var rows = lines.Skip(1).Where(l => l.Length > 0 && !l.StartsWith('#') && !l.Contains('"', StringComparison.Ordinal) && l.Split(',')[amount].Length > 0).ToArray();
        using var w = new StreamWriter(path, false, new UTF8Encoding(false));
        w.NewLine = "\n";
        w.WriteLine(header);
        long written = header.Length + 1;
        var n = 0;
        while (written < bytes)
        {
            var f = rows[n % rows.Length].Split(',');
            f[amount] = (double.Parse(f[amount], CultureInfo.InvariantCulture) * (1 + (n * 1e-9))).ToString("R", CultureInfo.InvariantCulture);
            var line = string.Join(',', f);
            w.WriteLine(line);
            written += Encoding.UTF8.GetByteCount(line) + 1;
            n++;
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{{\"rows\":{n},\"bytes\":{written}}}"));
    }

    /// <summary>Retained and allocated bytes of each stage, with full collections between them (so not a peak measurement).</summary>
    private static int Stages(string dir)
    {
        var limits = ScenarioLimits.Default with { MaxFileBytes = long.MaxValue, MaxRowsPerTable = int.MaxValue };
        var fileBytes = (double)new FileInfo(Path.Combine(dir, "flows.csv")).Length;
        var m0 = GC.GetTotalMemory(forceFullCollection: true);
        var a0 = GC.GetAllocatedBytesForCurrentThread();
        var scenario = ScenarioReader.Read(dir, limits);
        var a1 = GC.GetAllocatedBytesForCurrentThread();
        var m1 = GC.GetTotalMemory(forceFullCollection: true);
        var a2 = GC.GetAllocatedBytesForCurrentThread();
        var model = scenario.BuildModel(limits.Model);  // the reader's model was collected above: this builds again
        var a3 = GC.GetAllocatedBytesForCurrentThread();
        var m2 = GC.GetTotalMemory(forceFullCollection: true);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{{\"mode\":\"readbuild-stages\",\"rows\":{scenario.Flows.Count},\"read_allocated_per_byte\":{(a1 - a0) / fileBytes:F2},\"scenario_retained_per_byte\":{(m1 - m0) / fileBytes:F2},\"build_allocated_per_byte\":{(a3 - a2) / fileBytes:F2},\"model_retained_per_byte\":{(m2 - m1) / fileBytes:F2},\"peak_rss_mb\":{ProcessMemory.PeakRssMb():F1}}}"));
        GC.KeepAlive(model);
        GC.KeepAlive(scenario);
        return 0;
    }

    private static int Measure(string dir, bool sample = false)
    {
        using var stop = new CancellationTokenSource();
        var sampler = sample ? Task.Run(() => Sample(stop.Token)) : Task.CompletedTask;
        var limits = ScenarioLimits.Default with { MaxFileBytes = long.MaxValue, MaxRowsPerTable = int.MaxValue };
        var cpu0 = Process.GetCurrentProcess().TotalProcessorTime;
        var sw = Stopwatch.StartNew();
        var alloc0 = GC.GetTotalAllocatedBytes(precise: true);
        var scenario = ScenarioReader.Read(dir, limits);
        var readS = sw.Elapsed.TotalSeconds;
        var model = scenario.BuildModel(limits.Model);
        var wall = sw.Elapsed.TotalSeconds;
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - alloc0;
        var cpu = (Process.GetCurrentProcess().TotalProcessorTime - cpu0).TotalSeconds;
        var info = GC.GetGCMemoryInfo(GCKind.Any);
        var fileBytes = new FileInfo(Path.Combine(dir, "flows.csv")).Length;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{{\"mode\":\"readbuild\",\"flows_bytes\":{fileBytes},\"rows\":{scenario.Flows.Count},\"flows\":{model.Flows.Count},\"read_wall_s\":{readS:F1},\"wall_s\":{wall:F1},\"cpu_s\":{cpu:F1},\"allocated_mb\":{allocated / 1e6:F0},\"gc_heap_mb\":{info.HeapSizeBytes / 1e6:F0},\"gcs\":{GC.CollectionCount(0)}/{GC.CollectionCount(1)}/{GC.CollectionCount(2)},\"peak_rss_mb\":{ProcessMemory.PeakRssMb():F1}}}"));
        GC.KeepAlive(model);
        stop.Cancel();
        sampler.Wait();
        return 0;
    }

    /// <summary>Prints, to standard error every 200 ms, the seconds since start, the resident set, the GC's committed bytes and its heap size after the last collection (MB).</summary>
    private static void Sample(CancellationToken ct)
    {
        var sw = Stopwatch.StartNew();
        while (!ct.IsCancellationRequested)
        {
            var rss = File.ReadAllText("/proc/self/statm").Split(' ')[1];
            var info = GC.GetGCMemoryInfo(GCKind.Any);
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{sw.Elapsed.TotalSeconds:F1} rss {long.Parse(rss, CultureInfo.InvariantCulture) * 4096 / 1e6:F0} committed {GC.GetGCMemoryInfo().TotalCommittedBytes / 1e6:F0} heap {info.HeapSizeBytes / 1e6:F0} promoted {info.PromotedBytes / 1e6:F0} gen {info.Generation} gcs {GC.CollectionCount(0)}"));
            Thread.Sleep(200);
        }
    }
}
