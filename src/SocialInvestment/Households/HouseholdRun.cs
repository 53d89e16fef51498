using SocialInvestment.Engine;
using SocialInvestment.Model;

namespace SocialInvestment.Households;

/// <summary>
/// A prepared household run: the definition, the strategies and the options, with every table the
/// cycle loop reads compiled once (per strategy and member start: transition rows, per-cycle score
/// values; per household flow and intervention: score values and ledger cells). Immutable and
/// thread-safe; shards of one prepared run (<see cref="HouseholdEngine.RunRange"/>) merge exactly.
/// </summary>
public sealed class HouseholdRun
{
    internal HouseholdRun(HouseholdDefinition definition, HouseholdOptions options, IReadOnlyList<HouseholdStrategy> strategies, ParameterValues? parameters)
    {
        Definition = definition;
        Options = options;
        _runKey = new Lazy<ContentHash?>(ComputeRunKey);
        Strategies = ReadOnly.Copy(strategies);
        strategies = Strategies;
        var baseModel = definition.Model;

        // The model with the accounts only households book to (household flows, intervention costs, the family's time).
        var extraAccounts = definition.Flows.Select(f => f.Account)
            .Concat(strategies.SelectMany(s => s.Interventions).SelectMany(i => i.Costs.Select(c => c.Account)))
            .Concat(strategies.SelectMany(s => s.Interventions).Where(i => i.FamilyHoursPerCycle * i.FamilyValuePerHour != 0).Select(i => new Account(definition.FamilyPayer, i.FamilySector, FlowKind.ResourceCost)))
            .ToArray();
        Model = baseModel.WithExtraAccounts([definition.FamilyPayer, .. extraAccounts.Select(a => a.Payer)], extraAccounts.Select(a => a.Sector), extraAccounts);
        Perspectives = ReadOnly.Copy(options.Perspectives ?? Perspective.StandardSet(Model));
        var microOptions = new MicrosimOptions { Seed = options.Seed, Draw = options.Draw, BlockSize = 1, Perspectives = Perspectives, TrackDistributions = false };

        B = Model.States.Count;
        T = Model.Options.Cycles;
        P = Perspectives.Count;
        O = Model.Outcomes.Count;
        S = P + O;
        A = Model.Accounts.Count;
        R = definition.Roles.Count;
        CycleLength = Model.Options.CycleLengthYears;
        RoleIndex = definition.Roles.Select((r, i) => (r.Name, i)).ToDictionary(x => x.Name, x => x.i, StringComparer.Ordinal);
        AgeOutAge = [.. definition.Roles.Select(r => r.AgeOut?.Age ?? double.PositiveInfinity)];
        AgeOutRole = [.. definition.Roles.Select(r => r.AgeOut is { } a ? (a.BecomesRole is { } b ? RoleIndex[b] : -1) : -1)];
        IsDeath = new bool[B];
        foreach (var d in definition.DeathStates)
        {
            IsDeath[Model.StateIndex(d)] = true;
        }

        // Member start sources: one per distinct start distribution (the model's population, or a list of starts).
        var sourceKeys = new Dictionary<string, int>(StringComparer.Ordinal);
        var sourceModels = new List<LifeCourseModel>();
        int SourceOf(HouseholdMember m)
        {
            var key = m.StartsFromPopulation ? "" : string.Join(";", m.Starts.Select(s => FormattableString.Invariant($"{s.Age:R}|{s.State}|{s.Weight:R}")));
            if (sourceKeys.TryGetValue(key, out var i))
            {
                return i;
            }

            sourceKeys.Add(key, sourceModels.Count);
            sourceModels.Add(m.StartsFromPopulation ? Model : Model.WithPopulation(new Population(m.Starts.Select(s => new PopulationGroup(s.Age, s.State, s.Weight)))));
            return sourceModels.Count - 1;
        }

        var kinds = definition.Kinds;
        Kinds = new KindPlan[kinds.Count];
        var cum = new double[kinds.Count];
        var totalWeight = kinds.Sum(k => k.Weight);
        var run = 0.0;
        for (var k = 0; k < kinds.Count; k++)
        {
            var members = kinds[k].Members;
            Kinds[k] = new KindPlan([.. members.Select(SourceOf)], [.. members.Select(m => RoleIndex[m.Role])]);
            run += kinds[k].Weight / totalWeight;
            cum[k] = run;
        }

        cum[^1] = 2.0;
        KindCum = cum;
        MaxMembers = Kinds.Max(k => k.Source.Length);

        Sources = new SourcePlan[sourceModels.Count];
        for (var s = 0; s < Sources.Length; s++)
        {
            var compiled = strategies.Select(st => sourceModels[s].Compile(st.MemberStrategy, parameters)).ToArray();
            var plan = new MicrosimPlan(compiled, microOptions);
            Sources[s] = new SourcePlan(plan.Arms, [.. compiled.Select(c => c.Subcohorts.Select(x => x.StartAge).ToArray())]);
        }

        var first = Sources[0].Arms[0];
        if (first.N != B)
        {
            throw new InvalidOperationException("The household engine needs a model without tunnel states.");
        }

        N = first.N;
        var c0 = first.Compiled;
        StateWeights = c0.StateWeights;
        PreviousWeights = c0.PreviousWeights;
        CostDiscount = c0.CostDiscountFactors;
        OutcomeDiscount = c0.OutcomeDiscountFactors;
        Parameters = c0.Parameters;
        var coef = Perspectives.Select(p => p.Coefficients(Model.Accounts)).ToArray();

        // Conditions: every distinct condition once (links, flows, interventions), evaluated per household-cycle.
        var conditions = new List<HouseholdCondition>();
        int ConditionOf(HouseholdCondition c)
        {
            var i = conditions.IndexOf(c);
            if (i >= 0)
            {
                return i;
            }

            conditions.Add(c);
            return conditions.Count - 1;
        }

        // Links (a hazard ratio of exactly 1 is no link).
        // Numbers that a parameter multiplies, at this run's parameter values; values a draw puts out of range are refused, every one named.
        var valueProblems = new List<string>();
        var parameters0 = Parameters;
        double Value(double number, string? parameter) => parameter is null ? number : number * parameters0[Model.Parameter(parameter)];
        double Ratio(double number, string? parameter, string what)
        {
            var v = Value(number, parameter);
            if (!(double.IsFinite(v) && v >= 0))
            {
                valueProblems.Add(FormattableString.Invariant($"{what}: the hazard ratio {number:R} × parameter '{parameter}' = {v:R} must be finite and ≥ 0."));
            }

            return v;
        }

        var linkEffects = definition.Links
            .Select((l, i) => (l, hr: Ratio(l.HazardRatio, l.Parameter, FormattableString.Invariant($"Link {i + 1} ({l.Role}: {l.From} → {l.To})"))))
            .Where(x => x.hr != 1)
            .Select(x => new LinkedEffect(RoleIndex[x.l.Role], Model.StateIndex(x.l.From), Model.StateIndex(x.l.To), x.hr, ConditionOf(x.l.While), -1)).ToArray();

        // Household flows.
        FlowCondition = [.. definition.Flows.Select(f => f.While is { } w ? ConditionOf(w) : -1)];
        FlowLedger = [.. definition.Flows.Select(f => Model.AccountIndex(f.Account))];
        FlowAmount = [.. definition.Flows.Select(f => Value(f.AmountPerCycle, f.Parameter))];
        FlowScore = [.. definition.Flows.Select((f, i) => ScoreTable(coef, [(Model.AccountIndex(f.Account), FlowAmount[i])]))];

        // Household interventions: the definition's first, then any new ones of the run's strategies, by name (the uptake stream).
        var names = new List<string>();
        foreach (var iv in definition.Strategies.Concat(strategies).SelectMany(s => s.Interventions))
        {
            if (!names.Contains(iv.Name))
            {
                names.Add(iv.Name);
            }
        }

        Arms = new HouseholdArmPlan[strategies.Count];
        for (var k = 0; k < strategies.Count; k++)
        {
            var ivs = strategies[k].Interventions;
            var effects = new List<LinkedEffect>(linkEffects);
            var ivPlans = new InterventionPlan[ivs.Count];
            for (var i = 0; i < ivs.Count; i++)
            {
                var iv = ivs[i];
                foreach (var e in iv.Effects)
                {
                    var hr = Ratio(e.HazardRatio, e.Parameter, $"The household intervention '{iv.Name}', effect on {e.Role}: {e.From} → {e.To}");
                    if (hr != 1)
                    {
                        effects.Add(new LinkedEffect(RoleIndex[e.Role], Model.StateIndex(e.From), Model.StateIndex(e.To), hr, -1, i));
                    }
                }

                var uptake = Value(iv.Uptake, iv.UptakeParameter);
                if (!(uptake is >= 0 and <= 1))
                {
                    valueProblems.Add(FormattableString.Invariant($"The household intervention '{iv.Name}': the uptake {iv.Uptake:R} × parameter '{iv.UptakeParameter}' = {uptake:R} must be in [0, 1]."));
                }

                var costs = iv.Costs.Select(c => (Ledger: A + Model.AccountIndex(c.Account), Amount: Value(c.AmountPerCycle, c.Parameter))).ToList();
                var family = iv.FamilyHoursPerCycle * iv.FamilyValuePerHour;
                if (family != 0)
                {
                    costs.Add((A + Model.AccountIndex(new Account(definition.FamilyPayer, iv.FamilySector, FlowKind.ResourceCost)), family));
                }

                ivPlans[i] = new InterventionPlan(iv.Name, ConditionOf(iv.Eligible), uptake, Math.Min(iv.DurationCycles, T + 1), HouseholdStreams.Uptake(names.IndexOf(iv.Name)), [.. costs], ScoreTable(coef, [.. costs.Select(c => (c.Ledger % A, c.Amount))]));
            }

            var byRoleState = new LinkedEffect[R * B][];
            for (var r = 0; r < R; r++)
            {
                for (var x = 0; x < B; x++)
                {
                    byRoleState[(r * B) + x] = [.. effects.Where(e => e.Role == r && e.From == x)];
                }
            }

            Arms[k] = new HouseholdArmPlan(strategies[k], ivPlans, byRoleState, effects.Count > 0);
        }

        if (valueProblems.Count > 0)
        {
            throw new ArgumentException("The parameter values put household numbers out of range:" + Environment.NewLine + string.Join(Environment.NewLine, valueProblems), nameof(parameters));
        }

        Conditions = [.. conditions.Select(c => CompileCondition(c))];
    }

