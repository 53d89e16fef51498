using System.Globalization;
using SocialInvestment.Economics;
using SocialInvestment.Model;

namespace SocialInvestment.Uncertainty;

/// <summary>
/// The mergeable summaries of a PSA over one or more ranges of draws (from
/// <see cref="ProbabilisticAnalysis.RunRange"/>): exact sums and counts, so partials of one run
/// <see cref="Merge">merge</see> exactly, in any order and grouping, and the partials covering draws
/// 0 … K − 1 give, through <see cref="ToResult"/>, the result of <see cref="ProbabilisticAnalysis.Run"/>
/// with K draws bit for bit.
/// </summary>
/// <remarks>
/// <para>
/// What merges exactly: every mean, standard deviation and standard error (formed from exact
/// sums of x and x², see <see cref="RunningMoments"/>), the counts behind
/// <see cref="PsaResult.ProbabilityPositiveNpv"/> and the acceptability curves, the net-benefit
/// sums behind EVPI and the frontier, and, with <see cref="PsaOptions.KeepDraws"/>, every draw (so
/// exact percentiles and EVPPI). What does not: without KeepDraws, percentiles come from a
/// <see cref="QuantileSketch"/> per figure, and merged sketches are approximate (a t-digest's
/// compression depends on the grouping); they keep the sketch's accuracy but may differ in the last
/// digits from the single run's and between merge orders. Keep the draws when percentiles must be
/// identical.
/// </para>
/// <para>
/// Identity: partials merge only when they come from the same run: the same
/// <see cref="RunKey"/> (the model's definition hash and the specification's distributions, the
/// seed, the strategies and comparator, the perspectives by name and coefficients, the requested
/// acceptability grid and KeepDraws), and, when the model has no definition hash (built in code) or
/// a custom evaluator without an identity was used, the same specification and evaluator objects (a
/// household PSA's evaluator has an identity, <see cref="HouseholdPsa.RunKey"/>, which the run key
/// includes, so its partials travel). Ranges must not
/// overlap: a range counted twice is refused.
/// </para>
/// </remarks>
public sealed partial class PsaPartial
{
    private readonly PsaOptions _options;
    private readonly StrategyEvaluator? _evaluator;
    private readonly PsaAccumulator _summary;
    private readonly List<(int Start, int End, PsaBuffers Buffers)> _kept;
    private readonly List<(long Start, long End)> _ranges;
    private readonly Strategy[] _strategies;
    private readonly Perspective[] _perspectives;

    internal PsaPartial(PsaSpecification specification, PsaOptions options, IReadOnlyList<Strategy> strategies, int comparator, IReadOnlyList<Perspective> perspectives, StrategyEvaluator? evaluator, PsaAccumulator summary, PsaBuffers? kept, int start, int end)
        : this(specification, options, [.. strategies], comparator, [.. perspectives], evaluator, summary, kept is { } b ? [(start, end, b)] : [], [(start, end)], null)
    {
    }

    private PsaPartial(PsaSpecification specification, PsaOptions options, Strategy[] strategies, int comparator, Perspective[] perspectives, StrategyEvaluator? evaluator, PsaAccumulator summary, List<(int, int, PsaBuffers)> kept, List<(long, long)> ranges, ContentHash? runKey)
    {
        Specification = specification;
        _options = options with { DrawSink = null };
        _strategies = strategies;
        ComparatorIndex = comparator;
        _perspectives = perspectives;
        _evaluator = evaluator;
        _summary = summary;
        _kept = kept;
        _ranges = ranges;
        RunKey = runKey ?? ComputeRunKey();
    }

    /// <summary>The specification sampled.</summary>
    public PsaSpecification Specification { get; }

    /// <summary>The model's <see cref="LifeCourseModel.DefinitionHash"/> (null for a model built in code, which cannot travel).</summary>
    public ContentHash? ModelHash => Specification.Model.DefinitionHash;

