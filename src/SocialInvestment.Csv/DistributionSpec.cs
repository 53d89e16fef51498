using System.Globalization;
using SocialInvestment.Uncertainty;

namespace SocialInvestment.Scenarios;

/// <summary>
/// A parameter's distribution stored as data (the samplers live elsewhere). Families and their
/// arguments, in this order:
/// <list type="bullet">
/// <item><c>beta</c>: α &gt; 0, β &gt; 0;</item>
/// <item><c>gamma</c>: shape k &gt; 0, scale θ &gt; 0 (mean kθ);</item>
/// <item><c>lognormal</c>: μ, σ &gt; 0 of the underlying normal (log scale);</item>
/// <item><c>normal</c>: mean, standard deviation &gt; 0;</item>
/// <item><c>truncnormal</c>: mean, standard deviation &gt; 0, lower, upper (lower &lt; upper);</item>
/// <item><c>uniform</c>: lower &lt; upper;</item>
/// <item><c>triangular</c>: lower ≤ mode ≤ upper, lower &lt; upper;</item>
/// <item><c>dirichlet</c>: two or more concentrations αᵢ &gt; 0;</item>
/// <item><c>fixed</c>: no arguments (the base value is used).</item>
/// </list>
/// Equality compares the family (case-insensitively) and the arguments element by element.
/// </summary>
/// <param name="Family">Family name (lower case).</param>
/// <param name="Arguments">The arguments, in the order listed above.</param>
public sealed record DistributionSpec(string Family, IReadOnlyList<double> Arguments)
{
    /// <summary>The known family names.</summary>
    public static IReadOnlyList<string> Families { get; } = ["beta", "gamma", "lognormal", "normal", "truncnormal", "uniform", "triangular", "dirichlet", "fixed"];

    /// <summary>Checks the family name, the number of arguments and their obvious ranges.</summary>
    /// <returns>Every problem found, in words; empty when the specification is valid.</returns>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        var a = Arguments ?? [];
        if (a.Any(x => !double.IsFinite(x)))
        {
            problems.Add("All distribution arguments must be finite numbers.");
            return problems;
        }

        var family = Family?.Trim().ToUpperInvariant() ?? string.Empty;
        void Arity(int n, string form)
        {
            if (a.Count != n)
            {
                problems.Add(string.Create(CultureInfo.InvariantCulture, $"'{Family}' takes {n} argument{(n == 1 ? "" : "s")} ({form}), got {a.Count}."));
            }
        }

        switch (family)
        {
            case "BETA":
                Arity(2, "alpha beta");
                if (a.Count == 2 && (a[0] <= 0 || a[1] <= 0)) problems.Add("beta: alpha and beta must be > 0.");
                break;
            case "GAMMA":
                Arity(2, "shape scale");
                if (a.Count == 2 && (a[0] <= 0 || a[1] <= 0)) problems.Add("gamma: shape and scale must be > 0.");
                break;
            case "LOGNORMAL":
                Arity(2, "mu sigma, on the log scale");
                if (a.Count == 2 && a[1] <= 0) problems.Add("lognormal: sigma must be > 0.");
                break;
            case "NORMAL":
                Arity(2, "mean sd");
                if (a.Count == 2 && a[1] <= 0) problems.Add("normal: sd must be > 0.");
                break;
            case "TRUNCNORMAL":
                Arity(4, "mean sd lower upper");
                if (a.Count == 4 && a[1] <= 0) problems.Add("truncnormal: sd must be > 0.");
                if (a.Count == 4 && !(a[2] < a[3])) problems.Add("truncnormal: lower must be < upper.");
                break;
            case "UNIFORM":
                Arity(2, "lower upper");
                if (a.Count == 2 && !(a[0] < a[1])) problems.Add("uniform: lower must be < upper.");
                break;
            case "TRIANGULAR":
                Arity(3, "lower mode upper");
                if (a.Count == 3 && !(a[0] <= a[1] && a[1] <= a[2] && a[0] < a[2])) problems.Add("triangular: need lower ≤ mode ≤ upper and lower < upper.");
                break;
            case "DIRICHLET":
                if (a.Count < 2) problems.Add($"'dirichlet' takes two or more concentrations, got {a.Count}.");
                if (a.Any(x => x <= 0)) problems.Add("dirichlet: every concentration must be > 0.");
                break;
            case "FIXED":
                Arity(0, "none");
                break;
            default:
                problems.Add($"Unknown distribution '{Family}'. Known: {string.Join(", ", Families)}.");
                break;
        }

