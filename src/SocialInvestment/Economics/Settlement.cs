using SocialInvestment.Engine;
using SocialInvestment.Model;

namespace SocialInvestment.Economics;

/// <summary>
/// One payer's row of a <see cref="SettlementLedger"/>, in the result sign convention (+ = better off).
/// </summary>
/// <param name="Payer">The payer.</param>
/// <param name="Invested">Present value of the intervention costs it bears (+ = spends).</param>
/// <param name="Savings">Present value of its savings and gains (+ = saves).</param>
/// <param name="NetGainByCycle">Its net gain at each trace point 0..T, undiscounted (+ = better off).</param>
public sealed record SettlementLedgerPayer(Payer Payer, double Invested, double Savings, IReadOnlyList<double> NetGainByCycle)
{
    /// <summary>Present net gain, <c>Savings − Invested</c>.</summary>
    public double NetGain => Savings - Invested;
}

/// <summary>
/// What a settlement starts from: each payer's position against the comparator per trace point and
/// in present value, and the cost discount factors. Usually <see cref="From(AppraisalResult)"/>;
/// the public constructor serves figures from elsewhere and hand-made examples. Immutable.
/// </summary>
public sealed class SettlementLedger
{
    /// <summary>Creates a ledger and checks it.</summary>
    /// <param name="strategy">The strategy.</param>
    /// <param name="comparator">The comparator.</param>
    /// <param name="cycleLengthYears">Years per cycle, &gt; 0.</param>
    /// <param name="discountFactors">The cost discount factor of each trace point 0..T, each in (0, ∞).</param>
    /// <param name="payers">One row per payer (distinct names), each with T + 1 finite net gains whose discounted sum equals <c>Savings − Invested</c> (relative tolerance 1e-6).</param>
    /// <exception cref="ArgumentException">The rows are inconsistent (every problem is listed).</exception>
    public SettlementLedger(Strategy strategy, Strategy comparator, double cycleLengthYears, IReadOnlyList<double> discountFactors, IReadOnlyList<SettlementLedgerPayer> payers)
    {
        ArgumentNullException.ThrowIfNull(strategy);
        ArgumentNullException.ThrowIfNull(comparator);
        ArgumentNullException.ThrowIfNull(discountFactors);
        ArgumentNullException.ThrowIfNull(payers);
        Guard.Positive(cycleLengthYears);
        var problems = new List<string>();
        if (discountFactors.Count == 0 || discountFactors.Any(d => !(double.IsFinite(d) && d > 0)))
        {
            problems.Add("The discount factors must be one positive finite number per trace point.");
        }

        foreach (var row in payers)
        {
            if (row is null)
            {
                problems.Add("A payer row is missing (null).");
                continue;
            }

            if (row.NetGainByCycle.Count != discountFactors.Count)
            {
                problems.Add($"Payer '{row.Payer.Name}' has {row.NetGainByCycle.Count} net gains; expected one per trace point ({discountFactors.Count}).");
                continue;
            }

            if (!double.IsFinite(row.Invested) || !double.IsFinite(row.Savings) || row.NetGainByCycle.Any(v => !double.IsFinite(v)))
            {
                problems.Add($"Payer '{row.Payer.Name}' has a non-finite amount.");
                continue;
            }

            var pv = row.NetGainByCycle.Select((v, t) => v * discountFactors[t]).Sum();
            var scale = Math.Max(1.0, Math.Abs(row.Invested) + Math.Abs(row.Savings) + row.NetGainByCycle.Sum(Math.Abs));
            if (Math.Abs(pv - row.NetGain) > 1e-6 * scale)
            {
                problems.Add($"Payer '{row.Payer.Name}': the discounted net gains sum to {pv:R} but savings − invested is {row.NetGain:R}.");
            }
        }

        foreach (var dup in payers.Where(r => r is not null).GroupBy(r => r.Payer.Name, StringComparer.Ordinal).Where(g => g.Count() > 1))
        {
            problems.Add($"Payer '{dup.Key}' has {dup.Count()} rows.");
        }

        if (problems.Count > 0)
        {
            throw new ArgumentException("The settlement ledger is invalid: " + string.Join(" ", problems), nameof(payers));
        }

        Strategy = strategy;
        Comparator = comparator;
        CycleLengthYears = cycleLengthYears;
        DiscountFactors = ReadOnly.Copy(discountFactors);
        Payers = ReadOnly.Copy(payers);
    }

