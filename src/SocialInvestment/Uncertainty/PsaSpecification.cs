using System.Runtime.CompilerServices;
using SocialInvestment.Model;

namespace SocialInvestment.Uncertainty;

/// <summary>
/// Distributions attached to a model's named parameters: a univariate distribution per parameter
/// and Dirichlet distributions over groups of parameters (a row of transition probabilities).
/// Parameters without a distribution keep their base value. Immutable: every <c>With…</c> returns a
/// new specification.
/// </summary>
/// <remarks>
/// Draw <c>k</c> under seed <c>s</c> uses the random stream <see cref="RandomSource.ForStream"/>(s, k)
/// and samples the distributions in the order they were added, so a draw is a pure function of
/// (specification, seed, k), independent of threads and of which other draws are taken.
/// </remarks>
public sealed class PsaSpecification
{
    private readonly Entry[] _entries;

    /// <summary>Creates an empty specification for a model (every parameter at its base value).</summary>
    /// <param name="model">The model whose parameters are varied.</param>
    public PsaSpecification(LifeCourseModel model)
        : this(model ?? throw new ArgumentNullException(nameof(model)), [])
    {
    }

    private PsaSpecification(LifeCourseModel model, Entry[] entries)
    {
        Model = model;
        _entries = entries;
    }

    /// <summary>The model.</summary>
    public LifeCourseModel Model { get; }

    /// <summary>Number of parameters that carry uncertainty (a Dirichlet group counts each member).</summary>
    public int UncertainParameterCount => _entries.Sum(e => e.Parameters.Length);

    /// <summary>The parameters that carry uncertainty, in sampling order.</summary>
    public IReadOnlyList<ParameterRef> UncertainParameters => ReadOnly.Copy(_entries.SelectMany(e => e.Parameters));

    /// <summary>
    /// SHA-256 over the model's <see cref="LifeCourseModel.DefinitionHash"/> and every distribution
    /// of the specification in sampling order (the parameters' indices and names, the family and its
    /// parameters by their IEEE 754 bits): the identity PSA partials compare before they merge.
    /// Null when the model has no definition hash (built in code; its functions cannot be hashed).
    /// </summary>
    public ContentHash? ContentHash
    {
        get
        {
            if (Model.DefinitionHash is not { } model)
            {
                return null;
            }

            using var h = new ContentHasher();
            h.Tag("socinv.psa-specification/1").Add(model).Add(Model.Parameters.Count).Add(_entries.Length);
            foreach (var e in _entries)
            {
                h.Add(e.Parameters.Length);
                foreach (var p in e.Parameters)
                {
                    h.Add(p.Index).Add(p.Name);
                }

                Identify(h, e);
            }

            return h.Finish();
        }
    }

    private static void Identify(ContentHasher h, Entry e)
    {
        switch (e.Univariate)
        {
            case null:
                h.Tag("dirichlet").Add((ReadOnlySpan<double>)e.Dirichlet!.Alphas.ToArray());
                break;
            case FixedDistribution d:
                h.Tag("fixed").Add(d.Value);
                break;
            case BetaDistribution d:
                h.Tag("beta").Add(d.Alpha).Add(d.Beta);
                break;
            case GammaDistribution d:
                h.Tag("gamma").Add(d.Shape).Add(d.Scale);
                break;
            case LogNormalDistribution d:
                h.Tag("lognormal").Add(d.Mu).Add(d.Sigma);
                break;
            case NormalDistribution d:
                h.Tag("normal").Add(d.Mu).Add(d.Sigma);
                break;
            case TruncatedNormalDistribution d:
                h.Tag("truncnormal").Add(d.Mu).Add(d.Sigma).Add(d.Lower).Add(d.Upper);
                break;
            case UniformDistribution d:
                h.Tag("uniform").Add(d.Lower).Add(d.Upper);
                break;
            case TriangularDistribution d:
                h.Tag("triangular").Add(d.Lower).Add(d.Mode).Add(d.Upper);
                break;
            default:
                // Distribution's constructor is private protected: every subclass is one of the above.
                throw new InvalidOperationException($"No content hash for distribution {e.Univariate.GetType().Name}.");
        }
    }

