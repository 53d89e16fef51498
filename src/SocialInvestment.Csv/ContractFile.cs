using System.Globalization;
using SocialInvestment.Economics;
using SocialInvestment.IO;
using SocialInvestment.Model;
using SocialInvestment.Uncertainty;

namespace SocialInvestment.Scenarios;

/// <summary>
/// The optional outcome-contract tables of a scenario folder and the contract results of a run.
/// <para>
/// <c>contracts.csv</c>, one row per contract: <c>contract</c> (name, required, unique),
/// <c>strategy</c> (required, a strategy of the scenario), <c>comparator</c> (a strategy; empty = the
/// scenario's comparator), <c>payer</c> (required: the commissioner who pays for outcomes),
/// <c>cap</c> (total payments, ≥ 0), <c>funded_share</c> (in [0, 1], default 1),
/// <c>capital_timing</c> (<c>as-incurred</c> (default) or <c>upfront</c>), <c>bridge_amount</c> (≥ 0),
/// <c>bridge_rate</c> (≥ 0), <c>description</c> (free text).
/// </para>
/// <para>
/// <c>contract_outcomes.csv</c>, one row per priced outcome: <c>contract</c> (a contract of
/// contracts.csv), <c>outcome</c> (unique within the contract), <c>states</c> (space-separated state
/// names), <c>direction</c> (<c>increase</c> or <c>decrease</c>), <c>basis</c> (<c>per-improvement</c>
/// (default) or <c>per-person-achieving</c>), <c>price</c> (≥ 0, per person or person-year),
/// <c>years</c> (space-separated measurement years), <c>until_years</c>, <c>payment_years</c>,
/// <c>labels</c> (optional, one entry per year, <c>-</c> for the default), <c>threshold</c> and
/// <c>pooled_threshold</c> (relative improvements in [0, 1]), <c>pooled_payment_year</c>,
/// <c>cap</c> (≥ 0), <c>source</c> (free text).
/// </para>
/// Both are read strictly like the scenario tables (UTF-8, comma, invariant culture, unknown columns
/// rejected); names, thresholds and times are checked against the scenario's model, and every problem
/// is reported at once with file, line, column and field. See docs/outcome-contracts.md.
/// </summary>
public static class ContractFile
{
    /// <summary>The contracts table in a scenario folder.</summary>
    public const string ContractsFileName = "contracts.csv";

    /// <summary>The priced-outcomes table in a scenario folder.</summary>
    public const string OutcomesFileName = "contract_outcomes.csv";

    /// <summary>The contract results written into a run folder.</summary>
    public const string ResultsFileName = "contract.csv";

    /// <summary>The per-draw contract figures written into a run folder by a PSA.</summary>
    public const string DrawsFileName = "contract_psa.csv";

    private const string DefaultPrefix = "SocialInvestment.Scenarios.NorwegianDefault.";

    private static readonly IReadOnlyList<ColumnSpec> ContractColumns =
    [
        new("contract", true, "a unique contract name"),
        new("strategy", true, "the strategy paid for"),
        new("comparator", false, "the strategy measured against"),
        new("payer", true, "the commissioner who pays"),
        new("cap", false, "an amount ≥ 0"),
        new("funded_share", false, "a share in [0, 1]"),
        new("capital_timing", false, "as-incurred or upfront"),
        new("bridge_amount", false, "an amount ≥ 0"),
        new("bridge_rate", false, "an annual rate ≥ 0"),
        new("description", false, "free text"),
    ];

    private static readonly IReadOnlyList<ColumnSpec> OutcomeColumns =
    [
        new("contract", true, "a contract of contracts.csv"),
        new("outcome", true, "an outcome name, unique within the contract"),
        new("states", true, "state names separated by spaces"),
        new("direction", true, "increase or decrease"),
        new("basis", false, "per-improvement or per-person-achieving"),
        new("price", true, "a price ≥ 0 per person or person-year"),
        new("years", true, "measurement years separated by spaces"),
        new("until_years", false, "window ends, one per year (- for a point)"),
        new("payment_years", false, "payment years, one per year (- for the default)"),
        new("labels", false, "measurement labels, one per year (- for the default)"),
        new("threshold", false, "a relative improvement in [0, 1]"),
        new("pooled_threshold", false, "a relative improvement in [0, 1]"),
        new("pooled_payment_year", false, "a year"),
        new("cap", false, "an amount ≥ 0"),
        new("source", false, "free text"),
    ];

