using System.Text.RegularExpressions;

namespace SocialInvestment.Cli;

/// <summary>
/// The output folder of one run, replaced as a whole. <see cref="Prepare"/> checks, before anything
/// runs, that the target is a folder socinv may replace: missing, empty, or holding only the files of
/// an earlier socinv run (those its manifest.json lists, or, for folders written before manifests,
/// only the file names socinv wrote then); any other file makes it refuse, so a user's unrelated files
/// are never deleted. The run writes into <see cref="Staging"/>, a hidden sibling folder, and
/// <see cref="Commit"/> swaps it in: the old folder is renamed away, the new one renamed into place,
/// the old one deleted. An interrupted run (an exception, Ctrl+C, a kill) leaves the old folder as it
/// was; only a kill in the instant between the two renames leaves the target missing, with the old and
/// the complete new set in hidden siblings named <c>.NAME.socinv-*.old</c> and <c>.NAME.socinv-*.tmp</c>.
/// </summary>
internal sealed partial class RunFolder
{
    /// <summary>Names written by socinv before runs had a manifest (results, summary, PSA draws, report and its charts).</summary>
    [GeneratedRegex(@"^(results\.csv|summary\.json|psa\.csv|report\.html|report\.md|probability-positive-npv\.png|(flows|occupancy|payback|npv-distribution)-[0-9]+-[a-z0-9-]+\.png|\..+\.[0-9a-f]{32}\.tmp)$", RegexOptions.CultureInvariant)]
    private static partial Regex LegacyName();

    private static readonly TimeSpan StaleAfter = TimeSpan.FromHours(1);

    private RunFolder(string target, RunManifest? previous, string staging)
    {
        Target = target;
        Previous = previous;
        Staging = staging;
    }

    /// <summary>The output folder (full path).</summary>
    public string Target { get; }

    /// <summary>The manifest of the run the folder holds now; null when it is missing, empty, or from before manifests.</summary>
    public RunManifest? Previous { get; }

    /// <summary>The hidden sibling folder the run writes into (created by <see cref="Prepare"/>).</summary>
    public string Staging { get; }

    /// <summary>Checks the target and creates the staging folder; throws <see cref="CliException"/> (nothing created) when socinv may not replace the target.</summary>
    public static RunFolder Prepare(string path)
    {
        var target = Resolve(path);
        var previous = CheckReplaceable(target);
        var parent = Path.GetDirectoryName(target)!;
        Directory.CreateDirectory(parent);
        var staging = Path.Combine(parent, $".{Path.GetFileName(target)}.socinv-{Guid.NewGuid():N}.tmp");
        var now = Directory.CreateDirectory(staging).LastWriteTimeUtc;
        SweepStale(parent, Path.GetFileName(target), staging, now);
        return new RunFolder(target, previous, staging);
    }

    /// <summary>Swaps the complete staging folder in place of the target (checking the target again first).</summary>
    /// <param name="beforeSwap">Test hook: called after the old folder is checked and before it is renamed away.</param>
    public void Commit(Action? beforeSwap = null)
    {
        CheckReplaceable(Target);
        beforeSwap?.Invoke();
        if (!Directory.Exists(Target))
        {
            Directory.Move(Staging, Target);
            return;
        }

        var old = Path.Combine(Path.GetDirectoryName(Target)!, $".{Path.GetFileName(Target)}.socinv-{Guid.NewGuid():N}.old");
        Directory.Move(Target, old);
        try
        {
            Directory.Move(Staging, Target);
        }
        catch
        {
            Directory.Move(old, Target);
            throw;
        }

        TryDelete(old);
    }

    /// <summary>Deletes the staging folder (after a failure); the target is untouched.</summary>
    public void Abandon() => TryDelete(Staging);

    /// <summary>The full path of the target; refuses a file, a filesystem root, and the current folder or one that contains it.</summary>
    private static string Resolve(string path)
    {
        var full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(path));
        if (File.Exists(full))
        {
            throw new CliException(ExitCodes.IoError, $"I/O error: --out '{path}' is a file; it needs a folder.");
        }

        if (Directory.Exists(full) && new DirectoryInfo(full).ResolveLinkTarget(returnFinalTarget: true) is { } link)
        {
            full = Path.TrimEndingDirectorySeparator(link.FullName);
        }

        if (Path.GetDirectoryName(full) is null)
        {
            throw new CliException(ExitCodes.InvalidInput, $"--out '{path}' is the root of a file system; a run needs a folder of its own.");
        }

