using System.Globalization;
using SocialInvestment.Decisions;
using SocialInvestment.Economics;
using SocialInvestment.Households;
using SocialInvestment.Model;

namespace SocialInvestment.Scenarios;

/// <summary>
/// The optional household tables of a scenario folder (docs/household-files.md): households of
/// linked people for the household microsimulation (<see cref="HouseholdEngine"/>). A scenario
/// without them is unchanged. The tables, one per concept, each read strictly like every scenario
/// table (UTF-8, invariant numbers, '#' comments, unknown columns rejected) and every problem
/// reported at once with file, line, column and field:
/// <list type="bullet">
/// <item><c>household_roles.csv</c> (required when any household table is present): <c>role</c>, <c>age_out</c>, <c>becomes</c>, <c>description</c>.</item>
/// <item><c>household_templates.csv</c>: one row per member start — <c>template</c>, <c>weight</c>, <c>member</c>, <c>role</c>, <c>start_age</c>, <c>start_state</c>, <c>start_weight</c>, <c>source</c>; or instead <c>household_register.csv</c>: <c>household_id</c>, <c>person_id</c>, <c>role</c>, <c>age</c>, <c>state</c>.</item>
/// <item><c>household_links.csv</c>: <c>role</c>, <c>from</c>, <c>to</c>, <c>hazard_ratio</c>, <c>condition</c>, <c>source</c>.</item>
/// <item><c>household_flows.csv</c>: <c>flow</c>, <c>payer</c>, <c>sector</c>, <c>kind</c>, <c>amount</c> (per household-year), <c>condition</c>, <c>source</c>.</item>
/// <item><c>household_interventions.csv</c>, <c>household_effects.csv</c>, <c>household_costs.csv</c>, <c>household_strategies.csv</c>: household interventions, their effects on members and costs per household-year, and the strategies offering them.</item>
/// <item><c>household_settings.csv</c>: <c>setting</c>, <c>value</c>, <c>source</c> — <c>family_payer</c>, <c>family_hour_value</c>, <c>households</c>, <c>death_states</c>, <c>placement_states</c>, <c>work_states</c>.</item>
/// </list>
/// Conditions are written <c>none adult in work</c>, <c>any child in cw_foster|cw_institution</c>,
/// <c>all member in dead</c>, <c>always</c>, joined with <c>and</c> / <c>or</c> and parentheses.
/// </summary>
public static class HouseholdFiles
{
    /// <summary>The roles table (its presence switches households on).</summary>
    public const string RolesFileName = "household_roles.csv";

    /// <summary>The templates table.</summary>
    public const string TemplatesFileName = "household_templates.csv";

    /// <summary>The household register (instead of templates).</summary>
    public const string RegisterFileName = "household_register.csv";

    /// <summary>The linked transitions.</summary>
    public const string LinksFileName = "household_links.csv";

    /// <summary>The household flows.</summary>
    public const string FlowsFileName = "household_flows.csv";

    /// <summary>The household interventions.</summary>
    public const string InterventionsFileName = "household_interventions.csv";

    /// <summary>The household interventions' effects on members' transitions.</summary>
    public const string EffectsFileName = "household_effects.csv";

    /// <summary>The household interventions' costs per household-year.</summary>
    public const string CostsFileName = "household_costs.csv";

    /// <summary>The household strategies.</summary>
    public const string StrategiesFileName = "household_strategies.csv";

    /// <summary>The household settings (family payer, the value of the family's hour, number of households, death states).</summary>
    public const string SettingsFileName = "household_settings.csv";

    /// <summary>Every household table, in reading order.</summary>
    public static IReadOnlyList<string> FileNames { get; } = [SettingsFileName, RolesFileName, TemplatesFileName, RegisterFileName, LinksFileName, FlowsFileName, InterventionsFileName, EffectsFileName, CostsFileName, StrategiesFileName];

    private static ColumnSpec R(string n, string form) => new(n, true, form);

    private static ColumnSpec O(string n, string form) => new(n, false, form);

