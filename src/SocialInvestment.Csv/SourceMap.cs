using System.Text.Json;
using SocialInvestment.Engine;
using SocialInvestment.Model;

namespace SocialInvestment.Scenarios;

/// <summary>
/// Where each row of a scenario was read from (keyed by row instance) and the header of each file,
/// recorded while reading; from these, <see cref="IndexSubjects"/> maps each model subject
/// (<see cref="ProblemSubject"/>: the transitions.csv row of transition A → B, the states.csv row of
/// state X, the n-th flows.csv row of flow n, …) to the row that defines it.
/// <see cref="ProblemLocator"/> locates a model problem through its subject, never through its text.
/// </summary>
internal sealed class SourceMap
{
    // Compact: per table, its rows in file order and a line per row (4 bytes a row), as a large table
    // has a row per line. The reverse index from a row instance to its line is built only when a
    // problem is to be located (Find), not while reading.
    private readonly Dictionary<Type, Table> _tables = [];
    private readonly List<string> _files = [];
    private readonly Dictionary<string, IReadOnlyList<string>> _headers = new(StringComparer.Ordinal);
    private Dictionary<object, (int File, int Line)>? _index;

    private sealed class Table(int file)
    {
        public int File { get; } = file;

        /// <summary>The rows as read (while reading), then the scenario's own list of them (<see cref="Attach{TRow}"/>).</summary>
        public IReadOnlyList<object> Rows { get; set; } = new List<object>();

        public List<int> Lines { get; } = [];
    }

    public string ManifestFile { get; init; } = ScenarioFiles.Manifest;

    /// <summary>Where each property of scenario.json is (line and column), when read from a file.</summary>
    public ManifestPositions? Positions { get; init; }

    /// <summary>Records a row read from <paramref name="file"/> at <paramref name="line"/>, and, once per file, the file's header and table (a line and a list slot per row).</summary>
    public void Add(object row, string file, int line, IReadOnlyList<string> headers)
    {
        if (!_tables.TryGetValue(row.GetType(), out var table))
        {
            var f = _files.IndexOf(file);
            if (f < 0)
            {
                f = _files.Count;
                _files.Add(file);
                _headers.TryAdd(file, headers);
            }

            table = new Table(f);
            _tables.Add(row.GetType(), table);
        }

        ((List<object>)table.Rows).Add(row);
        table.Lines.Add(line);
        _index = null;
    }

    /// <summary>
    /// Hands the rows of one table over to the scenario's list of them (the same instances in the same
    /// order), so that the map keeps no second list of a large table.
    /// </summary>
    public void Attach<TRow>(IReadOnlyList<TRow> rows)
        where TRow : class
    {
        if (_tables.TryGetValue(typeof(TRow), out var table) && table.Rows.Count == rows.Count && (rows.Count == 0 || (ReferenceEquals(table.Rows[0], rows[0]) && ReferenceEquals(table.Rows[^1], rows[^1]))))
        {
            table.Rows = rows;
            table.Lines.TrimExcess();
        }
    }

    public (string File, int Line)? Find(object? row)
    {
        if (row is null || !_tables.ContainsKey(row.GetType()))
        {
            return null;
        }

        return Index().TryGetValue(row, out var at) ? (_files[at.File], at.Line) : null;
    }

    private bool Contains(object row) => _tables.ContainsKey(row.GetType()) && Index().ContainsKey(row);

    /// <summary>Row instance → (file, line), built on first use (only when a problem is located); immutable once published.</summary>
    private Dictionary<object, (int File, int Line)> Index()
    {
        if (Volatile.Read(ref _index) is { } index)
        {
            return index;
        }

        index = new Dictionary<object, (int File, int Line)>(_tables.Values.Sum(t => t.Rows.Count), ReferenceEqualityComparer.Instance);
        foreach (var table in _tables.Values)
        {
            for (var i = 0; i < table.Rows.Count; i++)
            {
                index.TryAdd(table.Rows[i], (table.File, table.Lines[i]));
            }
        }

        Volatile.Write(ref _index, index);
        return index;
    }

