using System.Globalization;
using SocialInvestment.Engine;
using SocialInvestment.Model;

namespace SocialInvestment.Economics;

/// <summary>The counts of one measurement: people (a point) or person-years (a window) in the outcome's states.</summary>
/// <param name="Strategy">The count under the strategy, ≥ 0.</param>
/// <param name="Comparator">The count under the comparator, ≥ 0.</param>
public readonly record struct MeasuredCount(double Strategy, double Comparator);

/// <summary>
/// What a contract is evaluated on: the counts of every measurement and the commissioner's position
/// against the comparator per trace point. Usually <see cref="OutcomeContract.Observe"/> from two
/// model runs; the public constructor serves observed rates and hand-made examples (the Peterborough
/// test builds one from the published reductions). Immutable.
/// </summary>
public sealed class ContractObservation
{
    /// <summary>Creates an observation and checks it.</summary>
    /// <param name="cycleLengthYears">Years per cycle (&gt; 0).</param>
    /// <param name="discountFactors">The cost discount factor of each trace point 0..T, each positive and finite.</param>
    /// <param name="interventionCost">The commissioner's incremental intervention cost per trace point, undiscounted, in the input convention (+ = it spends more under the strategy), T + 1 values.</param>
    /// <param name="netGain">The commissioner's net gain against the comparator per trace point when it runs the intervention itself, undiscounted (+ = better off; it includes −<paramref name="interventionCost"/>), T + 1 values.</param>
    /// <param name="counts">For each outcome name, one count per measurement, in the contract's order.</param>
    /// <exception cref="ArgumentException">The lengths differ or a value is not finite (every problem listed).</exception>
    public ContractObservation(double cycleLengthYears, IReadOnlyList<double> discountFactors, IReadOnlyList<double> interventionCost, IReadOnlyList<double> netGain, IReadOnlyDictionary<string, IReadOnlyList<MeasuredCount>> counts)
    {
        ArgumentNullException.ThrowIfNull(discountFactors);
        ArgumentNullException.ThrowIfNull(interventionCost);
        ArgumentNullException.ThrowIfNull(netGain);
        ArgumentNullException.ThrowIfNull(counts);
        Guard.Positive(cycleLengthYears);
        var problems = new List<string>();
        if (discountFactors.Count == 0 || discountFactors.Any(d => !(double.IsFinite(d) && d > 0)))
        {
            problems.Add("The discount factors must be one positive finite number per trace point.");
        }

        if (interventionCost.Count != discountFactors.Count || interventionCost.Any(v => !double.IsFinite(v)))
        {
            problems.Add($"The intervention costs must be {discountFactors.Count} finite numbers, one per trace point.");
        }

        if (netGain.Count != discountFactors.Count || netGain.Any(v => !double.IsFinite(v)))
        {
            problems.Add($"The net gains must be {discountFactors.Count} finite numbers, one per trace point.");
        }

        foreach (var (name, list) in counts)
        {
            if (list is null || list.Any(c => !(double.IsFinite(c.Strategy) && c.Strategy >= 0 && double.IsFinite(c.Comparator) && c.Comparator >= 0)))
            {
                problems.Add($"The counts of outcome '{name}' must be finite and ≥ 0.");
            }
        }

        if (problems.Count > 0)
        {
            throw new ArgumentException("The contract observation is invalid: " + string.Join(" ", problems), nameof(counts));
        }

        CycleLengthYears = cycleLengthYears;
        DiscountFactors = ReadOnly.Copy(discountFactors);
        InterventionCost = ReadOnly.Copy(interventionCost);
        NetGain = ReadOnly.Copy(netGain);
        Counts = ReadOnly.Dictionary(counts.ToDictionary(kv => kv.Key, kv => ReadOnly.Copy(kv.Value), StringComparer.Ordinal));
    }

    /// <summary>Years per cycle.</summary>
    public double CycleLengthYears { get; }

    /// <summary>Horizon T in cycles (trace points 0..T).</summary>
    public int Cycles => DiscountFactors.Count - 1;

    /// <summary>The cost discount factor of each trace point.</summary>
    public IReadOnlyList<double> DiscountFactors { get; }

