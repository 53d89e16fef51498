using System.Globalization;
using SocialInvestment.Decisions;
using SocialInvestment.Economics;
using SocialInvestment.IO;
using SocialInvestment.Model;

namespace SocialInvestment.Scenarios;

/// <summary>
/// The optional portfolio tables of a scenario folder (see docs/portfolio.md):
/// <c>portfolio_candidates.csv</c>, one row per candidate investment, with columns
/// <c>candidate</c> (unique name, required), <c>interventions</c> (space-separated names from
/// interventions.csv, required), <c>excludes</c> (space-separated candidates it cannot be chosen
/// with), <c>requires</c> (space-separated candidates it needs), <c>description</c>; and
/// <c>portfolio_budgets.csv</c>, one row per limit, with columns <c>payer</c> (a payer name, or
/// <c>total</c> for all payers together), <c>from_year</c> and <c>to_year</c> (0-based years since
/// the start, inclusive; to_year defaults to from_year), <c>amount</c> (NOK per year in the
/// scenario's prices, undiscounted, ≥ 0: the most that payer may spend on the chosen candidates'
/// intervention costs in each of those years) and <c>source</c>. Both are read strictly like the
/// scenario tables; every problem names file, line, column and field.
/// </summary>
public static class PortfolioFile
{
    /// <summary>The candidates table.</summary>
    public const string CandidatesFileName = "portfolio_candidates.csv";

    /// <summary>The budgets table.</summary>
    public const string BudgetsFileName = "portfolio_budgets.csv";

    /// <summary>The chosen portfolio and its budget use, written by <see cref="WriteResults"/>.</summary>
    public const string ResultFileName = "portfolio.csv";

    /// <summary>The efficient frontier, written by <see cref="WriteResults"/>.</summary>
    public const string FrontierFileName = "frontier.csv";

    /// <summary>
    /// Writes <see cref="ResultFileName"/> and <see cref="FrontierFileName"/> (invariant culture,
    /// round-trip numbers, atomically). portfolio.csv is tidy: columns <c>kind</c> (<c>candidate</c>:
    /// a chosen candidate with its own expected NPV; <c>budget</c>: one budget limit's use;
    /// <c>portfolio</c>: the whole set), <c>candidate</c>, <c>payer</c> (a payer or <c>total</c>),
    /// <c>year</c>, <c>used</c> and <c>limit</c> (undiscounted NOK of intervention costs),
    /// <c>expected_npv</c>, <c>tail_npv</c>, <c>alpha</c>, <c>probability_of_loss</c>, <c>method</c>.
    /// frontier.csv: <c>point</c>, <c>candidates</c> (space-separated), <c>expected_npv</c>,
    /// <c>tail_npv</c>, <c>alpha</c>, <c>probability_of_loss</c>, <c>chosen</c> (true for the chosen
    /// portfolio). NPVs are from the objective perspective, + = better off.
    /// </summary>
    /// <param name="directory">The output folder (must exist).</param>
    /// <param name="chosen">The chosen portfolio.</param>
    /// <param name="frontier">The frontier.</param>
    /// <param name="alpha">The tail level α.</param>
    public static void WriteResults(string directory, PortfolioSolution chosen, IReadOnlyList<PortfolioSolution> frontier, double alpha)
    {
        ArgumentNullException.ThrowIfNull(directory);
        ArgumentNullException.ThrowIfNull(chosen);
        ArgumentNullException.ThrowIfNull(frontier);
        var a = CsvNumber.Format(alpha);
        var method = chosen.Method + (chosen.ProvedOptimal ? " (optimal)" : "");
        var rows = new List<string?[]>();
        foreach (var name in chosen.Candidates)
        {
            rows.Add(["candidate", name, null, null, null, null, CsvNumber.Format(chosen.CandidateExpectedNpv(name)), null, a, null, method]);
        }

        foreach (var u in chosen.BudgetUse)
        {
            rows.Add(["budget", null, u.Payer ?? "total", u.Year.ToString(CultureInfo.InvariantCulture), CsvNumber.Format(u.Used), CsvNumber.Format(u.Limit), null, null, a, null, method]);
        }

        rows.Add(["portfolio", string.Join(" ", chosen.Candidates), null, null, null, null, CsvNumber.Format(chosen.ExpectedNpv), CsvNumber.Format(chosen.TailNpv), a, CsvNumber.Format(chosen.ProbabilityOfLoss), chosen.IsFeasible ? method : "infeasible"]);
        CsvFiles.WriteCsv(Path.Combine(directory, ResultFileName), ["kind", "candidate", "payer", "year", "used", "limit", "expected_npv", "tail_npv", "alpha", "probability_of_loss", "method"], rows);
        CsvFiles.WriteCsv(Path.Combine(directory, FrontierFileName), ["point", "candidates", "expected_npv", "tail_npv", "alpha", "probability_of_loss", "chosen"], frontier.Select((f, i) => new string?[]
        {
            (i + 1).ToString(CultureInfo.InvariantCulture),
            string.Join(" ", f.Candidates),
            CsvNumber.Format(f.ExpectedNpv),
            CsvNumber.Format(f.TailNpv),
            a,
            CsvNumber.Format(f.ProbabilityOfLoss),
            f.Chosen.SequenceEqual(chosen.Chosen) ? "true" : "false",
        }));
    }