    /// <summary>Attaches a distribution to a parameter.</summary>
    /// <param name="parameter">The parameter.</param>
    /// <param name="distribution">Its distribution.</param>
    /// <exception cref="ArgumentException">The parameter is not the model's or already has a distribution.</exception>
    public PsaSpecification With(ParameterRef parameter, Distribution distribution)
    {
        ArgumentNullException.ThrowIfNull(distribution);
        Check([parameter]);
        return new PsaSpecification(Model, [.. _entries, new Entry([parameter], distribution, null)]);
    }

    /// <summary>Attaches a distribution to the parameter of the given name.</summary>
    /// <param name="parameterName">The parameter's name.</param>
    /// <param name="distribution">Its distribution.</param>
    public PsaSpecification With(string parameterName, Distribution distribution) => With(Model.Parameter(parameterName), distribution);

    /// <summary>
    /// Attaches a Dirichlet distribution to a group of parameters (for example the probabilities of
    /// leaving one state to each destination, including staying), so that each draw sums to 1.
    /// </summary>
    /// <param name="parameters">The group, one parameter per Dirichlet component, in order.</param>
    /// <param name="distribution">The Dirichlet distribution.</param>
    /// <exception cref="ArgumentException">The sizes differ or a parameter already has a distribution.</exception>
    public PsaSpecification WithDirichlet(IReadOnlyList<ParameterRef> parameters, DirichletDistribution distribution)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(distribution);
        if (parameters.Count != distribution.Dimension)
        {
            throw new ArgumentException($"The Dirichlet distribution has {distribution.Dimension} components but {parameters.Count} parameters were given.", nameof(parameters));
        }