    private static readonly Dictionary<string, CapitalTiming> Timings = new(StringComparer.Ordinal)
    {
        ["AS-INCURRED"] = CapitalTiming.AsIncurred,
        ["UPFRONT"] = CapitalTiming.Upfront,
    };

    private static readonly Dictionary<string, OutcomeDirection> Directions = new(StringComparer.Ordinal)
    {
        ["INCREASE"] = OutcomeDirection.Increase,
        ["DECREASE"] = OutcomeDirection.Decrease,
    };

    private static readonly Dictionary<string, OutcomePriceBasis> Bases = new(StringComparer.Ordinal)
    {
        ["PER-IMPROVEMENT"] = OutcomePriceBasis.PerImprovement,
        ["PER-PERSON-ACHIEVING"] = OutcomePriceBasis.PerPersonAchieving,
    };

    // The library's field names → the columns of the two files.
    private static readonly Dictionary<string, string> OutcomeFieldColumn = new(StringComparer.Ordinal)
    {
        ["year"] = "years",
        ["until_year"] = "until_years",
        ["payment_year"] = "payment_years",
        ["label"] = "labels",
    };

    /// <summary>
    /// Reads <see cref="ContractsFileName"/> and <see cref="OutcomesFileName"/> from a scenario folder
    /// and checks them against the model. Null when the folder has neither file.
    /// </summary>
    /// <param name="directory">The scenario folder.</param>
    /// <param name="scenario">The scenario read from it (its comparator is the default comparator).</param>
    /// <param name="model">The model built from it (names, horizon and cycle length are checked against it).</param>
    /// <param name="limits">Size limits; null for <see cref="ScenarioLimits.Default"/>.</param>
    /// <exception cref="ScenarioFormatException">Every problem, each with file, line, column and field.</exception>
    public static IReadOnlyList<OutcomeContract>? TryRead(string directory, Scenario scenario, LifeCourseModel model, ScenarioLimits? limits = null)
    {
        ArgumentNullException.ThrowIfNull(directory);
        ArgumentNullException.ThrowIfNull(scenario);
        ArgumentNullException.ThrowIfNull(model);
        limits ??= ScenarioLimits.Default;
        var contracts = Path.Combine(directory, ContractsFileName);
        var outcomes = Path.Combine(directory, OutcomesFileName);
        if (!File.Exists(contracts) && !File.Exists(outcomes))
        {
            return null;
        }

        var problems = new List<ScenarioProblem>();
        foreach (var (path, name) in new[] { (contracts, ContractsFileName), (outcomes, OutcomesFileName) })
        {
            if (!File.Exists(path))
            {
                problems.Add(new ScenarioProblem(name, null, null, null, $"The file is missing: {ContractsFileName} and {OutcomesFileName} go together (remove both to have no contract)."));
            }
            else if (new FileInfo(path).Length is var length && length > limits.MaxFileBytes)
            {
                problems.Add(new ScenarioProblem(name, null, null, null, string.Create(CultureInfo.InvariantCulture, $"The file has {length} bytes; the limit is {limits.MaxFileBytes}.")));
            }
        }

        if (problems.Count > 0)
        {
            throw new ScenarioFormatException(problems, 0);
        }

        using var c = File.OpenRead(contracts);
        using var o = File.OpenRead(outcomes);
        return Parse(c, o, model, scenario.Settings.Comparator, limits);
    }

    /// <summary>The example contract of the Norwegian default (<see cref="NorwegianDefault"/>), checked against the model.</summary>
    /// <param name="model">The model built from the default (or with overrides).</param>
    /// <param name="comparator">The default comparator.</param>
    /// <exception cref="ScenarioFormatException">The contract does not fit the model (for example a horizon shorter than its payment years).</exception>
    public static IReadOnlyList<OutcomeContract> ReadDefault(LifeCourseModel model, string comparator)
    {
        ArgumentNullException.ThrowIfNull(model);
        using var c = typeof(NorwegianDefault).Assembly.GetManifestResourceStream(DefaultPrefix + ContractsFileName)!;
        using var o = typeof(NorwegianDefault).Assembly.GetManifestResourceStream(DefaultPrefix + OutcomesFileName)!;
        return Parse(c, o, model, comparator, ScenarioLimits.Default);
    }

