using System.Globalization;
using SocialInvestment.Model;

namespace SocialInvestment.Households;

/// <summary>
/// Households as data: the life-course model every member follows, the roles, the households
/// (templates with weights, or a register), the linked transitions, the household flows, the
/// household strategies and who the family is as a payer. Built and validated by
/// <see cref="HouseholdDefinitionBuilder"/>; immutable and thread-safe.
/// </summary>
/// <remarks>
/// <para>Order of events at each trace point t (docs/households.md): (1) age-out rules apply
/// (a member reaching the age leaves or changes role); (2) every member present accrues its
/// state's values, the household flows whose condition holds are booked once, the active
/// household interventions' costs are booked; (3) when t &lt; T, the link conditions are evaluated on
/// the members' states at t — the start of the cycle — and every member then draws its transition
/// with the linked hazards. No link reads a state drawn in the same cycle, so there is no cycle of
/// dependence within a step.</para>
/// <para>A member in a death state (<see cref="DeathStates"/>) is no longer a living member:
/// conditions do not see them; they stay in the death state and accrue its values like a person of
/// the individual model. A household with no living member present has dissolved: no household
/// flow or intervention cost is booked for it from then on.</para>
/// </remarks>
public sealed class HouseholdDefinition
{
    /// <summary>Largest number of members of one household.</summary>
    public const int MaxMembers = 16;

    /// <summary>Largest number of household interventions in one household strategy.</summary>
    public const int MaxInterventions = 8;

    internal HouseholdDefinition(LifeCourseModel model, HouseholdRole[] roles, HouseholdTemplate[] templates, HouseholdTemplate[] register, string[] registerIds, HouseholdLink[] links, HouseholdFlow[] flows, HouseholdStrategy[] strategies, Payer familyPayer, string[] deathStates, double size)
    {
        Model = model;
        Roles = ReadOnly.Own(roles);
        Templates = ReadOnly.Own(templates);
        RegisterHouseholds = ReadOnly.Own(register);
        RegisterIds = ReadOnly.Own(registerIds);
        Links = ReadOnly.Own(links);
        Flows = ReadOnly.Own(flows);
        Strategies = ReadOnly.Own(strategies);
        FamilyPayer = familyPayer;
        DeathStates = ReadOnly.Own(deathStates);
        Size = size;
    }

    /// <summary>The life-course model every member follows.</summary>
    public LifeCourseModel Model { get; }

    /// <summary>The roles.</summary>
    public IReadOnlyList<HouseholdRole> Roles { get; }

    /// <summary>The household templates (empty when the households come from a register).</summary>
    public IReadOnlyList<HouseholdTemplate> Templates { get; }

    /// <summary>The register's households in order of first appearance, each as a template of weight 1 named by its identifier (empty without a register).</summary>
    public IReadOnlyList<HouseholdTemplate> RegisterHouseholds { get; }

    /// <summary>The register's household identifiers, in the order of <see cref="RegisterHouseholds"/>.</summary>
    public IReadOnlyList<string> RegisterIds { get; }

    /// <summary>True when the households come from a register (household h is the register's h-th household).</summary>
    public bool FromRegister => RegisterHouseholds.Count > 0;

    /// <summary>The linked transitions (links with hazard ratio exactly 1 included; they change nothing).</summary>
    public IReadOnlyList<HouseholdLink> Links { get; }

    /// <summary>The household flows.</summary>
    public IReadOnlyList<HouseholdFlow> Flows { get; }

    /// <summary>The household strategies (the first is the comparator when none is named).</summary>
    public IReadOnlyList<HouseholdStrategy> Strategies { get; }

    /// <summary>The family as a payer: its members' own flows (earnings, taxes, benefits received, co-payments booked to this payer in the model) and its time contributed to interventions. Default <see cref="Payer.Individual"/>.</summary>
    public Payer FamilyPayer { get; }

    /// <summary>The family's perspective: <see cref="Perspective.ForPayer"/>(<see cref="FamilyPayer"/>), shown beside the municipality, county and state.</summary>
    public Perspective FamilyPerspective => Perspective.ForPayer(FamilyPayer);

    /// <summary>States in which a member has died (default: every absorbing state of the model).</summary>
    public IReadOnlyList<string> DeathStates { get; }

    /// <summary>Number of households the results' totals stand for (finite, &gt; 0; default 1: per-household totals).</summary>
    public double Size { get; }

