using SocialInvestment.Engine;
using SocialInvestment.Households;
using SocialInvestment.Model;

namespace SocialInvestment.Economics;

/// <summary>
/// The investor's-view settlement (<see cref="Settlement"/>) of a household strategy, with the
/// family as a party: who should compensate whom when the municipality funds a family team, the
/// state and county save, and the family puts in its own time and gets income back.
/// </summary>
/// <remarks>
/// The ledger is <see cref="SettlementLedger.From(AppraisalResult)"/> of the appraisal of the two
/// strategies' totals (<see cref="HouseholdResult.Totals"/> or <see cref="HouseholdCohortResult.Totals"/>,
/// for <see cref="HouseholdDefinition.Size"/> households): the family payer's row has, as
/// <see cref="SettlementLedgerPayer.Invested"/>, the present value of what it puts in (its time
/// given to household interventions, and any intervention cost booked to it) and, as
/// <see cref="SettlementLedgerPayer.Savings"/>, what it gets out (its members' earnings and benefits
/// received less taxes and co-payments, against the comparator). A rule without a payer list means
/// "every public payer" in <see cref="Settlement"/>; here, with <c>familyAsParty</c>, it means every
/// public payer <em>and the family</em> (<see cref="WithFamily"/>). Rules that name their payers are
/// kept as they are (name the family payer, by default <c>individual</c>, to include it).
/// </remarks>
public static class HouseholdSettlement
{
    /// <summary>
    /// Settles a household strategy against the comparator.
    /// </summary>
    /// <param name="definition">The household definition (its family payer).</param>
    /// <param name="strategy">The strategy's totals (a <see cref="HouseholdResult.Totals"/> or <see cref="HouseholdCohortResult.Totals"/>).</param>
    /// <param name="comparator">The comparator's totals, of the same run (the same model with the household accounts).</param>
    /// <param name="plan">The settlement plan.</param>
    /// <param name="familyAsParty">Whether rules without a payer list include the family beside every public payer (default true).</param>
    /// <exception cref="SettlementValidationException">The plan names payers the household model does not have, or needs participant counts (per-participant prices are per person of the individual model, not per household).</exception>
    public static SettlementResult Settle(HouseholdDefinition definition, SimulationResult strategy, SimulationResult comparator, SettlementPlan plan, bool familyAsParty = true)
    {
        ArgumentNullException.ThrowIfNull(definition);
        ArgumentNullException.ThrowIfNull(strategy);
        ArgumentNullException.ThrowIfNull(comparator);
        ArgumentNullException.ThrowIfNull(plan);
        var model = strategy.Model;
        var problems = plan.Validate(model.Payers).ToList();
        if (plan.NeedsParticipants)
        {
            problems.AddRange(plan.Rules.OfType<PerParticipantPriceRule>().Select(r => new SettlementProblem(r.Name, "kind", "A per-participant price counts participants of the individual model; a household settlement has no participant counts (use reimburse-investors, share-gains or shapley).")));
        }

        if (problems.Count > 0)
        {
            throw new SettlementValidationException(problems);
        }

        var appraisal = Appraisal.Compare(strategy, comparator, Perspective.PublicSector);
        return Settlement.Settle(appraisal, familyAsParty ? WithFamily(plan, definition.FamilyPayer, model.Payers) : plan);
    }

    /// <summary>
    /// The plan with the family added to every rule that has no payer list (which means every public
    /// payer): such a rule's payers become every public payer of <paramref name="payers"/>, then the
    /// family payer. Rules with a payer list, fixed shares or a price are unchanged.
    /// </summary>
    /// <param name="plan">The plan.</param>
    /// <param name="family">The family payer.</param>
    /// <param name="payers">The model's payers.</param>
    public static SettlementPlan WithFamily(SettlementPlan plan, Payer family, IEnumerable<Payer> payers)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(family);
        ArgumentNullException.ThrowIfNull(payers);
        string[] all = [.. payers.Where(p => p.IsPublic && p.Name != family.Name).Select(p => p.Name), family.Name];
        return new SettlementPlan(plan.Name, plan.Rules.Select(r => r switch
        {
            ReimburseInvestorsRule x when x.Payers is null => x with { Payers = all },
            ShareGainsRule x when x.Payers is null && x.Basis != GainShareBasis.Fixed => x with { Payers = all },
            ShapleyRule x when x.Payers is null => x with { Payers = all },
            _ => r,
        }));
    }
}