    /// <summary>Parses the two tables.</summary>
    /// <param name="contracts">The bytes of contracts.csv (UTF-8).</param>
    /// <param name="outcomes">The bytes of contract_outcomes.csv (UTF-8).</param>
    /// <param name="model">The model the contracts are checked against.</param>
    /// <param name="comparator">The comparator used when a contract leaves it empty.</param>
    /// <exception cref="ScenarioFormatException">Every problem, each with file, line, column and field.</exception>
    public static IReadOnlyList<OutcomeContract> Parse(byte[] contracts, byte[] outcomes, LifeCourseModel model, string comparator)
    {
        ArgumentNullException.ThrowIfNull(contracts);
        ArgumentNullException.ThrowIfNull(outcomes);
        using var c = new MemoryStream(contracts, writable: false);
        using var o = new MemoryStream(outcomes, writable: false);
        return Parse(c, o, model, comparator, ScenarioLimits.Default);
    }

    private sealed record ContractRow(int Line, string Name, string Strategy, string? Comparator, string Payer, double? Cap, double? Share, CapitalTiming Timing, double? Bridge, double? BridgeRate, string? Description);

    private sealed record OutcomeRow(int Line, string Contract, OutcomeMetric Metric);

    private static List<OutcomeContract> Parse(Stream contractStream, Stream outcomeStream, LifeCourseModel model, string defaultComparator, ScenarioLimits limits)
    {
        ArgumentNullException.ThrowIfNull(model);
        var problems = new ProblemList(limits.MaxProblems);
        var contractRows = new List<ContractRow>();
        var seenContracts = new Dictionary<string, int>(StringComparer.Ordinal);
        var seenOutcomes = new Dictionary<(string, string), int>();
        var contractTable = CsvTable.Read(contractStream, ContractsFileName, ContractColumns, problems, limits, CsvFormat.Invariant, row =>
        {
            var before = problems.Total;
            var r = new ContractRow(
                row.Line,
                row.Name("contract", "a unique contract name"),
                row.Name("strategy", "the strategy paid for"),
                row.Text("comparator"),
                row.Name("payer", "the commissioner who pays"),
                row.Number("cap", "an amount ≥ 0"),
                row.Number("funded_share", "a share in [0, 1]"),
                row.Choice("capital_timing", Timings, CapitalTiming.AsIncurred, required: false),
                row.Number("bridge_amount", "an amount ≥ 0"),
                row.Number("bridge_rate", "an annual rate ≥ 0"),
                row.Text("description"));
            if (!seenContracts.TryAdd(r.Name, row.Line))
            {
                row.Problem("contract", string.Create(CultureInfo.InvariantCulture, $"Contract '{r.Name}' is already defined on line {seenContracts[r.Name]}."));
            }

            if (problems.Total == before)
            {
                contractRows.Add(r);
            }
        });

        var outcomeRows = new List<OutcomeRow>();
        var badContracts = new HashSet<string>(StringComparer.Ordinal);
        var outcomeTable = CsvTable.Read(outcomeStream, OutcomesFileName, OutcomeColumns, problems, limits, CsvFormat.Invariant, row =>
        {
            var before = problems.Total;
            var contract = row.Name("contract", "a contract of contracts.csv");
            var name = row.Name("outcome", "an outcome name");
            var states = row.List("states");
            if (states.Count == 0)
            {
                row.Problem("states", "A value is required (state names separated by spaces).");
            }

            var direction = row.Choice("direction", Directions, OutcomeDirection.Increase, required: true);
            var basis = row.Choice("basis", Bases, OutcomePriceBasis.PerImprovement, required: false);
            var price = row.Number("price", "a price ≥ 0 per person or person-year", required: true) ?? 0;
            var years = Numbers(row, "years", optionalEntries: false);
            if (years.Count == 0)
            {
                row.Problem("years", "A value is required (measurement years separated by spaces, for example 2 or 2 4).");
            }

            var until = Entries(row, "until_years", years.Count, numbers: true);
            var paid = Entries(row, "payment_years", years.Count, numbers: true);
            var labels = Entries(row, "labels", years.Count, numbers: false);
            var threshold = row.Number("threshold", "a relative improvement in [0, 1]");
            var pooled = row.Number("pooled_threshold", "a relative improvement in [0, 1]");
            var pooledYear = row.Number("pooled_payment_year", "a year");
            var cap = row.Number("cap", "an amount ≥ 0");
            if (!seenOutcomes.TryAdd((contract, name), row.Line))
            {
                row.Problem("outcome", string.Create(CultureInfo.InvariantCulture, $"Outcome '{name}' of contract '{contract}' is already defined on line {seenOutcomes[(contract, name)]}."));
            }

            if (problems.Total != before)
            {
                badContracts.Add(contract);
                return;
            }

            var measurements = years.Select((y, i) => new OutcomeMeasurement(
                y!.Value,
                until.Count > 0 ? until[i].Number : null,
                paid.Count > 0 ? paid[i].Number : null,
                labels.Count > 0 ? labels[i].Text : null)).ToArray();
            outcomeRows.Add(new OutcomeRow(row.Line, contract, new OutcomeMetric(name, states, direction, measurements, price, basis, threshold, pooled, pooledYear, cap)));
        });

        if (contractTable is not null && contractRows.Count == 0 && problems.Total == 0)
        {
            problems.Add(new ScenarioProblem(ContractsFileName, null, null, null, "The table has no contracts; remove both contract files to have none, or add rows."));
        }

        if (outcomeTable is not null)
        {
            foreach (var r in outcomeRows.Where(r => !seenContracts.ContainsKey(r.Contract) && contractTable is not null))
            {
                problems.Add(new ScenarioProblem(OutcomesFileName, r.Line, Column(outcomeTable, "contract"), "contract", $"Unknown contract '{r.Contract}'. Known (contracts.csv): {string.Join(", ", contractRows.Select(c => c.Name))}."));
            }
        }

        var result = new List<OutcomeContract>();
        if (contractTable is null || outcomeTable is null)
        {
            throw problems.ToException();
        }

        foreach (var c in contractRows)
        {
            if (badContracts.Contains(c.Name))
            {
                continue; // its rows' own problems are reported; the contract is not built from half of them
            }

            var mine = outcomeRows.Where(r => r.Contract == c.Name).ToList();
            if (mine.Count == 0)
            {
                problems.Add(new ScenarioProblem(ContractsFileName, c.Line, Column(contractTable, "contract"), "contract", $"Contract '{c.Name}' has no outcomes in {OutcomesFileName}."));
                continue;
            }

            int? OutcomeLine(string outcome) => mine.FirstOrDefault(r => r.Metric.Name == outcome)?.Line;
            void Report(IEnumerable<ContractProblem> found)
            {
                foreach (var p in found)
                {
                    if (p.Outcome == "contract" || OutcomeLine(p.Outcome) is not int line)
                    {
                        problems.Add(new ScenarioProblem(ContractsFileName, c.Line, Column(contractTable, p.Field), p.Field, p.Message));
                    }
                    else
                    {
                        var column = OutcomeFieldColumn.GetValueOrDefault(p.Field, p.Field);
                        problems.Add(new ScenarioProblem(OutcomesFileName, line, Column(outcomeTable, column), column, $"outcome '{p.Outcome}': {p.Message}"));
                    }
                }
            }

            var comparator = c.Comparator ?? defaultComparator;
            var capital = new InvestorCapital(c.Share ?? 1.0, c.Timing);
            var bridge = c.Bridge is null && c.BridgeRate is null ? null : new BridgeFinancing(c.Bridge ?? 0, c.BridgeRate ?? 0);
            var found = OutcomeContract.Check(model, c.Name, c.Strategy, comparator, c.Payer, mine.Select(r => r.Metric), c.Cap, capital, bridge);
            Report(found);
            if (found.Count == 0)
            {
                result.Add(new OutcomeContract(c.Name, c.Strategy, comparator, c.Payer, mine.Select(r => r.Metric), c.Cap, capital, bridge, c.Description));
            }
        }

        if (problems.Total > 0)
        {
            throw problems.ToException();
        }

        return result;
    }

