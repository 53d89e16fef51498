using System.Globalization;
using System.Reflection;
using SocialInvestment.Economics;
using SocialInvestment.Reporting;
using SocialInvestment.Scenarios;
using SocialInvestment.Uncertainty;

namespace SocialInvestment.Cli;

/// <summary>The run and report commands: load, run with progress, print the summary, write results and the report.</summary>
internal static class RunScenario
{
    public static int Execute(RunRequest request, TextWriter output, TextWriter error, CliEnvironment environment, CancellationToken cancellationToken)
    {
        var progress = new ProgressDisplay(error, environment.ErrorIsTerminal, request.Verbose);
        try
        {
            var runDir = request.From ?? (request.Scenario is { } dir && IsRunFolder(dir) ? dir : null);
            if (runDir is not null && request.ReportOnly)
            {
                return ExecuteFrom(runDir, request, output, error, environment, progress, cancellationToken);
            }

            if (runDir is not null)
            {
                throw new CliException(
                    ExitCodes.InvalidInput,
                    $"'{runDir}' is a folder written by an earlier socinv run, not a scenario; re-render its report with: socinv report --from {runDir}, or run its stored scenario: socinv run {Path.Combine(runDir, RunManifest.ScenarioFolder)}");
            }

            progress.Stage(request.Scenario is null ? "Loading the Norwegian default scenario" : $"Reading {request.Scenario}");
            var scenario = request.Scenario is null ? NorwegianDefault.Load() : CliApp.LoadScenario(request.Scenario);
            return ExecuteCore(request, scenario, copyScenario: dir => ScenarioWriter.Write(scenario, dir), expected: null, output, error, environment, progress, cancellationToken);
        }
        finally
        {
            progress.Finish();
        }
    }

    /// <summary>True when <paramref name="dir"/> holds a socinv run manifest and no scenario manifest.</summary>
    private static bool IsRunFolder(string dir) =>
        File.Exists(Path.Combine(dir, RunManifest.FileName)) && !File.Exists(Path.Combine(dir, "scenario.json"));

    /// <summary>report --from RUNDIR: verifies the run folder, reruns its stored scenario copy with its stored settings, checks the rerun reproduces its stored results, and writes the same set of files with a fresh report.</summary>
    private static int ExecuteFrom(string runDir, RunRequest request, TextWriter output, TextWriter error, CliEnvironment environment, ProgressDisplay progress, CancellationToken cancellationToken)
    {
        if (!Directory.Exists(runDir))
        {
            throw new CliException(ExitCodes.InvalidInput, $"no run folder at '{runDir}'.");
        }

        RunManifest manifest;
        try
        {
            manifest = RunManifest.TryRead(runDir)
                ?? throw new CliException(ExitCodes.InvalidInput, $"'{runDir}' has no {RunManifest.FileName}, so it is not a folder written by socinv run (folders written before runs had manifests cannot be re-rendered; rerun their scenario).");
        }
        catch (InvalidDataException e)
        {
            throw new CliException(ExitCodes.InvalidInput, e.Message);
        }

        // Only a run's folder (socinv run or report) is re-rendered; another command's folder has other files and
        // another report, so it is named instead of being compared with results it never wrote.
        if (manifest.Settings.Command is not ("run" or "report"))
        {
            throw new CliException(ExitCodes.InvalidInput, $"'{runDir}' was written by socinv {manifest.Settings.Command}, not by socinv run or socinv report; report --from re-renders only their folders. Run socinv {manifest.Settings.Command} again to redo it (its scenario copy is in '{Path.Combine(runDir, RunManifest.ScenarioFolder)}').");
        }

        progress.Stage($"Checking the run in {runDir}");
        var changed = manifest.Verify(runDir);
        if (changed.Count > 0)
        {
            throw new CliException(ExitCodes.InvalidInput, $"the files in '{runDir}' no longer match its {RunManifest.FileName}, so socinv cannot vouch for that run ({CliApp.Count(changed.Count, "difference")}); rerun its scenario instead:", changed);
        }

        var scenarioDir = Path.Combine(runDir, RunManifest.ScenarioFolder);
        if (!Directory.Exists(scenarioDir) || RunManifest.ScenarioContentHash(scenarioDir) != manifest.ScenarioHash)
        {
            throw new CliException(ExitCodes.InvalidInput, $"the scenario copy in '{scenarioDir}' is missing or does not have the content hash recorded in {RunManifest.FileName}.");
        }

        var scenario = ScenarioReader.Read(scenarioDir);
        var s = manifest.Settings;
        var rerun = request with
        {
            Scenario = scenarioDir,
            Out = request.OutGiven ? request.Out : runDir,
            Horizon = s.Horizon,
            Discount = s.Discount,
            Perspectives = s.Perspectives,
            Seed = s.Seed,
            Draws = s.Draws,
            Culture = request.CultureGiven || !CliApp.TryCulture(s.Culture, out var stored) ? request.Culture : stored,
            ReportOnly = s.Command == "report",
            From = runDir,
            OriginalSource = s.ScenarioSource,
        };
        var files = Directory.GetFiles(scenarioDir);
        return ExecuteCore(
            rerun,
            scenario,
            copyScenario: dir =>
            {
                Directory.CreateDirectory(dir);
                foreach (var f in files)
                {
                    File.Copy(f, Path.Combine(dir, Path.GetFileName(f)));
                }
            },
            expected: manifest,
            output,
            error,
            environment,
            progress,
            cancellationToken);
    }

