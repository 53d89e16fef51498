using System.Runtime.Intrinsics;
using BenchmarkDotNet.Attributes;
using SocialInvestment.Model;

namespace SocialInvestment.Benchmarks;

/// <summary>
/// The competing-risks exponential of a PSA lane row, <c>e^x</c> and <c>e^x − 1</c> for a vector of exponents:
/// per lane the runtime's <see cref="Math.Exp"/> with Kahan's <c>(u − 1)·x/ln u</c> (what the lanes did until
/// the library's own exponential) against <see cref="LaneMath.Exp{TV}"/> on whole vectors, and the scalar
/// <see cref="Numerics.Exp(double, out double)"/> per lane. 1,024 exponents in [−30, 0] per operation (a rate
/// row's range: the forced exits are rates of 30); compare the Ratio column.
/// </summary>
public class ExponentialBenchmarks
{
    private const int N = 1024;
    private readonly double[] _x = new double[N];
    private readonly double[] _exp = new double[N];
    private readonly double[] _expm1 = new double[N];

    [GlobalSetup]
    public void Setup()
    {
        var rng = new Random(12);
        for (var i = 0; i < N; i++)
        {
            _x[i] = -30 * rng.NextDouble() * rng.NextDouble();
        }
    }

    [Benchmark(Baseline = true, Description = "Math.Exp + Math.Log per lane (the lanes before)")]
    public double RuntimePerLane()
    {
        for (var i = 0; i < N; i++)
        {
            var x = _x[i];
            var u = Math.Exp(x);
            _exp[i] = u;
            _expm1[i] = u == 1.0 ? x : u - 1.0 == -1.0 ? -1.0 : (u - 1.0) * x / Math.Log(u);
        }

        return _expm1[N - 1];
    }

    [Benchmark(Description = "Numerics.Exp per lane (the scalar compiler)")]
    public double OwnScalar()
    {
        for (var i = 0; i < N; i++)
        {
            _exp[i] = Numerics.Exp(_x[i], out _expm1[i]);
        }

        return _expm1[N - 1];
    }

    [Benchmark(Description = "LaneMath.Exp on vectors (the lanes now)")]
    public double OwnVectors()
    {
        if (Vector512.IsHardwareAccelerated)
        {
            Vectors<Lanes512>();
        }
        else
        {
            Vectors<LanesN>();
        }

        return _expm1[N - 1];
    }

    private void Vectors<TV>()
        where TV : struct, ILaneVector<TV>
    {
        for (var i = 0; i + TV.Count <= N; i += TV.Count)
        {
            var e = LaneMath.Exp(TV.Load(ref _x[i]), out var em1);
            TV.Store(e, ref _exp[i]);
            TV.Store(em1, ref _expm1[i]);
        }
    }
}
