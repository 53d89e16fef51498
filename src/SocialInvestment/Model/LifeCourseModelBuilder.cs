using System.Globalization;

namespace SocialInvestment.Model;

/// <summary>
/// Collects the parts of a <see cref="LifeCourseModel"/> and validates them together.
/// <see cref="Build"/> reports every problem at once in a <see cref="ModelValidationException"/>.
/// Not thread-safe; the model it builds is immutable.
/// </summary>
/// <param name="name">Name of the model.</param>
public sealed class LifeCourseModelBuilder(string name = "model")
{
    /// <summary>Largest number of interventions in one strategy (the cohort engine splits the cohort into 2^k sub-cohorts).</summary>
    public const int MaxInterventionsPerStrategy = 8;

    private readonly List<State> _states = [];
    private readonly List<Payer> _payers = [];
    private readonly List<Sector> _sectors = [];
    private readonly List<Outcome> _outcomes = [];
    private readonly List<Parameter> _parameters = [];
    private readonly List<TransitionDefinition> _transitions = [];
    private readonly List<FlowDefinition> _flows = [];
    private readonly List<ISectorCostModel> _costModels = [];
    private readonly List<OutcomeDefinition> _outcomeDefinitions = [];
    private readonly List<Strategy> _strategies = [];
    private Population? _population;
    private SimulationOptions _options = new();
    private ModelLimits _limits = ModelLimits.Default;
    private int? _priceYear;
    private IReadOnlyDictionary<int, double>? _priceIndex;
    private ContentHash? _definitionHash;

    /// <summary>Adds a state.</summary>
    /// <param name="state">The state.</param>
    public LifeCourseModelBuilder AddState(State state)
    {
        ArgumentNullException.ThrowIfNull(state);
        _states.Add(state);
        return this;
    }

    /// <summary>Adds a state.</summary>
    /// <param name="stateName">Unique name.</param>
    /// <param name="absorbing">True for absorbing states (dead).</param>
    /// <param name="tunnelCycles">Track time in state up to this many cycles (0: not tracked).</param>
    public LifeCourseModelBuilder AddState(string stateName, bool absorbing = false, int tunnelCycles = 0) => AddState(new State(stateName, absorbing, tunnelCycles));

    /// <summary>Adds payers.</summary>
    /// <param name="payers">The payers.</param>
    public LifeCourseModelBuilder AddPayers(params Payer[] payers)
    {
        ArgumentNullException.ThrowIfNull(payers);
        _payers.AddRange(payers);
        return this;
    }

    /// <summary>Adds sectors.</summary>
    /// <param name="sectors">The sectors.</param>
    public LifeCourseModelBuilder AddSectors(params Sector[] sectors)
    {
        ArgumentNullException.ThrowIfNull(sectors);
        _sectors.AddRange(sectors);
        return this;
    }

    /// <summary>Adds outcomes (effect measures).</summary>
    /// <param name="outcomes">The outcomes.</param>
    public LifeCourseModelBuilder AddOutcomes(params Outcome[] outcomes)
    {
        ArgumentNullException.ThrowIfNull(outcomes);
        _outcomes.AddRange(outcomes);
        return this;
    }

    /// <summary>Adds a named parameter and returns its handle.</summary>
    /// <param name="parameterName">Unique name.</param>
    /// <param name="baseValue">Point estimate.</param>
    /// <param name="description">Meaning, unit, source.</param>
    public ParameterRef AddParameter(string parameterName, double baseValue, string? description = null)
    {
        _parameters.Add(new Parameter(parameterName, baseValue, description));
        return new ParameterRef(_parameters.Count - 1, parameterName);
    }

    /// <summary>Adds a transition given as a per-cycle probability.</summary>
    /// <param name="from">State left.</param>
    /// <param name="to">State entered.</param>
    /// <param name="probability">The probability as a function of the context.</param>
    public LifeCourseModelBuilder Probability(string from, string to, ModelFunction probability)
    {
        _transitions.Add(new TransitionDefinition(from, to, TransitionValueKind.Probability, probability));
        return this;
    }

    /// <summary>Adds a transition with a constant per-cycle probability.</summary>
    /// <param name="from">State left.</param>
    /// <param name="to">State entered.</param>
    /// <param name="probability">The probability.</param>
    public LifeCourseModelBuilder Probability(string from, string to, double probability) => Probability(from, to, (in ModelContext _) => probability);

    /// <summary>
    /// Adds a transition whose per-cycle probability is an uncertain level times a shape:
    /// <c>p(c) = c[level] · shape(c)</c>, for example a drawn baseline probability times an age pattern,
    /// and exactly 0 where the shape is 0 (the level is not read there: an age window). The same as
    /// <see cref="Probability(string, string, ModelFunction)"/> with that product, number for number (a
    /// finite level); where the shape is 0 a probabilistic analysis recomputes nothing, and elsewhere, when <paramref name="shape"/> reads no parameter (as it should: the uncertainty is in the
    /// level), a probabilistic analysis evaluates the shape once per point instead of once per draw and
    /// computes the drawn values as one vector multiplication for a batch of draws. A shape that reads a
    /// parameter is allowed and simply evaluated with the level per draw.
    /// </summary>
    /// <param name="from">State left.</param>
    /// <param name="to">State entered.</param>
    /// <param name="level">The parameter that scales the probability (unitless factor or the probability at the shape's reference point).</param>
    /// <param name="shape">The shape as a function of the context (age, time, time in state); the probability is <c>level · shape</c>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="shape"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="level"/> is not a parameter handle (a negative index).</exception>
    public LifeCourseModelBuilder Probability(string from, string to, ParameterRef level, ModelFunction shape) => Probability(from, to, new LevelTimesShape(level, shape).Function);

