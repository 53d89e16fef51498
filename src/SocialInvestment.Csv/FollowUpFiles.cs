using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using SocialInvestment.Decisions;
using SocialInvestment.Economics;
using SocialInvestment.Model;

namespace SocialInvestment.Scenarios;

/// <summary>An investment followed: its comparator, start year, forecast years and cohort (from <c>follow_up_cohorts.csv</c>).</summary>
/// <param name="Investment">The investment strategy's name.</param>
/// <param name="Comparator">The comparator strategy's name.</param>
/// <param name="StartYear">Calendar year the investment starts (the forecast's year 0).</param>
/// <param name="Years">Years forecast.</param>
/// <param name="Cohort">The people the investment is made in.</param>
/// <param name="Source">Where the cohort's description comes from.</param>
public sealed record FollowedInvestment(string Investment, string Comparator, int StartYear, int Years, Population Cohort, string Source);

/// <summary>
/// The follow-up tables of the scenario format. <c>follow_up_cohorts.csv</c> names each investment
/// followed: <c>investment,comparator,start_year,years,start_age,state,people,source</c> (one row per
/// cohort group; the rows of one investment must agree on comparator, start year and years).
/// <c>follow_up.csv</c> records what happened: <c>investment,year,measure,item,value,source</c> with
/// measure <c>people</c> (people followed; item empty), <c>count</c> (people in the state named by item
/// at the end of the year) or <c>spending</c> (what the payer named by item spent on the cohort during
/// the year, in the scenario's price year, + = paid). Every row needs a source. A year before the
/// investment's start year is an error: a follow-up records what happened after the forecast.
/// </summary>
public static class FollowUpFiles
{
    /// <summary>File name of the cohorts table.</summary>
    public const string CohortsFileName = "follow_up_cohorts.csv";

    /// <summary>File name of the follow-up table.</summary>
    public const string FollowUpFileName = "follow_up.csv";

    private static readonly ColumnSpec[] CohortColumns =
    [
        new("investment", true, "the name of a strategy of the scenario"),
        new("comparator", true, "the name of a strategy of the scenario (usually Business as usual)"),
        new("start_year", true, "the calendar year the investment starts, a whole number"),
        new("years", true, "years to forecast, a whole number ≥ 1"),
        new("start_age", true, "age in years at the start"),
        new("state", true, "a state of the model"),
        new("people", true, "people in this group, a whole number ≥ 1"),
        new("source", true, "where the figure comes from"),
    ];

    private static readonly ColumnSpec[] FollowUpColumns =
    [
        new("investment", true, "an investment of follow_up_cohorts.csv"),
        new("year", true, "a calendar year, a whole number, not before the investment's start year"),
        new("measure", true, "people, count or spending"),
        new("item", false, "the state (count) or payer (spending); empty for people"),
        new("value", true, "a number: people and counts whole numbers ≥ 0, spending in the price year"),
        new("source", true, "where the figure comes from (register extract, accounts)"),
    ];

    private static readonly Dictionary<string, FollowUpMeasure> Measures = new(StringComparer.OrdinalIgnoreCase)
    {
        ["people"] = FollowUpMeasure.People,
        ["count"] = FollowUpMeasure.Count,
        ["spending"] = FollowUpMeasure.Spending,
    };

