using System.Globalization;
using System.Text.Json;
using SocialInvestment.Cli.Tests.TestSupport;

namespace SocialInvestment.Cli.Tests;

/// <summary>
/// One sign convention in every output (issue 7): a run on the default is read back from
/// summary.json, the console and report.md, and every NPV and every payer's net gain appears in each
/// with the same sign (+ = better off), and the net gain is savings − invested.
/// </summary>
public sealed class SignConventionTests : TempFolderTest
{
    [Test]
    public void Run_Default_EveryOutputShowsTheSameSignedFigures()
    {
        var dir = Path.Combine(Dir, "out");
        var r = Socinv.Run("run", "--out", dir);
        Assert.That(r.ExitCode, Is.EqualTo(ExitCodes.Ok), r.Err);
        var report = File.ReadAllText(Path.Combine(dir, "report.md"));
        using var summary = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(dir, "summary.json")));
        var root = summary.RootElement;
        static string Whole(double x) => (Math.Round(x) + 0.0).ToString("N0", CultureInfo.InvariantCulture);

        Assert.Multiple(() =>
        {
            var appraisals = root.GetProperty("appraisals").EnumerateArray().ToArray();
            Assert.That(appraisals, Is.Not.Empty);
            foreach (var a in appraisals)
            {
                var strategy = a.GetProperty("strategy").GetString()!;
                var perspective = a.GetProperty("perspective").GetString()!;
                var npv = a.GetProperty("npv").GetDouble();
                var benefits = a.GetProperty("pvBenefits").GetDouble();
                var invested = a.GetProperty("pvInvestment").GetDouble();
                Assert.That(npv, Is.EqualTo(benefits - invested).Within(1e-6 * (1 + Math.Abs(npv))), $"{strategy}/{perspective}: NPV = benefits − investment");
                var cells = $"| {strategy} | {perspective} | {Whole(invested)} | {Whole(benefits)} | {Whole(npv)} |";
                Assert.That(report, Does.Contain(cells), "report.md shows the same NPV with the same sign");
                Assert.That(r.Out.Split('\n').Any(l => l.StartsWith(strategy, StringComparison.Ordinal) && l.Contains(perspective, StringComparison.Ordinal) && l.Contains(" " + Whole(npv) + " ", StringComparison.Ordinal)), Is.True, $"the console shows {strategy}/{perspective} NPV {Whole(npv)}");
            }

            var balances = root.GetProperty("payerBalances").EnumerateArray().ToArray();
            Assert.That(balances, Is.Not.Empty);
            foreach (var b in balances)
            {
                var payer = b.GetProperty("payer").GetString()!;
                var gain = b.GetProperty("netGain").GetDouble();
                var row = $"| {payer} | {Whole(b.GetProperty("invested").GetDouble())} | {Whole(b.GetProperty("savings").GetDouble())} | {Whole(gain)} |";
                Assert.That(report, Does.Contain(row), $"report.md: who invests, who saves, {payer}");
                var role = gain > 0.5 ? "better off" : gain < -0.5 ? "worse off" : "even";
                Assert.That(r.Out.Split('\n').Any(l => l.StartsWith(payer, StringComparison.Ordinal) && l.Contains(" " + Whole(gain) + " ", StringComparison.Ordinal) && l.Contains(role, StringComparison.Ordinal)), Is.True, $"the console: {payer} net gain {Whole(gain)}, {role}");
            }

            // The wrong pocket, in the one convention: the municipality pays for the family team and
            // is worse off, the state invests nothing in it and is better off.
            var family = balances.Where(b => b.GetProperty("strategy").GetString() == "Family team").ToArray();
            Assert.That(family.Single(b => b.GetProperty("payer").GetString() == "municipality").GetProperty("netGain").GetDouble(), Is.LessThan(0));
            Assert.That(family.Single(b => b.GetProperty("payer").GetString() == "state").GetProperty("netGain").GetDouble(), Is.GreaterThan(0));
        });
    }
}
