using SocialInvestment.Economics;
using SocialInvestment.Engine;
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
public sealed record PsaFigureSummary(Strategy Strategy, string Perspective, PsaFigure Figure, PsaSummary Summary, double ProbabilityPositive);

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
        Strategies = ReadOnly.Copy(strategies);
        WillingnessToPay = ReadOnly.Own(wtp);
        _probability = probability;
        FrontierStrategy = ReadOnly.Own(frontier);
        Evpi = ReadOnly.Own(evpi);
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
    public IReadOnlyList<double> FrontierProbability => ReadOnly.Copy(FrontierStrategy.Select((s, j) => _probability[s, j]));

    /// <summary>Expected value of perfect information per person at each grid point.</summary>
    public IReadOnlyList<double> Evpi { get; }
}

/// <summary>
/// Results of a probabilistic sensitivity analysis. Always available, streamed while the run went
/// on: the mean, standard deviation and percentile interval of every appraisal figure
/// (<see cref="Summarize"/>, <see cref="SummaryTable"/>, <see cref="Quantile"/>), the probability
/// that NPV &gt; 0 (<see cref="ProbabilityPositiveNpv"/>), the moments of every drawn parameter
/// (<see cref="ParameterMoments"/>), and the acceptability curves and EVPI requested in
/// <see cref="PsaOptions.Acceptability"/>. Percentiles come from a <see cref="QuantileSketch"/>
/// per figure unless the draws were kept. With <see cref="PsaOptions.KeepDraws"/> also every
/// per-draw value (<see cref="Values"/>, <see cref="Costs"/>, <see cref="Outcomes"/>,
/// <see cref="ParameterDraws"/>, <see cref="NetMonetaryBenefit"/>), exact percentiles (R type 7),
/// acceptability and EVPI for any grid, and <see cref="Evppi"/>.
/// </summary>
public sealed class PsaResult
{
    private readonly PsaAccumulator _summary;
    private readonly PsaBuffers? _kept;