    /// <summary>Reads <c>follow_up_cohorts.csv</c>.</summary>
    /// <param name="stream">The CSV bytes.</param>
    /// <param name="file">File name for messages.</param>
    /// <param name="model">The scenario's model (strategies, states).</param>
    /// <param name="limits">Limits; null for the defaults.</param>
    /// <exception cref="ScenarioFormatException">Every problem.</exception>
    public static IReadOnlyList<FollowedInvestment> ReadCohorts(Stream stream, string file, LifeCourseModel model, ScenarioLimits? limits = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(model);
        limits ??= ScenarioLimits.Default;
        var problems = new ProblemList(limits.MaxProblems);
        var rows = new List<(int Line, string Inv, string Cmp, int Start, int Years, double Age, string State, int People, string Source)>();
        var strategies = model.Strategies.Select(s => s.Name).ToHashSet(StringComparer.Ordinal);
        CsvTable.Read(stream, file, CohortColumns, problems, limits, CsvFormat.Invariant, row =>
        {
            var inv = row.Name("investment", CohortColumns[0].Form);
            var cmp = row.Name("comparator", CohortColumns[1].Form);
            var start = row.Integer("start_year", CohortColumns[2].Form, required: true);
            var years = row.Integer("years", CohortColumns[3].Form, required: true);
            var age = row.Number("start_age", CohortColumns[4].Form, required: true);
            var state = row.Name("state", CohortColumns[5].Form);
            var people = row.Integer("people", CohortColumns[6].Form, required: true);
            var source = row.Name("source", CohortColumns[7].Form);
            var ok = true;
            foreach (var (column, name) in new[] { ("investment", inv), ("comparator", cmp) })
            {
                if (name.Length > 0 && !strategies.Contains(name))
                {
                    row.Problem(column, $"Unknown strategy '{name}'; expected one of {string.Join(", ", strategies)}.");
                    ok = false;
                }
            }

            if (state.Length > 0 && !model.States.Any(s => s.Name == state && !s.IsAbsorbing))
            {
                row.Problem("state", $"Unknown or absorbing state '{state}'; expected a state a cohort can start in.");
                ok = false;
            }

            if (years is < 1 || (years is int y && y > model.Options.Cycles))
            {
                row.Problem("years", string.Create(CultureInfo.InvariantCulture, $"Years {years} must lie in [1, {model.Options.Cycles}] (the horizon)."));
                ok = false;
            }

            if (people is < 1)
            {
                row.Problem("people", $"People {people} must be at least 1.");
                ok = false;
            }

            if (age is double a && !(a >= 0 && a <= ClientRegister.MaxAge))
            {
                row.Problem("start_age", string.Create(CultureInfo.InvariantCulture, $"Age {a} is impossible; expected [0, {ClientRegister.MaxAge}]."));
                ok = false;
            }

            if (ok && inv.Length > 0 && cmp.Length > 0 && start is int s && years is int yy && age is double ag && state.Length > 0 && people is int p && source.Length > 0)
            {
                rows.Add((row.Line, inv, cmp, s, yy, ag, state, p, source));
            }
        });

        foreach (var g in rows.GroupBy(r => r.Inv))
        {
            var first = g.First();
            foreach (var r in g.Where(r => r.Cmp != first.Cmp || r.Start != first.Start || r.Years != first.Years))
            {
                problems.Add(new ScenarioProblem(file, r.Line, null, "start_year", $"The rows of '{r.Inv}' disagree on comparator, start year or years (line {first.Line} has {first.Cmp}, {first.Start}, {first.Years})."));
            }
        }

        if (problems.Total > 0)
        {
            throw problems.ToException();
        }

        return rows.GroupBy(r => r.Inv).Select(g =>
        {
            var f = g.First();
            var total = g.Sum(r => r.People);
            var population = new Population(g.Select(r => new PopulationGroup(r.Age, r.State, r.People)), total);
            return new FollowedInvestment(f.Inv, f.Cmp, f.Start, f.Years, population, string.Join("; ", g.Select(r => r.Source).Distinct(StringComparer.Ordinal)));
        }).ToArray();
    }

