using System.Globalization;
using SocialInvestment.Model;

namespace SocialInvestment.Economics;

/// <summary>Which way an outcome metric improves.</summary>
public enum OutcomeDirection
{
    /// <summary>More people in the states is better (for example in work or education).</summary>
    Increase = 0,

    /// <summary>Fewer people in the states is better (for example in prison, in a placement); the improvement is a reduction.</summary>
    Decrease = 1,
}

/// <summary>What an outcome price is paid for.</summary>
public enum OutcomePriceBasis
{
    /// <summary>
    /// Per unit of improvement against the comparator: persons (a point measurement) or person-years
    /// (a window) by which the strategy's count is better than the comparator's (<c>S − C</c> for
    /// <see cref="OutcomeDirection.Increase"/>, <c>C − S</c> for <see cref="OutcomeDirection.Decrease"/>),
    /// never below zero. Peterborough paid this way (per reconviction event avoided).
    /// </summary>
    PerImprovement = 0,

    /// <summary>
    /// Per person (or person-year) counted in the states under the strategy, <c>S</c>, whether or
    /// not the comparator would have got them there too (the "deadweight" is paid for). Only for
    /// <see cref="OutcomeDirection.Increase"/>.
    /// </summary>
    PerPersonAchieving = 1,
}

/// <summary>How the investor's capital is paid in.</summary>
public enum CapitalTiming
{
    /// <summary>The investor pays each year's funded intervention cost in the year it falls.</summary>
    AsIncurred = 0,

    /// <summary>The investor pays the undiscounted total of the funded intervention costs at year 0 (capital committed up front).</summary>
    Upfront = 1,
}

/// <summary>One problem of an outcome contract: the contract, the outcome (or <c>contract</c>), the field and what is wrong.</summary>
/// <param name="Contract">The contract's name.</param>
/// <param name="Outcome">The outcome's name, or <c>contract</c> for a contract-level field.</param>
/// <param name="Field">The field, for example <c>threshold</c>, <c>states</c> or <c>payer</c>.</param>
/// <param name="Message">What is wrong and what is expected.</param>
public sealed record ContractProblem(string Contract, string Outcome, string Field, string Message)
{
    /// <inheritdoc />
    public override string ToString() => $"contract '{Contract}', {(Outcome == "contract" ? "contract terms" : $"outcome '{Outcome}'")} [{Field}]: {Message}";
}

/// <summary>Thrown when an outcome contract is invalid, listing every problem found (not just the first).</summary>
public sealed class ContractValidationException : Exception
{
    /// <summary>Creates the exception from the problems found.</summary>
    /// <param name="problems">At least one problem.</param>
    public ContractValidationException(IReadOnlyList<ContractProblem> problems)
        : base(Format(problems))
    {
        Problems = ReadOnly.Copy(problems);
    }

    /// <summary>Creates an exception with a single message.</summary>
    public ContractValidationException()
        : this([new ContractProblem("contract", "contract", "terms", "The outcome contract is invalid.")])
    {
    }

    /// <summary>Creates an exception with a single message.</summary>
    /// <param name="message">The message.</param>
    public ContractValidationException(string message)
        : this([new ContractProblem("contract", "contract", "terms", message)])
    {
    }

    /// <summary>Creates an exception with a single message and an inner exception.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public ContractValidationException(string message, Exception innerException)
        : base(message, innerException)
    {
        Problems = [new ContractProblem("contract", "contract", "terms", message)];
    }

    /// <summary>Every problem found.</summary>
    public IReadOnlyList<ContractProblem> Problems { get; } = [];

    private static string Format(IReadOnlyList<ContractProblem> problems)
    {
        ArgumentNullException.ThrowIfNull(problems);
        var lines = problems.Select(p => "  - " + p);
        return $"The outcome contract is invalid ({problems.Count} problem{(problems.Count == 1 ? "" : "s")}):{Environment.NewLine}{string.Join(Environment.NewLine, lines)}";
    }
}

