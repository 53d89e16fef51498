using SocialInvestment.Engine;
using SocialInvestment.Model;
using SocialInvestment.Tests.TestSupport;
using SocialInvestment.Workloads;

namespace SocialInvestment.Tests.Engine;

/// <summary>
/// The lane kernel (<see cref="LanePlan"/>) against the reference kernels it replaces: every
/// accumulator of the partial result — occupancy and transition counts, sub-cohort sizes,
/// histograms, and the exact sums of the per-person scores, their squares and paired
/// differences — must be bit-identical, on models that exercise each feature (sub-cohorts from
/// partial uptake, several strategies, transition events, time in state with duration groups,
/// tunnel states, distributions on and off, block and sub-block remainders).
/// </summary>
public class MicrosimLaneKernelTests
{
    private static IEnumerable<TestCaseData> Cases()
    {
        var tutorial = DarthModels.BuildMicrosimTutorial().Model;
        yield return new TestCaseData(tutorial, IndividualEffects.None, true).SetArgDisplayNames("tutorial");
        var duration = IndividualEffects.None
            .WithDurationGroup("S1", "S2")
            .ScaleHazard("S1", "D", tau => 1 + (0.2 * (tau + 1)))
            .ScaleHazard("S2", "D", tau => 1 + (0.2 * (tau + 1)))
            .SetOutcomeValue("S1", Outcome.Qaly, tau => 0.95 - (0.03 * tau));
        yield return new TestCaseData(tutorial, duration, true).SetArgDisplayNames("tutorial, time in state");
        yield return new TestCaseData(tutorial, IndividualEffects.None.WithDurationCap(5).ScaleHazard("S1", "D", tau => 1 + (0.1 * tau)), false).SetArgDisplayNames("tutorial, capped time in state, no distributions");
        yield return new TestCaseData(DarthModels.Build(ageDependent: true).Model, IndividualEffects.None, true).SetArgDisplayNames("sick-sicker, events");
        yield return new TestCaseData(DarthModels.Build(ageDependent: true).Model, IndividualEffects.None, false).SetArgDisplayNames("sick-sicker, events, no distributions");
        yield return new TestCaseData(RandomModels.Builder(11, 9, 30, ageDependent: true, tunnel: true).Build(), IndividualEffects.None, true).SetArgDisplayNames("random, tunnel, events");
        yield return new TestCaseData(Welfare16.Build(UptakeMode.Subcohorts), IndividualEffects.None, false).SetArgDisplayNames("welfare-16");
        yield return new TestCaseData(Welfare16.Build(UptakeMode.Subcohorts), IndividualEffects.None, true).SetArgDisplayNames("welfare-16, distributions");
    }

    [TestCaseSource(nameof(Cases))]
    public void LaneKernel_BitIdenticalToReferenceKernels(LifeCourseModel model, IndividualEffects effects, bool track)
    {
        var strategies = model.Strategies.Count == 0 ? [Strategy.BusinessAsUsual] : model.Strategies;
        var compiled = strategies.Select(s => model.Compile(s)).ToArray();
        var options = new MicrosimOptions { Seed = 31, BlockSize = 2100, TrackDistributions = track, Effects = effects, Threads = 2 };
        Assert.That(LanePlan.TryCreate(new MicrosimPlan(compiled, options)), Is.Not.Null, "the lane kernel applies");

        // 5,555 people: two full blocks (two full sub-blocks of 1,024 and a remainder each) and a short one; a shard that starts later.
        var lanes = MicrosimEngine.RunRange(compiled, options, 0, 5_555, MicrosimKernel.Lanes);
        var reference = MicrosimEngine.RunRange(compiled, options, 0, 5_555, MicrosimKernel.Reference);
        AssertIdentical(lanes, reference);
        var shardLanes = MicrosimEngine.RunRange(compiled, options, 6_300, 1_001, MicrosimKernel.Lanes);
        var shardReference = MicrosimEngine.RunRange(compiled, options, 6_300, 1_001, MicrosimKernel.Reference);
        AssertIdentical(shardLanes, shardReference);
    }

