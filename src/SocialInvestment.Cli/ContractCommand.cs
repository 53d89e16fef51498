using System.CommandLine;
using System.Globalization;
using System.Reflection;
using SocialInvestment.Economics;
using SocialInvestment.Engine;
using SocialInvestment.Model;
using SocialInvestment.Reporting;
using SocialInvestment.Scenarios;
using SocialInvestment.Uncertainty;

namespace SocialInvestment.Cli;

/// <summary>
/// <c>socinv contract [--scenario DIR] [--draws N] [--seed S] [--culture NAME] [--language en|nb] [--out DIR]</c>: evaluates the outcome
/// contracts of a scenario (contracts.csv and contract_outcomes.csv; the Norwegian default's example
/// contract when no scenario is given), prints the payments, the investor's figures and the
/// commissioner's NPV with the contract against running the intervention itself, optionally under a
/// PSA, and writes contract.csv, contract_psa.csv, the report with its charts, the scenario copy and
/// manifest.json into --out, replaced as a whole (<see cref="RunFolder"/>).
/// </summary>
internal static class ContractCommand
{
    public static Command Build(TextWriter output, TextWriter error, CliEnvironment environment, CancellationToken cancellationToken)
    {
        var scenario = new Option<string?>("--scenario", "-s")
        {
            Description = "Scenario folder with contracts.csv and contract_outcomes.csv (see docs/outcome-contracts.md). Omit to evaluate the example outcome contract of the embedded Norwegian default.",
            HelpName = "DIR",
        };
        var outDir = CliOptions.FolderPath(
            "--out",
            $"Output folder (default {CliApp.DefaultOut}). Replaced as a whole with contract.csv, the report, its charts, the scenario copy and a manifest.json; a folder holding files not written by socinv is refused.",
            CliApp.DefaultOut,
            "-o");
        var draws = CliOptions.WholeNumber("--draws", 0, RunOptionSet.MaxDraws, "Also evaluate the contracts under a probabilistic sensitivity analysis with this many draws of the scenario's parameter distributions: the distribution of the commissioner's payments, the investor's IRR and probability of loss, and the chance that the contract beats self-funding; writes contract_psa.csv. Default 0 (none).");
        var seed = CliOptions.WholeNumber("--seed", 0, long.MaxValue, string.Create(CultureInfo.InvariantCulture, $"Seed of the PSA (--draws). Default {RunScenario.DefaultSeed}."));
        var culture = new Option<string>("--culture")
        {
            Description = "Culture for numbers on the console and in the report, for example nb-NO. Default: invariant. CSV files always use plain invariant numbers.",
            DefaultValueFactory = _ => string.Empty,
            HelpName = "NAME",
        };
        culture.Validators.Add(r =>
        {
            var name = r.Tokens.Count == 1 ? r.Tokens[0].Value : string.Empty;
            if (!string.IsNullOrEmpty(name) && !CliApp.TryCulture(name, out _))
            {
                r.AddError($"--culture '{name}' is not a culture this system knows (for example nb-NO or en-GB; invariant for none).");
            }
        });

        var language = CliOptions.Language("Language of the report and its charts: en (English, the default) or nb (Norwegian bokmål; the report's numbers then default to nb-NO unless --culture is given). The console output and the CSV files are unaffected.");

        var command = new Command("contract", "Evaluate outcome contracts (payment by results, social impact bonds): the commissioner's payments by year, the investor's cash flows, IRR and probability of loss, and the commissioner's NPV with the contract against running the intervention itself. Runs on the Norwegian default's example contract when no --scenario is given.");
        command.Options.Add(scenario);
        command.Options.Add(outDir);
        command.Options.Add(draws);
        command.Options.Add(seed);
        command.Options.Add(culture);
        command.Options.Add(language);
        command.SetAction(parse =>
        {
            var cultureName = parse.GetValue(culture) ?? string.Empty;
            CliApp.TryCulture(cultureName, out var c);
            var nb = parse.GetValue(language) == "nb";
            var request = new ContractRequest(
                parse.GetValue(scenario),
                parse.GetValue(outDir) ?? CliApp.DefaultOut,
                (int)(parse.GetValue(draws) ?? 0),
                parse.GetValue(seed) is long s ? (ulong)s : null,
                c,
                nb ? ReportLanguage.NorwegianBokmal : ReportLanguage.English,
                nb && cultureName.Length == 0 ? CultureInfo.GetCultureInfo("nb-NO") : c,
                parse.GetValue(CliApp.Verbose),
                [.. parse.Tokens.Select(t => t.Value)]);
            return Execute(request, output, error, environment, cancellationToken);
        });
        return command;
    }

