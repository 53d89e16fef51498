using System.Runtime.CompilerServices;

namespace SocialInvestment.Uncertainty;

/// <summary>
/// A small, fast, seeded random-number stream: xoshiro256** (Blackman and Vigna 2018) whose
/// 256-bit state is filled by SplitMix64 from a hash of <c>(seed, stream)</c>. A stream is
/// therefore a pure function of its two keys, so parameter draw <c>k</c> of a probabilistic
/// sensitivity analysis uses <c>ForStream(seed, k)</c> and gives the same numbers whatever the
/// number of threads or the order in which draws are evaluated.
/// </summary>
/// <remarks>
/// A mutable value type: pass it by <see langword="ref"/>; copying it copies the state (the copy
/// then repeats the same numbers). Not thread-safe; use one stream per draw or per worker.
/// Intervals: <see cref="NextDouble"/> is in [0, 1) on a grid of 2⁻⁵³, <see cref="NextOpenDouble"/>
/// in (0, 1).
/// </remarks>
public struct RandomSource
{
    private ulong _s0;
    private ulong _s1;
    private ulong _s2;
    private ulong _s3;
    private double _spareNormal;
    private bool _hasSpare;

    /// <summary>A stream keyed by a seed alone (stream 0).</summary>
    /// <param name="seed">Any 64-bit seed.</param>
    public RandomSource(ulong seed)
        : this(seed, 0)
    {
    }

    /// <summary>A stream keyed by <c>(seed, stream)</c>, for example (PSA seed, draw index).</summary>
    /// <param name="seed">Any 64-bit seed.</param>
    /// <param name="stream">Stream number (draw, person, worker …).</param>
    public RandomSource(ulong seed, ulong stream)
    {
        // Mix the two keys so that neighbouring (seed, stream) pairs give unrelated states.
        var x = Mix(Mix(seed + 0x6A09E667F3BCC908UL) ^ (stream * 0x9E3779B97F4A7C15UL) ^ 0xBB67AE8584CAA73BUL);
        _s0 = SplitMix(ref x);
        _s1 = SplitMix(ref x);
        _s2 = SplitMix(ref x);
        _s3 = SplitMix(ref x);
        if ((_s0 | _s1 | _s2 | _s3) == 0)
        {
            _s0 = 1; // xoshiro must not start from the all-zero state.
        }

        _spareNormal = 0;
        _hasSpare = false;
    }

    /// <summary>The stream for <paramref name="stream"/> under <paramref name="seed"/>; same as the two-key constructor.</summary>
    /// <param name="seed">Any 64-bit seed.</param>
    /// <param name="stream">Stream number.</param>
    public static RandomSource ForStream(ulong seed, ulong stream) => new(seed, stream);

    /// <summary>The next 64 random bits (xoshiro256**).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ulong NextUInt64()
    {
        var result = ulong.RotateLeft(_s1 * 5, 7) * 9;
        var t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = ulong.RotateLeft(_s3, 45);
        return result;
    }

    /// <summary>A uniform number in [0, 1): the top 53 bits times 2⁻⁵³.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>A uniform number in the open interval (0, 1): <c>(k + 0.5)·2⁻⁵³</c>, safe for logarithms.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public double NextOpenDouble() => ((NextUInt64() >> 11) + 0.5) * (1.0 / (1UL << 53));

    /// <summary>
    /// A standard normal number by Marsaglia's polar method (two per acceptance; the second is kept
    /// for the next call).
    /// </summary>
    public double NextNormal()
    {
        if (_hasSpare)
        {
            _hasSpare = false;
            return _spareNormal;
        }

        double u, v, q;
        do
        {
            u = (2 * NextDouble()) - 1;
            v = (2 * NextDouble()) - 1;
            q = (u * u) + (v * v);
        }
        while (q >= 1 || q == 0);

        var f = Math.Sqrt(-2 * Math.Log(q) / q);
        _spareNormal = v * f;
        _hasSpare = true;
        return u * f;
    }

    /// <summary>
    /// A Gamma(shape, 1) number by Marsaglia and Tsang (2000), "A simple method for generating gamma
    /// variables", ACM TOMS 26(3):363–372, with the squeeze test; for shape &lt; 1 the boost
    /// <c>Gamma(shape + 1)·U^(1/shape)</c>.
    /// </summary>
    /// <param name="shape">Shape k &gt; 0 (not checked here; distributions validate on construction).</param>
    public double NextGamma(double shape)
    {
        if (shape < 1)
        {
            var g = NextGamma(shape + 1);
            return g * Math.Pow(NextOpenDouble(), 1 / shape);
        }

        var d = shape - (1.0 / 3);
        var c = 1 / Math.Sqrt(9 * d);
        return NextGammaCore(d, c);
    }

    /// <summary>Marsaglia–Tsang with precomputed <c>d = k − 1/3</c>, <c>c = 1/√(9d)</c> (k ≥ 1).</summary>
    internal double NextGammaCore(double d, double c)
    {
        while (true)
        {
            double x, v;
            do
            {
                x = NextNormal();
                v = 1 + (c * x);
            }
            while (v <= 0);

            v = v * v * v;
            var u = NextOpenDouble();
            var x2 = x * x;
            if (u < 1 - (0.0331 * x2 * x2))
            {
                return d * v;
            }

            if (Math.Log(u) < (0.5 * x2) + (d * (1 - v + Math.Log(v))))
            {
                return d * v;
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong SplitMix(ref ulong x)
    {
        x += 0x9E3779B97F4A7C15UL;
        return Mix(x);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
