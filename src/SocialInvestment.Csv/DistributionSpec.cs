using System.Globalization;
using SocialInvestment.Uncertainty;

namespace SocialInvestment.Scenarios;

/// <summary>
/// A parameter's distribution stored as data (the samplers live elsewhere). A distribution is
/// always centred on the parameter's point value (<see cref="ParameterRow.Value"/>), so that the
/// point run, the PSA and the tornado describe the same parameter. It is written in one of two forms.
/// <para>
/// <b>Spread form</b> (recommended; <see cref="ArgumentNames"/> non-empty): only the spread is
/// given, as name–number pairs, and the centre is the point value v, so editing the value moves the
/// whole distribution:
/// </para>
/// <list type="bullet">
/// <item><c>beta</c>: <c>n N</c> (as if observed in N: α = vN, β = (1−v)N) or <c>sd S</c> (method of moments); mean v ∈ (0, 1);</item>
/// <item><c>gamma</c>: <c>cv C</c> (shape 1/C², scale vC²) or <c>sd S</c> (shape v²/S², scale S²/v); mean v &gt; 0;</item>
/// <item><c>lognormal</c>: <c>sigma S</c> on the log scale, μ = ln v; median v &gt; 0 (the point estimate of a ratio);</item>
/// <item><c>normal</c>: <c>sd S</c> or <c>cv C</c> (sd = C·|v|); mean v;</item>
/// <item><c>truncnormal</c>: <c>sd S</c> or <c>cv C</c>, and <c>lower L upper U</c>; location μ = v with L ≤ v ≤ U;</item>
/// <item><c>uniform</c>: <c>halfwidth H</c> (v ± H) or <c>relative R</c> (v ± R·|v|); midpoint v;</item>
/// <item><c>triangular</c>: <c>lower L upper U</c>; mode v with L ≤ v ≤ U.</item>
/// </list>
/// <para>
/// <b>Explicit form</b> (<see cref="ArgumentNames"/> empty): the family's own arguments, in this
/// order; the distribution's centre (<see cref="Centre"/>) must then equal the point value within
/// <see cref="CentreTolerance"/>, or <see cref="ValidateAgainst"/> reports the mismatch:
/// </para>
/// <list type="bullet">
/// <item><c>beta</c>: α &gt; 0, β &gt; 0 (centre: the mean α/(α+β));</item>
/// <item><c>gamma</c>: shape k &gt; 0, scale θ &gt; 0 (centre: the mean kθ);</item>
/// <item><c>lognormal</c>: μ, σ &gt; 0 of the underlying normal (centre: the median e^μ);</item>
/// <item><c>normal</c>: mean, standard deviation &gt; 0 (centre: the mean);</item>
/// <item><c>truncnormal</c>: mean, standard deviation &gt; 0, lower, upper (lower &lt; upper; centre: the location, the first argument);</item>
/// <item><c>uniform</c>: lower &lt; upper (centre: the midpoint);</item>
/// <item><c>triangular</c>: lower ≤ mode ≤ upper, lower &lt; upper (centre: the mode);</item>
/// <item><c>dirichlet</c>: two or more concentrations αᵢ &gt; 0 (centre of component i: αᵢ/Σα, checked per group by the scenario);</item>
/// <item><c>fixed</c>: no arguments (the point value is used).</item>
/// </list>
/// Equality compares the family (case-insensitively), the argument names (case-insensitively) and
/// the arguments element by element.
/// </summary>
/// <param name="Family">Family name (lower case).</param>
/// <param name="Arguments">The arguments: the explicit form's, in the order listed above, or the spread form's numbers, one per <see cref="ArgumentNames"/> entry.</param>
public sealed record DistributionSpec(string Family, IReadOnlyList<double> Arguments)
{
    /// <summary>
    /// Largest accepted relative difference between an explicit distribution's centre and the point
    /// value, <c>|centre − value| ≤ 0.001 · max(|value|, |centre|)</c> (0.1 %, which allows arguments
    /// rounded to four significant digits, such as μ = −0.2877 for a median of 0.75).
    /// </summary>
    public const double CentreTolerance = 1e-3;

