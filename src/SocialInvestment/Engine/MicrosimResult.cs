using SocialInvestment.Model;

namespace SocialInvestment.Engine;

/// <summary>A Monte Carlo estimate: the sample mean over simulated people and its standard error.</summary>
/// <param name="Mean">Sample mean.</param>
/// <param name="StandardError">Monte Carlo standard error, <c>s/√n</c> with the unbiased sample standard deviation s.</param>
/// <param name="Count">Number of people n.</param>
public readonly record struct MonteCarloEstimate(double Mean, double StandardError, long Count);

/// <summary>One simulated person (kept only when <see cref="MicrosimOptions.KeepPersonRecords"/> is set).</summary>
/// <param name="Person">Global person index.</param>
/// <param name="Subcohort">Sub-cohort (start age × treatment pattern) the person belongs to.</param>
/// <param name="Scores">Discounted totals: net cost per perspective (in <see cref="MicrosimResult.Perspectives"/> order), then each outcome.</param>
/// <param name="CyclesInState">Cycles (trace points 0..T−1) spent in each base state (empty when distributions are not tracked).</param>
/// <param name="FirstEntry">First trace point in each base state, −1 if never (empty when distributions are not tracked).</param>
public sealed record MicrosimPersonRecord(long Person, int Subcohort, IReadOnlyList<double> Scores, IReadOnlyList<int> CyclesInState, IReadOnlyList<int> FirstEntry);

/// <summary>
/// The results of a microsimulation for one strategy. The inherited members
/// (<see cref="SimulationResult.Occupancy(int, int)"/>, <see cref="SimulationResult.Flow"/>,
/// <see cref="SimulationResult.TotalCost"/>, …) hold the Monte Carlo estimates of the cohort
/// engine's expected values, scaled to the model's population size, so the economics code works on
/// them unchanged. The members declared here give per-person means with Monte Carlo standard errors
/// and the distributions only individuals show.
/// </summary>
public sealed class MicrosimResult : SimulationResult
{
    private readonly ArmPartial _arm;
    private readonly ArmPlan _plan;
    private readonly IReadOnlyList<Perspective> _perspectives;

    internal MicrosimResult(CompiledModel c, ArmPlan plan, ArmPartial arm, long people, IReadOnlyList<Perspective> perspectives, ulong seed)
        : base(c.Model, c.Strategy, c.Parameters, BuildTrace(plan, arm, people), BuildFlows(plan, arm, people), BuildOutcomes(plan, arm, people), c.CostDiscountFactors, c.OutcomeDiscountFactors)
    {
        _arm = arm;
        _plan = plan;
        _perspectives = perspectives;
        People = people;
        Seed = seed;
    }

    /// <summary>Number of simulated people n.</summary>
    public long People { get; }

    /// <summary>The generator seed.</summary>
    public ulong Seed { get; }

    /// <summary>The perspectives with per-person cost estimates.</summary>
    public IReadOnlyList<Perspective> Perspectives => _perspectives;

    /// <summary>Whether distributions were tracked.</summary>
    public bool HasDistributions => _arm.YearsHistogram.Length > 0;

    /// <summary>Person records in person order (empty unless requested).</summary>
    public IReadOnlyList<MicrosimPersonRecord> PersonRecords => _arm.Records;

    /// <summary>Per-person discounted net cost to a perspective (positive = cost), mean ± Monte Carlo SE.</summary>
    /// <param name="perspective">One of <see cref="Perspectives"/> (matched by name).</param>
    public MonteCarloEstimate CostPerPerson(Perspective perspective) => Estimate(ScoreIndex(perspective));

    /// <summary>Per-person discounted total of an outcome, mean ± Monte Carlo SE.</summary>
    /// <param name="outcome">The outcome.</param>
    public MonteCarloEstimate OutcomePerPerson(Outcome outcome) => Estimate(OutcomeScore(outcome));

