using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace SocialInvestment.Engine;

/// <summary>
/// A counter-based random number generator: every number is a pure function of
/// (seed, parameter draw, person, cycle, stream), so results do not depend on the order in which
/// people are simulated, on the number of threads or on how a run is split into shards.
/// </summary>
/// <remarks>
/// <para>
/// Construction (implemented from the published description of SplitMix64: Steele GL, Lea D,
/// Flood CH. "Fast splittable pseudorandom number generators." OOPSLA 2014, with Stafford's
/// "variant 13" 64-bit finaliser): a 64-bit key is derived from (seed, draw, person, stream) by
/// chaining the finaliser over the fields; the value for cycle <c>t</c> is the finaliser applied to
/// the Weyl counter <c>key + (t + 1)·γ</c> (γ = 0x9E3779B97F4A7C15, the golden-ratio increment), i.e.
/// the <c>t</c>-th output of a SplitMix64 stream seeded with the key. Any value can be computed
/// directly, without generating the ones before it.
/// </para>
/// <para>
/// Uniforms are half-open: <see cref="Uniform"/> returns <c>k·2^−52</c> for an integer
/// <c>k ∈ [0, 2^52)</c>, so 0 ≤ u &lt; 1 and u is never 1. Sampling a state by "the first state
/// whose cumulative probability exceeds u" therefore never selects a state of probability 0
/// (except the last state of a row, which absorbs rounding).
/// </para>
/// </remarks>
internal static class CounterRng
{
    /// <summary>The stream of the per-cycle transition uniform.</summary>
    public const int TransitionStream = 0;

    /// <summary>The stream of the uniform that picks a person's start state and sub-cohort.</summary>
    public const int StartStream = 1;

    /// <summary>The first stream of person attributes (attribute <c>a</c> uses stream <c>AttributeStreamBase + a</c>, cycle 0).</summary>
    public const int AttributeStreamBase = 16;

    internal const ulong Gamma = 0x9E3779B97F4A7C15UL;

    private const double Unit52 = 1.0 / (1L << 52);

    /// <summary>A uniform number in [0, 1) with 52 random bits: <c>k·2^−52</c>, k ∈ [0, 2^52).</summary>
    /// <param name="seed">The run seed.</param>
    /// <param name="draw">The parameter draw (0 for a run at fixed parameter values).</param>
    /// <param name="person">The person index (0-based, global across shards).</param>
    /// <param name="cycle">The cycle (≥ 0).</param>
    /// <param name="stream">The stream (what the number is used for; see the stream constants).</param>
    public static double Uniform(ulong seed, long draw, long person, int cycle, int stream)
        => UniformAt(Key(seed, draw, person, stream), cycle);

    /// <summary>The 64 random bits behind <see cref="Uniform"/>.</summary>
    /// <param name="seed">The run seed.</param>
    /// <param name="draw">The parameter draw.</param>
    /// <param name="person">The person index.</param>
    /// <param name="cycle">The cycle (≥ 0).</param>
    /// <param name="stream">The stream.</param>
    public static ulong Bits(ulong seed, long draw, long person, int cycle, int stream)
        => BitsAt(Key(seed, draw, person, stream), cycle);

    /// <summary>The key of one (seed, draw, person, stream) sequence.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static ulong Key(ulong seed, long draw, long person, int stream)
    {
        var h = Mix(seed + Gamma);
        h = Mix(h ^ (unchecked((ulong)draw + (2 * Gamma))));
        h = Mix(h ^ (unchecked((ulong)person + (3 * Gamma))));
        return Mix(h ^ (unchecked((ulong)(uint)stream + (4 * Gamma))));
    }