    /// <summary>
    /// SHA-256 identity of the run this partial belongs to: the specification's
    /// <see cref="PsaSpecification.ContentHash"/>, the seed, the strategies and comparator, the
    /// perspectives (names and coefficients over the model's accounts), the accumulated
    /// acceptability grid and KeepDraws. Null when the model has no definition hash or a custom
    /// evaluator was used (then only partials of the same objects merge).
    /// </summary>
    public ContentHash? RunKey { get; }

    /// <summary>The master seed.</summary>
    public ulong Seed => _options.Seed;

    /// <summary>The strategies, in order.</summary>
    public IReadOnlyList<Strategy> Strategies => _strategies;

    /// <summary>Index of the comparator in <see cref="Strategies"/>.</summary>
    public int ComparatorIndex { get; }

    /// <summary>The perspectives, in order.</summary>
    public IReadOnlyList<Perspective> Perspectives => _perspectives;

    /// <summary>The half-open draw ranges [start, end) this partial covers, sorted and coalesced.</summary>
    public IReadOnlyList<(long Start, long End)> Ranges => _ranges;

    /// <summary>Number of draws summarised.</summary>
    public long DrawCount => _ranges.Sum(r => r.End - r.Start);

    /// <summary>True when every draw of the ranges is kept (<see cref="PsaOptions.KeepDraws"/>).</summary>
    public bool KeepsDraws => _options.KeepDraws;

