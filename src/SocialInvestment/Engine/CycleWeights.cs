namespace SocialInvestment.Engine;

/// <summary>
/// Counting convention (within-cycle correction): the weight <c>w_t</c> given to the state
/// occupancy at each trace point <c>t = 0..T</c> when per-cycle values are summed,
/// <c>total = Σ_t w_t · DF(t) · Σ_s m_t[s]·v_s</c>. Published models differ exactly here, so the
/// convention is always an explicit choice.
/// </summary>
public sealed class CycleWeights
{
    private readonly Func<int, double[]> _factory;

    private CycleWeights(string name, Func<int, double[]> factory)
    {
        Name = name;
        _factory = factory;
    }

    /// <summary>Name for reports.</summary>
    public string Name { get; }

    /// <summary>Beginning-of-cycle counting: <c>w_t = 1</c> for <c>t = 0..T−1</c>, <c>w_T = 0</c> (cycle 0 counted, the final state not).</summary>
    public static CycleWeights Beginning { get; } = new("beginning", n =>
    {
        var w = new double[n + 1];
        Array.Fill(w, 1.0, 0, n);
        return w;
    });

    /// <summary>End-of-cycle counting: <c>w_0 = 0</c>, <c>w_t = 1</c> for <c>t = 1..T</c> (cycle 0 not counted).</summary>
    public static CycleWeights End { get; } = new("end", n =>
    {
        var w = new double[n + 1];
        Array.Fill(w, 1.0, 1, n);
        return w;
    });

    /// <summary>Every trace point counted once, <c>w_t = 1</c> for <c>t = 0..T</c> (DARTH models without correction).</summary>
    public static CycleWeights AllPoints { get; } = new("all-points", n =>
    {
        var w = new double[n + 1];
        Array.Fill(w, 1.0);
        return w;
    });

    /// <summary>Half-cycle correction (trapezoid): <c>w_0 = w_T = 1/2</c>, 1 in between.</summary>
    public static CycleWeights HalfCycle { get; } = new("half-cycle", Trapezoid);

    /// <summary>
    /// The life-table method: each cycle counts the mean of its start and end occupancy, which as
    /// trace-point weights is the trapezoid rule (identical to <see cref="HalfCycle"/>).
    /// </summary>
    public static CycleWeights LifeTable { get; } = new("life-table", Trapezoid);

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

    /// <summary>Finds a convention by name: beginning, end, all-points, half-cycle, life-table, simpson-darth.</summary>
    /// <param name="name">The name (case-insensitive).</param>
    public static CycleWeights FromName(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return name.Trim().ToUpperInvariant() switch
        {
            "BEGINNING" => Beginning,
            "END" => End,
            "ALL-POINTS" or "ALLPOINTS" => AllPoints,
            "HALF-CYCLE" or "HALFCYCLE" => HalfCycle,
            "LIFE-TABLE" or "LIFETABLE" => LifeTable,
            "SIMPSON-DARTH" or "SIMPSON" => SimpsonDarth,
            _ => throw new ArgumentException($"Unknown counting convention '{name}'. Known: beginning, end, all-points, half-cycle, life-table, simpson-darth.", nameof(name)),
        };
    }

    /// <summary>The weights for trace points 0..<paramref name="cycles"/> (a new array of length cycles + 1).</summary>
    /// <param name="cycles">The horizon T in cycles, ≥ 1.</param>
    public double[] For(int cycles)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(cycles, 1);
        return _factory(cycles);
    }

    /// <inheritdoc />
    public override string ToString() => Name;

    private static double[] Trapezoid(int n)
    {
        var w = new double[n + 1];
        Array.Fill(w, 1.0);
        w[0] = 0.5;
        w[n] = 0.5;
        return w;
    }
}