    /// <summary>The parsed options of <c>socinv contract</c>.</summary>
    /// <param name="Scenario">The scenario folder, or null for the embedded default.</param>
    /// <param name="Out">The output folder.</param>
    /// <param name="Draws">PSA draws (0: none).</param>
    /// <param name="Seed">The PSA's seed, or null for the default.</param>
    /// <param name="Culture">The culture of the console's numbers (--culture).</param>
    /// <param name="Language">The report's language (--language).</param>
    /// <param name="ReportCulture">The culture of the report's numbers: --culture, or nb-NO for --language nb without one.</param>
    /// <param name="Verbose">Whether to show progress.</param>
    /// <param name="Arguments">The command line, for the manifest.</param>
    internal sealed record ContractRequest(string? Scenario, string Out, int Draws, ulong? Seed, CultureInfo Culture, ReportLanguage Language, CultureInfo ReportCulture, bool Verbose, IReadOnlyList<string> Arguments);

    private static int Execute(ContractRequest request, TextWriter output, TextWriter error, CliEnvironment environment, CancellationToken cancellationToken)
    {
        var progress = new ProgressDisplay(error, environment.ErrorIsTerminal, request.Verbose);
        try
        {
            progress.Stage(request.Scenario is null ? "Loading the Norwegian default scenario" : $"Reading {request.Scenario}");
            var scenario = request.Scenario is null ? NorwegianDefault.Load() : CliApp.LoadScenario(request.Scenario);
            var model = scenario.BuildModel();
            var contracts = request.Scenario is null
                ? ContractFile.ReadDefault(model, scenario.Settings.Comparator)
                : ContractFile.TryRead(request.Scenario, scenario, model)
                    ?? throw new CliException(ExitCodes.InvalidInput, $"the scenario '{request.Scenario}' has no {ContractFile.ContractsFileName} and {ContractFile.OutcomesFileName}; see docs/outcome-contracts.md, or run socinv init DIR for the default's example contract.");

            // The output folder is checked before anything runs.
            var folder = RunFolder.Prepare(request.Out);
            try
            {
                var written = Write(request, scenario, model, contracts, folder.Staging, output, environment, progress, cancellationToken);
                progress.Stage("Replacing the output folder");
                folder.Commit(environment.OnWriting is { } hook ? () => hook("swap") : null);
                progress.Finish();
                output.WriteLine();
                output.WriteLine($"Wrote to {folder.Target}: {string.Join(", ", written)}, the scenario copy ({RunManifest.ScenarioFolder}/) and {RunManifest.FileName}");
                output.WriteLine($"Open {Path.Combine(folder.Target, "report.html")} for the report with charts.");
                return ExitCodes.Ok;
            }
            catch
            {
                folder.Abandon();
                throw;
            }
        }
        finally
        {
            progress.Finish();
        }
    }

