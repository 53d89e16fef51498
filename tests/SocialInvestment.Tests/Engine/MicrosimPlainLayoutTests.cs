using SocialInvestment.Engine;
using SocialInvestment.Model;
using SocialInvestment.Workloads;

namespace SocialInvestment.Tests.Engine;

/// <summary>
/// The plain lane kernel's layouts (codes of row id × 16, a group's 16-bit codes and running sums
/// side by side per person, two strategies' or two people's values added as one vector twice as
/// wide, the start entry counted without branches, the sub-cohorts' people from the counts of
/// cycle 0) against the reference kernels, bit for bit, for the combinations the welfare-16
/// workload alone does not reach: a plain strategy stepped alone and groups of two and three, with
/// one value per person (perspectives 0: one score) and four (3 perspectives), on 5,555 people in
/// blocks of 2,100 (sub-block remainders of 52 and 75 people) and a shard of 1,001 from person 6,300.
/// </summary>
public class MicrosimPlainLayoutTests
{
    [TestCase("1", 0)]
    [TestCase("1", 3)]
    [TestCase("0,2", 0)]
    [TestCase("0,2", 3)]
    [TestCase("3,1,2", 0)]
    [TestCase("3,1,2", 3)]
    public void PlainLaneKernel_AloneAndInSmallGroups_BitIdenticalToReferenceKernels(string strategies, int perspectives)
    {
        var model = Welfare16.Build(UptakeMode.Subcohorts);
        var compiled = strategies.Split(',').Select(i => model.Compile(model.Strategies[int.Parse(i, System.Globalization.CultureInfo.InvariantCulture)])).ToArray();
        var options = new MicrosimOptions { Seed = 21, BlockSize = 2100, TrackDistributions = false, Threads = 2, Perspectives = [.. Welfare16.Perspectives.Take(perspectives)] };
        var plan = LanePlan.TryCreate(new MicrosimPlan(compiled, options));
        Assert.That(plan, Is.Not.Null, "the lane kernel applies");
        if (System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated)
        {
            Assert.That(plan!.Arms.Select(a => a.Plain), Is.All.True, "the plain kernel runs every strategy");
            Assert.That(plan.Arms[0].Sp, Is.EqualTo(perspectives == 0 ? 1 : 4), "values per person");
        }

        MicrosimLaneKernelTests.AssertIdentical(MicrosimEngine.RunRange(compiled, options, 0, 5_555, MicrosimKernel.Lanes), MicrosimEngine.RunRange(compiled, options, 0, 5_555, MicrosimKernel.Reference));
        MicrosimLaneKernelTests.AssertIdentical(MicrosimEngine.RunRange(compiled, options, 6_300, 1_001, MicrosimKernel.Lanes), MicrosimEngine.RunRange(compiled, options, 6_300, 1_001, MicrosimKernel.Reference));
    }
}
