using System.Runtime.CompilerServices;
using SocialInvestment.Engine;
using SocialInvestment.Households;
using SocialInvestment.Model;

namespace SocialInvestment.Uncertainty;

/// <summary>
/// Probabilistic sensitivity analysis over a household model: parameter draws over the life-course
/// model's uncertain parameters — the members' transitions, flows and interventions, and the
/// household numbers that name a parameter (a link's or a household intervention effect's hazard
/// ratio, a household flow, a household intervention's cost or uptake, see
/// <see cref="HouseholdLink.Parameter"/>) — each draw evaluated with the exact joint-state cohort
/// (<see cref="HouseholdCohort"/>), so a draw has no Monte Carlo error of its own.
/// </summary>
/// <remarks>
/// The draws are the project's PSA (<see cref="ProbabilisticAnalysis.RunRange"/>): draw k is
/// <see cref="PsaSpecification.Draw"/>(Seed, k), a pure function of the specification, the master
/// seed and k; every draw runs every household strategy on one prepared household run, the totals
/// (for <see cref="HouseholdDefinition.Size"/> households) are appraised against the comparator per
/// perspective, and the summaries are folded in draw order. So the results are bit-identical on any
/// number of threads and for any split of the draws into ranges merged with
/// <see cref="PsaPartial.Merge"/> (partials of one <see cref="HouseholdPsa"/> object). Every draw
/// is kept (<see cref="PsaOptions.KeepDraws"/> is set): exact percentiles, per-draw values; a
/// household draw costs an exact cohort run, so draws are few. Immutable and thread-safe.
/// </remarks>
public sealed class HouseholdPsa
{
    private readonly StrategyEvaluator _evaluator;
    private readonly ConditionalWeakTable<ParameterValues, IReadOnlyList<HouseholdCohortResult>> _draws = [];
    private readonly Strategy[] _names;
    private readonly PsaOptions _options;
    private readonly long _maxJointStates;

    private HouseholdPsa(HouseholdDefinition definition, PsaSpecification specification, PsaOptions options, IReadOnlyList<HouseholdStrategy> strategies, long maxJointStates)
    {
        Definition = definition;
        Specification = specification;
        Strategies = ReadOnly.Copy(strategies);
        _maxJointStates = maxJointStates;

        // The base case: validates the strategies and the cap before any draw, and gives the point estimate.
        var perspectives = options.Perspectives;
        Base = HouseholdCohort.Run(definition, Strategies, null, perspectives, maxJointStates);
        Perspectives = Base[0].Perspectives;
        _names = [.. Strategies.Select(s => new Strategy(s.Name))];
        RunKey = ComputeRunKey(definition, Strategies, Perspectives, Base[0].Totals.Accounts, maxJointStates);
        _options = options with { Strategies = _names, Comparator = _names[0], Perspectives = Perspectives, KeepDraws = true, EvaluateEveryDrawInFull = false, EvaluatorKey = RunKey };
        _evaluator = Evaluate;
    }

    /// <summary>
    /// What identifies this household PSA's draws in any process: a content hash of the household
    /// definition (its model's definition hash, roles, templates or register, links, flows, family
    /// payer, size), the household strategies, the perspectives and the joint-state cap. With the
    /// specification, seed and options it is part of every partial's <see cref="PsaPartial.RunKey"/>,
    /// so partials computed elsewhere read back with <see cref="ReadPartial"/> and merge exactly. Null
    /// when the model was built in code without a definition hash (the partials then cannot travel).
    /// </summary>
    public ContentHash? RunKey { get; }

    /// <summary>The household definition.</summary>
    public HouseholdDefinition Definition { get; }

    /// <summary>The distributions of the life-course model's parameters.</summary>
    public PsaSpecification Specification { get; }

    /// <summary>The household strategies, the first the comparator.</summary>
    public IReadOnlyList<HouseholdStrategy> Strategies { get; }

    /// <summary>The perspectives appraised (default: the standard set of the model with the household accounts, which includes the family payer).</summary>
    public IReadOnlyList<Perspective> Perspectives { get; }