        var cwd = Path.TrimEndingDirectorySeparator(Path.GetFullPath(Environment.CurrentDirectory));
        var comparison = OperatingSystem.IsWindows() || OperatingSystem.IsMacOS() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
        if (string.Equals(cwd, full, comparison) || cwd.StartsWith(full + Path.DirectorySeparatorChar, comparison))
        {
            throw new CliException(ExitCodes.InvalidInput, $"--out '{path}' is the current folder or contains it; a run replaces its output folder as a whole, so give it a folder of its own (for example --out {CliApp.DefaultOut}).");
        }

        for (var d = Path.GetDirectoryName(full); d is not null; d = Path.GetDirectoryName(d))
        {
            if (IsRun(d))
            {
                throw new CliException(ExitCodes.InvalidInput, $"--out '{path}' is inside the folder of another socinv run ({d}), which would then no longer match its manifest; choose a folder outside it.");
            }
        }

        return full;
    }

    /// <summary>True when <paramref name="dir"/> has a socinv run manifest.</summary>
    private static bool IsRun(string dir)
    {
        try
        {
            return RunManifest.TryRead(dir) is not null;
        }
        catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>Throws unless every entry of the target belongs to an earlier socinv run; returns that run's manifest (null for none or a run from before manifests).</summary>
    private static RunManifest? CheckReplaceable(string target)
    {
        if (!Directory.Exists(target))
        {
            return null;
        }

        RunManifest? manifest;
        try
        {
            manifest = RunManifest.TryRead(target);
        }
        catch (InvalidDataException e)
        {
            throw new CliException(ExitCodes.InvalidInput, $"the output folder '{target}' has a manifest.json that socinv did not write ({e.Message}); choose another folder with --out.");
        }

        HashSet<string> owned;
        HashSet<string> ownedDirs = new(StringComparer.Ordinal);
        if (manifest is not null)
        {
            owned = new HashSet<string>(manifest.Files.Select(f => f.Path), StringComparer.Ordinal) { RunManifest.FileName };
            foreach (var f in manifest.Files)
            {
                for (var d = Path.GetDirectoryName(f.Path); !string.IsNullOrEmpty(d); d = Path.GetDirectoryName(d))
                {
                    ownedDirs.Add(d.Replace('\\', '/'));
                }
            }
        }
        else
        {
            owned = [];
        }

        var foreign = new List<string>();
        foreach (var entry in Directory.EnumerateFileSystemEntries(target, "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(target, entry).Replace('\\', '/');
            var isDir = Directory.Exists(entry) && !File.Exists(entry);
            var ours = manifest is not null
                ? (isDir ? ownedDirs.Contains(relative) : owned.Contains(relative)) && new FileInfo(entry).LinkTarget is null
                : !isDir && !relative.Contains('/', StringComparison.Ordinal) && LegacyName().IsMatch(relative) && new FileInfo(entry).LinkTarget is null;
            if (!ours)
            {
                foreign.Add(relative + (isDir ? "/" : string.Empty));
                if (foreign.Count > 5)
                {
                    break;
                }
            }
        }

        if (foreign.Count > 0)
        {
            var shown = string.Join(", ", foreign.Take(5)) + (foreign.Count > 5 ? ", …" : string.Empty);
            throw new CliException(
                ExitCodes.InvalidInput,
                $"the output folder '{target}' holds files that are not from a socinv run ({shown}). A run replaces its output folder as a whole and never deletes other files: choose an empty or new folder with --out, or move those files.");
        }

        return manifest;
    }

    /// <summary>Deletes staging and old siblings of earlier runs into the same folder that were interrupted more than an hour ago.</summary>
    /// <param name="parent">The folder that holds the target.</param>
    /// <param name="name">The target's name.</param>
    /// <param name="staging">This run's staging folder (kept).</param>
    /// <param name="now">The file system's time now (the time stamp of the staging folder just created).</param>
    private static void SweepStale(string parent, string name, string staging, DateTime now)
    {
        var pattern = new Regex("^" + Regex.Escape("." + name + ".socinv-") + "[0-9a-f]{32}\\.(tmp|old)$", RegexOptions.CultureInvariant);
        foreach (var dir in Directory.EnumerateDirectories(parent, "." + name + ".socinv-*"))
        {
            var info = new DirectoryInfo(dir);
            if (pattern.IsMatch(info.Name) && info.LinkTarget is null && info.FullName != staging && now - info.LastWriteTimeUtc > StaleAfter)
            {
                TryDelete(dir);
            }
        }
    }

    private static void TryDelete(string dir)
    {
        try
        {
            if (Directory.Exists(dir))
            {
                Directory.Delete(dir, recursive: true);
            }
        }
        catch (IOException)
        {
            // Best effort: a hidden sibling with a recognisable name, swept by a later run.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
