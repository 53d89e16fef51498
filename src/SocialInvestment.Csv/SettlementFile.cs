using System.Globalization;
using System.Text;
using SocialInvestment.Economics;
using SocialInvestment.IO;
using SocialInvestment.Model;
using SocialInvestment.Uncertainty;

namespace SocialInvestment.Scenarios;

/// <summary>
/// The optional settlement table of a scenario folder, <c>settlement_rules.csv</c>: one row per
/// rule, applied in row order (see <see cref="SettlementPlan"/>), and the transfer schedule written
/// by a run, <c>settlement.csv</c>.
/// <para>
/// Columns of <c>settlement_rules.csv</c> (read strictly like the scenario tables: UTF-8, comma,
/// invariant culture, unknown columns rejected, every problem with file, line, column and field):
/// <c>rule</c> (name, required, unique), <c>kind</c> (required: <c>reimburse-investors</c>,
/// <c>share-gains</c>, <c>shapley</c>, <c>per-participant-price</c>), <c>payers</c> (space-separated
/// payer names; empty = every public payer), <c>basis</c> (share-gains: <c>savings</c>,
/// <c>investment</c>, <c>fixed</c>; per-participant-price: <c>per-start</c> (default),
/// <c>per-participant-year</c>), <c>shares</c> (fixed basis: space-separated <c>payer=share</c>, summing
/// to 1), <c>timing</c> (<c>as-saved</c> (default) or <c>upfront</c>), <c>payer</c>, <c>payee</c>,
/// <c>intervention</c>, <c>price</c>, <c>duration_years</c> (per-participant-price), <c>description</c>
/// (free text, ignored).
/// </para>
/// </summary>
public static class SettlementFile
{
    /// <summary>The rules table in a scenario folder.</summary>
    public const string RulesFileName = "settlement_rules.csv";

    /// <summary>The transfer schedule written into a run folder.</summary>
    public const string ScheduleFileName = "settlement.csv";

    private static readonly IReadOnlyList<ColumnSpec> Columns =
    [
        new("rule", true, "a unique rule name"),
        new("kind", true, "reimburse-investors, share-gains, shapley or per-participant-price"),
        new("payers", false, "payer names separated by spaces"),
        new("basis", false, "savings, investment, fixed, per-start or per-participant-year"),
        new("shares", false, "payer=share pairs separated by spaces"),
        new("timing", false, "as-saved or upfront"),
        new("payer", false, "the payer who pays the price"),
        new("payee", false, "the payer who receives the price"),
        new("intervention", false, "an intervention name"),
        new("price", false, "a price per participant ≥ 0"),
        new("duration_years", false, "years > 0"),
        new("description", false, "free text"),
    ];

    private static readonly Dictionary<string, string> Kinds = new(StringComparer.Ordinal)
    {
        ["REIMBURSE-INVESTORS"] = "reimburse-investors",
        ["SHARE-GAINS"] = "share-gains",
        ["SHAPLEY"] = "shapley",
        ["PER-PARTICIPANT-PRICE"] = "per-participant-price",
    };

    private static readonly Dictionary<string, TransferTiming> Timings = new(StringComparer.Ordinal)
    {
        ["AS-SAVED"] = TransferTiming.AsSaved,
        ["UPFRONT"] = TransferTiming.Upfront,
    };

    private static readonly Dictionary<string, GainShareBasis> ShareBases = new(StringComparer.Ordinal)
    {
        ["SAVINGS"] = GainShareBasis.Savings,
        ["INVESTMENT"] = GainShareBasis.Investment,
        ["FIXED"] = GainShareBasis.Fixed,
    };

    private static readonly Dictionary<string, ParticipantBasis> PriceBases = new(StringComparer.Ordinal)
    {
        ["PER-START"] = ParticipantBasis.PerStart,
        ["PER-PARTICIPANT-YEAR"] = ParticipantBasis.PerParticipantYear,
    };

    /// <summary>
    /// The example plan used when a scenario has no <see cref="RulesFileName"/>: every public payer
    /// that gains reimburses the investors in proportion to its gain, up to their break-even, as it
    /// saves (<see cref="ReimburseInvestorsRule"/>). An example of an agreement, not a recommendation.
    /// </summary>
    public static SettlementPlan ExamplePlan { get; } = new("example: savers reimburse the investors", [new ReimburseInvestorsRule("reimburse the investors")]);