    /// <summary>Starts a definition over a model.</summary>
    /// <param name="model">The life-course model every member follows.</param>
    public static HouseholdDefinitionBuilder Create(LifeCourseModel model) => new(model);

    /// <summary>
    /// The definition of one household type on its own: only the template named
    /// <paramref name="type"/>, at weight 1, with <see cref="Size"/> × its share of the template
    /// weights (share = weight / Σ weights), and the same roles, links, flows, strategies, family
    /// payer and death states. This is what the results by household type run.
    /// </summary>
    /// <param name="type">A template's name (ordinal comparison).</param>
    /// <returns>The restricted definition; its results' totals stand for the type's share of the households.</returns>
    /// <exception cref="InvalidOperationException">The definition is a register (each household is its own type).</exception>
    /// <exception cref="ArgumentException">No template has that name, or its weight is 0.</exception>
    public HouseholdDefinition ForType(string type)
    {
        ArgumentNullException.ThrowIfNull(type);
        if (FromRegister)
        {
            throw new InvalidOperationException("A household register has no household types: each household is its own.");
        }

        var template = Templates.FirstOrDefault(t => string.Equals(t.Name, type, StringComparison.Ordinal))
            ?? throw new ArgumentException($"No household template is named '{type}'; the templates are {string.Join(", ", Templates.Select(t => $"'{t.Name}'"))}.", nameof(type));
        var share = template.Weight / Templates.Sum(t => t.Weight);
        if (!(share > 0))
        {
            throw new ArgumentException($"The household template '{type}' has weight 0, so it stands for no households.", nameof(type));
        }

        var b = Create(Model).WithFamilyPayer(FamilyPayer).WithDeathStates([.. DeathStates]).WithSize(Size * share);
        foreach (var r in Roles)
        {
            b.AddRole(r);
        }

        b.AddTemplate(template with { Weight = 1 });
        foreach (var l in Links)
        {
            b.AddLink(l);
        }

        foreach (var f in Flows)
        {
            b.AddFlow(f);
        }

        foreach (var s in Strategies)
        {
            b.AddStrategy(s);
        }

        return b.Build();
    }

    /// <summary>The households to draw from: the templates, or the register's households.</summary>
    internal IReadOnlyList<HouseholdTemplate> Kinds => FromRegister ? RegisterHouseholds : Templates;
}

/// <summary>
/// Collects the parts of a <see cref="HouseholdDefinition"/> and validates them together:
/// <see cref="Build"/> throws one <see cref="ModelValidationException"/> listing every problem
/// (kind <see cref="ProblemKind.Household"/>, keys: the part and its name or 1-based position).
/// Not thread-safe.
/// </summary>
public sealed class HouseholdDefinitionBuilder
{
    /// <summary>Largest number of register rows accepted (checked before anything is allocated by the register's size).</summary>
    public const int MaxRegisterRows = 10_000_000;

    private readonly LifeCourseModel _model;
    private readonly List<HouseholdRole> _roles = [];
    private readonly List<HouseholdTemplate> _templates = [];
    private readonly List<RegisterMember> _register = [];
    private readonly List<HouseholdLink> _links = [];
    private readonly List<HouseholdFlow> _flows = [];
    private readonly List<HouseholdStrategy> _strategies = [];
    private string[]? _deathStates;
    private Payer _familyPayer = Payer.Individual;
    private double _size = 1;
    private bool _hasRegister;

    internal HouseholdDefinitionBuilder(LifeCourseModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        _model = model;
    }

    /// <summary>Adds a role.</summary>
    /// <param name="role">The role.</param>
    public HouseholdDefinitionBuilder AddRole(HouseholdRole role)
    {
        ArgumentNullException.ThrowIfNull(role);
        _roles.Add(role);
        return this;
    }

    /// <summary>Adds a role by name.</summary>
    /// <param name="name">The role's name.</param>
    /// <param name="ageOut">What happens at an age (null: nothing).</param>
    public HouseholdDefinitionBuilder AddRole(string name, AgeOut? ageOut = null) => AddRole(new HouseholdRole(name, ageOut));

    /// <summary>Adds a household template.</summary>
    /// <param name="template">The template.</param>
    public HouseholdDefinitionBuilder AddTemplate(HouseholdTemplate template)
    {
        ArgumentNullException.ThrowIfNull(template);
        _templates.Add(template);
        return this;
    }

