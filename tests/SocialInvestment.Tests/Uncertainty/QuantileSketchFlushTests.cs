using SocialInvestment.Uncertainty;

namespace SocialInvestment.Tests.Uncertainty;

/// <summary>
/// The sketch's compression (its buffer sorted by a radix sort of the numbers' bits) against the one it replaced
/// (<see cref="Reference"/>: the buffer sorted by comparison): the same quantiles bit for bit and the same centroid
/// count, over value streams with heavy tails, ties, zeros of both signs, infinities, integers, sorted input and merges,
/// at compressions from 20 to 5,000. The reference also keeps the straightforward centroid test (an arcsine per item),
/// which the sketch decides from the point where the test turns; both form a centroid's mean the same way (its first
/// item's mean plus the others' weighted differences from it over its weight).
/// </summary>
public class QuantileSketchFlushTests
{
    private static IEnumerable<TestCaseData> Streams()
    {
        yield return new TestCaseData("normal", 50_000, 20);
        yield return new TestCaseData("lognormal", 30_000, 400);
        yield return new TestCaseData("ties", 40_000, 400);
        yield return new TestCaseData("zeros", 5_000, 400);
        yield return new TestCaseData("signs", 20_000, 100);
        yield return new TestCaseData("extremes", 12_000, 400);
        yield return new TestCaseData("mixed", 100_000, 1000);
        yield return new TestCaseData("uniform", 200_000, 20);
        yield return new TestCaseData("uniform", 60_000, 37);
        yield return new TestCaseData("lognormal", 300_000, 5000);
        yield return new TestCaseData("sorted", 50_000, 400);
        yield return new TestCaseData("clustered", 40_000, 400);
    }

    private static double Next(string kind, RandomSource r, int i) => kind switch
    {
        "normal" => r.NextNormal(),
        "lognormal" => Math.Exp(3 * r.NextNormal()) * 1e6,
        "ties" => Math.Round(r.NextNormal() * 3),
        "zeros" => i % 3 == 0 ? -0.0 : i % 3 == 1 ? 0.0 : r.NextNormal(),
        "signs" => (i % 2 == 0 ? -1 : 1) * Math.Exp(r.NextNormal() * 20),
        "uniform" => r.NextDouble(),
        "sorted" => i,
        "clustered" => i % 50 == 0 ? 1e300 * r.NextDouble() : 1 + (r.NextDouble() * 1e-9), // most values in one bucket of the first pass
        "extremes" => i % 1000 == 0 ? double.PositiveInfinity : i % 1000 == 1 ? double.NegativeInfinity : i % 1000 == 2 ? double.NaN : r.NextNormal() * 1e300,
        _ => i % 5 == 0 ? 0.0 : i % 7 == 0 ? double.NaN : r.NextNormal() * (1 + (i % 13)),
    };

    [TestCaseSource(nameof(Streams))]
    public void Compression_IsTheStraightforwardOne_BitForBit(string kind, int n, int compression)
    {
        var r = new RandomSource(17);
        var fast = new QuantileSketch(compression);
        var reference = new Reference(compression);
        var fastParts = new QuantileSketch(compression);
        var referenceParts = new Reference(compression);
        for (var i = 0; i < n; i++)
        {
            var x = Next(kind, r, i);
            fast.Add(x);
            reference.Add(x);
            if (i % 3 == 0)
            {
                fastParts.Add(x);
                referenceParts.Add(x);
            }
        }

        fast.Merge(fastParts);
        reference.Merge(referenceParts);
        Assert.That(fast.CentroidCount, Is.EqualTo(reference.CentroidCount));
        Assert.That(fast.Count, Is.EqualTo(reference.Count));
        Assert.That(fast.CentroidCount, Is.LessThan(n / 4), "the stream was compressed");
        for (var j = 0; j <= 1000; j++)
        {
            var q = j / 1000.0;
            Assert.That(BitConverter.DoubleToInt64Bits(fast.Quantile(q)), Is.EqualTo(BitConverter.DoubleToInt64Bits(reference.Quantile(q))), $"q = {q}");
        }
    }

