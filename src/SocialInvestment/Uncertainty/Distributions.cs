using System.Globalization;
using MathNetDist = MathNet.Numerics.Distributions;

namespace SocialInvestment.Uncertainty;

/// <summary>
/// A univariate probability distribution of a model parameter: immutable, validated on
/// construction, sampled from an injected <see cref="RandomSource"/>. CDFs and quantiles use
/// MathNet.Numerics; sampling uses the library's own fast samplers (Marsaglia–Tsang gamma with a
/// ziggurat normal; see the benchmarks' <c>SamplerBenchmarks</c> for the measured speed-up over
/// MathNet's samplers).
/// </summary>
/// <threadsafety>Immutable and thread-safe; the random source is per caller.</threadsafety>
public abstract class Distribution
{
    private protected Distribution()
    {
    }

    /// <summary>Expected value.</summary>
    public abstract double Mean { get; }

    /// <summary>Variance.</summary>
    public abstract double Variance { get; }

    /// <summary>Standard deviation, <c>√Variance</c>.</summary>
    public double StandardDeviation => Math.Sqrt(Variance);

    /// <summary>Draws one value.</summary>
    /// <param name="random">The random stream (advanced).</param>
    public abstract double Sample(ref RandomSource random);

    /// <summary>Fills <paramref name="destination"/> with independent draws.</summary>
    /// <param name="random">The random stream (advanced).</param>
    /// <param name="destination">Where the draws go.</param>
    public void Samples(ref RandomSource random, Span<double> destination)
    {
        for (var i = 0; i < destination.Length; i++)
        {
            destination[i] = Sample(ref random);
        }
    }

    /// <summary>
    /// One draw per lane of <paramref name="lanes"/> into <paramref name="destination"/> (at least
    /// <see cref="RandomLanes.Capacity"/> values): lane <c>l</c> gets exactly what <see cref="Sample"/>
    /// gives on lane <c>l</c>'s stream. This default runs <see cref="Sample"/> lane by lane; the common
    /// families override it with vector code.
    /// </summary>
    internal virtual void SampleLanes(RandomLanes lanes, Span<double> destination)
    {
        for (var l = 0; l < lanes.Capacity; l++)
        {
            var r = lanes.Get(l);
            destination[l] = Sample(ref r);
            lanes.Set(l, r);
        }
    }

    /// <summary>The cumulative distribution function <c>P(X ≤ x)</c>.</summary>
    /// <param name="x">The point.</param>
    public abstract double CumulativeDistribution(double x);

    /// <summary>The quantile function (inverse CDF) at probability <paramref name="p"/> in [0, 1].</summary>
    /// <param name="p">The probability.</param>
    public abstract double InverseCumulativeDistribution(double p);

    private protected static void ThrowIfAny(List<string> problems, string what)
    {
        if (problems.Count > 0)
        {
            throw new ArgumentException($"Invalid {what}: {string.Join("; ", problems)}.");
        }
    }

    private protected static string F(double v) => v.ToString("G6", CultureInfo.InvariantCulture);

    private protected static void CheckProbability(double p)
    {
        if (!(p >= 0 && p <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(p), p, "A probability must lie in [0, 1].");
        }
    }

    private protected static void CheckMeanSe(List<string> problems, double mean, double standardError)
    {
        if (!double.IsFinite(mean))
        {
            problems.Add($"the mean must be finite (got {F(mean)})");
        }

        if (!double.IsFinite(standardError) || standardError < 0)
        {
            problems.Add($"the standard error must be finite and non-negative, since the variance SE² cannot be negative (got {F(standardError)})");
        }
        else if (standardError == 0)
        {
            problems.Add("the standard error is 0; use FixedDistribution for a parameter without uncertainty");
        }
    }
}

/// <summary>A parameter without uncertainty: always <see cref="Value"/>.</summary>
public sealed class FixedDistribution : Distribution
{
    /// <summary>Creates a point mass.</summary>
    /// <param name="value">The value, finite.</param>
    public FixedDistribution(double value)
    {
        Guard.Finite(value);
        Value = value;
    }

    /// <summary>The value.</summary>
    public double Value { get; }

    /// <inheritdoc />
    public override double Mean => Value;

    /// <inheritdoc />
    public override double Variance => 0;

    /// <inheritdoc />
    public override double Sample(ref RandomSource random) => Value;

    internal override void SampleLanes(RandomLanes lanes, Span<double> destination) => destination[..lanes.Capacity].Fill(Value);

    /// <inheritdoc />
    public override double CumulativeDistribution(double x) => x >= Value ? 1 : 0;

