using System.CommandLine;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using SocialInvestment.Decisions;
using SocialInvestment.Economics;
using SocialInvestment.IO;
using SocialInvestment.Model;
using SocialInvestment.Reporting;
using SocialInvestment.Scenarios;

namespace SocialInvestment.Cli;

/// <summary>
/// <c>socinv liability</c> and <c>socinv follow-up</c>: the caseload liability of a client register
/// (with the movement between two snapshots) and the follow-up of an investment against its
/// forecast. Both run on the built-in default with no other input and write an atomic run folder
/// (<see cref="RunFolder"/>) with a manifest, like <c>socinv run</c>.
/// </summary>
internal static class LiabilityCommand
{
    private static readonly CultureInfo C = CultureInfo.InvariantCulture;

    public static Command Liability(TextWriter output, CancellationToken cancellationToken)
    {
        var scenario = ScenarioOption();
        var register = FileOption("--register", $"Client register snapshot (CSV: person_id, age, state, time_in_state, household_id, any attribute column). Default: the scenario folder's {RegisterFile.FileName}, or for the built-in default its illustrative register of 2025-12-31.");
        var closing = FileOption("--closing", "A second snapshot one cycle (year) later: adds the movement analysis. Default: for the built-in default, its register of 2026-12-31; otherwise none.");
        var strategy = new Option<string?>("--strategy") { Description = "Project under this strategy of the scenario (default: business as usual, no intervention).", HelpName = "NAME" };
        var draws = CliOptions.WholeNumber("--draws", 0, 100_000, "PSA draws for 95 % intervals (each draw recompiles the model once per distinct age). Default 0.");
        var seed = CliOptions.WholeNumber("--seed", 0, long.MaxValue, $"Seed of the draws. Default {RunScenario.DefaultSeed}.");
        var minCell = CliOptions.WholeNumber("--min-cell", 1, int.MaxValue, "Suppress group cells with fewer persons (default 5, as Norwegian statistics practice requires).");
        var perPerson = new Option<bool>("--per-person") { Description = "Also write persons.csv, one row per person (personal data: only when asked for)." };
        var outDir = CliOptions.FolderPath("--out", "Output folder (replaced as a whole, like socinv run).", "socinv-liability", "-o");
        var language = CliOptions.Language(ReportLanguageDescription);
        var command = new Command("liability", "The caseload liability of today's clients: the present value of every person's projected future costs by payer and sector, summed by age band, state and attribute (small cells suppressed), and its movement between two snapshots. Runs on the built-in illustrative register with no other input.");
        foreach (var o in new Option[] { scenario, register, closing, strategy, draws, seed, minCell, perPerson, outDir, language })
        {
            command.Options.Add(o);
        }

        command.SetAction(parse =>
        {
            var dir = parse.GetValue(scenario);
            var s = dir is null ? NorwegianDefault.Load() : CliApp.LoadScenario(dir);
            var model = s.BuildModel();
            var registerPath = parse.GetValue(register) ?? (dir is not null && File.Exists(Path.Combine(dir, RegisterFile.FileName)) ? Path.Combine(dir, RegisterFile.FileName) : null);
            if (dir is not null && registerPath is null)
            {
                throw new CliException(ExitCodes.InvalidInput, $"the scenario folder '{dir}' has no {RegisterFile.FileName}; give one with --register FILE.");
            }

            var opening = registerPath is null ? NorwegianCaseload.OpeningRegister(model) : RegisterFile.Read(registerPath, model);
            var closingPath = parse.GetValue(closing);
            var closingRegister = closingPath is not null ? RegisterFile.Read(closingPath, model) : registerPath is null ? NorwegianCaseload.ClosingRegister(model) : null;
            var strategyName = parse.GetValue(strategy);
            Strategy? chosen = null;
            if (strategyName is not null)
            {
                chosen = model.Strategies.FirstOrDefault(x => x.Name == strategyName)
                    ?? throw new CliException(ExitCodes.InvalidInput, $"the scenario has no strategy '{strategyName}' ({string.Join(", ", model.Strategies.Select(x => x.Name))}).");
            }

            var n = (int)(parse.GetValue(draws) ?? 0);
            var options = new LiabilityOptions
            {
                Strategy = chosen,
                Draws = n,
                Seed = parse.GetValue(seed) is long sd ? (ulong)sd : RunScenario.DefaultSeed,
                MinimumCellCount = (int)(parse.GetValue(minCell) ?? 5),
                PerPerson = parse.GetValue(perPerson),
            };
            var liability = CaseloadLiability.Compute(model, opening, options, n > 0 ? s.ToPsaSpecification(model) : null, null, cancellationToken);
            var movement = closingRegister is null ? null : LiabilityMovement.Analyse(model, opening, closingRegister, closingStrategy: chosen, cancellationToken: cancellationToken);

            output.WriteLine(string.Create(C, $"Caseload liability of {liability.PersonCount:N0} persons ({opening.Label}), under '{liability.Strategy}', {liability.HorizonCycles} cycles, NOK {liability.PriceYear} prices, present value (+ = future cost):"));
            foreach (var p in liability.ByPayer)
            {
                output.WriteLine(string.Create(C, $"  {p.Payer.Name,-14} {p.Value,20:N0}"));
            }

            output.WriteLine(string.Create(C, $"  {"public sector",-14} {liability.Public,20:N0}{(liability.PublicInterval is { } iv ? $"  (95 %: {iv.Lower:N0} to {iv.Upper:N0})" : string.Empty)}"));
            if (movement is not null)
            {
                output.WriteLine(string.Create(C, $"Movement to {movement.ClosingLabel} (public, + = the liability grows): actual {movement.ActualChange:N0}, expected {movement.ExpectedChange:N0}"));
                foreach (var part in movement.Parts)
                {
                    output.WriteLine(string.Create(C, $"  {part.Name,-26} {part.Public,18:N0}"));
                }
            }

            var files = Write(parse, parse.GetValue(outDir)!, s, "liability", dir, staging =>
            {
                var written = new List<string> { "liability.csv", "liability_accounts.csv" };
                WriteCsv(Path.Combine(staging, "liability.csv"), ["dimension", "key", "persons", "suppressed", "payer", "liability", "lower", "upper"], LiabilityRows(liability));
                WriteCsv(Path.Combine(staging, "liability_accounts.csv"), ["payer", "sector", "kind", "liability"], liability.ByAccount.Select(a => new string?[] { a.Account.Payer.Name, a.Account.Sector.Name, a.Account.Kind.ToString(), CsvNumber.Format(a.Value) }));
                if (movement is not null)
                {
                    WriteCsv(Path.Combine(staging, "movement.csv"), ["part", "persons", "payer", "change"], MovementRows(movement));
                    written.Add("movement.csv");
                }

                if (liability.Persons is { } persons)
                {
                    WriteCsv(Path.Combine(staging, "persons.csv"), ["person_id", "household_id", "payer", "liability"], persons.SelectMany(p => p.ByPayer.Select(x => new string?[] { p.PersonId, p.HouseholdId, x.Payer.Name, CsvNumber.Format(x.Value) }).Append([p.PersonId, p.HouseholdId, "public", CsvNumber.Format(p.Public)])));
                    written.Add("persons.csv");
                }

                var report = LiabilityReports.Liability(liability, movement, LiabilityReportOptions(parse.GetValue(language) == "nb", s.Settings.Name, registerPath));
                written.AddRange(report.WriteTo(staging).Select(Path.GetFileName).OfType<string>());
                return written;
            });
            output.WriteLine($"Wrote {string.Join(", ", files)}.");
            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>The <c>--language</c> option's description on <c>socinv liability</c> and <c>socinv follow-up</c>.</summary>
    private const string ReportLanguageDescription = "Language of the report and its charts: en (English, the default) or nb (Norwegian bokmål, with nb-NO numbers). The console output and the CSV files are unaffected.";

    /// <summary>The liability report's title, description, language and culture (nb-NO numbers in Norwegian).</summary>
    private static ReportOptions LiabilityReportOptions(bool norwegian, string scenarioName, string? registerPath) => norwegian
        ? InLanguage(true, $"Forpliktelse for dagens brukere: {scenarioName}", registerPath is null ? "Registeret er det innebygde ILLUSTRERENDE syntetiske registeret for en oppdiktet mellomstor kommune (ingen virkelige personer)." : $"Register: {Path.GetFileName(registerPath)}.")
        : InLanguage(false, $"Caseload liability: {scenarioName}", registerPath is null ? "The register is the built-in ILLUSTRATIVE synthetic register of a fictitious mid-sized municipality (no real person)." : $"Register: {Path.GetFileName(registerPath)}.");

    /// <summary>The follow-up report's title, description, language and culture (nb-NO numbers in Norwegian).</summary>
    private static ReportOptions FollowUpReportOptions(bool norwegian, string investment, string? followUpPath) => norwegian
        ? InLanguage(true, $"Oppfølging: {investment}", followUpPath is null ? "Oppfølgingen er det innebygde ILLUSTRERENDE eksempelet (oppdiktede tall, ingen virkelige barn)." : $"Oppfølging: {Path.GetFileName(followUpPath)}.")
        : InLanguage(false, $"Follow-up: {investment}", followUpPath is null ? "The follow-up is the built-in ILLUSTRATIVE example (fictitious figures, no real children)." : $"Follow-up: {Path.GetFileName(followUpPath)}.");

    /// <summary>Report options with a title and description: in Norwegian bokmål with nb-NO numbers, or with the defaults (English).</summary>
    private static ReportOptions InLanguage(bool norwegian, string title, string description) => norwegian
        ? new ReportOptions { Language = ReportLanguage.NorwegianBokmal, Culture = CultureInfo.GetCultureInfo("nb-NO"), Title = title, Description = description }
        : new ReportOptions { Title = title, Description = description };

    public static Command FollowUpCommand(TextWriter output, CancellationToken cancellationToken)
    {
        var scenario = ScenarioOption();
        var cohorts = FileOption("--cohorts", $"The investments followed ({FollowUpFiles.CohortsFileName}). Default: the scenario folder's, or the built-in illustrative example.");
        var followUp = FileOption("--follow-up", $"What happened ({FollowUpFiles.FollowUpFileName}). Default: the scenario folder's, or the built-in illustrative example.");
        var forecastFile = FileOption("--forecast", $"A forecast stored when the investment started ({ForecastFile.FileName} of an earlier follow-up run); its scenario hash must match the scenario's. Default: make the forecast now from the scenario.");
        var investment = new Option<string?>("--investment") { Description = "The investment to follow (default: the first of the cohorts table).", HelpName = "NAME" };
        var draws = CliOptions.WholeNumber("--draws", 0, 100_000, "PSA draws of the forecast (the belief update needs them). Default 500.");
        var seed = CliOptions.WholeNumber("--seed", 0, long.MaxValue, $"Seed of the draws. Default {RunScenario.DefaultSeed}.");
        var outDir = CliOptions.FolderPath("--out", "Output folder (replaced as a whole, like socinv run).", "socinv-follow-up", "-o");
        var language = CliOptions.Language(ReportLanguageDescription);
        var command = new Command("follow-up", "Realised against forecast: compare a follow-up table (people in states, spending by payer) with the forecast made at the start (PSA bands, gains realised so far by payer, flagged deviations) and update the belief by re-weighting the PSA draws. Runs on the built-in illustrative example with no other input.");
        foreach (var o in new Option[] { scenario, cohorts, followUp, forecastFile, investment, draws, seed, outDir, language })
        {
            command.Options.Add(o);
        }

        command.SetAction(parse =>
        {
            var dir = parse.GetValue(scenario);
            var s = dir is null ? NorwegianDefault.Load() : CliApp.LoadScenario(dir);
            var model = s.BuildModel();
            string? Local(Option<string?> o, string name) => parse.GetValue(o) ?? (dir is not null && File.Exists(Path.Combine(dir, name)) ? Path.Combine(dir, name) : null);
            var cohortsPath = Local(cohorts, FollowUpFiles.CohortsFileName);
            var followUpPath = Local(followUp, FollowUpFiles.FollowUpFileName);
            if (dir is not null && (cohortsPath is null || followUpPath is null))
            {
                throw new CliException(ExitCodes.InvalidInput, $"the scenario folder '{dir}' needs {FollowUpFiles.CohortsFileName} and {FollowUpFiles.FollowUpFileName} (or give --cohorts and --follow-up).");
            }

            var investments = cohortsPath is null ? NorwegianCaseload.FollowedInvestments(model) : ReadWith(cohortsPath, (st, name) => FollowUpFiles.ReadCohorts(st, name, model));
            var tables = followUpPath is null ? NorwegianCaseload.FollowUp(model) : ReadWith(followUpPath, (st, name) => FollowUpFiles.ReadFollowUp(st, name, investments, model));
            var name = parse.GetValue(investment) ?? investments[0].Investment;
            var followed = investments.FirstOrDefault(i => i.Investment == name)
                ?? throw new CliException(ExitCodes.InvalidInput, $"'{name}' is not an investment of the cohorts table ({string.Join(", ", investments.Select(i => i.Investment))}).");
            var table = tables.FirstOrDefault(t => t.Investment == name) ?? new FollowUpTable(name, []);
            var hash = FollowUpFiles.ScenarioHash(s);
            InvestmentForecast forecast;
            if (parse.GetValue(forecastFile) is { } fp)
            {
                forecast = ForecastFile.Read(fp);
                if (forecast.ScenarioHash != hash)
                {
                    throw new CliException(ExitCodes.InvalidInput, $"the forecast in '{fp}' was made from the scenario with content hash {forecast.ScenarioHash}, but this scenario has {hash}: compare a follow-up only with the forecast of the same scenario.");
                }

                if (forecast.Investment != name)
                {
                    throw new CliException(ExitCodes.InvalidInput, $"the forecast in '{fp}' is of '{forecast.Investment}', not '{name}'.");
                }
            }
            else
            {
                var n = (int)(parse.GetValue(draws) ?? 500);
                forecast = InvestmentForecast.Make(
                    model,
                    model.Strategy(followed.Investment),
                    model.Strategy(followed.Comparator),
                    followed.StartYear,
                    hash,
                    new ForecastOptions { Years = followed.Years, Draws = n, Seed = parse.GetValue(seed) is long sd ? (ulong)sd : RunScenario.DefaultSeed, Cohort = followed.Cohort, Perspectives = s.Perspectives() },
                    n > 0 ? s.ToPsaSpecification(model) : null,
                    null,
                    cancellationToken);
            }

            var comparison = FollowUp.Compare(forecast, table);
            output.WriteLine(string.Create(C, $"Follow-up of '{forecast.Investment}' (started {forecast.StartYear}, cohort {forecast.CohortSize:N0}) against its forecast ({forecast.ScenarioHash}):"));
            foreach (var x in comparison.Counts)
            {
                output.WriteLine(string.Create(C, $"  {x.Year} {x.State,-18} observed {x.Observed,5}  expected {x.Expected,7:N1}  95 % band {x.Lower}–{x.Upper}  {x.Deviation.ToString().ToLowerInvariant()}"));
            }

            foreach (var g in comparison.Gains)
            {
                output.WriteLine(string.Create(C, $"  gains so far, {g.Payer} ({g.Years} years; + = better off): realised {g.Realised:N0}, forecast {g.Forecast:N0} NOK"));
            }

            output.WriteLine("  " + comparison.UpdateStatement);
            var files = Write(parse, parse.GetValue(outDir)!, s, "follow-up", dir, staging =>
            {
                AtomicFile.Write(Path.Combine(staging, ForecastFile.FileName), st => ForecastFile.Write(forecast, st));
                WriteCsv(Path.Combine(staging, "follow_up_counts.csv"), ["year", "state", "people", "observed", "expected", "lower", "upper", "deviation", "source"], comparison.Counts.Select(x => new string?[] { I(x.Year), x.State, I(x.People), I(x.Observed), CsvNumber.Format(x.Expected), I(x.Lower), I(x.Upper), x.Deviation.ToString().ToLowerInvariant(), x.Source }));
                WriteCsv(Path.Combine(staging, "follow_up_spending.csv"), ["year", "payer", "observed", "expected", "lower", "upper", "comparator", "realised_gain", "forecast_gain", "deviation", "source"], comparison.Spending.Select(x => new string?[] { I(x.Year), x.Payer, CsvNumber.Format(x.Observed), CsvNumber.Format(x.Expected), x.Lower is double lo ? CsvNumber.Format(lo) : null, x.Upper is double hi ? CsvNumber.Format(hi) : null, CsvNumber.Format(x.Comparator), CsvNumber.Format(x.RealisedGain), CsvNumber.Format(x.ForecastGain), x.Deviation.ToString().ToLowerInvariant(), x.Source }));
                var written = new List<string> { ForecastFile.FileName, "follow_up_counts.csv", "follow_up_spending.csv" };
                if (comparison.Update is { } u)
                {
                    WriteCsv(Path.Combine(staging, "belief_update.csv"), ["figure", "prior_mean", "prior_lower", "prior_upper", "posterior_mean", "posterior_lower", "posterior_upper", "posterior_mcse", "moved", "effective_sample_size", "draws"], u.Npv.Concat(u.Parameters).Select(x => new string?[] { x.Name, CsvNumber.Format(x.PriorMean), CsvNumber.Format(x.PriorLower), CsvNumber.Format(x.PriorUpper), CsvNumber.Format(x.PosteriorMean), CsvNumber.Format(x.PosteriorLower), CsvNumber.Format(x.PosteriorUpper), CsvNumber.Format(x.PosteriorStandardError), x.Moved ? "true" : "false", CsvNumber.Format(u.EffectiveSampleSize), I(u.Draws) }));
                    written.Add("belief_update.csv");
                }

                var report = LiabilityReports.FollowUp(comparison, FollowUpReportOptions(parse.GetValue(language) == "nb", forecast.Investment, followUpPath));
                written.AddRange(report.WriteTo(staging).Select(Path.GetFileName).OfType<string>());
                return written;
            });
            output.WriteLine($"Wrote {string.Join(", ", files)}.");
            return ExitCodes.Ok;
        });
        return command;
    }

    private static string I(int v) => v.ToString(C);

    /// <summary>Writes a CSV file atomically (UTF-8 without BOM, '\n', RFC 4180 quoting; empty for null).</summary>
    private static void WriteCsv(string path, IReadOnlyList<string> header, IEnumerable<string?[]> rows)
        => AtomicFile.Write(path, stream =>
        {
            using var w = new StreamWriter(stream, new System.Text.UTF8Encoding(false), leaveOpen: true) { NewLine = "\n" };
            static string Q(string? f) => f is null ? string.Empty : f.AsSpan().IndexOfAny(",\"\n\r") >= 0 ? "\"" + f.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : f;
            w.WriteLine(string.Join(',', header.Select(Q)));
            foreach (var r in rows)
            {
                w.WriteLine(string.Join(',', r.Select(Q)));
            }
        });

    private static Option<string?> ScenarioOption() => new("--scenario") { Description = "Scenario folder. Omit for the embedded Norwegian default.", HelpName = "DIR" };

    private static Option<string?> FileOption(string name, string description) => new(name) { Description = description, HelpName = "FILE" };

    private static T ReadWith<T>(string path, Func<Stream, string, T> read)
    {
        if (!File.Exists(path))
        {
            throw new CliException(ExitCodes.InvalidInput, $"no file at '{path}'.");
        }

        using var stream = File.OpenRead(path);
        return read(stream, Path.GetFileName(path));
    }

    /// <summary>Writes the run folder atomically: the files of <paramref name="write"/>, the scenario copy and the manifest last.</summary>
    private static string[] Write(ParseResult parse, string outPath, Scenario scenario, string command, string? source, Func<string, List<string>> write)
    {
        var folder = RunFolder.Prepare(outPath);
        try
        {
            var written = write(folder.Staging);
            var copy = Path.Combine(folder.Staging, RunManifest.ScenarioFolder);
            ScenarioWriter.Write(scenario, copy);
            var settings = new RunSettings(command, source, null, null, null, 0, null, string.Empty);
            new RunManifest(RunManifest.ToolVersion, [.. parse.Tokens.Select(t => t.Value)], settings, scenario.Settings.Name, RunManifest.ScenarioContentHash(copy), RunManifest.Describe(folder.Staging)).WriteTo(folder.Staging);
            folder.Commit();
            return written.Append(RunManifest.ScenarioFolder + "/").Append(RunManifest.FileName).ToArray();
        }
        catch
        {
            folder.Abandon();
            throw;
        }
    }

    private static IEnumerable<string?[]> LiabilityRows(LiabilityResult r)
    {
        foreach (var p in r.ByPayer)
        {
            var iv = r.PayerIntervals?.GetValueOrDefault(p.Payer.Name);
            yield return ["total", "all", I(r.PersonCount), "false", p.Payer.Name, CsvNumber.Format(p.Value), iv is null ? null : CsvNumber.Format(iv.Lower), iv is null ? null : CsvNumber.Format(iv.Upper)];
        }

        yield return ["total", "all", I(r.PersonCount), "false", "public", CsvNumber.Format(r.Public), r.PublicInterval is null ? null : CsvNumber.Format(r.PublicInterval.Lower), r.PublicInterval is null ? null : CsvNumber.Format(r.PublicInterval.Upper)];
        foreach (var c in r.Cells)
        {
            if (c.Suppressed)
            {
                yield return [c.Dimension, c.Key, null, "true", "public", null, null, null];
                continue;
            }

            foreach (var p in c.ByPayer)
            {
                yield return [c.Dimension, c.Key, I(c.Count!.Value), "false", p.Payer.Name, CsvNumber.Format(p.Value), null, null];
            }

            yield return [c.Dimension, c.Key, I(c.Count!.Value), "false", "public", CsvNumber.Format(c.Public!.Value), c.PublicInterval is null ? null : CsvNumber.Format(c.PublicInterval.Lower), c.PublicInterval is null ? null : CsvNumber.Format(c.PublicInterval.Upper)];
        }
    }

    private static IEnumerable<string?[]> MovementRows(LiabilityMovementResult m)
    {
        string?[] Row(string part, string persons, string payer, double v) => [part, persons, payer, CsvNumber.Format(v)];
        for (var j = 0; j < m.Payers.Count; j++)
        {
            yield return Row("opening", string.Empty, m.Payers[j].Name, m.OpeningByPayer[j].Value);
        }

        yield return Row("opening", string.Empty, "public", m.Opening);
        foreach (var part in m.Parts)
        {
            foreach (var p in part.ByPayer)
            {
                yield return Row(part.Name, I(part.Persons), p.Payer.Name, p.Value);
            }

            yield return Row(part.Name, I(part.Persons), "public", part.Public);
        }

        for (var j = 0; j < m.Payers.Count; j++)
        {
            yield return Row("closing", string.Empty, m.Payers[j].Name, m.ClosingByPayer[j].Value);
        }

        yield return Row("closing", string.Empty, "public", m.Closing);
    }
}