    /// <summary>Reads <c>follow_up.csv</c>: one table per investment, checked against the investments followed and the model.</summary>
    /// <param name="stream">The CSV bytes.</param>
    /// <param name="file">File name for messages.</param>
    /// <param name="investments">The investments followed (start years).</param>
    /// <param name="model">The model (states, payers).</param>
    /// <param name="limits">Limits; null for the defaults.</param>
    /// <exception cref="ScenarioFormatException">Every problem, including a year before an investment's start year.</exception>
    public static IReadOnlyList<FollowUpTable> ReadFollowUp(Stream stream, string file, IReadOnlyList<FollowedInvestment> investments, LifeCourseModel model, ScenarioLimits? limits = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(investments);
        ArgumentNullException.ThrowIfNull(model);
        limits ??= ScenarioLimits.Default;
        var problems = new ProblemList(limits.MaxProblems);
        var byName = investments.ToDictionary(i => i.Investment, StringComparer.Ordinal);
        var rows = new List<(string Inv, FollowUpRow Row)>();
        var seen = new Dictionary<(string, int, FollowUpMeasure, string), int>();
        CsvTable.Read(stream, file, FollowUpColumns, problems, limits, CsvFormat.Invariant, row =>
        {
            var inv = row.Name("investment", FollowUpColumns[0].Form);
            var year = row.Integer("year", FollowUpColumns[1].Form, required: true);
            var measureText = row.Name("measure", FollowUpColumns[2].Form);
            var item = row.Text("item") ?? string.Empty;
            var value = row.Number("value", FollowUpColumns[4].Form, required: true);
            var source = row.Name("source", FollowUpColumns[5].Form);
            var ok = inv.Length > 0 && year is not null && value is not null && source.Length > 0;
            if (inv.Length > 0 && !byName.ContainsKey(inv))
            {
                row.Problem("investment", $"'{inv}' is not an investment of {CohortsFileName} ({string.Join(", ", byName.Keys)}).");
                ok = false;
            }
            else if (inv.Length > 0 && year is int y)
            {
                var f = byName[inv];
                if (y < f.StartYear)
                {
                    row.Problem("year", string.Create(CultureInfo.InvariantCulture, $"Year {y} is before the forecast: '{inv}' starts in {f.StartYear}, and a follow-up records what happened after the forecast was made."));
                    ok = false;
                }
                else if (y > f.StartYear + f.Years - 1)
                {
                    row.Problem("year", string.Create(CultureInfo.InvariantCulture, $"Year {y} is after the forecast's last year {f.StartYear + f.Years - 1}; raise years in {CohortsFileName}."));
                    ok = false;
                }
            }

            FollowUpMeasure measure = default;
            if (measureText.Length > 0 && !Measures.TryGetValue(measureText, out measure))
            {
                row.Problem("measure", $"Unknown measure '{measureText}'; expected people, count or spending.");
                ok = false;
            }
            else if (measureText.Length > 0)
            {
                if (measure == FollowUpMeasure.Count && !model.States.Any(s => s.Name == item))
                {
                    row.Problem("item", $"Unknown state '{item}'; a count names a state of the model ({string.Join(", ", model.States.Select(s => s.Name))}).");
                    ok = false;
                }
                else if (measure == FollowUpMeasure.Spending && !model.Payers.Any(p => p.Name == item))
                {
                    row.Problem("item", $"Unknown payer '{item}'; spending names a payer of the model ({string.Join(", ", model.Payers.Select(p => p.Name))}).");
                    ok = false;
                }
                else if (measure == FollowUpMeasure.People && item.Length > 0)
                {
                    row.Problem("item", "A people row has no item; leave it empty.");
                    ok = false;
                }

                if (measure != FollowUpMeasure.Spending && value is double v && (v < 0 || v != Math.Floor(v)))
                {
                    row.Problem("value", string.Create(CultureInfo.InvariantCulture, $"{v} people: a number of people is a whole number ≥ 0."));
                    ok = false;
                }
            }

            if (ok && measureText.Length > 0)
            {
                var key = (inv, year!.Value, measure, item);
                if (!seen.TryAdd(key, row.Line))
                {
                    row.Problem("item", string.Create(CultureInfo.InvariantCulture, $"Duplicate of line {seen[key]} (same investment, year, measure and item)."));
                    return;
                }

                rows.Add((inv, new FollowUpRow(year.Value, measure, item, value!.Value, source)));
            }
        });

        if (problems.Total > 0)
        {
            throw problems.ToException();
        }

        return rows.GroupBy(r => r.Inv).Select(g => new FollowUpTable(g.Key, g.Select(r => r.Row))).ToArray();
    }

    /// <summary>
    /// The content hash of a scenario: SHA-256 over the files <see cref="ScenarioWriter"/> writes for it
    /// (its canonical form), in ordinal order of their names, each contributing its name (UTF-8), a zero
    /// byte, its length in bytes (decimal ASCII), a zero byte and its bytes; <c>sha256:</c> and lower-case
    /// hex. The same algorithm as the content hash of the scenario copy in a run's manifest. Writes to a
    /// temporary folder, deleted afterwards. (Replaceable by a model content hash when the library has one.)
    /// </summary>
    /// <param name="scenario">The scenario.</param>
    public static string ScenarioHash(Scenario scenario)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        var dir = Path.Combine(Path.GetTempPath(), "socinv-hash-" + Guid.NewGuid().ToString("N"));
        try
        {
            ScenarioWriter.Write(scenario, dir);
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            foreach (var path in Directory.GetFiles(dir).Order(StringComparer.Ordinal))
            {
                var bytes = File.ReadAllBytes(path);
                hash.AppendData(Encoding.UTF8.GetBytes(Path.GetFileName(path)));
                hash.AppendData([0]);
                hash.AppendData(Encoding.ASCII.GetBytes(bytes.Length.ToString(CultureInfo.InvariantCulture)));
                hash.AppendData([0]);
                hash.AppendData(bytes);
            }

            return "sha256:" + Convert.ToHexStringLower(hash.GetHashAndReset());
        }
        finally
        {
            try
            {
                Directory.Delete(dir, recursive: true);
            }
            catch (IOException)
            {
                // A temporary folder left behind is harmless.
            }
        }
    }
}