    private static readonly ColumnSpec[] SettingsColumns = [R("setting", "family_payer, family_hour_value, households, death_states, placement_states or work_states"), R("value", "the setting's value"), O("source", "text")];
    private static readonly ColumnSpec[] RoleColumns = [R("role", "a unique role name"), O("age_out", "age in years > 0 at which a member of the role leaves or changes role"), O("becomes", "the role taken at age_out (empty: the member leaves)"), O("description", "text")];
    private static readonly ColumnSpec[] TemplateColumns = [R("template", "a template name"), O("weight", "the template's relative weight ≥ 0 (on its first row)"), R("member", "the member's number in the template, 1, 2, …"), R("role", "a role of household_roles.csv"), R("start_age", "age in years at the start, ≥ 0"), R("start_state", "a state name"), O("start_weight", "relative weight ≥ 0 of this start among the member's rows (default 1)"), O("source", "text")];
    private static readonly ColumnSpec[] RegisterColumns = [R("household_id", "a household identifier"), O("person_id", "a person identifier (a pseudonym)"), R("role", "a role of household_roles.csv"), R("age", "age in years at the start, ≥ 0"), R("state", "a state name")];
    private static readonly ColumnSpec[] LinkColumns = [R("role", "the role whose transition is changed"), R("from", "a state name"), R("to", "a state name"), R("hazard_ratio", "a hazard ratio ≥ 0"), R("condition", "a condition on the household, e.g. none adult in work"), O("source", "where the ratio comes from, or 'illustrative'"), O("parameter", "a parameter of parameters.csv whose value multiplies hazard_ratio (PSA)")];
    private static readonly ColumnSpec[] FlowColumns = [R("flow", "a unique flow name"), R("payer", "a payer name"), R("sector", "a sector name"), R("kind", "resource, transfer or production"), R("amount", "amount per household-year, + = cost to the payer"), O("condition", "a condition on the household (empty: always)"), O("source", "text"), O("parameter", "a parameter of parameters.csv whose value multiplies amount (PSA)")];
    private static readonly ColumnSpec[] InterventionColumns = [R("intervention", "a unique household intervention name"), R("eligible", "a condition on the household at the start"), R("uptake", "a share in [0, 1]"), R("duration_years", "years the intervention is active, a whole number of cycles"), O("family_hours_per_year", "the family's own hours per active year, ≥ 0"), O("family_hour_value", "NOK per hour of the family's time (default: the setting family_hour_value)"), O("family_sector", "the sector the family's time is booked to (default social-services)"), O("description", "text"), O("uptake_parameter", "a parameter of parameters.csv whose value multiplies uptake (PSA)")];
    private static readonly ColumnSpec[] EffectColumns = [R("intervention", "a household intervention"), R("role", "a role"), R("from", "a state name"), R("to", "a state name"), R("hazard_ratio", "a hazard ratio ≥ 0"), O("source", "text"), O("parameter", "a parameter of parameters.csv whose value multiplies hazard_ratio (PSA)")];
    private static readonly ColumnSpec[] CostColumns = [R("intervention", "a household intervention"), R("payer", "a payer name"), R("sector", "a sector name"), O("kind", "resource, transfer or production (default resource)"), R("amount", "amount per household per active year"), O("source", "text"), O("parameter", "a parameter of parameters.csv whose value multiplies amount (PSA)")];
    private static readonly ColumnSpec[] StrategyColumns = [R("strategy", "a household strategy name"), O("member_strategy", "a strategy of strategies.csv the members follow (default: the comparator)"), O("intervention", "a household intervention, or empty")];

    /// <summary>True when a scenario folder has household tables (any of <see cref="FileNames"/>).</summary>
    /// <param name="directory">The scenario folder.</param>
    public static bool Present(string directory)
    {
        ArgumentNullException.ThrowIfNull(directory);
        return FileNames.Any(f => File.Exists(Path.Combine(directory, f)));
    }

