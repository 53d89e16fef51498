using SocialInvestment.Model;

namespace SocialInvestment.Engine;

/// <summary>
/// How many people take part in one intervention of a strategy (expected values of the cohort
/// model, totals for the population size).
/// </summary>
/// <param name="Intervention">The intervention's name.</param>
/// <param name="Started">People who take it up at cycle 0: population × eligible share × uptake.</param>
/// <param name="Active">At each trace point 0..T, the treated people alive in a non-absorbing state (unweighted occupancy, like <see cref="SimulationResult.Occupancy(int, int)"/>).</param>
public sealed record InterventionParticipants(string Intervention, double Started, IReadOnlyList<double> Active);

/// <summary>
/// Counts the participants of each intervention of a strategy: who took it up (the treated
/// sub-cohorts of the compiled model) and how many of them are alive in a non-absorbing state at
/// each trace point. Costs one extra cohort run; stateless and thread-safe.
/// </summary>
public static class Participation
{
    /// <summary>The participants of every intervention of <paramref name="strategy"/>, in the strategy's order.</summary>
    /// <param name="model">The model.</param>
    /// <param name="strategy">The strategy.</param>
    /// <param name="parameters">Parameter values (uptake may be a parameter); null for the base case.</param>
    /// <param name="cancellationToken">Cancels the run.</param>
    public static IReadOnlyList<InterventionParticipants> Count(LifeCourseModel model, Strategy strategy, ParameterValues? parameters = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(strategy);
        var compiled = model.Compile(strategy, parameters);
        var T = compiled.Cycles;
        var B = compiled.BaseStateCount;
        var k = strategy.Interventions.Count;
        var started = new double[k];
        var active = new double[k][];
        for (var i = 0; i < k; i++)
        {
            active[i] = new double[T + 1];
        }

        var trace = new double[(T + 1) * B];
        var flows = new double[(T + 1) * compiled.LedgerCount];
        var outcomes = new double[(T + 1) * Math.Max(compiled.OutcomeCount, 1)];
        var m = new double[compiled.ExpandedStateCount];
        var next = new double[compiled.ExpandedStateCount];
        foreach (var sc in compiled.Subcohorts)
        {
            if (sc.TreatmentMask == 0)
            {
                continue;
            }

            cancellationToken.ThrowIfCancellationRequested();
            Array.Clear(trace);
            Array.Clear(flows);
            Array.Clear(outcomes);
            CohortEngine.Propagate(compiled, sc, m, next, trace, flows, outcomes);
            var mass = sc.Initial.Sum();
            for (var i = 0; i < k; i++)
            {
                if ((sc.TreatmentMask & (1 << i)) == 0)
                {
                    continue;
                }

                started[i] += mass;
                for (var t = 0; t <= T; t++)
                {
                    for (var b = 0; b < B; b++)
                    {
                        if (!model.States[b].IsAbsorbing)
                        {
                            active[i][t] += trace[(t * B) + b];
                        }
                    }
                }
            }
        }

        return Enumerable.Range(0, k).Select(i => new InterventionParticipants(strategy.Interventions[i].Name, started[i], active[i])).ToArray();
    }
}
