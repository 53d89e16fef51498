using SocialInvestment.Economics;
using SocialInvestment.Model;

namespace SocialInvestment.Uncertainty;

public sealed partial class PsaPartial
{
    private const uint Magic = 0x50505349; // "ISPP" little-endian
    private const int FormatVersion = 1;

    /// <summary>
    /// Writes this partial in the library's binary PSA-partial format (version 1): the run key,
    /// the draw ranges, every exact sum (as its integer limbs), count, quantile sketch and
    /// net-benefit accumulator and, with <see cref="PsaOptions.KeepDraws"/>, every kept draw (as
    /// IEEE 754 bits). A partial computed in another process or on another machine reads back with
    /// <see cref="FromBytes"/> and merges exactly.
    /// </summary>
    /// <returns>The serialised partial.</returns>
    /// <exception cref="InvalidOperationException">The partial has no <see cref="RunKey"/> (a model built in code, or a custom evaluator without an identity; a household PSA's evaluator has one, <see cref="HouseholdPsa.RunKey"/>), so it cannot be matched to a run in another process.</exception>
    public byte[] ToBytes()
    {
        if (RunKey is not { } key)
        {
            throw new InvalidOperationException("Only a partial with a run key (a model built from a serialisable definition, evaluated by the cohort engine) can travel: nothing in another process could tell which run it belongs to.");
        }

        using var stream = new MemoryStream();
        using (var w = new BinaryWriter(stream))
        {
            w.Write(Magic);
            w.Write(FormatVersion);
            w.Write(key.ToByteArray());
            w.Write(_ranges.Count);
            foreach (var (start, end) in _ranges)
            {
                w.Write(start);
                w.Write(end);
            }

            _summary.WriteTo(w);
            w.Write(_kept.Count);
            foreach (var (start, end, b) in _kept)
            {
                w.Write(start);
                w.Write(end);
                w.Write(b.Stride);
                w.Write(b.Offset);
                Doubles(w, b.Costs);
                Doubles(w, b.Outcomes);
                Doubles(w, b.Figures);
                Doubles(w, b.Parameters);
            }
        }

        return stream.ToArray();
    }

    /// <summary>
    /// Reads a partial written by <see cref="ToBytes"/> for the run given by the specification and
    /// options (the same as those it was computed with: the model rebuilt from the same definition,
    /// the same seed, strategies, comparator, perspectives, acceptability requests and KeepDraws).
    /// The run key in the bytes must equal the key of that run, so a partial of another run is refused.
    /// </summary>
    /// <param name="data">The serialised partial.</param>
    /// <param name="specification">The run's specification.</param>
    /// <param name="options">The run's options (null for the defaults).</param>
    /// <returns>The partial, mergeable with the run's other partials.</returns>
    /// <exception cref="FormatException">The bytes are not a PSA partial of this format, are damaged, or belong to another run.</exception>
    public static PsaPartial FromBytes(byte[] data, PsaSpecification specification, PsaOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(specification);
        options ??= new PsaOptions();
        var model = specification.Model;
        var strategies = options.Strategies ?? (model.Strategies.Count == 0 ? [Strategy.BusinessAsUsual] : model.Strategies);
        var comparator = options.Comparator ?? strategies[0];
        var ci = -1;
        for (var i = 0; i < strategies.Count; i++)
        {
            if (ReferenceEquals(strategies[i], comparator) || (ci < 0 && strategies[i].Name == comparator.Name))
            {
                ci = i;
            }
        }

        if (ci < 0)
        {
            throw new ArgumentException($"The comparator '{comparator.Name}' is not among the strategies.", nameof(options));
        }

        var perspectives = options.Perspectives ?? Perspective.StandardSet(model);
        try
        {
            using var r = new BinaryReader(new MemoryStream(data, writable: false));
            if (r.ReadUInt32() != Magic)
            {
                throw new FormatException("The bytes are not a PSA partial.");
            }

            var version = r.ReadInt32();
            if (version != FormatVersion)
            {
                throw new FormatException($"The PSA partial has format version {version}; this library reads version {FormatVersion}.");
            }

            var key = ContentHash.FromBytes(r.ReadBytes(ContentHash.Size));
            var ranges = new List<(long, long)>();
            var n = Count(r, 16);
            for (var i = 0; i < n; i++)
            {
                var start = r.ReadInt64();
                var end = r.ReadInt64();
                if (start < 0 || end <= start || end > int.MaxValue)
                {
                    throw new FormatException($"The PSA partial has an invalid draw range [{start}, {end}).");
                }

                ranges.Add((start, end));
            }

            if (ranges.Count == 0)
            {
                throw new FormatException("The PSA partial covers no draws.");
            }

            var summary = new PsaAccumulator(model, strategies, ci, perspectives, options with { DrawSink = null });
            summary.ReadFrom(r);
            var kept = new List<(int, int, PsaBuffers)>();
            n = Count(r, 16);
            for (var i = 0; i < n; i++)
            {
                var start = r.ReadInt32();
                var end = r.ReadInt32();
                var stride = r.ReadInt32();
                var offset = r.ReadInt32();
                var b = new PsaBuffers(ReadDoubles(r), ReadDoubles(r), ReadDoubles(r), ReadDoubles(r), stride, offset);
                var S = strategies.Count;
                var V = perspectives.Count;
                if (start < 0 || end <= start || stride < end - start || b.Costs.Length != S * V * stride || b.Figures.Length != 4 * S * V * stride
                    || b.Outcomes.Length != S * Math.Max(model.Outcomes.Count, 1) * stride || b.Parameters.Length != stride * model.Parameters.Count)
                {
                    throw new FormatException("The PSA partial's kept draws do not fit the run.");
                }

                kept.Add((start, end, b));
            }

            if (r.BaseStream.Position != r.BaseStream.Length)
            {
                throw new FormatException("The PSA partial has trailing bytes.");
            }

            var partial = new PsaPartial(specification, options, [.. strategies], ci, [.. perspectives], null, summary, kept, ranges, null);
            if (partial.RunKey != key)
            {
                throw new FormatException("The PSA partial belongs to another run (its run key differs from this specification's and options').");
            }

            if (partial.KeepsDraws && kept.Sum(k => (long)(k.Item2 - k.Item1)) != partial.DrawCount)
            {
                throw new FormatException("The PSA partial kept its draws, but not every draw of its ranges is in it.");
            }

            return partial;
        }
        catch (EndOfStreamException e)
        {
            throw new FormatException("The PSA partial is truncated.", e);
        }
    }