    /// <summary>The strategy (its <see cref="Model.Strategy.Name"/> names it).</summary>
    public Strategy Strategy { get; }

    /// <summary>The comparator.</summary>
    public Strategy Comparator { get; }

    /// <summary>Years per cycle.</summary>
    public double CycleLengthYears { get; }

    /// <summary>Horizon T in cycles (trace points 0..T).</summary>
    public int Cycles => DiscountFactors.Count - 1;

    /// <summary>The cost discount factor of each trace point.</summary>
    public IReadOnlyList<double> DiscountFactors { get; }

    /// <summary>The payers' rows.</summary>
    public IReadOnlyList<SettlementLedgerPayer> Payers { get; }

    /// <summary>The row of a payer.</summary>
    /// <param name="name">The payer's name.</param>
    /// <exception cref="KeyNotFoundException">No such payer.</exception>
    public SettlementLedgerPayer Payer(string name)
        => Payers.FirstOrDefault(r => r.Payer.Name == name) ?? throw new KeyNotFoundException($"The ledger has no payer '{name}'.");

    /// <summary>
    /// The ledger of an appraisal: per declared payer, <see cref="PayerBalance.Invested"/>,
    /// <see cref="PayerBalance.Savings"/> and the sum of its accounts' <see cref="IncrementalLedgerRow.PerCycle"/>
    /// (independent of the appraisal's perspective).
    /// </summary>
    /// <param name="appraisal">The appraisal (strategy against comparator).</param>
    public static SettlementLedger From(AppraisalResult appraisal)
    {
        ArgumentNullException.ThrowIfNull(appraisal);
        var points = appraisal.CostDiscountFactors.Count;
        var rows = appraisal.Payers.Select(b =>
        {
            var per = new double[points];
            foreach (var row in appraisal.Ledger)
            {
                if (row.Account.Payer.Name == b.Payer.Name)
                {
                    for (var t = 0; t < points; t++)
                    {
                        per[t] += row.PerCycle[t];
                    }
                }
            }

            return new SettlementLedgerPayer(b.Payer, b.Invested, b.Savings, per);
        }).ToArray();
        return new SettlementLedger(appraisal.Strategy, appraisal.Comparator, appraisal.CycleLengthYears, appraisal.CostDiscountFactors, rows);
    }
}

/// <summary>
/// Incremental participants (strategy − comparator) per intervention, for
/// <see cref="PerParticipantPriceRule"/>. Immutable.
/// </summary>
public sealed class ParticipantCounts
{
    private readonly Dictionary<string, InterventionParticipants> _byName;

    /// <summary>Creates the counts.</summary>
    /// <param name="interventions">Incremental participants per intervention (distinct names).</param>
    public ParticipantCounts(IEnumerable<InterventionParticipants> interventions)
    {
        ArgumentNullException.ThrowIfNull(interventions);
        _byName = interventions.ToDictionary(i => i.Intervention, StringComparer.Ordinal);
    }

    /// <summary>The interventions counted.</summary>
    public IReadOnlyCollection<string> Interventions => _byName.Keys;

    /// <summary>The incremental participants of an intervention.</summary>
    /// <param name="intervention">The intervention's name.</param>
    public InterventionParticipants this[string intervention] => _byName[intervention];

