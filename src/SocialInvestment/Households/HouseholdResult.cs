using SocialInvestment.Engine;
using SocialInvestment.Model;

namespace SocialInvestment.Households;

/// <summary>
/// The results of the household microsimulation for one household strategy: per-household means
/// with Monte Carlo standard errors (households are the unit, so the errors account for the
/// dependence between members), household outcomes, and <see cref="Totals"/> — the run as a
/// <see cref="SimulationResult"/> of the model with the household accounts, scaled to
/// <see cref="HouseholdDefinition.Size"/> households, which the economics code (appraisal by
/// perspective and payer, settlement) reads unchanged.
/// </summary>
public sealed class HouseholdResult
{
    private readonly HouseholdRun _run;
    private readonly HouseholdArmPartial _arm;
    private readonly int _k;

    internal HouseholdResult(HouseholdRun run, int k, HouseholdArmPartial arm, long households)
    {
        _run = run;
        _k = k;
        _arm = arm;
        Households = households;
        Strategy = run.Strategies[k];
        Totals = HouseholdTotals.Build(
            run,
            k,
            [.. arm.Counts.Select(c => c.Select(v => (double)v).ToArray())],
            [.. arm.Transitions.Select(c => c.Select(v => (double)v).ToArray())],
            [.. arm.SubcohortPeople.Select(c => c.Select(v => (double)v).ToArray())],
            [.. arm.FlowCounts.Select(v => (double)v)],
            [.. arm.ActiveCounts.Select(v => (double)v)],
            run.Definition.Size / households);
    }

    /// <summary>The household strategy.</summary>
    public HouseholdStrategy Strategy { get; }

    /// <summary>Number of simulated households n.</summary>
    public long Households { get; }

    /// <summary>The perspectives with per-household estimates.</summary>
    public IReadOnlyList<Perspective> Perspectives => _run.Perspectives;

    /// <summary>
    /// The run's expected totals for <see cref="HouseholdDefinition.Size"/> households: member
    /// occupancy by state, flows by account (the members' state and transition flows, the household
    /// flows as base flows, the household interventions' costs and the family's time as intervention
    /// costs), outcomes — over <see cref="HouseholdRun.Model"/>, whose payers include the family
    /// payer. Pass two of them to <c>Appraisal.Compare</c> to see what each payer, the family
    /// included, invests and gets back.
    /// </summary>
    public SimulationResult Totals { get; }

    /// <summary>Per-household discounted net cost to a perspective (positive = cost, the input convention), mean ± Monte Carlo SE over households.</summary>
    /// <param name="perspective">One of <see cref="Perspectives"/>.</param>
    public MonteCarloEstimate CostPerHousehold(Perspective perspective) => Estimate(ScoreIndex(perspective));

    /// <summary>
    /// The household's net position from a perspective (usually <see cref="HouseholdDefinition.FamilyPerspective"/>):
    /// minus the discounted net cost, so + = the party gains (earnings, benefits received exceed
    /// what it pays), the result sign convention. Mean ± SE per household.
    /// </summary>
    /// <param name="perspective">One of <see cref="Perspectives"/>.</param>
    public MonteCarloEstimate NetPositionPerHousehold(Perspective perspective)
    {
        var e = CostPerHousehold(perspective);
        return e with { Mean = -e.Mean };
    }

    /// <summary>Per-household discounted total of an outcome (all members), mean ± SE.</summary>
    /// <param name="outcome">The outcome.</param>
    public MonteCarloEstimate OutcomePerHousehold(Outcome outcome)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        var o = _run.Model.Outcomes.Select((x, i) => (x, i)).FirstOrDefault(p => p.x.Name == outcome.Name);
        if (o.x is null)
        {
            throw new KeyNotFoundException($"The model has no outcome '{outcome.Name}'.");
        }

