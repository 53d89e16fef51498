using System.Globalization;
using System.Text;
using SocialInvestment.Model;

namespace SocialInvestment.Scenarios;

/// <summary>One problem found in a scenario folder.</summary>
/// <param name="File">The file (name relative to the scenario folder).</param>
/// <param name="Line">1-based line in the file, when known.</param>
/// <param name="Column">1-based column (field number in a CSV row), when known.</param>
/// <param name="Field">The column name or JSON property, when known.</param>
/// <param name="Message">What is wrong and what form is expected.</param>
public sealed record ScenarioProblem(string File, int? Line, int? Column, string? Field, string Message)
{
    /// <summary>
    /// For a problem of the model the scenario describes (found when it was built), what it is
    /// about as data (<see cref="ValidationProblem.Target"/>: kind and keys); null for a problem of
    /// the files themselves (a bad number, an unknown column, an unknown name).
    /// </summary>
    public ProblemSubject? Target { get; init; }

    /// <summary>The problem as <c>file:line:column: [field] message</c>.</summary>
    public override string ToString()
    {
        var sb = new StringBuilder(File);
        if (Line is int l)
        {
            sb.Append(CultureInfo.InvariantCulture, $":{l}");
            if (Column is int c)
            {
                sb.Append(CultureInfo.InvariantCulture, $":{c}");
            }
        }

        sb.Append(": ");
        if (Field is not null)
        {
            sb.Append('[').Append(Field).Append("] ");
        }

        return sb.Append(Message).ToString();
    }
}

/// <summary>
/// Thrown when a scenario folder cannot be read: lists every problem in every file, each with its
/// file, line, column and the expected form.
/// </summary>
public sealed class ScenarioFormatException : Exception
{
    /// <summary>Creates the exception from the problems found.</summary>
    /// <param name="problems">The problems (at least one).</param>
    public ScenarioFormatException(IReadOnlyList<ScenarioProblem> problems)
        : this(problems, 0)
    {
    }

    /// <summary>Creates the exception from the problems kept and the number found but not kept (beyond <see cref="ScenarioLimits.MaxProblems"/>).</summary>
    /// <param name="problems">The problems kept (at least one).</param>
    /// <param name="omittedCount">Problems found but not listed, ≥ 0.</param>
    public ScenarioFormatException(IReadOnlyList<ScenarioProblem> problems, int omittedCount)
        : base(Format(problems, omittedCount))
    {
        Problems = problems;
        OmittedCount = Math.Max(0, omittedCount);
    }

    /// <summary>Creates the exception with one problem not tied to a file.</summary>
    public ScenarioFormatException()
        : this([new ScenarioProblem("scenario", null, null, null, "The scenario is invalid.")])
    {
    }

    /// <summary>Creates the exception with one problem not tied to a file.</summary>
    /// <param name="message">The problem.</param>
    public ScenarioFormatException(string message)
        : this([new ScenarioProblem("scenario", null, null, null, message)])
    {
    }

    /// <summary>Creates the exception with one problem not tied to a file and its cause.</summary>
    /// <param name="message">The problem.</param>
    /// <param name="innerException">The cause.</param>
    public ScenarioFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
        Problems = [new ScenarioProblem("scenario", null, null, null, message)];
    }

    /// <summary>Every problem found, in file and line order.</summary>
    public IReadOnlyList<ScenarioProblem> Problems { get; } = [];

    /// <summary>Problems found beyond those listed in <see cref="Problems"/> (the reader keeps at most <see cref="ScenarioLimits.MaxProblems"/>).</summary>
    public int OmittedCount { get; }

    private static string Format(IReadOnlyList<ScenarioProblem> problems, int omitted)
    {
        ArgumentNullException.ThrowIfNull(problems);
        var total = problems.Count + Math.Max(0, omitted);
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"The scenario has {total} problem{(total == 1 ? "" : "s")}:");
        foreach (var p in problems)
        {
            sb.AppendLine().Append("  ").Append(p);
        }

        if (omitted > 0)
        {
            sb.AppendLine().Append(CultureInfo.InvariantCulture, $"  … and {omitted} more (only the first {problems.Count} are listed; ScenarioLimits.MaxProblems).");
        }

        return sb.ToString();
    }
}
