using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace SocialInvestment.Uncertainty;

/// <summary>
/// Several <see cref="RandomSource"/> streams side by side, one per SIMD lane: the xoshiro256**
/// states are kept in columns (word-major), so <see cref="Vector{T}.Count"/> streams advance in one
/// vector step. Every lane's numbers are exactly those its own <see cref="RandomSource"/> would give,
/// bit for bit: the fast path of each sampler (the ziggurat's rectangle, the Marsaglia–Tsang squeeze)
/// runs in vectors with the scalar code's operations in the scalar code's order, and a lane that
/// leaves the fast path is finished by the scalar code from that lane's own state.
/// </summary>
/// <remarks>Not thread-safe: one instance per worker. Lanes beyond the active count repeat the last active stream.</remarks>
internal sealed class RandomLanes
{
    private const double Unit = 1.0 / (1UL << 53);
    private const double SignedUnit = 2.0 / (1UL << 53);
    private readonly ulong[] _s0;
    private readonly ulong[] _s1;
    private readonly ulong[] _s2;
    private readonly ulong[] _s3;
    private readonly double[] _scratchX;
    private readonly double[] _scratchY;
    private readonly double[] _tmp;
    private readonly bool[] _overridden;
    private readonly RandomSource[] _overrideState;
    private readonly double[] _overrideValue;
    private double[] _buffer = [];

    /// <summary>Creates lanes for at least <paramref name="lanes"/> streams (rounded up to a whole number of vectors).</summary>
    /// <param name="lanes">The number of streams drawn together, at least 1.</param>
    public RandomLanes(int lanes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(lanes, 1);
        var w = Vector<ulong>.Count;
        Capacity = (lanes + w - 1) / w * w;
        _s0 = new ulong[Capacity];
        _s1 = new ulong[Capacity];
        _s2 = new ulong[Capacity];
        _s3 = new ulong[Capacity];
        _scratchX = new double[Capacity];
        _scratchY = new double[Capacity];
        _tmp = new double[Capacity];
        _overridden = new bool[Capacity];
        _overrideState = new RandomSource[Capacity];
        _overrideValue = new double[Capacity];
    }

    /// <summary>Number of lanes (a multiple of <see cref="Vector{T}.Count"/>); every sampling call fills this many values.</summary>
    public int Capacity { get; }