    /// <summary>
    /// Strategy minus comparator for every intervention in either (an intervention only in one of them
    /// counts 0 in the other).
    /// </summary>
    /// <param name="strategy">The strategy's participants (<see cref="Participation.Count"/>).</param>
    /// <param name="comparator">The comparator's participants.</param>
    public static ParticipantCounts Incremental(IReadOnlyList<InterventionParticipants> strategy, IReadOnlyList<InterventionParticipants> comparator)
    {
        ArgumentNullException.ThrowIfNull(strategy);
        ArgumentNullException.ThrowIfNull(comparator);
        var points = strategy.Concat(comparator).Select(p => p.Active.Count).DefaultIfEmpty(0).Max();
        var names = strategy.Select(p => p.Intervention).Concat(comparator.Select(p => p.Intervention)).Distinct(StringComparer.Ordinal);
        return new ParticipantCounts(names.Select(n =>
        {
            var s = strategy.FirstOrDefault(p => p.Intervention == n);
            var c = comparator.FirstOrDefault(p => p.Intervention == n);
            var active = new double[points];
            for (var t = 0; t < points; t++)
            {
                active[t] = (s is null ? 0 : s.Active[t]) - (c is null ? 0 : c.Active[t]);
            }

            return new InterventionParticipants(n, (s?.Started ?? 0) - (c?.Started ?? 0), active);
        }));
    }
}

/// <summary>One payer's position before and after a settlement (+ = better off than under the comparator).</summary>
/// <param name="Payer">The payer.</param>
/// <param name="NetGainBefore">Present net gain before the settlement.</param>
/// <param name="NetGainAfter">Present net gain after it.</param>
/// <param name="NetGainBeforeUndiscounted">Undiscounted net gain before.</param>
/// <param name="NetGainAfterUndiscounted">Undiscounted net gain after.</param>
/// <param name="BeforeByCycle">Net gain per trace point before, undiscounted.</param>
/// <param name="AfterByCycle">Net gain per trace point after, undiscounted.</param>
/// <param name="BeforeByCycleDiscounted">Net gain per trace point before, discounted.</param>
/// <param name="AfterByCycleDiscounted">Net gain per trace point after, discounted.</param>
public sealed record PayerSettlementPosition(
    Payer Payer,
    double NetGainBefore,
    double NetGainAfter,
    double NetGainBeforeUndiscounted,
    double NetGainAfterUndiscounted,
    IReadOnlyList<double> BeforeByCycle,
    IReadOnlyList<double> AfterByCycle,
    IReadOnlyList<double> BeforeByCycleDiscounted,
    IReadOnlyList<double> AfterByCycleDiscounted)
{
    /// <summary>Present value received through the settlement (+ = receives, − = pays).</summary>
    public double Received => NetGainAfter - NetGainBefore;
}

/// <summary>
/// One transfer of the schedule: <see cref="From"/> pays <see cref="To"/> the amounts per trace point
/// (+ = From pays To; a negative amount flows back). Amounts are in the model's currency.
/// </summary>
/// <param name="Rule">The rule that asks for it.</param>
/// <param name="From">Who pays.</param>
/// <param name="To">Who receives.</param>
/// <param name="PerCycle">Amount at each trace point 0..T, undiscounted (year = t × cycle length).</param>
/// <param name="PerCycleDiscounted">The same, discounted.</param>
/// <param name="Total">Sum of <paramref name="PerCycle"/>.</param>
/// <param name="TotalDiscounted">Present value of the transfer.</param>
/// <param name="Timing">How it was timed (after any fall-back to upfront).</param>
public sealed record SettlementTransfer(string Rule, Payer From, Payer To, IReadOnlyList<double> PerCycle, IReadOnlyList<double> PerCycleDiscounted, double Total, double TotalDiscounted, TransferTiming Timing);

