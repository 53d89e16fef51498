using SocialInvestment.Economics;
using SocialInvestment.Model;

namespace SocialInvestment.Engine;

/// <summary>
/// Everything the microsimulation cycle loop reads, prepared once per run: per strategy and
/// sub-cohort, cumulative transition rows and per-person score values indexed by
/// [cycle][expanded state][time in state]. The loop never calls user code.
/// </summary>
internal sealed class MicrosimPlan
{
    public MicrosimPlan(IReadOnlyList<CompiledModel> compiled, MicrosimOptions options)
    {
        Options = options;
        Compiled = compiled;
        _runKey = new Lazy<ContentHash?>(ComputeRunKey, LazyThreadSafetyMode.ExecutionAndPublication);
        var first = compiled[0];
        Perspectives = options.Perspectives ?? Perspective.StandardSet(first.Model);
        Outcomes = first.Model.Outcomes;
        ScoreCount = Perspectives.Count + Outcomes.Count;
        TrackDistributions = options.TrackDistributions;
        KeepRecords = options.KeepPersonRecords;
        var effects = options.Effects;
        Attributes = [.. effects.Attributes];
        var problems = new List<string>();
        foreach (var c in compiled)
        {
            if (!ReferenceEquals(c.Model, first.Model))
            {
                problems.Add($"Strategy '{c.Strategy.Name}' was compiled from a different model than '{first.Strategy.Name}'.");
            }
        }

        if (problems.Count > 0)
        {
            throw new ArgumentException(string.Join(Environment.NewLine, problems), nameof(compiled));
        }

        Arms = new ArmPlan[compiled.Count];
        for (var k = 0; k < compiled.Count; k++)
        {
            Arms[k] = new ArmPlan(compiled[k], this, effects, problems);
        }

        if (problems.Count > 0)
        {
            throw new ArgumentException("The individual effects are invalid:" + Environment.NewLine + string.Join(Environment.NewLine, problems.Distinct()), nameof(options));
        }
    }

    public MicrosimOptions Options { get; }

    public IReadOnlyList<CompiledModel> Compiled { get; }

    public IReadOnlyList<Perspective> Perspectives { get; }

    public IReadOnlyList<Outcome> Outcomes { get; }

    public int ScoreCount { get; }

    public bool TrackDistributions { get; }

    public bool KeepRecords { get; }

    public PersonCharacteristic[] Attributes { get; }

    public ArmPlan[] Arms { get; }

    /// <summary>
    /// True when two plans describe the same run, so that their partials may merge: the compiled
    /// models have equal <see cref="CompiledModel.ContentHash"/>es (not object identity: a model
    /// rebuilt from its definition in another process matches), the seed, draw, block size and
    /// tracking options agree, the perspectives agree by name and coefficients, and the individual
    /// effects are the same instance or both empty (effects hold functions, which have no content
    /// hash; see <see cref="IndividualEffects"/>).
    /// </summary>
    public bool SameRun(MicrosimPlan other)
        => ReferenceEquals(this, other)
        || (Compiled.Count == other.Compiled.Count
            && Compiled.Zip(other.Compiled).All(p => ReferenceEquals(p.First, p.Second) || p.First.ContentHash == p.Second.ContentHash)
            && Options.Seed == other.Options.Seed
            && Options.Draw == other.Options.Draw
            && Options.BlockSize == other.Options.BlockSize
            && SameEffects(Options.Effects, other.Options.Effects)
            && Options.TrackDistributions == other.Options.TrackDistributions
            && Options.KeepPersonRecords == other.Options.KeepPersonRecords
            && Perspectives.Count == other.Perspectives.Count
            && Perspectives.Zip(other.Perspectives).All(p => p.First.Name == p.Second.Name
                && p.First.Coefficients(Compiled[0].Model.Accounts).AsSpan().SequenceEqual(p.Second.Coefficients(other.Compiled[0].Model.Accounts))));

    /// <summary>SHA-256 over what <see cref="SameRun"/> compares (compiled hashes, seed, draw, block size, tracking, perspectives); null with individual effects (functions).</summary>
    public ContentHash? RunKey => _runKey.Value;

    private readonly Lazy<ContentHash?> _runKey;

