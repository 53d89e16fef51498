using SocialInvestment.Cli.Tests.TestSupport;
using SocialInvestment.Decisions;
using SocialInvestment.Economics;
using SocialInvestment.Scenarios;

namespace SocialInvestment.Cli.Tests;

/// <summary>socinv liability and socinv follow-up on the built-in default, with no other input, into atomic run folders.</summary>
public class LiabilityCommandTests : TempFolderTest
{
    [Test]
    public void Liability_RunsOnTheDefault_WritesTheRunFolder_MatchingTheLibrary()
    {
        var outDir = Path.Combine(Dir, "liab");
        var r = Socinv.Run("liability", "--out", outDir);
        Assert.That(r.ExitCode, Is.EqualTo(ExitCodes.Ok), r.Err);
        var model = NorwegianDefault.Load().BuildModel();
        var expected = CaseloadLiability.Compute(model, NorwegianCaseload.OpeningRegister(model));
        var lines = File.ReadAllLines(Path.Combine(outDir, "liability.csv"));
        var publicTotal = lines.Single(l => l.StartsWith("total,all,", StringComparison.Ordinal) && l.Contains(",public,", StringComparison.Ordinal)).Split(',')[5];
        Assert.Multiple(() =>
        {
            Assert.That(double.Parse(publicTotal, System.Globalization.CultureInfo.InvariantCulture), Is.EqualTo(expected.Public));
            Assert.That(lines, Has.Some.EqualTo("state,cw_institution,,true,public,,,"), "a cell of 4 children is suppressed: no count, no value");
            foreach (var f in new[] { "movement.csv", "liability_accounts.csv", "report.html", "report.md", "liability-age-band.png", "liability-state.png", RunManifest.FileName, "scenario/scenario.json" })
            {
                Assert.That(File.Exists(Path.Combine(outDir, f)), f);
            }

            Assert.That(File.Exists(Path.Combine(outDir, "persons.csv")), Is.False, "per-person values only when asked for");
            Assert.That(RunManifest.TryRead(outDir)!.Verify(outDir), Is.Empty, "the manifest lists every file");
            Assert.That(r.Out, Does.Contain("public sector").And.Contain("new entrants"));
        });

        // A second run replaces the folder (it is socinv's), with --per-person this time.
        var again = Socinv.Run("liability", "--out", outDir, "--per-person", "--min-cell", "3");
        Assert.That(again.ExitCode, Is.EqualTo(ExitCodes.Ok), again.Err);
        Assert.That(File.ReadLines(Path.Combine(outDir, "persons.csv")).Count(), Is.EqualTo(1 + (3191 * 5)), "four payers and public per person");
    }

    [Test]
    public void Liability_LanguageNb_WritesTheReportInNorwegian_TheCsvUnchanged()
    {
        var en = Path.Combine(Dir, "en");
        var nb = Path.Combine(Dir, "nb");
        var (english, norwegian, md) = Socinv.RunInBothLanguages(en, nb, "liability");
        Assert.Multiple(() =>
        {
            Assert.That(md, Does.StartWith("# Forpliktelse for dagens brukere: ").And.Contain("Registeret er det innebygde ILLUSTRERENDE").And.Contain("## Endring i forpliktelsen").And.Contain("| offentlig sektor | 5\u00A0305\u00A0391\u00A0916 |"));
            Assert.That(md, Does.Not.Contain("Caseload liability").And.Not.Contain("Movement of the liability").And.Not.Contain("suppressed").And.Not.Contain("2023 prices"));
            Assert.That(File.ReadAllText(Path.Combine(en, "report.md")), Does.StartWith("# Caseload liability: ").And.Contain("| public sector | 5,305,391,916 | no draws |").And.Contain("## Movement of the liability"));
            Socinv.AssertLanguageNeutral(en, nb, english, norwegian, "liability.csv", "liability_accounts.csv", "movement.csv");
        });
    }

