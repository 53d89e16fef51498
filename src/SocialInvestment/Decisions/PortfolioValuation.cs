using SocialInvestment.Economics;
using SocialInvestment.Engine;
using SocialInvestment.Model;
using SocialInvestment.Uncertainty;

namespace SocialInvestment.Decisions;

/// <summary>How <see cref="PortfolioValuation.Build"/> accounts for interactions between candidates that reach the same people.</summary>
public enum PortfolioInteractions
{
    /// <summary>
    /// Pairwise: the model runs every candidate alone and every pair of candidates together (the
    /// combined strategy, not the sum). A set S is valued as
    /// v(S) = Σ_{i∈S} v_i + Σ_{i&lt;j∈S} δ_ij with δ_ij = v({i, j}) − v_i − v_j, the same for every
    /// year's cost per payer. It is exact for sets of up to two candidates and assumes the
    /// interactions of three or more candidates are the sum of their pairs' (no third-order
    /// effect). 1 + n + n(n − 1)/2 runs; the solvers' choice should be checked by running it
    /// (<see cref="PortfolioValuation.Simulate"/>).
    /// </summary>
    Pairwise = 0,

    /// <summary>
    /// Exhaustive: the model runs the combined strategy of every subset of candidates (2^n runs, at
    /// most 2^10), so every set's value is simulated and no additivity is assumed. The pairwise
    /// terms (used by a MIP) are derived from the same runs.
    /// </summary>
    Exhaustive = 1,
}

/// <summary>Options of <see cref="PortfolioValuation.Build"/>.</summary>
public sealed record PortfolioValuationOptions
{
    /// <summary>How interactions are handled; default pairwise.</summary>
    public PortfolioInteractions Interactions { get; init; }

    /// <summary>The parameter distributions for a PSA; null for a deterministic valuation (one "draw", the base case).</summary>
    public PsaSpecification? Psa { get; init; }

    /// <summary>PSA draws K (ignored without <see cref="Psa"/>).</summary>
    public int Draws { get; init; } = 1000;

    /// <summary>PSA seed: draw k uses the random stream (seed, k), whatever the threads (default <see cref="RunOptions.DefaultSeed"/>).</summary>
    public ulong Seed { get; init; } = RunOptions.DefaultSeed;

    /// <summary>PSA worker threads, as <see cref="RunOptions.Threads"/>: 0 = every core, n ≥ 1 = at most n. The result does not depend on it.</summary>
    public int Threads { get; init; }

    /// <summary>Pairs never chosen together (members of one exclusion) are not run; their interaction is 0.</summary>
    public IReadOnlyList<PortfolioExclusion> Exclusions { get; init; } = [];
}

/// <summary>A pair's interaction: the combined run's value minus the two candidates' own values. Immutable (the arrays are copied).</summary>
public sealed class PortfolioInteraction
{
    /// <summary>Creates an interaction; <see cref="PortfolioValuation.FromValues"/> checks its shape against the valuation.</summary>
    /// <param name="npvByDraw">δ of the objective NPV per draw (NOK).</param>
    /// <param name="costs">δ of the intervention costs, [payer][year] (undiscounted NOK).</param>
    public PortfolioInteraction(double[] npvByDraw, double[][] costs)
    {
        ArgumentNullException.ThrowIfNull(npvByDraw);
        ArgumentNullException.ThrowIfNull(costs);
        Npv = (double[])npvByDraw.Clone();
        CostTable = [.. costs.Select(r => r is null ? null! : (double[])r.Clone())];
    }

    /// <summary>δ of the objective NPV per draw (NOK), the read-only per-draw shape of the PSA results.</summary>
    public ReadOnlySpan<double> NpvByDraw => Npv;

    /// <summary>Number of draws of <see cref="NpvByDraw"/>.</summary>
    public int Draws => Npv.Length;

    /// <summary>δ of the intervention cost to a payer in a year (undiscounted NOK).</summary>
    /// <param name="payer">Payer index, as <see cref="PortfolioValuation.Payers"/>.</param>
    /// <param name="year">Year, 0 … <see cref="PortfolioValuation.Years"/> − 1.</param>
    public double Cost(int payer, int year) => CostTable[payer][year];

