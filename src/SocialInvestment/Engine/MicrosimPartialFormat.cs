namespace SocialInvestment.Engine;

public sealed partial class MicrosimPartial
{
    private const uint Magic = 0x504D4953; // "SIMP" little-endian
    private const int FormatVersion = 1;

    /// <summary>
    /// Writes this partial in the library's binary partial format (version 1): the person ranges
    /// and every count and exact sum, so that a partial computed in another process or on another
    /// machine can be read back with <see cref="FromBytes"/> and merged exactly. The format holds
    /// integers only (exact sums as their integer units), so the bytes do not depend on the
    /// machine's floating-point behaviour.
    /// </summary>
    /// <returns>The serialised partial.</returns>
    public byte[] ToBytes()
    {
        var w = new PartialWriter();
        w.UInt32(Magic);
        w.Int32(FormatVersion);
        w.Int32(Arms.Length);
        w.Int32(_ranges.Count);
        foreach (var (start, end) in _ranges)
        {
            w.Int64(start);
            w.Int64(end);
        }

        foreach (var a in Arms)
        {
            w.Longs(a.SubcohortPeople);
            w.Longs(a.Counts);
            w.Longs(a.Transitions);
            w.Longs(a.YearsHistogram);
            w.Longs(a.FirstEntryHistogram);
            w.Int32(a.WeightedCounts.Length);
            foreach (var s in a.WeightedCounts)
            {
                w.Byte(s is null ? (byte)0 : (byte)1);
                if (s is not null)
                {
                    w.Big(s.Units);
                }
            }

            w.Sums(a.Sum);
            w.Sums(a.SumSquares);
            w.Sums(a.DiffSum);
            w.Sums(a.DiffSquares);
            w.Int32(a.Records.Count);
            foreach (var r in a.Records)
            {
                w.Int64(r.Person);
                w.Int32(r.Subcohort);
                w.Int32(r.Scores.Count);
                foreach (var x in r.Scores)
                {
                    w.Int64(BitConverter.DoubleToInt64Bits(x));
                }

                w.Ints(r.CyclesInState);
                w.Ints(r.FirstEntry);
            }
        }

        return w.ToArray();
    }

    /// <summary>
    /// Reads a partial written by <see cref="ToBytes"/> for the run given by the compiled
    /// strategies and options (which must be those the partial was computed with: the same model
    /// definition, seed, draw, block size and effects). The shapes of every accumulator are checked
    /// against the run; a partial of a different run or a damaged buffer is refused.
    /// </summary>
    /// <param name="data">The serialised partial.</param>
    /// <param name="compiled">The compiled strategies of the run (the first is the comparator).</param>
    /// <param name="options">The run's options.</param>
    /// <returns>The partial, mergeable with partials of the same run.</returns>
    /// <exception cref="FormatException">The buffer is not a partial of this format or does not fit the run.</exception>
    public static MicrosimPartial FromBytes(ReadOnlySpan<byte> data, IReadOnlyList<CompiledModel> compiled, MicrosimOptions options)
    {
        ArgumentNullException.ThrowIfNull(compiled);
        ArgumentNullException.ThrowIfNull(options);
        var plan = new MicrosimPlan(compiled, options);
        var partial = new MicrosimPartial(plan);
        var r = new PartialReader(data);
        if (r.UInt32() != Magic)
        {
            throw new FormatException("The buffer is not a microsimulation partial.");
        }

        var version = r.Int32();
        if (version != FormatVersion)
        {
            throw new FormatException($"The partial has format version {version}; this library reads version {FormatVersion}.");
        }

        if (r.Int32() != partial.Arms.Length)
        {
            throw new FormatException("The partial has a different number of strategies than the run.");
        }

        r.Ranges(partial._ranges, "partial has an invalid person range");

        foreach (var a in partial.Arms)
        {
            r.Longs(a.SubcohortPeople);
            r.Longs(a.Counts);
            r.Longs(a.Transitions);
            r.Longs(a.YearsHistogram);
            r.Longs(a.FirstEntryHistogram);
            if (r.Int32() != a.WeightedCounts.Length)
            {
                throw new FormatException("The partial's attribute-weighted counts do not fit the run.");
            }

            for (var i = 0; i < a.WeightedCounts.Length; i++)
            {
                if (r.Byte() != 0)
                {
                    a.WeightedCounts[i] = ExactSum.FromUnits(r.Big());
                }
            }

            r.Sums(a.Sum);
            r.Sums(a.SumSquares);
            r.Sums(a.DiffSum);
            r.Sums(a.DiffSquares);
            var records = r.Count(16);
            for (var i = 0; i < records; i++)
            {
                var person = r.Int64();
                var subcohort = r.Int32();
                var scores = new double[r.Count(8)];
                for (var j = 0; j < scores.Length; j++)
                {
                    scores[j] = BitConverter.Int64BitsToDouble(r.Int64());
                }

                a.Records.Add(new MicrosimPersonRecord(person, subcohort, scores, r.Ints(), r.Ints()));
            }
        }

        if (!r.AtEnd)
        {
            throw new FormatException("The partial has trailing bytes.");
        }

        return partial;
    }
}
