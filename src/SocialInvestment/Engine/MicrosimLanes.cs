using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace SocialInvestment.Engine;

/// <summary>Which kernel simulates the people (internal: the reference kernels are kept to test the lane kernel against).</summary>
internal enum MicrosimKernel
{
    /// <summary>The lean SIMD kernel for plain one-sub-cohort models of few states, else the lane kernel when the plan allows it (<see cref="LanePlan.TryCreate"/>), else the reference kernels.</summary>
    Auto,

    /// <summary>The person-group kernels (<c>RunGroup</c>, and <c>RunFast</c> for plain models).</summary>
    Reference,

    /// <summary>The lane kernel whenever the plan allows it, even where the lean kernel would be chosen.</summary>
    Lanes,
}

/// <summary>
/// The tables of the lane kernel, prepared once per run from a <see cref="MicrosimPlan"/>. Per
/// strategy, a person's position in cycle t is a row id r = (sub-cohort · N + state) · D + time in
/// state; per (t, r) the tables hold the sparse cumulative row (only the thresholds where the
/// cumulative probability rises, padded with 2.0 to a multiple of eight), the next row id per
/// outcome of the comparison count, the transition-event index per outcome and the per-person
/// score values. The kernel (<see cref="LaneKernel"/>) advances a sub-block of people cycle by
/// cycle for every strategy at once, so one cycle's tables stay in the L1 cache and each person's
/// uniform is computed once for all strategies.
/// </summary>
/// <remarks>
/// Bit-identical to the reference kernels: the next state is the first state whose cumulative
/// probability exceeds u, and for a non-decreasing cumulative row that is the state at the
/// position given by the number of stored thresholds ≤ u (a state of probability 0 is never the
/// first to exceed u; the last state, threshold 2.0, absorbs rounding as before). Rows that are
/// not non-decreasing (or not finite) send the whole run to the reference kernels. Each person's
/// scores are accumulated in the same order as there (state value of each cycle, then the
/// transition event's value), and counts are integers.
/// </remarks>
internal sealed class LanePlan
{
    /// <summary>People per sub-block (people advanced together through all cycles): few enough that their codes, running sums and uniforms stay in the L1 cache with a cycle's tables (256 people of four strategies with two values: 16 KB of sums; 1,024 took about 10 % more CPU time on welfare-16).</summary>
    internal const int SubBlock = 256;

    /// <summary>Interleaved occupancy counters per row (breaks the store-to-load chain of people in the same row).</summary>
    internal const int CountLanes = 4;

    /// <summary>Rows per cycle up to which occupancy is counted in per-sub-block interleaved counters (else directly).</summary>
    private const int MaxLaneCountRows = 1024;

    /// <summary>Largest tables (bytes) the lane kernel prepares; larger plans use the reference kernels.</summary>
    private const long MaxTableBytes = 256L << 20;

    private LanePlan(LaneArm[] arms, bool track)
    {
        Arms = arms;
        Track = track;
    }

    public LaneArm[] Arms { get; }

    public bool Track { get; }

    /// <summary>The lane tables, or null when the plan needs the reference kernels (person attributes in values or hazards, person records, more than 64 base states with distributions, a decreasing or non-finite cumulative row).</summary>
    public static LanePlan? TryCreate(MicrosimPlan plan)
    {
        if (plan.KeepRecords)
        {
            return null;
        }

        long bytes = 0;
        foreach (var a in plan.Arms)
        {
            if (a.WeightedAttributes.Length > 0 || a.HasAttributeHazards || (plan.TrackDistributions && a.BaseStates > 64))
            {
                return null;
            }

            bytes += ((long)a.T * a.SubcohortCount * a.N * a.D * (a.N + 2) * 8) + ((long)(a.T + 1) * a.SubcohortCount * a.N * a.D * a.S * 8);
        }

        if (bytes > MaxTableBytes)
        {
            return null;
        }

        var arms = new LaneArm[plan.Arms.Length];
        for (var k = 0; k < arms.Length; k++)
        {
            var arm = LaneArm.TryCreate(plan.Arms[k], plan.TrackDistributions);
            if (arm is null)
            {
                return null;
            }

            arms[k] = arm;
        }

        if (arms.Length > 1 && Array.TrueForAll(arms, a => a.Plain))
        {
            LaneArm.SharePlainTables(arms);
        }

        foreach (var a in arms)
        {
            a.PrepareStart();
        }

        return new LanePlan(arms, plan.TrackDistributions);
    }

    internal static bool LaneCounted(LaneArm a) => a.Rt <= MaxLaneCountRows;
}

/// <summary>The lane tables of one strategy (see <see cref="LanePlan"/>).</summary>
internal sealed class LaneArm
{
    private LaneArm(ArmPlan a, int kp, bool track, int rows = -1)
    {
        Plan = a;
        T = a.T;
        N = a.N;
        D = a.D;
        S = a.S;
        R = rows >= 0 ? rows : a.SubcohortCount * N * D;
        Rt = R;
        TableOf = [.. Enumerable.Range(0, a.SubcohortCount)];
        Kp = kp;
        Kd = 2 * kp;
        Th = Aligned((long)T * R * Kp);
        Event = a.HasEvents ? new int[T * R * Kd] : [];
        RowSubcohort = new int[R];
        RowBase = new int[R];
        RowTau = new int[R];
        RowCount = new int[R];
        Plain = !track && !a.HasEvents && D == 1 && Kp == 8 && LanePlan.LaneCounted(this) && Vector512.IsHardwareAccelerated && Popcnt.X64.IsSupported;
        Sp = Plain ? (S <= 1 ? 1 : S <= 2 ? 2 : S <= 4 ? 4 : S <= 8 ? 8 : 0) : 0;
        Plain &= Sp > 0;
        Vs = Plain ? Math.Max(Sp, 2) : 0;
        CodeShift = Plain ? 4 : 0;
        Val = new double[(T + 1) * R * Math.Max(S, Vs)];
        Next = Plain ? [] : new int[T * R * Kd];
        NextPlain = Plain ? new ushort[T * R * Kd] : [];
    }

    /// <summary>[t][r][c] for <see cref="Plain"/> strategies: the next code (row id × 16 &lt; 2¹⁶, as rows ≤ 1,024) after c thresholds ≤ u, in 16 bits (a row's entries in half a cache line, at 2·(code + c) bytes); empty otherwise.</summary>
    public ushort[] NextPlain { get; private set; }

    /// <summary>Values per row in the person-major value layout of <see cref="Plain"/> strategies: S rounded up to 1, 2, 4 or 8 (one vector per person; the padding is 0); 0 otherwise.</summary>
    public int Sp { get; }

    /// <summary>Values per row in the value table of <see cref="Plain"/> strategies: <see cref="Sp"/>, at least 2 (a row's values take 16·(Vs / 2) bytes, so that the code, row id × 16, addresses them with a scale of Vs / 2); 0 otherwise.</summary>
    public int Vs { get; }

    /// <summary>
    /// The strategy runs the plain kernel (<see cref="LaneKernel"/>'s <c>StepPlain</c>): no
    /// distributions, events or time in state, rows of at most eight thresholds, interleaved
    /// counters, 512-bit vectors. Its codes are row ids times 16 (<see cref="CodeShift"/>).
    /// </summary>
    public bool Plain { get; private set; }

    /// <summary>A person's code is the row id shifted left by this (4 for <see cref="Plain"/> strategies, so that the code indexes the thresholds, counters, values and next codes with the addressing modes' scales; else 0).</summary>
    public int CodeShift { get; }

    public ArmPlan Plan { get; }

    public int T { get; }

    public int N { get; }

