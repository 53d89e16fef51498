using SocialInvestment.Model;

namespace SocialInvestment.Scenarios;

/// <summary>
/// The limits <see cref="ScenarioReader"/> enforces on untrusted scenario folders before it reads or
/// allocates by their size: file size, rows per table, the number of problems kept, the magnitude of
/// settings, and the <see cref="ModelLimits"/> of the model the scenario describes. Each breach is a
/// located <see cref="ScenarioProblem"/> naming the setting, the value and the limit. A host raises or
/// lowers them with <c>with</c> and passes them to <see cref="ScenarioReader.Read(string, ScenarioLimits)"/>.
/// Immutable.
/// </summary>
public sealed record ScenarioLimits
{
    /// <summary>The default limits (the values documented on each property).</summary>
    public static ScenarioLimits Default { get; } = new();

    /// <summary>Largest size of one file of the scenario folder, in bytes. Default 64 MiB.</summary>
    public long MaxFileBytes { get; init; } = 64L * 1024 * 1024;

    /// <summary>Largest size of <c>scenario.json</c>, in bytes. Default 1 MiB.</summary>
    public long MaxManifestBytes { get; init; } = 1024 * 1024;

    /// <summary>Largest number of data rows in one table. Default 500 000.</summary>
    public int MaxRowsPerTable { get; init; } = 500_000;

    /// <summary>Largest size of one CSV record (a row, with its quoted line breaks), in bytes. Default 1 MiB.</summary>
    public int MaxRecordBytes { get; init; } = 1024 * 1024;

    /// <summary>
    /// Largest number of problems kept in a <see cref="ScenarioFormatException"/>; the rest are counted
    /// in <see cref="ScenarioFormatException.OmittedCount"/>. Default 1 000.
    /// </summary>
    public int MaxProblems { get; init; } = 1000;

    /// <summary>Largest tax financing cost (a share of net public spending). Default 10; the setting must also be ≥ 0.</summary>
    public double MaxTaxFinancingCost { get; init; } = 10;

    /// <summary>The limits of the model the scenario describes (horizon, states, magnitudes, ages, discount rates). Default <see cref="ModelLimits.Default"/>.</summary>
    public ModelLimits Model { get; init; } = ModelLimits.Default;
}