    /// <summary>
    /// Reads <see cref="RulesFileName"/> from a scenario folder, checking payer and intervention names
    /// against the scenario. Null when the folder has no such file.
    /// </summary>
    /// <param name="directory">The scenario folder.</param>
    /// <param name="scenario">The scenario read from it (its payers and interventions).</param>
    /// <param name="limits">Size limits (file size, rows, problems kept); null for <see cref="ScenarioLimits.Default"/>.</param>
    /// <exception cref="ScenarioFormatException">Every problem, each with file, line, column and field.</exception>
    public static SettlementPlan? TryRead(string directory, Scenario scenario, ScenarioLimits? limits = null)
    {
        ArgumentNullException.ThrowIfNull(directory);
        ArgumentNullException.ThrowIfNull(scenario);
        limits ??= ScenarioLimits.Default;
        var path = Path.Combine(directory, RulesFileName);
        if (!File.Exists(path))
        {
            return null;
        }

        // The size is checked before anything is read.
        var length = new FileInfo(path).Length;
        if (length > limits.MaxFileBytes)
        {
            throw new ScenarioFormatException([new ScenarioProblem(RulesFileName, null, null, null, string.Create(CultureInfo.InvariantCulture, $"The file has {length} bytes; the limit is {limits.MaxFileBytes}."))]);
        }

        using var stream = File.OpenRead(path);
        return Parse(stream, scenario.Payers.Select(p => new Payer(p.Name, p.IsPublic)), scenario.Interventions.Select(i => i.Name), limits);
    }

