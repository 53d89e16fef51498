// The cluster scaling table: the same microsimulation of the Norwegian default on an in-process
// cluster of 1, 2 and 3 silos (Orleans TestingHost), against the single-process engine on the same
// machine in the same minute. Prints one JSON line per measurement. The coordinator's overhead per
// range is (cluster wall time − single-process wall time at the same thread count) / ranges; at
// 1 silo, overhead_percent is the cluster path's cost over the single-process path.
//   dotnet run -c Release --project benchmarks/SocialInvestment.ClusterScaling -- [people] [rangeSize] [repeats] [silos, e.g. 1,2,3] [ranges in flight per silo] [threads per range]
// It also prints "local-ranges": the same ranges run in this process without Orleans (the model rebuilt
// from its scenario document, as a silo does), which separates the cost of splitting the run from the
// cost of the runtime. Environment switches: SOCINV_SCALING_IDLE=1 measures the single-process run
// again while the silos are up and idle; SOCINV_SCALING_CLUSTER_ONLY=1 skips the single-process runs
// (for profiling the cluster path with `perf record`, DOTNET_PerfMapEnabled=1).
using System.Diagnostics;
using System.Globalization;
using Orleans.Hosting;
using Orleans.TestingHost;
using SocialInvestment.Engine;
using SocialInvestment.Orleans;
using SocialInvestment.Scenarios;

var people = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 200_000;
var rangeSize = args.Length > 1 ? long.Parse(args[1], CultureInfo.InvariantCulture) : 16_384;
var repeats = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 3;
var siloCounts = args.Length > 3 ? args[3].Split(',').Select(x => short.Parse(x, CultureInfo.InvariantCulture)).ToArray() : new short[] { 1, 2, 3 };
var inFlightPerSilo = args.Length > 4 ? int.Parse(args[4], CultureInfo.InvariantCulture) : 2;
var threadsPerRange = args.Length > 5 ? int.Parse(args[5], CultureInfo.InvariantCulture) : 1;
const ulong seed = 20260101;
var scenario = NorwegianDefault.Load();
var model = scenario.BuildModel();
var comparator = model.Strategies.First(s => s.Name == scenario.Settings.Comparator);
IReadOnlyList<CompiledModel> compiled = [model.Compile(comparator), .. model.Strategies.Where(s => !ReferenceEquals(s, comparator)).Select(s => model.Compile(s))];
var cycles = model.Options.Cycles;
double Rate(double seconds) => 4.0 * people * cycles / seconds;
string J(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);

// The single-process wall time per thread count (median of the repeats), measured once per count.
var singleByThreads = new Dictionary<int, double>();
double Single(int threads)
{
    if (singleByThreads.TryGetValue(threads, out var known))
    {
        return known;
    }

    if (Environment.GetEnvironmentVariable("SOCINV_SCALING_CLUSTER_ONLY") == "1")
    {
        return double.NaN; // profiling the cluster path alone
    }

    // Warm-up, as the cluster's (4,096 people, untimed): the first run would otherwise time the JIT.
    MicrosimEngine.RunCompiled(compiled, new MicrosimOptions { Seed = seed, People = 4096, Threads = threads, Perspectives = scenario.Perspectives() });
    var times = new List<double>();
    for (var r = 0; r < repeats; r++)
    {
        var clock = Stopwatch.StartNew();
        MicrosimEngine.RunCompiled(compiled, new MicrosimOptions { Seed = seed, People = people, Threads = threads, Perspectives = scenario.Perspectives() });
        times.Add(clock.Elapsed.TotalSeconds);
    }

    var median = times.Order().ElementAt(times.Count / 2);
    singleByThreads[threads] = median;
    Console.WriteLine(J($"{{\"mode\":\"single-process\",\"threads\":{threads},\"people\":{people},\"seconds_median\":{median:F3},\"person_cycles_per_s\":{Rate(median):F0}}}"));
    return median;
}

_ = Single(Math.Min(Environment.ProcessorCount, 2)); // before any silo starts (the 1-silo cluster computes 2 ranges at once)