    internal double[] Npv { get; }

    internal double[][] CostTable { get; }
}

/// <summary>The combined run of a set of candidates (<see cref="PortfolioValuation.Simulate"/>). Immutable.</summary>
public sealed class PortfolioSimulation
{
    private readonly double[] _npv;
    private readonly double[][] _costs;

    internal PortfolioSimulation(double[] npv, double[][] costs)
    {
        _npv = npv;
        _costs = costs;
    }

    /// <summary>The set's objective NPV per draw (NOK, + = better off), the read-only per-draw shape of the PSA results.</summary>
    public ReadOnlySpan<double> NpvByDraw => _npv;

    /// <summary>Number of draws of <see cref="NpvByDraw"/>.</summary>
    public int Draws => _npv.Length;

    /// <summary>The set's base-case intervention cost to a payer in a year (undiscounted NOK).</summary>
    /// <param name="payer">Payer index, as <see cref="PortfolioValuation.Payers"/>.</param>
    /// <param name="year">Year, 0 … <see cref="PortfolioValuation.Years"/> − 1.</param>
    public double Cost(int payer, int year) => _costs[payer][year];
}

/// <summary>
/// The values and costs of a set of candidates, enough to value any subset: for each candidate
/// (and each pair, see <see cref="PortfolioInteractions"/>) the incremental NPV against the
/// comparator from the objective perspective in every draw (+ = better off), and the incremental
/// intervention costs per payer and year in the base case (undiscounted, + = the payer pays; the
/// budgets constrain these base-case costs, also under a PSA). Immutable.
/// </summary>
public sealed class PortfolioValuation
{
    /// <summary>At most this many candidates for <see cref="PortfolioInteractions.Exhaustive"/>.</summary>
    public const int MaxExhaustiveCandidates = 10;

    /// <summary>At most this many candidates in a valuation (the pairwise model has n(n − 1)/2 pairs).</summary>
    public const int MaxCandidates = 64;

    private readonly double[][] _npv;
    private readonly double[][][] _cost;
    private readonly Dictionary<(int, int), PortfolioInteraction> _pairs;
    private readonly Dictionary<long, (double[] Npv, double[][] Cost)>? _exact;
    private readonly Func<IReadOnlyList<bool>, CancellationToken, (double[] Npv, double[][] Cost)>? _simulate;

    private PortfolioValuation(IReadOnlyList<PortfolioCandidate> candidates, IReadOnlyList<Payer> payers, int years, Perspective objective, double[][] npv, double[][][] cost, Dictionary<(int, int), PortfolioInteraction> pairs, Dictionary<long, (double[], double[][])>? exact, Func<IReadOnlyList<bool>, CancellationToken, (double[], double[][])>? simulate, Strategy? comparator)
    {
        Candidates = ReadOnly.Copy(candidates);
        Payers = ReadOnly.Copy(payers);
        Years = years;
        Objective = objective;
        Draws = npv.Length == 0 ? 1 : npv[0].Length;
        _npv = npv;
        _cost = cost;
        _pairs = pairs;
        _exact = exact;
        _simulate = simulate;
        Comparator = comparator;
    }

    /// <summary>The candidates, in order.</summary>
    public IReadOnlyList<PortfolioCandidate> Candidates { get; }

    /// <summary>The payers of the cost arrays, in order.</summary>
    public IReadOnlyList<Payer> Payers { get; }

    /// <summary>Number of years the costs cover (year 0 to Years − 1).</summary>
    public int Years { get; }

    /// <summary>The objective perspective of the NPVs.</summary>
    public Perspective Objective { get; }

    /// <summary>Number of draws K (1 for a deterministic valuation).</summary>
    public int Draws { get; }

    /// <summary>The comparator the candidates are valued against (<see cref="Build"/>); null when the values were given (<see cref="FromValues"/>).</summary>
    public Strategy? Comparator { get; }