/// <summary>
/// One measurement of an outcome — a tranche, or a "cohort" in the Peterborough contract's terms: the
/// count of people in the outcome's states at <see cref="Year"/>, or, with <see cref="UntilYear"/>,
/// the person-years in them over the window, and when the payment for it falls.
/// </summary>
/// <param name="Year">Years after the start (trace point <c>Year / cycle length</c>, a whole trace point), ≥ 0. For example 2 for "24 months after start".</param>
/// <param name="UntilYear">Null for a point measurement; otherwise the end of a window (&gt; <paramref name="Year"/>): the count is <c>Σ occupancy(k) × cycle length</c> over trace points k from <c>Year/Δt</c> to <c>UntilYear/Δt − 1</c> (person-years, each cycle counted at its start).</param>
/// <param name="PaymentYear">When the payment for this measurement falls (years after the start, a whole trace point, not before the measurement ends); null = at the end of the measurement.</param>
/// <param name="Label">A name in results and errors (for example <c>cohort 1</c>); null = <c>year Y</c>.</param>
public sealed record OutcomeMeasurement(double Year, double? UntilYear = null, double? PaymentYear = null, string? Label = null)
{
    /// <summary>The year the measurement ends: <see cref="UntilYear"/>, or <see cref="Year"/> for a point.</summary>
    public double EndYear => UntilYear ?? Year;

    /// <summary>The year its payment falls: <see cref="PaymentYear"/>, or <see cref="EndYear"/>.</summary>
    public double PaidInYear => PaymentYear ?? EndYear;

    /// <summary>The label, or <c>year Y</c>.</summary>
    public string Name => Label ?? string.Create(CultureInfo.InvariantCulture, $"year {Year:0.##}");
}

/// <summary>
/// One priced outcome of a contract: a metric counted from the model (people in a set of states at
/// given times, or person-years over windows), the price, the thresholds that trigger payment, and a cap.
/// Plain immutable data; <see cref="OutcomeContract"/> checks it.
/// </summary>
/// <remarks>
/// <para><b>Relative improvement</b> of a measurement with strategy count S and comparator count C:
/// <c>r = (S − C)/C</c> for <see cref="OutcomeDirection.Increase"/> and <c>r = (C − S)/C</c> for
/// <see cref="OutcomeDirection.Decrease"/> (0.10 = a 10 % reduction); undefined when C ≤ 0 (never triggers).
/// The <b>pooled</b> improvement of all measurements weights them by their comparator counts:
/// <c>R = Σ(S_i − C_i)/Σ C_i</c> (or <c>Σ(C_i − S_i)/Σ C_i</c>).</para>
/// <para><b>Trigger.</b> A measurement pays on its own (price × its units, in its payment year) when its
/// improvement reaches <see cref="Threshold"/>, or when neither threshold is given (unconditional).
/// When <see cref="PooledThreshold"/> is given and R reaches it, a final payment falls in
/// <see cref="PooledPaymentYear"/>: price × the units of all measurements together (for
/// <see cref="OutcomePriceBasis.PerImprovement"/> <c>max(0, Σ improvement_i)</c>, so a worse tranche
/// offsets a better one) minus what the measurements have already been paid, never below zero.
/// This is the Peterborough rule: a cohort paid if its reconvictions fell by ≥ 10 %; otherwise all
/// cohorts were paid together at the end if the pooled fall was ≥ 7.5 %.</para>
/// <para><b>Cap.</b> The outcome's payments, in time order, stop at <see cref="Cap"/> (undiscounted).</para>
/// </remarks>
public sealed record OutcomeMetric
{
    /// <summary>Creates a priced outcome (checked by <see cref="OutcomeContract"/>).</summary>
    /// <param name="name">A unique name within the contract.</param>
    /// <param name="states">The states counted (model state names), at least one.</param>
    /// <param name="direction">Which way is better.</param>
    /// <param name="measurements">The measurements (tranches), at least one.</param>
    /// <param name="price">Price per unit (person for a point, person-year for a window), in the model's money and price year, ≥ 0.</param>
    /// <param name="basis">What the price is paid for.</param>
    /// <param name="threshold">Minimum relative improvement for a measurement to pay on its own, in [0, 1]; null = none.</param>
    /// <param name="pooledThreshold">Minimum pooled relative improvement for the final pooled payment, in [0, 1]; null = no pooled test.</param>
    /// <param name="pooledPaymentYear">When the pooled payment falls; null = the last measurement's payment year.</param>
    /// <param name="cap">Maximum total payment for this outcome (undiscounted, ≥ 0); null = none.</param>
    public OutcomeMetric(string name, IEnumerable<string> states, OutcomeDirection direction, IEnumerable<OutcomeMeasurement> measurements, double price, OutcomePriceBasis basis = OutcomePriceBasis.PerImprovement, double? threshold = null, double? pooledThreshold = null, double? pooledPaymentYear = null, double? cap = null)
    {
        ArgumentNullException.ThrowIfNull(states);
        ArgumentNullException.ThrowIfNull(measurements);
        Name = name ?? "";
        States = ReadOnly.Copy(states);
        Direction = direction;
        Measurements = ReadOnly.Copy(measurements);
        Price = price;
        Basis = basis;
        Threshold = threshold;
        PooledThreshold = pooledThreshold;
        PooledPaymentYear = pooledPaymentYear;
        Cap = cap;
    }

