using SocialInvestment.Tests.TestSupport;
using SocialInvestment.Uncertainty;
using SocialInvestment.Workloads;

namespace SocialInvestment.Tests.Uncertainty;

/// <summary>
/// A cohort PSA's batches in lanes allocate nothing once a worker is warm: welfare-16 exercises what used to
/// allocate per batch (a sub-cohort pattern that every draw leaves empty, upfront intervention costs, the lane
/// trace's argument checks), about 7 KB per batch of 8 draws before.
/// </summary>
public sealed class LaneAllocationTests
{
    [Test]
    public void WarmWorker_EvaluatesBatchesWithoutAllocating()
    {
        var (model, worker) = Welfare16Lanes.Create();
        var W = CohortDrawEvaluator.LaneCount;
        var b = Welfare16Lanes.Buffers(model, W);
        const int Batches = 40;
        for (var k = 0; k < 3 * W; k += W)
        {
            worker.EvaluateBatch(k, W, 5, b, 0, null, default);
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < Batches; i++)
        {
            worker.EvaluateBatch((3 + i) * W, W, 5, b, 0, null, default);
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        // The bound leaves room for a runtime allocation on this thread (a tier-up stub, say), not for a per-batch one (40 batches).
        Assert.That(allocated, Is.LessThan(1024), $"{allocated} bytes over {Batches} batches");
        Assert.That(b.Costs.Distinct().Count(), Is.GreaterThan(model.Strategies.Count * Welfare16.Perspectives.Count), "the batches evaluated draws that differ");
    }
}
