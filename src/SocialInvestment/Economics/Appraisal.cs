using SocialInvestment.Engine;
using SocialInvestment.Model;

namespace SocialInvestment.Economics;

/// <summary>The incremental flows of one account between a strategy and its comparator.</summary>
/// <param name="Account">The account.</param>
/// <param name="PerCycle">Incremental flow at each trace point (strategy − comparator, positive = extra cost), undiscounted.</param>
/// <param name="PerCycleDiscounted">The same, discounted.</param>
/// <param name="Total">Sum of <paramref name="PerCycle"/>.</param>
/// <param name="TotalDiscounted">Sum of <paramref name="PerCycleDiscounted"/> (present value).</param>
public sealed record IncrementalLedgerRow(Account Account, IReadOnlyList<double> PerCycle, IReadOnlyList<double> PerCycleDiscounted, double Total, double TotalDiscounted);

/// <summary>Who invests and who saves: a payer's incremental net cost (positive = pays more, negative = saves).</summary>
/// <param name="Payer">The payer.</param>
/// <param name="Investment">Present value of the interventions' costs borne by the payer.</param>
/// <param name="Consequences">Present value of the change in the payer's other flows (negative = savings or extra income).</param>
/// <param name="Net">Investment + consequences.</param>
/// <param name="NetUndiscounted">Net, undiscounted.</param>
public sealed record PayerBalance(Payer Payer, double Investment, double Consequences, double Net, double NetUndiscounted);

/// <summary>A payer's incremental net cost in one sector, discounted (the budget-committee view: who invests and who saves, by service area).</summary>
/// <param name="Payer">The payer.</param>
/// <param name="Sector">The sector.</param>
/// <param name="Investment">Present value of intervention costs booked to this payer and sector.</param>
/// <param name="Consequences">Present value of the change in the payer's other flows in this sector.</param>
/// <param name="Net">Investment + consequences (positive = pays more).</param>
public sealed record PayerSectorBalance(Payer Payer, Sector Sector, double Investment, double Consequences, double Net);

/// <summary>
/// The appraisal of a strategy against a comparator from one perspective. Sign convention: costs are
/// positive, so the incremental net cost ΔC = strategy − comparator; net benefit = −ΔC.
/// <list type="bullet">
/// <item><c>PV(investment)</c> = discounted incremental intervention costs;</item>
/// <item><c>PV(benefits)</c> = −discounted incremental consequences (savings and gains);</item>
/// <item><c>NPV = PV(benefits) − PV(investment)</c>; <c>BCR = PV(benefits)/PV(investment)</c>; <c>ROI = NPV/PV(investment)</c>;</item>
/// <item>IRR: the annual rate r with <c>Σ_t NB_t·(1 + r)^−(t·Δt) = 0</c> on undiscounted net benefits;</item>
/// <item>payback: the first time (years) from which the cumulative net benefit stays ≥ 0.</item>
/// </list>
/// </summary>
public sealed class AppraisalResult
{
    internal AppraisalResult(string strategy, string comparator, Perspective perspective, double cycleLength, double[] investment, double[] investmentDisc, double[] consequences, double[] consequencesDisc, IReadOnlyList<IncrementalLedgerRow> ledger, IReadOnlyList<PayerBalance> payers, IReadOnlyList<PayerSectorBalance> payerSectors, IReadOnlyDictionary<string, double> incrementalOutcomes)
    {
        PayerSectors = payerSectors;
        Strategy = strategy;
        Comparator = comparator;
        Perspective = perspective;
        CycleLengthYears = cycleLength;
        InvestmentByCycle = investment;
        InvestmentByCycleDiscounted = investmentDisc;
        ConsequencesByCycle = consequences;
        ConsequencesByCycleDiscounted = consequencesDisc;
        Ledger = ledger;
        Payers = payers;
        IncrementalOutcomes = incrementalOutcomes;
        PresentValueInvestment = investmentDisc.Sum();
        PresentValueBenefits = -consequencesDisc.Sum();
        NetPresentValue = PresentValueBenefits - PresentValueInvestment;
        NetBenefitByCycle = investment.Zip(consequences, (i, c) => -(i + c)).ToArray();
        NetBenefitByCycleDiscounted = investmentDisc.Zip(consequencesDisc, (i, c) => -(i + c)).ToArray();
        PaybackYears = Payback(NetBenefitByCycle, cycleLength);
        PaybackYearsDiscounted = Payback(NetBenefitByCycleDiscounted, cycleLength);
        InternalRateOfReturn = Irr(NetBenefitByCycle, cycleLength);
    }