        return Estimate(_run.P + o.i);
    }

    /// <summary>Share of households in which a member of <paramref name="role"/> is in <paramref name="state"/> at some trace point 0..T while in the household (for example: a child ever placed in foster care), ± binomial SE √(p(1 − p)/(n − 1)) as the individual microsimulation's.</summary>
    /// <param name="role">The role.</param>
    /// <param name="state">The state.</param>
    public MonteCarloEstimate ShareEverIn(string role, string state)
    {
        var c = _arm.Ever[(Role(role) * _run.B) + State(state)];
        var p = (double)c / Households;
        return new MonteCarloEstimate(p, Math.Sqrt(p * (1 - p) / Math.Max(1, Households - 1)), Households);
    }

    /// <summary>Mean number of members of <paramref name="role"/> in <paramref name="state"/> per household at trace point <paramref name="cycle"/> (for example: adults in work).</summary>
    /// <param name="cycle">Trace point 0..T.</param>
    /// <param name="role">The role.</param>
    /// <param name="state">The state.</param>
    public double MembersInState(int cycle, string role, string state)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(cycle);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(cycle, _run.T);
        return (double)_arm.RoleCounts[(((Role(role) * (_run.T + 1)) + cycle) * _run.B) + State(state)] / Households;
    }

    /// <summary>Mean number of members present per household at trace point <paramref name="cycle"/> (those who left are not counted; the dead are), of one role or of every role (null).</summary>
    /// <param name="cycle">Trace point 0..T.</param>
    /// <param name="role">The role, or null for all.</param>
    public double MembersPresent(int cycle, string? role = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(cycle);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(cycle, _run.T);
        long n = 0;
        for (var r = 0; r < _run.R; r++)
        {
            if (role is not null && r != Role(role))
            {
                continue;
            }

            for (var b = 0; b < _run.B; b++)
            {
                n += _arm.RoleCounts[(((r * (_run.T + 1)) + cycle) * _run.B) + b];
            }
        }

        return (double)n / Households;
    }

    /// <summary>Share of households dissolved (no living member present) at trace point <paramref name="cycle"/>.</summary>
    /// <param name="cycle">Trace point 0..T.</param>
    public double ShareDissolved(int cycle) => (double)_arm.Dissolved[cycle] / Households;

    /// <summary>Share of households for which a household flow is booked at trace point <paramref name="cycle"/>.</summary>
    /// <param name="flow">The flow's name.</param>
    /// <param name="cycle">Trace point 0..T.</param>
    public double ShareWithFlow(string flow, int cycle)
    {
        var f = _run.Definition.Flows.Select((x, i) => (x, i)).FirstOrDefault(p => p.x.Name == flow);
        if (f.x is null)
        {
            throw new KeyNotFoundException($"The definition has no household flow '{flow}'.");
        }

        return (double)_arm.FlowCounts[(f.i * (_run.T + 1)) + cycle] / Households;
    }

    /// <summary>Share of households eligible for a household intervention of this strategy (at cycle 0).</summary>
    /// <param name="intervention">The intervention's name.</param>
    public double ShareEligible(string intervention) => (double)_arm.Eligible[Intervention(intervention)] / Households;

    /// <summary>Share of households taking up a household intervention of this strategy.</summary>
    /// <param name="intervention">The intervention's name.</param>
    public double ShareTakingUp(string intervention) => (double)_arm.Treated[Intervention(intervention)] / Households;

    internal MonteCarloEstimate Estimate(int score)
    {
        var mean = _arm.Sum[score].ToDouble() / Households;
        var variance = ExactSum.Variance(Households, _arm.Sum[score], _arm.SumSquares[score]);
        return new MonteCarloEstimate(mean, Math.Sqrt(variance / Households), Households);
    }

    internal MonteCarloEstimate Difference(int score)
    {
        var mean = _arm.DiffSum[score].ToDouble() / Households;
        var variance = ExactSum.Variance(Households, _arm.DiffSum[score], _arm.DiffSquares[score]);
        return new MonteCarloEstimate(mean, Math.Sqrt(variance / Households), Households);
    }

    internal int ScoreIndex(Perspective perspective)
    {
        ArgumentNullException.ThrowIfNull(perspective);
        for (var i = 0; i < _run.Perspectives.Count; i++)
        {
            if (_run.Perspectives[i].Equals(perspective))
            {
                return i;
            }
        }

        throw new KeyNotFoundException($"The run has no estimates for the perspective '{perspective.Name}'; add it to HouseholdOptions.Perspectives.");
    }

    private int Role(string role) => _run.RoleIndex.TryGetValue(role, out var r) ? r : throw new KeyNotFoundException($"The definition has no role '{role}'.");

    private int State(string state) => _run.Model.StateIndex(state);

    private int Intervention(string name)
    {
        var ivs = _run.Arms[_k].Interventions;
        for (var i = 0; i < ivs.Length; i++)
        {
            if (ivs[i].Name == name)
            {
                return i;
            }
        }

        throw new KeyNotFoundException($"The strategy '{Strategy.Name}' has no household intervention '{name}'.");
    }
}

