using Google.OrTools.LinearSolver;
using SocialInvestment.Decisions;
using SocialInvestment.Economics;

namespace SocialInvestment.Portfolio;

/// <summary>
/// Solves a <see cref="PortfolioProblem"/> exactly as a mixed-integer linear program with Google
/// OR-Tools' linear-solver wrapper and the SCIP branch-and-cut solver it ships (CBC when SCIP is
/// not in the build). The model:
/// <list type="bullet">
/// <item>x_i ∈ {0, 1}: candidate i is chosen; y_ij ∈ [0, 1] for every pair with an interaction term,
/// with y_ij ≥ x_i + x_j − 1, y_ij ≤ x_i, y_ij ≤ x_j, so y_ij = x_i·x_j exactly (the pairwise
/// interaction model of <see cref="PortfolioValuation"/> is then linear);</item>
/// <item>budgets: Σ_i c_i(p, y)·x_i + Σ_ij δc_ij(p, y)·y_ij ≤ B(p, y) for every budget row;</item>
/// <item>exclusions Σ_{i∈E} x_i ≤ 1; prerequisites x_i ≤ x_j;</item>
/// <item>risk (Rockafellar–Uryasev): τ free, u_k ≥ 0, u_k ≥ −NPV_k(x) − τ for every draw k, and
/// CVaR = τ + Σ_k u_k / ((1 − α)·K); the floor tail NPV ≥ F is −CVaR ≥ F;</item>
/// <item>objective: maximise the mean over draws of NPV_k(x), or minimise CVaR
/// (<see cref="PortfolioGoal.MaximiseTailNpv"/>).</item>
/// </list>
/// The NPVs and each budget row are rescaled to order 1 before solving (the solution is unchanged).
/// SCIP runs single-threaded with a zero relative gap, so the result is reproducible; a time limit
/// that stops it early gives the best set found with <see cref="PortfolioSolution.ProvedOptimal"/>
/// false.
/// </summary>
public sealed class MipPortfolioSolver : IPortfolioSolver
{
    /// <summary>Creates the solver.</summary>
    /// <param name="timeLimit">Stops the search after this long (then the best set so far); null for no limit.</param>
    public MipPortfolioSolver(TimeSpan? timeLimit = null)
    {
        TimeLimit = timeLimit;
    }

    /// <summary>The time limit, or null.</summary>
    public TimeSpan? TimeLimit { get; }

    /// <inheritdoc />
    public string Name => "mip";