    /// <summary>Adds a transition given as an annual rate; the rates of a row are converted together as competing risks.</summary>
    /// <param name="from">State left.</param>
    /// <param name="to">State entered.</param>
    /// <param name="annualRate">The rate as a function of the context.</param>
    public LifeCourseModelBuilder Rate(string from, string to, ModelFunction annualRate)
    {
        _transitions.Add(new TransitionDefinition(from, to, TransitionValueKind.Rate, annualRate));
        return this;
    }

    /// <summary>Adds a transition with a constant annual rate.</summary>
    /// <param name="from">State left.</param>
    /// <param name="to">State entered.</param>
    /// <param name="annualRate">The rate.</param>
    public LifeCourseModelBuilder Rate(string from, string to, double annualRate) => Rate(from, to, (in ModelContext _) => annualRate);

    /// <summary>
    /// Adds a transition whose annual rate is an uncertain level times a shape: <c>r(c) = c[level] ·
    /// shape(c)</c>, for example a drawn rate at age 12 times an age gradient <c>exp(β(age − 12))</c>, and
    /// exactly 0 where the shape is 0 (the level is not read there: an age window). The same as
    /// <see cref="Rate(string, string, ModelFunction)"/> with that product, number for number (a finite
    /// level); where the shape is 0 a probabilistic analysis recomputes nothing, and elsewhere, when <paramref name="shape"/> reads no parameter (as it should), a probabilistic analysis evaluates
    /// the shape once per point instead of once per draw and computes the drawn rates as one vector
    /// multiplication for a batch of draws. A shape that reads a parameter is allowed and simply evaluated
    /// with the level per draw.
    /// </summary>
    /// <param name="from">State left.</param>
    /// <param name="to">State entered.</param>
    /// <param name="level">The parameter that scales the rate (per year where the shape is unitless).</param>
    /// <param name="shape">The shape as a function of the context (age, time, time in state); the rate is <c>level · shape</c>, per year.</param>
    /// <exception cref="ArgumentNullException"><paramref name="shape"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="level"/> is not a parameter handle (a negative index).</exception>
    public LifeCourseModelBuilder Rate(string from, string to, ParameterRef level, ModelFunction shape) => Rate(from, to, new LevelTimesShape(level, shape).Function);

    /// <summary>Makes <paramref name="to"/> take the complement of the row's other probabilities.</summary>
    /// <param name="from">State left.</param>
    /// <param name="to">State entered (often <paramref name="from"/> itself).</param>
    public LifeCourseModelBuilder Remainder(string from, string to)
    {
        _transitions.Add(new TransitionDefinition(from, to, TransitionValueKind.Remainder, null));
        return this;
    }

    /// <summary>Adds a flow.</summary>
    /// <param name="flow">The flow.</param>
    public LifeCourseModelBuilder AddFlow(FlowDefinition flow)
    {
        ArgumentNullException.ThrowIfNull(flow);
        _flows.Add(flow);
        return this;
    }

    /// <summary>Adds an amount per person-cycle in a state.</summary>
    /// <param name="state">The state.</param>
    /// <param name="account">The account.</param>
    /// <param name="amount">The amount.</param>
    public LifeCourseModelBuilder StateFlow(string state, Account account, double amount) => AddFlow(FlowDefinition.PerCycle(state, account, amount));

    /// <summary>Adds an amount per person-cycle in a state, as a function of the context.</summary>
    /// <param name="state">The state.</param>
    /// <param name="account">The account.</param>
    /// <param name="amount">The amount.</param>
    public LifeCourseModelBuilder StateFlow(string state, Account account, ModelFunction amount) => AddFlow(FlowDefinition.PerCycle(state, account, amount));

    /// <summary>
    /// Adds an amount per person-cycle in a state that is an uncertain level times a shape:
    /// <c>amount(c) = c[level] · shape(c)</c>, for example drawn annual earnings times an age ramp and a
    /// cycle length, and exactly 0 where the shape is 0 (the level is not read there). The same as
    /// <see cref="StateFlow(string, Account, ModelFunction)"/> with that product, number for number (a
    /// finite level); where the shape is 0 a probabilistic analysis recomputes nothing, and elsewhere, when <paramref name="shape"/> reads no parameter (as it should), a probabilistic
    /// analysis evaluates the shape once per point instead of once per draw and computes the drawn amounts
    /// as one vector multiplication for a batch of draws.
    /// </summary>
    /// <param name="state">The state.</param>
    /// <param name="account">The account.</param>
    /// <param name="level">The parameter that scales the amount (in the model's currency where the shape is unitless).</param>
    /// <param name="shape">The shape as a function of the context; the amount per person-cycle is <c>level · shape</c>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="shape"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="level"/> is not a parameter handle (a negative index).</exception>
    public LifeCourseModelBuilder StateFlow(string state, Account account, ParameterRef level, ModelFunction shape) => StateFlow(state, account, new LevelTimesShape(level, shape).Function);

    /// <summary>Adds an amount per transition event.</summary>
    /// <param name="from">State left, or null for any other state.</param>
    /// <param name="to">State entered.</param>
    /// <param name="account">The account.</param>
    /// <param name="amount">The amount per event.</param>
    public LifeCourseModelBuilder TransitionFlow(string? from, string to, Account account, double amount) => AddFlow(FlowDefinition.OnTransition(from, to, account, (in ModelContext _) => amount));

    /// <summary>Adds a sector cost model; its flows are added at <see cref="Build"/>.</summary>
    /// <param name="model">The component.</param>
    public LifeCourseModelBuilder AddSectorCostModel(ISectorCostModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        _costModels.Add(model);
        return this;
    }