    /// <summary>The Excel workbook of the appraisal tables in the run folder.</summary>
    internal const string ResultWorkbookFileName = "results.xlsx";

    /// <summary>The result files whose bytes a rerun must reproduce (the report may differ: culture, charts).</summary>
    private static readonly string[] ReproducedFiles = [ResultWriter.TidyCsvFileName, ResultWriter.SummaryFileName, PsaCsv.FileName];

    private static int ExecuteCore(RunRequest request, Scenario scenario, Action<string> copyScenario, RunManifest? expected, TextWriter output, TextWriter error, CliEnvironment environment, ProgressDisplay progress, CancellationToken cancellationToken)
    {
        var c = CultureInfo.InvariantCulture;
        if (request.Verbose && request.Seed is ulong s && request.Draws == 0)
        {
            error.WriteLine(string.Create(c, $"socinv: seed {s} recorded; without --draws the run is deterministic and draws no random numbers."));
        }

        // The output folder is checked before anything runs: a folder socinv may not replace is refused now, not after the run.
        var folder = RunFolder.Prepare(request.Out);
        try
        {
            var written = WriteRun(request, scenario, copyScenario, expected, folder, output, error, environment, progress, cancellationToken);
            progress.Stage("Replacing the output folder");
            folder.Commit(environment.OnWriting is { } hook ? () => hook("swap") : null);
            progress.Finish();

            var names = written.Distinct(StringComparer.Ordinal).ToList();
            var pngs = names.Count(n => n.EndsWith(".png", StringComparison.Ordinal));
            var listed = names.Where(n => !n.EndsWith(".png", StringComparison.Ordinal)).ToList();
            if (pngs > 0)
            {
                listed.Add(CliApp.Count(pngs, "chart") + " (PNG)");
            }

            output.WriteLine();
            output.WriteLine($"Wrote to {folder.Target}: {string.Join(", ", listed)}, the scenario copy ({RunManifest.ScenarioFolder}/) and {RunManifest.FileName}");
            if (folder.Previous is { } previous && expected is null)
            {
                output.WriteLine($"It replaces the earlier run in that folder (scenario '{previous.ScenarioName}', socinv {previous.Settings.Command}); none of its files is left.");
            }

            output.WriteLine($"Open {Path.Combine(folder.Target, "report.html")} for the report with charts.");
            return ExitCodes.Ok;
        }
        catch
        {
            folder.Abandon();
            throw;
        }
    }

