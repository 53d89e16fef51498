using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using SocialInvestment.Model;

namespace SocialInvestment.Uncertainty;

/// <summary>
/// A bounded-memory, mergeable quantile summary: a merging t-digest (Dunning and Ertl, "Computing
/// extremely accurate quantiles using t-digests", 2019) with the arcsine scale function
/// <c>k(q) = δ/(2π)·asin(2q − 1)</c>. Values are buffered; when the buffer is full it is sorted and
/// merged with the centroids, and neighbouring centroids are combined while the merged centroid
/// spans at most one unit of k. Centroids near the tails therefore stay small (single values at the
/// extremes), which keeps the 2.5 % and 97.5 % points accurate. Memory is
/// <c>O(δ)</c> whatever the number of values: at most about δ centroids plus a buffer of
/// <c>2δ</c> values (about 25 KB for δ = 400). The minimum and maximum are exact.
/// </summary>
/// <remarks>
/// <para>
/// Deterministic: the same values added (and sketches merged) in the same order give a bit-identical
/// sketch. While fewer than about δ/2 values have been added, every centroid is a single value and
/// <see cref="Quantile"/> equals the exact R type 7 quantile.
/// </para>
/// <para>
/// <see cref="Quantile"/> interpolates linearly between centroid means, each placed at the centre
/// of the ranks it covers (a single value sits at its own rank, as in R type 7), and between the
/// exact minimum or maximum and the first or last centroid. With δ = 400 (the default) the rank
/// error at the 2.5 % and 97.5 % points is typically below 0.05 percentage points.
/// </para>
/// <para>NaN values are ignored. Not thread-safe while values are added (reads compress the buffer first): use one sketch per thread and <see cref="Merge"/>.</para>
/// </remarks>
public sealed partial class QuantileSketch
{
    /// <summary>The default compression δ.</summary>
    public const int DefaultCompression = 400;

    private readonly double _delta;
    private readonly double _cosStep;
    private readonly double _sinStep;
    private readonly double[] _buffer;
    private long[]? _sortScratch;
    private double[] _means;
    private double[] _weights;
    private double[] _scratchMeans;
    private double[] _scratchWeights;
    private int _centroids;
    private int _buffered;
    private double _total;
    private double _min = double.PositiveInfinity;
    private double _max = double.NegativeInfinity;