    /// <summary>
    /// Merges two partials of the same run over disjoint draw ranges into a new partial (neither
    /// input changes). Exact for everything but streamed quantile sketches (see the remarks).
    /// </summary>
    /// <param name="other">The other partial.</param>
    /// <exception cref="ArgumentException">The partials belong to different runs (what differs is named), or their ranges overlap (a range counted twice).</exception>
    public PsaPartial Merge(PsaPartial other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (DifferentRun(other) is { } why)
        {
            throw new ArgumentException($"The PSA partials come from different runs: {why}.", nameof(other));
        }

        foreach (var r in other._ranges)
        {
            foreach (var mine in _ranges)
            {
                if (r.Start < mine.End && mine.Start < r.End)
                {
                    throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"The PSA partials overlap: draws [{Math.Max(r.Start, mine.Start)}, {Math.Min(r.End, mine.End)}) are in both ([{mine.Start}, {mine.End}) and [{r.Start}, {r.End})); a range is counted once."), nameof(other));
                }
            }
        }

        // Accumulate in range order, so that the (approximate) sketches do not depend on which side merged which.
        var (a, b) = _ranges[0].Start < other._ranges[0].Start ? (this, other) : (other, this);
        var summary = new PsaAccumulator(Specification.Model, _strategies, ComparatorIndex, _perspectives, _options);
        summary.Add(a._summary);
        summary.Add(b._summary);
        var kept = a._kept.Concat(b._kept).OrderBy(s => s.Start).ToList();
        var ranges = a._ranges.Concat(b._ranges).OrderBy(r => r.Start).ToList();
        for (var i = ranges.Count - 1; i > 0; i--)
        {
            if (ranges[i - 1].End == ranges[i].Start)
            {
                ranges[i - 1] = (ranges[i - 1].Start, ranges[i].End);
                ranges.RemoveAt(i);
            }
        }

        return new PsaPartial(Specification, _options, _strategies, ComparatorIndex, _perspectives, _evaluator, summary, kept, ranges, RunKey);
    }

    /// <summary>Merges partials of one run (in the order given; the result does not depend on it except for streamed sketches).</summary>
    /// <param name="partials">At least one partial.</param>
    /// <exception cref="ArgumentException">No partials, or they belong to different runs or overlap.</exception>
    public static PsaPartial MergeAll(IEnumerable<PsaPartial> partials)
    {
        ArgumentNullException.ThrowIfNull(partials);
        PsaPartial? merged = null;
        foreach (var p in partials.OrderBy(p => p?._ranges[0].Start ?? 0))
        {
            ArgumentNullException.ThrowIfNull(p, nameof(partials));
            merged = merged is null ? p : merged.Merge(p);
        }

        return merged ?? throw new ArgumentException("At least one partial is needed.", nameof(partials));
    }

    /// <summary>
    /// The result of the run, once the partial covers draws 0 … K − 1 without a gap (K =
    /// <see cref="DrawCount"/>): bit-identical to <see cref="ProbabilisticAnalysis.Run"/> with K draws
    /// (see the remarks for streamed percentiles).
    /// </summary>
    /// <exception cref="InvalidOperationException">Some draws are missing (the first gap is named), or the kept draws are too many for one array.</exception>
    public PsaResult ToResult()
    {
        if (_ranges.Count != 1 || _ranges[0].Start != 0)
        {
            var gapStart = _ranges[0].Start == 0 ? _ranges[0].End : 0;
            var gapEnd = _ranges[0].Start == 0 ? _ranges[1].Start : _ranges[0].Start;
            throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture, $"The partial does not cover draws 0 … K − 1: draws [{gapStart}, {gapEnd}) are missing. Merge the partial of those draws first."));
        }

        var K = (int)_ranges[0].End;
        if (KeepsDraws && _kept.Count > 1)
        {
            var perDraw = (5L * _strategies.Length * _perspectives.Length) + ((long)_strategies.Length * Math.Max(Specification.Model.Outcomes.Count, 1)) + Specification.Model.Parameters.Count;
            if (perDraw * K > Array.MaxLength)
            {
                throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture, $"{K} kept draws of {perDraw} values each are too many for one result; merge fewer draws, or run without KeepDraws."));
            }
        }

        _summary.Seal();
        return new PsaResult(Specification, Seed, _strategies, ComparatorIndex, _perspectives, K, _summary, KeepsDraws ? Concatenate(K) : null);
    }

    /// <summary>
    /// The result a single streamed run (<see cref="PsaOptions.KeepDraws"/> false) of the same draws
    /// would have given, from a partial that kept its draws: every kept draw is folded, in draw order,
    /// into fresh streamed summaries and passed to <paramref name="sink"/>, exactly as
    /// <see cref="ProbabilisticAnalysis.Run"/> folds them in one process. So the result is
    /// bit-identical to that run in every figure, the percentiles of the quantile sketches included
    /// (which merged streamed partials are not), and the sink sees the same draws in the same order.
    /// The result keeps no draws.
    /// </summary>
    /// <param name="sink">Receives each draw in draw order (as <see cref="PsaOptions.DrawSink"/>); null for none.</param>
    /// <returns>The streamed result over draws 0 … K − 1.</returns>
    /// <exception cref="InvalidOperationException">The partial did not keep its draws, or some draws are missing (the first gap is named).</exception>
    public PsaResult ToStreamedResult(PsaDrawSink? sink = null)
    {
        if (!KeepsDraws)
        {
            throw new InvalidOperationException("The partial streamed its summaries without keeping the draws, so they cannot be folded again; run the ranges with PsaOptions.KeepDraws = true.");
        }

        if (_ranges.Count != 1 || _ranges[0].Start != 0)
        {
            var gapStart = _ranges[0].Start == 0 ? _ranges[0].End : 0;
            var gapEnd = _ranges[0].Start == 0 ? _ranges[1].Start : _ranges[0].Start;
            throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture, $"The partial does not cover draws 0 … K − 1: draws [{gapStart}, {gapEnd}) are missing. Merge the partial of those draws first."));
        }

        var streamed = _options with { KeepDraws = false, DrawSink = sink };
        var summary = new PsaAccumulator(Specification.Model, _strategies, ComparatorIndex, _perspectives, streamed);
        foreach (var (start, end, buffers) in _kept.OrderBy(k => k.Start))
        {
            summary.Fold(buffers, start, end, Math.Max(1, _options.EffectiveThreads));
        }

        summary.Seal();
        return new PsaResult(Specification, Seed, _strategies, ComparatorIndex, _perspectives, (int)_ranges[0].End, summary, null);
    }

    private PsaBuffers Concatenate(int draws)
    {
        if (_kept.Count == 1 && _kept[0].Buffers.Offset == 0 && _kept[0].Buffers.Stride == draws)
        {
            return _kept[0].Buffers;
        }

        var S = _strategies.Length;
        var V = _perspectives.Length;
        var O = Math.Max(Specification.Model.Outcomes.Count, 1);
        var P = Specification.Model.Parameters.Count;
        var all = new PsaBuffers(new double[S * V * draws], new double[S * O * draws], new double[4 * S * V * draws], new double[draws * P], draws, 0);
        foreach (var (start, end, b) in _kept)
        {
            var n = end - start;
            Copy(b.Costs, all.Costs, S * V);
            Copy(b.Outcomes, all.Outcomes, S * O);
            Copy(b.Figures, all.Figures, 4 * S * V);
            Array.Copy(b.Parameters, 0, all.Parameters, (long)start * P, (long)n * P);

            void Copy(double[] from, double[] to, int slots)
            {
                for (var i = 0; i < slots; i++)
                {
                    Array.Copy(from, (long)i * b.Stride, to, ((long)i * draws) + start, n);
                }
            }
        }

        return all;
    }

    private string? DifferentRun(PsaPartial o)
    {
        if (RunKey is { } key && o.RunKey is { } otherKey)
        {
            if (key == otherKey)
            {
                return null;
            }
        }
        else if (RunKey is not null || o.RunKey is not null)
        {
            return "one has a run key (a model with a definition hash and the cohort engine), the other does not";
        }
        else if (!ReferenceEquals(Specification, o.Specification))
        {
            return "the model has no definition hash (built in code), and the partials hold different specification objects";
        }
        else if (!ReferenceEquals(_evaluator, o._evaluator))
        {
            return "they were evaluated by different evaluators";
        }
        else if (Structure() == o.Structure())
        {
            return null;
        }

        // Name what differs.
        return ModelHash != o.ModelHash ? "the model definitions differ"
            : Specification.ContentHash != o.Specification.ContentHash ? "the parameter distributions differ"
            : Seed != o.Seed ? string.Create(CultureInfo.InvariantCulture, $"the seeds differ ({Seed} and {o.Seed})")
            : !_strategies.Select(s => s.Name).SequenceEqual(o._strategies.Select(s => s.Name)) || ComparatorIndex != o.ComparatorIndex ? "the strategies or the comparator differ"
            : KeepsDraws != o.KeepsDraws ? "one kept the draws, the other did not"
            : !_perspectives.Select(p => p.Name).SequenceEqual(o._perspectives.Select(p => p.Name)) ? "the perspectives differ"
            : "the perspectives' coefficients or the acceptability requests differ";
    }

    /// <summary>Everything but the model and specification that makes a run, as text (for object-identity partials).</summary>
    private string Structure()
    {
        using var h = new ContentHasher();
        WriteStructure(h);
        return h.Finish().ToString();
    }

    private ContentHash? ComputeRunKey()
    {
        if ((_evaluator is not null && _options.EvaluatorKey is null) || Specification.ContentHash is not { } spec)
        {
            return null;
        }

        using var h = new ContentHasher();
        h.Tag("socinv.psa-run/1").Add(spec);
        if (_options.EvaluatorKey is { } evaluator)
        {
            h.Tag("evaluator").Add(evaluator);
        }
        if (_options.EvaluateEveryDrawInFull)
        {
            h.Tag("full");
        }

        WriteStructure(h);
        return h.Finish();
    }

    private void WriteStructure(ContentHasher h)
    {
        var accounts = Specification.Model.Accounts;
        h.Tag("seed").Add(Seed).Tag("keep").Add(KeepsDraws);
        h.Tag("strategies").Add(_strategies.Length).Add(ComparatorIndex);
        foreach (var s in _strategies)
        {
            h.Add(s.Name);
        }

        h.Tag("perspectives").Add(_perspectives.Length);
        foreach (var p in _perspectives)
        {
            h.Add(p.Name).Add(p.Coefficients(accounts));
        }

        var nb = _summary.NetBenefitKeys.ToArray();
        h.Tag("acceptability").Add(nb.Length);
        foreach (var (v, o, lambda) in nb)
        {
            h.Add(v).Add(o).Add(lambda);
        }
    }
}
