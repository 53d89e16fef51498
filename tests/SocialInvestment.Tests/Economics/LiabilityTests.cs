using SocialInvestment.Decisions;
using SocialInvestment.Economics;
using SocialInvestment.Engine;
using SocialInvestment.Model;
using SocialInvestment.Uncertainty;

namespace SocialInvestment.Tests.Economics;

public class LiabilityTests
{
    private static readonly Account Service = new(Payer.Municipality, Sector.SocialServices, FlowKind.ResourceCost);
    private static readonly Account Benefit = new(Payer.State, Sector.Benefits, FlowKind.Transfer);
    private static readonly Account Received = new(Payer.Individual, Sector.Benefits, FlowKind.Transfer);
    private static readonly Account Earnings = new(Payer.Individual, Sector.Employment, FlowKind.Production);

    /// <summary>
    /// A small model whose values depend on age and on time in state: "assist" is a three-cycle tunnel
    /// (the exit to work falls with the time spent), "work" and "neet" have age-dependent flows, and
    /// an intervention with an upfront cost and a uptake below one (two treatment patterns).
    /// </summary>
    internal static LifeCourseModel Model(out Strategy invest, double exitScale = 1.0)
    {
        var b = new LifeCourseModelBuilder("liability test")
            .AddState("neet").AddState("assist", tunnelCycles: 3).AddState("work").AddState("dead", absorbing: true)
            .AddPayers(Payer.Municipality, Payer.State, Payer.Individual)
            .AddSectors(Sector.SocialServices, Sector.Benefits, Sector.Employment);
        var scale = b.AddParameter("exit_scale", exitScale);
        b.Probability("neet", "assist", 0.3).Probability("neet", "work", (in ModelContext c) => c.Age < 30 ? 0.2 : 0.1).Probability("neet", "dead", 0.01).Remainder("neet", "neet");
        b.Probability("assist", "work", (in ModelContext c) => c[scale] * (0.4 - (0.1 * c.TimeInState))).Probability("assist", "dead", 0.01).Remainder("assist", "assist");
        b.Probability("work", "neet", 0.05).Probability("work", "dead", (in ModelContext c) => c.Age > 60 ? 0.02 : 0.002).Remainder("work", "work");
        b.StateFlow("neet", Benefit, 200_000).StateFlow("neet", Received, -200_000).StateFlow("neet", Service, (in ModelContext c) => 30_000 + (500 * c.Age));
        b.StateFlow("assist", Service, (in ModelContext c) => c.TimeInState == 0 ? 120_000 : 60_000).StateFlow("assist", Benefit, 150_000);
        b.StateFlow("work", Earnings, -400_000);
        b.TransitionFlow("assist", "work", Service, 25_000);
        var team = Intervention.Create("team").EligibleIn("neet", "assist").WithUptake(0.6)
            .UpfrontCost(Service, 50_000)
            .AffectTransition("neet", "work", EffectMeasure.RelativeRisk, 1.5)
            .Build();
        invest = new Strategy("team", team);
        return b.AddStrategy(Strategy.BusinessAsUsual).AddStrategy(invest)
            .WithPopulation(Population.StartingIn(20, "neet"))
            .WithOptions(new SimulationOptions { Cycles = 30, StateWeights = CycleWeights.HalfCycle })
            .Build();
    }

    internal static ClientRegister Register(int n, int seed, string prefix = "p")
    {
        var states = new[] { "neet", "assist", "work" };
        var districts = new[] { "Nord", "Sør", "Vest" };
        var rng = new Random(seed);
        return new ClientRegister(Enumerable.Range(0, n).Select(i =>
        {
            var state = states[rng.Next(states.Length)];
            return new RegisterPerson(
                $"{prefix}{i}",
                18 + rng.Next(30) + (rng.Next(2) * 0.5),
                state,
                state == "assist" ? rng.Next(5) : 0,
                householdId: $"h{i / 2}",
                attributes: new Dictionary<string, string> { ["district"] = districts[rng.Next(districts.Length)] });
        }));
    }

    /// <summary>The single-person cohort run of one person, by payer: the oracle (the public engine, no grouping).</summary>
    private static double[] SinglePerson(LifeCourseModel model, Strategy strategy, RegisterPerson p)
    {
        var run = CohortEngine.Run(model.WithPopulation(Population.StartingIn(p.Age, p.State, 1)), strategy);
        var result = new double[model.Payers.Count + 1];
        for (var a = 0; a < model.Accounts.Count; a++)
        {
            var v = run.TotalFlow(a, null, discounted: true);
            result[model.Payers.ToList().IndexOf(model.Accounts[a].Payer)] += v;
            if (model.Accounts[a].Payer.IsPublic)
            {
                result[^1] += v;
            }
        }

        return result;
    }