    /// <summary>The outcome's name.</summary>
    public string Name { get; }

    /// <summary>The states counted.</summary>
    public IReadOnlyList<string> States { get; }

    /// <summary>Which way is better.</summary>
    public OutcomeDirection Direction { get; }

    /// <summary>The measurements (tranches), in the order given.</summary>
    public IReadOnlyList<OutcomeMeasurement> Measurements { get; }

    /// <summary>Price per unit (person or person-year), model money and price year.</summary>
    public double Price { get; }

    /// <summary>What the price is paid for.</summary>
    public OutcomePriceBasis Basis { get; }

    /// <summary>Minimum relative improvement of one measurement (0.10 = 10 %), or null.</summary>
    public double? Threshold { get; }

    /// <summary>Minimum pooled relative improvement (0.075 = 7.5 %), or null.</summary>
    public double? PooledThreshold { get; }

    /// <summary>When the pooled payment falls, or null for the last measurement's payment year.</summary>
    public double? PooledPaymentYear { get; }

    /// <summary>The year the pooled payment falls (<see cref="PooledPaymentYear"/> or the last payment year of the measurements).</summary>
    public double PooledPaidInYear => PooledPaymentYear ?? (Measurements.Count == 0 ? 0 : Measurements.Max(m => m.PaidInYear));

    /// <summary>Maximum total payment for this outcome (undiscounted), or null.</summary>
    public double? Cap { get; }

