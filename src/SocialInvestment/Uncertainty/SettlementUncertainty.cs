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
    {
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

    /// <summary>Number of draws.</summary>
    public int Draws { get; }

    private readonly DrawPairs _pairs;

    /// <summary>The summary once every draw is settled.</summary>
    /// <exception cref="InvalidOperationException">Some draw has not been settled (the PSA did not run both strategies for it).</exception>
    public SettlementPsaResult Result()
    {
        var missing = Array.IndexOf(_done, false);
        if (missing >= 0)
        {
            throw new InvalidOperationException($"Draw {missing} has not been settled: run the PSA with this evaluator, {Draws} draws, and both '{_strategy.Name}' and '{_comparator.Name}' among its strategies.");
        }

        return new SettlementPsaResult(_strategy, _comparator, _plan, Payers, Draws, (double[])_before.Clone(), (double[])_after.Clone(), (double[])_scale.Clone());
    }

    private void Observe(PsaPayerFlows flows)
    {
        ArgumentNullException.ThrowIfNull(flows);
        var draw = flows.Index;
        int si = IndexOf(flows.Strategies, _strategy), ci = IndexOf(flows.Strategies, _comparator);
        if (si < 0 || ci < 0 || (uint)draw >= (uint)Draws || flows.Payers.Count != Payers.Count)
        {
            throw new InvalidOperationException($"The PSA must run '{_strategy.Name}' and '{_comparator.Name}' of this model with {Draws} draws (draw {draw}).");
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
        if (_pairs.Add(strategy, draw, result) is not { } pair)
        {
            return result;
        }

        var (s, c) = pair;
        var appraisal = Appraisal.Compare(s, c, Perspective.PublicSector);
        var participants = _plan.NeedsParticipants
            ? ParticipantCounts.Incremental(Participation.Count(_model, _strategy, parameters, cancellationToken), Participation.Count(_model, _comparator, parameters, cancellationToken))
            : null;
        Record(draw, Settlement.Settle(appraisal, _plan, participants));
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

    internal SettlementPsaResult(Strategy strategy, Strategy comparator, SettlementPlan plan, IReadOnlyList<Payer> payers, int draws, double[] before, double[] after, double[] scale)
    {
        _scale = scale;
        Strategy = strategy;
        Comparator = comparator;
        Plan = plan;
        Payers = ReadOnly.Copy(payers);
        Draws = draws;
        _before = before;
        _after = after;
    }

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