    [TestCase(false)]
    [TestCase(true)]
    public void Liability_EqualsTheSumOfSinglePersonCohortRuns(bool underStrategy)
    {
        var model = Model(out var invest);
        var strategy = underStrategy ? invest : Strategy.BusinessAsUsual;

        // Time in state 0 for everyone, so that the public single-person run (which starts at the tunnel's entry) is the oracle.
        var register = new ClientRegister(Register(80, 7).Persons.Select(p => new RegisterPerson(p.PersonId, p.Age, p.State, 0, p.HouseholdId, p.Attributes)));
        var result = CaseloadLiability.Compute(model, register, new LiabilityOptions { Strategy = underStrategy ? invest : null });

        var oracle = new double[model.Payers.Count + 1];
        foreach (var p in register.Persons)
        {
            var v = SinglePerson(model, strategy, p);
            for (var j = 0; j < v.Length; j++)
            {
                oracle[j] += v[j];
            }
        }

        Assert.Multiple(() =>
        {
            Assert.That(result.ProfileCount, Is.LessThan(register.Count), "identical profiles are grouped");
            for (var j = 0; j < model.Payers.Count; j++)
            {
                // Tolerance: the same products summed in another order (per profile × head count instead of per person): rounding only.
                Assert.That(result.ByPayer[j].Value, Is.EqualTo(oracle[j]).Within(1e-9 * Math.Max(1, Math.Abs(oracle[j]))), model.Payers[j].Name);
            }

            Assert.That(result.Public, Is.EqualTo(oracle[^1]).Within(1e-9 * Math.Abs(oracle[^1])));
            Assert.That(result.Public, Is.GreaterThan(0), "public payers bear costs");
            Assert.That(result.ByAccount.Sum(a => a.Value), Is.EqualTo(result.ByPayer.Sum(p => p.Value)).Within(1e-6 * Math.Abs(result.Public)));
        });
    }

    [Test]
    public void TimeInState_StartsInTheTunnelCell_MatchingAHandComputedOneCycleModel()
    {
        // With a one-cycle horizon and all-points counting, a person's PV is the flows of cycle 0 plus the discounted flows at trace point 1.
        var model = Model(out _).WithOptions(new SimulationOptions { Cycles = 1, StateWeights = CycleWeights.AllPoints, CostDiscounting = DiscountSchedule.Constant(0.04) });
        var register = new ClientRegister([new RegisterPerson("a", 40, "assist", 2), new RegisterPerson("b", 40, "assist", 9), new RegisterPerson("c", 40, "assist", 0)]);
        var r = CaseloadLiability.Compute(model, register, new LiabilityOptions { PerPerson = true, MinimumCellCount = 1 });
        var df = 1 / 1.04;

        // Time in state 2 (the tunnel's last cell; 9 is capped to it): exit to work 0.4 − 0.2 = 0.2, death 0.01, stay 0.79 (in the last cell).
        var municipality2 = 60_000 + (df * ((0.79 * 60_000) + (0.2 * 25_000)));
        var state2 = 150_000 + (df * 0.79 * 150_000);

        // Time in state 0: exit 0.4, stay 0.59 moving to cell 1 (60 000).
        var municipality0 = 120_000 + (df * ((0.59 * 60_000) + (0.4 * 25_000)));
        var persons = r.Persons!;
        Assert.Multiple(() =>
        {
            Assert.That(persons[0].ByPayer.Single(p => p.Payer == Payer.Municipality).Value, Is.EqualTo(municipality2).Within(1e-6));
            Assert.That(persons[0].ByPayer.Single(p => p.Payer == Payer.State).Value, Is.EqualTo(state2).Within(1e-6));
            Assert.That(persons[1].Public, Is.EqualTo(persons[0].Public).Within(1e-9), "time in state beyond the tunnel is capped at its last cell");
            Assert.That(persons[2].ByPayer.Single(p => p.Payer == Payer.Municipality).Value, Is.EqualTo(municipality0).Within(1e-6));
            Assert.That(r.ProfileCount, Is.EqualTo(2));
        });
    }

