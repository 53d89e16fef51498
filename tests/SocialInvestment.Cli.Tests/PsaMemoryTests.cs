using SocialInvestment.Cli.Tests.TestSupport;
using SocialInvestment.Reporting;
using SocialInvestment.Scenarios;

namespace SocialInvestment.Cli.Tests;

/// <summary>socinv run --draws keeps no per-draw arrays: the PSA streams, psa.csv is streamed to disk, the charts read a capped sample.</summary>
public class PsaMemoryTests : TempFolderTest
{
    [Test]
    public void Run_Draws_StreamsThePsaAndCapsTheRetainedSample()
    {
        var outDir = Path.Combine(Dir, "out");
        ScenarioRunOptions? used = null;
        PsaDrawSample? sample = null;
        var env = new CliEnvironment { OnPsa = (o, s) => (used, sample) = (o, s) };
        var r = Socinv.Run(env, "run", "--out", outDir, "--draws", "1100", "--seed", "3", "--horizon", "8");
        Assert.That(r.ExitCode, Is.EqualTo(ExitCodes.Ok), r.Err);

        // No per-draw arrays: the PSA ran without KeepDraws, its draws went to the sink.
        Assert.That(used, Is.Not.Null);
        Assert.That(used!.KeepDraws, Is.False);
        Assert.That(used.DrawSink, Is.Not.Null);

        // The only per-draw values kept in memory are the plane's sample, capped at 1,000 draws of 1,100.
        Assert.That(sample!.Capacity, Is.EqualTo(PsaDrawSample.DefaultCapacity));
        Assert.That(sample.Draws, Is.EqualTo(1100));
        Assert.That(sample.Count, Is.EqualTo(1000));

        // psa.csv has every draw (header + 1,100 rows per strategy × perspective block) and the scratch file is gone.
        var lines = File.ReadAllLines(Path.Combine(outDir, "psa.csv"));
        Assert.That((lines.Length - 1) % 1100, Is.Zero);
        Assert.That(lines.Length - 1, Is.GreaterThanOrEqualTo(1100));
        Assert.That(Directory.GetFiles(outDir, ".*", SearchOption.AllDirectories), Is.Empty);
    }

    [Test]
    public void StreamedPsaCsv_IsByteIdenticalToTheOneWrittenFromKeptDraws()
    {
        var outDir = Path.Combine(Dir, "out");
        var r = Socinv.Run("run", "--out", outDir, "--draws", "40", "--seed", "11", "--horizon", "8");
        Assert.That(r.ExitCode, Is.EqualTo(ExitCodes.Ok), r.Err);

        // The default's settlement collectors observe the draws (payer flows) and leave the CLI's PSA on the
        // default incremental path; the kept run takes the same path, so only streaming versus keeping differs.
        var kept = ScenarioRunner.RunProbabilistic(NorwegianDefault.Load(), 40, 11, new ScenarioRunOptions { Horizon = 8, KeepDraws = true });
        using var expected = new StringWriter();
        PsaCsv.WriteTo(kept, expected);
        Assert.That(File.ReadAllText(Path.Combine(outDir, "psa.csv")), Is.EqualTo(expected.ToString()));
    }
}
