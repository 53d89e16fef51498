using System.Collections.ObjectModel;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Unicode;

namespace SocialInvestment.Scenarios;

/// <summary>Collects problems, keeping the first <see cref="Max"/> and counting the rest.</summary>
internal sealed class ProblemList(int max = 1000) : Collection<ScenarioProblem>
{
    public int Max { get; } = Math.Max(1, max);

    /// <summary>Problems found but not kept.</summary>
    public int Omitted { get; private set; }

    /// <summary>Kept and omitted problems.</summary>
    public int Total => Count + Omitted;

    private bool _force;

    /// <summary>Adds a problem even beyond <see cref="Max"/> (a breached limit, at most one per table, must never be hidden).</summary>
    public void AddAlways(ScenarioProblem item)
    {
        _force = true;
        try
        {
            Add(item);
        }
        finally
        {
            _force = false;
        }
    }

    protected override void InsertItem(int index, ScenarioProblem item)
    {
        if (Count >= Max && !_force)
        {
            Omitted++;
            return;
        }

        base.InsertItem(index, item);
    }

    public void AddRange(IEnumerable<ScenarioProblem> items)
    {
        foreach (var p in items)
        {
            Add(p);
        }
    }

    public ScenarioFormatException ToException()
        => new([.. this.OrderBy(p => p.File, StringComparer.Ordinal).ThenBy(p => p.Line ?? 0).ThenBy(p => p.Column ?? 0)], Omitted);
}

/// <summary>One file of a scenario opened for reading, or why it cannot be.</summary>
internal readonly record struct OpenedFile(Stream? Stream, bool Missing, string? Problem);

/// <summary>Opens the files of a scenario folder as untrusted input: regular files inside the folder only, size-capped.</summary>
internal static class ScenarioInput
{
    public static OpenedFile Open(string directory, string name, long maxBytes)
    {
        var path = Path.Combine(directory, name);
        var info = new FileInfo(path);
        if (!info.Exists)
        {
            return Directory.Exists(path) ? new OpenedFile(null, false, "It is a folder, not a file.") : new OpenedFile(null, true, null);
        }

        if (info.LinkTarget is not null)
        {
            FileSystemInfo? target;
            try
            {
                target = info.ResolveLinkTarget(returnFinalTarget: true);
            }
            catch (IOException)
            {
                target = null;
            }

            var root = RealPath(directory);
            if (target is null || !target.Exists || !IsInside(RealPath(Path.GetDirectoryName(target.FullName)!), root))
            {
                return new OpenedFile(null, false, "It is a symbolic link that points outside the scenario folder (or nowhere); only files inside the folder are read.");
            }
        }

        if (FileKind(path) is string kind)
        {
            return new OpenedFile(null, false, $"It is {kind}, not a regular file; only regular files are read.");
        }

        long length;
        try
        {
            length = new FileInfo(path).Length;
        }
        catch (IOException e)
        {
            return new OpenedFile(null, false, $"It cannot be read: {e.Message}");
        }

        if (length > maxBytes)
        {
            return new OpenedFile(null, false, TooLarge(length, maxBytes));
        }

        try
        {
            var fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
            return new OpenedFile(new BoundedStream(fs, maxBytes), false, null);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return new OpenedFile(null, false, $"It cannot be read: {e.Message}");
        }
    }

    public static string TooLarge(long length, long maxBytes)
        => string.Create(CultureInfo.InvariantCulture, $"The file has {length:N0} bytes, more than the limit of {maxBytes:N0} (ScenarioLimits.MaxFileBytes).");

    private static string RealPath(string dir)
    {
        var full = Path.GetFullPath(dir);
        try
        {
            var d = new DirectoryInfo(full);
            if (d.LinkTarget is not null && d.ResolveLinkTarget(true) is { } t)
            {
                return Path.TrimEndingDirectorySeparator(t.FullName);
            }
        }
        catch (IOException)
        {
        }

        return Path.TrimEndingDirectorySeparator(full);
    }

