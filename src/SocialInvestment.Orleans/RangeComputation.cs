using SocialInvestment.Economics;
using SocialInvestment.Engine;
using SocialInvestment.Uncertainty;

namespace SocialInvestment.Orleans;

/// <summary>The computation of one range, the same on a silo and (for checks) in one process.</summary>
internal static class RangeComputation
{
    public static MicrosimOptions MicrosimOptions(PreparedDefinition definition, ClusterWork work) => new()
    {
        Seed = work.Seed,
        People = checked((int)work.Total),
        BlockSize = work.BlockSize,
        Threads = work.ThreadsPerRange,
        Perspectives = definition.Perspectives,
    };

    /// <summary>The PSA options of a range: as <c>ScenarioRunner.RunProbabilistic</c> sets them (the model's strategies in order, the scenario's comparator and perspectives).</summary>
    public static PsaOptions PsaOptions(PreparedDefinition definition, ClusterWork work) => new()
    {
        Seed = work.Seed,
        Threads = work.ThreadsPerRange,
        Draws = checked((int)work.Total),
        Strategies = definition.Model.Strategies,
        Comparator = definition.Comparator,
        Perspectives = definition.Perspectives,
        KeepDraws = work.KeepDraws,
        EvaluateEveryDrawInFull = work.EvaluateInFull,
    };

    /// <summary>
    /// The options a definition's PSA is prepared with (<see cref="PreparedDefinition.PreparedPsa"/>): the strategies, comparator and
    /// perspectives every range shares, and whether a payer-flow observer settles the draws (<paramref name="observed"/>: a
    /// placeholder here, each range passes its own); a range's seed, draws and threads are its own.
    /// </summary>
    public static PsaOptions PsaOptions(PreparedDefinition definition, bool inFull, bool observed = false) => new()
    {
        Strategies = definition.Model.Strategies,
        Comparator = definition.Comparator,
        Perspectives = definition.Perspectives,
        EvaluateEveryDrawInFull = inFull,
        PayerFlowObserver = observed ? Placeholder : null,
    };

    /// <summary>An observer that does nothing: a preparation only records that its ranges have one.</summary>
    private static readonly PsaPayerFlowObserver Placeholder = _ => { };

    /// <summary>
    /// A settled PSA range: the range's partial, and every strategy's settlement against the comparator (the model's
    /// strategies in order, the comparator left out, as <c>socinv run</c> settles them), in one blob
    /// (<see cref="SplitSettled"/>).
    /// </summary>
    public static byte[] RunSettled(PreparedDefinition definition, SettlementPlan plan, ClusterWork work, long first, long count, CancellationToken cancellationToken)
    {
        var model = definition.Model;
        var collectors = definition.SettledStrategies.Select(s => SettlementUncertainty.ForRange(model, plan, s, definition.Comparator, first, checked((int)count))).ToArray();
        var options = PsaOptions(definition, work) with
        {
            PayerFlowObserver = flows =>
            {
                foreach (var c in collectors)
                {
                    c.Observer(flows);
                }
            },
        };
        var partial = definition.PreparedPsa(work.EvaluateInFull, observed: true).RunRange(options, first, count, null, cancellationToken).ToBytes();
        using var stream = new MemoryStream();
        using (var w = new BinaryWriter(stream))
        {
            w.Write(partial.Length);
            w.Write(partial);
            w.Write(collectors.Length);
            foreach (var c in collectors)
            {
                var bytes = c.Result().ToBytes();
                w.Write(bytes.Length);
                w.Write(bytes);
            }
        }

        return stream.ToArray();
    }

    /// <summary>A settled range's blob (<see cref="RunSettled"/>) as its partial and its settlements' bytes.</summary>
    /// <exception cref="FormatException">The blob is not one.</exception>
    public static (byte[] Partial, byte[][] Settlements) SplitSettled(byte[] blob)
    {
        try
        {
            using var r = new BinaryReader(new MemoryStream(blob, writable: false));
            var partial = Exactly(r, r.ReadInt32());
            var n = r.ReadInt32();
            if (n < 0 || n > 1 << 16)
            {
                throw new FormatException("The settled range holds an impossible number of settlements.");
            }

            var settlements = new byte[n][];
            for (var i = 0; i < n; i++)
            {
                settlements[i] = Exactly(r, r.ReadInt32());
            }

            if (r.BaseStream.Position != r.BaseStream.Length)
            {
                throw new FormatException("The settled range has bytes after its settlements.");
            }

            return (partial, settlements);
        }
        catch (Exception e) when (e is EndOfStreamException or IOException or ArgumentOutOfRangeException)
        {
            throw new FormatException("The settled range is truncated.", e);
        }

        // The bytes a length prefix announces, all of them (BinaryReader.ReadBytes returns fewer at the end).
        static byte[] Exactly(BinaryReader r, int length)
        {
            var bytes = r.ReadBytes(length);
            return bytes.Length == length ? bytes : throw new EndOfStreamException();
        }
    }

    public static byte[] Run(PreparedDefinition definition, Households.HouseholdRun? households, HouseholdPsa? householdPsa, ClusterWork work, long first, long count, CancellationToken cancellationToken, SettlementPlan? plan = null)
    {
        switch (work.Kind)
        {
            case ClusterWorkKind.HouseholdProbabilisticAnalysis:
                return (householdPsa ?? throw new ArgumentException("A household PSA range needs its prepared household PSA.", nameof(householdPsa))).RunRange(first, count, null, cancellationToken).ToBytes();
            case ClusterWorkKind.Households:
                return Households.HouseholdEngine.RunRange(households ?? throw new ArgumentException("A household range needs its prepared household run.", nameof(households)), first, count, null, cancellationToken).ToBytes();
            case ClusterWorkKind.Microsimulation:
                return MicrosimEngine.RunRange(definition.Compiled, MicrosimOptions(definition, work), first, count, null, cancellationToken).ToBytes();
            case ClusterWorkKind.ProbabilisticAnalysis when work.SettlementHash is not null:
                return RunSettled(definition, plan ?? throw new ArgumentException("A settled PSA range needs its settlement plan.", nameof(plan)), work, first, count, cancellationToken);
            case ClusterWorkKind.ProbabilisticAnalysis:
                // The silo's prepared PSA: a definition is compiled and planned once, not once per range.
                return definition.PreparedPsa(work.EvaluateInFull).RunRange(PsaOptions(definition, work), first, count, null, cancellationToken).ToBytes();
            default:
                throw new NotSupportedException($"The work kind {work.Kind} is not supported by this silo.");
        }
    }
}