/// <summary>
/// The result of a settlement: the transfer schedule and every payer's position before and after.
/// Settlements only move money: <see cref="TotalNetGainAfter"/> equals <see cref="TotalNetGainBefore"/>
/// (up to rounding), and so does every trace point's sum over payers.
/// </summary>
public sealed class SettlementResult
{
    internal SettlementResult(SettlementLedger ledger, SettlementPlan plan, IReadOnlyList<PayerSettlementPosition> positions, IReadOnlyList<SettlementTransfer> transfers, IReadOnlyList<string> remarks)
    {
        Ledger = ledger;
        Plan = plan;
        Positions = ReadOnly.Copy(positions);
        Transfers = ReadOnly.Copy(transfers);
        Remarks = ReadOnly.Copy(remarks);
        TotalNetGainBefore = positions.Sum(p => p.NetGainBefore);
        TotalNetGainAfter = positions.Sum(p => p.NetGainAfter);
    }

    /// <summary>The ledger settled.</summary>
    public SettlementLedger Ledger { get; }

    /// <summary>The plan applied.</summary>
    public SettlementPlan Plan { get; }

    /// <summary>Every payer of the ledger, before and after.</summary>
    public IReadOnlyList<PayerSettlementPosition> Positions { get; }

    /// <summary>The transfer schedule, in rule order (transfers with a zero present value and zero amounts are left out).</summary>
    public IReadOnlyList<SettlementTransfer> Transfers { get; }

    /// <summary>Why a rule moved nothing (for example: nobody invests, nobody saves), one English sentence each.</summary>
    public IReadOnlyList<string> Remarks { get; }

    /// <summary>Sum of the payers' present net gains before.</summary>
    public double TotalNetGainBefore { get; }

    /// <summary>Sum of the payers' present net gains after (equal to <see cref="TotalNetGainBefore"/> up to rounding).</summary>
    public double TotalNetGainAfter { get; }

    /// <summary>A payer's position.</summary>
    /// <param name="payer">The payer's name.</param>
    public PayerSettlementPosition Position(string payer)
        => Positions.FirstOrDefault(p => p.Payer.Name == payer) ?? throw new KeyNotFoundException($"The settlement has no payer '{payer}'.");

    /// <summary>Net present value paid from one payer to another over all rules (+ = <paramref name="from"/> pays <paramref name="to"/> on balance).</summary>
    /// <param name="from">Payer name.</param>
    /// <param name="to">Payer name.</param>
    public double NetTransferDiscounted(string from, string to)
        => Transfers.Where(x => x.From.Name == from && x.To.Name == to).Sum(x => x.TotalDiscounted)
           - Transfers.Where(x => x.From.Name == to && x.To.Name == from).Sum(x => x.TotalDiscounted);
}

/// <summary>
/// Settles an appraisal between payers: applies a <see cref="SettlementPlan"/>'s rules in order to
/// the payers' positions and returns the transfer schedule and the positions after. Pure and
/// thread-safe; call it once per PSA draw (see <see cref="SocialInvestment.Uncertainty.SettlementUncertainty"/>).
/// </summary>
public static class Settlement
{
    /// <summary>Settles an appraisal (the payers' rows of <see cref="SettlementLedger.From(AppraisalResult)"/>).</summary>
    /// <param name="appraisal">The appraisal.</param>
    /// <param name="plan">The plan.</param>
    /// <param name="participants">Incremental participants; required when the plan has a <see cref="PerParticipantPriceRule"/>.</param>
    /// <param name="game">The coalition game for a <see cref="ShapleyRule"/>; null for <see cref="CoalitionGame.FromLedger"/>.</param>
    /// <exception cref="SettlementValidationException">The plan does not fit the appraisal (every problem listed).</exception>
    public static SettlementResult Settle(AppraisalResult appraisal, SettlementPlan plan, ParticipantCounts? participants = null, CoalitionGame? game = null)
        => SettleLedger(SettlementLedger.From(appraisal), plan, participants, game);

