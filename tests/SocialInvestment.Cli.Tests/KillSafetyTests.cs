using System.Diagnostics;
using SocialInvestment.Cli.Tests.TestSupport;

namespace SocialInvestment.Cli.Tests;

/// <summary>
/// A socinv process killed (SIGKILL, no chance to clean up) at any moment of a run leaves its output
/// folder holding one complete run: the earlier one, or the new one, every file matching its manifest.
/// </summary>
public class KillSafetyTests : TempFolderTest
{
    private static ProcessStartInfo Socinv(params string[] args)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "socinv.dll");
        var host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } h && File.Exists(h) ? h : "dotnet";
        var info = new ProcessStartInfo(host) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(dll);
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }

        return info;
    }

    [Test]
    public void KilledWhileRunning_TheFolderHoldsOneCompleteRun()
    {
        var outDir = Path.Combine(Dir, "out");
        using (var first = Process.Start(Socinv("run", "--out", outDir, "--horizon", "30", "--draws", "20"))!)
        {
            first.StandardOutput.ReadToEnd();
            first.WaitForExit();
            Assert.That(first.ExitCode, Is.EqualTo(ExitCodes.Ok), first.StandardError.ReadToEnd());
        }

        var firstManifest = RunManifest.TryRead(outDir)!;
        var outcomes = new List<string>();

        // Kill points spread over the run (start-up, model run, PSA, writing, charts, swap); a run takes a few seconds here.
        foreach (var delayMs in new[] { 300, 900, 1500, 2100, 2700, 3400 })
        {
            using var p = Process.Start(Socinv("run", "--out", outDir, "--horizon", "20"))!;
            p.StandardOutput.ReadToEndAsync();
            p.StandardError.ReadToEndAsync();
            var exited = p.WaitForExit(delayMs);
            if (!exited)
            {
                p.Kill();
                p.WaitForExit();
            }

            Assert.That(Directory.Exists(outDir), Is.True, $"killed after {delayMs} ms: the output folder exists");
            var m = RunManifest.TryRead(outDir);
            Assert.That(m, Is.Not.Null, $"killed after {delayMs} ms: the folder has a manifest");
            Assert.That(m!.Verify(outDir), Is.Empty, $"killed after {delayMs} ms: every file matches the manifest and nothing else is there");
            outcomes.Add(m.Settings.Horizon == 30 ? "old" : "new");
            TestContext.Out.WriteLine($"{delayMs} ms: {(exited ? "finished" : "killed")}, folder holds the {outcomes[^1]} run");
        }

        Assert.That(firstManifest.Settings.Horizon, Is.EqualTo(30));
    }
}