    /// <summary>Adds an outcome value per person-cycle in a state.</summary>
    /// <param name="state">The state.</param>
    /// <param name="outcome">The outcome.</param>
    /// <param name="value">The value as a function of the context.</param>
    public LifeCourseModelBuilder StateOutcome(string state, Outcome outcome, ModelFunction value)
    {
        _outcomeDefinitions.Add(new OutcomeDefinition(FlowTrigger.StateOccupancy, state, null, outcome, value));
        return this;
    }

    /// <summary>Adds a constant outcome value per person-cycle in a state.</summary>
    /// <param name="state">The state.</param>
    /// <param name="outcome">The outcome.</param>
    /// <param name="value">The value.</param>
    public LifeCourseModelBuilder StateOutcome(string state, Outcome outcome, double value) => StateOutcome(state, outcome, (in ModelContext _) => value);

    /// <summary>
    /// Adds an outcome value per person-cycle in a state that is an uncertain level times a shape:
    /// <c>value(c) = c[level] · shape(c)</c>, for example a drawn utility weight times the cycle length
    /// (QALYs per person-cycle), and exactly 0 where the shape is 0 (the level is not read there). The same
    /// as <see cref="StateOutcome(string, Outcome, ModelFunction)"/> with that product, number for number (a
    /// finite level); when <paramref name="shape"/> reads no parameter, a probabilistic analysis computes the
    /// drawn values of a batch of draws as one vector multiplication instead of calling the function per draw.
    /// </summary>
    /// <param name="state">The state.</param>
    /// <param name="outcome">The outcome.</param>
    /// <param name="level">The parameter that scales the value (a utility weight, for example).</param>
    /// <param name="shape">The shape as a function of the context; the value per person-cycle is <c>level · shape</c>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="shape"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="level"/> is not a parameter handle (a negative index).</exception>
    public LifeCourseModelBuilder StateOutcome(string state, Outcome outcome, ParameterRef level, ModelFunction shape) => StateOutcome(state, outcome, new LevelTimesShape(level, shape).Function);

    /// <summary>Adds an outcome value per transition event.</summary>
    /// <param name="from">State left, or null for any other state.</param>
    /// <param name="to">State entered.</param>
    /// <param name="outcome">The outcome.</param>
    /// <param name="value">The value per event.</param>
    public LifeCourseModelBuilder TransitionOutcome(string? from, string to, Outcome outcome, double value)
    {
        _outcomeDefinitions.Add(new OutcomeDefinition(FlowTrigger.TransitionEvent, from, to, outcome, (in ModelContext _) => value));
        return this;
    }

    /// <summary>Sets the population.</summary>
    /// <param name="population">The population.</param>
    public LifeCourseModelBuilder WithPopulation(Population population)
    {
        _population = population;
        return this;
    }

    /// <summary>Sets the run options.</summary>
    /// <param name="options">The options.</param>
    public LifeCourseModelBuilder WithOptions(SimulationOptions options)
    {
        _options = options;
        return this;
    }

    /// <summary>
    /// Sets the size and magnitude limits <see cref="Build"/> checks before anything is allocated by
    /// the model's size (default <see cref="ModelLimits.Default"/>); the built model keeps them.
    /// </summary>
    /// <param name="limits">The limits.</param>
    public LifeCourseModelBuilder WithLimits(ModelLimits limits)
    {
        ArgumentNullException.ThrowIfNull(limits);
        _limits = limits;
        return this;
    }

    /// <summary>Sets the price year and the index used to re-index amounts given in other price years.</summary>
    /// <param name="priceYear">The model's price year.</param>
    /// <param name="priceIndex">Index level by year (any base); must contain every price year used.</param>
    public LifeCourseModelBuilder WithPriceYear(int priceYear, IReadOnlyDictionary<int, double>? priceIndex = null)
    {
        _priceYear = priceYear;
        _priceIndex = priceIndex;
        return this;
    }

    /// <summary>
    /// Records the content hash of the serialisable definition this builder is filled from (see
    /// <see cref="LifeCourseModel.DefinitionHash"/>). Whoever maps a definition to builder calls sets
    /// it (the Csv layer does for scenarios); it must identify everything the builder receives.
    /// </summary>
    /// <param name="hash">The definition's content hash.</param>
    public LifeCourseModelBuilder WithDefinitionHash(ContentHash hash)
    {
        _definitionHash = hash;
        return this;
    }

    /// <summary>Registers a strategy.</summary>
    /// <param name="strategy">The strategy.</param>
    public LifeCourseModelBuilder AddStrategy(Strategy strategy)
    {
        ArgumentNullException.ThrowIfNull(strategy);
        _strategies.Add(strategy);
        return this;
    }