    /// <summary>
    /// Runs the cohort engine for a strategy and its comparator, counts participants when the plan
    /// needs them, and settles the appraisal.
    /// </summary>
    /// <param name="model">The model.</param>
    /// <param name="strategy">The strategy.</param>
    /// <param name="comparator">The comparator.</param>
    /// <param name="plan">The plan.</param>
    /// <param name="parameters">Parameter values; null for the base case.</param>
    /// <param name="game">The coalition game for a Shapley rule; null for the one-strategy game.</param>
    /// <param name="cancellationToken">Cancels the runs.</param>
    public static SettlementResult Run(LifeCourseModel model, Strategy strategy, Strategy comparator, SettlementPlan plan, ParameterValues? parameters = null, CoalitionGame? game = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(strategy);
        ArgumentNullException.ThrowIfNull(comparator);
        var problems = plan.Validate(model.Payers, KnownInterventions(model, strategy, comparator));
        if (problems.Count > 0)
        {
            throw new SettlementValidationException(problems);
        }

        var appraisal = Appraisal.Compare(CohortEngine.Run(model, strategy, parameters, cancellationToken), CohortEngine.Run(model, comparator, parameters, cancellationToken), Perspective.PublicSector);
        var participants = plan.NeedsParticipants
            ? ParticipantCounts.Incremental(Participation.Count(model, strategy, parameters, cancellationToken), Participation.Count(model, comparator, parameters, cancellationToken))
            : null;
        return Settle(appraisal, plan, participants, game);
    }

    /// <summary>
    /// Settles a ledger. Each rule acts on the positions the previous rules left; see each rule's
    /// documentation for its formula. A rule that finds nothing to move (nobody invests, nobody saves,
    /// all weights zero) moves nothing and says why in <see cref="SettlementResult.Remarks"/>.
    /// </summary>
    /// <param name="ledger">The payers' positions.</param>
    /// <param name="plan">The plan.</param>
    /// <param name="participants">Incremental participants; required when the plan has a <see cref="PerParticipantPriceRule"/>.</param>
    /// <param name="game">The coalition game for a <see cref="ShapleyRule"/>; null for <see cref="CoalitionGame.FromLedger"/> on the positions before that rule.</param>
    /// <exception cref="SettlementValidationException">The plan names unknown payers, needs participants that are missing, or the game does not fit (every problem listed). Intervention names are checked against a model by <see cref="SettlementPlan.ForPayers"/> and <see cref="Run"/>; here a price rule on an intervention the counts do not have moves nothing and says so in <see cref="SettlementResult.Remarks"/>.</exception>
    public static SettlementResult SettleLedger(SettlementLedger ledger, SettlementPlan plan, ParticipantCounts? participants = null, CoalitionGame? game = null)
    {
        ArgumentNullException.ThrowIfNull(ledger);
        ArgumentNullException.ThrowIfNull(plan);
        var problems = plan.Validate(ledger.Payers.Select(r => r.Payer)).ToList();
        if (participants is null)
        {
            problems.AddRange(plan.Rules.OfType<PerParticipantPriceRule>().Select(r => new SettlementProblem(r.Name, "intervention", "A per-participant price needs the participant counts; pass them (or use the overload that runs the model).")));
        }
        else
        {
            foreach (var r in plan.Rules.OfType<PerParticipantPriceRule>())
            {
                if (participants.Interventions.Contains(r.Intervention) && participants[r.Intervention].Active.Count != ledger.DiscountFactors.Count)
                {
                    problems.Add(new SettlementProblem(r.Name, "intervention", $"The participant counts of '{r.Intervention}' have {participants[r.Intervention].Active.Count} trace points; the ledger has {ledger.DiscountFactors.Count}."));
                }
            }
        }

        if (game is not null)
        {
            foreach (var r in plan.Rules.OfType<ShapleyRule>())
            {
                foreach (var p in game.Players.Where(p => !ledger.Payers.Any(q => q.Payer.Name == p.Name)))
                {
                    problems.Add(new SettlementProblem(r.Name, "game", $"The game's player '{p.Name}' is not a payer of the ledger."));
                }

                if (r.Payers is not null && !r.Payers.ToHashSet(StringComparer.Ordinal).SetEquals(game.Players.Select(p => p.Name)))
                {
                    problems.Add(new SettlementProblem(r.Name, "payers", "The rule's payers differ from the game's players; leave the list out to use the game's players."));
                }
            }
        }

        if (problems.Count > 0)
        {
            throw new SettlementValidationException(problems);
        }

        var state = new Book(ledger);
        var transfers = new List<SettlementTransfer>();
        var remarks = new List<string>();
        foreach (var rule in plan.Rules)
        {
            switch (rule)
            {
                case ReimburseInvestorsRule r:
                    Reimburse(state, r, transfers, remarks);
                    break;
                case ShareGainsRule r:
                    ShareGains(state, r, transfers, remarks);
                    break;
                case ShapleyRule r:
                    Shapley(state, r, game, transfers, remarks);
                    break;
                case PerParticipantPriceRule r:
                    Price(state, r, participants!, transfers, remarks);
                    break;
                default:
                    throw new SettlementValidationException([new SettlementProblem(rule.Name, "type", $"Unknown rule type {rule.GetType().Name}.")]);
            }
        }

        var df = ledger.DiscountFactors;
        var positions = ledger.Payers.Select((row, i) =>
        {
            var before = row.NetGainByCycle.ToArray();
            var after = state.Undiscounted[i];
            var beforeD = before.Select((v, t) => v * df[t]).ToArray();
            var afterD = after.Select((v, t) => v * df[t]).ToArray();
            return new PayerSettlementPosition(row.Payer, beforeD.Sum(), afterD.Sum(), before.Sum(), after.Sum(), before, after, beforeD, afterD);
        }).ToArray();
        return new SettlementResult(ledger, plan, positions, transfers, remarks);
    }