    private static int? Column(CsvTable table, string field)
    {
        var i = table.IndexOf(field);
        return i < 0 ? null : i + 1;
    }

    private static List<double?> Numbers(RowCursor row, string column, bool optionalEntries)
    {
        var list = new List<double?>();
        foreach (var item in row.List(column))
        {
            if (optionalEntries && item == "-")
            {
                list.Add(null);
            }
            else if (RowCursor.TryParseNumber(item, out var v))
            {
                list.Add(v);
            }
            else
            {
                row.Problem(column, RowCursor.NumberMessage(item, "a year; separate several with spaces"));
            }
        }

        return list;
    }

    private static List<(double? Number, string? Text)> Entries(RowCursor row, string column, int count, bool numbers)
    {
        var items = row.List(column);
        if (items.Count == 0)
        {
            return [];
        }

        if (items.Count != count)
        {
            row.Problem(column, string.Create(CultureInfo.InvariantCulture, $"Give one entry per measurement year ({count}), '-' for the default; got {items.Count}."));
            return [];
        }

        if (numbers)
        {
            var parsed = Numbers(row, column, optionalEntries: true);
            return parsed.Count == count ? parsed.Select(v => (v, (string?)null)).ToList() : [];
        }

        return items.Select(s => ((double?)null, s == "-" ? null : s)).ToList();
    }

