using BenchmarkDotNet.Attributes;
using SocialInvestment.Uncertainty;

namespace SocialInvestment.Benchmarks;

/// <summary>
/// The PSA fold's quantile sketch (a t-digest per figure) fed 4,096 values, as the fold feeds a figure's column of a
/// wave: value by value with the count of positive values beside it (<see cref="QuantileSketch.Add"/>, the fold's
/// earlier loop, the baseline) against <see cref="QuantileSketch.AddRange(ReadOnlySpan{double})"/> (vectors of the
/// machine's width, the fold's path now; the same sketch bit for bit). Both include the sketch's flushes (a sort and a
/// merge every 800 values), which are the same work. Compare the Ratio column.
/// </summary>
[MemoryDiagnoser]
public class QuantileSketchBenchmarks
{
    private const int N = 4096;
    private readonly double[] _values = new double[N];
    private readonly QuantileSketch _sketch = new();

    /// <summary>The values: NPV-like (both signs, no NaN) or payback-like (whole years, NaN in about a third: the draws that never pay back).</summary>
    [Params("npv", "payback")]
    public string Values { get; set; } = "npv";

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(20261206);
        for (var i = 0; i < N; i++)
        {
            _values[i] = Values == "payback" ? (random.NextDouble() < 0.35 ? double.NaN : random.Next(1, 81)) : (random.NextDouble() - 0.3) * 2e5;
        }
    }

    [Benchmark(Baseline = true)]
    public long OneByOne()
    {
        long positive = 0;
        foreach (var x in _values)
        {
            if (double.IsNaN(x))
            {
                continue;
            }

            _sketch.Add(x);
            if (x > 0)
            {
                positive++;
            }
        }

        return positive;
    }

    [Benchmark]
    public long AddRange() => _sketch.AddRange(_values);
}
