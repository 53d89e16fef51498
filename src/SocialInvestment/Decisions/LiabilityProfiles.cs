using SocialInvestment.Engine;
using SocialInvestment.Model;

namespace SocialInvestment.Decisions;

/// <summary>A distinct (age, state, effective time in state) of a register: everyone with it has the same expected costs.</summary>
internal readonly record struct LiabilityProfile(double Age, int State, int TimeInState);

/// <summary>The per-person values of a set of profiles under one strategy and parameter set.</summary>
internal sealed class ProfileValues
{
    public required int AccountCount { get; init; }

    public required int ExpandedStateCount { get; init; }

    /// <summary>Per profile, per account: PV of all flows (base + intervention), positive = cost. [profile·A + a].</summary>
    public required double[] PresentValue { get; init; }

    /// <summary>Per profile, per account: the flows booked in row 0 (the first year), discounted. [profile·A + a].</summary>
    public required double[] FirstYear { get; init; }

    /// <summary>Per profile, expected occupancy of each expanded state at trace point 1 (null unless asked). [profile·N + x].</summary>
    public double[]? NextOccupancy { get; init; }
}

/// <summary>
/// Runs each profile as a one-person cohort with the exact cohort engine. The model is compiled once
/// per distinct start age (with every state the profiles of that age start in); each profile is then
/// propagated from its own start cell (its state, and its tunnel cycle for tunnel states).
/// </summary>
internal static class LiabilityProfiles
{
    /// <summary>The expanded-state index of the tunnel entry of each base state, and the tunnel length (≥ 1).</summary>
    public static (int[] Entry, int[] Count) Expansion(LifeCourseModel model)
    {
        var b = model.States.Count;
        var entry = new int[b];
        var count = new int[b];
        var n = 0;
        for (var s = 0; s < b; s++)
        {
            entry[s] = n;
            count[s] = Math.Max(1, model.States[s].TunnelCycles);
            n += count[s];
        }

        return (entry, count);
    }

    /// <summary>The effective time in state: capped at the tunnel's last cycle; 0 for a state without a tunnel.</summary>
    public static int EffectiveTimeInState(LifeCourseModel model, int state, int timeInState)
    {
        var t = model.States[state].TunnelCycles;
        return t > 0 ? Math.Min(Math.Max(0, timeInState), t - 1) : 0;
    }

    public static ProfileValues Value(LifeCourseModel model, Strategy strategy, ParameterValues? parameters, IReadOnlyList<LiabilityProfile> profiles, bool nextOccupancy, CancellationToken cancellationToken)
    {
        var (entry, _) = Expansion(model);
        var a = model.Accounts.Count;
        var pv = new double[profiles.Count * a];
        var first = new double[profiles.Count * a];
        double[]? next = null;
        var n = entry.Length == 0 ? 0 : entry[^1] + Math.Max(1, model.States[^1].TunnelCycles);
        if (nextOccupancy)
        {
            next = new double[profiles.Count * n];
        }

        foreach (var age in profiles.Select((p, i) => (p, i)).GroupBy(x => x.p.Age).OrderBy(g => g.Key))
        {
            cancellationToken.ThrowIfCancellationRequested();
            // Absorbing states cannot start a population: their profiles are propagated from their own cell in the untreated block
            // of a compilation for the age (its arrays hold every state's values whichever states the population starts in).
            var states = age.Select(x => x.p.State).Where(s => !model.States[s].IsAbsorbing).Distinct().Order().ToArray();
            if (states.Length == 0)
            {
                states = [Enumerable.Range(0, model.States.Count).First(s => !model.States[s].IsAbsorbing)];
            }

            var population = new Population(states.Select(s => new PopulationGroup(age.Key, model.States[s].Name, 1.0)), states.Length);
            var compiled = model.WithPopulation(population).Compile(strategy, parameters);
            var T = compiled.Cycles;
            var L = compiled.LedgerCount;
            var trace = new double[(T + 1) * compiled.BaseStateCount];
            var flows = new double[(T + 1) * L];
            var outcomes = new double[(T + 1) * Math.Max(compiled.OutcomeCount, 1)];
            var m = new double[n];
            var buffer = new double[n];
            var df = compiled.CostDiscountFactors;
            foreach (var (profile, index) in age)
            {
                Array.Clear(trace);
                Array.Clear(flows);
                Array.Clear(outcomes);
                var start = entry[profile.State] + profile.TimeInState;
                var absorbing = model.States[profile.State].IsAbsorbing;
                Subcohort[] blocks = absorbing ? [compiled.Subcohorts.FirstOrDefault(sc => sc.TreatmentMask == 0) ?? compiled.Subcohorts[0]] : compiled.Subcohorts;
                foreach (var sc in blocks)
                {
                    var share = absorbing ? 1.0 : sc.Initial[entry[profile.State]];
                    if (share == 0)
                    {
                        continue;
                    }

                    var mass = 0.0;
                    foreach (var v in sc.Initial)
                    {
                        mass += v;
                    }

                    var initial = new double[n];
                    initial[start] = share;
                    var upfront = new double[sc.Upfront.Length];
                    for (var l = 0; l < upfront.Length; l++)
                    {
                        upfront[l] = absorbing ? 0.0 : sc.Upfront[l] * (share / mass);
                    }

                    var own = new Subcohort
                    {
                        StartAge = sc.StartAge,
                        TreatmentMask = sc.TreatmentMask,
                        Initial = initial,
                        P = sc.P,
                        StateFlows = sc.StateFlows,
                        StateOutcomes = sc.StateOutcomes,
                        EventFrom = sc.EventFrom,
                        EventTo = sc.EventTo,
                        EventLedger = sc.EventLedger,
                        EventAmounts = sc.EventAmounts,
                        OutcomeEventFrom = sc.OutcomeEventFrom,
                        OutcomeEventTo = sc.OutcomeEventTo,
                        OutcomeEventIndex = sc.OutcomeEventIndex,
                        OutcomeEventValues = sc.OutcomeEventValues,
                        Upfront = upfront,
                    };
                    CohortEngine.Propagate(compiled, own, m, buffer, trace, flows, outcomes);
                    if (next is not null)
                    {
                        for (var y = 0; y < n; y++)
                        {
                            next[(index * n) + y] += share * sc.P[(start * n) + y];
                        }
                    }
                }

                for (var t = 0; t <= T; t++)
                {
                    for (var k = 0; k < a; k++)
                    {
                        var v = (flows[(t * L) + k] + flows[(t * L) + a + k]) * df[t];
                        pv[(index * a) + k] += v;
                        if (t == 0)
                        {
                            first[(index * a) + k] = v;
                        }
                    }
                }
            }
        }

        return new ProfileValues { AccountCount = a, ExpandedStateCount = n, PresentValue = pv, FirstYear = first, NextOccupancy = next };
    }
}
