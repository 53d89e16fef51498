using System.Numerics;
using System.Runtime.CompilerServices;
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
    private readonly double[] _tmpX2;
    private readonly double[] _tmpU;
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
        _tmpX2 = new double[Capacity];
        _tmpU = new double[Capacity];
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
        if (UseWide)
        {
            Uniforms<Wide, Vector512<ulong>>(destination, false);
        }
        else
        {
            Uniforms<Narrow, Vector<ulong>>(destination, false);
        }
    }

    /// <summary>Per lane, <see cref="RandomSource.NextOpenDouble"/>.</summary>
    public void NextOpenDoubles(Span<double> destination)
    {
        Check(destination);
        if (UseWide)
        {
            Uniforms<Wide, Vector512<ulong>>(destination, true);
        }
        else
        {
            Uniforms<Narrow, Vector<ulong>>(destination, true);
        }
    }

    /// <summary>Per lane, <see cref="RandomSource.NextNormal"/>.</summary>
    public void NextNormals(Span<double> destination)
    {
        Check(destination);
        if (UseWide)
        {
            Normals<Wide, Vector512<ulong>>(destination);
        }
        else
        {
            Normals<Narrow, Vector<ulong>>(destination);
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
        if (UseWide)
        {
            GammaCores<Wide, Vector512<ulong>>(d, c, destination);
        }
        else
        {
            GammaCores<Narrow, Vector<ulong>>(d, c, destination);
        }
    }

    /// <summary>512-bit vectors where they are accelerated (and the lanes fill them), else <see cref="Vector{T}"/>.</summary>
    private bool UseWide => Vector512.IsHardwareAccelerated && Capacity % Vector512<ulong>.Count == 0;

    private void Uniforms<TL, TB>(Span<double> destination, bool open)
        where TL : struct, ILanes<TL, TB>
        where TB : struct
    {
        var w = TL.Width;
        for (var k = 0; k < Capacity; k += w)
        {
            var s = new State<TL, TB>(this, k);
            var x = TL.ToDouble(s.Next());
            s.Store(this, k);
            (open ? TL.Mul(TL.Add(x, TL.Splat(0.5)), TL.Splat(Unit)) : TL.Mul(x, TL.Splat(Unit))).Store(destination.Slice(k, w));
        }
    }

    private void Normals<TL, TB>(Span<double> destination)
        where TL : struct, ILanes<TL, TB>
        where TB : struct
    {
        var w = TL.Width;
        for (var k = 0; k < Capacity; k += w)
        {
            var s = new State<TL, TB>(this, k);
            var x = Normal(k, ref s);
            s.Store(this, k);
            x.Store(destination.Slice(k, w));
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void GammaCores<TL, TB>(double d, double c, Span<double> destination)
        where TL : struct, ILanes<TL, TB>
        where TB : struct
    {
        var w = TL.Width;
        var overrides = false;
        for (var k = 0; k < Capacity; k += w)
        {
            var s = new State<TL, TB>(this, k);
            var x = Normal(k, ref s);
            var v = TL.Add(TL.Splat(1), TL.Mul(TL.Splat(c), x));
            if (TL.PositiveMask(v) != TL.AllLanes)
            {
                // v ≤ 0 restarts the scalar loop: finish those lanes in scalar code from here.
                s.Store(this, k);
                var vs = _tmp.AsSpan(k, w);
                v.Store(vs);
                for (var l = 0; l < w; l++)
                {
                    if (!(vs[l] > 0))
                    {
                        var r = Get(k + l);
                        _overrideValue[k + l] = r.NextGammaCore(d, c);
                        _overrideState[k + l] = r;
                        _overridden[k + l] = true;
                        overrides = true;
                    }
                }
            }

            v = TL.Mul(TL.Mul(v, v), v);
            var u = TL.Mul(TL.Add(TL.ToDouble(s.Next()), TL.Splat(0.5)), TL.Splat(Unit));
            s.Store(this, k);
            var x2 = TL.Mul(x, x);
            var squeezed = TL.LessMask(u, TL.Sub(TL.Splat(1), TL.Mul(TL.Mul(TL.Splat(0.0331), x2), x2)));
            TL.Mul(TL.Splat(d), v).Store(destination.Slice(k, w));
            if (squeezed != TL.AllLanes)
            {
                var vs = _tmp.AsSpan(k, w);
                v.Store(vs);
                var x2s = _tmpX2.AsSpan(k, w);
                x2.Store(x2s);
                var us = _tmpU.AsSpan(k, w);
                u.Store(us);
                for (var l = 0; l < w; l++)
                {
                    if ((squeezed & (1u << l)) == 0 && !_overridden[k + l])
                    {
                        // The scalar loop's logarithmic test, then (rejected) its next attempts.
                        var vl = vs[l];
                        if (Math.Log(us[l]) < (0.5 * x2s[l]) + (d * (1 - vl + Math.Log(vl))))
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

    /// <summary>The ziggurat for one vector of lanes starting at <paramref name="k"/>; the rare lanes outside a layer's rectangle go through the scalar slow path.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private TL Normal<TL, TB>(int k, ref State<TL, TB> s)
        where TL : struct, ILanes<TL, TB>
        where TB : struct
    {
        var w = TL.Width;
        var bits = s.Next();
        var u = TL.Sub(TL.Mul(TL.ToDouble(bits), TL.Splat(SignedUnit)), TL.Splat(1)); // [-1, 1)
        var x = TL.Mul(u, TL.Layer(bits, 0));
        var inside = TL.LessMask(TL.Abs(x), TL.Layer(bits, 1));
        if (inside == TL.AllLanes)
        {
            return x;
        }

        s.Store(this, k);
        var tmp = _tmp.AsSpan(k, w);
        x.Store(tmp);
        for (var l = 0; l < w; l++)
        {
            if ((inside & (1u << l)) == 0)
            {
                var r = Get(k + l);
                tmp[l] = r.NextNormalSlow((int)(TL.Element(bits, l) & 127), tmp[l]);
                Set(k + l, r);
            }
        }

        s = new State<TL, TB>(this, k);
        return TL.Load(tmp);
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

    /// <summary>The xoshiro256** state of one vector of lanes.</summary>
    private struct State<TL, TB>
        where TL : struct, ILanes<TL, TB>
        where TB : struct
    {
        private TB _s0;
        private TB _s1;
        private TB _s2;
        private TB _s3;

        public State(RandomLanes lanes, int k)
        {
            _s0 = TL.LoadBits(lanes._s0, k);
            _s1 = TL.LoadBits(lanes._s1, k);
            _s2 = TL.LoadBits(lanes._s2, k);
            _s3 = TL.LoadBits(lanes._s3, k);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public TB Next() => TL.Next(ref _s0, ref _s1, ref _s2, ref _s3);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public readonly void Store(RandomLanes lanes, int k)
        {
            TL.StoreBits(_s0, lanes._s0, k);
            TL.StoreBits(_s1, lanes._s1, k);
            TL.StoreBits(_s2, lanes._s2, k);
            TL.StoreBits(_s3, lanes._s3, k);
        }
    }

    /// <summary>
    /// The few vector operations of the samplers (a vector of doubles, <typeparamref name="TBits"/> the
    /// matching vector of 64-bit words), so that one sampler serves every width with the same IEEE
    /// operations in the same order.
    /// </summary>
    private interface ILanes<TSelf, TBits>
        where TSelf : struct, ILanes<TSelf, TBits>
        where TBits : struct
    {
        static abstract int Width { get; }

        /// <summary>A mask with one bit per lane.</summary>
        static abstract uint AllLanes { get; }

        static abstract TBits LoadBits(ulong[] from, int k);

        static abstract void StoreBits(TBits bits, ulong[] to, int k);

        /// <summary>xoshiro256** on every lane: <c>rotl(s1·5, 7)·9</c> (the products as shifts and adds, exact modulo 2⁶⁴), then the state update.</summary>
        static abstract TBits Next(ref TBits s0, ref TBits s1, ref TBits s2, ref TBits s3);

        /// <summary><c>(long)(bits &gt;&gt; 11)</c> as a double (exact: a 53-bit integer).</summary>
        static abstract TSelf ToDouble(TBits bits);

        /// <summary><c>Ziggurat.X[(bits &amp; 127) + offset]</c> per lane.</summary>
        static abstract TSelf Layer(TBits bits, int offset);

        static abstract ulong Element(TBits bits, int lane);

        static abstract TSelf Splat(double x);

        static abstract TSelf Load(ReadOnlySpan<double> from);

        static abstract TSelf Add(TSelf a, TSelf b);

        static abstract TSelf Sub(TSelf a, TSelf b);

        static abstract TSelf Mul(TSelf a, TSelf b);

        static abstract TSelf Abs(TSelf a);

        /// <summary>Bit l set where lane l of a is below lane l of b.</summary>
        static abstract uint LessMask(TSelf a, TSelf b);

        /// <summary>Bit l set where lane l is above 0.</summary>
        static abstract uint PositiveMask(TSelf a);

        void Store(Span<double> to);
    }

    /// <summary>512-bit lanes (8 streams per vector).</summary>
    private readonly struct Wide(Vector512<double> v) : ILanes<Wide, Vector512<ulong>>
    {
        private readonly Vector512<double> _v = v;

        public static int Width => Vector512<double>.Count;

        public static uint AllLanes => (1u << Vector512<double>.Count) - 1;

        public static Vector512<ulong> LoadBits(ulong[] from, int k) => Vector512.LoadUnsafe(ref from[k]);

        public static void StoreBits(Vector512<ulong> bits, ulong[] to, int k) => bits.StoreUnsafe(ref to[k]);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<ulong> Next(ref Vector512<ulong> s0, ref Vector512<ulong> s1, ref Vector512<ulong> s2, ref Vector512<ulong> s3)
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

        public static Wide ToDouble(Vector512<ulong> bits) => new(Vector512.ConvertToDouble((bits >>> 11).AsInt64()));

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static unsafe Wide Layer(Vector512<ulong> bits, int offset)
        {
            var layer = (bits & Vector512.Create(127UL)).AsInt64();
            fixed (double* table = &Ziggurat.X[offset])
            {
                if (Avx2.IsSupported)
                {
                    return new(Vector512.Create(Avx2.GatherVector256(table, layer.GetLower(), 8), Avx2.GatherVector256(table, layer.GetUpper(), 8)));
                }

                Span<double> e = stackalloc double[Vector512<double>.Count];
                for (var l = 0; l < e.Length; l++)
                {
                    e[l] = table[layer[l]];
                }

                return new(Vector512.Create((ReadOnlySpan<double>)e));
            }
        }

        public static ulong Element(Vector512<ulong> bits, int lane) => bits[lane];

        public static Wide Splat(double x) => new(Vector512.Create(x));

        public static Wide Load(ReadOnlySpan<double> from) => new(Vector512.Create(from));

        public static Wide Add(Wide a, Wide b) => new(a._v + b._v);

        public static Wide Sub(Wide a, Wide b) => new(a._v - b._v);

        public static Wide Mul(Wide a, Wide b) => new(a._v * b._v);

        public static Wide Abs(Wide a) => new(Vector512.Abs(a._v));

        public static uint LessMask(Wide a, Wide b) => (uint)Vector512.LessThan(a._v, b._v).ExtractMostSignificantBits();

        public static uint PositiveMask(Wide a) => (uint)Vector512.GreaterThan(a._v, Vector512<double>.Zero).ExtractMostSignificantBits();

        public void Store(Span<double> to) => _v.CopyTo(to);
    }

    /// <summary><see cref="Vector{T}"/> lanes.</summary>
    private readonly struct Narrow(Vector<double> v) : ILanes<Narrow, Vector<ulong>>
    {
        private readonly Vector<double> _v = v;

        public static int Width => Vector<double>.Count;

        public static uint AllLanes => (uint)((1UL << Vector<double>.Count) - 1);

        public static Vector<ulong> LoadBits(ulong[] from, int k) => Vector.LoadUnsafe(ref from[k]);

        public static void StoreBits(Vector<ulong> bits, ulong[] to, int k) => bits.StoreUnsafe(ref to[k]);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector<ulong> Next(ref Vector<ulong> s0, ref Vector<ulong> s1, ref Vector<ulong> s2, ref Vector<ulong> s3)
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

        public static Narrow ToDouble(Vector<ulong> bits) => new(Vector.ConvertToDouble(Vector.AsVectorInt64(bits >>> 11)));

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static unsafe Narrow Layer(Vector<ulong> bits, int offset)
        {
            var layer = Vector.AsVectorInt64(bits & new Vector<ulong>(127));
            fixed (double* table = &Ziggurat.X[offset])
            {
                if (Vector<double>.Count == Vector256<double>.Count && Avx2.IsSupported)
                {
                    return new(Avx2.GatherVector256(table, layer.AsVector256(), 8).AsVector());
                }

                Span<double> e = stackalloc double[Vector<double>.Count];
                for (var l = 0; l < e.Length; l++)
                {
                    e[l] = table[layer[l]];
                }

                return new(new Vector<double>(e));
            }
        }

        public static ulong Element(Vector<ulong> bits, int lane) => bits[lane];

        public static Narrow Splat(double x) => new(new Vector<double>(x));

        public static Narrow Load(ReadOnlySpan<double> from) => new(new Vector<double>(from));

        public static Narrow Add(Narrow a, Narrow b) => new(a._v + b._v);

        public static Narrow Sub(Narrow a, Narrow b) => new(a._v - b._v);

        public static Narrow Mul(Narrow a, Narrow b) => new(a._v * b._v);

        public static Narrow Abs(Narrow a) => new(Vector.Abs(a._v));

        public static uint LessMask(Narrow a, Narrow b) => Mask(Vector.LessThan(a._v, b._v));

        public static uint PositiveMask(Narrow a) => Mask(Vector.GreaterThan(a._v, Vector<double>.Zero));

        public void Store(Span<double> to) => _v.CopyTo(to);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static uint Mask(Vector<long> m)
        {
            if (Vector<long>.Count == Vector256<long>.Count)
            {
                return m.AsVector256().ExtractMostSignificantBits();
            }

            var bits = 0u;
            for (var l = 0; l < Vector<long>.Count; l++)
            {
                bits |= m[l] != 0 ? 1u << l : 0;
            }

            return bits;
        }
    }
}