    /// <summary>
    /// Writes the contract results as one tidy CSV, atomically: columns <c>contract</c>, <c>section</c>,
    /// <c>outcome</c>, <c>measurement</c>, <c>cycle</c>, <c>year</c>, <c>quantity</c>, <c>value</c>,
    /// <c>unit</c>, <c>note</c>. Sections: <c>measurement</c> (counts, improvement, relative improvement,
    /// threshold met, units), <c>pooled</c>, <c>payment</c> (due, amount, amount_discounted),
    /// <c>flow</c> (per year: payments, capital, bridge_recovered, investor_net, net_gain_self_funded,
    /// net_gain_with_contract), <c>figure</c> (totals, the investor's IRR and multiple, the NPVs; an
    /// undefined figure has an empty value and its reason in <c>note</c>), and with a PSA <c>psa</c>
    /// (probabilities and quantiles). The unit of each money row names its sign. Invariant culture,
    /// round-trip numbers.
    /// </summary>
    /// <param name="results">The evaluated contracts (base case).</param>
    /// <param name="psa">Their PSA results in the same order, or null.</param>
    /// <param name="currency">The currency, for example NOK.</param>
    /// <param name="priceYear">The price year, or null.</param>
    /// <param name="path">The file to write.</param>
    public static void WriteResults(IReadOnlyList<ContractResult> results, IReadOnlyList<ContractPsaResult>? psa, string currency, int? priceYear, string path)
    {
        ArgumentNullException.ThrowIfNull(results);
        ArgumentNullException.ThrowIfNull(currency);
        ArgumentNullException.ThrowIfNull(path);
        CsvFiles.WriteCsv(path, ResultColumns, ResultRows(results, psa, currency, priceYear));
    }

    /// <summary>
    /// Writes one row per contract × PSA draw, atomically: <c>contract</c>, <c>draw</c>,
    /// <c>payments</c>, <c>payments_discounted</c> (+ = the commissioner pays), <c>investor_net</c>
    /// (+ = gains), <c>investor_irr</c> (empty when undefined), <c>npv_self_funded</c>,
    /// <c>npv_with_contract</c> (+ = better off).
    /// </summary>
    /// <param name="psa">The PSA results.</param>
    /// <param name="path">The file to write.</param>
    public static void WriteDraws(IReadOnlyList<ContractPsaResult> psa, string path)
    {
        ArgumentNullException.ThrowIfNull(psa);
        ArgumentNullException.ThrowIfNull(path);
        CsvFiles.WriteCsv(path, DrawColumns, DrawRows(psa));
    }

    private static readonly string[] ResultColumns = ["contract", "section", "outcome", "measurement", "cycle", "year", "quantity", "value", "unit", "note"];

    private static readonly string[] DrawColumns = ["contract", "draw", "payments", "payments_discounted", "investor_net", "investor_irr", "npv_self_funded", "npv_with_contract"];