    /// <summary>The commissioner's incremental intervention cost per trace point, undiscounted (+ = spends more).</summary>
    public IReadOnlyList<double> InterventionCost { get; }

    /// <summary>The commissioner's self-funded net gain per trace point, undiscounted (+ = better off).</summary>
    public IReadOnlyList<double> NetGain { get; }

    /// <summary>The counts per outcome name and measurement.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<MeasuredCount>> Counts { get; }
}

/// <summary>One measurement's outcome under a contract.</summary>
/// <param name="Outcome">The outcome's name.</param>
/// <param name="Measurement">The measurement's label.</param>
/// <param name="Count">The strategy's and comparator's counts (persons, or person-years for a window).</param>
/// <param name="Improvement">The count by which the strategy is better: <c>S − C</c> (increase) or <c>C − S</c> (decrease); negative when it is worse.</param>
/// <param name="RelativeImprovement"><see cref="Improvement"/>/C (0.10 = 10 % better); undefined (<see cref="FigureReason.NonFinite"/>) when C = 0.</param>
/// <param name="ThresholdMet">True when this measurement pays on its own (its threshold reached, or no thresholds at all).</param>
/// <param name="Units">Units priced: <c>max(0, Improvement)</c> (per improvement) or S (per person achieving).</param>
public sealed record MeasurementResult(string Outcome, string Measurement, MeasuredCount Count, double Improvement, Figure RelativeImprovement, bool ThresholdMet, double Units);

/// <summary>The pooled test of one outcome (when it has a pooled threshold).</summary>
/// <param name="Outcome">The outcome's name.</param>
/// <param name="RelativeImprovement">Pooled relative improvement <c>Σ improvement_i / Σ C_i</c>; undefined when Σ C_i = 0.</param>
/// <param name="ThresholdMet">True when it reaches the pooled threshold.</param>
public sealed record PooledResult(string Outcome, Figure RelativeImprovement, bool ThresholdMet);

/// <summary>One outcome payment by the commissioner (a magnitude: + = the commissioner pays).</summary>
/// <param name="Outcome">The outcome paid for.</param>
/// <param name="Measurement">The measurement's label, or <c>pooled</c> for the pooled payment.</param>
/// <param name="Cycle">The trace point it falls in.</param>
/// <param name="Year">Years after the start (cycle × cycle length).</param>
/// <param name="Due">What the terms give before caps (undiscounted).</param>
/// <param name="Amount">What is paid after the outcome's and the contract's caps (undiscounted).</param>
/// <param name="AmountDiscounted"><paramref name="Amount"/> × the discount factor of its trace point.</param>
public sealed record ContractPayment(string Outcome, string Measurement, int Cycle, double Year, double Due, double Amount, double AmountDiscounted);