// The same ranges without Orleans: the model rebuilt from its scenario document (as a silo does),
// each range a MicrosimEngine.RunRange, ranges in flight × threads per range at once, partials
// merged. This separates the cost of splitting the run into ranges from the cost of the runtime.
{
    var rebuilt = ScenarioDocument.FromJson(ScenarioDocument.ToUtf8Bytes(scenario));
    var rebuiltModel = rebuilt.BuildModel();
    var rebuiltComparator = rebuiltModel.Strategies.First(s => s.Name == rebuilt.Settings.Comparator);
    IReadOnlyList<CompiledModel> rebuiltCompiled = [rebuiltModel.Compile(rebuiltComparator), .. rebuiltModel.Strategies.Where(s => !ReferenceEquals(s, rebuiltComparator)).Select(s => rebuiltModel.Compile(s))];
    var perspectives = rebuilt.Perspectives();
    var inFlight = Math.Min(Environment.ProcessorCount, inFlightPerSilo);
    double LocalRanges()
    {
        var clock = Stopwatch.StartNew();
        var starts = Enumerable.Range(0, (int)((people + rangeSize - 1) / rangeSize)).Select(i => i * rangeSize).ToArray();
        var partials = new MicrosimPartial[starts.Length];
        Parallel.For(0, starts.Length, new ParallelOptions { MaxDegreeOfParallelism = inFlight }, i =>
        {
            var count = Math.Min(rangeSize, people - starts[i]);
            partials[i] = MicrosimEngine.RunRange(rebuiltCompiled, new MicrosimOptions { Seed = seed, People = people, Threads = threadsPerRange, Perspectives = perspectives }, starts[i], count);
        });
        var merged = partials.Aggregate((a, b) => a.Merge(b));
        _ = MicrosimEngine.Complete(merged);
        return clock.Elapsed.TotalSeconds;
    }

    var localTimes = Enumerable.Range(0, repeats).Select(_ => LocalRanges()).Order().ToList();
    var localMedian = localTimes[localTimes.Count / 2];
    var localThreads = Math.Min(Environment.ProcessorCount, inFlight * threadsPerRange);
    var singleLocal = Single(localThreads);
    Console.WriteLine(J($"{{\"mode\":\"local-ranges\",\"threads\":{localThreads},\"people\":{people},\"range_size\":{rangeSize},\"seconds_median\":{localMedian:F3},\"person_cycles_per_s\":{Rate(localMedian):F0},\"single_process_seconds\":{singleLocal:F3},\"overhead_percent\":{100 * (localMedian - singleLocal) / singleLocal:F1}}}"));
}

foreach (var silos in siloCounts)
{
    var builder = new TestClusterBuilder(silos);
    builder.AddSiloBuilderConfigurator<Silo>();
    var cluster = builder.Build();
    await cluster.DeployAsync();
    var runner = new ClusterRunner(cluster.GrainFactory);
    if (Environment.GetEnvironmentVariable("SOCINV_SCALING_IDLE") == "1")
    {
        // The single-process run again while the silos are up and idle: what the runtime's own
        // background work costs the simulation, apart from running it inside a grain.
        var alone = new Dictionary<int, double>(singleByThreads);
        singleByThreads.Clear();
        var beside = Single(Math.Min(Environment.ProcessorCount, 2));
        singleByThreads.Clear();
        foreach (var (t, sec) in alone)
        {
            singleByThreads[t] = sec;
        }

        Console.WriteLine(J($"{{\"mode\":\"single-process-beside-idle-cluster\",\"silos\":{silos},\"seconds_median\":{beside:F3}}}"));
    }

    var options = new ClusterRunOptions { RangeSize = rangeSize, MaxRangesInFlight = inFlightPerSilo * silos, ThreadsPerRange = threadsPerRange };
    await runner.RunMicrosimulationAsync(scenario, 4096, seed, options: options); // warm-up: definition cached, grains code jitted
    var times = new List<(double Seconds, ClusterRunStatistics Stats)>();
    for (var r = 0; r < repeats; r++)
    {
        var (_, stats) = await runner.RunMicrosimulationAsync(scenario, people, seed + (ulong)r + 1, options: options);
        times.Add((stats.Seconds, stats));
    }

    var median = times.OrderBy(t => t.Seconds).ElementAt(times.Count / 2);

    // The coordinator's overhead: the cluster's wall time beyond the single process's on as many
    // threads as the cluster computes with at once (ranges in flight × threads per range, at most the
    // cores; every silo shares this machine's cores), per range. Silo seconds are not subtracted:
    // ranges run concurrently, so their sum is not wall time.
    var threads = Math.Min(Environment.ProcessorCount, options.MaxRangesInFlight * options.ThreadsPerRange);
    var single = Single(threads);
    var overheadPerRange = (median.Seconds - single) / median.Stats.Ranges;
    var overheadPercent = 100 * (median.Seconds - single) / single;
    Console.WriteLine(J($"{{\"mode\":\"cluster\",\"silos\":{silos},\"threads\":{threads},\"people\":{people},\"range_size\":{rangeSize},\"ranges\":{median.Stats.Ranges},\"seconds_median\":{median.Seconds:F3},\"person_cycles_per_s\":{Rate(median.Seconds):F0},\"single_process_seconds\":{single:F3},\"vs_single_process\":{single / median.Seconds:F3},\"silo_seconds\":{median.Stats.SiloSeconds:F3},\"coordinator_overhead_per_range_ms\":{1000 * overheadPerRange:F1},\"overhead_percent\":{overheadPercent:F1}}}"));
    await cluster.StopAllSilosAsync();
    await cluster.DisposeAsync();
}

internal sealed class Silo : ISiloConfigurator
{
    public void Configure(ISiloBuilder siloBuilder) => siloBuilder.AddSocialInvestment();
}
