using System.Reflection;
using SocialInvestment.Engine;

namespace SocialInvestment.Orleans;

/// <summary>The library version a coordinator and a silo compare before a silo accepts work.</summary>
public static class ClusterVersion
{
    /// <summary>
    /// The informational version of the SocialInvestment core assembly in this process (for example
    /// <c>0.1.0+&lt;commit&gt;</c>). Results are bit-identical only between processes running the
    /// same library build, so a silo refuses work from a coordinator with another version.
    /// </summary>
    public static string Current { get; } =
        typeof(MicrosimEngine).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
        ?? typeof(MicrosimEngine).Assembly.GetName().Version?.ToString()
        ?? "unknown";
}
