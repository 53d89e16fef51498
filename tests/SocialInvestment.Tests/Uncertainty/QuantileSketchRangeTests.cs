using SocialInvestment.Model;
using SocialInvestment.Uncertainty;

namespace SocialInvestment.Tests.Uncertainty;

/// <summary>
/// A run of values added at once (<see cref="QuantileSketch.AddRange(ReadOnlySpan{double})"/>, on vectors) against the
/// same values added one by one: the same sketch bit for bit (every quantile, the centroid count, the count, the
/// minimum and maximum with the sign of a zero) and the same count of positive values, on every vector width the
/// machine has, over runs of every length around the vector width and the buffer, with NaN, zeros of both signs
/// and infinities among the values.
/// </summary>
public class QuantileSketchRangeTests
{
    private static IEnumerable<TestCaseData> Streams()
    {
        foreach (var kind in (string[])["normal", "nans", "zeros", "non-positive", "zeros-late", "extremes", "all-nan", "constant-zero"])
        {
            foreach (var compression in (int[])[20, 400])
            {
                yield return new TestCaseData(kind, compression);
            }
        }
    }

    private static double Next(string kind, RandomSource r, int i) => kind switch
    {
        "normal" => r.NextNormal() * 1e4,
        "nans" => r.NextDouble() < 0.4 ? double.NaN : r.NextNormal(),
        "zeros" => i % 3 == 0 ? -0.0 : i % 3 == 1 ? 0.0 : Math.Abs(r.NextNormal()),
        "non-positive" => i % 3 == 0 ? -0.0 : i % 3 == 1 ? 0.0 : -Math.Abs(r.NextNormal()),
        // The first zero (+0, lane 3 of a vector) comes before a −0 of a lower lane (lane 0 of the next vector).
        "zeros-late" => i % 8 == 3 ? 0.0 : i % 8 == 0 && i > 0 ? -0.0 : 1 + r.NextDouble(),
        "extremes" => i % 97 == 0 ? double.PositiveInfinity : i % 89 == 1 ? double.NegativeInfinity : i % 83 == 2 ? double.NaN : r.NextNormal() * 1e300,
        "all-nan" => double.NaN,
        _ => 0.0,
    };

    [TestCaseSource(nameof(Streams))]
    public void Runs_AreTheValuesOneByOne_BitForBit(string kind, int compression)
    {
        var r = new RandomSource(29);
        var values = new double[40_000];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = Next(kind, r, i);
        }

        var one = new QuantileSketch(compression);
        long onePositive = 0;
        foreach (var x in values)
        {
            one.Add(x);
            onePositive += x > 0 ? 1 : 0;
        }

        Check(values, compression, one, onePositive, (s, v) => s.AddRange(v), "the machine's width");
        Check(values, compression, one, onePositive, (s, v) => s.AddRange<LanesN>(v), "Vector<T>");
        Check(values, compression, one, onePositive, (s, v) => s.AddScalar(v), "value by value");
        if (System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated)
        {
            Check(values, compression, one, onePositive, (s, v) => s.AddRange<Lanes512>(v), "Vector512");
        }
    }

    /// <summary>
    /// Of zeros of both signs, the minimum (maximum) is the first zero added, as <see cref="QuantileSketch.Add"/> keeps
    /// it, not the zero of the lowest lane: a +0 in the last lane of the first vector, a −0 in the first lane of every
    /// later one.
    /// </summary>
    [TestCase(1.0)]
    [TestCase(-1.0)]
    public void FirstZero_IsKept_NotTheLowestLanes(double others)
    {
        var values = new double[64];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = i == 7 ? 0.0 : i % 8 == 0 && i > 0 ? -0.0 : others;
        }

        foreach (var add in (Func<QuantileSketch, ReadOnlySpan<double>, long>[])[(s, v) => s.AddRange(v), (s, v) => s.AddRange<LanesN>(v), (s, v) => s.AddScalar(v)])
        {
            var sketch = new QuantileSketch();
            add(sketch, values);
            var zero = others > 0 ? sketch.Minimum : sketch.Maximum;
            Assert.That(BitConverter.DoubleToInt64Bits(zero), Is.EqualTo(BitConverter.DoubleToInt64Bits(0.0)), "the first zero is +0");
        }
    }

    private static void Check(double[] values, int compression, QuantileSketch one, long onePositive, Func<QuantileSketch, ReadOnlySpan<double>, long> add, string path)
    {
        // Runs of lengths 0 … 2·(buffer) + 9 in turn, so that runs start and end at every offset of a vector and the buffer.
        var runs = new QuantileSketch(compression);
        long positive = 0;
        var length = 0;
        for (var i = 0; i < values.Length; i += length)
        {
            length = Math.Min(values.Length - i, (i * 7 % ((4 * compression) + 10)) + (i % 3));
            positive += add(runs, values.AsSpan(i, length));
            if (length == 0)
            {
                length = 1;
                positive += add(runs, values.AsSpan(i, 1));
            }
        }

        Assert.That(positive, Is.EqualTo(onePositive), path);
        Assert.That(runs.Count, Is.EqualTo(one.Count), path);
        Assert.That(BitConverter.DoubleToInt64Bits(runs.Minimum), Is.EqualTo(BitConverter.DoubleToInt64Bits(one.Minimum)), $"{path}: minimum");
        Assert.That(BitConverter.DoubleToInt64Bits(runs.Maximum), Is.EqualTo(BitConverter.DoubleToInt64Bits(one.Maximum)), $"{path}: maximum");
        Assert.That(runs.CentroidCount, Is.EqualTo(one.CentroidCount), path);
        for (var j = 0; j <= 200; j++)
        {
            var q = j / 200.0;
            Assert.That(BitConverter.DoubleToInt64Bits(runs.Quantile(q)), Is.EqualTo(BitConverter.DoubleToInt64Bits(one.Quantile(q))), $"{path}: q = {q}");
        }
    }
}
