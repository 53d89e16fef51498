using SocialInvestment.Uncertainty;

namespace SocialInvestment.Reporting;

/// <summary>
/// What the report's per-draw charts need from a PSA that streams its summaries
/// (<see cref="PsaOptions.KeepDraws"/> false), in memory that does not grow with the draws: the NPV
/// against the comparator of the first <see cref="Capacity"/> draws for every strategy and
/// perspective (the investment plane plots these), and, over every draw, per perspective the count
/// of draws in which each strategy has the highest NPV and the sums of the NPVs and of their
/// maximum (the acceptability chart and EVPI, exact over all draws). Feed it as the PSA's
/// <see cref="PsaOptions.DrawSink"/> (<c>DrawSink = sample.Add</c>): draws arrive in draw order, so
/// the sample is deterministic for a seed and the same on any thread count. Memory:
/// <c>8·S·V·Capacity</c> bytes for S strategies and V perspectives. Not thread-safe while it is
/// being fed.
/// </summary>
public sealed class PsaDrawSample
{
    /// <summary>The default number of draws kept for the scatter charts, 1,000.</summary>
    public const int DefaultCapacity = 1000;

    private int _s;
    private int _v;
    private int _comparator = -1;
    private double[] _npv = [];
    private long[] _best = [];
    private double[] _sums = [];
    private double[] _sumOfMax = [];
    private double[] _row = [];

    /// <summary>Creates an empty sample.</summary>
    /// <param name="capacity">How many of the first draws to keep for the scatter charts (1 to 100,000).</param>
    /// <exception cref="ArgumentOutOfRangeException">The capacity is outside 1–100,000.</exception>
    public PsaDrawSample(int capacity = DefaultCapacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(capacity, 100_000);
        Capacity = capacity;
    }

    /// <summary>The most draws kept for the scatter charts.</summary>
    public int Capacity { get; }

    /// <summary>Draws seen so far (every draw passed to <see cref="Add"/>).</summary>
    public long Draws { get; private set; }

    /// <summary>Draws kept for the scatter charts: the first min(<see cref="Capacity"/>, <see cref="Draws"/>).</summary>
    public int Count => (int)Math.Min(Capacity, Draws);

    /// <summary>Adds one draw; use it as <see cref="PsaOptions.DrawSink"/>. Draws must arrive in draw order, starting at 0.</summary>
    /// <param name="draw">The draw (read during the call only).</param>
    /// <exception cref="ArgumentException">The draw is not the next one, or its strategies or perspectives differ from the earlier draws'.</exception>
    public void Add(PsaDraw draw)
    {
        ArgumentNullException.ThrowIfNull(draw);
        if (Draws == 0)
        {
            _s = draw.Strategies.Count;
            _v = draw.Perspectives.Count;
            _comparator = draw.ComparatorIndex;
            _npv = new double[_s * _v * Capacity];
            _best = new long[_v * _s];
            _sums = new double[_v * _s];
            _sumOfMax = new double[_v];
            _row = new double[_s];
        }
        else if (draw.Strategies.Count != _s || draw.Perspectives.Count != _v || draw.ComparatorIndex != _comparator)
        {
            throw new ArgumentException("The draw belongs to another PSA (its strategies or perspectives differ).", nameof(draw));
        }

        if (draw.Index != Draws)
        {
            throw new ArgumentException($"Draw {draw.Index} arrived where draw {Draws} was expected: draws must arrive in order.", nameof(draw));
        }

        var kept = Draws < Capacity;
        for (var v = 0; v < _v; v++)
        {
            var best = 0;
            for (var s = 0; s < _s; s++)
            {
                // As the report's per-draw series: the comparator's NPV is 0, an undefined NPV counts as 0.
                var value = s == _comparator ? 0 : draw.Value(PsaFigure.NetPresentValue, s, v);
                _row[s] = double.IsFinite(value) ? value : 0;
                if (_row[s] > _row[best])
                {
                    best = s;
                }

                if (kept)
                {
                    _npv[(((s * _v) + v) * Capacity) + (int)Draws] = value;
                }
            }

            _best[(v * _s) + best]++;
            _sumOfMax[v] += _row[best];
            for (var s = 0; s < _s; s++)
            {
                _sums[(v * _s) + s] += _row[s];
            }
        }

        Draws++;
    }

    /// <summary>The NPV against the comparator of the kept draws (the first <see cref="Count"/>) of a strategy from a perspective, by index as in the PSA (NaN where undefined).</summary>
    internal ReadOnlySpan<double> Npv(int strategy, int perspective)
        => _npv.AsSpan(((strategy * _v) + perspective) * Capacity, Count);

    /// <summary>Share of all draws in which each strategy has the highest NPV from a perspective (ties to the first), and the strategy with the highest mean NPV.</summary>
    internal (double[] ProbabilityBest, int Frontier) Acceptability(int perspective)
    {
        var probability = new double[_s];
        var frontier = 0;
        for (var s = 0; s < _s; s++)
        {
            probability[s] = (double)_best[(perspective * _s) + s] / Draws;
            if (_sums[(perspective * _s) + s] > _sums[(perspective * _s) + frontier])
            {
                frontier = s;
            }
        }

        return (probability, frontier);
    }

    /// <summary>EVPI from a perspective over all draws: <c>mean_k max_s NPV − max_s mean_k NPV</c>, at least 0.</summary>
    internal double Evpi(int perspective)
    {
        var bestMean = double.NegativeInfinity;
        for (var s = 0; s < _s; s++)
        {
            bestMean = Math.Max(bestMean, _sums[(perspective * _s) + s] / Draws);
        }

        return Math.Max(0, (_sumOfMax[perspective] / Draws) - bestMean);
    }

    /// <summary>Checks that the sample was fed by this PSA.</summary>
    internal void CheckMatches(PsaResult psa)
    {
        ArgumentNullException.ThrowIfNull(psa);
        if (Draws != psa.Draws || _s != psa.Strategies.Count || _v != psa.Perspectives.Count || _comparator != psa.ComparatorIndex)
        {
            throw new ArgumentException($"The draw sample ({Draws} draws) was not fed by this PSA ({psa.Draws} draws): pass it as the PSA's DrawSink.", nameof(psa));
        }
    }
}
