namespace SocialInvestment.Csv.Tests.TestSupport;

/// <summary>The checkout the tests run from.</summary>
internal static class Repository
{
    /// <summary>The repository's root folder: the nearest parent of the test binaries that holds SocialInvestment.slnx.</summary>
    public static string Root
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "SocialInvestment.slnx")))
            {
                dir = dir.Parent;
            }

            return dir?.FullName ?? throw new DirectoryNotFoundException("Repository root (SocialInvestment.slnx) not found.");
        }
    }
}
