using SocialInvestment.Model;

namespace SocialInvestment.Economics;

/// <summary>When the transfers of a gain-moving settlement rule are paid.</summary>
public enum TransferTiming
{
    /// <summary>
    /// Pay as you save (the default): the payer passes on a fixed share of its own net gain in
    /// every trace point, the share chosen so that the present value of the transfer is the amount
    /// the rule asks for. Falls back to <see cref="Upfront"/> for a payer whose present net gain
    /// before the rule is not positive (there is nothing to pay out of).
    /// </summary>
    AsSaved = 0,

    /// <summary>One payment at the first trace point (undiscounted amount = present value / its discount factor).</summary>
    Upfront = 1,
}

/// <summary>What the gains of a coalition are shared in proportion to (<see cref="ShareGainsRule"/>).</summary>
public enum GainShareBasis
{
    /// <summary>In proportion to each payer's present value of savings (<see cref="PayerBalance.Savings"/>; negative savings count as 0).</summary>
    Savings = 0,

    /// <summary>In proportion to each payer's present value of investment (<see cref="PayerBalance.Invested"/>; negative amounts count as 0).</summary>
    Investment = 1,

    /// <summary>By agreed fixed shares (<see cref="ShareGainsRule.Shares"/>, summing to 1).</summary>
    Fixed = 2,
}

/// <summary>What a <see cref="PerParticipantPriceRule"/> price is paid for.</summary>
public enum ParticipantBasis
{
    /// <summary>Once per person who takes up the intervention, at the first trace point.</summary>
    PerStart = 0,

    /// <summary>
    /// Per participant-year: at each trace point t &lt; T (and, with a duration, t·Δt &lt; duration) the price ×
    /// Δt × the treated people alive in a non-absorbing state at t (start-of-cycle counting).
    /// </summary>
    PerParticipantYear = 1,
}

/// <summary>One problem in a settlement plan or rule.</summary>
/// <param name="Rule">The rule's name (or <c>plan</c>).</param>
/// <param name="Field">The field, for example <c>payers</c>, <c>price</c> or <c>shares</c>.</param>
/// <param name="Message">What is wrong and what is expected.</param>
public sealed record SettlementProblem(string Rule, string Field, string Message)
{
    /// <inheritdoc />
    public override string ToString() => $"rule '{Rule}' [{Field}]: {Message}";
}

/// <summary>Thrown when a settlement plan is invalid, listing every problem found (not just the first).</summary>
public sealed class SettlementValidationException : Exception
{
    /// <summary>Creates the exception from the problems found.</summary>
    /// <param name="problems">At least one problem.</param>
    public SettlementValidationException(IReadOnlyList<SettlementProblem> problems)
        : base(Format(problems))
    {
        Problems = ReadOnly.Copy(problems);
    }

    /// <summary>Creates an exception with a single message.</summary>
    public SettlementValidationException()
        : this([new SettlementProblem("plan", "rules", "The settlement plan is invalid.")])
    {
    }

    /// <summary>Creates an exception with a single message.</summary>
    /// <param name="message">The message.</param>
    public SettlementValidationException(string message)
        : this([new SettlementProblem("plan", "rules", message)])
    {
    }

    /// <summary>Creates an exception with a single message and an inner exception.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public SettlementValidationException(string message, Exception innerException)
        : base(message, innerException)
    {
        Problems = [new SettlementProblem("plan", "rules", message)];
    }

    /// <summary>Every problem found.</summary>
    public IReadOnlyList<SettlementProblem> Problems { get; } = [];

    private static string Format(IReadOnlyList<SettlementProblem> problems)
    {
        ArgumentNullException.ThrowIfNull(problems);
        var lines = problems.Select(p => "  - " + p);
        return $"The settlement plan is invalid ({problems.Count} problem{(problems.Count == 1 ? "" : "s")}):{Environment.NewLine}{string.Join(Environment.NewLine, lines)}";
    }
}

/// <summary>
/// A settlement rule: an agreement that moves money between payers after an appraisal. Rules are
/// plain immutable data (so files can describe them); <see cref="SettlementPlan"/> validates them.
/// A rule names payers by <see cref="Payer.Name"/>. Every rule only moves money: the sum of the
/// payers' net gains is the same after it as before.
/// </summary>
/// <param name="Name">The rule's name (unique within a plan; used in errors and in the transfer schedule).</param>
public abstract record SettlementRule(string Name)
{
    /// <summary>The payer names the rule refers to (for validation against a model).</summary>
    internal abstract IEnumerable<(string Field, string Payer)> NamedPayers();