    /// <summary>Runs and writes every file of the run into the staging folder, the manifest last; returns the names of the result and report files.</summary>
    private static List<string> WriteRun(RunRequest request, Scenario scenario, Action<string> copyScenario, RunManifest? expected, RunFolder folder, TextWriter output, TextWriter error, CliEnvironment environment, ProgressDisplay progress, CancellationToken cancellationToken)
    {
        var options = new ScenarioRunOptions { Horizon = request.Horizon, Discounting = request.Discount, Perspectives = request.Perspectives, Threads = request.Threads };
        ScenarioRun run;
        try
        {
            run = ScenarioRunner.Run(scenario, options, progress, cancellationToken);
        }
        catch (ArgumentException e) when (e is not ArgumentNullException)
        {
            throw new CliException(ExitCodes.InvalidInput, e.Message);
        }

        var reportOptions = new ReportOptions
        {
            Title = scenario.Settings.Name,
            Description = scenario.Settings.Description,
            Culture = request.Culture,
            Language = request.Language,
            Provenance = Provenance(request),
            Threads = request.Threads,
        };

        if (expected is not null)
        {
            output.WriteLine($"Re-rendering the run in {request.From} (socinv {expected.Version}, {expected.Settings.Command}; scenario '{expected.ScenarioName}', {expected.ScenarioHash}).");
        }

        PrintSummary(run, request, reportOptions, output);
        var settlements = SettlementOutput.SettleAndPrint(run, request.Scenario, reportOptions.Culture, output, cancellationToken);
        var collectors = new List<SettlementUncertainty>();
        IReadOnlyList<SettlementPsaResult>? settledOnCluster = null;

        // Every draw settled under the plan: here through a payer-flow observer, or with --cluster on the silos (ClusterSubmit).
        var settlementPlan = settlements.Count > 0 && request.Draws > 0 ? SettlementOutput.PlanFor(request.Scenario, scenario) : null;
        var settlementOptions = settlementPlan is not null && request.Cluster is null
            ? options with { PayerFlowObserver = SettlementOutput.Collect(settlementPlan, run.Comparator, request.Draws, collectors) }
            : options;

        // PSA memory does not grow with the draws: psa.csv is streamed to a scratch file in the staging
        // folder, the report's per-draw charts read a bounded sample, the rest the streamed summaries.
        // The settlement collectors keep each payer's net gain per draw (2 × payers × draws values).
        using var psaCsv = request.Draws > 0 && !request.ReportOnly ? new PsaCsvStream(folder.Staging) : null;
        var sample = request.Draws > 0 ? new PsaDrawSample(PlaneSampleSize) : null;
        var psa = request.Draws > 0 ? RunUncertainty(scenario, settlementOptions, request, reportOptions, draw => { psaCsv?.Add(draw); sample!.Add(draw); }, o => environment.OnPsa?.Invoke(o, sample!), output, progress, cancellationToken, request.Cluster is null ? null : settlementPlan, r => settledOnCluster = r) : null;
        var settlementPsa = psa is null ? new List<SettlementPsaResult>() : settledOnCluster?.ToList() ?? collectors.Select(c => c.Result()).ToList();
        if (settlementPsa.Count > 0)
        {
            SettlementOutput.PrintProbabilities(settlementPsa, reportOptions.Culture, output);
        }

        var outDir = folder.Staging;
        var written = new List<string>();
        Task? psaFile = null;
        try
        {
            copyScenario(Path.Combine(outDir, RunManifest.ScenarioFolder));
            SettlementOutput.CopyRules(request.Scenario, Path.Combine(outDir, RunManifest.ScenarioFolder));
            if (!request.ReportOnly)
            {
                progress.Stage("Writing CSV and JSON results");
                ResultWriter.WriteAll(run, outDir);
                written.Add(ResultWriter.TidyCsvFileName);
                written.Add(ResultWriter.SummaryFileName);
                if (settlements.Count > 0)
                {
                    SettlementFile.WriteSchedule(settlements, Path.Combine(outDir, SettlementFile.ScheduleFileName));
                    written.Add(SettlementFile.ScheduleFileName);
                }
                if (psa is not null)
                {
                    // psa.csv (formatting every draw's figures) is independent of the rest: with more than
                    // one thread it is written while the report is drawn, and waited for before the manifest.
                    if (request.Threads == 1)
                    {
                        psaCsv!.Complete(psa);
                    }
                    else
                    {
                        psaFile = Task.Run(() => psaCsv!.Complete(psa), cancellationToken);
                    }

                    written.Add(PsaCsv.FileName);
                }

                if (settlementPsa.Count > 0)
                {
                    SettlementFile.WriteProbabilities(settlementPsa, Path.Combine(outDir, SettlementOutput.ProbabilityFileName));
                    written.Add(SettlementOutput.ProbabilityFileName);
                }
            }

            environment.OnWriting?.Invoke("results");
            if (expected is not null)
            {
                psaFile?.GetAwaiter().GetResult();
                CheckReproduced(expected, outDir, request.From!);
            }

            progress.Stage("Drawing charts and writing the report");
            var comparator = run.Result(run.Comparator);
            var builder = new ReportBuilder(run.Results, comparator, run.Appraisals, reportOptions).WithAssumptions(ReportInputs.Assumptions(scenario));
            if (psa is not null)
            {
                builder.WithUncertainty(psa, sample!);
            }

            if (settlements.Count > 0)
            {
                builder.WithSettlement(settlements, settlementPsa.Count > 0 ? settlementPsa : null);
            }

            var report = builder.Build();
            var reportFiles = report.WriteTo(outDir);
            written.AddRange(reportFiles.Select(Path.GetFileName).OfType<string>());
            if (!request.ReportOnly)
            {
                ResultWorkbook.Write(Path.Combine(outDir, ResultWorkbookFileName), run.Appraisals, psa, reportOptions, scenario.Settings.PriceYear);
                written.Add(ResultWorkbookFileName);
            }
            environment.OnWriting?.Invoke("report");

            psaFile?.GetAwaiter().GetResult();
        }
        finally
        {
            // Never leave psa.csv being written into a folder that is abandoned.
            if (psaFile is { IsCompleted: false })
            {
                ((IAsyncResult)psaFile).AsyncWaitHandle.WaitOne();
            }
        }

        var scenarioHash = RunManifest.ScenarioContentHash(Path.Combine(outDir, RunManifest.ScenarioFolder));
        var settings = new RunSettings(
            request.ReportOnly ? "report" : "run",
            expected is null ? request.Scenario : request.OriginalSource,
            request.Horizon,
            request.Discount,
            request.Perspectives,
            request.Draws,
            request.Draws > 0 ? request.Seed ?? DefaultSeed : request.Seed,
            request.Culture.Name);
        new RunManifest(RunManifest.ToolVersion, request.Arguments, settings, scenario.Settings.Name, scenarioHash, RunManifest.Describe(outDir)).WriteTo(outDir);
        environment.OnWriting?.Invoke("manifest");
        return written;
    }