    /// <summary>
    /// keys[i] = <see cref="Key"/>(seed, draw, first + i, <see cref="TransitionStream"/>) and
    /// startU[i] = <see cref="Uniform"/>(seed, draw, first + i, 0, <see cref="StartStream"/>) for
    /// each i, bit for bit: the mixes of the seed and the draw once, the person's mix once for both
    /// streams, eight people at a time where 512-bit vectors are accelerated (four with AVX2).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void TransitionKeysAndStarts(ulong seed, long draw, long first, Span<ulong> keys, Span<double> startU)
    {
        if (startU.Length != keys.Length)
        {
            throw new ArgumentException("One start uniform per key.", nameof(startU));
        }

        var h = Mix(Mix(seed + Gamma) ^ unchecked((ulong)draw + (2 * Gamma)));
        var p0 = unchecked((ulong)first + (3 * Gamma));
        const ulong S0 = unchecked((ulong)(uint)TransitionStream + (4 * Gamma));
        const ulong S1 = unchecked((ulong)(uint)StartStream + (4 * Gamma));
        var n = keys.Length;
        var i = 0;
        ref var k0 = ref MemoryMarshal.GetReference(keys);
        ref var u0 = ref MemoryMarshal.GetReference(startU);
        if (Vector512.IsHardwareAccelerated)
        {
            var hv = Vector512.Create(h);
            var pv = Vector512.Create(p0) + Vector512.Create(0UL, 1, 2, 3, 4, 5, 6, 7);
            var one = Vector512.Create(0x3FF0000000000000UL);
            for (; i + 8 <= n; i += 8, pv += Vector512.Create(8UL))
            {
                var person = Mix(hv ^ pv);
                Mix(person ^ Vector512.Create(S0)).StoreUnsafe(ref k0, (nuint)i);
                var bits = Mix(Mix(person ^ Vector512.Create(S1)) + Vector512.Create(Gamma));
                ((Vector512.ShiftRightLogical(bits, 12) | one).AsDouble() - Vector512<double>.One).StoreUnsafe(ref u0, (nuint)i);
            }
        }
        else if (Avx2.IsSupported)
        {
            var hv = Vector256.Create(h);
            var pv = Vector256.Create(p0) + Vector256.Create(0UL, 1, 2, 3);
            var one = Vector256.Create(0x3FF0000000000000UL);
            for (; i + 4 <= n; i += 4, pv += Vector256.Create(4UL))
            {
                var person = Mix(hv ^ pv);
                Mix(person ^ Vector256.Create(S0)).StoreUnsafe(ref k0, (nuint)i);
                var bits = Mix(Mix(person ^ Vector256.Create(S1)) + Vector256.Create(Gamma));
                ((Vector256.ShiftRightLogical(bits, 12) | one).AsDouble() - Vector256<double>.One).StoreUnsafe(ref u0, (nuint)i);
            }
        }

        for (; i < n; i++)
        {
            var person = Mix(h ^ unchecked(p0 + (ulong)i));
            Unsafe.Add(ref k0, i) = Mix(person ^ S0);
            Unsafe.Add(ref u0, i) = UniformAt(Mix(person ^ S1), 0);
        }
    }

    /// <summary><see cref="Mix(ulong)"/> of each lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<ulong> Mix(Vector512<ulong> z)
    {
        z = (z ^ Vector512.ShiftRightLogical(z, 30)) * Vector512.Create(0xBF58476D1CE4E5B9UL);
        z = (z ^ Vector512.ShiftRightLogical(z, 27)) * Vector512.Create(0x94D049BB133111EBUL);
        return z ^ Vector512.ShiftRightLogical(z, 31);
    }

    /// <summary><see cref="Mix(ulong)"/> of each lane (AVX2).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<ulong> Mix(Vector256<ulong> z)
    {
        z = LaneKernel.Multiply64(z ^ Vector256.ShiftRightLogical(z, 30), Vector256.Create(0xBF58476D1CE4E5B9UL));
        z = LaneKernel.Multiply64(z ^ Vector256.ShiftRightLogical(z, 27), Vector256.Create(0x94D049BB133111EBUL));
        return z ^ Vector256.ShiftRightLogical(z, 31);
    }

    /// <summary>The bits of cycle <paramref name="cycle"/> of a keyed sequence.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static ulong BitsAt(ulong key, int cycle) => Mix(key + ((ulong)(cycle + 1) * Gamma));

    /// <summary>The uniform of cycle <paramref name="cycle"/> of a keyed sequence, in [0, 1).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static double UniformAt(ulong key, int cycle) => (long)(BitsAt(key, cycle) >> 12) * Unit52;

    /// <summary>The 64-bit finaliser (a bijection with full avalanche).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
