namespace SocialInvestment.Scenarios;

/// <summary>Exports a <see cref="ScenarioRun"/> as tidy CSV and a JSON summary, atomically.</summary>
public static class ResultWriter
{
    /// <summary>Writes the tidy CSV of occupancy and flows.</summary>
    /// <param name="run">The run.</param>
    /// <param name="path">The file.</param>
    public static void WriteTidyCsv(ScenarioRun run, string path) => throw new NotImplementedException();

    /// <summary>Writes the JSON summary.</summary>
    /// <param name="run">The run.</param>
    /// <param name="path">The file.</param>
    public static void WriteSummaryJson(ScenarioRun run, string path) => throw new NotImplementedException();

    /// <summary>Writes <c>results.csv</c> and <c>summary.json</c> into a folder.</summary>
    /// <param name="run">The run.</param>
    /// <param name="directory">The folder (created if missing).</param>
    public static void WriteAll(ScenarioRun run, string directory) => throw new NotImplementedException();
}
