using System.Globalization;

namespace SocialInvestment.Benchmarks;

/// <summary>What the workload runners share: reading a numeric option and the median of repeated measurements.</summary>
internal static class RunnerArgs
{
    /// <summary>The number after <paramref name="name"/> in <paramref name="args"/>, or <paramref name="fallback"/>.</summary>
    public static long Arg(string[] args, string name, long fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? long.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
    }

    /// <summary>The median (the mean of the two middle values for an even count).</summary>
    public static double Median(List<double> values)
    {
        var v = values.Order().ToArray();
        return v.Length % 2 == 1 ? v[v.Length / 2] : 0.5 * (v[(v.Length / 2) - 1] + v[v.Length / 2]);
    }
}