    private ContentHash? ComputeRunKey()
    {
        if (!Options.Effects.IsEmpty)
        {
            return null;
        }

        using var h = new ContentHasher();
        h.Tag("socinv.microsim-run/1").Add(Compiled.Count);
        foreach (var c in Compiled)
        {
            h.Add(c.ContentHash);
        }

        h.Tag("options").Add(Options.Seed).Add(Options.Draw).Add(Options.BlockSize).Add(Options.TrackDistributions).Add(Options.KeepPersonRecords);
        h.Tag("perspectives").Add(Perspectives.Count);
        foreach (var p in Perspectives)
        {
            h.Add(p.Name).Add(p.Coefficients(Compiled[0].Model.Accounts));
        }

        return h.Finish();
    }

    private static bool SameEffects(IndividualEffects a, IndividualEffects b)
        => ReferenceEquals(a, b) || (a.IsEmpty && b.IsEmpty);
}

/// <summary>One hazard effect with an attribute, resolved to expanded states (applied per person at run time).</summary>
internal sealed record AttributeHazard(int From, int To, int Remainder, int Attribute, double[][] LogSurvival);

/// <summary>One value effect resolved to an expanded state and a ledger cell or outcome.</summary>
internal sealed record ResolvedValue(int State, int Ledger, int Outcome, double[] ValueByDuration, int Attribute, int WeightedPosition);

