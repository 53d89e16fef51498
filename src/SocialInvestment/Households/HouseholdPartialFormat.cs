using SocialInvestment.Engine;
using SocialInvestment.Model;

namespace SocialInvestment.Households;

public sealed partial class HouseholdPartial
{
    private const uint Magic = 0x50484953; // "SIHP" little-endian
    private const int FormatVersion = 1;

    /// <summary>The run key of the partial's run (<see cref="HouseholdRun.RunKey"/>).</summary>
    public ContentHash? RunKey => Run.RunKey;

    /// <summary>
    /// Writes this partial in the library's binary partial format (household version 1, the
    /// microsimulation partial's integer encoding): the run key, the household ranges and every
    /// count and exact sum (as integer units), so the bytes do not depend on the machine's
    /// floating-point behaviour and a partial from another process merges exactly.
    /// </summary>
    /// <exception cref="InvalidOperationException">The run has no run key (a model built in code): it cannot be identified in another process.</exception>
    public byte[] ToBytes()
    {
        var key = Run.RunKey ?? throw new InvalidOperationException("This household run has no run key (its model was built in code, without a definition hash, or a member strategy is not the model's), so its partials cannot travel; build the model from scenario files or give it a definition hash.");
        var w = new PartialWriter();
        w.UInt32(Magic);
        w.Int32(FormatVersion);
        w.Longs([.. key.ToByteArray().Select(b => (long)b)]);
        w.Int32(Arms.Length);
        w.Int32(_ranges.Count);
        foreach (var (start, end) in _ranges)
        {
            w.Int64(start);
            w.Int64(end);
        }

        foreach (var a in Arms)
        {
            w.Int32(a.Counts.Length);
            for (var s = 0; s < a.Counts.Length; s++)
            {
                w.Longs(a.Counts[s]);
                w.Longs(a.Transitions[s]);
                w.Longs(a.SubcohortPeople[s]);
            }

            w.Longs(a.RoleCounts);
            w.Longs(a.Ever);
            w.Longs(a.FlowCounts);
            w.Longs(a.ActiveCounts);
            w.Longs(a.Eligible);
            w.Longs(a.Treated);
            w.Longs(a.Dissolved);
            w.Sums(a.Sum);
            w.Sums(a.SumSquares);
            w.Sums(a.DiffSum);
            w.Sums(a.DiffSquares);
        }

        return w.ToArray();
    }

    /// <summary>
    /// Reads a partial written by <see cref="ToBytes"/> for a prepared run, which must have the run
    /// key the partial was written with (the same definition, strategies, parameters and options);
    /// the shapes of every accumulator are checked too.
    /// </summary>
    /// <param name="data">The serialised partial.</param>
    /// <param name="run">The prepared run in this process.</param>
    /// <returns>The partial, mergeable with partials of <paramref name="run"/> and of runs with its key.</returns>
    /// <exception cref="FormatException">The buffer is not a household partial, is damaged, or belongs to another run (the keys are named).</exception>
    public static HouseholdPartial FromBytes(ReadOnlySpan<byte> data, HouseholdRun run)
    {
        ArgumentNullException.ThrowIfNull(run);
        var partial = new HouseholdPartial(run);
        var r = new PartialReader(data);
        if (r.UInt32() != Magic)
        {
            throw new FormatException("The buffer is not a household partial.");
        }

        var version = r.Int32();
        if (version != FormatVersion)
        {
            throw new FormatException($"The household partial has format version {version}; this library reads version {FormatVersion}.");
        }

        var keyBytes = new long[ContentHash.Size];
        r.Longs(keyBytes);
        var key = ContentHash.FromBytes([.. keyBytes.Select(b => b is >= 0 and <= 255 ? (byte)b : throw new FormatException("The household partial's run key is damaged."))]);
        if (run.RunKey is not { } mine || mine != key)
        {
            throw new FormatException($"The household partial belongs to the run {key}, not to this run ({(run.RunKey is { } k ? k.ToString() : "no run key: a model built in code")}): the definition, strategies, parameters or options differ.");
        }

        if (r.Int32() != partial.Arms.Length)
        {
            throw new FormatException("The household partial has a different number of strategies than the run.");
        }

        r.Ranges(partial._ranges, "household partial has an invalid range");

        foreach (var a in partial.Arms)
        {
            if (r.Int32() != a.Counts.Length)
            {
                throw new FormatException("The household partial has a different number of member start sources than the run.");
            }

            for (var s = 0; s < a.Counts.Length; s++)
            {
                r.Longs(a.Counts[s]);
                r.Longs(a.Transitions[s]);
                r.Longs(a.SubcohortPeople[s]);
            }

            r.Longs(a.RoleCounts);
            r.Longs(a.Ever);
            r.Longs(a.FlowCounts);
            r.Longs(a.ActiveCounts);
            r.Longs(a.Eligible);
            r.Longs(a.Treated);
            r.Longs(a.Dissolved);
            r.Sums(a.Sum);
            r.Sums(a.SumSquares);
            r.Sums(a.DiffSum);
            r.Sums(a.DiffSquares);
        }

        if (!r.AtEnd)
        {
            throw new FormatException("The household partial has trailing bytes.");
        }

        return partial;
    }
}