    /// <summary>Refuses a re-rendered run whose result files differ from the stored ones (another socinv version, for example).</summary>
    private static void CheckReproduced(RunManifest expected, string staging, string runDir)
    {
        var differ = new List<string>();
        foreach (var name in ReproducedFiles)
        {
            var stored = expected.Files.FirstOrDefault(f => f.Path == name);
            var path = Path.Combine(staging, name);
            var now = File.Exists(path) ? RunManifest.Sha256Of(path) : null;
            if (stored?.Sha256 != now)
            {
                differ.Add(name);
            }
        }

        if (differ.Count > 0)
        {
            throw new CliException(
                ExitCodes.InvalidInput,
                $"rerunning the scenario stored in '{runDir}' with its settings does not reproduce its {string.Join(", ", differ)} (the run was made by socinv {expected.Version}, this is socinv {RunManifest.ToolVersion}); the run folder is left as it was. Run its scenario again to get a new run: socinv run {Path.Combine(runDir, RunManifest.ScenarioFolder)}");
        }
    }

    private static void PrintSummary(ScenarioRun run, RunRequest request, ReportOptions reportOptions, TextWriter output)
    {
        var c = CultureInfo.InvariantCulture;
        var settings = run.Scenario.Settings;
        var model = run.Model;
        output.WriteLine($"Scenario: {settings.Name}{(request.Scenario is null ? " [embedded default]" : $" [{request.Scenario}]")}");
        output.WriteLine(string.Create(
            c,
            $"Horizon {model.Options.Cycles} cycles of {model.Options.CycleLengthYears:0.##} year(s); discounting {model.Options.CostDiscounting.Name}; prices NOK {settings.PriceYear}; population {model.Population.Size:N0}"));
        output.WriteLine($"Strategies: {string.Join(", ", run.Results.Select(r => r.Strategy.Name))}; comparator: {run.Comparator}");
        output.WriteLine($"Perspectives: {string.Join(", ", run.Perspectives.Select(p => p.Name))}");
        if (request.Seed is ulong seed)
        {
            output.WriteLine(string.Create(c, $"Seed: {seed}"));
        }

        output.WriteLine();
        if (run.Appraisals.Count == 0)
        {
            output.WriteLine("Only the comparator was run: nothing to appraise.");
            return;
        }

        output.WriteLine("Appraisal against the comparator (present values in NOK, totals for the modelled population; + = better off):");
        output.Write(ReportTables.Summary(run.Appraisals, reportOptions));
        foreach (var group in run.Appraisals.GroupBy(a => a.Strategy.Name, StringComparer.Ordinal))
        {
            output.WriteLine();
            output.WriteLine($"Who invests, who saves: {group.Key} vs {run.Comparator} (present values in NOK; + = better off)");
            output.Write(ReportTables.WhoInvestsWhoSaves(group.First(), reportOptions));
        }
    }