    /// <inheritdoc />
    public override double InverseCumulativeDistribution(double p)
    {
        CheckProbability(p);
        return Value;
    }

    /// <inheritdoc />
    public override string ToString() => $"Fixed({F(Value)})";
}

/// <summary>
/// Beta(α, β) on (0, 1), for probabilities and utilities. Sampled as <c>X/(X+Y)</c> with
/// <c>X ~ Gamma(α)</c>, <c>Y ~ Gamma(β)</c>. Mean <c>α/(α+β)</c>, variance <c>αβ/((α+β)²(α+β+1))</c>.
/// </summary>
public sealed class BetaDistribution : Distribution
{
    private readonly GammaSampler _a;
    private readonly GammaSampler _b;

    /// <summary>Creates Beta(α, β) from its native shapes.</summary>
    /// <param name="alpha">Shape α &gt; 0 (for example the number of events).</param>
    /// <param name="beta">Shape β &gt; 0 (for example the number of non-events).</param>
    /// <exception cref="ArgumentException">A shape is not finite and positive.</exception>
    public BetaDistribution(double alpha, double beta)
    {
        var problems = new List<string>();
        if (!(double.IsFinite(alpha) && alpha > 0))
        {
            problems.Add($"α must be finite and positive (got {F(alpha)})");
        }

        if (!(double.IsFinite(beta) && beta > 0))
        {
            problems.Add($"β must be finite and positive (got {F(beta)})");
        }

        ThrowIfAny(problems, "Beta distribution");
        Alpha = alpha;
        Beta = beta;
        _a = new GammaSampler(alpha);
        _b = new GammaSampler(beta);
    }

    /// <summary>
    /// Method of moments: the Beta with the given mean and standard error,
    /// <c>α + β = m(1−m)/SE² − 1</c>, <c>α = m(α+β)</c>, <c>β = (1−m)(α+β)</c>.
    /// </summary>
    /// <param name="mean">Mean m in (0, 1).</param>
    /// <param name="standardError">Standard error SE &gt; 0 with <c>SE² &lt; m(1−m)</c>.</param>
    /// <exception cref="ArgumentException">The mean is outside (0, 1), or the variance is not below m(1−m).</exception>
    public static BetaDistribution FromMeanAndStandardError(double mean, double standardError)
    {
        var problems = new List<string>();
        CheckMeanSe(problems, mean, standardError);
        if (double.IsFinite(mean) && !(mean > 0 && mean < 1))
        {
            problems.Add($"the mean of a Beta distribution must lie in (0, 1) (got {F(mean)})");
        }

        ThrowIfAny(problems, "Beta distribution from mean and standard error");
        var v = standardError * standardError;
        var max = mean * (1 - mean);
        if (v >= max)
        {
            throw new ArgumentException($"Invalid Beta distribution from mean and standard error: the variance SE² = {F(v)} is too large for the mean {F(mean)}; it must be below m(1−m) = {F(max)}.");
        }

        var sum = (max / v) - 1;
        return new BetaDistribution(mean * sum, (1 - mean) * sum);
    }

    /// <summary>Shape α.</summary>
    public double Alpha { get; }

    /// <summary>Shape β.</summary>
    public double Beta { get; }

    /// <inheritdoc />
    public override double Mean => Alpha / (Alpha + Beta);

    /// <inheritdoc />
    public override double Variance
    {
        get
        {
            var s = Alpha + Beta;
            return Alpha * Beta / (s * s * (s + 1));
        }
    }

    /// <inheritdoc />
    public override double Sample(ref RandomSource random)
    {
        var x = _a.Sample(ref random);
        var y = _b.Sample(ref random);
        return x / (x + y);
    }

    internal override void SampleLanes(RandomLanes lanes, Span<double> destination)
    {
        var x = lanes.ScratchX.AsSpan();
        var y = lanes.ScratchY.AsSpan();
        _a.SampleLanes(lanes, x);
        _b.SampleLanes(lanes, y);
        var w = System.Numerics.Vector<double>.Count;
        for (var l = 0; l < lanes.Capacity; l += w)
        {
            var vx = new System.Numerics.Vector<double>(x.Slice(l, w));
            (vx / (vx + new System.Numerics.Vector<double>(y.Slice(l, w)))).CopyTo(destination.Slice(l, w));
        }
    }

    /// <inheritdoc />
    public override double CumulativeDistribution(double x) => x <= 0 ? 0 : x >= 1 ? 1 : MathNetDist.Beta.CDF(Alpha, Beta, x);

    /// <inheritdoc />
    public override double InverseCumulativeDistribution(double p)
    {
        CheckProbability(p);
        return MathNetDist.Beta.InvCDF(Alpha, Beta, p);
    }