    /// <summary>
    /// The plain lane kernel (<see cref="LaneArm.Plain"/>: per-person values in one vector of 1, 2,
    /// 4 or 8, codes scaled by eight, 16-bit next codes, tables shared between strategies whose
    /// sub-cohorts have identical rows and values) against the reference kernels, for each
    /// vector width: welfare-16 without distributions scored from 0, 1, 3 and 6 perspectives plus
    /// its one outcome (2, 4 and 7 scores use 2, 4 and 8 lanes, the extra lanes padding).
    /// </summary>
    [TestCase(0)]
    [TestCase(1)]
    [TestCase(3)]
    [TestCase(6)]
    public void PlainLaneKernel_BitIdenticalToReferenceKernels_ForEachValueWidth(int perspectives)
    {
        var model = Welfare16.Build(UptakeMode.Subcohorts);
        var compiled = model.Strategies.Select(s => model.Compile(s)).ToArray();
        var options = new MicrosimOptions { Seed = 5, BlockSize = 2100, TrackDistributions = false, Threads = 2, Perspectives = [.. Welfare16.Perspectives.Take(perspectives)] };
        var plan = LanePlan.TryCreate(new MicrosimPlan(compiled, options));
        Assert.That(plan, Is.Not.Null, "the lane kernel applies");
        if (System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated)
        {
            Assert.That(plan!.Arms.Select(a => a.Plain), Is.All.True, "the plain kernel runs every strategy");
            Assert.That(plan.Arms[0].Sp, Is.EqualTo(perspectives + 1 <= 2 ? perspectives + 1 : perspectives + 1 <= 4 ? 4 : 8), "values per person");

            // Shared tables: the non-takers of every strategy use one table, the takers of A (in A and C) one, of B (in B and C) one, of both (C) one.
            Assert.That(plan.Arms.Select(a => a.Rt), Is.All.EqualTo(4 * 16), "shared rows per cycle (4 tables × 16 states, not 16 + 32 + 32 + 64)");
            Assert.That(plan.Arms.Select(a => string.Join(",", a.TableOf)), Is.EqualTo(new[] { "0", "0,1", "0,2", "0,1,2,3" }), "the table of each strategy's sub-cohorts");
        }

        AssertIdentical(MicrosimEngine.RunRange(compiled, options, 0, 5_555, MicrosimKernel.Lanes), MicrosimEngine.RunRange(compiled, options, 0, 5_555, MicrosimKernel.Reference));
        AssertIdentical(MicrosimEngine.RunRange(compiled, options, 6_300, 1_001, MicrosimKernel.Lanes), MicrosimEngine.RunRange(compiled, options, 6_300, 1_001, MicrosimKernel.Reference));
    }

    /// <summary>
    /// Plain strategies that read the same tables are stepped together in groups of up to four
    /// (one uniform per person for the group, each strategy counting in its own lane of one counter
    /// array): groups of two and three, and four plus a strategy stepped alone, give the reference
    /// kernels' results bit for bit, with one perspective (two values per person) and with six
    /// (eight values, an arm stride wider than a strategy's vectors would need with four).
    /// </summary>
    [TestCase("2,3", 1)]
    [TestCase("1,2,3", 1)]
    [TestCase("0,1,2,3,3", 1)]
    [TestCase("3,0,2", 6)]
    public void PlainLaneKernel_GroupedStrategies_BitIdenticalToReferenceKernels(string strategies, int perspectives)
    {
        var model = Welfare16.Build(UptakeMode.Subcohorts);
        var compiled = strategies.Split(',').Select(i => model.Compile(model.Strategies[int.Parse(i, System.Globalization.CultureInfo.InvariantCulture)])).ToArray();
        var options = new MicrosimOptions { Seed = 9, BlockSize = 2100, TrackDistributions = false, Threads = 2, Perspectives = [.. Welfare16.Perspectives.Take(perspectives)] };
        AssertIdentical(MicrosimEngine.RunRange(compiled, options, 0, 3_333, MicrosimKernel.Lanes), MicrosimEngine.RunRange(compiled, options, 0, 3_333, MicrosimKernel.Reference));
    }