    /// <summary>Share of people who are in a base state at some trace point 0..T, ± binomial SE.</summary>
    /// <param name="state">State name.</param>
    public MonteCarloEstimate ShareEverIn(string state)
    {
        var h = FirstEntryHistogram(state);
        var never = h[^1];
        var p = (double)(People - never) / People;
        return new MonteCarloEstimate(p, Math.Sqrt(p * (1 - p) / Math.Max(1, People - 1)), People);
    }

    /// <summary>Years spent in a base state (cycles 0..T−1 × cycle length) per person, mean ± SE.</summary>
    /// <param name="state">State name.</param>
    public MonteCarloEstimate YearsInState(string state)
    {
        var h = YearsInStateHistogram(state);
        double s1 = 0, s2 = 0;
        for (var k = 0; k < h.Length; k++)
        {
            var y = k * CycleLengthYears;
            s1 += h[k] * y;
            s2 += h[k] * y * y;
        }

        var mean = s1 / People;
        var variance = People > 1 ? Math.Max(0, (s2 - (s1 * mean)) / (People - 1)) : double.NaN;
        return new MonteCarloEstimate(mean, Math.Sqrt(variance / People), People);
    }

    /// <summary>Number of people by cycles spent in a base state: element k counts people with k cycles (k = 0..T).</summary>
    /// <param name="state">State name.</param>
    public long[] YearsInStateHistogram(string state)
    {
        RequireDistributions();
        var b = Model.StateIndex(state);
        return _arm.YearsHistogram.AsSpan(b * (Cycles + 1), Cycles + 1).ToArray();
    }

    /// <summary>Number of people by first trace point in a base state: element t (0..T) counts first entries at t, element T+1 those never in it.</summary>
    /// <param name="state">State name.</param>
    public long[] FirstEntryHistogram(string state)
    {
        RequireDistributions();
        var b = Model.StateIndex(state);
        return _arm.FirstEntryHistogram.AsSpan(b * (Cycles + 2), Cycles + 2).ToArray();
    }

    /// <summary>Years to first entry into a base state among people who enter it (trace point × cycle length), mean ± SE; NaN mean when nobody enters.</summary>
    /// <param name="state">State name.</param>
    public MonteCarloEstimate TimeToFirstEntry(string state)
    {
        var h = FirstEntryHistogram(state);
        long n = 0;
        double s1 = 0, s2 = 0;
        for (var t = 0; t <= Cycles; t++)
        {
            var y = t * CycleLengthYears;
            n += h[t];
            s1 += h[t] * y;
            s2 += h[t] * y * y;
        }

        if (n == 0)
        {
            return new MonteCarloEstimate(double.NaN, double.NaN, 0);
        }

        var mean = s1 / n;
        var variance = n > 1 ? Math.Max(0, (s2 - (s1 * mean)) / (n - 1)) : double.NaN;
        return new MonteCarloEstimate(mean, Math.Sqrt(variance / n), n);
    }

    internal MonteCarloEstimate Estimate(int score)
    {
        var mean = _arm.Sum[score].ToDouble() / People;
        var variance = ExactSum.Variance(People, _arm.Sum[score], _arm.SumSquares[score]);
        return new MonteCarloEstimate(mean, Math.Sqrt(variance / People), People);
    }

    internal MonteCarloEstimate Difference(int score)
    {
        var mean = _arm.DiffSum[score].ToDouble() / People;
        var variance = ExactSum.Variance(People, _arm.DiffSum[score], _arm.DiffSquares[score]);
        return new MonteCarloEstimate(mean, Math.Sqrt(variance / People), People);
    }

    internal int ScoreIndex(Perspective perspective)
    {
        ArgumentNullException.ThrowIfNull(perspective);
        for (var i = 0; i < _perspectives.Count; i++)
        {
            if (_perspectives[i].Equals(perspective))
            {
                return i;
            }
        }

        throw new KeyNotFoundException($"The run has no estimates for the perspective '{perspective.Name}'; add it to MicrosimOptions.Perspectives.");
    }