    /// <inheritdoc />
    public override string ToString() => $"Beta({F(Alpha)}, {F(Beta)})";
}

/// <summary>
/// Gamma with shape k and scale θ on (0, ∞), for costs and rates. Mean <c>kθ</c>, variance <c>kθ²</c>.
/// Sampled by Marsaglia and Tsang (2000).
/// </summary>
public sealed class GammaDistribution : Distribution
{
    private readonly GammaSampler _sampler;

    /// <summary>Creates Gamma(shape, scale).</summary>
    /// <param name="shape">Shape k &gt; 0.</param>
    /// <param name="scale">Scale θ &gt; 0 (1/rate).</param>
    /// <exception cref="ArgumentException">A parameter is not finite and positive.</exception>
    public GammaDistribution(double shape, double scale)
    {
        var problems = new List<string>();
        if (!(double.IsFinite(shape) && shape > 0))
        {
            problems.Add($"the shape must be finite and positive (got {F(shape)})");
        }

        if (!(double.IsFinite(scale) && scale > 0))
        {
            problems.Add($"the scale must be finite and positive (got {F(scale)})");
        }

        ThrowIfAny(problems, "Gamma distribution");
        Shape = shape;
        Scale = scale;
        _sampler = new GammaSampler(shape);
    }

    /// <summary>Method of moments: <c>k = m²/SE²</c>, <c>θ = SE²/m</c>.</summary>
    /// <param name="mean">Mean m &gt; 0.</param>
    /// <param name="standardError">Standard error SE &gt; 0.</param>
    /// <exception cref="ArgumentException">The mean is not positive or the standard error is not positive.</exception>
    public static GammaDistribution FromMeanAndStandardError(double mean, double standardError)
    {
        var problems = new List<string>();
        CheckMeanSe(problems, mean, standardError);
        if (double.IsFinite(mean) && mean <= 0)
        {
            problems.Add($"the mean of a Gamma distribution must be positive (got {F(mean)})");
        }

        ThrowIfAny(problems, "Gamma distribution from mean and standard error");
        var v = standardError * standardError;
        return new GammaDistribution(mean * mean / v, v / mean);
    }

    /// <summary>Shape k.</summary>
    public double Shape { get; }

    /// <summary>Scale θ.</summary>
    public double Scale { get; }

    /// <inheritdoc />
    public override double Mean => Shape * Scale;

    /// <inheritdoc />
    public override double Variance => Shape * Scale * Scale;

    /// <inheritdoc />
    public override double Sample(ref RandomSource random) => _sampler.Sample(ref random) * Scale;

    internal override void SampleLanes(RandomLanes lanes, Span<double> destination)
    {
        _sampler.SampleLanes(lanes, destination);
        var w = System.Numerics.Vector<double>.Count;
        for (var l = 0; l < lanes.Capacity; l += w)
        {
            (new System.Numerics.Vector<double>(destination.Slice(l, w)) * Scale).CopyTo(destination.Slice(l, w));
        }
    }

    /// <inheritdoc />
    public override double CumulativeDistribution(double x) => x <= 0 ? 0 : MathNetDist.Gamma.CDF(Shape, 1 / Scale, x);

    /// <inheritdoc />
    public override double InverseCumulativeDistribution(double p)
    {
        CheckProbability(p);
        return MathNetDist.Gamma.InvCDF(Shape, 1 / Scale, p);
    }

    /// <inheritdoc />
    public override string ToString() => $"Gamma(shape {F(Shape)}, scale {F(Scale)})";
}

/// <summary>
/// Log-normal: <c>exp(μ + σZ)</c>, for hazard ratios and relative risks. Mean <c>exp(μ + σ²/2)</c>,
/// variance <c>(exp(σ²) − 1)·exp(2μ + σ²)</c>.
/// </summary>
public sealed class LogNormalDistribution : Distribution
{
    /// <summary>Creates LogNormal(μ, σ) from the mean and standard deviation of the logarithm.</summary>
    /// <param name="mu">Mean μ of ln X, finite.</param>
    /// <param name="sigma">Standard deviation σ ≥ 0 of ln X.</param>
    /// <exception cref="ArgumentException">μ is not finite or σ is negative.</exception>
    public LogNormalDistribution(double mu, double sigma)
    {
        var problems = new List<string>();
        if (!double.IsFinite(mu))
        {
            problems.Add($"μ must be finite (got {F(mu)})");
        }

        if (!(double.IsFinite(sigma) && sigma >= 0))
        {
            problems.Add($"σ must be finite and non-negative (got {F(sigma)})");
        }

        ThrowIfAny(problems, "log-normal distribution");
        Mu = mu;
        Sigma = sigma;
    }