    internal PsaResult(PsaSpecification specification, ulong seed, IReadOnlyList<Strategy> strategies, int comparator, IReadOnlyList<Perspective> perspectives, int draws, PsaAccumulator summary, PsaBuffers? kept)
    {
        Specification = specification;
        Seed = seed;
        Strategies = ReadOnly.Copy(strategies);
        ComparatorIndex = comparator;
        Perspectives = ReadOnly.Copy(perspectives);
        Draws = draws;
        _summary = summary;
        _kept = kept;
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

    /// <summary>True when every draw was kept in memory (<see cref="PsaOptions.KeepDraws"/>): per-draw values, exact percentiles and EVPPI are available.</summary>
    public bool KeepsDraws => _kept is not null;

    private LifeCourseModel Model => Specification.Model;

    /// <summary>Discounted total cost per person of a strategy from a perspective, per draw. Needs <see cref="PsaOptions.KeepDraws"/>.</summary>
    /// <param name="strategy">The strategy.</param>
    /// <param name="perspective">The perspective.</param>
    /// <exception cref="InvalidOperationException">The draws were not kept.</exception>
    public ReadOnlySpan<double> Costs(Strategy strategy, Perspective perspective)
        => Kept(nameof(Costs)).Costs.AsSpan(((S(strategy) * Perspectives.Count) + V(perspective)) * Draws, Draws);

    /// <summary>Discounted total of an outcome per person under a strategy, per draw. Needs <see cref="PsaOptions.KeepDraws"/>.</summary>
    /// <param name="strategy">The strategy.</param>
    /// <param name="outcome">The outcome.</param>
    /// <exception cref="InvalidOperationException">The draws were not kept.</exception>
    public ReadOnlySpan<double> Outcomes(Strategy strategy, Outcome outcome)
    {
        var kept = Kept(nameof(Outcomes));
        return kept.Outcomes.AsSpan(((S(strategy) * Model.Outcomes.Count) + OutcomeIndex(outcome)) * Draws, Draws);
    }

    /// <summary>An appraisal figure of a strategy against the comparator, per draw (the comparator's own values are 0 or NaN). Needs <see cref="PsaOptions.KeepDraws"/>.</summary>
    /// <param name="figure">The figure.</param>
    /// <param name="strategy">The strategy.</param>
    /// <param name="perspective">The perspective.</param>
    /// <exception cref="InvalidOperationException">The draws were not kept.</exception>
    public ReadOnlySpan<double> Values(PsaFigure figure, Strategy strategy, Perspective perspective)
        => Kept(nameof(Values)).Figures.AsSpan(ProbabilisticAnalysis.FigureIndex(figure, S(strategy), V(perspective), Strategies.Count, Perspectives.Count, Draws), Draws);

    /// <summary>The drawn values of a parameter, per draw (a span, like every per-draw result). Needs <see cref="PsaOptions.KeepDraws"/> (<see cref="ParameterMoments"/> does not).</summary>
    /// <param name="parameter">The parameter.</param>
    /// <exception cref="InvalidOperationException">The draws were not kept.</exception>
    public ReadOnlySpan<double> ParameterDraws(ParameterRef parameter) => ParameterDrawsCopy(parameter);

    private double[] ParameterDrawsCopy(ParameterRef parameter)
    {
        var kept = Kept(nameof(ParameterDraws));
        var P = Model.Parameters.Count;
        var i = ParameterIndex(parameter);
        var result = new double[Draws];
        for (var k = 0; k < Draws; k++)
        {
            result[k] = kept.Parameters[(k * P) + i];
        }

        return result;
    }

    /// <summary>Streamed mean and variance over the draws of the discounted total cost per person of a strategy from a perspective (input convention: + = cost).</summary>
    /// <param name="strategy">The strategy.</param>
    /// <param name="perspective">The perspective.</param>
    public RunningMoments CostMoments(Strategy strategy, Perspective perspective) => _summary.CostMoments[(S(strategy) * Perspectives.Count) + V(perspective)];

    /// <summary>Streamed mean and variance over the draws of the discounted total of an outcome per person under a strategy.</summary>
    /// <param name="strategy">The strategy.</param>
    /// <param name="outcome">The outcome.</param>
    public RunningMoments OutcomeMoments(Strategy strategy, Outcome outcome) => _summary.OutcomeMoments[(S(strategy) * Model.Outcomes.Count) + OutcomeIndex(outcome)];

    /// <summary>Streamed mean and variance of the drawn values of a parameter (its base value in every draw when it has no distribution).</summary>
    /// <param name="parameter">The parameter.</param>
    public RunningMoments ParameterMoments(ParameterRef parameter) => _summary.ParameterMoments[ParameterIndex(parameter)];

    /// <summary>
    /// Mean and percentile interval of an appraisal figure over the draws (NaN values, such as a
    /// payback that never happens, excluded). The mean and standard deviation are exact; the
    /// percentiles are exact (R type 7) when the draws were kept, otherwise read from the figure's
    /// <see cref="QuantileSketch"/>.
    /// </summary>
    /// <param name="figure">The figure.</param>
    /// <param name="strategy">The strategy.</param>
    /// <param name="perspective">The perspective.</param>
    /// <param name="interval">Central interval width (0.95 default).</param>
    public PsaSummary Summarize(PsaFigure figure, Strategy strategy, Perspective perspective, double interval = 0.95)
        => Summary(FigureSlot(figure, S(strategy), V(perspective)), interval);

    /// <summary>The q-quantile of an appraisal figure over the draws: exact (R type 7) when the draws were kept, otherwise from its <see cref="QuantileSketch"/>.</summary>
    /// <param name="figure">The figure.</param>
    /// <param name="strategy">The strategy.</param>
    /// <param name="perspective">The perspective.</param>
    /// <param name="q">The probability in [0, 1].</param>
    public double Quantile(PsaFigure figure, Strategy strategy, Perspective perspective, double q)
    {
        if (!(q >= 0 && q <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(q), q, "The probability must lie in [0, 1].");
        }

        var slot = FigureSlot(figure, S(strategy), V(perspective));
        return _kept is { } kept
            ? PsaSummary.Percentile(Sorted(kept, slot), q)
            : _summary.Sketches![slot].Quantile(q);
    }

    /// <summary>Probability that the strategy's NPV against the comparator is positive from the perspective (benefits exceed costs): the share of draws with NPV &gt; 0.</summary>
    /// <param name="strategy">The strategy.</param>
    /// <param name="perspective">The perspective (a payer, the public sector, society).</param>
    public double ProbabilityPositiveNpv(Strategy strategy, Perspective perspective)
        => (double)_summary.Positive[FigureSlot(PsaFigure.NetPresentValue, S(strategy), V(perspective))] / Draws;

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

            for (var v = 0; v < Perspectives.Count; v++)
            {
                foreach (var f in Enum.GetValues<PsaFigure>())
                {
                    var slot = FigureSlot(f, s, v);
                    rows.Add(new PsaFigureSummary(Strategies[s], Perspectives[v].Name, f, Summary(slot, interval), _summary.Positive[slot] / (double)Draws));
                }
            }
        }

