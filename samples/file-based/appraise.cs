#:project ../../src/SocialInvestment/SocialInvestment.csproj
#:project ../../src/SocialInvestment.Csv/SocialInvestment.Csv.csproj

// A .NET 10 file-based app: `dotnet run samples/file-based/appraise.cs [SCENARIO_FOLDER]`.
// Loads the embedded Norwegian default (or a scenario folder), runs every strategy with the cohort
// engine and prints NPV, benefit-cost ratio and discounted payback per strategy and perspective,
// then who invests and who saves. Numbers are formatted with the invariant culture.
using System.Globalization;
using SocialInvestment.Scenarios;

var inv = CultureInfo.InvariantCulture;
var scenario = args.Length > 0 ? ScenarioReader.Read(args[0]) : NorwegianDefault.Load();
var run = ScenarioRunner.Run(scenario);

Console.WriteLine($"{scenario.Settings.Name}: {run.Model.States.Count} states, {run.Results.Count} strategies, horizon {run.Model.Options.Cycles.ToString(inv)} cycles, comparator '{run.Comparator}'");
foreach (var a in run.Appraisals)
{
    // An undefined figure prints as "n/a (reason)", never as a number.
    var bcr = a.BenefitCostRatio.ToString("N2", inv);
    var payback = a.PaybackYearsDiscounted.Value is double y ? y.ToString("0", inv) + " years" : a.PaybackYearsDiscounted.Explanation;
    Console.WriteLine($"  {a.Strategy} / {a.Perspective.Name}: NPV {a.NetPresentValue.ToString("N0", inv)} NOK, BCR {bcr}, payback {payback}");
}

foreach (var strategy in run.Results.Select(r => r.Strategy.Name).Where(n => n != run.Comparator))
{
    Console.WriteLine($"Who invests, who saves: {strategy}");
    foreach (var p in run.WhoInvestsWhoSaves(strategy))
    {
        var role = p.NetGain > 0.5 ? "better off" : p.NetGain < -0.5 ? "worse off" : "even";
        Console.WriteLine($"  {p.Payer.Name,-16} net gain {Math.Round(p.NetGain).ToString("N0", inv),16} NOK ({role})");
    }
}
