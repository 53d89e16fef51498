using System.Globalization;
using System.Text;
using SocialInvestment.Scenarios;

namespace SocialInvestment.Csv.Tests;

/// <summary>
/// Memory of reading a large table (issue 8, item 8: a 200 MB table took 5× its size to validate).
/// A flows.csv of about 8 MB built from the default's rows (every amount different, the names and
/// sources repeated as in a real table) is read with raised limits; what the scenario retains,
/// measured after a full blocking collection, must stay under 1.5 bytes per file byte.
/// </summary>
[NonParallelizable]
public sealed class ReadMemoryTests
{
    /// <summary>
    /// Bound on retained managed bytes per byte of flows.csv. Measured: 1.13 with the rows' repeated
    /// texts pooled and the source map compact (mostly the typed rows themselves, about 140 bytes per
    /// row of about 220 bytes). Before, every row kept its own copy of each text: at 200 MB the
    /// managed heap after reading was 799 MB (not measured after a full collection, so an upper bound).
    /// GC.GetTotalMemory(true) after a full collection counts live objects exactly (the rest of the
    /// process's heap is a few hundred KB, under 0.1 per byte at this size), so 1.5 leaves room for
    /// runtime differences and still fails for per-row strings.
    /// </summary>
    private const double MaxRetainedPerFileByte = 1.5;

    private string _dir = null!;

    [SetUp]
    public void SetUp()
    {
        _dir = Directory.CreateTempSubdirectory("socinv-readmem-").FullName;
        NorwegianDefault.WriteTo(_dir);
    }

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, recursive: true);

    [Test]
    public void ReadingALargeFlowsTable_RetainsUnderOneAndAHalfBytesPerFileByte()
    {
        var path = Path.Combine(_dir, "flows.csv");
        var lines = File.ReadAllLines(path);
        var header = lines[0];
        var amount = header.Split(',').ToList().IndexOf("amount");
        var rows = lines.Skip(1).Where(l => l.Length > 0 && !l.StartsWith('#') && !l.Contains('"', StringComparison.Ordinal) && l.Split(',')[amount].Length > 0).ToArray();
        Assert.That(rows, Is.Not.Empty);
        var sb = new StringBuilder(header).Append('\n');
        var n = 0;
        while (sb.Length < 8_000_000)
        {
            var f = rows[n % rows.Length].Split(',');
            f[amount] = (double.Parse(f[amount], CultureInfo.InvariantCulture) * (1 + (n * 1e-9))).ToString("R", CultureInfo.InvariantCulture);
            sb.Append(string.Join(',', f)).Append('\n');
            n++;
        }

        File.WriteAllText(path, sb.ToString());
        sb = null;
        var fileBytes = new FileInfo(path).Length;
        var limits = ScenarioLimits.Default with { MaxRowsPerTable = 10_000_000 };

        var before = GC.GetTotalMemory(forceFullCollection: true);
        var scenario = ScenarioReader.Read(_dir, limits);
        var retained = GC.GetTotalMemory(forceFullCollection: true) - before;
        Assert.That(scenario.Flows, Has.Count.GreaterThan(n - 1));
        var perByte = (double)retained / fileBytes;
        TestContext.Out.WriteLine($"flows.csv {fileBytes:N0} bytes, {scenario.Flows.Count:N0} rows: retained {retained:N0} bytes, {perByte:0.00} per file byte");
        Assert.That(perByte, Is.LessThan(MaxRetainedPerFileByte));
        GC.KeepAlive(scenario);
    }
}