    private static readonly Dictionary<string, (string[] OneOf, string[] Required)> SpreadForms = new(StringComparer.Ordinal)
    {
        ["BETA"] = (["n", "sd"], []),
        ["GAMMA"] = (["cv", "sd"], []),
        ["LOGNORMAL"] = (["sigma"], []),
        ["NORMAL"] = (["sd", "cv"], []),
        ["TRUNCNORMAL"] = (["sd", "cv"], ["lower", "upper"]),
        ["UNIFORM"] = (["halfwidth", "relative"], []),
        ["TRIANGULAR"] = ([], ["lower", "upper"]),
    };

    private readonly IReadOnlyList<string> _names = [];

    /// <summary>The known family names.</summary>
    public static IReadOnlyList<string> Families { get; } = ["beta", "gamma", "lognormal", "normal", "truncnormal", "uniform", "triangular", "dirichlet", "fixed"];

    /// <summary>
    /// Names of the arguments in the spread form (lower case, for example <c>["cv"]</c> or
    /// <c>["sd", "lower", "upper"]</c>), one per <see cref="Arguments"/> entry; empty (the default) for
    /// the explicit form.
    /// </summary>
    public IReadOnlyList<string> ArgumentNames { get => _names; init => _names = [.. (value ?? []).Select(n => n.Trim().ToLowerInvariant())]; }

    /// <summary>True for the spread form: the centre is the point value and only the spread is given.</summary>
    public bool IsSpreadForm => ArgumentNames.Count > 0;

    /// <summary>A spread-form specification: the family and its spread arguments, centred on the point value.</summary>
    /// <param name="family">Family name (see the type's remarks for each family's argument names).</param>
    /// <param name="spread">Name–number pairs, for example <c>("cv", 0.25)</c>.</param>
    /// <returns>The specification.</returns>
    public static DistributionSpec Spread(string family, params (string Name, double Value)[] spread)
    {
        ArgumentNullException.ThrowIfNull(family);
        ArgumentNullException.ThrowIfNull(spread);
        return new DistributionSpec(family.Trim().ToLowerInvariant(), spread.Select(s => s.Value).ToArray()) { ArgumentNames = spread.Select(s => s.Name).ToArray() };
    }

    /// <summary>
    /// Parses the text of the <c>distribution</c> and <c>arguments</c> cells: numbers separated by
    /// spaces (explicit form) or name–number pairs such as <c>cv 0.25</c> or <c>sd 0.1 lower 0.8 upper 1.2</c>
    /// (spread form). Structural problems are left to <see cref="Validate"/>.
    /// </summary>
    /// <param name="family">The family name.</param>
    /// <param name="arguments">The arguments text; null or empty for none.</param>
    /// <param name="problems">Receives a message for each token that is neither a number nor, in the spread form, a name.</param>
    /// <returns>The specification.</returns>
    internal static DistributionSpec Parse(string family, string? arguments, List<string> problems)
    {
        var tokens = arguments?.Split(' ', StringSplitOptions.RemoveEmptyEntries) ?? [];
        var spread = tokens.Length > 0 && char.IsLetter(tokens[0][0]);
        var names = new List<string>();
        var values = new List<double>();
        for (var i = 0; i < tokens.Length; i++)
        {
            var t = tokens[i];
            var wantName = spread && i % 2 == 0;
            if (wantName)
            {
                if (RowCursor.TryParseNumber(t, out _) || !char.IsLetter(t[0]))
                {
                    problems.Add($"'{t}' should be a name: spread arguments are name–number pairs such as 'cv 0.25' or 'sd 0.1 lower 0.8 upper 1.2'.");
                }

                names.Add(t);
                if (i == tokens.Length - 1)
                {
                    problems.Add($"The spread argument '{t}' has no number after it.");
                }
            }
            else if (RowCursor.TryParseNumber(t, out var x))
            {
                values.Add(x);
            }
            else
            {
                problems.Add(RowCursor.NumberMessage(t, spread ? "a number after each name" : "numbers separated by spaces, or name–number pairs such as 'cv 0.25'"));
            }
        }

        var spec = new DistributionSpec(family.Trim().ToLowerInvariant(), values);
        return spread && names.Count == values.Count ? spec with { ArgumentNames = names } : spec;
    }

