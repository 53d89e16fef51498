using System.Diagnostics;
using System.Globalization;
using SocialInvestment.Engine;
using SocialInvestment.Households;
using SocialInvestment.Model;

namespace SocialInvestment.Benchmarks;

/// <summary>
/// <c>households MODE [--households H] [--threads N] [--repeats R]</c>: the household benchmark of
/// docs/households.md — H households (default 100,000) of 2 adults and 1 child × 60 annual cycles
/// on a 5-state family model (synthetic, illustrative numbers), against the independent-person run
/// of the same 3·H people. Modes: <c>linked</c> (two links: a child's placement hazard × 2.5 while
/// no adult works, an adult's exit from work × 1.6 while a child is placed), <c>unlinked</c> (the
/// same households without links), <c>individual</c> (3·H people of the individual microsimulation,
/// general kernel, start ages and states mixed as the household members'), <c>individual-lean</c>
/// (its fast kernel, without distributions). Run each mode in its own process: the peak resident
/// set size is the process's. Prints one JSON line: median wall time of R timed runs after one
/// untimed warm-up, member-cycles per second, peak RSS.
/// </summary>
public static class HouseholdRunner
{
    private static readonly Account Earnings = new(Payer.Individual, Sector.Employment, FlowKind.Production);
    private static readonly Account Benefit = new(Payer.State, Sector.Benefits, FlowKind.Transfer);
    private static readonly Account Received = new(Payer.Individual, Sector.Benefits, FlowKind.Transfer);
    private static readonly Account Placement = new(Payer.Municipality, Sector.ChildWelfare, FlowKind.ResourceCost);

    public static int Run(string[] args)
    {
        var mode = args.Length > 0 ? args[0] : "";
        var households = RunnerArgs.Arg(args, "--households", 100_000);
        var threads = (int)RunnerArgs.Arg(args, "--threads", Environment.ProcessorCount);
        var repeats = (int)RunnerArgs.Arg(args, "--repeats", 3);
        const int cycles = 60;
        var model = BuildModel(cycles);
        Func<ulong, double> run;
        switch (mode)
        {
            case "linked" or "unlinked":
                var definition = Definition(model, mode == "linked");
                var options = new HouseholdOptions { Households = households, Threads = threads, Perspectives = [Perspective.Society(), Perspective.Individual] };
                run = seed => HouseholdEngine.RunAll(definition, options with { Seed = seed }).Results[0].CostPerHousehold(Perspective.Society()).Mean;
                break;
            case "individual" or "individual-lean":
                var people = model.WithPopulation(new Population(Definition(model, false).Templates[0].Members.SelectMany(m => m.Starts.Select(s => new PopulationGroup(s.Age, s.State, s.Weight / 3)))));
                var compiled = new[] { people.Compile(Strategy.BusinessAsUsual) };
                var micro = new MicrosimOptions { People = checked((int)(3 * households)), Threads = threads, Perspectives = [Perspective.Society(), Perspective.Individual], TrackDistributions = mode == "individual" };
                run = seed => 3 * MicrosimEngine.RunCompiled(compiled, micro with { Seed = seed }).Results[0].CostPerPerson(Perspective.Society()).Mean;
                break;
            default:
                Console.Error.WriteLine("usage: households linked|unlinked|individual|individual-lean [--households H] [--threads N] [--repeats R]");
                return 2;
        }

        run(1); // warm-up (JIT, tables), not timed
        var times = new List<double>();
        var value = 0.0;
        for (var r = 0; r < repeats; r++)
        {
            var sw = Stopwatch.StartNew();
            value = run(100 + (ulong)r);
            times.Add(sw.Elapsed.TotalSeconds);
        }

        var median = RunnerArgs.Median(times);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{{\"impl\":\"csharp\",\"mode\":\"households-{mode}\",\"threads\":{threads},\"households\":{households},\"members\":3,\"cycles\":{cycles},\"reps\":{repeats},\"median_s\":{median:G6},\"min_s\":{times.Min():G6},\"max_s\":{times.Max():G6},\"member_cycles_per_s\":{3.0 * households * cycles / median:G6},\"society_cost_per_household\":{value:G8},\"peak_rss_mb\":{ProcessMemory.PeakRssMb():F1}}}"));
        return 0;
    }

    /// <summary>The family model of the household tests, 60 annual cycles: work / nowork, home / placed, dead.</summary>
    private static LifeCourseModel BuildModel(int cycles)
    {
        var b = new LifeCourseModelBuilder("family");
        b.AddState("work").AddState("nowork").AddState("home").AddState("placed").AddState("dead", absorbing: true);
        b.AddPayers(Payer.Municipality, Payer.State, Payer.Individual).AddSectors(Sector.Employment, Sector.Benefits, Sector.ChildWelfare).AddOutcomes(Outcome.Qaly);
        b.Probability("work", "nowork", 0.10).Probability("work", "dead", 0.01).Remainder("work", "work");
        b.Probability("nowork", "work", 0.25).Probability("nowork", "dead", 0.01).Remainder("nowork", "nowork");
        b.Probability("home", "placed", 0.06).Probability("home", "dead", 0.002).Remainder("home", "home");
        b.Probability("placed", "home", 0.30).Probability("placed", "dead", 0.002).Remainder("placed", "placed");
        b.StateFlow("work", Earnings, -450_000);
        b.StateFlow("nowork", Benefit, 180_000).StateFlow("nowork", Received, -180_000);
        b.StateFlow("placed", Placement, 900_000);
        b.StateOutcome("work", Outcome.Qaly, 0.9).StateOutcome("nowork", Outcome.Qaly, 0.75).StateOutcome("home", Outcome.Qaly, 0.95).StateOutcome("placed", Outcome.Qaly, 0.8);
        b.WithPopulation(Population.StartingIn(35, "work"));
        b.WithOptions(new SimulationOptions { Cycles = cycles, CostDiscounting = DiscountSchedule.Constant(0.04), OutcomeDiscounting = DiscountSchedule.Constant(0.04) });
        return b.Build();
    }

    private static HouseholdDefinition Definition(LifeCourseModel model, bool linked)
    {
        var b = HouseholdDefinition.Create(model)
            .AddRole("adult")
            .AddRole("child")
            .AddTemplate(
                "couple with child",
                1,
                new HouseholdMember("adult", [new MemberStart(35, "work", 0.7), new MemberStart(35, "nowork", 0.3)]),
                new HouseholdMember("adult", [new MemberStart(33, "work", 0.5), new MemberStart(33, "nowork", 0.5)]),
                new HouseholdMember("child", [new MemberStart(8, "home", 0.9), new MemberStart(8, "placed", 0.1)]));
        if (linked)
        {
            b.Link("child", "home", "placed", 2.5, HouseholdCondition.None("adult", "work"))
                .Link("adult", "work", "nowork", 1.6, HouseholdCondition.Any("child", "placed"));
        }

        return b.Build();
    }
}
