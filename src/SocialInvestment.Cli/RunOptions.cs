using System.CommandLine;
using System.Globalization;
using SocialInvestment.Economics;
using SocialInvestment.Model;
using SocialInvestment.Reporting;
using SocialInvestment.Scenarios;

namespace SocialInvestment.Cli;

/// <summary>
/// The arguments and options of <c>run</c> and <c>report</c>: one field per option, added to the
/// command by <see cref="AddTo"/> and read back by <see cref="Bind"/>. To add an option, add a field,
/// list it in <see cref="AddTo"/> and carry its value into <see cref="RunRequest"/> in <see cref="Bind"/>.
/// Every value is checked while parsing (a usage error, exit 2), before anything runs.
/// </summary>
internal sealed class RunOptionSet
{
    /// <summary>Upper bound of --draws.</summary>
    public const int MaxDraws = 1_000_000;

    /// <summary>Upper bound of --threads.</summary>
    public const int MaxThreads = 4096;

    /// <summary>
    /// Upper bound of --horizon (cycles): the default limit of the horizon in years
    /// (<see cref="ModelLimits.MaxHorizonYears"/>, 200), read from the core so that the bound is written
    /// once. Checked while parsing, before the scenario (and so its cycle length) is known; a horizon
    /// within it that is still too long for the scenario's cycle length is a problem of the model (exit 1).
    /// </summary>
    public static readonly int MaxHorizon = (int)ModelLimits.Default.MaxHorizonYears;

    private readonly bool _reportOnly;

    public RunOptionSet(bool reportOnly)
    {
        _reportOnly = reportOnly;
        Scenario = new Argument<string?>("scenario")
        {
            Description = reportOnly
                ? "Scenario folder (manifest + CSV tables), or a folder written by an earlier socinv run (it has a manifest.json: its run is re-rendered, as with --from). Omit to run the embedded Norwegian default."
                : "Scenario folder (manifest + CSV tables). Omit to run the embedded Norwegian default.",
            Arity = ArgumentArity.ZeroOrOne,
        };
        CliApp.RejectOptionLike(Scenario);
        Out = CliOptions.FolderPath(
            "--out",
            $"Output folder (default {CliApp.DefaultOut}). A run replaces the whole folder at once with its own files and a manifest.json; it refuses a folder that holds files not written by socinv.",
            CliApp.DefaultOut,
            "-o");
        Horizon = CliOptions.WholeNumber("--horizon", ModelLimits.MinCycles, MaxHorizon, string.Create(CultureInfo.InvariantCulture, $"Horizon in cycles (years for annual cycles), {ModelLimits.MinCycles} to {MaxHorizon}, overriding the scenario's."));
        Discount = new Option<string?>("--discount")
        {
            Description = "Discounting preset for money and outcomes: norway (R-109/2021), uk, denmark, denmark2013, none, or constant:RATE (for example constant:0.03).",
            HelpName = "PRESET",
        };
        Discount.Validators.Add(r =>
        {
            if (r.Tokens.Count == 1)
            {
                if (!ScenarioConventions.TryParseDiscounting(r.Tokens[0].Value, out _, out var problem))
                {
                    r.AddError(problem);
                }
            }
        });
        Perspective = new Option<string[]>("--perspective", "-p")
        {
            Description = "Perspective(s) to appraise from, replacing the scenario's list: a payer name, public, society, individual or resource-costs. Repeat the option or list several (put the scenario folder before it).",
            AllowMultipleArgumentsPerToken = true,
            HelpName = "NAME",
        };
        Seed = CliOptions.WholeNumber(
            "--seed",
            0,
            long.MaxValue,
            string.Create(CultureInfo.InvariantCulture, $"Seed of the probabilistic sensitivity analysis (--draws), a whole number from 0 to {long.MaxValue}; the same seed gives the same draws on any machine and thread count. Default {RunScenario.DefaultSeed}."));
        Draws = CliOptions.WholeNumber(
            "--draws",
            0,
            MaxDraws,
            "Also run a probabilistic sensitivity analysis with this many parameter draws (0 to 1,000,000; the scenario's parameter distributions): print mean NPV, its 95 % interval and the probability that NPV > 0 per strategy and perspective, add an Uncertainty section to the report, and write psa.csv (one row per draw, strategy and perspective: draw, strategy, perspective, npv, bcr and the drawn parameter values). Default 0 (none).");
        Threads = CliOptions.WholeNumber(
            "--threads",
            0,
            MaxThreads,
            "Worker threads of the probabilistic sensitivity analysis (--draws) and of drawing the report's charts: 0 (the default) uses every core, N at most N (up to 4,096). The results and the charts are the same on any number of threads.");
        Culture = new Option<string>("--culture")
        {
            Description = "Culture for numbers printed on the console and in the report, for example nb-NO. Default: invariant (1,234,567.8). CSV and JSON files always use plain invariant numbers (ASCII minus, no group separators).",
            DefaultValueFactory = _ => string.Empty,
            HelpName = "NAME",
        };
        Culture.Validators.Add(r =>
        {
            var name = r.Tokens.Count == 1 ? r.Tokens[0].Value : string.Empty;
            if (!string.IsNullOrEmpty(name) && !CliApp.TryCulture(name, out _))
            {
                r.AddError($"Unknown culture '{name}' (use a name such as nb-NO or en-GB, or leave it out for the invariant culture).");
            }
        });
        Language = CliOptions.Language("Language of the report, its charts and the printed tables: en (English, the default) or nb (Norwegian bokmål; numbers then default to nb-NO unless --culture is given). CSV and JSON files are unaffected.");
        if (!reportOnly)
        {
            Cluster = ClusterAddress.Option("Run the probabilistic sensitivity analysis (--draws) on a running Orleans cluster: the gateway address(es) of its silos, HOST:PORT[,HOST:PORT…] (Orleans' default cluster and service id, as samples/Cluster/Silo and localhost clustering use). The output folder is the same as a local run's, bit for bit, for the same seed. Needs --draws; not with --horizon, --discount or --perspective (the cluster runs the scenario's own settings).");
        }

        if (reportOnly)
        {
            From = new Option<string?>("--from")
            {
                Description = "Re-render the report of an earlier run: the folder it wrote (with manifest.json). Its stored scenario copy, options, seed and draws are reused and the rerun is checked against its stored results; --out defaults to that folder. Cannot be combined with a scenario or with options that change the run.",
                HelpName = "RUNDIR",
            };
            From.Validators.Add(r =>
            {
                if (r.Tokens.Count == 1 && string.IsNullOrWhiteSpace(r.Tokens[0].Value))
                {
                    r.AddError("--from needs a run folder; got an empty value.");
                }
            });
        }
    }