    /// <summary>Reads the household tables of a scenario folder; null when it has none.</summary>
    /// <param name="directory">The scenario folder.</param>
    /// <param name="scenario">The scenario read from it.</param>
    /// <param name="model">The model built from it.</param>
    /// <param name="limits">Size limits; null for <see cref="ScenarioLimits.Default"/>.</param>
    /// <exception cref="ScenarioFormatException">Every problem, with file, line, column and field.</exception>
    public static HouseholdScenario? TryRead(string directory, Scenario scenario, LifeCourseModel model, ScenarioLimits? limits = null)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        ArgumentNullException.ThrowIfNull(model);
        limits ??= ScenarioLimits.Default;
        return ReadFiles(directory, limits) is { } files ? Parse(files, scenario, model, limits) : null;
    }

    /// <summary>
    /// The household tables' bytes of a scenario folder by file name (<see cref="FileNames"/>; a
    /// missing file is an absent table), unparsed, as <see cref="Parse"/> and a cluster run take them;
    /// null when the folder has none. Each file is refused above <see cref="ScenarioLimits.MaxFileBytes"/>
    /// before it is read.
    /// </summary>
    /// <param name="directory">The scenario folder.</param>
    /// <param name="limits">Size limits; null for <see cref="ScenarioLimits.Default"/>.</param>
    /// <exception cref="ScenarioFormatException">A file cannot be opened or is too large (every such file).</exception>
    public static IReadOnlyDictionary<string, byte[]>? ReadFiles(string directory, ScenarioLimits? limits = null)
    {
        ArgumentNullException.ThrowIfNull(directory);
        limits ??= ScenarioLimits.Default;
        if (!Present(directory))
        {
            return null;
        }

        var problems = new List<ScenarioProblem>();
        var files = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var name in FileNames)
        {
            var opened = ScenarioInput.Open(directory, name, limits.MaxFileBytes);
            if (opened.Problem is string why)
            {
                problems.Add(new ScenarioProblem(name, null, null, null, why));
            }
            else if (opened.Stream is not null)
            {
                using (opened.Stream)
                {
                    using var ms = new MemoryStream();
                    opened.Stream.CopyTo(ms);
                    files[name] = ms.ToArray();
                }
            }
        }

        return problems.Count > 0 ? throw new ScenarioFormatException(problems) : files;
    }

    /// <summary>The household tables of the built-in Norwegian default (<see cref="NorwegianDefault"/>): one- and two-adult families with children, the family team as a household intervention.</summary>
    /// <param name="scenario">The default scenario.</param>
    /// <param name="model">The model built from it.</param>
    public static HouseholdScenario Default(Scenario scenario, LifeCourseModel model)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        ArgumentNullException.ThrowIfNull(model);
        return Parse(DefaultFiles(), scenario, model, ScenarioLimits.Default);
    }

    /// <summary>The bytes of the built-in default's household tables by file name, as <see cref="ReadFiles"/> gives a folder's.</summary>
    public static IReadOnlyDictionary<string, byte[]> DefaultFiles()
    {
        var files = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var name in FileNames)
        {
            if (NorwegianDefault.Open(name) is { } bytes)
            {
                files[name] = bytes;
            }
        }

        return files;
    }

    /// <summary>Copies the household tables into a folder: from the scenario folder, or the default's when it is null.</summary>
    /// <param name="scenarioDirectory">The scenario folder, or null for the built-in default.</param>
    /// <param name="target">The folder to copy into (must exist).</param>
    public static void CopyTables(string? scenarioDirectory, string target)
    {
        ArgumentNullException.ThrowIfNull(target);
        foreach (var name in FileNames)
        {
            var bytes = scenarioDirectory is null ? NorwegianDefault.Open(name) : File.Exists(Path.Combine(scenarioDirectory, name)) ? File.ReadAllBytes(Path.Combine(scenarioDirectory, name)) : null;
            if (bytes is not null)
            {
                File.WriteAllBytes(Path.Combine(target, name), bytes);
            }
        }
    }

    /// <summary>Parses household tables given as bytes by file name (missing names are absent tables) against a scenario and its model.</summary>
    /// <param name="files">The tables' bytes by file name (<see cref="FileNames"/>).</param>
    /// <param name="scenario">The scenario.</param>
    /// <param name="model">The model built from it.</param>
    /// <param name="limits">Size limits; null for the defaults.</param>
    /// <exception cref="ScenarioFormatException">Every problem, with file, line, column and field.</exception>
    public static HouseholdScenario Parse(IReadOnlyDictionary<string, byte[]> files, Scenario scenario, LifeCourseModel model, ScenarioLimits? limits = null)
    {
        ArgumentNullException.ThrowIfNull(files);
        ArgumentNullException.ThrowIfNull(scenario);
        ArgumentNullException.ThrowIfNull(model);
        return new Reader(files, scenario, model, limits ?? ScenarioLimits.Default).Read();
    }

    private sealed class Reader(IReadOnlyDictionary<string, byte[]> files, Scenario scenario, LifeCourseModel model, ScenarioLimits limits)
    {
        private readonly ProblemList _problems = new(limits.MaxProblems);
        private readonly HashSet<string> _states = model.States.Select(s => s.Name).ToHashSet(StringComparer.Ordinal);
        private readonly Dictionary<string, int> _roles = new(StringComparer.Ordinal);
        private readonly Dictionary<(string Part, string Key), (string File, int Line, string Field)> _where = [];
        private readonly double _cycle = model.Options.CycleLengthYears;

        private void Where(string part, string key, string file, int line, string field) => _where.TryAdd((part, key), (file, line, field));

        private bool Table(string file, ColumnSpec[] columns, Action<RowCursor> onRow)
        {
            if (!files.TryGetValue(file, out var bytes))
            {
                return false;
            }

            using var s = new MemoryStream(bytes, writable: false);
            return CsvTable.Read(s, file, columns, _problems, limits, CsvFormat.Invariant, onRow) is not null;
        }

        private void Missing(string file, string why) => _problems.Add(new ScenarioProblem(file, null, null, null, why));

        public HouseholdScenario Read()
        {
            // Settings.
            var familyPayer = Payer.Individual;
            double? hourValue = null;
            string? hourSource = null;
            double size = 1;
            string[]? death = null;
            var placement = new List<string>();
            var work = new List<string>();
            var seenSettings = new Dictionary<string, int>(StringComparer.Ordinal);
            Table(SettingsFileName, SettingsColumns, row =>
            {
                var name = row.Name("setting", SettingsColumns[0].Form);
                var value = row.Name("value", SettingsColumns[1].Form);
                if (name.Length == 0 || value.Length == 0)
                {
                    return;
                }

                if (!seenSettings.TryAdd(name, row.Line))
                {
                    row.Problem("setting", I($"The setting '{name}' is already given on line {seenSettings[name]}."));
                    return;
                }

                Where("definition", name switch { "family_payer" => "family payer", "households" => "size", "death_states" => "death states", _ => name }, SettingsFileName, row.Line, "value");
                switch (name)
                {
                    case "family_payer":
                        var p = model.Payers.FirstOrDefault(x => x.Name == value);
                        if (p is null)
                        {
                            row.Problem("value", $"Unknown payer '{value}'; the family payer is one of the scenario's payers ({string.Join(", ", model.Payers.Select(x => x.Name))}), usually individual.");
                        }
                        else if (p.IsPublic)
                        {
                            row.Problem("value", $"The family payer '{value}' is a public payer; the family is a private party (usually individual).");
                        }
                        else
                        {
                            familyPayer = p;
                        }

                        break;
                    case "family_hour_value":
                        if (Num(row, "value", "NOK per hour ≥ 0") is double h)
                        {
                            if (h < 0)
                            {
                                row.Problem("value", I($"The value of the family's hour must be ≥ 0 (got {h})."));
                            }

                            hourValue = h;
                            hourSource = row.Text("source");
                        }

                        break;
                    case "households":
                        if (Num(row, "value", "the number of households the totals stand for, > 0") is double n)
                        {
                            if (!(n > 0))
                            {
                                row.Problem("value", I($"The number of households must be > 0 (got {n})."));
                            }

                            size = n;
                        }

                        break;
                    case "death_states":
                        var list = row.List("value");
                        foreach (var st in list.Where(st => !_states.Contains(st)))
                        {
                            row.Problem("value", $"Unknown state '{st}' in death_states.");
                        }

                        death = [.. list];
                        break;
                    case "placement_states" or "work_states":
                        var named = row.List("value");
                        foreach (var st in named.Where(st => !_states.Contains(st)))
                        {
                            row.Problem("value", $"Unknown state '{st}' in {name}.");
                        }

                        (name == "work_states" ? work : placement).AddRange(named);
                        break;
                    default:
                        row.Problem("setting", $"Unknown setting '{name}'. Known: family_payer, family_hour_value, households, death_states, placement_states, work_states.");
                        break;
                }
            });

            // Roles.
            var roleRows = new List<(HouseholdRole Role, int Line, string? Becomes)>();
            var haveRoles = Table(RolesFileName, RoleColumns, row =>
            {
                var name = row.Name("role", RoleColumns[0].Form);
                var age = row.Number("age_out", RoleColumns[1].Form);
                var becomes = row.Text("becomes");
                if (name.Length == 0)
                {
                    return;
                }

                if (!_roles.TryAdd(name, row.Line))
                {
                    row.Problem("role", I($"The role '{name}' is already defined on line {_roles[name]}."));
                    return;
                }

                if (age is double a && !(a > 0))
                {
                    row.Problem("age_out", I($"The age-out age must be > 0 (got {a})."));
                }

                if (becomes is not null && age is null)
                {
                    row.Problem("becomes", "A role is taken at an age: give age_out too.");
                }

                Where("role", name, RolesFileName, row.Line, "role");
                roleRows.Add((new HouseholdRole(name, age is double x ? new AgeOut(x, becomes) : null), row.Line, becomes));
            });
            if (!files.ContainsKey(RolesFileName))
            {
                Missing(RolesFileName, $"Households need {RolesFileName} (the roles: adult, child, …) when any household table is present.");
            }

            foreach (var (role, line, becomes) in roleRows)
            {
                if (becomes is not null && (!_roles.ContainsKey(becomes) || becomes == role.Name))
                {
                    _problems.Add(new ScenarioProblem(RolesFileName, line, Col(RoleColumns, "becomes"), "becomes", becomes == role.Name ? $"The role '{role.Name}' cannot become itself." : $"Unknown role '{becomes}'; the roles are {string.Join(", ", _roles.Keys)}."));
                }
            }

            // Templates.
            var templates = new List<(string Name, double Weight, SortedDictionary<int, (string Role, List<MemberStart> Starts)> Members)>();
            var byName = new Dictionary<string, int>(StringComparer.Ordinal);
            Table(TemplatesFileName, TemplateColumns, row =>
            {
                var name = row.Name("template", TemplateColumns[0].Form);
                var weight = row.Number("weight", TemplateColumns[1].Form);
                var member = row.Integer("member", TemplateColumns[2].Form, required: true);
                var role = RoleName(row, "role");
                var age = row.Number("start_age", TemplateColumns[4].Form, required: true);
                var state = StateName(row, "start_state");
                var sw = row.Number("start_weight", TemplateColumns[6].Form) ?? 1;
                if (name.Length == 0)
                {
                    return;
                }

                if (!byName.TryGetValue(name, out var t))
                {
                    if (weight is null)
                    {
                        row.Problem("weight", "The first row of a template gives its weight (a relative weight ≥ 0).");
                    }

                    t = templates.Count;
                    byName[name] = t;
                    templates.Add((name, weight ?? 0, new SortedDictionary<int, (string, List<MemberStart>)>()));
                    Where("template", name, TemplatesFileName, row.Line, "template");
                }
                else if (weight is double w && w != templates[t].Weight)
                {
                    row.Problem("weight", I($"The template '{name}' has the weight {templates[t].Weight} on an earlier row; give the weight once (or the same on every row)."));
                }

                if (weight is double w2 && w2 < 0)
                {
                    row.Problem("weight", I($"A template's weight must be ≥ 0 (got {w2})."));
                }

                if (age is double a && a < 0)
                {
                    row.Problem("start_age", I($"The start age must be ≥ 0 (got {a})."));
                }

                if (sw < 0)
                {
                    row.Problem("start_weight", I($"A start weight must be ≥ 0 (got {sw})."));
                }

                if (member is not int m)
                {
                    return;
                }

                if (m < 1 || m > HouseholdDefinition.MaxMembers)
                {
                    row.Problem("member", I($"The member number must be from 1 to {HouseholdDefinition.MaxMembers} (got {m})."));
                    return;
                }

                var members = templates[t].Members;
                if (!members.TryGetValue(m, out var entry))
                {
                    entry = (role ?? string.Empty, []);
                    members[m] = entry;
                    Where("member", I($"{name}/{members.Count}"), TemplatesFileName, row.Line, "member");
                }
                else if (role is not null && entry.Role != role)
                {
                    row.Problem("role", $"Member {m} of the template '{name}' has the role '{entry.Role}' on an earlier row; every row of one member names the same role.");
                }

                if (age is double a2 && state is not null)
                {
                    entry.Starts.Add(new MemberStart(a2, state, sw));
                }
            });

            // Register.
            var register = new List<RegisterMember>();
            var hasRegister = Table(RegisterFileName, RegisterColumns, row =>
            {
                if (register.Count >= HouseholdDefinitionBuilder.MaxRegisterRows)
                {
                    row.Problem("household_id", I($"The register has more than {HouseholdDefinitionBuilder.MaxRegisterRows} rows."));
                    return;
                }

                var id = row.Name("household_id", RegisterColumns[0].Form);
                var role = RoleName(row, "role");
                var age = row.Number("age", RegisterColumns[3].Form, required: true);
                var state = StateName(row, "state");
                if (age is double a && !(a >= 0 && a <= ClientRegister.MaxAge))
                {
                    row.Problem("age", I($"Age {a} is impossible: expected an age in [0, {ClientRegister.MaxAge}]."));
                    return;
                }

                if (id.Length > 0 && role is not null && age is double a2 && state is not null)
                {
                    Where("register", I($"{register.Count + 1}"), RegisterFileName, row.Line, "household_id");
                    Where("register", id, RegisterFileName, row.Line, "household_id");
                    register.Add(new RegisterMember(id, role, a2, state));
                }
            });
            if (files.ContainsKey(RolesFileName) && !files.ContainsKey(TemplatesFileName) && !files.ContainsKey(RegisterFileName))
            {
                Missing(TemplatesFileName, $"Households need {TemplatesFileName} (kinds of household with weights) or {RegisterFileName} (one row per person with a household id).");
            }
            else if (files.ContainsKey(TemplatesFileName) && files.ContainsKey(RegisterFileName))
            {
                Missing(RegisterFileName, $"Give households either as templates ({TemplatesFileName}) or from a register ({RegisterFileName}), not both.");
            }

            // Links.
            var links = new List<HouseholdLink>();
            Table(LinksFileName, LinkColumns, row =>
            {
                var role = RoleName(row, "role");
                var from = StateName(row, "from");
                var to = StateName(row, "to");
                var hr = HazardRatio(row);
                var condition = Condition(row, "condition", required: true);
                if (role is null || from is null || to is null || hr is null || condition is null)
                {
                    return;
                }

                Where("link", I($"{links.Count + 1}"), LinksFileName, row.Line, "hazard_ratio");
                links.Add(new HouseholdLink(role, from, to, hr.Value, condition) { Source = row.Text("source"), Parameter = ParameterName(row, "parameter") });
            });

            // Flows.
            var flows = new List<HouseholdFlow>();
            var flowLines = new Dictionary<string, int>(StringComparer.Ordinal);
            Table(FlowsFileName, FlowColumns, row =>
            {
                var name = row.Name("flow", FlowColumns[0].Form);
                var account = AccountOf(row, "resource");
                var amount = row.Number("amount", FlowColumns[4].Form, required: true);
                var condition = Condition(row, "condition", required: false);
                if (name.Length > 0 && !flowLines.TryAdd(name, row.Line))
                {
                    row.Problem("flow", I($"The household flow '{name}' is already defined on line {flowLines[name]}."));
                    return;
                }

                if (name.Length == 0 || account is null || amount is null || (row.Text("condition") is not null && condition is null))
                {
                    return;
                }

                Where("flow", name, FlowsFileName, row.Line, "flow");
                flows.Add(new HouseholdFlow(name, account.Value, amount.Value * _cycle, condition) { Parameter = ParameterName(row, "parameter") });
            });

            // Interventions, effects, costs.
            var interventions = new Dictionary<string, (HouseholdIntervention Iv, int Line)>(StringComparer.Ordinal);
            Table(InterventionsFileName, InterventionColumns, row =>
            {
                var name = row.Name("intervention", InterventionColumns[0].Form);
                var eligible = Condition(row, "eligible", required: true);
                var uptake = row.Number("uptake", InterventionColumns[2].Form, required: true);
                var years = row.Number("duration_years", InterventionColumns[3].Form, required: true);
                var hours = row.Number("family_hours_per_year", InterventionColumns[4].Form) ?? 0;
                var value = row.Number("family_hour_value", InterventionColumns[5].Form);
                var sectorName = row.Text("family_sector");
                Sector? sector = Sector.SocialServices;
                if (sectorName is not null)
                {
                    sector = model.Sectors.FirstOrDefault(s => s.Name == sectorName);
                    if (sector is null)
                    {
                        row.Problem("family_sector", $"Unknown sector '{sectorName}'; the sectors are {string.Join(", ", model.Sectors.Select(s => s.Name))}.");
                    }
                }

                if (uptake is double u && u is < 0 or > 1)
                {
                    row.Problem("uptake", I($"The uptake must lie in [0, 1] (got {u})."));
                }

                int? cycles = null;
                if (years is double y)
                {
                    var c = y / _cycle;
                    if (y < 0 || Math.Abs(c - Math.Round(c)) > 1e-9)
                    {
                        row.Problem("duration_years", I($"The duration must be ≥ 0 and a whole number of cycles of {_cycle} years (got {y})."));
                    }
                    else
                    {
                        cycles = (int)Math.Round(c);
                    }
                }

                if (hours < 0)
                {
                    row.Problem("family_hours_per_year", I($"The family's hours must be ≥ 0 (got {hours})."));
                }

                if (value is double v && v < 0)
                {
                    row.Problem("family_hour_value", I($"The value of the family's hour must be ≥ 0 (got {v})."));
                }

                if (name.Length > 0 && interventions.TryGetValue(name, out var earlier))
                {
                    row.Problem("intervention", I($"The household intervention '{name}' is already defined on line {earlier.Line}."));
                    return;
                }

                if (name.Length == 0 || eligible is null || uptake is null || cycles is null || sector is null)
                {
                    return;
                }

                Where("intervention", name, InterventionsFileName, row.Line, "intervention");
                interventions[name] = (new HouseholdIntervention(name, eligible, uptake.Value, cycles.Value)
                {
                    FamilyHoursPerCycle = hours * _cycle,
                    FamilyValuePerHour = value ?? hourValue ?? 0,
                    FamilySector = sector,
                    UptakeParameter = ParameterName(row, "uptake_parameter"),
                }, row.Line);
            });

            var effects = new Dictionary<string, List<HouseholdEffect>>(StringComparer.Ordinal);
            Table(EffectsFileName, EffectColumns, row =>
            {
                var name = KnownIntervention(row, interventions);
                var role = RoleName(row, "role");
                var from = StateName(row, "from");
                var to = StateName(row, "to");
                var hr = HazardRatio(row);
                if (name is not null && role is not null && from is not null && to is not null && hr is not null)
                {
                    (effects.TryGetValue(name, out var l) ? l : effects[name] = []).Add(new HouseholdEffect(role, from, to, hr.Value) { Parameter = ParameterName(row, "parameter") });
                }
            });

            var costs = new Dictionary<string, List<HouseholdCost>>(StringComparer.Ordinal);
            Table(CostsFileName, CostColumns, row =>
            {
                var name = KnownIntervention(row, interventions);
                var account = AccountOf(row, null);
                var amount = row.Number("amount", CostColumns[4].Form, required: true);
                if (name is not null && account is not null && amount is not null)
                {
                    (costs.TryGetValue(name, out var l) ? l : costs[name] = []).Add(new HouseholdCost(account.Value, amount.Value * _cycle) { Parameter = ParameterName(row, "parameter") });
                }
            });

            // Strategies.
            var strategies = new List<(string Name, string Member, List<string> Interventions)>();
            var strategyLines = new Dictionary<string, int>(StringComparer.Ordinal);
            var comparator = scenario.Settings.Comparator;
            Table(StrategiesFileName, StrategyColumns, row =>
            {
                var name = row.Name("strategy", StrategyColumns[0].Form);
                var member = row.Text("member_strategy");
                var iv = row.Text("intervention");
                if (member is not null && !model.Strategies.Any(s => s.Name == member))
                {
                    row.Problem("member_strategy", $"Unknown strategy '{member}'; the scenario's strategies are {string.Join(", ", model.Strategies.Select(s => s.Name))}.");
                    member = null;
                }

                if (iv is not null && !interventions.ContainsKey(iv))
                {
                    row.Problem("intervention", $"Unknown household intervention '{iv}'{(interventions.Count == 0 ? $" ({InterventionsFileName} defines none)" : $"; known: {string.Join(", ", interventions.Keys)}")}.");
                    iv = null;
                }

                if (name.Length == 0)
                {
                    return;
                }

                var s = strategies.FindIndex(x => x.Name == name);
                if (s < 0)
                {
                    strategyLines[name] = row.Line;
                    Where("strategy", name, StrategiesFileName, row.Line, "strategy");
                    strategies.Add((name, member ?? comparator, []));
                    s = strategies.Count - 1;
                }
                else if (member is not null && member != strategies[s].Member)
                {
                    row.Problem("member_strategy", I($"The household strategy '{name}' follows '{strategies[s].Member}' on line {strategyLines[name]}; give one member strategy per household strategy."));
                }

                if (iv is not null)
                {
                    if (strategies[s].Interventions.Contains(iv))
                    {
                        row.Problem("intervention", $"The household strategy '{name}' lists '{iv}' twice.");
                    }
                    else
                    {
                        strategies[s].Interventions.Add(iv);
                    }
                }
            });

            if (_problems.Total > 0)
            {
                throw _problems.ToException();
            }

            // Build: the definition's own checks (links on transitions the model lacks, absorbing states, …) located back to the rows.
            var builder = HouseholdDefinition.Create(model).WithFamilyPayer(familyPayer).WithSize(size);
            if (death is not null)
            {
                builder.WithDeathStates(death);
            }

            foreach (var (role, _, _) in roleRows)
            {
                builder.AddRole(role);
            }

            foreach (var t in templates)
            {
                builder.AddTemplate(t.Name, t.Weight, [.. t.Members.Values.Select(m => new HouseholdMember(m.Role, m.Starts))]);
            }

            if (hasRegister)
            {
                builder.FromRegister(register);
            }

            foreach (var l in links)
            {
                builder.AddLink(l);
            }

            foreach (var f in flows)
            {
                builder.AddFlow(f);
            }

            var built = new Dictionary<string, HouseholdIntervention>(StringComparer.Ordinal);
            foreach (var (name, (iv, _)) in interventions)
            {
                built[name] = iv with { Effects = effects.GetValueOrDefault(name) ?? [], Costs = costs.GetValueOrDefault(name) ?? [] };
            }

            var hs = strategies.Count == 0
                ? [new HouseholdStrategy(comparator, []) { MemberStrategy = model.Strategy(comparator) }]
                : strategies.Select(s => new HouseholdStrategy(s.Name, [.. s.Interventions.Select(i => built[i])]) { MemberStrategy = model.Strategy(s.Member) }).ToList();
            foreach (var s in hs)
            {
                builder.AddStrategy(s);
            }

            HouseholdDefinition definition;
            try
            {
                definition = builder.Build();
            }
            catch (ModelValidationException e)
            {
                throw new ScenarioFormatException([.. e.Problems.Select(Locate)]);
            }

            _ = haveRoles;
            return new HouseholdScenario(definition, hs[0].Name, hourValue ?? 0, hourSource, placement, work, [.. files.Keys.Where(FileNames.Contains).OrderBy(f => FileNames.ToList().IndexOf(f))]);
        }

        private ScenarioProblem Locate(ValidationProblem p)
        {
            var keys = p.Target.Keys;
            if (keys.Count >= 2 && _where.TryGetValue((keys[0], keys[1]), out var w))
            {
                return new ScenarioProblem(w.File, w.Line, null, w.Field, p.Message) { Target = p.Target };
            }

            var file = keys.Count > 0 ? keys[0] switch
            {
                "role" => RolesFileName,
                "template" or "member" => TemplatesFileName,
                "register" => RegisterFileName,
                "link" => LinksFileName,
                "flow" => FlowsFileName,
                "intervention" => InterventionsFileName,
                "strategy" => StrategiesFileName,
                _ => SettingsFileName,
            } : SettingsFileName;
            return new ScenarioProblem(file, null, null, null, p.Message) { Target = p.Target };
        }

        private static double? Num(RowCursor row, string column, string form) => row.Number(column, form, required: true);

        private string? RoleName(RowCursor row, string column)
        {
            var r = row.Name(column, "a role of household_roles.csv");
            if (r.Length == 0)
            {
                return null;
            }

            if (!_roles.ContainsKey(r))
            {
                row.Problem(column, $"Unknown role '{r}'{(_roles.Count == 0 ? $" ({RolesFileName} defines none)" : $"; the roles are {string.Join(", ", _roles.Keys)}")}.");
                return null;
            }

            return r;
        }

        private string? StateName(RowCursor row, string column)
        {
            var s = row.Name(column, "a state name");
            if (s.Length == 0)
            {
                return null;
            }

            if (!_states.Contains(s))
            {
                row.Problem(column, $"Unknown state '{s}'; the states are {string.Join(", ", _states)}.");
                return null;
            }

            return s;
        }

        /// <summary>An optional parameter name: a parameter of the scenario's model, or a problem naming the known ones (null when empty or unknown).</summary>
        private string? ParameterName(RowCursor row, string column)
        {
            var name = row.Text(column);
            if (name is null)
            {
                return null;
            }

            if (!model.Parameters.Any(p => p.Name == name))
            {
                row.Problem(column, $"Unknown parameter '{name}'{(model.Parameters.Count == 0 ? " (parameters.csv defines none)" : $"; the parameters are {string.Join(", ", model.Parameters.Select(p => p.Name))}")}.");
                return null;
            }

            return name;
        }

        private static double? HazardRatio(RowCursor row)
        {
            var hr = row.Number("hazard_ratio", "a hazard ratio ≥ 0", required: true);
            if (hr is double h && h < 0)
            {
                row.Problem("hazard_ratio", I($"A hazard ratio must be ≥ 0 (got {h})."));
                return null;
            }

            return hr;
        }

        private static string? KnownIntervention(RowCursor row, Dictionary<string, (HouseholdIntervention, int)> interventions)
        {
            var name = row.Name("intervention", "a household intervention");
            if (name.Length == 0)
            {
                return null;
            }

            if (!interventions.ContainsKey(name))
            {
                row.Problem("intervention", $"Unknown household intervention '{name}'{(interventions.Count == 0 ? $" ({InterventionsFileName} defines none)" : $"; known: {string.Join(", ", interventions.Keys)}")}.");
                return null;
            }

            return name;
        }

        private Account? AccountOf(RowCursor row, string? requiredKindDefault)
        {
            var payerName = row.Name("payer", "a payer name");
            var sectorName = row.Name("sector", "a sector name");
            var kind = row.Choice("kind", TableRows.FlowKinds, FlowKind.ResourceCost, required: requiredKindDefault is not null);
            var payer = payerName.Length == 0 ? null : model.Payers.FirstOrDefault(p => p.Name == payerName);
            var sector = sectorName.Length == 0 ? null : model.Sectors.FirstOrDefault(s => s.Name == sectorName);
            if (payerName.Length > 0 && payer is null)
            {
                row.Problem("payer", $"Unknown payer '{payerName}'; the payers are {string.Join(", ", model.Payers.Select(p => p.Name))}.");
            }

            if (sectorName.Length > 0 && sector is null)
            {
                row.Problem("sector", $"Unknown sector '{sectorName}'; the sectors are {string.Join(", ", model.Sectors.Select(s => s.Name))}.");
            }

            return payer is null || sector is null ? null : new Account(payer, sector, kind);
        }

        private HouseholdCondition? Condition(RowCursor row, string column, bool required)
        {
            var text = required ? row.Name(column, "a condition, e.g. none adult in work") : row.Text(column);
            if (string.IsNullOrEmpty(text))
            {
                return required ? null : HouseholdCondition.Always;
            }

            var (condition, error) = HouseholdConditionText.Parse(text, _roles.ContainsKey, _states.Contains);
            if (error is not null)
            {
                row.Problem(column, error);
            }

            return condition;
        }

        private static int Col(ColumnSpec[] columns, string name) => Array.FindIndex(columns, c => c.Name == name) + 1;
    }

    private static string I(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}

