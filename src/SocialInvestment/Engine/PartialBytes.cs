using System.Buffers;
using System.Buffers.Binary;
using System.Numerics;

namespace SocialInvestment.Engine;

/// <summary>The little-endian writer of the library's binary partial formats (microsimulation and household partials): integers, length-prefixed arrays, exact sums as their integer units.</summary>
internal sealed class PartialWriter
{
    private readonly ArrayBufferWriter<byte> _s = new();

    public void Byte(byte v)
    {
        _s.GetSpan(1)[0] = v;
        _s.Advance(1);
    }

    public void UInt32(uint v)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(_s.GetSpan(4), v);
        _s.Advance(4);
    }

    public void Int32(int v)
    {
        BinaryPrimitives.WriteInt32LittleEndian(_s.GetSpan(4), v);
        _s.Advance(4);
    }

    public void Int64(long v)
    {
        BinaryPrimitives.WriteInt64LittleEndian(_s.GetSpan(8), v);
        _s.Advance(8);
    }

    public void Longs(long[] a)
    {
        Int32(a.Length);
        foreach (var v in a)
        {
            Int64(v);
        }
    }

    public void Ints(IReadOnlyList<int> a)
    {
        Int32(a.Count);
        foreach (var v in a)
        {
            Int32(v);
        }
    }

    public void Big(BigInteger v)
    {
        var bytes = v.ToByteArray();
        Int32(bytes.Length);
        _s.Write(bytes);
    }

    public void Sums(ExactSum[] a)
    {
        Int32(a.Length);
        foreach (var s in a)
        {
            Big(s.Units);
        }
    }

    public byte[] ToArray() => _s.WrittenSpan.ToArray();
}

/// <summary>The reader of <see cref="PartialWriter"/>'s output: every length checked against the bytes left, every shape against the run; a damaged or foreign buffer is a <see cref="FormatException"/>.</summary>
internal ref struct PartialReader(ReadOnlySpan<byte> data)
{
    private readonly ReadOnlySpan<byte> _data = data;
    private int _at;

    public readonly bool AtEnd => _at == _data.Length;

    public byte Byte() => Take(1)[0];

    public uint UInt32() => BinaryPrimitives.ReadUInt32LittleEndian(Take(4));

    public int Int32() => BinaryPrimitives.ReadInt32LittleEndian(Take(4));

    public long Int64() => BinaryPrimitives.ReadInt64LittleEndian(Take(8));

    /// <summary>A length prefix, checked against the bytes left (each element takes at least <paramref name="minBytes"/>).</summary>
    public int Count(int minBytes)
    {
        var n = Int32();
        if (n < 0 || (long)n * minBytes > _data.Length - _at)
        {
            throw new FormatException("The partial is truncated or damaged (a length exceeds the buffer).");
        }

        return n;
    }

    public void Longs(long[] into)
    {
        if (Count(8) != into.Length)
        {
            throw new FormatException("The partial's counts do not fit the run (a different model, horizon or options).");
        }

        for (var i = 0; i < into.Length; i++)
        {
            into[i] = Int64();
        }
    }

    public int[] Ints()
    {
        var a = new int[Count(4)];
        for (var i = 0; i < a.Length; i++)
        {
            a[i] = Int32();
        }

        return a;
    }

    public BigInteger Big() => new(Take(Count(1)));

    /// <summary>Reads a count and that many [start, end) ranges into <paramref name="into"/>; <paramref name="what"/> is the message of a damaged range after "The" (it names the partial and its unit).</summary>
    public void Ranges(List<(long Start, long End)> into, string what)
    {
        var ranges = Count(16);
        for (var i = 0; i < ranges; i++)
        {
            var start = Int64();
            var end = Int64();
            if (start < 0 || end <= start)
            {
                throw new FormatException($"The {what} [{start}, {end}).");
            }

            into.Add((start, end));
        }
    }

    public void Sums(ExactSum[] into)
    {
        if (Count(4) != into.Length)
        {
            throw new FormatException("The partial's sums do not fit the run (a different perspective or outcome set).");
        }

        for (var i = 0; i < into.Length; i++)
        {
            into[i] = ExactSum.FromUnits(Big());
        }
    }

    private ReadOnlySpan<byte> Take(int n)
    {
        if (n > _data.Length - _at)
        {
            throw new FormatException("The partial is truncated.");
        }

        var s = _data.Slice(_at, n);
        _at += n;
        return s;
    }
}
