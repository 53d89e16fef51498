using System.CommandLine;
using System.Globalization;
using SocialInvestment.Economics;
using SocialInvestment.Model;
using SocialInvestment.Reporting;
using SocialInvestment.Scenarios;

namespace SocialInvestment.Cli;

/// <summary>
/// The socinv command line: parsing (System.CommandLine 2.0), the four commands, error handling and
/// exit codes. <see cref="Run"/> is the whole program; Program.cs only supplies the console, so
/// tests call it in-process with string writers.
/// </summary>
internal static class CliApp
{
    /// <summary>Default output folder of run and report.</summary>
    public const string DefaultOut = "socinv-out";

    /// <summary>How many problems are printed when --max-errors is not given (and --verbose is not).</summary>
    public const int DefaultMaxErrors = 50;

    internal static readonly Option<bool> Verbose = new("--verbose", "-v")
    {
        Description = "Show progress from the start, every problem of an invalid scenario, extra detail, and the stack trace of an unexpected error.",
        Recursive = true,
    };

    internal static readonly Option<long?> MaxErrors = MaxErrorsOption();

    private static Option<long?> MaxErrorsOption()
    {
        var o = CliOptions.WholeNumber(
            "--max-errors",
            0,
            int.MaxValue,
            string.Create(CultureInfo.InvariantCulture, $"Print at most this many problems of an invalid scenario or command line, then a count of the rest; 0 prints all. Default {DefaultMaxErrors} (all with --verbose)."));
        o.Recursive = true;
        return o;
    }

    /// <summary>Runs the tool.</summary>
    /// <param name="args">Command-line arguments.</param>
    /// <param name="output">Standard output (results and summaries).</param>
    /// <param name="error">Standard error (errors and progress).</param>
    /// <param name="environment">Terminal facts; null for a non-interactive run.</param>
    /// <param name="cancellationToken">Cancels a run (Ctrl+C).</param>
    /// <returns>The process exit code (see <see cref="ExitCodes"/>).</returns>
    public static int Run(string[] args, TextWriter output, TextWriter error, CliEnvironment? environment = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(args);
        environment ??= new CliEnvironment();
        var root = BuildCommand(output, error, environment, cancellationToken);
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            WriteLimited(error, parse.Errors.Select(e => $"socinv: {e.Message}").Distinct(StringComparer.Ordinal).ToList(), ProblemLimit(parse), indent: string.Empty);
            error.WriteLine("Run 'socinv --help' for usage.");
            return ExitCodes.Usage;
        }

        var verbose = parse.GetValue(Verbose);
        var limit = ProblemLimit(parse);
        try
        {
            return parse.Invoke(new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false });
        }
        catch (CliException e)
        {
            error.WriteLine($"socinv: {e.Message}");
            WriteLimited(error, e.Details, limit);
            return e.ExitCode;
        }
        catch (ScenarioFormatException e)
        {
            var total = e.Problems.Count + e.OmittedCount;
            var kept = e.OmittedCount > 0 ? string.Create(CultureInfo.InvariantCulture, $" (the reader kept the first {e.Problems.Count:N0})") : string.Empty;
            error.WriteLine($"socinv: the scenario has {Count(total, "problem")}{kept}:");
            WriteLimited(error, e.Problems, limit, omitted: e.OmittedCount);

            return ExitCodes.InvalidInput;
        }
        catch (ModelValidationException e)
        {
            error.WriteLine($"socinv: the model is invalid ({Count(e.Problems.Count, "problem")}):");
            WriteLimited(error, e.Problems, limit);

            return ExitCodes.InvalidInput;
        }
        catch (OperationCanceledException)
        {
            error.WriteLine("socinv: cancelled.");
            return ExitCodes.Cancelled;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            error.WriteLine($"socinv: I/O error: {e.Message}");
            if (verbose)
            {
                error.WriteLine(e.ToString());
            }

            return ExitCodes.IoError;
        }
#pragma warning disable CA1031 // The tool's last line of defence: one readable line, the stack trace only on request.
        catch (Exception e)