    public int D { get; }

    public int S { get; }

    /// <summary>Rows per cycle: sub-cohorts × expanded states × times in state.</summary>
    public int R { get; }

    /// <summary>
    /// Rows per cycle of the tables this strategy reads (<see cref="Th"/>, <see cref="NextPlain"/>,
    /// <see cref="Val"/>) and of its interleaved counters: <see cref="R"/>, or for
    /// <see cref="Plain"/> strategies whose tables are shared (<see cref="SharePlainTables"/>) the
    /// rows of the shared tables.
    /// </summary>
    public int Rt { get; private set; }

    /// <summary>[sub-cohort]: the table whose rows the sub-cohort's people use (row id = table · N + state); the identity unless tables are shared.</summary>
    public int[] TableOf { get; private set; }

    /// <summary>Thresholds per row (a multiple of 8).</summary>
    public int Kp { get; }

    /// <summary>Next-row entries per row (2·Kp ≥ Kp + 1, so that the entry index is 2·r·Kp + count).</summary>
    public int Kd { get; }

    /// <summary>[t][r][Kp] cumulative thresholds where the row rises, then 2.0 (64-byte aligned from <see cref="ThOffset"/>).</summary>
    public double[] Th { get; private set; } = [];

    /// <summary>Element of <see cref="Th"/> where the aligned tables start.</summary>
    public int ThOffset { get; private set; }

    /// <summary>[t][r][c] (empty for <see cref="Plain"/> strategies, see <see cref="NextPlain"/>): with D = 1 the next row id after c thresholds ≤ u; with D &gt; 1, 2·(sub-cohort · N + y) · D + (1 if y is in the duration group of x).</summary>
    public int[] Next { get; }

    /// <summary>[t][r][c]: the transition (t·N + x)·N + y when it carries event values, else −1 (empty without events).</summary>
    public int[] Event { get; }

    /// <summary>[t ≤ T][score][r] per-person score values; for <see cref="Plain"/> strategies [t ≤ T][r &lt; <see cref="Rt"/>][<see cref="Vs"/>] (a person's values of a cycle in one vector; the padding is 0).</summary>
    public double[] Val { get; private set; }

    public int[] RowSubcohort { get; }

    public int[] RowBase { get; }

    public int[] RowTau { get; }

    /// <summary>[r &lt; <see cref="Rt"/>]: index into the strategy's occupancy counts at t = 0 (add t·N·D); −1 for a shared row of another strategy's table.</summary>
    public int[] RowCount { get; private set; }

    /// <summary>
    /// Lets <see cref="Plain"/> strategies share their tables: sub-cohorts of different strategies
    /// whose transition rows and score values are identical (bit for bit; for example the
    /// non-takers of every strategy, or the takers of one intervention in two strategies) use one
    /// table, so a cycle's tables are read once per sub-block for all strategies and occupy fewer
    /// cache lines. Two sub-cohorts of one strategy never share a table (their counts are kept
    /// apart). Each strategy keeps its own counters, indexed by the shared row ids. Results are
    /// unchanged: a person reads the same thresholds, next rows and values as before.
    /// </summary>
    internal static void SharePlainTables(LaneArm[] arms)
    {
        var first = arms[0];
        int T = first.T, N = first.N, Vs = first.Vs;
        var owners = new List<(LaneArm Arm, int Sc)>();
        foreach (var l in arms)
        {
            var used = new HashSet<int>();
            for (var sc = 0; sc < l.Plan.SubcohortCount; sc++)
            {
                var g = -1;
                for (var i = 0; i < owners.Count && g < 0; i++)
                {
                    var (o, osc) = owners[i];
                    if (!used.Contains(i) && o.N == l.N && o.T == l.T && o.Sp == l.Sp
                        && o.Plan.Cum[osc].AsSpan().SequenceEqual(l.Plan.Cum[sc]) && o.Plan.Score[osc].AsSpan().SequenceEqual(l.Plan.Score[sc]))
                    {
                        g = i;
                    }
                }

                if (g < 0)
                {
                    owners.Add((l, sc));
                    g = owners.Count - 1;
                }

                used.Add(g);
                l.TableOf[sc] = g;
            }
        }

        var rs = owners.Count * N;
        if (rs > MaxSharedRows || owners.Count == arms.Sum(a => a.Plan.SubcohortCount))
        {
            // Nothing to share, or shared rows beyond the counters' and 16-bit codes' reach: each keeps its own.
            foreach (var l in arms)
            {
                l.TableOf = [.. Enumerable.Range(0, l.Plan.SubcohortCount)];
            }

            return;
        }

        var shared = new LaneArm(first.Plan, first.Kp, track: false, rows: rs);
        for (var g = 0; g < owners.Count; g++)
        {
            var (o, sc) = owners[g];
            var th = o.Th.AsSpan(o.ThOffset);
            var sth = shared.Th.AsSpan(shared.ThOffset);
            for (var t = 0; t <= T; t++)
            {
                for (var x = 0; x < N; x++)
                {
                    var r = (sc * N) + x;
                    var q = (g * N) + x;
                    o.Val.AsSpan(((t * o.R) + r) * Vs, Vs).CopyTo(shared.Val.AsSpan(((t * rs) + q) * Vs, Vs));
                    if (t == T)
                    {
                        continue;
                    }

                    th.Slice(((t * o.R) + r) * 8, 8).CopyTo(sth.Slice(((t * rs) + q) * 8, 8));
                    for (var c = 0; c < 16; c++)
                    {
                        // The next row stays in the sub-cohort: (sc·N + y)·16 → (g·N + y)·16.
                        var y = (o.NextPlain[(((t * o.R) + r) * 16) + c] >> o.CodeShift) - (sc * N);
                        shared.NextPlain[(((t * rs) + q) * 16) + c] = checked((ushort)(((g * N) + y) << o.CodeShift));
                    }
                }
            }
        }

        foreach (var l in arms)
        {
            var rowCount = new int[rs];
            rowCount.AsSpan().Fill(-1);
            for (var sc = 0; sc < l.Plan.SubcohortCount; sc++)
            {
                for (var x = 0; x < N; x++)
                {
                    rowCount[(l.TableOf[sc] * N) + x] = l.RowCount[(sc * N) + x];
                }
            }

            l.RowCount = rowCount;
            l.Rt = rs;
            l.Th = shared.Th;
            l.ThOffset = shared.ThOffset;
            l.NextPlain = shared.NextPlain;
            l.Val = shared.Val;
        }
    }

    /// <summary>[start entry j of <see cref="ArmPlan.StartCum"/>]: the first code of a person who starts there (after <see cref="PrepareStart"/>).</summary>
    public int[] StartCode { get; private set; } = [];

    /// <summary>[start entry j]: its sub-cohort.</summary>
    public int[] StartSc => Plan.StartSubcohort;

    /// <summary>[sub-cohort][<see cref="Sp"/>] for <see cref="Plain"/> strategies: the upfront scores, the first running sums of a person (the padding 0); empty otherwise.</summary>
    public double[] StartSums { get; private set; } = [];

    // ArmPlan.StartCum padded with 2.0 to a multiple of 8 (empty if it is not non-decreasing and finite).
    private double[] _startTh = [];
    private int _startChunks;

