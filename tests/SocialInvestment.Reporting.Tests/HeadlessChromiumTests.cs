using System.Diagnostics;
using System.Text.Json;
using SocialInvestment.Reporting.Tests.TestSupport;

namespace SocialInvestment.Reporting.Tests;

/// <summary>
/// Renders the HTML report in headless Chromium (Debian's <c>chromium</c>; CI installs it in
/// <c>.ci/run</c>) and checks what a reader would see: the page loads, every section is there,
/// every chart image decodes, and no numeric table cell wraps onto a second line. Skipped, with the
/// reason, only when no Chromium is installed.
/// </summary>
[NonParallelizable]
public class HeadlessChromiumTests
{
    private string _dir = null!;

    // Runs after load: one line of JSON in <pre id="check">, which --dump-dom prints.
    private const string CheckScript = """
        <script>
        window.addEventListener('load', () => {
          const cells = [...document.querySelectorAll('td.num')];
          const wrapped = cells.filter(td => {
            const range = document.createRange();
            range.selectNodeContents(td);
            const lines = new Set([...range.getClientRects()].map(r => Math.round(r.top)));
            return lines.size > 1;
          }).map(td => td.textContent);
          const images = [...document.querySelectorAll('img')];
          const result = {
            sections: [...document.querySelectorAll('a.section')].map(a => a.id),
            headings: [...document.querySelectorAll('h2')].map(h => h.textContent),
            numericCells: cells.length,
            wrapped: wrapped,
            images: images.length,
            brokenImages: images.filter(i => !(i.complete && i.naturalWidth > 0)).length,
            width: document.documentElement.scrollWidth,
          };
          const pre = document.createElement('pre');
          pre.id = 'check';
          pre.textContent = 'CHECK' + JSON.stringify(result) + 'END';
          document.body.appendChild(pre);
        });
        </script>
        """;

    [SetUp]
    public void SetUp() => _dir = Path.Combine(Path.GetTempPath(), "socinv-chromium-" + Guid.NewGuid().ToString("N"));

    [TearDown]
    public void TearDown()
    {
        if (Directory.Exists(_dir))
        {
            Directory.Delete(_dir, recursive: true);
        }
    }

    internal static string? FindChromium()
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? string.Empty;
        foreach (var name in new[] { "chromium", "chromium-browser", "google-chrome", "google-chrome-stable" })
        {
            foreach (var dir in path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
            {
                var candidate = Path.Combine(dir, name);
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }
        }

        return null;
    }

    private static (int ExitCode, string Out, string Err) RunChromium(string chromium, string profile, params string[] args)
    {
        var psi = new ProcessStartInfo(chromium)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in new[] { "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--hide-scrollbars", "--no-first-run", "--user-data-dir=" + profile, "--virtual-time-budget=15000" }.Concat(args))
        {
            psi.ArgumentList.Add(a);
        }

        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromSeconds(180)))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail("chromium did not finish within 180 s");
        }

        return (process.ExitCode, stdout.Result, stderr.Result);
    }

    private static Report FullReport(ReportLanguage language)
    {
        var (results, appraisals) = YouthModel.Run();
        var assumptions = new ReportAssumptions
        {
            Parameters = [new ParameterAssumption(YouthModel.ProgrammeCost, 90_000, "gamma", "annual programme cost per participant, NOK (test)"), new ParameterAssumption(YouthModel.Effect, 1.8, "gamma", "illustrative relative risk")],
            Interventions =
            [
                new InterventionAssumption(
                    "Supported employment", ["Supported employment"], ["NEET"], 16, 30, 1, null, "a job specialist follows the young person",
                    [new InterventionCostAssumption("municipality", "employment", SocialInvestment.Model.CostTiming.PerCycle, 90_000, YouthModel.ProgrammeCost, 2, ["NEET"], "test figure")],
                    [new InterventionEffectAssumption("NEET → Work", SocialInvestment.Model.EffectMeasure.RelativeRisk, 1.8, YouthModel.Effect, EffectDuration.Constant, 5, null, "illustrative", true)]),
            ],
            TaxFinancingCost = 0.2,
        };
        var options = new ReportOptions { Title = "Youth report in Chromium", Language = language, ChartWidth = 900, ChartHeight = 500 };
        return new ReportBuilder(results, results[0], appraisals, options).WithUncertainty(YouthModel.Psa(draws: 80)).WithAssumptions(assumptions).Build();
    }

    [TestCase(ReportLanguage.English, 1200)]
    [TestCase(ReportLanguage.NorwegianBokmal, 800)]
    public void ReportHtml_InHeadlessChromium_RendersEverySectionAndNoNumericCellWraps(ReportLanguage language, int width)
    {
        var chromium = FindChromium();
        if (chromium is null)
        {
            Assert.Ignore("Chromium is not installed (apt-get install -y chromium); .ci/run installs it, so CI always runs this check.");
        }

        Directory.CreateDirectory(_dir);
        var report = FullReport(language);
        var written = report.WriteTo(_dir);
        var html = File.ReadAllText(written[0]);
        var checkedHtml = Path.Combine(_dir, "checked.html");
        File.WriteAllText(checkedHtml, html.Replace("</body>", CheckScript + "</body>", StringComparison.Ordinal));
        var url = new Uri(checkedHtml).AbsoluteUri;
        var windowSize = $"--window-size={width},2000";

        var dom = RunChromium(chromium!, Path.Combine(_dir, "profile-dom"), windowSize, "--dump-dom", url);
        var start = dom.Out.IndexOf("CHECK{", StringComparison.Ordinal);
        var end = dom.Out.IndexOf("END</pre>", StringComparison.Ordinal);
        Assert.That(start >= 0 && end > start, Is.True, $"the check script ran (exit {dom.ExitCode}): {dom.Err[..Math.Min(2000, dom.Err.Length)]}");
        using var result = JsonDocument.Parse(System.Net.WebUtility.HtmlDecode(dom.Out[(start + 5)..end]));
        var root = result.RootElement;
        var sections = root.GetProperty("sections").EnumerateArray().Select(e => e.GetString()).ToArray();
        Assert.That(sections, Is.EqualTo(new[] { "settings", "summary", "who-invests", "what-changes", "uncertainty", "assumptions", "baseline", "conventions" }));
        Assert.That(root.GetProperty("headings").GetArrayLength(), Is.EqualTo(8));
        Assert.That(root.GetProperty("images").GetInt32(), Is.EqualTo(report.Charts.Count));
        Assert.That(root.GetProperty("brokenImages").GetInt32(), Is.EqualTo(0), "every chart decodes");
        Assert.That(root.GetProperty("numericCells").GetInt32(), Is.GreaterThan(50));
        Assert.That(root.GetProperty("wrapped").EnumerateArray().Select(e => e.GetString()), Is.Empty, "numeric cells that wrap onto a second line");

        var screenshot = Path.Combine(_dir, "report.png");
        var shot = RunChromium(chromium!, Path.Combine(_dir, "profile-shot"), windowSize, "--screenshot=" + screenshot, new Uri(written[0]).AbsoluteUri);
        Assert.That(File.Exists(screenshot), Is.True, $"chromium wrote a screenshot (exit {shot.ExitCode})");
        var png = File.ReadAllBytes(screenshot);
        ChartsTests.AssertPng(png, width, 2000);
        var keep = Environment.GetEnvironmentVariable("SOCINV_KEEP_SCREENSHOT");
        if (!string.IsNullOrEmpty(keep))
        {
            File.Copy(screenshot, Path.Combine(keep, $"report-{language}-{width}.png"), overwrite: true);
        }
    }
}
