using SocialInvestment.Scenarios;

namespace SocialInvestment.Orleans.Tests;

internal static class ScenarioDocumentTestData
{
    /// <summary>A copy of <paramref name="document"/> with one file's content replaced.</summary>
    public static ScenarioDocument WithFile(ScenarioDocument document, string file, string content)
        => ScenarioDocument.FromFiles(document.Files.ToDictionary(p => p.Key, p => p.Key == file ? System.Text.Encoding.UTF8.GetBytes(content) : p.Value));
}