    /// <summary>Equal when every term is equal, the states and measurements element by element.</summary>
    /// <param name="other">The other outcome.</param>
    public bool Equals(OutcomeMetric? other) =>
        other is not null && Name == other.Name && States.SequenceEqual(other.States) && Direction == other.Direction
        && Measurements.SequenceEqual(other.Measurements) && Price.Equals(other.Price) && Basis == other.Basis
        && Threshold.Equals(other.Threshold) && PooledThreshold.Equals(other.PooledThreshold)
        && PooledPaymentYear.Equals(other.PooledPaymentYear) && Cap.Equals(other.Cap);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Name, States.Count, Direction, Measurements.Count, Price, Basis, Threshold, PooledThreshold);

    internal IEnumerable<ContractProblem> OwnProblems(string contract)
    {
        var n = Name;
        if (string.IsNullOrWhiteSpace(n))
        {
            yield return new ContractProblem(contract, n, "outcome", "An outcome needs a non-empty name.");
        }

        if (States.Count == 0 || States.Any(string.IsNullOrWhiteSpace))
        {
            yield return new ContractProblem(contract, n, "states", "Give at least one state name (separated by spaces).");
        }

        foreach (var dup in States.GroupBy(s => s, StringComparer.Ordinal).Where(g => g.Count() > 1))
        {
            yield return new ContractProblem(contract, n, "states", $"State '{dup.Key}' is listed {dup.Count()} times.");
        }

        if (!Enum.IsDefined(Direction))
        {
            yield return new ContractProblem(contract, n, "direction", "The direction must be increase or decrease.");
        }

        if (!Enum.IsDefined(Basis))
        {
            yield return new ContractProblem(contract, n, "basis", "The basis must be per-improvement or per-person-achieving.");
        }
        else if (Basis == OutcomePriceBasis.PerPersonAchieving && Direction == OutcomeDirection.Decrease)
        {
            yield return new ContractProblem(contract, n, "basis", "per-person-achieving pays for the people in the states, so it needs direction increase; use per-improvement for a reduction.");
        }

        if (!(double.IsFinite(Price) && Price >= 0))
        {
            yield return new ContractProblem(contract, n, "price", string.Create(CultureInfo.InvariantCulture, $"The price must be a finite number ≥ 0 (got {Price:R})."));
        }

        foreach (var (field, value) in new[] { ("threshold", Threshold), ("pooled_threshold", PooledThreshold) })
        {
            if (value is double v && !(v >= 0 && v <= 1))
            {
                yield return new ContractProblem(contract, n, field, string.Create(CultureInfo.InvariantCulture, $"A threshold is a relative improvement in [0, 1] (0.10 = 10 %); got {v:R}."));
            }
        }

        if (Cap is double cap && !(double.IsFinite(cap) && cap >= 0))
        {
            yield return new ContractProblem(contract, n, "cap", string.Create(CultureInfo.InvariantCulture, $"The cap must be a finite amount ≥ 0 (got {cap:R})."));
        }

        if (Measurements.Count == 0)
        {
            yield return new ContractProblem(contract, n, "year", "An outcome needs at least one measurement.");
        }

        if (PooledPaymentYear is double py && PooledThreshold is null)
        {
            yield return new ContractProblem(contract, n, "pooled_payment_year", string.Create(CultureInfo.InvariantCulture, $"A pooled payment year ({py:R}) needs a pooled threshold."));
        }

        foreach (var m in Measurements)
        {
            if (m is null)
            {
                yield return new ContractProblem(contract, n, "year", "A measurement is missing (null).");
                continue;
            }

            if (!(double.IsFinite(m.Year) && m.Year >= 0))
            {
                yield return new ContractProblem(contract, n, "year", string.Create(CultureInfo.InvariantCulture, $"Measurement '{m.Name}': the year must be finite and ≥ 0 (got {m.Year:R})."));
            }

            if (m.UntilYear is double u && !(double.IsFinite(u) && u > m.Year))
            {
                yield return new ContractProblem(contract, n, "until_year", string.Create(CultureInfo.InvariantCulture, $"Measurement '{m.Name}': the window must end after it starts (year {m.Year:R}, until {u:R})."));
            }

            if (m.PaymentYear is double p && !(double.IsFinite(p) && p >= m.EndYear))
            {
                yield return new ContractProblem(contract, n, "payment_year", string.Create(CultureInfo.InvariantCulture, $"Measurement '{m.Name}': the payment cannot fall before the measurement ends (payment year {p:R}, measured until {m.EndYear:R})."));
            }
        }

        foreach (var dup in Measurements.Where(m => m is not null).GroupBy(m => m.Name, StringComparer.Ordinal).Where(g => g.Count() > 1))
        {
            yield return new ContractProblem(contract, n, "label", $"Measurement '{dup.Key}' appears {dup.Count()} times; give each a distinct label.");
        }

        if (PooledPaymentYear is double pp && Measurements.Count > 0 && Measurements.All(m => m is not null) && !(double.IsFinite(pp) && pp >= Measurements.Max(m => m.EndYear)))
        {
            yield return new ContractProblem(contract, n, "pooled_payment_year", string.Create(CultureInfo.InvariantCulture, $"The pooled payment ({pp:R}) cannot fall before the last measurement ends ({Measurements.Max(m => m.EndYear):R})."));
        }
    }
}

