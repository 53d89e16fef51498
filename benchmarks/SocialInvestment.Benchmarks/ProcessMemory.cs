using System.Globalization;

namespace SocialInvestment.Benchmarks;

/// <summary>Memory measurements shared by the plain runners.</summary>
internal static class ProcessMemory
{
    /// <summary>Peak resident set size (VmHWM of /proc/self/status) in MB; NaN where unavailable.</summary>
    public static double PeakRssMb()
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/self/status"))
            {
                if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                {
                    var kb = double.Parse(line["VmHWM:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
                    return kb / 1024;
                }
            }
        }
        catch (IOException)
        {
        }

        return double.NaN;
    }
}