    public Argument<string?> Scenario { get; }

    public Option<string> Out { get; }

    public Option<long?> Horizon { get; }

    public Option<string?> Discount { get; }

    public Option<string[]> Perspective { get; }

    public Option<long?> Seed { get; }

    public Option<long?> Draws { get; }

    /// <summary>--threads: the thread count of a probabilistic run (the core's <see cref="Engine.RunOptions.Threads"/> convention: 0 = every core). It does not change the results, so --from accepts it.</summary>
    public Option<long?> Threads { get; }

    public Option<string> Culture { get; }

    public Option<string> Language { get; }

    /// <summary>report only: the run folder to re-render.</summary>
    public Option<string?>? From { get; }

    /// <summary>run only: --cluster, the gateway addresses of an Orleans cluster that runs the PSA.</summary>
    public Option<string?>? Cluster { get; }

    /// <summary>The options that change what is computed; a re-rendered run (--from) takes them from its manifest.</summary>
    private IEnumerable<Option> RunShaping => [Horizon, Discount, Perspective, Seed, Draws];

    public void AddTo(Command command)
    {
        command.Arguments.Add(Scenario);
        foreach (var o in new Option?[] { Out, Horizon, Discount, Perspective, Seed, Draws, Threads, Culture, Language, From, Cluster })
        {
            if (o is not null)
            {
                command.Options.Add(o);
            }
        }

        if (Cluster is { } cluster)
        {
            command.Validators.Add(r =>
            {
                if (r.GetResult(cluster) is { Implicit: false })
                {
                    if (r.GetValue(Draws) is not > 0)
                    {
                        r.AddError("--cluster runs the probabilistic sensitivity analysis on the cluster; give --draws N (N ≥ 1). Without draws the run is a few seconds on this machine.");
                    }

                    var shaping = new Option[] { Horizon, Discount, Perspective }.Where(o => r.GetResult(o) is { Implicit: false }).Select(o => o.Name).ToArray();
                    if (shaping.Length > 0)
                    {
                        r.AddError($"{string.Join(", ", shaping)} cannot be combined with --cluster: the cluster runs the scenario's own settings; change them in scenario.json instead.");
                    }
                }
            });
        }

        if (From is { } from)
        {
            command.Validators.Add(r =>
            {
                if (r.GetResult(from) is { Implicit: false })
                {
                    if (r.GetResult(Scenario) is { Tokens.Count: > 0 })
                    {
                        r.AddError("--from re-renders an earlier run; give either a scenario folder or --from, not both.");
                    }

                    var shaping = RunShaping.Where(o => r.GetResult(o) is { Implicit: false }).Select(o => o.Name).ToArray();
                    if (shaping.Length > 0)
                    {
                        r.AddError($"{string.Join(", ", shaping)} cannot be combined with --from: the run's own settings are reused (use socinv run for new settings).");
                    }
                }
            });
        }
    }

