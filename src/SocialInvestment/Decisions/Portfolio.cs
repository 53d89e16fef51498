using SocialInvestment.Model;

namespace SocialInvestment.Decisions;

/// <summary>
/// One candidate investment of a portfolio: one or more interventions run together (an
/// intervention at a given scale or for a given target group is its own intervention, with its own
/// uptake, eligibility and costs). A portfolio runs the union of its candidates' interventions as
/// one strategy on top of the comparator.
/// </summary>
/// <param name="Name">Unique name.</param>
/// <param name="Interventions">The interventions (at least one).</param>
/// <param name="Description">Optional description (shown in reports).</param>
public sealed record PortfolioCandidate(string Name, IReadOnlyList<Intervention> Interventions, string? Description = null);

/// <summary>
/// A budget limit: the most that <paramref name="Payer"/> (or all payers together when null) may
/// spend on the chosen candidates' intervention costs in one year. Amounts are undiscounted, in the
/// model's prices, for the modelled population, and count only the interventions' own costs (the
/// investment), not the savings they bring. Years without a limit are unconstrained.
/// </summary>
/// <param name="Payer">The payer's name, or null for the total over every payer.</param>
/// <param name="Year">Year since the start of the run, 0-based (year y holds the trace points t with ⌊t·cycle length⌋ = y).</param>
/// <param name="Amount">The limit (≥ 0).</param>
public sealed record PortfolioBudget(string? Payer, int Year, double Amount);

/// <summary>At most one of <paramref name="Candidates"/> may be chosen (for example the same intervention at two scales).</summary>
/// <param name="Candidates">Two or more candidate names.</param>
public sealed record PortfolioExclusion(IReadOnlyList<string> Candidates);

/// <summary><paramref name="Candidate"/> may be chosen only together with <paramref name="Requires"/>.</summary>
/// <param name="Candidate">The dependent candidate.</param>
/// <param name="Requires">The candidate it needs.</param>
public sealed record PortfolioPrerequisite(string Candidate, string Requires);

/// <summary>What the portfolio optimises.</summary>
public enum PortfolioGoal
{
    /// <summary>Maximise the expected NPV of the objective perspective (subject to every constraint, the tail-NPV floor included).</summary>
    MaximiseExpectedNpv = 0,

    /// <summary>Maximise the tail NPV (the mean NPV of the worst draws, see <see cref="PortfolioRisk"/>): the least risky feasible portfolio.</summary>
    MaximiseTailNpv = 1,
}

/// <summary>
/// The risk measure and its limit. With K draws of the objective's NPV, the <em>tail NPV</em> at
/// level α is the mean NPV over the worst (1 − α)·K draws (fractionally for a non-whole count):
/// tail NPV = −CVaR_α(−NPV), the conditional value at risk of the loss L = −NPV in the
/// Rockafellar–Uryasev form CVaR_α(L) = min over τ of τ + Σ_k (L_k − τ)⁺ / ((1 − α)·K). It follows the
/// result sign convention: + = better off. A floor on it (<see cref="MinTailNpv"/>) is a CVaR
/// constraint, which the mixed-integer solver linearises exactly with one variable per draw.
/// </summary>
public sealed record PortfolioRisk
{
    /// <summary>The tail level α in (0, 1); default 0.9 (the mean of the worst 10 % of draws).</summary>
    public double Alpha { get; init; } = 0.9;

    /// <summary>The floor on the tail NPV (NOK, + = better off); null for none. −5 000 000 means: in the worst (1 − α) of draws the portfolio loses at most 5 million on average.</summary>
    public double? MinTailNpv { get; init; }
}

/// <summary>
/// A portfolio problem: the valued candidates, the budgets, the exclusions and prerequisites, the
/// risk limit and the goal. Validate with <see cref="Validate"/>; the solvers call it.
/// </summary>
public sealed record PortfolioProblem
{
    /// <summary>Creates a problem.</summary>
    /// <param name="valuation">The candidates' values and costs (<see cref="PortfolioValuation.Build"/>).</param>
    /// <param name="budgets">The budget limits.</param>
    public PortfolioProblem(PortfolioValuation valuation, IReadOnlyList<PortfolioBudget> budgets)
    {
        ArgumentNullException.ThrowIfNull(valuation);
        ArgumentNullException.ThrowIfNull(budgets);
        Valuation = valuation;
        Budgets = ReadOnly.Copy(budgets);
    }