    /// <inheritdoc />
    public PortfolioSolution Solve(PortfolioProblem problem, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(problem);
        problem.ThrowIfInvalid();
        cancellationToken.ThrowIfCancellationRequested();
        var v = problem.Valuation;
        var n = v.Candidates.Count;
        var engine = "SCIP";
        using var solver = Solver.CreateSolver("SCIP") ?? CreateFallback(out engine);
        solver.SuppressOutput();
        if (TimeLimit is TimeSpan limit)
        {
            solver.SetTimeLimit((long)Math.Max(1, limit.TotalMilliseconds));
        }

        var x = new Variable[n];
        for (var i = 0; i < n; i++)
        {
            x[i] = solver.MakeBoolVar($"x{i}");
        }

        var pairs = v.Pairs.Order().ToArray();
        var y = new Variable[pairs.Length];
        for (var q = 0; q < pairs.Length; q++)
        {
            var (i, j) = pairs[q];
            y[q] = solver.MakeNumVar(0, 1, $"y{i}_{j}");
            var a = solver.MakeConstraint(-1, double.PositiveInfinity, $"and{i}_{j}");
            a.SetCoefficient(y[q], 1);
            a.SetCoefficient(x[i], -1);
            a.SetCoefficient(x[j], -1);
            var b = solver.MakeConstraint(double.NegativeInfinity, 0, $"le{i}_{j}a");
            b.SetCoefficient(y[q], 1);
            b.SetCoefficient(x[i], -1);
            var c = solver.MakeConstraint(double.NegativeInfinity, 0, $"le{i}_{j}b");
            c.SetCoefficient(y[q], 1);
            c.SetCoefficient(x[j], -1);
        }

        // Budgets, each row scaled by its largest magnitude.
        for (var r = 0; r < problem.Budgets.Count; r++)
        {
            var budget = problem.Budgets[r];
            var p = budget.Payer is null ? -1 : v.PayerIndex(budget.Payer);
            double CostOf(int i) => p >= 0 ? v.CandidateCost(i, p, budget.Year) : Enumerable.Range(0, v.Payers.Count).Sum(q => v.CandidateCost(i, q, budget.Year));
            double PairCost(PortfolioInteraction ix) => p >= 0 ? ix.Cost(p, budget.Year) : Enumerable.Range(0, v.Payers.Count).Sum(q => ix.Cost(q, budget.Year));
            var coef = Enumerable.Range(0, n).Select(CostOf).ToArray();
            var pairCoef = pairs.Select(pq => PairCost(v.Interaction(pq.First, pq.Second)!)).ToArray();
            var scale = Math.Max(budget.Amount, Math.Max(coef.Select(Math.Abs).DefaultIfEmpty(0).Max(), pairCoef.Select(Math.Abs).DefaultIfEmpty(0).Max()));
            if (scale <= 0)
            {
                continue;
            }

            var row = solver.MakeConstraint(double.NegativeInfinity, budget.Amount / scale, $"budget{r}");
            for (var i = 0; i < n; i++)
            {
                row.SetCoefficient(x[i], coef[i] / scale);
            }

            for (var q = 0; q < pairs.Length; q++)
            {
                row.SetCoefficient(y[q], pairCoef[q] / scale);
            }
        }

        for (var e = 0; e < problem.Exclusions.Count; e++)
        {
            var row = solver.MakeConstraint(double.NegativeInfinity, 1, $"exclusion{e}");
            foreach (var name in problem.Exclusions[e].Candidates.Distinct(StringComparer.Ordinal))
            {
                row.SetCoefficient(x[v.CandidateIndex(name)], 1);
            }
        }

        for (var e = 0; e < problem.Prerequisites.Count; e++)
        {
            var pre = problem.Prerequisites[e];
            var row = solver.MakeConstraint(double.NegativeInfinity, 0, $"prerequisite{e}");
            row.SetCoefficient(x[v.CandidateIndex(pre.Candidate)], 1);
            row.SetCoefficient(x[v.CandidateIndex(pre.Requires)], -1);
        }

        // NPV coefficients per draw, scaled to order 1.
        var K = v.Draws;
        var npvScale = 0.0;
        for (var i = 0; i < n; i++)
        {
            foreach (var value in v.Npv(i))
            {
                npvScale = Math.Max(npvScale, Math.Abs(value));
            }
        }

        foreach (var (i, j) in pairs)
        {
            npvScale = Math.Max(npvScale, v.Interaction(i, j)!.NpvByDraw.ToArray().Max(Math.Abs));
        }

        npvScale = npvScale > 0 ? npvScale : 1;
        var objective = solver.Objective();
        var risk = problem.Risk;
        var needsTail = risk.MinTailNpv is not null || problem.Goal == PortfolioGoal.MaximiseTailNpv;
        if (needsTail)
        {
            var m = Math.Round((1 - risk.Alpha) * K, 9);
            var tau = solver.MakeNumVar(double.NegativeInfinity, double.PositiveInfinity, "tau");
            var u = new Variable[K];
            // CVaR row: τ + Σ u_k / m (scaled NOK); the floor is CVaR ≤ −F.
            var cvar = solver.MakeConstraint(double.NegativeInfinity, risk.MinTailNpv is double f ? -f / npvScale : double.PositiveInfinity, "cvar");
            cvar.SetCoefficient(tau, 1);
            for (var k = 0; k < K; k++)
            {
                u[k] = solver.MakeNumVar(0, double.PositiveInfinity, $"u{k}");
                cvar.SetCoefficient(u[k], 1 / m);
                // u_k + τ + NPV_k(x) ≥ 0
                var row = solver.MakeConstraint(0, double.PositiveInfinity, $"tail{k}");
                row.SetCoefficient(u[k], 1);
                row.SetCoefficient(tau, 1);
                for (var i = 0; i < n; i++)
                {
                    row.SetCoefficient(x[i], v.Npv(i)[k] / npvScale);
                }

                for (var q = 0; q < pairs.Length; q++)
                {
                    row.SetCoefficient(y[q], v.Interaction(pairs[q].First, pairs[q].Second)!.NpvByDraw[k] / npvScale);
                }
            }

            if (problem.Goal == PortfolioGoal.MaximiseTailNpv)
            {
                objective.SetCoefficient(tau, 1);
                for (var k = 0; k < K; k++)
                {
                    objective.SetCoefficient(u[k], 1 / m);
                }

                objective.SetMinimization();
            }
        }

        if (problem.Goal == PortfolioGoal.MaximiseExpectedNpv)
        {
            for (var i = 0; i < n; i++)
            {
                objective.SetCoefficient(x[i], Mean(v.Npv(i)) / npvScale);
            }

            for (var q = 0; q < pairs.Length; q++)
            {
                objective.SetCoefficient(y[q], Mean(v.Interaction(pairs[q].First, pairs[q].Second)!.NpvByDraw) / npvScale);
            }

            objective.SetMaximization();
        }

        cancellationToken.ThrowIfCancellationRequested();
        using var parameters = new MPSolverParameters();
        parameters.SetDoubleParam(MPSolverParameters.DoubleParam.RELATIVE_MIP_GAP, 0);
        var status = solver.Solve(parameters);
        var method = $"mip:{engine}";
        if (status is not (Solver.ResultStatus.OPTIMAL or Solver.ResultStatus.FEASIBLE))
        {
            if (status == Solver.ResultStatus.INFEASIBLE)
            {
                return PortfolioSolution.Infeasible(problem, method);
            }

            throw new InvalidOperationException($"The MIP solver {engine} stopped without a solution (status {status}).");
        }

        var chosen = x.Select(xi => xi.SolutionValue() > 0.5).ToArray();
        return PortfolioSolution.Create(problem, chosen, method, status == Solver.ResultStatus.OPTIMAL);
    }

    private static double Mean(ReadOnlySpan<double> values)
    {
        var s = 0.0;
        foreach (var value in values)
        {
            s += value;
        }

        return s / values.Length;
    }

    private static Solver CreateFallback(out string engine)
    {
        engine = "CBC";
        return Solver.CreateSolver("CBC") ?? throw new InvalidOperationException("Neither SCIP nor CBC is available in this OR-Tools build.");
    }
}
