using SocialInvestment.Decisions;
using SocialInvestment.Economics;
using SocialInvestment.Engine;
using SocialInvestment.Model;

namespace SocialInvestment.Tests.Economics;

public class LiabilityMovementTests
{
    /// <summary>A closing snapshot: most opening persons a year older (some in another state), some gone, some new.</summary>
    private static ClientRegister Closing(ClientRegister opening)
    {
        var rng = new Random(99);
        var states = new[] { "neet", "assist", "work" };
        var persons = new List<RegisterPerson>();
        foreach (var p in opening.Persons)
        {
            var u = rng.NextDouble();
            if (u < 0.1)
            {
                continue; // exit
            }

            var state = u < 0.3 ? states[rng.Next(3)] : p.State;
            persons.Add(new RegisterPerson(p.PersonId, p.Age + 1, state, state == p.State ? p.TimeInState + 1 : 0, p.HouseholdId, p.Attributes));
        }

        persons.AddRange(LiabilityTests.Register(25, 5, prefix: "new").Persons);
        return new ClientRegister(persons, "closing");
    }

    [Test]
    public void Parts_AddUpExactlyToTheActualChange()
    {
        var opening = LiabilityTests.Register(120, 21);
        var closing = Closing(opening);
        var model = LiabilityTests.Model(out var invest);
        var changed = LiabilityTests.Model(out _, exitScale: 0.8);
        var m = LiabilityMovement.Analyse(model, opening, closing, changed, invest);

        var sum = m.Parts.Sum(p => p.Public);
        Assert.Multiple(() =>
        {
            // The parts telescope: each is a difference of two valuations and the next starts where it ended, so the identity is exact
            // in real arithmetic; the tolerance covers only double rounding of sums of ~10^8-sized terms (1e-9 relative).
            Assert.That(sum, Is.EqualTo(m.ActualChange).Within(1e-9 * Math.Abs(m.Opening)));
            for (var j = 0; j < m.Payers.Count; j++)
            {
                var payerSum = m.Parts.Sum(p => p.ByPayer[j].Value);
                var actual = m.ClosingByPayer[j].Value - m.OpeningByPayer[j].Value;
                Assert.That(payerSum, Is.EqualTo(actual).Within(1e-9 * Math.Max(1, Math.Abs(m.OpeningByPayer[j].Value))), m.Payers[j].Name);
            }

            Assert.That(m.Part(LiabilityMovement.YearOfCosts).Public + m.Part(LiabilityMovement.Unwinding).Public, Is.EqualTo(m.ExpectedChange).Within(1e-9 * Math.Abs(m.Opening)));
            Assert.That(m.Part(LiabilityMovement.YearOfCosts).Public, Is.LessThan(0), "a year of costs paid leaves the liability");
            Assert.That(m.Part(LiabilityMovement.Exits).Public, Is.LessThan(0));
            Assert.That(m.Part(LiabilityMovement.NewEntrants).Public, Is.GreaterThan(0));
            Assert.That(m.Part(LiabilityMovement.Exits).Persons + m.Part(LiabilityMovement.Experience).Persons, Is.EqualTo(opening.Count));
            Assert.That(m.Part(LiabilityMovement.NewEntrants).Persons, Is.EqualTo(25));
            Assert.That(m.Part(LiabilityMovement.AssumptionChanges).Public, Is.Not.Zero, "a slower exit to work changes the liability");
            Assert.That(m.Part(LiabilityMovement.Interventions).Public, Is.Not.Zero);
        });
    }

    [Test]
    public void Closing_EqualsTheLiabilityOfTheClosingRegister_AndOpeningThatOfTheOpening()
    {
        var opening = LiabilityTests.Register(60, 2);
        var closing = Closing(opening);
        var model = LiabilityTests.Model(out var invest);
        var m = LiabilityMovement.Analyse(model, opening, closing, closingStrategy: invest);
        var open = CaseloadLiability.Compute(model, opening);
        var close = CaseloadLiability.Compute(model, closing, new LiabilityOptions { Strategy = invest });
        Assert.Multiple(() =>
        {
            Assert.That(m.Opening, Is.EqualTo(open.Public).Within(1e-9 * open.Public));
            Assert.That(m.Closing, Is.EqualTo(close.Public).Within(1e-9 * close.Public));
            Assert.That(m.Part(LiabilityMovement.AssumptionChanges).Public, Is.Zero, "the same model: no assumption change");
        });
    }

    [Test]
    public void ExpectedClosing_IsTheRollForwardOfTheOpeningCohort()
    {
        // One person, no tunnel: the expected closing value is Σ_x P(neet → x) · v(age + 1, x), each valued as a fresh single-person run.
        var model = LiabilityTests.Model(out _);
        var opening = new ClientRegister([new RegisterPerson("x", 25, "neet")]);
        var closing = new ClientRegister([new RegisterPerson("x", 26, "neet")]);
        var m = LiabilityMovement.Analyse(model, opening, closing);
        double V(string state) => CaseloadLiability.Compute(model, new ClientRegister([new RegisterPerson("y", 26, state)]), new LiabilityOptions { MinimumCellCount = 1 }).Public;
        var expected = (0.3 * V("assist")) + (0.2 * V("work")) + (0.01 * V("dead")) + (0.49 * V("neet"));
        Assert.Multiple(() =>
        {
            Assert.That(m.ExpectedClosing, Is.EqualTo(expected).Within(1e-6 * expected));
            Assert.That(m.Part(LiabilityMovement.Experience).Public, Is.EqualTo(V("neet") - expected).Within(1e-6 * expected), "stayed in neet against the expected mix");
        });
    }
}
