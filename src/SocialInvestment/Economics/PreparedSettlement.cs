using SocialInvestment.Model;

namespace SocialInvestment.Economics;

/// <summary>
/// A <see cref="SettlementPlan"/> prepared for many ledgers of one shape: the same payers in the same
/// order (one ledger per PSA draw, <see cref="Uncertainty.SettlementUncertainty.Observer"/>). The plan
/// is checked against the payers once, here, and what does not depend on a ledger's amounts is worked
/// out once: each rule's members (payer indices), fixed shares, the payer and payee of a price, the
/// Shapley weights. <see cref="Settle"/> then does only the arithmetic of
/// <see cref="Settlement.SettleLedger"/>, into the buffers of a <see cref="Workspace"/>, without
/// allocating, and computes only each payer's present net gain before and after (no transfer schedule,
/// no remarks). It performs the same floating-point operations in the same order as
/// <see cref="Settlement.SettleLedger"/>, so its positions are bit-identical to that method's
/// <see cref="PayerSettlementPosition.NetGainBefore"/> and <see cref="PayerSettlementPosition.NetGainAfter"/>
/// (tested over random ledgers and every rule kind). A ledger that <see cref="SettlementLedger"/> would
/// reject, or a draw in which a rule would fail (a non-finite coalition value, a game that does not
/// fit), is handed to <see cref="Settlement.SettleLedger"/> itself, so the errors are that method's.
/// The Shapley rule is prepared for its default game (<see cref="CoalitionGame.FromLedger"/>).
/// Immutable and thread-safe; a workspace belongs to one thread at a time.
/// </summary>
internal sealed class PreparedSettlement
{
    private readonly SettlementPlan _plan;
    private readonly Payer[] _payers;
    private readonly Step[] _steps;
    private readonly PerParticipantPriceRule[] _prices;
    private readonly int _maxMembers;
    private readonly int _maxCoalitions;

    /// <summary>Prepares <paramref name="plan"/> for ledgers whose rows are <paramref name="payers"/>, in this order.</summary>
    /// <param name="plan">The plan.</param>
    /// <param name="payers">The ledgers' payers (distinct names).</param>
    /// <exception cref="SettlementValidationException">The plan names payers that are not among <paramref name="payers"/>, or a Shapley rule has more than <see cref="CoalitionGame.MaxPlayers"/> payers.</exception>
    /// <exception cref="ArgumentException">Two payers have the same name.</exception>
    public PreparedSettlement(SettlementPlan plan, IReadOnlyList<Payer> payers)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(payers);
        _payers = [.. payers];
        if (_payers.Select(p => p.Name).Distinct(StringComparer.Ordinal).Count() != _payers.Length)
        {
            throw new ArgumentException("The settlement ledger's payers must have distinct names.", nameof(payers));
        }

        var problems = plan.Validate(_payers).ToList();
        if (problems.Count > 0)
        {
            throw new SettlementValidationException(problems);
        }

