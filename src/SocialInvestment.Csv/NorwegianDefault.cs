namespace SocialInvestment.Scenarios;

/// <summary>The built-in Norwegian youth life-course model, shipped as embedded resources.</summary>
public static class NorwegianDefault
{
    /// <summary>Loads the default scenario from the embedded files.</summary>
    public static Scenario Load() => throw new NotImplementedException();

    /// <summary>Writes the default scenario's files, as shipped, into a folder (an editable copy).</summary>
    /// <param name="directory">The folder (created if missing).</param>
    public static void WriteTo(string directory) => throw new NotImplementedException();
}
