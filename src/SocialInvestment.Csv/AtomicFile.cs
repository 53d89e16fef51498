using CsvHelper;

namespace SocialInvestment.Scenarios;

/// <summary>Writes a file through a temporary file in the same folder, moved into place only when complete.</summary>
internal static class AtomicFile
{
    /// <summary>Writes <paramref name="path"/> atomically: on any exception the temporary file is deleted and the target is left as it was.</summary>
    public static void Write(string path, Action<Stream> write)
    {
        var full = Path.GetFullPath(path);
        var dir = Path.GetDirectoryName(full)!;
        Directory.CreateDirectory(dir);
        var temp = Path.Combine(dir, "." + Path.GetFileName(full) + "." + Guid.NewGuid().ToString("N")[..8] + ".tmp");
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temp, full, overwrite: true);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
    }

    /// <summary>Writes a CSV file atomically: a header and rows of text fields.</summary>
    public static void WriteCsv(string path, IReadOnlyList<string> header, IEnumerable<string?[]> rows)
        => Write(path, stream =>
        {
            using var csv = CsvWriter.Create(stream, CsvWriterOptions.Default with { NewLine = "\n" }, leaveOpen: true);
            csv.WriteHeader([.. header]);
            foreach (var r in rows)
            {
                csv.WriteRecord(r!);
            }
        });

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // Best effort: the temporary file's name starts with '.', so it does not pass for a result.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
