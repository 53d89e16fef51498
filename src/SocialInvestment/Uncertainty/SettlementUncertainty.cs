using System.Collections.Concurrent;
using System.Collections.Immutable;
using SocialInvestment.Economics;
using SocialInvestment.Engine;
using SocialInvestment.Model;

namespace SocialInvestment.Uncertainty;

/// <summary>
/// Settlement under a probabilistic sensitivity analysis: settles every draw's appraisal of one
/// strategy against its comparator. It plugs into <see cref="ProbabilisticAnalysis.Run"/> through
/// the public <see cref="StrategyEvaluator"/> hook and relies only on its documented contract: the
/// evaluator is called once for every (strategy, draw k) with k in [0, Draws) and the draw's
/// parameter values, and the PSA appraises the results it returns. <see cref="Evaluator"/> runs the
/// inner evaluator, keeps the strategy's and the comparator's results of a draw until both are
/// there, settles that draw (<see cref="Settlement.Settle"/>)
/// and records each payer's present net gain before and after at the draw's index, so the result does
/// not depend on the number of threads. Participants, when the plan needs them, are the cohort
/// model's expected counts for the draw's parameters. Thread-safe; use one instance per PSA run.
/// <see cref="Observer"/> is the other way in: passed as <see cref="PsaOptions.PayerFlowObserver"/>
/// (and no evaluator), it settles each draw from the per-payer flows the PSA reports
/// (<see cref="PsaPayerFlows"/>) and leaves the cohort PSA on its incremental draw path; its figures
/// agree with <see cref="Evaluator"/>'s within 1e-12 of the payers' flows (summation order).
/// </summary>
public sealed class SettlementUncertainty
{
    private readonly LifeCourseModel _model;
    private readonly SettlementPlan _plan;
    private readonly Strategy _strategy;
    private readonly Strategy _comparator;
    private readonly StrategyEvaluator _inner;
    private readonly double[] _before;
    private readonly double[] _after;
    private readonly double[] _scale;
    private readonly bool[] _done;
    private readonly PreparedSettlement _prepared;

    // Workspaces of the prepared plan, taken for a draw and given back (the observer is called
    // concurrently, one draw per call; a bag keeps them per thread, so there is one per PSA thread).
    private readonly ConcurrentBag<PreparedSettlement.Workspace> _workspaces = [];

    /// <summary>Creates the collector.</summary>
    /// <param name="model">The model the PSA runs.</param>
    /// <param name="plan">The settlement plan (validated against the model's payers here).</param>
    /// <param name="strategy">The strategy settled (must be among the PSA's strategies).</param>
    /// <param name="comparator">Its comparator (must be among the PSA's strategies).</param>
    /// <param name="draws">The PSA's number of draws.</param>
    /// <param name="inner">The evaluator that runs a strategy; null for the cohort engine.</param>
    /// <exception cref="SettlementValidationException">The plan names unknown payers or interventions.</exception>
    public SettlementUncertainty(LifeCourseModel model, SettlementPlan plan, Strategy strategy, Strategy comparator, int draws, StrategyEvaluator? inner = null)
        : this(model, plan, strategy, comparator, 0L, draws, inner)
    {
    }

    /// <summary>
    /// The collector of a range of draws, <paramref name="firstDraw"/> … <paramref name="firstDraw"/> +
    /// <paramref name="draws"/> − 1, as a PSA range (<see cref="ProbabilisticAnalysis.RunRange"/>, a cluster silo's
    /// range) runs them; its <see cref="Result"/> holds those draws, and <see cref="SettlementPsaResult.Concatenate"/>
    /// joins the ranges' results into the whole run's.
    /// </summary>
    /// <param name="model">The model the PSA runs.</param>
    /// <param name="plan">The settlement plan (validated against the model's payers here).</param>
    /// <param name="strategy">The strategy settled (must be among the PSA's strategies).</param>
    /// <param name="comparator">Its comparator (must be among the PSA's strategies).</param>
    /// <param name="firstDraw">Index of the range's first draw (≥ 0).</param>
    /// <param name="draws">Number of draws of the range (≥ 1).</param>
    /// <param name="inner">The evaluator that runs a strategy; null for the cohort engine.</param>
    /// <returns>The collector.</returns>
    /// <exception cref="SettlementValidationException">The plan names unknown payers or interventions.</exception>
    public static SettlementUncertainty ForRange(LifeCourseModel model, SettlementPlan plan, Strategy strategy, Strategy comparator, long firstDraw, int draws, StrategyEvaluator? inner = null)
        => new(model, plan, strategy, comparator, firstDraw, draws, inner);

