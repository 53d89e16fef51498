using SocialInvestment.Households;
using SocialInvestment.Model;

namespace SocialInvestment.Tests.Households;

/// <summary>Household partials that travel: the byte form with its run key; partials of two separately prepared runs (as in two processes) merge to the single run bit for bit, and partials of another run are refused.</summary>
public class HouseholdPartialBytesTests
{
    private static readonly ContentHash Hash = ContentHash.Of("family model for the partial tests"u8);

    private static HouseholdDefinition Definition(ContentHash? hash = null) => FamilyModels.Family(FamilyModels.Build(cycles: 8, definitionHash: hash ?? Hash))
        .AddFlow(new HouseholdFlow("housing benefit", FamilyModels.HousingBenefit, 30_000, HouseholdCondition.None("adult", "work")))
        .AddStrategy(HouseholdStrategy.BusinessAsUsual)
        .AddStrategy(new HouseholdStrategy("family team", [FamilyModels.FamilyTeamIntervention()]))
        .Build();

    private static readonly HouseholdOptions Options = new() { Households = 3_000, Seed = 99, BlockSize = 512, Threads = 2 };

    [Test]
    public void Partials_of_two_separately_prepared_runs_merge_through_bytes_to_the_single_run_bit_for_bit()
    {
        var single = HouseholdEngine.RunAll(Definition(), Options);

        // "Process" A and "process" B: each builds the model and definition and prepares the run on its own.
        var a = HouseholdEngine.Prepare(Definition(), Options);
        var b = HouseholdEngine.Prepare(Definition(), Options with { Threads = 1 });
        Assert.That(a.RunKey, Is.Not.Null);
        Assert.That(b.RunKey, Is.EqualTo(a.RunKey), "the same definition and options (threads aside) give the same key");
        var fromB = HouseholdEngine.RunRange(b, 1_024, 1_976).ToBytes();
        var inA = HouseholdPartial.FromBytes(fromB, a);
        var merged = HouseholdEngine.RunRange(a, 0, 1_024).Merge(inA);
        var bytesAgain = HouseholdPartial.FromBytes(merged.ToBytes(), b);
        foreach (var result in new[] { HouseholdEngine.Complete(merged), HouseholdEngine.Complete(bytesAgain) })
        {
            Assert.Multiple(() =>
            {
                Assert.That(result.Households, Is.EqualTo(3_000));
                for (var k = 0; k < 2; k++)
                {
                    foreach (var p in single.Results[k].Perspectives)
                    {
                        Assert.That(result.Results[k].CostPerHousehold(p), Is.EqualTo(single.Results[k].CostPerHousehold(p)), p.Name);
                        Assert.That(result.Results[k].Totals.TotalCost(p), Is.EqualTo(single.Results[k].Totals.TotalCost(p)), p.Name);
                    }

                    Assert.That(result.Results[k].MembersInState(4, "child", "placed"), Is.EqualTo(single.Results[k].MembersInState(4, "child", "placed")));
                    Assert.That(result.Results[k].ShareEverIn("child", "placed"), Is.EqualTo(single.Results[k].ShareEverIn("child", "placed")));
                }

                Assert.That(result.IncrementalCost(1, Perspective.PublicSector), Is.EqualTo(single.IncrementalCost(1, Perspective.PublicSector)));
            });
        }
    }

    [Test]
    public void Partials_of_another_run_or_damaged_bytes_are_refused_and_a_run_without_a_key_cannot_travel()
    {
        var a = HouseholdEngine.Prepare(Definition(), Options);
        var otherSeed = HouseholdEngine.Prepare(Definition(), Options with { Seed = 100 });
        var otherModel = HouseholdEngine.Prepare(Definition(ContentHash.Of("another model"u8)), Options);
        var otherLink = HouseholdEngine.Prepare(FamilyModels.Family(FamilyModels.Build(cycles: 8, definitionHash: Hash), childLink: 2.4).AddStrategy(HouseholdStrategy.BusinessAsUsual).Build(), Options);
        var keys = new[] { a.RunKey, otherSeed.RunKey, otherModel.RunKey, otherLink.RunKey };
        Assert.That(keys, Has.None.Null);
        Assert.That(keys.Distinct().Count(), Is.EqualTo(4), "a seed, a model hash, a link ratio each change the key");

        var bytes = HouseholdEngine.RunRange(otherSeed, 0, 512).ToBytes();
        var e = Assert.Throws<FormatException>(() => HouseholdPartial.FromBytes(bytes, a));
        Assert.That(e!.Message, Does.Contain($"belongs to the run {otherSeed.RunKey}, not to this run ({a.RunKey})"));
        var m = Assert.Throws<ArgumentException>(() => HouseholdEngine.RunRange(a, 0, 512).Merge(HouseholdEngine.RunRange(otherSeed, 512, 512)));
        Assert.That(m!.Message, Does.Contain("different household runs (run keys"));

        var good = HouseholdEngine.RunRange(a, 0, 512).ToBytes();
        Assert.That(() => HouseholdPartial.FromBytes(good.AsSpan(0, good.Length - 3), a), Throws.TypeOf<FormatException>());
        Assert.That(() => HouseholdPartial.FromBytes([.. good, 0], a), Throws.TypeOf<FormatException>().With.Message.Contains("trailing bytes"));
        Assert.That(() => HouseholdPartial.FromBytes("not a partial at all"u8, a), Throws.TypeOf<FormatException>().With.Message.Contains("not a household partial"));
        Assert.That(() => HouseholdEngine.RunRange(a, 0, 512).Merge(HouseholdPartial.FromBytes(good, a)), Throws.ArgumentException.With.Message.Contains("overlap").Or.Message.Contains("twice"), "a range counted twice");

        var inCode = HouseholdEngine.Prepare(FamilyModels.Family(FamilyModels.Build(cycles: 8)).Build(), Options);
        Assert.That(inCode.RunKey, Is.Null);
        Assert.That(() => HouseholdEngine.RunRange(inCode, 0, 512).ToBytes(), Throws.InvalidOperationException.With.Message.Contains("no run key"));
    }
}