    /// <summary>The candidates' values and costs.</summary>
    public PortfolioValuation Valuation { get; init; }

    /// <summary>The budget limits.</summary>
    public IReadOnlyList<PortfolioBudget> Budgets { get; init; }

    /// <summary>Mutual exclusions.</summary>
    public IReadOnlyList<PortfolioExclusion> Exclusions { get; init; } = [];

    /// <summary>Prerequisites.</summary>
    public IReadOnlyList<PortfolioPrerequisite> Prerequisites { get; init; } = [];

    /// <summary>The risk measure and its limit.</summary>
    public PortfolioRisk Risk { get; init; } = new();

    /// <summary>The goal; default: maximise expected NPV.</summary>
    public PortfolioGoal Goal { get; init; }

    /// <summary>
    /// Every problem of the input, named by field: unknown payers or candidates, negative or
    /// non-finite budgets, years outside the horizon, exclusions of fewer than two candidates, a
    /// prerequisite on itself, α outside (0, 1). Empty when the problem is valid.
    /// </summary>
    public IReadOnlyList<ValidationProblem> Validate()
    {
        var problems = new List<ValidationProblem>();
        var v = Valuation;
        var names = v.Candidates.Select(c => c.Name).ToHashSet(StringComparer.Ordinal);
        for (var i = 0; i < Budgets.Count; i++)
        {
            var b = Budgets[i];
            var where = $"budget {i + 1}";
            if (b is null)
            {
                problems.Add(new ValidationProblem(where, "The budget is null."));
                continue;
            }

            if (b.Payer is not null && v.PayerIndex(b.Payer) < 0)
            {
                problems.Add(new ValidationProblem($"{where}: payer", $"Unknown payer '{b.Payer}'; the model's payers are {string.Join(", ", v.Payers.Select(p => p.Name))}."));
            }

            if (b.Year < 0 || b.Year >= v.Years)
            {
                problems.Add(new ValidationProblem($"{where}: year", $"Year {b.Year} is outside the horizon's years 0–{v.Years - 1}."));
            }

            if (!double.IsFinite(b.Amount) || b.Amount < 0)
            {
                problems.Add(new ValidationProblem($"{where}: amount", $"A budget must be a finite amount ≥ 0 (got {b.Amount})."));
            }
        }

        for (var i = 0; i < Exclusions.Count; i++)
        {
            var e = Exclusions[i];
            var list = e?.Candidates ?? [];
            if (list.Distinct(StringComparer.Ordinal).Count() < 2)
            {
                problems.Add(new ValidationProblem($"exclusion {i + 1}", "An exclusion names at least two different candidates."));
            }

            foreach (var n in list.Where(n => !names.Contains(n)))
            {
                problems.Add(new ValidationProblem($"exclusion {i + 1}", $"Unknown candidate '{n}'."));
            }
        }

        for (var i = 0; i < Prerequisites.Count; i++)
        {
            var p = Prerequisites[i];
            if (p is null)
            {
                problems.Add(new ValidationProblem($"prerequisite {i + 1}", "The prerequisite is null."));
                continue;
            }

            foreach (var n in new[] { p.Candidate, p.Requires }.Where(n => !names.Contains(n)))
            {
                problems.Add(new ValidationProblem($"prerequisite {i + 1}", $"Unknown candidate '{n}'."));
            }

            if (p.Candidate == p.Requires)
            {
                problems.Add(new ValidationProblem($"prerequisite {i + 1}", $"'{p.Candidate}' cannot require itself."));
            }
        }

        foreach (var (i, j) in v.SkippedPairs)
        {
            var a = v.Candidates[i].Name;
            var b = v.Candidates[j].Name;
            if (!Exclusions.Any(e => e is not null && e.Candidates.Contains(a) && e.Candidates.Contains(b)))
            {
                problems.Add(new ValidationProblem("exclusions", $"The valuation did not run '{a}' with '{b}' (an exclusion of its options), so the problem must exclude them too."));
            }
        }

        if (Risk is null || !(Risk.Alpha > 0 && Risk.Alpha < 1))
        {
            problems.Add(new ValidationProblem("risk: alpha", $"The tail level α must lie strictly between 0 and 1 (got {Risk?.Alpha})."));
        }
        else if (Risk.MinTailNpv is double m && !double.IsFinite(m))
        {
            problems.Add(new ValidationProblem("risk: min_tail_npv", "The tail-NPV floor must be finite."));
        }

        return problems;
    }

