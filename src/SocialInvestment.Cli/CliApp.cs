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

    private static readonly Option<bool> Verbose = new("--verbose", "-v")
    {
        Description = "Show progress from the start, extra detail, and the stack trace of an unexpected error.",
        Recursive = true,
    };

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
            foreach (var e in parse.Errors)
            {
                error.WriteLine($"socinv: {e.Message}");
            }

            error.WriteLine("Run 'socinv --help' for usage.");
            return ExitCodes.Usage;
        }

        var verbose = parse.GetValue(Verbose);
        try
        {
            return parse.Invoke(new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false });
        }
        catch (CliException e)
        {
            error.WriteLine($"socinv: {e.Message}");
            foreach (var d in e.Details)
            {
                error.WriteLine($"  {d}");
            }

            return e.ExitCode;
        }
        catch (ScenarioFormatException e)
        {
            error.WriteLine($"socinv: the scenario has {Count(e.Problems.Count, "problem")}:");
            foreach (var p in e.Problems)
            {
                error.WriteLine($"  {p}");
            }

            return ExitCodes.InvalidInput;
        }
        catch (ModelValidationException e)
        {
            error.WriteLine($"socinv: the model is invalid ({Count(e.Problems.Count, "problem")}):");
            foreach (var p in e.Problems)
            {
                error.WriteLine($"  {p}");
            }

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
        root.Subcommands.Add(RunCommand(output, error, environment, reportOnly: false, cancellationToken));
        root.Subcommands.Add(RunCommand(output, error, environment, reportOnly: true, cancellationToken));
        root.Subcommands.Add(ValidateCommand(output));
        root.Subcommands.Add(InitCommand(output));
        return root;
    }

    private static Command RunCommand(TextWriter output, TextWriter error, CliEnvironment environment, bool reportOnly, CancellationToken cancellationToken)
    {
        var scenarioArg = new Argument<string?>("scenario")
        {
            Description = "Scenario folder (manifest + CSV tables). Omit to run the embedded Norwegian default.",
            Arity = ArgumentArity.ZeroOrOne,
        };
        RejectOptionLike(scenarioArg);
        var outOption = new Option<string>("--out", "-o")
        {
            Description = "Output folder (created if missing; files in it are replaced).",
            DefaultValueFactory = _ => DefaultOut,
        };
        var horizon = new Option<int?>("--horizon")
        {
            Description = "Horizon in cycles (years for annual cycles), overriding the scenario's.",
        };
        horizon.Validators.Add(r =>
        {
            // Read the token rather than the value: a token that is not an integer already has its own parse error.
            if (r.Tokens.Count == 1 && int.TryParse(r.Tokens[0].Value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var h) && (h < 1 || h > 200))
            {
                r.AddError($"--horizon must be between 1 and 200 cycles (got {h.ToString(CultureInfo.InvariantCulture)}).");
            }
        });
        var discount = new Option<string?>("--discount")
        {
            Description = "Discounting preset for money and outcomes: norway (R-109/2021), uk, denmark, denmark2013, none, or constant:RATE (for example constant:0.03).",
        };
        discount.Validators.Add(r =>
        {
            if (r.GetValue(discount) is string d)
            {
                try
                {
                    DiscountSchedule.FromPreset(d);
                }
                catch (ArgumentException e)
                {
                    r.AddError(WithoutParameterName(e));
                }
            }
        });
        var perspective = new Option<string[]>("--perspective", "-p")
        {
            Description = "Perspective(s) to appraise from, replacing the scenario's list: a payer name, public, society, individual or resource-costs. Repeat the option or list several (put the scenario folder before it).",
            AllowMultipleArgumentsPerToken = true,
        };
        var seed = new Option<int?>("--seed")
        {
            Description = "Seed of the probabilistic sensitivity analysis (--draws); the same seed gives the same draws on any machine and thread count. Default 20260101.",
        };
        var draws = new Option<int>("--draws")
        {
            Description = "Also run a probabilistic sensitivity analysis with this many parameter draws (the scenario's parameter distributions) print mean NPV, its 95 % interval and the probability that NPV > 0 per strategy and perspective, add an Uncertainty section to the report, and write psa.csv (one row per draw, strategy and perspective: draw, strategy, perspective, npv, bcr and the drawn parameter values). Default 0 (none).",
            DefaultValueFactory = _ => 0,
        };
        draws.Validators.Add(r =>
        {
            if (r.GetValue(draws) is < 0 or > 1_000_000)
            {
                r.AddError("--draws must be between 0 and 1,000,000.");
            }
        });
        var culture = new Option<string>("--culture")
        {
            Description = "Culture for numbers in the report and the printed tables, for example nb-NO. Default: invariant (1,234,567.8).",
            DefaultValueFactory = _ => string.Empty,
        };
        culture.Validators.Add(r =>
        {
            var name = r.GetValue(culture);
            if (!string.IsNullOrEmpty(name) && !TryCulture(name, out _))
            {
                r.AddError($"Unknown culture '{name}' (use a name such as nb-NO or en-GB, or leave it out for the invariant culture).");
            }
        });

        var language = new Option<string>("--language")
        {
            Description = "Language of the report and its charts: en (English, the default) or nb (Norwegian bokmål; numbers then default to nb-NO unless --culture is given). CSV files are unaffected.",
            DefaultValueFactory = _ => "en",
        };
        language.AcceptOnlyFromAmong("en", "nb");

        var command = reportOnly
            ? new Command("report", "Run a scenario (or the Norwegian default) and write only the HTML and Markdown report with its charts to --out.")
            : new Command("run", "Run a scenario (or the embedded Norwegian default), print NPV, BCR and payback per strategy and perspective and who invests and who saves, and write CSV/JSON results and the report to --out.");
        command.Arguments.Add(scenarioArg);
        foreach (var o in new Option[] { outOption, horizon, discount, perspective, seed, draws, culture, language })
        {
            command.Options.Add(o);
        }

        command.SetAction(parse =>
        {
            var request = new RunRequest(
                parse.GetValue(scenarioArg),
                parse.GetValue(outOption) ?? DefaultOut,
                parse.GetValue(horizon),
                parse.GetValue(discount),
                parse.GetValue(perspective) is { Length: > 0 } ps ? ps : null,
                parse.GetValue(seed),
                parse.GetValue(draws),
                TryCulture(parse.GetValue(culture) ?? string.Empty, out var c) ? c : CultureInfo.InvariantCulture,
                parse.GetValue(Verbose),
                reportOnly,
                parse.GetValue(language) == "nb" ? ReportLanguage.NorwegianBokmal : ReportLanguage.English);
            if (request.Language == ReportLanguage.NorwegianBokmal && string.IsNullOrEmpty(parse.GetValue(culture)))
            {
                request = request with { Culture = CultureInfo.GetCultureInfo("nb-NO") };
            }

            return RunScenario.Execute(request, output, error, environment, cancellationToken);
        });
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

    /// <summary>The message of an argument exception without the " (Parameter 'x')" suffix, which means nothing to a user.</summary>
    internal static string WithoutParameterName(ArgumentException e)
    {
        var m = e.Message;
        var i = e.ParamName is null ? -1 : m.LastIndexOf($" (Parameter '{e.ParamName}')", StringComparison.Ordinal);
        return i >= 0 ? m[..i] : m;
    }

    /// <summary>A word starting with '-' in a folder argument is an unknown option, not a folder name.</summary>
    private static void RejectOptionLike<T>(Argument<T> argument) => argument.Validators.Add(r =>
    {
        if (r.GetValue(argument) is string v && v.StartsWith('-'))
        {
            r.AddError($"Unrecognized option '{v}'.");
        }
    });

    internal static string Count(int n, string noun) => string.Create(CultureInfo.InvariantCulture, $"{n} {noun}{(n == 1 ? string.Empty : "s")}");

    private static bool TryCulture(string name, out CultureInfo culture)
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

/// <summary>The options of run and report after parsing.</summary>
internal sealed record RunRequest(string? Scenario, string Out, int? Horizon, string? Discount, IReadOnlyList<string>? Perspectives, int? Seed, int Draws, CultureInfo Culture, bool Verbose, bool ReportOnly, ReportLanguage Language = ReportLanguage.English);
