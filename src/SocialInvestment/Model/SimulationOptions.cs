namespace SocialInvestment.Model;

/// <summary>How flows on transition events are weighted.</summary>
public enum TransitionEventWeighting
{
    /// <summary>An event between trace points t and t+1 counts once (weight 1), discounted at t+1.</summary>
    Unit = 0,

    /// <summary>
    /// An event between trace points t and t+1 gets the state weight <c>w_{t+1}</c> of the point it
    /// arrives at, and is discounted at t+1 (the convention of the DARTH time-dependent tutorial,
    /// whose transition rewards sit in the same array as the state rewards).
    /// </summary>
    FollowStateWeights = 1,
}

/// <summary>
/// The conventions of a run: horizon, cycle length, counting, discounting. Every convention that
/// published models disagree on is a named option here, never hidden. Immutable; use <c>with</c>.
/// </summary>
public sealed record SimulationOptions
{
    /// <summary>Horizon T in cycles (the trace has points 0..T). Must be ≥ 1. Default 60.</summary>
    public int Cycles { get; init; } = 60;

    /// <summary>Length of one cycle in years. Default 1 (annual cycles).</summary>
    public double CycleLengthYears { get; init; } = 1.0;

    /// <summary>Counting convention for state values (see <see cref="CycleWeights"/>). Default <see cref="CycleWeights.Beginning"/>.</summary>
    public CycleWeights StateWeights { get; init; } = CycleWeights.Beginning;

    /// <summary>Weighting of transition-event flows. Default <see cref="TransitionEventWeighting.Unit"/>.</summary>
    public TransitionEventWeighting TransitionEvents { get; init; } = TransitionEventWeighting.Unit;

    /// <summary>Discount schedule for money flows. Default <see cref="DiscountSchedule.Norway2021"/> (R-109/2021).</summary>
    public DiscountSchedule CostDiscounting { get; init; } = DiscountSchedule.Norway2021;

    /// <summary>Discount schedule for effect measures (QALYs, years in work). Default <see cref="DiscountSchedule.Norway2021"/>.</summary>
    public DiscountSchedule OutcomeDiscounting { get; init; } = DiscountSchedule.Norway2021;

    /// <summary>
    /// Discount timing: trace point t is discounted at <c>τ = t·CycleLengthYears + DiscountTimeOffsetYears</c>
    /// years after the year discounted to (τ = 0 is that year, undiscounted). 0 (default) leaves cycle 0
    /// undiscounted (DARTH, <c>1/1.03^t</c> for t = 0..T); 1 discounts the first cycle by a full year
    /// (Excel <c>NPV</c>); 0.5 is mid-year discounting; 3 discounts a model that starts in an opening
    /// year to a decision year three years earlier. Must be ≥ 0.
    /// </summary>
    public double DiscountTimeOffsetYears { get; init; }

    /// <summary>
    /// Where a stepped schedule's steps count from: the year discounted to minus the origin of the
    /// steps, in years (see <see cref="DiscountSchedule.Factor"/>). 0 (default): the steps count from
    /// the year discounted to. Positive: from a base year that many years earlier. Negative: from a
    /// year that many years later; the years before it are discounted at the first step's rate.
    /// Kystverket's FRAM discounts to the decision year and counts R-109's 40/75-year steps from the
    /// opening year: a model starting in the opening year, three years after the decision year, uses
    /// <c>DiscountTimeOffsetYears = 3</c> and <c>DiscountStepsOffsetYears = −3</c>. Any finite value.
    /// </summary>
    public double DiscountStepsOffsetYears { get; init; }

    /// <summary>Checks the options and returns every problem found (empty when valid).</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (Cycles < 1)
        {
            problems.Add($"The horizon must be at least one cycle (got {Cycles}).");
        }

        if (!double.IsFinite(CycleLengthYears) || CycleLengthYears <= 0)
        {
            problems.Add($"The cycle length must be a positive number of years (got {CycleLengthYears}).");
        }

        if (StateWeights is null)
        {
            problems.Add("A counting convention (StateWeights) is required.");
        }
        else if (Cycles >= 1)
        {
            try
            {
                StateWeights.For(Cycles);
            }
            catch (ArgumentException e)
            {
                problems.Add(e.Message);
            }
        }

        if (CostDiscounting is null || OutcomeDiscounting is null)
        {
            problems.Add("Discount schedules for costs and outcomes are required.");
        }

        if (!double.IsFinite(DiscountTimeOffsetYears) || DiscountTimeOffsetYears < 0)
        {
            problems.Add($"The discount time offset must be finite and ≥ 0 (got {DiscountTimeOffsetYears}).");
        }

        if (!double.IsFinite(DiscountStepsOffsetYears))
        {
            problems.Add($"The discount steps offset must be a finite number of years (got {DiscountStepsOffsetYears}).");
        }

        return problems;
    }
}
