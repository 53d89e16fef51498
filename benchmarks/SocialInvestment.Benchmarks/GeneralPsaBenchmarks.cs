using BenchmarkDotNet.Attributes;
using SocialInvestment.Engine;
using SocialInvestment.Model;
using SocialInvestment.Uncertainty;

using SocialInvestment.Workloads;

namespace SocialInvestment.Benchmarks;

/// <summary>
/// Welfare-16 cohort PSA, 64 draws (× 4 strategies × 6 perspectives) on one thread: the general
/// path as it was (the baseline: every draw compiled in full, run by the cohort engine and appraised
/// by <c>Appraisal.Compare</c>, forced here by passing the cohort engine as an explicit evaluator)
/// against the per-draw evaluation that recomputes only the compiled blocks the drawn parameters
/// reach, runs the sparse trace into reused buffers and computes only the PSA's figures. The two
/// give bit-identical results (tests/SocialInvestment.Tests/Uncertainty/IncrementalPsaTests.cs), and so does
/// the same analysis prepared once and run again (PreparedPsaTests), which saves the compiling and
/// planning a one-off run does before its first draw.
/// </summary>
[MemoryDiagnoser]
public class GeneralPsaBenchmarks
{
    private const int Draws = 64;
    private LifeCourseModel _model = null!;
    private PsaSpecification _spec = null!;
    private PsaOptions _options = null!;
    private PsaSpecification _functions = null!;
    private PreparedPsa _prepared = null!;

    [GlobalSetup]
    public void Setup()
    {
        _model = Welfare16.Build(UptakeMode.MeanEffect);
        _spec = Welfare16.Specification(_model);
        _options = new PsaOptions { Draws = Draws, Seed = 1, Threads = 1, Perspectives = Welfare16.Perspectives };
        _functions = Welfare16.Specification(Welfare16.Build(UptakeMode.MeanEffect, levelShape: false));
        _prepared = ProbabilisticAnalysis.Prepare(_spec, _options);
    }

    [Benchmark(Baseline = true, Description = "naive: compile + run + Appraisal.Compare every draw")]
    public PsaResult CompileEveryDraw() => ProbabilisticAnalysis.Run(_spec, _options, (s, p, _, ct) => CohortEngine.Run(_model, s, p, ct));

    [Benchmark(Description = "incremental: dependent blocks only, sparse trace, lean appraisal")]
    public PsaResult Incremental() => ProbabilisticAnalysis.Run(_spec, _options);

    [Benchmark(Description = "incremental, prepared once (ProbabilisticAnalysis.Prepare): no compiling and planning per run")]
    public PsaResult Prepared() => _prepared.Run(_options);

    [Benchmark(Description = "incremental, the drawn rates and amounts as functions (no level × shape form)")]
    public PsaResult IncrementalFunctions() => ProbabilisticAnalysis.Run(_functions, _options);
}
