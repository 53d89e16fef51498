using System.Globalization;
using SocialInvestment.Engine;
using SocialInvestment.Model;

namespace SocialInvestment.Households;

/// <summary>
/// The exact cohort equivalent of the household microsimulation for small households: the joint
/// state of a household — for each member the start sub-cohort and the current state (or "left"),
/// the household interventions taken up, whether the household has dissolved — propagated as an
/// exact distribution, cycle by cycle, with the same linked transition rows, order of events and
/// values as <see cref="HouseholdEngine"/>. Its expectations are what the microsimulation
/// estimates, so it verifies it (within Monte Carlo error) and answers small questions without
/// Monte Carlo error. Stateless and thread-safe.
/// </summary>
/// <remarks>
/// The expansion is bounded before anything is allocated: Σ over templates of
/// Π over members (sub-cohorts × (states + 1)) × 2^(interventions) × 2 joint states; a definition
/// above <c>maxJointStates</c> is refused with an <see cref="ArgumentException"/> naming the size.
/// Shares of households ever in a state (<see cref="HouseholdResult.ShareEverIn"/>) need the
/// history and are not computed here.
/// </remarks>
public static class HouseholdCohort
{
    /// <summary>The default cap on the joint state space, 1,000,000.</summary>
    public const long DefaultMaxJointStates = 1_000_000;

    /// <summary>The size of the joint state space of a definition under its (or the given) strategies: the bound that <see cref="Run"/> checks against its cap.</summary>
    /// <param name="definition">The definition.</param>
    /// <param name="strategies">The strategies (null: the definition's).</param>
    /// <param name="parameters">Parameter values; null for the base case.</param>
    public static double JointStateCount(HouseholdDefinition definition, IReadOnlyList<HouseholdStrategy>? strategies = null, ParameterValues? parameters = null)
    {
        var run = HouseholdEngine.Prepare(definition, new HouseholdOptions { Households = 1, Threads = 1 }, strategies, parameters);
        return Enumerable.Range(0, run.Arms.Length).Max(k => Bound(run, k));
    }

