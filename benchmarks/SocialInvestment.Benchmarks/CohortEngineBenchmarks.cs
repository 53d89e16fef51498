using BenchmarkDotNet.Attributes;
using SocialInvestment.Economics;
using SocialInvestment.Engine;
using SocialInvestment.Model;

namespace SocialInvestment.Benchmarks;

/// <summary>
/// The cohort engine on the welfare-sized model (15 states, 80 cycles, 4 payers × 8 sectors)
/// against a deliberately naive implementation: a direct port of a spreadsheet-style loop that
/// calls the model functions every cycle, keeps occupancy and ledgers in dictionaries keyed by
/// name and allocates as it goes. Ratios, not absolute times, are the signal on a shared 2-core machine.
/// </summary>
[MemoryDiagnoser]
public class CohortEngineBenchmarks
{
    private LifeCourseModel _model = null!;
    private CompiledModel _compiled = null!;
    private Strategy _strategy = null!;

    [GlobalSetup]
    public void Setup()
    {
        _model = WelfareModel.Build();
        _strategy = _model.Strategies[0];
        _compiled = _model.Compile(_strategy);
        var engine = CohortEngine.RunCompiled(_compiled).TotalCost(Perspective.PublicSector);
        var naive = NaiveCohort.PublicCost(_model);
        if (Math.Abs(engine - naive) > 1e-6 * Math.Abs(engine))
        {
            throw new InvalidOperationException($"The naive baseline disagrees with the engine: {naive} vs {engine}.");
        }
    }

    [Benchmark(Baseline = true, Description = "naive: functions + dictionaries every cycle")]
    public double Naive() => NaiveCohort.PublicCost(_model);

    [Benchmark(Description = "engine: compile + run")]
    public double CompileAndRun() => CohortEngine.Run(_model, _strategy).TotalCost(Perspective.PublicSector);

    [Benchmark(Description = "engine: run a compiled model")]
    public double RunCompiled() => CohortEngine.RunCompiled(_compiled).TotalCost(Perspective.PublicSector);
}

/// <summary>
/// The naive baseline: business as usual only (no interventions, no tunnels), everything
/// re-evaluated every cycle through dictionaries.
/// </summary>
public static class NaiveCohort
{
    public static double PublicCost(LifeCourseModel model)
    {
        var o = model.Options;
        var weights = o.StateWeights.For(o.Cycles);
        var total = 0.0;
        foreach (var group in model.Population.Groups)
        {
            var share = group.Weight / model.Population.Groups.Sum(g => g.Weight) * model.Population.Size;
            var m = model.States.ToDictionary(s => s.Name, s => s.Name == group.State ? share : 0.0);
            for (var t = 0; t <= o.Cycles; t++)
            {
                var ctx = NaiveContext(t, group.StartAge, model);
                var df = o.CostDiscounting.Factor((t * o.CycleLengthYears) + o.DiscountTimeOffsetYears);
                foreach (var f in model.Flows.Where(f => f.Trigger == FlowTrigger.StateOccupancy && f.Account.Payer.IsPublic))
                {
                    total += weights[t] * df * m[f.FromState!] * f.Amount(in ctx);
                }

                if (t == o.Cycles)
                {
                    break;
                }

                var next = model.States.ToDictionary(s => s.Name, _ => 0.0);
                foreach (var s in model.States)
                {
                    var row = new Dictionary<string, double>();
                    if (s.IsAbsorbing)
                    {
                        row[s.Name] = 1;
                    }
                    else
                    {
                        foreach (var tr in model.Transitions.Where(x => x.From == s.Name && x.Kind == TransitionValueKind.Probability))
                        {
                            row[tr.To] = tr.Value!(in ctx);
                        }

                        var rem = model.Transitions.Single(x => x.From == s.Name && x.Kind == TransitionValueKind.Remainder);
                        row[rem.To] = row.GetValueOrDefault(rem.To) + 1 - row.Values.Sum();
                    }

                    foreach (var (to, p) in row)
                    {
                        next[to] += m[s.Name] * p;
                        var eventDf = o.CostDiscounting.Factor(((t + 1) * o.CycleLengthYears) + o.DiscountTimeOffsetYears);
                        foreach (var f in model.Flows.Where(f => f.Trigger == FlowTrigger.TransitionEvent && f.ToState == to && (f.FromState is null ? s.Name != to : f.FromState == s.Name) && f.Account.Payer.IsPublic))
                        {
                            total += eventDf * m[s.Name] * p * f.Amount(in ctx);
                        }
                    }
                }

                m = next;
            }
        }

        return total;
    }

    private static ModelContext NaiveContext(int cycle, double startAge, LifeCourseModel model)
    {
        // ModelContext has an internal constructor; the benchmark assembly sees internals.
        return new ModelContext(cycle, model.Options.CycleLengthYears, startAge, 0, model.BaseParameters);
    }
}
