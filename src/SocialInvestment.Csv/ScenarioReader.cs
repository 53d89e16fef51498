namespace SocialInvestment.Scenarios;

/// <summary>Reads a scenario folder: a JSON manifest (<c>scenario.json</c>) and the CSV tables it names.</summary>
public static partial class ScenarioReader
{
    /// <summary>Reads and validates a scenario folder.</summary>
    /// <param name="directory">The folder holding <c>scenario.json</c>.</param>
    /// <returns>The scenario.</returns>
    /// <exception cref="ScenarioFormatException">Every problem in every file, each with file, line, column and the expected form.</exception>
    public static Scenario Read(string directory) => throw new NotImplementedException();
}