    /// <summary>
    /// The start tables of <see cref="StartIndex"/>, <see cref="StartCode"/> and
    /// <see cref="StartSums"/>, once the tables a sub-cohort reads are settled (<see cref="TableOf"/>).
    /// </summary>
    internal void PrepareStart()
    {
        var a = Plan;
        var cum = a.StartCum;
        StartCode = new int[cum.Length];
        for (var j = 0; j < cum.Length; j++)
        {
            StartCode[j] = (((TableOf[a.StartSubcohort[j]] * N) + a.StartState[j]) * D) << CodeShift;
        }

        if (Plain)
        {
            StartSums = new double[a.SubcohortCount * Sp];
            for (var sc = 0; sc < a.SubcohortCount; sc++)
            {
                a.UpfrontScore[sc].AsSpan(0, S).CopyTo(StartSums.AsSpan(sc * Sp, S));
            }
        }

        var sorted = true;
        for (var j = 0; j < cum.Length; j++)
        {
            sorted &= double.IsFinite(cum[j]) && (j == 0 || cum[j] >= cum[j - 1]);
        }

        if (sorted)
        {
            _startChunks = (cum.Length + 7) / 8;
            _startTh = new double[_startChunks * 8];
            _startTh.AsSpan().Fill(2.0);
            cum.CopyTo(_startTh, 0);
        }
    }

    /// <summary>
    /// The start entry of a person of start uniform <paramref name="u0"/>: the first j with
    /// u0 &lt; StartCum[j]. For a non-decreasing StartCum (the running sums of the start masses,
    /// the last 2.0) that is the number of entries ≤ u0, counted without branches; otherwise by
    /// the search itself.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int StartIndex(double u0)
    {
        if (_startChunks > 0)
        {
            return LaneKernel.Count(ref MemoryMarshal.GetArrayDataReference(_startTh), u0, _startChunks);
        }

        var cum = Plan.StartCum;
        var j = 0;
        while (u0 >= cum[j])
        {
            j++;
        }

        return j;
    }

    /// <summary>Most rows of shared plain tables (the interleaved counters' limit; codes × 16 stay below 2¹⁶).</summary>
    private const int MaxSharedRows = 1024;

    private double[] Aligned(long length)
    {
        if (length > Array.MaxLength - 8)
        {
            throw new InvalidOperationException("The lane tables are too large.");
        }

        // The pinned heap never moves an array, so the 64-byte alignment of the offset holds.
        Th = GC.AllocateArray<double>((int)length + 8, pinned: true);
        var handle = GCHandle.Alloc(Th, GCHandleType.Pinned);
        var address = (long)handle.AddrOfPinnedObject();
        handle.Free();
        ThOffset = (int)((64 - (address & 63)) & 63) / 8;

        return Th;
    }

    public static LaneArm? TryCreate(ArmPlan a, bool track)
    {
        var T = a.T;
        var N = a.N;
        var D = a.D;
        var maxK = 0;
        for (var sc = 0; sc < a.SubcohortCount; sc++)
        {
            var cum = a.Cum[sc];
            for (var row = 0; row < T * N * D; row++)
            {
                var k = 0;
                var previous = 0.0;
                for (var y = 0; y < N - 1; y++)
                {
                    var c = cum[(row * N) + y];
                    if (!double.IsFinite(c) || c < previous)
                    {
                        return null;
                    }

                    if (c > previous)
                    {
                        k++;
                    }

                    previous = c;
                }

                maxK = Math.Max(maxK, k);
            }
        }

        var kp = Math.Max(8, (maxK + 7) / 8 * 8);
        var l = new LaneArm(a, kp, track);
        l.Fill();
        return l;
    }

    private void Fill()
    {
        var a = Plan;
        var stride = a.CountStride;
        for (var sc = 0; sc < a.SubcohortCount; sc++)
        {
            for (var x = 0; x < N; x++)
            {
                for (var tau = 0; tau < D; tau++)
                {
                    var r = (((sc * N) + x) * D) + tau;
                    RowSubcohort[r] = sc;
                    RowBase[r] = a.BaseOf[x];
                    RowTau[r] = tau;
                    RowCount[r] = (sc * stride) + (x * D) + tau;
                }
            }
        }

        var th = Th.AsSpan(ThOffset);
        Span<int> scratch = stackalloc int[Kd];
        for (var t = 0; t <= T; t++)
        {
            for (var r = 0; r < R; r++)
            {
                var sc = RowSubcohort[r];
                var x = (r / D) % N;
                var tau = RowTau[r];
                var cell = (((t * N) + x) * D) + tau;
                for (var s = 0; s < S; s++)
                {
                    Val[Plain ? (((t * R) + r) * Vs) + s : (((t * S) + s) * R) + r] = a.Score[sc][(cell * S) + s];
                }
                if (t == T)
                {
                    continue;
                }

                var cum = a.Cum[sc].AsSpan(cell * N, N);
                var thr = th.Slice(((t * R) + r) * Kp, Kp);
                var next = Plain ? scratch : Next.AsSpan(((t * R) + r) * Kd, Kd);
                var ev = a.HasEvents ? Event.AsSpan(((t * R) + r) * Kd, Kd) : default;
                thr.Fill(2.0);
                var c = 0;
                var previous = 0.0;
                for (var y = 0; y < N - 1; y++)
                {
                    if (cum[y] > previous)
                    {
                        thr[c] = cum[y];
                        Set(next, ev, c, sc, t, x, y);
                        c++;
                    }

                    previous = cum[y];
                }

                // The last state absorbs rounding: after every stored threshold, and as padding.
                for (; c < Kd; c++)
                {
                    Set(next, ev, c, sc, t, x, N - 1);
                }

                if (Plain)
                {
                    for (var i = 0; i < Kd; i++)
                    {
                        NextPlain[(((t * R) + r) * Kd) + i] = checked((ushort)scratch[i]);
                    }
                }
            }
        }
    }

    private void Set(Span<int> next, Span<int> ev, int c, int sc, int t, int x, int y)
    {
        var a = Plan;
        next[c] = D == 1 ? ((sc * N) + y) << CodeShift : (2 * (((sc * N) + y) * D)) + (a.Group[y] == a.Group[x] ? 1 : 0);
        if (!ev.IsEmpty)
        {
            ev[c] = a.EventCell[(x * N) + y] ? (((t * N) + x) * N) + y : -1;
        }
    }
}

/// <summary>Per-thread scratch and the cycle loop of the lane kernel (see <see cref="LanePlan"/>). The loop does not allocate.</summary>
internal sealed unsafe class LaneKernel
{
    private const int P = LanePlan.SubBlock;

    // An arm's stride in the codes and the plain sums: P plus a cache line of codes, so that the
    // arms of a group (stepped together) are not a multiple of 4 KB apart (loads would wait on
    // stores to another arm's codes that alias in the low 12 address bits).
    private const int Pk = P + 16;
    private readonly LanePlan _lanes;
    private readonly int _k;
    private readonly int _s;
    private readonly int[] _codes;      // [arm][person in sub-block] (arms not grouped)
    private readonly ushort[] _gcodes;  // [group's first arm][person in sub-block][4]: the codes of a group's arms, a person's side by side
    private readonly double[] _u;       // [person in sub-block]
    private readonly double[] _scores;  // [arm][score][person in sub-block]
    private readonly ulong[] _visited;  // [arm][person in sub-block]
    private readonly int[] _timeIn;     // [arm][person in sub-block][base state]
    private readonly int[][] _counts;   // [arm][t][r][lane] (empty when counted directly; one array per group, see _group)
    private readonly int[] _countLane;  // [arm]: the counter lane of a grouped arm, -1 if the arm counts in all four
    private readonly int[] _group;      // [arm]: arms in a group (from its first arm; 0 for the others), 1 if not grouped
    private readonly int _b;
    private readonly int _armStride;    // doubles per arm in _scores (the widest layout of any arm)
    private readonly int[] _sumBase;    // [arm]: where a plain arm's first person's sums start in _scores ([group's arms][person][arm in group][Sp] for a group)
    private readonly int[] _sumStep;    // [arm]: doubles from a plain arm's person to the next in _scores (arms in the group × Sp)