    /// <summary>The definition.</summary>
    public HouseholdDefinition Definition { get; }

    /// <summary>
    /// SHA-256 identity of this run, which partials compare before they merge or are read from bytes:
    /// the model's <see cref="LifeCourseModel.DefinitionHash"/>, every part of the definition (roles,
    /// templates or register households, links, flows, the family payer, death states, size, the
    /// definition's strategies, which fix the uptake streams), the run's strategies with their
    /// interventions, the parameter values (IEEE 754 bits), and the options that change a number
    /// (seed, draw, households, block size, the perspectives' names and coefficients; not the
    /// threads). Null when the model has no definition hash (built in code) or a member strategy is
    /// not one of the model's: such a run's partials merge only with partials of the same object.
    /// </summary>
    public ContentHash? RunKey => _runKey.Value;

    private readonly Lazy<ContentHash?> _runKey;

    /// <summary>The options.</summary>
    public HouseholdOptions Options { get; }

    /// <summary>The strategies, in run order (the first is the comparator of the incremental estimates).</summary>
    public IReadOnlyList<HouseholdStrategy> Strategies { get; }

    /// <summary>The life-course model with the household accounts (the family payer, household flows' and interventions' accounts) added: the model of every result's totals.</summary>
    public LifeCourseModel Model { get; }