    internal int OutcomeScore(Outcome outcome)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        for (var i = 0; i < Outcomes.Count; i++)
        {
            if (Outcomes[i].Name == outcome.Name)
            {
                return _perspectives.Count + i;
            }
        }

        throw new KeyNotFoundException($"The model has no outcome '{outcome.Name}'.");
    }

    private void RequireDistributions()
    {
        if (!HasDistributions)
        {
            throw new InvalidOperationException("Distributions were not tracked (MicrosimOptions.TrackDistributions is false).");
        }
    }

    private static double Scale(ArmPlan plan, long people) => plan.PopulationSize / people;

    private static double[] BuildTrace(ArmPlan a, ArmPartial arm, long people)
    {
        var f = Scale(a, people);
        var trace = new double[(a.T + 1) * a.BaseStates];
        for (var sc = 0; sc < a.SubcohortCount; sc++)
        {
            for (var t = 0; t <= a.T; t++)
            {
                for (var x = 0; x < a.N; x++)
                {
                    long c = 0;
                    for (var d = 0; d < a.D; d++)
                    {
                        c += arm.Counts[(sc * a.CountStride) + ((((t * a.N) + x) * a.D) + d)];
                    }

                    trace[(t * a.BaseStates) + a.BaseOf[x]] += f * c;
                }
            }
        }

        return trace;
    }

    private static double[] BuildFlows(ArmPlan a, ArmPartial arm, long people) => BuildValues(a, arm, people, ledger: true);

    private static double[] BuildOutcomes(ArmPlan a, ArmPartial arm, long people) => a.O == 0 ? [] : BuildValues(a, arm, people, ledger: false);

    private static double[] BuildValues(ArmPlan a, ArmPartial arm, long people, bool ledger)
    {
        var c = a.Compiled;
        var f = Scale(a, people);
        var K = ledger ? a.L : a.O;
        var result = new double[(a.T + 1) * K];
        var w = c.StateWeights;
        var r = c.PreviousWeights;
        var ew = c.EventWeights;
        var N = a.N;
        for (var si = 0; si < a.SubcohortCount; si++)
        {
            var sc = c.Subcohorts[si];
            var values = ledger ? sc.StateFlows : sc.StateOutcomes;
            for (var t = 0; t <= a.T; t++)
            {
                for (var x = 0; x < N; x++)
                {
                    for (var d = 0; d < a.D; d++)
                    {
                        var cell = (((t * N) + x) * a.D) + d;
                        var n = arm.Counts[(si * a.CountStride) + cell];
                        if (n == 0)
                        {
                            continue;
                        }

                        var wn = f * w[t] * n;
                        for (var k = 0; k < K; k++)
                        {
                            result[(t * K) + k] += wn * values[(((t * N) + x) * K) + k];
                        }

                        // Per-cycle conventions: the end half of cycle t − 1, with that cycle's values, in its row.
                        var rt = r is not null && t > 0 ? r[t] : 0.0;
                        var rn = f * rt * n;
                        if (rn != 0)
                        {
                            for (var k = 0; k < K; k++)
                            {
                                result[((t - 1) * K) + k] += rn * values[((((t - 1) * N) + x) * K) + k];
                            }
                        }

                        foreach (var v in a.Values)
                        {
                            var k = ledger ? v.Ledger : v.Outcome;
                            if (v.State != x || k < 0)
                            {
                                continue;
                            }

                            var amount = v.Attribute >= 0
                                ? (arm.WeightedCounts[(((v.WeightedPosition * a.SubcohortCount) + si) * a.CountStride) + cell]?.ToDouble() ?? 0) * v.ValueByDuration[d]
                                : n * v.ValueByDuration[d];
                            result[(t * K) + k] += (f * w[t] * amount) - (wn * values[(((t * N) + x) * K) + k]);
                            if (rn != 0)
                            {
                                result[((t - 1) * K) + k] += (f * rt * amount) - (rn * values[((((t - 1) * N) + x) * K) + k]);
                            }
                        }
                    }
                }
            }

            if (a.HasEvents)
            {
                var E = ledger ? sc.EventFrom.Length : sc.OutcomeEventFrom.Length;
                var from = ledger ? sc.EventFrom : sc.OutcomeEventFrom;
                var to = ledger ? sc.EventTo : sc.OutcomeEventTo;
                var target = ledger ? sc.EventLedger : sc.OutcomeEventIndex;
                var amounts = ledger ? sc.EventAmounts : sc.OutcomeEventValues;
                for (var t = 0; t < a.T; t++)
                {
                    for (var e = 0; e < E; e++)
                    {
                        var n = arm.Transitions[(si * a.TransitionStride) + (((t * N) + from[e]) * N) + to[e]];
                        result[((t + 1) * K) + target[e]] += f * ew[t + 1] * n * amounts[(t * E) + e];
                    }
                }
            }

            if (ledger)
            {
                var up = a.UpfrontFlow[si];
                for (var l = 0; l < a.L; l++)
                {
                    result[l] += f * arm.SubcohortPeople[si] * up[l];
                }
            }
        }

        return result;
    }
}

