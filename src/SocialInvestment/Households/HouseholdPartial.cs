using SocialInvestment.Engine;

namespace SocialInvestment.Households;

/// <summary>
/// The mergeable result of simulating a range of households (a shard) of one prepared run for
/// every strategy: integer counts and exact sums, so <see cref="Merge"/> is exact, associative and
/// commutative — merging the shards of a run in any grouping gives bit for bit the result of
/// simulating every household at once. Partials merge within one <see cref="HouseholdRun"/>, and
/// across processes when their runs have the same <see cref="HouseholdRun.RunKey"/>:
/// <see cref="ToBytes"/> writes a partial, <see cref="FromBytes"/> reads it for an equal run (prepared
/// in the other process from the same definition and options), refusing one of another run.
/// </summary>
public sealed partial class HouseholdPartial
{
    private readonly List<(long Start, long End)> _ranges = [];

    internal HouseholdPartial(HouseholdRun run)
    {
        Run = run;
        Arms = [.. run.Arms.Select((a, k) => new HouseholdArmPartial(run, a, k))];
    }

    /// <summary>The prepared run.</summary>
    public HouseholdRun Run { get; }

    internal HouseholdArmPartial[] Arms { get; }

    /// <summary>The half-open household ranges [start, end) covered, sorted and coalesced.</summary>
    public IReadOnlyList<(long Start, long End)> Ranges => _ranges;

    /// <summary>Number of households covered.</summary>
    public long Households => _ranges.Sum(r => r.End - r.Start);

    /// <summary>Merges two partials of the same prepared run over disjoint households into a new partial. Exact.</summary>
    /// <param name="other">The other partial.</param>
    /// <exception cref="ArgumentException">The partials belong to different runs or overlap.</exception>
    public HouseholdPartial Merge(HouseholdPartial other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (!ReferenceEquals(Run, other.Run) && (Run.RunKey is not { } mine || other.Run.RunKey is not { } theirs || mine != theirs))
        {
            throw new ArgumentException(Run.RunKey is null || other.Run.RunKey is null
                ? "The partials come from different prepared household runs (a run without a run key, of a model built in code, merges only with partials of the same run object)."
                : $"The partials come from different household runs (run keys {Run.RunKey} and {other.Run.RunKey}: the definition, strategies, parameters or options differ).", nameof(other));
        }

        var merged = new HouseholdPartial(Run);
        merged.AddFrom(this);
        merged.AddFrom(other);
        return merged;
    }

    internal void AddRange(long start, long end) => _ranges.Add((start, end));

    internal void AddFrom(HouseholdPartial other)
    {
        ShardRanges.AddDisjoint(_ranges, other._ranges, "households", nameof(other));
        for (var k = 0; k < Arms.Length; k++)
        {
            Arms[k].AddFrom(other.Arms[k]);
        }
    }
}

/// <summary>The accumulators of one household strategy.</summary>
internal sealed class HouseholdArmPartial
{
    public HouseholdArmPartial(HouseholdRun run, HouseholdArmPlan arm, int k)
    {
        var paired = k > 0;
        var T = run.T;
        var N = run.N;
        Counts = [.. run.Sources.Select(s => new long[s.Arms[k].SubcohortCount * (T + 1) * N])];
        Transitions = [.. run.Sources.Select(s => s.Arms[k].HasEvents ? new long[s.Arms[k].SubcohortCount * T * N * N] : [])];
        SubcohortPeople = [.. run.Sources.Select(s => new long[s.Arms[k].SubcohortCount])];
        RoleCounts = new long[run.R * (T + 1) * run.B];
        Ever = new long[run.R * run.B];
        FlowCounts = new long[run.FlowCondition.Length * (T + 1)];
        ActiveCounts = new long[arm.Interventions.Length * (T + 1)];
        Eligible = new long[arm.Interventions.Length];
        Treated = new long[arm.Interventions.Length];
        Dissolved = new long[T + 1];
        Sum = NewSums(run.S);
        SumSquares = NewSums(run.S);
        DiffSum = paired ? NewSums(run.S) : [];
        DiffSquares = paired ? NewSums(run.S) : [];
    }

    /// <summary>[source][sc][t][x] member occupancy counts (members present).</summary>
    public long[][] Counts { get; }

    /// <summary>[source][sc][t][x][y] transition counts (sources with transition events only).</summary>
    public long[][] Transitions { get; }

    /// <summary>[source][sc] members by start sub-cohort (for upfront costs).</summary>
    public long[][] SubcohortPeople { get; }

    /// <summary>[role][t][state] members present by role and state.</summary>
    public long[] RoleCounts { get; }

    /// <summary>[role][state] households with a member of the role ever in the state (present).</summary>
    public long[] Ever { get; }

    /// <summary>[flow][t] household-cycles in which each household flow was booked.</summary>
    public long[] FlowCounts { get; }

    /// <summary>[intervention][t] household-cycles in which each household intervention was active.</summary>
    public long[] ActiveCounts { get; }

    /// <summary>[intervention] eligible households.</summary>
    public long[] Eligible { get; }

    /// <summary>[intervention] households taking it up.</summary>
    public long[] Treated { get; }

    /// <summary>[t] households dissolved (no living member present) at trace point t.</summary>
    public long[] Dissolved { get; }

    public ExactSum[] Sum { get; }

    public ExactSum[] SumSquares { get; }

    public ExactSum[] DiffSum { get; }

    public ExactSum[] DiffSquares { get; }

    public void AddFrom(HouseholdArmPartial o)
    {
        for (var s = 0; s < Counts.Length; s++)
        {
            AddLongs(Counts[s], o.Counts[s]);
            AddLongs(Transitions[s], o.Transitions[s]);
            AddLongs(SubcohortPeople[s], o.SubcohortPeople[s]);
        }

        AddLongs(RoleCounts, o.RoleCounts);
        AddLongs(Ever, o.Ever);
        AddLongs(FlowCounts, o.FlowCounts);
        AddLongs(ActiveCounts, o.ActiveCounts);
        AddLongs(Eligible, o.Eligible);
        AddLongs(Treated, o.Treated);
        AddLongs(Dissolved, o.Dissolved);
        AddSums(Sum, o.Sum);
        AddSums(SumSquares, o.SumSquares);
        AddSums(DiffSum, o.DiffSum);
        AddSums(DiffSquares, o.DiffSquares);
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
