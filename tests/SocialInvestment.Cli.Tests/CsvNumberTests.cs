using System.Globalization;
using System.Text.RegularExpressions;
using SocialInvestment.Cli.Tests.TestSupport;
using SocialInvestment.Csv.Tests.TestSupport;
using SocialInvestment.IO;
using SocialInvestment.Scenarios;

namespace SocialInvestment.Cli.Tests;

/// <summary>Numbers for Excel: CSV and JSON files use plain invariant numbers whatever --culture (or the process culture) is; the culture changes only console and report text.</summary>
public partial class CsvNumberTests : TempFolderTest
{
    [GeneratedRegex(@"^-?[0-9]+(\.[0-9]+)?(E[+-][0-9]+)?$", RegexOptions.CultureInvariant)]
    private static partial Regex PlainNumber();

    [GeneratedRegex(@"^[-+−\u2212]?[0-9][0-9\s\u00a0\u202f.,]*$", RegexOptions.CultureInvariant)]
    private static partial Regex LooksNumeric();

    private static readonly char[] NotForExcel = ['\u2212', '\u202f', '\u00a0', '\u2009', '\u2007'];

    [Test]
    [SetCulture("nb-NO")]
    public void Format_IsInvariantAsciiWhateverTheCurrentCulture()
    {
        Assert.That(CsvNumber.Format(-1234567.25), Is.EqualTo("-1234567.25"));
        Assert.That(CsvNumber.Format(-0.0), Is.EqualTo("0"));
        Assert.That(CsvNumber.Format(1e20), Is.EqualTo("1E+20"));
        Assert.That(CsvNumber.Format(double.NaN), Is.Empty);
        Assert.That(CsvNumber.Format(double.NegativeInfinity), Is.Empty);
        Assert.That(double.Parse(CsvNumber.Format(0.1 + 0.2), CultureInfo.InvariantCulture), Is.EqualTo(0.1 + 0.2), "round trip");
    }

    [Test]
    [SetCulture("nb-NO")]
    public void FormatUtf8_WritesTheBytesOfFormat()
    {
        // Edge cases and 20,000 random doubles of every exponent and sign (psa.csv is written with FormatUtf8).
        var values = new List<double> { 0, -0.0, 1, -1, 0.1 + 0.2, 1e20, -1e-20, double.MaxValue, double.MinValue, double.Epsilon, -double.Epsilon, 1e15, 1e16, 123456789012345678, double.NaN, double.PositiveInfinity, double.NegativeInfinity };
        var rng = new Random(12);
        for (var i = 0; i < 20_000; i++)
        {
            values.Add(BitConverter.Int64BitsToDouble(rng.NextInt64()));
            values.Add(Math.Round((rng.NextDouble() - 0.5) * Math.Pow(10, rng.Next(0, 12)), rng.Next(0, 6)));
        }

        var buffer = new byte[CsvNumber.MaxUtf8Length];
        foreach (var v in values)
        {
            var n = CsvNumber.FormatUtf8(v, buffer);
            Assert.That(System.Text.Encoding.UTF8.GetString(buffer, 0, n), Is.EqualTo(CsvNumber.Format(v)), v.ToString("R", CultureInfo.InvariantCulture));
        }
    }

    [Test]
    [SetCulture("nb-NO")]
    public void Run_NorwegianCulture_WritesPlainNumbersIntoEveryCsvAndJsonFile()
    {
        var scenario = Path.Combine(Dir, "small");
        ScenarioWriter.Write(SmallScenario.Create(), scenario);
        var outDir = Path.Combine(Dir, "out");
        var r = Socinv.Run("run", scenario, "--out", outDir, "--culture", "nb-NO", "--draws", "8");
        Assert.That(r.ExitCode, Is.EqualTo(ExitCodes.Ok), r.Err);
        Assert.That(r.Out.IndexOfAny(['\u2212', '\u00a0', '\u202f']), Is.GreaterThanOrEqualTo(0), "the console does use Norwegian number text (the check below would otherwise prove nothing)");

        var numbers = 0;
        foreach (var csv in new[] { "results.csv", "psa.csv" })
        {
            var text = File.ReadAllText(Path.Combine(outDir, csv));
            Assert.That(text.IndexOfAny(NotForExcel), Is.EqualTo(-1), csv);
            foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1))
            {
                foreach (var field in line.Split(','))
                {
                    if (LooksNumeric().IsMatch(field))
                    {
                        Assert.That(field, Does.Match(PlainNumber()), $"{csv}: {line}");
                        Assert.That(double.TryParse(field, NumberStyles.Float, CultureInfo.InvariantCulture, out _), Is.True, field);
                        numbers++;
                    }
                }
            }
        }

        Assert.That(numbers, Is.GreaterThan(1000), "the files were read and hold numbers");
        Assert.That(File.ReadAllText(Path.Combine(outDir, "results.csv")), Does.Contain(",-"), "negative values are there, with an ASCII minus");
        foreach (var json in new[] { "summary.json", "manifest.json" })
        {
            Assert.That(File.ReadAllText(Path.Combine(outDir, json)).IndexOfAny(NotForExcel), Is.EqualTo(-1), json);
        }
    }
}
