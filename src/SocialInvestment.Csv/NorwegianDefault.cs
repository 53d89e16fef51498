using System.Reflection;
using SocialInvestment.IO;

namespace SocialInvestment.Scenarios;

/// <summary>
/// The built-in Norwegian youth life-course model, shipped inside the package as embedded
/// resources: a cohort of 1 000 twelve-year-olds followed to age 80 in annual cycles through child
/// welfare (in-home measures, foster care, institution), school, upper secondary, NEET, work,
/// dagpenger, AAP, uføretrygd, social assistance, prison and death; unit costs by payer (kommune,
/// fylkeskommune, staten, individ) and sector in 2023 NOK re-indexed with SSB's KPI; R-109
/// discounting and a 20 % tax financing cost; two investments (an intensive cross-sector family
/// team, and IPS supported employment) against business as usual. Every table row names its
/// source or says how it was estimated.
/// </summary>
public static class NorwegianDefault
{
    private const string Prefix = "SocialInvestment.Scenarios.NorwegianDefault.";

    /// <summary>The names of the files of the default scenario folder.</summary>
    public static IReadOnlyList<string> FileNames { get; } = typeof(NorwegianDefault).Assembly.GetManifestResourceNames()
        .Where(n => n.StartsWith(Prefix, StringComparison.Ordinal))
        .Select(n => n[Prefix.Length..])
        .Order(StringComparer.Ordinal)
        .ToArray();

    /// <summary>Loads the default scenario from the embedded files (read and validated like a folder).</summary>
    /// <returns>The scenario.</returns>
    public static Scenario Load() => ScenarioReader.ReadFrom(name => Open(name) is { } bytes ? new OpenedFile(new MemoryStream(bytes, writable: false), false, null) : new OpenedFile(null, true, null));

    /// <summary>
    /// Writes the default scenario's files, exactly as shipped (with their comments and sources),
    /// into a folder, created if missing; an editable copy that <see cref="ScenarioReader.Read(string)"/> reads.
    /// Each file is written to a temporary file and moved into place.
    /// </summary>
    /// <param name="directory">The folder.</param>
    public static void WriteTo(string directory)
    {
        ArgumentNullException.ThrowIfNull(directory);
        foreach (var name in FileNames)
        {
            var bytes = Open(name)!;
            AtomicFile.Write(Path.Combine(directory, name), s => s.Write(bytes));
        }
    }

    internal static byte[]? Open(string file)
    {
        using var stream = typeof(NorwegianDefault).Assembly.GetManifestResourceStream(Prefix + file);
        if (stream is null)
        {
            return null;
        }

        using var ms = new MemoryStream();
        stream.CopyTo(ms);
        return ms.ToArray();
    }
}
