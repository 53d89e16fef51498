using SocialInvestment.Engine;
using SocialInvestment.Model;

namespace SocialInvestment.Economics;

/// <summary>
/// The incremental flows of one account between a strategy and its comparator, in the result sign
/// convention: the effect on the account holder's position, + = better off (saves, receives or
/// gains), − = worse off (pays more).
/// </summary>
/// <param name="Account">The account.</param>
/// <param name="PerCycle">Incremental net gain at each trace point (comparator − strategy in the input convention; + = better off), undiscounted.</param>
/// <param name="PerCycleDiscounted">The same, discounted.</param>
/// <param name="Total">Sum of <paramref name="PerCycle"/>.</param>
/// <param name="TotalDiscounted">Sum of <paramref name="PerCycleDiscounted"/> (present value).</param>
public sealed record IncrementalLedgerRow(Account Account, IReadOnlyList<double> PerCycle, IReadOnlyList<double> PerCycleDiscounted, double Total, double TotalDiscounted);

/// <summary>
/// Who invests and who saves: one payer's position against the comparator, discounted, in the
/// result sign convention (+ = the payer is better off).
/// </summary>
/// <param name="Payer">The payer.</param>
/// <param name="Invested">Present value of the incremental intervention costs the payer bears (positive when it spends more on interventions).</param>
/// <param name="Savings">Present value of the change in the payer's other flows, as a gain: + = the payer saves or receives more (for example lower benefit payments, more tax), − = it pays more.</param>
/// <param name="NetGain"><c>Savings − Invested</c>: + = the payer is better off than under the comparator.</param>
/// <param name="NetGainUndiscounted">The net gain, undiscounted.</param>
public sealed record PayerBalance(Payer Payer, double Invested, double Savings, double NetGain, double NetGainUndiscounted);

/// <summary>One payer's position in one sector against the comparator, discounted (the budget-committee view: who invests and who saves, by service area); + = better off.</summary>
/// <param name="Payer">The payer.</param>
/// <param name="Sector">The sector.</param>
/// <param name="Invested">Present value of intervention costs booked to this payer and sector (positive when it spends more).</param>
/// <param name="Savings">Present value of the change in the payer's other flows in this sector, as a gain (+ = saves or receives more).</param>
/// <param name="NetGain"><c>Savings − Invested</c> (+ = better off).</param>
public sealed record PayerSectorBalance(Payer Payer, Sector Sector, double Invested, double Savings, double NetGain);