    /// <summary>Validates everything and builds the immutable model.</summary>
    /// <exception cref="ModelValidationException">One or more problems, all listed.</exception>
    public LifeCourseModel Build()
    {
        var problems = new List<ValidationProblem>();
        // The builder's own list unless sector cost models add flows (no copy of a large model's flows).
        var flows = _costModels.Count == 0 ? _flows : new List<FlowDefinition>(_flows);
        foreach (var cm in _costModels)
        {
            try
            {
                flows.AddRange(cm.GetFlows());
            }
            catch (ArgumentException e)
            {
                problems.Add(new ValidationProblem(ProblemSubject.Of(ProblemKind.SectorCostModel, cm.Name), $"sector cost model '{cm.Name}'", e.Message));
            }
        }

        if (string.IsNullOrWhiteSpace(name))
        {
            problems.Add(new ValidationProblem(ProblemSubject.Model, "model", "The model needs a name."));
        }

        var stateIndex = Unique(_states.Select(s => s.Name), "state", ProblemKind.State, problems);
        var payerIndex = Unique(_payers.Select(p => p.Name), "payer", ProblemKind.Payer, problems);
        var sectorIndex = Unique(_sectors.Select(s => s.Name), "sector", ProblemKind.Sector, problems);
        var outcomeIndex = Unique(_outcomes.Select(o => o.Name), "outcome", ProblemKind.Outcome, problems);
        Unique(_parameters.Select(p => p.Name), "parameter", ProblemKind.Parameter, problems);
        Unique(_strategies.Select(s => s.Name), "strategy", ProblemKind.Strategy, problems);

        if (_states.Count == 0)
        {
            problems.Add(new ValidationProblem(ProblemSubject.Of(ProblemKind.State), "model", "The model has no states; add at least one state."));
        }

        foreach (var s in _states)
        {
            if (s.TunnelCycles < 0)
            {
                problems.Add(new ValidationProblem(ProblemSubject.State(s.Name), $"state '{s.Name}'", $"Tunnel cycles must be ≥ 0 (got {s.TunnelCycles}).") { Member = nameof(State.TunnelCycles) });
            }

            if (s.TunnelCycles > _limits.MaxTunnelCycles)
            {
                problems.Add(new ValidationProblem(ProblemSubject.State(s.Name), $"state '{s.Name}'", string.Create(CultureInfo.InvariantCulture, $"Tunnel cycles {s.TunnelCycles} exceed the limit of {_limits.MaxTunnelCycles} (ModelLimits.MaxTunnelCycles).")) { Member = nameof(State.TunnelCycles) });
            }

            if (s.IsAbsorbing && s.TunnelCycles > 0)
            {
                problems.Add(new ValidationProblem(ProblemSubject.State(s.Name), $"state '{s.Name}'", "An absorbing state cannot track time in state.") { Member = nameof(State.TunnelCycles) });
            }
        }

        foreach (var p in _payers)
        {
            if (p.Parent is not null && !payerIndex.ContainsKey(p.Parent))
            {
                problems.Add(new ValidationProblem(ProblemSubject.Payer(p.Name), $"payer '{p.Name}'", $"Its parent payer '{p.Parent}' is not declared.") { Member = nameof(Payer.Parent) });
            }
        }

        foreach (var cycle in PayerCycles(_payers.Select(p => (p.Name, p.Parent))))
        {
            problems.Add(new ValidationProblem(ProblemSubject.Payer(cycle[0]), $"payer '{cycle[0]}'", cycle.Count == 1
                ? "The payer is its own parent; a payer hierarchy must not loop (amounts would be counted twice)."
                : $"The parents loop: {string.Join(" → ", cycle.Append(cycle[0]))}; a payer hierarchy must not loop (amounts would be counted twice).")
            { Member = nameof(Payer.Parent) });
        }

        var expanded = 0L;
        foreach (var s in _states)
        {
            expanded += Math.Max(1, Math.Min(s.TunnelCycles, int.MaxValue));
        }

        if (expanded > _limits.MaxExpandedStates)
        {
            problems.Add(new ValidationProblem(ProblemSubject.Of(ProblemKind.State), "model", string.Create(CultureInfo.InvariantCulture, $"The model has {expanded} states after tunnel expansion, more than the limit of {_limits.MaxExpandedStates} (ModelLimits.MaxExpandedStates); track fewer cycles in state.")) { Member = nameof(State.TunnelCycles) });
        }

        foreach (var p in _parameters)
        {
            if (!double.IsFinite(p.BaseValue))
            {
                problems.Add(new ValidationProblem(ProblemSubject.Parameter(p.Name), $"parameter '{p.Name}'", $"The base value must be a finite number (got {p.BaseValue}).") { Member = nameof(Parameter.BaseValue) });
            }
            else if (Math.Abs(p.BaseValue) > _limits.MaxAbsoluteValue)
            {
                problems.Add(new ValidationProblem(ProblemSubject.Parameter(p.Name), $"parameter '{p.Name}'", string.Create(CultureInfo.InvariantCulture, $"The base value {p.BaseValue:R} exceeds the limit of ±{_limits.MaxAbsoluteValue:R} (ModelLimits.MaxAbsoluteValue).")) { Member = nameof(Parameter.BaseValue) });
            }
        }

        ValidateTransitions(stateIndex, problems);
        var accounts = new List<Account>();
        var accountSet = new HashSet<Account>();
        for (var i = 0; i < flows.Count; i++)
        {
            ValidateFlow(flows[i], i, stateIndex, payerIndex, sectorIndex, problems);
            if (accountSet.Add(flows[i].Account))
            {
                accounts.Add(flows[i].Account);
            }
        }

        foreach (var od in _outcomeDefinitions)
        {
            var subject = od.Trigger == FlowTrigger.StateOccupancy ? $"outcome '{od.Outcome?.Name}' in state '{od.FromState}'" : $"outcome '{od.Outcome?.Name}' on {od.FromState ?? "any"} → {od.ToState}";
            var target = ProblemSubject.Of(ProblemKind.Outcome, od.Outcome?.Name);
            if (od.Outcome is null || !outcomeIndex.ContainsKey(od.Outcome.Name))
            {
                problems.Add(new ValidationProblem(target, subject, "The outcome is not declared; add it with AddOutcomes."));
            }

            CheckStateRef(od.FromState, od.Trigger == FlowTrigger.TransitionEvent, target, subject, nameof(OutcomeDefinition.FromState), stateIndex, problems);
            if (od.Trigger == FlowTrigger.TransitionEvent)
            {
                CheckStateRef(od.ToState, false, target, subject, nameof(OutcomeDefinition.ToState), stateIndex, problems);
            }

            if (od.Value is null)
            {
                problems.Add(new ValidationProblem(target, subject, "A value function is required.") { Member = nameof(OutcomeDefinition.Value) });
            }
        }

        if (_population is null)
        {
            problems.Add(new ValidationProblem(ProblemSubject.Of(ProblemKind.Population), "population", "The model has no population; call WithPopulation."));
        }
        else
        {
            ValidatePopulation(_population, stateIndex, _states, problems);
            problems.AddRange(_limits.CheckPopulation(_population));
        }

        if (_options is null)
        {
            problems.Add(new ValidationProblem(ProblemSubject.Of(ProblemKind.Setting), "options", "Options are required."));
        }
        else
        {
            // The limits first: Validate allocates by the horizon (the counting weights).
            var breaches = _limits.CheckOptions(_options);
            problems.AddRange(breaches);
            if (breaches.Count == 0)
            {
                problems.AddRange(_options.Problems());
            }
        }

        problems.AddRange(_limits.Validate());

        foreach (var strategy in _strategies)
        {
            ValidateStrategy(strategy, stateIndex, payerIndex, sectorIndex, outcomeIndex, problems);
            foreach (var cost in strategy.Interventions.SelectMany(i => i.Costs))
            {
                if (accountSet.Add(cost.Account))
                {
                    accounts.Add(cost.Account);
                }
            }
        }

        if (_priceIndex is not null && _priceYear is int py && !_priceIndex.ContainsKey(py))
        {
            problems.Add(new ValidationProblem(ProblemSubject.Of(ProblemKind.PriceIndex, py.ToString(CultureInfo.InvariantCulture)), "price index", $"The price index has no entry for the model's price year {py}."));
        }

        if (problems.Count > 0)
        {
            throw new ModelValidationException(problems);
        }

        var model = new LifeCourseModel(
            name,
            [.. _states],
            [.. _payers],
            [.. _sectors],
            [.. _outcomes],
            [.. _parameters],
            [.. _transitions],
            [.. flows],
            [.. _outcomeDefinitions],
            _population!,
            [.. _strategies],
            _options!,
            _priceYear,
            _priceIndex,
            [.. accounts],
            _limits)
        {
            DefinitionHash = _definitionHash,
        };

        CheckCompiledSize(model, _options!.Cycles, _population!, _strategies, problems);
        if (problems.Count > 0)
        {
            throw new ModelValidationException(problems);
        }

        // Trial evaluation of every compile stage at the base parameters (CompilationStages, the
        // same code the engine's compiler runs) finds value problems (negative probabilities, rows
        // not summing to one, NaN) for the comparator and every registered strategy.
        var strategies = _strategies.Count == 0 ? [Strategy.BusinessAsUsual] : _strategies;
        foreach (var strategy in strategies)
        {
            var found = new List<ValidationProblem>();
            Subcohort[]? compiled;
            try
            {
                compiled = CompilationStages.Evaluate(model, strategy, model.BaseParameters, found, null)?.Subcohorts;
            }
            catch (ArgumentException e)
            {
                // A value the compiler's conversions refuse (a negative odds ratio, …): a problem of this strategy, not a crash.
                compiled = null;
                found.Add(new ValidationProblem(ProblemSubject.Strategy(strategy.Name), $"strategy '{strategy.Name}'", e is ArgumentOutOfRangeException { ActualValue: { } v }
                    ? string.Create(CultureInfo.InvariantCulture, $"An effect or value is out of range ({v}): {e.Message.Split(" (Parameter", 2)[0]}")
                    : e.Message.Split(" (Parameter", 2)[0]));
            }

            if (compiled is not null && found.Count == 0)
            {
                CheckMagnitudes(compiled, _limits.MaxAbsoluteValue, found);
            }
            foreach (var p in found)
            {
                if (!problems.Contains(p))
                {
                    problems.Add(strategy.Interventions.Count == 0 ? p : p with { Subject = $"strategy '{strategy.Name}', {p.Subject}", Strategy = strategy.Name });
                }
            }
        }

        if (problems.Count > 0)
        {
            throw new ModelValidationException(problems);
        }

        return model;
    }

    /// <summary>Reports every loop in a payer hierarchy (a payer its own parent is a loop of one), each once.</summary>
    internal static List<List<string>> PayerCycles(IEnumerable<(string Name, string? Parent)> payers)
    {
        var parent = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var (n, p) in payers)
        {
            parent.TryAdd(n, p);
        }

        var cycles = new List<List<string>>();
        var done = new HashSet<string>(StringComparer.Ordinal);
        foreach (var start in parent.Keys)
        {
            var path = new List<string>();
            var onPath = new Dictionary<string, int>(StringComparer.Ordinal);
            var cur = start;
            while (cur is not null && !done.Contains(cur) && parent.ContainsKey(cur))
            {
                if (onPath.TryGetValue(cur, out var at))
                {
                    cycles.Add(path.GetRange(at, path.Count - at));
                    break;
                }

                onPath[cur] = path.Count;
                path.Add(cur);
                cur = parent[cur];
            }

            done.UnionWith(path);
        }

        return cycles;
    }

