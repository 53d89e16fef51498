using System.Globalization;

namespace SocialInvestment.Model;

/// <summary>
/// The staged evaluation of a model's definitions into dense tables, owned by the Model layer so
/// that the builder's value check (<see cref="LifeCourseModelBuilder.Build"/>) and the engine's
/// compiler (<c>SocialInvestment.Engine.ModelCompiler</c>) run the same code: the state space
/// (<see cref="StateSpace"/>), counting and discounting (<see cref="TimeWeights"/>), the population
/// split into sub-cohorts (<see cref="Compilation.PlanSubcohorts()"/>), and per sub-cohort the
/// transition rows (<see cref="TransitionRowKernel"/> through
/// <see cref="SubcohortCompiler.TransitionRow(int, int, Span{double})"/>), the flow tables
/// (<see cref="SubcohortCompiler.StateCell(int, int, Span{double}, Span{double})"/>, <see cref="SubcohortCompiler.Upfront"/>) and the event
/// tables (<see cref="EventTable"/>, <see cref="SubcohortCompiler.Events"/>).
/// </summary>
internal static class CompilationStages
{
    /// <summary>
    /// Evaluates every stage for one strategy at the given parameter values and returns the
    /// compilation with its sub-cohorts, or null with the problems found (value problems: rows not
    /// summing to one, negative probabilities, non-finite amounts). With a recorder, also records the
    /// parameters every compiled block reads (<see cref="CompiledDependence"/>).
    /// </summary>
    public static (Compilation Compilation, Subcohort[] Subcohorts)? Evaluate(LifeCourseModel model, Strategy strategy, ParameterValues parameters, List<ValidationProblem> problems, DependenceRecorder? recorder)
    {
        var c = Compilation.Start(model, strategy, parameters, problems, recorder);
        if (c is null)
        {
            return null;
        }

        var subcohorts = new List<Subcohort>();
        foreach (var plan in c.PlanSubcohorts())
        {
            subcohorts.Add(new SubcohortCompiler(c, plan).Compile());
        }

        return problems.Count > 0 ? null : (c, [.. subcohorts]);
    }
}

/// <summary>One sub-cohort to compile: its start age, treatment pattern and initial occupancy.</summary>
/// <param name="StartAge">Start age.</param>
/// <param name="Mask">Bit i set when intervention i of the strategy acts on it.</param>
/// <param name="Initial">Initial occupancy over expanded states, scaled by the population size.</param>
/// <param name="Mass">The sum of <paramref name="Initial"/>.</param>
internal sealed record SubcohortPlan(double StartAge, int Mask, double[] Initial, double Mass);

/// <summary>What a compilation shares between its stages and sub-cohorts (the model's structure resolved to indices once, the time weights, the strategy's uptakes).</summary>
internal sealed class Compilation
{
    private readonly HashSet<string> _reported = new(StringComparer.Ordinal);
    private bool[]? _eligible;
    private double[]? _planScratch;

    private Compilation(LifeCourseModel model, Strategy strategy, ParameterValues parameters, List<ValidationProblem> problems, DependenceRecorder? recorder)
    {
        Model = model;
        Dt = model.Options.CycleLengthYears;
        Strategy = strategy;
        _splitIsFixed = strategy.Interventions.All(i => i.UptakeMode == UptakeMode.MeanEffect);
        Parameters = parameters;
        Problems = problems;
        Recorder = recorder;
        Space = StateSpace.Of(model);
        Rows = TransitionRowKernel.ForModel(model);
        OutcomeIndex = model.Outcomes.Select((o, i) => (o.Name, i)).ToDictionary(x => x.Name, x => x.i, StringComparer.Ordinal);
        ReportAction = Report;
        var B = Space.BaseCount;
        Destinations = new int[Space.Count * B];
        for (var x = 0; x < Space.Count; x++)
        {
            for (var j = 0; j < B; j++)
            {
                Destinations[(x * B) + j] = Space.Destination(x, j, model);
            }
        }
    }

    /// <summary><see cref="StateSpace.Destination"/> of every (expanded x, base j), at <c>x·B + j</c>.</summary>
    public int[] Destinations { get; }

    /// <summary><see cref="Report"/> as a delegate, allocated once.</summary>
    public ProblemReport ReportAction { get; }

    public LifeCourseModel Model { get; }

    public Strategy Strategy { get; }

    /// <summary>The parameter values compiled (tracked when a recorder is set).</summary>
    public ParameterValues Parameters { get; private set; }

    public List<ValidationProblem> Problems { get; }

    public DependenceRecorder? Recorder { get; }

    public StateSpace Space { get; }

    public TransitionRowKernel[] Rows { get; }

    public Dictionary<string, int> OutcomeIndex { get; }

    public TimeWeights Time { get; private set; } = null!;

    public EventTable Events { get; private set; } = null!;

    public double[] PriceFactor { get; private set; } = [];

    /// <summary>Occupancy flows of each base state: (flow index, account index).</summary>
    public List<(int Flow, int Account)>[] FlowsByState { get; private set; } = [];

    /// <summary>Occupancy outcomes of each base state.</summary>
    public List<(ModelFunction Value, int Outcome, string Name, string State)>[] OutcomesByState { get; private set; } = [];

    /// <summary>Uptake of each of the strategy's interventions.</summary>
    public double[] Uptake { get; private set; } = [];

    /// <summary>The population's state distribution per start age.</summary>
    public (double Age, double[] Dist)[] ByAge { get; private set; } = [];

    public int T => Model.Options.Cycles;

    /// <summary>The cycle length in years (<see cref="SimulationOptions.CycleLengthYears"/>, read once: the model is immutable).</summary>
    public double Dt { get; }

    public int N => Space.Count;

    public int A => Model.Accounts.Count;

    public int L => 2 * A;

    public int O => Model.Outcomes.Count;

    /// <summary>Records a problem once per subject, with its machine-readable target and, where known, the cycle and age.</summary>
    public void Report(ProblemSubject target, string subject, string message, int? cycle = null, double? age = null)
    {
        if (_reported.Add(subject))
        {
            Problems.Add(new ValidationProblem(target, subject, message) { Cycle = cycle, Age = age });
        }
    }

    /// <summary>Checks the parameters and the strategy, then builds the stages that do not depend on the sub-cohort. Null (after reporting) when the inputs are invalid.</summary>
    public static Compilation? Start(LifeCourseModel model, Strategy strategy, ParameterValues parameters, List<ValidationProblem> problems, DependenceRecorder? recorder)
    {
        var c = new Compilation(model, strategy, parameters, problems, recorder);
        if (parameters.Count != model.Parameters.Count)
        {
            c.Report(ProblemSubject.Of(ProblemKind.Parameter), "parameters", $"Expected {model.Parameters.Count} parameter values, got {parameters.Count}.");
            return null;
        }

        c.CheckParameters();
        var interventions = strategy.Interventions;
        if (interventions.Count > LifeCourseModelBuilder.MaxInterventionsPerStrategy)
        {
            c.Report(ProblemSubject.Strategy(strategy.Name), $"strategy '{strategy.Name}'", $"A strategy may combine at most {LifeCourseModelBuilder.MaxInterventionsPerStrategy} interventions.");
            return null;
        }

        if (recorder is not null)
        {
            c.Parameters = recorder.Track(parameters);
        }

        c.EvaluateStrategy();
        if (problems.Count > 0)
        {
            return null;
        }

        c.Time = TimeWeights.Of(model.Options);
        c.BuildPopulation();
        c.BuildFlowIndex();
        c.Events = EventTable.Of(c);
        return c;
    }

    /// <summary>
    /// Re-targets the compilation at other parameter values of the same length (a PSA draw): clears
    /// the problems, checks the values and re-evaluates the uptakes. False (with problems) when invalid.
    /// </summary>
    public bool Rebind(ParameterValues parameters)
    {
        Problems.Clear();
        _reported.Clear();
        Parameters = parameters;
        CheckParameters();

        // The effects' scalings and the costs' accounts do not depend on the values: Start checked them (a
        // compilation exists only when they passed), so a rebind re-evaluates the uptakes alone.
        EvaluateStrategy(checkStructure: false);
        return Problems.Count == 0;
    }

    private void CheckParameters()
    {
        for (var i = 0; i < Parameters.Count; i++)
        {
            if (!double.IsFinite(Parameters[i]))
            {
                Report(ProblemSubject.Parameter(Model.Parameters[i].Name), $"parameter '{Model.Parameters[i].Name}'", $"The value must be finite (got {Parameters[i]}).");
            }
        }
    }

