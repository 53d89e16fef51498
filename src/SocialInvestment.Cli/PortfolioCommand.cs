using System.CommandLine;
using System.Globalization;
using SocialInvestment.Decisions;
using SocialInvestment.Economics;
using SocialInvestment.Portfolio;
using SocialInvestment.Reporting;
using SocialInvestment.Scenarios;

namespace SocialInvestment.Cli;

/// <summary>
/// <c>socinv portfolio</c>: values the scenario's candidate investments (portfolio_candidates.csv,
/// portfolio_budgets.csv; the built-in default's when no scenario is given), chooses the portfolio
/// with the MIP solver, traces the efficient frontier, and writes portfolio.csv, frontier.csv and a
/// report into --out.
/// </summary>
internal static class PortfolioCommand
{
    /// <summary>Up to this many candidates every combination is run (exhaustive valuation) when --interactions is auto.</summary>
    public const int AutoExhaustiveCandidates = 6;

    public static Command Create(TextWriter output, TextWriter error, CliEnvironment environment, CancellationToken cancellationToken)
    {
        var scenario = new Option<string?>("--scenario", "-s") { Description = "Scenario folder with portfolio_candidates.csv and portfolio_budgets.csv. Omit for the embedded Norwegian default and its illustrative candidates and budgets.", HelpName = "DIR" };
        var outDir = CliOptions.FolderPath("--out", $"Output folder (default {CliApp.DefaultOut}); replaced as a whole, refused when it holds files socinv did not write.", CliApp.DefaultOut, "-o");
        var draws = CliOptions.WholeNumber("--draws", 0, 100_000, "PSA draws (0 = the base case only, the default). With draws the tail NPV, the chance of a loss and the frontier come from the draws.");
        var seed = CliOptions.WholeNumber("--seed", 0, long.MaxValue, string.Create(CultureInfo.InvariantCulture, $"PSA seed (default {RunScenario.DefaultSeed})."));
        var objective = new Option<string>("--objective") { Description = "Whose NPV is maximised: society (default), public, or a payer's name (municipality, state, …).", DefaultValueFactory = _ => "society" };
        var alpha = new Option<double>("--alpha") { Description = "Tail level α of the risk measure, strictly between 0 and 1 (default 0.9: the worst 10 % of draws).", DefaultValueFactory = _ => 0.9 };
        var floor = new Option<double?>("--min-tail-npv") { Description = "CVaR constraint: the chosen portfolio's mean NPV in the worst 1 − α of draws must be at least this (NOK; negative = a bounded loss)." };
        var interactions = new Option<string>("--interactions") { Description = $"pairwise (run every candidate and pair), exhaustive (run every combination, at most 10 candidates), or auto (the default: exhaustive up to {AutoExhaustiveCandidates} candidates).", DefaultValueFactory = _ => "auto" };
        interactions.AcceptOnlyFromAmong("auto", "pairwise", "exhaustive");
        var points = CliOptions.WholeNumber("--points", 2, 50, "Risk floors tried when tracing the frontier (default 11).");
        var language = CliOptions.Language("Language of the report: en (default) or nb.");
        var command = new Command("portfolio", "Choose which candidate investments to fund under annual budgets per payer (and a total), exclusions and prerequisites: the best expected NPV by a mixed-integer program (OR-Tools SCIP), with interactions between candidates run as combined strategies, an optional CVaR limit under PSA draws, and the efficient frontier of expected NPV against tail NPV. Runs on the built-in default with no input; writes portfolio.csv, frontier.csv and report.html/report.md to --out.");
        foreach (var o in new Option[] { scenario, outDir, draws, seed, objective, alpha, floor, interactions, points, language })
        {
            command.Options.Add(o);
        }

        command.SetAction(parse => Execute(
            parse.GetValue(scenario),
            parse.GetValue(outDir)!,
            (int)(parse.GetValue(draws) ?? 0),
            (ulong)(parse.GetValue(seed) ?? (long)RunScenario.DefaultSeed),
            parse.GetValue(objective)!,
            parse.GetValue(alpha),
            parse.GetValue(floor),
            parse.GetValue(interactions)!,
            (int)(parse.GetValue(points) ?? 11),
            parse.GetValue(language) == "nb" ? ReportLanguage.NorwegianBokmal : ReportLanguage.English,
            output,
            error,
            environment,
            cancellationToken));
        return command;
    }