        return rows;
    }

    /// <summary>Net monetary benefit per draw, <c>λ·E − C</c>, with E the discounted outcome total and C the perspective's discounted cost. Needs <see cref="PsaOptions.KeepDraws"/>.</summary>
    /// <param name="strategy">The strategy.</param>
    /// <param name="perspective">The cost perspective.</param>
    /// <param name="outcome">The effect measure (for example QALY).</param>
    /// <param name="willingnessToPay">λ, currency per unit of outcome.</param>
    /// <exception cref="InvalidOperationException">The draws were not kept.</exception>
    public ReadOnlySpan<double> NetMonetaryBenefit(Strategy strategy, Perspective perspective, Outcome outcome, double willingnessToPay)
        => NetMonetaryBenefitCopy(strategy, perspective, outcome, willingnessToPay);

    private double[] NetMonetaryBenefitCopy(Strategy strategy, Perspective perspective, Outcome outcome, double willingnessToPay)
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

    /// <summary>
    /// Cost-effectiveness acceptability curves, frontier and EVPI over a willingness-to-pay grid.
    /// Streamed runs answer for the perspective, outcome and λ values requested in
    /// <see cref="PsaOptions.Acceptability"/>; runs that kept the draws, for any. Both give the same
    /// numbers (the same sums in the same order).
    /// </summary>
    /// <param name="perspective">The cost perspective.</param>
    /// <param name="outcome">The effect measure.</param>
    /// <param name="willingnessToPay">The grid of λ values.</param>
    /// <exception cref="InvalidOperationException">A λ was not requested before a streamed run.</exception>
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
            var nb = NetBenefit(perspective, outcome, grid[j]);
            for (var s = 0; s < S; s++)
            {
                prob[s, j] = nb.BestCounts[s] / (double)Draws;
            }

            frontier[j] = nb.BestMean;
            evpi[j] = nb.Evpi(Draws);
        }

        return new AcceptabilityCurves(Strategies.Select(s => s.Name).ToArray(), grid, prob, frontier, evpi);
    }

    /// <summary>
    /// Expected value of perfect information per person at λ:
    /// <c>EVPI = E_θ[max_s NB_s(θ)] − max_s E_θ[NB_s(θ)]</c>, estimated over the draws. Always ≥ 0.
    /// Streamed runs answer for the λ values requested in <see cref="PsaOptions.Acceptability"/>.
    /// </summary>
    /// <param name="perspective">The cost perspective.</param>
    /// <param name="outcome">The effect measure.</param>
    /// <param name="willingnessToPay">λ.</param>
    /// <exception cref="InvalidOperationException">λ was not requested before a streamed run.</exception>
    public double Evpi(Perspective perspective, Outcome outcome, double willingnessToPay)
        => NetBenefit(perspective, outcome, willingnessToPay).Evpi(Draws);

    /// <summary>
    /// Expected value of partial perfect information for a group of parameters φ at λ, by the
    /// regression metamodel of Strong, Oakley and Brennan (2014, Med Decis Making 34(3):311–326):
    /// the incremental net benefit of each strategy over the first, <c>INB_s</c>, is regressed on a
    /// polynomial in the standardised parameters of the group (all terms of total degree ≤
    /// <paramref name="degree"/>, which includes the pairwise interactions for degree ≥ 2; a
    /// least-squares stand-in for their GAM); with fitted values <c>ĝ_s(φ_k)</c> (ĝ₀ = 0),
    /// <c>EVPPI = mean_k max_s ĝ_s(φ_k) − max_s mean_k ĝ_s(φ_k)</c>. The estimate is truncated to
    /// [0, EVPI], the bounds the true value obeys. The regression needs every draw:
    /// run with <see cref="PsaOptions.KeepDraws"/>.
    /// </summary>
    /// <param name="perspective">The cost perspective.</param>
    /// <param name="outcome">The effect measure.</param>
    /// <param name="willingnessToPay">λ.</param>
    /// <param name="parameters">The parameter group φ (each must vary over the draws).</param>
    /// <param name="degree">Total polynomial degree, 1 to 4 (default 3).</param>
    /// <exception cref="ArgumentException">The group is empty, a parameter does not vary, or there are too few draws for the basis.</exception>
    /// <exception cref="InvalidOperationException">The draws were not kept.</exception>
    public double Evppi(Perspective perspective, Outcome outcome, double willingnessToPay, IReadOnlyList<ParameterRef> parameters, int degree = 3)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentOutOfRangeException.ThrowIfLessThan(degree, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(degree, 4);
        Kept(nameof(Evppi));
        if (parameters.Count == 0)
        {
            throw new ArgumentException("The parameter group is empty.", nameof(parameters));
        }

        var nb = Strategies.Select(s => NetMonetaryBenefitCopy(s, perspective, outcome, willingnessToPay)).ToArray();
        var evpi = Evpi(perspective, outcome, willingnessToPay);
        var x = parameters.Select(p =>
        {
            var d = ParameterDrawsCopy(p);
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

    private NetBenefitAccumulator NetBenefit(Perspective perspective, Outcome outcome, double willingnessToPay)
    {
        var v = V(perspective);
        var o = OutcomeIndex(outcome);
        if (_summary.FindNetBenefit(v, o, willingnessToPay) is { } streamed)
        {
            return streamed;
        }

        if (_kept is not { } kept)
        {
            throw new InvalidOperationException(string.Create(
                System.Globalization.CultureInfo.InvariantCulture,
                $"The net benefit for perspective '{Perspectives[v].Name}', outcome '{outcome.Name}' at λ = {willingnessToPay} was not accumulated: list it in PsaOptions.Acceptability before the run (streamed), or run with PsaOptions.KeepDraws = true."));
        }

        var acc = new NetBenefitAccumulator(v, o, willingnessToPay, Strategies.Count);
        for (var k = 0; k < Draws; k++)
        {
            acc.Add(kept, k, Perspectives.Count, Model.Outcomes.Count);
        }

        return acc;
    }

    private PsaSummary Summary(int slot, double interval)
    {
        if (!(interval > 0 && interval < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(interval), interval, "The interval must lie in (0, 1).");
        }

        var m = _summary.Moments[slot];
        var a = (1 - interval) / 2;
        if (_kept is { } kept)
        {
            var sorted = Sorted(kept, slot);
            return new PsaSummary(m.Mean, m.StandardDeviation, m.StandardError, PsaSummary.Percentile(sorted, a), PsaSummary.Percentile(sorted, 0.5), PsaSummary.Percentile(sorted, 1 - a), sorted.Length);
        }

        var sketch = _summary.Sketches![slot];
        return sketch.Count == 0
            ? new PsaSummary(m.Mean, m.StandardDeviation, m.StandardError, double.NaN, double.NaN, double.NaN, 0)
            : new PsaSummary(m.Mean, m.StandardDeviation, m.StandardError, sketch.Quantile(a), sketch.Quantile(0.5), sketch.Quantile(1 - a), (int)m.Count);
    }

    private double[] Sorted(PsaBuffers kept, int slot)
    {
        var sorted = kept.Figures.AsSpan(slot * Draws, Draws).ToArray().Where(v => !double.IsNaN(v)).ToArray();
        Array.Sort(sorted);
        return sorted;
    }

    private int FigureSlot(PsaFigure figure, int s, int v)
    {
        if (!Enum.IsDefined(figure))
        {
            throw new ArgumentOutOfRangeException(nameof(figure), figure, "Unknown figure.");
        }

        return ((((int)figure * Strategies.Count) + s) * Perspectives.Count) + v;
    }

    private PsaBuffers Kept(string member) => _kept ?? throw new InvalidOperationException(
        $"{member} needs every draw, but this PSA streamed its summaries without keeping the draws. Run with PsaOptions.KeepDraws = true (memory grows with the draws), or use PsaOptions.DrawSink to receive each draw as it is computed.");

    private int OutcomeIndex(Outcome outcome)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        for (var i = 0; i < Model.Outcomes.Count; i++)
        {
            if (Model.Outcomes[i].Name == outcome.Name)
            {
                return i;
            }
        }

        throw new ArgumentException($"The model has no outcome '{outcome.Name}'.", nameof(outcome));
    }

    private int ParameterIndex(ParameterRef parameter)
    {
        if (parameter.Index < 0 || parameter.Index >= Model.Parameters.Count || Model.Parameters[parameter.Index].Name != parameter.Name)
        {
            throw new ArgumentException($"'{parameter.Name}' is not a parameter of model '{Model.Name}'.", nameof(parameter));
        }

        return parameter.Index;
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
            if (Perspectives[i].Equals(perspective))
            {
                return i;
            }
        }

        throw new ArgumentException($"Perspective '{perspective.Name}' was not part of the analysis.", nameof(perspective));
    }
}

