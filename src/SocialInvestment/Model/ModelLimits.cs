using System.Globalization;

namespace SocialInvestment.Model;

/// <summary>
/// The size and magnitude limits a model must respect before anything is allocated by its size.
/// <see cref="LifeCourseModelBuilder.Build"/>, <see cref="LifeCourseModel.WithOptions"/> and
/// <see cref="LifeCourseModel.WithPopulation"/> check them first, so that a host embedding the
/// library is protected from a model (or an uploaded scenario) that would take unbounded memory or
/// produce non-finite results; each breach is a <see cref="ValidationProblem"/> naming the setting,
/// the value and the limit. The defaults are generous for real life-course models; a host raises or
/// lowers them with <c>with</c> and <see cref="LifeCourseModelBuilder.WithLimits"/>. Immutable.
/// </summary>
public sealed record ModelLimits
{
    /// <summary>The default limits (the values documented on each property).</summary>
    public static ModelLimits Default { get; } = new();

    /// <summary>
    /// Smallest horizon in cycles (<see cref="SimulationOptions.Cycles"/>): 1. Not a setting (a run
    /// needs at least one cycle); the one place the lower bound is written, read by
    /// <see cref="SimulationOptions.Validate"/>, the scenario format and the socinv CLI.
    /// </summary>
    public const int MinCycles = 1;

    /// <summary>Largest horizon in cycles (<see cref="SimulationOptions.Cycles"/>). Default 1 200 (100 years of monthly cycles).</summary>
    public int MaxCycles { get; init; } = 1200;

    /// <summary>Largest horizon in years (cycles × cycle length). Default 200, so that every discount factor stays finite.</summary>
    public double MaxHorizonYears { get; init; } = 200;

    /// <summary>Largest cycle length in years (<see cref="SimulationOptions.CycleLengthYears"/>). Default 10.</summary>
    public double MaxCycleLengthYears { get; init; } = 10;

    /// <summary>Largest number of cycles one state tracks time in state for (<see cref="State.TunnelCycles"/>). Default 1 200.</summary>
    public int MaxTunnelCycles { get; init; } = 1200;

    /// <summary>Largest number of states after tunnel expansion (each tracked state counts once per tracked cycle). Default 2 000.</summary>
    public int MaxExpandedStates { get; init; } = 2000;

    /// <summary>
    /// Largest number of numbers one compiled strategy holds:
    /// sub-cohorts × (cycles × states² + (cycles + 1) × states × (2 × accounts + outcomes)), states after
    /// tunnel expansion and sub-cohorts = distinct start ages × 2^interventions (an upper bound).
    /// Default 100 000 000 (about 800 MB of doubles).
    /// </summary>
    public long MaxCompiledCells { get; init; } = 100_000_000;

    /// <summary>Largest magnitude of an amount per person and cycle, a parameter's base value or an outcome value. Default 1e15.</summary>
    public double MaxAbsoluteValue { get; init; } = 1e15;

    /// <summary>Largest population size (<see cref="Population.Size"/>). Default 1e10.</summary>
    public double MaxPopulationSize { get; init; } = 1e10;

    /// <summary>Lowest start age of a population group, in years. Default 0.</summary>
    public double MinStartAge { get; init; }

    /// <summary>Highest start age of a population group, in years. Default 130.</summary>
    public double MaxStartAge { get; init; } = 130;

    /// <summary>Discount rates must be greater than this (per year). Default −0.5.</summary>
    public double MinDiscountRate { get; init; } = -0.5;

    /// <summary>Largest discount rate (per year). Default 1 (100 %).</summary>
    public double MaxDiscountRate { get; init; } = 1;