    private static readonly string[] UncertaintyHeader = ["Strategy", "Perspective", "Mean NPV (NOK)", "95 % interval (NOK)", "P(NPV > 0)"];

    /// <summary>The seed used when --draws is given without --seed.</summary>
    internal const ulong DefaultSeed = Engine.RunOptions.DefaultSeed;

    /// <summary>How many of the first PSA draws the investment-plane charts plot (the legend says so when the run has more).</summary>
    internal const int PlaneSampleSize = PsaDrawSample.DefaultCapacity;

    private static PsaResult RunUncertainty(Scenario scenario, ScenarioRunOptions options, RunRequest request, ReportOptions reportOptions, PsaDrawSink sink, Action<ScenarioRunOptions> ran, TextWriter output, ProgressDisplay progress, CancellationToken cancellationToken, SettlementPlan? clusterSettlement = null, Action<IReadOnlyList<SettlementPsaResult>>? settled = null)
    {
        var seed = request.Seed ?? DefaultSeed;
        progress.Stage(string.Create(CultureInfo.InvariantCulture, $"Probabilistic sensitivity analysis: {request.Draws:N0} draws"));
        PsaResult psa;
        try
        {
            // Streamed: no per-draw arrays are kept (psa.csv and the report's samples come through the sink).
            var psaOptions = options with { KeepDraws = false, DrawSink = sink };
            if (request.Cluster is { } cluster)
            {
                if (options.Evaluator is not null || options.PayerFlowObserver is not null)
                {
                    // The silos run neither: with --cluster the settlement is passed as a plan (clusterSettlement) and settled there.
                    throw new InvalidOperationException("A PSA evaluator or payer-flow observer runs in this process; the cluster path takes the settlement plan instead.");
                }

                // The ranges run on the cluster; their draws are folded here in draw order, so the result and psa.csv are the local run's.
                if (clusterSettlement is null)
                {
                    psa = ClusterSubmit.RunProbabilistic(cluster, scenario, request.Draws, seed, request.Threads, sink, progress, cancellationToken);
                }
                else
                {
                    // Settled on the silos too: each draw's settlement under the plan, joined here in draw order.
                    (psa, var settlements) = ClusterSubmit.RunProbabilisticSettled(cluster, scenario, request.Draws, seed, request.Threads, clusterSettlement, sink, progress, cancellationToken);
                    settled?.Invoke(settlements);
                }
            }
            else
            {
                psa = ScenarioRunner.RunProbabilistic(scenario, request.Draws, seed, psaOptions, progress, cancellationToken);
            }

            ran(psaOptions);
        }
        catch (ArgumentException e) when (e is not ArgumentNullException)
        {
            throw new CliException(ExitCodes.InvalidInput, e.Message);
        }

        var f = reportOptions.Culture;
        output.WriteLine();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Uncertainty: probabilistic sensitivity analysis, {psa.Draws:N0} draws of the scenario's parameter distributions, seed {seed}"));
        if (psa.Specification.UncertainParameterCount == 0)
        {
            output.WriteLine("The scenario gives no parameter a distribution: every draw equals the base case.");
        }

        var rows = new List<string[]> { UncertaintyHeader };
        foreach (var strategy in psa.Strategies.Where((_, i) => i != psa.ComparatorIndex))
        {
            foreach (var perspective in psa.Perspectives)
            {
                var npv = psa.Summarize(PsaFigure.NetPresentValue, strategy, perspective);
                rows.Add(
                [
                    strategy.Name,
                    perspective.Name,
                    npv.Mean.ToString("N0", f),
                    string.Create(f, $"{npv.Lower:N0} to {npv.Upper:N0}"),
                    psa.ProbabilityPositiveNpv(strategy, perspective).ToString("P0", f),
                ]);
            }
        }

        var widths = Enumerable.Range(0, rows[0].Length).Select(i => rows.Max(r => r[i].Length)).ToArray();
        for (var r = 0; r < rows.Count; r++)
        {
            output.WriteLine(string.Join("  ", rows[r].Select((cell, i) => i < 2 ? cell.PadRight(widths[i]) : cell.PadLeft(widths[i]))).TrimEnd());
            if (r == 0)
            {
                output.WriteLine(string.Join("  ", widths.Select(w => new string('-', w))));
            }
        }

        return psa;
    }

    private static string Provenance(RunRequest r)
    {
        var version = typeof(RunScenario).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "?";
        var plus = version.IndexOf('+', StringComparison.Ordinal);
        var parts = new List<string>
        {
            $"socinv {(plus > 0 ? version[..plus] : version)}",
            "scenario: " + (r.From is null ? r.Scenario ?? "embedded Norwegian default" : $"{r.OriginalSource ?? "embedded Norwegian default"} (the copy stored in {r.From})"),
        };
        if (r.Horizon is int h)
        {
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"horizon: {h}"));
        }

        if (r.Discount is string d)
        {
            parts.Add("discounting: " + d);
        }

        if (r.Perspectives is { } p)
        {
            parts.Add("perspectives: " + string.Join(", ", p));
        }

        if (r.Draws > 0)
        {
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"PSA draws: {r.Draws}, seed: {r.Seed ?? DefaultSeed}"));
        }
        else if (r.Seed is ulong s)
        {
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"seed: {s}"));
        }

        return "Generated by " + string.Join(" · ", parts) + ".";
    }
}
