namespace SocialInvestment.Uncertainty;

/// <summary>
/// Streaming, mergeable mean and variance (Welford's update; Chan, Golub and LeVeque's pairwise
/// merge). Partial summaries of disjoint sets of draws combine exactly (up to rounding), so a run
/// can be split over threads, shards or machines; merging in a fixed order gives bit-identical
/// results. MathNet equivalent: <c>RunningStatistics.Combine</c>.
/// </summary>
public struct RunningMoments
{
    private long _count;
    private double _mean;
    private double _m2;

    /// <summary>Number of values added.</summary>
    public readonly long Count => _count;

    /// <summary>Sample mean; NaN when empty.</summary>
    public readonly double Mean => _count == 0 ? double.NaN : _mean;

    /// <summary>Sample variance with the n − 1 normaliser; NaN for fewer than two values.</summary>
    public readonly double Variance => _count < 2 ? double.NaN : _m2 / (_count - 1);

    /// <summary>Sample standard deviation, <c>√Variance</c>.</summary>
    public readonly double StandardDeviation => Math.Sqrt(Variance);

    /// <summary>Monte Carlo standard error of the mean, <c>SD/√n</c>.</summary>
    public readonly double StandardError => Math.Sqrt(Variance / _count);

    /// <summary>Moments from a count, a mean and a sum of squared deviations M2 (for summaries formed from exact sums).</summary>
    internal static RunningMoments FromMoments(long count, double mean, double m2)
        => new() { _count = count, _mean = mean, _m2 = m2 };

    /// <summary>Adds one value.</summary>
    /// <param name="value">The value.</param>
    public void Add(double value)
    {
        _count++;
        var delta = value - _mean;
        _mean += delta / _count;
        _m2 += delta * (value - _mean);
    }

    /// <summary>Merges another summary into this one.</summary>
    /// <param name="other">A summary of other values.</param>
    public void Merge(in RunningMoments other)
    {
        if (other._count == 0)
        {
            return;
        }

        if (_count == 0)
        {
            this = other;
            return;
        }

        var n = _count + other._count;
        var delta = other._mean - _mean;
        _mean += delta * other._count / n;
        _m2 += other._m2 + (delta * delta * _count * other._count / n);
        _count = n;
    }
}