    [Test]
    public void FollowUp_LanguageNb_WritesTheReportInNorwegian_TheCsvUnchanged()
    {
        var en = Path.Combine(Dir, "fu-en");
        var nb = Path.Combine(Dir, "fu-nb");
        var (english, norwegian, md) = Socinv.RunInBothLanguages(en, nb, "follow-up", "--draws", "100");
        Assert.Multiple(() =>
        {
            Assert.That(md, Does.StartWith("# Oppfølging: ").And.Contain("Oppfølgingen er det innebygde ILLUSTRERENDE eksempelet").And.Contain("## Personer: observert mot forventet").And.Contain("## Oppdatert oppfatning").And.Contain("| innenfor |"));
            Assert.That(md, Does.Not.Contain("Follow-up:").And.Not.Contain("observed against expected").And.Not.Contain("Updated belief").And.Not.Contain("2023 prices").And.Not.Contain("The follow-up data"));
            Assert.That(File.ReadAllText(Path.Combine(en, "report.md")), Does.StartWith("# Follow-up: ").And.Contain("## People: observed against expected").And.Contain("## Updated belief"));
            Socinv.AssertLanguageNeutral(en, nb, english, norwegian, "follow_up_counts.csv", "follow_up_spending.csv", "belief_update.csv");
        });
    }

    [Test]
    public void Liability_BadRegister_IsOneAggregatedErrorAndNoFolder()
    {
        var register = Path.Combine(Dir, "register.csv");
        File.WriteAllText(register, "person_id,age,state\na,14,cw_inhome\na,200,nowhere\n");
        var outDir = Path.Combine(Dir, "bad");
        var r = Socinv.Run("liability", "--register", register, "--out", outDir);
        Assert.Multiple(() =>
        {
            Assert.That(r.ExitCode, Is.EqualTo(ExitCodes.InvalidInput));
            Assert.That(r.Err, Does.Contain("register.csv").And.Contain("duplicate").And.Contain("Age 200 is impossible").And.Contain("Unknown state 'nowhere'"));
            Assert.That(Directory.Exists(outDir), Is.False);
        });
    }

    [Test]
    public void FollowUp_RunsOnTheDefault_AndAStoredForecastIsReused_OnlyForTheSameScenario()
    {
        var first = Path.Combine(Dir, "fu1");
        var r = Socinv.Run("follow-up", "--draws", "100", "--out", first);
        Assert.That(r.ExitCode, Is.EqualTo(ExitCodes.Ok), r.Err);
        Assert.Multiple(() =>
        {
            foreach (var f in new[] { ForecastFile.FileName, "follow_up_counts.csv", "follow_up_spending.csv", "belief_update.csv", "report.html", "follow-up-counts.png", RunManifest.FileName })
            {
                Assert.That(File.Exists(Path.Combine(first, f)), f);
            }

            Assert.That(r.Out, Does.Contain("effective sample size"));
        });

        var second = Path.Combine(Dir, "fu2");
        var reuse = Socinv.Run("follow-up", "--forecast", Path.Combine(first, ForecastFile.FileName), "--out", second);
        Assert.That(reuse.ExitCode, Is.EqualTo(ExitCodes.Ok), reuse.Err);
        Assert.That(File.ReadAllText(Path.Combine(second, "follow_up_counts.csv")), Is.EqualTo(File.ReadAllText(Path.Combine(first, "follow_up_counts.csv"))));

        // Another scenario (the default with another population size) has another content hash: the stored forecast is refused.
        var dir = Path.Combine(Dir, "changed");
        var s = NorwegianDefault.Load();
        ScenarioWriter.Write(s with { Settings = s.Settings with { PopulationSize = 999 } }, dir);
        NorwegianCaseload.WriteTo(dir);
        var refused = Socinv.Run("follow-up", "--scenario", dir, "--forecast", Path.Combine(first, ForecastFile.FileName), "--out", Path.Combine(Dir, "fu3"));
        Assert.Multiple(() =>
        {
            Assert.That(refused.ExitCode, Is.EqualTo(ExitCodes.InvalidInput));
            Assert.That(refused.Err, Does.Contain("content hash"));
        });
    }
}