    /// <summary>
    /// Each subject the scenario's rows define, mapped to the first row (in file order) that defines
    /// it, over the rows read from files that the scenario still has. Built when problems are to be
    /// located, not while reading, so that reading allocates nothing per row for it. Flow n and
    /// population group n are the scenario's n-th rows, as the mapper numbers them.
    /// </summary>
    public Dictionary<ProblemSubject, object> IndexSubjects(Scenario s)
    {
        var index = new Dictionary<ProblemSubject, object>();
        void Add<T>(IReadOnlyList<T> rows, Func<T, int, IEnumerable<ProblemSubject>> subjects)
            where T : class
        {
            // The scenario the map was attached to has every row of the table in the map; a copy made with 'with' is looked up.
            var attached = _tables.TryGetValue(typeof(T), out var table) && ReferenceEquals(table.Rows, rows);
            for (var i = 0; i < rows.Count; i++)
            {
                if (attached || Contains(rows[i]))
                {
                    foreach (var subject in subjects(rows[i], i + 1))
                    {
                        index.TryAdd(subject, rows[i]);
                    }
                }
            }
        }

        Add(s.States, (r, _) => [ProblemSubject.State(r.Name)]);
        Add(s.Payers, (r, _) => [ProblemSubject.Payer(r.Name)]);
        Add(s.Sectors, (r, _) => [ProblemSubject.Of(ProblemKind.Sector, r.Name)]);
        Add(s.Parameters, (r, _) => [ProblemSubject.Parameter(r.Name)]);
        Add(s.Transitions, (r, _) => [ProblemSubject.Transition(r.From, r.To), ProblemSubject.TransitionRow(r.From)]);
        Add(s.Flows, (_, n) => [ProblemSubject.Flow(n)]);
        Add(s.Population, (_, n) => [ProblemSubject.PopulationGroup(n)]);
        Add(s.PriceIndex, (r, _) => [ProblemSubject.Of(ProblemKind.PriceIndex, r.Year.ToString(System.Globalization.CultureInfo.InvariantCulture))]);
        Add(s.Interventions, (r, _) => [ProblemSubject.Intervention(r.Name)]);
        Add(s.Effects, (r, _) => [ProblemSubject.InterventionEffect(r.Intervention, r.From, r.To)]);
        Add(s.Strategies, (r, _) => [ProblemSubject.Strategy(r.Strategy)]);
        return index;
    }

    /// <summary>The file rows of a table were read from (for a table-level problem), when any were.</summary>
    public string? FileOf<TRow>() => _tables.TryGetValue(typeof(TRow), out var table) ? _files[table.File] : null;

    /// <summary>The 1-based column of a field in a file's header, when the file has that column.</summary>
    public int? Column(string file, string? field)
    {
        if (field is null || !_headers.TryGetValue(file, out var headers))
        {
            return null;
        }

        for (var i = 0; i < headers.Count; i++)
        {
            if (string.Equals(headers[i], field, StringComparison.OrdinalIgnoreCase))
            {
                return i + 1;
            }
        }

        return null;
    }

    /// <summary>The position of a row and one of its fields: file, line, the field's column (when the file has it) and the field.</summary>
    public SourcePosition? PositionOf(object? row, string? field)
        => Find(row) is { } at ? new SourcePosition(at.File, at.Line, Column(at.File, field), field) : null;
}

/// <summary>
/// The line and column of every property of scenario.json (top level and one level down, as
/// <c>tables.states</c>), found with <see cref="Utf8JsonReader"/>; duplicate keys at any depth are problems.
/// </summary>
internal sealed class ManifestPositions
{
    private readonly Dictionary<string, (int Line, int Column)> _at = new(StringComparer.Ordinal);