    /// <summary>The pairs (i &lt; j) not run because an exclusion of the options forbids them together; a problem on this valuation must exclude them too.</summary>
    public IReadOnlyList<(int First, int Second)> SkippedPairs { get; private init; } = [];

    /// <summary>True when every subset's value was simulated (<see cref="PortfolioInteractions.Exhaustive"/>).</summary>
    public bool IsExact => _exact is not null;

    /// <summary>A candidate's own NPV per draw (NOK, + = better off).</summary>
    /// <param name="candidate">Index.</param>
    public ReadOnlySpan<double> Npv(int candidate) => _npv[candidate];

    /// <summary>A candidate's own base-case intervention cost to a payer in a year (undiscounted NOK).</summary>
    /// <param name="candidate">Index.</param>
    /// <param name="payer">Payer index.</param>
    /// <param name="year">Year.</param>
    public double CandidateCost(int candidate, int payer, int year) => _cost[candidate][payer][year];

    /// <summary>The pairs with an interaction term (i &lt; j).</summary>
    public IReadOnlyCollection<(int First, int Second)> Pairs => _pairs.Keys;

    /// <summary>A pair's interaction, or null when it has none (not run, or excluded).</summary>
    /// <param name="first">Index of one candidate.</param>
    /// <param name="second">Index of the other.</param>
    public PortfolioInteraction? Interaction(int first, int second) =>
        _pairs.TryGetValue(first < second ? (first, second) : (second, first), out var x) ? x : null;