/// <summary>
/// The household tables of a scenario, read and validated: the <see cref="Definition"/> to run with
/// <see cref="HouseholdEngine"/>, and what the files said about the family's time.
/// </summary>
public sealed class HouseholdScenario
{
    internal HouseholdScenario(HouseholdDefinition definition, string comparator, double familyHourValue, string? familyHourValueSource, IReadOnlyList<string> placementStates, IReadOnlyList<string> workStates, IReadOnlyList<string> files)
    {
        PlacementStates = placementStates;
        WorkStates = workStates;
        Definition = definition;
        Comparator = comparator;
        FamilyHourValue = familyHourValue;
        FamilyHourValueSource = familyHourValueSource;
        Files = files;
    }

    /// <summary>The household definition (model, roles, households, links, flows, strategies, family payer).</summary>
    public HouseholdDefinition Definition { get; }

    /// <summary>The comparator: the first household strategy.</summary>
    public string Comparator { get; }

    /// <summary>The setting <c>family_hour_value</c>: NOK per hour of the family's own time (0 when not given).</summary>
    public double FamilyHourValue { get; }

    /// <summary>The source given for <see cref="FamilyHourValue"/>, or null.</summary>
    public string? FamilyHourValueSource { get; }

    /// <summary>The setting <c>placement_states</c>: the states in which a member counts as placed out of home (for "families with a child placed"); empty when not given.</summary>
    public IReadOnlyList<string> PlacementStates { get; }

