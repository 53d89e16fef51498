using SocialInvestment.Economics;
using SocialInvestment.Model;

namespace SocialInvestment.Uncertainty;

/// <summary>Summary of one quantity over PSA draws.</summary>
/// <param name="Mean">Sample mean.</param>
/// <param name="StandardDeviation">Sample standard deviation (n − 1).</param>
/// <param name="StandardError">Monte Carlo standard error of the mean, SD/√n.</param>
/// <param name="Lower">Lower end of the percentile interval.</param>
/// <param name="Median">Median.</param>
/// <param name="Upper">Upper end of the percentile interval.</param>
/// <param name="Count">Number of draws summarised (NaN values, for example a payback that never happens, are excluded).</param>
public sealed record PsaSummary(double Mean, double StandardDeviation, double StandardError, double Lower, double Median, double Upper, int Count)
{
    /// <summary>Summarises values; percentiles by linear interpolation between order statistics (R type 7, Excel <c>PERCENTILE.INC</c>).</summary>
    /// <param name="values">The values (NaN ignored).</param>
    /// <param name="interval">Central interval width, for example 0.95 for the 2.5th and 97.5th percentiles.</param>
    public static PsaSummary Of(IEnumerable<double> values, double interval = 0.95)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (!(interval > 0 && interval < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(interval), interval, "The interval must lie in (0, 1).");
        }

        var sorted = values.Where(v => !double.IsNaN(v)).ToArray();
        var m = default(RunningMoments);
        foreach (var v in sorted)
        {
            m.Add(v);
        }

        Array.Sort(sorted);
        var a = (1 - interval) / 2;
        return new PsaSummary(m.Mean, m.StandardDeviation, m.StandardError, Percentile(sorted, a), Percentile(sorted, 0.5), Percentile(sorted, 1 - a), sorted.Length);
    }

    /// <summary>The q-quantile of sorted values, R type 7.</summary>
    internal static double Percentile(double[] sorted, double q)
    {
        if (sorted.Length == 0)
        {
            return double.NaN;
        }

        var h = (sorted.Length - 1) * q;
        var lo = (int)Math.Floor(h);
        var hi = Math.Min(lo + 1, sorted.Length - 1);
        return sorted[lo] + ((h - lo) * (sorted[hi] - sorted[lo]));
    }
}

/// <summary>One row of a PSA summary table.</summary>
/// <param name="Strategy">The strategy appraised.</param>
/// <param name="Perspective">The perspective.</param>
/// <param name="Figure">The appraisal figure.</param>
/// <param name="Summary">Its summary over draws.</param>
/// <param name="ProbabilityPositive">Share of draws with a value &gt; 0 (for NPV: the chance that benefits exceed costs).</param>
public sealed record PsaFigureSummary(string Strategy, string Perspective, PsaFigure Figure, PsaSummary Summary, double ProbabilityPositive);

/// <summary>
/// Cost-effectiveness acceptability curves: for each willingness to pay λ, the share of draws in
/// which each strategy has the highest net monetary benefit <c>NMB = λ·E − C</c> (ties go to the
/// first strategy, so the shares sum to 1), and the frontier: the strategy with the highest
/// expected NMB at λ, with its probability of being best, and the EVPI at λ.
/// </summary>
public sealed class AcceptabilityCurves
{
    internal AcceptabilityCurves(IReadOnlyList<string> strategies, double[] wtp, double[,] probability, int[] frontier, double[] evpi)
    {
        Strategies = strategies;
        WillingnessToPay = wtp;
        _probability = probability;
        FrontierStrategy = frontier;
        Evpi = evpi;
    }

    private readonly double[,] _probability;

    /// <summary>Strategy names, in order.</summary>
    public IReadOnlyList<string> Strategies { get; }

    /// <summary>The willingness-to-pay grid (currency per unit of outcome).</summary>
    public IReadOnlyList<double> WillingnessToPay { get; }

