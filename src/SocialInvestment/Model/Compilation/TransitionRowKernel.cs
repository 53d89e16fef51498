using System.Globalization;

namespace SocialInvestment.Model;

/// <summary>
/// The one place where a transition row is made: a model state's rates or probabilities, competing
/// risks, the remainder, intervention effects and the checks, for one context. The compiler (and so
/// the cohort engine, every PSA path and the microsimulation, which all read compiled rows), the
/// homogeneous PSA fast path and the microsimulation's time-in-state hazard effects all use these
/// steps; none writes the row maths itself.
/// </summary>
/// <remarks>
/// The steps, in order, on a row <c>q</c> over the model's base states:
/// <list type="number">
/// <item>entries: each probability, or each rate times its hazard-ratio/relative-risk effects, added to <c>q[to]</c>;</item>
/// <item>competing risks (rate rows): <c>R = Σ_j q_j</c>, <c>q_j ← q_j·(1 − e^(−RΔt))/R</c>
/// (<see cref="RateConversion.ToProbability"/>), <c>q_balance += e^(−RΔt)</c>;</item>
/// <item>remainder (probability rows): <c>q_remainder += 1 − Σ_j q_j</c>;</item>
/// <item>effects on probabilities (odds ratio, risk difference, and hazard ratio or relative risk on probability rows);</item>
/// <item>checks: every <c>q_j</c> in [−1e-9, 1 + 1e-9] and finite, clamped to [0, 1], and <c>|Σ q − 1| ≤ 1e-6</c>.</item>
/// </list>
/// </remarks>
internal sealed class TransitionRowKernel
{
    /// <summary>Probabilities may leave [0, 1] by this much before a row is rejected (rounding).</summary>
    public const double Tolerance = 1e-9;

    /// <summary>A row must sum to 1 within this.</summary>
    public const double SumTolerance = 1e-6;

    private TransitionRowKernel(int from, bool absorbing, bool isRate, int remainderTo, (int To, TransitionValueKind Kind, ModelFunction F)[] entries)
    {
        From = from;
        IsAbsorbing = absorbing;
        IsRate = isRate;
        RemainderTo = remainderTo;
        Entries = entries;
    }

    /// <summary>The base state of the row.</summary>
    public int From { get; }

    /// <summary>The state is absorbing: its row is the identity.</summary>
    public bool IsAbsorbing { get; }

    /// <summary>At least one entry is a rate: the row goes through competing risks.</summary>
    public bool IsRate { get; }

    /// <summary>The destination of the remainder, or −1.</summary>
    public int RemainderTo { get; }

    /// <summary>The destination that absorbs what the entries leave: the remainder, otherwise the state itself.</summary>
    public int Balance => RemainderTo >= 0 ? RemainderTo : From;

    /// <summary>The explicit entries in model order.</summary>
    public (int To, TransitionValueKind Kind, ModelFunction F)[] Entries { get; }

    /// <summary>The rows of every base state of a model.</summary>
    public static TransitionRowKernel[] ForModel(LifeCourseModel model)
    {
        var B = model.States.Count;
        var entries = new List<(int, TransitionValueKind, ModelFunction)>[B];
        var remainder = new int[B];
        var isRate = new bool[B];
        for (var b = 0; b < B; b++)
        {
            entries[b] = [];
            remainder[b] = -1;
        }

        foreach (var t in model.Transitions)
        {
            var f = model.StateIndex(t.From);
            var to = model.StateIndex(t.To);
            if (t.Kind == TransitionValueKind.Remainder)
            {
                remainder[f] = to;
            }
            else
            {
                entries[f].Add((to, t.Kind, t.Value!));
                isRate[f] |= t.Kind == TransitionValueKind.Rate;
            }
        }

        var rows = new TransitionRowKernel[B];
        for (var b = 0; b < B; b++)
        {
            rows[b] = new TransitionRowKernel(b, model.States[b].IsAbsorbing, isRate[b], remainder[b], [.. entries[b]]);
        }

        return rows;
    }

