using System.Globalization;
using SocialInvestment.Cli.Tests.TestSupport;
using SocialInvestment.Model;

namespace SocialInvestment.Cli.Tests;

/// <summary>socinv run --draws: psa.csv and the report's Uncertainty section.</summary>
public class UncertaintyOutputTests : TempFolderTest
{
    private static string Line(string output, string prefix)
        => output.Split('\n').Single(l => l.StartsWith(prefix, StringComparison.Ordinal)).TrimEnd('\r');

    /// <summary>Splits one RFC 4180 CSV line.</summary>
    private static List<string> Fields(string line)
    {
        var fields = new List<string>();
        var cell = new System.Text.StringBuilder();
        var quoted = false;
        for (var i = 0; i < line.Length; i++)
        {
            var ch = line[i];
            if (quoted)
            {
                if (ch == '"' && i + 1 < line.Length && line[i + 1] == '"')
                {
                    cell.Append('"');
                    i++;
                }
                else if (ch == '"')
                {
                    quoted = false;
                }
                else
                {
                    cell.Append(ch);
                }
            }
            else if (ch == '"')
            {
                quoted = true;
            }
            else if (ch == ',')
            {
                fields.Add(cell.ToString());
                cell.Clear();
            }
            else
            {
                cell.Append(ch);
            }
        }

        fields.Add(cell.ToString());
        return fields;
    }

    [Test]
    public void Run_Draws30_WritesPsaCsvWithOneRowPerDrawStrategyAndPerspective()
    {
        var outDir = Path.Combine(Dir, "out");
        var r = Socinv.Run("run", "--out", outDir, "--draws", "30", "--seed", "7", "--horizon", "30");
        Assert.That(r.ExitCode, Is.EqualTo(ExitCodes.Ok), r.Err);
        Assert.That(Line(r.Out, "Wrote to"), Does.Contain("psa.csv"));
        var strategies = Line(r.Out, "Strategies: ")["Strategies: ".Length..].Split("; comparator:")[0].Split(", ");
        var perspectives = Line(r.Out, "Perspectives: ")["Perspectives: ".Length..].Split(", ");
        var lines = File.ReadAllLines(Path.Combine(outDir, "psa.csv"));
        var header = Fields(lines[0]);
        Assert.That(header.Take(5), Is.EqualTo(new[] { "draw", "strategy", "perspective", "npv", "bcr" }));
        Assert.That(header, Has.Count.GreaterThan(5), "the default scenario gives parameters distributions; their drawn values follow");
        var rows = lines.Skip(1).Select(Fields).ToList();
        Assert.That(rows, Has.Count.EqualTo(30 * (strategies.Length - 1) * perspectives.Length));
        Assert.That(rows.All(f => f.Count == header.Count), Is.True);
        var groups = rows.GroupBy(f => (Strategy: f[1], Perspective: f[2])).ToList();
        Assert.That(groups.Select(g => g.Key.Perspective).Distinct(), Is.EquivalentTo(perspectives));
        foreach (var g in groups)
        {
            Assert.That(g.Select(f => int.Parse(f[0], CultureInfo.InvariantCulture)), Is.EqualTo(Enumerable.Range(0, 30)), g.Key.ToString());
        }

        foreach (var draw in rows.GroupBy(f => f[0]))
        {
            Assert.That(draw.Select(f => string.Join(',', f.Skip(5))).Distinct().Count(), Is.EqualTo(1), $"draw {draw.Key}: one set of parameter values per draw");
        }

        Assert.That(Directory.GetFiles(outDir, "*.tmp*"), Is.Empty, "the atomic write leaves no temporary file");
    }

    [Test]
    public void Run_Draws30_ReportShowsTheUncertaintyWithTheMeansOfPsaCsv()
    {
        var outDir = Path.Combine(Dir, "out");
        var r = Socinv.Run("run", "--out", outDir, "--draws", "30", "--seed", "7", "--horizon", "30");
        Assert.That(r.ExitCode, Is.EqualTo(ExitCodes.Ok), r.Err);
        var html = File.ReadAllText(Path.Combine(outDir, "report.html"));
        var md = File.ReadAllText(Path.Combine(outDir, "report.md"));
        Assert.That(html, Does.Contain("<h2>Uncertainty</h2>"));
        Assert.That(md, Does.Contain("## Uncertainty").And.Contain("(probability-positive-npv.png)"));
        Assert.That(File.Exists(Path.Combine(outDir, "probability-positive-npv.png")), Is.True);
        Assert.That(Directory.GetFiles(outDir, "npv-distribution-*.png"), Has.Length.EqualTo(2), "society and public sector");

        // The report's mean NPV of each strategy and perspective equals the mean of its 30 rows in psa.csv
        // (rounded to whole currency units, invariant culture, as the report prints it).
        var rows = File.ReadAllLines(Path.Combine(outDir, "psa.csv")).Skip(1).Select(Fields);
        foreach (var g in rows.GroupBy(f => (Strategy: f[1], Perspective: f[2])))
        {
            var mean = g.Average(f => double.Parse(f[3], CultureInfo.InvariantCulture));
            // Columns: strategy, perspective, point NPV, mean NPV, …
            var cells = System.Text.RegularExpressions.Regex.Escape($"<td>{System.Net.WebUtility.HtmlEncode(g.Key.Strategy)}</td><td>{System.Net.WebUtility.HtmlEncode(g.Key.Perspective)}</td><td class=\"num\">")
                + "[^<]*" + System.Text.RegularExpressions.Regex.Escape($"</td><td class=\"num\">{Math.Round(mean).ToString("N0", CultureInfo.InvariantCulture)}</td>");
            Assert.That(html, Does.Match(cells), g.Key.ToString());
        }
    }

    [Test]
    public void Run_WithoutDraws_WritesNoPsaCsvAndNoUncertaintySection()
    {
        var outDir = Path.Combine(Dir, "out");
        var r = Socinv.Run("run", "--out", outDir, "--horizon", "30");
        Assert.That(r.ExitCode, Is.EqualTo(ExitCodes.Ok), r.Err);
        Assert.That(File.Exists(Path.Combine(outDir, "psa.csv")), Is.False);
        Assert.That(Line(r.Out, "Wrote to"), Does.Not.Contain("psa.csv"));
        Assert.That(File.ReadAllText(Path.Combine(outDir, "report.html")), Does.Not.Contain("Uncertainty"));
    }
}