/// <summary>
/// The appraisal of a strategy against a comparator from one perspective.
/// <para>
/// Sign convention of every result: a signed amount is the effect on the perspective's position,
/// + = better off (saves, receives, gains), − = worse off (pays more). Model inputs keep the
/// accounting convention (+ = cost), so with ΔC = strategy − comparator in that convention:
/// </para>
/// <list type="bullet">
/// <item><c>PV(investment)</c> = discounted incremental intervention costs (a magnitude, + = spends more);</item>
/// <item><c>PV(benefits)</c> = −discounted incremental other flows (savings and gains, + = saves);</item>
/// <item><c>NPV = PV(benefits) − PV(investment)</c> (+ = better off); <c>BCR = PV(benefits)/PV(investment)</c>; <c>ROI = NPV/PV(investment)</c>,
/// both undefined (<see cref="FigureReason.NoInvestment"/>) when <c>PV(investment) ≤ 0</c>;</item>
/// <item>IRR: the annual rate r with <c>Σ_t NB_t·(1 + r)^−(t·Δt) = 0</c> on the undiscounted net gains NB_t, defined only for a
/// conventional stream with a real investment (it starts negative and changes sign once);</item>
/// <item>payback: the first time (years) from which the cumulative net gain stays ≥ 0, defined only when the perspective invests
/// and the cumulative net gain is negative at some point.</item>
/// </list>
/// </summary>
public sealed class AppraisalResult
{
    internal AppraisalResult(string strategy, string comparator, Perspective perspective, double cycleLength, double[] investment, double[] investmentDisc, double[] savings, double[] savingsDisc, IReadOnlyList<IncrementalLedgerRow> ledger, IReadOnlyList<PayerBalance> payers, IReadOnlyList<PayerSectorBalance> payerSectors, IReadOnlyDictionary<string, double> incrementalOutcomes)
    {
        PayerSectors = ReadOnly.Copy(payerSectors);
        Strategy = strategy;
        Comparator = comparator;
        Perspective = perspective;
        CycleLengthYears = cycleLength;
        InvestmentByCycle = ReadOnly.Own(investment);
        InvestmentByCycleDiscounted = ReadOnly.Own(investmentDisc);
        SavingsByCycle = ReadOnly.Own(savings);
        SavingsByCycleDiscounted = ReadOnly.Own(savingsDisc);
        Ledger = ReadOnly.Copy(ledger);
        Payers = ReadOnly.Copy(payers);
        IncrementalOutcomes = ReadOnly.Dictionary(incrementalOutcomes, StringComparer.Ordinal);
        PresentValueInvestment = Numerics.SumInOrder(investmentDisc);
        PresentValueBenefits = Numerics.SumInOrder(savingsDisc);
        NetPresentValue = PresentValueBenefits - PresentValueInvestment;
        var netBenefit = savings.Zip(investment, (s, i) => s - i).ToArray();
        var netBenefitDisc = savingsDisc.Zip(investmentDisc, (s, i) => s - i).ToArray();
        NetBenefitByCycle = ReadOnly.Own(netBenefit);
        NetBenefitByCycleDiscounted = ReadOnly.Own(netBenefitDisc);
        var invests = Invests(PresentValueInvestment, investmentDisc, savingsDisc);
        BenefitCostRatio = Ratio(PresentValueBenefits, PresentValueInvestment, invests);
        ReturnOnInvestment = Ratio(NetPresentValue, PresentValueInvestment, invests);
        PaybackYears = Payback(netBenefit, cycleLength, invests);
        PaybackYearsDiscounted = Payback(netBenefitDisc, cycleLength, invests);
        InternalRateOfReturn = invests.IsDefined ? Irr(NetBenefitByCycle, cycleLength) : invests;
    }

    /// <summary>Strategy appraised.</summary>
    public string Strategy { get; }

    /// <summary>Comparator.</summary>
    public string Comparator { get; }

    /// <summary>Perspective.</summary>
    public Perspective Perspective { get; }

    /// <summary>Cycle length in years.</summary>
    public double CycleLengthYears { get; }

    /// <summary>Incremental intervention costs per trace point, undiscounted (a magnitude: + = the perspective spends more).</summary>
    public IReadOnlyList<double> InvestmentByCycle { get; }

    /// <summary>Incremental intervention costs per trace point, discounted (+ = spends more).</summary>
    public IReadOnlyList<double> InvestmentByCycleDiscounted { get; }

    /// <summary>Incremental savings and gains in everything but the interventions per trace point, undiscounted (+ = saves or receives more, − = pays more).</summary>
    public IReadOnlyList<double> SavingsByCycle { get; }

    /// <summary>Incremental savings and gains per trace point, discounted (+ = saves).</summary>
    public IReadOnlyList<double> SavingsByCycleDiscounted { get; }

    /// <summary>Net gain per trace point, undiscounted: savings − investment (+ = better off).</summary>
    public IReadOnlyList<double> NetBenefitByCycle { get; }

    /// <summary>Net gain per trace point, discounted (+ = better off).</summary>
    public IReadOnlyList<double> NetBenefitByCycleDiscounted { get; }

    /// <summary>Present value of the investment (+ = the perspective spends more on interventions).</summary>
    public double PresentValueInvestment { get; }

    /// <summary>Present value of the benefits: savings and gains (+ = saves).</summary>
    public double PresentValueBenefits { get; }

    /// <summary>Net present value: benefits − investment (+ = the perspective is better off).</summary>
    public double NetPresentValue { get; }