/// <summary>The tables of one strategy.</summary>
internal sealed class ArmPlan
{
    public ArmPlan(CompiledModel c, MicrosimPlan plan, IndividualEffects effects, List<string> problems)
    {
        Compiled = c;
        var model = c.Model;
        T = c.Cycles;
        N = c.ExpandedStateCount;
        BaseStates = c.BaseStateCount;
        L = c.LedgerCount;
        O = c.OutcomeCount;
        S = plan.ScoreCount;
        SubcohortCount = c.SubcohortCount;
        BaseOf = c.BaseOf;
        var hasDuration = effects.Hazards.Count > 0 || effects.Values.Count > 0;
        Cap = effects.DurationCap is int cap ? Math.Min(cap, T) : T;
        D = hasDuration ? Cap + 1 : 1;
        CountStride = (T + 1) * N * D;
        TransitionStride = T * N * N;
        HasEvents = c.Subcohorts.Any(s => s.EventFrom.Length > 0 || s.OutcomeEventFrom.Length > 0);
        EventCell = new bool[N * N];
        foreach (var s in c.Subcohorts)
        {
            for (var e = 0; e < s.EventFrom.Length; e++)
            {
                EventCell[(s.EventFrom[e] * N) + s.EventTo[e]] = true;
            }

            for (var e = 0; e < s.OutcomeEventFrom.Length; e++)
            {
                EventCell[(s.OutcomeEventFrom[e] * N) + s.OutcomeEventTo[e]] = true;
            }
        }


        // Duration groups: base state → group id.
        Group = new int[N];
        var baseGroup = Enumerable.Range(0, BaseStates).ToArray();
        foreach (var g in effects.DurationGroups)
        {
            var ids = new List<int>();
            foreach (var name in g)
            {
                if (model.TryStateIndex(name, out var i))
                {
                    ids.Add(i);
                }
                else
                {
                    problems.Add($"Duration group: the model has no state '{name}'.");
                }
            }

            foreach (var i in ids)
            {
                baseGroup[i] = ids[0];
            }
        }

        for (var x = 0; x < N; x++)
        {
            Group[x] = baseGroup[BaseOf[x]];
        }

        int AttributeIndex(string? name)
        {
            if (name is null)
            {
                return -1;
            }

            var i = Array.FindIndex(plan.Attributes, a => a.Name == name);
            if (i < 0)
            {
                problems.Add($"The attribute '{name}' is not defined.");
            }

            return i;
        }

        int StateIndex(string name)
        {
            if (model.TryStateIndex(name, out var i))
            {
                return i;
            }

            problems.Add($"The model has no state '{name}'.");
            return -1;
        }

        var coef = new double[plan.Perspectives.Count][];
        for (var p = 0; p < coef.Length; p++)
        {
            coef[p] = plan.Perspectives[p].Coefficients(model.Accounts);
        }

        var A = c.AccountCount;
        var P = plan.Perspectives.Count;
        var w = c.StateWeights;
        var previousWeights = c.PreviousWeights;
        var ew = c.EventWeights;
        var dfc = c.CostDiscountFactors;
        var dfo = c.OutcomeDiscountFactors;

        // Value effects resolved.
        var values = new List<ResolvedValue>();
        var weighted = new List<int>();
        foreach (var v in effects.Values)
        {
            if (v.AppliesTo is { } f && !f(c.Strategy))
            {
                continue;
            }

            var bs = StateIndex(v.State);
            var attr = AttributeIndex(v.Attribute);
            var ledger = -1;
            var outcome = -1;
            if (v.Account is { } acc)
            {
                ledger = model.AccountIndex(acc);
                if (ledger < 0)
                {
                    problems.Add($"Value effect in '{v.State}': the model has no account {acc}.");
                }
            }
            else if (v.Outcome is { } o)
            {
                outcome = -1;
                for (var i = 0; i < model.Outcomes.Count; i++)
                {
                    if (model.Outcomes[i].Name == o.Name)
                    {
                        outcome = i;
                    }
                }

                if (outcome < 0)
                {
                    problems.Add($"Value effect in '{v.State}': the model has no outcome '{o.Name}'.");
                }
            }

            if (bs < 0 || (ledger < 0 && outcome < 0) || (v.Attribute is not null && attr < 0))
            {
                continue;
            }

            var table = new double[D];
            for (var d = 0; d < D; d++)
            {
                table[d] = v.Value(d);
                if (!double.IsFinite(table[d]))
                {
                    problems.Add($"Value effect in '{v.State}': the value at time in state {d} is not finite.");
                }
            }

            var pos = -1;
            if (attr >= 0)
            {
                pos = weighted.IndexOf(attr);
                if (pos < 0)
                {
                    weighted.Add(attr);
                    pos = weighted.Count - 1;
                }
            }

            for (var x = 0; x < N; x++)
            {
                if (BaseOf[x] == bs)
                {
                    if (values.Any(r => r.State == x && r.Ledger == ledger && r.Outcome == outcome))
                    {
                        problems.Add($"Two value effects target the same value in state '{v.State}'.");
                    }

                    values.Add(new ResolvedValue(x, ledger, outcome, table, attr, pos));
                }
            }
        }

        Values = [.. values];
        WeightedAttributes = [.. weighted];

        var hazardEntries = new List<(int From, int To, int Remainder, double[] Multiplier, int Attribute)>();
        foreach (var h in effects.Hazards)
        {
            var from = StateIndex(h.From);
            var to = StateIndex(h.To);
            var rem = StateIndex(h.RemainderTo);
            var attr = AttributeIndex(h.Attribute);
            if (from < 0 || to < 0 || rem < 0 || (h.Attribute is not null && attr < 0))
            {
                continue;
            }

            var m = new double[D];
            for (var d = 0; d < D; d++)
            {
                m[d] = h.Multiplier(d);
                if (!(m[d] >= 0) || !double.IsFinite(m[d]))
                {
                    problems.Add($"Hazard effect {h.From} → {h.To}: the multiplier at time in state {d} must be finite and ≥ 0.");
                }
            }

            for (var x = 0; x < N; x++)
            {
                if (BaseOf[x] != from)
                {
                    continue;
                }

                var r = -1;
                for (var y = 0; y < N && r < 0; y++)
                {
                    if (BaseOf[y] == rem && c.Subcohorts.Any(sc => Enumerable.Range(0, T).Any(t => sc.P[(t * N * N) + (x * N) + y] > 0)))
                    {
                        r = y;
                    }
                }

                if (r < 0)
                {
                    r = Array.FindIndex(BaseOf, b => b == rem);
                }

                for (var y = 0; y < N; y++)
                {
                    if (BaseOf[y] == to && y != r)
                    {
                        hazardEntries.Add((x, y, r, m, attr));
                    }
                }
            }
        }

        HasAttributeHazards = hazardEntries.Any(e => e.Attribute >= 0);
        Cum = new double[SubcohortCount][];
        Prob = new double[SubcohortCount][];
        Score = new double[SubcohortCount][];
        WeightedScore = new double[SubcohortCount][][];
        EventScore = new double[SubcohortCount][];
        UpfrontScore = new double[SubcohortCount][];
        UpfrontFlow = new double[SubcohortCount][];
        var attributeHazards = new List<AttributeHazard>();
        var row = new double[N];
        for (var si = 0; si < SubcohortCount; si++)
        {
            var sc = c.Subcohorts[si];
            var cum = new double[T * N * D * N];
            var prob = HasAttributeHazards ? new double[T * N * D * N] : [];
            for (var t = 0; t < T; t++)
            {
                for (var x = 0; x < N; x++)
                {
                    for (var d = 0; d < D; d++)
                    {
                        for (var y = 0; y < N; y++)
                        {
                            row[y] = sc.P[(t * N * N) + (x * N) + y];
                        }

                        foreach (var e in hazardEntries)
                        {
                            if (e.From != x || e.Attribute >= 0)
                            {
                                continue;
                            }

                            var remaining = TransitionRowKernel.ApplyHazardRatio(row, e.To, e.Remainder, e.Multiplier[d]);
                            if (remaining < -1e-12)
                            {
                                problems.Add($"Hazard effect {model.States[BaseOf[x]].Name} → {model.States[BaseOf[e.To]].Name}: the remaining probability becomes negative ({remaining:G6}) at cycle {t}, time in state {d}.");
                            }
                        }

                        var baseIndex = ((((t * N) + x) * D) + d) * N;
                        var acc = 0.0;
                        for (var y = 0; y < N; y++)
                        {
                            if (HasAttributeHazards)
                            {
                                prob[baseIndex + y] = row[y];
                            }

                            acc += row[y];
                            cum[baseIndex + y] = acc;
                        }

                        cum[baseIndex + N - 1] = 2.0; // the last state absorbs rounding; u < 1 always
                    }
                }
            }

            Cum[si] = cum;
            Prob[si] = prob;

            // Per-person score values: discounted, weighted, by perspective and outcome.
            var score = new double[(T + 1) * N * D * S];
            var wscore = new double[WeightedAttributes.Length][];
            for (var i = 0; i < wscore.Length; i++)
            {
                wscore[i] = new double[score.Length];
            }

            for (var t = 0; t <= T; t++)
            {
                for (var x = 0; x < N; x++)
                {
                    var flowBase = ((t * N) + x) * L;
                    var outBase = ((t * N) + x) * O;

                    // Per-cycle conventions: a person at t also counts the end half of cycle t − 1, with that cycle's values and discount.
                    var rt = previousWeights is not null && t > 0 ? previousWeights[t] : 0.0;
                    var prevFlowBase = (((t - 1) * N) + x) * L;
                    var prevOutBase = (((t - 1) * N) + x) * O;
                    var wc = (w[t] * dfc[t]) + (rt == 0 ? 0 : rt * dfc[t - 1]);
                    var wo = (w[t] * dfo[t]) + (rt == 0 ? 0 : rt * dfo[t - 1]);
                    for (var d = 0; d < D; d++)
                    {
                        var cell = ((((t * N) + x) * D) + d) * S;
                        for (var p = 0; p < P; p++)
                        {
                            var v = 0.0;
                            var vPrev = 0.0;
                            for (var l = 0; l < L; l++)
                            {
                                v += coef[p][l % A] * sc.StateFlows[flowBase + l];
                                if (rt != 0)
                                {
                                    vPrev += coef[p][l % A] * sc.StateFlows[prevFlowBase + l];
                                }
                            }

                            score[cell + p] = (w[t] * dfc[t] * v) + (rt == 0 ? 0 : rt * dfc[t - 1] * vPrev);
                        }

                        for (var o = 0; o < O; o++)
                        {
                            score[cell + P + o] = (w[t] * dfo[t] * sc.StateOutcomes[outBase + o]) + (rt == 0 ? 0 : rt * dfo[t - 1] * sc.StateOutcomes[prevOutBase + o]);
                        }

                        foreach (var v in Values)
                        {
                            if (v.State != x)
                            {
                                continue;
                            }

                            var target = v.Attribute >= 0 ? wscore[v.WeightedPosition] : score;
                            // A person-level value replaces the compiled value in every half the person at t counts
                            // (with a per-cycle convention both, at the person's time in state at t).
                            if (v.Ledger >= 0)
                            {
                                var old = sc.StateFlows[flowBase + v.Ledger];
                                var oldPrev = rt == 0 ? 0 : sc.StateFlows[prevFlowBase + v.Ledger];
                                for (var p = 0; p < P; p++)
                                {
                                    score[cell + p] -= coef[p][v.Ledger] * ((w[t] * dfc[t] * old) + (rt == 0 ? 0 : rt * dfc[t - 1] * oldPrev));
                                    target[cell + p] += wc * coef[p][v.Ledger] * v.ValueByDuration[d];
                                }
                            }
                            else
                            {
                                var old = sc.StateOutcomes[outBase + v.Outcome];
                                var oldPrev = rt == 0 ? 0 : sc.StateOutcomes[prevOutBase + v.Outcome];
                                score[cell + P + v.Outcome] -= (w[t] * dfo[t] * old) + (rt == 0 ? 0 : rt * dfo[t - 1] * oldPrev);
                                target[cell + P + v.Outcome] += wo * v.ValueByDuration[d];
                            }
                        }
                    }
                }
            }

            Score[si] = score;
            WeightedScore[si] = wscore;

            if (HasEvents)
            {
                var ev = new double[T * N * N * S];
                var E = sc.EventFrom.Length;
                var EO = sc.OutcomeEventFrom.Length;
                for (var t = 0; t < T; t++)
                {
                    for (var e = 0; e < E; e++)
                    {
                        var cell = ((((t * N) + sc.EventFrom[e]) * N) + sc.EventTo[e]) * S;
                        var amount = ew[t + 1] * dfc[t + 1] * sc.EventAmounts[(t * E) + e];
                        for (var p = 0; p < P; p++)
                        {
                            ev[cell + p] += coef[p][sc.EventLedger[e] % A] * amount;
                        }
                    }

                    for (var e = 0; e < EO; e++)
                    {
                        var cell = ((((t * N) + sc.OutcomeEventFrom[e]) * N) + sc.OutcomeEventTo[e]) * S;
                        ev[cell + P + sc.OutcomeEventIndex[e]] += ew[t + 1] * dfo[t + 1] * sc.OutcomeEventValues[(t * EO) + e];
                    }
                }

                EventScore[si] = ev;
            }
            else
            {
                EventScore[si] = [];
            }

            var mass = sc.Initial.Sum();
            var up = new double[L];
            var upScore = new double[S];
            for (var l = 0; l < L; l++)
            {
                up[l] = mass > 0 ? sc.Upfront[l] / mass : 0;
                for (var p = 0; p < P; p++)
                {
                    upScore[p] += dfc[0] * coef[p][l % A] * up[l];
                }
            }

            UpfrontFlow[si] = up;
            UpfrontScore[si] = upScore;

            foreach (var e in hazardEntries)
            {
                if (e.Attribute < 0 || si > 0)
                {
                    continue;
                }

                var logs = new double[SubcohortCount][];
                for (var s2 = 0; s2 < SubcohortCount; s2++)
                {
                    var table = new double[T * D];
                    for (var t = 0; t < T; t++)
                    {
                        var q = c.Subcohorts[s2].P[(t * N * N) + (e.From * N) + e.To];
                        for (var d = 0; d < D; d++)
                        {
                            table[(t * D) + d] = e.Multiplier[d] * Numerics.Log1P(-q);
                        }
                    }

                    logs[s2] = table;
                }

                attributeHazards.Add(new AttributeHazard(e.From, e.To, e.Remainder, e.Attribute, logs));
            }
        }

        AttributeHazardsByState = new AttributeHazard[N][];
        for (var x = 0; x < N; x++)
        {
            AttributeHazardsByState[x] = [.. attributeHazards.Where(h => h.From == x)];
        }

        // Start distribution over (sub-cohort, expanded state).
        // Ordered by (start age, start state, treatment pattern), so that the same start uniform
        // gives the same age and state in every strategy (common random numbers); only the split
        // into treated and untreated differs between strategies.
        var cumStart = new List<double>();
        var startSc = new List<int>();
        var startX = new List<int>();
        var total = c.Subcohorts.Sum(s => s.Initial.Sum());
        var entries = new List<(double Age, int State, int Mask, int Sc, int X, double Mass)>();
        for (var si = 0; si < SubcohortCount; si++)
        {
            for (var x = 0; x < N; x++)
            {
                var m = c.Subcohorts[si].Initial[x];
                if (m > 0)
                {
                    entries.Add((c.Subcohorts[si].StartAge, BaseOf[x], c.Subcohorts[si].TreatmentMask, si, x, m));
                }
            }
        }

        var run = 0.0;
        foreach (var e in entries.OrderBy(e => e.Age).ThenBy(e => e.State).ThenBy(e => e.X).ThenBy(e => e.Mask))
        {
            run += e.Mass / total;
            cumStart.Add(run);
            startSc.Add(e.Sc);
            startX.Add(e.X);
        }

        if (cumStart.Count == 0)
        {
            problems.Add("The population is empty.");
            cumStart.Add(1);
            startSc.Add(0);
            startX.Add(0);
        }

        cumStart[^1] = 2.0;
        StartCum = [.. cumStart];
        StartSubcohort = [.. startSc];
        StartState = [.. startX];
        PopulationSize = total;
    }