    private static List<string> Write(ContractRequest request, Scenario scenario, LifeCourseModel model, IReadOnlyList<OutcomeContract> contracts, string outDir, TextWriter output, CliEnvironment environment, ProgressDisplay progress, CancellationToken cancellationToken)
    {
        var c = request.Culture;
        var priceYear = scenario.Settings.PriceYear;
        output.WriteLine($"Scenario: {scenario.Settings.Name}{(request.Scenario is null ? " [embedded default]" : $" [{request.Scenario}]")}");
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Outcome contracts: {contracts.Count}; prices NOK {priceYear}; totals for the population of {model.Population.Size:N0}"));
        progress.Stage("Running the strategies");
        var runs = new Dictionary<string, SimulationResult>(StringComparer.Ordinal);
        SimulationResult Run(string name)
        {
            if (!runs.TryGetValue(name, out var r))
            {
                cancellationToken.ThrowIfCancellationRequested();
                r = CohortEngine.Run(model, model.Strategies.First(s => s.Name == name), null, cancellationToken);
                runs[name] = r;
            }

            return r;
        }

        var results = contracts.Select(k => k.Evaluate(Run(k.Strategy), Run(k.Comparator))).ToList();
        foreach (var r in results)
        {
            Print(r, priceYear, c, output);
        }

        IReadOnlyList<ContractPsaResult>? psa = null;
        ulong? seed = null;
        if (request.Draws > 0)
        {
            seed = request.Seed ?? RunScenario.DefaultSeed;
            psa = RunPsa(scenario, model, contracts, request.Draws, seed.Value, progress, cancellationToken);
            foreach (var p in psa)
            {
                output.WriteLine();
                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Under uncertainty ({p.Draws:N0} draws, seed {seed}): {p.Contract.Name}"));
                output.WriteLine($"  P(investor loses money) = {p.ProbabilityInvestorLoss.ToString("P0", c)}; P(any payment) = {p.ProbabilityAnyPayment.ToString("P0", c)}; P(contract better for {p.Contract.Payer} than self-funding) = {p.ProbabilityContractBetter.ToString("P0", c)}");
                var pv = p.PresentValuePayments;
                output.WriteLine($"  PV of payments (NOK, + = {p.Contract.Payer} pays): median {Money(ContractPsaResult.Quantile(pv, 0.5), c)}, 95 % interval {Money(ContractPsaResult.Quantile(pv, 0.025), c)} to {Money(ContractPsaResult.Quantile(pv, 0.975), c)}");
                var irr = p.InvestorIrr.Where(f => f.IsDefined).Select(f => f.Value!.Value).ToArray();
                output.WriteLine(irr.Length == 0
                    ? "  Investor's IRR: undefined in every draw (nothing is paid back, or the flows are not a conventional investment)"
                    : $"  Investor's IRR where defined ({p.ShareIrrDefined.ToString("P0", c)} of draws): median {ContractPsaResult.Quantile(irr, 0.5).ToString("P1", c)}");
            }
        }

        var written = new List<string>();
        progress.Stage("Writing contract.csv and the report");
        ScenarioWriter.Write(scenario, Path.Combine(outDir, RunManifest.ScenarioFolder));
        CopyContractFiles(request.Scenario, Path.Combine(outDir, RunManifest.ScenarioFolder));
        ContractFile.WriteResults(results, psa, "NOK", priceYear, Path.Combine(outDir, ContractFile.ResultsFileName));
        written.Add(ContractFile.ResultsFileName);
        if (psa is not null)
        {
            ContractFile.WriteDraws(psa, Path.Combine(outDir, ContractFile.DrawsFileName));
            written.Add(ContractFile.DrawsFileName);
        }

        environment.OnWriting?.Invoke("results");
        var options = new ReportOptions
        {
            Title = (request.Language == ReportLanguage.NorwegianBokmal ? "Effektkontrakter: " : "Outcome contracts: ") + scenario.Settings.Name,
            Language = request.Language,
            Culture = request.ReportCulture,
            Provenance = Provenance(request, seed),
        };
        var report = ContractReport.Build(results, psa, priceYear, options);
        var files = report.WriteTo(outDir);
        var charts = files.Count(f => f.EndsWith(".png", StringComparison.Ordinal));
        written.AddRange(files.Where(f => !f.EndsWith(".png", StringComparison.Ordinal)).Select(Path.GetFileName).OfType<string>());
        written.Add(CliApp.Count(charts, "chart") + " (PNG)");
        environment.OnWriting?.Invoke("report");

        var hash = RunManifest.ScenarioContentHash(Path.Combine(outDir, RunManifest.ScenarioFolder));
        var settings = new RunSettings("contract", request.Scenario, null, null, null, request.Draws, seed ?? request.Seed, c.Name);
        new RunManifest(RunManifest.ToolVersion, request.Arguments, settings, scenario.Settings.Name, hash, RunManifest.Describe(outDir)).WriteTo(outDir);
        environment.OnWriting?.Invoke("manifest");
        return written;
    }

    private static List<ContractPsaResult> RunPsa(Scenario scenario, LifeCourseModel model, IReadOnlyList<OutcomeContract> contracts, int draws, ulong seed, ProgressDisplay progress, CancellationToken cancellationToken)
    {
        progress.Stage(string.Create(CultureInfo.InvariantCulture, $"Probabilistic sensitivity analysis: {draws:N0} draws"));
        var spec = scenario.ToPsaSpecification(model);

        // One PSA over every strategy a contract names; each contract's collector wraps the previous one.
        var names = contracts.SelectMany(k => new[] { k.Comparator, k.Strategy }).Distinct(StringComparer.Ordinal).ToList();
        var comparator = names.Contains(scenario.Settings.Comparator, StringComparer.Ordinal) ? scenario.Settings.Comparator : names[0];
        var strategies = model.Strategies.Where(s => names.Contains(s.Name, StringComparer.Ordinal)).ToList();
        var collectors = new List<ContractUncertainty>();
        StrategyEvaluator? evaluator = null;
        foreach (var k in contracts)
        {
            var collector = new ContractUncertainty(model, k, draws, evaluator);
            collectors.Add(collector);
            evaluator = collector.Evaluator;
        }

        ProbabilisticAnalysis.Run(
            spec,
            new PsaOptions { Draws = draws, Seed = seed, Strategies = strategies, Comparator = strategies.First(s => s.Name == comparator), Perspectives = [Perspective.PublicSector] },
            evaluator,
            progress,
            cancellationToken);
        return collectors.Select(x => x.Result()).ToList();
    }