    internal static int Count(BinaryReader r, int minBytes)
    {
        var n = r.ReadInt32();
        if (n < 0 || (long)n * minBytes > r.BaseStream.Length - r.BaseStream.Position)
        {
            throw new FormatException("The PSA partial is damaged (a length exceeds the data).");
        }

        return n;
    }

    internal static void Doubles(BinaryWriter w, double[] a)
    {
        w.Write(a.Length);
        foreach (var x in a)
        {
            w.Write(BitConverter.DoubleToInt64Bits(x));
        }
    }

    internal static double[] ReadDoubles(BinaryReader r)
    {
        var a = new double[Count(r, 8)];
        for (var i = 0; i < a.Length; i++)
        {
            a[i] = BitConverter.Int64BitsToDouble(r.ReadInt64());
        }

        return a;
    }

    internal static void Longs(BinaryWriter w, long[] a)
    {
        w.Write(a.Length);
        foreach (var x in a)
        {
            w.Write(x);
        }
    }

    internal static void ReadLongs(BinaryReader r, long[] into)
    {
        if (Count(r, 8) != into.Length)
        {
            throw new FormatException("The PSA partial's counts do not fit the run.");
        }

        for (var i = 0; i < into.Length; i++)
        {
            into[i] = r.ReadInt64();
        }
    }
}

internal sealed partial class PsaAccumulator
{
    public void WriteTo(BinaryWriter w)
    {
        foreach (var set in (ExactMoments[][])[_figures, _parameters, _costs, _outcomes])
        {
            w.Write(set.Length);
            foreach (var m in set)
            {
                m.WriteTo(w);
            }
        }

        PsaPartial.Longs(w, Positive);
        w.Write(Sketches is null ? -1 : Sketches.Length);
        foreach (var s in Sketches ?? [])
        {
            s.WriteTo(w);
        }

        w.Write(NetBenefits.Count);
        foreach (var nb in NetBenefits)
        {
            nb.WriteTo(w);
        }
    }

    public void ReadFrom(BinaryReader r)
    {
        foreach (var set in (ExactMoments[][])[_figures, _parameters, _costs, _outcomes])
        {
            if (r.ReadInt32() != set.Length)
            {
                throw new FormatException("The PSA partial's moments do not fit the run.");
            }

            foreach (var m in set)
            {
                m.ReadFrom(r);
            }
        }

        PsaPartial.ReadLongs(r, Positive);
        var sketches = r.ReadInt32();
        if (sketches != (Sketches is null ? -1 : Sketches.Length))
        {
            throw new FormatException("The PSA partial's quantile sketches do not fit the run.");
        }

        for (var i = 0; i < sketches; i++)
        {
            Sketches![i] = QuantileSketch.ReadFrom(r);
        }

        if (r.ReadInt32() != NetBenefits.Count)
        {
            throw new FormatException("The PSA partial's acceptability accumulators do not fit the run.");
        }

        foreach (var nb in NetBenefits)
        {
            nb.ReadFrom(r);
        }
    }
}

