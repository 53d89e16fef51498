// The cluster scaling table: the same microsimulation of the Norwegian default on an in-process
// cluster of 1, 2 and 3 silos (Orleans TestingHost), against the single-process engine on the same
// machine in the same minute. Prints one JSON line per measurement. The coordinator's overhead per
// range is (cluster wall time − single-process wall time at the same thread count) / ranges; at
// 1 silo, overhead_percent is the cluster path's cost over the single-process path.
//   dotnet run -c Release --project benchmarks/SocialInvestment.ClusterScaling -- [people] [rangeSize] [repeats] [silos, e.g. 1,2,3] [ranges in flight per silo] [threads per range]
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

foreach (var silos in siloCounts)
{
    var builder = new TestClusterBuilder(silos);
    builder.AddSiloBuilderConfigurator<Silo>();
    var cluster = builder.Build();
    await cluster.DeployAsync();
    var runner = new ClusterRunner(cluster.GrainFactory);
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