    public LaneKernel(LanePlan lanes)
    {
        _lanes = lanes;
        _k = lanes.Arms.Length;
        _s = lanes.Arms[0].S;
        _codes = new int[_k * Pk];
        _gcodes = new ushort[_k * 4 * P];
        _u = new double[P];
        _armStride = lanes.Arms.Max(a => Math.Max(a.S, a.Sp)) * Pk;
        _scores = new double[_k * _armStride];
        _b = lanes.Arms.Max(a => a.Plan.BaseStates);
        _visited = lanes.Track ? new ulong[_k * P] : [];
        _timeIn = lanes.Track ? new int[_k * P * _b] : [];
        _counts = [.. lanes.Arms.Select(a => LanePlan.LaneCounted(a) ? new int[(a.T + 1) * a.Rt * LanePlan.CountLanes] : [])];
        _countLane = new int[_k];
        _countLane.AsSpan().Fill(-1);
        _group = new int[_k];
        _group.AsSpan().Fill(1);

        // Up to four consecutive plain strategies that read the same (shared) tables are stepped
        // together, person by person (one uniform per person for all of them); each keeps its own
        // counter lane of one counter array (lane j for the group's j-th strategy).
        var arms = lanes.Arms;
        for (var k = 0; k < _k;)
        {
            var g = 1;
            while (k + g < _k && g < LanePlan.CountLanes && SameTables(arms[k], arms[k + g]))
            {
                g++;
            }

            if (g > 1)
            {
                _group[k] = g;
                for (var j = 0; j < g; j++)
                {
                    _group[k + j] = j == 0 ? g : 0;
                    _countLane[k + j] = j;
                    _counts[k + j] = _counts[k];
                }
            }

            k += g;
        }

        _sumBase = new int[_k];
        _sumStep = new int[_k];
        for (var k = 0; k < _k; k++)
        {
            var j = Math.Max(0, _countLane[k]);
            var g = _group[k - j];
            _sumBase[k] = ((k - j) * _armStride) + (j * arms[k].Sp);
            _sumStep[k] = g * arms[k].Sp;
        }
    }

    private static bool SameTables(LaneArm a, LaneArm b)
        => a.Plain && b.Plain && LanePlan.LaneCounted(a) && a.Sp == b.Sp && a.Rt == b.Rt && a.T == b.T
            && ReferenceEquals(a.Th, b.Th) && a.ThOffset == b.ThOffset && ReferenceEquals(a.NextPlain, b.NextPlain) && ReferenceEquals(a.Val, b.Val);

    /// <summary>
    /// Simulates people [q0, q0 + m) of the block (m ≤ <see cref="LanePlan.SubBlock"/>) for every
    /// strategy: start, all cycles, counts into <paramref name="accs"/>, per-person scores into
    /// <paramref name="scores"/> ([arm][person in block][score], block stride <paramref name="bs"/>).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Run(ArmPartial[] accs, ReadOnlySpan<ulong> keys, ReadOnlySpan<double> startU, int q0, int m, double[] scores, int bs)
    {
        var arms = _lanes.Arms;
        var T = arms[0].T;
        var S = _s;
        for (var k = 0; k < _k; k++)
        {
            Start(k, accs[k], startU, q0, m);
        }

        for (var t = 0; t <= T; t++)
        {
            if (t < T)
            {
                Uniforms(keys.Slice(q0, m), t, _u.AsSpan(0, m));
            }

            for (var k = 0; k < _k; k++)
            {
                var a = arms[k];
                var g = _group[k];
                if (g == 0)
                {
                    continue;
                }

                if (g > 1)
                {
                    switch ((a.Sp, g))
                    {
                        case (1, 2): StepPlainGroup<Add1, G2>(k, a, t, T, m); break;
                        case (1, 3): StepPlainGroup<Add1, G3>(k, a, t, T, m); break;
                        case (1, _): StepPlainGroup<Add1, G4>(k, a, t, T, m); break;
                        case (2, 2): StepPlainGroup<Add2, G2>(k, a, t, T, m); break;
                        case (2, 3): StepPlainGroup<Add2, G3>(k, a, t, T, m); break;
                        case (2, _): StepPlainGroup<Add2, G4>(k, a, t, T, m); break;
                        case (4, 2): StepPlainGroup<Add4, G2>(k, a, t, T, m); break;
                        case (4, 3): StepPlainGroup<Add4, G3>(k, a, t, T, m); break;
                        case (4, _): StepPlainGroup<Add4, G4>(k, a, t, T, m); break;
                        case (_, 2): StepPlainGroup<Add8, G2>(k, a, t, T, m); break;
                        case (_, 3): StepPlainGroup<Add8, G3>(k, a, t, T, m); break;
                        default: StepPlainGroup<Add8, G4>(k, a, t, T, m); break;
                    }

                    continue;
                }

                if (a.Plain)
                {
                    switch (a.Sp)
                    {
                        case 1: StepPlain<Add1>(k, a, t, T, m); break;
                        case 2: StepPlain<Add2>(k, a, t, T, m); break;
                        case 4: StepPlain<Add4>(k, a, t, T, m); break;
                        default: StepPlain<Add8>(k, a, t, T, m); break;
                    }

                    continue;
                }

                AddValues(k, a, t, m);
                var ev = a.Event.Length > 0;
                var dur = a.D > 1;
                if (t == T)
                {
                    if (_lanes.Track)
                    {
                        Step<Yes, No, No, Yes>(k, a, accs[k], t, m);
                    }
                    else
                    {
                        Step<No, No, No, Yes>(k, a, accs[k], t, m);
                    }
                }
                else if (_lanes.Track)
                {
                    if (ev)
                    {
                        if (dur)
                        {
                            Step<Yes, Yes, Yes, No>(k, a, accs[k], t, m);
                        }
                        else
                        {
                            Step<Yes, Yes, No, No>(k, a, accs[k], t, m);
                        }
                    }
                    else if (dur)
                    {
                        Step<Yes, No, Yes, No>(k, a, accs[k], t, m);
                    }
                    else
                    {
                        Step<Yes, No, No, No>(k, a, accs[k], t, m);
                    }
                }
                else if (ev)
                {
                    if (dur)
                    {
                        Step<No, Yes, Yes, No>(k, a, accs[k], t, m);
                    }
                    else
                    {
                        Step<No, Yes, No, No>(k, a, accs[k], t, m);
                    }
                }
                else if (dur)
                {
                    Step<No, No, Yes, No>(k, a, accs[k], t, m);
                }
                else
                {
                    Step<No, No, No, No>(k, a, accs[k], t, m);
                }
            }
        }

        for (var k = 0; k < _k; k++)
        {
            Finish(k, arms[k], accs[k], m);
            var dst = scores.AsSpan(((k * bs) + q0) * S, m * S);
            if (arms[k].Plain)
            {
                var step = _sumStep[k];
                var src = _scores.AsSpan(_sumBase[k]);
                for (var p = 0; p < m; p++)
                {
                    for (var s = 0; s < S; s++)
                    {
                        dst[(p * S) + s] = src[(p * step) + s];
                    }
                }

                continue;
            }

            for (var s = 0; s < S; s++)
            {
                var src = _scores.AsSpan((k * _armStride) + (s * P), m);
                for (var p = 0; p < m; p++)
                {
                    dst[(p * S) + s] = src[p];
                }
            }
        }
    }