    /// <summary>
    /// The base states this row can reach under any parameter values and any of the given
    /// interventions: the entries' destinations, the remainder, the state itself (the balance of a rate
    /// row) and the targets of the interventions' transition effects from this state. Every other
    /// entry of the row is exactly 0.
    /// </summary>
    public int[] Structure(LifeCourseModel model, IEnumerable<Intervention> interventions)
    {
        var set = new SortedSet<int> { From };
        if (IsAbsorbing)
        {
            return [.. set];
        }

        foreach (var (to, _, _) in Entries)
        {
            set.Add(to);
        }

        if (RemainderTo >= 0)
        {
            set.Add(RemainderTo);
        }

        var name = model.States[From].Name;
        foreach (var iv in interventions)
        {
            foreach (var e in iv.TransitionEffects)
            {
                if (e.From == name && model.StateIndex(e.To) is var j and >= 0)
                {
                    set.Add(j);
                }
            }
        }

        return [.. set];
    }

    /// <summary>
    /// Computes the row for one context into <paramref name="q"/> (length = base states), applying the
    /// transition effects from this state of the active interventions (<paramref name="effects"/>,
    /// resolved to indices once per sub-cohort by <see cref="EffectsFrom"/>; <paramref name="weights"/>:
    /// 1, or the uptake under a mean effect). Returns false, after reporting, when the row is invalid.
    /// <paramref name="q"/> is cleared first.
    /// </summary>
    /// <param name="model">The model (state names and indices).</param>
    /// <param name="ctx">The context of the cycle.</param>
    /// <param name="dt">Cycle length in years.</param>
    /// <param name="effects">The active interventions' effects from this state.</param>
    /// <param name="weights">The weight of each active intervention.</param>
    /// <param name="tau">Model time of the cycle start (profile time).</param>
    /// <param name="q">The row, over base states.</param>
    /// <param name="report">Receives (target, subject, message, cycle, age) for every problem.</param>
    /// <param name="touch">Called when an intervention's weight (its uptake) enters the row; null when not tracked.</param>
    public bool Compute(LifeCourseModel model, in ModelContext ctx, double dt, RowEffect[] effects, double[] weights, double tau, Span<double> q, ProblemReport report, Action<int>? touch = null)
        => Compute(model, ctx, dt, effects, weights, tau, q, report, touch, [], ulong.MaxValue);