    /// <summary>Runs the exact joint-state cohort for every strategy.</summary>
    /// <param name="definition">The definition.</param>
    /// <param name="strategies">The strategies (null: the definition's); the first is the comparator.</param>
    /// <param name="parameters">Parameter values; null for the base case.</param>
    /// <param name="perspectives">Perspectives with per-household values (null: the standard set of the model with the household accounts).</param>
    /// <param name="maxJointStates">The cap on the joint state space (≥ 1).</param>
    /// <param name="cancellationToken">Cancels the run (checked every cycle).</param>
    /// <exception cref="ArgumentException">The joint state space is larger than <paramref name="maxJointStates"/>.</exception>
    public static IReadOnlyList<HouseholdCohortResult> Run(HouseholdDefinition definition, IReadOnlyList<HouseholdStrategy>? strategies = null, ParameterValues? parameters = null, IReadOnlyList<Perspective>? perspectives = null, long maxJointStates = DefaultMaxJointStates, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(definition);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxJointStates, 1);
        cancellationToken.ThrowIfCancellationRequested();
        var run = HouseholdEngine.Prepare(definition, new HouseholdOptions { Households = 1, Threads = 1, Perspectives = perspectives }, strategies, parameters);
        for (var k = 0; k < run.Arms.Length; k++)
        {
            var bound = Bound(run, k);
            if (bound > maxJointStates)
            {
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"The joint state space of the households under '{run.Strategies[k].Name}' has {bound:G6} states (Σ over templates of Π over members of sub-cohorts × (states + 1), × 2^interventions × 2), more than the cap of {maxJointStates}; use the household microsimulation, or smaller households."), nameof(maxJointStates));
            }
        }

        return ReadOnly.Own(Enumerable.Range(0, run.Arms.Length).Select(k => RunArm(run, k, cancellationToken)).ToArray());
    }

    private static double Bound(HouseholdRun run, int k)
    {
        var total = 0.0;
        foreach (var kind in run.Kinds)
        {
            var product = 1.0;
            foreach (var s in kind.Source)
            {
                product *= run.Sources[s].Arms[k].SubcohortCount * (run.N + 1.0);
            }

            total += product;
        }

        return total * Math.Pow(2, run.Arms[k].Interventions.Length) * 2;
    }

    private static HouseholdCohortResult RunArm(HouseholdRun run, int k, CancellationToken cancellationToken)
    {
        var T = run.T;
        var N = run.N;
        var B = run.B;
        var S = run.S;
        var arm = run.Arms[k];
        var ivs = arm.Interventions;
        var I = ivs.Length;
        var score = new double[S];
        var counts = run.Sources.Select(s => new double[s.Arms[k].SubcohortCount * (T + 1) * N]).ToArray();
        var transitions = run.Sources.Select(s => s.Arms[k].HasEvents ? new double[s.Arms[k].SubcohortCount * T * N * N] : []).ToArray();
        var people = run.Sources.Select(s => new double[s.Arms[k].SubcohortCount]).ToArray();
        var roleCounts = new double[run.R * (T + 1) * B];
        var flowCounts = new double[run.FlowCondition.Length * (T + 1)];
        var activeCounts = new double[I * (T + 1)];
        var dissolvedMass = new double[T + 1];
        var eligible = new double[I];
        var treated = new double[I];
        var largest = 0;
        var weights = run.Kinds.Length == 1 ? [1.0] : KindWeights(run);
        for (var kindIndex = 0; kindIndex < run.Kinds.Length; kindIndex++)
        {
            var kind = run.Kinds[kindIndex];
            var M = kind.Source.Length;
            var codec = new Codec(run, k, kind);

            // Start: every combination of the members' start entries, then the uptake split.
            var current = new Dictionary<long, double>();
            var entries = kind.Source.Select(s => StartEntries(run.Sources[s].Arms[k])).ToArray();
            var pick = new int[M];
            var sc = new int[M];
            var x = new int[M];
            var role = new int[M];
            var present = new bool[M];
            var living = new bool[M];
            while (true)
            {
                var mass = weights[kindIndex];
                for (var m = 0; m < M; m++)
                {
                    var e = entries[m][pick[m]];
                    mass *= e.P;
                    sc[m] = e.Sc;
                    x[m] = e.X;
                }

                if (mass > 0)
                {
                    for (var m = 0; m < M; m++)
                    {
                        people[kind.Source[m]][sc[m]] += mass;
                        var up = run.Sources[kind.Source[m]].Arms[k].UpfrontScore[sc[m]];
                        for (var q = 0; q < S; q++)
                        {
                            score[q] += mass * up[q];
                        }
                    }

                    Roles(run, k, kind, sc, 0, role, present);
                    var anyLiving = false;
                    for (var m = 0; m < M; m++)
                    {
                        living[m] = present[m] && !run.IsDeath[x[m]];
                        anyLiving |= living[m];
                    }

                    // The uptake split: each eligible intervention taken up with its probability, independently.
                    for (var mask = 0; mask < 1 << I; mask++)
                    {
                        var p = mass;
                        for (var i = 0; i < I && p > 0; i++)
                        {
                            var isEligible = anyLiving && run.Conditions[ivs[i].Eligible].Holds(x, role, living);
                            var taken = (mask & (1 << i)) != 0;
                            p *= isEligible ? (taken ? ivs[i].Uptake : 1 - ivs[i].Uptake) : (taken ? 0 : 1);
                        }

                        if (p > 0)
                        {
                            var key = codec.Encode(sc, x, present, mask, dissolved: false);
                            current[key] = current.GetValueOrDefault(key) + p;
                        }
                    }

                    for (var i = 0; i < I; i++)
                    {
                        if (anyLiving && run.Conditions[ivs[i].Eligible].Holds(x, role, living))
                        {
                            eligible[i] += mass;
                            treated[i] += mass * ivs[i].Uptake;
                        }
                    }
                }

                var d = 0;
                while (d < M && ++pick[d] == entries[d].Length)
                {
                    pick[d] = 0;
                    d++;
                }

                if (d == M)
                {
                    break;
                }
            }

            var next = new Dictionary<long, double>();
            var rows = new double[M][];
            for (var m = 0; m < M; m++)
            {
                rows[m] = new double[N];
            }

            var conditions = new bool[Math.Max(1, run.Conditions.Length)];
            var maxEffects = Math.Max(1, arm.EffectsByRoleState.Max(e => e.Length));
            var to = new int[maxEffects];
            var hr = new double[maxEffects];
            var y = new int[M];
            for (var t = 0; ; t++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                largest = Math.Max(largest, current.Count);
                next.Clear();
                foreach (var (key, mass) in current)
                {
                    codec.Decode(key, sc, x, out var mask, out var dissolved);
                    Roles(run, k, kind, sc, t, role, present);
                    var anyLiving = false;
                    for (var m = 0; m < M; m++)
                    {
                        present[m] &= x[m] >= 0;
                        living[m] = present[m] && !run.IsDeath[x[m]];
                        anyLiving |= living[m];
                    }

                    dissolved |= !anyLiving;
                    for (var m = 0; m < M; m++)
                    {
                        if (!present[m])
                        {
                            continue;
                        }

                        var a = run.Sources[kind.Source[m]].Arms[k];
                        var cell = (t * N) + x[m];
                        counts[kind.Source[m]][(sc[m] * (T + 1) * N) + cell] += mass;
                        roleCounts[(((role[m] * (T + 1)) + t) * B) + x[m]] += mass;
                        var v = a.Score[sc[m]].AsSpan(cell * S, S);
                        for (var q = 0; q < S; q++)
                        {
                            score[q] += mass * v[q];
                        }
                    }

                    if (dissolved)
                    {
                        dissolvedMass[t] += mass;
                    }
                    else
                    {
                        for (var c = 0; c < run.Conditions.Length; c++)
                        {
                            conditions[c] = run.Conditions[c].Holds(x, role, living);
                        }

                        for (var f = 0; f < run.FlowCondition.Length; f++)
                        {
                            var c = run.FlowCondition[f];
                            if (c < 0 || conditions[c])
                            {
                                flowCounts[(f * (T + 1)) + t] += mass;
                                var v = run.FlowScore[f].AsSpan(t * S, S);
                                for (var q = 0; q < S; q++)
                                {
                                    score[q] += mass * v[q];
                                }
                            }
                        }

                        for (var i = 0; i < I; i++)
                        {
                            if ((mask & (1 << i)) != 0 && t < ivs[i].ActiveCycles)
                            {
                                activeCounts[(i * (T + 1)) + t] += mass;
                                var v = ivs[i].Score.AsSpan(t * S, S);
                                for (var q = 0; q < S; q++)
                                {
                                    score[q] += mass * v[q];
                                }
                            }
                        }
                    }

                    if (t == T)
                    {
                        continue;
                    }

                    // Each member's row, with the links read from the states at the start of the cycle.
                    for (var m = 0; m < M; m++)
                    {
                        if (!present[m])
                        {
                            continue;
                        }

                        var a = run.Sources[kind.Source[m]].Arms[k];
                        var row = rows[m];
                        a.Compiled.Subcohorts[sc[m]].P.AsSpan((t * N * N) + (x[m] * N), N).CopyTo(row);
                        var active = 0;
                        if (!dissolved && living[m])
                        {
                            foreach (var e in arm.EffectsByRoleState[(role[m] * B) + x[m]])
                            {
                                if (e.Condition >= 0 ? conditions[e.Condition] : (mask & (1 << e.Intervention)) != 0 && t < ivs[e.Intervention].ActiveCycles)
                                {
                                    to[active] = e.To;
                                    hr[active] = e.HazardRatio;
                                    active++;
                                }
                            }
                        }

                        if (active > 0)
                        {
                            var total = HouseholdEngine.LinkedRow(row, x[m], to.AsSpan(0, active), hr.AsSpan(0, active));
                            for (var q = 0; q < N; q++)
                            {
                                row[q] /= total;
                            }
                        }

                        if (a.HasEvents)
                        {
                            for (var q = 0; q < N; q++)
                            {
                                if (row[q] > 0 && a.EventCell[(x[m] * N) + q])
                                {
                                    var pm = mass * row[q];
                                    transitions[kind.Source[m]][(sc[m] * T * N * N) + (((t * N) + x[m]) * N) + q] += pm;
                                    var ev = a.EventScore[sc[m]].AsSpan(((((t * N) + x[m]) * N) + q) * S, S);
                                    for (var s = 0; s < S; s++)
                                    {
                                        score[s] += pm * ev[s];
                                    }
                                }
                            }
                        }
                    }

                    // The product of the members' rows.
                    Array.Clear(y);
                    for (var m = 0; m < M; m++)
                    {
                        y[m] = present[m] ? FirstPositive(rows[m], 0) : -1;
                    }

                    while (true)
                    {
                        var p = mass;
                        for (var m = 0; m < M; m++)
                        {
                            if (present[m])
                            {
                                p *= rows[m][y[m]];
                            }
                        }

                        if (p > 0)
                        {
                            var nk = codec.Encode(sc, y, present, mask, dissolved);
                            next[nk] = next.GetValueOrDefault(nk) + p;
                        }

                        var d = 0;
                        while (d < M)
                        {
                            if (present[d])
                            {
                                var nextY = FirstPositive(rows[d], y[d] + 1);
                                if (nextY >= 0)
                                {
                                    y[d] = nextY;
                                    break;
                                }

                                y[d] = FirstPositive(rows[d], 0);
                            }

                            d++;
                        }

                        if (d == M)
                        {
                            break;
                        }
                    }
                }

                if (t == T)
                {
                    break;
                }

                (current, next) = (next, current);
            }
        }

        var totals = HouseholdTotals.Build(run, k, counts, transitions, people, flowCounts, activeCounts, run.Definition.Size);
        return new HouseholdCohortResult(run, k, score, roleCounts, dissolvedMass, eligible, treated, totals, largest, Bound(run, k));
    }

    private static int FirstPositive(double[] row, int from)
    {
        for (var q = from; q < row.Length; q++)
        {
            if (row[q] > 0)
            {
                return q;
            }
        }

        return -1;
    }

    private static double[] KindWeights(HouseholdRun run)
    {
        var w = new double[run.Kinds.Length];
        var previous = 0.0;
        for (var i = 0; i < w.Length; i++)
        {
            var c = i == w.Length - 1 ? 1.0 : run.KindCum[i];
            w[i] = c - previous;
            previous = c;
        }

        return w;
    }

    /// <summary>A member's start entries (sub-cohort, state, probability) of one strategy: the individual microsimulation's start distribution.</summary>
    private static (int Sc, int X, double P)[] StartEntries(ArmPlan a)
    {
        var list = new List<(int, int, double)>();
        var previous = 0.0;
        for (var j = 0; j < a.StartCum.Length; j++)
        {
            var c = j == a.StartCum.Length - 1 ? 1.0 : a.StartCum[j];
            list.Add((a.StartSubcohort[j], a.StartState[j], c - previous));
            previous = c;
        }

        return [.. list];
    }

    /// <summary>Each member's role and presence at trace point t: the age-out rules applied to the template's role at the member's age.</summary>
    private static void Roles(HouseholdRun run, int k, KindPlan kind, int[] sc, int t, int[] role, bool[] present)
    {
        for (var m = 0; m < kind.Role.Length; m++)
        {
            role[m] = kind.Role[m];
            present[m] = true;
            var age = run.Sources[kind.Source[m]].StartAge[k][sc[m]] + (t * run.CycleLength);
            var guard = 0;
            while (present[m] && run.AgeOutAge[role[m]] != double.PositiveInfinity && age >= run.AgeOutAge[role[m]] - 1e-9 && guard++ < run.R)
            {
                var next = run.AgeOutRole[role[m]];
                if (next < 0)
                {
                    present[m] = false;
                }
                else
                {
                    role[m] = next;
                }
            }
        }
    }

    /// <summary>Mixed-radix key of a joint state: per member (sub-cohort, state + 1 or 0 for left), then the uptake mask and the dissolved flag.</summary>
    private sealed class Codec(HouseholdRun run, int k, KindPlan kind)
    {
        private readonly int[] _subcohorts = [.. kind.Source.Select(s => run.Sources[s].Arms[k].SubcohortCount)];
        private readonly int _n = run.N + 1;
        private readonly int _masks = 1 << run.Arms[k].Interventions.Length;

        public long Encode(int[] sc, int[] x, bool[] present, int mask, bool dissolved)
        {
            long key = 0;
            for (var m = 0; m < sc.Length; m++)
            {
                key = (key * _subcohorts[m]) + sc[m];
                key = (key * _n) + (present[m] && x[m] >= 0 ? x[m] + 1 : 0);
            }

            key = (key * _masks) + mask;
            return (key * 2) + (dissolved ? 1 : 0);
        }

        public void Decode(long key, int[] sc, int[] x, out int mask, out bool dissolved)
        {
            dissolved = (key & 1) != 0;
            key >>= 1;
            mask = (int)(key % _masks);
            key /= _masks;
            for (var m = sc.Length - 1; m >= 0; m--)
            {
                x[m] = (int)(key % _n) - 1;
                key /= _n;
                sc[m] = (int)(key % _subcohorts[m]);
                key /= _subcohorts[m];
            }
        }
    }
}