/// <summary>
/// How the investor funds the intervention: the share of the commissioner's incremental intervention
/// costs it pays, and when.
/// </summary>
/// <param name="FundedShare">Share in [0, 1] of the commissioner's incremental intervention costs (strategy − comparator, undiscounted, per year) the investor pays instead of the commissioner. 1 = all.</param>
/// <param name="Timing">When the investor pays them.</param>
public sealed record InvestorCapital(double FundedShare = 1.0, CapitalTiming Timing = CapitalTiming.AsIncurred);

/// <summary>
/// The commissioner's bridge financing: an advance toward the funded intervention costs, paid at
/// year 0, that the commissioner recovers out of the outcome payments before the investor receives
/// them; what is not recovered by the end of the horizon is lost to the commissioner.
/// </summary>
/// <param name="Amount">The advance (model money, ≥ 0, at most the funded costs); it reduces the capital the investor pays in, first year first.</param>
/// <param name="InterestRate">Annual rate at which the outstanding advance grows until recovered (≥ 0; 0 = interest free).</param>
public sealed record BridgeFinancing(double Amount, double InterestRate = 0);

/// <summary>
/// An outcome contract (payment by results, a social impact bond) as data: the commissioner
/// (<see cref="Payer"/>, usually the municipality) pays for outcomes of <see cref="Strategy"/>
/// measured against <see cref="Comparator"/>; an investor funds the intervention costs up front and
/// is repaid only out of those payments. Immutable; the constructor checks the terms on their own
/// (thresholds in [0, 1], prices and caps ≥ 0, timing) and <see cref="Validate"/> checks names and
/// times against a model.
/// </summary>
/// <remarks>
/// Money is in the model's currency and price year (real terms, like every other amount); the
/// contract does not index its prices. Times are years after the start of the model (trace point 0).
/// </remarks>
public sealed partial class OutcomeContract
{
    /// <summary>Creates a contract and checks its terms.</summary>
    /// <param name="name">The contract's name.</param>
    /// <param name="strategy">The strategy whose outcomes are paid for (a strategy name of the model).</param>
    /// <param name="comparator">What the outcomes are measured against (a strategy name), usually business as usual.</param>
    /// <param name="payer">The commissioner who pays the outcome payments (a payer name), usually <c>municipality</c>.</param>
    /// <param name="outcomes">The priced outcomes, at least one, distinct names.</param>
    /// <param name="cap">Maximum total outcome payments over all outcomes (undiscounted, ≥ 0); null = none.</param>
    /// <param name="capital">How the investor funds the intervention; null = all of the commissioner's intervention costs, as incurred.</param>
    /// <param name="bridge">The commissioner's bridge financing; null = none.</param>
    /// <param name="description">Free text (source, what is illustrative).</param>
    /// <exception cref="ContractValidationException">Every problem of the terms.</exception>
    public OutcomeContract(string name, string strategy, string comparator, string payer, IEnumerable<OutcomeMetric> outcomes, double? cap = null, InvestorCapital? capital = null, BridgeFinancing? bridge = null, string? description = null)
        : this(name, strategy, comparator, payer, outcomes, cap, capital, bridge, description, check: true)
    {
    }

    private OutcomeContract(string name, string strategy, string comparator, string payer, IEnumerable<OutcomeMetric> outcomes, double? cap, InvestorCapital? capital, BridgeFinancing? bridge, string? description, bool check)
    {
        ArgumentNullException.ThrowIfNull(outcomes);
        Name = name ?? "";
        Strategy = strategy ?? "";
        Comparator = comparator ?? "";
        Payer = payer ?? "";
        Outcomes = ReadOnly.Copy(outcomes);
        Cap = cap;
        Capital = capital ?? new InvestorCapital();
        Bridge = bridge;
        Description = description;
        var problems = check ? OwnProblems().ToList() : [];
        if (problems.Count > 0)
        {
            throw new ContractValidationException(problems);
        }
    }

