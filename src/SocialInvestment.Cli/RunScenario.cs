using System.Globalization;
using System.Reflection;
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
            return ExecuteCore(request, output, error, progress, cancellationToken);
        }
        finally
        {
            progress.Finish();
        }
    }

    private static int ExecuteCore(RunRequest request, TextWriter output, TextWriter error, ProgressDisplay progress, CancellationToken cancellationToken)
    {
        var c = CultureInfo.InvariantCulture;
        progress.Stage(request.Scenario is null ? "Loading the Norwegian default scenario" : $"Reading {request.Scenario}");
        var scenario = request.Scenario is null ? NorwegianDefault.Load() : CliApp.LoadScenario(request.Scenario);
        var options = new ScenarioRunOptions { Horizon = request.Horizon, Discounting = request.Discount, Perspectives = request.Perspectives };
        if (request.Verbose && request.Seed is int s && request.Draws == 0)
        {
            error.WriteLine(string.Create(c, $"socinv: seed {s} recorded; without --draws the run is deterministic and draws no random numbers."));
        }

        ScenarioRun run;
        try
        {
            run = ScenarioRunner.Run(scenario, options, progress, cancellationToken);
        }
        catch (ArgumentException e) when (e is not ArgumentNullException)
        {
            throw new CliException(ExitCodes.InvalidInput, CliApp.WithoutParameterName(e));
        }

        var reportOptions = new ReportOptions
        {
            Title = scenario.Settings.Name,
            Description = scenario.Settings.Description,
            Culture = request.Culture,
            Provenance = Provenance(request),
        };

        PrintSummary(run, request, reportOptions, output);
        var psa = request.Draws > 0 ? RunUncertainty(scenario, options, request, reportOptions, output, progress, cancellationToken) : null;

        var outDir = Path.GetFullPath(request.Out);
        Directory.CreateDirectory(outDir);
        var written = new List<string>();
        if (!request.ReportOnly)
        {
            progress.Stage("Writing CSV and JSON results");
            ResultWriter.WriteAll(run, outDir);
            written.Add(ResultWriter.TidyCsvFileName);
            written.Add(ResultWriter.SummaryFileName);
            if (psa is not null)
            {
                PsaCsv.Write(psa, outDir);
                written.Add(PsaCsv.FileName);
            }
        }

        progress.Stage("Drawing charts and writing the report");
        var comparator = run.Result(run.Comparator);
        var builder = new ReportBuilder(run.Results, comparator, run.Appraisals, reportOptions);
        if (psa is not null)
        {
            builder.WithUncertainty(psa);
        }

        var report = builder.Build();
        var reportFiles = report.WriteTo(outDir);
        written.AddRange(reportFiles.Select(Path.GetFileName).OfType<string>());
        progress.Finish();

        var names = written.Distinct(StringComparer.Ordinal).ToList();
        var pngs = names.Count(n => n.EndsWith(".png", StringComparison.Ordinal));
        var listed = names.Where(n => !n.EndsWith(".png", StringComparison.Ordinal)).ToList();
        if (pngs > 0)
        {
            listed.Add(CliApp.Count(pngs, "chart") + " (PNG)");
        }

        output.WriteLine();
        output.WriteLine($"Wrote to {outDir}: {string.Join(", ", listed)}");
        output.WriteLine($"Open {Path.Combine(outDir, "report.html")} for the report with charts.");
        return ExitCodes.Ok;
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
        if (request.Seed is int seed)
        {
            output.WriteLine(string.Create(c, $"Seed: {seed}"));
        }

        output.WriteLine();
        if (run.Appraisals.Count == 0)
        {
            output.WriteLine("Only the comparator was run: nothing to appraise.");
            return;
        }

        output.WriteLine("Appraisal against the comparator (present values in NOK, totals for the modelled population):");
        output.Write(ReportTables.Summary(run.Appraisals, reportOptions));
        foreach (var group in run.Appraisals.GroupBy(a => a.Strategy, StringComparer.Ordinal))
        {
            output.WriteLine();
            output.WriteLine($"Who invests, who saves: {group.Key} vs {run.Comparator} (present values in NOK; net > 0 = pays more, < 0 = saves)");
            output.Write(ReportTables.WhoInvestsWhoSaves(group.First(), reportOptions));
        }
    }

    private static readonly string[] UncertaintyHeader = ["Strategy", "Perspective", "Mean NPV (NOK)", "95 % interval (NOK)", "P(NPV > 0)"];

    /// <summary>The seed used when --draws is given without --seed.</summary>
    internal const int DefaultSeed = 20260101;

    private static PsaResult RunUncertainty(Scenario scenario, ScenarioRunOptions options, RunRequest request, ReportOptions reportOptions, TextWriter output, ProgressDisplay progress, CancellationToken cancellationToken)
    {
        var seed = request.Seed ?? DefaultSeed;
        progress.Stage(string.Create(CultureInfo.InvariantCulture, $"Probabilistic sensitivity analysis: {request.Draws:N0} draws"));
        PsaResult psa;
        try
        {
            // psa.csv and the report's NPV distribution chart read every draw, so they are kept.
            psa = ScenarioRunner.RunProbabilistic(scenario, request.Draws, (ulong)seed, options with { KeepDraws = true }, progress, cancellationToken);
        }
        catch (ArgumentException e) when (e is not ArgumentNullException)
        {
            throw new CliException(ExitCodes.InvalidInput, CliApp.WithoutParameterName(e));
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
            "scenario: " + (r.Scenario ?? "embedded Norwegian default"),
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
        else if (r.Seed is int s)
        {
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"seed: {s}"));
        }

        return "Generated by " + string.Join(" · ", parts) + ".";
    }
}
