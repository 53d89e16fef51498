using System.Diagnostics;
using System.Globalization;
using System.Text;
using FsCheck;
using FsCheck.Fluent;
using SocialInvestment.Engine;
using SocialInvestment.Model;
using SocialInvestment.Scenarios;

namespace SocialInvestment.Csv.Tests.Fuzz;

/// <summary>
/// Fuzzing of the scenario reader (issue 8): the Norwegian default is mutated — bytes flipped,
/// cells replaced by extreme or invalid values, files truncated, rows duplicated, headers and
/// settings edited, files removed — and every outcome must be a scenario (that then runs, every
/// strategy to finite traces and every appraisal through ScenarioRunner.Run, without throwing)
/// or a <see cref="ScenarioFormatException"/>/<see cref="ModelValidationException"/>:
/// never another exception type, never a hang (a timeout per case), never unbounded memory (bytes
/// allocated per case and the process's peak working set are capped). The seed is fixed and printed,
/// so a failure is reproduced by its case number; every crash found becomes a test in
/// <see cref="BoundaryTests"/> or below.
/// </summary>
[Category("Fuzz")]
public sealed class ScenarioFuzzTests
{
    /// <summary>The seed of the mutation loop; printed, so that a failing case can be replayed.</summary>
    public const int Seed = 20261201;

    private const int Cases = 500;

