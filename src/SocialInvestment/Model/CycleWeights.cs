namespace SocialInvestment.Model;

/// <summary>
/// Counting convention (within-cycle correction): the weight <c>w_t</c> given to the state
/// occupancy at each trace point <c>t = 0..T</c> when per-cycle values are summed,
/// <c>total = Σ_t w_t · DF(t) · Σ_s m_t[s]·v_s(t)</c>. Published models differ exactly here, so the
/// convention is always an explicit choice. One convention, <see cref="LifeTable"/>, books values per
/// cycle instead (see <see cref="PerCycle"/>).
/// </summary>
/// <remarks>
/// <para><b>Durations.</b> Cycle <c>k</c> is the interval <c>[k·Δt, (k+1)·Δt)</c>. An effect or cost
/// that lasts <c>d</c> years (<see cref="SocialInvestment.Model.EffectProfile.ConstantFor"/>, a
/// per-cycle intervention cost with a duration) is active in the cycles with <c>k·Δt &lt; d</c>, the
/// cycles in which a transition effect with the same profile changes the transition matrix; in
/// general a time profile <c>m(τ)</c> takes the value <c>m(k·Δt)</c> in cycle <c>k</c>. A convention
/// assigns each trace-point weight to cycles: the weights are laid end to end on an axis counted in
/// cycles, trace point <c>t</c> covering <c>[C_{t−1}, C_t)</c> with <c>C_t = w_0 + … + w_t</c>
/// (<c>C_{−1} = 0</c>), and the part of that interval inside <c>[k, k+1)</c> belongs to cycle
/// <c>k</c>. A cost, flow effect or outcome effect at trace point <c>t</c> is the share-weighted
/// mean of its value in the cycles the point belongs to. So with nobody leaving, a cost of 1 per
/// cycle for <c>K</c> cycles totals <c>K</c> (at most Σ w_t) under every convention, and:
/// beginning counts it at points <c>0..K−1</c>; end at <c>1..K</c>; all-points at <c>0..K−1</c>;
/// half-cycle at <c>½·m_0 + m_1 + … + m_{K−1} + ½·m_K</c>; Simpson and custom weights by the same
/// cumulative rule; the life-table method in cycles <c>0..K−1</c>. Parameter effects
/// (<see cref="SocialInvestment.Model.ParameterEffect"/>) are evaluated at the trace point's own time
/// <c>t·Δt</c>.</para>
/// </remarks>
public sealed class CycleWeights
{
    private readonly Func<int, double[]> _factory;

    private CycleWeights(string name, Func<int, double[]> factory, bool perCycle = false)
    {
        Name = name;
        _factory = factory;
        PerCycle = perCycle;
    }

    /// <summary>Name for reports.</summary>
    public string Name { get; }

    /// <summary>
    /// True for a convention that books values per cycle rather than per trace point
    /// (<see cref="LifeTable"/>): row <c>k = 0..T−1</c> of the results is cycle <c>k</c>, counted from
    /// the occupancy at both of its ends with the values of cycle <c>k</c> and discounted at the
    /// cycle's start; row <c>T</c> is empty. False for the trace-point conventions, whose row <c>t</c>
    /// is <c>w_t</c> times the occupancy at trace point <c>t</c>, discounted at <c>t</c>.
    /// </summary>
    public bool PerCycle { get; }

    /// <summary>Beginning-of-cycle counting: <c>w_t = 1</c> for <c>t = 0..T−1</c>, <c>w_T = 0</c> (cycle 0 counted, the final state not). Trace point <c>t</c> stands for cycle <c>t</c>.</summary>
    public static CycleWeights Beginning { get; } = new("beginning", n =>
    {
        var w = new double[n + 1];
        Array.Fill(w, 1.0, 0, n);
        return w;
    });

    /// <summary>End-of-cycle counting: <c>w_0 = 0</c>, <c>w_t = 1</c> for <c>t = 1..T</c> (cycle 0 not counted). Trace point <c>t</c> stands for cycle <c>t − 1</c>, the cycle that ends there.</summary>
    public static CycleWeights End { get; } = new("end", n =>
    {
        var w = new double[n + 1];
        Array.Fill(w, 1.0, 1, n);
        return w;
    });