/// <summary>
/// The streamed summaries of a PSA range, folded draw by draw in draw order. Moments and
/// net-benefit sums are exact (<see cref="ExactMoments"/>, <see cref="ExactAccumulator"/>) and
/// counts are integers, so accumulators of disjoint draw ranges merge (<see cref="Add"/>) to the
/// same bits in any order and grouping, and equal the accumulator of one run over all the draws.
/// Quantile sketches merge approximately (see <see cref="QuantileSketch.Merge"/>).
/// </summary>
internal sealed partial class PsaAccumulator
{
    private readonly int _s;
    private readonly int _v;
    private readonly int _o;
    private readonly int _p;
    private readonly PsaDrawSink? _sink;
    private readonly PsaDraw? _draw;
    private readonly ExactMoments[] _figures;
    private readonly ExactMoments[] _parameters;
    private readonly ExactMoments[] _costs;
    private readonly ExactMoments[] _outcomes;

    public PsaAccumulator(LifeCourseModel model, IReadOnlyList<Strategy> strategies, int comparator, IReadOnlyList<Perspective> perspectives, PsaOptions options)
    {
        _s = strategies.Count;
        _v = perspectives.Count;
        _o = model.Outcomes.Count;
        _p = model.Parameters.Count;
        var slots = 4 * _s * _v;
        _figures = NewMoments(slots);
        Positive = new long[slots];
        _parameters = NewMoments(_p);
        _costs = NewMoments(_s * _v);
        _outcomes = NewMoments(_s * _o);
        Moments = [];
        ParameterMoments = [];
        CostMoments = [];
        OutcomeMoments = [];
        if (!options.KeepDraws)
        {
            Sketches = new QuantileSketch[slots];
            for (var i = 0; i < slots; i++)
            {
                Sketches[i] = new QuantileSketch();
            }
        }

        var nb = new List<NetBenefitAccumulator>();
        foreach (var r in options.Acceptability ?? [])
        {
            ArgumentNullException.ThrowIfNull(r, nameof(options));
            var v = -1;
            for (var i = 0; i < perspectives.Count; i++)
            {
                if (perspectives[i].Equals(r.Perspective))
                {
                    v = i;
                }
            }

            var o = -1;
            for (var i = 0; i < model.Outcomes.Count; i++)
            {
                if (model.Outcomes[i].Name == r.Outcome.Name)
                {
                    o = i;
                }
            }

            if (v < 0 || o < 0)
            {
                throw new ArgumentException(v < 0 ? $"The acceptability perspective '{r.Perspective.Name}' is not among the PSA's perspectives." : $"The model has no outcome '{r.Outcome.Name}'.", nameof(options));
            }

            foreach (var lambda in r.WillingnessToPay)
            {
                if (!double.IsFinite(lambda))
                {
                    throw new ArgumentException("Every willingness to pay must be a finite number.", nameof(options));
                }

                if (FindIn(nb, v, o, lambda) is null)
                {
                    nb.Add(new NetBenefitAccumulator(v, o, lambda, _s));
                }
            }
        }

        NetBenefits = nb;
        _sink = options.DrawSink;
        if (_sink is not null)
        {
            _draw = new PsaDraw(strategies, comparator, perspectives, model.Outcomes, _p);
        }
    }

