using BenchmarkDotNet.Running;

namespace SocialInvestment.Benchmarks;

/// <summary>
/// Entry point. <c>welfare4 MODE [options]</c> runs the plain welfare-4 runner of
/// benchmarks/yardsticks/workloads.md, <c>welfare16 cohort|micro [options]</c> the welfare-16 runner
/// (<see cref="Welfare16Runner"/>), <c>households MODE</c> the household runner (<see cref="HouseholdRunner"/>), <c>readbuild grow|measure</c> the large-table read (<see cref="ReadBuildRunner"/>); each prints one JSON line per measurement; anything else goes to
/// BenchmarkDotNet's switcher (for example <c>--filter *Cohort*</c>).
/// </summary>
public static partial class Program
{
    public static int Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "norway")
        {
            return NorwayRunner.Run(args[1..]);
        }

        if (args.Length > 0 && args[0] == "readbuild")
        {
            return ReadBuildRunner.Run(args[1..]);
        }

        if (args.Length > 0 && args[0] == "households")
        {
            return HouseholdRunner.Run(args[1..]);
        }

        if (args.Length > 0 && args[0] == "norway-micro")
        {
            return NorwayRunner.Micro(args[1..]);
        }

        if (args.Length > 0 && args[0] == "welfare16")
        {
            return Welfare16Runner.Run(args[1..]);
        }

        if (args.Length > 0 && args[0] == "welfare4")
        {
            var modes = new Dictionary<string, Func<string[], int>>(StringComparer.Ordinal);
            RegisterCohortMode(modes);
            RegisterMicroMode(modes);
            RegisterWelfarePsaMode(modes);
            if (args.Length < 2 || !modes.TryGetValue(args[1], out var run))
            {
                Console.Error.WriteLine($"usage: welfare4 {{{string.Join('|', modes.Keys)}}} [--threads N] [...]");
                return 2;
            }

            return run(args[2..]);
        }

        return RunBenchmarkDotNet(args);
    }

    // Apart from Main, so that the plain runners do not load BenchmarkDotNet (about 2 MB of peak RSS).
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static int RunBenchmarkDotNet(string[] args)
    {
        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
        return 0;
    }

    // Each welfare-4 mode lives in its own file and registers itself here.
    static partial void RegisterCohortMode(Dictionary<string, Func<string[], int>> modes);

    static partial void RegisterMicroMode(Dictionary<string, Func<string[], int>> modes);

    static partial void RegisterWelfarePsaMode(Dictionary<string, Func<string[], int>> modes);
}