    /// <summary>
    /// Plain and non-plain strategies in one run: an intervention whose effects give NEET three more
    /// destinations at ages 12–21 (NEET → HE, UN, PT: nine thresholds below the last state) makes its
    /// strategy's rows wider than eight thresholds, so it runs the
    /// general lane kernel beside plain ones. With 3 and 5 scores (2 and 4 perspectives plus the
    /// outcome) the plain strategies pad their per-person values to 4 and 8 while the other does not:
    /// the per-person sums of the strategies must not overlap (a defect fixed in the fifth step), and
    /// every accumulator must equal the reference kernels'.
    /// </summary>
    [TestCase(2)]
    [TestCase(4)]
    public void LaneKernel_PlainAndGeneralStrategiesMixed_BitIdenticalToReferenceKernels(int perspectives)
    {
        var model = Welfare16.Build(UptakeMode.Subcohorts);
        var wider = new Strategy("NEET to higher education", Intervention.Create("bridge to study")
            .AffectTransition("NEET", "HE", EffectMeasure.AbsoluteChange, 0.05, EffectProfile.ConstantFor(10))
            .AffectTransition("NEET", "UN", EffectMeasure.AbsoluteChange, 0.03, EffectProfile.ConstantFor(10))
            .AffectTransition("NEET", "PT", EffectMeasure.AbsoluteChange, 0.02, EffectProfile.ConstantFor(10))
            .Build());
        var compiled = new[] { model.Compile(model.Strategies[0]), model.Compile(wider), model.Compile(model.Strategies[1]) };
        var options = new MicrosimOptions { Seed = 13, BlockSize = 2100, TrackDistributions = false, Threads = 2, Perspectives = [.. Welfare16.Perspectives.Take(perspectives)] };
        var plan = LanePlan.TryCreate(new MicrosimPlan(compiled, options));
        Assert.That(plan, Is.Not.Null, "the lane kernel applies");
        if (System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated)
        {
            Assert.That(plan!.Arms.Select(a => a.Plain), Is.EqualTo(new[] { true, false, true }), "the widened strategy runs the general lane kernel, the others the plain one");
        }

        AssertIdentical(MicrosimEngine.RunRange(compiled, options, 0, 5_555, MicrosimKernel.Lanes), MicrosimEngine.RunRange(compiled, options, 0, 5_555, MicrosimKernel.Reference));
        AssertIdentical(MicrosimEngine.RunRange(compiled, options, 6_300, 1_001, MicrosimKernel.Lanes), MicrosimEngine.RunRange(compiled, options, 6_300, 1_001, MicrosimKernel.Reference));
    }

    [Test]
    public void LaneKernel_NotTakenWithPersonAttributesOrRecords()
    {
        var model = DarthModels.BuildMicrosimTutorial().Model;
        var compiled = model.Strategies.Select(s => model.Compile(s)).ToArray();
        var weighted = IndividualEffects.None.WithAttribute("X", u => 0.95 + (0.1 * u)).SetOutcomeValue("S1", Outcome.Qaly, tau => 0.9, attribute: "X");
        Assert.Multiple(() =>
        {
            Assert.That(LanePlan.TryCreate(new MicrosimPlan(compiled, new MicrosimOptions { Effects = weighted })), Is.Null, "attribute-weighted values");
            Assert.That(LanePlan.TryCreate(new MicrosimPlan(compiled, new MicrosimOptions { KeepPersonRecords = true })), Is.Null, "person records");
            Assert.That(LanePlan.TryCreate(new MicrosimPlan(compiled, new MicrosimOptions())), Is.Not.Null, "plain");
        });
    }

    /// <summary>Two partials of the same range, arm by arm: people per sub-cohort, counts, histograms and every exact sum bit for bit.</summary>
    internal static void AssertIdentical(MicrosimPartial x, MicrosimPartial y)
    {
        Assert.That(x.Arms, Has.Length.EqualTo(y.Arms.Length));
        Assert.Multiple(() =>
        {
            for (var k = 0; k < x.Arms.Length; k++)
            {
                var a = x.Arms[k];
                var b = y.Arms[k];
                Assert.That(a.SubcohortPeople, Is.EqualTo(b.SubcohortPeople), $"arm {k} sub-cohort people");
                Assert.That(a.Counts, Is.EqualTo(b.Counts), $"arm {k} occupancy counts");
                Assert.That(a.Transitions, Is.EqualTo(b.Transitions), $"arm {k} transition counts");
                Assert.That(a.YearsHistogram, Is.EqualTo(b.YearsHistogram), $"arm {k} years histogram");
                Assert.That(a.FirstEntryHistogram, Is.EqualTo(b.FirstEntryHistogram), $"arm {k} first-entry histogram");
                Assert.That(Units(a.Sum), Is.EqualTo(Units(b.Sum)), $"arm {k} sums");
                Assert.That(Units(a.SumSquares), Is.EqualTo(Units(b.SumSquares)), $"arm {k} sums of squares");
                Assert.That(Units(a.DiffSum), Is.EqualTo(Units(b.DiffSum)), $"arm {k} paired sums");
                Assert.That(Units(a.DiffSquares), Is.EqualTo(Units(b.DiffSquares)), $"arm {k} paired squares");
                Assert.That(a.Counts.Sum(), Is.GreaterThan(0), "something was counted");
                Assert.That(a.SubcohortPeople.Sum(), Is.EqualTo(x.People), "every person in a sub-cohort");
            }
        });
    }

    private static string[] Units(ExactSum[] sums) => [.. sums.Select(s => s.Units.ToString(System.Globalization.CultureInfo.InvariantCulture))];
}