    public CompiledModel Compiled { get; }

    private double[][]? _stateVectors;

    /// <summary>
    /// [sc]: the tables by state in vectors of eight (models of at most eight expanded states), for
    /// the 512-bit lean kernel to permute by each person's state: per cycle t ≤ T and score s the
    /// score values [(t·S + s)·8 + x], then from (T + 1)·S·8 per cycle t &lt; T and threshold j &lt; N − 1
    /// the cumulative row entries [(t·(N − 1) + j)·8 + x]. Built on first use (thread-safe).
    /// </summary>
    public double[][] StateVectors => LazyInitializer.EnsureInitialized(ref _stateVectors, BuildStateVectors);

    private double[][] BuildStateVectors()
    {
        if (N > 8)
        {
            throw new InvalidOperationException("State vectors need at most eight expanded states.");
        }

        var tables = new double[SubcohortCount][];
        var v0 = (T + 1) * S * 8;
        for (var sc = 0; sc < SubcohortCount; sc++)
        {
            var v = new double[v0 + (T * Math.Max(0, N - 1) * 8)];
            for (var t = 0; t <= T; t++)
            {
                for (var x = 0; x < N; x++)
                {
                    for (var s = 0; s < S; s++)
                    {
                        v[(((t * S) + s) * 8) + x] = Score[sc][(((t * N) + x) * D * S) + s];
                    }

                    if (t == T)
                    {
                        continue;
                    }

                    for (var j = 0; j < N - 1; j++)
                    {
                        v[v0 + (((t * (N - 1)) + j) * 8) + x] = Cum[sc][(((t * N) + x) * D * N) + j];
                    }
                }
            }

            tables[sc] = v;
        }

        return tables;
    }

    public int T { get; }

    public int N { get; }

    public int BaseStates { get; }

    public int Cycles => T;

    public int L { get; }

    public int O { get; }

    public int S { get; }

    public int D { get; }

    public int Cap { get; }

    public int SubcohortCount { get; }

    public int CountStride { get; }

    public int TransitionStride { get; }

    public bool HasEvents { get; }

    /// <summary>[from][to]: whether a transition carries event flows or outcomes (only those are counted).</summary>
    public bool[] EventCell { get; }

    public bool HasAttributeHazards { get; }

    public int[] BaseOf { get; }

    public int[] Group { get; }

    public double[][] Cum { get; }

    public double[][] Prob { get; }

    public double[][] Score { get; }

    public double[][][] WeightedScore { get; }

    public double[][] EventScore { get; }

    public double[][] UpfrontScore { get; }

    public double[][] UpfrontFlow { get; }

    public ResolvedValue[] Values { get; }

    public int[] WeightedAttributes { get; }

    public AttributeHazard[][] AttributeHazardsByState { get; }

    public double[] StartCum { get; }

    public int[] StartSubcohort { get; }

    public int[] StartState { get; }

    public double PopulationSize { get; }
}
