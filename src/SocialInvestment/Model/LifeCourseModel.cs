namespace SocialInvestment.Model;

/// <summary>
/// An immutable, validated life-course state-transition model: states, payers, sectors, outcomes,
/// parameters, transitions, flows, population, strategies and run options. Built by
/// <see cref="LifeCourseModelBuilder"/>; compiled per strategy and parameter set into dense arrays
/// (<see cref="SocialInvestment.Engine.ModelCompilation.Compile"/>) that the engines run. Thread-safe.
/// </summary>
public sealed class LifeCourseModel
{
    private readonly Dictionary<string, int> _stateIndex;
    private readonly Dictionary<string, int> _parameterIndex;
    private readonly Dictionary<Account, int> _accountIndex;

    internal LifeCourseModel(
        string name,
        State[] states,
        Payer[] payers,
        Sector[] sectors,
        Outcome[] outcomes,
        Parameter[] parameters,
        TransitionDefinition[] transitions,
        FlowDefinition[] flows,
        OutcomeDefinition[] outcomeDefinitions,
        Population population,
        Strategy[] strategies,
        SimulationOptions options,
        int? priceYear,
        IReadOnlyDictionary<int, double>? priceIndex,
        Account[] accounts,
        ModelLimits limits)
    {
        Limits = limits;
        Name = name;
        States = ReadOnly.Own(states);
        Payers = ReadOnly.Own(payers);
        Sectors = ReadOnly.Own(sectors);
        Outcomes = ReadOnly.Own(outcomes);
        Parameters = ReadOnly.Own(parameters);
        Transitions = ReadOnly.Own(transitions);
        Flows = ReadOnly.Own(flows);
        OutcomeDefinitions = ReadOnly.Own(outcomeDefinitions);
        Population = population;
        Strategies = ReadOnly.Own(strategies);
        Options = options;
        PriceYear = priceYear;
        PriceIndex = priceIndex is null ? null : ReadOnly.Dictionary(priceIndex);
        Accounts = ReadOnly.Own(accounts);
        _stateIndex = states.Select((s, i) => (s.Name, i)).ToDictionary(x => x.Name, x => x.i, StringComparer.Ordinal);
        _parameterIndex = parameters.Select((p, i) => (p.Name, i)).ToDictionary(x => x.Name, x => x.i, StringComparer.Ordinal);
        _accountIndex = accounts.Select((a, i) => (a, i)).ToDictionary(x => x.a, x => x.i);
        BaseParameters = ParameterValues.Wrap(parameters.Select(p => p.BaseValue).ToArray());
    }

    /// <summary>Name of the model.</summary>
    public string Name { get; }

    /// <summary>
    /// The content hash of the serialisable definition this model was built from (for example a
    /// scenario's canonical document, <c>ScenarioDocument.Hash</c> in SocialInvestment.Csv), given
    /// to the builder with <see cref="LifeCourseModelBuilder.WithDefinitionHash"/>; null for a model
    /// built in code from functions (closures cannot be serialised, so such a model cannot travel to
    /// another process). PSA partials carry it and merge only when it matches. <see cref="WithOptions"/>
    /// and <see cref="WithPopulation"/> return a model without it (it no longer is the definition's);
    /// change the definition and rebuild instead. The builder does not check it against the model.
    /// </summary>
    public ContentHash? DefinitionHash { get; internal init; }

    /// <summary>The limits the model was built with; <see cref="WithOptions"/> and <see cref="WithPopulation"/> check them too.</summary>
    public ModelLimits Limits { get; }

    /// <summary>States in declaration order (index = state index in results).</summary>
    public IReadOnlyList<State> States { get; }

    /// <summary>Declared payers.</summary>
    public IReadOnlyList<Payer> Payers { get; }

    /// <summary>Declared sectors.</summary>
    public IReadOnlyList<Sector> Sectors { get; }

    /// <summary>Declared outcomes (effect measures).</summary>
    public IReadOnlyList<Outcome> Outcomes { get; }

    /// <summary>Parameters in index order.</summary>
    public IReadOnlyList<Parameter> Parameters { get; }

    /// <summary>The base-case parameter values.</summary>
    public ParameterValues BaseParameters { get; }

    /// <summary>Transition definitions.</summary>
    public IReadOnlyList<TransitionDefinition> Transitions { get; }