    private static int Execute(string? scenarioDir, string outDir, int draws, ulong seed, string objectiveName, double alpha, double? floor, string interactions, int points, ReportLanguage language, TextWriter output, TextWriter error, CliEnvironment environment, CancellationToken ct)
    {
        if (!(alpha > 0 && alpha < 1))
        {
            throw new CliException(ExitCodes.Usage, string.Create(CultureInfo.InvariantCulture, $"--alpha must lie strictly between 0 and 1 (got {alpha})."));
        }

        var scenario = scenarioDir is null ? NorwegianDefault.Load() : CliApp.LoadScenario(scenarioDir);
        var spec = scenarioDir is null
            ? PortfolioFile.Default(scenario)
            : PortfolioFile.TryRead(scenarioDir, scenario) ?? throw new CliException(ExitCodes.InvalidInput, $"the scenario '{scenarioDir}' has no {PortfolioFile.CandidatesFileName} and {PortfolioFile.BudgetsFileName} (socinv init DIR writes the default's as an example).");
        var objective = PortfolioFile.ResolveObjective(scenario, objectiveName)
            ?? throw new CliException(ExitCodes.InvalidInput, $"unknown --objective '{objectiveName}': use society, public or a payer ({string.Join(", ", scenario.Payers.Select(p => p.Name))}).");
        var folder = RunFolder.Prepare(outDir);
        try
        {
            var (model, candidates) = spec.BuildCandidates(scenario);
            var comparator = model.Strategies.First(s => s.Name == scenario.Settings.Comparator);
            var exhaustive = interactions == "exhaustive" || (interactions == "auto" && candidates.Count <= AutoExhaustiveCandidates);
            error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"socinv: valuing {candidates.Count} candidates ({(exhaustive ? "every combination" : "every candidate and pair")} run as a combined strategy{(draws > 0 ? $", {draws:N0} PSA draws" : "")})"));
            var valuation = PortfolioValuation.Build(model, comparator, candidates, objective, new PortfolioValuationOptions
            {
                Interactions = exhaustive ? PortfolioInteractions.Exhaustive : PortfolioInteractions.Pairwise,
                Psa = draws > 0 ? scenario.ToPsaSpecification(model) : null,
                Draws = Math.Max(1, draws),
                Seed = seed,
                Exclusions = spec.Exclusions,
            }, null, ct);
            var problem = spec.ToProblem(valuation, new PortfolioRisk { Alpha = alpha, MinTailNpv = floor });
            var solver = new MipPortfolioSolver();
            var chosen = solver.Solve(problem, ct);
            var frontier = PortfolioFrontier.Trace(solver, problem, points, ct);
            double[]? simulated = null;
            if (chosen.IsFeasible && chosen.Candidates.Count > 0 && !valuation.IsExact)
            {
                simulated = valuation.Simulate(chosen.Chosen, ct).NpvByDraw.ToArray();
            }

            Print(chosen, frontier, problem, simulated, output);
            var dir = folder.Staging;
            PortfolioFile.WriteResults(dir, chosen, frontier, alpha);
            var options = new ReportOptions { Language = language, Title = scenario.Settings.Name };
            var report = PortfolioReport.Build(new PortfolioReportInput(problem, chosen, frontier, scenario.Settings.PriceYear)
            {
                SimulatedNpv = simulated,
                Title = $"{scenario.Settings.Name}: portfolio",
                Provenance = string.Create(CultureInfo.InvariantCulture, $"Generated by socinv portfolio · scenario: {scenarioDir ?? "embedded Norwegian default"} · objective: {objective.Name} · {(draws > 0 ? $"PSA draws: {draws}, seed: {seed}" : "base case")} · α = {alpha}."),
            }, options);
            report.WriteTo(dir);
            var copy = Path.Combine(dir, RunManifest.ScenarioFolder);
            ScenarioWriter.Write(scenario, copy);
            PortfolioFile.CopyTables(scenarioDir, copy);
            var settings = new RunSettings("portfolio", scenarioDir, null, null, [objective.Name], draws, draws > 0 ? seed : null, CultureInfo.InvariantCulture.Name);
            new RunManifest(RunManifest.ToolVersion, [], settings, scenario.Settings.Name, RunManifest.ScenarioContentHash(copy), RunManifest.Describe(dir)).WriteTo(dir);
            folder.Commit(environment.OnWriting is { } hook ? () => hook("swap") : null);
            output.WriteLine($"Wrote to {folder.Target}: {PortfolioFile.ResultFileName}, {PortfolioFile.FrontierFileName}, report.html, report.md and the frontier chart (PNG), the scenario copy ({RunManifest.ScenarioFolder}/) and {RunManifest.FileName}.");
            return ExitCodes.Ok;
        }
        catch
        {
            folder.Abandon();
            throw;
        }
    }

    private static void Print(PortfolioSolution s, IReadOnlyList<PortfolioSolution> frontier, PortfolioProblem p, double[]? simulated, TextWriter output)
    {
        var c = CultureInfo.InvariantCulture;
        var v = p.Valuation;
        output.WriteLine(string.Create(c, $"Portfolio: {v.Candidates.Count} candidates against {v.Comparator?.Name ?? "(given)"}, objective {v.Objective.Name} (NPV in NOK, + = better off), {(v.Draws == 1 ? "base case" : $"{v.Draws:N0} PSA draws")}"));
        if (!s.IsFeasible)
        {
            output.WriteLine("No portfolio meets every constraint (the tail-NPV floor is above what any allowed set reaches).");
            return;
        }

        output.WriteLine(string.Create(c, $"Chosen: {(s.Candidates.Count == 0 ? "nothing" : string.Join(" + ", s.Candidates))} ({s.Method}{(s.ProvedOptimal ? ", optimal" : "")})"));
        output.WriteLine(string.Create(c, $"  expected NPV {s.ExpectedNpv:N0}; tail NPV (worst {1 - p.Risk.Alpha:P0} of draws) {s.TailNpv:N0}; chance of a loss {s.ProbabilityOfLoss:P0}"));
        if (simulated is not null)
        {
            output.WriteLine(string.Create(c, $"  run as one combined strategy: expected NPV {simulated.Average():N0} (pairwise estimate {s.ExpectedNpv:N0})"));
        }

        foreach (var u in s.BudgetUse.Where(u => u.Used > 0))
        {
            output.WriteLine(string.Create(c, $"  budget {u.Payer ?? "total"} year {u.Year}: {u.Used:N0} of {u.Limit:N0}"));
        }

        output.WriteLine("Efficient frontier (expected NPV / tail NPV):");
        foreach (var f in frontier)
        {
            output.WriteLine(string.Create(c, $"  {(f.Candidates.Count == 0 ? "nothing" : string.Join(" + ", f.Candidates)),-40} {f.ExpectedNpv,16:N0} {f.TailNpv,16:N0}"));
        }
    }
}
