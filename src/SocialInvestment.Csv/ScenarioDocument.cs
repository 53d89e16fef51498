using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using SocialInvestment.IO;

namespace SocialInvestment.Scenarios;

/// <summary>
/// A scenario as one canonical document: the bytes of every file of the scenario folder, sorted by
/// file name (ordinal), each length-prefixed, so that the same files give the same bytes and the
/// same SHA-256 <see cref="Hash"/> in every process and on every machine. This is the model
/// definition that travels: it is read back (and validated, as untrusted input) with
/// <see cref="ToScenario"/>.
/// </summary>
public sealed class ScenarioDocument
{
    private const uint Magic = 0x44524353; // "SCRD"
    private readonly byte[] _bytes;
    private readonly SortedDictionary<string, byte[]> _files;

    private ScenarioDocument(SortedDictionary<string, byte[]> files)
    {
        _files = files;
        var w = new MemoryStream();
        Span<byte> n = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(n, Magic);
        w.Write(n);
        BinaryPrimitives.WriteInt32LittleEndian(n, files.Count);
        w.Write(n);
        foreach (var (name, content) in files)
        {
            var nameBytes = Encoding.UTF8.GetBytes(name);
            BinaryPrimitives.WriteInt32LittleEndian(n, nameBytes.Length);
            w.Write(n);
            w.Write(nameBytes);
            BinaryPrimitives.WriteInt32LittleEndian(n, content.Length);
            w.Write(n);
            w.Write(content);
        }

        _bytes = w.ToArray();
        Hash = Convert.ToHexStringLower(SHA256.HashData(_bytes));
    }

    /// <summary>The SHA-256 of <see cref="ToBytes"/>, 64 lower-case hexadecimal digits.</summary>
    public string Hash { get; }

    /// <summary>The canonical bytes.</summary>
    public byte[] ToBytes() => (byte[])_bytes.Clone();

    /// <summary>The files of the document by name.</summary>
    public IReadOnlyDictionary<string, byte[]> Files => _files;

    /// <summary>A document from a scenario folder's files (name → bytes).</summary>
    /// <param name="files">The files.</param>
    public static ScenarioDocument FromFiles(IReadOnlyDictionary<string, byte[]> files)
    {
        ArgumentNullException.ThrowIfNull(files);
        return new ScenarioDocument(new SortedDictionary<string, byte[]>(files.ToDictionary(p => p.Key, p => p.Value), StringComparer.Ordinal));
    }

    /// <summary>The document of the built-in Norwegian default scenario.</summary>
    public static ScenarioDocument NorwegianDefault()
    {
        var files = new SortedDictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var name in Scenarios.NorwegianDefault.FileNames)
        {
            files[name] = Scenarios.NorwegianDefault.Bytes(name)!;
        }

        return new ScenarioDocument(files);
    }

    /// <summary>Reads a document from its canonical bytes.</summary>
    /// <param name="bytes">The bytes of <see cref="ToBytes"/>.</param>
    /// <exception cref="FormatException">Not a scenario document.</exception>
    public static ScenarioDocument FromBytes(byte[] bytes)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        var at = 0;
        int Int()
        {
            if (bytes.Length - at < 4)
            {
                throw new FormatException("The scenario document is truncated.");
            }

            var v = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(at));
            at += 4;
            return v;
        }

        if (bytes.Length < 8 || BinaryPrimitives.ReadUInt32LittleEndian(bytes) != Magic)
        {
            throw new FormatException("The bytes are not a scenario document.");
        }

        at = 4;
        var count = Int();
        var files = new SortedDictionary<string, byte[]>(StringComparer.Ordinal);
        for (var i = 0; i < count; i++)
        {
            var len = Int();
            if (len < 0 || len > bytes.Length - at)
            {
                throw new FormatException("The scenario document is damaged.");
            }

            var name = Encoding.UTF8.GetString(bytes, at, len);
            at += len;
            len = Int();
            if (len < 0 || len > bytes.Length - at)
            {
                throw new FormatException("The scenario document is damaged.");
            }

            files[name] = bytes.AsSpan(at, len).ToArray();
            at += len;
        }

        return new ScenarioDocument(files);
    }

    /// <summary>Reads and validates the scenario (strictly, as untrusted input).</summary>
    /// <param name="limits">The limits; null for <see cref="ScenarioLimits.Default"/>.</param>
    public Scenario ToScenario(ScenarioLimits? limits = null)
        => ScenarioReader.ReadFrom(name => _files.TryGetValue(name, out var b) ? new OpenedFile(new MemoryStream(b, writable: false), false, null) : new OpenedFile(null, true, null), limits);
}
