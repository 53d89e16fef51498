using SocialInvestment.Engine;
using SocialInvestment.Scenarios;
using SocialInvestment.Uncertainty;

namespace SocialInvestment.Csv.Tests;

/// <summary>
/// The Norwegian default's PSA through the default per-draw evaluation (only the compiled blocks a
/// draw changes recomputed) against the general path (every draw compiled, run and appraised in
/// full, forced by an explicit cohort-engine evaluator): outcomes bit-identical; costs and figures,
/// which the per-draw evaluation sums per perspective before the trace points instead of account by
/// account, within 1e-12 of the magnitude they are rounded at (a cost: itself; an NPV: the larger of
/// the two strategies' totals it is the difference of; BCR and ROI: that over the invested PV); and
/// identical on 1 and 2 threads.
/// </summary>
public sealed class NorwegianDefaultPsaPathTests
{
    [Test]
    public void IncrementalEvaluation_AgreesWithTheGeneralPath_IdenticalOnOneAndTwoThreads()
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
        var ci = comparator;
        foreach (var s in model.Strategies)
        {
            foreach (var v in options.Perspectives)
            {
                var cost = general.Costs(s, v).ToArray();
                var baseline = general.Costs(ci, v).ToArray();
                var npv = general.Values(PsaFigure.NetPresentValue, s, v).ToArray();
                var bcr = general.Values(PsaFigure.BenefitCostRatio, s, v).ToArray();
                var roi = general.Values(PsaFigure.ReturnOnInvestment, s, v).ToArray();
                double M(int k) => Math.Max(Math.Abs(cost[k]), Math.Abs(baseline[k]));
                double Ratio(int k) => 1e-12 * M(k) * (1 + Math.Abs(bcr[k])) / Math.Abs(npv[k] / roi[k]);
                Compare($"cost {s.Name}/{v.Name}", cost, one.Costs(s, v), k => 1e-12 * Math.Abs(cost[k]));
                Compare($"NPV {s.Name}/{v.Name}", npv, one.Values(PsaFigure.NetPresentValue, s, v), k => 1e-12 * M(k));
                Compare($"BCR {s.Name}/{v.Name}", bcr, one.Values(PsaFigure.BenefitCostRatio, s, v), Ratio);
                Compare($"ROI {s.Name}/{v.Name}", roi, one.Values(PsaFigure.ReturnOnInvestment, s, v), Ratio);
                Compare($"payback {s.Name}/{v.Name}", general.Values(PsaFigure.PaybackYears, s, v), one.Values(PsaFigure.PaybackYears, s, v), _ => 1e-9);
                Compare($"cost {s.Name}/{v.Name} (2 threads)", one.Costs(s, v), two.Costs(s, v), _ => 0);
                foreach (var f in Enum.GetValues<PsaFigure>())
                {
                    Compare($"{f} {s.Name}/{v.Name} (2 threads)", one.Values(f, s, v), two.Values(f, s, v), _ => 0);
                }
            }

            foreach (var o in model.Outcomes)
            {
                Compare($"outcome {s.Name}/{o.Name}", general.Outcomes(s, o), one.Outcomes(s, o), _ => 0);
                Compare($"outcome {s.Name}/{o.Name} (2 threads)", one.Outcomes(s, o), two.Outcomes(s, o), _ => 0);
            }
        }

        Assert.That(mismatches, Is.Empty);

        void Compare(string what, ReadOnlySpan<double> a, ReadOnlySpan<double> b, Func<int, double> tolerance)
        {
            for (var k = 0; k < a.Length; k++)
            {
                if (!a[k].Equals(b[k]) && !(Math.Abs(a[k] - b[k]) <= tolerance(k)))
                {
                    mismatches.Add($"{what} draw {k}: {a[k]:R} vs {b[k]:R}");
                    return;
                }
            }
        }
    }
}