    /// <summary>The names of every intervention of the model's strategies and of the two given.</summary>
    internal static IEnumerable<string> KnownInterventions(LifeCourseModel model, Strategy strategy, Strategy comparator)
        => model.Strategies.Append(strategy).Append(comparator).SelectMany(s => s.Interventions).Select(i => i.Name).Distinct(StringComparer.Ordinal);

    private static void Reimburse(Book s, ReimburseInvestorsRule rule, List<SettlementTransfer> transfers, List<string> remarks)
    {
        var members = s.Members(rule.Payers);
        var investors = members.Where(i => s.Ledger.Payers[i].Invested > 0 && s.Pv(i) < 0).ToArray();
        var savers = members.Where(i => !investors.Contains(i) && s.Pv(i) > 0).ToArray();
        var deficit = investors.Sum(i => -s.Pv(i));
        var gains = savers.Sum(s.Pv);
        if (investors.Length == 0 || savers.Length == 0)
        {
            remarks.Add($"Rule '{rule.Name}' moved nothing: {(investors.Length == 0 ? "no payer invests and is worse off" : "no other payer is better off")}.");
            return;
        }

        var total = Math.Min(deficit, gains);
        var moves = new List<(int From, int To, double Pv)>();
        foreach (var sv in savers)
        {
            foreach (var inv in investors)
            {
                moves.Add((sv, inv, total * (s.Pv(sv) / gains) * (-s.Pv(inv) / deficit)));
            }
        }

        s.Apply(rule.Name, moves, rule.Timing, transfers);
    }

    private static void ShareGains(Book s, ShareGainsRule rule, List<SettlementTransfer> transfers, List<string> remarks)
    {
        int[] members;
        double[] weights;
        if (rule.Basis == GainShareBasis.Fixed)
        {
            members = rule.Shares!.Keys.Select(s.IndexOf).ToArray();
            weights = rule.Shares.Values.ToArray();
        }
        else
        {
            members = s.Members(rule.Payers);
            weights = members.Select(i => Math.Max(0, rule.Basis == GainShareBasis.Savings ? s.Ledger.Payers[i].Savings : s.Ledger.Payers[i].Invested)).ToArray();
        }

        var sum = weights.Sum();
        if (!(sum > 0))
        {
            remarks.Add($"Rule '{rule.Name}' moved nothing: no payer in it has positive {(rule.Basis == GainShareBasis.Savings ? "savings" : "investment")}.");
            return;
        }

        var gain = members.Sum(s.Pv);
        var targets = weights.Select(w => w / sum * gain).ToArray();
        s.Apply(rule.Name, Netting(s, members, targets), rule.Timing, transfers);
    }