    /// <summary>The strategy's uptakes, and (<paramref name="checkStructure"/>) checks of its effects and costs.</summary>
    private void EvaluateStrategy(bool checkStructure = true)
    {
        var interventions = Strategy.Interventions;
        var k = interventions.Count;
        if (Uptake.Length != k)
        {
            Uptake = new double[k];
        }

        for (var i = 0; i < k; i++)
        {
            Uptake[i] = interventions[i].Uptake.Evaluate(Parameters);
            if (!(Uptake[i] >= 0 && Uptake[i] <= 1))
            {
                Report(ProblemSubject.Intervention(interventions[i].Name), $"intervention '{interventions[i].Name}' uptake", $"Uptake must lie in [0, 1] (got {Uptake[i]}).");
            }

            if (!checkStructure)
            {
                continue;
            }

            var effects = interventions[i].TransitionEffects;
            for (var j = 0; j < effects.Count; j++)
            {
                var e = effects[j];
                if (!Enum.IsDefined(e.Scaling))
                {
                    Report(ProblemSubject.InterventionEffect(interventions[i].Name, e.From, e.To), $"intervention '{interventions[i].Name}' effect on {e.From} → {e.To}", $"Unknown effect scaling {(int)e.Scaling}; use EffectScaling.Power or EffectScaling.Linear.");
                }
            }

            var costs = interventions[i].Costs;
            for (var j = 0; j < costs.Count; j++)
            {
                var cost = costs[j];
                if (Model.AccountIndex(cost.Account) < 0)
                {
                    Report(ProblemSubject.Intervention(interventions[i].Name), $"intervention '{interventions[i].Name}' cost", $"Account {cost.Account} is not known to the model; register the strategy with AddStrategy so its accounts are included.");
                }
            }
        }
    }

    private void BuildPopulation()
    {
        var B = Space.BaseCount;
        var totalWeight = Model.Population.Groups.Sum(g => g.Weight);
        ByAge = Model.Population.Groups
            .GroupBy(g => g.StartAge)
            .OrderBy(g => g.Key)
            .Select(g =>
            {
                var dist = new double[B];
                foreach (var pg in g)
                {
                    dist[Model.StateIndex(pg.State)] += pg.Weight / totalWeight;
                }

                return (Age: g.Key, Dist: dist);
            })
            .ToArray();
    }

    private void BuildFlowIndex()
    {
        var B = Space.BaseCount;
        var flows = Model.Flows;
        PriceFactor = new double[flows.Count];
        for (var i = 0; i < flows.Count; i++)
        {
            PriceFactor[i] = 1.0;
            if (flows[i].PriceYear is int py && Model.PriceYear is int mpy && Model.PriceIndex is { } index)
            {
                PriceFactor[i] = PriceIndexing.Factor(index, py, mpy);
            }
        }

        // Occupancy flows and outcomes grouped by state, with their ledger/outcome index resolved once;
        // each state's list sized exactly (a state of a large table holds a flow per row).
        var perState = new int[B];
        for (var fi = 0; fi < flows.Count; fi++)
        {
            if (flows[fi].Trigger == FlowTrigger.StateOccupancy)
            {
                perState[Model.StateIndex(flows[fi].FromState!)]++;
            }
        }

        FlowsByState = new List<(int Flow, int Account)>[B];
        OutcomesByState = new List<(ModelFunction Value, int Outcome, string Name, string State)>[B];
        for (var b = 0; b < B; b++)
        {
            FlowsByState[b] = new(perState[b]);
            OutcomesByState[b] = [];
        }

        for (var fi = 0; fi < flows.Count; fi++)
        {
            if (flows[fi].Trigger == FlowTrigger.StateOccupancy)
            {
                FlowsByState[Model.StateIndex(flows[fi].FromState!)].Add((fi, Model.AccountIndex(flows[fi].Account)));
            }
        }

        foreach (var od in Model.OutcomeDefinitions)
        {
            if (od.Trigger == FlowTrigger.StateOccupancy)
            {
                OutcomesByState[Model.StateIndex(od.FromState!)].Add((od.Value, OutcomeIndex[od.Outcome.Name], od.Outcome.Name, od.FromState!));
            }
        }
    }

    /// <summary>
    /// The population split: per start age, one sub-cohort per treatment pattern with mass (a
    /// mean-effect intervention is taken by every eligible person, at the weight of its uptake); every
    /// start age keeps at least its untreated block.
    /// </summary>
    public List<SubcohortPlan> PlanSubcohorts() => PlanSubcohorts(null);

    /// <summary>
    /// <see cref="PlanSubcohorts()"/> into reusable storage: <paramref name="reuse"/> (a list this method
    /// returned before, or null for a new one) is cleared and refilled with the same plans; a plan at the
    /// same position with the same start age and mask reuses its initial array (overwritten) and, when the
    /// mass is the same number, the plan itself, so a PSA draw that leaves the split alone allocates nothing
    /// (an empty pattern, skipped, is worked out in scratch storage).
    /// The plans returned before are then no longer valid, except where no drawn value reaches the split (every
    /// intervention of the strategy <see cref="UptakeMode.MeanEffect"/>: the uptakes weigh the effects and costs,
    /// not the split; the population and start ages are the model's): then <paramref name="reuse"/>, when it is the
    /// list this compilation returned last, is returned as it is, the same plans.
    /// </summary>
    public List<SubcohortPlan> PlanSubcohorts(List<SubcohortPlan>? reuse)
    {
        if (reuse is not null && ReferenceEquals(reuse, _fixedSplit))
        {
            return reuse;
        }

        var plans = Split(reuse);
        _fixedSplit = _splitIsFixed ? plans : null;
        return plans;
    }

    /// <summary>The last list <see cref="PlanSubcohorts(List{SubcohortPlan})"/> returned when no drawn value reaches the split; null otherwise.</summary>
    private List<SubcohortPlan>? _fixedSplit;

    /// <summary>Whether no drawn value reaches the split: every intervention of the strategy is mean-effect.</summary>
    private readonly bool _splitIsFixed;

    private List<SubcohortPlan> Split(List<SubcohortPlan>? reuse)
    {
        var states = Model.States;
        var interventions = Strategy.Interventions;
        var k = interventions.Count;
        var B = Space.BaseCount;
        var plans = reuse ?? [];
        var previous = plans.Count;
        var at = 0;
        var eligible = _eligible ??= EligibleByAge();
        var ageIndex = -1;
        foreach (var (age, dist) in ByAge)
        {
            ageIndex++;
            for (var mask = 0; mask < (1 << k); mask++)
            {
                var old = at < previous ? plans[at] : null;
                var same = old is not null && old.StartAge == age && old.Mask == mask;
                // A new pattern is worked out in a scratch row and copied only if it is kept (an empty pattern is
                // skipped, as every draw skips it: no array per draw for it).
                var initial = same ? old!.Initial : (_planScratch ??= new double[N]);
                Array.Clear(initial);

                var mass = 0.0;
                for (var s = 0; s < B; s++)
                {
                    if (dist[s] == 0)
                    {
                        continue;
                    }

                    var p = 1.0;
                    for (var i = 0; i < k; i++)
                    {
                        var e = eligible[(((ageIndex * B) + s) * k) + i] ? (interventions[i].UptakeMode == UptakeMode.MeanEffect ? 1.0 : Uptake[i]) : 0.0;
                        p *= (mask & (1 << i)) != 0 ? e : 1 - e;
                    }

                    initial[Space.EntryOf[s]] = Model.Population.Size * dist[s] * p;
                    mass += initial[Space.EntryOf[s]];
                }

                // Empty treatment patterns are skipped, but every start age keeps at least its untreated block.
                if (mass <= 0 && !(mask == (1 << k) - 1 && !HasAge(plans, at, age)))
                {
                    continue;
                }

                var plan = same && old!.Mass.Equals(mass) ? old : new SubcohortPlan(age, mask, same ? initial : [.. initial], mass);
                if (at < plans.Count)
                {
                    plans[at] = plan;
                }
                else
                {
                    plans.Add(plan);
                }

                at++;
            }
        }

        plans.RemoveRange(at, plans.Count - at);
        return plans;
    }