    /// <summary>Probability that strategy <paramref name="strategy"/> is optimal at grid point <paramref name="wtp"/>.</summary>
    /// <param name="strategy">Strategy index.</param>
    /// <param name="wtp">Grid index.</param>
    public double Probability(int strategy, int wtp) => _probability[strategy, wtp];

    /// <summary>Index of the strategy with the highest expected NMB at each grid point (the acceptability frontier).</summary>
    public IReadOnlyList<int> FrontierStrategy { get; }

    /// <summary>Probability that the frontier strategy is optimal, at each grid point.</summary>
    public IReadOnlyList<double> FrontierProbability => FrontierStrategy.Select((s, j) => _probability[s, j]).ToArray();

    /// <summary>Expected value of perfect information per person at each grid point.</summary>
    public IReadOnlyList<double> Evpi { get; }
}

/// <summary>
/// Results of a probabilistic sensitivity analysis: every per-draw total and appraisal figure
/// (K doubles each), and the statistics derived from them.
/// </summary>
public sealed class PsaResult
{
    private readonly double[] _costs;
    private readonly double[] _outcomes;
    private readonly double[] _figures;
    private readonly double[] _parameters;

    internal PsaResult(PsaSpecification specification, ulong seed, IReadOnlyList<Strategy> strategies, int comparator, IReadOnlyList<Perspective> perspectives, double[] costs, double[] outcomes, double[] figures, double[] parameters, int draws)
    {
        Specification = specification;
        Seed = seed;
        Strategies = strategies;
        ComparatorIndex = comparator;
        Perspectives = perspectives;
        _costs = costs;
        _outcomes = outcomes;
        _figures = figures;
        _parameters = parameters;
        Draws = draws;
    }

    /// <summary>The specification sampled.</summary>
    public PsaSpecification Specification { get; }

    /// <summary>The seed.</summary>
    public ulong Seed { get; }

    /// <summary>Number of draws K.</summary>
    public int Draws { get; }

    /// <summary>The strategies, in order.</summary>
    public IReadOnlyList<Strategy> Strategies { get; }

    /// <summary>Index of the comparator in <see cref="Strategies"/>.</summary>
    public int ComparatorIndex { get; }

    /// <summary>The perspectives, in order.</summary>
    public IReadOnlyList<Perspective> Perspectives { get; }

    private LifeCourseModel Model => Specification.Model;

    /// <summary>Discounted total cost per person of a strategy from a perspective, per draw.</summary>
    /// <param name="strategy">The strategy.</param>
    /// <param name="perspective">The perspective.</param>
    public ReadOnlySpan<double> Costs(Strategy strategy, Perspective perspective)
        => _costs.AsSpan(((S(strategy) * Perspectives.Count) + V(perspective)) * Draws, Draws);

    /// <summary>Discounted total of an outcome per person under a strategy, per draw.</summary>
    /// <param name="strategy">The strategy.</param>
    /// <param name="outcome">The outcome.</param>
    public ReadOnlySpan<double> Outcomes(Strategy strategy, Outcome outcome)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        var o = -1;
        for (var i = 0; i < Model.Outcomes.Count; i++)
        {
            if (Model.Outcomes[i].Name == outcome.Name)
            {
                o = i;
                break;
            }
        }

        if (o < 0)
        {
            throw new ArgumentException($"The model has no outcome '{outcome.Name}'.", nameof(outcome));
        }