    /// <summary>Benefit–cost ratio PV(benefits)/PV(investment); undefined (<see cref="FigureReason.NoInvestment"/>) when PV(investment) ≤ 0.</summary>
    public Figure BenefitCostRatio { get; }

    /// <summary>Return on investment NPV/PV(investment) (0.5 = 50 %); undefined (<see cref="FigureReason.NoInvestment"/>) when PV(investment) ≤ 0.</summary>
    public Figure ReturnOnInvestment { get; }

    /// <summary>
    /// Internal rate of return per year of the undiscounted net-gain stream (Excel <c>IRR</c>; 0.07 = 7 %).
    /// Defined only when the perspective invests (<see cref="FigureReason.NoInvestment"/>), the IRR is
    /// unique (<see cref="FigureReason.NotConventional"/> otherwise) — the stream starts negative and
    /// changes sign once (Descartes' rule of signs), or its running total starts negative and changes
    /// sign once (Norström's criterion, 1972: then exactly one positive rate), amounts below 1e-9 of
    /// the largest ignored — and the root lies in (−99 %, 10 000 %) (<see cref="FigureReason.NoRoot"/>).
    /// </summary>
    public Figure InternalRateOfReturn { get; }

    /// <summary>
    /// Years until the undiscounted cumulative net gain stays ≥ 0. Undefined when the perspective
    /// invests nothing (<see cref="FigureReason.NoInvestment"/>), when the cumulative net gain is never
    /// negative (<see cref="FigureReason.NothingToPayBack"/>) or when it is still negative at the end
    /// (<see cref="FigureReason.NotPaidBackWithinHorizon"/>).
    /// </summary>
    public Figure PaybackYears { get; }

    /// <summary>Years until the discounted cumulative net gain stays ≥ 0; undefined for the same reasons as <see cref="PaybackYears"/>.</summary>
    public Figure PaybackYearsDiscounted { get; }

    /// <summary>Incremental flows by account (every perspective's building block), + = the account holder is better off.</summary>
    public IReadOnlyList<IncrementalLedgerRow> Ledger { get; }

    /// <summary>Who invests and who saves, per declared payer, discounted (independent of the perspective); + = better off.</summary>
    public IReadOnlyList<PayerBalance> Payers { get; }

    /// <summary>Who invests and who saves per payer and sector, discounted (rows with any non-zero amount); + = better off.</summary>
    public IReadOnlyList<PayerSectorBalance> PayerSectors { get; }

    /// <summary>Incremental discounted outcomes by outcome name.</summary>
    public IReadOnlyDictionary<string, double> IncrementalOutcomes { get; }

    /// <summary>The cost discount factor of each trace point 0..T (the factor that turns <see cref="IncrementalLedgerRow.PerCycle"/> into <see cref="IncrementalLedgerRow.PerCycleDiscounted"/>).</summary>
    public IReadOnlyList<double> CostDiscountFactors { get; internal init; } = [];