/// <summary>The exact expected results of the joint-state household cohort for one strategy, per household (and <see cref="Totals"/> for <see cref="HouseholdDefinition.Size"/> households).</summary>
public sealed class HouseholdCohortResult
{
    private readonly HouseholdRun _run;
    private readonly double[] _score;
    private readonly double[] _roleCounts;
    private readonly double[] _dissolved;
    private readonly double[] _eligible;
    private readonly double[] _treated;
    private readonly int _k;

    internal HouseholdCohortResult(HouseholdRun run, int k, double[] score, double[] roleCounts, double[] dissolved, double[] eligible, double[] treated, SimulationResult totals, int largest, double bound)
    {
        _run = run;
        _k = k;
        _score = score;
        _roleCounts = roleCounts;
        _dissolved = dissolved;
        _eligible = eligible;
        _treated = treated;
        Totals = totals;
        LargestJointStates = largest;
        JointStateBound = bound;
    }

    /// <summary>The household strategy.</summary>
    public HouseholdStrategy Strategy => _run.Strategies[_k];

    /// <summary>The perspectives with per-household values.</summary>
    public IReadOnlyList<Perspective> Perspectives => _run.Perspectives;

    /// <summary>The expected totals for <see cref="HouseholdDefinition.Size"/> households, as <see cref="HouseholdResult.Totals"/>.</summary>
    public SimulationResult Totals { get; }

