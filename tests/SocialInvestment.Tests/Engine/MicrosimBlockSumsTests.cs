using SocialInvestment.Engine;

namespace SocialInvestment.Tests.Engine;

/// <summary>
/// The block sums of the microsimulation (<see cref="MicrosimEngine.BlockSums"/>: a person's scores
/// in the lanes of a vector, the sums in registers) against the loops they replace (each sum an
/// array element, the people's terms added in person order), bit for bit. Both kernels feed their
/// per-person scores through it, so the lane-kernel tests cannot see a change of its order of
/// additions; this test can.
/// </summary>
public class MicrosimBlockSumsTests
{
    [TestCase(1, 1)]
    [TestCase(2, 4_096)]
    [TestCase(3, 1_001)]
    [TestCase(5, 777)]
    [TestCase(8, 64)]
    public void BlockSums_EqualThePersonOrderLoops(int scores, int people)
    {
        var random = new Random(scores * 1_000 + people);

        // Values of mixed sign and magnitude (and some exact zeros and negative zeros), so that any
        // other order of additions would round differently.
        double Value() => random.Next(10) switch
        {
            0 => 0.0,
            1 => -0.0,
            _ => (random.NextDouble() - 0.4) * Math.Pow(10, random.Next(-3, 7)),
        };

        var x = new double[people * scores];
        var y = new double[people * scores];
        for (var i = 0; i < x.Length; i++)
        {
            x[i] = Value();
            y[i] = Value();
        }

        foreach (var paired in new[] { false, true })
        {
            var sum = new double[scores];
            var sq = new double[scores];
            var dsum = new double[scores];
            var dsq = new double[scores];
            MicrosimEngine.BlockSums(x, y, people, scores, paired, sum, sq, dsum, dsq);

            // The loops of the engine before (sums, then the paired differences over the flat array).
            var eSum = new double[scores];
            var eSq = new double[scores];
            for (var i = 0; i < people; i++)
            {
                for (var s = 0; s < scores; s++)
                {
                    var v = x[(i * scores) + s];
                    eSum[s] += v;
                    eSq[s] += v * v;
                }
            }

            var eDsum = new double[scores];
            var eDsq = new double[scores];
            for (var i = 0; i < people * scores; i++)
            {
                var d = x[i] - y[i];
                eDsum[i % scores] += d;
                eDsq[i % scores] += d * d;
            }

            Assert.Multiple(() =>
            {
                Assert.That(Bits(sum), Is.EqualTo(Bits(eSum)), "sums");
                Assert.That(Bits(sq), Is.EqualTo(Bits(eSq)), "sums of squares");
                if (paired)
                {
                    Assert.That(Bits(dsum), Is.EqualTo(Bits(eDsum)), "paired sums");
                    Assert.That(Bits(dsq), Is.EqualTo(Bits(eDsq)), "paired squares");
                }
            });
        }
    }

    private static long[] Bits(double[] values) => [.. values.Select(BitConverter.DoubleToInt64Bits)];
}