    private static readonly TimeSpan CaseTimeout = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Bytes one case may allocate in all, besides its compilations (the default scenario reads and builds in about
    /// 20 MB): a rejected case must stay below it (no allocation by the input's size before validation).
    /// </summary>
    private const long MaxAllocatedPerCase = 4L << 30;

    /// <summary>
    /// Bytes one accepted compilation may allocate besides: what <see cref="ModelLimits.MaxCompiledCells"/> lets a
    /// compiled strategy hold (8 bytes a number). The allocation is counted in all, so an accepted scenario near the
    /// limits, compiled once per strategy by the engine and again by the scenario run, may allocate this per compilation.
    /// </summary>
    private static readonly long MaxAllocatedPerCompilation = ModelLimits.Default.MaxCompiledCells * sizeof(double);

    private static readonly string[] ExtremeValues =
    [
        "", " ", "0", "-0", "-1", "1", "2", "0.5", "-0.5", "1e308", "-1e308", "1e15", "1e16", "-1e16", "1e-320", "NaN", "Infinity", "-Infinity",
        "2147483647", "2147483648", "-2147483649", "99999999999999999999", "0,5", "1.5.5", "abc", "\"", "\"\"", "a,b", ";", "#", "*", "true", "false", "yes",
        "remainder", "probability", "rate", "upfront", "per-cycle", "transition", "flows", "rr", "or", "hr", "absolute", "dirichlet", "beta",
        "school", "neet", "work", "dead", "municipality", "state", "county", "individual", "ips", "family_team", "Business as usual",
        "\u00e6\u00f8\u00e5", "\U0001F600", "\u0000", "\t", "\r", new string('x', 5000), "1 2 3", "1e308 1e308", "-5", "200", "1000", "1000000000",
    ];

    private static readonly string[] JsonValues =
    [
        "0", "-1", "1", "1e308", "-1e308", "1e9", "2147483647", "2147483648", "-0.2", "0.5", "\"\"", "\"x\"", "null", "true", "[]", "{}", "[1]",
        "\"constant:1e308\"", "\"constant:-0.99999999\"", "\"constant:-1\"", "\"constant:abc\"", "\"none\"", "\"uk\"", "\"bogus\"", "\"0,2\"",
        "\"../etc/passwd\"", "\"/dev/zero\"", "\"states.csv\"", "1200", "1201", "155", "200",
    ];

    private static Dictionary<string, byte[]> DefaultFiles()
    {
        var dir = Directory.CreateTempSubdirectory("socinv-fuzz-").FullName;
        try
        {
            NorwegianDefault.WriteTo(dir);
            return Directory.GetFiles(dir).ToDictionary(p => Path.GetFileName(p), File.ReadAllBytes, StringComparer.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>Reads a scenario from files in memory, through the same code path as a folder.</summary>
    internal static Scenario Read(IReadOnlyDictionary<string, byte[]> files, ScenarioLimits? limits = null)
        => ScenarioReader.ReadFrom(name => files.TryGetValue(name, out var b) ? new OpenedFile(new MemoryStream(b, writable: false), false, null) : new OpenedFile(null, true, null), limits);

    /// <summary>What happened to one mutated scenario.</summary>
    internal enum Outcome
    {
        Accepted,
        Rejected,
    }

    /// <summary>
    /// Reads (and, when accepted, runs every strategy of) a scenario in a worker with a timeout and a
    /// per-case allocation cap; returns the outcome or throws an assertion naming the case.
    /// </summary>
    internal static Outcome Check(IReadOnlyDictionary<string, byte[]> files, string what)
    {
        Exception? failure = null;
        var outcome = Outcome.Rejected;
        long allocated = 0;
        var compilations = 0;
        var worker = Task.Factory.StartNew(
            () =>
            {
                var before = GC.GetAllocatedBytesForCurrentThread();
                try
                {
                    var scenario = Read(files);
                    var model = scenario.BuildModel();
                    foreach (var name in scenario.StrategyNames())
                    {
                        compilations++;
                        var result = CohortEngine.Run(model, model.Strategies.FirstOrDefault(s => s.Name == name) ?? Strategy.BusinessAsUsual);
                        for (var t = 0; t <= result.Cycles; t++)
                        {
                            for (var b = 0; b < model.States.Count; b++)
                            {
                                if (!double.IsFinite(result.Occupancy(t, b)))
                                {
                                    throw new AssertionException($"{what}: accepted, but the trace is not finite at cycle {t}.");
                                }
                            }
                        }
                    }

                    // The whole run (every strategy and perspective appraised) must hold on an accepted scenario.
                    compilations += Math.Max(model.Strategies.Count, 1);
                    ScenarioRunner.Run(scenario);
                    outcome = Outcome.Accepted;
                }
                catch (ScenarioFormatException e)
                {
                    if (e.Problems.Count == 0 || e.Problems.Any(p => p.Message.Contains("(Parameter '", StringComparison.Ordinal) || p.Message.Contains("Actual value was", StringComparison.Ordinal)))
                    {
                        failure = new AssertionException($"{what}: a problem without a clear message: {e.Message}");
                    }
                }
                catch (ModelValidationException)
                {
                    // A model problem found after reading (for example by the engine on the compiled model): a clear, aggregated error.
                }
                catch (Exception e)
                {
                    failure = e;
                }
                finally
                {
                    allocated = GC.GetAllocatedBytesForCurrentThread() - before;
                }
            },
            CancellationToken.None,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default);
        if (!worker.Wait(CaseTimeout))
        {
            throw new AssertionException($"{what}: no outcome within {CaseTimeout.TotalSeconds} s (a hang).");
        }

        if (failure is AssertionException)
        {
            throw failure;
        }

        if (failure is not null)
        {
            throw new AssertionException($"{what}: {failure.GetType().Name} instead of a ScenarioFormatException: {failure.Message}{Environment.NewLine}{failure.StackTrace}");
        }

        var allowed = MaxAllocatedPerCase + (compilations * MaxAllocatedPerCompilation);
        if (allocated > allowed)
        {
            throw new AssertionException(string.Create(CultureInfo.InvariantCulture, $"{what}: allocated {allocated / 1e6:F0} MB, more than the {allowed / 1e6:F0} MB allowed ({MaxAllocatedPerCase / 1e6:F0} MB per case and {MaxAllocatedPerCompilation / 1e6:F0} MB for each of its {compilations} compilations)."));
        }

        return outcome;
    }

    [Test]
    public void MutationLoop_DefaultScenario_EveryOutcomeIsASuccessOrALocatedError()
    {
        TestContext.Out.WriteLine($"Fuzz seed {Seed}, {Cases} cases (replay one with MutationLoop_ReplayCase)");
        var original = DefaultFiles();
        var clock = Stopwatch.StartNew();
        var counts = new Dictionary<(string, Outcome), int>();
        for (var i = 0; i < Cases; i++)
        {
            var (files, what) = Mutate(original, i);
            var outcome = Check(files, $"case {i} (seed {Seed}): {what}");
            var key = (what.Split(' ')[0], outcome);
            counts[key] = counts.GetValueOrDefault(key) + 1;
        }

        var peak = Process.GetCurrentProcess().PeakWorkingSet64;
        TestContext.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{Cases} cases in {clock.Elapsed.TotalSeconds:F1} s; peak working set {peak / 1e6:F0} MB"));
        foreach (var ((kind, outcome), n) in counts.OrderBy(x => x.Key.Item1, StringComparer.Ordinal))
        {
            TestContext.Out.WriteLine($"  {kind,-16} {outcome,-9} {n}");
        }

        Assert.That(counts.Keys.Select(k => k.Item2), Has.Some.EqualTo(Outcome.Rejected), "the mutations reach the validator");
        Assert.That(peak, Is.LessThan(4L << 30), "peak working set of the test process (bytes)");
    }

    [TestCase(0)]
    public void MutationLoop_ReplayCase(int index)
    {
        // Replays one case of the loop by its number (change the number to the failing one).
        var (files, what) = Mutate(DefaultFiles(), index);
        TestContext.Out.WriteLine(what);
        Assert.That(Check(files, what), Is.AnyOf(Outcome.Accepted, Outcome.Rejected));
    }

    /// <summary>The mutation of case <paramref name="index"/>: a pure function of the seed and the index.</summary>
    internal static (Dictionary<string, byte[]> Files, string What) Mutate(IReadOnlyDictionary<string, byte[]> original, int index)
    {
        var rng = new Random(HashCode.Combine(Seed, index) & int.MaxValue);
        var files = original.ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal);
        var names = files.Keys.Order(StringComparer.Ordinal).ToArray();
        var csvNames = names.Where(n => n.EndsWith(".csv", StringComparison.Ordinal)).ToArray();
        var file = names[rng.Next(names.Length)];
        var csv = csvNames[rng.Next(csvNames.Length)];
        string Text(string name) => Encoding.UTF8.GetString(files[name]);
        void Set(string name, string text) => files[name] = Encoding.UTF8.GetBytes(text);
        switch (rng.Next(9))
        {
            case 0:
            {
                var bytes = (byte[])files[file].Clone();
                var n = 1 + rng.Next(5);
                for (var k = 0; k < n; k++)
                {
                    bytes[rng.Next(bytes.Length)] = (byte)rng.Next(256);
                }

                files[file] = bytes;
                return (files, $"byte-flip {n} bytes in {file}");
            }

            case 1:
            case 2:
            {
                var lines = Text(csv).Split('\n');
                var data = Enumerable.Range(1, lines.Length - 1).Where(j => lines[j].Length > 0 && !lines[j].StartsWith('#')).ToArray();
                if (data.Length == 0)
                {
                    return (files, $"cell-replace nothing in {csv}");
                }

                var row = data[rng.Next(data.Length)];
                var cells = SplitCsv(lines[row]);
                var col = rng.Next(cells.Count);
                var value = ExtremeValues[rng.Next(ExtremeValues.Length)];
                cells[col] = Quote(value);
                lines[row] = string.Join(',', cells);
                Set(csv, string.Join('\n', lines));
                return (files, $"cell-replace {csv}:{row + 1}:{col + 1} with '{Shorten(value)}'");
            }

            case 3:
            {
                var bytes = files[file];
                var at = rng.Next(bytes.Length + 1);
                files[file] = bytes[..at];
                return (files, $"truncate {file} at byte {at}");
            }

            case 4:
            {
                var lines = Text(csv).Split('\n').ToList();
                var row = 1 + rng.Next(Math.Max(1, lines.Count - 1));
                var times = rng.Next(2) == 0 ? 1 : rng.Next(1, 2000);
                lines.InsertRange(row, Enumerable.Repeat(lines[Math.Min(row, lines.Count - 1)], times));
                Set(csv, string.Join('\n', lines));
                return (files, $"duplicate-row {csv}:{row + 1} ×{times}");
            }

            case 5:
            {
                var lines = Text(csv).Split('\n');
                var header = SplitCsv(lines[0]);
                var col = rng.Next(header.Count);
                var edit = rng.Next(4);
                switch (edit)
                {
                    case 0: header.RemoveAt(col); break;
                    case 1: header.Add(header[col]); break;
                    case 2: header[col] = header[col].ToUpperInvariant() + "x"; break;
                    default: header.Reverse(); break;
                }

                lines[0] = string.Join(',', header);
                Set(csv, string.Join('\n', lines));
                return (files, $"header-edit {csv} column {col + 1} ({edit})");
            }

            case 6:
            {
                var lines = Text(csv).Split('\n').ToList();
                var row = rng.Next(lines.Count);
                lines.RemoveAt(row);
                Set(csv, string.Join('\n', lines));
                return (files, $"delete-line {csv}:{row + 1}");
            }

            case 7:
            {
                var json = Text(ScenarioFiles.Manifest);
                var props = new[] { "horizonCycles", "cycleLengthYears", "counting", "costDiscounting", "outcomeDiscounting", "priceYear", "taxFinancingCost", "comparator", "populationSize", "perspectives", "states", "transitions", "name" };
                var prop = props[rng.Next(props.Length)];
                var value = JsonValues[rng.Next(JsonValues.Length)];
                var at = json.IndexOf($"\"{prop}\": ", StringComparison.Ordinal);
                var start = at + prop.Length + 4;
                var end = start;
                var depth = 0;
                while (end < json.Length && (depth > 0 || (json[end] != ',' && json[end] != '\n' && json[end] != '}')))
                {
                    depth += json[end] == '[' ? 1 : json[end] == ']' ? -1 : 0;
                    end++;
                }

                Set(ScenarioFiles.Manifest, json[..start] + value + json[end..]);
                return (files, $"json-edit {prop} = {value}");
            }

            default:
            {
                files.Remove(file);
                return (files, $"delete-file {file}");
            }
        }
    }

    private static string Shorten(string s) => s.Length > 20 ? s[..20] + "…" : s;

    private static string Quote(string value) => value.Contains(',', StringComparison.Ordinal) || value.Contains('"', StringComparison.Ordinal) || value.Contains('\n', StringComparison.Ordinal) || value.Contains('\r', StringComparison.Ordinal)
        ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\""
        : value;

    /// <summary>Splits one CSV line into raw (still quoted) cells.</summary>
    private static List<string> SplitCsv(string line)
    {
        var cells = new List<string>();
        var sb = new StringBuilder();
        var quoted = false;
        foreach (var c in line)
        {
            if (c == '"')
            {
                quoted = !quoted;
            }

            if (c == ',' && !quoted)
            {
                cells.Add(sb.ToString());
                sb.Clear();
            }
            else
            {
                sb.Append(c);
            }
        }

        cells.Add(sb.ToString());
        return cells;
    }

    // Property-based: any table given any cells is read or rejected with located problems.
    private static readonly Gen<string> CellGen = Gen.OneOf(
        Gen.Elements(ExtremeValues),
        Gen.Choose(-1000, 1000).Select(i => i.ToString(CultureInfo.InvariantCulture)),
        ArbMap.Default.GeneratorFor<double>().Select(d => d.ToString("R", CultureInfo.InvariantCulture)),
        ArbMap.Default.GeneratorFor<string>().Select(s => s ?? string.Empty));

    [Test]
    public void Property_AnyCellInAnyTable_IsReadOrRejectedWithLocatedProblems()
    {
        var original = DefaultFiles();
        var csvNames = original.Keys.Where(n => n.EndsWith(".csv", StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToArray();
        var gen = from table in Gen.Elements(csvNames)
                  from row in Gen.Choose(1, 60)
                  from col in Gen.Choose(0, 14)
                  from value in CellGen
                  select (table, row, col, value);
        var property = Prop.ForAll(gen.ToArbitrary(), m =>
        {
            var files = original.ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal);
            var lines = Encoding.UTF8.GetString(files[m.table]).Split('\n');
            var row = Math.Min(m.row, lines.Length - 1);
            var cells = SplitCsv(lines[row]);
            cells[m.col % cells.Count] = Quote(m.value);
            lines[row] = string.Join(',', cells);
            files[m.table] = Encoding.UTF8.GetBytes(string.Join('\n', lines));
            Check(files, $"{m.table}:{row + 1}:{(m.col % cells.Count) + 1} = '{Shorten(m.value)}'");
        });
        FsCheck.Check.One(Config.QuickThrowOnFailure.WithMaxTest(150).WithQuietOnSuccess(true), property);
    }

    [Test]
    public void Property_AnyPrefixOfAnyFile_IsReadOrRejected()
    {
        var original = DefaultFiles();
        var names = original.Keys.Order(StringComparer.Ordinal).ToArray();
        var gen = from name in Gen.Elements(names)
                  from cut in Gen.Choose(0, 100)
                  select (name, cut);
        var property = Prop.ForAll(gen.ToArbitrary(), m =>
        {
            var files = original.ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal);
            var bytes = files[m.name];
            files[m.name] = bytes[..(bytes.Length * m.cut / 100)];
            Check(files, $"{m.name} cut at {m.cut} %");
        });
        FsCheck.Check.One(Config.QuickThrowOnFailure.WithMaxTest(60).WithQuietOnSuccess(true), property);
    }

    [Test]
    public void Unmutated_DefaultScenario_IsAccepted()
        => Assert.That(Check(DefaultFiles(), "unmutated"), Is.EqualTo(Outcome.Accepted));
}