    /// <summary>The exact joint-state cohort at the base parameter values (the point estimate), one result per strategy.</summary>
    public IReadOnlyList<HouseholdCohortResult> Base { get; }

    /// <summary>
    /// Prepares a household PSA: checks the specification against the definition's model, runs the
    /// base case (which checks the strategies and the cap on the joint state space) and returns the
    /// object whose <see cref="RunRange"/> partials merge.
    /// </summary>
    /// <param name="definition">The household definition.</param>
    /// <param name="specification">Distributions of the parameters of <see cref="HouseholdDefinition.Model"/> (the same model).</param>
    /// <param name="options">PSA options: <see cref="RunOptions.Seed"/>, <see cref="RunOptions.Threads"/>, <see cref="PsaOptions.Draws"/>, <see cref="PsaOptions.Perspectives"/>, <see cref="PsaOptions.Acceptability"/>, <see cref="PsaOptions.DrawSink"/>; <see cref="PsaOptions.Strategies"/> and <see cref="PsaOptions.Comparator"/> must be null (the household strategies are given here); null for the defaults.</param>
    /// <param name="strategies">The household strategies (null: the definition's); the first is the comparator.</param>
    /// <param name="maxJointStates">The cap on the joint state space (≥ 1).</param>
    /// <exception cref="ArgumentException">The specification is of another model, the options name model strategies, or the joint state space is above the cap.</exception>
    public static HouseholdPsa Create(HouseholdDefinition definition, PsaSpecification specification, PsaOptions? options = null, IReadOnlyList<HouseholdStrategy>? strategies = null, long maxJointStates = HouseholdCohort.DefaultMaxJointStates)
    {
        ArgumentNullException.ThrowIfNull(definition);
        ArgumentNullException.ThrowIfNull(specification);
        options ??= new PsaOptions();
        if (!ReferenceEquals(specification.Model, definition.Model)
            && !specification.Model.Parameters.Select(p => p.Name).SequenceEqual(definition.Model.Parameters.Select(p => p.Name), StringComparer.Ordinal))
        {
            throw new ArgumentException("The PSA specification is of another model: its parameters are not the household definition's model's.", nameof(specification));
        }

        if (options.Strategies is not null || options.Comparator is not null)
        {
            throw new ArgumentException("A household PSA runs household strategies: leave PsaOptions.Strategies and Comparator null and pass the household strategies (the first is the comparator).", nameof(options));
        }

        if (options.Threads < 0)
        {
            throw new ArgumentException(RunOptions.ThreadsProblem(options.Threads), nameof(options));
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(maxJointStates, 1);
        return new HouseholdPsa(definition, specification, options, strategies ?? definition.Strategies, maxJointStates);
    }

    /// <summary>Runs draws 0 … <see cref="PsaOptions.Draws"/> − 1 (see <see cref="Create"/> for the arguments).</summary>
    /// <param name="definition">The household definition.</param>
    /// <param name="specification">Distributions of the parameters of the definition's model.</param>
    /// <param name="options">PSA options; null for the defaults (1,000 draws).</param>
    /// <param name="strategies">The household strategies (null: the definition's).</param>
    /// <param name="progress">Receives the number of completed draws.</param>
    /// <param name="cancellationToken">Cancels the run (checked before every draw and every cycle of a draw).</param>
    public static HouseholdPsaResult Run(HouseholdDefinition definition, PsaSpecification specification, PsaOptions? options = null, IReadOnlyList<HouseholdStrategy>? strategies = null, IProgress<RunProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var psa = Create(definition, specification, options, strategies);
        ArgumentOutOfRangeException.ThrowIfLessThan(psa._options.Draws, 1, nameof(options));
        return psa.Complete(psa.RunRange(0, psa._options.Draws, progress, cancellationToken));
    }

    /// <summary>
    /// Runs draws [<paramref name="firstDraw"/>, <paramref name="firstDraw"/> + <paramref name="count"/>)
    /// exactly as the full run does and returns their mergeable partial (<see cref="ProbabilisticAnalysis.RunRange"/>).
    /// Partials of this object over disjoint ranges merge (<see cref="PsaPartial.Merge"/>); <see cref="Complete"/>
    /// of the partials covering 0 … K − 1 equals <see cref="Run"/> with K draws bit for bit.
    /// </summary>
    /// <param name="firstDraw">Index of the first draw (≥ 0).</param>
    /// <param name="count">Number of draws (≥ 1).</param>
    /// <param name="progress">Receives the number of completed draws of the range.</param>
    /// <param name="cancellationToken">Cancels the run.</param>
    public PsaPartial RunRange(long firstDraw, long count, IProgress<RunProgress>? progress = null, CancellationToken cancellationToken = default)
        => ProbabilisticAnalysis.RunRange(Specification, _options, firstDraw, count, _evaluator, progress, cancellationToken);

    /// <summary>
    /// Reads a partial of this household PSA written with <see cref="PsaPartial.ToBytes"/> in another
    /// process (for example on a cluster silo that prepared the same household PSA): the run key in
    /// the bytes must be this object's, so a partial of another household PSA, seed or specification
    /// is refused.
    /// </summary>
    /// <param name="data">The serialised partial.</param>
    /// <returns>The partial, mergeable with this object's other partials.</returns>
    /// <exception cref="FormatException">The bytes are not a PSA partial, are damaged, or belong to another run.</exception>
    /// <exception cref="InvalidOperationException">This household PSA has no <see cref="RunKey"/>.</exception>
    public PsaPartial ReadPartial(byte[] data)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (RunKey is null)
        {
            throw new InvalidOperationException("This household PSA has no run key (its model was built in code, without a definition hash), so its partials cannot travel; build the model from scenario files or give it a definition hash.");
        }

        return PsaPartial.FromBytes(data, Specification, _options);
    }

