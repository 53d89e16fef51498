using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace SocialInvestment.Model;

/// <summary>
/// The few operations of a lane kernel on one vector of doubles, so that a kernel is written once
/// and specialised by the JIT for the hardware's width (<see cref="Lanes512"/> for
/// <see cref="Vector512{T}"/>, <see cref="LanesN"/> for <see cref="Vector{T}"/>). Every operation is
/// lane by lane what the scalar operation is (IEEE 754 +, −, ×, ÷, comparisons, sign flip and
/// absolute value; no fused multiply-add), so a kernel that does per lane the scalar code's operations
/// in its order gives its results bit for bit. A mask has all bits set in a true lane.
/// </summary>
/// <typeparam name="TSelf">The implementing vector.</typeparam>
internal interface ILaneVector<TSelf>
    where TSelf : struct, ILaneVector<TSelf>
{
    /// <summary>The number of lanes.</summary>
    static abstract int Count { get; }

    /// <summary>Loads <see cref="Count"/> doubles from <paramref name="source"/>.</summary>
    static abstract TSelf Load(ref double source);

    /// <summary>Stores the lanes at <paramref name="destination"/>.</summary>
    static abstract void Store(TSelf value, ref double destination);

    /// <summary>Every lane <paramref name="value"/>.</summary>
    static abstract TSelf Create(double value);

    /// <summary><c>a + b</c>.</summary>
    static abstract TSelf operator +(TSelf a, TSelf b);

    /// <summary><c>a − b</c>.</summary>
    static abstract TSelf operator -(TSelf a, TSelf b);

    /// <summary><c>a × b</c>.</summary>
    static abstract TSelf operator *(TSelf a, TSelf b);

    /// <summary><c>a ÷ b</c>.</summary>
    static abstract TSelf operator /(TSelf a, TSelf b);

    /// <summary><c>a + b</c>, as a named member for kernels that write their operations as calls.</summary>
    static virtual TSelf Add(TSelf a, TSelf b) => a + b;

    /// <summary><c>a − b</c>, as a named member.</summary>
    static virtual TSelf Subtract(TSelf a, TSelf b) => a - b;

    /// <summary><c>a × b</c>, as a named member.</summary>
    static virtual TSelf Multiply(TSelf a, TSelf b) => a * b;

    /// <summary><c>a ÷ b</c>, as a named member.</summary>
    static virtual TSelf Divide(TSelf a, TSelf b) => a / b;

    /// <summary><c>−a</c>: the sign bit flipped, as the scalar negation.</summary>
    static abstract TSelf Negate(TSelf a);

    /// <summary><c>|a|</c>: the sign bit cleared, as <see cref="Math.Abs(double)"/>.</summary>
    static abstract TSelf Abs(TSelf a);

    /// <summary>The hardware's per-lane maximum (<see cref="Vector512.Max{T}(Vector512{T}, Vector512{T})"/>'s rules for NaN and signed zeros).</summary>
    static abstract TSelf Max(TSelf a, TSelf b);

    /// <summary>
    /// The hardware's maximum instruction per lane (<see cref="Vector256.MaxNative{T}(Vector256{T}, Vector256{T})"/>): the
    /// larger value where both are numbers and not two zeros; for a NaN or two zeros of either sign, whichever operand
    /// the instruction returns. The same as <see cref="Max"/> on numbers that are not both zeros.
    /// </summary>
    static abstract TSelf MaxNative(TSelf a, TSelf b);

    /// <summary>
    /// The hardware's minimum instruction per lane (<see cref="Vector256.MinNative{T}(Vector256{T}, Vector256{T})"/>): the
    /// smaller value where both are numbers and not two zeros; for a NaN or two zeros of either sign, whichever operand
    /// the instruction returns.
    /// </summary>
    static abstract TSelf MinNative(TSelf a, TSelf b);

    /// <summary>Bitwise <c>a AND b</c> (of masks: both true).</summary>
    static abstract TSelf And(TSelf a, TSelf b);

    /// <summary>Bitwise <c>a OR b</c> (of masks: either true).</summary>
    static abstract TSelf Or(TSelf a, TSelf b);

    /// <summary>Mask of <c>a &lt; b</c>.</summary>
    static abstract TSelf LessThan(TSelf a, TSelf b);

    /// <summary>Mask of <c>a ≤ b</c>.</summary>
    static abstract TSelf LessThanOrEqual(TSelf a, TSelf b);

    /// <summary>Mask of <c>a &gt; b</c>.</summary>
    static abstract TSelf GreaterThan(TSelf a, TSelf b);

    /// <summary>Mask of <c>a == b</c>.</summary>
    static abstract TSelf Equal(TSelf a, TSelf b);

    /// <summary>Mask of <see cref="double.IsFinite(double)"/>.</summary>
    static abstract TSelf IsFinite(TSelf a);

    /// <summary>
    /// Per lane <c>mask ? a : b</c>, for a mask of this interface's comparisons (and their <see cref="And"/> and
    /// <see cref="Or"/>): every lane all ones or all zeros, so that the hardware's blend by the lane's top bit is that choice.
    /// </summary>
    static abstract TSelf Select(TSelf mask, TSelf a, TSelf b);

    /// <summary>Bit l set when lane l of the mask is true.</summary>
    static abstract ulong Bits(TSelf mask);

    /// <summary>Every lane equals 0 (+0 or −0), as <c>Bits(Equal(a, 0))</c> with every bit set.</summary>
    static abstract bool IsZero(TSelf a);

    /// <summary>Rounds to the nearest integer, ties to even (<see cref="Math.Round(double, MidpointRounding)"/> with <see cref="MidpointRounding.ToEven"/>).</summary>
    static abstract TSelf RoundToEven(TSelf a);

    /// <summary>
    /// For integer-valued lanes <c>n</c> in [−1100, 1100]: <c>2^h</c> and <c>2^(n − h)</c> with <c>h = ⌊n/2⌋</c>
    /// (an arithmetic shift), both normal doubles formed from their bits.
    /// </summary>
    static abstract void Pow2Halves(TSelf n, out TSelf s1, out TSelf s2);
}