    /// <summary>Problems of the rule on its own (not depending on a model).</summary>
    internal virtual IEnumerable<SettlementProblem> OwnProblems()
    {
        if (string.IsNullOrWhiteSpace(Name))
        {
            yield return new SettlementProblem(Name ?? "", "name", "A rule needs a non-empty name.");
        }
    }

    internal static IEnumerable<SettlementProblem> CheckPayerList(string rule, IReadOnlyList<string>? payers, int minimum)
    {
        if (payers is null)
        {
            yield break;
        }

        if (payers.Count < minimum)
        {
            yield return new SettlementProblem(rule, "payers", $"The rule needs at least {minimum} payers (got {payers.Count}); leave the list out to mean every public payer.");
        }

        foreach (var dup in payers.GroupBy(p => p, StringComparer.Ordinal).Where(g => g.Count() > 1))
        {
            yield return new SettlementProblem(rule, "payers", $"Payer '{dup.Key}' is listed {dup.Count()} times.");
        }
    }
}

/// <summary>
/// (a) Reimburse the investors. Among the rule's payers, the <em>investors</em> are those that invest
/// (<see cref="PayerBalance.Invested"/> &gt; 0) and are worse off (present net gain G_i &lt; 0); the
/// <em>savers</em> are the others that are better off (G_s &gt; 0). With the investors' deficit
/// <c>D = Σ_i −G_i</c> and the savers' gains <c>C = Σ_s G_s</c>, the savers pay
/// <c>X = min(D, C)</c> in all: saver s pays investor i <c>X·(G_s/C)·(−G_i/D)</c>. So each saver pays
/// in proportion to its net gain and never more than it (it stays ≥ 0), and the investors are brought
/// up to break-even when the savings allow it (otherwise each recovers the same share of its loss).
/// </summary>
/// <param name="Name">The rule's name.</param>
/// <param name="Payers">The payers that take part; null for every public payer of the model.</param>
/// <param name="Timing">When the reimbursements are paid.</param>
public sealed record ReimburseInvestorsRule(string Name, IReadOnlyList<string>? Payers = null, TransferTiming Timing = TransferTiming.AsSaved) : SettlementRule(Name)
{
    internal override IEnumerable<(string Field, string Payer)> NamedPayers() => (Payers ?? []).Select(p => ("payers", p));

    internal override IEnumerable<SettlementProblem> OwnProblems() => base.OwnProblems().Concat(CheckPayerList(Name, Payers, 2)).Concat(TimingProblems(Name, Timing));

    internal static IEnumerable<SettlementProblem> TimingProblems(string name, TransferTiming timing)
    {
        if (!Enum.IsDefined(timing))
        {
            yield return new SettlementProblem(name, "timing", $"Unknown timing {(int)timing}; use as-saved or upfront.");
        }
    }
}

/// <summary>
/// (b, c) Share the coalition's gains. With the rule's payers P and their total present net gain
/// <c>G = Σ_{p∈P} G_p</c>, payer p ends with <c>w_p·G</c>: with <see cref="GainShareBasis.Savings"/>
/// <c>w_p = max(0, Savings_p)/Σ max(0, Savings_q)</c>, with <see cref="GainShareBasis.Investment"/> the
/// same with <see cref="PayerBalance.Invested"/>, with <see cref="GainShareBasis.Fixed"/> the agreed
/// <see cref="Shares"/>. A loss (G &lt; 0) is shared the same way. The changes
/// <c>Δ_p = w_p·G − G_p</c> sum to zero; payer j with Δ_j &lt; 0 pays each payer i with Δ_i &gt; 0
/// the amount <c>−Δ_j·Δ_i/Σ_{Δ_k&gt;0} Δ_k</c>.
/// </summary>
/// <param name="Name">The rule's name.</param>
/// <param name="Basis">What the gains are shared in proportion to.</param>
/// <param name="Payers">The payers that take part; null for every public payer (for <see cref="GainShareBasis.Fixed"/> leave it null: the shares name the payers).</param>
/// <param name="Shares">For <see cref="GainShareBasis.Fixed"/>: payer name → share in [0, 1], summing to 1 (within 1e-9); null otherwise.</param>
/// <param name="Timing">When the transfers are paid.</param>
public sealed record ShareGainsRule(string Name, GainShareBasis Basis, IReadOnlyList<string>? Payers = null, IReadOnlyDictionary<string, double>? Shares = null, TransferTiming Timing = TransferTiming.AsSaved) : SettlementRule(Name)
{
    internal override IEnumerable<(string Field, string Payer)> NamedPayers()
        => (Payers ?? []).Select(p => ("payers", p)).Concat((Shares?.Keys ?? Enumerable.Empty<string>()).Select(p => ("shares", p)));