    /// <summary>Method of moments on the natural scale: <c>σ² = ln(1 + SE²/m²)</c>, <c>μ = ln m − σ²/2</c>.</summary>
    /// <param name="mean">Mean m &gt; 0.</param>
    /// <param name="standardError">Standard error SE &gt; 0.</param>
    /// <exception cref="ArgumentException">The mean is not positive or the standard error is not positive.</exception>
    public static LogNormalDistribution FromMeanAndStandardError(double mean, double standardError)
    {
        var problems = new List<string>();
        CheckMeanSe(problems, mean, standardError);
        if (double.IsFinite(mean) && mean <= 0)
        {
            problems.Add($"the mean of a log-normal distribution must be positive (got {F(mean)})");
        }

        ThrowIfAny(problems, "log-normal distribution from mean and standard error");
        var s2 = Math.Log(1 + (standardError * standardError / (mean * mean)));
        return new LogNormalDistribution(Math.Log(mean) - (s2 / 2), Math.Sqrt(s2));
    }

    /// <summary>Mean of ln X.</summary>
    public double Mu { get; }

    /// <summary>Standard deviation of ln X.</summary>
    public double Sigma { get; }

    /// <inheritdoc />
    public override double Mean => Math.Exp(Mu + (Sigma * Sigma / 2));

    /// <inheritdoc />
    public override double Variance => Numerics.ExpM1(Sigma * Sigma) * Math.Exp((2 * Mu) + (Sigma * Sigma));

    /// <inheritdoc />
    public override double Sample(ref RandomSource random) => Math.Exp(Mu + (Sigma * random.NextNormal()));

    internal override void SampleLanes(RandomLanes lanes, Span<double> destination)
    {
        lanes.NextNormals(destination);
        for (var l = 0; l < lanes.Capacity; l++)
        {
            destination[l] = Math.Exp(Mu + (Sigma * destination[l]));
        }
    }

    /// <inheritdoc />
    public override double CumulativeDistribution(double x) => x <= 0 ? 0 : Sigma == 0 ? (Math.Log(x) >= Mu ? 1 : 0) : MathNetDist.LogNormal.CDF(Mu, Sigma, x);

    /// <inheritdoc />
    public override double InverseCumulativeDistribution(double p)
    {
        CheckProbability(p);
        return Sigma == 0 ? Math.Exp(Mu) : MathNetDist.LogNormal.InvCDF(Mu, Sigma, p);
    }

    /// <inheritdoc />
    public override string ToString() => $"LogNormal(μ {F(Mu)}, σ {F(Sigma)})";
}

/// <summary>Normal(μ, σ), for effects on an additive scale (for example a difference in means).</summary>
public sealed class NormalDistribution : Distribution
{
    /// <summary>Creates Normal(mean, standard deviation).</summary>
    /// <param name="mean">Mean, finite.</param>
    /// <param name="standardDeviation">Standard deviation ≥ 0.</param>
    /// <exception cref="ArgumentException">The mean is not finite or the standard deviation is negative.</exception>
    public NormalDistribution(double mean, double standardDeviation)
    {
        var problems = new List<string>();
        if (!double.IsFinite(mean))
        {
            problems.Add($"the mean must be finite (got {F(mean)})");
        }

        if (!(double.IsFinite(standardDeviation) && standardDeviation >= 0))
        {
            problems.Add($"the standard deviation must be finite and non-negative; a negative variance is impossible (got {F(standardDeviation)})");
        }

        ThrowIfAny(problems, "normal distribution");
        Mu = mean;
        Sigma = standardDeviation;
    }

    /// <summary>The normal with the given mean and standard error (the sampling distribution of an estimate).</summary>
    /// <param name="mean">Mean.</param>
    /// <param name="standardError">Standard error &gt; 0.</param>
    public static NormalDistribution FromMeanAndStandardError(double mean, double standardError)
    {
        var problems = new List<string>();
        CheckMeanSe(problems, mean, standardError);
        ThrowIfAny(problems, "normal distribution from mean and standard error");
        return new NormalDistribution(mean, standardError);
    }

    /// <summary>Mean μ.</summary>
    public double Mu { get; }

    /// <summary>Standard deviation σ.</summary>
    public double Sigma { get; }

    /// <inheritdoc />
    public override double Mean => Mu;

    /// <inheritdoc />
    public override double Variance => Sigma * Sigma;