    /// <summary>Adds a household template.</summary>
    /// <param name="name">Its name.</param>
    /// <param name="weight">Its relative weight.</param>
    /// <param name="members">Its members, member 0 first.</param>
    public HouseholdDefinitionBuilder AddTemplate(string name, double weight, params HouseholdMember[] members) => AddTemplate(new HouseholdTemplate(name, weight, members));

    /// <summary>Takes the households from a register: one row per person with a household identifier (instead of templates).</summary>
    /// <param name="members">The register's rows.</param>
    public HouseholdDefinitionBuilder FromRegister(IEnumerable<RegisterMember> members)
    {
        ArgumentNullException.ThrowIfNull(members);
        _hasRegister = true;
        foreach (var m in members)
        {
            if (_register.Count >= MaxRegisterRows)
            {
                throw new ModelValidationException([Problem("register", "rows", $"The register has more than {MaxRegisterRows.ToString(CultureInfo.InvariantCulture)} rows.")]);
            }

            _register.Add(m);
        }

        return this;
    }

    /// <summary>Adds a linked transition.</summary>
    /// <param name="link">The link.</param>
    public HouseholdDefinitionBuilder AddLink(HouseholdLink link)
    {
        ArgumentNullException.ThrowIfNull(link);
        _links.Add(link);
        return this;
    }

    /// <summary>Adds a linked transition: while <paramref name="condition"/> holds, members of <paramref name="role"/> have their hazard <paramref name="from"/> → <paramref name="to"/> multiplied by <paramref name="hazardRatio"/>.</summary>
    /// <param name="role">The role.</param>
    /// <param name="from">State left.</param>
    /// <param name="to">State entered.</param>
    /// <param name="hazardRatio">Hazard ratio.</param>
    /// <param name="condition">The composition condition.</param>
    /// <param name="source">Where the ratio comes from, or that it is illustrative.</param>
    public HouseholdDefinitionBuilder Link(string role, string from, string to, double hazardRatio, HouseholdCondition condition, string? source = null)
        => AddLink(new HouseholdLink(role, from, to, hazardRatio, condition) { Source = source });

    /// <summary>Adds a household flow.</summary>
    /// <param name="flow">The flow.</param>
    public HouseholdDefinitionBuilder AddFlow(HouseholdFlow flow)
    {
        ArgumentNullException.ThrowIfNull(flow);
        _flows.Add(flow);
        return this;
    }

    /// <summary>Adds a household strategy.</summary>
    /// <param name="strategy">The strategy.</param>
    public HouseholdDefinitionBuilder AddStrategy(HouseholdStrategy strategy)
    {
        ArgumentNullException.ThrowIfNull(strategy);
        _strategies.Add(strategy);
        return this;
    }

    /// <summary>Sets the family payer (default <see cref="Payer.Individual"/>, which the model's members' own flows are booked to); added to the model's payers when it does not declare it.</summary>
    /// <param name="payer">The payer (not public).</param>
    public HouseholdDefinitionBuilder WithFamilyPayer(Payer payer)
    {
        ArgumentNullException.ThrowIfNull(payer);
        _familyPayer = payer;
        return this;
    }

    /// <summary>Sets the states in which a member has died (default: every absorbing state).</summary>
    /// <param name="states">State names.</param>
    public HouseholdDefinitionBuilder WithDeathStates(params string[] states)
    {
        ArgumentNullException.ThrowIfNull(states);
        _deathStates = [.. states];
        return this;
    }

    /// <summary>Sets the number of households the totals stand for (default 1).</summary>
    /// <param name="households">Finite, &gt; 0.</param>
    public HouseholdDefinitionBuilder WithSize(double households)
    {
        _size = households;
        return this;
    }

    /// <summary>Validates everything and builds the definition.</summary>
    /// <exception cref="ModelValidationException">Every problem found.</exception>
    public HouseholdDefinition Build()
    {
        var problems = new List<ValidationProblem>();
        var model = _model;
        var states = model.States.Select(s => s.Name).ToHashSet(StringComparer.Ordinal);
        if (model.States.Any(s => s.TunnelCycles > 0))
        {
            problems.Add(Problem("definition", "model", $"Households need a model without tunnel states (the model '{model.Name}' tracks time in state for {string.Join(", ", model.States.Where(s => s.TunnelCycles > 0).Select(s => $"'{s.Name}'"))})."));
        }

        if (!(double.IsFinite(_size) && _size > 0))
        {
            problems.Add(Problem("definition", "size", $"The number of households must be finite and > 0 (got {F(_size)})."));
        }

        if (_familyPayer.IsPublic)
        {
            problems.Add(Problem("definition", "family payer", $"The family payer '{_familyPayer.Name}' must not be a public payer."));
        }

        // Roles.
        var roles = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < _roles.Count; i++)
        {
            var r = _roles[i];
            if (string.IsNullOrWhiteSpace(r.Name))
            {
                problems.Add(Problem("role", Pos(i), "A role needs a non-empty name."));
            }
            else if (!roles.Add(r.Name))
            {
                problems.Add(Problem("role", r.Name, $"The role '{r.Name}' is defined twice."));
            }
        }