    private static bool IsInside(string dir, string root)
        => string.Equals(dir, root, StringComparison.Ordinal) || dir.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal);

    /// <summary>Null for a regular file; otherwise what it is (a FIFO, a device, a socket). Never opens the file.</summary>
    private static string? FileKind(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            return null;
        }

        try
        {
            if (NativeStat(path, out var status) != 0)
            {
                return null;
            }

            return (status.Mode & 0xF000) switch
            {
                0x8000 => null,
                0x1000 => "a named pipe (FIFO)",
                0x2000 => "a character device",
                0x6000 => "a block device",
                0xC000 => "a socket",
                0x4000 => "a folder",
                _ => "a special file",
            };
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return null;
        }
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct FileStatus
    {
        public int Flags;
        public int Mode;
        public uint Uid;
        public uint Gid;
        public long Size;
        public long ATime;
        public long ATimeNsec;
        public long MTime;
        public long MTimeNsec;
        public long CTime;
        public long CTimeNsec;
        public long BirthTime;
        public long BirthTimeNsec;
        public long Dev;
        public long RDev;
        public long Ino;
        public uint UserFlags;
    }

    // The runtime's own stat (System.Native ships with every .NET runtime on Unix); follows symbolic links.
    [DllImport("libSystem.Native", EntryPoint = "SystemNative_Stat", CharSet = CharSet.Ansi, BestFitMapping = false, ThrowOnUnmappableChar = true, SetLastError = true)]
    private static extern int NativeStat([MarshalAs(UnmanagedType.LPUTF8Str)] string path, out FileStatus output);

    /// <summary>
    /// Checks that a stream is strict UTF-8 (an optional byte order mark is skipped), reading it in
    /// chunks; on success the stream is positioned after the byte order mark.
    /// </summary>
    /// <returns>Null when valid, otherwise the problem with line, column and byte offset.</returns>
    public static ScenarioProblem? CheckUtf8(Stream stream, string file, out bool blank)
    {
        blank = true;
        var buffer = new byte[64 * 1024];
        var chars = new char[buffer.Length];
        var carry = 0;
        long offset = 0;
        var line = 1;
        long column = 1;
        var first = true;
        var bomLength = 0;
        while (true)
        {
            var n = ReadFull(stream, buffer, carry);
            var total = carry + n;
            var final = total < buffer.Length;
            var span = buffer.AsSpan(0, total);
            if (first)
            {
                first = false;
                if (span.StartsWith("\uFEFF"u8))
                {
                    span = span[3..];
                    offset = 3;
                    bomLength = 3;
                }
            }

            var status = Utf8.ToUtf16(span, chars, out var read, out var written, replaceInvalidSequences: false, isFinalBlock: final);
            var good = span[..read];
            foreach (var b in good)
            {
                if (b is not ((byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n'))
                {
                    blank = false;
                }
            }

            var lastNl = good.LastIndexOf((byte)'\n');
            line += good.Count((byte)'\n');
            column = lastNl >= 0 ? 1 + Encoding.UTF8.GetCharCount(good[(lastNl + 1)..]) : column + written;
            if (status == System.Buffers.OperationStatus.InvalidData || (final && status == System.Buffers.OperationStatus.NeedMoreData))
            {
                var at = offset + read;
                var value = read < span.Length ? span[read] : (byte)0;
                return new ScenarioProblem(file, line, (int)Math.Min(column, int.MaxValue), null, string.Create(CultureInfo.InvariantCulture,
                    $"The file is not valid UTF-8 (byte 0x{value:X2} at offset {at}). Save it as UTF-8 (with or without a byte order mark); Latin-1/Windows-1252 (for example æ, ø, å from Excel) and UTF-16 are not accepted."));
            }

            offset += read;
            carry = span.Length - read;
            span[read..].CopyTo(buffer);
            if (final)
            {
                break;
            }
        }

        stream.Position = bomLength;
        return null;
    }

    private static int ReadFull(Stream s, byte[] buffer, int start)
    {
        var total = 0;
        while (start + total < buffer.Length)
        {
            var n = s.Read(buffer, start + total, buffer.Length - start - total);
            if (n == 0)
            {
                break;
            }

            total += n;
        }

        return total;
    }
}

/// <summary>A read-only stream that fails once more than a number of bytes has been read (a file that grows while read).</summary>
internal sealed class BoundedStream(Stream inner, long max) : Stream
{
    public override bool CanRead => true;

    public override bool CanSeek => inner.CanSeek;

    public override bool CanWrite => false;

    public override long Length => inner.Length;

    public override long Position { get => inner.Position; set => inner.Position = value; }

    public override int Read(byte[] buffer, int offset, int count)
    {
        var n = inner.Read(buffer, offset, count);
        if (inner.Position > max)
        {
            throw new IOException(ScenarioInput.TooLarge(inner.Position, max));
        }

        return n;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => inner.Seek(offset, origin);

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }
}
