using SocialInvestment.Decisions;
using SocialInvestment.Economics;
using SocialInvestment.IO;
using SocialInvestment.Model;

namespace SocialInvestment.Scenarios;

/// <summary>
/// The caseload extension of the <see cref="NorwegianDefault"/>, shipped as embedded resources and
/// labelled ILLUSTRATIVE: a synthetic client register of a fictitious mid-sized municipality
/// ("Midtby", about 30 000 inhabitants, four districts) at 2025-12-31 and 2026-12-31, generated
/// deterministically by <c>eng/caseload/generate.py</c> from a documented recipe (no real person),
/// and an example follow-up of the Family team started in 2025 for 40 children aged 13 with in-home
/// child-welfare measures (<see cref="FollowUpFiles"/>).
/// </summary>
public static class NorwegianCaseload
{
    private const string Prefix = "SocialInvestment.Scenarios.Caseload.";

    /// <summary>The opening snapshot's file name.</summary>
    public const string OpeningFileName = "register_2025.csv";

    /// <summary>The closing snapshot's file name.</summary>
    public const string ClosingFileName = "register_2026.csv";

    /// <summary>The names of the embedded files.</summary>
    public static IReadOnlyList<string> FileNames { get; } = typeof(NorwegianCaseload).Assembly.GetManifestResourceNames()
        .Where(n => n.StartsWith(Prefix, StringComparison.Ordinal))
        .Select(n => n[Prefix.Length..])
        .Order(StringComparer.Ordinal)
        .ToArray();

    /// <summary>The register at 2025-12-31 (the opening snapshot), checked against the model.</summary>
    /// <param name="model">The Norwegian default model (<see cref="NorwegianDefault.Load"/>, built).</param>
    public static ClientRegister OpeningRegister(LifeCourseModel model) => Register(OpeningFileName, model, "2025-12-31");

    /// <summary>The register at 2026-12-31 (the closing snapshot).</summary>
    /// <param name="model">The Norwegian default model.</param>
    public static ClientRegister ClosingRegister(LifeCourseModel model) => Register(ClosingFileName, model, "2026-12-31");

    /// <summary>The investments followed (<c>follow_up_cohorts.csv</c>).</summary>
    /// <param name="model">The Norwegian default model.</param>
    public static IReadOnlyList<FollowedInvestment> FollowedInvestments(LifeCourseModel model)
    {
        using var s = Open(FollowUpFiles.CohortsFileName);
        return FollowUpFiles.ReadCohorts(s, FollowUpFiles.CohortsFileName, model);
    }

    /// <summary>The example follow-up (<c>follow_up.csv</c>).</summary>
    /// <param name="model">The Norwegian default model.</param>
    public static IReadOnlyList<FollowUpTable> FollowUp(LifeCourseModel model)
    {
        var investments = FollowedInvestments(model);
        using var s = Open(FollowUpFiles.FollowUpFileName);
        return FollowUpFiles.ReadFollowUp(s, FollowUpFiles.FollowUpFileName, investments, model);
    }

    /// <summary>Writes the embedded files, as shipped, into a folder (created if missing).</summary>
    /// <param name="directory">The folder.</param>
    public static void WriteTo(string directory)
    {
        ArgumentNullException.ThrowIfNull(directory);
        foreach (var name in FileNames)
        {
            using var s = Open(name);
            using var ms = new MemoryStream();
            s.CopyTo(ms);
            var bytes = ms.ToArray();
            AtomicFile.Write(Path.Combine(directory, name), o => o.Write(bytes));
        }
    }

    private static ClientRegister Register(string file, LifeCourseModel model, string label)
    {
        ArgumentNullException.ThrowIfNull(model);
        using var s = Open(file);
        return RegisterFile.ReadStream(s, file, model, null, label);
    }

    private static Stream Open(string file)
        => typeof(NorwegianCaseload).Assembly.GetManifestResourceStream(Prefix + file) ?? throw new InvalidOperationException($"The embedded file {file} is missing from the package.");
}