    /// <summary>
    /// Each person's start (<see cref="LaneArm.StartIndex"/>): the sub-cohort's people, the first
    /// code (in <see cref="_gcodes"/> for a grouped arm, else <see cref="_codes"/>) and the upfront
    /// scores as the first running sums (for plain arms a vector of <see cref="LaneArm.Sp"/>, the
    /// padding 0).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Start(int k, ArmPartial acc, ReadOnlySpan<double> startU, int q0, int m)
    {
        var l = _lanes.Arms[k];
        var S = _s;
        var people = acc.SubcohortPeople;
        var startCode = l.StartCode;
        var startSc = l.StartSc;
        var startU0 = startU.Slice(q0, m);
        if (l.Plain)
        {
            switch (l.Sp)
            {
                case 1: StartPlain<Add1>(k, l, startU0); break;
                case 2: StartPlain<Add2>(k, l, startU0); break;
                case 4: StartPlain<Add4>(k, l, startU0); break;
                default: StartPlain<Add8>(k, l, startU0); break;
            }
        }
        else
        {
            var codes = _codes.AsSpan(k * Pk, m);
            var upfront = l.Plan.UpfrontScore;
            for (var p = 0; p < m; p++)
            {
                var j = l.StartIndex(startU0[p]);
                var sc = startSc[j];
                people[sc]++;
                codes[p] = startCode[j];
                var up = upfront[sc];
                for (var s = 0; s < S; s++)
                {
                    _scores[(k * _armStride) + (s * P) + p] = up[s];
                }
            }
        }

        if (_lanes.Track)
        {
            _visited.AsSpan(k * P, m).Clear();
            _timeIn.AsSpan(k * P * _b, m * _b).Clear();
        }
    }

    /// <summary>
    /// <see cref="Start"/> for a <see cref="LaneArm.Plain"/> strategy: the first code and the first
    /// running sums (a vector of <typeparamref name="TAdd"/>'s width) of each person; the people of
    /// each sub-cohort are counted from the occupancy counts of cycle 0 (<see cref="FoldCounts"/>).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void StartPlain<TAdd>(int k, LaneArm l, ReadOnlySpan<double> startU)
        where TAdd : struct, IAdd
    {
        var sp = TAdd.Width;
        var step = (nuint)_sumStep[k];
        var lane = _countLane[k];
        var n = (nuint)startU.Length;
        fixed (double* u = startU)
        fixed (int* startCode = l.StartCode)
        fixed (int* startSc = l.StartSc)
        fixed (double* up = l.StartSums)
        fixed (double* sums = &_scores[_sumBase[k]])
        fixed (int* codes = &_codes[k * Pk])
        fixed (ushort* gcodes = &_gcodes[((k - Math.Max(0, lane)) * 4 * P) + Math.Max(0, lane)])
        {
            for (nuint p = 0; p < n; p++)
            {
                var j = (nuint)l.StartIndex(u[p]);
                TAdd.Set(sums + (p * step), up + ((nuint)startSc[j] * sp));
                if (lane >= 0)
                {
                    gcodes[4 * p] = (ushort)startCode[j];
                }
                else
                {
                    codes[p] = startCode[j];
                }
            }
        }
    }

    /// <summary>Adds each person's score values of cycle t (gathered by row id, as wide as the hardware allows).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void AddValues(int k, LaneArm a, int t, int m)
    {
        var S = _s;
        var R = a.R;
        fixed (double* val0 = &a.Val[t * S * R])
        fixed (int* codes = &_codes[k * Pk])
        fixed (double* sc0 = &_scores[k * _armStride])
        {
            for (var s = 0; s < S; s++)
            {
                var val = val0 + (s * R);
                var dst = sc0 + (s * P);
                var p = 0;
                if (Avx2.IsSupported)
                {
                    // (.NET exposes no 512-bit gather; two 256-bit ones per eight people.)
                    for (; p + 8 <= m; p += 8)
                    {
                        var g0 = Avx2.GatherVector256(val, Vector128.Load(codes + p), 8);
                        var g1 = Avx2.GatherVector256(val, Vector128.Load(codes + p + 4), 8);
                        (Vector256.Load(dst + p) + g0).Store(dst + p);
                        (Vector256.Load(dst + p + 4) + g1).Store(dst + p + 4);
                    }

                    for (; p + 4 <= m; p += 4)
                    {
                        var g = Avx2.GatherVector256(val, Vector128.Load(codes + p), 8);
                        (Vector256.Load(dst + p) + g).Store(dst + p);
                    }
                }

                for (; p < m; p++)
                {
                    dst[p] += val[codes[p]];
                }
            }
        }
    }

    /// <summary>Counts each person's row, tracks the distributions, and (before the last cycle) samples the next row and adds the transition's event values.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Step<TTrack, TEvents, TDuration, TLast>(int k, LaneArm a, ArmPartial acc, int t, int m)
        where TTrack : struct, IFlag
        where TEvents : struct, IFlag
        where TDuration : struct, IFlag
        where TLast : struct, IFlag
    {
        var T = a.T;
        var R = a.R;
        var S = _s;
        var Kp = a.Kp;
        var Kd = a.Kd;
        var chunks = Kp / 8;
        var cap = a.Plan.Cap;
        var B = _b;
        var laneCounted = LanePlan.LaneCounted(a);
        var firstEntry = acc.FirstEntryHistogram;
        var transitions = acc.Transitions;
        var eventScore = a.Plan.EventScore;
        var transitionStride = a.Plan.TransitionStride;
        fixed (int* codes = &_codes[k * Pk])
        fixed (double* u = _u)
        fixed (double* sc0 = &_scores[k * _armStride])
        fixed (double* th0 = a.Th)
        fixed (int* next0 = a.Next)
        fixed (int* evt0 = a.Event)
        fixed (int* laneCounts0 = _counts[k])
        fixed (long* counts0 = acc.Counts)
        fixed (int* rowCount = a.RowCount)
        fixed (int* rowBase = a.RowBase)
        fixed (int* rowTau = a.RowTau)
        fixed (int* rowSc = a.RowSubcohort)
        fixed (ulong* visited0 = _visited)
        fixed (int* timeIn0 = _timeIn)
        {
            var th = TLast.On ? th0 : th0 + a.ThOffset + ((long)t * R * Kp);
            var next = TLast.On ? next0 : next0 + ((long)t * R * Kd);
            var evt = TEvents.On ? evt0 + ((long)t * R * Kd) : evt0;
            var laneCounts = laneCounted ? laneCounts0 + ((long)t * R * LanePlan.CountLanes) : laneCounts0;
            var counts = counts0 + ((long)t * a.N * a.D);
            var visited = TTrack.On ? visited0 + (k * P) : visited0;
            var timeIn = TTrack.On ? timeIn0 + (k * P * B) : timeIn0;
            for (var p = 0; p < m; p++)
            {
                var r = codes[p];
                if (laneCounted)
                {
                    laneCounts[(r * LanePlan.CountLanes) + (p & (LanePlan.CountLanes - 1))]++;
                }
                else
                {
                    counts[rowCount[r]]++;
                }

                if (TTrack.On)
                {
                    var b = rowBase[r];
                    var bit = 1UL << b;
                    if ((visited[p] & bit) == 0)
                    {
                        visited[p] |= bit;
                        firstEntry[(b * (T + 2)) + t]++;
                    }

                    if (!TLast.On)
                    {
                        timeIn[(p * B) + b]++;
                    }
                }

                if (TLast.On)
                {
                    continue;
                }

                var c = Count(ref th[(long)r * Kp], u[p], chunks);
                var j = (r * Kd) + c;
                var e = next[j];
                if (TEvents.On)
                {
                    var transition = evt[j];
                    if (transition >= 0)
                    {
                        var sc = rowSc[r];
                        transitions[(sc * transitionStride) + transition]++;
                        var ev = eventScore[sc];
                        for (var s = 0; s < S; s++)
                        {
                            sc0[(s * P) + p] += ev[(transition * S) + s];
                        }
                    }
                }

                if (TDuration.On)
                {
                    e = (e >> 1) + ((e & 1) != 0 ? Math.Min(rowTau[r] + 1, cap) : 0);
                }

                codes[p] = e;
            }
        }
    }