    private static IEnumerable<string?[]> DrawRows(IReadOnlyList<ContractPsaResult> psa)
    {
        foreach (var p in psa)
        {
            for (var k = 0; k < p.Draws; k++)
            {
                yield return [p.Contract.Name, I(k), N(p.TotalPayments[k]), N(p.PresentValuePayments[k]), N(p.InvestorNet[k]), p.InvestorIrr[k].Value is double irr ? N(irr) : null, N(p.NpvSelfFunded[k]), N(p.NpvWithContract[k])];
            }
        }
    }

    private static IEnumerable<string?[]> ResultRows(IReadOnlyList<ContractResult> results, IReadOnlyList<ContractPsaResult>? psa, string currency, int? priceYear)
    {
        var money = priceYear is int y ? string.Create(CultureInfo.InvariantCulture, $"{currency} {y}") : currency;
        var pays = money + " (+ = pays)";
        var better = money + " (+ = better off)";
        for (var ci = 0; ci < results.Count; ci++)
        {
            var r = results[ci];
            var name = r.Contract.Name;
            var dt = r.CycleLengthYears;
            var index = 0;
            foreach (var o in r.Contract.Outcomes)
            {
                var unit = "persons";
                foreach (var m in o.Measurements)
                {
                    var x = r.Measurements[index++];
                    var k = (int)Math.Round(m.Year / dt);
                    unit = m.UntilYear is null ? "persons" : "person-years";
                    string?[] Row(string q, string? v, string u, string? note = null) => [name, "measurement", o.Name, x.Measurement, I(k), N(k * dt), q, v, u, note];
                    yield return Row("strategy_count", N(x.Count.Strategy), unit);
                    yield return Row("comparator_count", N(x.Count.Comparator), unit);
                    yield return Row("improvement", N(x.Improvement), unit + " (+ = better)");
                    yield return Row("relative_improvement", F(x.RelativeImprovement), "share (0.1 = 10 %)", Note(x.RelativeImprovement));
                    yield return Row("threshold_met", x.ThresholdMet ? "1" : "0", "1 = pays on its own");
                    yield return Row("units", N(x.Units), unit);
                }

                if (r.Pooled.FirstOrDefault(p => p.Outcome == o.Name) is { } pooled)
                {
                    var k = (int)Math.Round(o.PooledPaidInYear / dt);
                    yield return [name, "pooled", o.Name, "pooled", I(k), N(k * dt), "relative_improvement", F(pooled.RelativeImprovement), "share (0.1 = 10 %)", Note(pooled.RelativeImprovement)];
                    yield return [name, "pooled", o.Name, "pooled", I(k), N(k * dt), "threshold_met", pooled.ThresholdMet ? "1" : "0", "1 = the pooled payment is due", null];
                }
            }

            foreach (var p in r.Payments)
            {
                yield return [name, "payment", p.Outcome, p.Measurement, I(p.Cycle), N(p.Year), "due", N(p.Due), pays, "before caps"];
                yield return [name, "payment", p.Outcome, p.Measurement, I(p.Cycle), N(p.Year), "amount", N(p.Amount), pays, null];
                yield return [name, "payment", p.Outcome, p.Measurement, I(p.Cycle), N(p.Year), "amount_discounted", N(p.AmountDiscounted), pays, null];
            }

            for (var t = 0; t < r.PaymentsByCycle.Count; t++)
            {
                var flows = new (string Q, double V, string U)[]
                {
                    ("payments", r.PaymentsByCycle[t], pays),
                    ("capital", r.CapitalByCycle[t], money + " (+ = the investor pays in)"),
                    ("bridge_recovered", r.BridgeRecoveredByCycle[t], money + " (+ = the commissioner recovers)"),
                    ("investor_net", r.InvestorNetByCycle[t], money + " (+ = the investor receives)"),
                    ("net_gain_self_funded", r.NetGainSelfFundedByCycle[t], better),
                    ("net_gain_with_contract", r.NetGainWithContractByCycle[t], better),
                };
                if (flows.All(f => f.V == 0))
                {
                    continue;
                }

                foreach (var f in flows)
                {
                    yield return [name, "flow", null, null, I(t), N(t * dt), f.Q, N(f.V), f.U, "undiscounted"];
                }
            }

            string?[] Figure(string q, Figure v, string u, string? note = null) => [name, "figure", null, null, null, null, q, F(v), u, Note(v) ?? note];
            yield return Figure("total_payments", Economics.Figure.Of(r.TotalPayments), pays, "undiscounted");
            yield return Figure("pv_payments", Economics.Figure.Of(r.PresentValuePayments), pays, "present value");
            yield return Figure("investor_capital", Economics.Figure.Of(r.InvestorCapital), money + " (+ = pays in)", "undiscounted");
            yield return Figure("investor_received", Economics.Figure.Of(r.InvestorReceived), money + " (+ = receives)", "undiscounted");
            yield return Figure("investor_net", Economics.Figure.Of(r.InvestorNet), money + " (+ = gains)", "undiscounted");
            yield return Figure("investor_irr", r.InvestorIrr, "per year (0.05 = 5 %), real");
            yield return Figure("investor_multiple", r.InvestorMultiple, "received / capital");
            yield return Figure("investor_loses", Economics.Figure.Of(r.InvestorLoses ? 1 : 0), "1 = gets back less than it paid in");
            yield return Figure("bridge_advance", Economics.Figure.Of(r.BridgeAdvance), pays, "at year 0");
            yield return Figure("bridge_unrecovered", Economics.Figure.Of(r.BridgeUnrecovered), money + " (+ = lost by the commissioner)", "at the end of the horizon");
            yield return Figure("npv_self_funded", Economics.Figure.Of(r.NpvSelfFunded), better, "the commissioner runs the intervention itself");
            yield return Figure("npv_with_contract", Economics.Figure.Of(r.NpvWithContract), better, "with the outcome contract");
            yield return Figure("contract_advantage", Economics.Figure.Of(r.ContractAdvantage), money + " (+ = the contract is better for the commissioner)", "npv_with_contract − npv_self_funded");

            if (psa is not null && ci < psa.Count)
            {
                var p = psa[ci];
                string?[] Psa(string q, double v, string u, string? note = null) => [name, "psa", null, null, null, null, q, N(v), u, note];
                var draws = string.Create(CultureInfo.InvariantCulture, $"{p.Draws} draws");
                yield return Psa("probability_investor_loss", p.ProbabilityInvestorLoss, "share of draws", draws);
                yield return Psa("probability_any_payment", p.ProbabilityAnyPayment, "share of draws", draws);
                yield return Psa("probability_contract_better", p.ProbabilityContractBetter, "share of draws", draws);
                yield return Psa("share_irr_defined", p.ShareIrrDefined, "share of draws", draws);
                var irr = p.InvestorIrr.Where(f => f.IsDefined).Select(f => f.Value!.Value).ToArray();
                var advantage = new double[p.Draws];
                for (var k = 0; k < p.Draws; k++)
                {
                    advantage[k] = p.NpvWithContract[k] - p.NpvSelfFunded[k];
                }

                foreach (var (q, values, u) in new (string, double[], string)[]
                {
                    ("payments", p.TotalPayments.ToArray(), pays),
                    ("pv_payments", p.PresentValuePayments.ToArray(), pays),
                    ("investor_net", p.InvestorNet.ToArray(), money + " (+ = gains)"),
                    ("investor_irr", irr, "per year, draws with a defined IRR"),
                    ("contract_advantage", advantage, money + " (+ = the contract is better for the commissioner)"),
                })
                {
                    if (values.Length == 0)
                    {
                        continue;
                    }

                    yield return Psa(q + "_mean", values.Average(), u, draws);
                    foreach (var (label, prob) in new[] { ("p2.5", 0.025), ("p50", 0.5), ("p97.5", 0.975) })
                    {
                        yield return Psa(q + "_" + label, ContractPsaResult.Quantile(values, prob), u, draws);
                    }
                }
            }
        }
    }

    private static string I(int v) => v.ToString(CultureInfo.InvariantCulture);

    private static string N(double v) => CsvNumber.Format(v);

    private static string? F(Figure f) => f.Value is double v ? N(v) : null;

    private static string? Note(Figure f) => f.IsDefined ? null : "n/a: " + f.Explanation;
}
