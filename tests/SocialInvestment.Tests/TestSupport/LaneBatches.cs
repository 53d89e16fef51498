using SocialInvestment.Model;
using SocialInvestment.Uncertainty;

namespace SocialInvestment.Tests.TestSupport;

/// <summary>The lane path of a cohort PSA against draw-by-draw evaluation.</summary>
internal static class LaneBatches
{
    /// <summary>
    /// Draws 0 … K − 1 one by one and in batches of every size from 1 to the lane count (then a full batch and
    /// a single draw), with one perspective: costs, outcomes and figures must be equal bit for bit, and the draws
    /// must differ from each other (so the comparison means something).
    /// </summary>
    public static void AssertEqualDrawByDraw(LifeCourseModel model, PsaSpecification spec, ulong seed)
    {
        var strategies = model.Strategies;
        var evaluator = CohortDrawEvaluator.Create(spec, strategies, 0, [Perspective.PublicSector])!;
        Assert.That(evaluator.HasLanes);
        var W = CohortDrawEvaluator.LaneCount;
        var sizes = Enumerable.Range(1, W).Concat([W, 1]).ToArray();
        var K = sizes.Sum();
        PsaBuffers Buffers() => new(new double[strategies.Count * K], new double[strategies.Count * Math.Max(1, model.Outcomes.Count) * K], new double[4 * strategies.Count * K], new double[K * model.Parameters.Count], K, 0);
        var one = Buffers();
        var lanes = Buffers();
        var scalar = evaluator.CreateWorker();
        for (var k = 0; k < K; k++)
        {
            scalar.Evaluate(k, seed, one, k, default);
        }

        var batched = evaluator.CreateWorker();
        var at = 0;
        foreach (var n in sizes)
        {
            batched.EvaluateBatch(at, n, seed, lanes, at, null, default);
            at += n;
        }

        Assert.Multiple(() =>
        {
            Assert.That(lanes.Costs, Is.EqualTo(one.Costs).AsCollection, "costs");
            Assert.That(lanes.Outcomes, Is.EqualTo(one.Outcomes).AsCollection, "outcomes");
            Assert.That(lanes.Figures, Is.EqualTo(one.Figures).AsCollection, "figures");
            Assert.That(one.Costs.Distinct().Count(), Is.GreaterThan(K), "the draws differ from each other");
        });
    }
}