internal sealed partial class NetBenefitAccumulator
{
    public void WriteTo(BinaryWriter w)
    {
        PsaPartial.Longs(w, BestCounts);
        w.Write(_sums.Length);
        foreach (var s in _sums)
        {
            s.WriteTo(w);
        }

        _sumOfMax.WriteTo(w);
    }

    public void ReadFrom(BinaryReader r)
    {
        PsaPartial.ReadLongs(r, BestCounts);
        if (r.ReadInt32() != _sums.Length)
        {
            throw new FormatException("The PSA partial's net-benefit sums do not fit the run.");
        }

        foreach (var s in _sums)
        {
            s.ReadFrom(r);
        }

        _sumOfMax.ReadFrom(r);
    }
}

internal sealed partial class ExactMoments
{
    public void WriteTo(BinaryWriter w)
    {
        w.Write(Count);
        _sum.WriteTo(w);
        _squares.WriteTo(w);
    }

    public void ReadFrom(BinaryReader r)
    {
        Count = r.ReadInt64();
        if (Count < 0)
        {
            throw new FormatException("The PSA partial has a negative count.");
        }

        _sum.ReadFrom(r);
        _squares.ReadFrom(r);
    }
}

internal sealed partial class ExactAccumulator
{
    public void WriteTo(BinaryWriter w)
    {
        PsaPartial.Longs(w, _limb);
        w.Write(_pending);
        w.Write(PositiveInfinities);
        w.Write(NegativeInfinities);
        w.Write(NaNs);
    }

    public void ReadFrom(BinaryReader r)
    {
        PsaPartial.ReadLongs(r, _limb);
        _pending = r.ReadInt32();
        PositiveInfinities = r.ReadInt64();
        NegativeInfinities = r.ReadInt64();
        NaNs = r.ReadInt64();
        if (_pending < 0 || _pending > NormaliseEvery || PositiveInfinities < 0 || NegativeInfinities < 0 || NaNs < 0)
        {
            throw new FormatException("The PSA partial has a damaged exact sum.");
        }
    }
}

public sealed partial class QuantileSketch
{
    internal void WriteTo(BinaryWriter w)
    {
        w.Write(Compression);
        w.Write(_centroids);
        for (var i = 0; i < _centroids; i++)
        {
            w.Write(BitConverter.DoubleToInt64Bits(_means[i]));
            w.Write(BitConverter.DoubleToInt64Bits(_weights[i]));
        }

        w.Write(_buffered);
        for (var i = 0; i < _buffered; i++)
        {
            w.Write(BitConverter.DoubleToInt64Bits(_buffer[i]));
        }

        w.Write(BitConverter.DoubleToInt64Bits(_total));
        w.Write(BitConverter.DoubleToInt64Bits(_min));
        w.Write(BitConverter.DoubleToInt64Bits(_max));
    }

    internal static QuantileSketch ReadFrom(BinaryReader r)
    {
        var compression = r.ReadInt32();
        if (compression is < 20 or > 100_000)
        {
            throw new FormatException("The PSA partial has a damaged quantile sketch.");
        }

        var s = new QuantileSketch(compression);
        var centroids = PsaPartial.Count(r, 16);
        if (centroids > s._means.Length)
        {
            s._means = new double[centroids];
            s._weights = new double[centroids];
        }

        for (var i = 0; i < centroids; i++)
        {
            s._means[i] = BitConverter.Int64BitsToDouble(r.ReadInt64());
            s._weights[i] = BitConverter.Int64BitsToDouble(r.ReadInt64());
        }

        s._centroids = centroids;
        var buffered = PsaPartial.Count(r, 8);
        if (buffered > s._buffer.Length)
        {
            throw new FormatException("The PSA partial has a damaged quantile sketch.");
        }

        for (var i = 0; i < buffered; i++)
        {
            s._buffer[i] = BitConverter.Int64BitsToDouble(r.ReadInt64());
        }

        s._buffered = buffered;
        s._total = BitConverter.Int64BitsToDouble(r.ReadInt64());
        s._min = BitConverter.Int64BitsToDouble(r.ReadInt64());
        s._max = BitConverter.Int64BitsToDouble(r.ReadInt64());
        return s;
    }
}