    /// <summary>Parses a rules table.</summary>
    /// <param name="bytes">The file's bytes (UTF-8).</param>
    /// <param name="payers">The model's payers.</param>
    /// <param name="interventions">The model's intervention names.</param>
    /// <exception cref="ScenarioFormatException">Every problem, each with file, line, column and field.</exception>
    public static SettlementPlan Parse(byte[] bytes, IEnumerable<Payer> payers, IEnumerable<string> interventions)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        using var stream = new MemoryStream(bytes, writable: false);
        return Parse(stream, payers, interventions, ScenarioLimits.Default);
    }

    private static SettlementPlan Parse(Stream stream, IEnumerable<Payer> payers, IEnumerable<string> interventions, ScenarioLimits limits)
    {
        ArgumentNullException.ThrowIfNull(payers);
        ArgumentNullException.ThrowIfNull(interventions);
        var problems = new ProblemList(limits.MaxProblems);
        var rules = new List<SettlementRule>();
        var lineOf = new Dictionary<string, int>(StringComparer.Ordinal);
        var rows = 0;
        var table = CsvTable.Read(stream, RulesFileName, Columns, problems, limits, CsvFormat.Invariant, row =>
        {
            rows++;
            var before = problems.Total;
            var name = row.Name("rule", "a unique rule name");
            var kind = row.Choice("kind", Kinds, "", required: true);
            lineOf.TryAdd(name, row.Line);
            var payerList = row.Text("payers") is null ? null : row.List("payers");
            var timing = row.Choice("timing", Timings, TransferTiming.AsSaved, required: false);
            SettlementRule? rule = kind switch
            {
                "reimburse-investors" => new ReimburseInvestorsRule(name, payerList, timing),
                "share-gains" => new ShareGainsRule(name, row.Choice("basis", ShareBases, GainShareBasis.Savings, required: true), payerList, Shares(row), timing),
                "shapley" => new ShapleyRule(name, payerList, timing),
                "per-participant-price" => new PerParticipantPriceRule(
                    name,
                    row.Name("payer", "the payer who pays the price"),
                    row.Name("payee", "the payer who receives the price"),
                    row.Name("intervention", "an intervention name"),
                    row.Number("price", "a price per participant ≥ 0", required: true) ?? 0,
                    row.Choice("basis", PriceBases, ParticipantBasis.PerStart, required: false),
                    row.Number("duration_years", "years > 0")),
                _ => null,
            };

            if (rule is null)
            {
                return;
            }

            foreach (var column in UnusedColumns(kind))
            {
                if (row.Text(column) is not null)
                {
                    row.Problem(column, $"The column {column} is not used by a {kind} rule; leave it empty.");
                }
            }

            // A row with a problem of its own is reported once; the plan's checks run on the rows that parsed.
            if (problems.Total == before)
            {
                rules.Add(rule);
            }
        });
        if (table is null)
        {
            throw problems.ToException();
        }

        if (rows == 0)
        {
            problems.Add(new ScenarioProblem(RulesFileName, null, null, null, "The table has no rules; remove the file to use the example rule, or add rows."));
        }

        if (rules.Count > 0)
        {
            try
            {
                var plan = SettlementPlan.ForPayers("settlement_rules.csv", rules, payers, interventions);
                if (problems.Total == 0)
                {
                    return plan;
                }
            }
            catch (SettlementValidationException e)
            {
                problems.AddRange(e.Problems.Select(p => new ScenarioProblem(RulesFileName, lineOf.TryGetValue(p.Rule, out var line) ? line : null, ColumnOf(table, p.Field), p.Field, $"rule '{p.Rule}': {p.Message}")));
            }
        }

        throw problems.ToException();
    }

    private static int? ColumnOf(CsvTable table, string field)
    {
        var i = table.IndexOf(field);
        return i < 0 ? null : i + 1;
    }

    private static IEnumerable<string> UnusedColumns(string kind) => kind switch
    {
        "per-participant-price" => ["payers", "shares", "timing"],
        "share-gains" => ["payer", "payee", "intervention", "price", "duration_years"],
        _ => ["basis", "shares", "payer", "payee", "intervention", "price", "duration_years"],
    };

    private static Dictionary<string, double>? Shares(RowCursor row)
    {
        var items = row.List("shares");
        if (items.Count == 0)
        {
            return null;
        }

        var shares = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var item in items)
        {
            var eq = item.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0 || !RowCursor.TryParseNumber(item[(eq + 1)..], out var share))
            {
                row.Problem("shares", $"'{item}' is not payer=share (for example municipality=0.5).");
                continue;
            }

            if (!shares.TryAdd(item[..eq], share))
            {
                row.Problem("shares", $"Payer '{item[..eq]}' has two shares.");
            }
        }

        return shares;
    }

    /// <summary>
    /// Writes the transfer schedule as a tidy CSV, atomically: one row per settlement × transfer × trace
    /// point with a non-zero amount; columns <c>strategy</c>, <c>comparator</c>, <c>rule</c>, <c>from</c>
    /// (who pays), <c>to</c> (who receives), <c>cycle</c>, <c>year</c> (cycle × cycle length), <c>amount</c>
    /// (undiscounted, + = from pays to), <c>amount_discounted</c>, <c>timing</c>. Invariant culture, round-trip numbers.
    /// </summary>
    /// <param name="settlements">The settlements (one per strategy).</param>
    /// <param name="path">The file to write.</param>
    public static void WriteSchedule(IEnumerable<SettlementResult> settlements, string path)
    {
        ArgumentNullException.ThrowIfNull(settlements);
        ArgumentNullException.ThrowIfNull(path);
        CsvFiles.WriteCsv(path, ScheduleColumns, ScheduleRows(settlements.ToArray()));
    }

    /// <summary>Writes the transfer schedule (see <see cref="WriteSchedule(IEnumerable{SettlementResult}, string)"/>) to a writer.</summary>
    /// <param name="settlements">The settlements.</param>
    /// <param name="writer">The writer.</param>
    public static void WriteSchedule(IEnumerable<SettlementResult> settlements, TextWriter writer)
    {
        ArgumentNullException.ThrowIfNull(settlements);
        ArgumentNullException.ThrowIfNull(writer);
        using var buffer = new MemoryStream();
        CsvFiles.WriteCsv(buffer, ScheduleColumns, ScheduleRows(settlements.ToArray()));
        writer.Write(Encoding.UTF8.GetString(buffer.ToArray()));
    }

    /// <summary>
    /// Writes each payer's probability of being better off before and after settlement under a PSA
    /// (tidy, invariant culture): columns <c>strategy</c>, <c>comparator</c>, <c>payer</c>,
    /// <c>draws</c>, <c>probability_better_off_before</c>, <c>probability_better_off_after</c>,
    /// <c>mean_net_gain_before</c>, <c>mean_net_gain_after</c> (NOK, present value, + = better off).
    /// </summary>
    /// <param name="results">One PSA settlement per strategy.</param>
    /// <param name="path">The file to write.</param>
    public static void WriteProbabilities(IEnumerable<SettlementPsaResult> results, string path)
    {
        ArgumentNullException.ThrowIfNull(results);
        ArgumentNullException.ThrowIfNull(path);
        static double Mean(ReadOnlySpan<double> v)
        {
            var sum = 0.0;
            foreach (var x in v)
            {
                sum += x;
            }

            return sum / v.Length;
        }

        var rows = new List<string?[]>();
        foreach (var r in results)
        {
            foreach (var p in r.Payers)
            {
                rows.Add([r.Strategy.Name, r.Comparator.Name, p.Name, r.Draws.ToString(CultureInfo.InvariantCulture), CsvNumber.Format(r.ProbabilityBetterOffBefore(p.Name)), CsvNumber.Format(r.ProbabilityBetterOffAfter(p.Name)), CsvNumber.Format(Mean(r.NetGainBefore(p.Name))), CsvNumber.Format(Mean(r.NetGainAfter(p.Name)))]);
            }
        }

        CsvFiles.WriteCsv(path, ["strategy", "comparator", "payer", "draws", "probability_better_off_before", "probability_better_off_after", "mean_net_gain_before", "mean_net_gain_after"], rows);
    }

    private static readonly string[] ScheduleColumns = ["strategy", "comparator", "rule", "from", "to", "cycle", "year", "amount", "amount_discounted", "timing"];

    private static IEnumerable<string?[]> ScheduleRows(IReadOnlyList<SettlementResult> settlements)
    {
        foreach (var s in settlements)
        {
            foreach (var x in s.Transfers)
            {
                for (var t = 0; t < x.PerCycle.Count; t++)
                {
                    if (x.PerCycle[t] == 0)
                    {
                        continue;
                    }

                    yield return [s.Ledger.Strategy.Name, s.Ledger.Comparator.Name, x.Rule, x.From.Name, x.To.Name, t.ToString(CultureInfo.InvariantCulture), CsvNumber.Format(t * s.Ledger.CycleLengthYears), CsvNumber.Format(x.PerCycle[t]), CsvNumber.Format(x.PerCycleDiscounted[t]), x.Timing == TransferTiming.Upfront ? "upfront" : "as-saved"];
                }
            }
        }
    }
}