    /// <inheritdoc />
    public override double Sample(ref RandomSource random) => Mu + (Sigma * random.NextNormal());

    internal override void SampleLanes(RandomLanes lanes, Span<double> destination)
    {
        lanes.NextNormals(destination);
        var w = System.Numerics.Vector<double>.Count;
        for (var l = 0; l < lanes.Capacity; l += w)
        {
            (new System.Numerics.Vector<double>(Mu) + (new System.Numerics.Vector<double>(Sigma) * new System.Numerics.Vector<double>(destination.Slice(l, w)))).CopyTo(destination.Slice(l, w));
        }
    }

    /// <inheritdoc />
    public override double CumulativeDistribution(double x) => Sigma == 0 ? (x >= Mu ? 1 : 0) : MathNetDist.Normal.CDF(Mu, Sigma, x);

    /// <inheritdoc />
    public override double InverseCumulativeDistribution(double p)
    {
        CheckProbability(p);
        return Sigma == 0 ? Mu : MathNetDist.Normal.InvCDF(Mu, Sigma, p);
    }

    /// <inheritdoc />
    public override string ToString() => $"Normal({F(Mu)}, {F(Sigma)})";
}

/// <summary>
/// Normal(μ, σ) truncated to [lower, upper]. Sampled by inversion: <c>Φ⁻¹(Φ(a) + U(Φ(b) − Φ(a)))</c>
/// on the standardised bounds, so every draw costs one quantile evaluation.
/// </summary>
public sealed class TruncatedNormalDistribution : Distribution
{
    private readonly double _fa;
    private readonly double _fb;

    /// <summary>Creates a truncated normal.</summary>
    /// <param name="mu">Location μ of the parent normal.</param>
    /// <param name="sigma">Scale σ &gt; 0 of the parent normal.</param>
    /// <param name="lower">Lower bound (may be −∞).</param>
    /// <param name="upper">Upper bound (may be +∞), above <paramref name="lower"/>.</param>
    /// <exception cref="ArgumentException">σ is not positive, the bounds are not ordered, or the interval has (numerically) no probability mass.</exception>
    public TruncatedNormalDistribution(double mu, double sigma, double lower, double upper)
    {
        var problems = new List<string>();
        if (!double.IsFinite(mu))
        {
            problems.Add($"μ must be finite (got {F(mu)})");
        }

        if (!(double.IsFinite(sigma) && sigma > 0))
        {
            problems.Add($"σ must be finite and positive (got {F(sigma)})");
        }

        if (double.IsNaN(lower) || double.IsNaN(upper) || !(lower < upper))
        {
            problems.Add($"the lower bound must be below the upper bound (got [{F(lower)}, {F(upper)}])");
        }

        ThrowIfAny(problems, "truncated normal distribution");
        Mu = mu;
        Sigma = sigma;
        Lower = lower;
        Upper = upper;
        _fa = MathNetDist.Normal.CDF(0, 1, (lower - mu) / sigma);
        _fb = MathNetDist.Normal.CDF(0, 1, (upper - mu) / sigma);
        if (!(_fb - _fa > 1e-12))
        {
            throw new ArgumentException($"Invalid truncated normal distribution: the interval [{F(lower)}, {F(upper)}] carries no probability mass under Normal({F(mu)}, {F(sigma)}).");
        }
    }

    /// <summary>Location of the parent normal.</summary>
    public double Mu { get; }

    /// <summary>Scale of the parent normal.</summary>
    public double Sigma { get; }

    /// <summary>Lower bound.</summary>
    public double Lower { get; }

    /// <summary>Upper bound.</summary>
    public double Upper { get; }

    private double Alpha => (Lower - Mu) / Sigma;

    private double BetaBound => (Upper - Mu) / Sigma;

    private static double Phi(double z) => double.IsInfinity(z) ? 0 : Math.Exp(-z * z / 2) / Math.Sqrt(2 * Math.PI);

    private static double ZPhi(double z) => double.IsInfinity(z) ? 0 : z * Phi(z);

    /// <inheritdoc />
    /// <remarks><c>μ + σ(φ(α) − φ(β))/Z</c> with standardised bounds α, β and <c>Z = Φ(β) − Φ(α)</c>.</remarks>
    public override double Mean => Mu + (Sigma * (Phi(Alpha) - Phi(BetaBound)) / (_fb - _fa));

    /// <inheritdoc />
    /// <remarks><c>σ²[1 + (αφ(α) − βφ(β))/Z − ((φ(α) − φ(β))/Z)²]</c>.</remarks>
    public override double Variance
    {
        get
        {
            var z = _fb - _fa;
            var d = (Phi(Alpha) - Phi(BetaBound)) / z;
            return Sigma * Sigma * (1 + ((ZPhi(Alpha) - ZPhi(BetaBound)) / z) - (d * d));
        }
    }