    private static void Shapley(Book s, ShapleyRule rule, CoalitionGame? game, List<SettlementTransfer> transfers, List<string> remarks)
    {
        if (game is null)
        {
            var members = s.Members(rule.Payers);
            if (members.Length > CoalitionGame.MaxPlayers)
            {
                throw new SettlementValidationException([new SettlementProblem(rule.Name, "payers", $"The exact Shapley value is limited to {CoalitionGame.MaxPlayers} payers; the rule has {members.Length}. Name the payers that take part.")]);
            }

            if (members.Length == 0)
            {
                remarks.Add($"Rule '{rule.Name}' moved nothing: it has no payers.");
                return;
            }

            game = CoalitionGame.FromLedger(s.Current(), members.Select(i => s.Ledger.Payers[i].Payer).ToArray());
        }

        var players = game.Players.Select(p => s.IndexOf(p.Name)).ToArray();
        var coalitionGain = players.Sum(s.Pv);
        if (Math.Abs(game.GrandCoalitionValue - coalitionGain) > 1e-6 * Math.Max(1, Math.Abs(coalitionGain)))
        {
            throw new SettlementValidationException([new SettlementProblem(rule.Name, "game", $"The game's v(N) = {game.GrandCoalitionValue:R} differs from the players' net gain {coalitionGain:R}; settle the appraisal of the grand coalition's strategy.")]);
        }

        var phi = game.ShapleyValues().ToArray();

        // Absorb the rounding difference between v(N) and the ledger's sum so the rule moves money only.
        var drift = (coalitionGain - phi.Sum()) / phi.Length;
        s.Apply(rule.Name, Netting(s, players, phi.Select(v => v + drift).ToArray()), rule.Timing, transfers);
    }

    private static void Price(Book s, PerParticipantPriceRule rule, ParticipantCounts participants, List<SettlementTransfer> transfers, List<string> remarks)
    {
        var from = s.IndexOf(rule.Payer);
        var to = s.IndexOf(rule.Payee);
        if (!participants.Interventions.Contains(rule.Intervention))
        {
            remarks.Add($"Rule '{rule.Name}' moved nothing: '{rule.Intervention}' is in neither the strategy nor its comparator.");
            return;
        }

        var counts = participants[rule.Intervention];
        var df = s.Ledger.DiscountFactors;
        var dt = s.Ledger.CycleLengthYears;
        var amounts = new double[df.Count];
        if (rule.Basis == ParticipantBasis.PerStart)
        {
            amounts[0] = rule.Price * counts.Started;
        }
        else
        {
            for (var t = 0; t < df.Count - 1; t++)
            {
                if (rule.DurationYears is double d && t * dt >= d - 1e-9)
                {
                    break;
                }

                amounts[t] = rule.Price * dt * counts.Active[t];
            }
        }

        if (amounts.All(a => a == 0))
        {
            remarks.Add($"Rule '{rule.Name}' moved nothing: '{rule.Intervention}' has no incremental participants.");
            return;
        }

        s.Move(rule.Name, from, to, amounts, TransferTiming.AsSaved, transfers);
    }

    /// <summary>Pairwise transfers that bring <paramref name="members"/> to <paramref name="targets"/> (present values): payers above their target pay those below, in proportion.</summary>
    private static List<(int From, int To, double Pv)> Netting(Book s, int[] members, double[] targets)
    {
        var delta = members.Select((m, j) => targets[j] - s.Pv(m)).ToArray();
        var receive = delta.Where(d => d > 0).Sum();
        var moves = new List<(int, int, double)>();
        if (!(receive > 0))
        {
            return moves;
        }

        for (var j = 0; j < members.Length; j++)
        {
            if (delta[j] >= 0)
            {
                continue;
            }

            for (var i = 0; i < members.Length; i++)
            {
                if (delta[i] > 0)
                {
                    moves.Add((members[j], members[i], -delta[j] * delta[i] / receive));
                }
            }
        }

        return moves;
    }