    /// <summary>
    /// <see cref="Compute(LifeCourseModel, in ModelContext, double, RowEffect[], double[], double, Span{double}, ProblemReport, Action{int}?)"/>
    /// with the entries' function values cached: entry i is evaluated (and its value stored in
    /// <paramref name="cached"/>[i]) when bit i of <paramref name="evaluate"/> is set, otherwise
    /// <paramref name="cached"/>[i] is taken as its value (a PSA draw re-evaluates only the entries that
    /// read a drawn parameter; model functions are pure, so the row is the same number for number).
    /// An empty <paramref name="cached"/> evaluates every entry.
    /// </summary>
    public bool Compute(LifeCourseModel model, in ModelContext ctx, double dt, RowEffect[] effects, double[] weights, double tau, Span<double> q, ProblemReport report, Action<int>? touch, Span<double> cached, ulong evaluate)
    {
        q.Clear();
        var useCache = !cached.IsEmpty;
        var index = -1;
        var hasActive = weights.Length > 0;
        var states = model.States;
        var b = From;
        var ok = true;
        var balance = Balance;
        foreach (var (to, kind, f) in Entries)
        {
            index++;
            double v;
            if (!useCache)
            {
                v = f(in ctx);
            }
            else if ((evaluate & (1UL << index)) != 0)
            {
                v = cached[index] = f(in ctx);
            }
            else
            {
                v = cached[index];
            }

            string Subject() => $"transition {states[b].Name} → {states[to].Name}";
            ProblemSubject Target() => ProblemSubject.Transition(states[b].Name, states[to].Name);
            if (!double.IsFinite(v))
            {
                report(Target(), Subject(), $"The {(kind == TransitionValueKind.Rate ? "rate" : "probability")} is not a finite number ({v}) at cycle {ctx.Cycle} (age {Fmt(ctx.Age)}).", ctx.Cycle, ctx.Age);
                ok = false;
                continue;
            }

            if (kind == TransitionValueKind.Rate)
            {
                if (v < 0)
                {
                    report(Target(), Subject(), $"The rate {Fmt(v)} at cycle {ctx.Cycle} (age {Fmt(ctx.Age)}) is negative.", ctx.Cycle, ctx.Age);
                    ok = false;
                    continue;
                }

                foreach (var re in effects)
                {
                    var e = re.Effect;
                    if (re.To == to && e.Measure is EffectMeasure.HazardRatio or EffectMeasure.RelativeRisk && (e.Ages is null || e.Ages.Contains(ctx.Age)))
                    {
                        var a = re.Active;
                        touch?.Invoke(a);
                        var factor = ScaledRatio(e.Size.Evaluate(ctx.Parameters), e.Profile.Multiplier(tau), e.Scaling);
                        v *= weights[a] == 1 ? factor : 1 + (weights[a] * (factor - 1));
                    }
                }
            }
            else if (v < -Tolerance || v > 1 + Tolerance)
            {
                report(Target(), Subject(), $"The probability {Fmt(v)} at cycle {ctx.Cycle} (age {Fmt(ctx.Age)}) is outside [0, 1].", ctx.Cycle, ctx.Age);
                ok = false;
                continue;
            }

            q[to] += v;
        }

        if (!ok)
        {
            return false;
        }

        if (IsRate)
        {
            CompetingRisks(q, balance, dt);
        }
        else if (RemainderTo >= 0)
        {
            // The remainder first, so that effects see the whole row.
            AddRemainder(q, RemainderTo);
        }

        // Effects on probabilities (rate rows took their hazard and relative-risk effects above).
        foreach (var re in effects)
        {
            var e = re.Effect;
            if ((IsRate && e.Measure is EffectMeasure.HazardRatio or EffectMeasure.RelativeRisk) || (e.Ages is not null && !e.Ages.Contains(ctx.Age)))
            {
                continue;
            }

            var a = re.Active;
            touch?.Invoke(a);
            var to = re.To;
            if (to == balance && RemainderTo >= 0)
            {
                report(ProblemSubject.InterventionEffect(re.Intervention.Name, e.From, e.To), $"intervention '{re.Intervention.Name}' effect on {e.From} → {e.To}", "The effect targets the row's remainder, which is computed; put the effect on the other transitions.", null, null);
                return false;
            }

            var size = e.Size.Evaluate(ctx.Parameters);
            var m = e.Profile.Multiplier(tau);
            var p = Math.Clamp(q[to], 0, 1);
            var changed = e.Measure switch
            {
                EffectMeasure.RelativeRisk => p * ScaledRatio(size, m, e.Scaling),
                EffectMeasure.HazardRatio => RateConversion.ApplyHazardRatio(p, ScaledRatio(size, m, e.Scaling)),
                EffectMeasure.OddsRatio => RateConversion.ApplyOddsRatio(p, ScaledRatio(size, m, e.Scaling)),
                _ => p + (m * size),
            };
            if (weights[a] != 1)
            {
                // Mean effect: the uptake-weighted mean of the takers' and the non-takers' probability.
                changed = p + (weights[a] * (changed - p));
            }

            if (e.Balance == EffectBalance.Proportional && p < 1)
            {
                // Every other destination keeps its share of what is left: q_j' = q_j·(1 − p')/(1 − p).
                var scale = (1 - changed) / (1 - p);
                for (var j = 0; j < q.Length; j++)
                {
                    if (j != to)
                    {
                        q[j] *= scale;
                    }
                }
            }
            else
            {
                q[balance] -= changed - q[to];
            }

            q[to] = changed;
        }

        var bad = CheckAndClamp(q, out var sum);
        if (bad >= 0)
        {
            report(ProblemSubject.TransitionRow(states[b].Name), $"row '{states[b].Name}'", $"The probability of {states[b].Name} → {states[bad].Name} is {Fmt(q[bad])} at cycle {ctx.Cycle} (age {Fmt(ctx.Age)}){(hasActive ? " after intervention effects" : "")}; it must lie in [0, 1].", ctx.Cycle, ctx.Age);
            return false;
        }

        if (!SumsToOne(sum))
        {
            report(ProblemSubject.TransitionRow(states[b].Name), $"row '{states[b].Name}'", $"The probabilities sum to {Fmt(sum)} at cycle {ctx.Cycle} (age {Fmt(ctx.Age)}), not 1; fix the values or add a remainder (Remainder(\"{states[b].Name}\", …)).", ctx.Cycle, ctx.Age);
            return false;
        }

        return true;
    }

    /// <summary>The transition effects from this row's state of the given active interventions, in intervention then effect order, with their targets resolved.</summary>
    public RowEffect[] EffectsFrom(LifeCourseModel model, Intervention[] active)
    {
        var name = model.States[From].Name;
        var list = new List<RowEffect>();
        for (var a = 0; a < active.Length; a++)
        {
            foreach (var e in active[a].TransitionEffects)
            {
                if (e.From == name)
                {
                    list.Add(new RowEffect(a, active[a], e, model.StateIndex(e.To)));
                }
            }
        }

        return [.. list];
    }