/// <summary>Functions written once over <see cref="ILaneVector{TSelf}"/>, bit for bit their scalar forms in <see cref="Numerics"/>.</summary>
internal static class LaneMath
{
    /// <summary>
    /// <see cref="Numerics.Exp(double, out double)"/> per lane: the same operations in the same order (the
    /// out-of-range lanes computed at 0 and then replaced by the scalar function's special values).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV Exp<TV>(TV x, out TV expm1)
        where TV : struct, ILaneVector<TV>
    {
        var zero = TV.Create(0.0);
        var one = TV.Create(1.0);
        var low = TV.LessThan(x, TV.Create(Numerics.ExpLowest));
        var high = TV.GreaterThan(x, TV.Create(Numerics.ExpHighest));

        // In range (false for NaN): x itself; elsewhere 0, replaced below.
        var inRange = TV.And(TV.LessThanOrEqual(TV.Create(Numerics.ExpLowest), x), TV.LessThanOrEqual(x, TV.Create(Numerics.ExpHighest)));
        var xr = TV.Select(inRange, x, zero);
        var n = TV.RoundToEven(xr * TV.Create(Numerics.InvLn2));
        var r = (xr - (n * TV.Create(Numerics.Ln2Hi))) - (n * TV.Create(Numerics.Ln2Lo));
        var p = TV.Create(Numerics.ExpC13);
        p = (p * r) + TV.Create(Numerics.ExpC12);
        p = (p * r) + TV.Create(Numerics.ExpC11);
        p = (p * r) + TV.Create(Numerics.ExpC10);
        p = (p * r) + TV.Create(Numerics.ExpC9);
        p = (p * r) + TV.Create(Numerics.ExpC8);
        p = (p * r) + TV.Create(Numerics.ExpC7);
        p = (p * r) + TV.Create(Numerics.ExpC6);
        p = (p * r) + TV.Create(Numerics.ExpC5);
        p = (p * r) + TV.Create(Numerics.ExpC4);
        p = (p * r) + TV.Create(Numerics.ExpC3);
        p = (p * r) + TV.Create(Numerics.ExpC2);
        var e = r + ((r * r) * p);
        TV.Pow2Halves(n, out var s1, out var s2);
        var ex = ((one + e) * s1) * s2;
        var em1 = TV.Select(TV.GreaterThan(n, TV.Create(60.0)), ex - one, ((e * s1) * s2) + ((s1 * s2) - one));
        var infinity = TV.Create(double.PositiveInfinity);
        expm1 = TV.Select(inRange, em1, TV.Select(low, TV.Create(-1.0), TV.Select(high, infinity, x)));
        return TV.Select(inRange, ex, TV.Select(low, zero, TV.Select(high, infinity, x)));
    }
}