    /// <inheritdoc />
    public override double Sample(ref RandomSource random)
    {
        var u = _fa + (random.NextOpenDouble() * (_fb - _fa));
        return Math.Clamp(Mu + (Sigma * MathNetDist.Normal.InvCDF(0, 1, u)), Lower, Upper);
    }

    /// <inheritdoc />
    public override double CumulativeDistribution(double x)
        => x <= Lower ? 0 : x >= Upper ? 1 : (MathNetDist.Normal.CDF(0, 1, (x - Mu) / Sigma) - _fa) / (_fb - _fa);

    /// <inheritdoc />
    public override double InverseCumulativeDistribution(double p)
    {
        CheckProbability(p);
        return Math.Clamp(Mu + (Sigma * MathNetDist.Normal.InvCDF(0, 1, _fa + (p * (_fb - _fa)))), Lower, Upper);
    }

    /// <inheritdoc />
    public override string ToString() => $"TruncatedNormal({F(Mu)}, {F(Sigma)}, [{F(Lower)}, {F(Upper)}])";
}

/// <summary>Uniform on [lower, upper]. Mean <c>(a+b)/2</c>, variance <c>(b−a)²/12</c>.</summary>
public sealed class UniformDistribution : Distribution
{
    /// <summary>Creates Uniform(lower, upper).</summary>
    /// <param name="lower">Lower bound a, finite.</param>
    /// <param name="upper">Upper bound b &gt; a, finite.</param>
    /// <exception cref="ArgumentException">The bounds are not finite or not ordered.</exception>
    public UniformDistribution(double lower, double upper)
    {
        if (!double.IsFinite(lower) || !double.IsFinite(upper) || !(lower < upper))
        {
            throw new ArgumentException($"Invalid uniform distribution: the bounds must be finite with lower < upper (got [{F(lower)}, {F(upper)}]).");
        }

        Lower = lower;
        Upper = upper;
    }

    /// <summary>Method of moments: the interval <c>m ± SE·√3</c>.</summary>
    /// <param name="mean">Mean.</param>
    /// <param name="standardError">Standard error &gt; 0.</param>
    public static UniformDistribution FromMeanAndStandardError(double mean, double standardError)
    {
        var problems = new List<string>();
        CheckMeanSe(problems, mean, standardError);
        ThrowIfAny(problems, "uniform distribution from mean and standard error");
        var h = standardError * Math.Sqrt(3);
        return new UniformDistribution(mean - h, mean + h);
    }

    /// <summary>Lower bound.</summary>
    public double Lower { get; }

    /// <summary>Upper bound.</summary>
    public double Upper { get; }

    /// <inheritdoc />
    public override double Mean => (Lower + Upper) / 2;

    /// <inheritdoc />
    public override double Variance => (Upper - Lower) * (Upper - Lower) / 12;

    /// <inheritdoc />
    public override double Sample(ref RandomSource random) => Lower + ((Upper - Lower) * random.NextDouble());

    internal override void SampleLanes(RandomLanes lanes, Span<double> destination)
    {
        lanes.NextDoubles(destination);
        var w = System.Numerics.Vector<double>.Count;
        for (var l = 0; l < lanes.Capacity; l += w)
        {
            (new System.Numerics.Vector<double>(Lower) + (new System.Numerics.Vector<double>(Upper - Lower) * new System.Numerics.Vector<double>(destination.Slice(l, w)))).CopyTo(destination.Slice(l, w));
        }
    }

    /// <inheritdoc />
    public override double CumulativeDistribution(double x) => Math.Clamp((x - Lower) / (Upper - Lower), 0, 1);

    /// <inheritdoc />
    public override double InverseCumulativeDistribution(double p)
    {
        CheckProbability(p);
        return Lower + (p * (Upper - Lower));
    }

    /// <inheritdoc />
    public override string ToString() => $"Uniform({F(Lower)}, {F(Upper)})";
}