    /// <summary>Every trace point counted once, <c>w_t = 1</c> for <c>t = 0..T</c> (DARTH models without correction). Trace point <c>t</c> stands for cycle <c>t</c> (the last one for a cycle after the horizon).</summary>
    public static CycleWeights AllPoints { get; } = new("all-points", n =>
    {
        var w = new double[n + 1];
        Array.Fill(w, 1.0);
        return w;
    });

    /// <summary>
    /// Half-cycle correction (the trapezoid over discounted trace points): <c>w_0 = w_T = 1/2</c>, 1 in
    /// between, <c>total = Σ_t w_t·DF(t)·m_t·v(t)</c>. Each cycle counts half the occupancy at each end,
    /// each end valued and discounted at its own time.
    /// </summary>
    public static CycleWeights HalfCycle { get; } = new("half-cycle", Trapezoid);

    /// <summary>
    /// Another name for <see cref="HalfCycle"/>: the trapezoid over discounted trace points,
    /// <c>Σ_{k=0..T−1} ½·(DF(k)·m_k·v(k) + DF(k+1)·m_{k+1}·v(k+1))</c>. Until issue 7 this was what
    /// <see cref="LifeTable"/> computed; use it to reproduce those results.
    /// </summary>
    public static CycleWeights TrapezoidDiscounted => HalfCycle;

    /// <summary>
    /// heemod's life-table method (<c>method = "life-table"</c> in <c>run_model</c>): the count for cycle
    /// <c>k</c> is the mean of the counts at its two ends, valued with cycle <c>k</c>'s values and
    /// discounted once at the cycle's start:
    /// <c>total = Σ_{k=0..T−1} DF(k)·½·(m_k + m_{k+1})·v(k)</c>. Undiscounted and with values constant
    /// in time it equals <see cref="HalfCycle"/>; discounted it differs, because the end count
    /// <c>m_{k+1}</c> is discounted with <c>DF(k)</c>, not <c>DF(k+1)</c>. Results are booked per cycle
    /// (<see cref="PerCycle"/>); <see cref="For"/> returns the total weight of each trace point's
    /// occupancy, the trapezoid. In the microsimulation a person at trace point t counts both halves
    /// (the start half of cycle t and the end half of cycle t − 1); person-level value effects
    /// (<see cref="SocialInvestment.Engine.IndividualEffects"/>) take the person's time in state at t for both.
    /// </summary>
    public static CycleWeights LifeTable { get; } = new("life-table", Trapezoid, perCycle: true);

    /// <summary>
    /// The DARTH "Simpson 1/3" vector exactly as published (darthtools <c>gen_wcc</c>, used by
    /// Alarid-Escudero et al., MDM 2023): <c>w_0 = w_T = 1/3</c>, <c>2/3</c> at odd <c>t</c> and
    /// <c>4/3</c> at even <c>t</c> in between. It differs from textbook composite Simpson when T is odd.
    /// </summary>
    public static CycleWeights SimpsonDarth { get; } = new("simpson-darth", n =>
    {
        var w = new double[n + 1];
        for (var t = 0; t <= n; t++)
        {
            w[t] = t % 2 == 1 ? 2.0 / 3.0 : 4.0 / 3.0;
        }

        w[0] = 1.0 / 3.0;
        w[n] = 1.0 / 3.0;
        return w;
    });

    /// <summary>Custom weights; the vector must have exactly <c>T + 1</c> finite entries when used with a horizon of T cycles.</summary>
    /// <param name="weights">Weights for trace points 0..T.</param>
    public static CycleWeights Custom(IReadOnlyList<double> weights)
    {
        ArgumentNullException.ThrowIfNull(weights);
        var copy = weights.ToArray();
        foreach (var w in copy)
        {
            if (!double.IsFinite(w))
            {
                throw new ArgumentException("Custom cycle weights must be finite.", nameof(weights));
            }
        }

        return new CycleWeights("custom", n =>
        {
            if (copy.Length != n + 1)
            {
                throw new ArgumentException($"Custom cycle weights have {copy.Length} entries; a horizon of {n} cycles needs {n + 1} (trace points 0..{n}).");
            }

            return (double[])copy.Clone();
        });
    }