    /// <summary>The problems of the limits themselves (each must be positive and finite; empty when valid).</summary>
    /// <returns>Every problem found.</returns>
    public IReadOnlyList<ValidationProblem> Validate()
    {
        var problems = new List<ValidationProblem>();
        void Positive(string name, double value)
        {
            if (!(value > 0) || double.IsNaN(value))
            {
                problems.Add(new ValidationProblem(ProblemSubject.Of(ProblemKind.Limit, name), "limits", string.Create(CultureInfo.InvariantCulture, $"{name} must be positive (got {value}).")));
            }
        }

        Positive(nameof(MaxCycles), MaxCycles);
        Positive(nameof(MaxHorizonYears), MaxHorizonYears);
        Positive(nameof(MaxCycleLengthYears), MaxCycleLengthYears);
        Positive(nameof(MaxTunnelCycles), MaxTunnelCycles);
        Positive(nameof(MaxExpandedStates), MaxExpandedStates);
        Positive(nameof(MaxCompiledCells), MaxCompiledCells);
        Positive(nameof(MaxAbsoluteValue), MaxAbsoluteValue);
        Positive(nameof(MaxPopulationSize), MaxPopulationSize);
        if (!(MinStartAge <= MaxStartAge) || !double.IsFinite(MinStartAge) || !double.IsFinite(MaxStartAge))
        {
            problems.Add(new ValidationProblem(ProblemSubject.Of(ProblemKind.Limit, nameof(MinStartAge), nameof(MaxStartAge)), "limits", "MinStartAge and MaxStartAge must be finite with MinStartAge ≤ MaxStartAge."));
        }

        if (!(MinDiscountRate < MaxDiscountRate) || !(MinDiscountRate >= -1) || !double.IsFinite(MaxDiscountRate))
        {
            problems.Add(new ValidationProblem(ProblemSubject.Of(ProblemKind.Limit, nameof(MinDiscountRate), nameof(MaxDiscountRate)), "limits", "MinDiscountRate must be ≥ −1 and below a finite MaxDiscountRate."));
        }

        return problems;
    }

    /// <summary>Checks a discount rate against <see cref="MinDiscountRate"/> and <see cref="MaxDiscountRate"/>.</summary>
    /// <param name="rate">The rate per year.</param>
    /// <returns>Null when within the limits, otherwise a sentence naming the value and the limits.</returns>
    public string? CheckDiscountRate(double rate)
        => rate > MinDiscountRate && rate <= MaxDiscountRate
            ? null
            : string.Create(CultureInfo.InvariantCulture, $"The discount rate {rate:R} is outside the limits ({MinDiscountRate:R}, {MaxDiscountRate:R}] (ModelLimits.MinDiscountRate, MaxDiscountRate).");

    /// <summary>
    /// The problems of run options against these limits: cycles, horizon in years, cycle length, the
    /// discount offsets (at most <see cref="MaxHorizonYears"/> in magnitude) and every rate of both discount schedules. Checked before the options are used to allocate anything.
    /// </summary>
    /// <param name="options">The options.</param>
    /// <returns>Every breach (empty when within the limits).</returns>
    public IReadOnlyList<ValidationProblem> CheckOptions(SimulationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = new List<ValidationProblem>();
        void Add(string option, string message) => problems.Add(new ValidationProblem(ProblemSubject.Setting(option), "options", message));
        if (options.Cycles > MaxCycles)
        {
            Add(nameof(SimulationOptions.Cycles), string.Create(CultureInfo.InvariantCulture, $"The horizon of {options.Cycles} cycles exceeds the limit of {MaxCycles} (ModelLimits.MaxCycles)."));
        }

        if (options.CycleLengthYears > MaxCycleLengthYears)
        {
            Add(nameof(SimulationOptions.CycleLengthYears), string.Create(CultureInfo.InvariantCulture, $"The cycle length of {options.CycleLengthYears:R} years exceeds the limit of {MaxCycleLengthYears:R} years (ModelLimits.MaxCycleLengthYears)."));
        }

        var years = options.Cycles * options.CycleLengthYears;
        if (years > MaxHorizonYears && options.Cycles <= MaxCycles && options.CycleLengthYears <= MaxCycleLengthYears)
        {
            Add(nameof(SimulationOptions.Cycles), string.Create(CultureInfo.InvariantCulture, $"The horizon of {options.Cycles} cycles of {options.CycleLengthYears:R} years ({years:R} years) exceeds the limit of {MaxHorizonYears:R} years (ModelLimits.MaxHorizonYears)."));
        }

        foreach (var (name, option, offset) in new[] { ("time", nameof(SimulationOptions.DiscountTimeOffsetYears), options.DiscountTimeOffsetYears), ("steps", nameof(SimulationOptions.DiscountStepsOffsetYears), options.DiscountStepsOffsetYears) })
        {
            if (Math.Abs(offset) > MaxHorizonYears)
            {
                Add(option, string.Create(CultureInfo.InvariantCulture, $"The discount {name} offset of {offset:R} years exceeds ±{MaxHorizonYears:R} years (ModelLimits.MaxHorizonYears)."));
            }
        }

        foreach (var (what, option, schedule) in new[] { ("cost", nameof(SimulationOptions.CostDiscounting), options.CostDiscounting), ("outcome", nameof(SimulationOptions.OutcomeDiscounting), options.OutcomeDiscounting) })
        {
            if (schedule is null)
            {
                continue;
            }

            foreach (var step in schedule.Steps)
            {
                if (CheckDiscountRate(step.Rate) is string m)
                {
                    Add(option, $"The {what} discount schedule '{schedule.Name}': {m}");
                }
            }
        }

        return problems;
    }

