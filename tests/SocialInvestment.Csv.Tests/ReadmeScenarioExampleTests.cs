using System.Text.RegularExpressions;
using SocialInvestment.Csv.Tests.TestSupport;
using SocialInvestment.Scenarios;

namespace SocialInvestment.Csv.Tests;

/// <summary>Keeps the README's scenario example true: it runs here, and the README must contain it verbatim.</summary>
public class ReadmeScenarioExampleTests
{
    private string _dir = null!;

    [SetUp]
    public void SetUp() => _dir = Directory.CreateTempSubdirectory("socinv-readme-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, recursive: true);

    [Test]
    public void Example_RunsTheDefaultAndWritesResults()
    {
        var previous = Directory.GetCurrentDirectory();
        Directory.SetCurrentDirectory(_dir);
        try
        {
            // README: begin
            var scenario = NorwegianDefault.Load();                 // or ScenarioReader.Read("my-scenario")
            var run = ScenarioRunner.Run(scenario);
            var ips = run.Appraisal("IPS for young people", "public");
            Console.WriteLine($"NPV {ips.NetPresentValue:N0} NOK, BCR {ips.BenefitCostRatio:F2}");
            ResultWriter.WriteAll(run, "socinv-out");               // results.csv + summary.json (atomic writes)
            // README: end
            Assert.That(ips.NetPresentValue, Is.GreaterThan(0));
            Assert.That(File.Exists(Path.Combine(_dir, "socinv-out", "summary.json")), Is.True);
        }
        finally
        {
            Directory.SetCurrentDirectory(previous);
        }
    }

    [Test]
    public void Readme_ContainsTheScenarioExample()
    {
        var root = Repository.Root;
        var source = File.ReadAllText(Path.Combine(root, "tests", "SocialInvestment.Csv.Tests", "ReadmeScenarioExampleTests.cs"));
        var block = Regex.Match(source, @"// README: begin\r?\n(.*?)\r?\n\s*// README: end", RegexOptions.Singleline).Groups[1].Value;
        var code = string.Join('\n', block.Split('\n').Select(l => l.Length >= 12 ? l[12..] : l.TrimStart()));
        var readme = File.ReadAllText(Path.Combine(root, "README.md")).Replace("\r\n", "\n", StringComparison.Ordinal);
        Assert.That(readme, Does.Contain(code));
    }
}