    /// <summary>The perspectives with per-household estimates.</summary>
    public IReadOnlyList<Perspective> Perspectives { get; }

    /// <summary>Number of households a full run simulates: the register's households, or <see cref="HouseholdOptions.Households"/>.</summary>
    public long Households => Definition.FromRegister ? Definition.RegisterHouseholds.Count : Options.Households;

    internal ParameterValues Parameters { get; }

    private ContentHash? ComputeRunKey()
    {
        using var h = new ContentHasher();
        h.Tag("socinv.household-run/1");
        if (!HashDefinition(h, Definition, Strategies))
        {
            return null;
        }

        h.Tag("parameters").Add(Parameters.AsSpan());
        h.Tag("options").Add(Options.Seed).Add(Options.Draw).Add(Households).Add(Options.BlockSize).Add(Perspectives.Count);
        foreach (var p in Perspectives)
        {
            h.Add(p.Name).Add(p.Coefficients(Model.Accounts));
        }

        return h.Finish();
    }

    /// <summary>
    /// Adds what identifies a household definition and the strategies run on it to
    /// <paramref name="h"/>: the model's definition hash, roles, templates or register households,
    /// links, flows, family payer, size, death states, the definition's strategies and
    /// <paramref name="strategies"/>. False (nothing meaningful added) when the definition cannot be
    /// keyed: its model has no definition hash, or a member strategy is not the model's.
    /// </summary>
    internal static bool HashDefinition(ContentHasher h, HouseholdDefinition d, IReadOnlyList<HouseholdStrategy> strategies)
    {
        if (d.Model.DefinitionHash is not { } model || strategies.Concat(d.Strategies).Any(s => !ReferenceEquals(s.MemberStrategy, Strategy.BusinessAsUsual) && !d.Model.Strategies.Contains(s.MemberStrategy)))
        {
            return false;
        }

        h.Add(model);
        h.Tag("roles").Add(d.Roles.Count);
        foreach (var r in d.Roles)
        {
            h.Add(r.Name).Add(r.AgeOut?.Age).Add(r.AgeOut?.BecomesRole);
        }

        h.Tag("kinds").Add(d.FromRegister).Add(d.Kinds.Count);
        foreach (var k in d.Kinds)
        {
            h.Add(k.Name).Add(k.Weight).Add(k.Members.Count);
            foreach (var m in k.Members)
            {
                h.Add(m.Role).Add(m.Starts.Count);
                foreach (var st in m.Starts)
                {
                    h.Add(st.Age).Add(st.State).Add(st.Weight);
                }
            }
        }

        h.Tag("links").Add(d.Links.Count);
        foreach (var l in d.Links)
        {
            h.Add(l.Role).Add(l.From).Add(l.To).Add(l.HazardRatio).Add(l.While.ToString()).Add(l.Parameter);
        }

        h.Tag("flows").Add(d.Flows.Count);
        foreach (var f in d.Flows)
        {
            Account(h, f.Account).Add(f.Name).Add(f.AmountPerCycle).Add(f.While?.ToString()).Add(f.Parameter);
        }

        h.Tag("family").Add(d.FamilyPayer.Name).Add(d.FamilyPayer.IsPublic).Add(d.FamilyPayer.Parent).Add(d.Size).Add(d.DeathStates.Count);
        foreach (var x in d.DeathStates)
        {
            h.Add(x);
        }

        HashStrategies(h, "definition-strategies", d.Strategies);
        HashStrategies(h, "strategies", strategies);
        return true;

        static ContentHasher Account(ContentHasher h, Account a) => h.Add(a.Payer.Name).Add(a.Sector.Name).Add((int)a.Kind);

        static void HashStrategies(ContentHasher h, string tag, IReadOnlyList<HouseholdStrategy> list)
        {
            h.Tag(tag).Add(list.Count);
            foreach (var s in list)
            {
                h.Add(s.Name).Add(s.MemberStrategy.Name).Add(s.Interventions.Count);
                foreach (var iv in s.Interventions)
                {
                    h.Add(iv.Name).Add(iv.Eligible.ToString()).Add(iv.Uptake).Add(iv.UptakeParameter).Add(iv.DurationCycles)
                        .Add(iv.FamilyHoursPerCycle).Add(iv.FamilyValuePerHour).Add(iv.FamilySector.Name).Add(iv.Effects.Count).Add(iv.Costs.Count);
                    foreach (var e in iv.Effects)
                    {
                        h.Add(e.Role).Add(e.From).Add(e.To).Add(e.HazardRatio).Add(e.Parameter);
                    }

                    foreach (var c in iv.Costs)
                    {
                        Account(h, c.Account).Add(c.AmountPerCycle).Add(c.Parameter);
                    }
                }
            }
        }
    }