    /// <summary>The result of a partial (or merged partials) of this object.</summary>
    /// <param name="partial">The partial.</param>
    public HouseholdPsaResult Complete(PsaPartial partial)
    {
        ArgumentNullException.ThrowIfNull(partial);
        return new HouseholdPsaResult(this, partial.ToResult());
    }

    private static ContentHash? ComputeRunKey(HouseholdDefinition definition, IReadOnlyList<HouseholdStrategy> strategies, IReadOnlyList<Perspective> perspectives, IReadOnlyList<Account> accounts, long maxJointStates)
    {
        using var h = new ContentHasher();
        h.Tag("socinv.household-psa/1");
        if (!HouseholdRun.HashDefinition(h, definition, strategies))
        {
            return null;
        }

        h.Tag("cap").Add(maxJointStates).Tag("perspectives").Add(perspectives.Count);
        foreach (var p in perspectives)
        {
            h.Add(p.Name).Add(p.Coefficients(accounts));
        }

        return h.Finish();
    }

    /// <summary>The evaluator: the first strategy asked for a draw runs the joint cohort for every strategy once; the others read it.</summary>
    private SimulationResult Evaluate(Strategy strategy, ParameterValues parameters, long draw, CancellationToken cancellationToken)
    {
        var results = _draws.GetValue(parameters, p => HouseholdCohort.Run(Definition, Strategies, p, Perspectives, _maxJointStates, cancellationToken));
        var index = Array.FindIndex(_names, s => ReferenceEquals(s, strategy) || s.Name == strategy.Name);
        var totals = results[index].Totals;
        if (index == _names.Length - 1)
        {
            _draws.Remove(parameters);
        }

        return totals;
    }
}

/// <summary>
/// The result of a household PSA: per household strategy and perspective, the change of the net
/// position against the comparator (+ = better off) per household over the draws, the probability
/// that the party is better off, and the net position itself; with the base case (the point estimate).
/// Totals in <see cref="Psa"/> stand for <see cref="HouseholdDefinition.Size"/> households; the
/// per-household figures divide by it.
/// </summary>
public sealed class HouseholdPsaResult
{
    private readonly HouseholdPsa _psa;

    internal HouseholdPsaResult(HouseholdPsa psa, PsaResult result)
    {
        _psa = psa;
        Psa = result;
    }

    /// <summary>The underlying PSA result, over the totals for <see cref="HouseholdDefinition.Size"/> households (strategies named as the household strategies).</summary>
    public PsaResult Psa { get; }