    internal override IEnumerable<SettlementProblem> OwnProblems()
    {
        foreach (var p in base.OwnProblems().Concat(CheckPayerList(Name, Payers, 2)).Concat(ReimburseInvestorsRule.TimingProblems(Name, Timing)))
        {
            yield return p;
        }

        if (!Enum.IsDefined(Basis))
        {
            yield return new SettlementProblem(Name, "basis", $"Unknown basis {(int)Basis}; use savings, investment or fixed.");
        }

        if (Basis != GainShareBasis.Fixed)
        {
            if (Shares is not null)
            {
                yield return new SettlementProblem(Name, "shares", "Shares are only used with the fixed basis; leave them out or use basis fixed.");
            }

            yield break;
        }

        if (Payers is not null)
        {
            yield return new SettlementProblem(Name, "payers", "With the fixed basis the shares name the payers; leave the payer list out.");
        }

        if (Shares is null || Shares.Count < 2)
        {
            yield return new SettlementProblem(Name, "shares", "The fixed basis needs a share for at least two payers.");
            yield break;
        }

        var sum = 0.0;
        foreach (var (payer, share) in Shares)
        {
            if (!(share >= 0 && share <= 1))
            {
                yield return new SettlementProblem(Name, "shares", $"The share of '{payer}' must lie in [0, 1] (got {share.ToString(System.Globalization.CultureInfo.InvariantCulture)}).");
            }

            sum += share;
        }

        if (double.IsFinite(sum) && Math.Abs(sum - 1) > 1e-9)
        {
            yield return new SettlementProblem(Name, "shares", $"The shares must sum to 1 (they sum to {sum.ToString("R", System.Globalization.CultureInfo.InvariantCulture)}).");
        }
    }
}

/// <summary>
/// (d) The Shapley value of the payers' coalition game: payer p ends with
/// <c>φ_p = Σ_{S ⊆ N∖{p}} |S|!·(n − |S| − 1)!/n! · (v(S ∪ {p}) − v(S))</c>, computed exactly by enumerating
/// the 2^n coalitions (n ≤ <see cref="CoalitionGame.MaxPlayers"/>). The characteristic function v is
/// a <see cref="CoalitionGame"/> passed to <see cref="Settlement.Settle"/> or <see cref="Settlement.SettleLedger"/>;
/// without one it is <see cref="CoalitionGame.FromLedger"/> (one strategy, funded by its investors).
/// The moves <c>Δ_p = φ_p − G_p</c> are paid like <see cref="ShareGainsRule"/>'s.
/// </summary>
/// <param name="Name">The rule's name.</param>
/// <param name="Payers">The players; null for every public payer (with a game given, the game's players).</param>
/// <param name="Timing">When the transfers are paid.</param>
public sealed record ShapleyRule(string Name, IReadOnlyList<string>? Payers = null, TransferTiming Timing = TransferTiming.AsSaved) : SettlementRule(Name)
{
    internal override IEnumerable<(string Field, string Payer)> NamedPayers() => (Payers ?? []).Select(p => ("payers", p));

    internal override IEnumerable<SettlementProblem> OwnProblems()
    {
        foreach (var p in base.OwnProblems().Concat(CheckPayerList(Name, Payers, 2)).Concat(ReimburseInvestorsRule.TimingProblems(Name, Timing)))
        {
            yield return p;
        }

        if (Payers is not null && Payers.Count > CoalitionGame.MaxPlayers)
        {
            yield return new SettlementProblem(Name, "payers", $"The exact Shapley value enumerates 2^n coalitions and is limited to {CoalitionGame.MaxPlayers} payers (got {Payers.Count}).");
        }
    }
}

