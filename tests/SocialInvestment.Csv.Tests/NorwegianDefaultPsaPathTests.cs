using SocialInvestment.Engine;
using SocialInvestment.Scenarios;
using SocialInvestment.Uncertainty;

namespace SocialInvestment.Csv.Tests;

/// <summary>
/// The Norwegian default's PSA through the default per-draw evaluation (only the compiled blocks a
/// draw changes recomputed) against the general path (every draw compiled, run and appraised in
/// full, forced by an explicit cohort-engine evaluator): every per-draw value bit-identical, and
/// identical on 1 and 2 threads.
/// </summary>
public sealed class NorwegianDefaultPsaPathTests
{
    [Test]
    public void IncrementalEvaluation_IsBitIdenticalToTheGeneralPath()
    {
        var scenario = NorwegianDefault.Load();
        var model = scenario.BuildModel();
        var spec = scenario.ToPsaSpecification(model);
        var comparator = model.Strategies.First(s => s.Name == scenario.Settings.Comparator);
        var options = new PsaOptions { Draws = 48, Seed = 20260101, Threads = 1, Strategies = model.Strategies, Comparator = comparator, Perspectives = scenario.Perspectives(), KeepDraws = true };
        var general = ProbabilisticAnalysis.Run(spec, options, (s, p, _, ct) => CohortEngine.Run(model, s, p, ct));
        var one = ProbabilisticAnalysis.Run(spec, options);
        var two = ProbabilisticAnalysis.Run(spec, options with { Threads = 2 });
        Assert.That(spec.UncertainParameterCount, Is.GreaterThan(0));
        var mismatches = new List<string>();
        foreach (var run in new[] { one, two })
        {
            foreach (var s in model.Strategies)
            {
                foreach (var v in options.Perspectives)
                {
                    Compare($"cost {s.Name}/{v.Name}", general.Costs(s, v), run.Costs(s, v));
                    foreach (var f in Enum.GetValues<PsaFigure>())
                    {
                        Compare($"{f} {s.Name}/{v.Name}", general.Values(f, s, v), run.Values(f, s, v));
                    }
                }

                foreach (var o in model.Outcomes)
                {
                    Compare($"outcome {s.Name}/{o.Name}", general.Outcomes(s, o), run.Outcomes(s, o));
                }
            }
        }

        Assert.That(mismatches, Is.Empty);

        void Compare(string what, ReadOnlySpan<double> a, ReadOnlySpan<double> b)
        {
            for (var k = 0; k < a.Length; k++)
            {
                if (!a[k].Equals(b[k]))
                {
                    mismatches.Add($"{what} draw {k}: {a[k]:R} vs {b[k]:R}");
                    return;
                }
            }
        }
    }
}