    /// <summary>Incremental net cost per unit of an outcome: <c>ΔC/ΔE</c> with ΔC = PV(investment) − PV(benefits) (the health-economics convention: + = costs more).</summary>
    /// <param name="outcome">The outcome.</param>
    public double Icer(Outcome outcome)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        return (PresentValueInvestment - PresentValueBenefits) / IncrementalOutcomes[outcome.Name];
    }

    /// <summary>Whether the perspective makes a real investment: <see cref="Figure.Of"/>(PV) when it does, otherwise the reason.</summary>
    internal static Figure Invests(double pvInvestment, ReadOnlySpan<double> investmentDisc, ReadOnlySpan<double> savingsDisc)
    {
        if (!double.IsFinite(pvInvestment) || !AllFinite(investmentDisc) || !AllFinite(savingsDisc))
        {
            return Figure.Undefined(FigureReason.NonFinite);
        }

        // An investment below 1e-12 of the largest incremental amount is rounding, not an investment.
        var scale = 0.0;
        foreach (var v in investmentDisc)
        {
            scale = Math.Max(scale, Math.Abs(v));
        }

        foreach (var v in savingsDisc)
        {
            scale = Math.Max(scale, Math.Abs(v));
        }

        return pvInvestment > 1e-12 * scale && pvInvestment > 0 ? Figure.Of(pvInvestment) : Figure.Undefined(FigureReason.NoInvestment);
    }

    private static bool AllFinite(ReadOnlySpan<double> values)
    {
        foreach (var v in values)
        {
            if (!double.IsFinite(v))
            {
                return false;
            }
        }

        return true;
    }

    internal static Figure Ratio(double numerator, double pvInvestment, Figure invests) =>
        invests.IsDefined ? Figure.Of(numerator / pvInvestment) : invests;

    internal static Figure Payback(ReadOnlySpan<double> netGain, double dt, Figure invests)
    {
        if (!invests.IsDefined)
        {
            return invests;
        }

        var cumulative = 0.0;
        int? from = null;
        var everNegative = false;
        for (var t = 0; t < netGain.Length; t++)
        {
            cumulative += netGain[t];
            if (cumulative < -1e-9 * (1 + Math.Abs(netGain[t])))
            {
                everNegative = true;
                from = null;
            }
            else
            {
                from ??= t;
            }
        }

        if (!double.IsFinite(cumulative))
        {
            return Figure.Undefined(FigureReason.NonFinite);
        }

        if (!everNegative)
        {
            return Figure.Undefined(FigureReason.NothingToPayBack);
        }

        return from is int f ? Figure.Of(f * dt) : Figure.Undefined(FigureReason.NotPaidBackWithinHorizon);
    }

    /// <summary>
    /// The internal rate of return of a net-gain stream with trace points every <paramref name="dt"/>
    /// years: the root of <c>f(r) = Σ_t NB_t·exp(−ln(1 + r)·t·dt)</c> in (−99 %, 10 000 %). The sum is
    /// evaluated scaled by its largest exponential term (log-sum-exp), so it neither overflows nor
    /// underflows for any horizon; the scale is positive and so keeps the root.
    /// </summary>
    internal static Figure Irr(IReadOnlyList<double> netGain, double dt)
    {
        var scale = 0.0;
        foreach (var v in netGain)
        {
            if (!double.IsFinite(v))
            {
                return Figure.Undefined(FigureReason.NonFinite);
            }

            scale = Math.Max(scale, Math.Abs(v));
        }

        // An investment has a unique IRR when either (Descartes' rule of signs) the stream starts
        // negative and changes sign exactly once — the root lies in (−1, ∞) — or (Norström 1972) its
        // running total starts negative and changes sign exactly once — then exactly one root is
        // positive, so the search starts at 0. Norström admits streams with small late reversals
        // (more survivors drawing a benefit decades later) that Descartes rejects. Otherwise several
        // rates, or none, can give a present value of zero.
        var (streamChanges, streamFirst) = SignChanges(netGain, scale, cumulative: false);
        var (totalChanges, totalFirst) = SignChanges(netGain, scale, cumulative: true);
        var descartes = streamChanges == 1 && streamFirst == -1;
        var norstrom = totalChanges == 1 && totalFirst == -1;
        if (!descartes && !norstrom)
        {
            return Figure.Undefined(FigureReason.NotConventional);
        }

        double Scaled(double r)
        {
            var g = Numerics.Log1P(r);
            var maxExponent = double.NegativeInfinity;
            for (var t = 0; t < netGain.Count; t++)
            {
                if (netGain[t] != 0)
                {
                    maxExponent = Math.Max(maxExponent, -g * t * dt);
                }
            }

            var sum = 0.0;
            for (var t = 0; t < netGain.Count; t++)
            {
                if (netGain[t] != 0)
                {
                    sum += netGain[t] / scale * Math.Exp((-g * t * dt) - maxExponent);
                }
            }

            return sum;
        }

        var lo = descartes ? -0.99 : 0.0;
        const double hi = 100.0;
        // Scan for the first sign change from low rates upward, then refine with Brent's method.
        var prevRate = lo;
        var prev = Scaled(lo);
        for (var i = 1; i < 400; i++)
        {
            var rate = lo + ((hi - lo) * Math.Pow(i / 399.0, 3));
            var cur = Scaled(rate);
            if (prev == 0)
            {
                return Figure.Of(prevRate);
            }

            if (Math.Sign(prev) != Math.Sign(cur))
            {
                return MathNet.Numerics.RootFinding.Brent.TryFindRoot(Scaled, prevRate, rate, 1e-12, 200, out var root)
                    ? Figure.Of(root)
                    : Figure.Undefined(FigureReason.NoRoot);
            }

            prevRate = rate;
            prev = cur;
        }

        return Figure.Undefined(FigureReason.NoRoot);
    }

    /// <summary>Sign changes of a stream (or of its running total), ignoring amounts within 1e-9 of <paramref name="scale"/>, and the first material sign.</summary>
    private static (int Changes, int First) SignChanges(IReadOnlyList<double> values, double scale, bool cumulative)
    {
        var changes = 0;
        var last = 0;
        var first = 0;
        var total = 0.0;
        foreach (var v in values)
        {
            total += v;
            var x = cumulative ? total : v;
            var sign = Math.Abs(x) <= 1e-9 * scale ? 0 : Math.Sign(x);
            if (sign != 0 && last != 0 && sign != last)
            {
                changes++;
            }

            if (first == 0)
            {
                first = sign;
            }

            last = sign == 0 ? last : sign;
        }

        return (changes, first);
    }
}

