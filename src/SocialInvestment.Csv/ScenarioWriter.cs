namespace SocialInvestment.Scenarios;

/// <summary>Writes a scenario as a folder that <see cref="ScenarioReader.Read"/> reads back to an equal scenario.</summary>
public static class ScenarioWriter
{
    /// <summary>Writes <c>scenario.json</c> and the CSV tables into a folder (created if missing); each file is written to a temporary file and moved into place.</summary>
    /// <param name="scenario">The scenario.</param>
    /// <param name="directory">The folder.</param>
    public static void Write(Scenario scenario, string directory) => throw new NotImplementedException();
}