    /// <summary>Figure moments by slot; filled by <see cref="Seal"/>.</summary>
    public RunningMoments[] Moments { get; private set; }

    public long[] Positive { get; }

    public QuantileSketch[]? Sketches { get; }

    /// <summary>Parameter moments; filled by <see cref="Seal"/>.</summary>
    public RunningMoments[] ParameterMoments { get; private set; }

    /// <summary>Cost moments by (strategy, perspective); filled by <see cref="Seal"/>.</summary>
    public RunningMoments[] CostMoments { get; private set; }

    /// <summary>Outcome moments by (strategy, outcome); filled by <see cref="Seal"/>.</summary>
    public RunningMoments[] OutcomeMoments { get; private set; }

    public IReadOnlyList<NetBenefitAccumulator> NetBenefits { get; }

    /// <summary>The (perspective, outcome, λ) of every net-benefit accumulator, in order (part of a PSA range's identity).</summary>
    public IEnumerable<(int Perspective, int Outcome, double WillingnessToPay)> NetBenefitKeys => NetBenefits.Select(n => (n.Perspective, n.Outcome, n.WillingnessToPay));

    public NetBenefitAccumulator? FindNetBenefit(int v, int o, double lambda) => FindIn(NetBenefits, v, o, lambda);

    /// <summary>
    /// Adds draws [<paramref name="first"/>, <paramref name="last"/>) of the buffers: each summary (a figure,
    /// a parameter, a cost, an outcome, a net-benefit curve) takes its values in draw order, and the summaries
    /// are independent of each other, so <paramref name="threads"/> of them are filled at once with the same
    /// result on any thread count; then the sink, if any, sees the draws in draw order.
    /// </summary>
    public void Fold(in PsaBuffers b, int first, int last, int threads = 1)
    {
        var buffers = b;
        var groups = _figures.Length + _p + _costs.Length + _outcomes.Length + NetBenefits.Count;
        if (threads > 1 && (long)(last - first) * groups >= 1 << 14)
        {
            // One group at a time to whichever thread is free (the groups' costs differ by an order of magnitude: a
            // figure's sketch against a parameter's moments), so that no thread waits at the end with a range of them.
            var next = -1;
            Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, _ =>
            {
                for (var g = Interlocked.Increment(ref next); g < groups; g = Interlocked.Increment(ref next))
                {
                    FoldGroup(buffers, g, first, last);
                }
            });
        }
        else
        {
            for (var g = 0; g < groups; g++)
            {
                FoldGroup(buffers, g, first, last);
            }
        }