    /// <summary>
    /// Every problem of a contract's terms, on their own and against a model (the constructor's
    /// checks followed by <see cref="Validate"/>), without building it: what a reader needs to report
    /// all problems of a file at once. Empty when <c>new OutcomeContract(…)</c> succeeds and fits the model.
    /// </summary>
    /// <param name="model">The model.</param>
    /// <param name="name">The contract's name.</param>
    /// <param name="strategy">The strategy paid for.</param>
    /// <param name="comparator">The comparator.</param>
    /// <param name="payer">The commissioner.</param>
    /// <param name="outcomes">The priced outcomes.</param>
    /// <param name="cap">The total cap, or null.</param>
    /// <param name="capital">The investor's capital, or null for the default.</param>
    /// <param name="bridge">The bridge financing, or null.</param>
    public static IReadOnlyList<ContractProblem> Check(LifeCourseModel model, string name, string strategy, string comparator, string payer, IEnumerable<OutcomeMetric> outcomes, double? cap = null, InvestorCapital? capital = null, BridgeFinancing? bridge = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(outcomes);
        var contract = new OutcomeContract(name, strategy, comparator, payer, outcomes, cap, capital, bridge, null, check: false);
        var problems = contract.OwnProblems().ToList();
        problems.AddRange(contract.Validate(model));
        return problems;
    }

    /// <summary>The contract's name.</summary>
    public string Name { get; }

    /// <summary>The strategy paid for.</summary>
    public string Strategy { get; }

    /// <summary>The comparator the outcomes are measured against.</summary>
    public string Comparator { get; }

    /// <summary>The commissioner (payer name) who pays the outcome payments.</summary>
    public string Payer { get; }

    /// <summary>The priced outcomes.</summary>
    public IReadOnlyList<OutcomeMetric> Outcomes { get; }

    /// <summary>Maximum total outcome payments (undiscounted), or null.</summary>
    public double? Cap { get; }

    /// <summary>How the investor funds the intervention.</summary>
    public InvestorCapital Capital { get; }

    /// <summary>The commissioner's bridge financing, or null.</summary>
    public BridgeFinancing? Bridge { get; }

    /// <summary>Free text.</summary>
    public string? Description { get; }

    /// <summary>
    /// The problems of the contract against a model: unknown strategy, comparator, payer or state
    /// names, and measurement or payment times that are not whole trace points within the horizon.
    /// Empty when it fits.
    /// </summary>
    /// <param name="model">The model.</param>
    public IReadOnlyList<ContractProblem> Validate(LifeCourseModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var problems = new List<ContractProblem>();
        var strategies = model.Strategies.Select(s => s.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var (field, value) in new[] { ("strategy", Strategy), ("comparator", Comparator) })
        {
            if (!strategies.Contains(value))
            {
                problems.Add(new ContractProblem(Name, "contract", field, $"Unknown strategy '{value}'. Known: {string.Join(", ", strategies)}."));
            }
        }

        if (Strategy == Comparator && strategies.Contains(Strategy))
        {
            problems.Add(new ContractProblem(Name, "contract", "comparator", "The strategy and the comparator must differ."));
        }

        if (!model.Payers.Any(p => p.Name == Payer))
        {
            problems.Add(new ContractProblem(Name, "contract", "payer", $"Unknown payer '{Payer}'. Known: {string.Join(", ", model.Payers.Select(p => p.Name))}."));
        }

        var dt = model.Options.CycleLengthYears;
        var horizon = model.Options.Cycles;
        foreach (var o in Outcomes.Where(o => o is not null))
        {
            foreach (var s in o.States.Where(s => s is not null && !model.TryStateIndex(s, out _)))
            {
                problems.Add(new ContractProblem(Name, o.Name, "states", $"Unknown state '{s}'. Known: {string.Join(", ", model.States.Select(x => x.Name))}."));
            }

            foreach (var m in o.Measurements.Where(m => m is not null))
            {
                CheckTime(problems, o.Name, "year", m.Name, m.Year, dt, horizon);
                if (m.UntilYear is double u)
                {
                    CheckTime(problems, o.Name, "until_year", m.Name, u, dt, horizon);
                }

                CheckTime(problems, o.Name, "payment_year", m.Name, m.PaidInYear, dt, horizon);
            }

            if (o.PooledThreshold is not null)
            {
                CheckTime(problems, o.Name, "pooled_payment_year", "pooled", o.PooledPaidInYear, dt, horizon);
            }
        }

        return problems;
    }