    /// <summary>All flow definitions, including those contributed by sector cost models.</summary>
    public IReadOnlyList<FlowDefinition> Flows { get; }

    /// <summary>Outcome definitions.</summary>
    public IReadOnlyList<OutcomeDefinition> OutcomeDefinitions { get; }

    /// <summary>The population.</summary>
    public Population Population { get; }

    /// <summary>Registered strategies (the first is conventionally the comparator).</summary>
    public IReadOnlyList<Strategy> Strategies { get; }

    /// <summary>Run options (horizon, counting, discounting).</summary>
    public SimulationOptions Options { get; }

    /// <summary>The price year all amounts are expressed in, or null when no re-indexing is done.</summary>
    public int? PriceYear { get; }

    /// <summary>Price index by year used to re-index amounts to <see cref="PriceYear"/>.</summary>
    public IReadOnlyDictionary<int, double>? PriceIndex { get; }

    /// <summary>Every account a flow or an intervention cost books to, in ledger order (index = account index in results).</summary>
    public IReadOnlyList<Account> Accounts { get; }

    /// <summary>Index of a state by name.</summary>
    /// <param name="name">State name.</param>
    /// <exception cref="KeyNotFoundException">No such state.</exception>
    public int StateIndex(string name) => _stateIndex.TryGetValue(name, out var i) ? i : throw new KeyNotFoundException($"The model has no state '{name}'.");

    /// <summary>Handle of a parameter by name.</summary>
    /// <param name="name">Parameter name.</param>
    /// <exception cref="KeyNotFoundException">No such parameter.</exception>
    public ParameterRef Parameter(string name) => _parameterIndex.TryGetValue(name, out var i) ? new ParameterRef(i, name) : throw new KeyNotFoundException($"The model has no parameter '{name}'.");

    /// <summary>Index of an account, or −1.</summary>
    /// <param name="account">The account.</param>
    public int AccountIndex(Account account) => _accountIndex.TryGetValue(account, out var i) ? i : -1;

    /// <summary>A registered strategy by name.</summary>
    /// <param name="name">Strategy name.</param>
    /// <exception cref="KeyNotFoundException">No such strategy.</exception>
    public Strategy Strategy(string name) => Strategies.FirstOrDefault(s => s.Name == name) ?? throw new KeyNotFoundException($"The model has no strategy '{name}'.");

    /// <summary>Returns a copy with other run options (validated).</summary>
    /// <param name="options">The new options.</param>
    /// <exception cref="ModelValidationException">The options are invalid.</exception>
    public LifeCourseModel WithOptions(SimulationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var breaches = Limits.CheckOptions(options);
        if (breaches.Count > 0)
        {
            throw new ModelValidationException(breaches);
        }

        var problems = options.Problems();
        if (problems.Count > 0)
        {
            throw new ModelValidationException(problems);
        }

        var size = new List<ValidationProblem>();
        LifeCourseModelBuilder.CheckCompiledSize(this, options.Cycles, Population, Strategies, size);
        if (size.Count > 0)
        {
            throw new ModelValidationException(size);
        }

        return With(options, Population);
    }

    /// <summary>Returns a copy with another population (validated).</summary>
    /// <param name="population">The new population.</param>
    /// <exception cref="ModelValidationException">The population is invalid.</exception>
    public LifeCourseModel WithPopulation(Population population)
    {
        ArgumentNullException.ThrowIfNull(population);
        var problems = new List<ValidationProblem>();
        LifeCourseModelBuilder.ValidatePopulation(population, _stateIndex, States, problems);
        problems.AddRange(Limits.CheckPopulation(population));
        if (problems.Count == 0)
        {
            LifeCourseModelBuilder.CheckCompiledSize(this, Options.Cycles, population, Strategies, problems);
        }

        if (problems.Count > 0)
        {
            throw new ModelValidationException(problems);
        }

        return With(Options, population);
    }

    private LifeCourseModel With(SimulationOptions options, Population population)
        => new(Name, [.. States], [.. Payers], [.. Sectors], [.. Outcomes], [.. Parameters], [.. Transitions], [.. Flows], [.. OutcomeDefinitions], population, [.. Strategies], options, PriceYear, PriceIndex, [.. Accounts], Limits);

    internal bool TryStateIndex(string name, out int index) => _stateIndex.TryGetValue(name, out index);
}