        if (_sink is not null)
        {
            for (var k = first; k < last; k++)
            {
                _draw!.Point(k, buffers, k - buffers.Offset);
                _sink(_draw);
            }
        }
    }

    /// <summary>Adds draws [<paramref name="first"/>, <paramref name="last"/>) to summary <paramref name="g"/> (figures, parameters, costs, outcomes, net-benefit curves, in that order).</summary>
    private void FoldGroup(PsaBuffers b, int g, int first, int last)
    {
        if (g < _figures.Length)
        {
            // The moments over the run of values at once (exact sums: the same as value by value), then the sketch and
            // the count of positive values over the run (the same sketch as value by value, NaN left out).
            var figures = b.Figures.AsSpan((g * b.Stride) + first - b.Offset, last - first);
            _figures[g].AddRange(figures);
            Positive[g] += Sketches is { } sketches ? sketches[g].AddRange(figures) : CountPositive(figures);
            return;
        }

        g -= _figures.Length;
        if (g < _p)
        {
            var moments = _parameters[g];
            for (var k = first; k < last; k++)
            {
                moments.Add(b.Parameters[((k - b.Offset) * _p) + g]);
            }

            return;
        }

        g -= _p;
        if (g < _costs.Length + _outcomes.Length)
        {
            // A cost or an outcome: one column of its buffer.
            var isCost = g < _costs.Length;
            var i = isCost ? g : g - _costs.Length;
            var moments = isCost ? _costs[i] : _outcomes[i];
            moments.AddRange((isCost ? b.Costs : b.Outcomes).AsSpan((i * b.Stride) + first - b.Offset, last - first));
            return;
        }

        g -= _costs.Length + _outcomes.Length;

        var nb = NetBenefits[g];
        for (var k = first; k < last; k++)
        {
            nb.Add(b, k, _v, _o);
        }
    }

    /// <summary>How many of the values are &gt; 0 (NaN is not).</summary>
    private static long CountPositive(ReadOnlySpan<double> values)
    {
        long positive = 0;
        foreach (var x in values)
        {
            positive += x > 0 ? 1 : 0;
        }

        return positive;
    }

    /// <summary>Adds the summaries of another range of the same run (exact, except the sketches: see <see cref="QuantileSketch.Merge"/>).</summary>
    public void Add(PsaAccumulator other)
    {
        AddAll(_figures, other._figures);
        AddAll(_parameters, other._parameters);
        AddAll(_costs, other._costs);
        AddAll(_outcomes, other._outcomes);
        for (var i = 0; i < Positive.Length; i++)
        {
            Positive[i] += other.Positive[i];
        }

        if (Sketches is not null)
        {
            for (var i = 0; i < Sketches.Length; i++)
            {
                Sketches[i].Merge(other.Sketches![i]);
            }
        }

        for (var i = 0; i < NetBenefits.Count; i++)
        {
            NetBenefits[i].Add(other.NetBenefits[i]);
        }
    }

    /// <summary>Forms the moments from the exact sums and compresses every sketch, so that the finished result is read-only (and safe to read from several threads).</summary>
    public void Seal()
    {
        Moments = [.. _figures.Select(m => m.ToRunningMoments())];
        ParameterMoments = [.. _parameters.Select(m => m.ToRunningMoments())];
        CostMoments = [.. _costs.Select(m => m.ToRunningMoments())];
        OutcomeMoments = [.. _outcomes.Select(m => m.ToRunningMoments())];
        foreach (var s in Sketches ?? [])
        {
            s.Seal();
        }
    }

    private static ExactMoments[] NewMoments(int n)
    {
        var a = new ExactMoments[n];
        for (var i = 0; i < n; i++)
        {
            a[i] = new ExactMoments();
        }

        return a;
    }

    private static void AddAll(ExactMoments[] a, ExactMoments[] b)
    {
        for (var i = 0; i < a.Length; i++)
        {
            a[i].Add(b[i]);
        }
    }

    private static NetBenefitAccumulator? FindIn(IReadOnlyList<NetBenefitAccumulator> list, int v, int o, double lambda)
    {
        foreach (var a in list)
        {
            if (a.Perspective == v && a.Outcome == o && a.WillingnessToPay.Equals(lambda))
            {
                return a;
            }
        }

        return null;
    }
}