/// <summary>
/// (e) "The money follows the citizen": <see cref="Payer"/> (typically a saver, for example the state)
/// pays <see cref="Payee"/> (the investor, for example the municipality) a fixed
/// <see cref="Price"/> per participant of <see cref="Intervention"/>, counted against the comparator
/// (incremental participants; negative when the comparator has more, so the payee pays back). Unlike
/// the gain-sharing rules this is a contract price: it is not capped by the payer's savings.
/// </summary>
/// <param name="Name">The rule's name.</param>
/// <param name="Payer">Who pays.</param>
/// <param name="Payee">Who receives.</param>
/// <param name="Intervention">The intervention whose participants are counted.</param>
/// <param name="Price">Price per participant (per start or per participant-year), ≥ 0, in the model's currency and price year.</param>
/// <param name="Basis">What the price is paid for.</param>
/// <param name="DurationYears">For <see cref="ParticipantBasis.PerParticipantYear"/>: how many years from the start the price is paid; null for the whole horizon.</param>
public sealed record PerParticipantPriceRule(string Name, string Payer, string Payee, string Intervention, double Price, ParticipantBasis Basis = ParticipantBasis.PerStart, double? DurationYears = null) : SettlementRule(Name)
{
    internal override IEnumerable<(string Field, string Payer)> NamedPayers() => [("payer", Payer), ("payee", Payee)];

    internal override IEnumerable<SettlementProblem> OwnProblems()
    {
        foreach (var p in base.OwnProblems())
        {
            yield return p;
        }

        if (string.IsNullOrWhiteSpace(Payer))
        {
            yield return new SettlementProblem(Name, "payer", "The rule needs the payer who pays.");
        }

        if (string.IsNullOrWhiteSpace(Payee))
        {
            yield return new SettlementProblem(Name, "payee", "The rule needs the payee who receives.");
        }

        if (Payer is not null && Payer == Payee)
        {
            yield return new SettlementProblem(Name, "payee", $"The payer and the payee are the same ('{Payer}').");
        }

        if (string.IsNullOrWhiteSpace(Intervention))
        {
            yield return new SettlementProblem(Name, "intervention", "The rule needs the intervention whose participants are counted.");
        }

        if (!(double.IsFinite(Price) && Price >= 0))
        {
            yield return new SettlementProblem(Name, "price", $"The price per participant must be finite and ≥ 0 (got {Price.ToString(System.Globalization.CultureInfo.InvariantCulture)}).");
        }

        if (!Enum.IsDefined(Basis))
        {
            yield return new SettlementProblem(Name, "basis", $"Unknown basis {(int)Basis}; use per-start or per-participant-year.");
        }

        if (DurationYears is double d && !(double.IsFinite(d) && d > 0))
        {
            yield return new SettlementProblem(Name, "duration_years", $"The duration must be a positive number of years (got {d.ToString(System.Globalization.CultureInfo.InvariantCulture)}).");
        }

        if (DurationYears is not null && Basis == ParticipantBasis.PerStart)
        {
            yield return new SettlementProblem(Name, "duration_years", "A duration applies only to the per-participant-year basis.");
        }
    }
}

/// <summary>
/// A settlement plan: rules applied in order, each to the positions the previous ones left (so a
/// per-participant price can be followed by sharing what remains). Immutable. The constructor
/// checks every rule on its own and throws one <see cref="SettlementValidationException"/> with
/// every problem; <see cref="Validate"/> checks the payer and intervention names against a model.
/// </summary>
public sealed class SettlementPlan
{
    /// <summary>Creates and validates a plan.</summary>
    /// <param name="name">The plan's name (for reports).</param>
    /// <param name="rules">The rules, applied in order; at least one, with unique names.</param>
    /// <exception cref="SettlementValidationException">Any rule is invalid on its own (all problems listed).</exception>
    public SettlementPlan(string name, IEnumerable<SettlementRule> rules)
    {
        ArgumentNullException.ThrowIfNull(rules);
        Name = name ?? "";
        Rules = ReadOnly.Copy(rules);
        var problems = OwnProblems(name, Rules);
        if (problems.Count > 0)
        {
            throw new SettlementValidationException(problems);
        }
    }

    /// <summary>
    /// Creates a plan and checks it against a model in one pass: the problems of every rule on its
    /// own and every unknown payer or intervention name, all in one exception.
    /// </summary>
    /// <param name="name">The plan's name.</param>
    /// <param name="rules">The rules, applied in order.</param>
    /// <param name="payers">The model's payers.</param>
    /// <param name="interventions">The intervention names known, or null to skip that check.</param>
    /// <exception cref="SettlementValidationException">Any problem (all listed).</exception>
    public static SettlementPlan ForPayers(string name, IEnumerable<SettlementRule> rules, IEnumerable<Payer> payers, IEnumerable<string>? interventions = null)
    {
        ArgumentNullException.ThrowIfNull(rules);
        ArgumentNullException.ThrowIfNull(payers);
        var list = rules.ToArray();
        var problems = OwnProblems(name, list);
        var plan = new SettlementPlan(name ?? "", list, trusted: true);
        problems.AddRange(plan.Validate(payers, interventions));
        if (problems.Count > 0)
        {
            throw new SettlementValidationException(problems);
        }

        return plan;
    }

