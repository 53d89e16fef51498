using BenchmarkDotNet.Attributes;
using SocialInvestment.Decisions;
using SocialInvestment.Economics;
using SocialInvestment.Portfolio;
using SocialInvestment.Workloads;

namespace SocialInvestment.Benchmarks;

/// <summary>
/// Portfolio choice over 20 candidates × 1,000 PSA draws (<see cref="PortfolioInstances"/>, seed 7:
/// pairwise interactions for about a third of the 190 pairs, budgets per payer and year and a
/// total, one exclusion, one prerequisite): the OR-Tools SCIP MIP, without and with a CVaR floor
/// (1,000 Rockafellar–Uryasev rows), and the efficient frontier, against the naive baselines: the
/// greedy heuristic, and exhaustive enumeration (2^20 subsets, each valued over the 1,000 draws).
/// The valuation (the model runs) is not timed: the instance is given.
/// </summary>
[MemoryDiagnoser]
public class PortfolioBenchmarks
{
    private PortfolioProblem _problem = null!;
    private PortfolioProblem _withFloor = null!;
    private readonly MipPortfolioSolver _mip = new();

    [GlobalSetup]
    public void Setup()
    {
        _problem = PortfolioInstances.Create(7, candidates: 20, draws: 1000, years: 5);
        var top = _mip.Solve(_problem);
        _withFloor = _problem with { Risk = new PortfolioRisk { Alpha = 0.9, MinTailNpv = top.TailNpv / 2 } };
    }

    [Benchmark(Baseline = true, Description = "naive: exhaustive enumeration (2^20 sets × 1,000 draws)")]
    public double Exhaustive() => new ExhaustivePortfolioSolver().Solve(_problem).ExpectedNpv;

    [Benchmark(Description = "naive: greedy by NPV per NOK (not optimal)")]
    public double Greedy() => new GreedyPortfolioSolver().Solve(_problem).ExpectedNpv;

    [Benchmark(Description = "MIP (SCIP): expected NPV under budgets")]
    public double Mip() => _mip.Solve(_problem).ExpectedNpv;

    [Benchmark(Description = "MIP (SCIP): with a CVaR floor (1,000 draws)")]
    public double MipCvar() => _mip.Solve(_withFloor).ExpectedNpv;

    [Benchmark(Description = "MIP (SCIP): efficient frontier, 6 floors")]
    public int Frontier() => PortfolioFrontier.Trace(_mip, _problem, 6).Count;
}
