using System.Globalization;
using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using SocialInvestment.IO;

namespace SocialInvestment.Cli;

/// <summary>One file of a run: its path inside the run folder ('/'-separated), size in bytes and SHA-256 (lower-case hex).</summary>
internal sealed record ManifestFile(string Path, long Bytes, string Sha256);

/// <summary>The settings that determine what a run computed (recorded so that the run can be reproduced).</summary>
/// <param name="Command">run or report.</param>
/// <param name="ScenarioSource">The scenario folder as given, or null for the embedded Norwegian default.</param>
/// <param name="Horizon">--horizon, or null for the scenario's.</param>
/// <param name="Discount">--discount, or null for the scenario's.</param>
/// <param name="Perspectives">--perspective, or null for the scenario's list.</param>
/// <param name="Draws">PSA draws (0 for none).</param>
/// <param name="Seed">The PSA seed used (null without draws, unless one was given).</param>
/// <param name="Culture">The culture of console and report text ("" = invariant).</param>
internal sealed record RunSettings(string Command, string? ScenarioSource, int? Horizon, string? Discount, IReadOnlyList<string>? Perspectives, int Draws, ulong? Seed, string Culture);

/// <summary>
/// <c>manifest.json</c>, written last into a run folder: what made the run (socinv version, command
/// line, settings, the scenario's name and content hash, the folder of its stored copy) and every file
/// of the run with its size and SHA-256. A folder whose files match its manifest is a complete run;
/// socinv replaces or re-renders only such folders (and folders written by socinv before manifests).
/// </summary>
internal sealed record RunManifest(
    string Version,
    IReadOnlyList<string> Arguments,
    RunSettings Settings,
    string ScenarioName,
    string ScenarioHash,
    IReadOnlyList<ManifestFile> Files)
{
    public const string FileName = "manifest.json";

    /// <summary>The value of the "format" field; a reader refuses any other.</summary>
    public const string Format = "socinv-run/1";

    /// <summary>Folder of the run that holds the copy of its scenario.</summary>
    public const string ScenarioFolder = "scenario";

    /// <summary>The informational version of this socinv.</summary>
    public static string ToolVersion =>
        typeof(RunManifest).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";

    /// <summary>
    /// The content hash of a scenario folder: SHA-256 over its files in ordinal order of their names,
    /// each contributing its name (UTF-8), a zero byte, its length in bytes (decimal ASCII), a zero
    /// byte and its bytes. For the copy socinv stores (written by ScenarioWriter: canonical, invariant,
    /// round-trip numbers) this is a hash of the scenario's canonical serialised form.
    /// </summary>
    public static string ScenarioContentHash(string folder)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var file in Directory.GetFiles(folder).Order(StringComparer.Ordinal))
        {
            var bytes = File.ReadAllBytes(file);
            hash.AppendData(Encoding.UTF8.GetBytes(System.IO.Path.GetFileName(file)));
            hash.AppendData([0]);
            hash.AppendData(Encoding.ASCII.GetBytes(bytes.Length.ToString(CultureInfo.InvariantCulture)));
            hash.AppendData([0]);
            hash.AppendData(bytes);
        }

        return "sha256:" + Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    /// <summary>Lists every file under <paramref name="folder"/> (except a manifest at its top) with size and SHA-256.</summary>
    public static IReadOnlyList<ManifestFile> Describe(string folder)
    {
        var root = System.IO.Path.GetFullPath(folder);
        return Directory.GetFiles(root, "*", SearchOption.AllDirectories)
            .Select(f => (Full: f, Relative: System.IO.Path.GetRelativePath(root, f).Replace('\\', '/')))
            .Where(f => f.Relative != FileName)
            .OrderBy(f => f.Relative, StringComparer.Ordinal)
            .Select(f => new ManifestFile(f.Relative, new FileInfo(f.Full).Length, Sha256Of(f.Full)))
            .ToList();
    }

    public static string Sha256Of(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    /// <summary>Writes the manifest into <paramref name="folder"/> (atomically).</summary>
    public void WriteTo(string folder) => AtomicFile.Write(System.IO.Path.Combine(folder, FileName), stream =>
    {
        using var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        w.WriteStartObject();
        w.WriteString("format", Format);
        w.WriteString("socinvVersion", Version);
        w.WriteStartArray("arguments");
        foreach (var a in Arguments)
        {
            w.WriteStringValue(a);
        }

        w.WriteEndArray();
        w.WriteStartObject("settings");
        w.WriteString("command", Settings.Command);
        Str(w, "scenarioSource", Settings.ScenarioSource);
        if (Settings.Horizon is int h)
        {
            w.WriteNumber("horizon", h);
        }
        else
        {
            w.WriteNull("horizon");
        }

        Str(w, "discount", Settings.Discount);
        if (Settings.Perspectives is { } ps)
        {
            w.WriteStartArray("perspectives");
            foreach (var p in ps)
            {
                w.WriteStringValue(p);
            }

            w.WriteEndArray();
        }
        else
        {
            w.WriteNull("perspectives");
        }

        w.WriteNumber("draws", Settings.Draws);
        if (Settings.Seed is ulong seed)
        {
            w.WriteNumber("seed", seed);
        }
        else
        {
            w.WriteNull("seed");
        }

        w.WriteString("culture", Settings.Culture);
        w.WriteEndObject();
        w.WriteStartObject("scenario");
        w.WriteString("name", ScenarioName);
        w.WriteString("contentHash", ScenarioHash);
        w.WriteString("copy", ScenarioFolder + "/");
        w.WriteEndObject();
        w.WriteStartArray("files");
        foreach (var f in Files)
        {
            w.WriteStartObject();
            w.WriteString("path", f.Path);
            w.WriteNumber("bytes", f.Bytes);
            w.WriteString("sha256", f.Sha256);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteEndObject();
    });

    /// <summary>Reads the manifest of a run folder; null when there is none; <see cref="InvalidDataException"/> when it is not a socinv run manifest.</summary>
    public static RunManifest? TryRead(string folder)
    {
        var path = System.IO.Path.Combine(folder, FileName);
        if (!File.Exists(path))
        {
            return null;
        }

        var info = new FileInfo(path);
        if (info.Length > 16 * 1024 * 1024)
        {
            throw new InvalidDataException($"{path} is {info.Length:N0} bytes, too large for a socinv run manifest.");
        }

        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllBytes(path), new JsonDocumentOptions { MaxDepth = 16 });
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("format", out var format) || format.ValueKind != JsonValueKind.String || format.GetString() != Format)
            {
                throw new InvalidDataException($"{path} is not a socinv run manifest (no \"format\": \"{Format}\").");
            }

            var s = root.GetProperty("settings");
            var settings = new RunSettings(
                s.GetProperty("command").GetString() ?? "run",
                OptString(s, "scenarioSource"),
                s.GetProperty("horizon").ValueKind == JsonValueKind.Null ? null : s.GetProperty("horizon").GetInt32(),
                OptString(s, "discount"),
                s.GetProperty("perspectives").ValueKind == JsonValueKind.Null ? null : [.. s.GetProperty("perspectives").EnumerateArray().Select(e => e.GetString() ?? string.Empty)],
                s.GetProperty("draws").GetInt32(),
                s.GetProperty("seed").ValueKind == JsonValueKind.Null ? null : s.GetProperty("seed").GetUInt64(),
                s.GetProperty("culture").GetString() ?? string.Empty);
            var scenario = root.GetProperty("scenario");
            var files = root.GetProperty("files").EnumerateArray()
                .Select(f => new ManifestFile(f.GetProperty("path").GetString() ?? string.Empty, f.GetProperty("bytes").GetInt64(), f.GetProperty("sha256").GetString() ?? string.Empty))
                .ToList();
            foreach (var f in files)
            {
                if (f.Path.Length == 0 || System.IO.Path.IsPathRooted(f.Path) || f.Path.Split('/').Any(part => part is "" or "." or ".."))
                {
                    throw new InvalidDataException($"{path} lists the file '{f.Path}', which is not a path inside the run folder.");
                }
            }

            return new RunManifest(
                root.GetProperty("socinvVersion").GetString() ?? "unknown",
                [.. root.GetProperty("arguments").EnumerateArray().Select(e => e.GetString() ?? string.Empty)],
                settings,
                scenario.GetProperty("name").GetString() ?? string.Empty,
                scenario.GetProperty("contentHash").GetString() ?? string.Empty,
                files);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new InvalidDataException($"{path} is not a valid socinv run manifest: {e.Message}", e);
        }
    }

    /// <summary>Checks a folder against this manifest: every listed file present with its size and SHA-256, and no other file.</summary>
    /// <returns>The mismatches, empty when the folder is exactly this run.</returns>
    public IReadOnlyList<string> Verify(string folder)
    {
        var problems = new List<string>();
        var actual = Describe(folder).ToDictionary(f => f.Path, StringComparer.Ordinal);
        foreach (var f in Files)
        {
            if (!actual.Remove(f.Path, out var a))
            {
                problems.Add($"{f.Path}: listed in the manifest but missing");
            }
            else if (a.Bytes != f.Bytes || !string.Equals(a.Sha256, f.Sha256, StringComparison.OrdinalIgnoreCase))
            {
                problems.Add($"{f.Path}: changed since the run (size or SHA-256 differs from the manifest)");
            }
        }

        problems.AddRange(actual.Keys.Order(StringComparer.Ordinal).Select(p => $"{p}: not listed in the manifest"));
        return problems;
    }

    private static void Str(Utf8JsonWriter w, string name, string? value)
    {
        if (value is null)
        {
            w.WriteNull(name);
        }
        else
        {
            w.WriteString(name, value);
        }
    }

    private static string? OptString(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
}
