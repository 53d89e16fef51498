using SocialInvestment.Economics;
using SocialInvestment.Engine;
using SocialInvestment.Households;
using SocialInvestment.Model;

namespace SocialInvestment.Tests.Households;

/// <summary>
/// The household microsimulation: households of one are the individual model, switched-off links
/// are independence, household flows are counted once, results do not depend on threads or shards,
/// bad definitions are refused. Statistical comparisons use 3 Monte Carlo standard errors
/// (two-sided failure probability 0.27 % per comparison under the normal approximation; the seeds
/// are fixed, so each test is deterministic).
/// </summary>
public class HouseholdEngineTests
{
    private const double Z = 3.0;

    [TestCase(false)]
    [TestCase(true)]
    public void Households_of_one_give_exactly_the_individual_microsimulation(bool lifeTable)
    {
        var model = FamilyModels.Build(weights: lifeTable ? CycleWeights.LifeTable : null);
        var definition = HouseholdDefinition.Create(model)
            .AddRole("person")
            .AddTemplate("single", 1, HouseholdMember.FromPopulation("person"))
            .AddStrategy(new HouseholdStrategy("none", []) { MemberStrategy = model.Strategy("none") })
            .AddStrategy(new HouseholdStrategy("support", []) { MemberStrategy = model.Strategy("support") })
            .Build();
        const int n = 10_000; // not a multiple of the block size: the last block is partial
        var individual = MicrosimEngine.RunAll(model, new MicrosimOptions { People = n, Seed = 42 });
        var households = HouseholdEngine.RunAll(definition, new HouseholdOptions { Households = n, Seed = 42 });
        Assert.Multiple(() =>
        {
            foreach (var p in households.Run.Perspectives)
            {
                for (var k = 0; k < 2; k++)
                {
                    Assert.That(households.Results[k].CostPerHousehold(p), Is.EqualTo(individual.Results[k].CostPerPerson(p)), $"{p.Name}, strategy {k}");
                    Assert.That(households.Results[k].Totals.TotalCost(p), Is.EqualTo(individual.Results[k].TotalCost(p) / model.Population.Size * definition.Size).Within(1e-9).Percent, $"{p.Name} totals, strategy {k}");
                }

                Assert.That(households.IncrementalCost(1, p), Is.EqualTo(individual.IncrementalCost(1, p)), $"{p.Name} incremental");
            }

            Assert.That(households.Results[1].OutcomePerHousehold(Outcome.Qaly), Is.EqualTo(individual.Results[1].OutcomePerPerson(Outcome.Qaly)));
            Assert.That(households.IncrementalOutcome(1, Outcome.Qaly), Is.EqualTo(individual.IncrementalOutcome(1, Outcome.Qaly)));
            for (var t = 0; t <= model.Options.Cycles; t++)
            {
                Assert.That(households.Results[0].MembersInState(t, "person", "work"), Is.EqualTo(individual.Results[0].Occupancy(t, "work")).Within(1e-12), $"work at {t}");
            }

            Assert.That(households.Results[0].ShareEverIn("person", "dead"), Is.EqualTo(individual.Results[0].ShareEverIn("dead")));
        });
    }

