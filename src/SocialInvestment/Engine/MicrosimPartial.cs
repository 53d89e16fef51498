using SocialInvestment.Model;

namespace SocialInvestment.Engine;

/// <summary>
/// The mergeable result of simulating a set of people (a shard) for one or more strategies:
/// integer counts (occupancy, transitions, histograms) and exact sums (see remarks), so that
/// <see cref="Merge"/> is exact, associative and commutative. Merging the shards of a run in any
/// grouping gives bit-for-bit the result of running all people at once.
/// </summary>
/// <remarks>
/// Floating-point quantities (per-person totals, their squares, paired differences against the
/// first strategy, attribute-weighted occupancy) are summed in double within a block of
/// <see cref="MicrosimOptions.BlockSize"/> people, in person order, and the block sums are added
/// exactly (as integers in units of 2^−1074). Means and variances are formed from these exact power
/// sums at the end; unlike Welford updates, the merge then never depends on the order of shards.
/// </remarks>
public sealed partial class MicrosimPartial
{
    internal MicrosimPartial(MicrosimPlan plan)
    {
        Plan = plan;
        Arms = new ArmPartial[plan.Arms.Length];
        for (var k = 0; k < Arms.Length; k++)
        {
            Arms[k] = new ArmPartial(plan.Arms[k], plan, k > 0);
        }
    }

    internal MicrosimPlan Plan { get; }

    internal ArmPartial[] Arms { get; }

    private readonly List<(long Start, long End)> _ranges = [];

    /// <summary>The half-open person ranges [start, end) this partial covers, sorted.</summary>
    public IReadOnlyList<(long Start, long End)> Ranges => _ranges;

    /// <summary>Number of people simulated in this partial.</summary>
    public long People => _ranges.Sum(r => r.End - r.Start);

    /// <summary>
    /// SHA-256 identity of the run this shard belongs to: the compiled models'
    /// <see cref="CompiledModel.ContentHash"/>es, the seed, draw, block size, tracking options and
    /// perspectives (names and coefficients); shards with equal keys merge (<see cref="Merge"/>),
    /// whichever process computed them. Null when the run has individual effects, which hold
    /// functions: such shards merge only when they share the effects object.
    /// </summary>
    public ContentHash? RunKey => Plan.RunKey;

    /// <summary>Number of strategies (arms) simulated.</summary>
    public int StrategyCount => Arms.Length;

    /// <summary>
    /// Merges two partials of the same run (same compiled models, seed, draw, block size and
    /// effects) over disjoint sets of people into a new partial. Exact.
    /// </summary>
    /// <param name="other">The other partial.</param>
    /// <exception cref="ArgumentException">The partials belong to different runs or overlap.</exception>
    public MicrosimPartial Merge(MicrosimPartial other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (!Plan.SameRun(other.Plan))
        {
            throw new ArgumentException("The partials come from different runs (models, seed, draw, block size or effects differ).", nameof(other));
        }

        var merged = new MicrosimPartial(Plan);
        merged.AddFrom(this);
        merged.AddFrom(other);
        return merged;
    }

    internal void AddRange(long start, long end) => _ranges.Add((start, end));

    internal void AddFrom(MicrosimPartial other)
    {
        ShardRanges.AddDisjoint(_ranges, other._ranges, "people", nameof(other));
        for (var k = 0; k < Arms.Length; k++)
        {
            Arms[k].AddFrom(other.Arms[k]);
        }
    }
}

/// <summary>The accumulators of one strategy.</summary>
internal sealed class ArmPartial
{
    public ArmPartial(ArmPlan arm, MicrosimPlan plan, bool paired)
    {
        SubcohortPeople = new long[arm.SubcohortCount];
        Counts = new long[arm.SubcohortCount * arm.CountStride];
        Transitions = arm.HasEvents ? new long[arm.SubcohortCount * arm.TransitionStride] : [];
        WeightedCounts = new ExactSum?[arm.WeightedAttributes.Length * arm.SubcohortCount * arm.CountStride];
        Sum = NewSums(plan.ScoreCount);
        SumSquares = NewSums(plan.ScoreCount);
        DiffSum = paired ? NewSums(plan.ScoreCount) : [];
        DiffSquares = paired ? NewSums(plan.ScoreCount) : [];
        var b = arm.BaseStates;
        var t = arm.Cycles;
        YearsHistogram = plan.TrackDistributions ? new long[b * (t + 1)] : [];
        FirstEntryHistogram = plan.TrackDistributions ? new long[b * (t + 2)] : [];
    }

    public long[] SubcohortPeople { get; }

    /// <summary>[sc][t][x][τ] occupancy counts.</summary>
    public long[] Counts { get; }

    /// <summary>[sc][t][x][y] transition counts (only when the model has transition events).</summary>
    public long[] Transitions { get; }

    /// <summary>[attribute][sc][t][x][τ] sums of attribute values of the people counted.</summary>
    public ExactSum?[] WeightedCounts { get; }

    public ExactSum[] Sum { get; }

    public ExactSum[] SumSquares { get; }

    public ExactSum[] DiffSum { get; }

    public ExactSum[] DiffSquares { get; }

    /// <summary>[base state][cycles 0..T] people by number of cycles (trace points 0..T−1) in the state.</summary>
    public long[] YearsHistogram { get; }

    /// <summary>[base state][trace point 0..T, T+1 = never] people by first trace point in the state.</summary>
    public long[] FirstEntryHistogram { get; }

    public List<MicrosimPersonRecord> Records { get; } = [];

    public void AddFrom(ArmPartial o)
    {
        AddLongs(SubcohortPeople, o.SubcohortPeople);
        AddLongs(Counts, o.Counts);
        AddLongs(Transitions, o.Transitions);
        AddLongs(YearsHistogram, o.YearsHistogram);
        AddLongs(FirstEntryHistogram, o.FirstEntryHistogram);
        for (var i = 0; i < WeightedCounts.Length; i++)
        {
            if (o.WeightedCounts[i] is { } w)
            {
                (WeightedCounts[i] ??= new ExactSum()).Add(w);
            }
        }

        AddSums(Sum, o.Sum);
        AddSums(SumSquares, o.SumSquares);
        AddSums(DiffSum, o.DiffSum);
        AddSums(DiffSquares, o.DiffSquares);
        Records.AddRange(o.Records);
    }

    private static ExactSum[] NewSums(int n)
    {
        var a = new ExactSum[n];
        for (var i = 0; i < n; i++)
        {
            a[i] = new ExactSum();
        }

        return a;
    }

    private static void AddLongs(long[] a, long[] b)
    {
        for (var i = 0; i < a.Length; i++)
        {
            a[i] += b[i];
        }
    }

    private static void AddSums(ExactSum[] a, ExactSum[] b)
    {
        for (var i = 0; i < a.Length; i++)
        {
            a[i].Add(b[i]);
        }
    }
}
