using SocialInvestment.Engine;
using SocialInvestment.Model;

namespace SocialInvestment.Uncertainty;

/// <summary>Receives every strategy's flows by payer in one PSA draw (see <see cref="PsaOptions.PayerFlowObserver"/>).</summary>
/// <param name="flows">The draw's flows; valid only during the call.</param>
public delegate void PsaPayerFlowObserver(PsaPayerFlows flows);

/// <summary>
/// One PSA draw's flows by payer, as passed to a <see cref="PsaPayerFlowObserver"/>: for every
/// strategy and declared payer, the undiscounted flows of the accounts booked to exactly that payer
/// (not its sub-payers) at each trace point 0..T, in the input convention (+ = the payer pays), split
/// by <see cref="FlowOrigin"/>; with the cost discount factors, enough to settle the draw
/// (<see cref="SettlementUncertainty.Observer"/>) or to compute any payer's present value. On the
/// incremental draw path the flows are summed over the payer's accounts per state before the
/// occupancy weighting, on the general path from <see cref="SimulationResult.Flow"/> per account:
/// the two agree within 1e-12 of the flows' magnitude. The instance belongs to the thread that
/// evaluated the draw and is reused: read what you need during the call.
/// </summary>
public sealed class PsaPayerFlows
{
    private readonly double[] _flows;
    private readonly double[] _df;
    private readonly int _points;
    private readonly int _payers;

    internal PsaPayerFlows(IReadOnlyList<Strategy> strategies, int comparator, IReadOnlyList<Payer> payers, double[] costDiscountFactors, double cycleLengthYears)
    {
        _df = (double[])costDiscountFactors.Clone();
        costDiscountFactors = _df;
        Strategies = strategies;
        ComparatorIndex = comparator;
        Payers = payers;
        CostDiscountFactors = ReadOnly.Own(_df);
        CycleLengthYears = cycleLengthYears;
        _points = costDiscountFactors.Length;
        _payers = payers.Count;
        _flows = new double[strategies.Count * payers.Count * 2 * _points];
        Parameters = ParameterValues.Wrap([]);
    }

    /// <summary>Zero-based draw index k.</summary>
    public int Index { get; private set; }

    /// <summary>The draw's parameter values (valid only during the call).</summary>
    public ParameterValues Parameters { get; private set; }

    /// <summary>The strategies, in the order of the strategy indices.</summary>
    public IReadOnlyList<Strategy> Strategies { get; }

    /// <summary>Index of the comparator in <see cref="Strategies"/>.</summary>
    public int ComparatorIndex { get; }

    /// <summary>The model's payers, in the order of the payer indices.</summary>
    public IReadOnlyList<Payer> Payers { get; }

    /// <summary>The cost discount factor of each trace point 0..T.</summary>
    public IReadOnlyList<double> CostDiscountFactors { get; }

    /// <summary>Years per cycle.</summary>
    public double CycleLengthYears { get; }

    /// <summary>The undiscounted flows of a strategy's accounts booked to a payer, per trace point 0..T (input convention: + = the payer pays).</summary>
    /// <param name="strategy">Strategy index.</param>
    /// <param name="payer">Payer index (in <see cref="Payers"/>).</param>
    /// <param name="origin">Base flows or intervention costs.</param>
    public ReadOnlySpan<double> Flows(int strategy, int payer, FlowOrigin origin)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(strategy);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(strategy, Strategies.Count);
        ArgumentOutOfRangeException.ThrowIfNegative(payer);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(payer, _payers);
        if (origin is not (FlowOrigin.Base or FlowOrigin.Intervention))
        {
            throw new ArgumentOutOfRangeException(nameof(origin), origin, "Base or Intervention.");
        }

        return _flows.AsSpan(Offset(strategy, payer, origin), _points);
    }

    /// <summary>The writable series of (strategy, payer, origin).</summary>
    internal Span<double> Series(int strategy, int payer, FlowOrigin origin) => _flows.AsSpan(Offset(strategy, payer, origin), _points);

    internal void Point(int draw, ParameterValues parameters)
    {
        Index = draw;
        Parameters = parameters;
    }

    /// <summary>Fills every series from full simulation results (one per strategy): per payer, the sum over its accounts in account order.</summary>
    internal void From(IReadOnlyList<SimulationResult> results)
    {
        Array.Clear(_flows);
        for (var s = 0; s < results.Count; s++)
        {
            var r = results[s];
            var accounts = r.Accounts;
            if (s == 0)
            {
                for (var t = 0; t < _points; t++)
                {
                    _df[t] = r.CostDiscountFactor(t);
                }
            }

            for (var p = 0; p < _payers; p++)
            {
                var name = Payers[p].Name;
                var b = Series(s, p, FlowOrigin.Base);
                var i = Series(s, p, FlowOrigin.Intervention);
                for (var a = 0; a < accounts.Count; a++)
                {
                    if (accounts[a].Payer.Name != name)
                    {
                        continue;
                    }

                    for (var t = 0; t < _points; t++)
                    {
                        b[t] += r.Flow(t, a, FlowOrigin.Base, false);
                        i[t] += r.Flow(t, a, FlowOrigin.Intervention, false);
                    }
                }
            }
        }
    }

    /// <summary>Per account, 1 where it is booked to payer <paramref name="payer"/> exactly, else 0: the coefficients whose projection gives <see cref="Flows"/>.</summary>
    internal static double[] Coefficients(IReadOnlyList<Account> accounts, Payer payer)
        => [.. accounts.Select(a => a.Payer.Name == payer.Name ? 1.0 : 0.0)];

    private int Offset(int strategy, int payer, FlowOrigin origin) => ((((strategy * _payers) + payer) * 2) + (int)origin) * _points;
}