    [Test]
    public void A_link_switched_off_is_independence()
    {
        var model = FamilyModels.Build();
        var off = FamilyModels.Family(model, childLink: 1, adultLink: 1).Build();
        var none = HouseholdDefinition.Create(model).AddRole("adult").AddRole("child", AgeOut.LeavesAt(18)).AddTemplate(off.Templates[0]).Build();
        var options = new HouseholdOptions { Households = 6_000, Seed = 5 };
        var a = HouseholdEngine.RunAll(off, options).Results[0];
        var b = HouseholdEngine.RunAll(none, options).Results[0];
        var on = HouseholdEngine.RunAll(FamilyModels.Family(model).Build(), options).Results[0];
        var society = Perspective.Society();

        // Independence: the household's expected cost is the sum of its members' expected costs (exact cohort runs;
        // the child, who leaves at 18 = trace point 10, over a horizon of 10 cycles: its values at 0..9 and its transitions out of them).
        var expected = 0.0;
        foreach (var member in off.Templates[0].Members)
        {
            var m = model.WithPopulation(new Population(member.Starts.Select(s => new PopulationGroup(s.Age, s.State, s.Weight))));
            if (member.Role == "child")
            {
                m = m.WithOptions(model.Options with { Cycles = 10 });
            }

            expected += CohortEngine.Run(m, model.Strategy("none")).TotalCost(society);
        }

        Assert.Multiple(() =>
        {
            Assert.That(a.CostPerHousehold(society), Is.EqualTo(b.CostPerHousehold(society)), "HR = 1 is no link, bit for bit");
            Assert.That(a.ShareEverIn("child", "placed"), Is.EqualTo(b.ShareEverIn("child", "placed")));
            var est = a.CostPerHousehold(society);
            Assert.That(est.Mean, Is.EqualTo(expected).Within(Z * est.StandardError), "independence: the sum of the members' cohort costs");
            Assert.That(on.ShareEverIn("child", "placed").Mean, Is.GreaterThan(a.ShareEverIn("child", "placed").Mean + (Z * a.ShareEverIn("child", "placed").StandardError)), "the link raises placements");
        });
    }

    [Test]
    public void Household_flows_are_counted_once_per_household()
    {
        var model = FamilyModels.Build(death: 0);
        var definition = FamilyModels.Family(model)
            .AddFlow(new HouseholdFlow("family allowance", FamilyModels.HousingBenefit, 24_000))
            .AddFlow(new HouseholdFlow("housing benefit", FamilyModels.HousingBenefit with { Sector = Sector.SocialServices }, 30_000, HouseholdCondition.None("adult", "work")))
            .WithSize(1_000)
            .Build();
        var result = HouseholdEngine.RunAll(definition, new HouseholdOptions { Households = 3_000, Seed = 9 }).Results[0];
        var totals = result.Totals;
        var T = model.Options.Cycles;
        var account = result.Totals.Accounts.ToList().IndexOf(FamilyModels.HousingBenefit);
        var expected = 0.0;
        var expectedPv = 0.0;
        for (var t = 0; t <= T; t++)
        {
            var w = t == T ? 0 : 1; // beginning-of-cycle counting: trace points 0..T−1
            expected += 1_000 * w * 24_000;
            expectedPv += 1_000 * w * 24_000 * totals.CostDiscountFactor(t);
        }

        var municipality = Perspective.ForPayer(Payer.Municipality);
        var conditional = Enumerable.Range(0, T + 1).Sum(t => result.ShareWithFlow("housing benefit", t) * (t == T ? 0 : 1) * 30_000 * totals.CostDiscountFactor(t));
        Assert.Multiple(() =>
        {
            Assert.That(account, Is.GreaterThanOrEqualTo(0), "the household account is added to the model's accounts");
            Assert.That(totals.TotalFlow(account, FlowOrigin.Base, discounted: false), Is.EqualTo(expected).Within(1e-9).Percent, "once per household, not per member (3 members)");
            Assert.That(totals.TotalFlow(account, FlowOrigin.Base, discounted: true), Is.EqualTo(expectedPv).Within(1e-9).Percent);
            Assert.That(result.ShareWithFlow("family allowance", 0), Is.EqualTo(1.0));
            var placements = result.CostPerHousehold(municipality).Mean - (expectedPv / 1_000) - conditional;
            var noFlows = HouseholdEngine.RunAll(FamilyModels.Family(model).Build(), new HouseholdOptions { Households = 3_000, Seed = 9 }).Results[0];
            Assert.That(placements, Is.EqualTo(noFlows.CostPerHousehold(municipality).Mean).Within(1e-6).Percent, "the flows add exactly their amounts to the household's cost");
        });
    }

