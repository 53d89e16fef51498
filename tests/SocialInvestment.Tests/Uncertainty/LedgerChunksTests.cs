using SocialInvestment.Uncertainty;

namespace SocialInvestment.Tests.Uncertainty;

/// <summary>
/// The partition of the lanes' ledger channels into the chunks the trace books together: a cover of the channels
/// in order by chunks of width 4, 2 or 1, which keeps a cell's channels that are always zero out of the chunks it
/// books where that saves work. Its results are checked bit for bit against draw-by-draw evaluation by the lane
/// tests (every lane comparison runs through it); here its shape.
/// </summary>
public class LedgerChunksTests
{
    private static void IsCover(CohortDrawEvaluator.LedgerChunks chunks, int J)
    {
        var next = 0;
        for (var c = 0; c < chunks.Count; c++)
        {
            Assert.That(chunks.First[c], Is.EqualTo(next), $"chunk {c} starts where the one before ends");
            Assert.That(chunks.Width[c], Is.AnyOf(1, 2, 4), $"chunk {c} has a width the trace books");
            next += chunks.Width[c];
        }

        Assert.That(next, Is.EqualTo(J), "the chunks cover every channel once");
    }

    [Test]
    public void WithoutPatterns_FoursThenOnes()
    {
        var chunks = CohortDrawEvaluator.LedgerChunks.Partition(13, [], 100);
        IsCover(chunks, 13);
        Assert.That(chunks.Width, Is.EqualTo(new[] { 4, 4, 4, 1 }));
    }

    [Test]
    public void CellsBookingSixOfThirteenChannels_LeaveTheOthersInChunksOfTheirOwn()
    {
        // Most cells book channels 0–5 (six perspectives' costs), a few the seven: 0–5 are covered by chunks that do not
        // reach channel 6, so the common cells book six channels, not eight.
        var patterns = new Dictionary<ulong, long> { [0b111111] = 10_000, [0b1_1111_1111_1111] = 100 };
        var chunks = CohortDrawEvaluator.LedgerChunks.Partition(13, patterns, 400);
        IsCover(chunks, 13);
        var booked = 0;
        for (var c = 0; c < chunks.Count; c++)
        {
            booked += chunks.First[c] < 6 ? chunks.Width[c] : 0;
        }

        Assert.That(booked, Is.EqualTo(6), string.Join(" ", chunks.Width));
        Assert.That(chunks.First, Does.Contain(6), "a chunk starts at channel 6");
    }

    [Test]
    public void DenseCells_KeepWideChunks()
    {
        // Every cell books every channel: the widest chunks do the least work per update.
        var chunks = CohortDrawEvaluator.LedgerChunks.Partition(12, new Dictionary<ulong, long> { [0xFFF] = 5_000 }, 400);
        IsCover(chunks, 12);
        Assert.That(chunks.Width, Is.EqualTo(new[] { 4, 4, 4 }));
    }

    [Test]
    public void MoreThanSixtyFourChannels_FoursThenOnes()
    {
        var chunks = CohortDrawEvaluator.LedgerChunks.Partition(70, new Dictionary<ulong, long> { [1] = 10 }, 10);
        IsCover(chunks, 70);
        Assert.That(chunks.Width.Count(w => w == 4), Is.EqualTo(17));
    }
}