    /// <summary>The payers' positions while the rules are applied (undiscounted per trace point).</summary>
    private sealed class Book
    {
        public Book(SettlementLedger ledger)
        {
            Ledger = ledger;
            Undiscounted = ledger.Payers.Select(r => r.NetGainByCycle.ToArray()).ToArray();
        }

        public SettlementLedger Ledger { get; }

        public double[][] Undiscounted { get; }

        public int IndexOf(string name)
        {
            for (var i = 0; i < Ledger.Payers.Count; i++)
            {
                if (Ledger.Payers[i].Payer.Name == name)
                {
                    return i;
                }
            }

            throw new KeyNotFoundException(name);
        }

        public int[] Members(IReadOnlyList<string>? names)
            => names is null
                ? Enumerable.Range(0, Ledger.Payers.Count).Where(i => Ledger.Payers[i].Payer.IsPublic).ToArray()
                : names.Select(IndexOf).ToArray();

        public double Pv(int payer)
        {
            var df = Ledger.DiscountFactors;
            var row = Undiscounted[payer];
            var sum = 0.0;
            for (var t = 0; t < row.Length; t++)
            {
                sum += row[t] * df[t];
            }

            return sum;
        }

        /// <summary>The current positions as a ledger (investment and savings of the original; net gains current).</summary>
        public SettlementLedger Current()
            => new(Ledger.Strategy, Ledger.Comparator, Ledger.CycleLengthYears, Ledger.DiscountFactors, Ledger.Payers.Select((r, i) =>
            {
                // Keep Invested as it was and put the settlement's moves so far into Savings, so NetGain is current.
                return r with { Savings = r.Invested + Pv(i), NetGainByCycle = Undiscounted[i].ToArray() };
            }).ToArray());

        /// <summary>Times present-value moves and applies them (all timed on the positions before the rule).</summary>
        public void Apply(string rule, List<(int From, int To, double Pv)> moves, TransferTiming timing, List<SettlementTransfer> transfers)
        {
            var df = Ledger.DiscountFactors;
            var profiles = new Dictionary<int, (double[] Row, double Pv)>();
            var scheduled = new List<(int From, int To, double[] Amounts, TransferTiming Timing)>();
            foreach (var (from, to, pv) in moves)
            {
                if (pv == 0)
                {
                    continue;
                }

                if (!profiles.TryGetValue(from, out var profile))
                {
                    profile = (Undiscounted[from].ToArray(), Pv(from));
                    profiles[from] = profile;
                }

                var amounts = new double[df.Count];
                var used = timing;
                if (timing == TransferTiming.AsSaved && profile.Pv > 0)
                {
                    var share = pv / profile.Pv;
                    for (var t = 0; t < amounts.Length; t++)
                    {
                        amounts[t] = share * profile.Row[t];
                    }
                }
                else
                {
                    used = TransferTiming.Upfront;
                    amounts[0] = pv / df[0];
                }

                scheduled.Add((from, to, amounts, used));
            }

            foreach (var (from, to, amounts, used) in scheduled)
            {
                Move(rule, from, to, amounts, used, transfers);
            }
        }

        public void Move(string rule, int from, int to, double[] amounts, TransferTiming timing, List<SettlementTransfer> transfers)
        {
            var df = Ledger.DiscountFactors;
            var discounted = new double[amounts.Length];
            for (var t = 0; t < amounts.Length; t++)
            {
                Undiscounted[from][t] -= amounts[t];
                Undiscounted[to][t] += amounts[t];
                discounted[t] = amounts[t] * df[t];
            }

            transfers.Add(new SettlementTransfer(rule, Ledger.Payers[from].Payer, Ledger.Payers[to].Payer, amounts, discounted, amounts.Sum(), discounted.Sum(), timing));
        }
    }
}