    private SettlementPlan(string name, IReadOnlyList<SettlementRule> rules, bool trusted)
    {
        _ = trusted;
        Name = name;
        Rules = ReadOnly.Copy(rules);
    }

    private static List<SettlementProblem> OwnProblems(string? name, IReadOnlyList<SettlementRule> Rules)
    {
        var problems = new List<SettlementProblem>();
        if (string.IsNullOrWhiteSpace(name))
        {
            problems.Add(new SettlementProblem("plan", "name", "The plan needs a non-empty name."));
        }

        if (Rules.Count == 0)
        {
            problems.Add(new SettlementProblem("plan", "rules", "The plan needs at least one rule."));
        }

        for (var i = 0; i < Rules.Count; i++)
        {
            if (Rules[i] is null)
            {
                problems.Add(new SettlementProblem("plan", "rules", $"Rule {i + 1} is missing (null)."));
                continue;
            }

            problems.AddRange(Rules[i].OwnProblems());
        }

        foreach (var dup in Rules.Where(r => r is not null).GroupBy(r => r.Name, StringComparer.Ordinal).Where(g => g.Count() > 1))
        {
            problems.Add(new SettlementProblem(dup.Key, "name", $"{dup.Count()} rules are named '{dup.Key}'; rule names must be unique."));
        }

        return problems;
    }

    /// <summary>The plan's name.</summary>
    public string Name { get; }

    /// <summary>The rules in the order they are applied.</summary>
    public IReadOnlyList<SettlementRule> Rules { get; }

    /// <summary>
    /// The plan as a self-contained JSON document (its name and every rule with its settings, numbers
    /// round-trip exact, payer shares in their order), for sending it to where a computation runs, such as a
    /// cluster's silos; <see cref="FromDocument"/> reads it back into a plan that settles identically.
    /// </summary>
    /// <returns>The UTF-8 JSON bytes.</returns>
    /// <exception cref="NotSupportedException">A rule is not one of the library's rule kinds.</exception>
    public byte[] ToDocument() => SettlementPlanDocument.Write(this);

    /// <summary>Reads a plan written by <see cref="ToDocument"/>.</summary>
    /// <param name="document">The document's bytes.</param>
    /// <returns>The plan (checked as the constructor checks it; checked against a model's payers where it is used).</returns>
    /// <exception cref="FormatException">The bytes are not such a document.</exception>
    public static SettlementPlan FromDocument(byte[] document) => SettlementPlanDocument.Read(document);

    /// <summary>Whether any rule needs participant counts (<see cref="PerParticipantPriceRule"/>).</summary>
    public bool NeedsParticipants => Rules.Any(r => r is PerParticipantPriceRule);

    /// <summary>
    /// Checks the names the rules use against a model: every payer must be one of <paramref name="payers"/>
    /// and, when <paramref name="interventions"/> is given, every intervention one of them.
    /// </summary>
    /// <param name="payers">The model's payers.</param>
    /// <param name="interventions">The intervention names known, or null to skip that check.</param>
    /// <returns>Every problem found (empty when the plan fits the model).</returns>
    public IReadOnlyList<SettlementProblem> Validate(IEnumerable<Payer> payers, IEnumerable<string>? interventions = null)
    {
        ArgumentNullException.ThrowIfNull(payers);
        var known = payers.Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
        var knownInterventions = interventions?.ToHashSet(StringComparer.Ordinal);
        var problems = new List<SettlementProblem>();
        foreach (var rule in Rules.Where(r => r is not null))
        {
            foreach (var (field, payer) in rule.NamedPayers())
            {
                if (!string.IsNullOrEmpty(payer) && !known.Contains(payer))
                {
                    problems.Add(new SettlementProblem(rule.Name, field, $"Unknown payer '{payer}'; the model's payers are {string.Join(", ", known.Order(StringComparer.Ordinal).Select(n => $"'{n}'"))}."));
                }
            }

            if (rule is PerParticipantPriceRule price && knownInterventions is not null && !string.IsNullOrEmpty(price.Intervention) && !knownInterventions.Contains(price.Intervention))
            {
                problems.Add(new SettlementProblem(rule.Name, "intervention", $"Unknown intervention '{price.Intervention}'; known: {string.Join(", ", knownInterventions.Order(StringComparer.Ordinal).Select(n => $"'{n}'"))}."));
            }
        }

        return problems;
    }
}