    /// <summary>Adds a problem when one compiled strategy would hold more than <see cref="ModelLimits.MaxCompiledCells"/> numbers.</summary>
    internal static void CheckCompiledSize(LifeCourseModel model, int cycles, Population population, IReadOnlyList<Strategy> strategies, List<ValidationProblem> problems)
    {
        var limits = model.Limits;
        var expanded = model.States.Sum(s => (long)Math.Max(1, s.TunnelCycles));
        var ages = population.Groups.Select(g => g.StartAge).Distinct().Count();
        var k = strategies.Count == 0 ? 0 : strategies.Max(s => Math.Min(s.Interventions.Count, MaxInterventionsPerStrategy));
        var accounts = model.Accounts.Count + strategies.SelectMany(s => s.Interventions).SelectMany(i => i.Costs).Select(c => c.Account).Distinct().Count(a => model.AccountIndex(a) < 0);
        var cells = ModelLimits.CompiledCells(cycles, expanded, accounts, model.Outcomes.Count, (long)ages << k);
        if (cells > limits.MaxCompiledCells)
        {
            problems.Add(new ValidationProblem(ProblemSubject.Of(ProblemKind.State), "model", string.Create(CultureInfo.InvariantCulture,
                $"One compiled strategy would hold {cells:N0} numbers ({cycles} cycles, {expanded} states after tunnel expansion, {accounts} accounts, up to {(long)ages << k} sub-cohorts), more than the limit of {limits.MaxCompiledCells:N0} (ModelLimits.MaxCompiledCells); shorten the horizon, track fewer cycles in state or use fewer start ages."))
            { Member = nameof(State.TunnelCycles) });
        }
    }