    [Test]
    public void SmallCells_AreSuppressed_WithSecondarySuppression()
    {
        var model = Model(out _);
        var persons = new List<RegisterPerson>();
        void Add(int count, string district)
        {
            for (var i = 0; i < count; i++)
            {
                persons.Add(new RegisterPerson($"{district}{i}", 30, "neet", attributes: new Dictionary<string, string> { ["district"] = district }));
            }
        }

        Add(4, "Nord");   // below 5: suppressed
        Add(6, "Sør");    // the smallest of the rest: suppressed too, else Nord = total − Sør − Vest
        Add(9, "Vest");
        Add(5, "Øst");    // exactly 5: shown... but it is smaller than Sør, so it is the secondary cell
        var r = CaseloadLiability.Compute(model, new ClientRegister(persons));
        var d = r.Dimension("district").ToDictionary(c => c.Key);
        Assert.Multiple(() =>
        {
            Assert.That(d["Nord"].Suppressed, Is.True);
            Assert.That(d["Nord"].Count, Is.Null);
            Assert.That(d["Nord"].Public, Is.Null);
            Assert.That(d["Nord"].ByPayer, Is.Empty);
            Assert.That(d["Øst"].Suppressed, Is.True, "secondary suppression takes the smallest other cell");
            Assert.That(d["Sør"].Suppressed, Is.False);
            Assert.That(d["Sør"].Count, Is.EqualTo(6));
            Assert.That(d["Vest"].Public, Is.EqualTo(9 * r.Public / 24).Within(1e-6 * r.Public), "everyone has the same profile");
            Assert.That(r.Persons, Is.Null, "per-person values only when asked for");
        });

        var lower = CaseloadLiability.Compute(model, new ClientRegister(persons), new LiabilityOptions { MinimumCellCount = 4 });
        Assert.That(lower.Dimension("district").All(c => !c.Suppressed), Is.True, "a minimum of 4 shows every cell");
        var twoSmall = CaseloadLiability.Compute(model, new ClientRegister(persons), new LiabilityOptions { MinimumCellCount = 6 });
        var t = twoSmall.Dimension("district").ToDictionary(c => c.Key);
        Assert.That((t["Nord"].Suppressed, t["Øst"].Suppressed, t["Sør"].Suppressed, t["Vest"].Suppressed), Is.EqualTo((true, true, false, false)), "two primary cells need no secondary one");
    }

    [Test]
    public void Groups_AddUpToTheTotal_AndAgeBandsAreLabelled()
    {
        var model = Model(out _);
        var register = Register(300, 3);
        var r = CaseloadLiability.Compute(model, register, new LiabilityOptions { MinimumCellCount = 1 });
        Assert.Multiple(() =>
        {
            foreach (var dimension in new[] { CaseloadLiability.AgeBand, CaseloadLiability.StateDimension, "district" })
            {
                Assert.That(r.Dimension(dimension).Sum(c => c.Public!.Value), Is.EqualTo(r.Public).Within(1e-9 * r.Public), dimension);
                Assert.That(r.Dimension(dimension).Sum(c => c.Count!.Value), Is.EqualTo(300), dimension);
            }

            Assert.That(r.Dimension(CaseloadLiability.AgeBand).Select(c => c.Key), Is.EqualTo(new[] { "18-24", "25-29", "30-39", "40-49" }));
            Assert.That(CaseloadLiability.AgeBandOf([0, 18, 67], 70), Is.EqualTo("67+"));
        });
    }

    [Test]
    public void InvalidRegister_ListsEveryProblem()
    {
        var model = Model(out _);
        var register = new ClientRegister([new RegisterPerson("a", 30, "neet"), new RegisterPerson("a", -1, "nowhere"), new RegisterPerson("", 200, "work", -2)]);
        var e = Assert.Throws<ModelValidationException>(() => CaseloadLiability.Compute(model, register))!;
        var text = string.Join("\n", e.Problems);
        Assert.Multiple(() =>
        {
            Assert.That(e.Problems, Has.Count.EqualTo(6));
            Assert.That(text, Does.Contain("register row 2: Person id 'a' is a duplicate of row 1"));
            Assert.That(text, Does.Contain("register row 2: Age -1 is impossible"));
            Assert.That(text, Does.Contain("register row 2: State 'nowhere' is not a state"));
            Assert.That(text, Does.Contain("register row 3: The person id is empty"));
            Assert.That(text, Does.Contain("register row 3: Age 200 is impossible"));
            Assert.That(text, Does.Contain("register row 3: Time in state -2 is negative"));
        });
    }

    [Test]
    public void Draws_GiveAnIntervalAroundTheBaseCase_Deterministically()
    {
        var model = Model(out _);
        var psa = new PsaSpecification(model).With("exit_scale", new UniformDistribution(0.5, 1.5));
        var register = Register(50, 11);
        var options = new LiabilityOptions { Draws = 40, Seed = 5, Threads = 2 };
        var r = CaseloadLiability.Compute(model, register, options, psa);
        var again = CaseloadLiability.Compute(model, register, options with { Threads = 1 }, psa);
        Assert.Multiple(() =>
        {
            Assert.That(r.PublicInterval, Is.Not.Null);
            Assert.That(r.PublicInterval!.Lower, Is.LessThan(r.Public));
            Assert.That(r.PublicInterval.Upper, Is.GreaterThan(r.Public));
            Assert.That(again.PublicInterval, Is.EqualTo(r.PublicInterval), "the same on any thread count");
            Assert.That(r.Cells.Where(c => !c.Suppressed).All(c => c.PublicInterval is not null), Is.True);
        });
    }
}
