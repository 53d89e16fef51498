using System.Runtime.CompilerServices;
using NUnit.Framework;
using SocialInvestment.Model;

namespace SocialInvestment.Tests.Model;

/// <summary>The lane kernels' buffers: element 0 on a cache line, zeroed, bounds-checked, and the empty default readable as empty.</summary>
public class LaneBufferTests
{
    [TestCase(1)]
    [TestCase(7)]
    [TestCase(8)]
    [TestCase(13)]
    [TestCase(1000)]
    [TestCase(20_000)]
    public void StartsOnA64ByteBoundary_Zeroed_OfItsLength(int length)
    {
        // Several in a row, so that the heap's own placement (8-byte steps) is not what aligns them.
        for (var i = 0; i < 9; i++)
        {
            var b = new LaneBuffer(length + i);
            Assert.That(Unsafe.ByteOffset(ref Unsafe.NullRef<double>(), ref b.Start) % 64, Is.EqualTo((nint)0));
            Assert.That(b.Length, Is.EqualTo(length + i));
            Assert.That(b.Span.Length, Is.EqualTo(length + i));
            Assert.That(b.Span.ToArray(), Is.All.EqualTo(0.0));
            b[length + i - 1] = 3.5;
            Assert.That(Unsafe.Add(ref b.Start, length + i - 1), Is.EqualTo(3.5));
            b.Clear();
            Assert.That(b[length + i - 1], Is.EqualTo(0.0));
        }
    }

    [Test]
    public void AnIndexOutsideTheBuffer_IsRefused()
    {
        var b = new LaneBuffer(8);
        Assert.Throws<IndexOutOfRangeException>(() => b[8] = 1);
        Assert.Throws<IndexOutOfRangeException>(() => b[-1] = 1);
    }

    [Test]
    public void TheDefault_IsEmpty()
    {
        var b = default(LaneBuffer);
        Assert.That(b.IsEmpty, Is.True);
        Assert.That(b.Length, Is.Zero);
        Assert.That(b.Span.Length, Is.Zero);
        Assert.That(Unsafe.IsNullRef(ref b.Start), Is.True);
    }
}