    private static void CheckMagnitudes(Subcohort[] compiled, double max, List<ValidationProblem> problems)
    {
        foreach (var sc in compiled)
        {
            foreach (var (what, values) in new[] { ("A flow amount per person and cycle", sc.StateFlows), ("A flow amount on a transition", sc.EventAmounts), ("An upfront cost", sc.Upfront), ("An outcome value", sc.StateOutcomes), ("An outcome value on a transition", sc.OutcomeEventValues) })
            {
                foreach (var v in values)
                {
                    if (Math.Abs(v) > max)
                    {
                        problems.Add(new ValidationProblem(ProblemSubject.Of(ProblemKind.Flow), "flows", string.Create(CultureInfo.InvariantCulture, $"{what} is {v:G6}, beyond the limit of ±{max:R} (ModelLimits.MaxAbsoluteValue).")));
                        return;
                    }
                }
            }
        }
    }

    internal static void ValidatePopulation(Population population, IReadOnlyDictionary<string, int> stateIndex, IReadOnlyList<State> states, List<ValidationProblem> problems)
    {
        if (population.Groups.Count == 0)
        {
            problems.Add(new ValidationProblem(ProblemSubject.Of(ProblemKind.Population), "population", "The population is empty; add at least one group.") { Member = nameof(Population.Groups) });
        }

        if (!double.IsFinite(population.Size) || population.Size <= 0)
        {
            problems.Add(new ValidationProblem(ProblemSubject.Of(ProblemKind.Population), "population", $"The population size must be a positive number (got {population.Size}).") { Member = nameof(Population.Size) });
        }

        var total = 0.0;
        for (var i = 0; i < population.Groups.Count; i++)
        {
            var g = population.Groups[i];
            var subject = $"population group {i + 1} ('{g.State}', age {g.StartAge})";
            var target = ProblemSubject.PopulationGroup(i + 1);
            if (g.State is null || !stateIndex.TryGetValue(g.State, out var si))
            {
                problems.Add(new ValidationProblem(target, subject, $"Unknown state '{g.State}'.") { Member = nameof(PopulationGroup.State) });
            }
            else if (states[si].IsAbsorbing)
            {
                problems.Add(new ValidationProblem(target, subject, "A population group cannot start in an absorbing state.") { Member = nameof(PopulationGroup.State) });
            }

            if (!double.IsFinite(g.Weight) || g.Weight < 0)
            {
                problems.Add(new ValidationProblem(target, subject, $"The weight must be finite and ≥ 0 (got {g.Weight}).") { Member = nameof(PopulationGroup.Weight) });
            }
            else
            {
                total += g.Weight;
            }

            if (!double.IsFinite(g.StartAge))
            {
                problems.Add(new ValidationProblem(target, subject, $"The start age must be finite (got {g.StartAge}).") { Member = nameof(PopulationGroup.StartAge) });
            }
        }

        if (population.Groups.Count > 0 && !(total > 0))
        {
            problems.Add(new ValidationProblem(ProblemSubject.Of(ProblemKind.Population), "population", "The population weights sum to zero.") { Member = nameof(PopulationGroup.Weight) });
        }
    }

    private static Dictionary<string, int> Unique(IEnumerable<string> names, string what, ProblemKind kind, List<ValidationProblem> problems)
    {
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        var i = 0;
        foreach (var n in names)
        {
            if (string.IsNullOrWhiteSpace(n))
            {
                problems.Add(new ValidationProblem(ProblemSubject.Of(kind, n), what, $"A {what} has an empty name.") { Member = "Name" });
            }
            else if (!index.TryAdd(n, i))
            {
                problems.Add(new ValidationProblem(ProblemSubject.Of(kind, n), $"{what} '{n}'", $"The {what} name '{n}' is used more than once.") { Member = "Name" });
            }

            i++;
        }

        return index;
    }

    private static void CheckStateRef(string? stateName, bool allowNull, ProblemSubject target, string subject, string member, Dictionary<string, int> stateIndex, List<ValidationProblem> problems)
    {
        if (stateName is null)
        {
            if (!allowNull)
            {
                problems.Add(new ValidationProblem(target, subject, "A state name is required.") { Member = member });
            }
        }
        else if (!stateIndex.ContainsKey(stateName))
        {
            problems.Add(new ValidationProblem(target, subject, $"Unknown state '{stateName}'.") { Member = member });
        }
    }

