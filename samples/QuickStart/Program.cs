// Quick start: build a small life-course model in code, run two strategies with the cohort engine,
// and appraise the investment from several perspectives. Numbers are illustrative.
using System.Globalization;
using SocialInvestment.Economics;
using SocialInvestment.Engine;
using SocialInvestment.Model;

var inv = CultureInfo.InvariantCulture;

// 1. States, payers and sectors.
var builder = new LifeCourseModelBuilder("quick-start");
builder.AddState("School").AddState("NEET").AddState("Work").AddState("Dead", absorbing: true)
    .AddPayers(Payer.Municipality, Payer.State, Payer.Individual)
    .AddSectors(Sector.Education, Sector.SocialServices, Sector.Benefits, Sector.Taxation, Sector.Employment);

// 2. Annual transition probabilities (the remainder keeps each row summing to one).
builder.Probability("School", "Work", 0.25).Probability("School", "NEET", 0.10).Probability("School", "Dead", 0.0005).Remainder("School", "School");
builder.Probability("NEET", "Work", 0.12).Probability("NEET", "Dead", 0.002).Remainder("NEET", "NEET");
builder.Probability("Work", "NEET", 0.03).Probability("Work", "Dead", 0.0008).Remainder("Work", "Work");

// 3. Flows per person-year, signed from the payer's point of view (+ cost, − gain).
var schooling = new Account(Payer.County, Sector.Education, FlowKind.ResourceCost);
builder.AddPayers(Payer.County);
builder.StateFlow("School", schooling, 180_000);
builder.StateFlow("NEET", new Account(Payer.Municipality, Sector.SocialServices, FlowKind.Transfer), 90_000);
builder.StateFlow("NEET", new Account(Payer.State, Sector.Benefits, FlowKind.Transfer), 110_000);
builder.StateFlow("NEET", new Account(Payer.Individual, Sector.Benefits, FlowKind.Transfer), -200_000);
builder.StateFlow("Work", new Account(Payer.Individual, Sector.Employment, FlowKind.Production), -520_000);
builder.StateFlow("Work", new Account(Payer.State, Sector.Taxation, FlowKind.Transfer), -160_000);
builder.StateFlow("Work", new Account(Payer.Individual, Sector.Taxation, FlowKind.Transfer), 160_000);

// 4. An investment: supported employment for young people who start outside work and education,
//    paid by the municipality, doubling the chance of finding work for three years.
var programme = Intervention.Create("Supported employment")
    .EligibleIn("NEET").EligibleAges(16, 29)
    .CostPerCycle(new Account(Payer.Municipality, Sector.Employment, FlowKind.ResourceCost), 75_000, 2, "NEET")
    .AffectTransition("NEET", "Work", EffectMeasure.RelativeRisk, 2.0, EffectProfile.ConstantFor(3))
    .Build();
builder.AddStrategy(Strategy.BusinessAsUsual).AddStrategy(new Strategy("Supported employment", programme));

// 5. A cohort of 1 000 18-year-olds, 80 % in school and 20 % NEET; 50 annual cycles, R-109 discounting.
builder.WithPopulation(new Population([new PopulationGroup(18, "School", 0.8), new PopulationGroup(18, "NEET", 0.2)], 1_000));
builder.WithOptions(new SimulationOptions { Cycles = 50, CostDiscounting = DiscountSchedule.Norway2021 });
var model = builder.Build();

// 6. Run every strategy and appraise the investment against business as usual.
var results = CohortEngine.RunAll(model);
var (bau, ips) = (results[0], results[1]);
Console.WriteLine($"{model.Name}: {model.States.Count} states, {model.Options.Cycles} annual cycles, {model.Population.Size.ToString("N0", inv)} people");
Console.WriteLine($"People in work after 5 years: {bau.Occupancy(5, "Work").ToString("N0", inv)} (business as usual) vs {ips.Occupancy(5, "Work").ToString("N0", inv)} (supported employment)");
Console.WriteLine();
Console.WriteLine($"{"Perspective",-36} {"PV investment",14} {"PV benefits",14} {"NPV",14} {"BCR",6} {"Payback",8}");
foreach (var perspective in Perspective.StandardSet(model))
{
    var a = Appraisal.Compare(ips, bau, perspective);
    var payback = a.PaybackYearsDiscounted.Value is double y ? y.ToString("0", inv) + " y" : "n/a";
    Console.WriteLine($"{perspective.Name,-36} {Money(a.PresentValueInvestment),14} {Money(a.PresentValueBenefits),14} {Money(a.NetPresentValue),14} {Ratio(a.BenefitCostRatio),6} {payback,8}");
}

Console.WriteLine();
Console.WriteLine("Who invests, who saves (present values, NOK; + = better off):");
foreach (var p in Appraisal.Compare(ips, bau, Perspective.PublicSector).Payers)
{
    Console.WriteLine($"  {p.Payer.Name,-14} invested {Money(p.Invested),12}  savings {Money(p.Savings),14}  net gain {Money(p.NetGain),14}");
}

// Whole kroner with invariant grouping ("-0" printed as "0"); a ratio, or n/a when it is undefined (no investment).
string Money(double x) => (Math.Round(x) + 0.0).ToString("N0", inv);
string Ratio(Figure x) => x.Value is double v ? v.ToString("N2", inv) : "n/a";