/// <summary>
/// <see cref="LaneMath.Exp{TV}"/> as a call where a large kernel would otherwise lose its registers: inlined into the
/// row kernel, the exponential's hundred-odd temporaries pushed it past what the JIT promotes to registers, and on
/// two-vector lanes (<see cref="Lanes256x2"/>, AVX2) every lane value then went through the stack (measured there: the
/// row kernel a fifth faster with the call). One-register lanes keep it inline (<see cref="Inline{TV}"/>).
/// </summary>
internal static class LaneExp
{
    /// <summary>True when <typeparamref name="TV"/> is one hardware register, so that the exponential is best inlined.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool Inline<TV>()
        where TV : struct, ILaneVector<TV>
        => typeof(TV) != typeof(Lanes256x2);

    /// <summary><see cref="LaneMath.Exp{TV}"/>, not inlined.</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static TV Call<TV>(TV x, out TV expm1)
        where TV : struct, ILaneVector<TV>
        => LaneMath.Exp(x, out expm1);
}

/// <summary><see cref="ILaneVector{TSelf}"/> on <see cref="Vector512{T}"/>.</summary>
internal readonly struct Lanes512 : ILaneVector<Lanes512>
{
    private readonly Vector512<double> _v;

    private Lanes512(Vector512<double> v) => _v = v;

    public static int Count => Vector512<double>.Count;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes512 Load(ref double source) => new(Vector512.LoadUnsafe(ref source));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Lanes512 value, ref double destination) => Vector512.StoreUnsafe(value._v, ref destination);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes512 Create(double value) => new(Vector512.Create(value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes512 operator +(Lanes512 a, Lanes512 b) => new(a._v + b._v);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes512 operator -(Lanes512 a, Lanes512 b) => new(a._v - b._v);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes512 operator *(Lanes512 a, Lanes512 b) => new(a._v * b._v);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes512 operator /(Lanes512 a, Lanes512 b) => new(a._v / b._v);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes512 Negate(Lanes512 a) => new(a._v ^ Vector512.Create(-0.0));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes512 Abs(Lanes512 a) => new(Vector512.AndNot(a._v, Vector512.Create(-0.0)));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes512 Max(Lanes512 a, Lanes512 b) => new(Vector512.Max(a._v, b._v));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes512 MaxNative(Lanes512 a, Lanes512 b) => new(Vector512.MaxNative(a._v, b._v));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes512 MinNative(Lanes512 a, Lanes512 b) => new(Vector512.MinNative(a._v, b._v));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes512 And(Lanes512 a, Lanes512 b) => new(a._v & b._v);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes512 Or(Lanes512 a, Lanes512 b) => new(a._v | b._v);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes512 LessThan(Lanes512 a, Lanes512 b) => new(Vector512.LessThan(a._v, b._v));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes512 LessThanOrEqual(Lanes512 a, Lanes512 b) => new(Vector512.LessThanOrEqual(a._v, b._v));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes512 GreaterThan(Lanes512 a, Lanes512 b) => new(Vector512.GreaterThan(a._v, b._v));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes512 Equal(Lanes512 a, Lanes512 b) => new(Vector512.Equals(a._v, b._v));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes512 IsFinite(Lanes512 a) => new(Vector512.IsFinite(a._v));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes512 Select(Lanes512 mask, Lanes512 a, Lanes512 b) => new(Vector512.ConditionalSelect(mask._v, a._v, b._v));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Bits(Lanes512 mask) => mask._v.ExtractMostSignificantBits();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool IsZero(Lanes512 a) => Vector512.EqualsAll(a._v, Vector512<double>.Zero);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes512 RoundToEven(Lanes512 a) => new(Vector512.Round(a._v));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Pow2Halves(Lanes512 n, out Lanes512 s1, out Lanes512 s2)
    {
        var k = Vector512.ConvertToInt64(n._v);
        var h = Vector512.ShiftRightArithmetic(k, 1);
        var bias = Vector512.Create(1023L);
        s1 = new(Vector512.ShiftLeft(h + bias, 52).AsDouble());
        s2 = new(Vector512.ShiftLeft(k - h + bias, 52).AsDouble());
    }
}

/// <summary><see cref="ILaneVector{TSelf}"/> on <see cref="Vector{T}"/> (the hardware's preferred width).</summary>
internal readonly struct LanesN : ILaneVector<LanesN>
{
    private readonly Vector<double> _v;

    private LanesN(Vector<double> v) => _v = v;

    public static int Count => Vector<double>.Count;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static LanesN Load(ref double source) => new(Vector.LoadUnsafe(ref source));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(LanesN value, ref double destination) => Vector.StoreUnsafe(value._v, ref destination);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static LanesN Create(double value) => new(new Vector<double>(value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static LanesN operator +(LanesN a, LanesN b) => new(a._v + b._v);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static LanesN operator -(LanesN a, LanesN b) => new(a._v - b._v);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static LanesN operator *(LanesN a, LanesN b) => new(a._v * b._v);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static LanesN operator /(LanesN a, LanesN b) => new(a._v / b._v);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static LanesN Negate(LanesN a) => new(a._v ^ new Vector<double>(-0.0));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static LanesN Abs(LanesN a) => new(Vector.AndNot(a._v, new Vector<double>(-0.0)));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static LanesN Max(LanesN a, LanesN b) => new(Vector.Max(a._v, b._v));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static LanesN MaxNative(LanesN a, LanesN b) => new(Vector.MaxNative(a._v, b._v));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static LanesN MinNative(LanesN a, LanesN b) => new(Vector.MinNative(a._v, b._v));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static LanesN And(LanesN a, LanesN b) => new(a._v & b._v);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static LanesN Or(LanesN a, LanesN b) => new(a._v | b._v);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static LanesN LessThan(LanesN a, LanesN b) => new(Vector.LessThan<double>(a._v, b._v));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static LanesN LessThanOrEqual(LanesN a, LanesN b) => new(Vector.LessThanOrEqual<double>(a._v, b._v));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static LanesN GreaterThan(LanesN a, LanesN b) => new(Vector.GreaterThan<double>(a._v, b._v));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static LanesN Equal(LanesN a, LanesN b) => new(Vector.Equals<double>(a._v, b._v));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static LanesN IsFinite(LanesN a) => new(Vector.IsFinite(a._v));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static LanesN Select(LanesN mask, LanesN a, LanesN b)
        => Avx.IsSupported && Vector<double>.Count == Vector256<double>.Count
            ? new(Avx.BlendVariable(b._v.AsVector256(), a._v.AsVector256(), mask._v.AsVector256()).AsVector())
            : new(Vector.ConditionalSelect(mask._v, a._v, b._v));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool IsZero(LanesN a) => Vector.EqualsAll(a._v, Vector<double>.Zero);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static LanesN RoundToEven(LanesN a) => new(Vector.Round(a._v));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Pow2Halves(LanesN n, out LanesN s1, out LanesN s2)
    {
        // The integer's bits without a conversion instruction (Vector<T> has none below AVX-512): n + 1.5·2^52 is exact
        // and in [2^52, 2^53), where the ulp is 1, so its bits are those of 1.5·2^52 plus n.
        var magic = new Vector<double>(6755399441055744.0);
        var k = Vector.AsVectorInt64(n._v + magic) - Vector.AsVectorInt64(magic);
        var h = Vector.ShiftRightArithmetic(k, 1);
        var bias = new Vector<long>(1023L);
        s1 = new(Vector.AsVectorDouble(Vector.ShiftLeft(h + bias, 52)));
        s2 = new(Vector.AsVectorDouble(Vector.ShiftLeft(k - h + bias, 52)));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Bits(LanesN mask)
    {
        if (Vector<double>.Count == Vector256<double>.Count)
        {
            return mask._v.AsVector256().ExtractMostSignificantBits();
        }

        if (Vector<double>.Count == Vector128<double>.Count)
        {
            return mask._v.AsVector128().ExtractMostSignificantBits();
        }

        if (Vector<double>.Count == Vector512<double>.Count)
        {
            return mask._v.AsVector512().ExtractMostSignificantBits();
        }

        var bits = 0UL;
        for (var l = 0; l < Vector<double>.Count; l++)
        {
            if (BitConverter.DoubleToInt64Bits(mask._v[l]) < 0)
            {
                bits |= 1UL << l;
            }
        }

        return bits;
    }
}

/// <summary>
/// <see cref="ILaneVector{TSelf}"/> on two <see cref="Vector256{T}"/>: eight lanes where 256-bit vectors are the
/// hardware's widest (AVX2), so that a kernel's per-entry work (indices, addresses, branches, the plan's objects) is
/// shared by eight draws as on AVX-512, each operation two instructions. Lanes 0–3 are the first half.
/// </summary>
internal readonly struct Lanes256x2 : ILaneVector<Lanes256x2>
{
    private readonly Vector256<double> _lo;
    private readonly Vector256<double> _hi;

    private Lanes256x2(Vector256<double> lo, Vector256<double> hi)
    {
        _lo = lo;
        _hi = hi;
    }

    public static int Count => 2 * Vector256<double>.Count;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes256x2 Load(ref double source) => new(Vector256.LoadUnsafe(ref source), Vector256.LoadUnsafe(ref source, (nuint)Vector256<double>.Count));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Lanes256x2 value, ref double destination)
    {
        Vector256.StoreUnsafe(value._lo, ref destination);
        Vector256.StoreUnsafe(value._hi, ref destination, (nuint)Vector256<double>.Count);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes256x2 Create(double value) => new(Vector256.Create(value), Vector256.Create(value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes256x2 operator +(Lanes256x2 a, Lanes256x2 b) => new(a._lo + b._lo, a._hi + b._hi);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes256x2 operator -(Lanes256x2 a, Lanes256x2 b) => new(a._lo - b._lo, a._hi - b._hi);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes256x2 operator *(Lanes256x2 a, Lanes256x2 b) => new(a._lo * b._lo, a._hi * b._hi);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes256x2 operator /(Lanes256x2 a, Lanes256x2 b) => new(a._lo / b._lo, a._hi / b._hi);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes256x2 Negate(Lanes256x2 a) => new(a._lo ^ Vector256.Create(-0.0), a._hi ^ Vector256.Create(-0.0));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes256x2 Abs(Lanes256x2 a) => new(Vector256.AndNot(a._lo, Vector256.Create(-0.0)), Vector256.AndNot(a._hi, Vector256.Create(-0.0)));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes256x2 Max(Lanes256x2 a, Lanes256x2 b) => new(Vector256.Max(a._lo, b._lo), Vector256.Max(a._hi, b._hi));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes256x2 MaxNative(Lanes256x2 a, Lanes256x2 b) => new(Vector256.MaxNative(a._lo, b._lo), Vector256.MaxNative(a._hi, b._hi));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes256x2 MinNative(Lanes256x2 a, Lanes256x2 b) => new(Vector256.MinNative(a._lo, b._lo), Vector256.MinNative(a._hi, b._hi));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes256x2 And(Lanes256x2 a, Lanes256x2 b) => new(a._lo & b._lo, a._hi & b._hi);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes256x2 Or(Lanes256x2 a, Lanes256x2 b) => new(a._lo | b._lo, a._hi | b._hi);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes256x2 LessThan(Lanes256x2 a, Lanes256x2 b) => new(Vector256.LessThan(a._lo, b._lo), Vector256.LessThan(a._hi, b._hi));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes256x2 LessThanOrEqual(Lanes256x2 a, Lanes256x2 b) => new(Vector256.LessThanOrEqual(a._lo, b._lo), Vector256.LessThanOrEqual(a._hi, b._hi));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes256x2 GreaterThan(Lanes256x2 a, Lanes256x2 b) => new(Vector256.GreaterThan(a._lo, b._lo), Vector256.GreaterThan(a._hi, b._hi));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes256x2 Equal(Lanes256x2 a, Lanes256x2 b) => new(Vector256.Equals(a._lo, b._lo), Vector256.Equals(a._hi, b._hi));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes256x2 IsFinite(Lanes256x2 a) => new(Vector256.IsFinite(a._lo), Vector256.IsFinite(a._hi));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes256x2 Select(Lanes256x2 mask, Lanes256x2 a, Lanes256x2 b)
        => Avx.IsSupported
            ? new(Avx.BlendVariable(b._lo, a._lo, mask._lo), Avx.BlendVariable(b._hi, a._hi, mask._hi))
            : new(Vector256.ConditionalSelect(mask._lo, a._lo, b._lo), Vector256.ConditionalSelect(mask._hi, a._hi, b._hi));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Bits(Lanes256x2 mask) => mask._lo.ExtractMostSignificantBits() | ((ulong)mask._hi.ExtractMostSignificantBits() << Vector256<double>.Count);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool IsZero(Lanes256x2 a) => Vector256.EqualsAll(a._lo, Vector256<double>.Zero) && Vector256.EqualsAll(a._hi, Vector256<double>.Zero);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes256x2 RoundToEven(Lanes256x2 a) => new(Vector256.Round(a._lo), Vector256.Round(a._hi));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Pow2Halves(Lanes256x2 n, out Lanes256x2 s1, out Lanes256x2 s2)
    {
        // h = ⌊n/2⌋ and n − h in doubles (exact for integers of this range), their integer bits from x + 1.5·2^52
        // (exact, in [2^52, 2^53) where the ulp is 1): no 64-bit conversion or arithmetic shift, which AVX2 lacks.
        var magic = Vector256.Create(6755399441055744.0);
        var bias = Vector256.Create(1023L) - magic.AsInt64();
        var half = Vector256.Create(0.5);
        var hl = Vector256.Floor(n._lo * half);
        var hh = Vector256.Floor(n._hi * half);
        s1 = new(Vector256.ShiftLeft((hl + magic).AsInt64() + bias, 52).AsDouble(), Vector256.ShiftLeft((hh + magic).AsInt64() + bias, 52).AsDouble());
        s2 = new(Vector256.ShiftLeft((n._lo - hl + magic).AsInt64() + bias, 52).AsDouble(), Vector256.ShiftLeft((n._hi - hh + magic).AsInt64() + bias, 52).AsDouble());
    }
}

/// <summary>
/// <see cref="ILaneVector{TSelf}"/> on two <see cref="Vector512{T}"/>: sixteen lanes where 512-bit vectors are accelerated
/// (AVX-512), so that a kernel's per-entry work (indices, addresses, branches, the plan's objects) is shared by sixteen
/// draws, each operation two instructions. Lanes 0–7 are the first half. It mirrors <see cref="Lanes256x2"/> rather than
/// being one generic pair of any lane vector: such a pair (two <see cref="Lanes512"/> fields) was bit for bit the same
/// but the JIT kept its values out of registers in the row kernels, whose rows then took 24–28 µs a draw against 3.1
/// (welfare-16, AMD Zen 4).
/// </summary>
internal readonly struct Lanes512x2 : ILaneVector<Lanes512x2>
{
    private readonly Vector512<double> _lo;
    private readonly Vector512<double> _hi;

    private Lanes512x2(Vector512<double> lo, Vector512<double> hi)
    {
        _lo = lo;
        _hi = hi;
    }

    public static int Count => 2 * Vector512<double>.Count;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes512x2 Load(ref double source) => new(Vector512.LoadUnsafe(ref source), Vector512.LoadUnsafe(ref source, (nuint)Vector512<double>.Count));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Lanes512x2 value, ref double destination)
    {
        Vector512.StoreUnsafe(value._lo, ref destination);
        Vector512.StoreUnsafe(value._hi, ref destination, (nuint)Vector512<double>.Count);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes512x2 Create(double value) => new(Vector512.Create(value), Vector512.Create(value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes512x2 operator +(Lanes512x2 a, Lanes512x2 b) => new(a._lo + b._lo, a._hi + b._hi);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes512x2 operator -(Lanes512x2 a, Lanes512x2 b) => new(a._lo - b._lo, a._hi - b._hi);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes512x2 operator *(Lanes512x2 a, Lanes512x2 b) => new(a._lo * b._lo, a._hi * b._hi);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes512x2 operator /(Lanes512x2 a, Lanes512x2 b) => new(a._lo / b._lo, a._hi / b._hi);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes512x2 Negate(Lanes512x2 a) => new(a._lo ^ Vector512.Create(-0.0), a._hi ^ Vector512.Create(-0.0));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes512x2 Abs(Lanes512x2 a) => new(Vector512.AndNot(a._lo, Vector512.Create(-0.0)), Vector512.AndNot(a._hi, Vector512.Create(-0.0)));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes512x2 Max(Lanes512x2 a, Lanes512x2 b) => new(Vector512.Max(a._lo, b._lo), Vector512.Max(a._hi, b._hi));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes512x2 MaxNative(Lanes512x2 a, Lanes512x2 b) => new(Vector512.MaxNative(a._lo, b._lo), Vector512.MaxNative(a._hi, b._hi));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes512x2 MinNative(Lanes512x2 a, Lanes512x2 b) => new(Vector512.MinNative(a._lo, b._lo), Vector512.MinNative(a._hi, b._hi));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes512x2 And(Lanes512x2 a, Lanes512x2 b) => new(a._lo & b._lo, a._hi & b._hi);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes512x2 Or(Lanes512x2 a, Lanes512x2 b) => new(a._lo | b._lo, a._hi | b._hi);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes512x2 LessThan(Lanes512x2 a, Lanes512x2 b) => new(Vector512.LessThan(a._lo, b._lo), Vector512.LessThan(a._hi, b._hi));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes512x2 LessThanOrEqual(Lanes512x2 a, Lanes512x2 b) => new(Vector512.LessThanOrEqual(a._lo, b._lo), Vector512.LessThanOrEqual(a._hi, b._hi));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes512x2 GreaterThan(Lanes512x2 a, Lanes512x2 b) => new(Vector512.GreaterThan(a._lo, b._lo), Vector512.GreaterThan(a._hi, b._hi));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes512x2 Equal(Lanes512x2 a, Lanes512x2 b) => new(Vector512.Equals(a._lo, b._lo), Vector512.Equals(a._hi, b._hi));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes512x2 IsFinite(Lanes512x2 a) => new(Vector512.IsFinite(a._lo), Vector512.IsFinite(a._hi));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes512x2 Select(Lanes512x2 mask, Lanes512x2 a, Lanes512x2 b)
        => new(Vector512.ConditionalSelect(mask._lo, a._lo, b._lo), Vector512.ConditionalSelect(mask._hi, a._hi, b._hi));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Bits(Lanes512x2 mask) => mask._lo.ExtractMostSignificantBits() | ((ulong)mask._hi.ExtractMostSignificantBits() << Vector512<double>.Count);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool IsZero(Lanes512x2 a) => Vector512.EqualsAll(a._lo, Vector512<double>.Zero) && Vector512.EqualsAll(a._hi, Vector512<double>.Zero);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes512x2 RoundToEven(Lanes512x2 a) => new(Vector512.Round(a._lo), Vector512.Round(a._hi));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Pow2Halves(Lanes512x2 n, out Lanes512x2 s1, out Lanes512x2 s2)
    {
        var bias = Vector512.Create(1023L);
        var kl = Vector512.ConvertToInt64(n._lo);
        var kh = Vector512.ConvertToInt64(n._hi);
        var hl = Vector512.ShiftRightArithmetic(kl, 1);
        var hh = Vector512.ShiftRightArithmetic(kh, 1);
        s1 = new(Vector512.ShiftLeft(hl + bias, 52).AsDouble(), Vector512.ShiftLeft(hh + bias, 52).AsDouble());
        s2 = new(Vector512.ShiftLeft(kl - hl + bias, 52).AsDouble(), Vector512.ShiftLeft(kh - hh + bias, 52).AsDouble());
    }
}