/// <summary>
/// Triangular on [lower, upper] with mode c, for expert ranges. Mean <c>(a+b+c)/3</c>, variance
/// <c>(a²+b²+c²−ab−ac−bc)/18</c>. Sampled by inversion. No mean/SE constructor: the two moments do
/// not fix three parameters.
/// </summary>
public sealed class TriangularDistribution : Distribution
{
    /// <summary>Creates Triangular(lower, mode, upper).</summary>
    /// <param name="lower">Lower bound a.</param>
    /// <param name="mode">Mode c in [a, b].</param>
    /// <param name="upper">Upper bound b &gt; a.</param>
    /// <exception cref="ArgumentException">The values are not finite or not ordered a ≤ c ≤ b with a &lt; b.</exception>
    public TriangularDistribution(double lower, double mode, double upper)
    {
        if (!double.IsFinite(lower) || !double.IsFinite(mode) || !double.IsFinite(upper) || !(lower < upper) || mode < lower || mode > upper)
        {
            throw new ArgumentException($"Invalid triangular distribution: need finite lower ≤ mode ≤ upper with lower < upper (got {F(lower)}, {F(mode)}, {F(upper)}).");
        }

        Lower = lower;
        Mode = mode;
        Upper = upper;
    }

    /// <summary>Lower bound.</summary>
    public double Lower { get; }

    /// <summary>Mode.</summary>
    public double Mode { get; }

    /// <summary>Upper bound.</summary>
    public double Upper { get; }

    /// <inheritdoc />
    public override double Mean => (Lower + Mode + Upper) / 3;

    /// <inheritdoc />
    public override double Variance => ((Lower * Lower) + (Mode * Mode) + (Upper * Upper) - (Lower * Mode) - (Lower * Upper) - (Mode * Upper)) / 18;

    /// <inheritdoc />
    public override double Sample(ref RandomSource random) => Quantile(random.NextDouble());

    /// <inheritdoc />
    public override double CumulativeDistribution(double x)
    {
        if (x <= Lower)
        {
            return 0;
        }

        if (x >= Upper)
        {
            return 1;
        }

        var w = Upper - Lower;
        return x <= Mode
            ? (x - Lower) * (x - Lower) / (w * (Mode - Lower))
            : 1 - ((Upper - x) * (Upper - x) / (w * (Upper - Mode)));
    }

    /// <inheritdoc />
    public override double InverseCumulativeDistribution(double p)
    {
        CheckProbability(p);
        return Quantile(p);
    }

    private double Quantile(double p)
    {
        var w = Upper - Lower;
        var fc = (Mode - Lower) / w;
        return p < fc
            ? Lower + Math.Sqrt(p * w * (Mode - Lower))
            : Upper - Math.Sqrt((1 - p) * w * (Upper - Mode));
    }

    /// <inheritdoc />
    public override string ToString() => $"Triangular({F(Lower)}, {F(Mode)}, {F(Upper)})";
}

/// <summary>
/// Dirichlet(α₁ … α_n), for a row of transition probabilities that must sum to 1. Sampled as
/// normalised independent Gamma(α_i) draws. Component i has mean <c>α_i/α₀</c> and variance
/// <c>α_i(α₀ − α_i)/(α₀²(α₀ + 1))</c>, <c>α₀ = Σα</c>.
/// </summary>
public sealed class DirichletDistribution
{
    private readonly double[] _alpha;
    private readonly GammaSampler[] _samplers;

    /// <summary>Creates a Dirichlet from its concentration parameters (for example observed counts per destination).</summary>
    /// <param name="alphas">At least two concentrations, each finite and positive.</param>
    /// <exception cref="ArgumentException">Fewer than two components, or a concentration is not positive.</exception>
    public DirichletDistribution(IEnumerable<double> alphas)
    {
        ArgumentNullException.ThrowIfNull(alphas);
        _alpha = alphas.ToArray();
        var problems = new List<string>();
        if (_alpha.Length < 2)
        {
            problems.Add($"it needs at least two components (got {_alpha.Length})");
        }

        for (var i = 0; i < _alpha.Length; i++)
        {
            if (!(double.IsFinite(_alpha[i]) && _alpha[i] > 0))
            {
                problems.Add($"α[{i}] must be finite and positive (got {_alpha[i].ToString("G6", CultureInfo.InvariantCulture)})");
            }
        }

        if (problems.Count > 0)
        {
            throw new ArgumentException($"Invalid Dirichlet distribution: {string.Join("; ", problems)}.", nameof(alphas));
        }

        _samplers = _alpha.Select(a => new GammaSampler(a)).ToArray();
    }

