using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace SocialInvestment.Model;

/// <summary>
/// A buffer of doubles for the lane kernels whose element 0 lies on a 64-byte boundary (a cache line, and the width of a
/// 512-bit vector), so that a vector of W lanes at an index that is a multiple of W (every lane-major block) never
/// straddles two cache lines, which a load or store of a misaligned vector does (a .NET array's elements start 16
/// bytes into the object, which itself is only 8-byte aligned). A pinned array (on the pinned object heap: it never
/// moves, so the alignment holds for its life) with up to seven unused elements before element 0. Zeroed when made.
/// Only speed depends on the alignment, never a value. The indexer and <see cref="Span"/> are bounds-checked;
/// <see cref="Start"/> is for the kernels' vector loads, which check their extents against <see cref="Length"/>
/// once before their loops.
/// </summary>
internal readonly struct LaneBuffer
{
    private const int Alignment = 64;
    private readonly double[] _array;
    private readonly int _offset;

    /// <summary>A zeroed buffer of <paramref name="length"/> doubles, element 0 at a 64-byte boundary.</summary>
    public LaneBuffer(int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        const int Spare = (Alignment / sizeof(double)) - 1;
        _array = GC.AllocateArray<double>(length + Spare, pinned: true);
        _offset = Offset(_array);
        Length = length;
    }

    /// <summary>The number of doubles.</summary>
    public int Length { get; }

    /// <summary>True for the default value (no buffer).</summary>
    public bool IsEmpty => _array is null;

    /// <summary>Element 0 (64-byte aligned), for the kernels' unchecked vector loads; the caller keeps within <see cref="Length"/> (a null reference for the empty default, which nothing may read).</summary>
    public ref double Start => ref _array is null ? ref Unsafe.NullRef<double>() : ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_array), _offset);

    /// <summary>The doubles (empty for the default).</summary>
    public Span<double> Span => _array is null ? [] : _array.AsSpan(_offset, Length);

    /// <summary>Element <paramref name="i"/>.</summary>
    public ref double this[int i] => ref Span[i];

    /// <summary>Sets every element to 0.</summary>
    public void Clear() => Span.Clear();

    /// <summary>The elements to skip so that the array's element at that index is on a 64-byte boundary (the array is pinned).</summary>
    private static unsafe int Offset(double[] array)
    {
        var address = (nuint)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(array));
        return (int)(((Alignment - (address % Alignment)) % Alignment) / sizeof(double));
    }
}