    internal int B { get; }

    internal int N { get; }

    internal int T { get; }

    internal int P { get; }

    internal int O { get; }

    internal int S { get; }

    internal int A { get; }

    internal int R { get; }

    internal int MaxMembers { get; }

    internal double CycleLength { get; }

    internal Dictionary<string, int> RoleIndex { get; }

    internal double[] AgeOutAge { get; }

    internal int[] AgeOutRole { get; }

    internal bool[] IsDeath { get; }

    internal KindPlan[] Kinds { get; }

    internal double[] KindCum { get; }

    internal SourcePlan[] Sources { get; }

    internal CompiledCondition[] Conditions { get; }

    internal int[] FlowCondition { get; }

    internal int[] FlowLedger { get; }

    internal double[] FlowAmount { get; }

    internal double[][] FlowScore { get; }

    internal HouseholdArmPlan[] Arms { get; }

    internal double[] StateWeights { get; }

    internal double[]? PreviousWeights { get; }

    internal double[] CostDiscount { get; }

    internal double[] OutcomeDiscount { get; }

    /// <summary>The score table [t][score] of amounts per household-cycle booked to accounts: Σ coefficient × amount × (w_t·df_t + r_t·df_{t−1}), the weighting of a state flow.</summary>
    private double[] ScoreTable(double[][] coef, (int Account, double Amount)[] amounts)
    {
        var table = new double[(T + 1) * S];
        for (var t = 0; t <= T; t++)
        {
            var rt = PreviousWeights is not null && t > 0 ? PreviousWeights[t] : 0.0;
            for (var p = 0; p < P; p++)
            {
                var v = 0.0;
                foreach (var (account, amount) in amounts)
                {
                    v += coef[p][account] * amount;
                }

                table[(t * S) + p] = (StateWeights[t] * CostDiscount[t] * v) + (rt == 0 ? 0 : rt * CostDiscount[t - 1] * v);
            }
        }

        return table;
    }