    /// <summary>Creates an empty sketch.</summary>
    /// <param name="compression">The compression δ ≥ 20: larger is more accurate and uses more memory (about δ centroids).</param>
    /// <exception cref="ArgumentOutOfRangeException">The compression is below 20 or above 100,000.</exception>
    public QuantileSketch(int compression = DefaultCompression)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(compression, 20);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(compression, 100_000);
        Compression = compression;
        _delta = compression;
        _cosStep = Math.Cos(2 * Math.PI / compression);
        _sinStep = Math.Sin(2 * Math.PI / compression);
        _buffer = new double[2 * compression];
        var capacity = compression + 8;
        _means = new double[capacity];
        _weights = new double[capacity];
        _scratchMeans = [];
        _scratchWeights = [];
    }

    /// <summary>The compression δ.</summary>
    public int Compression { get; }

    /// <summary>Number of values added (NaN excluded).</summary>
    public long Count => (long)(_total + _buffered);

    /// <summary>The smallest value added; NaN when empty.</summary>
    public double Minimum => Count == 0 ? double.NaN : _min;

    /// <summary>The largest value added; NaN when empty.</summary>
    public double Maximum => Count == 0 ? double.NaN : _max;

    /// <summary>Number of centroids after compressing the buffer (at most about δ).</summary>
    public int CentroidCount
    {
        get
        {
            Flush();
            return _centroids;
        }
    }

    /// <summary>Adds one value (NaN is ignored; −0 is kept as +0, the same number).</summary>
    /// <param name="value">The value.</param>
    public void Add(double value)
    {
        if (double.IsNaN(value))
        {
            return;
        }

        if (value < _min)
        {
            _min = value;
        }

        if (value > _max)
        {
            _max = value;
        }

        Append(value);
    }

    /// <summary>Appends a value that is not NaN to the buffer, flushing it when full.</summary>
    private void Append(double value)
    {
        // +0 for −0 (equal numbers, one bit pattern), so that the buffer's sorted order is unique and any correct sort gives it.
        _buffer[_buffered++] = value == 0 ? 0.0 : value;
        if (_buffered == _buffer.Length)
        {
            Flush();
        }
    }

    /// <summary>
    /// Adds a run of values, the same sketch bit for bit as <see cref="Add"/> value by value in their order (the same
    /// buffer, the same flushes, the same minimum and maximum, a −0 stored as +0), and returns how many are &gt; 0 (NaN
    /// is not): on vectors of the machine's width, so that a run without NaN costs no branch per value. A vector with a
    /// NaN, a vector that does not fit the buffer's room and the run's tail go value by value.
    /// </summary>
    internal long AddRange(ReadOnlySpan<double> values)
        => Vector512.IsHardwareAccelerated ? AddRange<Lanes512>(values) : Vector.IsHardwareAccelerated ? AddRange<LanesN>(values) : AddScalar(values);

    /// <summary><see cref="AddRange(ReadOnlySpan{double})"/> on vectors of <typeparamref name="TV"/> (every width is tested against <see cref="AddScalar"/>).</summary>
    internal long AddRange<TV>(ReadOnlySpan<double> values)
        where TV : struct, ILaneVector<TV>
    {
        var W = TV.Count;
        var n = values.Length - (values.Length % W);
        ref var v0 = ref MemoryMarshal.GetReference(values);
        ref var b0 = ref MemoryMarshal.GetArrayDataReference(_buffer);
        var zero = TV.Create(0.0);

        // Per lane the first strictly smaller (larger) value, as Add keeps it; NaN compares false and is never kept.
        var low = TV.Create(double.PositiveInfinity);
        var high = TV.Create(double.NegativeInfinity);
        var all = (1UL << W) - 1;
        long positive = 0;
        for (var i = 0; i < n; i += W)
        {
            var v = TV.Load(ref Unsafe.Add(ref v0, i));
            low = TV.Select(TV.LessThan(v, low), v, low);
            high = TV.Select(TV.GreaterThan(v, high), v, high);
            positive += BitOperations.PopCount(TV.Bits(TV.GreaterThan(v, zero)));
            if (TV.Bits(TV.Equal(v, v)) == all && _buffered + W <= _buffer.Length)
            {
                // No NaN: the values as they are, −0 as +0 (x + 0 is x for every other x).
                TV.Store(v + zero, ref Unsafe.Add(ref b0, _buffered));
                _buffered += W;
                if (_buffered == _buffer.Length)
                {
                    Flush();
                }
            }
            else
            {
                AppendAll(values.Slice(i, W));
            }
        }

        // The lanes' extremes in order of the lanes; a value equal to the running one is not kept, so of equal
        // non-zero values (one bit pattern) any gives the same bits. Only zeros differ in bits while equal: where the
        // run's extreme is a zero that replaces the running one, it is the run's first zero, as Add keeps it.
        double runLow = double.PositiveInfinity, runHigh = double.NegativeInfinity;
        for (var l = 0; l < W; l++)
        {
            var a = Lane(low, l);
            var b = Lane(high, l);
            runLow = a < runLow ? a : runLow;
            runHigh = b > runHigh ? b : runHigh;
        }

        var head = values[..n];
        if (runLow < _min)
        {
            _min = runLow == 0 ? FirstZero(head) : runLow;
        }

        if (runHigh > _max)
        {
            _max = runHigh == 0 ? FirstZero(head) : runHigh;
        }

        return positive + AddScalar(values[n..]);
    }

    /// <summary>Lane <paramref name="l"/> of a vector (stored and read back: only for the few reads after a run).</summary>
    private static double Lane<TV>(TV v, int l)
        where TV : struct, ILaneVector<TV>
    {
        Span<double> lanes = stackalloc double[TV.Count];
        TV.Store(v, ref MemoryMarshal.GetReference(lanes));
        return lanes[l];
    }

    private static double FirstZero(ReadOnlySpan<double> values)
    {
        foreach (var x in values)
        {
            if (x == 0)
            {
                return x;
            }
        }

        throw new InvalidOperationException("A run's extreme of 0 has no zero.");
    }

    /// <summary>The values into the buffer as <see cref="Add"/> buffers them, without the minimum and maximum.</summary>
    private void AppendAll(ReadOnlySpan<double> values)
    {
        foreach (var x in values)
        {
            if (!double.IsNaN(x))
            {
                Append(x);
            }
        }
    }

    /// <summary><see cref="Add"/> value by value, counting the values &gt; 0.</summary>
    internal long AddScalar(ReadOnlySpan<double> values)
    {
        long positive = 0;
        foreach (var x in values)
        {
            Add(x);
            positive += x > 0 ? 1 : 0;
        }

        return positive;
    }

    /// <summary>Merges another sketch into this one (the other is not changed). Merging in a fixed order gives bit-identical results.</summary>
    /// <param name="other">A sketch of other values.</param>
    public void Merge(QuantileSketch other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (ReferenceEquals(other, this))
        {
            throw new ArgumentException("A sketch cannot be merged into itself.", nameof(other));
        }

        other.Flush();
        Flush();
        if (other._centroids == 0)
        {
            return;
        }

        _min = Math.Min(_min, other._min);
        _max = Math.Max(_max, other._max);
        Combine(other._means.AsSpan(0, other._centroids), other._weights.AsSpan(0, other._centroids));
    }

    /// <summary>
    /// The q-quantile estimate: exact (R type 7) while every centroid is a single value; otherwise
    /// the interpolation described in the remarks. NaN when empty.
    /// </summary>
    /// <param name="q">The probability, in [0, 1].</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="q"/> is outside [0, 1].</exception>
    public double Quantile(double q)
    {
        if (!(q >= 0 && q <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(q), q, "The probability must lie in [0, 1].");
        }

        Flush();
        if (_centroids == 0)
        {
            return double.NaN;
        }

        var n = _total;
        var h = q * (n - 1); // target rank, 0-based, as in R type 7
        var before = 0.0;
        var prevRank = 0.0;
        var prevMean = _min;
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

        var last = n - 1;
        return last == prevRank ? _max : prevMean + ((h - prevRank) / (last - prevRank) * (_max - prevMean));
    }

    /// <summary>Compresses the buffer, after which reads (<see cref="Quantile"/>, <see cref="CentroidCount"/>) change nothing and may run concurrently.</summary>
    internal void Seal() => Flush();

    private void Flush()
    {
        if (_buffered == 0)
        {
            return;
        }

        var values = _buffer.AsSpan(0, _buffered);
        SortNumbers(values, values.Length <= 1024 ? stackalloc long[values.Length] : (_sortScratch ??= new long[_buffer.Length]).AsSpan(0, values.Length));
        _buffered = 0;
        Span<double> ones = values.Length <= 1024 ? stackalloc double[values.Length] : new double[values.Length];
        ones.Fill(1);
        Combine(values, ones);
    }

    /// <summary>Merges sorted (mean, weight) items with the centroids, then compresses by the scale function.</summary>
    private void Combine(ReadOnlySpan<double> means, ReadOnlySpan<double> weights)
    {
        // The merge's scratch, sized once for the largest flush (every centroid the capacity holds and a full buffer), so
        // that a growing sketch does not allocate again at each flush; a merge of a larger sketch grows it to fit.
        var count = _centroids + means.Length;
        if (_scratchMeans.Length < count)
        {
            var size = Math.Max(count, _means.Length + _buffer.Length);
            _scratchMeans = new double[size];
            _scratchWeights = new double[size];
        }

        // Sorted merge of the two lists (ties: existing centroid first), so the result does not depend on a sort's stability.
        int a = 0, b = 0, k = 0;
        while (a < _centroids || b < means.Length)
        {
            if (b >= means.Length || (a < _centroids && _means[a] <= means[b]))
            {
                _scratchMeans[k] = _means[a];
                _scratchWeights[k++] = _weights[a++];
            }
            else
            {
                _scratchMeans[k] = means[b];
                _scratchWeights[k++] = weights[b++];
            }
        }

        var total = _total;
        foreach (var w in weights)
        {
            total += w;
        }

        // One pass: grow the current centroid while it spans at most one unit of k(q), i.e. while
        // Scale(qRight) − kLeft ≤ 1 for qRight = (soFar + curWeight + w)/total. That test is monotone in qRight, so
        // per centroid the qRight where it turns (Bounds) decides every item clearly on one side of it without the
        // arcsine; only an item within a margin of the turn is tested as written (kLeft computed then), so the
        // centroids are those of the test itself bit for bit.
        // A centroid's mean is its first item's mean plus the weighted sum of the others' differences from it over its
        // weight, so that growing it is two additions off the critical path rather than a division on it (the running
        // mean m += (x − m)·w/W chains a division per item).
        var outCount = 0;
        var curMean = _scratchMeans[0];
        var curWeight = _scratchWeights[0];
        var curDelta = 0.0;
        var soFar = 0.0;
        var kLeft = double.NaN;
        var (inside, outside) = Bounds(soFar, total);
        for (var i = 1; i < k; i++)
        {
            var w = _scratchWeights[i];
            var reach = soFar + curWeight + w;
            bool grows;
            if (reach <= inside)
            {
                grows = true;
            }
            else if (reach > outside)
            {
                grows = false;
            }
            else
            {
                if (double.IsNaN(kLeft))
                {
                    kLeft = Scale(soFar / total);
                }

                grows = Scale(reach / total) - kLeft <= 1;
            }

            if (grows)
            {
                curWeight += w;
                curDelta += (_scratchMeans[i] - curMean) * w;
            }
            else
            {
                Emit(ref outCount, curMean + (curDelta / curWeight), curWeight);
                soFar += curWeight;
                kLeft = double.NaN;
                (inside, outside) = Bounds(soFar, total);
                curMean = _scratchMeans[i];
                curWeight = w;
                curDelta = 0;
            }
        }

        Emit(ref outCount, curMean + (curDelta / curWeight), curWeight);
        _centroids = outCount;
        _total = total;
    }

    /// <summary>
    /// For a centroid starting after <paramref name="soFar"/> of <paramref name="total"/>: the weights reached
    /// (<c>soFar + weight</c>) up to <c>Inside</c> certainly pass the test <c>Scale(reach/total) − Scale(soFar/total) ≤ 1</c>
    /// and those above <c>Outside</c> certainly fail it. With u = 2q₀ − 1 and b = 2π/δ, the test turns where
    /// asin(2q − 1) = asin(u) + b, at q* = (1 + u·cos b + √(1 − u²)·sin b)/2; the bounds keep 2·10⁻⁹ of q on either
    /// side, where k(q) differs from k(q*) by at least 6·10⁻⁹ (its slope is at least δ/π ≥ 6.4 for δ ≥ 20), a thousand
    /// times the rounding of the test as computed (|k| ≤ δ/4 ≤ 25,000). Beyond the top (asin(u) + b past π/2, by a
    /// margin) every weight passes; near it (within the margin) none is decided here.
    /// </summary>
    private (double Inside, double Outside) Bounds(double soFar, double total)
    {
        const double Margin = 2e-9;
        var u = Math.Clamp((2 * (soFar / total)) - 1, -1, 1);
        if (u > _cosStep + Margin)
        {
            return (double.PositiveInfinity, double.PositiveInfinity);
        }

        if (u >= _cosStep - Margin)
        {
            return (double.NegativeInfinity, double.PositiveInfinity);
        }

        var turn = (1 + (u * _cosStep) + (Math.Sqrt((1 - u) * (1 + u)) * _sinStep)) / 2;
        return ((turn - Margin) * total, (turn + Margin) * total);
    }

    private void Emit(ref int index, double mean, double weight)
    {
        if (index == _means.Length)
        {
            Array.Resize(ref _means, _means.Length * 2);
            Array.Resize(ref _weights, _weights.Length * 2);
        }

        _means[index] = mean;
        _weights[index++] = weight;
    }

    private double Scale(double q) => _delta / (2 * Math.PI) * Math.Asin(Math.Clamp((2 * q) - 1, -1, 1));

    /// <summary>
    /// Sorts numbers (no NaN, no −0) ascending: a least-significant-digit radix sort of their bits mapped to
    /// integers in the same order (the sign bit flipped for a positive number, every bit for a negative one), a
    /// byte at a time, skipping a byte every number shares. The sorted order of such numbers is unique, so this
    /// is the order of any correct sort.
    /// </summary>
    private static void SortNumbers(Span<double> values, Span<long> scratch)
    {
        var n = values.Length;
        var keys = System.Runtime.InteropServices.MemoryMarshal.Cast<double, long>(values);
        for (var i = 0; i < n; i++)
        {
            var b = keys[i];
            keys[i] = b < 0 ? ~b : b ^ long.MinValue;
        }

        Span<int> count = stackalloc int[256];
        var from = keys;
        var to = scratch[..n];
        for (var shift = 0; shift < 64; shift += 8)
        {
            count.Clear();
            foreach (var key in from)
            {
                count[(int)((ulong)key >> shift) & 0xFF]++;
            }

            if (count[(int)((ulong)from[0] >> shift) & 0xFF] == n)
            {
                continue;
            }

            var sum = 0;
            for (var d = 0; d < 256; d++)
            {
                (count[d], sum) = (sum, sum + count[d]);
            }

            foreach (var key in from)
            {
                to[count[(int)((ulong)key >> shift) & 0xFF]++] = key;
            }

            var swap = from;
            from = to;
            to = swap;
        }

        if (from != keys)
        {
            from.CopyTo(keys);
        }

        for (var i = 0; i < n; i++)
        {
            var k = keys[i];
            keys[i] = k < 0 ? k ^ long.MinValue : ~k;
        }
    }
}
