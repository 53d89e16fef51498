using BenchmarkDotNet.Attributes;
using SocialInvestment.Economics;
using SocialInvestment.Model;
using SocialInvestment.Uncertainty;

using SocialInvestment.Workloads;

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
        _model = Welfare4.BuildPsaModel();
        _spec = Welfare4.Specification(_model);
        _kernel = HomogeneousCohortKernel.Create(_model);
        _options = new PsaOptions { Draws = Draws, Seed = 1, Threads = 1, Perspectives = [Perspective.ForPayer(Welfare4.HealthSystem)] };
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

    /// <summary>Evaluating the model functions for one parameter set (256 times), no trace.</summary>
    [Benchmark]
    public double CellOnly()
    {
        var ws = _kernel.CreateWorkspace();
        for (var k = 0; k < Draws; k++)
        {
            _kernel.EvaluateLane(ws.Values, ws, k % HomogeneousCohortKernel.Lanes);
        }

        return ws.PairP[1];
    }

    /// <summary>The SIMD trace alone for 256 parameter sets (64 batches of 4 lanes).</summary>
    [Benchmark]
    public double TraceOnly()
    {
        var ws = _kernel.CreateWorkspace();
        for (var lane = 0; lane < HomogeneousCohortKernel.Lanes; lane++)
        {
            _kernel.EvaluateLane(ws.Values, ws, lane);
        }

        for (var k = 0; k < Draws; k += HomogeneousCohortKernel.Lanes)
        {
            _kernel.RunBatch(ws);
        }

        return ws.Totals[0];
    }
}
