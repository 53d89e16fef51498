using BenchmarkDotNet.Attributes;
using SocialInvestment.Economics;
using SocialInvestment.Model;
using SocialInvestment.Uncertainty;

namespace SocialInvestment.Benchmarks;

/// <summary>
/// Welfare-4 PSA, 256 draws on one thread: the generic path (compile the model per draw, cohort
/// engine, appraisal bookkeeping) against the homogeneous fast path (evaluate the functions once
/// per draw, SIMD lanes across draws). Compare the Ratio column.
/// </summary>
[MemoryDiagnoser]
public class PsaBenchmarks
{
    private const int Draws = 256;
    private LifeCourseModel _model = null!;
    private PsaSpecification _spec = null!;
    private HomogeneousCohortKernel _kernel = null!;
    private PsaOptions _options = null!;

    [GlobalSetup]
    public void Setup()
    {
        _model = Welfare4Cohort.BuildModel();
        _spec = Welfare4Cohort.Specification(_model);
        _kernel = HomogeneousCohortKernel.Create(_model);
        _options = new PsaOptions { Draws = Draws, Seed = 1, MaxDegreeOfParallelism = 1, Perspectives = [Perspective.ForPayer(Welfare4Cohort.HealthSystem)] };
    }

    [Benchmark(Baseline = true)]
    public PsaResult Generic() => ProbabilisticAnalysis.Run(_spec, _options);

    [Benchmark]
    public HomogeneousPsaResult FastPath() => HomogeneousPsa.Run(_spec, _kernel, _options);

    /// <summary>Parameter drawing alone (11 Beta/Gamma/LogNormal parameters per draw).</summary>
    [Benchmark]
    public double DrawOnly()
    {
        var buffer = _model.BaseParameters.AsSpan().ToArray();
        var s = 0.0;
        for (var k = 0; k < Draws; k++)
        {
            _spec.DrawInto(1, k, buffer);
            s += buffer[0];
        }

        return s;
    }
}