    private static void CopyContractFiles(string? scenarioDir, string copyDir)
    {
        foreach (var name in new[] { ContractFile.ContractsFileName, ContractFile.OutcomesFileName })
        {
            var target = Path.Combine(copyDir, name);
            if (scenarioDir is not null)
            {
                var source = Path.Combine(scenarioDir, name);
                if (File.Exists(source) && !File.Exists(target))
                {
                    File.Copy(source, target);
                }
            }
        }

        if (scenarioDir is null)
        {
            // The default's example contract, exactly as shipped (embedded beside the scenario tables).
            foreach (var name in new[] { ContractFile.ContractsFileName, ContractFile.OutcomesFileName })
            {
                using var source = typeof(NorwegianDefault).Assembly.GetManifestResourceStream("SocialInvestment.Scenarios.NorwegianDefault." + name)!;
                using var target = File.Create(Path.Combine(copyDir, name));
                source.CopyTo(target);
            }
        }
    }

    private static void Print(ContractResult r, int? priceYear, CultureInfo c, TextWriter output)
    {
        var k = r.Contract;
        var year = priceYear?.ToString(CultureInfo.InvariantCulture) ?? "";
        output.WriteLine();
        output.WriteLine($"Outcome contract '{k.Name}': {k.Strategy} vs {k.Comparator}, outcomes paid by {k.Payer} (NOK {year}, undiscounted unless PV)");
        foreach (var m in r.Measurements)
        {
            var rel = m.RelativeImprovement.Value is double v ? v.ToString("P1", c) : "n/a";
            output.WriteLine($"  {m.Outcome}, {m.Measurement}: {m.Count.Strategy.ToString("N1", c)} vs {m.Count.Comparator.ToString("N1", c)} (improvement {m.Improvement.ToString("N1", c)}, {rel}){(m.ThresholdMet ? ", pays" : "")}");
        }

        foreach (var p in r.Pooled)
        {
            output.WriteLine($"  {p.Outcome}, pooled: {(p.RelativeImprovement.Value is double v ? v.ToString("P1", c) : "n/a")}{(p.ThresholdMet ? ", pays" : ", below the pooled threshold")}");
        }

        foreach (var p in r.Payments)
        {
            output.WriteLine($"  {k.Payer} pays {Money(p.Amount, c)} in year {p.Year.ToString("0.##", c)} for {p.Outcome} ({p.Measurement}){(p.Amount < p.Due ? $", capped from {Money(p.Due, c)}" : "")}");
        }

        if (r.Payments.Count == 0)
        {
            output.WriteLine($"  No measurement reaches its threshold: {k.Payer} pays nothing.");
        }

        output.WriteLine($"  Investor: pays in {Money(r.InvestorCapital, c)}, receives {Money(r.InvestorReceived, c)}, net {Money(r.InvestorNet, c)} (+ = gains); IRR {r.InvestorIrr.ToString("P1", c)}");
        output.WriteLine($"  {k.Payer}: NPV self-funded {Money(r.NpvSelfFunded, c)}, with the contract {Money(r.NpvWithContract, c)}; contract vs self-funded {Money(r.ContractAdvantage, c)} (+ = the contract is better for it)");
        if (r.Contract.Bridge is not null)
        {
            output.WriteLine($"  Bridge financing: advanced {Money(r.BridgeAdvance, c)}, not recovered {Money(r.BridgeUnrecovered, c)}");
        }
    }

    private static string Money(double v, CultureInfo c)
    {
        var rounded = Math.Round(v);
        return (rounded == 0 ? 0.0 : rounded).ToString("N0", c);
    }

    private static string Provenance(ContractRequest r, ulong? seed)
    {
        var version = typeof(ContractCommand).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "?";
        var plus = version.IndexOf('+', StringComparison.Ordinal);
        var parts = new List<string>
        {
            $"socinv {(plus > 0 ? version[..plus] : version)} contract",
            "scenario: " + (r.Scenario ?? "embedded Norwegian default"),
        };
        if (r.Draws > 0)
        {
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"PSA draws: {r.Draws}, seed: {seed}"));
        }

        return "Generated by " + string.Join(" · ", parts) + ".";
    }
}