    /// <summary>Strategy appraised.</summary>
    public string Strategy { get; }

    /// <summary>Comparator.</summary>
    public string Comparator { get; }

    /// <summary>Perspective.</summary>
    public Perspective Perspective { get; }

    /// <summary>Cycle length in years.</summary>
    public double CycleLengthYears { get; }

    /// <summary>Incremental intervention costs per trace point, undiscounted.</summary>
    public IReadOnlyList<double> InvestmentByCycle { get; }

    /// <summary>Incremental intervention costs per trace point, discounted.</summary>
    public IReadOnlyList<double> InvestmentByCycleDiscounted { get; }

    /// <summary>Incremental net cost of everything else per trace point, undiscounted (negative = savings).</summary>
    public IReadOnlyList<double> ConsequencesByCycle { get; }

    /// <summary>Incremental net cost of everything else per trace point, discounted.</summary>
    public IReadOnlyList<double> ConsequencesByCycleDiscounted { get; }

    /// <summary>Net benefit (−ΔC) per trace point, undiscounted.</summary>
    public IReadOnlyList<double> NetBenefitByCycle { get; }

    /// <summary>Net benefit per trace point, discounted.</summary>
    public IReadOnlyList<double> NetBenefitByCycleDiscounted { get; }

    /// <summary>Present value of the investment.</summary>
    public double PresentValueInvestment { get; }

    /// <summary>Present value of the benefits (savings and gains).</summary>
    public double PresentValueBenefits { get; }

    /// <summary>Net present value: benefits − investment.</summary>
    public double NetPresentValue { get; }

    /// <summary>Benefit–cost ratio: PV(benefits)/PV(investment); NaN when there is no investment.</summary>
    public double BenefitCostRatio => PresentValueInvestment == 0 ? double.NaN : PresentValueBenefits / PresentValueInvestment;

    /// <summary>Return on investment: NPV/PV(investment); NaN when there is no investment.</summary>
    public double ReturnOnInvestment => PresentValueInvestment == 0 ? double.NaN : NetPresentValue / PresentValueInvestment;

    /// <summary>
    /// Internal rate of return of the undiscounted net-benefit stream (Excel <c>IRR</c>), or null when it is
    /// not unique: the stream must change sign exactly once (amounts below 1e-9 of the largest are ignored)
    /// and have its root in (−99 %, 10 000 %).
    /// </summary>
    public double? InternalRateOfReturn { get; }

    /// <summary>Years until the undiscounted cumulative net benefit stays ≥ 0; null if it never does within the horizon.</summary>
    public double? PaybackYears { get; }

    /// <summary>Years until the discounted cumulative net benefit stays ≥ 0; null if it never does.</summary>
    public double? PaybackYearsDiscounted { get; }

    /// <summary>Incremental flows by account (every perspective's building block).</summary>
    public IReadOnlyList<IncrementalLedgerRow> Ledger { get; }

    /// <summary>Who invests and who saves, per declared payer, discounted (independent of the perspective).</summary>
    public IReadOnlyList<PayerBalance> Payers { get; }

    /// <summary>Who invests and who saves per payer and sector, discounted (rows with any non-zero amount).</summary>
    public IReadOnlyList<PayerSectorBalance> PayerSectors { get; }

    /// <summary>Incremental discounted outcomes by outcome name.</summary>
    public IReadOnlyDictionary<string, double> IncrementalOutcomes { get; }

