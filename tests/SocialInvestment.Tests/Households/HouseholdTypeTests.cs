using SocialInvestment.Households;

namespace SocialInvestment.Tests.Households;

/// <summary><see cref="HouseholdDefinition.ForType"/>: one household type on its own, as the results by type and the cluster's typed ranges run it.</summary>
public sealed class HouseholdTypeTests
{
    [Test]
    public void A_type_alone_keeps_the_rest_of_the_definition_and_stands_for_its_share()
    {
        var model = FamilyModels.Build();
        var single = new HouseholdMember("adult", [new MemberStart(30, "work", 1)]);
        var d = FamilyModels.Family(model).AddTemplate("one adult", 3, single).WithSize(2_000).Build();
        var couple = d.ForType("couple with child");
        var alone = d.ForType("one adult");

        Assert.That(couple.Templates.Select(t => (t.Name, t.Weight)), Is.EqualTo(new[] { ("couple with child", 1.0) }));
        Assert.That(alone.Templates.Select(t => (t.Name, t.Weight)), Is.EqualTo(new[] { ("one adult", 1.0) }));
        Assert.That(couple.Size, Is.EqualTo(2_000 * 0.25), "weight 1 of 1 + 3");
        Assert.That(alone.Size, Is.EqualTo(2_000 * 0.75));
        Assert.That(alone.Roles, Is.EqualTo(d.Roles));
        Assert.That(alone.Links, Is.EqualTo(d.Links));
        Assert.That(alone.Flows, Is.EqualTo(d.Flows));
        Assert.That(alone.Strategies, Is.EqualTo(d.Strategies));
        Assert.That(alone.FamilyPayer, Is.EqualTo(d.FamilyPayer));
        Assert.That(alone.DeathStates, Is.EqualTo(d.DeathStates));
    }

    [Test]
    public void An_unknown_or_empty_type_is_refused_naming_the_types()
    {
        var model = FamilyModels.Build();
        var d = FamilyModels.Family(model).AddTemplate("nobody here", 0, new HouseholdMember("adult", [new MemberStart(30, "work", 1)])).Build();
        var unknown = Assert.Throws<ArgumentException>(() => d.ForType("three adults"));
        Assert.That(unknown!.Message, Does.Contain("'three adults'").And.Contain("'couple with child'").And.Contain("'nobody here'"));
        var empty = Assert.Throws<ArgumentException>(() => d.ForType("nobody here"));
        Assert.That(empty!.Message, Does.Contain("weight 0"));
    }
}