    public bool Valid { get; private set; } = true;

    public static ReadOnlySpan<byte> WithoutBom(ReadOnlySpan<byte> bytes) => bytes.StartsWith("\uFEFF"u8) ? bytes[3..] : bytes;

    public static byte[] WithoutBom(byte[] bytes) => bytes.AsSpan().StartsWith("\uFEFF"u8) ? bytes[3..] : bytes;

    public static ManifestPositions Scan(byte[] manifest, ProblemList problems)
    {
        var result = new ManifestPositions();
        var bytes = WithoutBom(manifest);
        var lineStarts = new List<int> { 0 };
        for (var i = 0; i < bytes.Length; i++)
        {
            if (bytes[i] == (byte)'\n')
            {
                lineStarts.Add(i + 1);
            }
        }

        (int, int) At(long offset)
        {
            var o = (int)offset;
            var line = lineStarts.BinarySearch(o);
            line = line >= 0 ? line : ~line - 1;
            var column = System.Text.Encoding.UTF8.GetCharCount(bytes, lineStarts[line], o - lineStarts[line]) + 1;
            return (line + 1, column);
        }

        var reader = new Utf8JsonReader(bytes, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true, MaxDepth = 64 });
        var path = new List<string?>();
        var keys = new List<HashSet<string>?>();
        string? pending = null;
        try
        {
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.StartObject:
                    case JsonTokenType.StartArray:
                        path.Add(pending);
                        keys.Add(reader.TokenType == JsonTokenType.StartObject ? new HashSet<string>(StringComparer.Ordinal) : null);
                        pending = null;
                        break;
                    case JsonTokenType.EndObject:
                    case JsonTokenType.EndArray:
                        path.RemoveAt(path.Count - 1);
                        keys.RemoveAt(keys.Count - 1);
                        break;
                    case JsonTokenType.PropertyName:
                        var name = reader.GetString()!;
                        var full = string.Join('.', path.Skip(1).Where(x => x is not null).Append(name));
                        var at = At(reader.TokenStartIndex);
                        if (keys[^1] is { } set && !set.Add(name))
                        {
                            problems.Add(new ScenarioProblem(ScenarioFiles.Manifest, at.Item1, at.Item2, full, $"The property '{full}' appears more than once; each property may be given once."));
                        }
                        else if (path.Count <= 2)
                        {
                            result._at.TryAdd(full, at);
                        }

                        pending = name;
                        break;
                    default:
                        pending = null;
                        break;
                }
            }
        }
        catch (JsonException)
        {
            // ReadManifest reports the syntax error with its position.
        }

        return result;
    }

    /// <summary>The line and column of a property (or of its top-level parent), when scenario.json has it.</summary>
    public (int Line, int Column)? Find(string field)
        => _at.TryGetValue(field, out var at) ? at : null;

    /// <summary>Gives scenario.json problems that name a property (and have no line) that property's line and column.</summary>
    public void Locate(ProblemList problems)
    {
        for (var i = 0; i < problems.Count; i++)
        {
            var p = problems[i];
            if (p.File != ScenarioFiles.Manifest || p.Line is not null || p.Field is null)
            {
                continue;
            }

            if (_at.TryGetValue(p.Field, out var at) || _at.TryGetValue(p.Field.Split('.')[0], out at))
            {
                problems[i] = p with { Line = at.Line, Column = at.Column };
            }
        }
    }
}

