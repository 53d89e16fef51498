using SocialInvestment.Uncertainty;

namespace SocialInvestment.Tests.Uncertainty;

public class QuantileSketchTests
{
    private static double[] Normals(int n, ulong seed)
    {
        var r = new RandomSource(seed);
        var x = new double[n];
        for (var i = 0; i < n; i++)
        {
            x[i] = r.NextNormal();
        }

        return x;
    }

    private static double[] Sorted(double[] x)
    {
        var s = (double[])x.Clone();
        Array.Sort(s);
        return s;
    }

    [Test]
    public void FewValues_AreKeptExactly_AndQuantilesEqualRType7()
    {
        // 200 values: two neighbouring singletons near the median span 2/200 in q, i.e. 1.27 units
        // of k (slope δ/π), so nothing is merged and the sketch must reproduce R type 7 exactly.
        var x = Normals(200, 1);
        var sketch = new QuantileSketch();
        foreach (var v in x)
        {
            sketch.Add(v);
        }

        var sorted = Sorted(x);
        Assert.That(sketch.CentroidCount, Is.EqualTo(200));
        foreach (var q in new[] { 0.0, 0.01, 0.025, 0.3, 0.5, 0.77, 0.975, 1.0 })
        {
            Assert.That(sketch.Quantile(q), Is.EqualTo(PsaSummary.Percentile(sorted, q)), $"q = {q}");
        }

        Assert.That((sketch.Minimum, sketch.Maximum, sketch.Count), Is.EqualTo((sorted[0], sorted[^1], 200L)));
    }

    // Accuracy on 10⁶ skewed values (lognormal, σ = 1): the estimate's rank in the exact sorted
    // sample must be within 0.001 of q at the 1 %, 2.5 %, 50 %, 97.5 % and 99 % points. The merging
    // t-digest with δ = 400 is typically within 0.0002; 0.001 leaves room and still rejects an
    // interpolation that is off by one centroid.
    [Test]
    public void MillionValues_QuantileRankErrorBelowOneTenthOfAPercent_InBoundedMemory()
    {
        var x = Normals(1_000_000, 2).Select(Math.Exp).ToArray();
        var sketch = new QuantileSketch();
        foreach (var v in x)
        {
            sketch.Add(v);
        }

        var sorted = Sorted(x);
        Assert.That(sketch.CentroidCount, Is.LessThanOrEqualTo(sketch.Compression + 2), "about δ centroids, whatever the count");
        foreach (var q in new[] { 0.01, 0.025, 0.5, 0.975, 0.99 })
        {
            var estimate = sketch.Quantile(q);
            var rank = Array.BinarySearch(sorted, estimate);
            rank = rank < 0 ? ~rank : rank;
            Assert.That((double)rank / sorted.Length, Is.EqualTo(q).Within(0.001), $"q = {q}: estimate {estimate}, exact {PsaSummary.Percentile(sorted, q)}");
        }

        Assert.That(sketch.Quantile(0), Is.EqualTo(sorted[0]));
        Assert.That(sketch.Quantile(1), Is.EqualTo(sorted[^1]));
    }

    [Test]
    public void Merge_OfTwoHalves_AgreesWithOneSketch_AndIsDeterministic()
    {
        var x = Normals(100_000, 3);
        QuantileSketch Of(IEnumerable<double> values)
        {
            var s = new QuantileSketch();
            foreach (var v in values)
            {
                s.Add(v);
            }

            return s;
        }

        var whole = Of(x);
        var merged = Of(x.Take(50_000));
        merged.Merge(Of(x.Skip(50_000)));
        var again = Of(x.Take(50_000));
        again.Merge(Of(x.Skip(50_000)));
        var sorted = Sorted(x);
        Assert.That(merged.Count, Is.EqualTo(100_000));
        foreach (var q in new[] { 0.025, 0.5, 0.975 })
        {
            // Both within 0.001 in rank of the truth (as above), hence of each other.
            var rank = Array.BinarySearch(sorted, merged.Quantile(q));
            rank = rank < 0 ? ~rank : rank;
            Assert.That((double)rank / sorted.Length, Is.EqualTo(q).Within(0.001));
            Assert.That(merged.Quantile(q), Is.EqualTo(again.Quantile(q)), "same order, same bits");
            Assert.That(Of(x).Quantile(q), Is.EqualTo(whole.Quantile(q)));
        }
    }

    [Test]
    public void EdgeCases()
    {
        var s = new QuantileSketch(50);
        Assert.That(s.Quantile(0.5), Is.NaN);
        Assert.That(s.Minimum, Is.NaN);
        s.Add(double.NaN);
        Assert.That(s.Count, Is.Zero, "NaN is ignored");
        s.Add(3);
        Assert.That(s.Quantile(0.1), Is.EqualTo(3));
        for (var i = 0; i < 10_000; i++)
        {
            s.Add(7);
        }

        Assert.That(s.Quantile(0.5), Is.EqualTo(7), "a constant stays exact when merged");
        Assert.That(() => s.Quantile(1.5), Throws.InstanceOf<ArgumentOutOfRangeException>());
        Assert.That(() => new QuantileSketch(5), Throws.InstanceOf<ArgumentOutOfRangeException>());
        Assert.That(() => s.Merge(s), Throws.ArgumentException);
    }
}