    private SettlementUncertainty(LifeCourseModel model, SettlementPlan plan, Strategy strategy, Strategy comparator, long firstDraw, int draws, StrategyEvaluator? inner)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(firstDraw);
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(strategy);
        ArgumentNullException.ThrowIfNull(comparator);
        ArgumentOutOfRangeException.ThrowIfLessThan(draws, 1);
        if (strategy.Name == comparator.Name)
        {
            throw new ArgumentException("The strategy and the comparator must differ.", nameof(comparator));
        }

        var problems = plan.Validate(model.Payers, Settlement.KnownInterventions(model, strategy, comparator));
        if (problems.Count > 0)
        {
            throw new SettlementValidationException(problems);
        }

        _model = model;
        _plan = plan;
        _strategy = strategy;
        _comparator = comparator;
        _inner = inner ?? ((s, p, _, ct) => CohortEngine.Run(model, s, p, ct));
        Payers = ReadOnly.Copy(model.Payers);
        FirstDraw = firstDraw;
        Draws = draws;
        _pairs = new DrawPairs(strategy.Name, comparator.Name, draws, "settlement");
        _before = new double[Payers.Count * draws];
        _after = new double[Payers.Count * draws];
        _scale = new double[draws];
        _done = new bool[draws];
        _prepared = new PreparedSettlement(plan, Payers);
        Evaluator = Evaluate;
        Observer = Observe;
    }

    /// <summary>Pass this to <see cref="ProbabilisticAnalysis.Run"/> as its evaluator.</summary>
    public StrategyEvaluator Evaluator { get; }

    /// <summary>
    /// Pass this as <see cref="PsaOptions.PayerFlowObserver"/> instead of using <see cref="Evaluator"/>:
    /// every draw is settled from its per-payer flows (<see cref="PsaPayerFlows"/>), the PSA itself
    /// keeps its default (incremental) cohort path. Per payer the ledger of a draw is
    /// <c>NetGainByCycle[t] = −((B_s − B_c) + (I_s − I_c))</c>, <c>Invested = Σ_t (I_s·d_t − I_c·d_t)</c>,
    /// <c>Savings = −Σ_t (B_s·d_t − B_c·d_t)</c> for base flows B and intervention costs I of the
    /// strategy s and the comparator c; then that ledger is settled as <see cref="Settlement.SettleLedger"/>
    /// settles it, bit for bit, but with the plan prepared once for the model's payers and each draw
    /// worked in reused buffers (no allocation per draw, except the participant counts a
    /// <see cref="PerParticipantPriceRule"/> needs, which run the model). To chain several collectors,
    /// call each observer in turn.
    /// </summary>
    public PsaPayerFlowObserver Observer { get; }

    /// <summary>The payers (the model's), in the order of the per-draw arrays.</summary>
    public IReadOnlyList<Payer> Payers { get; }

    /// <summary>Number of draws (of the range).</summary>
    public int Draws { get; }

    /// <summary>Index of the first draw (0 for a whole run).</summary>
    public long FirstDraw { get; }

    private readonly DrawPairs _pairs;

    /// <summary>The summary once every draw is settled.</summary>
    /// <exception cref="InvalidOperationException">Some draw has not been settled (the PSA did not run both strategies for it).</exception>
    public SettlementPsaResult Result()
    {
        var missing = Array.IndexOf(_done, false);
        if (missing >= 0)
        {
            throw new InvalidOperationException($"Draw {FirstDraw + missing} has not been settled: run the PSA with this evaluator, draws {FirstDraw} to {FirstDraw + Draws - 1}, and both '{_strategy.Name}' and '{_comparator.Name}' among its strategies.");
        }

        return new SettlementPsaResult(_strategy, _comparator, _plan, Payers, FirstDraw, Draws, (double[])_before.Clone(), (double[])_after.Clone(), (double[])_scale.Clone());
    }

    private void Observe(PsaPayerFlows flows)
    {
        ArgumentNullException.ThrowIfNull(flows);
        var draw = flows.Index - FirstDraw;
        int si = IndexOf(flows.Strategies, _strategy), ci = IndexOf(flows.Strategies, _comparator);
        if (si < 0 || ci < 0 || (ulong)draw >= (ulong)Draws || flows.Payers.Count != Payers.Count)
        {
            throw new InvalidOperationException($"The PSA must run '{_strategy.Name}' and '{_comparator.Name}' of this model with draws {FirstDraw} to {FirstDraw + Draws - 1} (draw {flows.Index}).");
        }

        // The draw's ledger goes straight into this thread's workspace of the prepared plan: no allocation
        // per draw, and the positions are bit-identical to Settlement.SettleLedger's on the same ledger.
        var points = flows.CostDiscountFactors.Count;
        if (!_workspaces.TryTake(out var w) || w.Points != points)
        {
            w = _prepared.CreateWorkspace(points);
        }

        var df = w.DiscountFactors;
        if (flows.CostDiscountFactors is ImmutableArray<double> factors)
        {
            factors.AsSpan().CopyTo(df);
        }
        else
        {
            for (var t = 0; t < points; t++)
            {
                df[t] = flows.CostDiscountFactors[t];
            }
        }

        for (var p = 0; p < Payers.Count; p++)
        {
            var bs = flows.Flows(si, p, FlowOrigin.Base);
            var bc = flows.Flows(ci, p, FlowOrigin.Base);
            var ins = flows.Flows(si, p, FlowOrigin.Intervention);
            var inc = flows.Flows(ci, p, FlowOrigin.Intervention);
            var net = w.NetGainByCycle.AsSpan(p * points, points);
            double invested = 0, savings = 0;
            for (var t = 0; t < net.Length; t++)
            {
                net[t] = -((bs[t] - bc[t]) + (ins[t] - inc[t]));
                invested += (ins[t] * df[t]) - (inc[t] * df[t]);
                savings -= (bs[t] * df[t]) - (bc[t] * df[t]);
            }

            w.Invested[p] = invested;
            w.Savings[p] = savings;
        }

        var participants = _plan.NeedsParticipants
            ? ParticipantCounts.Incremental(Participation.Count(_model, _strategy, flows.Parameters), Participation.Count(_model, _comparator, flows.Parameters))
            : null;
        _prepared.Settle(w, _strategy, _comparator, flows.CycleLengthYears, participants);
        var scale = 0.0;
        for (var p = 0; p < Payers.Count; p++)
        {
            scale += Math.Abs(w.Invested[p]) + Math.Abs(w.Savings[p]);
            _before[(p * Draws) + draw] = w.NetGainBefore[p];
            _after[(p * Draws) + draw] = w.NetGainAfter[p];
        }

        _scale[draw] = scale;
        _done[draw] = true;
        _workspaces.Add(w);
    }

    private static int IndexOf(IReadOnlyList<Strategy> strategies, Strategy s)
    {
        for (var i = 0; i < strategies.Count; i++)
        {
            if (strategies[i].Name == s.Name)
            {
                return i;
            }
        }

        return -1;
    }

    private void Record(long draw, SettlementResult settled)
    {
        var scale = 0.0;
        foreach (var row in settled.Ledger.Payers)
        {
            scale += Math.Abs(row.Invested) + Math.Abs(row.Savings);
        }

        _scale[draw] = scale;
        for (var p = 0; p < Payers.Count; p++)
        {
            var position = settled.Position(Payers[p].Name);
            _before[(p * Draws) + draw] = position.NetGainBefore;
            _after[(p * Draws) + draw] = position.NetGainAfter;
        }

        _done[draw] = true;
    }

    private SimulationResult Evaluate(Strategy strategy, ParameterValues parameters, long draw, CancellationToken cancellationToken)
    {
        var result = _inner(strategy, parameters, draw, cancellationToken);
        if (_pairs.Add(strategy, draw - FirstDraw, result) is not { } pair)
        {
            return result;
        }

        var (s, c) = pair;
        var appraisal = Appraisal.Compare(s, c, Perspective.PublicSector);
        var participants = _plan.NeedsParticipants
            ? ParticipantCounts.Incremental(Participation.Count(_model, _strategy, parameters, cancellationToken), Participation.Count(_model, _comparator, parameters, cancellationToken))
            : null;
        Record(draw - FirstDraw, Settlement.Settle(appraisal, _plan, participants));
        return result;
    }
}