    /// <summary>The compression as it was written first, with a comparison sort (−0 stored as +0, as the sketch does).</summary>
    private sealed class Reference(int compression)
    {
        private readonly double _delta = compression;
        private readonly double[] _buffer = new double[2 * compression];
        private double[] _means = new double[compression + 8];
        private double[] _weights = new double[compression + 8];
        private int _centroids;
        private int _buffered;
        private double _total;
        private double _min = double.PositiveInfinity;
        private double _max = double.NegativeInfinity;

        public long Count => (long)(_total + _buffered);

        public int CentroidCount
        {
            get
            {
                Flush();
                return _centroids;
            }
        }

        public void Add(double value)
        {
            if (double.IsNaN(value))
            {
                return;
            }

            _min = Math.Min(_min, value);
            _max = Math.Max(_max, value);
            _buffer[_buffered++] = value == 0 ? 0.0 : value;
            if (_buffered == _buffer.Length)
            {
                Flush();
            }
        }

        public void Merge(Reference other)
        {
            other.Flush();
            Flush();
            _min = Math.Min(_min, other._min);
            _max = Math.Max(_max, other._max);
            Combine(other._means.AsSpan(0, other._centroids), other._weights.AsSpan(0, other._centroids));
        }

        public double Quantile(double q)
        {
            Flush();
            var h = q * (_total - 1);
            double before = 0, prevRank = 0, prevMean = _min;
            for (var i = 0; i < _centroids; i++)
            {
                var w = _weights[i];
                var rank = before + ((w - 1) / 2);
                if (h <= rank)
                {
                    return rank == prevRank ? _means[i] : prevMean + ((h - prevRank) / (rank - prevRank) * (_means[i] - prevMean));
                }

                prevRank = rank;
                prevMean = _means[i];
                before += w;
            }

            var last = _total - 1;
            return last == prevRank ? _max : prevMean + ((h - prevRank) / (last - prevRank) * (_max - prevMean));
        }

        private void Flush()
        {
            if (_buffered == 0)
            {
                return;
            }

            var values = _buffer.AsSpan(0, _buffered).ToArray();
            Array.Sort(values);
            _buffered = 0;
            var ones = new double[values.Length];
            Array.Fill(ones, 1.0);
            Combine(values, ones);
        }

        private void Combine(ReadOnlySpan<double> means, ReadOnlySpan<double> weights)
        {
            var count = _centroids + means.Length;
            var m = new double[count];
            var ws = new double[count];
            int a = 0, b = 0, k = 0;
            while (a < _centroids || b < means.Length)
            {
                if (b >= means.Length || (a < _centroids && _means[a] <= means[b]))
                {
                    m[k] = _means[a];
                    ws[k++] = _weights[a++];
                }
                else
                {
                    m[k] = means[b];
                    ws[k++] = weights[b++];
                }
            }

            var total = _total;
            foreach (var w in weights)
            {
                total += w;
            }

            var outCount = 0;
            var curMean = m[0];
            var curWeight = ws[0];
            var curDelta = 0.0; // a centroid's mean: its first item's plus the others' weighted differences from it over its weight
            var soFar = 0.0;
            var kLeft = Scale(0);
            var means2 = new List<double>();
            var weights2 = new List<double>();
            for (var i = 1; i < k; i++)
            {
                var w = ws[i];
                var qRight = (soFar + curWeight + w) / total;
                if (Scale(qRight) - kLeft <= 1)
                {
                    curWeight += w;
                    curDelta += (m[i] - curMean) * w;
                }
                else
                {
                    means2.Add(curMean + (curDelta / curWeight));
                    weights2.Add(curWeight);
                    outCount++;
                    soFar += curWeight;
                    kLeft = Scale(soFar / total);
                    curMean = m[i];
                    curWeight = w;
                    curDelta = 0;
                }
            }

            means2.Add(curMean + (curDelta / curWeight));
            weights2.Add(curWeight);
            _means = [.. means2];
            _weights = [.. weights2];
            _centroids = outCount + 1;
            _total = total;
        }

        private double Scale(double q) => _delta / (2 * Math.PI) * Math.Asin(Math.Clamp((2 * q) - 1, -1, 1));
    }
}