    [Test]
    public void Results_do_not_depend_on_threads_or_shards()
    {
        var model = FamilyModels.Build();
        var definition = FamilyModels.Family(model)
            .AddFlow(new HouseholdFlow("housing benefit", FamilyModels.HousingBenefit, 30_000, HouseholdCondition.None("adult", "work")))
            .AddStrategy(HouseholdStrategy.BusinessAsUsual)
            .AddStrategy(new HouseholdStrategy("family team", [FamilyModels.FamilyTeamIntervention()]))
            .Build();
        var options = new HouseholdOptions { Households = 5_000, BlockSize = 512, Seed = 77 };
        var one = HouseholdEngine.RunAll(definition, options with { Threads = 1 });
        var two = HouseholdEngine.RunAll(definition, options with { Threads = 2 });
        var run = HouseholdEngine.Prepare(definition, options with { Threads = 2 });
        var a = HouseholdEngine.RunRange(run, 0, 1_024);
        var b = HouseholdEngine.RunRange(run, 1_024, 2_560);
        var c = HouseholdEngine.RunRange(run, 3_584, 1_416);
        var merged1 = HouseholdEngine.Complete(a.Merge(b).Merge(c));
        var merged2 = HouseholdEngine.Complete(c.Merge(a.Merge(b)));
        Assert.Multiple(() =>
        {
            foreach (var other in new[] { two, merged1, merged2 })
            {
                for (var k = 0; k < 2; k++)
                {
                    foreach (var p in one.Run.Perspectives)
                    {
                        Assert.That(other.Results[k].CostPerHousehold(p), Is.EqualTo(one.Results[k].CostPerHousehold(p)));
                        Assert.That(other.Results[k].Totals.TotalCost(p), Is.EqualTo(one.Results[k].Totals.TotalCost(p)));
                    }

                    Assert.That(other.Results[k].ShareEverIn("child", "placed"), Is.EqualTo(one.Results[k].ShareEverIn("child", "placed")));
                    Assert.That(other.Results[k].MembersInState(10, "adult", "work"), Is.EqualTo(one.Results[k].MembersInState(10, "adult", "work")));
                }

                Assert.That(other.IncrementalCost(1, Perspective.Society()), Is.EqualTo(one.IncrementalCost(1, Perspective.Society())));
            }

            Assert.That(() => a.Merge(a), Throws.ArgumentException.With.Message.Contains("overlap"));
            Assert.That(() => HouseholdEngine.RunRange(run, 100, 10), Throws.ArgumentException.With.Message.Contains("multiple of the block size"));
        });
    }

    [Test]
    public void Strategies_share_random_numbers_and_the_family_is_a_co_investor()
    {
        var model = FamilyModels.Build();
        var definition = FamilyModels.Family(model)
            .AddStrategy(HouseholdStrategy.BusinessAsUsual)
            .AddStrategy(new HouseholdStrategy("family team", [FamilyModels.FamilyTeamIntervention()]))
            .Build();
        var run = HouseholdEngine.RunAll(definition, new HouseholdOptions { Households = 8_000, Seed = 3 });
        var bau = run.Results[0];
        var team = run.Results[1];
        var family = definition.FamilyPerspective;
        var appraisal = Appraisal.Compare(team.Totals, bau.Totals, Perspective.Society());
        var familyBalance = appraisal.Payers.Single(p => p.Payer == definition.FamilyPayer);

        // The family's time: 120 h × 350 NOK per active household-cycle, booked as the family's investment.
        var expectedTime = Enumerable.Range(0, 3).Sum(t => team.ShareTakingUp("family team") * (1 - team.ShareDissolved(t)) * 120 * 350 * team.Totals.CostDiscountFactor(t));
        Assert.Multiple(() =>
        {
            // Eligible: a child placed (0.1) or neither adult in work (0.3 × 0.5) at cycle 0: 1 − 0.9 × 0.85; binomial SE √(p(1 − p)/n).
            var eligible = 1 - (0.9 * 0.85);
            Assert.That(team.ShareEligible("family team"), Is.EqualTo(eligible).Within(Z * Math.Sqrt(eligible * (1 - eligible) / 8_000)));
            Assert.That(team.ShareTakingUp("family team") / team.ShareEligible("family team"), Is.EqualTo(0.6).Within(0.03), "uptake 0.6 of the eligible (binomial SE about 0.007)");
            Assert.That(familyBalance.Invested, Is.EqualTo(expectedTime).Within(0.5).Percent, "the family invests its time (dissolution within 3 cycles is rare)");
            Assert.That(appraisal.Payers.Select(p => p.Payer.Name), Is.SupersetOf(new[] { "municipality", "state", "individual" }));
            Assert.That(run.IncrementalCost(1, family).StandardError, Is.LessThan(bau.CostPerHousehold(family).StandardError), "common random numbers");
            Assert.That(team.ShareEverIn("child", "placed").Mean, Is.LessThan(bau.ShareEverIn("child", "placed").Mean), "the team prevents placements");
            Assert.That(team.NetPositionPerHousehold(family).Mean, Is.EqualTo(-team.CostPerHousehold(family).Mean));
        });
    }