        _plan = plan;
        _prices = [.. plan.Rules.OfType<PerParticipantPriceRule>()];
        _steps = [.. plan.Rules.Select(Prepare)];
        _maxMembers = Math.Max(1, _steps.Select(s => s.Members.Length).DefaultIfEmpty(0).Max());
        _maxCoalitions = _steps.OfType<ShapleyStep>().Select(s => 1 << s.Members.Length).DefaultIfEmpty(1).Max();
    }

    /// <summary>The payers, in the order of the workspace's rows.</summary>
    public IReadOnlyList<Payer> Payers => _payers;

    /// <summary>The plan.</summary>
    public SettlementPlan Plan => _plan;

    /// <summary>A workspace for ledgers of <paramref name="points"/> trace points (one per thread).</summary>
    /// <param name="points">Trace points T + 1, ≥ 1.</param>
    public Workspace CreateWorkspace(int points)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(points, 1);
        return new Workspace(_payers.Length, points, _maxMembers, _maxCoalitions);
    }

    /// <summary>
    /// Settles the ledger in <paramref name="w"/> (its <see cref="Workspace.Invested"/>,
    /// <see cref="Workspace.Savings"/>, <see cref="Workspace.NetGainByCycle"/> and
    /// <see cref="Workspace.DiscountFactors"/>, filled by the caller) and leaves each payer's present net
    /// gain before and after in <see cref="Workspace.NetGainBefore"/> and <see cref="Workspace.NetGainAfter"/>.
    /// </summary>
    /// <param name="w">The workspace, filled.</param>
    /// <param name="strategy">The strategy (for the errors of an invalid ledger).</param>
    /// <param name="comparator">The comparator.</param>
    /// <param name="cycleLengthYears">Years per cycle, &gt; 0.</param>
    /// <param name="participants">Incremental participants; required when the plan has a <see cref="PerParticipantPriceRule"/>.</param>
    /// <exception cref="ArgumentException">The ledger is invalid (as <see cref="SettlementLedger"/>'s constructor says).</exception>
    /// <exception cref="SettlementValidationException">Participants are missing or have another number of trace points, or a rule fails (as <see cref="Settlement.SettleLedger"/> says).</exception>
    public void Settle(Workspace w, Strategy strategy, Strategy comparator, double cycleLengthYears, ParticipantCounts? participants)
    {
        ArgumentNullException.ThrowIfNull(w);
        if (w.Payers != _payers.Length)
        {
            throw new ArgumentException("The workspace was made for another prepared settlement.", nameof(w));
        }

        if (!(cycleLengthYears > 0 && double.IsFinite(cycleLengthYears)) || !LedgerIsValid(w))
        {
            // SettlementLedger's constructor lists every problem.
            Fallback(w, strategy, comparator, cycleLengthYears, participants);
            return;
        }

        CheckParticipants(w.Points, participants);
        var n = w.Points;
        w.NetGainByCycle.AsSpan(0, _payers.Length * n).CopyTo(w.Current);
        foreach (var step in _steps)
        {
            if (!step.Apply(w, cycleLengthYears, participants))
            {
                // A rule that would throw in SettleLedger (for example a non-finite coalition value): let it.
                Fallback(w, strategy, comparator, cycleLengthYears, participants);
                return;
            }
        }

        var df = w.DiscountFactors;
        for (var p = 0; p < _payers.Length; p++)
        {
            w.NetGainBefore[p] = Discounted(w.NetGainByCycle.AsSpan(p * n, n), df);
            w.NetGainAfter[p] = Discounted(w.Current.AsSpan(p * n, n), df);
        }
    }

    /// <summary>Σ_t v_t·d_t, summed in trace-point order (as <see cref="Settlement.SettleLedger"/> sums).</summary>
    private static double Discounted(ReadOnlySpan<double> values, double[] df)
    {
        var sum = 0.0;
        for (var t = 0; t < values.Length; t++)
        {
            sum += values[t] * df[t];
        }

        return sum;
    }

    /// <summary>The checks of <see cref="SettlementLedger"/>'s constructor, with its arithmetic.</summary>
    private bool LedgerIsValid(Workspace w)
    {
        var n = w.Points;
        var df = w.DiscountFactors;
        for (var t = 0; t < n; t++)
        {
            if (!(double.IsFinite(df[t]) && df[t] > 0))
            {
                return false;
            }
        }

        for (var p = 0; p < _payers.Length; p++)
        {
            var row = w.NetGainByCycle.AsSpan(p * n, n);
            double invested = w.Invested[p], savings = w.Savings[p];
            if (!double.IsFinite(invested) || !double.IsFinite(savings))
            {
                return false;
            }

            double pv = 0, abs = 0;
            for (var t = 0; t < n; t++)
            {
                if (!double.IsFinite(row[t]))
                {
                    return false;
                }

                pv += row[t] * df[t];
                abs += Math.Abs(row[t]);
            }

            var scale = Math.Max(1.0, Math.Abs(invested) + Math.Abs(savings) + abs);
            if (Math.Abs(pv - (savings - invested)) > 1e-6 * scale)
            {
                return false;
            }
        }

        return true;
    }

    private void CheckParticipants(int points, ParticipantCounts? participants)
    {
        if (_prices.Length == 0)
        {
            return;
        }

        List<SettlementProblem>? problems = null;
        foreach (var r in _prices)
        {
            if (participants is null)
            {
                (problems ??= []).Add(new SettlementProblem(r.Name, "intervention", "A per-participant price needs the participant counts; pass them (or use the overload that runs the model)."));
            }
            else if (participants.Interventions.Contains(r.Intervention) && participants[r.Intervention].Active.Count != points)
            {
                (problems ??= []).Add(new SettlementProblem(r.Name, "intervention", $"The participant counts of '{r.Intervention}' have {participants[r.Intervention].Active.Count} trace points; the ledger has {points}."));
            }
        }

        if (problems is not null)
        {
            throw new SettlementValidationException(problems);
        }
    }

    /// <summary>Settles the workspace's ledger with <see cref="Settlement.SettleLedger"/> (which throws what it throws) and takes its positions.</summary>
    private void Fallback(Workspace w, Strategy strategy, Strategy comparator, double cycleLengthYears, ParticipantCounts? participants)
    {
        var n = w.Points;
        var rows = new SettlementLedgerPayer[_payers.Length];
        for (var p = 0; p < rows.Length; p++)
        {
            rows[p] = new SettlementLedgerPayer(_payers[p], w.Invested[p], w.Savings[p], w.NetGainByCycle.AsSpan(p * n, n).ToArray());
        }

        var ledger = new SettlementLedger(strategy, comparator, cycleLengthYears, w.DiscountFactors.AsSpan(0, n).ToArray(), rows);
        var settled = Settlement.SettleLedger(ledger, _plan, participants);
        for (var p = 0; p < rows.Length; p++)
        {
            w.NetGainBefore[p] = settled.Positions[p].NetGainBefore;
            w.NetGainAfter[p] = settled.Positions[p].NetGainAfter;
        }
    }

    private Step Prepare(SettlementRule rule) => rule switch
    {
        ReimburseInvestorsRule r => new ReimburseStep(Members(r.Payers), r.Timing),
        ShareGainsRule { Basis: GainShareBasis.Fixed } r => new ShareStep([.. r.Shares!.Keys.Select(IndexOf)], [.. r.Shares.Values], r.Basis, r.Timing),
        ShareGainsRule r => new ShareStep(Members(r.Payers), null, r.Basis, r.Timing),
        ShapleyRule r => PrepareShapley(r),
        PerParticipantPriceRule r => new PriceStep([IndexOf(r.Payer), IndexOf(r.Payee)], r),
        _ => throw new SettlementValidationException([new SettlementProblem(rule.Name, "type", $"Unknown rule type {rule.GetType().Name}.")]),
    };

    private ShapleyStep PrepareShapley(ShapleyRule r)
    {
        var members = Members(r.Payers);
        if (members.Length > CoalitionGame.MaxPlayers)
        {
            throw new SettlementValidationException([new SettlementProblem(r.Name, "payers", $"The exact Shapley value is limited to {CoalitionGame.MaxPlayers} payers; the rule has {members.Length}. Name the payers that take part.")]);
        }

        // CoalitionGame.ShapleyValues' weights, so that the values are bit-identical.
        return new ShapleyStep(members, CoalitionGame.ShapleyWeights(members.Length), r.Timing);
    }

    /// <summary>The rule's payers as indices; null for every public payer, in ledger order (as <see cref="Settlement"/>'s book does).</summary>
    private int[] Members(IReadOnlyList<string>? names)
        => names is null
            ? [.. Enumerable.Range(0, _payers.Length).Where(i => _payers[i].IsPublic)]
            : [.. names.Select(IndexOf)];

    private int IndexOf(string name)
    {
        for (var i = 0; i < _payers.Length; i++)
        {
            if (_payers[i].Name == name)
            {
                return i;
            }
        }

        throw new KeyNotFoundException(name);
    }

    /// <summary>Present values of every payer's current position into <see cref="Workspace.Pv"/>.</summary>
    private static void PresentValues(Workspace w)
    {
        var n = w.Points;
        for (var p = 0; p < w.Payers; p++)
        {
            w.Pv[p] = Discounted(w.Current.AsSpan(p * n, n), w.DiscountFactors);
        }
    }

    /// <summary>
    /// Times the present-value moves in <see cref="Workspace.MoveFrom"/> etc. (all on the positions
    /// before the rule, <see cref="Workspace.Pv"/>) and applies them in order, as the book's Apply does.
    /// </summary>
    private static void ApplyMoves(Workspace w, int moves, TransferTiming timing)
    {
        var n = w.Points;
        var df = w.DiscountFactors;
        w.Current.AsSpan(0, w.Payers * n).CopyTo(w.Before);
        for (var k = 0; k < moves; k++)
        {
            var pv = w.MovePv[k];
            if (pv == 0)
            {
                continue;
            }

            int from = w.MoveFrom[k], to = w.MoveTo[k];
            var source = w.Current.AsSpan(from * n, n);
            var target = w.Current.AsSpan(to * n, n);
            if (timing == TransferTiming.AsSaved && w.Pv[from] > 0)
            {
                var share = pv / w.Pv[from];
                var profile = w.Before.AsSpan(from * n, n);
                for (var t = 0; t < n; t++)
                {
                    var amount = share * profile[t];
                    source[t] -= amount;
                    target[t] += amount;
                }
            }
            else
            {
                // Upfront (also the fall-back of a payer with nothing to pay out of): the other trace points
                // move 0, which the book adds too (it turns a −0 into +0, nothing else).
                var amount = pv / df[0];
                source[0] -= amount;
                target[0] += amount;
                for (var t = 1; t < n; t++)
                {
                    target[t] += 0.0;
                }
            }
        }
    }

    /// <summary>Moves that bring <paramref name="members"/> to the targets in <see cref="Workspace.Target"/> (the book's Netting); returns their number.</summary>
    private static int Netting(Workspace w, int[] members)
    {
        var delta = w.Delta;
        var receive = 0.0;
        for (var j = 0; j < members.Length; j++)
        {
            delta[j] = w.Target[j] - w.Pv[members[j]];
            if (delta[j] > 0)
            {
                receive += delta[j];
            }
        }

        var moves = 0;
        if (!(receive > 0))
        {
            return 0;
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
                    w.MoveFrom[moves] = members[j];
                    w.MoveTo[moves] = members[i];
                    w.MovePv[moves++] = -delta[j] * delta[i] / receive;
                }
            }
        }

        return moves;
    }

    /// <summary>
    /// The buffers of one thread's settlements: the ledger to settle (filled by the caller) and the
    /// positions before and after (filled by <see cref="Settle"/>). Rows are payers in
    /// <see cref="Payers"/> order; a payer's series is at <c>[p · Points, (p + 1) · Points)</c>.
    /// </summary>
    internal sealed class Workspace
    {
        internal Workspace(int payers, int points, int members, int coalitions)
        {
            Payers = payers;
            Points = points;
            Invested = new double[payers];
            Savings = new double[payers];
            NetGainByCycle = new double[payers * points];
            DiscountFactors = new double[points];
            NetGainBefore = new double[payers];
            NetGainAfter = new double[payers];
            Current = new double[payers * points];
            Before = new double[payers * points];
            Pv = new double[payers];
            Members = new int[Math.Max(members, payers)];
            Members2 = new int[Math.Max(members, payers)];
            Weight = new double[Math.Max(members, payers)];
            Target = new double[Math.Max(members, payers)];
            Delta = new double[Math.Max(members, payers)];
            Gain = new double[Math.Max(members, payers)];
            var pairs = Math.Max(members, payers) * Math.Max(members, payers);
            MoveFrom = new int[pairs];
            MoveTo = new int[pairs];
            MovePv = new double[pairs];
            Values = new double[coalitions];
            Phi = new double[Math.Max(members, 1)];
            Amounts = new double[points];
        }

        /// <summary>Number of payers.</summary>
        public int Payers { get; }

        /// <summary>Trace points T + 1.</summary>
        public int Points { get; }

        /// <summary>Input: each payer's present value of intervention costs borne (+ = spends).</summary>
        public double[] Invested { get; }

        /// <summary>Input: each payer's present value of savings (+ = saves).</summary>
        public double[] Savings { get; }

        /// <summary>Input: each payer's net gain per trace point, undiscounted (+ = better off).</summary>
        public double[] NetGainByCycle { get; }

        /// <summary>Input: the cost discount factor of each trace point.</summary>
        public double[] DiscountFactors { get; }

        /// <summary>Output: each payer's present net gain before the settlement.</summary>
        public double[] NetGainBefore { get; }

        /// <summary>Output: each payer's present net gain after it.</summary>
        public double[] NetGainAfter { get; }

        internal double[] Current { get; }

        internal double[] Before { get; }

        internal double[] Pv { get; }

        internal int[] Members { get; }

        internal int[] Members2 { get; }

        internal double[] Weight { get; }

        internal double[] Target { get; }

        internal double[] Delta { get; }

        internal double[] Gain { get; }

        internal int[] MoveFrom { get; }

        internal int[] MoveTo { get; }

        internal double[] MovePv { get; }

        internal double[] Values { get; }

        internal double[] Phi { get; }

        internal double[] Amounts { get; }
    }

    /// <summary>One rule, prepared.</summary>
    private abstract class Step(int[] members)
    {
        /// <summary>The payer indices the rule acts on.</summary>
        public int[] Members { get; } = members;

        /// <summary>Applies the rule to <see cref="Workspace.Current"/>; false when <see cref="Settlement.SettleLedger"/> would throw.</summary>
        public abstract bool Apply(Workspace w, double cycleLengthYears, ParticipantCounts? participants);
    }

    /// <summary><see cref="Settlement"/>'s Reimburse.</summary>
    private sealed class ReimburseStep(int[] members, TransferTiming timing) : Step(members)
    {
        public override bool Apply(Workspace w, double cycleLengthYears, ParticipantCounts? participants)
        {
            PresentValues(w);
            var pv = w.Pv;
            int investors = 0, savers = 0;
            foreach (var i in Members)
            {
                if (w.Invested[i] > 0 && pv[i] < 0)
                {
                    w.Members[investors++] = i;
                }
                else if (pv[i] > 0)
                {
                    w.Members2[savers++] = i;
                }
            }

            if (investors == 0 || savers == 0)
            {
                return true;
            }

            var deficit = 0.0;
            for (var k = 0; k < investors; k++)
            {
                deficit += -pv[w.Members[k]];
            }

            var gains = 0.0;
            for (var k = 0; k < savers; k++)
            {
                gains += pv[w.Members2[k]];
            }

            var total = Math.Min(deficit, gains);
            var moves = 0;
            for (var a = 0; a < savers; a++)
            {
                var sv = w.Members2[a];
                for (var b = 0; b < investors; b++)
                {
                    var inv = w.Members[b];
                    w.MoveFrom[moves] = sv;
                    w.MoveTo[moves] = inv;
                    w.MovePv[moves++] = total * (pv[sv] / gains) * (-pv[inv] / deficit);
                }
            }

            ApplyMoves(w, moves, timing);
            return true;
        }
    }

    /// <summary><see cref="Settlement"/>'s ShareGains.</summary>
    private sealed class ShareStep(int[] members, double[]? fixedShares, GainShareBasis basis, TransferTiming timing) : Step(members)
    {
        public override bool Apply(Workspace w, double cycleLengthYears, ParticipantCounts? participants)
        {
            var weights = w.Weight;
            var sum = 0.0;
            for (var j = 0; j < Members.Length; j++)
            {
                var i = Members[j];
                weights[j] = fixedShares is null ? Math.Max(0, basis == GainShareBasis.Savings ? w.Savings[i] : w.Invested[i]) : fixedShares[j];
                sum += weights[j];
            }

            if (!(sum > 0))
            {
                return true;
            }

            PresentValues(w);
            var gain = 0.0;
            foreach (var i in Members)
            {
                gain += w.Pv[i];
            }

            for (var j = 0; j < Members.Length; j++)
            {
                w.Target[j] = weights[j] / sum * gain;
            }

            ApplyMoves(w, Netting(w, Members), timing);
            return true;
        }
    }

    /// <summary><see cref="Settlement"/>'s Shapley with the one-strategy game of <see cref="CoalitionGame.FromLedger"/> on the positions before the rule.</summary>
    private sealed class ShapleyStep(int[] members, double[] weight, TransferTiming timing) : Step(members)
    {
        public override bool Apply(Workspace w, double cycleLengthYears, ParticipantCounts? participants)
        {
            var n = Members.Length;
            if (n == 0)
            {
                return true;
            }

            PresentValues(w);

            // The book's Current() keeps Invested and puts the net gain so far into Savings = Invested + Pv,
            // so the game's NetGain is (Invested + Pv) − Invested; the funders are the players that invest.
            var funders = 0;
            for (var i = 0; i < n; i++)
            {
                var p = Members[i];
                var invested = w.Invested[p];
                w.Gain[i] = (invested + w.Pv[p]) - invested;
                if (invested > 0)
                {
                    funders |= 1 << i;
                }
            }

            var values = w.Values;
            var coalitions = 1 << n;
            values[0] = 0;
            for (var s = 1; s < coalitions; s++)
            {
                var v = 0.0;
                if ((s & funders) == funders)
                {
                    for (var i = 0; i < n; i++)
                    {
                        if ((s & (1 << i)) != 0)
                        {
                            v += w.Gain[i];
                        }
                    }
                }

                if (!double.IsFinite(v))
                {
                    return false;
                }

                values[s] = v;
            }

            var coalitionGain = 0.0;
            foreach (var p in Members)
            {
                coalitionGain += w.Pv[p];
            }

            if (Math.Abs(values[coalitions - 1] - coalitionGain) > 1e-6 * Math.Max(1, Math.Abs(coalitionGain)))
            {
                return false;
            }

            var phi = w.Phi;
            Array.Clear(phi, 0, n);
            for (var s = 0; s < coalitions; s++)
            {
                var size = System.Numerics.BitOperations.PopCount((uint)s);
                for (var i = 0; i < n; i++)
                {
                    if ((s & (1 << i)) == 0)
                    {
                        phi[i] += weight[size] * (values[s | (1 << i)] - values[s]);
                    }
                }
            }

            var phiSum = 0.0;
            for (var i = 0; i < n; i++)
            {
                phiSum += phi[i];
            }

            var drift = (coalitionGain - phiSum) / n;
            for (var i = 0; i < n; i++)
            {
                w.Target[i] = phi[i] + drift;
            }

            ApplyMoves(w, Netting(w, Members), timing);
            return true;
        }
    }

    /// <summary><see cref="Settlement"/>'s Price.</summary>
    private sealed class PriceStep(int[] fromTo, PerParticipantPriceRule rule) : Step(fromTo)
    {
        public override bool Apply(Workspace w, double cycleLengthYears, ParticipantCounts? participants)
        {
            if (!participants!.Interventions.Contains(rule.Intervention))
            {
                return true;
            }

            var counts = participants[rule.Intervention];
            var n = w.Points;
            var amounts = w.Amounts;
            Array.Clear(amounts);
            var dt = cycleLengthYears;
            if (rule.Basis == ParticipantBasis.PerStart)
            {
                amounts[0] = rule.Price * counts.Started;
            }
            else
            {
                var active = counts.Active;
                for (var t = 0; t < n - 1; t++)
                {
                    if (rule.DurationYears is double d && t * dt >= d - 1e-9)
                    {
                        break;
                    }

                    amounts[t] = rule.Price * dt * active[t];
                }
            }

            var any = false;
            for (var t = 0; t < n; t++)
            {
                any |= amounts[t] != 0;
            }

            if (!any)
            {
                return true;
            }

            var source = w.Current.AsSpan(Members[0] * n, n);
            var target = w.Current.AsSpan(Members[1] * n, n);
            for (var t = 0; t < n; t++)
            {
                source[t] -= amounts[t];
                target[t] += amounts[t];
            }

            return true;
        }
    }
}