    /// <summary>Copies the two portfolio tables into a folder: from the scenario folder, or the default's when it is null.</summary>
    /// <param name="scenarioDirectory">The scenario folder, or null for the built-in default.</param>
    /// <param name="target">The folder to copy into (must exist).</param>
    public static void CopyTables(string? scenarioDirectory, string target)
    {
        ArgumentNullException.ThrowIfNull(target);
        foreach (var name in new[] { CandidatesFileName, BudgetsFileName })
        {
            var bytes = scenarioDirectory is null ? NorwegianDefault.Open(name)! : File.ReadAllBytes(Path.Combine(scenarioDirectory, name));
            File.WriteAllBytes(Path.Combine(target, name), bytes);
        }
    }

    /// <summary>The perspective a name means in this scenario (society, public, individual, resource-costs or a payer), or null.</summary>
    /// <param name="scenario">The scenario.</param>
    /// <param name="name">The name.</param>
    public static Perspective? ResolveObjective(Scenario scenario, string name)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        ArgumentNullException.ThrowIfNull(name);
        return scenario.ResolvePerspective(name);
    }

    private static readonly IReadOnlyList<ColumnSpec> CandidateColumns =
    [
        new("candidate", true, "a unique candidate name"),
        new("interventions", true, "intervention names separated by spaces"),
        new("excludes", false, "candidate names separated by spaces"),
        new("requires", false, "candidate names separated by spaces"),
        new("description", false, "free text"),
    ];

    private static readonly IReadOnlyList<ColumnSpec> BudgetColumns =
    [
        new("payer", true, "a payer name or total"),
        new("from_year", true, "a year ≥ 0"),
        new("to_year", false, "a year ≥ from_year"),
        new("amount", true, "NOK per year ≥ 0"),
        new("source", false, "free text"),
    ];

    /// <summary>
    /// Reads the two tables from a scenario folder. Null when the folder has neither; an error when
    /// it has only one of them.
    /// </summary>
    /// <param name="directory">The scenario folder.</param>
    /// <param name="scenario">The scenario read from it.</param>
    /// <param name="limits">Size limits; null for the defaults.</param>
    /// <exception cref="ScenarioFormatException">Every problem with file, line, column and field.</exception>
    public static PortfolioSpec? TryRead(string directory, Scenario scenario, ScenarioLimits? limits = null)
    {
        ArgumentNullException.ThrowIfNull(directory);
        ArgumentNullException.ThrowIfNull(scenario);
        limits ??= ScenarioLimits.Default;
        var c = Path.Combine(directory, CandidatesFileName);
        var b = Path.Combine(directory, BudgetsFileName);
        if (!File.Exists(c) && !File.Exists(b))
        {
            return null;
        }

        var problems = new ProblemList(limits.MaxProblems);
        foreach (var (path, name) in new[] { (c, CandidatesFileName), (b, BudgetsFileName) })
        {
            if (!File.Exists(path))
            {
                problems.Add(new ScenarioProblem(name, null, null, null, $"The file is missing; a portfolio needs both {CandidatesFileName} and {BudgetsFileName}."));
            }
            else if (new FileInfo(path).Length > limits.MaxFileBytes)
            {
                problems.Add(new ScenarioProblem(name, null, null, null, string.Create(CultureInfo.InvariantCulture, $"The file has {new FileInfo(path).Length} bytes; the limit is {limits.MaxFileBytes}.")));
            }
        }

        if (problems.Count > 0)
        {
            throw problems.ToException();
        }

        return Parse(File.ReadAllBytes(c), File.ReadAllBytes(b), scenario, limits);
    }

    /// <summary>The portfolio of the built-in Norwegian default (its shipped tables).</summary>
    /// <param name="scenario">The default scenario (<see cref="NorwegianDefault.Load"/>).</param>
    public static PortfolioSpec Default(Scenario scenario)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        return Parse(NorwegianDefault.Open(CandidatesFileName)!, NorwegianDefault.Open(BudgetsFileName)!, scenario, ScenarioLimits.Default);
    }

    /// <summary>Parses the two tables against a scenario (its payers and interventions).</summary>
    /// <param name="candidates">The bytes of the candidates table.</param>
    /// <param name="budgets">The bytes of the budgets table.</param>
    /// <param name="scenario">The scenario.</param>
    /// <param name="limits">Size limits; null for the defaults.</param>
    /// <exception cref="ScenarioFormatException">Every problem with file, line, column and field.</exception>
    public static PortfolioSpec Parse(byte[] candidates, byte[] budgets, Scenario scenario, ScenarioLimits? limits = null)
    {
        ArgumentNullException.ThrowIfNull(candidates);
        ArgumentNullException.ThrowIfNull(budgets);
        ArgumentNullException.ThrowIfNull(scenario);
        limits ??= ScenarioLimits.Default;
        var problems = new ProblemList(limits.MaxProblems);
        var interventions = scenario.Interventions.Select(i => i.Name).ToHashSet(StringComparer.Ordinal);
        var payers = scenario.Payers.Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
        var rows = new List<PortfolioCandidateRow>();
        var lines = new Dictionary<string, int>(StringComparer.Ordinal);
        var pending = new List<(int Line, string Column, string Name)>();
        using (var s = new MemoryStream(candidates, writable: false))
        {
            CsvTable.Read(s, CandidatesFileName, CandidateColumns, problems, limits, CsvFormat.Invariant, row =>
            {
                var name = row.Name("candidate", "a unique candidate name");
                if (name.Length > 0 && !lines.TryAdd(name, row.Line))
                {
                    row.Problem("candidate", $"The candidate '{name}' is already defined on line {lines[name]}.");
                }

                var list = row.List("interventions");
                if (list.Count == 0)
                {
                    row.Problem("interventions", "A candidate runs at least one intervention (names from interventions.csv, separated by spaces).");
                }

                foreach (var i in list.Where(i => !interventions.Contains(i)))
                {
                    row.Problem("interventions", $"Unknown intervention '{i}'; the scenario's interventions are {string.Join(", ", interventions.Order(StringComparer.Ordinal))}.");
                }

                var excludes = row.List("excludes");
                var requires = row.List("requires");
                pending.AddRange(excludes.Select(e => (row.Line, "excludes", e)));
                pending.AddRange(requires.Select(e => (row.Line, "requires", e)));
                if (excludes.Contains(name) || requires.Contains(name))
                {
                    row.Problem(excludes.Contains(name) ? "excludes" : "requires", $"'{name}' cannot exclude or require itself.");
                }

                rows.Add(new PortfolioCandidateRow(name, list, excludes, requires, row.Text("description")));
            });
        }

        var budgetRows = new List<PortfolioBudgetRow>();
        using (var s = new MemoryStream(budgets, writable: false))
        {
            CsvTable.Read(s, BudgetsFileName, BudgetColumns, problems, limits, CsvFormat.Invariant, row =>
            {
                var payer = row.Name("payer", "a payer name or total");
                if (payer.Length > 0 && payer != "total" && !payers.Contains(payer))
                {
                    row.Problem("payer", $"Unknown payer '{payer}'; use one of {string.Join(", ", payers.Order(StringComparer.Ordinal))} or total.");
                }

                var from = row.Integer("from_year", "a year ≥ 0", required: true);
                var to = row.Integer("to_year", "a year ≥ from_year") ?? from;
                var amount = row.Number("amount", "NOK per year ≥ 0", required: true);
                var horizonYears = (int)Math.Floor((scenario.Settings.HorizonCycles * scenario.Settings.CycleLengthYears) + 1e-9);
                if (from is int f && (f < 0 || f > horizonYears))
                {
                    row.Problem("from_year", string.Create(CultureInfo.InvariantCulture, $"Year {f} is outside the horizon's years 0–{horizonYears}."));
                }

                if (from is int f2 && to is int t && (t < f2 || t > horizonYears))
                {
                    row.Problem("to_year", string.Create(CultureInfo.InvariantCulture, $"to_year {t} must lie between from_year {f2} and the horizon's last year {horizonYears}."));
                }

                if (amount is double a && a < 0)
                {
                    row.Problem("amount", string.Create(CultureInfo.InvariantCulture, $"A budget is an amount ≥ 0 (got {a})."));
                }

                budgetRows.Add(new PortfolioBudgetRow(payer == "total" ? null : payer, from ?? 0, to ?? 0, amount ?? 0, row.Line, row.Text("source")));
            });
        }

        foreach (var (line, column, name) in pending.Where(p => !lines.ContainsKey(p.Name)))
        {
            problems.Add(new ScenarioProblem(CandidatesFileName, line, CandidateColumns.ToList().FindIndex(c => c.Name == column) + 1, column, $"Unknown candidate '{name}'."));
        }

        if (problems.Total == 0 && rows.Count == 0)
        {
            problems.Add(new ScenarioProblem(CandidatesFileName, null, null, null, "The table has no candidates."));
        }

        if (problems.Total == 0 && budgetRows.Count == 0)
        {
            problems.Add(new ScenarioProblem(BudgetsFileName, null, null, null, "The table has no budgets; a portfolio without a budget limit would fund every candidate with a positive value."));
        }

        if (problems.Total > 0)
        {
            throw problems.ToException();
        }

        return new PortfolioSpec(rows, budgetRows);
    }
}