    private CompiledCondition CompileCondition(HouseholdCondition c)
    {
        var states = new bool[B];
        foreach (var s in c.States)
        {
            states[Model.StateIndex(s)] = true;
        }

        return new CompiledCondition(c.Kind, c.Role is { } r ? RoleIndex[r] : -1, states, [.. c.Parts.Select(CompileCondition)]);
    }
}

/// <summary>One household template (or register household): each member's start source and role.</summary>
internal sealed record KindPlan(int[] Source, int[] Role);

/// <summary>A member start distribution compiled for every strategy: the individual microsimulation's tables and the sub-cohorts' start ages, per strategy.</summary>
internal sealed record SourcePlan(ArmPlan[] Arms, double[][] StartAge);

/// <summary>A hazard ratio on a role's transition, gated by a condition (links) or by an intervention being active.</summary>
internal sealed record LinkedEffect(int Role, int From, int To, double HazardRatio, int Condition, int Intervention);

/// <summary>A household intervention compiled: eligibility, uptake stream, active cycles, ledger amounts and score values per active household-cycle.</summary>
internal sealed record InterventionPlan(string Name, int Eligible, double Uptake, int ActiveCycles, int Stream, (int Ledger, double Amount)[] Costs, double[] Score);

/// <summary>The tables of one household strategy.</summary>
internal sealed record HouseholdArmPlan(HouseholdStrategy Strategy, InterventionPlan[] Interventions, LinkedEffect[][] EffectsByRoleState, bool HasEffects);

/// <summary>A condition with roles and states resolved to indices.</summary>
internal sealed record CompiledCondition(HouseholdConditionKind Kind, int Role, bool[] States, CompiledCondition[] Parts)
{
    /// <summary>Evaluates the condition on a household: members' base states, roles and whether each counts (present and alive).</summary>
    public bool Holds(ReadOnlySpan<int> state, ReadOnlySpan<int> role, ReadOnlySpan<bool> living)
    {
        switch (Kind)
        {
            case HouseholdConditionKind.Always:
                return true;
            case HouseholdConditionKind.And:
                foreach (var p in Parts)
                {
                    if (!p.Holds(state, role, living))
                    {
                        return false;
                    }
                }

                return true;
            case HouseholdConditionKind.Or:
                foreach (var p in Parts)
                {
                    if (p.Holds(state, role, living))
                    {
                        return true;
                    }
                }

                return false;
            default:
                var any = false;
                var all = true;
                for (var m = 0; m < state.Length; m++)
                {
                    if (!living[m] || (Role >= 0 && role[m] != Role))
                    {
                        continue;
                    }

                    if (States[state[m]])
                    {
                        any = true;
                    }
                    else
                    {
                        all = false;
                    }
                }

                return Kind switch
                {
                    HouseholdConditionKind.Any => any,
                    HouseholdConditionKind.None => !any,
                    _ => all,
                };
        }
    }
}