    /// <summary>Throws <see cref="ModelValidationException"/> with every problem of <see cref="Validate"/>, if any.</summary>
    public void ThrowIfInvalid()
    {
        var problems = Validate();
        if (problems.Count > 0)
        {
            throw new ModelValidationException(problems);
        }
    }

    /// <summary>True when the chosen set (one flag per candidate, in the valuation's order) meets the exclusions and prerequisites.</summary>
    /// <param name="chosen">The flags.</param>
    public bool MeetsRules(IReadOnlyList<bool> chosen)
    {
        ArgumentNullException.ThrowIfNull(chosen);
        var v = Valuation;
        foreach (var e in Exclusions)
        {
            if (e.Candidates.Distinct(StringComparer.Ordinal).Count(n => chosen[v.CandidateIndex(n)]) > 1)
            {
                return false;
            }
        }

        foreach (var p in Prerequisites)
        {
            if (chosen[v.CandidateIndex(p.Candidate)] && !chosen[v.CandidateIndex(p.Requires)])
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The budget use of a chosen set: one entry per budget limit, in order.</summary>
    /// <param name="chosen">The flags.</param>
    public IReadOnlyList<PortfolioBudgetUse> BudgetUse(IReadOnlyList<bool> chosen)
    {
        ArgumentNullException.ThrowIfNull(chosen);
        return Budgets.Select(b => new PortfolioBudgetUse(b.Payer, b.Year, Valuation.Cost(chosen, b.Payer, b.Year), b.Amount)).ToArray();
    }

    /// <summary>True when the chosen set stays within every budget (with a relative tolerance of 1e-9 for rounding).</summary>
    /// <param name="chosen">The flags.</param>
    public bool WithinBudgets(IReadOnlyList<bool> chosen) => BudgetUse(chosen).All(u => u.Used <= u.Limit + (1e-9 * Math.Max(1, Math.Abs(u.Limit))));
}

/// <summary>How much of one budget limit a portfolio uses.</summary>
/// <param name="Payer">The payer, or null for the total.</param>
/// <param name="Year">The year.</param>
/// <param name="Used">Intervention costs the portfolio puts on it that year (undiscounted NOK).</param>
/// <param name="Limit">The limit.</param>
public sealed record PortfolioBudgetUse(string? Payer, int Year, double Used, double Limit);

/// <summary>A solved portfolio.</summary>
public sealed class PortfolioSolution
{
    private readonly PortfolioValuation _valuation;
    private readonly double[] _npvByDraw;

    internal PortfolioSolution(PortfolioProblem problem, bool[] chosen, string method, bool provedOptimal, bool feasible)
    {
        var v = problem.Valuation;
        _valuation = v;
        Chosen = ReadOnly.Copy(chosen);
        Candidates = ReadOnly.Copy(v.Candidates.Where((_, i) => chosen[i]).Select(c => c.Name));
        Method = method;
        ProvedOptimal = provedOptimal;
        IsFeasible = feasible;
        _npvByDraw = v.NpvByDraw(chosen).ToArray();
        ExpectedNpv = _npvByDraw.Average();
        TailNpv = PortfolioRiskMeasures.TailNpv(_npvByDraw, problem.Risk.Alpha);
        ProbabilityOfLoss = _npvByDraw.Count(x => x < 0) / (double)_npvByDraw.Length;
        BudgetUse = ReadOnly.Copy(problem.BudgetUse(chosen));
    }

    /// <summary>A feasible solution for a chosen set (for solvers outside this library); its figures are computed from the problem's valuation.</summary>
    /// <param name="problem">The problem.</param>
    /// <param name="chosen">One flag per candidate.</param>
    /// <param name="method">The solver's name.</param>
    /// <param name="provedOptimal">Whether the solver proved it optimal.</param>
    /// <exception cref="ArgumentException">The flags do not match the candidates.</exception>
    public static PortfolioSolution Create(PortfolioProblem problem, IReadOnlyList<bool> chosen, string method, bool provedOptimal)
    {
        ArgumentNullException.ThrowIfNull(problem);
        ArgumentNullException.ThrowIfNull(chosen);
        ArgumentNullException.ThrowIfNull(method);
        if (chosen.Count != problem.Valuation.Candidates.Count)
        {
            throw new ArgumentException($"Give one flag per candidate ({problem.Valuation.Candidates.Count}).", nameof(chosen));
        }

        return new PortfolioSolution(problem, chosen.ToArray(), method, provedOptimal, feasible: true);
    }

    /// <summary>The answer that no portfolio meets every constraint.</summary>
    /// <param name="problem">The problem.</param>
    /// <param name="method">The solver's name.</param>
    public static PortfolioSolution Infeasible(PortfolioProblem problem, string method)
    {
        ArgumentNullException.ThrowIfNull(problem);
        return new PortfolioSolution(problem, new bool[problem.Valuation.Candidates.Count], method, provedOptimal: true, feasible: false);
    }

    /// <summary>One flag per candidate (the valuation's order): chosen or not.</summary>
    public IReadOnlyList<bool> Chosen { get; }

    /// <summary>The names of the chosen candidates.</summary>
    public IReadOnlyList<string> Candidates { get; }

    /// <summary>The portfolio's NPV from the objective perspective in every draw (one value when deterministic), NOK, + = better off, from the valuation (its interaction model); the read-only per-draw shape of the PSA results.</summary>
    public ReadOnlySpan<double> NpvByDraw => _npvByDraw;

    /// <summary>A candidate's own expected NPV (alone against the comparator).</summary>
    /// <param name="candidate">The candidate's name.</param>
    /// <exception cref="KeyNotFoundException">No such candidate.</exception>
    public double CandidateExpectedNpv(string candidate)
    {
        var i = _valuation.CandidateIndex(candidate);
        if (i < 0)
        {
            throw new KeyNotFoundException($"No candidate '{candidate}'.");
        }

        var sum = 0.0;
        foreach (var x in _valuation.Npv(i))
        {
            sum += x;
        }

        return sum / _valuation.Draws;
    }

    /// <summary>Mean of <see cref="NpvByDraw"/>.</summary>
    public double ExpectedNpv { get; }

    /// <summary>The tail NPV at the problem's α (see <see cref="PortfolioRisk"/>).</summary>
    public double TailNpv { get; }

    /// <summary>Share of draws with NPV &lt; 0 (the chance of a loss).</summary>
    public double ProbabilityOfLoss { get; }

    /// <summary>Use of each budget limit.</summary>
    public IReadOnlyList<PortfolioBudgetUse> BudgetUse { get; }

    /// <summary>The solver that found it ("exhaustive", "greedy", "mip:SCIP", …).</summary>
    public string Method { get; }

    /// <summary>True when the solver proved it optimal (exhaustive search, or a MIP solved to optimality).</summary>
    public bool ProvedOptimal { get; }

    /// <summary>False when no portfolio meets every constraint (then <see cref="Candidates"/> is empty).</summary>
    public bool IsFeasible { get; }
}

/// <summary>Solves a <see cref="PortfolioProblem"/>.</summary>
public interface IPortfolioSolver
{
    /// <summary>The name recorded in <see cref="PortfolioSolution.Method"/>.</summary>
    string Name { get; }

    /// <summary>Finds the best portfolio.</summary>
    /// <param name="problem">The problem (validated first).</param>
    /// <param name="cancellationToken">Cancels the search.</param>
    /// <returns>The solution; <see cref="PortfolioSolution.IsFeasible"/> false when nothing meets the constraints.</returns>
    /// <exception cref="ModelValidationException">The problem is invalid.</exception>
    PortfolioSolution Solve(PortfolioProblem problem, CancellationToken cancellationToken = default);
}