/// <summary>
/// Net monetary benefit <c>NB_s = λ·E_s − C_s</c> at one λ, accumulated draw by draw: the count of
/// draws in which each strategy is best (ties to the first), the exact sum of NB per strategy and
/// the exact sum of the per-draw maximum (for EVPI), so that ranges merge exactly.
/// </summary>
internal sealed partial class NetBenefitAccumulator
{
    private readonly double[] _nb;
    private readonly ExactAccumulator[] _sums;
    private readonly ExactAccumulator _sumOfMax = new();

    public NetBenefitAccumulator(int perspective, int outcome, double willingnessToPay, int strategies)
    {
        Perspective = perspective;
        Outcome = outcome;
        WillingnessToPay = willingnessToPay;
        _nb = new double[strategies];
        BestCounts = new long[strategies];
        _sums = new ExactAccumulator[strategies];
        for (var s = 0; s < strategies; s++)
        {
            _sums[s] = new ExactAccumulator();
        }
    }

    public int Perspective { get; }

    public int Outcome { get; }

    public double WillingnessToPay { get; }

    public long[] BestCounts { get; }

    /// <summary>The strategy with the highest expected NB (ties to the first), compared on the exact sums.</summary>
    public int BestMean
    {
        get
        {
            if (AnyInfinite)
            {
                var sums = _sums.Select(x => x.ToDouble()).ToArray();
                var b = 0;
                for (var s = 1; s < sums.Length; s++)
                {
                    if (sums[s] > sums[b])
                    {
                        b = s;
                    }
                }

                return b;
            }

            var units = _sums.Select(x => x.Units()).ToArray();
            var best = 0;
            for (var s = 1; s < units.Length; s++)
            {
                if (units[s] > units[best])
                {
                    best = s;
                }
            }

            return best;
        }
    }