/// <summary>Compares strategies: incremental flows by payer and sector, NPV, BCR, ROI, IRR, payback, and switching values.</summary>
public static class Appraisal
{
    /// <summary>Appraises <paramref name="strategy"/> against <paramref name="comparator"/> from a perspective.</summary>
    /// <param name="strategy">The strategy's results.</param>
    /// <param name="comparator">The comparator's results (same model and options).</param>
    /// <param name="perspective">The perspective.</param>
    /// <exception cref="ArgumentException">The results come from different models or horizons.</exception>
    public static AppraisalResult Compare(SimulationResult strategy, SimulationResult comparator, Perspective perspective)
    {
        ArgumentNullException.ThrowIfNull(strategy);
        ArgumentNullException.ThrowIfNull(comparator);
        ArgumentNullException.ThrowIfNull(perspective);
        if (strategy.Cycles != comparator.Cycles || !strategy.Accounts.SequenceEqual(comparator.Accounts))
        {
            throw new ArgumentException("The strategy and the comparator must come from the same model with the same horizon.", nameof(comparator));
        }

        var T = strategy.Cycles;
        var accounts = strategy.Accounts;
        var coefficients = perspective.Coefficients(accounts);
        var inv = new double[T + 1];
        var invD = new double[T + 1];
        var sav = new double[T + 1];
        var savD = new double[T + 1];
        var ledger = new List<IncrementalLedgerRow>();
        var investmentPv = new double[accounts.Count];   // per account, discounted
        var savingsPv = new double[accounts.Count];    // per account, discounted, + = saves
        for (var a = 0; a < accounts.Count; a++)
        {
            var per = new double[T + 1];
            var perD = new double[T + 1];
            for (var t = 0; t <= T; t++)
            {
                var dBase = strategy.Flow(t, a, FlowOrigin.Base, false) - comparator.Flow(t, a, FlowOrigin.Base, false);
                var dBaseD = strategy.Flow(t, a, FlowOrigin.Base, true) - comparator.Flow(t, a, FlowOrigin.Base, true);
                var dInv = strategy.Flow(t, a, FlowOrigin.Intervention, false) - comparator.Flow(t, a, FlowOrigin.Intervention, false);
                var dInvD = strategy.Flow(t, a, FlowOrigin.Intervention, true) - comparator.Flow(t, a, FlowOrigin.Intervention, true);
                per[t] = -(dBase + dInv);
                perD[t] = -(dBaseD + dInvD);
                inv[t] += coefficients[a] * dInv;
                invD[t] += coefficients[a] * dInvD;
                sav[t] -= coefficients[a] * dBase;
                savD[t] -= coefficients[a] * dBaseD;
                investmentPv[a] += dInvD;
                savingsPv[a] -= dBaseD;
            }

            ledger.Add(new IncrementalLedgerRow(accounts[a], ReadOnly.Own(per), ReadOnly.Own(perD), per.Sum(), perD.Sum()));
        }

        // Who invests and who saves: the per-account totals above, aggregated by payer and by payer × sector.
        var payers = strategy.Model.Payers.Select(p =>
        {
            double invested = 0, savings = 0, undiscounted = 0;
            for (var a = 0; a < accounts.Count; a++)
            {
                if (accounts[a].Payer.Name == p.Name)
                {
                    invested += investmentPv[a];
                    savings += savingsPv[a];
                    undiscounted += ledger[a].Total;
                }
            }

            return new PayerBalance(p, invested, savings, savings - invested, undiscounted);
        }).ToArray();

        var payerSectors = new List<PayerSectorBalance>();
        foreach (var group in Enumerable.Range(0, accounts.Count).GroupBy(a => (accounts[a].Payer, accounts[a].Sector)))
        {
            var invested = group.Sum(a => investmentPv[a]);
            var savings = group.Sum(a => savingsPv[a]);
            if (invested != 0 || savings != 0)
            {
                payerSectors.Add(new PayerSectorBalance(group.Key.Payer, group.Key.Sector, invested, savings, savings - invested));
            }
        }

        var outcomes = strategy.Outcomes.ToDictionary(o => o.Name, o => strategy.TotalOutcome(o) - comparator.TotalOutcome(o), StringComparer.Ordinal);
        return new AppraisalResult(strategy.Strategy.Name, comparator.Strategy.Name, perspective, strategy.CycleLengthYears, inv, invD, sav, savD, ledger, payers, payerSectors, outcomes)
        {
            CostDiscountFactors = ReadOnly.Copy(Enumerable.Range(0, T + 1).Select(strategy.CostDiscountFactor)),
        };
    }