    /// <summary>The trace point of a time in years, when it is a whole trace point (within 1e-9).</summary>
    internal static int? TracePoint(double years, double cycleLengthYears)
    {
        var k = years / cycleLengthYears;
        var r = Math.Round(k);
        return Math.Abs(k - r) <= 1e-9 * Math.Max(1, Math.Abs(k)) && r >= 0 && r <= int.MaxValue ? (int)r : null;
    }

    private void CheckTime(List<ContractProblem> problems, string outcome, string field, string measurement, double years, double dt, int horizon)
    {
        if (!(double.IsFinite(years) && years >= 0))
        {
            return; // reported by the terms' own checks
        }

        var k = TracePoint(years, dt);
        if (k is null)
        {
            problems.Add(new ContractProblem(Name, outcome, field, string.Create(CultureInfo.InvariantCulture, $"Measurement '{measurement}': {years:R} years is not a whole number of cycles of {dt:R} year(s).")));
        }
        else if (k > horizon)
        {
            problems.Add(new ContractProblem(Name, outcome, field, string.Create(CultureInfo.InvariantCulture, $"Measurement '{measurement}': year {years:R} lies beyond the horizon ({horizon} cycles of {dt:R} year(s)).")));
        }
    }

    private IEnumerable<ContractProblem> OwnProblems()
    {
        if (string.IsNullOrWhiteSpace(Name))
        {
            yield return new ContractProblem(Name, "contract", "contract", "A contract needs a non-empty name.");
        }

        foreach (var (field, value) in new[] { ("strategy", Strategy), ("comparator", Comparator), ("payer", Payer) })
        {
            if (string.IsNullOrWhiteSpace(value))
            {
                yield return new ContractProblem(Name, "contract", field, $"Give the {field}.");
            }
        }

        if (Outcomes.Count == 0)
        {
            yield return new ContractProblem(Name, "contract", "outcome", "A contract needs at least one priced outcome.");
        }

        foreach (var o in Outcomes)
        {
            if (o is null)
            {
                yield return new ContractProblem(Name, "contract", "outcome", "An outcome is missing (null).");
                continue;
            }

            foreach (var p in o.OwnProblems(Name))
            {
                yield return p;
            }
        }

        foreach (var dup in Outcomes.Where(o => o is not null).GroupBy(o => o.Name, StringComparer.Ordinal).Where(g => g.Count() > 1))
        {
            yield return new ContractProblem(Name, dup.Key, "outcome", $"Outcome '{dup.Key}' appears {dup.Count()} times.");
        }

        if (Cap is double cap && !(double.IsFinite(cap) && cap >= 0))
        {
            yield return new ContractProblem(Name, "contract", "cap", string.Create(CultureInfo.InvariantCulture, $"The contract cap must be a finite amount ≥ 0 (got {cap:R})."));
        }

        if (!(Capital.FundedShare >= 0 && Capital.FundedShare <= 1))
        {
            yield return new ContractProblem(Name, "contract", "funded_share", string.Create(CultureInfo.InvariantCulture, $"The investor's funded share is a share in [0, 1] (got {Capital.FundedShare:R})."));
        }

        if (!Enum.IsDefined(Capital.Timing))
        {
            yield return new ContractProblem(Name, "contract", "capital_timing", "The capital timing must be as-incurred or upfront.");
        }

        if (Bridge is { } b)
        {
            if (!(double.IsFinite(b.Amount) && b.Amount >= 0))
            {
                yield return new ContractProblem(Name, "contract", "bridge_amount", string.Create(CultureInfo.InvariantCulture, $"The bridge financing must be a finite amount ≥ 0 (got {b.Amount:R})."));
            }

            if (!(double.IsFinite(b.InterestRate) && b.InterestRate >= 0))
            {
                yield return new ContractProblem(Name, "contract", "bridge_rate", string.Create(CultureInfo.InvariantCulture, $"The bridge interest rate must be finite and ≥ 0 (got {b.InterestRate:R})."));
            }
        }
    }
}