    /// <summary>
    /// Competing risks: turns the annual rates <c>q_j</c> into the probabilities of one cycle of
    /// <paramref name="dt"/> years, <c>q_j·P(R)/R</c> with <c>R = Σ_j q_j</c> and
    /// <c>P(R) = 1 − e^(−RΔt)</c> (<see cref="RateConversion.ToProbability"/>), and adds the stay
    /// probability <c>e^(−RΔt)</c> to <paramref name="balance"/>.
    /// </summary>
    public static void CompetingRisks(Span<double> q, int balance, double dt)
    {
        var total = 0.0;
        for (var j = 0; j < q.Length; j++)
        {
            total += q[j];
        }

        var stay = Numerics.Exp(-total * dt, out var expm1);
        if (total > 0)
        {
            // An overflowing total leaves a row of zeros, which the sum check then rejects.
            var scale = double.IsFinite(total) ? -expm1 / total : 0.0;
            for (var j = 0; j < q.Length; j++)
            {
                q[j] *= scale;
            }
        }

        q[balance] += stay;
    }

    /// <summary>Adds <c>1 − Σ_j q_j</c> to the remainder's destination.</summary>
    public static void AddRemainder(Span<double> q, int remainderTo)
    {
        var others = 0.0;
        for (var j = 0; j < q.Length; j++)
        {
            others += q[j];
        }

        q[remainderTo] += 1 - others;
    }

    /// <summary>
    /// Checks every entry lies in [−1e-9, 1 + 1e-9] and is finite, clamps it to [0, 1] and sums the
    /// clamped row into <paramref name="sum"/>. Returns the first bad destination, or −1.
    /// </summary>
    public static int CheckAndClamp(Span<double> q, out double sum)
    {
        sum = 0.0;
        for (var j = 0; j < q.Length; j++)
        {
            if (q[j] < -Tolerance || q[j] > 1 + Tolerance || !double.IsFinite(q[j]))
            {
                return j;
            }

            q[j] = Math.Clamp(q[j], 0, 1);
            sum += q[j];
        }

        return -1;
    }

    /// <summary>True when a row's sum is 1 within <see cref="SumTolerance"/>.</summary>
    public static bool SumsToOne(double sum) => Math.Abs(sum - 1) <= SumTolerance;

    /// <summary>
    /// Applies a hazard ratio to one destination of a row of probabilities and moves the difference to
    /// <paramref name="remainderTo"/>: <c>q_to' = 1 − (1 − q_to)^hr</c> (<see cref="RateConversion.ApplyHazardRatio"/>),
    /// <c>q_rem' = q_rem + q_to − q_to'</c>. Returns the remainder before it is floored at 0 (negative
    /// when the effect takes more than the remainder had); the row keeps <c>max(0, ·)</c>.
    /// </summary>
    public static double ApplyHazardRatio(Span<double> row, int to, int remainderTo, double hazardRatio)
    {
        var q = row[to];

        // Out-of-range inputs (which the caller reports) take the same formula without its guards.
        var p2 = q is >= 0 and <= 1 && double.IsFinite(hazardRatio) && hazardRatio >= 0
            ? RateConversion.ApplyHazardRatio(q, hazardRatio)
            : -Numerics.ExpM1(hazardRatio * Numerics.Log1P(-q));
        row[to] = p2;
        row[remainderTo] += q - p2;
        var before = row[remainderTo];
        row[remainderTo] = Math.Max(0, before);
        return before;
    }

    /// <summary>A ratio <c>x</c> at profile multiplier <c>m</c>: <c>x^m</c> (power) or <c>1 + m·(x − 1)</c> (linear).</summary>
    public static double ScaledRatio(double ratio, double m, EffectScaling scaling)
        => scaling == EffectScaling.Linear ? 1 + (m * (ratio - 1)) : Math.Pow(ratio, m);

    private static string Fmt(double v) => v.ToString("G6", CultureInfo.InvariantCulture);
}

/// <summary>A transition effect of an active intervention on a row, with its target state's index.</summary>
/// <param name="Active">Index of the intervention among the sub-cohort's active ones (its weight).</param>
/// <param name="Intervention">The intervention.</param>
/// <param name="Effect">The effect.</param>
/// <param name="To">Index of <see cref="TransitionEffect.To"/>.</param>
internal readonly record struct RowEffect(int Active, Intervention Intervention, TransitionEffect Effect, int To);