/// <summary>
/// Locates model validation problems on the scenario rows and settings they come from, through
/// their machine-readable subject (<see cref="ValidationProblem.Target"/>, <see cref="ValidationProblem.Member"/>,
/// <see cref="ValidationProblem.Strategy"/>) and the <see cref="SourceMap"/> built while reading.
/// </summary>
internal static class ProblemLocator
{
    /// <summary>The scenario.json property of each run option the mapper sets (core name → file name).</summary>
    private static readonly Dictionary<string, string> SettingFields = new(StringComparer.Ordinal)
    {
        [nameof(SimulationOptions.Cycles)] = "horizonCycles",
        [nameof(SimulationOptions.CycleLengthYears)] = "cycleLengthYears",
        [nameof(SimulationOptions.StateWeights)] = "counting",
        [nameof(SimulationOptions.CostDiscounting)] = "costDiscounting",
        [nameof(SimulationOptions.OutcomeDiscounting)] = "outcomeDiscounting",
        [nameof(SimulationOptions.DiscountTimeOffsetYears)] = "discountTimeOffsetYears",
        [nameof(SimulationOptions.DiscountStepsOffsetYears)] = "discountStepsOffsetYears",
        [nameof(ScenarioSettings.Comparator)] = "comparator",
        [nameof(ScenarioSettings.Perspectives)] = "perspectives",
        [nameof(ScenarioSettings.TaxFinancingCost)] = "taxFinancingCost",
        [nameof(ScenarioSettings.PriceYear)] = "priceYear",
    };

    /// <summary>A model problem as a scenario problem: located on its row, on a scenario.json setting, or on the table it concerns.</summary>
    public static ScenarioProblem ToScenarioProblem(Scenario scenario, ValidationProblem problem, Dictionary<ProblemSubject, object>? index)
    {
        var at = Locate(scenario, problem, index);
        var text = problem.Subject == "model" ? problem.Message : problem.ToString();
        if (at is null)
        {
            return new ScenarioProblem("model", null, null, null, text) { Target = problem.Target };
        }

        // Settings and table-level problems are worded for their file; row problems name their subject.
        var onRow = at.Line is not null && at.File != (scenario.Source?.ManifestFile ?? ScenarioFiles.Manifest);
        return new ScenarioProblem(at.File, at.Line, at.Column, at.Field, onRow ? problem.ToString() : problem.Message) { Target = problem.Target };
    }

    /// <summary>Where a model problem is: its row (file, line, column, field), its scenario.json property, or the table it concerns; null when the scenario was not read from files or nothing in it matches.</summary>
    /// <param name="scenario">The scenario.</param>
    /// <param name="problem">The problem.</param>
    /// <param name="index">The scenario's <see cref="SourceMap.IndexSubjects"/>, built once for all its problems.</param>
    public static SourcePosition? Locate(Scenario scenario, ValidationProblem problem, Dictionary<ProblemSubject, object>? index)
    {
        var map = scenario.Source;
        if (map is null || index is null)
        {
            return null;
        }

        var target = problem.Target;
        var key = target.Keys.Count > 0 ? target.Keys[0] : null;
        switch (target.Kind)
        {
            case ProblemKind.Setting:
                return Setting(map, key is null ? null : SettingFields.GetValueOrDefault(key, key));
            case ProblemKind.Limit:
                return Setting(map, null);
            case ProblemKind.Population:
                return problem.Member == nameof(Population.Size)
                    ? Setting(map, "populationSize")
                    : new SourcePosition(map.FileOf<PopulationRow>() ?? ScenarioFiles.Population, null, null, "weight");
            case ProblemKind.Flow when key is null:
                return new SourcePosition(map.FileOf<FlowRow>() ?? ScenarioFiles.Flows);
            case ProblemKind.State when key is null:
                return problem.Member == nameof(State.TunnelCycles) ? new SourcePosition(map.FileOf<StateRow>() ?? ScenarioFiles.States, null, null, "tunnel_cycles") : null;
            case ProblemKind.Model:
                return null;
        }

        // A problem found under a strategy's interventions is the effect's: its effects.csv row.
        if (problem.Strategy is { } strategy && target.Kind is ProblemKind.Transition or ProblemKind.TransitionRow
            && EffectRowOf(scenario, strategy, key, target.Kind == ProblemKind.Transition ? target.Keys[1] : null) is { } effect)
        {
            return map.PositionOf(effect, "value");
        }

        var row = index.GetValueOrDefault(target);
        if (row is null && target.Kind == ProblemKind.InterventionEffect)
        {
            // An effect the files do not define as such: the intervention's row.
            row = index.GetValueOrDefault(ProblemSubject.Intervention(key));
        }

        if (row is null && target.Kind == ProblemKind.State)
        {
            // A state problem without its own row (a state defined elsewhere): the first flow in the state.
            row = scenario.Flows.FirstOrDefault(f => f.State == key);
        }

        return row is not null ? map.PositionOf(row, Field(row, problem.Member)) : null;
    }