    /// <summary>The setting <c>work_states</c>: the states in which a member counts as in work (for "adults in work"); empty when not given.</summary>
    public IReadOnlyList<string> WorkStates { get; }

    /// <summary>The household tables that were present, by file name.</summary>
    public IReadOnlyList<string> Files { get; }
}

/// <summary>
/// The text form of a <see cref="HouseholdCondition"/> in the household tables:
/// <c>always</c>; <c>any|none|all ROLE in STATE|STATE…</c> (ROLE <c>member</c> = every role);
/// terms joined by <c>and</c> and <c>or</c> (<c>and</c> binds tighter) with parentheses. The
/// same form <see cref="HouseholdCondition.ToString"/> writes.
/// </summary>
public static class HouseholdConditionText
{
    /// <summary>Parses a condition.</summary>
    /// <param name="text">The text.</param>
    /// <param name="isRole">Whether a name is a role.</param>
    /// <param name="isState">Whether a name is a state.</param>
    /// <returns>The condition, or null and the reason.</returns>
    public static (HouseholdCondition? Condition, string? Error) Parse(string text, Func<string, bool> isRole, Func<string, bool> isState)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(isRole);
        ArgumentNullException.ThrowIfNull(isState);
        var tokens = text.Replace("(", " ( ", StringComparison.Ordinal).Replace(")", " ) ", StringComparison.Ordinal).Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var p = new ConditionParser(tokens, isRole, isState);
        try
        {
            var c = p.Or(0);
            if (p.Position < tokens.Length)
            {
                return (null, $"The condition '{text}' has '{tokens[p.Position]}' where it should end (join terms with and / or).");
            }

            return (c, null);
        }
        catch (FormatException e)
        {
            return (null, $"The condition '{text}': {e.Message} Write e.g. 'none adult in work', 'any child in cw_foster|cw_institution', 'always', joined with and / or.");
        }
    }

    private sealed class ConditionParser(string[] tokens, Func<string, bool> isRole, Func<string, bool> isState)
    {
        public int Position { get; private set; }

        private string? Peek => Position < tokens.Length ? tokens[Position] : null;

        private string Next(string expected) => Position < tokens.Length ? tokens[Position++] : throw new FormatException($"it ends where {expected} was expected.");

        public HouseholdCondition Or(int depth)
        {
            var parts = new List<HouseholdCondition> { And(depth) };
            while (string.Equals(Peek, "or", StringComparison.OrdinalIgnoreCase))
            {
                Position++;
                parts.Add(And(depth));
            }

            return parts.Count == 1 ? parts[0] : HouseholdCondition.Or([.. parts]);
        }

        private HouseholdCondition And(int depth)
        {
            var parts = new List<HouseholdCondition> { Term(depth) };
            while (string.Equals(Peek, "and", StringComparison.OrdinalIgnoreCase))
            {
                Position++;
                parts.Add(Term(depth));
            }

            return parts.Count == 1 ? parts[0] : HouseholdCondition.And([.. parts]);
        }

        private HouseholdCondition Term(int depth)
        {
            if (depth > 16)
            {
                throw new FormatException("it is nested more than 16 levels deep.");
            }

            var t = Next("a term (any, none, all, always or '(')");
            if (t == "(")
            {
                var inner = Or(depth + 1);
                if (Next("')'") != ")")
                {
                    throw new FormatException("a '(' is not closed.");
                }

                return inner;
            }

            switch (t.ToUpperInvariant())
            {
                case "ALWAYS":
                    return HouseholdCondition.Always;
                case "ANY" or "NONE" or "ALL":
                    var who = Next("a role (or member)");
                    var role = who.Equals("member", StringComparison.OrdinalIgnoreCase) ? null : (string?)who;
                    if (role is not null && !isRole(role))
                    {
                        throw new FormatException($"'{role}' is not a role of household_roles.csv (or member for every role).");
                    }

                    if (!string.Equals(Next("'in'"), "in", StringComparison.OrdinalIgnoreCase))
                    {
                        throw new FormatException($"'{tokens[Position - 1]}' stands where 'in' was expected.");
                    }

                    var states = Next("states (separated by |)").Split('|', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                    var unknown = states.Where(s => !isState(s)).ToArray();
                    if (states.Length == 0 || unknown.Length > 0)
                    {
                        throw new FormatException(states.Length == 0 ? "no state is named." : $"'{string.Join("', '", unknown)}' {(unknown.Length == 1 ? "is not a state" : "are not states")} of the model.");
                    }

                    return t.ToUpperInvariant() switch
                    {
                        "ANY" => HouseholdCondition.Any(role, states),
                        "NONE" => HouseholdCondition.None(role, states),
                        _ => HouseholdCondition.All(role, states),
                    };
                default:
                    throw new FormatException($"'{t}' is not a term (any, none, all, always or '(').");
            }
        }
    }
}
