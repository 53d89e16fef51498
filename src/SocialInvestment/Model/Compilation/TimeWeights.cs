namespace SocialInvestment.Model;

/// <summary>
/// Compiler stage 5, counting and discounting: the weights with which each trace point's occupancy
/// is counted (own row, previous row, transition events), the share of each trace point in each
/// cycle, and the cost and outcome discount factors of every trace point 0..T. Independent of the
/// parameters and the strategy.
/// </summary>
internal sealed class TimeWeights
{
    private TimeWeights(double[] stateWeights, double[]? previousWeights, double[] eventWeights, (int Cycle, double Share)[][] cycleShares, double[] costDf, double[] outcomeDf)
    {
        StateWeights = stateWeights;
        PreviousWeights = previousWeights;
        EventWeights = eventWeights;
        CycleShares = cycleShares;
        CostDiscountFactors = costDf;
        OutcomeDiscountFactors = outcomeDf;
    }

    /// <summary>l_t: the occupancy at t booked in row t.</summary>
    public double[] StateWeights { get; }

    /// <summary>r_t: the occupancy at t booked in row t − 1 (per-cycle conventions), or null.</summary>
    public double[]? PreviousWeights { get; }

    /// <summary>The weight of a transition event arriving at trace point t.</summary>
    public double[] EventWeights { get; }

    /// <summary>The cycles each trace point belongs to, with its share in each.</summary>
    public (int Cycle, double Share)[][] CycleShares { get; }

    /// <summary>Cost discount factor at each trace point.</summary>
    public double[] CostDiscountFactors { get; }

    /// <summary>Outcome discount factor at each trace point.</summary>
    public double[] OutcomeDiscountFactors { get; }

    /// <summary>The weights and factors of a model's options.</summary>
    public static TimeWeights Of(SimulationOptions options)
    {
        var T = options.Cycles;
        var dt = options.CycleLengthYears;
        var totalWeights = options.StateWeights.For(T);
        var eventWeights = new double[T + 1];
        for (var t = 1; t <= T; t++)
        {
            eventWeights[t] = options.TransitionEvents == TransitionEventWeighting.FollowStateWeights ? totalWeights[t] : 1.0;
        }

        var costDf = new double[T + 1];
        var outcomeDf = new double[T + 1];
        for (var t = 0; t <= T; t++)
        {
            var time = (t * dt) + options.DiscountTimeOffsetYears;
            costDf[t] = options.CostDiscounting.Factor(time, options.DiscountStepsOffsetYears);
            outcomeDf[t] = options.OutcomeDiscounting.Factor(time, options.DiscountStepsOffsetYears);
        }

        return new TimeWeights(options.StateWeights.OwnRowWeights(T), options.StateWeights.PreviousRowWeights(T), eventWeights, options.StateWeights.CycleShares(T), costDf, outcomeDf);
    }
}
