using BenchmarkDotNet.Attributes;
using SocialInvestment.Uncertainty;
using MathNetDist = MathNet.Numerics.Distributions;

namespace SocialInvestment.Benchmarks;

/// <summary>
/// Our samplers (xoshiro256** source, polar normal, Marsaglia–Tsang gamma, beta as two gammas)
/// against MathNet.Numerics 5.0.0's static samplers on MathNet's own Xoshiro256StarStar
/// (a System.Random). 1,000 draws per operation; compare the Ratio column.
/// </summary>
[MemoryDiagnoser]
public class SamplerBenchmarks
{
    private const int N = 1000;
    private readonly double[] _out = new double[N];
    private readonly BetaDistribution _beta = new(30, 170);
    private readonly GammaDistribution _gamma = new(100, 40);
    private readonly LogNormalDistribution _logNormal = new(Math.Log(3), 0.01);
    private MathNet.Numerics.Random.Xoshiro256StarStar _mathNetRandom = null!;
    private RandomSource _random;

    [GlobalSetup]
    public void Setup()
    {
        _mathNetRandom = new MathNet.Numerics.Random.Xoshiro256StarStar(42);
        _random = new RandomSource(42);
    }

    [Benchmark(Baseline = true)]
    [BenchmarkCategory("Beta")]
    public double[] BetaMathNet()
    {
        for (var i = 0; i < N; i++)
        {
            _out[i] = MathNetDist.Beta.Sample(_mathNetRandom, 30, 170);
        }

        return _out;
    }

    [Benchmark]
    [BenchmarkCategory("Beta")]
    public double[] BetaOurs()
    {
        _beta.Samples(ref _random, _out);
        return _out;
    }

    [Benchmark]
    [BenchmarkCategory("Gamma")]
    public double[] GammaMathNet()
    {
        for (var i = 0; i < N; i++)
        {
            _out[i] = MathNetDist.Gamma.Sample(_mathNetRandom, 100, 1.0 / 40);
        }

        return _out;
    }

    [Benchmark]
    [BenchmarkCategory("Gamma")]
    public double[] GammaOurs()
    {
        _gamma.Samples(ref _random, _out);
        return _out;
    }

    [Benchmark]
    [BenchmarkCategory("LogNormal")]
    public double[] LogNormalMathNet()
    {
        for (var i = 0; i < N; i++)
        {
            _out[i] = MathNetDist.LogNormal.Sample(_mathNetRandom, Math.Log(3), 0.01);
        }

        return _out;
    }

    [Benchmark]
    [BenchmarkCategory("LogNormal")]
    public double[] LogNormalOurs()
    {
        _logNormal.Samples(ref _random, _out);
        return _out;
    }
}