    /// <summary>Checks the family name, the number of arguments and their obvious ranges (independent of the point value).</summary>
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
        if (IsSpreadForm)
        {
            ValidateSpread(family, a, problems);
            return problems;
        }

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
    /// Checks the specification against the parameter's point value: everything <see cref="Validate"/>
    /// checks, then that a spread form fits the value (for example a beta needs 0 &lt; v &lt; 1, a
    /// gamma or lognormal v &gt; 0, a truncnormal or triangular lower ≤ v ≤ upper), and that an
    /// explicit form is centred on it: <c>|Centre − v| ≤ CentreTolerance · max(|v|, |Centre|)</c>.
    /// A mismatch names both values and the difference, and the spread form that keeps the written
    /// spread around the value. Dirichlet groups are checked by the scenario (a row alone has no centre).
    /// </summary>
    /// <param name="pointValue">The parameter's point value, the one the deterministic run uses.</param>
    /// <returns>Every problem found, in words; empty when the distribution can be used for this value.</returns>
    public IReadOnlyList<string> ValidateAgainst(double pointValue)
    {
        var problems = Validate();
        if (problems.Count > 0)
        {
            return problems;
        }

        if (!double.IsFinite(pointValue))
        {
            return ["The point value must be a finite number."];
        }

        if (IsSpreadForm)
        {
            var (_, problem) = Build(pointValue);
            return problem is null ? [] : [problem];
        }

        if (Centre() is not double centre || IsCentred(centre, pointValue))
        {
            return [];
        }

        var diff = pointValue - centre;
        var hint = SpreadEquivalent() is { } s ? $" Write only the spread, '{s.ArgumentsText()}', so that the distribution follows the value, or" : " Either";
        return [string.Create(
            CultureInfo.InvariantCulture,
            $"The distribution is not centred on the point value: its {CentreName()} is {G(centre)} but the value is {G(pointValue)}, a difference of {G(diff)} ({G(100 * diff / (centre == 0 ? 1 : Math.Abs(centre)))} % of the {CentreName()}). The point run would use {G(pointValue)} and the PSA would draw around {G(centre)}.{hint} make the value and the distribution agree.")];
    }

    /// <summary>
    /// The centre of an explicit-form distribution, the value the point value must equal: the mean
    /// for beta, gamma, normal and uniform; the median e^μ for lognormal; the location μ for
    /// truncnormal; the mode for triangular. Null for the spread form (its centre is the point
    /// value by construction), for <c>fixed</c>, for <c>dirichlet</c> and for an invalid specification.
    /// </summary>
    /// <returns>The centre, or null.</returns>
    public double? Centre()
    {
        if (IsSpreadForm || Validate().Count > 0)
        {
            return null;
        }

        var a = Arguments;
        return Family.Trim().ToUpperInvariant() switch
        {
            "BETA" => a[0] / (a[0] + a[1]),
            "GAMMA" => a[0] * a[1],
            "LOGNORMAL" => Math.Exp(a[0]),
            "NORMAL" or "TRUNCNORMAL" => a[0],
            "UNIFORM" => (a[0] + a[1]) / 2,
            "TRIANGULAR" => a[1],
            _ => null,
        };
    }

    internal static bool IsCentred(double centre, double value)
        => Math.Abs(centre - value) <= Math.Max(CentreTolerance * Math.Max(Math.Abs(value), Math.Abs(centre)), 1e-300);

