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
    }

    /// <summary>A stream at a given xoshiro256** state (for <see cref="RandomLanes"/>, which keeps the lanes' states in columns).</summary>
    internal RandomSource(ulong s0, ulong s1, ulong s2, ulong s3)
    {
        _s0 = s0;
        _s1 = s1;
        _s2 = s2;
        _s3 = s3;
    }

    /// <summary>The xoshiro256** state words.</summary>
    internal readonly void GetState(out ulong s0, out ulong s1, out ulong s2, out ulong s3)
    {
        s0 = _s0;
        s1 = _s1;
        s2 = _s2;
        s3 = _s3;
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
    public double NextDouble() => (long)(NextUInt64() >> 11) * (1.0 / (1UL << 53)); // via long: one signed conversion instruction

    /// <summary>A uniform number in the open interval (0, 1): <c>(k + 0.5)·2⁻⁵³</c>, safe for logarithms.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public double NextOpenDouble() => ((long)(NextUInt64() >> 11) + 0.5) * (1.0 / (1UL << 53));

    /// <summary>
    /// A standard normal number by the ziggurat method of Marsaglia and Tsang (2000), "The Ziggurat
    /// Method for Generating Random Variables", J Stat Softw 5(8), with 128 layers: one 64-bit draw
    /// gives the layer (7 bits) and a signed uniform (53 bits); about 98.8 % of calls return after
    /// one multiplication and one comparison; the base layer's tail beyond r uses Marsaglia's
    /// exponential rejection.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public double NextNormal()
    {
        var bits = NextUInt64();
        var i = (int)(bits & 127);
        var u = ((long)(bits >> 11) * (2.0 / (1UL << 53))) - 1; // [-1, 1)
        var x = u * Ziggurat.X[i];
        return Math.Abs(x) < Ziggurat.X[i + 1] ? x : NextNormalSlow(i, x);
    }

    /// <summary>The ziggurat's rare branch: layer <paramref name="i"/> rejected the candidate <paramref name="x"/> of the fast test.</summary>
    internal double NextNormalSlow(int i, double x)
    {
        while (true)
        {
            if (i == 0)
            {
                // Tail |x| > r: x = r + a with a ~ Exp(r) accepted with probability exp(−a²/2).
                double a, b;
                do
                {
                    a = -Math.Log(NextOpenDouble()) / Ziggurat.R;
                    b = -Math.Log(NextOpenDouble());
                }
                while (b + b < a * a);
                return x < 0 ? -(Ziggurat.R + a) : Ziggurat.R + a;
            }

            // Wedge between the layer's rectangle and the curve.
            if (Ziggurat.F[i] + (NextDouble() * (Ziggurat.F[i + 1] - Ziggurat.F[i])) < Math.Exp(-0.5 * x * x))
            {
                return x;
            }

            var bits = NextUInt64();
            i = (int)(bits & 127);
            x = (((long)(bits >> 11) * (2.0 / (1UL << 53))) - 1) * Ziggurat.X[i];
            if (Math.Abs(x) < Ziggurat.X[i + 1])
            {
                return x;
            }
        }
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

/// <summary>
/// The 128-layer ziggurat for the standard normal density f(x) = exp(−x²/2) (unnormalised):
/// r = 3.442619855899 and the common layer area v = 9.91256303526217e−3 (Marsaglia and Tsang
/// 2000). X[0] = v/f(r) is the base layer's equivalent width, X[1] = r, X[i+1] solves
/// f(X[i+1]) = f(X[i]) + v/X[i], X[128] = 0; F[i] = f(X[i]). Constant tables, computed once.
/// </summary>
internal static class Ziggurat
{
    public const double R = 3.442619855899;
    private const double V = 9.91256303526217e-3;

    public static readonly double[] X = Build(out F);

    public static readonly double[] F;

    private static double[] Build(out double[] f)
    {
        var x = new double[129];
        f = new double[129];
        x[0] = V / Math.Exp(-0.5 * R * R);
        x[1] = R;
        for (var i = 1; i < 127; i++)
        {
            x[i + 1] = Math.Sqrt(-2 * Math.Log((V / x[i]) + Math.Exp(-0.5 * x[i] * x[i])));
        }

        x[128] = 0;
        for (var i = 0; i <= 128; i++)
        {
            f[i] = Math.Exp(-0.5 * x[i] * x[i]);
        }

        return x;
    }
}