        if (_roles.Count == 0)
        {
            problems.Add(Problem("role", "", "A household definition needs at least one role."));
        }

        foreach (var r in _roles)
        {
            if (r.AgeOut is { } a)
            {
                if (!(double.IsFinite(a.Age) && a.Age > 0))
                {
                    problems.Add(Problem("role", r.Name, $"The role '{r.Name}': the age-out age must be finite and > 0 (got {F(a.Age)})."));
                }

                if (a.BecomesRole is { } b && (!roles.Contains(b) || b == r.Name))
                {
                    problems.Add(Problem("role", r.Name, b == r.Name ? $"The role '{r.Name}' cannot age out into itself." : $"The role '{r.Name}' ages out into the unknown role '{b}'."));
                }
            }
        }

        var death = _deathStates ?? [.. model.States.Where(s => s.IsAbsorbing).Select(s => s.Name)];
        foreach (var d in death)
        {
            if (!states.Contains(d))
            {
                problems.Add(Problem("definition", "death states", $"The death state '{d}' is not a state of the model."));
            }
        }

        // Households.
        var kindsFromRegister = Array.Empty<HouseholdTemplate>();
        var ids = Array.Empty<string>();
        if (_hasRegister && _templates.Count > 0)
        {
            problems.Add(Problem("definition", "households", "Give households either as templates or from a register, not both."));
        }

        if (_hasRegister)
        {
            if (_register.Count == 0)
            {
                problems.Add(Problem("register", "rows", "The register has no rows."));
            }

            var order = new List<string>();
            var byId = new Dictionary<string, List<HouseholdMember>>(StringComparer.Ordinal);
            for (var i = 0; i < _register.Count; i++)
            {
                var row = _register[i];
                if (row is null || string.IsNullOrWhiteSpace(row.Household))
                {
                    problems.Add(Problem("register", Pos(i), $"Register row {Pos(i)}: the household identifier must not be empty."));
                    continue;
                }

                CheckStart(problems, "register", row.Household, $"Register row {Pos(i)} (household '{row.Household}')", row.Role, [new MemberStart(row.Age, row.State)], roles, states);
                if (!byId.TryGetValue(row.Household, out var list))
                {
                    list = [];
                    byId.Add(row.Household, list);
                    order.Add(row.Household);
                }

                list.Add(HouseholdMember.At(row.Role, row.Age, row.State));
            }

            foreach (var id in order)
            {
                if (byId[id].Count > HouseholdDefinition.MaxMembers)
                {
                    problems.Add(Problem("register", id, $"The household '{id}' has {byId[id].Count} members; at most {HouseholdDefinition.MaxMembers} are allowed."));
                }
            }

            kindsFromRegister = [.. order.Select(id => new HouseholdTemplate(id, 1, byId[id]))];
            ids = [.. order];
        }
        else if (_templates.Count == 0)
        {
            problems.Add(Problem("template", "", "A household definition needs at least one household template or a register."));
        }

