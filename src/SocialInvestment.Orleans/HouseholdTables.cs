using System.Buffers.Binary;
using System.Text;
using SocialInvestment.Households;
using SocialInvestment.Model;
using SocialInvestment.Scenarios;

namespace SocialInvestment.Orleans;

/// <summary>
/// The household tables of a cluster household run as one content-addressed document: a canonical
/// byte bundle of file name → bytes (names in ordinal order, each name and content length-prefixed),
/// so equal tables give equal bytes and an equal <see cref="ContentHash"/> on every machine.
/// </summary>
internal static class HouseholdTables
{
    private static ReadOnlySpan<byte> Magic => "SIHT1\n"u8;

    /// <summary>The canonical bundle of the household tables among <paramref name="files"/> (the names of <see cref="HouseholdFiles.FileNames"/>; other names are not read by <see cref="HouseholdFiles.Parse"/> and are left out).</summary>
    public static byte[] Pack(IReadOnlyDictionary<string, byte[]> files)
    {
        var present = HouseholdFiles.FileNames.Order(StringComparer.Ordinal).Select(n => (Name: n, Bytes: files.TryGetValue(n, out var b) ? b : null)).Where(p => p.Bytes is not null).ToList();
        using var ms = new MemoryStream();
        ms.Write(Magic);
        Span<byte> four = stackalloc byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(four, present.Count);
        ms.Write(four);
        foreach (var (name, bytes) in present)
        {
            var n = Encoding.UTF8.GetBytes(name);
            BinaryPrimitives.WriteInt32LittleEndian(four, n.Length);
            ms.Write(four);
            ms.Write(n);
            BinaryPrimitives.WriteInt32LittleEndian(four, bytes!.Length);
            ms.Write(four);
            ms.Write(bytes);
        }

        return ms.ToArray();
    }

    /// <summary>Reads a bundle written by <see cref="Pack"/>.</summary>
    /// <exception cref="FormatException">The bytes are not a household table bundle or are damaged.</exception>
    public static Dictionary<string, byte[]> Unpack(ReadOnlySpan<byte> data)
    {
        if (!data.StartsWith(Magic))
        {
            throw new FormatException("The document is not a bundle of household tables.");
        }

        var at = Magic.Length;
        var count = Int(data, ref at);
        if (count < 0 || count > HouseholdFiles.FileNames.Count)
        {
            throw new FormatException("The household table bundle is damaged (its file count).");
        }

        var files = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        for (var i = 0; i < count; i++)
        {
            var name = Encoding.UTF8.GetString(Bytes(data, ref at));
            if (!files.TryAdd(name, Bytes(data, ref at).ToArray()))
            {
                throw new FormatException($"The household table bundle holds '{name}' twice.");
            }
        }

        return at == data.Length ? files : throw new FormatException("The household table bundle is damaged (bytes after its last file).");
    }

    /// <summary>The household run a range of <paramref name="work"/> belongs to, prepared as the coordinator prepares it (the CLI's: the definition's strategies, base-case parameters, the scenario's perspectives and the family's).</summary>
    /// <exception cref="ScenarioFormatException">The tables do not parse (every problem, with file, line, column and field).</exception>
    /// <exception cref="ArgumentException">The work names a household type the tables do not have.</exception>
    /// <exception cref="InvalidOperationException">The work names a household type but the tables are a register.</exception>
    public static HouseholdRun Prepare(PreparedDefinition definition, IReadOnlyDictionary<string, byte[]> files, ClusterWork work)
    {
        var d = HouseholdFiles.Parse(files, definition.Scenario, definition.Model).Definition;
        if (work.HouseholdType is { } type)
        {
            d = d.ForType(type);
        }

        var perspectives = definition.Perspectives.ToList();
        if (!perspectives.Contains(d.FamilyPerspective))
        {
            perspectives.Add(d.FamilyPerspective);
        }

        var options = new HouseholdOptions { Households = work.Total, Seed = work.Seed, BlockSize = work.BlockSize, Threads = work.ThreadsPerRange, Perspectives = perspectives };
        return HouseholdEngine.Prepare(d, options);
    }

    /// <summary>The household PSA a range of <paramref name="work"/> belongs to, prepared as the coordinator (and <c>socinv households --draws</c>) prepares it: <see cref="HouseholdUncertainty.Prepare"/> with the work's draws and seed.</summary>
    /// <exception cref="ScenarioFormatException">The tables or a distribution do not parse (every problem, located).</exception>
    /// <exception cref="ArgumentException">The joint state space is above the cap, or the work names a household type.</exception>
    public static Uncertainty.HouseholdPsa PreparePsa(PreparedDefinition definition, IReadOnlyDictionary<string, byte[]> files, ClusterWork work)
    {
        if (work.HouseholdType is not null)
        {
            throw new ArgumentException("A household PSA runs every household; the work must not name a household type.", nameof(work));
        }

        var tables = HouseholdFiles.Parse(files, definition.Scenario, definition.Model);
        return HouseholdUncertainty.Prepare(tables, definition.Scenario, checked((int)work.Total), work.Seed, work.ThreadsPerRange);
    }

    private static int Int(ReadOnlySpan<byte> data, ref int at)
    {
        if (data.Length - at < 4)
        {
            throw new FormatException("The household table bundle is truncated.");
        }

        var v = BinaryPrimitives.ReadInt32LittleEndian(data[at..]);
        at += 4;
        return v;
    }

    private static ReadOnlySpan<byte> Bytes(ReadOnlySpan<byte> data, ref int at)
    {
        var n = Int(data, ref at);
        if (n < 0 || data.Length - at < n)
        {
            throw new FormatException("The household table bundle is truncated.");
        }

        var s = data.Slice(at, n);
        at += n;
        return s;
    }
}