    /// <summary>The largest number of joint states with positive mass at one trace point.</summary>
    public int LargestJointStates { get; }

    /// <summary>The bound on the joint state space checked against the cap.</summary>
    public double JointStateBound { get; }

    /// <summary>Expected discounted net cost per household to a perspective (positive = cost).</summary>
    /// <param name="perspective">One of <see cref="Perspectives"/>.</param>
    public double CostPerHousehold(Perspective perspective)
    {
        ArgumentNullException.ThrowIfNull(perspective);
        for (var i = 0; i < _run.Perspectives.Count; i++)
        {
            if (_run.Perspectives[i].Equals(perspective))
            {
                return _score[i];
            }
        }

        throw new KeyNotFoundException($"The run has no values for the perspective '{perspective.Name}'.");
    }

    /// <summary>Expected discounted total of an outcome per household.</summary>
    /// <param name="outcome">The outcome.</param>
    public double OutcomePerHousehold(Outcome outcome)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        for (var i = 0; i < _run.O; i++)
        {
            if (_run.Model.Outcomes[i].Name == outcome.Name)
            {
                return _score[_run.P + i];
            }
        }

        throw new KeyNotFoundException($"The model has no outcome '{outcome.Name}'.");
    }

    /// <summary>Expected number of members of a role in a state per household at trace point <paramref name="cycle"/>.</summary>
    /// <param name="cycle">Trace point 0..T.</param>
    /// <param name="role">The role.</param>
    /// <param name="state">The state.</param>
    public double MembersInState(int cycle, string role, string state)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(cycle);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(cycle, _run.T);
        var r = _run.RoleIndex.TryGetValue(role, out var ri) ? ri : throw new KeyNotFoundException($"The definition has no role '{role}'.");
        return _roleCounts[(((r * (_run.T + 1)) + cycle) * _run.B) + _run.Model.StateIndex(state)];
    }

    /// <summary>Probability that a household has dissolved by trace point <paramref name="cycle"/>.</summary>
    /// <param name="cycle">Trace point 0..T.</param>
    public double ShareDissolved(int cycle) => _dissolved[cycle];

    /// <summary>Probability that a household is eligible for a household intervention.</summary>
    /// <param name="intervention">The intervention's name.</param>
    public double ShareEligible(string intervention) => _eligible[Index(intervention)];

    /// <summary>Probability that a household takes up a household intervention.</summary>
    /// <param name="intervention">The intervention's name.</param>
    public double ShareTakingUp(string intervention) => _treated[Index(intervention)];

    private int Index(string name)
    {
        var ivs = _run.Arms[_k].Interventions;
        for (var i = 0; i < ivs.Length; i++)
        {
            if (ivs[i].Name == name)
            {
                return i;
            }
        }

        throw new KeyNotFoundException($"The strategy '{Strategy.Name}' has no household intervention '{name}'.");
    }
}
