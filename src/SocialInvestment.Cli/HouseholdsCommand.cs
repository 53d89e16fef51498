using System.CommandLine;
using System.Globalization;
using SocialInvestment.Economics;
using SocialInvestment.Households;
using SocialInvestment.Model;
using SocialInvestment.Reporting;
using SocialInvestment.Scenarios;
using SocialInvestment.Uncertainty;

namespace SocialInvestment.Cli;

/// <summary>
/// <c>socinv households [SCENARIO]</c>: runs the scenario's household tables (the built-in
/// default's when no scenario is given) with the household microsimulation and writes the results
/// by household type, household outcomes, the family's net position beside the public payers, the
/// per-household whole bill, a summary JSON and the report into an atomic run folder (like
/// <c>socinv run</c>). A separate command rather than part of <c>run</c>: its unit is the household,
/// its options (--households) and outputs differ, and <c>run</c> stays exactly what it was for every
/// scenario, with or without household tables.
/// </summary>
internal static class HouseholdsCommand
{
    /// <summary>Upper bound of --households.</summary>
    public const long MaxHouseholds = 100_000_000;

    /// <summary>Upper bound of --draws (each draw is an exact cohort run; every draw is kept).</summary>
    public const long MaxDraws = 1_000_000;

    public static Command Create(TextWriter output, TextWriter error, CliEnvironment environment, CancellationToken cancellationToken)
    {
        var scenarioArg = new Argument<string?>("scenario") { Description = "Scenario folder with household tables (household_roles.csv, household_templates.csv, …). Omit for the embedded Norwegian default and its household version of the family team.", Arity = ArgumentArity.ZeroOrOne };
        CliApp.RejectOptionLike(scenarioArg);
        var outDir = CliOptions.FolderPath("--out", $"Output folder (default {CliApp.DefaultOut}); replaced as a whole, refused when it holds files socinv did not write.", CliApp.DefaultOut, "-o");
        var households = CliOptions.WholeNumber("--households", 1, MaxHouseholds, "Simulated households (default 10,000; ignored for a household register, whose households are each simulated once).");
        var seed = CliOptions.WholeNumber("--seed", 0, long.MaxValue, string.Create(CultureInfo.InvariantCulture, $"Seed of the household microsimulation (default {RunScenario.DefaultSeed}); the same seed gives the same numbers on any thread count."));
        var threads = CliOptions.WholeNumber("--threads", 0, RunOptionSet.MaxThreads, "Worker threads: 0 (the default) uses every core. The results are the same on any number of threads.");
        var draws = CliOptions.WholeNumber("--draws", 0, MaxDraws, "PSA draws over the scenario's parameter distributions (parameters.csv: the members' model and the household links, effects, flows, costs and uptake whose parameter column names one), each evaluated with the exact joint-state household cohort (default 0: none). Writes household_psa.csv and household_psa_draws.csv and a report section; the same --seed gives the same draws on any --threads.");
        var cluster = ClusterAddress.Option("Run the household microsimulation (every household and each household type) on a running Orleans cluster: the gateway address(es) of its silos, HOST:PORT[,HOST:PORT…], as for run --cluster. With --draws the household PSA runs there too. The results are the local run's, bit for bit, for the same seed; the settlement is computed here.");
        var language = CliOptions.Language("Language of the report: en (default) or nb.");
        var command = new Command("households", "Families as the unit: run the scenario's households (members with linked life courses, household flows, household interventions with the family's own time) and write results by household type, families with a child placed and adults in work by year, the family's net position beside the municipality, county and state, the per-household whole bill across sectors by year, household_summary.json and the report to --out. Runs on the built-in default with no input.");
        command.Arguments.Add(scenarioArg);
        foreach (var o in new Option[] { outDir, households, seed, threads, draws, cluster, language })
        {
            command.Options.Add(o);
        }

        command.SetAction(parse => Execute(
            parse.GetValue(scenarioArg),
            parse.GetValue(outDir)!,
            parse.GetValue(households) ?? 10_000,
            (ulong)(parse.GetValue(seed) ?? (long)RunScenario.DefaultSeed),
            (int)(parse.GetValue(threads) ?? 0),
            (int)(parse.GetValue(draws) ?? 0),
            parse.GetValue(cluster),
            parse.GetValue(language) == "nb" ? ReportLanguage.NorwegianBokmal : ReportLanguage.English,
            [.. parse.Tokens.Select(t => t.Value)],
            output,
            error,
            environment,
            cancellationToken));
        return command;
    }