/// <summary>
/// The evaluation of an outcome contract on one observation. Sign conventions: payments, capital and
/// the bridge advance are named magnitudes (+ = the party pays them); the investor's net flows and
/// the commissioner's net gains are results (+ = better off). Amounts are in the model's money and
/// price year, totals for the modelled population; "undiscounted" sums are plain sums over years.
/// </summary>
/// <remarks>
/// <para>With F_t the funded intervention cost (<c>share × max(0, I_t)</c>), P_t the payments, A the
/// bridge advance actually used (<c>min(A, Σ F_t)</c>) and Rec_t the bridge recovered out of P_t:</para>
/// <list type="bullet">
/// <item>investor pays in <c>K_t = F_t</c> less what the advance covers (first years first), or with
/// <see cref="CapitalTiming.Upfront"/> <c>Σ F_t − A</c> at year 0; it receives <c>P_t − Rec_t</c>;
/// its net flow is <c>P_t − Rec_t − K_t</c> (+ = receives);</item>
/// <item>the commissioner's net gain with the contract is <c>NG_t + F_t − P_t + Rec_t − A·[t = 0]</c>,
/// against <c>NG_t</c> when it runs the intervention itself; the difference in present value is
/// <c>PV(F) − A − PV(P − Rec)</c> (+ = the contract is better for it).</item>
/// </list>
/// </remarks>
public sealed class ContractResult
{
    internal ContractResult(OutcomeContract contract, ContractObservation observation, IReadOnlyList<MeasurementResult> measurements, IReadOnlyList<PooledResult> pooled, IReadOnlyList<ContractPayment> payments, double[] paymentsByCycle, double[] capital, double[] bridgeRecovered, double bridgeAdvance, double bridgeUnrecovered, double[] funded)
    {
        Contract = contract;
        CycleLengthYears = observation.CycleLengthYears;
        DiscountFactors = ReadOnly.Copy(observation.DiscountFactors);
        Measurements = ReadOnly.Copy(measurements);
        Pooled = ReadOnly.Copy(pooled);
        Payments = ReadOnly.Copy(payments);
        PaymentsByCycle = ReadOnly.Copy(paymentsByCycle);
        TotalPayments = paymentsByCycle.Sum();
        PresentValuePayments = paymentsByCycle.Select((v, t) => v * observation.DiscountFactors[t]).Sum();
        FundedCostByCycle = ReadOnly.Copy(funded);
        CapitalByCycle = ReadOnly.Copy(capital);
        BridgeAdvance = bridgeAdvance;
        BridgeRecoveredByCycle = ReadOnly.Copy(bridgeRecovered);
        BridgeUnrecovered = bridgeUnrecovered;
        var points = paymentsByCycle.Length;
        var investor = new double[points];
        var withContract = new double[points];
        for (var t = 0; t < points; t++)
        {
            investor[t] = paymentsByCycle[t] - bridgeRecovered[t] - capital[t];
            withContract[t] = observation.NetGain[t] + funded[t] - paymentsByCycle[t] + bridgeRecovered[t] - (t == 0 ? bridgeAdvance : 0);
        }

        InvestorNetByCycle = ReadOnly.Copy(investor);
        InvestorCapital = capital.Sum();
        InvestorReceived = paymentsByCycle.Sum() - bridgeRecovered.Sum();
        InvestorNet = InvestorReceived - InvestorCapital;
        var invests = InvestorCapital > 1e-9;
        InvestorIrr = invests ? AppraisalResult.Irr(investor, CycleLengthYears) : Figure.Undefined(FigureReason.NoInvestment);
        InvestorMultiple = invests ? Figure.Of(InvestorReceived / InvestorCapital) : Figure.Undefined(FigureReason.NoInvestment);
        InvestorLoses = invests && InvestorNet < -1e-9 * InvestorCapital;
        NetGainSelfFundedByCycle = ReadOnly.Copy(observation.NetGain);
        NetGainWithContractByCycle = ReadOnly.Copy(withContract);
        NpvSelfFunded = observation.NetGain.Select((v, t) => v * observation.DiscountFactors[t]).Sum();
        NpvWithContract = withContract.Select((v, t) => v * observation.DiscountFactors[t]).Sum();
    }

    /// <summary>The contract.</summary>
    public OutcomeContract Contract { get; }

    /// <summary>Years per cycle.</summary>
    public double CycleLengthYears { get; }

    /// <summary>The cost discount factor of each trace point (the commissioner's discounting).</summary>
    public IReadOnlyList<double> DiscountFactors { get; }

    /// <summary>Every measurement of every outcome, in the contract's order.</summary>
    public IReadOnlyList<MeasurementResult> Measurements { get; }

    /// <summary>The pooled test of each outcome that has one.</summary>
    public IReadOnlyList<PooledResult> Pooled { get; }

    /// <summary>Every payment with a non-zero amount due, in time order (+ = the commissioner pays).</summary>
    public IReadOnlyList<ContractPayment> Payments { get; }

    /// <summary>The commissioner's outcome payments per trace point, undiscounted (+ = pays).</summary>
    public IReadOnlyList<double> PaymentsByCycle { get; }

    /// <summary>Total outcome payments, undiscounted (+ = the commissioner pays).</summary>
    public double TotalPayments { get; }

    /// <summary>Present value of the outcome payments at the commissioner's discounting (+ = pays).</summary>
    public double PresentValuePayments { get; }

    /// <summary>The intervention costs funded by the contract (investor and bridge) per trace point, undiscounted: <c>share × max(0, I_t)</c>.</summary>
    public IReadOnlyList<double> FundedCostByCycle { get; }

    /// <summary>The capital the investor pays in per trace point, undiscounted (+ = pays).</summary>
    public IReadOnlyList<double> CapitalByCycle { get; }