/// <summary>
/// Each payer's present net gain before and after settlement in every PSA draw (+ = better off).
/// A payer counts as better off in a draw when its net gain exceeds <see cref="RoundingTolerance"/>
/// times the draw's scale, <c>Σ_payers (|Invested| + |Savings|)</c>: a payer the settlement makes
/// exactly whole has a net gain of 0 up to rounding (of either sign, depending on the summation order)
/// and is not better off.
/// </summary>
public sealed class SettlementPsaResult
{
    /// <summary>The relative size, against the draw's scale, below which a net gain counts as 0: 1e-9.</summary>
    public const double RoundingTolerance = 1e-9;

    private readonly double[] _before;
    private readonly double[] _after;
    private readonly double[] _scale;

    internal SettlementPsaResult(Strategy strategy, Strategy comparator, SettlementPlan plan, IReadOnlyList<Payer> payers, long firstDraw, int draws, double[] before, double[] after, double[] scale)
    {
        _scale = scale;
        Strategy = strategy;
        Comparator = comparator;
        Plan = plan;
        Payers = ReadOnly.Copy(payers);
        FirstDraw = firstDraw;
        Draws = draws;
        _before = before;
        _after = after;
    }

    /// <summary>Index of the first draw: 0 for a whole run, a range's first draw for a range's result (<see cref="Concatenate"/>).</summary>
    public long FirstDraw { get; }