    public RunRequest Bind(ParseResult parse)
    {
        var request = BindCore(parse) with { Threads = (int)(parse.GetValue(Threads) ?? 0), Cluster = Cluster is null ? null : parse.GetValue(Cluster) };
        if (parse.GetValue(Language) != "nb")
        {
            return request;
        }

        // Norwegian text reads numbers the Norwegian way unless --culture says otherwise.
        return request with { Language = ReportLanguage.NorwegianBokmal, Culture = request.CultureGiven ? request.Culture : CultureInfo.GetCultureInfo("nb-NO") };
    }

    private RunRequest BindCore(ParseResult parse) => new(
        parse.GetValue(Scenario),
        parse.GetValue(Out) ?? CliApp.DefaultOut,
        CliOptions.Given(parse, Out),
        (int?)parse.GetValue(Horizon),
        parse.GetValue(Discount),
        parse.GetValue(Perspective) is { Length: > 0 } ps ? ps : null,
        parse.GetValue(Seed) is long s ? (ulong)s : null,
        (int)(parse.GetValue(Draws) ?? 0),
        CliApp.TryCulture(parse.GetValue(Culture) ?? string.Empty, out var c) ? c : CultureInfo.InvariantCulture,
        CliOptions.Given(parse, Culture),
        parse.GetValue(CliApp.Verbose),
        _reportOnly,
        From is null ? null : parse.GetValue(From),
        [.. parse.Tokens.Select(t => t.Value)]);
}

/// <summary>The options of run and report after parsing.</summary>
/// <param name="Scenario">The scenario folder (or, for report, possibly a run folder); null for the embedded default.</param>
/// <param name="Out">The output folder.</param>
/// <param name="OutGiven">True when --out was written on the command line.</param>
/// <param name="Horizon">--horizon.</param>
/// <param name="Discount">--discount.</param>
/// <param name="Perspectives">--perspective, null for the scenario's list.</param>
/// <param name="Seed">--seed as given; null when not given.</param>
/// <param name="Draws">--draws (0 for none).</param>
/// <param name="Culture">--culture for console and report text.</param>
/// <param name="CultureGiven">True when --culture was written on the command line.</param>
/// <param name="Verbose">--verbose.</param>
/// <param name="ReportOnly">True for the report command.</param>
/// <param name="From">report --from: the run folder to re-render.</param>
/// <param name="Arguments">The command line as parsed (recorded in the run's manifest).</param>
internal sealed record RunRequest(
    string? Scenario,
    string Out,
    bool OutGiven,
    int? Horizon,
    string? Discount,
    IReadOnlyList<string>? Perspectives,
    ulong? Seed,
    int Draws,
    CultureInfo Culture,
    bool CultureGiven,
    bool Verbose,
    bool ReportOnly,
    string? From,
    IReadOnlyList<string> Arguments)
{
    /// <summary>report --from: the scenario source recorded by the run being re-rendered (null for the embedded default).</summary>
    public string? OriginalSource { get; init; }

    /// <summary>--language: the language of the report and the printed tables.</summary>
    public ReportLanguage Language { get; init; }

    /// <summary>--threads: worker threads of a probabilistic run, 0 for every core (the results do not depend on it).</summary>
    public int Threads { get; init; }

    /// <summary>--cluster: the gateway addresses of an Orleans cluster that runs the PSA; null to run it here.</summary>
    public string? Cluster { get; init; }
}
