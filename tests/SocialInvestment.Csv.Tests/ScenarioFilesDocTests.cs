using SocialInvestment.Csv.Tests.TestSupport;
using SocialInvestment.Scenarios;

namespace SocialInvestment.Csv.Tests;

/// <summary>docs/scenario-files.md, the user reference of the file format, names every column the reader knows.</summary>
public sealed class ScenarioFilesDocTests
{
    private static readonly string[] Tables = ["states", "payers", "sectors", "parameters", "transitions", "flows", "population", "priceIndex", "interventions", "interventionCosts", "effects", "strategies"];

    [Test]
    public void Doc_DocumentsEveryColumnOfEveryTable()
    {
        var doc = File.ReadAllText(Path.Combine(Repository.Root, "docs", "scenario-files.md"));
        Assert.Multiple(() =>
        {
            foreach (var table in Tables)
            {
                var file = ScenarioFileName(table);
                var start = doc.IndexOf("### " + file, StringComparison.Ordinal);
                Assert.That(start, Is.GreaterThanOrEqualTo(0), $"a section for {file}");
                if (start < 0)
                {
                    continue;
                }

                var end = doc.IndexOf("\n### ", start + 4, StringComparison.Ordinal);
                var section = end < 0 ? doc[start..] : doc[start..end];
                foreach (var column in TableColumns.For(table))
                {
                    Assert.That(section, Does.Contain($"| `{column.Name}` |"), $"{file}: column {column.Name}");
                }
            }
        });
    }

    private static string ScenarioFileName(string key) => string.Concat(key.Select(c => char.IsUpper(c) ? "_" + char.ToLowerInvariant(c) : c.ToString())) + ".csv";
}