    /// <summary>Per draw, the scale a net gain is compared with, <c>Σ_payers (|Invested| + |Savings|)</c> (NOK, present values; see the class).</summary>
    public ReadOnlySpan<double> Scale => _scale;

    /// <summary>
    /// Joins the results of consecutive draw ranges of one run (as cluster ranges or
    /// <see cref="ProbabilisticAnalysis.RunRange"/> give them), in draw order, into one result: the same
    /// values as one collector over all the draws, bit for bit (each draw is settled on its own).
    /// </summary>
    /// <param name="parts">The ranges' results, ascending and adjacent (each one's first draw is the previous one's end), of one strategy, comparator, plan and payers.</param>
    /// <returns>The result over all their draws, starting at the first part's first draw.</returns>
    /// <exception cref="ArgumentException">No parts, a gap or overlap between ranges, or parts of another strategy, comparator, plan or payers.</exception>
    public static SettlementPsaResult Concatenate(IReadOnlyList<SettlementPsaResult> parts)
    {
        ArgumentNullException.ThrowIfNull(parts);
        if (parts.Count == 0)
        {
            throw new ArgumentException("There is nothing to join.", nameof(parts));
        }

        var first = parts[0];
        var P = first.Payers.Count;
        long draws = 0;
        for (var i = 0; i < parts.Count; i++)
        {
            var p = parts[i];
            if (p.Strategy.Name != first.Strategy.Name || p.Comparator.Name != first.Comparator.Name || !ReferenceEquals(p.Plan, first.Plan)
                || p.Payers.Count != P || !p.Payers.Select(x => x.Name).SequenceEqual(first.Payers.Select(x => x.Name), StringComparer.Ordinal))
            {
                throw new ArgumentException($"Part {i + 1} settles another strategy, comparator, plan or set of payers than the first.", nameof(parts));
            }

            if (p.FirstDraw != first.FirstDraw + draws)
            {
                throw new ArgumentException($"Part {i + 1} starts at draw {p.FirstDraw}, not at {first.FirstDraw + draws}: the parts must be adjacent ranges in draw order.", nameof(parts));
            }

            draws += p.Draws;
        }

        if (draws > int.MaxValue)
        {
            throw new ArgumentException("The parts hold more draws than one result can.", nameof(parts));
        }

        var K = (int)draws;
        var before = new double[P * K];
        var after = new double[P * K];
        var scale = new double[K];
        var at = 0;
        foreach (var p in parts)
        {
            for (var payer = 0; payer < P; payer++)
            {
                p._before.AsSpan(payer * p.Draws, p.Draws).CopyTo(before.AsSpan((payer * K) + at));
                p._after.AsSpan(payer * p.Draws, p.Draws).CopyTo(after.AsSpan((payer * K) + at));
            }

            p._scale.CopyTo(scale.AsSpan(at));
            at += p.Draws;
        }

        return new SettlementPsaResult(first.Strategy, first.Comparator, first.Plan, first.Payers, first.FirstDraw, K, before, after, scale);
    }

    /// <summary>
    /// The result in a compact binary form (for a cluster range's result): a format tag, the strategy's, the
    /// comparator's and the payers' names, the first draw, the draw count, then every payer's net gains
    /// before and after and the scales as little-endian doubles. <see cref="FromBytes"/> reads it back.
    /// </summary>
    /// <returns>The bytes.</returns>
    public byte[] ToBytes()
    {
        using var stream = new MemoryStream();
        using (var w = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true))
        {
            w.Write(FormatTag);
            w.Write(Strategy.Name);
            w.Write(Comparator.Name);
            w.Write(Payers.Count);
            foreach (var p in Payers)
            {
                w.Write(p.Name);
            }

            w.Write(FirstDraw);
            w.Write(Draws);
            foreach (var v in _before)
            {
                w.Write(v);
            }

            foreach (var v in _after)
            {
                w.Write(v);
            }

            foreach (var v in _scale)
            {
                w.Write(v);
            }
        }