    /// <summary>Finds a convention by name: beginning, end, all-points, half-cycle (or trapezoid, trapezoid-discounted), life-table (heemod's), simpson-darth.</summary>
    /// <param name="name">The name (case-insensitive).</param>
    public static CycleWeights FromName(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return name.Trim().ToUpperInvariant() switch
        {
            "BEGINNING" => Beginning,
            "END" => End,
            "ALL-POINTS" or "ALLPOINTS" => AllPoints,
            "HALF-CYCLE" or "HALFCYCLE" or "TRAPEZOID" or "TRAPEZOID-DISCOUNTED" => HalfCycle,
            "LIFE-TABLE" or "LIFETABLE" => LifeTable,
            "SIMPSON-DARTH" or "SIMPSON" => SimpsonDarth,
            _ => throw new ArgumentException($"Unknown counting convention '{name}'. Known: beginning, end, all-points, half-cycle (trapezoid), life-table, simpson-darth.", nameof(name)),
        };
    }

    /// <summary>
    /// The weights for trace points 0..<paramref name="cycles"/> (a new array of length cycles + 1):
    /// the total weight given to the occupancy at each trace point (for <see cref="LifeTable"/>, the
    /// trapezoid; there the end half of each cycle is booked in the cycle's own row, see <see cref="PerCycle"/>).
    /// </summary>
    /// <param name="cycles">The horizon T in cycles, ≥ 1.</param>
    public double[] For(int cycles)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(cycles, 1);
        return _factory(cycles);
    }

    /// <inheritdoc />
    public override string ToString() => Name;

    /// <summary>The weight of the occupancy at t booked in row t with the values of t (l_t).</summary>
    internal double[] OwnRowWeights(int cycles)
    {
        var w = For(cycles);
        if (PerCycle)
        {
            for (var t = 1; t <= cycles; t++)
            {
                w[t] = t < cycles ? 0.5 : 0.0;
            }

            w[0] = 0.5;
        }

        return w;
    }

    /// <summary>The weight of the occupancy at t booked in row t − 1 with the values of t − 1 (r_t; null when all zero).</summary>
    internal double[]? PreviousRowWeights(int cycles)
    {
        if (!PerCycle)
        {
            return null;
        }

        var r = new double[cycles + 1];
        Array.Fill(r, 0.5, 1, cycles);
        return r;
    }

    /// <summary>
    /// For each trace point t, the cycles k its value belongs to and their shares (summing to 1):
    /// the cumulative rule of the remarks, or cycle t itself when values are booked per cycle.
    /// </summary>
    internal (int Cycle, double Share)[][] CycleShares(int cycles)
    {
        var result = new (int, double)[cycles + 1][];
        if (PerCycle)
        {
            for (var t = 0; t <= cycles; t++)
            {
                result[t] = [(t, 1.0)];
            }

            return result;
        }

        var w = For(cycles);
        var before = 0.0;
        for (var t = 0; t <= cycles; t++)
        {
            var after = Snap(before + w[t]);
            if (w[t] == 0)
            {
                // Weight 0: the value is never counted; use the cycle starting at t.
                result[t] = [(Math.Min(t, cycles), 1.0)];
                before = after;
                continue;
            }

            var lo = Math.Min(before, after);
            var hi = Math.Max(before, after);
            var shares = new List<(int, double)>();
            for (var k = (int)Math.Floor(lo); k < hi; k++)
            {
                var overlap = Math.Min(hi, k + 1) - Math.Max(lo, k);
                if (overlap > 0)
                {
                    var cycle = Math.Max(k, 0);
                    if (shares.Count > 0 && shares[^1].Item1 == cycle)
                    {
                        shares[^1] = (cycle, shares[^1].Item2 + (overlap / (hi - lo)));
                    }
                    else
                    {
                        shares.Add((cycle, overlap / (hi - lo)));
                    }
                }
            }

            result[t] = [.. shares];
            before = after;
        }

        return result;

        static double Snap(double x)
        {
            var r = Math.Round(x);
            return Math.Abs(x - r) < 1e-9 ? r : x;
        }
    }

    private static double[] Trapezoid(int n)
    {
        var w = new double[n + 1];
        Array.Fill(w, 1.0);
        w[0] = 0.5;
        w[n] = 0.5;
        return w;
    }
}