    /// <summary>
    /// The Dirichlet with the given mean proportions and total concentration α₀ (an effective
    /// sample size): <c>α_i = α₀·m_i</c>.
    /// </summary>
    /// <param name="means">Mean proportions, each in (0, 1), summing to 1 (±1e-9).</param>
    /// <param name="concentration">α₀ &gt; 0.</param>
    /// <exception cref="ArgumentException">The means do not form a distribution or α₀ is not positive.</exception>
    public static DirichletDistribution FromMeans(IEnumerable<double> means, double concentration)
    {
        ArgumentNullException.ThrowIfNull(means);
        var m = means.ToArray();
        var sum = m.Sum();
        if (Math.Abs(sum - 1) > 1e-9 || m.Any(x => !(x > 0 && x < 1)))
        {
            throw new ArgumentException($"Invalid Dirichlet distribution: the means must lie in (0, 1) and sum to 1 (got sum {sum.ToString("G10", CultureInfo.InvariantCulture)}).", nameof(means));
        }

        Guard.Positive(concentration);
        return new DirichletDistribution(m.Select(x => x * concentration));
    }

    /// <summary>Number of components.</summary>
    public int Dimension => _alpha.Length;

    /// <summary>The concentrations α.</summary>
    public IReadOnlyList<double> Alphas => _alpha;

    /// <summary>Mean of component i, <c>α_i/α₀</c>.</summary>
    /// <param name="component">Component index.</param>
    public double Mean(int component) => _alpha[component] / _alpha.Sum();

    /// <summary>Variance of component i.</summary>
    /// <param name="component">Component index.</param>
    public double Variance(int component)
    {
        var a0 = _alpha.Sum();
        var a = _alpha[component];
        return a * (a0 - a) / (a0 * a0 * (a0 + 1));
    }

    /// <summary>Draws one vector into <paramref name="destination"/> (length <see cref="Dimension"/>); the entries sum to 1.</summary>
    /// <param name="random">The random stream (advanced).</param>
    /// <param name="destination">Where the draw goes.</param>
    public void Sample(ref RandomSource random, Span<double> destination)
    {
        if (destination.Length != _alpha.Length)
        {
            throw new ArgumentException($"The destination must have {_alpha.Length} elements.", nameof(destination));
        }

        var sum = 0.0;
        for (var i = 0; i < _alpha.Length; i++)
        {
            destination[i] = _samplers[i].Sample(ref random);
            sum += destination[i];
        }

        for (var i = 0; i < _alpha.Length; i++)
        {
            destination[i] /= sum;
        }
    }

    /// <summary>One vector per lane (row-major, lane × <see cref="Dimension"/>), each exactly what <see cref="Sample"/> gives on that lane's stream.</summary>
    internal void SampleLanes(RandomLanes lanes, Span<double> destination)
    {
        var n = _alpha.Length;
        for (var i = 0; i < n; i++)
        {
            _samplers[i].SampleLanes(lanes, lanes.ScratchX);
            for (var l = 0; l < lanes.Capacity; l++)
            {
                destination[(l * n) + i] = lanes.ScratchX[l];
            }
        }

        // The scalar code sums in component order, then divides.
        for (var l = 0; l < lanes.Capacity; l++)
        {
            var row = destination.Slice(l * n, n);
            var sum = 0.0;
            for (var i = 0; i < n; i++)
            {
                sum += row[i];
            }

            for (var i = 0; i < n; i++)
            {
                row[i] /= sum;
            }
        }
    }

    /// <inheritdoc />
    public override string ToString() => $"Dirichlet({string.Join(", ", _alpha.Select(a => a.ToString("G6", CultureInfo.InvariantCulture)))})";
}

/// <summary>Gamma(shape, 1) sampler with the Marsaglia–Tsang constants precomputed.</summary>
internal readonly struct GammaSampler
{
    private readonly double _d;
    private readonly double _c;
    private readonly double _boost; // 1/shape when shape < 1, else 0.

    public GammaSampler(double shape)
    {
        var k = shape < 1 ? shape + 1 : shape;
        _d = k - (1.0 / 3);
        _c = 1 / Math.Sqrt(9 * _d);
        _boost = shape < 1 ? 1 / shape : 0;
    }

    public double Sample(ref RandomSource random)
    {
        var g = random.NextGammaCore(_d, _c);
        return _boost == 0 ? g : g * Math.Pow(random.NextOpenDouble(), _boost);
    }

    /// <summary>Per lane, <see cref="Sample"/>; <paramref name="destination"/> must not be one of the lanes' scratch buffers used by the caller for other values.</summary>
    public void SampleLanes(RandomLanes lanes, Span<double> destination)
    {
        lanes.NextGammaCores(_d, _c, destination);
        if (_boost != 0)
        {
            Span<double> u = lanes.Capacity <= 64 ? stackalloc double[lanes.Capacity] : new double[lanes.Capacity];
            lanes.NextOpenDoubles(u);
            for (var l = 0; l < lanes.Capacity; l++)
            {
                destination[l] *= Math.Pow(u[l], _boost);
            }
        }
    }
}