/// <summary>The results of simulating several household strategies on the same households with common random numbers; the first is the comparator of the incremental estimates.</summary>
public sealed class HouseholdComparison
{
    internal HouseholdComparison(HouseholdPartial partial)
    {
        Run = partial.Run;
        Households = partial.Households;
        Results = ReadOnly.Own(partial.Arms.Select((a, k) => new HouseholdResult(partial.Run, k, a, Households)).ToArray());
    }

    /// <summary>The prepared run.</summary>
    public HouseholdRun Run { get; }

    /// <summary>Number of simulated households.</summary>
    public long Households { get; }

    /// <summary>One result per strategy, in run order.</summary>
    public IReadOnlyList<HouseholdResult> Results { get; }

    /// <summary>The result of a strategy by name.</summary>
    /// <param name="strategy">The strategy's name.</param>
    public HouseholdResult this[string strategy] => Results.FirstOrDefault(r => r.Strategy.Name == strategy) ?? throw new KeyNotFoundException($"The run has no household strategy '{strategy}'.");

    /// <summary>Per-household incremental discounted net cost of strategy <paramref name="strategy"/> against the first, mean ± SE of the paired differences (positive = costs more).</summary>
    /// <param name="strategy">Index of the strategy (≥ 1).</param>
    /// <param name="perspective">The perspective.</param>
    public MonteCarloEstimate IncrementalCost(int strategy, Perspective perspective)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(strategy, 1);
        var r = Results[strategy];
        return r.Difference(r.ScoreIndex(perspective));
    }

    /// <summary>Per-household incremental discounted outcome against the first strategy, mean ± SE of the paired differences.</summary>
    /// <param name="strategy">Index of the strategy (≥ 1).</param>
    /// <param name="outcome">The outcome.</param>
    public MonteCarloEstimate IncrementalOutcome(int strategy, Outcome outcome)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(strategy, 1);
        ArgumentNullException.ThrowIfNull(outcome);
        var o = Run.Model.Outcomes.Select((x, i) => (x, i)).FirstOrDefault(p => p.x.Name == outcome.Name);
        if (o.x is null)
        {
            throw new KeyNotFoundException($"The model has no outcome '{outcome.Name}'.");
        }

        return Results[strategy].Difference(Run.P + o.i);
    }
}