    /// <summary>
    /// <see cref="AddValues"/> and <see cref="Step{TTrack, TEvents, TDuration, TLast}"/> for
    /// <see cref="LaneArm.Plain"/> strategies, with the fewest instructions per person: add the
    /// row's values (one vector of <see cref="LaneArm.Sp"/> values per person, in the same order
    /// as the other kernels: each score's running sum plus the cycle's value), count the row,
    /// compare the row's eight thresholds with u in one instruction, take the next row. A code is
    /// the row id × 16, so that each access is one addressing mode: thresholds at 4·code bytes,
    /// the person's counter lane at code + 4·lane bytes (four int lanes per row), values at
    /// code · <see cref="IAdd.RowScale"/> bytes, the next code (16 bits,
    /// <see cref="LaneArm.NextPlain"/>) at 2·(code + count) bytes. Four people per iteration, one
    /// per counter lane: a count is one increment, and the increments of one lane are four people
    /// apart. In the last cycle (t = T) only the values and the counts.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void StepPlain<TAdd>(int k, LaneArm a, int t, int T, int m)
        where TAdd : struct, IAdd
    {
        var R = (nuint)a.Rt;
        var sp = TAdd.Width;
        var vs = TAdd.RowScale;
        fixed (int* codes = &_codes[k * Pk])
        fixed (double* u = _u)
        fixed (double* th0 = a.Th)
        fixed (ushort* next0 = a.NextPlain)
        fixed (int* laneCounts0 = _counts[k])
        fixed (double* val0 = a.Val)
        fixed (double* sc0 = &_scores[_sumBase[k]])
        {
            var th = (byte*)(th0 + a.ThOffset + ((nuint)t * R * 8));
            var next = (byte*)(next0 + ((nuint)t * R * 16));
            var lc = (byte*)(laneCounts0 + ((nuint)t * R * LanePlan.CountLanes));
            var val = (byte*)(val0 + ((nuint)t * R * 2 * vs));
            var n = (nuint)m;
            if (t == T)
            {
                for (nuint p = 0; p < n; p++)
                {
                    var r = (nuint)(uint)codes[p];
                    TAdd.Add(sc0, p * sp, val + (r * vs));
                    *(int*)(lc + r + (4 * (p & 3))) = *(int*)(lc + r + (4 * (p & 3))) + 1;
                }

                return;
            }

            nuint q = 0;
            var acc = sc0;
            for (; q + 4 <= n; q += 4, acc += 4 * sp)
            {
                var r0 = (nuint)(uint)codes[q];
                var r1 = (nuint)(uint)codes[q + 1];
                var r2 = (nuint)(uint)codes[q + 2];
                var r3 = (nuint)(uint)codes[q + 3];
                TAdd.AddPair(acc, 0, val, r0, r1);
                TAdd.AddPair(acc, 2 * sp, val, r2, r3);
                NextOwn(codes, q, 0, r0, lc, th, next, u);
                NextOwn(codes, q, 1, r1, lc, th, next, u);
                NextOwn(codes, q, 2, r2, lc, th, next, u);
                NextOwn(codes, q, 3, r3, lc, th, next, u);
            }

            for (; q < n; q++)
            {
                var r = (nuint)(uint)codes[q];
                TAdd.Add(sc0, q * sp, val + (r * vs));
                *(int*)(lc + r + (4 * (q & 3))) = *(int*)(lc + r + (4 * (q & 3))) + 1;
                codes[q] = *(ushort*)(next + (2 * (r + Below(th + (4 * r), u[q]))));
            }
        }
    }

    /// <summary>
    /// The rest of the step of person q + j of <see cref="StepPlain{TAdd}"/> (counter lane j) in row
    /// code <paramref name="r"/>, as <see cref="Next"/> with the person's own uniform.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void NextOwn(int* codes, nuint q, nuint j, nuint r, byte* lc, byte* th, byte* next, double* u)
    {
        *(int*)(lc + r + (4 * j)) = *(int*)(lc + r + (4 * j)) + 1;
        codes[q + j] = *(ushort*)(next + (2 * (r + Below(th + (4 * r), u[q + j]))));
    }

    /// <summary>
    /// <see cref="StepPlain{TAdd}"/> for a group of <typeparamref name="TG"/> consecutive plain
    /// strategies from <paramref name="k0"/> that read the same tables: person by person, the
    /// uniform is broadcast once and each strategy's chain takes its step (in the same order of
    /// additions per strategy and person as <see cref="StepPlain{TAdd}"/>, so the results are
    /// identical). The group's j-th strategy counts in lane j of the shared counter array. A
    /// person's codes of the group's strategies lie side by side (four 16-bit codes, at 8 bytes
    /// per person as the uniforms), and so do the running sums (the group's strategies × Sp), so
    /// that one index and one pointer advance per person.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void StepPlainGroup<TAdd, TG>(int k0, LaneArm a, int t, int T, int m)
        where TAdd : struct, IAdd
        where TG : struct, IGroup
    {
        var R = (nuint)a.Rt;
        var sp = TAdd.Width;
        var vs = TAdd.RowScale;
        var step = (nuint)TG.Count * sp;
        fixed (ushort* codes = &_gcodes[k0 * 4 * P])
        fixed (double* u = _u)
        fixed (double* th0 = a.Th)
        fixed (ushort* next0 = a.NextPlain)
        fixed (int* laneCounts0 = _counts[k0])
        fixed (double* val0 = a.Val)
        fixed (double* sc0 = &_scores[_sumBase[k0]])
        {
            var th = (byte*)(th0 + a.ThOffset + ((nuint)t * R * 8));
            var next = (byte*)(next0 + ((nuint)t * R * 16));
            var lc = (byte*)(laneCounts0 + ((nuint)t * R * LanePlan.CountLanes));
            var val = (byte*)(val0 + ((nuint)t * R * 2 * vs));
            var n = (nuint)m;
            var acc = sc0;
            if (t == T)
            {
                for (nuint p = 0; p < n; p++, acc += step)
                {
                    var q = 4 * p;
                    Last<TAdd>(acc, 0, codes, q, 0, lc, val);
                    Last<TAdd>(acc, sp, codes, q, 1, lc, val);
                    if (TG.Count > 2)
                    {
                        Last<TAdd>(acc, 2 * sp, codes, q, 2, lc, val);
                    }

                    if (TG.Count > 3)
                    {
                        Last<TAdd>(acc, 3 * sp, codes, q, 3, lc, val);
                    }
                }

                return;
            }

            for (nuint p = 0; p < n; p++, acc += step)
            {
                var uv = Vector512.Create(u[p]);
                var q = 4 * p;
                var r0 = (nuint)codes[q];
                var r1 = (nuint)codes[q + 1];
                var r2 = TG.Count > 2 ? (nuint)codes[q + 2] : 0;
                var r3 = TG.Count > 3 ? (nuint)codes[q + 3] : 0;
                TAdd.AddPair(acc, 0, val, r0, r1);
                if (TG.Count > 3)
                {
                    TAdd.AddPair(acc, 2 * sp, val, r2, r3);
                }
                else if (TG.Count > 2)
                {
                    TAdd.Add(acc, 2 * sp, val + (r2 * vs));
                }

                Next(codes, q, 0, r0, lc, th, next, uv);
                Next(codes, q, 1, r1, lc, th, next, uv);
                if (TG.Count > 2)
                {
                    Next(codes, q, 2, r2, lc, th, next, uv);
                }

                if (TG.Count > 3)
                {
                    Next(codes, q, 3, r3, lc, th, next, uv);
                }
            }
        }
    }