        var templateNames = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < _templates.Count; i++)
        {
            var t = _templates[i];
            var key = string.IsNullOrWhiteSpace(t.Name) ? Pos(i) : t.Name;
            if (string.IsNullOrWhiteSpace(t.Name))
            {
                problems.Add(Problem("template", key, $"Template {Pos(i)} needs a non-empty name."));
            }
            else if (!templateNames.Add(t.Name))
            {
                problems.Add(Problem("template", key, $"The template '{t.Name}' is defined twice."));
            }

            if (!(double.IsFinite(t.Weight) && t.Weight >= 0))
            {
                problems.Add(Problem("template", key, $"The template '{key}': the weight must be finite and ≥ 0 (got {F(t.Weight)})."));
            }

            if (t.Members is null || t.Members.Count == 0)
            {
                problems.Add(Problem("template", key, $"The template '{key}' has no members."));
                continue;
            }

            if (t.Members.Count > HouseholdDefinition.MaxMembers)
            {
                problems.Add(Problem("template", key, $"The template '{key}' has {t.Members.Count} members; at most {HouseholdDefinition.MaxMembers} are allowed."));
            }

            for (var m = 0; m < t.Members.Count; m++)
            {
                var member = t.Members[m];
                if (member is null)
                {
                    problems.Add(Problem("member", $"{key}/{m + 1}", $"The template '{key}': member {m + 1} is null."));
                    continue;
                }

                CheckStart(problems, "member", $"{key}/{m + 1}", $"The template '{key}', member {m + 1}", member.Role, member.Starts, roles, states);
            }
        }

        if (_templates.Count > 0 && _templates.All(t => double.IsFinite(t.Weight) && t.Weight >= 0) && _templates.Sum(t => t.Weight) <= 0)
        {
            problems.Add(Problem("template", "", "The templates' weights sum to 0."));
        }

        // Links.
        for (var i = 0; i < _links.Count; i++)
        {
            var l = _links[i];
            var what = $"Link {Pos(i)} ({l.Role}: {l.From} → {l.To})";
            CheckTransitionEffect(problems, "link", Pos(i), what, l.Role, l.From, l.To, Scaled(l.HazardRatio, l.Parameter), roles, states);
            CheckParameter(problems, "link", Pos(i), what, l.Parameter);
            CheckCondition(problems, "link", Pos(i), what, l.While, roles, states);
        }

        // Flows.
        var flowNames = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < _flows.Count; i++)
        {
            var f = _flows[i];
            var key = string.IsNullOrWhiteSpace(f.Name) ? Pos(i) : f.Name;
            if (string.IsNullOrWhiteSpace(f.Name))
            {
                problems.Add(Problem("flow", key, $"Household flow {Pos(i)} needs a non-empty name."));
            }
            else if (!flowNames.Add(f.Name))
            {
                problems.Add(Problem("flow", key, $"The household flow '{f.Name}' is defined twice."));
            }

            if (!double.IsFinite(f.AmountPerCycle))
            {
                problems.Add(Problem("flow", key, $"The household flow '{key}': the amount per cycle must be finite (got {F(f.AmountPerCycle)})."));
            }

            CheckParameter(problems, "flow", key, $"The household flow '{key}'", f.Parameter);

            CheckAccount(problems, "flow", key, $"The household flow '{key}'", f.Account);
            if (f.While is { } c)
            {
                CheckCondition(problems, "flow", key, $"The household flow '{key}'", c, roles, states);
            }
        }

        // Strategies and their interventions.
        var strategyNames = new HashSet<string>(StringComparer.Ordinal);
        var strategies = _strategies.Count == 0 ? [HouseholdStrategy.BusinessAsUsual] : _strategies;
        for (var i = 0; i < strategies.Count; i++)
        {
            var s = strategies[i];
            var key = string.IsNullOrWhiteSpace(s.Name) ? Pos(i) : s.Name;
            if (string.IsNullOrWhiteSpace(s.Name))
            {
                problems.Add(Problem("strategy", key, $"Household strategy {Pos(i)} needs a non-empty name."));
            }
            else if (!strategyNames.Add(s.Name))
            {
                problems.Add(Problem("strategy", key, $"The household strategy '{s.Name}' is defined twice."));
            }

            if (s.MemberStrategy is null)
            {
                problems.Add(Problem("strategy", key, $"The household strategy '{key}' has no member strategy (use Strategy.BusinessAsUsual)."));
            }

            var interventions = s.Interventions ?? [];
            if (interventions.Count > HouseholdDefinition.MaxInterventions)
            {
                problems.Add(Problem("strategy", key, $"The household strategy '{key}' has {interventions.Count} household interventions; at most {HouseholdDefinition.MaxInterventions} are allowed."));
            }

            var names = new HashSet<string>(StringComparer.Ordinal);
            foreach (var iv in interventions)
            {
                if (iv is null)
                {
                    problems.Add(Problem("strategy", key, $"The household strategy '{key}' has a null intervention."));
                    continue;
                }

                var ik = string.IsNullOrWhiteSpace(iv.Name) ? key : iv.Name;
                if (string.IsNullOrWhiteSpace(iv.Name))
                {
                    problems.Add(Problem("intervention", ik, $"A household intervention of '{key}' needs a non-empty name."));
                }
                else if (!names.Add(iv.Name))
                {
                    problems.Add(Problem("intervention", ik, $"The household strategy '{key}' names the intervention '{iv.Name}' twice."));
                }

                var what = $"The household intervention '{ik}'";
                var uptake = Scaled(iv.Uptake, iv.UptakeParameter);
                if (!(uptake is >= 0 and <= 1))
                {
                    problems.Add(Problem("intervention", ik, $"{what}: the uptake must be in [0, 1] (got {F(uptake)})."));
                }

                CheckParameter(problems, "intervention", ik, what + " (uptake)", iv.UptakeParameter);

                if (iv.DurationCycles < 0)
                {
                    problems.Add(Problem("intervention", ik, $"{what}: the duration must be ≥ 0 cycles (got {iv.DurationCycles})."));
                }

                if (!(double.IsFinite(iv.FamilyHoursPerCycle) && iv.FamilyHoursPerCycle >= 0))
                {
                    problems.Add(Problem("intervention", ik, $"{what}: the family's hours per cycle must be finite and ≥ 0 (got {F(iv.FamilyHoursPerCycle)})."));
                }

                if (!(double.IsFinite(iv.FamilyValuePerHour) && iv.FamilyValuePerHour >= 0))
                {
                    problems.Add(Problem("intervention", ik, $"{what}: the value of the family's hour must be finite and ≥ 0 (got {F(iv.FamilyValuePerHour)})."));
                }

                if (iv.FamilySector is null)
                {
                    problems.Add(Problem("intervention", ik, $"{what}: the family's sector must not be null."));
                }

                CheckCondition(problems, "intervention", ik, what + " (eligibility)", iv.Eligible, roles, states);
                foreach (var e in iv.Effects ?? [])
                {
                    CheckTransitionEffect(problems, "intervention", ik, $"{what}, effect on {e.Role}: {e.From} → {e.To}", e.Role, e.From, e.To, Scaled(e.HazardRatio, e.Parameter), roles, states);
                    CheckParameter(problems, "intervention", ik, $"{what}, effect on {e.Role}: {e.From} → {e.To}", e.Parameter);
                }

                foreach (var c in iv.Costs ?? [])
                {
                    if (!double.IsFinite(c.AmountPerCycle))
                    {
                        problems.Add(Problem("intervention", ik, $"{what}: a cost per cycle must be finite (got {F(c.AmountPerCycle)})."));
                    }

                    CheckParameter(problems, "intervention", ik, what + " (cost)", c.Parameter);

                    CheckAccount(problems, "intervention", ik, what, c.Account);
                }
            }
        }

        if (problems.Count > 0)
        {
            throw new ModelValidationException(problems);
        }

        return new HouseholdDefinition(model, [.. _roles], _hasRegister ? [] : [.. _templates], kindsFromRegister, ids, [.. _links], [.. _flows], [.. strategies], _familyPayer, death, _size);

        // A number × its parameter's base value (the value the definition is checked at; drawn values are checked when a run is prepared).
        double Scaled(double value, string? parameter)
            => parameter is not null && model.Parameters.FirstOrDefault(p => p.Name == parameter) is { } p ? value * p.BaseValue : value;

        void CheckParameter(List<ValidationProblem> list, string part, string key, string what, string? parameter)
        {
            if (parameter is not null && !model.Parameters.Any(p => p.Name == parameter))
            {
                list.Add(Problem(part, key, $"{what}: the parameter '{parameter}' is not a parameter of the model."));
            }
        }

        void CheckTransitionEffect(List<ValidationProblem> list, string part, string key, string what, string role, string from, string to, double hr, HashSet<string> knownRoles, HashSet<string> knownStates)
        {
            if (role is null || !knownRoles.Contains(role))
            {
                list.Add(Problem(part, key, $"{what}: the role '{role}' is not defined."));
            }

            var fromOk = from is not null && knownStates.Contains(from);
            var toOk = to is not null && knownStates.Contains(to);
            if (!fromOk)
            {
                list.Add(Problem(part, key, $"{what}: the state '{from}' is not a state of the model."));
            }

            if (!toOk)
            {
                list.Add(Problem(part, key, $"{what}: the state '{to}' is not a state of the model."));
            }

            if (fromOk && toOk)
            {
                if (from == to)
                {
                    list.Add(Problem(part, key, $"{what}: a link changes a transition between two different states (staying in '{from}' takes the difference)."));
                }
                else if (model.States[model.StateIndex(from!)].IsAbsorbing)
                {
                    list.Add(Problem(part, key, $"{what}: the state '{from}' is absorbing; nobody leaves it."));
                }
                else if (!model.Transitions.Any(t => t.From == from && t.To == to))
                {
                    list.Add(Problem(part, key, $"{what}: the model has no transition {from} → {to}."));
                }
            }

            if (!(double.IsFinite(hr) && hr >= 0))
            {
                list.Add(Problem(part, key, $"{what}: the hazard ratio must be finite and ≥ 0 (got {F(hr)})."));
            }
        }
    }

    private static void CheckStart(List<ValidationProblem> problems, string part, string key, string what, string role, IReadOnlyList<MemberStart> starts, HashSet<string> roles, HashSet<string> states)
    {
        if (role is null || !roles.Contains(role))
        {
            problems.Add(Problem(part, key, $"{what}: the role '{role}' is not defined."));
        }

        if (starts is null)
        {
            problems.Add(Problem(part, key, $"{what}: the start distribution is null (use HouseholdMember.FromPopulation)."));
            return;
        }

        foreach (var s in starts)
        {
            if (!(double.IsFinite(s.Age) && s.Age >= 0))
            {
                problems.Add(Problem(part, key, $"{what}: the start age must be finite and ≥ 0 (got {F(s.Age)})."));
            }

            if (s.State is null || !states.Contains(s.State))
            {
                problems.Add(Problem(part, key, $"{what}: the start state '{s.State}' is not a state of the model."));
            }

            if (!(double.IsFinite(s.Weight) && s.Weight >= 0))
            {
                problems.Add(Problem(part, key, $"{what}: a start weight must be finite and ≥ 0 (got {F(s.Weight)})."));
            }
        }

        if (starts.Count > 0 && starts.All(s => double.IsFinite(s.Weight) && s.Weight >= 0) && starts.Sum(s => s.Weight) <= 0)
        {
            problems.Add(Problem(part, key, $"{what}: the start weights sum to 0."));
        }
    }

    private static void CheckCondition(List<ValidationProblem> problems, string part, string key, string what, HouseholdCondition? c, HashSet<string> roles, HashSet<string> states, int depth = 0)
    {
        if (c is null)
        {
            problems.Add(Problem(part, key, $"{what}: the condition is null (use HouseholdCondition.Always)."));
            return;
        }

        if (depth > 16)
        {
            problems.Add(Problem(part, key, $"{what}: the condition is nested more than 16 levels deep."));
            return;
        }

        switch (c.Kind)
        {
            case HouseholdConditionKind.Always:
                return;
            case HouseholdConditionKind.And or HouseholdConditionKind.Or:
                if (c.Parts.Count == 0)
                {
                    problems.Add(Problem(part, key, $"{what}: '{c.Kind}' needs at least one part."));
                }

                foreach (var p in c.Parts)
                {
                    CheckCondition(problems, part, key, what, p, roles, states, depth + 1);
                }

                return;
            default:
                if (c.Role is not null && !roles.Contains(c.Role))
                {
                    problems.Add(Problem(part, key, $"{what}: the condition names the unknown role '{c.Role}'."));
                }

                if (c.States.Count == 0)
                {
                    problems.Add(Problem(part, key, $"{what}: the condition '{c.Kind}' needs at least one state."));
                }

                foreach (var s in c.States)
                {
                    if (s is null || !states.Contains(s))
                    {
                        problems.Add(Problem(part, key, $"{what}: the condition names '{s}', which is not a state of the model."));
                    }
                }

                return;
        }
    }

    private static void CheckAccount(List<ValidationProblem> problems, string part, string key, string what, Account account)
    {
        if (account.Payer is null || account.Sector is null)
        {
            problems.Add(Problem(part, key, $"{what}: the account needs a payer and a sector."));
        }
    }

    internal static ValidationProblem Problem(string part, string key, string message)
        => new(ProblemSubject.Of(ProblemKind.Household, part, key), string.IsNullOrEmpty(key) ? $"household {part}" : $"household {part} '{key}'", message);

    private static string Pos(int i) => (i + 1).ToString(CultureInfo.InvariantCulture);

    private static string F(double x) => x.ToString("R", CultureInfo.InvariantCulture);
}