        return problems;
    }

    /// <summary>
    /// The sampler of a univariate specification, in the Uncertainty library's terms: beta →
    /// <see cref="BetaDistribution"/>(α, β), gamma → <see cref="GammaDistribution"/>(shape, scale),
    /// lognormal → <see cref="LogNormalDistribution"/>(μ, σ), normal → <see cref="NormalDistribution"/>,
    /// truncnormal → <see cref="TruncatedNormalDistribution"/>(mean, sd, lower, upper), uniform →
    /// <see cref="UniformDistribution"/>, triangular → <see cref="TriangularDistribution"/>(lower, mode,
    /// upper), fixed → <see cref="FixedDistribution"/>(<paramref name="baseValue"/>). A dirichlet is a
    /// group of parameters: use <see cref="ToDirichlet"/> or <see cref="Scenario.ToPsaSpecification"/>.
    /// </summary>
    /// <param name="baseValue">The parameter's base value (used by <c>fixed</c> only).</param>
    /// <returns>The distribution.</returns>
    /// <exception cref="InvalidOperationException">The specification is invalid (every problem listed) or is a dirichlet.</exception>
    public Distribution ToDistribution(double baseValue)
    {
        var a = CheckedArguments();
        try
        {
            return Family.Trim().ToUpperInvariant() switch
            {
                "BETA" => new BetaDistribution(a[0], a[1]),
                "GAMMA" => new GammaDistribution(a[0], a[1]),
                "LOGNORMAL" => new LogNormalDistribution(a[0], a[1]),
                "NORMAL" => new NormalDistribution(a[0], a[1]),
                "TRUNCNORMAL" => new TruncatedNormalDistribution(a[0], a[1], a[2], a[3]),
                "UNIFORM" => new UniformDistribution(a[0], a[1]),
                "TRIANGULAR" => new TriangularDistribution(a[0], a[1], a[2]),
                "FIXED" => new FixedDistribution(baseValue),
                _ => throw new InvalidOperationException($"'{Family}' is a distribution over a group of parameters (consecutive dirichlet rows with the same concentrations); use ToDirichlet() or Scenario.ToPsaSpecification."),
            };
        }
        catch (ArgumentException e)
        {
            throw new InvalidOperationException($"{this}: {e.Message}", e);
        }
    }

    /// <summary>The Dirichlet distribution of a <c>dirichlet</c> specification (component i has concentration αᵢ).</summary>
    /// <returns>The distribution.</returns>
    /// <exception cref="InvalidOperationException">The specification is invalid or not a dirichlet.</exception>
    public DirichletDistribution ToDirichlet()
    {
        var a = CheckedArguments();
        if (!IsDirichlet)
        {
            throw new InvalidOperationException($"'{Family}' is not a dirichlet specification; use ToDistribution.");
        }

        try
        {
            return new DirichletDistribution(a);
        }
        catch (ArgumentException e)
        {
            throw new InvalidOperationException($"{this}: {e.Message}", e);
        }
    }

    internal bool IsDirichlet => string.Equals(Family?.Trim(), "dirichlet", StringComparison.OrdinalIgnoreCase);

    private IReadOnlyList<double> CheckedArguments()
    {
        var problems = Validate();
        if (problems.Count > 0)
        {
            throw new InvalidOperationException($"Invalid distribution '{this}': {string.Join(" ", problems)}");
        }

        return Arguments;
    }

    /// <inheritdoc/>
    public bool Equals(DistributionSpec? other)
        => other is not null && string.Equals(Family, other.Family, StringComparison.OrdinalIgnoreCase) && Arguments.SequenceEqual(other.Arguments);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Family?.ToUpperInvariant(), Arguments.Count);

    /// <summary>The specification as written in <c>parameters.csv</c>: family and space-separated arguments.</summary>
    public override string ToString() => Arguments.Count == 0 ? Family : Family + " " + string.Join(' ', Arguments.Select(x => x.ToString("R", CultureInfo.InvariantCulture)));
}