/// <summary>Receives one validation problem: its machine-readable target, its subject text, the message and, where known, the cycle and age.</summary>
internal delegate void ProblemReport(ProblemSubject target, string subject, string message, int? cycle, double? age);

/// <summary>
/// What is fixed, for a PSA, about one dependent transition row (cycle <see cref="T"/>, expanded state
/// <see cref="X"/>) of a sub-cohort, so that a draw re-evaluates only what reads a drawn parameter
/// (<see cref="SubcohortCompiler.LeanRow"/>): the row's possible destinations (its entries' targets and
/// its balance, ascending by base state, with their expanded states), and per entry in model order its
/// destination slot, whether it is evaluated or cached (its base value, which passed the checks), and the
/// hazard-ratio and relative-risk effects that reach it at the cycle's age with their profile multipliers.
/// The effects on probabilities at that age (odds ratios, absolute changes, effects on probability rows)
/// are listed with their targets' slots; every destination outside the slots is exactly 0. Built by
/// <see cref="SubcohortCompiler.PlanLeanRow"/>. Immutable, shared by the workers.
/// </summary>
internal sealed class LeanRowPlan
{
    public LeanRowPlan(int t, int x, bool isRate, int balanceSlot, int[] expanded, Entry[] entries, int effectBalanceSlot, ProbabilityEffect[] probabilityEffects, LeanFactorTable factors)
    {
        Factors = factors;
        T = t;
        X = x;
        IsRate = isRate;
        BalanceSlot = balanceSlot;
        Expanded = expanded;
        Entries = entries;
        EffectBalanceSlot = effectBalanceSlot;
        ProbabilityEffects = probabilityEffects;
        Rate = isRate && balanceSlot >= 0 && probabilityEffects.Length == 0 && Array.TrueForAll(entries, e => e.IsRate && (!e.Evaluate || e.Parameter >= 0)) ? new RatePlan(entries, expanded.Length) : null;
    }

    /// <summary>
    /// The row's entries flattened for the lane kernel's rate rows (<see cref="LaneRowKernel"/>), when the row goes
    /// through competing risks into a stay slot, no effect acts on its probabilities and every entry is a rate that
    /// is either cached or of scaled form; else null.
    /// </summary>
    public RatePlan? Rate { get; }

    /// <summary>
    /// A rate row's entries as flat arrays, in model order: each slot j starts from <see cref="Base"/>[j], and entry e then books
    /// into slot <see cref="Slot"/>[e] the value <c>(p · A) · B</c> of parameter <see cref="Parameter"/>[e] (<see cref="Value"/>[e]
    /// is A, <see cref="B"/>[e] is B), or the cached <see cref="Value"/>[e] where the parameter is −1, times the weighted factors
    /// <see cref="EffectFactor"/>[<see cref="EffectStart"/>[e] …  <see cref="EffectStart"/>[e + 1]) in order.
    /// </summary>
    internal sealed class RatePlan
    {
        /// <summary>
        /// The plan of a row of <paramref name="slots"/> slots. A slot's leading cached entries without effects (those before
        /// any other entry into that slot) are summed here into its base, from 0 in model order, which are the operations the
        /// row would do on them at every draw: they are the same in every lane and every batch. The other entries stay, in order.
        /// </summary>
        public RatePlan(Entry[] entries, int slots)
        {
            Base = new double[slots];
            var open = new bool[slots];
            Array.Fill(open, true);
            List<Entry> kept = [];
            foreach (var e in entries)
            {
                if (open[e.Slot] && !e.Evaluate && e.Effects.Length == 0)
                {
                    Base[e.Slot] += e.Cached;
                }
                else
                {
                    open[e.Slot] = false;
                    kept.Add(e);
                }
            }

            Slot = [.. kept.Select(e => e.Slot)];
            Parameter = [.. kept.Select(e => e.Evaluate ? e.Parameter : -1)];
            Value = [.. kept.Select(e => e.Evaluate ? e.A : e.Cached)];
            B = [.. kept.Select(e => e.Evaluate ? e.B : 0)];
            EffectStart = new int[kept.Count + 1];
            for (var e = 0; e < kept.Count; e++)
            {
                EffectStart[e + 1] = EffectStart[e] + kept[e].Effects.Length;
            }

            EffectFactor = [.. kept.SelectMany(e => e.Effects.Select(fx => fx.Factor))];
        }

        /// <summary>Per slot, the sum of its leading cached entries without effects (0 without such entries).</summary>
        public double[] Base { get; }