    /// <summary>Index of a candidate, or −1.</summary>
    /// <param name="name">Its name.</param>
    public int CandidateIndex(string name)
    {
        for (var i = 0; i < Candidates.Count; i++)
        {
            if (Candidates[i].Name == name)
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>Index of a payer, or −1.</summary>
    /// <param name="name">Its name.</param>
    public int PayerIndex(string name)
    {
        for (var i = 0; i < Payers.Count; i++)
        {
            if (Payers[i].Name == name)
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>
    /// The NPV of a set in every draw: the simulated value when the valuation is exact, otherwise
    /// the pairwise model Σ v_i + Σ δ_ij.
    /// </summary>
    /// <param name="chosen">One flag per candidate.</param>
    public ReadOnlySpan<double> NpvByDraw(IReadOnlyList<bool> chosen)
    {
        ArgumentNullException.ThrowIfNull(chosen);
        if (_exact is not null)
        {
            return Exact(chosen).Npv;
        }

        var sum = new double[Draws];
        var n = Candidates.Count;
        for (var i = 0; i < n; i++)
        {
            if (!chosen[i])
            {
                continue;
            }

            var v = _npv[i];
            for (var k = 0; k < sum.Length; k++)
            {
                sum[k] += v[k];
            }

            for (var j = i + 1; j < n; j++)
            {
                if (chosen[j] && _pairs.TryGetValue((i, j), out var x))
                {
                    for (var k = 0; k < sum.Length; k++)
                    {
                        sum[k] += x.Npv[k];
                    }
                }
            }
        }

        return sum;
    }

    /// <summary>The base-case intervention cost of a set to a payer (null: every payer) in a year, undiscounted NOK; simulated when exact, otherwise pairwise.</summary>
    /// <param name="chosen">One flag per candidate.</param>
    /// <param name="payer">The payer's name, or null for the total.</param>
    /// <param name="year">The year.</param>
    public double Cost(IReadOnlyList<bool> chosen, string? payer, int year)
    {
        ArgumentNullException.ThrowIfNull(chosen);
        var p = payer is null ? -1 : PayerIndex(payer);
        if (payer is not null && p < 0)
        {
            throw new KeyNotFoundException($"The valuation has no payer '{payer}'.");
        }

        double Of(double[][] c) => p >= 0 ? c[p][year] : c.Sum(row => row[year]);
        if (_exact is not null)
        {
            return Of(Exact(chosen).Cost);
        }

        var n = Candidates.Count;
        var sum = 0.0;
        for (var i = 0; i < n; i++)
        {
            if (!chosen[i])
            {
                continue;
            }

            sum += Of(_cost[i]);
            for (var j = i + 1; j < n; j++)
            {
                if (chosen[j] && _pairs.TryGetValue((i, j), out var x))
                {
                    sum += Of(x.CostTable);
                }
            }
        }

        return sum;
    }

    /// <summary>
    /// Runs the combined strategy of a set (all its candidates' interventions on top of the
    /// comparator) and returns its NPV per draw and its base-case costs per payer and year: the check of
    /// a solver's choice against the pairwise model. Only for valuations made by
    /// <see cref="Build"/>.
    /// </summary>
    /// <param name="chosen">One flag per candidate.</param>
    /// <param name="cancellationToken">Cancels the run.</param>
    /// <exception cref="InvalidOperationException">The valuation was made from given values (<see cref="FromValues"/>).</exception>
    public PortfolioSimulation Simulate(IReadOnlyList<bool> chosen, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(chosen);
        if (_simulate is null)
        {
            throw new InvalidOperationException("This valuation was made from given values; there is no model to run.");
        }

        var (npv, cost) = _exact is not null ? Exact(chosen) : _simulate(chosen, cancellationToken);
        return new PortfolioSimulation(npv, cost);
    }

    /// <summary>
    /// A valuation from values computed elsewhere (another model, or a test): per candidate its NPV
    /// per draw and its costs [payer][year], and optional pairwise interactions.
    /// </summary>
    /// <param name="candidates">Candidate names.</param>
    /// <param name="payers">Payers of the cost arrays.</param>
    /// <param name="years">Years of the cost arrays.</param>
    /// <param name="objective">The perspective the NPVs are from.</param>
    /// <param name="npvByDraw">[candidate][draw], every row of the same length K ≥ 1.</param>
    /// <param name="costs">[candidate][payer][year].</param>
    /// <param name="interactions">Pair (i &lt; j) → interaction; null for none (additive).</param>
    /// <exception cref="ArgumentException">Shapes do not match or a value is not finite.</exception>
    public static PortfolioValuation FromValues(IReadOnlyList<string> candidates, IReadOnlyList<Payer> payers, int years, Perspective objective, double[][] npvByDraw, double[][][] costs, IReadOnlyDictionary<(int, int), PortfolioInteraction>? interactions = null)
    {
        ArgumentNullException.ThrowIfNull(candidates);
        ArgumentNullException.ThrowIfNull(payers);
        ArgumentNullException.ThrowIfNull(objective);
        ArgumentNullException.ThrowIfNull(npvByDraw);
        ArgumentNullException.ThrowIfNull(costs);
        var n = candidates.Count;
        if (n is < 1 or > MaxCandidates || npvByDraw.Length != n || costs.Length != n || years < 1)
        {
            throw new ArgumentException($"Give 1–{MaxCandidates} candidates with one NPV row and one cost table each, and years ≥ 1.", nameof(npvByDraw));
        }

        if (candidates.Distinct(StringComparer.Ordinal).Count() != n)
        {
            throw new ArgumentException("Candidate names must be unique.", nameof(candidates));
        }

        var k = npvByDraw[0]?.Length ?? 0;
        void CheckCost(double[][] c, string what)
        {
            if (c is null || c.Length != payers.Count || c.Any(r => r is null || r.Length != years || r.Any(x => !double.IsFinite(x))))
            {
                throw new ArgumentException($"The costs of {what} must be [payer][year] with {payers.Count} × {years} finite values.", nameof(costs));
            }
        }

        for (var i = 0; i < n; i++)
        {
            if (npvByDraw[i] is null || npvByDraw[i].Length != k || k < 1 || npvByDraw[i].Any(x => !double.IsFinite(x)))
            {
                throw new ArgumentException($"The NPV row of '{candidates[i]}' must have the same number (≥ 1) of finite values as the first.", nameof(npvByDraw));
            }

            CheckCost(costs[i], $"'{candidates[i]}'");
        }

        var pairs = new Dictionary<(int, int), PortfolioInteraction>();
        foreach (var (key, x) in interactions ?? new Dictionary<(int, int), PortfolioInteraction>())
        {
            if (key.Item1 < 0 || key.Item2 >= n || key.Item1 >= key.Item2 || x is null || x.Npv.Length != k || x.Npv.Any(v => !double.IsFinite(v)))
            {
                throw new ArgumentException($"Interaction ({key.Item1}, {key.Item2}) must name a pair i < j of candidates and have {k} finite NPV values.", nameof(interactions));
            }

            CheckCost(x.CostTable, $"pair ({key.Item1}, {key.Item2})");
            pairs[key] = x;
        }

        var list = candidates.Select(c => new PortfolioCandidate(c, [])).ToArray();
        return new PortfolioValuation(list, payers.ToArray(), years, objective, npvByDraw.Select(r => (double[])r.Clone()).ToArray(), costs, pairs, null, null, null);
    }

    /// <summary>
    /// Values the candidates by running the model: the comparator, every candidate alone and every
    /// pair (or every subset with <see cref="PortfolioInteractions.Exhaustive"/>), each as one
    /// combined strategy of the comparator's interventions and the candidates'. NPVs are
    /// <see cref="Appraisal.Compare"/> against the comparator from <paramref name="objective"/>, in
    /// the base case or, with <see cref="PortfolioValuationOptions.Psa"/>, in every PSA draw (the
    /// PSA's common random numbers: draw k has the same parameters for every set). Costs are the
    /// interventions' own costs (the ledger's intervention origin) per payer and year in the base
    /// case, against the comparator.
    /// </summary>
    /// <param name="model">The model.</param>
    /// <param name="comparator">The comparator strategy (usually business as usual).</param>
    /// <param name="candidates">The candidates (unique names, 1–64; at most 10 for exhaustive).</param>
    /// <param name="objective">The perspective of the NPV (society, or a payer).</param>
    /// <param name="options">Interactions, PSA; null for pairwise and deterministic.</param>
    /// <param name="progress">Receives PSA progress.</param>
    /// <param name="cancellationToken">Cancels the runs.</param>
    /// <exception cref="ModelValidationException">The candidates are invalid (names, counts, a combined strategy of more than <see cref="LifeCourseModelBuilder.MaxInterventionsPerStrategy"/> interventions).</exception>
    public static PortfolioValuation Build(LifeCourseModel model, Strategy comparator, IReadOnlyList<PortfolioCandidate> candidates, Perspective objective, PortfolioValuationOptions? options = null, IProgress<RunProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(comparator);
        ArgumentNullException.ThrowIfNull(candidates);
        ArgumentNullException.ThrowIfNull(objective);
        options ??= new PortfolioValuationOptions();
        var n = candidates.Count;
        var problems = new List<ValidationProblem>();
        var exhaustive = options.Interactions == PortfolioInteractions.Exhaustive;
        if (n < 1 || n > (exhaustive ? MaxExhaustiveCandidates : MaxCandidates))
        {
            problems.Add(new ValidationProblem("candidates", $"Give 1–{(exhaustive ? MaxExhaustiveCandidates : MaxCandidates)} candidates{(exhaustive ? " for an exhaustive valuation (2^n runs)" : "")} (got {n})."));
        }

        foreach (var dup in candidates.Where(c => c is not null).GroupBy(c => c.Name, StringComparer.Ordinal).Where(g => g.Count() > 1))
        {
            problems.Add(new ValidationProblem($"candidate '{dup.Key}'", "Candidate names must be unique."));
        }

        foreach (var c in candidates)
        {
            if (c is null || c.Interventions is null || c.Interventions.Count == 0)
            {
                problems.Add(new ValidationProblem($"candidate '{c?.Name}'", "A candidate runs at least one intervention."));
            }
        }

        if (options.Psa is { } spec && !ReferenceEquals(spec.Model, model))
        {
            problems.Add(new ValidationProblem("psa", "The PSA specification is for another model."));
        }

        if (problems.Count > 0)
        {
            throw new ModelValidationException(problems);
        }

        var excluded = new HashSet<(int, int)>();
        foreach (var e in options.Exclusions)
        {
            var idx = e.Candidates.Select(name => candidates.ToList().FindIndex(c => c.Name == name)).Where(i => i >= 0).Distinct().Order().ToArray();
            for (var a = 0; a < idx.Length; a++)
            {
                for (var b = a + 1; b < idx.Length; b++)
                {
                    excluded.Add((idx[a], idx[b]));
                }
            }
        }

        // The sets to run, by bit mask.
        var masks = new List<long>();
        if (exhaustive)
        {
            for (long m = 1; m < 1L << n; m++)
            {
                if (!excluded.Any(pair => (m & (1L << pair.Item1)) != 0 && (m & (1L << pair.Item2)) != 0))
                {
                    masks.Add(m);
                }
            }
        }
        else
        {
            for (var i = 0; i < n; i++)
            {
                masks.Add(1L << i);
            }

            for (var i = 0; i < n; i++)
            {
                for (var j = i + 1; j < n; j++)
                {
                    if (!excluded.Contains((i, j)))
                    {
                        masks.Add((1L << i) | (1L << j));
                    }
                }
            }
        }

        Strategy StrategyOf(long mask)
        {
            var list = new List<Intervention>(comparator.Interventions);
            var names = new List<string>();
            for (var i = 0; i < n; i++)
            {
                if ((mask & (1L << i)) != 0)
                {
                    names.Add(candidates[i].Name);
                    foreach (var iv in candidates[i].Interventions)
                    {
                        if (!list.Any(x => ReferenceEquals(x, iv) || x.Name == iv.Name))
                        {
                            list.Add(iv);
                        }
                    }
                }
            }

            return new Strategy("portfolio: " + string.Join(" + ", names), list.ToArray());
        }

        var strategies = masks.Select(StrategyOf).ToList();
        var tooBig = strategies.Where(s => s.Interventions.Count > LifeCourseModelBuilder.MaxInterventionsPerStrategy).Select(s => s.Name).ToList();
        if (tooBig.Count > 0)
        {
            throw new ModelValidationException(tooBig.Take(10).Select(s => new ValidationProblem("candidates", $"The combined strategy '{s}' has more than {LifeCourseModelBuilder.MaxInterventionsPerStrategy} interventions, the most a strategy may run; give fewer or smaller candidates{(exhaustive ? ", or value them pairwise" : "")}.")).ToList());
        }

        var years = YearOf(model.Options.Cycles, model.Options.CycleLengthYears) + 1;
        var payers = model.Payers;
        var baseComparator = CohortEngine.Run(model, comparator, null, cancellationToken);
        var baseCost = CostTable(baseComparator, payers, years);

        (double[] Npv, double[][] Cost) RunSet(Strategy s, CancellationToken ct)
        {
            var r = CohortEngine.Run(model, s, null, ct);
            var cost = CostTable(r, payers, years);
            for (var p = 0; p < cost.Length; p++)
            {
                for (var y = 0; y < years; y++)
                {
                    cost[p][y] -= baseCost[p][y];
                }
            }

            return ([Appraisal.Compare(r, baseComparator, objective).NetPresentValue], cost);
        }

        var values = new (double[] Npv, double[][] Cost)[masks.Count];
        for (var m = 0; m < masks.Count; m++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            values[m] = RunSet(strategies[m], cancellationToken);
        }

        Func<IReadOnlyList<bool>, CancellationToken, (double[], double[][])> simulate;
        if (options.Psa is { } psaSpec)
        {
            var all = new List<Strategy> { comparator };
            all.AddRange(strategies);
            var psa = ProbabilisticAnalysis.Run(
                psaSpec,
                new PsaOptions
                {
                    Draws = options.Draws,
                    Seed = options.Seed,
                    Threads = options.Threads,
                    Strategies = all,
                    Comparator = comparator,
                    Perspectives = [objective],
                    KeepDraws = true,
                },
                null,
                progress,
                cancellationToken);
            for (var m = 0; m < masks.Count; m++)
            {
                values[m] = (psa.Values(PsaFigure.NetPresentValue, strategies[m], objective).ToArray(), values[m].Cost);
            }

            simulate = (chosen, ct) =>
            {
                var s = StrategyOf(Mask(chosen));
                var one = ProbabilisticAnalysis.Run(
                    psaSpec,
                    new PsaOptions { Draws = options.Draws, Seed = options.Seed, Threads = options.Threads, Strategies = [comparator, s], Comparator = comparator, Perspectives = [objective], KeepDraws = true },
                    null,
                    null,
                    ct);
                return (one.Values(PsaFigure.NetPresentValue, s, objective).ToArray(), RunSet(s, ct).Cost);
            };
        }
        else
        {
            simulate = (chosen, ct) => Mask(chosen) == 0 ? ([0.0], Zero(payers.Count, years)) : RunSet(StrategyOf(Mask(chosen)), ct);
        }

        var index = new Dictionary<long, int>();
        for (var m = 0; m < masks.Count; m++)
        {
            index[masks[m]] = m;
        }

        var npv = new double[n][];
        var costs = new double[n][][];
        for (var i = 0; i < n; i++)
        {
            (npv[i], costs[i]) = values[index[1L << i]];
        }

        var pairs = new Dictionary<(int, int), PortfolioInteraction>();
        for (var i = 0; i < n; i++)
        {
            for (var j = i + 1; j < n; j++)
            {
                if (excluded.Contains((i, j)) || !index.TryGetValue((1L << i) | (1L << j), out var m))
                {
                    continue;
                }

                var (pn, pc) = values[m];
                var dn = pn.Select((v, k) => v - npv[i][k] - npv[j][k]).ToArray();
                var dc = pc.Select((row, p) => row.Select((v, y) => v - costs[i][p][y] - costs[j][p][y]).ToArray()).ToArray();
                pairs[(i, j)] = new PortfolioInteraction(dn, dc);
            }
        }

        Dictionary<long, (double[], double[][])>? exact = null;
        if (exhaustive)
        {
            exact = new Dictionary<long, (double[], double[][])> { [0] = (new double[npv[0].Length], Zero(payers.Count, years)) };
            for (var m = 0; m < masks.Count; m++)
            {
                exact[masks[m]] = values[m];
            }
        }

        return new PortfolioValuation(candidates.ToArray(), payers, years, objective, npv, costs, pairs, exact, simulate, comparator)
        {
            SkippedPairs = ReadOnly.Copy(excluded.Order()),
        };
    }

    private (double[] Npv, double[][] Cost) Exact(IReadOnlyList<bool> chosen) =>
        _exact!.TryGetValue(Mask(chosen), out var x)
            ? x
            : throw new InvalidOperationException("This set was not run: it combines candidates that the valuation's exclusions forbid together.");

    internal static long Mask(IReadOnlyList<bool> chosen)
    {
        long m = 0;
        for (var i = 0; i < chosen.Count; i++)
        {
            if (chosen[i])
            {
                m |= 1L << i;
            }
        }

        return m;
    }

    private static int YearOf(int cycle, double cycleLength) => (int)Math.Floor((cycle * cycleLength) + 1e-9);

    private static double[][] Zero(int payers, int years) => Enumerable.Range(0, payers).Select(_ => new double[years]).ToArray();

    private static double[][] CostTable(SimulationResult r, IReadOnlyList<Payer> payers, int years)
    {
        var table = Zero(payers.Count, years);
        for (var t = 0; t <= r.Cycles; t++)
        {
            var y = Math.Min(years - 1, YearOf(t, r.CycleLengthYears));
            for (var a = 0; a < r.Accounts.Count; a++)
            {
                var p = -1;
                for (var q = 0; q < payers.Count; q++)
                {
                    if (payers[q].Name == r.Accounts[a].Payer.Name)
                    {
                        p = q;
                        break;
                    }
                }

                if (p >= 0)
                {
                    table[p][y] += r.Flow(t, a, FlowOrigin.Intervention, false);
                }
            }
        }

        return table;
    }
}