    /// <summary>
    /// The switching (break-even) value of a parameter: the value in [<paramref name="lower"/>,
    /// <paramref name="upper"/>] at which the strategy's NPV against the comparator is zero, found
    /// with Brent's method on cohort runs. Null when the NPV does not change sign in the interval, is
    /// not finite at an end, or the search does not converge (it never throws for a finite model).
    /// </summary>
    /// <param name="model">The model.</param>
    /// <param name="strategy">The strategy.</param>
    /// <param name="comparator">The comparator.</param>
    /// <param name="perspective">The perspective.</param>
    /// <param name="parameter">The parameter varied (for example an effect size).</param>
    /// <param name="lower">Lower end of the search interval.</param>
    /// <param name="upper">Upper end of the search interval.</param>
    /// <param name="parameters">Values of the other parameters; null for the base case.</param>
    /// <param name="cancellationToken">Cancels the search.</param>
    public static double? SwitchingValue(LifeCourseModel model, Strategy strategy, Strategy comparator, Perspective perspective, ParameterRef parameter, double lower, double upper, ParameterValues? parameters = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        var baseValues = parameters ?? model.BaseParameters;
        double Npv(double x)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var p = baseValues.With(parameter, x);
            return Compare(CohortEngine.Run(model, strategy, p, cancellationToken), CohortEngine.Run(model, comparator, p, cancellationToken), perspective).NetPresentValue;
        }

        var fl = Npv(lower);
        var fu = Npv(upper);
        if (fl == 0)
        {
            return lower;
        }

        if (fu == 0)
        {
            return upper;
        }

        if (Math.Sign(fl) == Math.Sign(fu))
        {
            return null;
        }

        if (!double.IsFinite(fl) || !double.IsFinite(fu))
        {
            return null;
        }

        return MathNet.Numerics.RootFinding.Brent.TryFindRoot(Npv, lower, upper, 1e-10 * Math.Max(1, Math.Abs(upper - lower)), 200, out var root) ? root : null;
    }
}
