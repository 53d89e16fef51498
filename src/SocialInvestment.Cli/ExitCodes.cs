namespace SocialInvestment.Cli;

/// <summary>The process exit codes of socinv (documented in the README).</summary>
internal static class ExitCodes
{
    /// <summary>Success.</summary>
    public const int Ok = 0;

    /// <summary>Invalid input: the scenario has problems (format, names, values), or an option does not fit the scenario.</summary>
    public const int InvalidInput = 1;

    /// <summary>Usage error: unknown command or option, missing or malformed argument.</summary>
    public const int Usage = 2;

    /// <summary>I/O error: a file or folder could not be read or written.</summary>
    public const int IoError = 3;

    /// <summary>Unexpected error (a bug): rerun with --verbose for the stack trace.</summary>
    public const int Unexpected = 4;

    /// <summary>Cluster error (run --cluster): no Orleans cluster answered at the address within the timeout, or the cluster refused or failed the work.</summary>
    public const int ClusterError = 5;

    /// <summary>Cancelled (Ctrl+C), as shells report SIGINT.</summary>
    public const int Cancelled = 130;
}

/// <summary>What the tool knows about its surroundings, passed in rather than read from globals.</summary>
/// <param name="ErrorIsTerminal">True when standard error is an interactive terminal (progress is then redrawn in place).</param>
internal sealed record CliEnvironment(bool ErrorIsTerminal = false)
{
    /// <summary>
    /// Test hook: called while a run writes its output, with "results" (after the CSV and JSON results),
    /// "report" (after the report and charts), "manifest" (after manifest.json) and "swap" (just before
    /// the new folder replaces the old). An exception from it interrupts the run there, as a crash would.
    /// </summary>
    public Action<string>? OnWriting { get; init; }

    /// <summary>Test hook: called after a run's PSA with the options it ran with and the draw sample the report's per-draw charts read.</summary>
    public Action<SocialInvestment.Scenarios.ScenarioRunOptions, SocialInvestment.Reporting.PsaDrawSample>? OnPsa { get; init; }
}

/// <summary>An error the user can fix, reported as one line with an exit code.</summary>
internal sealed class CliException(int exitCode, string message, IReadOnlyList<string>? details = null) : Exception(message)
{
    public int ExitCode { get; } = exitCode;

    public IReadOnlyList<string> Details { get; } = details ?? [];
}