/// <summary>A row of <c>portfolio_candidates.csv</c>.</summary>
/// <param name="Name">Candidate name.</param>
/// <param name="Interventions">Its interventions.</param>
/// <param name="Excludes">Candidates it cannot be chosen with.</param>
/// <param name="Requires">Candidates it needs.</param>
/// <param name="Description">Free text.</param>
public sealed record PortfolioCandidateRow(string Name, IReadOnlyList<string> Interventions, IReadOnlyList<string> Excludes, IReadOnlyList<string> Requires, string? Description);

/// <summary>A row of <c>portfolio_budgets.csv</c>: a limit for each year from <paramref name="FromYear"/> to <paramref name="ToYear"/>.</summary>
/// <param name="Payer">The payer, or null for the total.</param>
/// <param name="FromYear">First year (0-based).</param>
/// <param name="ToYear">Last year, inclusive.</param>
/// <param name="Amount">NOK per year.</param>
/// <param name="Line">Its line in the file.</param>
/// <param name="Source">Where the figure comes from.</param>
public sealed record PortfolioBudgetRow(string? Payer, int FromYear, int ToYear, double Amount, int Line, string? Source);

/// <summary>The portfolio tables of a scenario, checked against its names; <see cref="ToProblem"/> makes the library's problem.</summary>
public sealed class PortfolioSpec
{
    internal PortfolioSpec(IReadOnlyList<PortfolioCandidateRow> candidates, IReadOnlyList<PortfolioBudgetRow> budgets)
    {
        Candidates = candidates;
        Budgets = budgets;
    }

