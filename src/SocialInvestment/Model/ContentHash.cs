using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace SocialInvestment.Model;

/// <summary>
/// A SHA-256 content hash (32 bytes): the identity of a model definition, a compiled model or a
/// run, computed over a canonical byte form (little-endian integers, IEEE 754 bits of doubles,
/// length-prefixed UTF-8 strings, fixed field order; no dictionaries, cultures or machine word
/// order involved), so the same content gives the same hash in every process and on every machine.
/// Partials of a run (microsimulation shards, PSA draw ranges) compare these hashes instead of
/// object identity before they merge.
/// </summary>
public readonly struct ContentHash : IEquatable<ContentHash>
{
    /// <summary>Number of bytes of a hash (32).</summary>
    public const int Size = 32;

    private readonly ulong _a;
    private readonly ulong _b;
    private readonly ulong _c;
    private readonly ulong _d;

    private ContentHash(ReadOnlySpan<byte> bytes)
    {
        _a = BinaryPrimitives.ReadUInt64BigEndian(bytes);
        _b = BinaryPrimitives.ReadUInt64BigEndian(bytes[8..]);
        _c = BinaryPrimitives.ReadUInt64BigEndian(bytes[16..]);
        _d = BinaryPrimitives.ReadUInt64BigEndian(bytes[24..]);
    }

    /// <summary>True for the default value (no hash: all 32 bytes zero).</summary>
    public bool IsEmpty => (_a | _b | _c | _d) == 0;

    /// <summary>The SHA-256 hash of <paramref name="content"/>.</summary>
    /// <param name="content">The canonical bytes.</param>
    public static ContentHash Of(ReadOnlySpan<byte> content)
    {
        Span<byte> h = stackalloc byte[Size];
        SHA256.HashData(content, h);
        return new ContentHash(h);
    }

    /// <summary>A hash from its 32 bytes (as returned by <see cref="ToByteArray"/>).</summary>
    /// <param name="bytes">Exactly 32 bytes.</param>
    /// <exception cref="ArgumentException">Not 32 bytes.</exception>
    public static ContentHash FromBytes(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length != Size)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"A content hash has {Size} bytes (got {bytes.Length})."), nameof(bytes));
        }

        return new ContentHash(bytes);
    }

    /// <summary>Parses the 64 hexadecimal digits written by <see cref="ToString"/> (either case).</summary>
    /// <param name="hex">The digits.</param>
    /// <exception cref="FormatException">Not 64 hexadecimal digits.</exception>
    public static ContentHash Parse(string hex)
    {
        ArgumentNullException.ThrowIfNull(hex);
        if (hex.Length != 2 * Size)
        {
            throw new FormatException($"A content hash is {2 * Size} hexadecimal digits (got {hex.Length} characters).");
        }

        try
        {
            return new ContentHash(Convert.FromHexString(hex));
        }
        catch (FormatException)
        {
            throw new FormatException($"A content hash is {2 * Size} hexadecimal digits; '{hex}' is not.");
        }
    }

    /// <summary>The 32 bytes of the hash.</summary>
    public byte[] ToByteArray()
    {
        var bytes = new byte[Size];
        BinaryPrimitives.WriteUInt64BigEndian(bytes, _a);
        BinaryPrimitives.WriteUInt64BigEndian(bytes.AsSpan(8), _b);
        BinaryPrimitives.WriteUInt64BigEndian(bytes.AsSpan(16), _c);
        BinaryPrimitives.WriteUInt64BigEndian(bytes.AsSpan(24), _d);
        return bytes;
    }

    /// <summary>The hash as 64 lower-case hexadecimal digits.</summary>
    public override string ToString() => Convert.ToHexStringLower(ToByteArray());

    /// <inheritdoc/>
    public bool Equals(ContentHash other) => _a == other._a && _b == other._b && _c == other._c && _d == other._d;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is ContentHash h && Equals(h);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(_a, _b, _c, _d);

    /// <summary>Equality.</summary>
    /// <param name="left">A hash.</param>
    /// <param name="right">Another hash.</param>
    public static bool operator ==(ContentHash left, ContentHash right) => left.Equals(right);

    /// <summary>Inequality.</summary>
    /// <param name="left">A hash.</param>
    /// <param name="right">Another hash.</param>
    public static bool operator !=(ContentHash left, ContentHash right) => !left.Equals(right);
}

/// <summary>
/// Writes values in the canonical byte form of <see cref="ContentHash"/> into an incremental
/// SHA-256: little-endian fixed-width integers, doubles as their IEEE 754 bits (so −0 and 0, or two
/// NaN payloads, hash differently: bit-identical content only), strings as a length and UTF-8 bytes,
/// arrays as a length and their elements. Each logical field starts with a tag so that adjacent
/// fields cannot be confused.
/// </summary>
internal sealed class ContentHasher : IDisposable
{
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private readonly byte[] _buffer = new byte[8192];
    private int _used;

    public ContentHasher Tag(string tag) => Add(tag);

    public ContentHasher Add(bool value) => Add(value ? 1 : 0);

    public ContentHasher Add(int value)
    {
        Reserve(4);
        BinaryPrimitives.WriteInt32LittleEndian(_buffer.AsSpan(_used), value);
        _used += 4;
        return this;
    }

    public ContentHasher Add(long value)
    {
        Reserve(8);
        BinaryPrimitives.WriteInt64LittleEndian(_buffer.AsSpan(_used), value);
        _used += 8;
        return this;
    }

    public ContentHasher Add(ulong value) => Add(unchecked((long)value));

    public ContentHasher Add(double value) => Add(BitConverter.DoubleToInt64Bits(value));

    public ContentHasher Add(double? value) => value is double v ? Add(true).Add(v) : Add(false);

    public ContentHasher Add(string? value)
    {
        if (value is null)
        {
            return Add(-1);
        }

        var n = Encoding.UTF8.GetByteCount(value);
        Add(n);
        if (n > _buffer.Length)
        {
            Flush();
            _hash.AppendData(Encoding.UTF8.GetBytes(value));
            return this;
        }

        Reserve(n);
        _used += Encoding.UTF8.GetBytes(value, _buffer.AsSpan(_used));
        return this;
    }

    public ContentHasher Add(ReadOnlySpan<double> values)
    {
        Add(values.Length);
        foreach (var v in values)
        {
            Add(v);
        }

        return this;
    }

    public ContentHasher Add(ReadOnlySpan<int> values)
    {
        Add(values.Length);
        foreach (var v in values)
        {
            Add(v);
        }

        return this;
    }

    public ContentHasher Add(ContentHash value) => Add(value.ToByteArray().AsSpan());

    public ContentHasher Add(ReadOnlySpan<byte> bytes)
    {
        Add(bytes.Length);
        Flush();
        _hash.AppendData(bytes);
        return this;
    }

    public ContentHash Finish()
    {
        Flush();
        return ContentHash.FromBytes(_hash.GetHashAndReset());
    }

    public void Dispose() => _hash.Dispose();

    private void Reserve(int n)
    {
        if (_used + n > _buffer.Length)
        {
            Flush();
        }
    }

    private void Flush()
    {
        if (_used > 0)
        {
            _hash.AppendData(_buffer, 0, _used);
            _used = 0;
        }
    }
}
