namespace SocialInvestment.Model;

/// <summary>
/// What a model function may depend on when it is evaluated at compile time: the cycle, the age,
/// the time in state and the parameter values. Functions are evaluated once per compiled cell,
/// never inside the cycle loop.
/// </summary>
public readonly struct ModelContext
{
    internal ModelContext(int cycle, double cycleLengthYears, double startAge, int timeInState, ParameterValues parameters)
    {
        Cycle = cycle;
        CycleLengthYears = cycleLengthYears;
        StartAge = startAge;
        TimeInState = timeInState;
        Parameters = parameters;
    }

    /// <summary>Zero-based model cycle (time step). For a transition it is the cycle the transition starts in.</summary>
    public int Cycle { get; }

    /// <summary>Length of one cycle in years.</summary>
    public double CycleLengthYears { get; }

    /// <summary>Age in years of the cohort at the start of the model.</summary>
    public double StartAge { get; }

    /// <summary>Model time in years at the start of the cycle: <c>Cycle × CycleLengthYears</c>.</summary>
    public double Time => Cycle * CycleLengthYears;

    /// <summary>Age in years at the start of the cycle: <c>StartAge + Time</c>.</summary>
    public double Age => StartAge + Time;

    /// <summary>Whole age in years at the start of the cycle, <c>floor(Age)</c>, convenient for indexing life tables.</summary>
    public int AgeYears => (int)Math.Floor(Age + 1e-9);

    /// <summary>
    /// Completed cycles already spent in the current state before this cycle (0 in the first
    /// cycle). Tracked only for states with <see cref="State.TunnelCycles"/> &gt; 0; otherwise 0.
    /// </summary>
    public int TimeInState { get; }

    /// <summary>The parameter values of this compilation.</summary>
    public ParameterValues Parameters { get; }

    /// <summary>The value of a parameter.</summary>
    /// <param name="parameter">The parameter handle.</param>
    public double this[ParameterRef parameter] => Parameters[parameter];
}

/// <summary>
/// A value (a probability, a rate, an amount, an outcome score) as a function of the
/// <see cref="ModelContext"/>. Must be pure: the same context gives the same value.
/// </summary>
/// <param name="context">The cycle, age, time in state and parameter values.</param>
/// <returns>The value.</returns>
public delegate double ModelFunction(in ModelContext context);
