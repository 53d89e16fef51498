namespace SocialInvestment.Scenarios;

/// <summary>
/// The settings of a scenario (the JSON manifest's top-level properties).
/// Equality compares every property, the perspective list element by element.
/// </summary>
public sealed record ScenarioSettings
{
    /// <summary>Name of the model.</summary>
    public required string Name { get; init; }

    /// <summary>What the scenario describes.</summary>
    public string? Description { get; init; }

    /// <summary>Horizon in cycles, ≥ 1.</summary>
    public int HorizonCycles { get; init; } = 60;

    /// <summary>Cycle length in years (default 1: annual cycles).</summary>
    public double CycleLengthYears { get; init; } = 1.0;

    /// <summary>Counting (within-cycle correction) convention, a name understood by <see cref="Model.CycleWeights.FromName"/>: beginning, end, half-cycle (also "trapezoid"), life-table (heemod's: each cycle the mean of its two ends, discounted at its start), simpson-darth, all-points. Default half-cycle.</summary>
    public string Counting { get; init; } = "half-cycle";

    /// <summary>Discount preset for costs, a name understood by <see cref="Model.DiscountSchedule.FromPreset"/> (default <c>norway</c>: R-109/2021).</summary>
    public string CostDiscounting { get; init; } = "norway";

    /// <summary>Discount preset for outcomes (default <c>norway</c>).</summary>
    public string OutcomeDiscounting { get; init; } = "norway";

    /// <summary>
    /// Years from the year discounted to until trace point 0 (JSON <c>discountTimeOffsetYears</c>, default 0;
    /// ≥ 0): trace point t is discounted at <c>t·cycleLengthYears + discountTimeOffsetYears</c> years.
    /// See <see cref="Model.SimulationOptions.DiscountTimeOffsetYears"/>.
    /// </summary>
    public double DiscountTimeOffsetYears { get; init; }

    /// <summary>
    /// The year discounted to minus the year a stepped schedule's steps count from (JSON
    /// <c>discountStepsOffsetYears</c>, default 0; any finite value). Negative when the steps count
    /// from a later year: FRAM-style, discounted to the decision year with R-109's 40/75-year steps
    /// counted from an opening year three years later, is <c>discountTimeOffsetYears: 3</c> and
    /// <c>discountStepsOffsetYears: -3</c>. See <see cref="Model.DiscountSchedule.Factor"/>.
    /// </summary>
    public double DiscountStepsOffsetYears { get; init; }

    /// <summary>The price year every amount is re-indexed to.</summary>
    public int PriceYear { get; init; } = 2024;

    /// <summary>Tax financing cost (skattefinansieringskostnad) on net public spending in the society perspective, default 0.2 .</summary>
    public double TaxFinancingCost { get; init; } = 0.2;

    /// <summary>Name of the comparator strategy (default "Business as usual").</summary>
    public string Comparator { get; init; } = "Business as usual";

    /// <summary>Number of people the population represents (default 1: per-person results).</summary>
    public double PopulationSize { get; init; } = 1.0;

    /// <summary>
    /// Perspectives to appraise by name: a payer name, <c>public</c> (all public payers),
    /// <c>society</c> (resource costs and production plus the tax financing cost on public net
    /// spending), <c>individual</c>, <c>resource-costs</c>. Default: public, society.
    /// </summary>
    public IReadOnlyList<string> Perspectives { get => _perspectives; init => _perspectives = [.. value]; }

    private readonly IReadOnlyList<string> _perspectives = ["public", "society"];

    /// <summary>
    /// The field delimiter of the CSV tables: ',' (default) or ';'. With ';' the tables may use a decimal
    /// comma (<see cref="DecimalSeparator"/>). Read from the manifest's <c>"csv": {"delimiter": ";"}</c>,
    /// and written back by <see cref="ScenarioWriter"/>.
    /// </summary>
    public char CsvDelimiter { get; init; } = ',';

    /// <summary>The decimal separator of numbers in the CSV tables: '.' (default) or ',' (only with the ';' delimiter).</summary>
    public char DecimalSeparator { get; init; } = '.';

    /// <inheritdoc/>
    public bool Equals(ScenarioSettings? other) => other is not null
        && Name == other.Name && Description == other.Description && HorizonCycles == other.HorizonCycles
        && CycleLengthYears.Equals(other.CycleLengthYears) && Counting == other.Counting && CostDiscounting == other.CostDiscounting
        && OutcomeDiscounting == other.OutcomeDiscounting && DiscountTimeOffsetYears.Equals(other.DiscountTimeOffsetYears)
        && DiscountStepsOffsetYears.Equals(other.DiscountStepsOffsetYears) && PriceYear == other.PriceYear && TaxFinancingCost.Equals(other.TaxFinancingCost)
        && Comparator == other.Comparator && PopulationSize.Equals(other.PopulationSize) && Perspectives.SequenceEqual(other.Perspectives)
        && CsvDelimiter == other.CsvDelimiter && DecimalSeparator == other.DecimalSeparator;

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Name, HorizonCycles, CycleLengthYears, PriceYear, Comparator, Perspectives.Count);
}