    [Test]
    public void Children_age_out_by_leaving_or_staying_as_adults()
    {
        var model = FamilyModels.Build(death: 0);
        HouseholdDefinition Make(AgeOut rule) => HouseholdDefinition.Create(model).AddRole("adult").AddRole("child", rule)
            .AddTemplate("t", 1, HouseholdMember.At("adult", 40, "work"), HouseholdMember.At("child", 15, "home")).Build();
        var leaves = HouseholdEngine.RunAll(Make(AgeOut.LeavesAt(18)), new HouseholdOptions { Households = 500, Seed = 1 }).Results[0];
        var stays = HouseholdEngine.RunAll(Make(AgeOut.StaysAs(18, "adult")), new HouseholdOptions { Households = 500, Seed = 1 }).Results[0];
        Assert.Multiple(() =>
        {
            Assert.That(leaves.MembersPresent(2, "child"), Is.EqualTo(1.0), "age 17");
            Assert.That(leaves.MembersPresent(3, "child"), Is.EqualTo(0.0), "age 18: left");
            Assert.That(leaves.MembersPresent(3), Is.EqualTo(1.0));
            Assert.That(stays.MembersPresent(3, "child"), Is.EqualTo(0.0));
            Assert.That(stays.MembersPresent(3, "adult"), Is.EqualTo(2.0), "age 18: stays as an adult");
        });
    }

    [Test]
    public void Households_from_a_register_are_each_simulated_once()
    {
        var model = FamilyModels.Build();
        var rows = new List<RegisterMember>();
        for (var h = 0; h < 300; h++)
        {
            rows.Add(new RegisterMember($"h{h}", "adult", 30 + (h % 10), h % 3 == 0 ? "nowork" : "work"));
            if (h % 2 == 0)
            {
                rows.Add(new RegisterMember($"h{h}", "child", 5, "home"));
            }
        }

        var definition = HouseholdDefinition.Create(model).AddRole("adult").AddRole("child").FromRegister(rows).Build();
        var result = HouseholdEngine.RunAll(definition, new HouseholdOptions { Households = 1, BlockSize = 64, Seed = 2 }).Results[0];
        Assert.Multiple(() =>
        {
            Assert.That(result.Households, Is.EqualTo(300));
            Assert.That(result.MembersPresent(0, "child"), Is.EqualTo(0.5));
            Assert.That(result.MembersInState(0, "adult", "nowork"), Is.EqualTo(100 / 300.0));
        });
    }