    private void ValidateTransitions(Dictionary<string, int> stateIndex, List<ValidationProblem> problems)
    {
        var seen = new HashSet<(string, string)>();
        var rowKinds = new Dictionary<string, HashSet<TransitionValueKind>>(StringComparer.Ordinal);
        foreach (var t in _transitions)
        {
            var subject = $"transition {t.From} → {t.To}";
            var target = ProblemSubject.Transition(t.From, t.To);
            var known = true;
            if (t.From is null || !stateIndex.ContainsKey(t.From))
            {
                problems.Add(new ValidationProblem(target, subject, $"Unknown state '{t.From}'.") { Member = nameof(TransitionDefinition.From) });
                known = false;
            }

            if (t.To is null || !stateIndex.ContainsKey(t.To))
            {
                problems.Add(new ValidationProblem(target, subject, $"Unknown state '{t.To}'.") { Member = nameof(TransitionDefinition.To) });
                known = false;
            }

            if (!known)
            {
                continue;
            }

            if (!seen.Add((t.From!, t.To!)))
            {
                problems.Add(new ValidationProblem(target, subject, "The transition is defined more than once."));
            }

            if (_states[stateIndex[t.From!]].IsAbsorbing && t.From != t.To)
            {
                problems.Add(new ValidationProblem(target, subject, $"State '{t.From}' is absorbing; no one can leave it.") { Member = nameof(TransitionDefinition.From) });
            }

            if (t.Kind != TransitionValueKind.Remainder && t.Value is null)
            {
                problems.Add(new ValidationProblem(target, subject, "A probability or rate function is required.") { Member = nameof(TransitionDefinition.Value) });
            }

            if (!rowKinds.TryGetValue(t.From!, out var kinds))
            {
                rowKinds[t.From!] = kinds = [];
            }

            if (t.Kind == TransitionValueKind.Remainder && kinds.Contains(TransitionValueKind.Remainder))
            {
                problems.Add(new ValidationProblem(ProblemSubject.TransitionRow(t.From), $"row '{t.From}'", "The row has more than one remainder.") { Member = nameof(TransitionDefinition.Kind) });
            }

            kinds.Add(t.Kind);
        }

        foreach (var (from, kinds) in rowKinds)
        {
            if (kinds.Contains(TransitionValueKind.Rate) && kinds.Contains(TransitionValueKind.Probability))
            {
                problems.Add(new ValidationProblem(ProblemSubject.TransitionRow(from), $"row '{from}'", "The row mixes rates and probabilities; give all of a row's transitions as rates (competing risks) or all as probabilities.") { Member = nameof(TransitionDefinition.Kind) });
            }
        }

        foreach (var s in _states)
        {
            if (!s.IsAbsorbing && !rowKinds.ContainsKey(s.Name))
            {
                problems.Add(new ValidationProblem(ProblemSubject.State(s.Name), $"state '{s.Name}'", "The state has no outgoing transitions; give its row or mark it absorbing.") { Member = nameof(State.IsAbsorbing) });
            }
        }
    }

    private void ValidateFlow(FlowDefinition f, int index, Dictionary<string, int> stateIndex, Dictionary<string, int> payerIndex, Dictionary<string, int> sectorIndex, List<ValidationProblem> problems)
    {
        // The subject (text and data) is made only when the flow has a problem: a model of a million
        // flows would otherwise format a million texts that no one reads.
        var before = problems.Count;
        var target = FlowPlaceholder;
        var subject = string.Empty;
        CheckStateRef(f.FromState, f.Trigger == FlowTrigger.TransitionEvent, target, subject, nameof(FlowDefinition.FromState), stateIndex, problems);
        if (f.Trigger == FlowTrigger.TransitionEvent)
        {
            CheckStateRef(f.ToState, false, target, subject, nameof(FlowDefinition.ToState), stateIndex, problems);
        }

        CheckAccount(f.Account, target, subject, payerIndex, sectorIndex, problems);
        if (f.Amount is null)
        {
            problems.Add(new ValidationProblem(target, subject, "An amount function is required.") { Member = nameof(FlowDefinition.Amount) });
        }

        if (!double.IsFinite(f.RealGrowth) || f.RealGrowth <= -1)
        {
            problems.Add(new ValidationProblem(target, subject, $"The real growth rate must be finite and > −1 (got {f.RealGrowth}).") { Member = nameof(FlowDefinition.RealGrowth) });
        }

        if (f.PriceYear is int py && _priceYear is int mpy && py != mpy && (_priceIndex is null || !_priceIndex.ContainsKey(py)))
        {
            problems.Add(new ValidationProblem(target, subject, $"Price year {py} differs from the model's price year {mpy}, and the price index has no entry for {py}.") { Member = nameof(FlowDefinition.PriceYear) });
        }

        if (problems.Count > before)
        {
            target = ProblemSubject.Flow(index + 1);
            subject = f.Trigger == FlowTrigger.StateOccupancy
                ? $"flow {index + 1} ({f.Account} in state '{f.FromState}')"
                : $"flow {index + 1} ({f.Account} on {f.FromState ?? "any"} → {f.ToState})";
            for (var i = before; i < problems.Count; i++)
            {
                problems[i] = problems[i] with { Target = target, Subject = subject };
            }
        }
    }

    /// <summary>The subject a flow's problem carries until <see cref="ValidateFlow"/> replaces it with the flow's own.</summary>
    private static readonly ProblemSubject FlowPlaceholder = ProblemSubject.Of(ProblemKind.Flow);

    private static void CheckAccount(Account account, ProblemSubject target, string subject, Dictionary<string, int> payerIndex, Dictionary<string, int> sectorIndex, List<ValidationProblem> problems)
    {
        if (account.Payer is null || !payerIndex.ContainsKey(account.Payer.Name))
        {
            problems.Add(new ValidationProblem(target, subject, $"Unknown payer '{account.Payer?.Name}'; declare it with AddPayers.") { Member = nameof(Account.Payer) });
        }

        if (account.Sector is null || !sectorIndex.ContainsKey(account.Sector.Name))
        {
            problems.Add(new ValidationProblem(target, subject, $"Unknown sector '{account.Sector?.Name}'; declare it with AddSectors.") { Member = nameof(Account.Sector) });
        }

        if (!Enum.IsDefined(account.Kind))
        {
            problems.Add(new ValidationProblem(target, subject, $"Unknown flow kind {(int)account.Kind}.") { Member = nameof(Account.Kind) });
        }
    }