        return stream.ToArray();
    }

    /// <summary>Reads a result written by <see cref="ToBytes"/>, resolving its strategies and payers in <paramref name="model"/>, with <paramref name="plan"/> as its plan.</summary>
    /// <param name="bytes">The bytes.</param>
    /// <param name="model">The model the PSA ran (its strategies and payers, in order).</param>
    /// <param name="plan">The plan the draws were settled with.</param>
    /// <returns>The result.</returns>
    /// <exception cref="FormatException">The bytes are not such a result, or name strategies or payers the model does not have.</exception>
    public static SettlementPsaResult FromBytes(byte[] bytes, LifeCourseModel model, SettlementPlan plan)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(plan);
        try
        {
            using var r = new BinaryReader(new MemoryStream(bytes, writable: false), System.Text.Encoding.UTF8);
            if (r.ReadString() != FormatTag)
            {
                throw new FormatException("The bytes are not a settlement PSA result.");
            }

            var strategy = Find(model.Strategies, r.ReadString());
            var comparator = Find(model.Strategies, r.ReadString());
            var P = r.ReadInt32();
            if (P != model.Payers.Count)
            {
                throw new FormatException($"The result has {P} payers; the model has {model.Payers.Count}.");
            }

            for (var p = 0; p < P; p++)
            {
                var name = r.ReadString();
                if (name != model.Payers[p].Name)
                {
                    throw new FormatException($"The result's payer {p + 1} is '{name}'; the model's is '{model.Payers[p].Name}'.");
                }
            }

            var firstDraw = r.ReadInt64();
            var K = r.ReadInt32();
            if (firstDraw < 0 || K < 1 || (long)K * ((2 * P) + 1) * sizeof(double) != r.BaseStream.Length - r.BaseStream.Position)
            {
                throw new FormatException("The result's draw count does not match its length.");
            }

            double[] Read(int n)
            {
                var a = new double[n];
                for (var i = 0; i < n; i++)
                {
                    a[i] = r.ReadDouble();
                }

                return a;
            }

            var before = Read(P * K);
            var after = Read(P * K);
            var scale = Read(K);
            return new SettlementPsaResult(strategy, comparator, plan, model.Payers, firstDraw, K, before, after, scale);
        }
        catch (EndOfStreamException e)
        {
            throw new FormatException("The settlement PSA result is truncated.", e);
        }

        static Strategy Find(IReadOnlyList<Strategy> strategies, string name)
            => strategies.FirstOrDefault(s => s.Name == name) ?? throw new FormatException($"The model has no strategy '{name}'.");
    }

    private const string FormatTag = "socinv-settlement-psa/1";

    /// <summary>The strategy settled (its <see cref="Model.Strategy.Name"/> names it).</summary>
    public Strategy Strategy { get; }

    /// <summary>The comparator.</summary>
    public Strategy Comparator { get; }

    /// <summary>The plan.</summary>
    public SettlementPlan Plan { get; }

    /// <summary>The payers.</summary>
    public IReadOnlyList<Payer> Payers { get; }

    /// <summary>Number of draws K.</summary>
    public int Draws { get; }

    /// <summary>A payer's present net gain before settlement, per draw.</summary>
    /// <param name="payer">The payer's name.</param>
    public ReadOnlySpan<double> NetGainBefore(string payer) => _before.AsSpan(IndexOf(payer) * Draws, Draws);

    /// <summary>A payer's present net gain after settlement, per draw.</summary>
    /// <param name="payer">The payer's name.</param>
    public ReadOnlySpan<double> NetGainAfter(string payer) => _after.AsSpan(IndexOf(payer) * Draws, Draws);

    /// <summary>Share of draws in which the payer is better off than under the comparator (net gain &gt; 0 beyond rounding, see the class) before settlement.</summary>
    /// <param name="payer">The payer's name.</param>
    public double ProbabilityBetterOffBefore(string payer) => Share(NetGainBefore(payer));

    /// <summary>Share of draws in which the payer is better off (net gain &gt; 0 beyond rounding, see the class) after settlement.</summary>
    /// <param name="payer">The payer's name.</param>
    public double ProbabilityBetterOffAfter(string payer) => Share(NetGainAfter(payer));

    private double Share(ReadOnlySpan<double> values)
    {
        var n = 0;
        for (var k = 0; k < values.Length; k++)
        {
            if (values[k] > RoundingTolerance * _scale[k])
            {
                n++;
            }
        }

        return (double)n / values.Length;
    }

    private int IndexOf(string payer)
    {
        for (var i = 0; i < Payers.Count; i++)
        {
            if (Payers[i].Name == payer)
            {
                return i;
            }
        }

        throw new KeyNotFoundException($"The settlement has no payer '{payer}'.");
    }
}