        Check(parameters);
        return new PsaSpecification(Model, [.. _entries, new Entry([.. parameters], null, distribution)]);
    }

    /// <summary>The univariate distribution of a parameter, or null (fixed or in a Dirichlet group).</summary>
    /// <param name="parameter">The parameter.</param>
    public Distribution? DistributionOf(ParameterRef parameter)
        => _entries.FirstOrDefault(e => e.Univariate is not null && e.Parameters[0].Index == parameter.Index)?.Univariate;

    /// <summary>Draw <paramref name="draw"/> under <paramref name="seed"/>: a full parameter set.</summary>
    /// <param name="seed">The PSA seed.</param>
    /// <param name="draw">Zero-based draw index.</param>
    public ParameterValues Draw(ulong seed, long draw)
    {
        var values = Model.BaseParameters.AsSpan().ToArray();
        DrawInto(seed, draw, values);
        return ParameterValues.Wrap(values);
    }

    /// <summary>Draws <paramref name="count"/> parameter sets, draws 0 … count−1.</summary>
    /// <param name="seed">The PSA seed.</param>
    /// <param name="count">Number of draws.</param>
    public IReadOnlyList<ParameterValues> DrawMany(ulong seed, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var result = new ParameterValues[count];
        for (var k = 0; k < count; k++)
        {
            result[k] = Draw(seed, k);
        }

        return result;
    }

    /// <summary>
    /// Writes draw <paramref name="draw"/> into <paramref name="destination"/>, which must already hold
    /// the values of the parameters without a distribution (for example a copy of the base values).
    /// Allocation-free.
    /// </summary>
    /// <param name="seed">The PSA seed.</param>
    /// <param name="draw">Zero-based draw index.</param>
    /// <param name="destination">One value per model parameter.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void DrawInto(ulong seed, long draw, Span<double> destination)
    {
        if (destination.Length != Model.Parameters.Count)
        {
            throw new ArgumentException($"The destination must have {Model.Parameters.Count} elements (one per model parameter).", nameof(destination));
        }

        var random = RandomSource.ForStream(seed, unchecked((ulong)draw));
        Span<double> group = stackalloc double[MaxGroup];
        foreach (var e in _entries)
        {
            if (e.Univariate is { } d)
            {
                destination[e.Parameters[0].Index] = d.Sample(ref random);
            }
            else
            {
                var n = e.Parameters.Length;
                Span<double> g = n <= MaxGroup ? group[..n] : new double[n];
                e.Dirichlet!.Sample(ref random, g);
                for (var i = 0; i < n; i++)
                {
                    destination[e.Parameters[i].Index] = g[i];
                }
            }
        }
    }

    /// <summary>
    /// Draws <c>first + l</c> for the lanes <c>l</c> of <paramref name="lanes"/> at once, into
    /// <paramref name="rows"/>[l] (one array of <c>Model.Parameters.Count</c> values per lane, holding
    /// the values of the parameters without a distribution): every row is bit for bit what
    /// <see cref="DrawInto"/> writes for that draw, each distribution sampled for all lanes in
    /// vectors (<see cref="RandomLanes"/>). Lanes from <paramref name="count"/> on repeat draw
    /// <c>first + count − 1</c>. Allocation-free after the first call.
    /// </summary>
    /// <param name="seed">The PSA seed.</param>
    /// <param name="first">The first lane's draw index.</param>
    /// <param name="count">The distinct draws, 1 … <c>rows.Length</c>.</param>
    /// <param name="lanes">The worker's random lanes, with at least <c>rows.Length</c> lanes.</param>
    /// <param name="rows">One parameter vector per lane, at most <see cref="RandomLanes.Capacity"/>.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal void DrawLanes(ulong seed, long first, int count, RandomLanes lanes, ReadOnlySpan<double[]> rows)
    {
        if (rows.Length > lanes.Capacity || count > rows.Length)
        {
            throw new ArgumentException($"At most {lanes.Capacity} rows, and at least {count}.", nameof(rows));
        }

        lanes.Reset(seed, first, count);
        foreach (var e in _entries)
        {
            if (e.Univariate is { } d)
            {
                var values = lanes.Buffer(lanes.Capacity);
                d.SampleLanes(lanes, values);
                var index = e.Parameters[0].Index;
                for (var l = 0; l < rows.Length; l++)
                {
                    rows[l][index] = values[l];
                }
            }
            else
            {
                var n = e.Parameters.Length;
                var values = lanes.Buffer(lanes.Capacity * n);
                e.Dirichlet!.SampleLanes(lanes, values);
                for (var l = 0; l < rows.Length; l++)
                {
                    for (var i = 0; i < n; i++)
                    {
                        rows[l][e.Parameters[i].Index] = values[(l * n) + i];
                    }
                }
            }
        }
    }

    /// <summary>
    /// Low and high values of each uncertain univariate parameter at the given quantiles of its
    /// distribution (for one-way sensitivity and tornado diagrams).
    /// </summary>
    /// <param name="lowerQuantile">Quantile for the low value (0.025 for a 95 % interval).</param>
    /// <param name="upperQuantile">Quantile for the high value.</param>
    public IReadOnlyList<ParameterRange> Ranges(double lowerQuantile = 0.025, double upperQuantile = 0.975)
    {
        return _entries.Where(e => e.Univariate is not null && e.Univariate is not FixedDistribution)
            .Select(e => new ParameterRange(e.Parameters[0], e.Univariate!.InverseCumulativeDistribution(lowerQuantile), e.Univariate.InverseCumulativeDistribution(upperQuantile)))
            .ToArray();
    }

    private const int MaxGroup = 32;

    private void Check(IEnumerable<ParameterRef> parameters)
    {
        foreach (var p in parameters)
        {
            if (p.Index < 0 || p.Index >= Model.Parameters.Count || Model.Parameters[p.Index].Name != p.Name)
            {
                throw new ArgumentException($"'{p.Name}' is not a parameter of model '{Model.Name}'.", nameof(parameters));
            }

            if (_entries.Any(e => e.Parameters.Any(q => q.Index == p.Index)))
            {
                throw new ArgumentException($"Parameter '{p.Name}' already has a distribution.", nameof(parameters));
            }
        }
    }

    private sealed record Entry(ParameterRef[] Parameters, Distribution? Univariate, DirichletDistribution? Dirichlet);
}

/// <summary>A parameter with a low and a high value for deterministic sensitivity analysis.</summary>
/// <param name="Parameter">The parameter.</param>
/// <param name="Low">Its low value.</param>
/// <param name="High">Its high value.</param>
public readonly record struct ParameterRange(ParameterRef Parameter, double Low, double High);