    /// <summary>Keys lane <c>l</c> to stream <c>(seed, first + min(l, count − 1))</c>.</summary>
    /// <param name="seed">The seed.</param>
    /// <param name="first">The first lane's stream number.</param>
    /// <param name="count">The active lanes, 1 … <see cref="Capacity"/>.</param>
    public void Reset(ulong seed, long first, int count)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, Capacity);
        for (var l = 0; l < Capacity; l++)
        {
            Set(l, new RandomSource(seed, unchecked((ulong)(first + Math.Min(l, count - 1)))));
        }
    }

    /// <summary>Lane <paramref name="lane"/> as a scalar stream (a copy; write it back with <see cref="Set"/>).</summary>
    public RandomSource Get(int lane) => new(_s0[lane], _s1[lane], _s2[lane], _s3[lane]);

    /// <summary>Sets lane <paramref name="lane"/>'s state.</summary>
    public void Set(int lane, in RandomSource random) => random.GetState(out _s0[lane], out _s1[lane], out _s2[lane], out _s3[lane]);

    /// <summary>Per lane, <see cref="RandomSource.NextDouble"/> (the 53-bit integer converts exactly, as in the scalar code).</summary>
    public void NextDoubles(Span<double> destination)
    {
        Check(destination);
        var w = Vector<ulong>.Count;
        for (var c = 0; c < Capacity; c += w)
        {
            Load(c, out var s0, out var s1, out var s2, out var s3);
            var bits = Next(ref s0, ref s1, ref s2, ref s3);
            Store(c, s0, s1, s2, s3);
            (ToDouble(bits) * Unit).CopyTo(destination.Slice(c, w));
        }
    }

    /// <summary>Per lane, <see cref="RandomSource.NextOpenDouble"/>.</summary>
    public void NextOpenDoubles(Span<double> destination)
    {
        Check(destination);
        var w = Vector<ulong>.Count;
        for (var c = 0; c < Capacity; c += w)
        {
            Load(c, out var s0, out var s1, out var s2, out var s3);
            var bits = Next(ref s0, ref s1, ref s2, ref s3);
            Store(c, s0, s1, s2, s3);
            ((ToDouble(bits) + new Vector<double>(0.5)) * Unit).CopyTo(destination.Slice(c, w));
        }
    }

    /// <summary>Per lane, <see cref="RandomSource.NextNormal"/>.</summary>
    public void NextNormals(Span<double> destination)
    {
        Check(destination);
        var w = Vector<ulong>.Count;
        for (var c = 0; c < Capacity; c += w)
        {
            Load(c, out var s0, out var s1, out var s2, out var s3);
            var x = Normal(c, ref s0, ref s1, ref s2, ref s3);
            Store(c, s0, s1, s2, s3);
            x.CopyTo(destination.Slice(c, w));
        }
    }

    /// <summary>
    /// Per lane, <see cref="RandomSource.NextGammaCore"/>(d, c): the Marsaglia–Tsang loop's first
    /// attempt in vectors (normal, <c>v = (1 + c·x)³</c>, uniform, squeeze), and the scalar loop for a
    /// lane whose first attempt is not accepted by the squeeze.
    /// </summary>
    public void NextGammaCores(double d, double c, Span<double> destination)
    {
        Check(destination);
        var w = Vector<ulong>.Count;
        var overrides = false;
        for (var k = 0; k < Capacity; k += w)
        {
            Load(k, out var s0, out var s1, out var s2, out var s3);
            var x = Normal(k, ref s0, ref s1, ref s2, ref s3);
            var v = Vector<double>.One + (new Vector<double>(c) * x);
            if (!Vector.GreaterThanAll(v, Vector<double>.Zero))
            {
                // v ≤ 0 restarts the scalar loop: finish those lanes in scalar code from here.
                Store(k, s0, s1, s2, s3);
                for (var l = 0; l < w; l++)
                {
                    if (!(v[l] > 0))
                    {
                        var r = Get(k + l);
                        _overrideValue[k + l] = r.NextGammaCore(d, c);
                        _overrideState[k + l] = r;
                        _overridden[k + l] = true;
                        overrides = true;
                    }
                }
            }

            v = v * v * v;
            var u = (ToDouble(Next(ref s0, ref s1, ref s2, ref s3)) + new Vector<double>(0.5)) * Unit;
            Store(k, s0, s1, s2, s3);
            var x2 = x * x;
            var squeeze = Vector.LessThan(u, Vector<double>.One - (new Vector<double>(0.0331) * x2 * x2));
            (new Vector<double>(d) * v).CopyTo(destination.Slice(k, w));
            if (!Vector.EqualsAll(squeeze, new Vector<long>(-1)))
            {
                for (var l = 0; l < w; l++)
                {
                    if (squeeze[l] == 0 && !_overridden[k + l])
                    {
                        // The scalar loop's logarithmic test, then (rejected) its next attempts.
                        var vl = v[l];
                        var x2l = x2[l];
                        if (Math.Log(u[l]) < (0.5 * x2l) + (d * (1 - vl + Math.Log(vl))))
                        {
                            continue;
                        }

                        var r = Get(k + l);
                        destination[k + l] = r.NextGammaCore(d, c);
                        Set(k + l, r);
                    }
                }
            }
        }

        if (overrides)
        {
            for (var l = 0; l < Capacity; l++)
            {
                if (_overridden[l])
                {
                    _overridden[l] = false;
                    destination[l] = _overrideValue[l];
                    Set(l, _overrideState[l]);
                }
            }
        }
    }

    /// <summary>A scratch buffer of <see cref="Capacity"/> doubles for the samplers (the methods above do not use it).</summary>
    public double[] ScratchX => _scratchX;

    /// <summary>A second scratch buffer of <see cref="Capacity"/> doubles.</summary>
    public double[] ScratchY => _scratchY;

    /// <summary>A scratch buffer of at least <paramref name="length"/> doubles for the callers of the samplers (grown on demand).</summary>
    public double[] Buffer(int length)
    {
        if (_buffer.Length < length)
        {
            _buffer = new double[length];
        }

        return _buffer;
    }

    private void Check(Span<double> destination)
    {
        if (destination.Length < Capacity)
        {
            throw new ArgumentException($"The destination must hold {Capacity} values (one per lane).", nameof(destination));
        }
    }

    /// <summary>The ziggurat for one vector of lanes starting at <paramref name="k"/>; the rare lanes outside a layer's rectangle go through the scalar slow path.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private Vector<double> Normal(int k, ref Vector<ulong> s0, ref Vector<ulong> s1, ref Vector<ulong> s2, ref Vector<ulong> s3)
    {
        var w = Vector<ulong>.Count;
        var bits = Next(ref s0, ref s1, ref s2, ref s3);
        var u = (ToDouble(bits) * SignedUnit) - Vector<double>.One; // [-1, 1)
        var layer = Vector.AsVectorInt64(bits & new Vector<ulong>(127));
        var x = u * Gather(layer, 0);
        var inside = Vector.LessThan(Vector.Abs(x), Gather(layer, 1));
        if (Vector.EqualsAll(inside, new Vector<long>(-1)))
        {
            return x;
        }

        var tmp = _tmp.AsSpan(k, w);
        Store(k, s0, s1, s2, s3);
        x.CopyTo(tmp);
        for (var l = 0; l < w; l++)
        {
            if (inside[l] == 0)
            {
                var r = Get(k + l);
                tmp[l] = r.NextNormalSlow((int)layer[l], tmp[l]);
                Set(k + l, r);
            }
        }

        Load(k, out s0, out s1, out s2, out s3);
        return new Vector<double>(tmp);
    }

    /// <summary><c>Ziggurat.X[layer + offset]</c> per lane: a hardware gather (AVX2) for 256-bit vectors, else element by element.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe Vector<double> Gather(Vector<long> layer, int offset)
    {
        fixed (double* table = &Ziggurat.X[offset])
        {
            if (Vector<double>.Count == Vector256<double>.Count && Avx2.IsSupported)
            {
                return Avx2.GatherVector256(table, layer.AsVector256(), 8).AsVector();
            }

            Span<double> e = stackalloc double[Vector<double>.Count];
            for (var l = 0; l < e.Length; l++)
            {
                e[l] = table[layer[l]];
            }

            return new Vector<double>(e);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<double> ToDouble(Vector<ulong> bits) => Vector.ConvertToDouble(Vector.AsVectorInt64(bits >>> 11));

    /// <summary>xoshiro256** on every lane: <c>rotl(s1·5, 7)·9</c> (the products as shifts and adds, exact modulo 2⁶⁴), then the state update.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<ulong> Next(ref Vector<ulong> s0, ref Vector<ulong> s1, ref Vector<ulong> s2, ref Vector<ulong> s3)
    {
        var five = (s1 << 2) + s1;
        var rot = (five << 7) | (five >>> 57);
        var result = (rot << 3) + rot;
        var t = s1 << 17;
        s2 ^= s0;
        s3 ^= s1;
        s1 ^= s2;
        s0 ^= s3;
        s2 ^= t;
        s3 = (s3 << 45) | (s3 >>> 19);
        return result;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Load(int k, out Vector<ulong> s0, out Vector<ulong> s1, out Vector<ulong> s2, out Vector<ulong> s3)
    {
        s0 = Vector.LoadUnsafe(ref _s0[k]);
        s1 = Vector.LoadUnsafe(ref _s1[k]);
        s2 = Vector.LoadUnsafe(ref _s2[k]);
        s3 = Vector.LoadUnsafe(ref _s3[k]);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Store(int k, Vector<ulong> s0, Vector<ulong> s1, Vector<ulong> s2, Vector<ulong> s3)
    {
        s0.StoreUnsafe(ref _s0[k]);
        s1.StoreUnsafe(ref _s1[k]);
        s2.StoreUnsafe(ref _s2[k]);
        s3.StoreUnsafe(ref _s3[k]);
    }
}