    /// <summary>The household definition.</summary>
    public HouseholdDefinition Definition => _psa.Definition;

    /// <summary>The household strategies, the first the comparator.</summary>
    public IReadOnlyList<HouseholdStrategy> Strategies => _psa.Strategies;

    /// <summary>The perspectives.</summary>
    public IReadOnlyList<Perspective> Perspectives => _psa.Perspectives;

    /// <summary>The exact joint-state cohort at the base parameter values, one result per strategy.</summary>
    public IReadOnlyList<HouseholdCohortResult> Base => _psa.Base;

    /// <summary>Number of draws.</summary>
    public int Draws => Psa.Draws;

    /// <summary>The master seed.</summary>
    public ulong Seed => Psa.Seed;

    /// <summary>
    /// The change of a party's net position per household of a strategy against the comparator over
    /// the draws (+ = better off: the comparator's cost minus the strategy's, present value): mean,
    /// SD, SE, the percentile interval (R type 7, exact: every draw is kept) and the median.
    /// </summary>
    /// <param name="strategy">Index of the strategy in <see cref="Strategies"/> (≥ 1).</param>
    /// <param name="perspective">One of <see cref="Perspectives"/> (for example <see cref="HouseholdDefinition.FamilyPerspective"/>).</param>
    /// <param name="interval">Central interval width (0.95 default).</param>
    public PsaSummary ChangePerHousehold(int strategy, Perspective perspective, double interval = 0.95)
        => Scale(Psa.Summarize(PsaFigure.NetPresentValue, Name(strategy), perspective, interval));

    /// <summary>Probability that a party is better off with a strategy than with the comparator: the share of draws whose change is &gt; 0.</summary>
    /// <param name="strategy">Index of the strategy (≥ 1).</param>
    /// <param name="perspective">One of <see cref="Perspectives"/>.</param>
    public double ProbabilityBetterOff(int strategy, Perspective perspective) => Psa.ProbabilityPositiveNpv(Name(strategy), perspective);

    /// <summary>A party's net position per household under a strategy over the draws (+ = better off: minus the present value of its net cost).</summary>
    /// <param name="strategy">Index of the strategy in <see cref="Strategies"/>.</param>
    /// <param name="perspective">One of <see cref="Perspectives"/>.</param>
    /// <param name="interval">Central interval width (0.95 default).</param>
    public PsaSummary NetPositionPerHousehold(int strategy, Perspective perspective, double interval = 0.95)
    {
        var costs = Psa.Costs(Name(strategy), perspective).ToArray();
        return Scale(PsaSummary.Of(costs.Select(c => -c), interval));
    }

    /// <summary>The per-draw changes per household (+ = better off), in draw order.</summary>
    /// <param name="strategy">Index of the strategy (≥ 1).</param>
    /// <param name="perspective">One of <see cref="Perspectives"/>.</param>
    public double[] ChangesPerHousehold(int strategy, Perspective perspective)
    {
        var v = Psa.Values(PsaFigure.NetPresentValue, Name(strategy), perspective).ToArray();
        for (var i = 0; i < v.Length; i++)
        {
            v[i] /= Definition.Size;
        }

        return v;
    }

    /// <summary>The base case's change per household (+ = better off), the point estimate the draws scatter around.</summary>
    /// <param name="strategy">Index of the strategy (≥ 1).</param>
    /// <param name="perspective">One of <see cref="Perspectives"/>.</param>
    public double BaseChangePerHousehold(int strategy, Perspective perspective)
        => Base[0].CostPerHousehold(perspective) - Base[Check(strategy)].CostPerHousehold(perspective);

    private Strategy Name(int strategy) => Psa.Strategies[Check(strategy)];

    private int Check(int strategy)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(strategy);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(strategy, Strategies.Count);
        return strategy;
    }

    private PsaSummary Scale(PsaSummary s)
    {
        var n = Definition.Size;
        return new PsaSummary(s.Mean / n, s.StandardDeviation / n, s.StandardError / n, s.Lower / n, s.Median / n, s.Upper / n, s.Count);
    }
}