    /// <summary>
    /// The sampler of a univariate specification, in the Uncertainty library's terms. Explicit form:
    /// beta → <see cref="BetaDistribution"/>(α, β), gamma → <see cref="GammaDistribution"/>(shape, scale),
    /// lognormal → <see cref="LogNormalDistribution"/>(μ, σ), normal → <see cref="NormalDistribution"/>,
    /// truncnormal → <see cref="TruncatedNormalDistribution"/>(mean, sd, lower, upper), uniform →
    /// <see cref="UniformDistribution"/>, triangular → <see cref="TriangularDistribution"/>(lower, mode,
    /// upper), fixed → <see cref="FixedDistribution"/>(<paramref name="baseValue"/>); the centre is
    /// not checked here (use <see cref="ValidateAgainst"/>). Spread form: the family centred on
    /// <paramref name="baseValue"/> as listed in the type's remarks. A dirichlet is a group of
    /// parameters: use <see cref="ToDirichlet"/> or <see cref="Scenario.ToPsaSpecification"/>.
    /// </summary>
    /// <param name="baseValue">The parameter's point value (the centre of a spread form; the value of <c>fixed</c>).</param>
    /// <returns>The distribution.</returns>
    /// <exception cref="InvalidOperationException">The specification is invalid (every problem listed), does not fit the value (spread form), or is a dirichlet.</exception>
    public Distribution ToDistribution(double baseValue)
    {
        var a = CheckedArguments();
        if (IsSpreadForm)
        {
            var (d, problem) = Build(baseValue);
            return d ?? throw new InvalidOperationException($"Invalid distribution '{this}' for the value {G(baseValue)}: {problem}");
        }

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

    /// <summary>The text of the <c>arguments</c> cell: numbers, or name–number pairs in the spread form.</summary>
    internal string ArgumentsText()
        => IsSpreadForm
            ? string.Join(' ', ArgumentNames.Zip(Arguments, (n, x) => n + " " + x.ToString("R", CultureInfo.InvariantCulture)))
            : string.Join(' ', Arguments.Select(x => x.ToString("R", CultureInfo.InvariantCulture)));

    private static string G(double x) => x.ToString("G6", CultureInfo.InvariantCulture);

    private string CentreName() => Family.Trim().ToUpperInvariant() switch
    {
        "LOGNORMAL" => "median e^mu",
        "TRUNCNORMAL" => "location (first argument)",
        "UNIFORM" => "midpoint",
        "TRIANGULAR" => "mode",
        _ => "mean",
    };

    /// <summary>The spread form with the same spread as this explicit form (for the hint in a centring problem).</summary>
    private DistributionSpec? SpreadEquivalent()
    {
        var a = Arguments;
        return Family.Trim().ToUpperInvariant() switch
        {
            "BETA" => Spread(Family, ("n", a[0] + a[1])),
            "GAMMA" => Spread(Family, ("cv", Round(1 / Math.Sqrt(a[0])))),
            "LOGNORMAL" => Spread(Family, ("sigma", a[1])),
            "NORMAL" => Spread(Family, ("sd", a[1])),
            "TRUNCNORMAL" => Spread(Family, ("sd", a[1]), ("lower", a[2]), ("upper", a[3])),
            "UNIFORM" => Spread(Family, ("halfwidth", (a[1] - a[0]) / 2)),
            "TRIANGULAR" => Spread(Family, ("lower", a[0]), ("upper", a[2])),
            _ => null,
        };
    }

    private static double Round(double x) => double.Parse(x.ToString("G6", CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);

    private void ValidateSpread(string family, IReadOnlyList<double> a, List<string> problems)
    {
        if (!SpreadForms.TryGetValue(family, out var form))
        {
            problems.Add(family is "DIRICHLET" or "FIXED"
                ? $"'{Family}' has no spread form: {(family == "FIXED" ? "give no arguments" : "give the concentrations as numbers")}."
                : $"Unknown distribution '{Family}'. Known: {string.Join(", ", Families)}.");
            return;
        }

        var names = ArgumentNames;
        if (names.Count != a.Count)
        {
            problems.Add("Every spread argument needs a name and a number.");
            return;
        }

        var known = form.OneOf.Concat(form.Required).ToArray();
        var usage = Usage(family);
        foreach (var n in names)
        {
            if (!known.Contains(n, StringComparer.Ordinal))
            {
                problems.Add($"'{Family}' has no spread argument '{n}'; it takes {usage}.");
            }
        }

        foreach (var n in names.GroupBy(n => n, StringComparer.Ordinal).Where(g => g.Count() > 1))
        {
            problems.Add($"The spread argument '{n.Key}' is given more than once.");
        }

        var alternatives = form.OneOf.Count(names.Contains);
        if (form.OneOf.Length > 0 && alternatives != 1)
        {
            problems.Add($"'{Family}' takes {usage}: exactly one of {string.Join(" or ", form.OneOf)}{(alternatives == 0 ? " is missing" : ", not several")}.");
        }

        foreach (var r in form.Required.Where(r => !names.Contains(r)))
        {
            problems.Add($"'{Family}' takes {usage}: '{r}' is missing.");
        }

        for (var i = 0; i < names.Count; i++)
        {
            if (names[i] is not ("lower" or "upper") && !(a[i] > 0))
            {
                problems.Add(string.Create(CultureInfo.InvariantCulture, $"{Family}: {names[i]} must be > 0 (got {G(a[i])})."));
            }
        }

        if (problems.Count == 0 && Arg("lower") is double lo && Arg("upper") is double hi && !(lo < hi))
        {
            problems.Add($"{Family}: lower must be < upper.");
        }
    }

    private static string Usage(string family) => family switch
    {
        "BETA" => "'n N' (as if observed in N) or 'sd S'",
        "GAMMA" => "'cv C' or 'sd S'",
        "LOGNORMAL" => "'sigma S' (log scale)",
        "NORMAL" => "'sd S' or 'cv C'",
        "TRUNCNORMAL" => "'sd S' or 'cv C', and 'lower L upper U'",
        "UNIFORM" => "'halfwidth H' or 'relative R'",
        "TRIANGULAR" => "'lower L upper U'",
        _ => "no spread arguments",
    };

    private double? Arg(string name)
    {
        for (var i = 0; i < ArgumentNames.Count; i++)
        {
            if (ArgumentNames[i] == name)
            {
                return Arguments[i];
            }
        }

        return null;
    }

    /// <summary>The spread form's distribution centred on <paramref name="v"/>, or why it cannot be.</summary>
    private (Distribution? Distribution, string? Problem) Build(double v)
    {
        string Need(string what) => string.Create(CultureInfo.InvariantCulture, $"a {Family} centred on the point value needs {what}; the value is {G(v)}.");
        try
        {
            switch (Family.Trim().ToUpperInvariant())
            {
                case "BETA":
                    if (!(v > 0 && v < 1))
                    {
                        return (null, Need("a value strictly between 0 and 1"));
                    }

                    if (Arg("n") is double n)
                    {
                        return (new BetaDistribution(v * n, (1 - v) * n), null);
                    }

                    var sd = Arg("sd")!.Value;
                    return sd * sd < v * (1 - v)
                        ? (BetaDistribution.FromMeanAndStandardError(v, sd), null)
                        : (null, string.Create(CultureInfo.InvariantCulture, $"beta: sd {G(sd)} is too large for the value {G(v)}; it must be below √(v(1−v)) = {G(Math.Sqrt(v * (1 - v)))}."));
                case "GAMMA":
                    if (!(v > 0))
                    {
                        return (null, Need("a positive value"));
                    }

                    return (GammaDistribution.FromMeanAndStandardError(v, Arg("sd") ?? (Arg("cv")!.Value * v)), null);
                case "LOGNORMAL":
                    return v > 0 ? (new LogNormalDistribution(Math.Log(v), Arg("sigma")!.Value), null) : (null, Need("a positive value (its median)"));
                case "NORMAL":
                case "TRUNCNORMAL":
                    var s = Arg("sd") ?? (Arg("cv")!.Value * Math.Abs(v));
                    if (!(s > 0))
                    {
                        return (null, Need("a non-zero value for 'cv' (sd = cv·|value|); use 'sd'"));
                    }

                    if (Arg("lower") is not double lower || Arg("upper") is not double upper)
                    {
                        return (new NormalDistribution(v, s), null);
                    }

                    return lower <= v && v <= upper
                        ? (new TruncatedNormalDistribution(v, s, lower, upper), null)
                        : (null, Need(string.Create(CultureInfo.InvariantCulture, $"lower ≤ value ≤ upper, here [{G(lower)}, {G(upper)}]")));
                case "UNIFORM":
                    var h = Arg("halfwidth") ?? (Arg("relative")!.Value * Math.Abs(v));
                    return h > 0 ? (new UniformDistribution(v - h, v + h), null) : (null, Need("a non-zero value for 'relative'; use 'halfwidth'"));
                case "TRIANGULAR":
                    var lo = Arg("lower")!.Value;
                    var hi = Arg("upper")!.Value;
                    return lo <= v && v <= hi
                        ? (new TriangularDistribution(lo, v, hi), null)
                        : (null, Need(string.Create(CultureInfo.InvariantCulture, $"lower ≤ value ≤ upper, here [{G(lo)}, {G(hi)}]")));
                default:
                    return (null, $"'{Family}' has no spread form.");
            }
        }
        catch (ArgumentException e)
        {
            return (null, e.Message);
        }
    }

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
        => other is not null && string.Equals(Family, other.Family, StringComparison.OrdinalIgnoreCase)
            && ArgumentNames.SequenceEqual(other.ArgumentNames, StringComparer.Ordinal) && Arguments.SequenceEqual(other.Arguments);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Family?.ToUpperInvariant(), Arguments.Count, ArgumentNames.Count);

    /// <summary>The specification as written in <c>parameters.csv</c>: family and space-separated arguments (name–number pairs in the spread form).</summary>
    public override string ToString() => Arguments.Count == 0 ? Family : Family + " " + ArgumentsText();
}