/// <summary>Builds the totals of a household strategy (a <see cref="SimulationResult"/>) from member occupancy, transition, flow and activity counts (integers from the microsimulation, expected masses from the exact cohort).</summary>
internal static class HouseholdTotals
{
    public static SimulationResult Build(HouseholdRun run, int k, double[][] counts, double[][] transitions, double[][] people, double[] flowCounts, double[] activeCounts, double scale)
    {
        var T = run.T;
        var N = run.N;
        var B = run.B;
        var L = 2 * run.A;
        var O = run.O;
        var trace = new double[(T + 1) * B];
        var flows = new double[(T + 1) * L];
        var outcomes = new double[(T + 1) * O];
        var w = run.StateWeights;
        var r = run.PreviousWeights;
        for (var s = 0; s < run.Sources.Length; s++)
        {
            var arm = run.Sources[s].Arms[k];
            var c = arm.Compiled;
            for (var si = 0; si < c.SubcohortCount; si++)
            {
                var sub = c.Subcohorts[si];
                for (var t = 0; t <= T; t++)
                {
                    for (var x = 0; x < N; x++)
                    {
                        var n = counts[s][(si * (T + 1) * N) + (t * N) + x];
                        if (n == 0)
                        {
                            continue;
                        }

                        trace[(t * B) + x] += scale * n;
                        var wn = scale * w[t] * n;
                        var rt = r is not null && t > 0 ? r[t] : 0.0;
                        var rn = scale * rt * n;
                        for (var l = 0; l < L; l++)
                        {
                            flows[(t * L) + l] += wn * sub.StateFlows[(((t * N) + x) * L) + l];
                            if (rn != 0)
                            {
                                flows[((t - 1) * L) + l] += rn * sub.StateFlows[((((t - 1) * N) + x) * L) + l];
                            }
                        }

                        for (var o = 0; o < O; o++)
                        {
                            outcomes[(t * O) + o] += wn * sub.StateOutcomes[(((t * N) + x) * O) + o];
                            if (rn != 0)
                            {
                                outcomes[((t - 1) * O) + o] += rn * sub.StateOutcomes[((((t - 1) * N) + x) * O) + o];
                            }
                        }
                    }
                }

                if (transitions[s].Length > 0)
                {
                    var ew = c.EventWeights;
                    var tr = transitions[s];
                    for (var t = 0; t < T; t++)
                    {
                        for (var e = 0; e < sub.EventFrom.Length; e++)
                        {
                            var n = tr[(si * T * N * N) + (((t * N) + sub.EventFrom[e]) * N) + sub.EventTo[e]];
                            flows[((t + 1) * L) + sub.EventLedger[e]] += scale * ew[t + 1] * n * sub.EventAmounts[(t * sub.EventFrom.Length) + e];
                        }

                        for (var e = 0; e < sub.OutcomeEventFrom.Length; e++)
                        {
                            var n = tr[(si * T * N * N) + (((t * N) + sub.OutcomeEventFrom[e]) * N) + sub.OutcomeEventTo[e]];
                            outcomes[((t + 1) * O) + sub.OutcomeEventIndex[e]] += scale * ew[t + 1] * n * sub.OutcomeEventValues[(t * sub.OutcomeEventFrom.Length) + e];
                        }
                    }
                }

                var up = arm.UpfrontFlow[si];
                for (var l = 0; l < L; l++)
                {
                    flows[l] += scale * people[s][si] * up[l];
                }
            }
        }

        void Add(int t, int ledger, double n, double amount)
        {
            if (n == 0)
            {
                return;
            }

            flows[(t * L) + ledger] += scale * w[t] * n * amount;
            var rt = r is not null && t > 0 ? r[t] : 0.0;
            if (rt != 0)
            {
                flows[((t - 1) * L) + ledger] += scale * rt * n * amount;
            }
        }

        for (var f = 0; f < run.FlowLedger.Length; f++)
        {
            for (var t = 0; t <= T; t++)
            {
                Add(t, run.FlowLedger[f], flowCounts[(f * (T + 1)) + t], run.FlowAmount[f]);
            }
        }

        var ivs = run.Arms[k].Interventions;
        for (var i = 0; i < ivs.Length; i++)
        {
            for (var t = 0; t <= T; t++)
            {
                foreach (var (ledger, amount) in ivs[i].Costs)
                {
                    Add(t, ledger, activeCounts[(i * (T + 1)) + t], amount);
                }
            }
        }

        var hs = run.Strategies[k];
        var strategy = new Strategy(hs.Name, [.. hs.MemberStrategy.Interventions]);
        return new SimulationResult(run.Model, strategy, run.Parameters, trace, flows, outcomes, run.CostDiscount, run.OutcomeDiscount);
    }
}