    /// <summary>Incremental net cost per unit of an outcome: <c>ΔC/ΔE</c>.</summary>
    /// <param name="outcome">The outcome.</param>
    public double Icer(Outcome outcome)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        return (PresentValueInvestment - PresentValueBenefits) / IncrementalOutcomes[outcome.Name];
    }

    private static double? Payback(IReadOnlyList<double> netBenefit, double dt)
    {
        var cumulative = 0.0;
        int? from = null;
        var everNegative = false;
        for (var t = 0; t < netBenefit.Count; t++)
        {
            cumulative += netBenefit[t];
            if (cumulative < -1e-9 * (1 + Math.Abs(netBenefit[t])))
            {
                everNegative = true;
                from = null;
            }
            else
            {
                from ??= t;
            }
        }

        if (!everNegative)
        {
            return 0.0;
        }

        return from is int f ? f * dt : null;
    }

    internal static double? Irr(IReadOnlyList<double> netBenefit, double dt)
    {
        // The IRR is unique only for a conventional stream: one change of sign (investment first,
        // returns later, or the reverse). With more sign changes several rates can give NPV = 0.
        var scale = netBenefit.Count == 0 ? 0 : netBenefit.Max(Math.Abs);
        var signChanges = 0;
        var lastSign = 0;
        foreach (var v in netBenefit)
        {
            var sign = Math.Abs(v) <= 1e-9 * scale ? 0 : Math.Sign(v);
            if (sign != 0 && lastSign != 0 && sign != lastSign)
            {
                signChanges++;
            }

            lastSign = sign == 0 ? lastSign : sign;
        }

        if (signChanges != 1)
        {
            return null;
        }

        double Npv(double r)
        {
            var sum = 0.0;
            var logGrowth = Numerics.Log1P(r);
            for (var t = 0; t < netBenefit.Count; t++)
            {
                sum += netBenefit[t] * Math.Exp(-logGrowth * t * dt);
            }

            return sum;
        }

        const double lo = -0.99;
        const double hi = 100.0;
        // Scan for the first sign change from low rates upward, then refine with Brent's method.
        var grid = Enumerable.Range(0, 400).Select(i => lo + ((hi - lo) * Math.Pow(i / 399.0, 3))).ToArray();
        var prev = Npv(grid[0]);
        for (var i = 1; i < grid.Length; i++)
        {
            var cur = Npv(grid[i]);
            if (prev == 0)
            {
                return grid[i - 1];
            }

            if (Math.Sign(prev) != Math.Sign(cur))
            {
                return MathNet.Numerics.RootFinding.Brent.FindRoot(Npv, grid[i - 1], grid[i], 1e-12, 200);
            }

            prev = cur;
        }

        return null;
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
        var cons = new double[T + 1];
        var consD = new double[T + 1];
        var ledger = new List<IncrementalLedgerRow>();
        var investmentPv = new double[accounts.Count];   // per account, discounted
        var consequencesPv = new double[accounts.Count]; // per account, discounted
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
                per[t] = dBase + dInv;
                perD[t] = dBaseD + dInvD;
                inv[t] += coefficients[a] * dInv;
                invD[t] += coefficients[a] * dInvD;
                cons[t] += coefficients[a] * dBase;
                consD[t] += coefficients[a] * dBaseD;
                investmentPv[a] += dInvD;
                consequencesPv[a] += dBaseD;
            }

            ledger.Add(new IncrementalLedgerRow(accounts[a], per, perD, per.Sum(), perD.Sum()));
        }

        // Who invests and who saves: the per-account totals above, aggregated by payer and by payer × sector.
        var payers = strategy.Model.Payers.Select(p =>
        {
            double investment = 0, consequences = 0, undiscounted = 0;
            for (var a = 0; a < accounts.Count; a++)
            {
                if (accounts[a].Payer.Name == p.Name)
                {
                    investment += investmentPv[a];
                    consequences += consequencesPv[a];
                    undiscounted += ledger[a].Total;
                }
            }

            return new PayerBalance(p, investment, consequences, investment + consequences, undiscounted);
        }).ToArray();

        var payerSectors = new List<PayerSectorBalance>();
        foreach (var group in Enumerable.Range(0, accounts.Count).GroupBy(a => (accounts[a].Payer, accounts[a].Sector)))
        {
            var investment = group.Sum(a => investmentPv[a]);
            var consequences = group.Sum(a => consequencesPv[a]);
            if (investment != 0 || consequences != 0)
            {
                payerSectors.Add(new PayerSectorBalance(group.Key.Payer, group.Key.Sector, investment, consequences, investment + consequences));
            }
        }

        var outcomes = strategy.Outcomes.ToDictionary(o => o.Name, o => strategy.TotalOutcome(o) - comparator.TotalOutcome(o), StringComparer.Ordinal);
        return new AppraisalResult(strategy.Strategy.Name, comparator.Strategy.Name, perspective, strategy.CycleLengthYears, inv, invD, cons, consD, ledger, payers, payerSectors, outcomes);
    }

    /// <summary>
    /// The switching (break-even) value of a parameter: the value in [<paramref name="lower"/>,
    /// <paramref name="upper"/>] at which the strategy's NPV against the comparator is zero, found
    /// with Brent's method on cohort runs. Null when the NPV does not change sign in the interval.
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

        return MathNet.Numerics.RootFinding.Brent.FindRoot(Npv, lower, upper, 1e-10 * Math.Max(1, Math.Abs(upper - lower)), 200);
    }
}