/// <summary>
/// The results of simulating several strategies on the same people with common random numbers;
/// the first strategy is the comparator of the incremental estimates.
/// </summary>
public sealed class MicrosimComparison
{
    internal MicrosimComparison(MicrosimPartial partial)
    {
        var plan = partial.Plan;
        People = partial.People;
        var ranges = partial.Ranges;
        if (ranges.Count != 1)
        {
            throw new ArgumentException("The partial does not cover one contiguous range of people; merge all shards first.", nameof(partial));
        }

        var results = new MicrosimResult[plan.Arms.Length];
        for (var k = 0; k < results.Length; k++)
        {
            partial.Arms[k].Records.Sort((a, b) => a.Person.CompareTo(b.Person));
            results[k] = new MicrosimResult(plan.Compiled[k], plan.Arms[k], partial.Arms[k], People, plan.Perspectives, plan.Options.Seed);
        }

        Results = ReadOnly.Copy(results);
    }

    /// <summary>Number of simulated people.</summary>
    public long People { get; }

    /// <summary>One result per strategy, in run order.</summary>
    public IReadOnlyList<MicrosimResult> Results { get; }

    /// <summary>The result of a strategy by name.</summary>
    /// <param name="strategy">Strategy name.</param>
    public MicrosimResult this[string strategy] => Results.FirstOrDefault(r => r.Strategy.Name == strategy) ?? throw new KeyNotFoundException($"The run has no strategy '{strategy}'.");

    /// <summary>
    /// Per-person incremental discounted cost of strategy <paramref name="strategy"/> against the
    /// first strategy, mean ± SE of the paired differences (common random numbers make it far
    /// smaller than either arm's SE).
    /// </summary>
    /// <param name="strategy">Index of the strategy (≥ 1).</param>
    /// <param name="perspective">The perspective.</param>
    public MonteCarloEstimate IncrementalCost(int strategy, Perspective perspective)
    {
        var r = Arm(strategy);
        return r.Difference(r.ScoreIndex(perspective));
    }

    /// <summary>Per-person incremental discounted outcome against the first strategy, mean ± SE of the paired differences.</summary>
    /// <param name="strategy">Index of the strategy (≥ 1).</param>
    /// <param name="outcome">The outcome.</param>
    public MonteCarloEstimate IncrementalOutcome(int strategy, Outcome outcome)
    {
        var r = Arm(strategy);
        return r.Difference(r.OutcomeScore(outcome));
    }

    private MicrosimResult Arm(int strategy)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(strategy, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(strategy, Results.Count);
        return Results[strategy];
    }
}