    /// <summary>Checks a population against <see cref="MaxPopulationSize"/>, <see cref="MinStartAge"/> and <see cref="MaxStartAge"/>.</summary>
    /// <param name="population">The population.</param>
    /// <returns>Every breach (empty when within the limits).</returns>
    public IReadOnlyList<ValidationProblem> CheckPopulation(Population population)
    {
        ArgumentNullException.ThrowIfNull(population);
        var problems = new List<ValidationProblem>();
        if (population.Size > MaxPopulationSize)
        {
            problems.Add(new ValidationProblem(ProblemSubject.Of(ProblemKind.Population), "population", string.Create(CultureInfo.InvariantCulture, $"The population size {population.Size:R} exceeds the limit of {MaxPopulationSize:R} (ModelLimits.MaxPopulationSize).")) { Member = nameof(Population.Size) });
        }

        for (var i = 0; i < population.Groups.Count; i++)
        {
            var g = population.Groups[i];
            if (double.IsFinite(g.StartAge) && (g.StartAge < MinStartAge || g.StartAge > MaxStartAge))
            {
                problems.Add(new ValidationProblem(
                    ProblemSubject.PopulationGroup(i + 1),
                    string.Create(CultureInfo.InvariantCulture, $"population group {i + 1} ('{g.State}', age {g.StartAge})"),
                    string.Create(CultureInfo.InvariantCulture, $"The start age {g.StartAge:R} is outside the model's age range [{MinStartAge:R}, {MaxStartAge:R}] (ModelLimits.MinStartAge, MaxStartAge)."))
                { Member = nameof(PopulationGroup.StartAge) });
            }
        }

        return problems;
    }

    /// <summary>
    /// An upper bound on the numbers one compiled strategy holds (see <see cref="MaxCompiledCells"/>),
    /// computed without overflow (saturates at <see cref="long.MaxValue"/>).
    /// </summary>
    /// <param name="cycles">Cycles.</param>
    /// <param name="expandedStates">States after tunnel expansion.</param>
    /// <param name="accounts">Accounts.</param>
    /// <param name="outcomes">Outcomes.</param>
    /// <param name="subcohorts">Sub-cohorts.</param>
    /// <returns>The number of cells.</returns>
    public static long CompiledCells(long cycles, long expandedStates, long accounts, long outcomes, long subcohorts)
    {
        var perSubcohort = ((double)cycles * expandedStates * expandedStates) + ((cycles + 1.0) * expandedStates * ((2.0 * accounts) + Math.Max(outcomes, 1)));
        var total = perSubcohort * Math.Max(subcohorts, 1);
        return total >= long.MaxValue ? long.MaxValue : (long)total;
    }
}