    private static SourcePosition Setting(SourceMap map, string? field)
    {
        var file = map.ManifestFile;
        var at = field is null ? null : map.Positions?.Find(field);
        return new SourcePosition(file, at?.Line, at?.Column, field);
    }

    /// <summary>The CSV column a problem about a member of a row's subject is in.</summary>
    private static string Field(object row, string? member) => row switch
    {
        StateRow => member switch { nameof(State.TunnelCycles) => "tunnel_cycles", nameof(State.IsAbsorbing) => "absorbing", _ => "name" },
        PayerRow => member == nameof(Payer.Parent) ? "parent" : "name",
        ParameterRow => member == "Name" ? "name" : "value",
        TransitionRow => member switch { nameof(TransitionDefinition.From) => "from", nameof(TransitionDefinition.To) => "to", nameof(TransitionDefinition.Kind) => "kind", _ => "value" },
        FlowRow => member switch
        {
            nameof(FlowDefinition.FromState) => "state",
            nameof(FlowDefinition.ToState) => "to_state",
            nameof(Account.Payer) => "payer",
            nameof(Account.Sector) => "sector",
            nameof(Account.Kind) => "kind",
            nameof(FlowDefinition.PriceYear) => "price_year",
            nameof(FlowDefinition.RealGrowth) => "real_growth",
            _ => "amount",
        },
        PopulationRow => member switch { nameof(PopulationGroup.Weight) => "weight", nameof(PopulationGroup.StartAge) => "start_age", _ => "state" },
        PriceIndexRow => "index",
        InterventionRow => member switch { nameof(Intervention.EligibleStates) => "eligible_states", nameof(Intervention.Uptake) => "uptake", _ => "name" },
        EffectRow => member switch { nameof(TransitionEffect.From) => "from", nameof(TransitionEffect.To) => "to", _ => "value" },
        StrategyRow => "strategy",
        _ => "name",
    };

    /// <summary>The effects.csv row behind a problem found after a strategy's intervention effects were applied: an effect of one of its interventions on the row (and transition) concerned.</summary>
    private static EffectRow? EffectRowOf(Scenario scenario, string strategy, string? from, string? to)
    {
        if (from is null)
        {
            return null;
        }

        var ivs = scenario.Strategies.Where(r => r.Strategy == strategy && r.Intervention is not null).Select(r => r.Intervention!).ToHashSet(StringComparer.Ordinal);
        return scenario.Effects.FirstOrDefault(e => ivs.Contains(e.Intervention) && e.From == from && (to is null || e.To == to));
    }
}

/// <summary>The standard file names of a scenario folder.</summary>
internal static class ScenarioFiles
{
    public const string Manifest = "scenario.json";
    public const string States = "states.csv";
    public const string Payers = "payers.csv";
    public const string Sectors = "sectors.csv";
    public const string Parameters = "parameters.csv";
    public const string Transitions = "transitions.csv";
    public const string Flows = "flows.csv";
    public const string Population = "population.csv";
    public const string PriceIndex = "price_index.csv";
    public const string Interventions = "interventions.csv";
    public const string InterventionCosts = "intervention_costs.csv";
    public const string Effects = "effects.csv";
    public const string Strategies = "strategies.csv";
}