    [Test]
    public void Bad_household_definitions_are_refused_with_every_problem()
    {
        var model = FamilyModels.Build();
        var e = Assert.Throws<ModelValidationException>(() => HouseholdDefinition.Create(model)
            .AddRole("adult")
            .AddRole("adult")
            .AddRole("child", AgeOut.StaysAs(18, "grown-up"))
            .AddTemplate("t", 1, HouseholdMember.At("parent", 35, "work"), HouseholdMember.At("child", 5, "sleeping"))
            .AddTemplate("empty", 1)
            .Link("child", "home", "work", 2, HouseholdCondition.None("adult", "work"))
            .Link("adult", "dead", "work", 2, HouseholdCondition.Always)
            .Link("adult", "work", "nowork", double.NaN, HouseholdCondition.Any("teenager", "work"))
            .Link("adult", "work", "nowork", -1, HouseholdCondition.Any("adult", "retired"))
            .AddFlow(new HouseholdFlow("", FamilyModels.HousingBenefit, double.PositiveInfinity))
            .AddStrategy(new HouseholdStrategy("s", [new HouseholdIntervention("team", HouseholdCondition.Always, 1.5, -1) { FamilyValuePerHour = -3 }]))
            .Build())!;
        var messages = e.Problems.Select(p => p.Message).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(e.Problems.All(p => p.Target.Kind == ProblemKind.Household));
            Assert.That(messages, Has.Some.Contains("The role 'adult' is defined twice"));
            Assert.That(messages, Has.Some.Contains("unknown role 'grown-up'"));
            Assert.That(messages, Has.Some.Contains("the role 'parent' is not defined"));
            Assert.That(messages, Has.Some.Contains("'sleeping' is not a state of the model"));
            Assert.That(messages, Has.Some.Contains("The template 'empty' has no members"));
            Assert.That(messages, Has.Some.Contains("the model has no transition home → work"));
            Assert.That(messages, Has.Some.Contains("'dead' is absorbing"));
            Assert.That(messages, Has.Some.Contains("hazard ratio must be finite and ≥ 0 (got NaN)"));
            Assert.That(messages, Has.Some.Contains("hazard ratio must be finite and ≥ 0 (got -1)"));
            Assert.That(messages, Has.Some.Contains("unknown role 'teenager'"));
            Assert.That(messages, Has.Some.Contains("'retired', which is not a state of the model"));
            Assert.That(messages, Has.Some.Contains("Household flow 1 needs a non-empty name"));
            Assert.That(messages, Has.Some.Contains("amount per cycle must be finite"));
            Assert.That(messages, Has.Some.Contains("uptake must be in [0, 1] (got 1.5)"));
            Assert.That(messages, Has.Some.Contains("duration must be ≥ 0 cycles"));
            Assert.That(messages, Has.Some.Contains("value of the family's hour must be finite and ≥ 0"));
            Assert.That(e.Problems.Single(p => p.Message.Contains("'dead' is absorbing")).Target.Keys, Is.EqualTo(new[] { "link", "2" }));
        });

        Assert.That(() => HouseholdDefinition.Create(model).AddRole("a").AddTemplate("t", 1, HouseholdMember.At("a", 30, "work")).FromRegister([]).Build(),
            Throws.TypeOf<ModelValidationException>().With.Message.Contains("either as templates or from a register"));
        Assert.That(() => HouseholdEngine.RunAll(FamilyModels.Family(model).Build(), new HouseholdOptions { Households = 0 }),
            Throws.ArgumentException.With.Message.Contains("at least 1"));
        var adHoc = new HouseholdStrategy("ad hoc", [new HouseholdIntervention("x", HouseholdCondition.Any("grandparent", "work"), 0.5, 2)]);
        Assert.That(() => HouseholdEngine.Prepare(FamilyModels.Family(model).Build(), new HouseholdOptions(), [HouseholdStrategy.BusinessAsUsual, adHoc]),
            Throws.TypeOf<ModelValidationException>().With.Message.Contains("unknown role 'grandparent'"), "a strategy from outside the definition is validated too");
        Assert.That(() => HouseholdEngine.Prepare(FamilyModels.Family(model).Build(), new HouseholdOptions(), [HouseholdStrategy.BusinessAsUsual, HouseholdStrategy.BusinessAsUsual]),
            Throws.ArgumentException.With.Message.Contains("listed twice"));
    }

    /// <summary>
    /// The cycle loop does not allocate and memory does not grow with the households: 36,864 more
    /// households (9 more blocks of 4,096) allocate less than 256 KB more — the exact block sums,
    /// about 13 KB per block. One object per household would be at least 24 B × 36,864 ≈ 880 KB.
    /// </summary>
    [Test]
    [NonParallelizable]
    public void Memory_does_not_grow_with_the_number_of_households()
    {
        var model = FamilyModels.Build();
        var definition = FamilyModels.Family(model)
            .AddStrategy(HouseholdStrategy.BusinessAsUsual)
            .AddStrategy(new HouseholdStrategy("family team", [FamilyModels.FamilyTeamIntervention()]))
            .Build();
        var run = HouseholdEngine.Prepare(definition, new HouseholdOptions { Threads = 1 });
        HouseholdEngine.RunRange(run, 0, 4_096);
        // The process-wide count also sees what other threads allocate meanwhile (the runtime's, a previous
        // test's); that only adds, so the least of three runs is the run's own allocation.
        long Allocated(long households)
        {
            var least = long.MaxValue;
            for (var i = 0; i < 3; i++)
            {
                var before = GC.GetTotalAllocatedBytes(precise: true);
                HouseholdEngine.RunRange(run, 0, households);
                least = Math.Min(least, GC.GetTotalAllocatedBytes(precise: true) - before);
            }

            return least;
        }

        var small = Allocated(4_096);
        var large = Allocated(40_960);
        Assert.That(large - small, Is.LessThan(256 * 1024), $"bytes for 4,096 households: {small}; for 40,960: {large}");
    }

    [Test]
    public void The_definitions_and_results_lists_cannot_be_changed_through_a_cast()
    {
        var model = FamilyModels.Build();
        var roles = new List<HouseholdRole> { new("adult"), new("child") };
        var members = new List<HouseholdMember> { HouseholdMember.At("adult", 30, "work") };
        var b = HouseholdDefinition.Create(model);
        foreach (var r in roles)
        {
            b.AddRole(r);
        }

        var definition = b.AddTemplate(new HouseholdTemplate("t", 1, members))
            .AddStrategy(new HouseholdStrategy("team", [FamilyModels.FamilyTeamIntervention()]))
            .Build();
        members.Add(HouseholdMember.At("child", 5, "home"));
        var run = HouseholdEngine.RunAll(definition, new HouseholdOptions { Households = 100 });
        Assert.Multiple(() =>
        {
            Assert.That(definition.Templates[0].Members, Has.Count.EqualTo(1), "the template copied the caller's list");
            Assert.Throws<NotSupportedException>(() => ((IList<HouseholdRole>)definition.Roles)[0] = new HouseholdRole("x"));
            Assert.Throws<NotSupportedException>(() => ((IList<HouseholdMember>)definition.Templates[0].Members).Clear());
            Assert.Throws<NotSupportedException>(() => ((IList<HouseholdEffect>)definition.Strategies[0].Interventions[0].Effects).Clear());
            Assert.Throws<NotSupportedException>(() => ((IList<string>)definition.DeathStates).Clear());
            Assert.Throws<NotSupportedException>(() => ((IList<HouseholdResult>)run.Results).Clear());
            Assert.Throws<NotSupportedException>(() => ((IList<Perspective>)run.Run.Perspectives).Clear());
        });
    }

    [Test]
    public void Cancellation_stops_the_run()
    {
        var model = FamilyModels.Build();
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        Assert.That(() => HouseholdEngine.RunAll(FamilyModels.Family(model).Build(), new HouseholdOptions { Households = 1000 }, cancellationToken: cts.Token), Throws.InstanceOf<OperationCanceledException>());
    }
}
