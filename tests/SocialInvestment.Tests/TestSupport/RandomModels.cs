using SocialInvestment.Engine;
using SocialInvestment.Model;

namespace SocialInvestment.Tests.TestSupport;

/// <summary>Random but valid models for property tests, fully determined by a seed.</summary>
public static class RandomModels
{
    public static readonly Payer Kommune = new("kommune", true);
    public static readonly Payer Staten = new("staten", true);
    public static readonly Sector Services = new("services");
    public static readonly Account KommuneCost = new(Kommune, Services, FlowKind.ResourceCost);
    public static readonly Account StatenTransfer = new(Staten, Services, FlowKind.Transfer);

    /// <summary>A model with <paramref name="states"/> transient states plus Dead, random rows (with remainders), flows and a QALY outcome.</summary>
    public static LifeCourseModelBuilder Builder(int seed, int states, int cycles, double flowScale = 1.0, bool ageDependent = false, bool tunnel = false)
    {
        var rng = new Random(seed);
        var b = new LifeCourseModelBuilder($"random-{seed}");
        for (var s = 0; s < states; s++)
        {
            b.AddState($"S{s}", tunnelCycles: tunnel && s == 0 ? 3 : 0);
        }

        b.AddState("Dead", absorbing: true);
        b.AddPayers(Kommune, Staten).AddSectors(Services).AddOutcomes(Outcome.Qaly);
        for (var s = 0; s < states; s++)
        {
            var weights = Enumerable.Range(0, states + 1).Select(_ => rng.NextDouble()).ToArray();
            var total = weights.Sum() * (1.2 + rng.NextDouble());
            for (var j = 0; j <= states; j++)
            {
                if (j == s)
                {
                    continue;
                }

                var p = weights[j] / total;
                var to = j == states ? "Dead" : $"S{j}";
                if (ageDependent)
                {
                    var slope = rng.NextDouble() * 0.01;
                    b.Probability($"S{s}", to, (in ModelContext c) => p * (1 - slope * Math.Min(c.Cycle + c.TimeInState, 50)));
                }
                else
                {
                    b.Probability($"S{s}", to, p);
                }
            }

            b.Remainder($"S{s}", $"S{s}");
            b.StateFlow($"S{s}", KommuneCost, flowScale * Math.Round(rng.NextDouble() * 100_000));
            b.StateFlow($"S{s}", StatenTransfer, flowScale * Math.Round(rng.NextDouble() * 50_000));
            b.StateOutcome($"S{s}", Outcome.Qaly, rng.NextDouble());
        }

        b.TransitionFlow(null, "Dead", KommuneCost, flowScale * 10_000);
        b.WithPopulation(new Population(Enumerable.Range(0, states).Select(s => new PopulationGroup(10 + (s % 2), $"S{s}", rng.NextDouble() + 0.1)), 100));
        b.WithOptions(new SimulationOptions { Cycles = cycles, StateWeights = CycleWeights.HalfCycle });
        return b;
    }
}