        return _outcomes.AsSpan(((S(strategy) * Model.Outcomes.Count) + o) * Draws, Draws);
    }

    /// <summary>An appraisal figure of a strategy against the comparator, per draw (the comparator's own values are 0 or NaN).</summary>
    /// <param name="figure">The figure.</param>
    /// <param name="strategy">The strategy.</param>
    /// <param name="perspective">The perspective.</param>
    public ReadOnlySpan<double> Values(PsaFigure figure, Strategy strategy, Perspective perspective)
        => _figures.AsSpan(ProbabilisticAnalysis.FigureIndex(figure, S(strategy), V(perspective), Strategies.Count, Perspectives.Count, Draws), Draws);

    /// <summary>The drawn values of a parameter, per draw.</summary>
    /// <param name="parameter">The parameter.</param>
    public double[] ParameterDraws(ParameterRef parameter)
    {
        var P = Model.Parameters.Count;
        var result = new double[Draws];
        for (var k = 0; k < Draws; k++)
        {
            result[k] = _parameters[(k * P) + parameter.Index];
        }

        return result;
    }

    /// <summary>Mean and percentile interval of an appraisal figure.</summary>
    /// <param name="figure">The figure.</param>
    /// <param name="strategy">The strategy.</param>
    /// <param name="perspective">The perspective.</param>
    /// <param name="interval">Central interval width (0.95 default).</param>
    public PsaSummary Summarize(PsaFigure figure, Strategy strategy, Perspective perspective, double interval = 0.95)
        => PsaSummary.Of(Values(figure, strategy, perspective).ToArray(), interval);

    /// <summary>Probability that the strategy's NPV against the comparator is positive from the perspective (benefits exceed costs).</summary>
    /// <param name="strategy">The strategy.</param>
    /// <param name="perspective">The perspective (a payer, the public sector, society).</param>
    public double ProbabilityPositiveNpv(Strategy strategy, Perspective perspective)
    {
        var v = Values(PsaFigure.NetPresentValue, strategy, perspective);
        var n = 0;
        foreach (var x in v)
        {
            if (x > 0)
            {
                n++;
            }
        }

        return (double)n / Draws;
    }

    /// <summary>Every appraisal figure of every non-comparator strategy from every perspective.</summary>
    /// <param name="interval">Central interval width (0.95 default).</param>
    public IReadOnlyList<PsaFigureSummary> SummaryTable(double interval = 0.95)
    {
        var rows = new List<PsaFigureSummary>();
        for (var s = 0; s < Strategies.Count; s++)
        {
            if (s == ComparatorIndex)
            {
                continue;
            }

            foreach (var p in Perspectives)
            {
                foreach (var f in Enum.GetValues<PsaFigure>())
                {
                    var values = Values(f, Strategies[s], p).ToArray();
                    var positive = values.Count(x => x > 0) / (double)Draws;
                    rows.Add(new PsaFigureSummary(Strategies[s].Name, p.Name, f, PsaSummary.Of(values, interval), positive));
                }
            }
        }

        return rows;
    }

    /// <summary>Net monetary benefit per draw, <c>λ·E − C</c>, with E the discounted outcome total and C the perspective's discounted cost.</summary>
    /// <param name="strategy">The strategy.</param>
    /// <param name="perspective">The cost perspective.</param>
    /// <param name="outcome">The effect measure (for example QALY).</param>
    /// <param name="willingnessToPay">λ, currency per unit of outcome.</param>
    public double[] NetMonetaryBenefit(Strategy strategy, Perspective perspective, Outcome outcome, double willingnessToPay)
    {
        var c = Costs(strategy, perspective);
        var e = Outcomes(strategy, outcome);
        var nb = new double[Draws];
        for (var k = 0; k < Draws; k++)
        {
            nb[k] = (willingnessToPay * e[k]) - c[k];
        }

        return nb;
    }

    /// <summary>Cost-effectiveness acceptability curves, frontier and EVPI over a willingness-to-pay grid.</summary>
    /// <param name="perspective">The cost perspective.</param>
    /// <param name="outcome">The effect measure.</param>
    /// <param name="willingnessToPay">The grid of λ values.</param>
    public AcceptabilityCurves Acceptability(Perspective perspective, Outcome outcome, IEnumerable<double> willingnessToPay)
    {
        ArgumentNullException.ThrowIfNull(willingnessToPay);
        var grid = willingnessToPay.ToArray();
        var S = Strategies.Count;
        var prob = new double[S, grid.Length];
        var frontier = new int[grid.Length];
        var evpi = new double[grid.Length];
        for (var j = 0; j < grid.Length; j++)
        {
            var nb = Strategies.Select(s => NetMonetaryBenefit(s, perspective, outcome, grid[j])).ToArray();
            var (counts, best) = Optimal(nb);
            for (var s = 0; s < S; s++)
            {
                prob[s, j] = counts[s] / (double)Draws;
            }

            frontier[j] = best;
            evpi[j] = EvpiOf(nb);
        }

        return new AcceptabilityCurves(Strategies.Select(s => s.Name).ToArray(), grid, prob, frontier, evpi);
    }

    /// <summary>
    /// Expected value of perfect information per person at λ:
    /// <c>EVPI = E_θ[max_s NB_s(θ)] − max_s E_θ[NB_s(θ)]</c>, estimated over the draws. Always ≥ 0.
    /// </summary>
    /// <param name="perspective">The cost perspective.</param>
    /// <param name="outcome">The effect measure.</param>
    /// <param name="willingnessToPay">λ.</param>
    public double Evpi(Perspective perspective, Outcome outcome, double willingnessToPay)
        => EvpiOf(Strategies.Select(s => NetMonetaryBenefit(s, perspective, outcome, willingnessToPay)).ToArray());

    /// <summary>
    /// Expected value of partial perfect information for a group of parameters φ at λ, by the
    /// regression metamodel of Strong, Oakley and Brennan (2014, Med Decis Making 34(3):311–326):
    /// the incremental net benefit of each strategy over the first, <c>INB_s</c>, is regressed on a
    /// polynomial in the standardised parameters of the group (all terms of total degree ≤
    /// <paramref name="degree"/>, which includes the pairwise interactions for degree ≥ 2; a
    /// least-squares stand-in for their GAM); with fitted values <c>ĝ_s(φ_k)</c> (ĝ₀ = 0),
    /// <c>EVPPI = mean_k max_s ĝ_s(φ_k) − max_s mean_k ĝ_s(φ_k)</c>. The estimate is truncated to
    /// [0, EVPI], the bounds the true value obeys.
    /// </summary>
    /// <param name="perspective">The cost perspective.</param>
    /// <param name="outcome">The effect measure.</param>
    /// <param name="willingnessToPay">λ.</param>
    /// <param name="parameters">The parameter group φ (each must vary over the draws).</param>
    /// <param name="degree">Total polynomial degree, 1 to 4 (default 3).</param>
    /// <exception cref="ArgumentException">The group is empty, a parameter does not vary, or there are too few draws for the basis.</exception>
    public double Evppi(Perspective perspective, Outcome outcome, double willingnessToPay, IReadOnlyList<ParameterRef> parameters, int degree = 3)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentOutOfRangeException.ThrowIfLessThan(degree, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(degree, 4);
        if (parameters.Count == 0)
        {
            throw new ArgumentException("The parameter group is empty.", nameof(parameters));
        }

        var nb = Strategies.Select(s => NetMonetaryBenefit(s, perspective, outcome, willingnessToPay)).ToArray();
        var evpi = EvpiOf(nb);
        var x = parameters.Select(p =>
        {
            var d = ParameterDraws(p);
            var m = default(RunningMoments);
            foreach (var v in d)
            {
                m.Add(v);
            }

            if (!(m.StandardDeviation > 0))
            {
                throw new ArgumentException($"Parameter '{p.Name}' does not vary over the draws; EVPPI needs uncertain parameters.", nameof(parameters));
            }

            return d.Select(v => (v - m.Mean) / m.StandardDeviation).ToArray();
        }).ToArray();
        var terms = Monomials(parameters.Count, degree);
        if (terms.Count >= Draws)
        {
            throw new ArgumentException($"The regression basis has {terms.Count} terms but only {Draws} draws; use more draws or a lower degree.", nameof(parameters));
        }

        var design = MathNet.Numerics.LinearAlgebra.Matrix<double>.Build.Dense(Draws, terms.Count, (k, j) =>
        {
            var v = 1.0;
            foreach (var i in terms[j])
            {
                v *= x[i][k];
            }

            return v;
        });
        var qr = design.QR();
        var S = Strategies.Count;
        var fitted = new double[S][];
        fitted[0] = new double[Draws];
        for (var s = 1; s < S; s++)
        {
            var y = MathNet.Numerics.LinearAlgebra.Vector<double>.Build.Dense(Draws, k => nb[s][k] - nb[0][k]);
            fitted[s] = (design * qr.Solve(y)).ToArray();
        }

        var meanOfMax = 0.0;
        for (var k = 0; k < Draws; k++)
        {
            var best = double.NegativeInfinity;
            for (var s = 0; s < S; s++)
            {
                best = Math.Max(best, fitted[s][k]);
            }

            meanOfMax += best;
        }

        meanOfMax /= Draws;
        var maxOfMean = fitted.Max(f => f.Average());
        return Math.Clamp(meanOfMax - maxOfMean, 0, evpi);
    }

    /// <summary>All monomials (as lists of variable indices, with repetition) of total degree 0..degree.</summary>
    internal static List<int[]> Monomials(int variables, int degree)
    {
        var result = new List<int[]> { Array.Empty<int>() };
        var frontier = new List<int[]> { Array.Empty<int>() };
        for (var d = 1; d <= degree; d++)
        {
            var next = new List<int[]>();
            foreach (var m in frontier)
            {
                var start = m.Length == 0 ? 0 : m[^1];
                for (var i = start; i < variables; i++)
                {
                    next.Add([.. m, i]);
                }
            }

            result.AddRange(next);
            frontier = next;
        }

        return result;
    }

    private (int[] Counts, int Best) Optimal(double[][] nb)
    {
        var S = nb.Length;
        var counts = new int[S];
        var sums = new double[S];
        for (var k = 0; k < Draws; k++)
        {
            var best = 0;
            for (var s = 0; s < S; s++)
            {
                sums[s] += nb[s][k];
                if (nb[s][k] > nb[best][k])
                {
                    best = s;
                }
            }

            counts[best]++;
        }

        var bestMean = 0;
        for (var s = 1; s < S; s++)
        {
            if (sums[s] > sums[bestMean])
            {
                bestMean = s;
            }
        }

        return (counts, bestMean);
    }

    private double EvpiOf(double[][] nb)
    {
        var S = nb.Length;
        var meanOfMax = 0.0;
        var means = new double[S];
        for (var k = 0; k < Draws; k++)
        {
            var best = double.NegativeInfinity;
            for (var s = 0; s < S; s++)
            {
                best = Math.Max(best, nb[s][k]);
                means[s] += nb[s][k];
            }

            meanOfMax += best;
        }

        return Math.Max(0, (meanOfMax - means.Max()) / Draws);
    }

    private int S(Strategy strategy)
    {
        ArgumentNullException.ThrowIfNull(strategy);
        var i = ProbabilisticAnalysis.IndexOf(Strategies, strategy);
        return i >= 0 ? i : throw new ArgumentException($"Strategy '{strategy.Name}' was not part of the analysis.", nameof(strategy));
    }

    private int V(Perspective perspective)
    {
        ArgumentNullException.ThrowIfNull(perspective);
        for (var i = 0; i < Perspectives.Count; i++)
        {
            if (ReferenceEquals(Perspectives[i], perspective) || Perspectives[i].Name == perspective.Name)
            {
                return i;
            }
        }

        throw new ArgumentException($"Perspective '{perspective.Name}' was not part of the analysis.", nameof(perspective));
    }
}