    /// <summary>
    /// The rest of the step of strategy <paramref name="j"/> of a group (<see cref="StepPlainGroup{TAdd, TG}"/>)
    /// for one person in row code <paramref name="r"/>, whose codes start at <paramref name="q"/>: count
    /// the row in counter lane j, take the next code.
    /// </summary>
    /// <remarks>
    /// Every address is one addressing mode, none computed into a register first (6 instructions,
    /// with the code's load and the values' 11 per strategy, 45 per person of a group of four with
    /// two values each): the arguments are locals or constants (a pointer sum as an argument would
    /// be computed into a temporary by the inliner), the code is codes[q + j] (not through a pointer
    /// to the person's codes), and the count is written c = c + 1, not c++ (whose address Roslyn
    /// duplicates into a temporary).
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Next(ushort* codes, nuint q, nuint j, nuint r, byte* lc, byte* th, byte* next, Vector512<double> uv)
    {
        *(int*)(lc + r + (4 * j)) = *(int*)(lc + r + (4 * j)) + 1;
        codes[q + j] = *(ushort*)(next + (2 * (r + Below(th + (4 * r), uv))));
    }

    /// <summary>A group's step (<see cref="StepPlainGroup{TAdd, TG}"/>) in the last cycle (t = T): the values and the count only.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Last<TAdd>(double* acc, nuint offset, ushort* codes, nuint q, nuint j, byte* lc, byte* val)
        where TAdd : struct, IAdd
    {
        var r = (nuint)codes[q + j];
        TAdd.Add(acc, offset, val + (r * TAdd.RowScale));
        *(int*)(lc + r + (4 * j)) = *(int*)(lc + r + (4 * j)) + 1;
    }

    /// <summary>The number of the eight thresholds at <paramref name="th"/> (64-byte aligned) that are ≤ each lane of <paramref name="uv"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static nuint Below(byte* th, Vector512<double> uv)
        => (nuint)Popcnt.X64.PopCount(Vector512.GreaterThanOrEqual(uv, Vector512.Load((double*)th)).ExtractMostSignificantBits());

    /// <summary>The number of the eight thresholds at <paramref name="th"/> (64-byte aligned) that are ≤ u.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static nuint Below(byte* th, double u)
        => (nuint)Popcnt.X64.PopCount(Vector512.LessThanOrEqual(Vector512.Load((double*)th), Vector512.Create(u)).ExtractMostSignificantBits());

    /// <summary>
    /// Adds the interleaved counts of the sub-blocks run since the last call to the strategies'
    /// occupancy counts and clears them (once per block: a lane of a block counts at most a quarter
    /// of its people plus one per sub-block, which fits an int).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void FoldCounts(ArmPartial[] accs)
    {
        var arms = _lanes.Arms;
        for (var k = 0; k < _k; k++)
        {
            var a = arms[k];
            var lane = _countLane[k];
            if (!LanePlan.LaneCounted(a) || lane > 0)
            {
                // Counted directly, or a grouped strategy folded with its group's first.
                continue;
            }

            // A group's strategies count in lanes 0 .. g − 1 of one counter array (each its own),
            // a strategy alone in all four: one pass over the counters for the group.
            var g = lane == 0 ? _group[k] : 1;
            var lc = _counts[k];
            var nd = a.N * a.D;
            for (var t = 0; t <= a.T; t++)
            {
                for (var r = 0; r < a.Rt; r++)
                {
                    var i = ((t * a.Rt) + r) * LanePlan.CountLanes;
                    var c4 = Vector128.LoadUnsafe(ref lc[i]);
                    if (c4 == Vector128<int>.Zero)
                    {
                        continue;
                    }

                    Vector128<int>.Zero.StoreUnsafe(ref lc[i]);
                    if (lane < 0)
                    {
                        Fold(accs[k], arms[k], t, r, nd, Vector128.Sum(c4));
                        continue;
                    }

                    for (var j = 0; j < g; j++)
                    {
                        var c = c4.GetElement(j);
                        if (c != 0)
                        {
                            Fold(accs[k + j], arms[k + j], t, r, nd, c);
                        }
                    }
                }
            }
        }
    }

    /// <summary>Adds <paramref name="c"/> people in row <paramref name="r"/> of cycle <paramref name="t"/> to the strategy's occupancy counts, and in cycle 0 of a <see cref="LaneArm.Plain"/> strategy to its sub-cohort's people (<see cref="StartPlain{TAdd}"/>).</summary>
    private static void Fold(ArmPartial acc, LaneArm a, int t, int r, int nd, int c)
    {
        var cell = a.RowCount[r];
        acc.Counts[cell + (t * nd)] += c;
        if (t == 0 && a.Plain)
        {
            acc.SubcohortPeople[cell / a.Plan.CountStride] += c;
        }
    }

    /// <summary>Adds the sub-block's distributions to the histograms.</summary>
    private void Finish(int k, LaneArm a, ArmPartial acc, int m)
    {
        if (!_lanes.Track)
        {
            return;
        }

        var T = a.T;
        var B = a.Plan.BaseStates;
        var visited = _visited.AsSpan(k * P, m);
        for (var p = 0; p < m; p++)
        {
            var timeIn = _timeIn.AsSpan(((k * P) + p) * _b, B);
            for (var b = 0; b < B; b++)
            {
                acc.YearsHistogram[(b * (T + 1)) + timeIn[b]]++;
                if ((visited[p] & (1UL << b)) == 0)
                {
                    acc.FirstEntryHistogram[(b * (T + 2)) + T + 1]++;
                }
            }
        }
    }

    /// <summary>The number of thresholds ≤ u in a row of <paramref name="chunks"/> × 8 thresholds.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static int Count(ref double th, double u, int chunks)
    {
        if (Vector512.IsHardwareAccelerated)
        {
            var uv = Vector512.Create(u);
            var c = BitOperations.PopCount(Vector512.LessThanOrEqual(Vector512.LoadUnsafe(ref th), uv).ExtractMostSignificantBits());
            for (var i = 1; i < chunks; i++)
            {
                c += BitOperations.PopCount(Vector512.LessThanOrEqual(Vector512.LoadUnsafe(ref th, (nuint)(i * 8)), uv).ExtractMostSignificantBits());
            }

            return c;
        }

        if (Vector256.IsHardwareAccelerated)
        {
            var uv = Vector256.Create(u);
            var c = 0;
            for (var i = 0; i < 2 * chunks; i++)
            {
                c += BitOperations.PopCount(Vector256.LessThanOrEqual(Vector256.LoadUnsafe(ref th, (nuint)(i * 4)), uv).ExtractMostSignificantBits());
            }

            return c;
        }

        var n = 0;
        for (var i = 0; i < 8 * chunks; i++)
        {
            n += Unsafe.Add(ref th, i) <= u ? 1 : 0;
        }

        return n;
    }