    /// <summary>The bridge advance the commissioner pays at year 0 (at most the funded costs).</summary>
    public double BridgeAdvance { get; }

    /// <summary>The advance (with interest) the commissioner recovers out of each year's payments.</summary>
    public IReadOnlyList<double> BridgeRecoveredByCycle { get; }

    /// <summary>The outstanding advance (with interest) not recovered by the end of the horizon: lost to the commissioner.</summary>
    public double BridgeUnrecovered { get; }

    /// <summary>The investor's net cash flow per trace point, undiscounted: receipts − capital (+ = receives).</summary>
    public IReadOnlyList<double> InvestorNetByCycle { get; }

    /// <summary>The investor's capital, undiscounted total (+ = pays in).</summary>
    public double InvestorCapital { get; }

    /// <summary>What the investor receives, undiscounted total (payments less the bridge recovered).</summary>
    public double InvestorReceived { get; }

    /// <summary>The investor's undiscounted net: received − capital (+ = gains, − = loses money).</summary>
    public double InvestorNet { get; }

    /// <summary>
    /// The investor's internal rate of return per year on <see cref="InvestorNetByCycle"/> (real, like
    /// every amount; 0.05 = 5 %), with the library's IRR rule (<see cref="AppraisalResult.InternalRateOfReturn"/>):
    /// undefined with <see cref="FigureReason.NoInvestment"/> when the investor pays nothing in, and
    /// <see cref="FigureReason.NotConventional"/> when the stream is not a conventional investment —
    /// in particular when nothing is paid out (a total loss, whose IRR would be −100 %).
    /// </summary>
    public Figure InvestorIrr { get; }

    /// <summary>Received / capital (1.2 = the investor gets 1.2 times its money back, undiscounted); undefined when it pays nothing in.</summary>
    public Figure InvestorMultiple { get; }

    /// <summary>True when the investor pays in and gets back less than it paid (undiscounted net &lt; 0).</summary>
    public bool InvestorLoses { get; }

    /// <summary>The commissioner's net gain per trace point when it runs the intervention itself, undiscounted (+ = better off).</summary>
    public IReadOnlyList<double> NetGainSelfFundedByCycle { get; }

    /// <summary>The commissioner's net gain per trace point with the contract, undiscounted (+ = better off).</summary>
    public IReadOnlyList<double> NetGainWithContractByCycle { get; }

    /// <summary>The commissioner's NPV against the comparator when it runs the intervention itself (+ = better off).</summary>
    public double NpvSelfFunded { get; }

    /// <summary>The commissioner's NPV against the comparator with the contract (+ = better off).</summary>
    public double NpvWithContract { get; }

    /// <summary><see cref="NpvWithContract"/> − <see cref="NpvSelfFunded"/>: + = the contract is better for the commissioner than running the intervention itself.</summary>
    public double ContractAdvantage => NpvWithContract - NpvSelfFunded;
}

public sealed partial class OutcomeContract
{
    /// <summary>
    /// Counts the contract's measurements from two model runs and takes the commissioner's position
    /// from their appraisal (<see cref="Perspective.ForPayer"/>): occupancy of the outcome's states
    /// at each measurement (unweighted expected counts, totals for the population), and the
    /// commissioner's incremental intervention costs and net gain per trace point.
    /// </summary>
    /// <param name="strategy">The run of <see cref="Strategy"/>.</param>
    /// <param name="comparator">The run of <see cref="Comparator"/> (same model and options).</param>
    /// <exception cref="ContractValidationException">The contract does not fit the model, or the runs are not of its strategy and comparator.</exception>
    public ContractObservation Observe(SimulationResult strategy, SimulationResult comparator)
    {
        ArgumentNullException.ThrowIfNull(strategy);
        ArgumentNullException.ThrowIfNull(comparator);
        var problems = Validate(strategy.Model).ToList();
        if (strategy.Strategy.Name != Strategy)
        {
            problems.Add(new ContractProblem(Name, "contract", "strategy", $"The strategy run is of '{strategy.Strategy.Name}', the contract pays for '{Strategy}'."));
        }

        if (comparator.Strategy.Name != Comparator)
        {
            problems.Add(new ContractProblem(Name, "contract", "comparator", $"The comparator run is of '{comparator.Strategy.Name}', the contract measures against '{Comparator}'."));
        }

        if (problems.Count > 0)
        {
            throw new ContractValidationException(problems);
        }

        var model = strategy.Model;
        var payer = model.Payers.First(p => p.Name == Payer);
        var appraisal = Appraisal.Compare(strategy, comparator, Perspective.ForPayer(payer));
        var dt = strategy.CycleLengthYears;
        var counts = new Dictionary<string, IReadOnlyList<MeasuredCount>>(StringComparer.Ordinal);
        foreach (var o in Outcomes)
        {
            var states = o.States.Select(model.StateIndex).ToArray();
            counts[o.Name] = o.Measurements.Select(m => new MeasuredCount(Count(strategy, states, m, dt), Count(comparator, states, m, dt))).ToArray();
        }

        return new ContractObservation(dt, appraisal.CostDiscountFactors, appraisal.InvestmentByCycle, appraisal.NetBenefitByCycle, counts);
    }