    /// <summary>
    /// Per start age (of <see cref="ByAge"/>), base state and intervention of the strategy, whether the
    /// intervention is open to a person of that state and age (<c>[(age·B + s)·k + i]</c>); the model and the
    /// strategy are immutable, so it is computed once for every split.
    /// </summary>
    private bool[] EligibleByAge()
    {
        var states = Model.States;
        var interventions = Strategy.Interventions;
        var k = interventions.Count;
        var B = Space.BaseCount;
        var eligible = new bool[ByAge.Length * B * k];
        for (var a = 0; a < ByAge.Length; a++)
        {
            for (var s = 0; s < B; s++)
            {
                for (var i = 0; i < k; i++)
                {
                    eligible[(((a * B) + s) * k) + i] = Eligible(interventions[i], states[s], ByAge[a].Age);
                }
            }
        }

        return eligible;
    }

    /// <summary>True when one of the first <paramref name="count"/> plans starts at <paramref name="age"/>.</summary>
    private static bool HasAge(List<SubcohortPlan> plans, int count, double age)
    {
        for (var i = 0; i < count; i++)
        {
            if (plans[i].StartAge == age)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Per expanded state, the expanded destinations its row can reach under any parameter values (every other entry is exactly 0), ascending.</summary>
    public int[][] Columns()
    {
        var columns = new int[N][];
        for (var x = 0; x < N; x++)
        {
            var row = Rows[Space.BaseOf[x]];
            columns[x] = [.. row.Structure(Model, Strategy.Interventions).Select(j => row.IsAbsorbing ? x : Space.Destination(x, j, Model)).Distinct().Order()];
        }

        return columns;
    }

    /// <summary>Per expanded state, the ledger cells its occupancy flows and intervention costs can book to (every other cell is exactly 0), ascending.</summary>
    public int[][] Cells()
    {
        var cells = new int[N][];
        for (var x = 0; x < N; x++)
        {
            var b = Space.BaseOf[x];
            var state = Model.States[b];
            var set = new SortedSet<int>(FlowsByState[b].Select(f => f.Account));
            foreach (var iv in Strategy.Interventions)
            {
                foreach (var cost in iv.Costs)
                {
                    if (cost.Timing == CostTiming.PerCycle && !(state.IsAbsorbing && cost.States is null) && (cost.States is null || cost.States.Contains(state.Name)))
                    {
                        set.Add(A + Model.AccountIndex(cost.Account));
                    }
                }
            }

            cells[x] = [.. set];
        }

        return cells;
    }

    private static bool Eligible(Intervention iv, State state, double age)
        => !state.IsAbsorbing
           && (iv.EligibleStates is null || iv.EligibleStates.Contains(state.Name))
           && age >= iv.MinAge && age <= iv.MaxAge;
}

/// <summary>
/// Compiler stage 4, the structure of the event tables: every transition-event flow and outcome
/// expanded to its (from, to) pairs of expanded states, with its ledger cell or outcome index.
/// Independent of the sub-cohort and the parameters.
/// </summary>
internal sealed class EventTable
{
    public required int[] From { get; init; }

    public required int[] To { get; init; }

    public required int[] Ledger { get; init; }

    public required (ModelFunction F, double Price, double Growth, string Subject, int Flow)[] Flows { get; init; }

    public required int[] OutcomeFrom { get; init; }

    public required int[] OutcomeTo { get; init; }

    public required int[] OutcomeIndex { get; init; }

    public required ModelFunction[] Outcomes { get; init; }

    public static EventTable Of(Compilation c)
    {
        var model = c.Model;
        var evFrom = new List<int>();
        var evTo = new List<int>();
        var evLedger = new List<int>();
        var evDefs = new List<(ModelFunction F, double Price, double Growth, string Subject, int Flow)>();
        var oeFrom = new List<int>();
        var oeTo = new List<int>();
        var oeIndex = new List<int>();
        var oeDefs = new List<ModelFunction>();
        var flows = model.Flows;
        for (var fi = 0; fi < flows.Count; fi++)
        {
            var f = flows[fi];
            if (f.Trigger != FlowTrigger.TransitionEvent)
            {
                continue;
            }

            foreach (var (x, y) in Pairs(c, f.FromState, f.ToState!))
            {
                evFrom.Add(x);
                evTo.Add(y);
                evLedger.Add(model.AccountIndex(f.Account));
                evDefs.Add((f.Amount, c.PriceFactor[fi], f.RealGrowth, $"flow {f.Account} on {f.FromState ?? "any"} → {f.ToState}", fi));
            }
        }

        foreach (var od in model.OutcomeDefinitions)
        {
            if (od.Trigger != FlowTrigger.TransitionEvent)
            {
                continue;
            }

            foreach (var (x, y) in Pairs(c, od.FromState, od.ToState!))
            {
                oeFrom.Add(x);
                oeTo.Add(y);
                oeIndex.Add(c.OutcomeIndex[od.Outcome.Name]);
                oeDefs.Add(od.Value);
            }
        }

        return new EventTable
        {
            From = [.. evFrom],
            To = [.. evTo],
            Ledger = [.. evLedger],
            Flows = [.. evDefs],
            OutcomeFrom = [.. oeFrom],
            OutcomeTo = [.. oeTo],
            OutcomeIndex = [.. oeIndex],
            Outcomes = [.. oeDefs],
        };
    }

    private static IEnumerable<(int X, int Y)> Pairs(Compilation c, string? from, string to)
    {
        var model = c.Model;
        var space = c.Space;
        var j = model.StateIndex(to);
        for (var x = 0; x < space.Count; x++)
        {
            var b = space.BaseOf[x];
            if (from is null ? b == j : model.StateIndex(from) != b)
            {
                continue;
            }

            yield return (x, space.Destination(x, j, model));
        }
    }
}

/// <summary>
/// The stages that depend on the sub-cohort, one block at a time: a transition row of a cycle and
/// expanded state (stage 2), the flow and outcome cells of a trace point and expanded state and the
/// upfront costs (stage 3), the event amounts of a cycle (stage 4). Each block method overwrites its
/// block completely, so a PSA can recompute only the blocks a draw changes.
/// </summary>
internal sealed class SubcohortCompiler
{
    private const double Tolerance = 1e-9;
    private readonly Compilation _c;
    private readonly Intervention[] _active;
    private readonly int[] _activeIndex;
    private readonly double[] _weights;
    private ParameterValues[] _paramsAt;
    private (int Active, int Cell, Quantity Amount)[]? _upfrontCosts;
    private double _upfrontAge;

    /// <summary>The values every point of <see cref="_paramsAt"/> holds (no parameter effect), or null.</summary>
    private ParameterValues? _paramsAtAll;
    private readonly bool _hasParameterEffects;
    private readonly bool _hasFlowEffects;
    private readonly bool[] _outcomeEffectIn;
    private readonly double[] _q;
    private readonly double[] _lean;
    private LeanFactorTable? _planFactors;
    private LeanFactorTable? _factorsOf;
    private int _factorsCount;
    private double[] _factorValue = [];
    private double[] _factorWeighted = [];
    private readonly double[] _outcomeBase;
    private readonly double[] _outcomeWork;
    private readonly double[] _outcomeMix;
    private readonly Action<int>? _touch;
    private readonly RowEffect[][] _effects;
    private readonly (int Active, InterventionCost Cost, int Cell)[][] _costs;
    private readonly (int Active, FlowEffect Effect)[][][] _flowEffects;
    private readonly (int Active, OutcomeEffect Effect, int Outcome)[][] _outcomeEffects;

    public SubcohortCompiler(Compilation c, SubcohortPlan plan)
    {
        _c = c;
        Plan = plan;
        var interventions = c.Strategy.Interventions;
        _activeIndex = [.. Enumerable.Range(0, interventions.Count).Where(i => (plan.Mask & (1 << i)) != 0)];
        _active = [.. _activeIndex.Select(i => interventions[i])];

        // weights[a]: the weight of active[a]'s effects and costs (1, or its uptake under UptakeMode.MeanEffect).
        _weights = [.. _activeIndex.Select(i => interventions[i].UptakeMode == UptakeMode.MeanEffect ? c.Uptake[i] : 1.0)];
        _paramsAt = ParametersAt();
        _hasParameterEffects = _active.Any(iv => iv.ParameterEffects.Count > 0);
        _paramsAtAll = _hasParameterEffects ? null : c.Parameters;
        _hasFlowEffects = _active.Any(iv => iv.FlowEffects.Count > 0);
        var states = c.Model.States;
        _outcomeEffectIn = new bool[states.Count];
        for (var b = 0; b < states.Count; b++)
        {
            _outcomeEffectIn[b] = _active.Any(iv => iv.OutcomeEffects.Any(oe => oe.State == states[b].Name));
        }

        _q = new double[states.Count];
        _lean = new double[states.Count];
        _effects = new RowEffect[states.Count][];
        for (var b = 0; b < states.Count; b++)
        {
            _effects[b] = c.Rows[b].EffectsFrom(c.Model, _active);
        }

        // The active interventions' costs, flow effects and outcome effects of each state, resolved once.
        _costs = new (int, InterventionCost, int)[states.Count][];
        _flowEffects = new (int, FlowEffect)[states.Count][][];
        _outcomeEffects = new (int, OutcomeEffect, int)[states.Count][];
        for (var b = 0; b < states.Count; b++)
        {
            var state = states[b];
            var costs = new List<(int, InterventionCost, int)>();
            var outcomeEffects = new List<(int, OutcomeEffect, int)>();
            for (var a = 0; a < _active.Length; a++)
            {
                foreach (var cost in _active[a].Costs)
                {
                    if (cost.Timing == CostTiming.PerCycle && !(state.IsAbsorbing && cost.States is null) && (cost.States is null || cost.States.Contains(state.Name)))
                    {
                        costs.Add((a, cost, c.A + c.Model.AccountIndex(cost.Account)));
                    }
                }

                foreach (var oe in _active[a].OutcomeEffects)
                {
                    if (oe.State == state.Name)
                    {
                        outcomeEffects.Add((a, oe, c.OutcomeIndex[oe.Outcome.Name]));
                    }
                }
            }

            _costs[b] = [.. costs];
            _outcomeEffects[b] = [.. outcomeEffects];
            var flows = c.FlowsByState[b];

            // No flow effect of the active interventions in this state: no array of a slot per flow
            // (a state of a large table has a flow per row, and each sub-cohort has its compiler).
            _flowEffects[b] = _hasFlowEffects && _active.Any(iv => iv.FlowEffects.Any(fe => fe.State is null || fe.State == state.Name)) ? new (int, FlowEffect)[flows.Count][] : [];
            for (var i = 0; i < _flowEffects[b].Length; i++)
            {
                var account = c.Model.Flows[flows[i].Flow].Account;
                List<(int, FlowEffect)>? list = null;  // most flows have none: no list per flow then
                for (var a = 0; a < _active.Length; a++)
                {
                    foreach (var fe in _active[a].FlowEffects)
                    {
                        if ((fe.State is null || fe.State == state.Name) && (fe.Payer is null || fe.Payer == account.Payer) && (fe.Sector is null || fe.Sector == account.Sector))
                        {
                            (list ??= []).Add((a, fe));
                        }
                    }
                }

                _flowEffects[b][i] = list is null ? [] : [.. list];
            }
        }

        _outcomeBase = new double[c.O];
        _outcomeWork = new double[c.O];
        _outcomeMix = new double[c.O];
        _touch = c.Recorder is null ? null : Touch;
    }

    public SubcohortPlan Plan { get; private set; }

    /// <summary>
    /// Re-targets the compiler at the compilation's current parameter values (after
    /// <see cref="Compilation.Rebind"/>) and a plan of the same start age and treatment pattern:
    /// the weights and the per-point parameter values are re-evaluated, the resolved structure kept.
    /// </summary>
    public void Rebind(SubcohortPlan plan)
    {
        Plan = plan;

        // The lean rows' factors read the weights and parameters: computed again by the next lean row.
        _factorsOf = null;
        var interventions = _c.Strategy.Interventions;
        for (var a = 0; a < _activeIndex.Length; a++)
        {
            var i = _activeIndex[a];
            _weights[a] = interventions[i].UptakeMode == UptakeMode.MeanEffect ? _c.Uptake[i] : 1.0;
        }

        if (_hasParameterEffects)
        {
            _paramsAt = ParametersAt();
        }
        else if (!ReferenceEquals(_paramsAtAll, _c.Parameters))
        {
            // No parameter effect: every point reads the compilation's values (a re-used array, no per-draw
            // allocation; a rebind to the same values object, a PSA lane's, leaves it as it is).
            Array.Fill(_paramsAt, _c.Parameters);
            _paramsAtAll = _c.Parameters;
        }
    }

    /// <summary>The strategy's intervention indices acting on this sub-cohort.</summary>
    public int[] ActiveIndex => _activeIndex;

    /// <summary>The weight of each active intervention's effects and costs at the current parameter values: 1, or its uptake under <see cref="UptakeMode.MeanEffect"/>.</summary>
    public ReadOnlySpan<double> Weights => _weights;

    /// <summary>The cycle length in years.</summary>
    public double Dt => _c.Dt;

    /// <summary>The context of the row or cell of (<paramref name="t"/>, <paramref name="x"/>) at the current parameter values, as the lean row and cell evaluate their functions in.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public ModelContext LeanContext(int t, int x) => new(t, _c.Dt, Plan.StartAge, _c.Space.TimeInStateOf[x], _paramsAt[t]);

    /// <summary>The value of parameter <paramref name="p"/> that the lean row and cell of cycle <paramref name="t"/> read (<see cref="LeanContext"/>'s), without recording the read.</summary>
    public double LeanParameter(int t, int p) => _paramsAt[t].Untracked(p);

    /// <summary>Compiles every block.</summary>
    public Subcohort Compile()
    {
        var c = _c;
        int T = c.T, N = c.N, L = c.L, O = c.O;
        var P = new double[T * N * N];
        var F = new double[(T + 1) * N * L];
        var U = new double[(T + 1) * N * Math.Max(O, 1)];
        var upfront = new double[L];
        var ev = c.Events;
        var E = ev.From.Length;
        var EO = ev.OutcomeFrom.Length;
        var eventAmounts = new double[T * Math.Max(E, 1)];
        var eventOutcomes = new double[T * Math.Max(EO, 1)];
        var rec = c.Recorder;
        for (var t = 0; t < T; t++)
        {
            for (var x = 0; x < N; x++)
            {
                rec?.Begin(CompiledBlock.TransitionRow, t, x);
                TransitionRow(t, x, P.AsSpan(((t * N) + x) * N, N));
                rec?.End();
            }
        }

        for (var t = 0; t <= T; t++)
        {
            for (var x = 0; x < N; x++)
            {
                rec?.Begin(CompiledBlock.StateCell, t, x);
                StateCell(t, x, F.AsSpan(((t * N) + x) * L, L), O == 0 ? [] : U.AsSpan(((t * N) + x) * O, O));
                rec?.End();
            }
        }

        rec?.Begin(CompiledBlock.Upfront, 0, 0);
        Upfront(upfront);
        rec?.End();
        for (var t = 0; t < T; t++)
        {
            rec?.Begin(CompiledBlock.Events, t, 0);
            Events(t, eventAmounts.AsSpan(t * E, E), eventOutcomes.AsSpan(t * EO, EO));
            rec?.End();
        }

        rec?.EndSubcohort();
        return new Subcohort
        {
            StartAge = Plan.StartAge,
            TreatmentMask = Plan.Mask,
            Initial = Plan.Initial,
            P = P,
            StateFlows = F,
            StateOutcomes = U,
            EventFrom = ev.From,
            EventTo = ev.To,
            EventLedger = ev.Ledger,
            EventAmounts = eventAmounts,
            OutcomeEventFrom = ev.OutcomeFrom,
            OutcomeEventTo = ev.OutcomeTo,
            OutcomeEventIndex = ev.OutcomeIndex,
            OutcomeEventValues = eventOutcomes,
            Upfront = upfront,
        };
    }

    /// <summary>Parameter values per trace point (parameter effects follow their profile).</summary>
    private ParameterValues[] ParametersAt()
    {
        var c = _c;
        var parameters = c.Parameters;
        var paramsAt = new ParameterValues[c.T + 1];
        for (var t = 0; t <= c.T; t++)
        {
            paramsAt[t] = parameters;
            for (var a = 0; a < _active.Length; a++)
            {
                foreach (var pe in _active[a].ParameterEffects)
                {
                    // The effect's parameter then reads the base value, the target and the uptake.
                    c.Recorder?.Alias(pe.Parameter.Index, pe.Value, _c.Strategy.Interventions[_activeIndex[a]].Uptake);
                    var m = _weights[a] * pe.Profile.Multiplier(t * c.Dt);
                    var baseValue = paramsAt[t][pe.Parameter];
                    var target = pe.Value.Evaluate(parameters);
                    paramsAt[t] = paramsAt[t].With(pe.Parameter, baseValue + (m * (target - baseValue)));
                }
            }
        }

        return paramsAt;
    }

    /// <summary>Stage 2: the transition row of cycle <paramref name="t"/> from expanded state <paramref name="x"/> over expanded states (overwritten).</summary>
    public void TransitionRow(int t, int x, Span<double> row)
    {
        var c = _c;
        var model = c.Model;
        var space = c.Space;
        row.Clear();
        var b = space.BaseOf[x];
        if (model.States[b].IsAbsorbing)
        {
            row[x] = 1.0;
            return;
        }

        var ctx = new ModelContext(t, c.Dt, Plan.StartAge, space.TimeInStateOf[x], _paramsAt[t]);
        if (!c.Rows[b].Compute(model, ctx, c.Dt, _effects[b], _weights, t * c.Dt, _q, c.ReportAction, _touch))
        {
            return;
        }

        var B = _q.Length;
        var destinations = c.Destinations.AsSpan(x * B, B);
        for (var j = 0; j < B; j++)
        {
            if (_q[j] != 0)
            {
                row[destinations[j]] += _q[j];
            }
        }
    }

    /// <summary>
    /// <see cref="TransitionRow(int, int, Span{double})"/> with the row's entry values cached in
    /// <paramref name="cached"/> (one per entry of the base state's row): only the entries with their bit
    /// set in <paramref name="evaluate"/> are evaluated (see <see cref="RowEntries"/>).
    /// </summary>
    public void TransitionRow(int t, int x, Span<double> row, Span<double> cached, ulong evaluate)
    {
        var c = _c;
        var space = c.Space;
        row.Clear();
        var b = space.BaseOf[x];
        if (c.Model.States[b].IsAbsorbing)
        {
            row[x] = 1.0;
            return;
        }

        var ctx = new ModelContext(t, c.Dt, Plan.StartAge, space.TimeInStateOf[x], _paramsAt[t]);
        if (!c.Rows[b].Compute(c.Model, ctx, c.Dt, _effects[b], _weights, t * c.Dt, _q, c.ReportAction, _touch, cached, evaluate))
        {
            return;
        }

        var B = _q.Length;
        var destinations = c.Destinations.AsSpan(x * B, B);
        for (var j = 0; j < B; j++)
        {
            if (_q[j] != 0)
            {
                row[destinations[j]] += _q[j];
            }
        }
    }

    /// <summary>
    /// The lean plan (<see cref="LeanRowPlan"/>) of the row of (<paramref name="t"/>, <paramref name="x"/>)
    /// for draws that evaluate the entries of <paramref name="evaluate"/> (<see cref="RowEntries"/>) and take
    /// the others from <paramref name="cached"/>; null when the row needs the general kernel: absorbing, every
    /// entry evaluated, parameter effects among the active interventions, or an effect on probabilities that
    /// targets the row's remainder (which the general kernel reports).
    /// </summary>
    public LeanRowPlan? PlanLeanRow(int t, int x, ulong evaluate, ReadOnlySpan<double> cached)
    {
        var c = _c;
        var b = c.Space.BaseOf[x];
        var kernel = c.Rows[b];
        if (kernel.IsAbsorbing || evaluate == ulong.MaxValue || kernel.Entries.Length > 64 || _hasParameterEffects)
        {
            return null;
        }

        var context = new ModelContext(t, c.Dt, Plan.StartAge, c.Space.TimeInStateOf[x], c.Parameters);
        var age = context.Age;
        var tau = t * c.Dt;
        var onProbabilities = new List<RowEffect>();
        foreach (var re in _effects[b])
        {
            var e = re.Effect;
            if ((e.Ages is null || e.Ages.Contains(age)) && !(kernel.IsRate && e.Measure is EffectMeasure.HazardRatio or EffectMeasure.RelativeRisk))
            {
                if (re.To == kernel.Balance && kernel.RemainderTo >= 0)
                {
                    return null;
                }

                onProbabilities.Add(re);
            }
        }

        var balance = kernel.IsRate ? kernel.Balance : kernel.RemainderTo;
        var set = new SortedSet<int>(kernel.Entries.Select(e => e.To));
        if (balance >= 0)
        {
            set.Add(balance);
        }

        if (onProbabilities.Count > 0)
        {
            set.Add(kernel.Balance);
            set.UnionWith(onProbabilities.Select(re => re.To));
        }

        var slots = set.ToArray();
        var factors = _planFactors ??= new LeanFactorTable();
        var entries = new LeanRowPlan.Entry[kernel.Entries.Length];
        for (var i = 0; i < entries.Length; i++)
        {
            var (to, kind, f) = kernel.Entries[i];
            var rate = kind == TransitionValueKind.Rate;
            var effects = new List<LeanRowPlan.Effect>();
            foreach (var re in _effects[b])
            {
                var e = re.Effect;
                if (rate && re.To == to && e.Measure is EffectMeasure.HazardRatio or EffectMeasure.RelativeRisk && (e.Ages is null || e.Ages.Contains(age)))
                {
                    var m = e.Profile.Multiplier(tau);
                    effects.Add(new LeanRowPlan.Effect(re.Active, e.Size, m, e.Scaling, factors.IndexOf(re.Active, e.Size, m, e.Scaling, false)));
                }
            }

            var evaluated = (evaluate & (1UL << i)) != 0;
            var (parameter, sa, sb) = evaluated ? ScaledForm.Of(f, in context) : (-1, 0.0, 0.0);
            entries[i] = new LeanRowPlan.Entry(Array.IndexOf(slots, to), rate, evaluated, evaluated ? 0 : cached[i], f, [.. effects], parameter, sa, sb);
        }

        var B = c.Space.BaseCount;
        var probabilityEffects = new LeanRowPlan.ProbabilityEffect[onProbabilities.Count];
        for (var i = 0; i < probabilityEffects.Length; i++)
        {
            var (active, _, e, to) = onProbabilities[i];
            var m = e.Profile.Multiplier(tau);
            var factor = factors.IndexOf(active, e.Size, m, e.Scaling, e.Measure is not (EffectMeasure.RelativeRisk or EffectMeasure.HazardRatio or EffectMeasure.OddsRatio));
            probabilityEffects[i] = new LeanRowPlan.ProbabilityEffect(active, Array.IndexOf(slots, to), e.Measure, e.Balance, e.Size, m, e.Scaling, factor);
        }

        return new LeanRowPlan(t, x, kernel.IsRate, balance >= 0 ? Array.IndexOf(slots, balance) : -1, [.. slots.Select(j => c.Destinations[(x * B) + j])], entries, onProbabilities.Count > 0 ? Array.IndexOf(slots, kernel.Balance) : -1, probabilityEffects, factors);
    }

    /// <summary>
    /// The row of a <see cref="LeanRowPlan"/> at the current parameter values, into <paramref name="row"/>
    /// (over expanded states; only the plan's destinations are written, the others are 0 in every
    /// compilation of the row): the evaluated entries through their functions, the cached ones from the
    /// plan, then the hazard-ratio and relative-risk effects on rates, the competing risks or the remainder,
    /// the effects on probabilities, and the checks and clamping of <see cref="TransitionRowKernel"/>, the same operations in the same order as
    /// <see cref="TransitionRow(int, int, Span{double}, Span{double}, ulong)"/>, so the row is the same
    /// number for number. Returns false, reporting nothing and leaving the row unspecified, when a value or
    /// the row fails a check; the caller then computes the row with the general kernel, which reports it.
    /// </summary>
    public bool LeanRow(LeanRowPlan r, Span<double> row)
    {
        var c = _c;
        var dt = c.Dt;
        var expanded = r.Expanded;
        var q = _lean.AsSpan(0, expanded.Length);
        q.Clear();
        var parameters = _paramsAt[r.T];
        var ctx = new ModelContext(r.T, dt, Plan.StartAge, c.Space.TimeInStateOf[r.X], parameters);
        if (!ReferenceEquals(r.Factors, _factorsOf) || r.Factors.Count != _factorsCount)
        {
            LeanFactors(r.Factors, _factorValue.Length >= r.Factors.Count ? _factorValue : _factorValue = new double[r.Factors.Count], _factorWeighted.Length >= r.Factors.Count ? _factorWeighted : _factorWeighted = new double[r.Factors.Count]);
            _factorsOf = r.Factors;
            _factorsCount = r.Factors.Count;
        }

        var factorValue = _factorValue;
        var factorWeighted = _factorWeighted;
        foreach (ref readonly var e in r.Entries.AsSpan())
        {
            double v;
            if (e.Evaluate)
            {
                v = e.F(in ctx);
                if (!double.IsFinite(v) || (e.IsRate ? v < 0 : v < -TransitionRowKernel.Tolerance || v > 1 + TransitionRowKernel.Tolerance))
                {
                    return false;
                }
            }
            else
            {
                v = e.Cached;
            }

            foreach (var fx in e.Effects)
            {
                v *= factorWeighted[fx.Factor];
            }

            q[e.Slot] += v;
        }

        if (r.IsRate)
        {
            var total = 0.0;
            for (var j = 0; j < q.Length; j++)
            {
                total += q[j];
            }

            // RateConversion.ToProbability(total, dt) = −expm1(−total·dt), with the exponential computed once for the stay and the move.
            var exponent = -total * dt;
            var stay = Numerics.Exp(exponent, out var expm1);
            if (total > 0)
            {
                var scale = double.IsFinite(total) ? -expm1 / total : 0.0;
                for (var j = 0; j < q.Length; j++)
                {
                    q[j] *= scale;
                }
            }

            q[r.BalanceSlot] += stay;
        }
        else if (r.BalanceSlot >= 0)
        {
            var others = 0.0;
            for (var j = 0; j < q.Length; j++)
            {
                others += q[j];
            }

            q[r.BalanceSlot] += 1 - others;
        }

        // Effects on probabilities, as the kernel applies them (destinations outside the slots are 0 and stay 0).
        foreach (ref readonly var pe in r.ProbabilityEffects.AsSpan())
        {
            var factor = factorValue[pe.Factor];
            var p = Math.Clamp(q[pe.Slot], 0, 1);
            var changed = pe.Measure switch
            {
                EffectMeasure.RelativeRisk => p * factor,
                EffectMeasure.HazardRatio => RateConversion.ApplyHazardRatio(p, factor),
                EffectMeasure.OddsRatio => RateConversion.ApplyOddsRatio(p, factor),
                _ => p + factor,
            };
            var w = _weights[pe.Active];
            if (w != 1)
            {
                changed = p + (w * (changed - p));
            }

            if (pe.Balance == EffectBalance.Proportional && p < 1)
            {
                var scale = (1 - changed) / (1 - p);
                if (!double.IsFinite(scale))
                {
                    // The kernel would also scale the zero destinations (0·∞): leave the row to it.
                    return false;
                }

                for (var j = 0; j < q.Length; j++)
                {
                    if (j != pe.Slot)
                    {
                        q[j] *= scale;
                    }
                }
            }
            else
            {
                q[r.EffectBalanceSlot] -= changed - q[pe.Slot];
            }

            q[pe.Slot] = changed;
        }

        var sum = 0.0;
        for (var j = 0; j < q.Length; j++)
        {
            if (q[j] < -TransitionRowKernel.Tolerance || q[j] > 1 + TransitionRowKernel.Tolerance || !double.IsFinite(q[j]))
            {
                return false;
            }

            q[j] = Math.Clamp(q[j], 0, 1);
            sum += q[j];
        }

        if (!TransitionRowKernel.SumsToOne(sum))
        {
            return false;
        }

        for (var j = 0; j < expanded.Length; j++)
        {
            row[expanded[j]] = 0;
        }

        for (var j = 0; j < expanded.Length; j++)
        {
            if (q[j] != 0)
            {
                row[expanded[j]] += q[j];
            }
        }

        return true;
    }

    /// <summary>
    /// The factors of <paramref name="table"/> at the current parameter values and weights (after
    /// <see cref="Rebind"/>): per factor its value into <paramref name="value"/>, the scaled ratio
    /// <c>ScaledRatio(size, m, scaling)</c> or the change <c>m·size</c>, and into <paramref name="weighted"/>
    /// what a rate multiplies by, <c>w == 1 ? factor : 1 + w·(factor − 1)</c> with <c>w</c> the active
    /// intervention's weight: the operations <see cref="TransitionRowKernel.Compute(LifeCourseModel, in ModelContext, double, RowEffect[], double[], double, Span{double}, ProblemReport, Action{int}?, Span{double}, ulong)"/>
    /// does per row, so a row reading them is unchanged bit for bit. Only for tables of this compiler's
    /// plans (no parameter effects: every point reads the compilation's parameter values).
    /// </summary>
    public void LeanFactors(LeanFactorTable table, Span<double> value, Span<double> weighted)
    {
        var parameters = _c.Parameters;
        for (var i = 0; i < table.Count; i++)
        {
            var f = table[i];
            var size = f.Size.Evaluate(parameters);
            var factor = f.IsChange ? f.M * size : TransitionRowKernel.ScaledRatio(size, f.M, f.Scaling);
            var w = _weights[f.Active];
            value[i] = factor;
            weighted[i] = w == 1 ? factor : 1 + (w * (factor - 1));
        }
    }

    /// <summary>
    /// The entries of the row of (cycle <paramref name="t"/>, expanded state <paramref name="x"/>): their
    /// values at the current parameters into <paramref name="values"/> (one per entry) and, as the
    /// result, a bit per entry that reads a parameter of <paramref name="changed"/>. All bits are set
    /// when the entries cannot be told apart: more than 64 entries, or a parameter effect among the
    /// active interventions (a parameter read then also stands for its effect's target and uptake).
    /// </summary>
    public ulong RowEntries(int t, int x, ReadOnlySpan<ulong> changed, Span<double> values)
    {
        var c = _c;
        var b = c.Space.BaseOf[x];
        var entries = c.Rows[b].Entries;
        if (entries.Length > 64 || _hasParameterEffects)
        {
            return ulong.MaxValue;
        }

        var mask = 0UL;
        var reads = new ReadSet(c.Model.Parameters.Count);
        var tracked = _paramsAt[t].Tracked(reads);
        var ctx = new ModelContext(t, c.Dt, Plan.StartAge, c.Space.TimeInStateOf[x], tracked);
        for (var i = 0; i < entries.Length; i++)
        {
            reads.Clear();
            values[i] = entries[i].F(in ctx);
            if (reads.Intersects(changed))
            {
                mask |= 1UL << i;
            }
        }

        return mask;
    }

    /// <summary>
    /// True when the row of (<paramref name="t"/>, <paramref name="x"/>) is computed the same in every
    /// strategy for this start age: no parameter effect among the active interventions and none of
    /// their transition effects from the state applies at the cycle's age (so the weights never enter).
    /// </summary>
    public bool RowIsStrategyFree(int t, int x)
    {
        if (_hasParameterEffects)
        {
            return false;
        }

        var age = Plan.StartAge + (t * _c.Dt);
        foreach (var re in _effects[_c.Space.BaseOf[x]])
        {
            if (re.Effect.Ages is not { } ages || ages.Contains(age))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// True when the flow and outcome cells of (<paramref name="t"/>, <paramref name="x"/>) are computed
    /// the same in every strategy for this start age: no parameter effect, flow effect or outcome effect
    /// of the active interventions reaches the state, and each of their per-cycle costs in it lies
    /// outside its age window at the point's age.
    /// </summary>
    public bool CellIsStrategyFree(int t, int x)
    {
        var b = _c.Space.BaseOf[x];
        if (_hasParameterEffects || _outcomeEffectIn[b] || _flowEffects[b].Any(e => e.Length > 0))
        {
            return false;
        }

        var age = Plan.StartAge + (t * _c.Dt);
        foreach (var (_, cost, _) in _costs[b])
        {
            if (cost.Ages is not { } ages || ages.Contains(age))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Stage 3: the occupancy flows (base and intervention ledger cells) and outcomes of expanded state <paramref name="x"/> at trace point <paramref name="t"/> (overwritten).</summary>
    public void StateCell(int t, int x, Span<double> flows, Span<double> outcomes) => StateCell(t, x, flows, outcomes, [], ulong.MaxValue);

    /// <summary>
    /// Which of the state's flows (<see cref="Compilation.FlowsByState"/> order) read a parameter in
    /// <paramref name="changed"/> at (<paramref name="t"/>, <paramref name="x"/>): bit i for flow i, with
    /// every flow's amount times its price factor and real growth at the current values in
    /// <paramref name="values"/>[i]. <see cref="ulong.MaxValue"/> (evaluate all, nothing cached) when the
    /// state has more than 64 flows or the active interventions have parameter effects (the values
    /// then differ per trace point).
    /// </summary>
    public ulong CellEntries(int t, int x, ReadOnlySpan<ulong> changed, Span<double> values)
    {
        var c = _c;
        var b = c.Space.BaseOf[x];
        var stateFlows = c.FlowsByState[b];
        if (stateFlows.Count > 64 || _hasParameterEffects)
        {
            return ulong.MaxValue;
        }

        var mask = 0UL;
        var reads = new ReadSet(c.Model.Parameters.Count);
        var tracked = _paramsAt[t].Tracked(reads);
        var ctx = new ModelContext(t, c.Dt, Plan.StartAge, c.Space.TimeInStateOf[x], tracked);
        var tau = t * c.Dt;
        for (var i = 0; i < stateFlows.Count; i++)
        {
            reads.Clear();
            var fi = stateFlows[i].Flow;
            var f = c.Model.Flows[fi];
            var v = f.Amount(in ctx) * c.PriceFactor[fi];
            if (f.RealGrowth != 0)
            {
                v *= Math.Pow(1 + f.RealGrowth, tau);
            }

            values[i] = v;
            if (reads.Intersects(changed))
            {
                mask |= 1UL << i;
            }
        }

        return mask;
    }

    /// <summary>
    /// The lean plan (<see cref="LeanCellPlan"/>) of the cell of (<paramref name="t"/>, <paramref name="x"/>)
    /// for draws that evaluate the flows of <paramref name="evaluate"/> (<see cref="CellEntries"/>) and keep
    /// the others at <paramref name="cached"/>; null when the cell needs the general stage: every flow
    /// evaluated (more than 64, or parameter effects), or a flow or outcome effect in the state.
    /// </summary>
    public LeanCellPlan? PlanLeanCell(int t, int x, ulong evaluate, ReadOnlySpan<double> cached)
    {
        var c = _c;
        var b = c.Space.BaseOf[x];
        if (evaluate == ulong.MaxValue || _flowEffects[b].Length > 0 || _outcomeEffectIn[b] || _hasParameterEffects)
        {
            return null;
        }

        var dt = c.Dt;
        var tau = t * dt;
        var context = new ModelContext(t, dt, Plan.StartAge, c.Space.TimeInStateOf[x], c.Parameters);
        var age = context.Age;
        var stateFlows = c.FlowsByState[b];
        var fixedFlows = new List<(int, double)>();
        var evaluated = new List<LeanCellPlan.Flow>();
        for (var i = 0; i < stateFlows.Count; i++)
        {
            var (fi, account) = stateFlows[i];
            if ((evaluate & (1UL << i)) == 0)
            {
                fixedFlows.Add((account, cached[i]));
                continue;
            }

            var f = c.Model.Flows[fi];
            var (parameter, sa, sb) = ScaledForm.Of(f.Amount, in context);
            evaluated.Add(new LeanCellPlan.Flow(account, f.Amount, c.PriceFactor[fi], f.RealGrowth != 0, f.RealGrowth != 0 ? Math.Pow(1 + f.RealGrowth, tau) : 1, parameter, sa, sb));
        }

        var costs = new List<LeanCellPlan.Cost>();
        foreach (var (a, cost, cell) in _costs[b])
        {
            if (cost.Ages is { } costAges && !costAges.Contains(age))
            {
                continue;
            }

            var share = 1.0;
            if (cost.DurationYears is double d)
            {
                share = 0.0;
                foreach (var (cycle, part) in c.Time.CycleShares[t])
                {
                    if (cycle * dt < d - Tolerance)
                    {
                        share += part;
                    }
                }

                if (share == 0)
                {
                    continue;
                }
            }

            costs.Add(new LeanCellPlan.Cost(a, cost.Amount, share, cell - c.A));
        }

        var outcomes = new LeanCellPlan.OutcomeValue[c.O == 0 ? 0 : c.OutcomesByState[b].Count];
        for (var i = 0; i < outcomes.Length; i++)
        {
            var o = c.OutcomesByState[b][i];
            var isFixed = ScaledForm.TryFixed(o.Value, in context, out var value) && double.IsFinite(value);
            var (parameter, sa, sb) = isFixed ? (-1, 0.0, 0.0) : ScaledForm.Of(o.Value, in context);
            outcomes[i] = new LeanCellPlan.OutcomeValue(o.Value, o.Outcome, isFixed, isFixed ? value : 0, parameter, sa, sb);
        }

        return new LeanCellPlan(t, x, [.. fixedFlows], [.. evaluated], [.. costs], outcomes);
    }

    /// <summary>
    /// The projected cell of a <see cref="LeanCellPlan"/> at the current parameter values into
    /// <paramref name="g"/>: <paramref name="fixedProjection"/> (the fixed flows projected onto the
    /// <paramref name="v"/> channels, <c>2·v</c> wide) plus each evaluated flow's <c>c_v(a)·amount</c> and each
    /// cost's <c>c_v(a)·weight·share·amount</c> (intervention half), and the outcomes from
    /// <paramref name="outcomeLane"/> on, summed in definition order as <see cref="StateCell(int, int, Span{double}, Span{double})"/>
    /// sums them. The flows are projected one by one instead of per account (a change of summation order,
    /// within 1e-12 relative). Returns false, reporting nothing, when a value is not finite; the caller then
    /// computes the cell with the general stage, which reports it.
    /// </summary>
    public bool LeanCell(LeanCellPlan p, ReadOnlySpan<double> fixedProjection, double[] coefByAccount, int v, int outcomeLane, Span<double> g)
    {
        var c = _c;
        fixedProjection.CopyTo(g);
        var ctx = new ModelContext(p.T, c.Dt, Plan.StartAge, c.Space.TimeInStateOf[p.X], _paramsAt[p.T]);
        foreach (ref readonly var f in p.Evaluated.AsSpan())
        {
            var amount = f.Amount(in ctx);
            if (!double.IsFinite(amount))
            {
                return false;
            }

            amount *= f.Price;
            if (f.HasGrowth)
            {
                amount *= f.Growth;
            }

            var coef = coefByAccount.AsSpan(f.Account * v, v);
            for (var j = 0; j < v; j++)
            {
                g[j] += coef[j] * amount;
            }
        }

        foreach (ref readonly var cost in p.Costs.AsSpan())
        {
            var w = _weights[cost.Active];
            var amount = (w == 1 ? cost.Share : w * cost.Share) * cost.Amount.Evaluate(_paramsAt[p.T]);
            var coef = coefByAccount.AsSpan(cost.Account * v, v);
            for (var j = 0; j < v; j++)
            {
                g[v + j] += coef[j] * amount;
            }
        }

        for (var o = 0; o < c.O; o++)
        {
            g[outcomeLane + o] = 0;
        }

        foreach (var (f, o, isFixed, fixedValue, _, _, _) in p.Outcomes)
        {
            var value = isFixed ? fixedValue : f(in ctx);
            if (!double.IsFinite(value))
            {
                return false;
            }

            g[outcomeLane + o] += value;
        }

        return true;
    }

    /// <summary>
    /// <see cref="StateCell(int, int, Span{double}, Span{double})"/> with the flows' amounts cached: flow i
    /// is evaluated when bit i of <paramref name="evaluate"/> is set, otherwise <paramref name="cached"/>[i]
    /// (its amount times price factor and real growth, from <see cref="CellEntries"/>) is its value; the
    /// flow effects, costs and outcomes are computed as always. Model functions are pure, so the cell is the
    /// same number for number. An empty <paramref name="cached"/> evaluates every flow.
    /// </summary>
    public void StateCell(int t, int x, Span<double> flows, Span<double> outcomes, ReadOnlySpan<double> cached, ulong evaluate) => StateCell(t, x, flows, outcomes, cached, evaluate, false);

    /// <summary>
    /// <see cref="StateCell(int, int, Span{double}, Span{double}, ReadOnlySpan{double}, ulong)"/>; with
    /// <paramref name="flowsAreZero"/> the caller guarantees <paramref name="flows"/> is all 0 and it is not
    /// cleared (the cell then books only to the state's structural ledger cells, <see cref="Compilation.Cells"/>,
    /// which the caller clears afterwards).
    /// </summary>
    public void StateCell(int t, int x, Span<double> flows, Span<double> outcomes, ReadOnlySpan<double> cached, ulong evaluate, bool flowsAreZero)
    {
        var useCache = !cached.IsEmpty;
        var c = _c;
        var model = c.Model;
        var states = model.States;
        var dt = c.Dt;
        var A = c.A;
        var tau = t * dt;
        var b = c.Space.BaseOf[x];
        var ctx = new ModelContext(t, dt, Plan.StartAge, c.Space.TimeInStateOf[x], _paramsAt[t]);
        var cycleShares = c.Time.CycleShares;
        if (!flowsAreZero)
        {
            flows.Clear();
        }

        outcomes.Clear();
        var stateFlows = c.FlowsByState[b];
        for (var i = 0; i < stateFlows.Count; i++)
        {
            var (fi, account) = stateFlows[i];
            double v;
            if (useCache && (evaluate & (1UL << i)) == 0)
            {
                v = cached[i];
            }
            else
            {
                var f = model.Flows[fi];
                v = f.Amount(in ctx);
                if (!double.IsFinite(v))
                {
                    c.Report(ProblemSubject.Flow(fi + 1), $"flow {f.Account} in state '{f.FromState}'", $"The amount is not a finite number ({v}) at cycle {t} (age {Fmt(ctx.Age)}).", t, ctx.Age);
                    continue;
                }

                v *= c.PriceFactor[fi];
                if (f.RealGrowth != 0)
                {
                    v *= Math.Pow(1 + f.RealGrowth, tau);
                }
            }

            if (_flowEffects[b].Length > 0)
            {
                v *= FlowEffectFactor(_flowEffects[b][i], cycleShares[t], dt, _paramsAt[t]);
            }

            flows[account] += v;
        }

        foreach (var (a, cost, cell) in _costs[b])
        {
            if (cost.Ages is { } costAges && !costAges.Contains(ctx.Age))
            {
                continue;
            }

            var share = 1.0;
            if (cost.DurationYears is double d)
            {
                // The share of this trace point's weight that lies in cycles k with k·Δt < d.
                share = 0.0;
                foreach (var (cycle, part) in cycleShares[t])
                {
                    if (cycle * dt < d - Tolerance)
                    {
                        share += part;
                    }
                }

                if (share == 0)
                {
                    continue;
                }
            }

            Touch(a);
            flows[cell] += (_weights[a] == 1 ? share : _weights[a] * share) * cost.Amount.Evaluate(_paramsAt[t]);
        }

        if (c.O == 0)
        {
            return;
        }

        foreach (var (value, o, outcomeName, stateName) in c.OutcomesByState[b])
        {
            var v = value(in ctx);
            if (!double.IsFinite(v))
            {
                c.Report(ProblemSubject.Of(ProblemKind.Outcome, outcomeName), $"outcome '{outcomeName}' in state '{stateName}'", $"The value is not a finite number ({v}) at cycle {t}.", t, ctx.Age);
                continue;
            }

            outcomes[o] += v;
        }

        if (!_outcomeEffectIn[b])
        {
            return;
        }

        // The effects in each cycle the point belongs to, mixed by the shares.
        outcomes.CopyTo(_outcomeBase);
        Array.Clear(_outcomeMix);
        foreach (var (cycle, part) in cycleShares[t])
        {
            _outcomeBase.CopyTo(_outcomeWork, 0);
            foreach (var (a, oe, o) in _outcomeEffects[b])
            {
                Touch(a);
                var m = _weights[a] * oe.Profile.Multiplier(cycle * dt);
                var value = oe.Value.Evaluate(_paramsAt[t]);
                _outcomeWork[o] = oe.Replace ? _outcomeWork[o] + (m * (value - _outcomeWork[o])) : _outcomeWork[o] + (m * value);
            }

            for (var o = 0; o < c.O; o++)
            {
                _outcomeMix[o] += part * _outcomeWork[o];
            }
        }

        _outcomeMix.AsSpan().CopyTo(outcomes);
    }

    /// <summary>Stage 3: upfront intervention costs for the whole sub-cohort, per ledger cell, at t = 0 (overwritten).</summary>
    public void Upfront(Span<double> upfront)
    {
        var c = _c;
        upfront.Clear();
        foreach (var (a, cell, amount) in UpfrontCosts())
        {
            Touch(a);
            upfront[cell] += _weights[a] * Plan.Mass * amount.Evaluate(c.Parameters);
        }
    }

    /// <summary>
    /// The upfront costs that apply to this sub-cohort (<see cref="IsUpfrontHere"/>), by active intervention and in
    /// each one's order, with their ledger cells: fixed by the start age and the treatment mask, so resolved once
    /// (a PSA rebinds the compiler every draw).
    /// </summary>
    private (int Active, int Cell, Quantity Amount)[] UpfrontCosts()
    {
        if (_upfrontCosts is { } known && _upfrontAge.Equals(Plan.StartAge))
        {
            return known;
        }

        var c = _c;
        var list = new List<(int, int, Quantity)>();
        for (var a = 0; a < _active.Length; a++)
        {
            foreach (var cost in _active[a].Costs)
            {
                if (IsUpfrontHere(cost))
                {
                    list.Add((a, c.A + c.Model.AccountIndex(cost.Account), cost.Amount));
                }
            }
        }

        _upfrontAge = Plan.StartAge;
        return _upfrontCosts = [.. list];
    }

    /// <summary>
    /// The ledger cells <see cref="Upfront"/> can book for this sub-cohort (its active interventions' upfront costs
    /// that apply at its start age), ascending and distinct: every other cell it leaves 0. Fixed by the sub-cohort's
    /// start age and treatment mask.
    /// </summary>
    public int[] UpfrontCells() => [.. new SortedSet<int>(UpfrontCosts().Select(u => u.Cell))];

    /// <summary>An upfront cost that applies to this sub-cohort: at its start age, or at any age.</summary>
    private bool IsUpfrontHere(InterventionCost cost) => cost.Timing == CostTiming.Upfront && (cost.Ages is null || cost.Ages.Contains(Plan.StartAge));

    /// <summary>Stage 4: the event amounts and event outcome values per person of cycle <paramref name="t"/> (overwritten).</summary>
    public void Events(int t, Span<double> amounts, Span<double> values)
    {
        var c = _c;
        var ev = c.Events;
        var dt = c.Dt;
        for (var e = 0; e < amounts.Length; e++)
        {
            var ctx = new ModelContext(t, dt, Plan.StartAge, c.Space.TimeInStateOf[ev.From[e]], _paramsAt[t]);
            var (f, price, growth, subject, flow) = ev.Flows[e];
            var v = f(in ctx) * price * (growth == 0 ? 1 : Math.Pow(1 + growth, (t + 1) * dt));
            if (!double.IsFinite(v))
            {
                c.Report(ProblemSubject.Flow(flow + 1), subject, $"The amount is not a finite number ({v}) at cycle {t}.", t, ctx.Age);
            }

            amounts[e] = v;
        }

        for (var e = 0; e < values.Length; e++)
        {
            var ctx = new ModelContext(t, dt, Plan.StartAge, c.Space.TimeInStateOf[ev.OutcomeFrom[e]], _paramsAt[t]);
            values[e] = ev.Outcomes[e](in ctx);
        }
    }

    /// <summary>The weight (uptake) of active intervention <paramref name="a"/> enters the block being compiled.</summary>
    private void Touch(int a)
    {
        var iv = _c.Strategy.Interventions[_activeIndex[a]];
        if (_c.Recorder is { } rec && iv.UptakeMode == UptakeMode.MeanEffect)
        {
            rec.Read(iv.Uptake);
        }
    }

    /// <summary>
    /// The factor of the flow effects on one flow at a trace point: per cycle k the point belongs to,
    /// <c>Π_e (1 + m_e(k·Δt)·(M_e − 1))</c>, mixed by the cycle shares.
    /// </summary>
    private double FlowEffectFactor((int Active, FlowEffect Effect)[] effects, (int Cycle, double Share)[] shares, double dt, ParameterValues parameters)
    {
        // No effect on this flow, or a point in no cycle: unchanged.
        if (effects.Length == 0 || shares.Length == 0)
        {
            return 1.0;
        }

        var factor = 0.0;
        foreach (var (cycle, part) in shares)
        {
            var product = 1.0;
            foreach (var (a, fe) in effects)
            {
                Touch(a);
                product *= 1 + (_weights[a] * fe.Profile.Multiplier(cycle * dt) * (fe.Multiplier.Evaluate(parameters) - 1));
            }

            factor += part * product;
        }

        return factor;
    }

    private static string Fmt(double v) => v.ToString("G6", CultureInfo.InvariantCulture);
}

/// <summary>The parameters read through a tracked <see cref="ParameterValues"/>, as a bit set.</summary>
internal sealed class ReadSet(int parameters) : IParameterReadLog
{
    private readonly ulong[] _bits = new ulong[Math.Max(1, (parameters + 63) / 64)];

    public void Read(int parameter) => _bits[parameter >> 6] |= 1UL << (parameter & 63);

    public void ReadAll() => Array.Fill(_bits, ulong.MaxValue);

    public void Clear() => Array.Clear(_bits);

    /// <summary>True when a parameter of <paramref name="mask"/> was read.</summary>
    public bool Intersects(ReadOnlySpan<ulong> mask)
    {
        for (var i = 0; i < _bits.Length && i < mask.Length; i++)
        {
            if ((_bits[i] & mask[i]) != 0)
            {
                return true;
            }
        }

        return false;
    }
}