    /// <summary>The transition uniforms of cycle <paramref name="t"/> for each key, <see cref="CounterRng.UniformAt"/> bit for bit, as wide as the hardware allows.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void Uniforms(ReadOnlySpan<ulong> keys, int t, Span<double> u)
    {
        var weyl = (ulong)(t + 1) * CounterRng.Gamma;
        var i = 0;
        ref var k0 = ref MemoryMarshal.GetReference(keys);
        ref var u0 = ref MemoryMarshal.GetReference(u);
        if (Vector512.IsHardwareAccelerated)
        {
            var w = Vector512.Create(weyl);
            var c1 = Vector512.Create(0xBF58476D1CE4E5B9UL);
            var c2 = Vector512.Create(0x94D049BB133111EBUL);
            var one = Vector512.Create(0x3FF0000000000000UL);
            for (; i + 8 <= keys.Length; i += 8)
            {
                var z = Vector512.LoadUnsafe(ref k0, (nuint)i) + w;
                z = (z ^ Vector512.ShiftRightLogical(z, 30)) * c1;
                z = (z ^ Vector512.ShiftRightLogical(z, 27)) * c2;
                z ^= Vector512.ShiftRightLogical(z, 31);
                ((Vector512.ShiftRightLogical(z, 12) | one).AsDouble() - Vector512<double>.One).StoreUnsafe(ref u0, (nuint)i);
            }
        }
        else if (Avx2.IsSupported)
        {
            var w = Vector256.Create(weyl);
            var c1 = Vector256.Create(0xBF58476D1CE4E5B9UL);
            var c2 = Vector256.Create(0x94D049BB133111EBUL);
            var one = Vector256.Create(0x3FF0000000000000UL);
            for (; i + 4 <= keys.Length; i += 4)
            {
                var z = Vector256.LoadUnsafe(ref k0, (nuint)i) + w;
                z = Multiply64(z ^ Vector256.ShiftRightLogical(z, 30), c1);
                z = Multiply64(z ^ Vector256.ShiftRightLogical(z, 27), c2);
                z ^= Vector256.ShiftRightLogical(z, 31);
                ((Vector256.ShiftRightLogical(z, 12) | one).AsDouble() - Vector256<double>.One).StoreUnsafe(ref u0, (nuint)i);
            }
        }

        for (; i < keys.Length; i++)
        {
            Unsafe.Add(ref u0, i) = CounterRng.UniformAt(Unsafe.Add(ref k0, i), t);
        }
    }

    /// <summary>The low 64 bits of a·b per lane (vpmullq with AVX-512, else three 32×32→64 multiplies: AVX2 has no 64-bit multiply).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector256<ulong> Multiply64(Vector256<ulong> a, Vector256<ulong> b)
    {
        if (Avx512DQ.VL.IsSupported)
        {
            return Avx512DQ.VL.MultiplyLow(a, b);
        }

        var low = Avx2.Multiply(a.AsUInt32(), b.AsUInt32());
        var cross = Avx2.Multiply(Avx2.ShiftRightLogical(a, 32).AsUInt32(), b.AsUInt32())
            + Avx2.Multiply(a.AsUInt32(), Avx2.ShiftRightLogical(b, 32).AsUInt32());
        return low + Avx2.ShiftLeftLogical(cross, 32);
    }

    /// <summary>Adds one person's values of a cycle to the person's running sums (a vector of 1, 2, 4 or 8 doubles; element-wise, so each sum is formed exactly as one scalar add).</summary>
    internal interface IAdd
    {
        /// <summary>Values per person (<see cref="LaneArm.Sp"/>).</summary>
        static abstract nuint Width { get; }

        /// <summary>Bytes of a row's values in <see cref="LaneArm.Val"/> per unit of a code (row id × 16): <see cref="LaneArm.Vs"/> / 2.</summary>
        static abstract nuint RowScale { get; }

        /// <summary>Adds the values at <paramref name="values"/> to the sums at <paramref name="sums"/> + <paramref name="offset"/> (an offset apart, so that a constant offset stays in the addressing mode).</summary>
        static abstract void Add(double* sums, nuint offset, byte* values);

        /// <summary>
        /// <see cref="Add"/> for two strategies whose sums are side by side at <paramref name="sums"/> +
        /// <paramref name="offset"/>: the values of rows codes <paramref name="a"/> and <paramref name="b"/>
        /// of the value table <paramref name="val"/>, in one vector twice as wide where there is one
        /// (element-wise, so each sum is formed exactly as by two calls of <see cref="Add"/>).
        /// </summary>
        static abstract void AddPair(double* sums, nuint offset, byte* val, nuint a, nuint b);

        /// <summary>Copies one person's vector of values from <paramref name="source"/> to <paramref name="sums"/>.</summary>
        static abstract void Set(double* sums, double* source);
    }

    internal readonly struct Add1 : IAdd
    {
        public static nuint Width => 1;

        public static nuint RowScale => 1;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Add(double* sums, nuint offset, byte* values) => sums[offset] += *(double*)values;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Set(double* sums, double* source) => *sums = *source;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void AddPair(double* sums, nuint offset, byte* val, nuint a, nuint b)
            => (Vector128.Create(*(double*)(val + a), *(double*)(val + b)) + Vector128.Load(sums + offset)).Store(sums + offset);
    }

    internal readonly struct Add2 : IAdd
    {
        public static nuint Width => 2;

        public static nuint RowScale => 1;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Add(double* sums, nuint offset, byte* values) => (Vector128.Load(sums + offset) + Vector128.Load((double*)values)).Store(sums + offset);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Set(double* sums, double* source) => Vector128.Load(source).Store(sums);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void AddPair(double* sums, nuint offset, byte* val, nuint a, nuint b)
            => (Vector256.Create(Vector128.Load((double*)(val + a)), Vector128.Load((double*)(val + b))) + Vector256.Load(sums + offset)).Store(sums + offset);
    }

    internal readonly struct Add4 : IAdd
    {
        public static nuint Width => 4;

        public static nuint RowScale => 2;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Add(double* sums, nuint offset, byte* values) => (Vector256.Load(sums + offset) + Vector256.Load((double*)values)).Store(sums + offset);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Set(double* sums, double* source) => Vector256.Load(source).Store(sums);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void AddPair(double* sums, nuint offset, byte* val, nuint a, nuint b)
            => (Vector512.Create(Vector256.Load((double*)(val + (a * RowScale))), Vector256.Load((double*)(val + (b * RowScale)))) + Vector512.Load(sums + offset)).Store(sums + offset);
    }

    internal readonly struct Add8 : IAdd
    {
        public static nuint Width => 8;

        public static nuint RowScale => 4;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Add(double* sums, nuint offset, byte* values) => (Vector512.Load(sums + offset) + Vector512.Load((double*)values)).Store(sums + offset);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Set(double* sums, double* source) => Vector512.Load(source).Store(sums);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void AddPair(double* sums, nuint offset, byte* val, nuint a, nuint b)
        {
            Add(sums, offset, val + (a * RowScale));
            Add(sums, offset + Width, val + (b * RowScale));
        }
    }

    /// <summary>The number of strategies of a group stepped together (<see cref="StepPlainGroup{TAdd, TG}"/>; 2 to 4, a compile-time constant).</summary>
    internal interface IGroup
    {
        static abstract int Count { get; }
    }

    internal readonly struct G2 : IGroup
    {
        public static int Count => 2;
    }

    internal readonly struct G3 : IGroup
    {
        public static int Count => 3;
    }

    internal readonly struct G4 : IGroup
    {
        public static int Count => 4;
    }

    /// <summary>A compile-time switch of a specialised kernel (the JIT removes the branches of a struct type argument).</summary>
    internal interface IFlag
    {
        static abstract bool On { get; }
    }

    internal readonly struct Yes : IFlag
    {
        public static bool On => true;
    }

    internal readonly struct No : IFlag
    {
        public static bool On => false;
    }
}
