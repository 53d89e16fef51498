using SocialInvestment.Economics;
using SocialInvestment.Households;
using SocialInvestment.Model;

namespace SocialInvestment.Tests.Households;

/// <summary>The investor's-view settlement of a household strategy with the family as a party (exact cohort totals, so the numbers have no Monte Carlo error).</summary>
public class HouseholdSettlementTests
{
    private static (HouseholdDefinition Definition, IReadOnlyList<HouseholdCohortResult> Results) Run()
    {
        var model = FamilyModels.Build(cycles: 10);
        var d = FamilyModels.Family(model)
            .AddStrategy(HouseholdStrategy.BusinessAsUsual)
            .AddStrategy(new HouseholdStrategy("family team", [FamilyModels.FamilyTeamIntervention()]))
            .WithSize(100)
            .Build();
        return (d, HouseholdCohort.Run(d));
    }

    [Test]
    public void The_family_is_a_party_with_what_it_puts_in_and_gets_out_and_money_only_moves()
    {
        var (d, r) = Run();
        var plan = new SettlementPlan("share by investment", [new ShareGainsRule("share the gain by what each puts in", GainShareBasis.Investment)]);
        var with = HouseholdSettlement.Settle(d, r[1].Totals, r[0].Totals, plan);
        var without = HouseholdSettlement.Settle(d, r[1].Totals, r[0].Totals, plan, familyAsParty: false);
        var appraisal = Appraisal.Compare(r[1].Totals, r[0].Totals, Perspective.PublicSector);
        var family = with.Ledger.Payer(d.FamilyPayer.Name);
        var familyBalance = appraisal.Payers.Single(p => p.Payer == d.FamilyPayer);
        Assert.Multiple(() =>
        {
            // What the family puts in: the PV of its time (120 h × 350 NOK per active household-cycle), the appraisal's Invested.
            Assert.That(family.Invested, Is.EqualTo(familyBalance.Invested).Within(1e-9).Percent);
            Assert.That(family.Invested, Is.GreaterThan(0));
            Assert.That(family.Savings, Is.EqualTo(familyBalance.Savings).Within(1e-9).Percent, "what it gets out");
            Assert.That(with.Position(d.FamilyPayer.Name).NetGainBefore, Is.EqualTo(family.Savings - family.Invested).Within(1e-6));

            // The family takes part (it receives or pays), and settlements only move money.
            Assert.That(Math.Abs(with.Position(d.FamilyPayer.Name).Received), Is.GreaterThan(1.0), "the family takes part");
            Assert.That(with.Transfers.Any(t => t.From == d.FamilyPayer || t.To == d.FamilyPayer));
            Assert.That(without.Position(d.FamilyPayer.Name).Received, Is.EqualTo(0), "without: only the public payers");
            Assert.That(with.TotalNetGainAfter, Is.EqualTo(with.TotalNetGainBefore).Within(1e-6 * Math.Abs(with.TotalNetGainBefore) + 1e-6));
            Assert.That(without.TotalNetGainAfter, Is.EqualTo(without.TotalNetGainBefore).Within(1e-6 * Math.Abs(without.TotalNetGainBefore) + 1e-6));

            // Share-gains by investment: each party ends with its share of what the parties put in × their total gain.
            var parties = with.Positions.Where(p => p.Payer.IsPublic || p.Payer == d.FamilyPayer).ToArray();
            var invested = parties.Sum(p => with.Ledger.Payer(p.Payer.Name).Invested);
            var gain = parties.Sum(p => p.NetGainBefore);
            Assert.That(with.Position(d.FamilyPayer.Name).NetGainAfter, Is.EqualTo(family.Invested / invested * gain).Within(1e-6 * Math.Abs(gain)));
            Assert.That(with.Position("municipality").NetGainAfter, Is.EqualTo(with.Ledger.Payer("municipality").Invested / invested * gain).Within(1e-6 * Math.Abs(gain)));
        });
    }

    [Test]
    public void Rules_with_payer_lists_are_kept_and_unknown_payers_and_prices_refused()
    {
        var (d, r) = Run();
        var plan = new SettlementPlan("named", [new ShareGainsRule("share", GainShareBasis.Savings, ["municipality", "state"]), new ShapleyRule("shapley")]);
        var with = HouseholdSettlement.WithFamily(plan, d.FamilyPayer, r[0].Totals.Model.Payers);
        Assert.That(((ShareGainsRule)with.Rules[0]).Payers, Is.EqualTo(new[] { "municipality", "state" }));
        Assert.That(((ShapleyRule)with.Rules[1]).Payers, Is.EqualTo(new[] { "municipality", "state", "individual" }));

        var bad = new SettlementPlan("bad", [new ReimburseInvestorsRule("r", ["municipality", "nav"]), new PerParticipantPriceRule("price", "state", "municipality", "family team", 1000)]);
        var e = Assert.Throws<SettlementValidationException>(() => HouseholdSettlement.Settle(d, r[1].Totals, r[0].Totals, bad));
        Assert.That(e!.Problems.Select(p => p.ToString()), Has.Some.Contains("Unknown payer 'nav'").And.Some.Contains("a household settlement has no participant counts"));
    }
}