    private static int Execute(string? scenarioDir, string outDir, long households, ulong seed, int threads, int draws, string? cluster, ReportLanguage language, string[] arguments, TextWriter output, TextWriter error, CliEnvironment environment, CancellationToken ct)
    {
        var scenario = scenarioDir is null ? NorwegianDefault.Load() : CliApp.LoadScenario(scenarioDir);
        var model = scenario.BuildModel();
        var files = scenarioDir is null
            ? HouseholdFiles.DefaultFiles()
            : HouseholdFiles.ReadFiles(scenarioDir) ?? throw new CliException(ExitCodes.InvalidInput, $"the scenario '{scenarioDir}' has no household tables ({HouseholdFiles.RolesFileName}, {HouseholdFiles.TemplatesFileName}, …); socinv init DIR writes the default's as an example.");
        var tables = HouseholdFiles.Parse(files, scenario, model);
        var folder = RunFolder.Prepare(outDir);
        try
        {
            var d = tables.Definition;
            error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"socinv: simulating {(d.FromRegister ? d.RegisterHouseholds.Count : households):N0} households × {d.Strategies.Count} strategies × {model.Options.Cycles} cycles{(d.Templates.Count > 1 ? $", and each of the {d.Templates.Count} household types on its own" : string.Empty)}{(cluster is null ? string.Empty : $", on the cluster at {cluster}")}"));
            var householdOptions = new HouseholdOptions { Households = households, Seed = seed, Threads = threads };
            var appraisal = cluster is null
                ? HouseholdAppraisal.Run(tables, scenario, householdOptions, null, ct)
                : ClusterSubmit.RunHouseholds(cluster, scenario, files, tables, householdOptions, threads, null, ct);
            Print(appraisal, output);
            HouseholdPsaResult? psa = null;
            if (draws > 0)
            {
                error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"socinv: {draws:N0} PSA draws × {d.Strategies.Count} strategies, each an exact joint-state cohort of the households{(cluster is null ? string.Empty : $", on the cluster at {cluster}")}"));
                psa = cluster is null
                    ? HouseholdUncertainty.Run(tables, scenario, draws, seed, threads, null, ct)
                    : ClusterSubmit.RunHouseholdPsa(cluster, scenario, files, draws, seed, threads, ct);
                Print(psa, appraisal.Family, output);
            }

            var rules = scenarioDir is null ? null : SettlementFile.TryRead(scenarioDir, scenario);
            IReadOnlyList<SettlementResult> settlements = [];
            if (appraisal.All.Results.Count > 1)
            {
                try
                {
                    settlements = HouseholdUncertainty.Settle(tables, appraisal.All, rules ?? SettlementFile.ExamplePlan);
                }
                catch (SettlementValidationException e)
                {
                    throw new CliException(ExitCodes.InvalidInput, "the settlement rules do not fit the households:", e.Problems.Select(p => $"{SettlementFile.RulesFileName}: {p}").ToList());
                }

                Print(settlements, d.FamilyPayer, rules is null, output);
            }

            var dir = folder.Staging;
            appraisal.WriteResults(dir);
            if (settlements.Count > 0)
            {
                HouseholdUncertainty.WriteSettlement(settlements, d.FamilyPayer, dir);
            }

            if (psa is not null)
            {
                HouseholdUncertainty.WriteResults(psa, dir);
            }

            var input = new HouseholdReportInput(appraisal.All, appraisal.Perspectives, scenario.Settings.PriceYear)
            {
                ByType = [.. appraisal.ByType.Select(t => (t.Type, t.Share, t.Comparison))],
                PlacementStates = tables.PlacementStates,
                WorkStates = tables.WorkStates,
                Uncertainty = psa,
                Settlements = settlements,
                FamilyInvested = [.. appraisal.All.Results.Select(appraisal.FamilyInvestedPerHousehold)],
                Title = $"{scenario.Settings.Name}: households",
                Provenance = string.Create(CultureInfo.InvariantCulture, $"Generated by socinv households · scenario: {scenarioDir ?? "embedded Norwegian default"} · households: {appraisal.All.Households} · seed: {seed}."),
            };
            HouseholdReport.Build(input, new ReportOptions { Language = language, Title = scenario.Settings.Name }).WriteTo(dir);
            var copy = Path.Combine(dir, RunManifest.ScenarioFolder);
            ScenarioWriter.Write(scenario, copy);
            HouseholdFiles.CopyTables(scenarioDir, copy);
            SettlementOutput.CopyRules(scenarioDir, copy);
            var settings = new RunSettings("households", scenarioDir, null, null, [.. appraisal.Perspectives.Select(p => p.Name)], 0, seed, CultureInfo.InvariantCulture.Name);
            new RunManifest(RunManifest.ToolVersion, arguments, settings, scenario.Settings.Name, RunManifest.ScenarioContentHash(copy), RunManifest.Describe(dir)).WriteTo(dir);
            folder.Commit(environment.OnWriting is { } hook ? () => hook("swap") : null);
            output.WriteLine($"Wrote to {folder.Target}: {string.Join(", ", HouseholdAppraisal.ResultFileNames.Concat(settlements.Count > 0 ? HouseholdUncertainty.SettlementFileNames : []).Concat(psa is null ? [] : HouseholdUncertainty.ResultFileNames))}, report.html, report.md and its charts (PNG), the scenario copy with its household tables ({RunManifest.ScenarioFolder}/) and {RunManifest.FileName}.");
            return ExitCodes.Ok;
        }
        catch
        {
            folder.Abandon();
            throw;
        }
    }

    private static void Print(IReadOnlyList<SettlementResult> settlements, Payer family, bool example, TextWriter output)
    {
        var c = CultureInfo.InvariantCulture;
        foreach (var s in settlements)
        {
            output.WriteLine(string.Create(c, $"Who should compensate whom, the family as a party: {s.Ledger.Strategy} vs {s.Ledger.Comparator}, {s.Plan.Name}{(example ? " (an example rule; put settlement_rules.csv in the scenario folder to choose your own)" : string.Empty)}; NOK for all the households, present value, + = better off:"));
            output.WriteLine(string.Create(c, $"  {"party",-22} {"puts in",14} {"gets out",14} {"before",14} {"receives",14} {"after",14}"));
            foreach (var p in s.Positions)
            {
                var row = s.Ledger.Payer(p.Payer.Name);
                output.WriteLine(string.Create(c, $"  {(p.Payer.Name == family.Name ? $"family ({p.Payer.Name})" : p.Payer.Name),-22} {row.Invested,14:N0} {row.Savings,14:N0} {p.NetGainBefore,14:N0} {p.Received,14:N0} {p.NetGainAfter,14:N0}"));
            }
        }
    }

    private static void Print(HouseholdPsaResult psa, Perspective family, TextWriter output)
    {
        var c = CultureInfo.InvariantCulture;
        output.WriteLine(string.Create(c, $"PSA: {psa.Draws:N0} draws (seed {psa.Seed}), change per household against {psa.Strategies[0].Name}, + = better off: mean [95 % interval], P(better off):"));
        for (var k = 1; k < psa.Strategies.Count; k++)
        {
            output.WriteLine(string.Create(c, $"{psa.Strategies[k].Name}:"));
            foreach (var p in psa.Perspectives)
            {
                var s = psa.ChangePerHousehold(k, p);
                output.WriteLine(string.Create(c, $"  {(p.Equals(family) ? $"family ({p.Name})" : p.Name),-22} {s.Mean,14:N0}  [{s.Lower:N0}, {s.Upper:N0}]  P = {psa.ProbabilityBetterOff(k, p):P1}"));
            }
        }
    }

    private static void Print(HouseholdAppraisal a, TextWriter output)
    {
        var c = CultureInfo.InvariantCulture;
        var all = a.All;
        var d = a.Households.Definition;
        output.WriteLine(string.Create(c, $"Households: {all.Households:N0} simulated (standing for {d.Size:N0}), {d.Model.Options.Cycles} cycles; per household, present value in NOK{(a.Scenario.Settings.PriceYear is int py ? $" {py}" : string.Empty)} prices, + = better off (± Monte Carlo SE)."));
        for (var k = 1; k < all.Results.Count; k++)
        {
            var r = all.Results[k];
            output.WriteLine(string.Create(c, $"{r.Strategy.Name} against {all.Results[0].Strategy.Name}:"));
            foreach (var p in a.Perspectives)
            {
                var e = all.IncrementalCost(k, p);
                output.WriteLine(string.Create(c, $"  {(p.Equals(a.Family) ? $"family ({p.Name})" : p.Name),-22} {-e.Mean,14:N0}  ± {e.StandardError:N0}"));
            }

            output.WriteLine(string.Create(c, $"  the family puts in {a.FamilyInvestedPerHousehold(r):N0} per household (PV of its time)"));
        }

        foreach (var r in all.Results)
        {
            var placed = a.Households.PlacementStates.Select(s => d.Roles.Max(role => r.ShareEverIn(role.Name, s).Mean)).ToArray();
            if (placed.Length > 0)
            {
                output.WriteLine(string.Create(c, $"{r.Strategy.Name}: families ever with a member in {string.Join(" / ", a.Households.PlacementStates)}: {string.Join(" / ", placed.Select(x => x.ToString("P1", c)))}"));
            }
        }

        foreach (var t in a.ByType)
        {
            for (var k = 1; k < t.Comparison.Results.Count; k++)
            {
                output.WriteLine(string.Create(c, $"  type '{t.Type}' ({t.Share:P0}): {t.Comparison.Results[k].Strategy.Name}, public sector {-t.Comparison.IncrementalCost(k, a.Perspectives.FirstOrDefault(p => p.Name == "public sector") ?? a.Perspectives[0]).Mean:N0}, family {-t.Comparison.IncrementalCost(k, a.Family).Mean:N0} per household"));
            }
        }
    }
}
