using System.Globalization;
using System.Text;
using System.Text.Json;
using SocialInvestment.Cli.Tests.TestSupport;
using SocialInvestment.Scenarios;

namespace SocialInvestment.Cli.Tests;

/// <summary>socinv households: runs on the built-in default; the same numbers on any thread count; bad tables one error naming file, line and field, and no half-written folder; init writes the household tables.</summary>
public class HouseholdsCommandTests : TempFolderTest
{
    private static double D(string s) => double.Parse(s, CultureInfo.InvariantCulture);

    [Test]
    public void Households_on_the_default_writes_every_file_with_the_family_beside_the_public_payers()
    {
        var outDir = Path.Combine(Dir, "out");
        var r = Socinv.Run("households", "--out", outDir, "--households", "1500", "--seed", "7");
        Assert.That(r.ExitCode, Is.EqualTo(ExitCodes.Ok), r.Err);
        Assert.That(r.Out, Does.Contain("Family team for the household against Business as usual:").And.Contain("family (individual)"));
        foreach (var f in HouseholdAppraisal.ResultFileNames.Concat(["report.html", "report.md", "households-net-position.png", "households-placed.png", "manifest.json", "scenario/household_links.csv"]))
        {
            Assert.That(File.Exists(Path.Combine(outDir, f)), f);
        }

        var rows = File.ReadAllLines(Path.Combine(outDir, "household_results.csv")).Skip(1).Select(l => l.Split(',')).ToList();
        Assert.That(rows.Select(x => x[1]).Distinct(), Is.EqualTo(new[] { "all", "one adult with child", "two adults with child" }), "results for all households and by household type");
        var team = rows.Where(x => x[0] == "Family team for the household" && x[1] == "all").ToDictionary(x => x[3]);
        Assert.That(team.Keys, Is.SupersetOf(new[] { "municipality", "county", "state", "individual", "public sector" }));
        Assert.That(D(team["municipality"][6]), Is.LessThan(0), "the municipality pays for the family team (150 000 NOK per family-year for 2 years at 80 % uptake): it is worse off");
        Assert.That(D(team["public sector"][8]), Is.EqualTo(D(team["public sector"][6]) * 1000).Within(1e-6).Percent, "total change = per household × the 1 000 households the totals stand for");

        var bill = File.ReadAllLines(Path.Combine(outDir, "household_bill.csv")).Skip(1).Select(l => l.Split(',')).ToList();
        var teamCost = bill.Where(x => x[0] == "Family team for the household" && x[5] == "intervention" && x[2] == "municipality").ToList();
        Assert.That(teamCost.Select(x => D(x[1])).ToArray(), Is.EqualTo(new[] { 0.0, 1.0 }), "the family team's cost is booked at trace points 0 and 1 (its 2 active cycles)");
        var familyTime = bill.Where(x => x[0] == "Family team for the household" && x[5] == "intervention" && x[2] == "individual").Sum(x => D(x[6]));
        var uptake = File.ReadAllLines(Path.Combine(outDir, "household_uptake.csv")).Skip(1).Single().Split(',');
        Assert.That(familyTime, Is.EqualTo(D(uptake[3]) * (0.5 + 1.0) * 100 * 347).Within(1e-6).Percent, "the family's time: uptake × 100 hours × 347 NOK at trace points 0 and 1, weighted 0.5 and 1 by the default's half-cycle counting, undiscounted");

        // Who should compensate whom, with the family as a party (the example plan: savers reimburse the investors).
        Assert.That(r.Out, Does.Contain("Who should compensate whom, the family as a party"));
        var parties = File.ReadAllLines(Path.Combine(outDir, "household_settlement.csv")).Skip(1).Select(l => l.Split(',')).ToDictionary(x => x[3]);
        Assert.That(parties.Keys, Is.EquivalentTo(new[] { "municipality", "county", "state", "individual" }));
        Assert.That(parties["individual"][4], Is.EqualTo("true"), "the family payer is flagged");
        Assert.That(D(parties["individual"][5]), Is.EqualTo(familyTime * 1000).Within(25).Percent, "what the family puts in: the PV of its time for the 1 000 households (discounted, so below the undiscounted bill)");
        Assert.That(parties.Values.Sum(x => D(x[8])), Is.EqualTo(0).Within(1e-6 * parties.Values.Sum(x => Math.Abs(D(x[7])))), "a settlement only moves money");
        Assert.That(parties.Values.All(x => Math.Abs(D(x[9]) - (D(x[7]) + D(x[8]))) <= 1e-6 * Math.Abs(D(x[7])) + 1e-3), "after = before + receives");
        Assert.That(File.Exists(Path.Combine(outDir, "household_settlement_schedule.csv")));
        Assert.That(File.ReadAllText(Path.Combine(outDir, "report.md")), Does.Contain("Who should compensate whom, the family as a party"));

        using var json = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(outDir, "household_summary.json")));
        Assert.That(json.RootElement.GetProperty("householdsSimulated").GetInt64(), Is.EqualTo(1500));
        Assert.That(json.RootElement.GetProperty("strategies")[1].GetProperty("familyInvestedPerHousehold").GetDouble(), Is.GreaterThan(0));
        Assert.That(File.ReadAllText(Path.Combine(outDir, "report.md")), Does.Contain("The family's net position beside the public payers").And.Contain("Kojan & Storhaug"));

        // Norwegian report into the same folder.
        Assert.That(Socinv.Run("households", "--out", outDir, "--households", "1500", "--language", "nb").ExitCode, Is.EqualTo(ExitCodes.Ok));
        Assert.That(File.ReadAllText(Path.Combine(outDir, "report.md")), Does.Contain("Familiens nettoposisjon ved siden av de offentlige betalerne"));
    }

    [Test]
    public void Households_with_draws_writes_the_psa_over_the_household_parameters_the_same_on_any_thread_count()
    {
        var a = Path.Combine(Dir, "a");
        var b = Path.Combine(Dir, "b");
        var r = Socinv.Run("households", "--out", a, "--households", "300", "--draws", "4", "--threads", "1", "--seed", "11");
        Assert.That(r.ExitCode, Is.EqualTo(ExitCodes.Ok), r.Err);
        Assert.That(r.Out, Does.Contain("PSA: 4 draws (seed 11)").And.Contain("household_psa.csv"));
        Assert.That(Socinv.Run("households", "--out", b, "--households", "300", "--draws", "4", "--threads", "2", "--seed", "11").ExitCode, Is.EqualTo(ExitCodes.Ok));
        foreach (var f in HouseholdUncertainty.ResultFileNames)
        {
            Assert.That(File.ReadAllText(Path.Combine(b, f)), Is.EqualTo(File.ReadAllText(Path.Combine(a, f))), f);
        }

        var rows = File.ReadAllLines(Path.Combine(a, "household_psa.csv")).Skip(1).Select(l => l.Split(',')).ToDictionary(x => x[2]);
        Assert.That(rows.Keys, Is.SupersetOf(new[] { "municipality", "county", "state", "individual", "public sector" }));
        var m = rows["municipality"];
        Assert.That(D(m[6]), Is.LessThanOrEqualTo(D(m[7])).And.LessThanOrEqualTo(D(m[8])), "p2.5 ≤ median ≤ p97.5");
        Assert.That(D(m[9]), Is.InRange(0.0, 1.0));
        Assert.That(D(m[10]), Is.EqualTo(4));
        var draws = File.ReadAllLines(Path.Combine(a, "household_psa_draws.csv"));
        Assert.That(draws[0], Does.StartWith("draw,strategy,perspective,change_per_household,").And.Contain("cost_family_team").And.Contain("uptake_family"));
        Assert.That(draws.Skip(1).Where(l => l.Contains(",municipality,", StringComparison.Ordinal)).Select(l => D(l.Split(',')[3])).Average(), Is.EqualTo(D(m[4])).Within(1e-6).Percent, "the summary's mean is the mean of the draws");
        Assert.That(File.ReadAllText(Path.Combine(a, "report.md")), Does.Contain("Uncertainty: the PSA over the household parameters").And.Contain("Probability better off"));
    }

    [Test]
    public void Households_gives_the_same_numbers_on_one_and_three_threads()
    {
        var a = Path.Combine(Dir, "a");
        var b = Path.Combine(Dir, "b");
        Assert.That(Socinv.Run("households", "--out", a, "--households", "900", "--threads", "1").ExitCode, Is.EqualTo(ExitCodes.Ok));
        Assert.That(Socinv.Run("households", "--out", b, "--households", "900", "--threads", "3").ExitCode, Is.EqualTo(ExitCodes.Ok));
        foreach (var f in new[] { "household_results.csv", "household_outcomes.csv", "household_bill.csv" })
        {
            Assert.That(File.ReadAllText(Path.Combine(b, f)), Is.EqualTo(File.ReadAllText(Path.Combine(a, f))), f);
        }
    }

    [Test]
    public void Bad_household_tables_are_one_error_with_file_line_and_field_and_write_nothing()
    {
        var dir = Path.Combine(Dir, "scenario");
        NorwegianDefault.WriteTo(dir);
        File.WriteAllText(Path.Combine(dir, HouseholdFiles.LinksFileName), "role,from,to,hazard_ratio,condition,source\nchild,cw_inhome,cw_foster,1.5,none parent in work,\nkid,cw_inhome,cw_foster,x,always,\n", new UTF8Encoding(false));
        var outDir = Path.Combine(Dir, "out");
        var r = Socinv.Run("households", dir, "--out", outDir);
        Assert.That(r.ExitCode, Is.EqualTo(ExitCodes.InvalidInput), r.Out);
        Assert.That(r.Err, Does.Contain("household_links.csv:2:5: [condition] The condition 'none parent in work': 'parent' is not a role"));
        Assert.That(r.Err, Does.Contain("household_links.csv:3:1: [role] Unknown role 'kid'").And.Contain("household_links.csv:3:4: [hazard_ratio]"));
        Assert.That(Directory.Exists(outDir), Is.False);
        var v = Socinv.Run("validate", dir);
        Assert.That(v.ExitCode, Is.EqualTo(ExitCodes.InvalidInput), "validate checks the household tables too");
        Assert.That(v.Err, Does.Contain("household_links.csv:3:1: [role]"));
    }

    [Test]
    public void Init_writes_the_household_tables_and_a_scenario_without_them_is_refused_clearly()
    {
        var dir = Path.Combine(Dir, "scenario");
        Assert.That(Socinv.Run("init", dir).ExitCode, Is.EqualTo(ExitCodes.Ok));
        foreach (var f in HouseholdFiles.FileNames.Where(f => f != HouseholdFiles.RegisterFileName))
        {
            Assert.That(File.Exists(Path.Combine(dir, f)), f);
        }

        var outDir = Path.Combine(Dir, "out");
        Assert.That(Socinv.Run("households", dir, "--out", outDir, "--households", "300").ExitCode, Is.EqualTo(ExitCodes.Ok));
        foreach (var f in HouseholdFiles.FileNames)
        {
            File.Delete(Path.Combine(dir, f));
        }

        var r = Socinv.Run("households", dir, "--out", Path.Combine(Dir, "out2"));
        Assert.That(r.ExitCode, Is.EqualTo(ExitCodes.InvalidInput));
        Assert.That(r.Err, Does.Contain("has no household tables"));
        Assert.That(Socinv.Run("validate", dir).ExitCode, Is.EqualTo(ExitCodes.Ok), "a scenario without household tables is unchanged");
    }
}
