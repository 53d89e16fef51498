using BenchmarkDotNet.Attributes;
using SocialInvestment.Uncertainty;

namespace SocialInvestment.Benchmarks;

/// <summary>
/// The PSA fold's exact moments (an exact sum of the values and of their squares, so that the summaries do not depend
/// on how the draws were split) over 4,096 values of three kinds: value by value (<see cref="ExactMoments.Add(double)"/>,
/// the baseline) against <see cref="ExactMoments.AddRange"/>, the fold's path. Both keep adding to one accumulator (its
/// cost per value does not depend on what it holds). This benchmark showed that the fold's earlier run path (limb sums
/// kept in registers while a run of values booked the same limbs) took 1.2–1.5× the time of the plain loop. A sum per
/// binary exponent was 0.86–1.9×. AddRange is now the plain loop. Compare the Ratio column.
/// </summary>
[MemoryDiagnoser]
public class ExactMomentsBenchmarks
{
    private const int N = 4096;
    private readonly double[] _values = new double[N];
    private readonly ExactMoments _moments = new();

    /// <summary>The values: NPV-like (−6·10⁴ … 1.4·10⁵, both signs), ratio-like (0.5 … 3) or payback-like (whole years 1 … 80).</summary>
    [Params("npv", "ratio", "payback")]
    public string Values { get; set; } = "npv";

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(20261204);
        for (var i = 0; i < N; i++)
        {
            _values[i] = Values switch
            {
                "ratio" => 0.5 + (2.5 * random.NextDouble()),
                "payback" => random.Next(1, 81),
                _ => (random.NextDouble() - 0.3) * 2e5,
            };
        }
    }

    [Benchmark(Baseline = true)]
    public long OneByOne()
    {
        foreach (var x in _values)
        {
            _moments.Add(x);
        }

        return _moments.Count;
    }

    [Benchmark]
    public long AddRange()
    {
        _moments.AddRange(_values);
        return _moments.Count;
    }
}