    private bool AnyInfinite => _sumOfMax.HasInfinities || _sums.Any(x => x.HasInfinities);

    /// <summary>EVPI = (Σ_k max_s NB − max_s Σ_k NB) / K, the difference taken exactly, then rounded once.</summary>
    public double Evpi(int draws)
    {
        if (AnyInfinite)
        {
            return Math.Max(0, (_sumOfMax.ToDouble() - _sums.Max(x => x.ToDouble())) / draws);
        }

        var max = _sums.Select(x => x.Units()).Max();
        return Math.Max(0, ExactSum.ToDouble(_sumOfMax.Units() - max, 1074) / draws);
    }

    public void Add(in PsaBuffers b, int k, int perspectives, int outcomes)
    {
        var at = k - b.Offset;
        var S = _nb.Length;
        var best = 0;
        var max = double.NegativeInfinity;
        for (var s = 0; s < S; s++)
        {
            var e = b.Outcomes[(((s * outcomes) + Outcome) * b.Stride) + at];
            var c = b.Costs[(((s * perspectives) + Perspective) * b.Stride) + at];
            var nb = (WillingnessToPay * e) - c;
            _nb[s] = nb;
            _sums[s].Add(nb);
            max = Math.Max(max, nb);
            if (nb > _nb[best])
            {
                best = s;
            }
        }

        BestCounts[best]++;
        _sumOfMax.Add(max);
    }

    public void Add(NetBenefitAccumulator other)
    {
        for (var s = 0; s < _sums.Length; s++)
        {
            BestCounts[s] += other.BestCounts[s];
            _sums[s].Add(other._sums[s]);
        }

        _sumOfMax.Add(other._sumOfMax);
    }
}