    /// <summary>Evaluates the contract on two model runs: <see cref="Evaluate(ContractObservation)"/> of <see cref="Observe"/>.</summary>
    /// <param name="strategy">The run of <see cref="Strategy"/>.</param>
    /// <param name="comparator">The run of <see cref="Comparator"/>.</param>
    /// <exception cref="ContractValidationException">The contract does not fit the model or the runs.</exception>
    public ContractResult Evaluate(SimulationResult strategy, SimulationResult comparator) => Evaluate(Observe(strategy, comparator));

    /// <summary>
    /// Evaluates the contract on an observation: which measurements trigger payment, the payments
    /// after caps and when they fall, the investor's flows, IRR and loss, the bridge financing, and the
    /// commissioner's NPV with the contract and when it runs the intervention itself. A pure function.
    /// </summary>
    /// <param name="observation">The counts and the commissioner's position.</param>
    /// <exception cref="ContractValidationException">The observation lacks an outcome's counts, or a time is not a trace point of it.</exception>
    public ContractResult Evaluate(ContractObservation observation)
    {
        ArgumentNullException.ThrowIfNull(observation);
        var dt = observation.CycleLengthYears;
        var points = observation.DiscountFactors.Count;
        var problems = new List<ContractProblem>();
        int Point(string outcome, string field, double years)
        {
            var k = TracePoint(years, dt);
            if (k is null || k >= points)
            {
                problems.Add(new ContractProblem(Name, outcome, field, string.Create(CultureInfo.InvariantCulture, $"{years:R} years is not a trace point of the observation (0 to {points - 1} cycles of {dt:R} year(s)).")));
                return 0;
            }

            return k.Value;
        }

        var measurements = new List<MeasurementResult>();
        var pooled = new List<PooledResult>();
        var due = new List<(int Order, string Outcome, string Measurement, int Cycle, double Due)>();
        var order = 0;
        foreach (var o in Outcomes)
        {
            if (!observation.Counts.TryGetValue(o.Name, out var counts) || counts.Count != o.Measurements.Count)
            {
                problems.Add(new ContractProblem(Name, o.Name, "outcome", $"The observation needs {o.Measurements.Count} count(s) for outcome '{o.Name}'."));
                continue;
            }

            double sumImprovement = 0, sumComparator = 0, sumStrategy = 0, paid = 0;
            for (var i = 0; i < counts.Count; i++)
            {
                var m = o.Measurements[i];
                var c = counts[i];
                var improvement = o.Direction == OutcomeDirection.Increase ? c.Strategy - c.Comparator : c.Comparator - c.Strategy;
                var relative = c.Comparator > 0 ? Figure.Of(improvement / c.Comparator) : Figure.Undefined(FigureReason.NonFinite);
                var met = o.Threshold is double th
                    ? relative.Value is double r && Reaches(r, th)
                    : o.PooledThreshold is null;
                var units = o.Basis == OutcomePriceBasis.PerImprovement ? Math.Max(0, improvement) : c.Strategy;
                measurements.Add(new MeasurementResult(o.Name, m.Name, c, improvement, relative, met, units));
                sumImprovement += improvement;
                sumComparator += c.Comparator;
                sumStrategy += c.Strategy;
                var k = Point(o.Name, "payment_year", m.PaidInYear);
                if (met)
                {
                    due.Add((order++, o.Name, m.Name, k, o.Price * units));
                    paid += o.Price * units;
                }
            }

            if (o.PooledThreshold is double pth)
            {
                var relative = sumComparator > 0 ? Figure.Of(sumImprovement / sumComparator) : Figure.Undefined(FigureReason.NonFinite);
                var met = relative.Value is double r && Reaches(r, pth);
                pooled.Add(new PooledResult(o.Name, relative, met));
                var k = Point(o.Name, "pooled_payment_year", o.PooledPaidInYear);
                if (met)
                {
                    var units = o.Basis == OutcomePriceBasis.PerImprovement ? Math.Max(0, sumImprovement) : sumStrategy;
                    // What the measurements were paid is subtracted; a rounding residue (1e-9 of the amount) is no payment.
                    var rest = (o.Price * units) - paid;
                    due.Add((order++, o.Name, "pooled", k, rest > 1e-9 * Math.Max(1, paid) ? rest : 0));
                }
            }
        }

        if (problems.Count > 0)
        {
            throw new ContractValidationException(problems);
        }

        // Caps, in time order (ties: the contract's order of outcomes and measurements).
        var caps = Outcomes.ToDictionary(o => o.Name, o => o.Cap ?? double.PositiveInfinity, StringComparer.Ordinal);
        var contractLeft = Cap ?? double.PositiveInfinity;
        var payments = new List<ContractPayment>();
        var byCycle = new double[points];
        foreach (var d in due.OrderBy(d => d.Cycle).ThenBy(d => d.Order))
        {
            var amount = Math.Max(0, Math.Min(d.Due, Math.Min(caps[d.Outcome], contractLeft)));
            caps[d.Outcome] -= amount;
            contractLeft -= amount;
            byCycle[d.Cycle] += amount;
            if (d.Due != 0)
            {
                payments.Add(new ContractPayment(d.Outcome, d.Measurement, d.Cycle, d.Cycle * dt, d.Due, amount, amount * observation.DiscountFactors[d.Cycle]));
            }
        }

        // Funding: the investor (and the bridge advance) pays the funded share of the commissioner's intervention costs.
        var funded = observation.InterventionCost.Select(v => Capital.FundedShare * Math.Max(0, v)).ToArray();
        var totalFunded = funded.Sum();
        var advance = Math.Min(Bridge?.Amount ?? 0, totalFunded);
        var capital = new double[points];
        if (Capital.Timing == CapitalTiming.Upfront)
        {
            capital[0] = totalFunded - advance;
        }
        else
        {
            var cover = advance;
            for (var t = 0; t < points; t++)
            {
                var fromBridge = Math.Min(cover, funded[t]);
                cover -= fromBridge;
                capital[t] = funded[t] - fromBridge;
            }
        }

        // The advance (with interest) is recovered out of the payments before the investor is paid.
        var recovered = new double[points];
        var balance = advance;
        var growth = Math.Pow(1 + (Bridge?.InterestRate ?? 0), dt);
        for (var t = 0; t < points; t++)
        {
            if (t > 0)
            {
                balance *= growth;
            }

            recovered[t] = Math.Min(balance, byCycle[t]);
            balance -= recovered[t];
        }

        return new ContractResult(this, observation, measurements, pooled, payments, byCycle, capital, recovered, advance, balance, funded);
    }

    /// <summary>A relative improvement reaches a threshold (within 1e-12, so 0.1 computed as 100/1000 reaches 0.10).</summary>
    private static bool Reaches(double relative, double threshold) => relative >= threshold - 1e-12;

    private static double Count(SimulationResult run, int[] states, OutcomeMeasurement m, double dt)
    {
        var from = TracePoint(m.Year, dt)!.Value;
        if (m.UntilYear is not double until)
        {
            return states.Sum(s => run.Occupancy(from, s));
        }

        var to = TracePoint(until, dt)!.Value;
        var total = 0.0;
        for (var k = from; k < to; k++)
        {
            foreach (var s in states)
            {
                total += run.Occupancy(k, s) * dt;
            }
        }

        return total;
    }
}