        /// <summary>Per entry, its destination's slot.</summary>
        public int[] Slot { get; }

        /// <summary>Per entry, the drawn parameter of its scaled form, or −1 for a cached value.</summary>
        public int[] Parameter { get; }

        /// <summary>Per entry, the first factor of its scaled form, or its cached value.</summary>
        public double[] Value { get; }

        /// <summary>Per entry, the second factor of its scaled form (0 for a cached value).</summary>
        public double[] B { get; }

        /// <summary>Per entry, where its effects' factors start in <see cref="EffectFactor"/> (one more for the end).</summary>
        public int[] EffectStart { get; }

        /// <summary>The effects' factors, entry by entry.</summary>
        public int[] EffectFactor { get; }
    }

    /// <summary>The table of the effects' factors (shared by the rows the same compiler planned); <see cref="Effect.Factor"/> and <see cref="ProbabilityEffect.Factor"/> index it.</summary>
    public LeanFactorTable Factors { get; }

    /// <summary>The slot of <see cref="TransitionRowKernel.Balance"/>, which takes what an effect on probabilities adds or removes (−1 without such effects).</summary>
    public int EffectBalanceSlot { get; }

    /// <summary>The effects on the row's probabilities at the cycle's age (after competing risks or the remainder), in the kernel's order.</summary>
    public ProbabilityEffect[] ProbabilityEffects { get; }

    /// <summary>An effect on a probability of the row.</summary>
    /// <param name="Active">Index among the sub-cohort's active interventions.</param>
    /// <param name="Slot">The slot of its target.</param>
    /// <param name="Measure">Its measure.</param>
    /// <param name="Balance">Where the probability it moves comes from.</param>
    /// <param name="Size">The ratio or change.</param>
    /// <param name="M">The profile multiplier at the cycle's model time.</param>
    /// <param name="Scaling">How the multiplier scales a ratio.</param>
    /// <param name="Factor">Its factor in <see cref="Factors"/>: the scaled ratio, or <c>M·Size</c> for an absolute change.</param>
    internal readonly record struct ProbabilityEffect(int Active, int Slot, EffectMeasure Measure, EffectBalance Balance, Quantity Size, double M, EffectScaling Scaling, int Factor);

    /// <summary>The cycle.</summary>
    public int T { get; }

    /// <summary>The expanded state.</summary>
    public int X { get; }

    /// <summary>The row goes through competing risks.</summary>
    public bool IsRate { get; }

    /// <summary>The slot that takes the stay probability (rate rows) or the remainder (probability rows), or −1.</summary>
    public int BalanceSlot { get; }

    /// <summary>Per slot (destination base states ascending), its expanded destination.</summary>
    public int[] Expanded { get; }

    /// <summary>The entries in model order.</summary>
    public Entry[] Entries { get; }

    /// <summary>One entry of the row.</summary>
    /// <param name="Slot">Its destination's slot.</param>
    /// <param name="IsRate">A rate (else a probability).</param>
    /// <param name="Evaluate">Evaluated per draw (it reads a drawn parameter); else <paramref name="Cached"/> is its value.</param>
    /// <param name="Cached">The base value of an entry that is not evaluated.</param>
    /// <param name="F">The model function.</param>
    /// <param name="Effects">The hazard-ratio and relative-risk effects on it at the cycle's age, in the kernel's order.</param>
    /// <param name="Parameter">For an evaluated entry of scaled form at the point (<see cref="IScaledModelFunction"/>), the parameter <c>p</c>: its value is <c>(p · A) · B</c>; else −1.</param>
    /// <param name="A">The first factor of the scaled form.</param>
    /// <param name="B">The second factor of the scaled form.</param>
    internal readonly record struct Entry(int Slot, bool IsRate, bool Evaluate, double Cached, ModelFunction F, Effect[] Effects, int Parameter = -1, double A = 0, double B = 0);

    /// <summary>An effect on an entry: the active intervention (its weight), the size and the profile's multiplier at the cycle.</summary>
    /// <param name="Active">Index among the sub-cohort's active interventions.</param>
    /// <param name="Size">The ratio.</param>
    /// <param name="M">The profile multiplier at the cycle's model time.</param>
    /// <param name="Scaling">How the multiplier scales the ratio.</param>
    /// <param name="Factor">Its factor in <see cref="Factors"/> (the row multiplies by its weighted value).</param>
    internal readonly record struct Effect(int Active, Quantity Size, double M, EffectScaling Scaling, int Factor);
}
