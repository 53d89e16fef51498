using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;

namespace SocialInvestment.Orleans;

/// <summary>
/// Where a coordinator records the partial of every finished range, keyed by
/// <see cref="ClusterWork.RangeKey"/>. A key is recorded once: a second partial for the same key is
/// refused, so no range is ever counted twice. A persistent ledger lets a restarted coordinator
/// resume a run without recomputing the ranges already done.
/// </summary>
public interface IRangeLedger
{
    /// <summary>The partial recorded for <paramref name="key"/>, or null.</summary>
    /// <param name="key">The range key.</param>
    byte[]? Find(string key);

    /// <summary>Records the partial of a range; false (and nothing recorded) when the key already has one.</summary>
    /// <param name="key">The range key.</param>
    /// <param name="result">The serialised partial.</param>
    bool TryRecord(string key, byte[] result);
}

/// <summary>A ledger in memory: lives as long as the coordinator process (a restart starts over).</summary>
public sealed class MemoryRangeLedger : IRangeLedger
{
    private readonly ConcurrentDictionary<string, byte[]> _partials = new(StringComparer.Ordinal);

    /// <summary>Number of ranges recorded.</summary>
    public int Count => _partials.Count;

    /// <inheritdoc/>
    public byte[]? Find(string key) => _partials.TryGetValue(key, out var p) ? p : null;

    /// <inheritdoc/>
    public bool TryRecord(string key, byte[] result) => _partials.TryAdd(key, result);
}

/// <summary>
/// A ledger in a folder: one file per range (named by the SHA-256 of the key, written to a
/// temporary file and moved into place, so a crash never leaves a half-written partial). A
/// coordinator restarted with the same folder and the same run resumes from the ranges recorded.
/// The folder is the host's choice; the library writes only there.
/// </summary>
public sealed class FolderRangeLedger : IRangeLedger
{
    private readonly string _folder;
    private readonly Lock _gate = new();

    /// <summary>Uses (and creates if missing) <paramref name="folder"/>.</summary>
    /// <param name="folder">The ledger folder.</param>
    public FolderRangeLedger(string folder)
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        _folder = folder;
        Directory.CreateDirectory(folder);
    }

    /// <inheritdoc/>
    public byte[]? Find(string key)
    {
        var path = PathOf(key);
        return File.Exists(path) ? File.ReadAllBytes(path) : null;
    }

    /// <inheritdoc/>
    public bool TryRecord(string key, byte[] result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var path = PathOf(key);
        lock (_gate)
        {
            if (File.Exists(path))
            {
                return false;
            }

            var temp = path + ".tmp";
            File.WriteAllBytes(temp, result);
            File.Move(temp, path);
            return true;
        }
    }

    private string PathOf(string key) => Path.Combine(_folder, Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key))) + ".partial");
}