    private void ValidateStrategy(Strategy strategy, Dictionary<string, int> stateIndex, Dictionary<string, int> payerIndex, Dictionary<string, int> sectorIndex, Dictionary<string, int> outcomeIndex, List<ValidationProblem> problems)
    {
        if (strategy.Interventions.Count > MaxInterventionsPerStrategy)
        {
            problems.Add(new ValidationProblem(ProblemSubject.Strategy(strategy.Name), $"strategy '{strategy.Name}'", $"A strategy may combine at most {MaxInterventionsPerStrategy} interventions (got {strategy.Interventions.Count})."));
        }

        var transitionPairs = _transitions.Select(t => (t.From, t.To)).ToHashSet();
        foreach (var iv in strategy.Interventions)
        {
            var subject = $"intervention '{iv.Name}' in strategy '{strategy.Name}'";
            var target = ProblemSubject.Intervention(iv.Name);
            var count = problems.Count;
            foreach (var s in iv.EligibleStates ?? [])
            {
                CheckStateRef(s, false, target, subject + " eligibility", nameof(Intervention.EligibleStates), stateIndex, problems);
            }

            CheckQuantity(iv.Uptake, target, subject + " uptake", nameof(Intervention.Uptake), problems);
            foreach (var c in iv.Costs)
            {
                CheckAccount(c.Account, target, subject + " cost", payerIndex, sectorIndex, problems);
                CheckQuantity(c.Amount, target, subject + " cost", nameof(Intervention.Costs), problems);
                foreach (var s in c.States ?? [])
                {
                    CheckStateRef(s, false, target, subject + " cost", nameof(Intervention.Costs), stateIndex, problems);
                }

                if (c.DurationYears is double d && !(d > 0))
                {
                    problems.Add(new ValidationProblem(target, subject + " cost", $"The duration must be positive (got {d}).") { Member = nameof(Intervention.Costs) });
                }
            }

            foreach (var e in iv.TransitionEffects)
            {
                var es = $"{subject} effect on {e.From} → {e.To}";
                var et = ProblemSubject.InterventionEffect(iv.Name, e.From, e.To);
                CheckStateRef(e.From, false, et, es, nameof(TransitionEffect.From), stateIndex, problems);
                CheckStateRef(e.To, false, et, es, nameof(TransitionEffect.To), stateIndex, problems);
                CheckQuantity(e.Size, et, es, nameof(TransitionEffect.Size), problems);
                if (e.From is not null && e.To is not null && stateIndex.ContainsKey(e.From) && stateIndex.ContainsKey(e.To) && !transitionPairs.Contains((e.From, e.To)))
                {
                    problems.Add(new ValidationProblem(et, es, "The model has no such transition to change.") { Member = nameof(TransitionEffect.To) });
                }
            }

            foreach (var e in iv.ParameterEffects)
            {
                if (e.Parameter.Index < 0 || e.Parameter.Index >= _parameters.Count || _parameters[e.Parameter.Index].Name != e.Parameter.Name)
                {
                    problems.Add(new ValidationProblem(target, subject, $"Unknown parameter '{e.Parameter.Name}'.") { Member = nameof(Intervention.ParameterEffects) });
                }

                CheckQuantity(e.Value, target, subject + $" effect on parameter '{e.Parameter.Name}'", nameof(Intervention.ParameterEffects), problems);
            }

            foreach (var e in iv.FlowEffects)
            {
                if (e.State is not null)
                {
                    CheckStateRef(e.State, false, target, subject + " flow effect", nameof(Intervention.FlowEffects), stateIndex, problems);
                }

                if (e.Payer is not null && !payerIndex.ContainsKey(e.Payer.Name))
                {
                    problems.Add(new ValidationProblem(target, subject + " flow effect", $"Unknown payer '{e.Payer.Name}'.") { Member = nameof(Intervention.FlowEffects) });
                }

                if (e.Sector is not null && !sectorIndex.ContainsKey(e.Sector.Name))
                {
                    problems.Add(new ValidationProblem(target, subject + " flow effect", $"Unknown sector '{e.Sector.Name}'.") { Member = nameof(Intervention.FlowEffects) });
                }

                CheckQuantity(e.Multiplier, target, subject + " flow effect", nameof(Intervention.FlowEffects), problems);
            }

            foreach (var e in iv.OutcomeEffects)
            {
                CheckStateRef(e.State, false, target, subject + " outcome effect", nameof(Intervention.OutcomeEffects), stateIndex, problems);
                if (e.Outcome is null || !outcomeIndex.ContainsKey(e.Outcome.Name))
                {
                    problems.Add(new ValidationProblem(target, subject + " outcome effect", $"Unknown outcome '{e.Outcome?.Name}'.") { Member = nameof(Intervention.OutcomeEffects) });
                }

                CheckQuantity(e.Value, target, subject + " outcome effect", nameof(Intervention.OutcomeEffects), problems);
            }

            for (var i = count; i < problems.Count; i++)
            {
                problems[i] = problems[i] with { Strategy = strategy.Name };
            }
        }

        void CheckQuantity(Quantity q, ProblemSubject target, string subject, string member, List<ValidationProblem> list)
        {
            if (q.IsParameter && (q.ParameterIndex < 0 || q.ParameterIndex >= _parameters.Count))
            {
                list.Add(new ValidationProblem(target, subject, "It refers to a parameter the model does not have.") { Member = member });
            }
        }
    }
}