    /// <summary>The candidate rows.</summary>
    public IReadOnlyList<PortfolioCandidateRow> Candidates { get; }

    /// <summary>The budget rows.</summary>
    public IReadOnlyList<PortfolioBudgetRow> Budgets { get; }

    /// <summary>
    /// The candidates as the library's type, with the model's interventions: the scenario is built
    /// with one extra strategy per candidate (so interventions that no strategy of the scenario uses
    /// are built too), and the candidates take their interventions from it.
    /// </summary>
    /// <param name="scenario">The scenario.</param>
    /// <returns>The model (with those extra strategies) and the candidates.</returns>
    /// <exception cref="ModelValidationException">The scenario does not make a valid model.</exception>
    public (LifeCourseModel Model, IReadOnlyList<PortfolioCandidate> Candidates) BuildCandidates(Scenario scenario)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        var extra = Candidates.SelectMany(c => c.Interventions.Select(i => new StrategyRow { Strategy = "candidate: " + c.Name, Intervention = i }));
        var augmented = scenario with { Strategies = [.. scenario.Strategies, .. extra] };
        var model = augmented.BuildModel();
        var list = Candidates.Select(c => new PortfolioCandidate(c.Name, model.Strategies.First(s => s.Name == "candidate: " + c.Name).Interventions, c.Description)).ToArray();
        return (model, list);
    }

    /// <summary>The exclusions: one per candidate row and excluded candidate (a pair).</summary>
    public IReadOnlyList<PortfolioExclusion> Exclusions =>
        Candidates.SelectMany(c => c.Excludes.Select(e => string.CompareOrdinal(c.Name, e) < 0 ? (c.Name, e) : (e, c.Name))).Distinct().Select(p => new PortfolioExclusion([p.Item1, p.Item2])).ToArray();

    /// <summary>The prerequisites.</summary>
    public IReadOnlyList<PortfolioPrerequisite> Prerequisites =>
        Candidates.SelectMany(c => c.Requires.Select(r => new PortfolioPrerequisite(c.Name, r))).ToArray();

    /// <summary>One budget limit per row and year.</summary>
    public IReadOnlyList<PortfolioBudget> BudgetLimits =>
        Budgets.SelectMany(b => Enumerable.Range(b.FromYear, b.ToYear - b.FromYear + 1).Select(y => new PortfolioBudget(b.Payer, y, b.Amount))).ToArray();

    /// <summary>
    /// Makes the problem and checks that the budgets fund something: when no candidate alone fits
    /// within every budget, the error names, for the cheapest candidate, the budget row it breaks
    /// (file, line, the amount needed against the limit).
    /// </summary>
    /// <param name="valuation">The valuation of <see cref="BuildCandidates"/>'s candidates.</param>
    /// <param name="risk">The risk settings.</param>
    /// <exception cref="ScenarioFormatException">The budgets fund no candidate.</exception>
    public PortfolioProblem ToProblem(PortfolioValuation valuation, PortfolioRisk? risk = null)
    {
        ArgumentNullException.ThrowIfNull(valuation);
        var problem = new PortfolioProblem(valuation, BudgetLimits)
        {
            Exclusions = Exclusions,
            Prerequisites = Prerequisites,
            Risk = risk ?? new PortfolioRisk(),
        };
        var n = valuation.Candidates.Count;
        var funded = Enumerable.Range(0, n).Any(i => problem.WithinBudgets(Enumerable.Range(0, n).Select(j => j == i).ToArray()));
        if (funded)
        {
            return problem;
        }

        var found = new List<ScenarioProblem>();
        for (var i = 0; i < n; i++)
        {
            var alone = Enumerable.Range(0, n).Select(j => j == i).ToArray();
            var broken = Budgets.SelectMany(b => Enumerable.Range(b.FromYear, b.ToYear - b.FromYear + 1).Select(y => (Row: b, Year: y, Used: valuation.Cost(alone, b.Payer, y))))
                .FirstOrDefault(x => x.Used > x.Row.Amount + (1e-9 * Math.Max(1, x.Row.Amount)));
            if (broken.Row is { } b)
            {
                found.Add(new ScenarioProblem(PortfolioFile.BudgetsFileName, b.Line, 4, "amount", string.Create(CultureInfo.InvariantCulture, $"The budgets fund no candidate: '{valuation.Candidates[i].Name}' alone costs {b.Payer ?? "all payers together"} {broken.Used:N0} NOK in year {broken.Year}, above this budget of {b.Amount:N0} NOK.")));
            }
        }

        throw new ScenarioFormatException(found);
    }
}
