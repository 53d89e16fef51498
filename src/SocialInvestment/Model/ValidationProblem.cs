namespace SocialInvestment.Model;

/// <summary>One problem found while validating or compiling a model.</summary>
/// <param name="Subject">What the problem is about, for example <c>transition H → S1</c>, <c>state 'NEET'</c> or <c>payer 'kommune'</c>.</param>
/// <param name="Message">What is wrong and what is expected.</param>
public sealed record ValidationProblem(string Subject, string Message)
{
    /// <inheritdoc />
    public override string ToString() => $"{Subject}: {Message}";
}

/// <summary>
/// Thrown when a model, scenario or option set is invalid. Lists every problem found, not just
/// the first, so that a user can fix them all in one pass.
/// </summary>
public sealed class ModelValidationException : Exception
{
    /// <summary>Creates the exception from the problems found.</summary>
    /// <param name="problems">At least one problem.</param>
    public ModelValidationException(IReadOnlyList<ValidationProblem> problems)
        : base(Format(problems))
    {
        Problems = problems;
    }

    /// <summary>Creates an exception with a single message (for serializers and tooling).</summary>
    public ModelValidationException()
        : this([new ValidationProblem("model", "The model is invalid.")])
    {
    }

    /// <summary>Creates an exception with a single message.</summary>
    /// <param name="message">The message.</param>
    public ModelValidationException(string message)
        : this([new ValidationProblem("model", message)])
    {
    }

    /// <summary>Creates an exception with a single message and an inner exception.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public ModelValidationException(string message, Exception innerException)
        : base(message, innerException)
    {
        Problems = [new ValidationProblem("model", message)];
    }

    /// <summary>Every problem found.</summary>
    public IReadOnlyList<ValidationProblem> Problems { get; } = [];

    private static string Format(IReadOnlyList<ValidationProblem> problems)
    {
        ArgumentNullException.ThrowIfNull(problems);
        var lines = problems.Select(p => "  - " + p);
        return $"The model is invalid ({problems.Count} problem{(problems.Count == 1 ? "" : "s")}):{Environment.NewLine}{string.Join(Environment.NewLine, lines)}";
    }
}