#pragma warning restore CA1031
        {
            error.WriteLine($"socinv: unexpected error ({e.GetType().Name}): {e.Message}");
            error.WriteLine(verbose ? e.ToString() : "Rerun with --verbose for details, and please report it.");
            return ExitCodes.Unexpected;
        }
    }

    internal static RootCommand BuildCommand(TextWriter output, TextWriter error, CliEnvironment environment, CancellationToken cancellationToken)
    {
        var root = new RootCommand("socinv: social-investment cost/benefit appraisal. Runs life-course scenarios (the embedded Norwegian default when none is given) and reports who invests and who saves.");
        root.Options.Add(Verbose);
        root.Options.Add(MaxErrors);
        root.Subcommands.Add(RunCommand(output, error, environment, reportOnly: false, cancellationToken));
        root.Subcommands.Add(RunCommand(output, error, environment, reportOnly: true, cancellationToken));
        root.Subcommands.Add(ValidateCommand(output));
        root.Subcommands.Add(InitCommand(output));
        root.Subcommands.Add(LiabilityCommand.Liability(output, cancellationToken));
        root.Subcommands.Add(LiabilityCommand.FollowUpCommand(output, cancellationToken));
        root.Subcommands.Add(ContractCommand.Build(output, error, environment, cancellationToken));
        root.Subcommands.Add(PortfolioCommand.Create(output, error, environment, cancellationToken));
        root.Subcommands.Add(HouseholdsCommand.Create(output, error, environment, cancellationToken));
        return root;
    }

    private static Command RunCommand(TextWriter output, TextWriter error, CliEnvironment environment, bool reportOnly, CancellationToken cancellationToken)
    {
        var options = new RunOptionSet(reportOnly);
        var command = reportOnly
            ? new Command("report", "Run a scenario (or the Norwegian default) and write only the HTML and Markdown report with its charts to --out; or, with --from RUNDIR (or a run folder as SCENARIO), re-render the report of an earlier run from the scenario copy, seed and draws stored in it.")
            : new Command("run", "Run a scenario (or the embedded Norwegian default), print NPV, BCR and payback per strategy and perspective and who invests and who saves, and write CSV/JSON results and the report to --out.");
        options.AddTo(command);
        command.SetAction(parse => RunScenario.Execute(options.Bind(parse), output, error, environment, cancellationToken));
        return command;
    }

    private static Command ValidateCommand(TextWriter output)
    {
        var scenarioArg = new Argument<string>("scenario") { Description = "Scenario folder to check." };
        RejectOptionLike(scenarioArg);
        var command = new Command("validate", "Check a scenario folder: read every file and build the model; print every problem with file, line and column. Exit code 1 when there is any.");
        command.Arguments.Add(scenarioArg);
        command.SetAction(parse =>
        {
            var dir = parse.GetValue(scenarioArg)!;
            var scenario = LoadScenario(dir);
            var model = scenario.BuildModel();
            SettlementFile.TryRead(dir, scenario);  // the optional settlement rules table, checked against the scenario
            ContractFile.TryRead(dir, scenario, model);  // the optional outcome-contract tables, checked against the model
            HouseholdFiles.TryRead(dir, scenario, model);  // the optional household tables, checked against the model
            output.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"OK: '{scenario.Settings.Name}' ({dir}): {model.States.Count} states, {model.Payers.Count} payers, {model.Strategies.Count} strategies, {model.Flows.Count} flows; no problems found."));
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command InitCommand(TextWriter output)
    {
        var dirArg = new Argument<string>("dir") { Description = "Folder to write the Norwegian default scenario into (created; must be empty unless --force)." };
        RejectOptionLike(dirArg);
        var force = new Option<bool>("--force") { Description = "Write into a folder that already has files (scenario files are replaced)." };
        var command = new Command("init", "Write the embedded Norwegian default scenario as an editable folder (JSON manifest and CSV tables).");
        command.Arguments.Add(dirArg);
        command.Options.Add(force);
        command.SetAction(parse =>
        {
            var dir = parse.GetValue(dirArg)!;
            if (File.Exists(dir))
            {
                throw new CliException(ExitCodes.InvalidInput, $"'{dir}' is a file, not a folder.");
            }

            if (Directory.Exists(dir) && Directory.EnumerateFileSystemEntries(dir).Any() && !parse.GetValue(force))
            {
                throw new CliException(ExitCodes.InvalidInput, $"the folder '{dir}' is not empty; choose another folder or pass --force to overwrite the scenario files in it.");
            }

            NorwegianDefault.WriteTo(dir);
            var files = Directory.GetFiles(dir).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray();
            output.WriteLine($"Wrote the Norwegian default scenario to {dir} ({files.Length} files: {string.Join(", ", files)}).");
            output.WriteLine($"Edit the tables, then: socinv validate {dir} && socinv run {dir}");
            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>Reads a scenario folder, turning a missing folder into a one-line input error.</summary>
    internal static Scenario LoadScenario(string dir)
    {
        if (!Directory.Exists(dir))
        {
            throw new CliException(ExitCodes.InvalidInput, File.Exists(dir)
                ? $"'{dir}' is a file; a scenario is a folder with a manifest and CSV tables (socinv init DIR writes an example)."
                : $"no scenario folder at '{dir}' (socinv init DIR writes an example).");
        }

        return ScenarioReader.Read(dir);
    }

    /// <summary>The number of problems to print: --max-errors (0 = all), else all with --verbose, else <see cref="DefaultMaxErrors"/>.</summary>
    private static int ProblemLimit(ParseResult parse)
    {
        // Read the token rather than the value: the limit itself may be what failed to parse (then the default applies).
        var given = parse.GetResult(MaxErrors) is { Implicit: false, Tokens: [var token] }
            ? CliOptions.ParseWholeNumber(token.Value, MaxErrors.Name, 0, int.MaxValue).Value
            : null;
        return given switch
        {
            0 => int.MaxValue,
            long n => (int)n,
            null => SafeValue(parse, Verbose) ? int.MaxValue : DefaultMaxErrors,
        };
    }

    private static T? SafeValue<T>(ParseResult parse, Option<T> option)
    {
        try
        {
            return parse.GetValue(option);
        }
        catch (InvalidOperationException)
        {
            return default;
        }
    }

    /// <summary>Writes at most <paramref name="limit"/> lines, then one line that counts the rest and says how to see them.</summary>
    /// <remarks>Only the lines shown are formatted, so a list of a million problems costs fifty strings.</remarks>
    /// <param name="error">Where to write.</param>
    /// <param name="lines">The problems.</param>
    /// <param name="limit">How many to write.</param>
    /// <param name="indent">The indentation of each line.</param>
    /// <param name="omitted">Problems counted but not kept by the reader (beyond its own cap): they are added to the count of the rest.</param>
    internal static void WriteLimited<T>(TextWriter error, IReadOnlyList<T> lines, int limit, string indent = "  ", int omitted = 0)
    {
        var shown = Math.Min(lines.Count, limit);
        for (var i = 0; i < shown; i++)
        {
            error.WriteLine(indent + lines[i]);
        }

        var rest = (long)lines.Count - shown + omitted;
        if (rest > 0)
        {
            var how = omitted == 0
                ? "--max-errors 0 or --verbose prints all"
                : shown == lines.Count
                    ? "the reader keeps the first ScenarioLimits.MaxProblems"
                    : "--max-errors 0 or --verbose prints all the reader kept";
            error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{indent}… and {rest:N0} more ({how})."));
        }
    }

    /// <summary>A word starting with '-' in a folder argument is an unknown option, not a folder name.</summary>
    internal static void RejectOptionLike<T>(Argument<T> argument) => argument.Validators.Add(r =>
    {
        if (r.GetValue(argument) is string v && v.StartsWith('-'))
        {
            r.AddError($"Unrecognized option '{v}'.");
        }
    });

    internal static string Count(int n, string noun) => string.Create(CultureInfo.InvariantCulture, $"{n} {noun}{(n == 1 ? string.Empty : "s")}");

    internal static bool TryCulture(string name, out CultureInfo culture)
    {
        culture = CultureInfo.InvariantCulture;
        if (string.IsNullOrEmpty(name) || string.Equals(name, "invariant", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        try
        {
            culture = CultureInfo.GetCultureInfo(name, predefinedOnly: true);
            return true;
        }
        catch (CultureNotFoundException)
        {
            return false;
        }
    }
}


