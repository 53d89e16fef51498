using SocialInvestment.Economics;
using SocialInvestment.Engine;
using SocialInvestment.Model;

namespace SocialInvestment.Uncertainty;

/// <summary>
/// An outcome contract under a probabilistic sensitivity analysis: evaluates the contract on every
/// draw. It plugs into <see cref="ProbabilisticAnalysis.Run"/> through the public
/// <see cref="StrategyEvaluator"/> hook, like <see cref="SettlementUncertainty"/>: it runs the inner
/// evaluator, keeps the strategy's and the comparator's results of a draw until both are there,
/// evaluates the contract on that pair (<see cref="OutcomeContract.Evaluate(SimulationResult, SimulationResult)"/>)
/// and records the draw's figures at the draw's index, so the result does not depend on the number
/// of threads. Thread-safe; use one instance per PSA run.
/// </summary>
public sealed class ContractUncertainty
{
    private readonly OutcomeContract _contract;
    private readonly StrategyEvaluator _inner;
    private readonly double[] _payments;
    private readonly double[] _paymentsPv;
    private readonly double[] _investorNet;
    private readonly Figure[] _irr;
    private readonly double[] _npvContract;
    private readonly double[] _npvSelf;
    private readonly double[] _byCycle;
    private readonly int _points;
    private readonly bool[] _done;

    /// <summary>Creates the collector.</summary>
    /// <param name="model">The model the PSA runs.</param>
    /// <param name="contract">The contract (checked against the model here).</param>
    /// <param name="draws">The PSA's number of draws.</param>
    /// <param name="inner">The evaluator that runs a strategy; null for the cohort engine.</param>
    /// <exception cref="ContractValidationException">The contract does not fit the model.</exception>
    public ContractUncertainty(LifeCourseModel model, OutcomeContract contract, int draws, StrategyEvaluator? inner = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(contract);
        ArgumentOutOfRangeException.ThrowIfLessThan(draws, 1);
        var problems = contract.Validate(model);
        if (problems.Count > 0)
        {
            throw new ContractValidationException(problems);
        }

        _contract = contract;
        _inner = inner ?? ((s, p, _, ct) => CohortEngine.Run(model, s, p, ct));
        Draws = draws;
        _pairs = new DrawPairs(contract.Strategy, contract.Comparator, draws, "contract");
        _points = model.Options.Cycles + 1;
        _payments = new double[draws];
        _paymentsPv = new double[draws];
        _investorNet = new double[draws];
        _irr = new Figure[draws];
        _npvContract = new double[draws];
        _npvSelf = new double[draws];
        _byCycle = new double[draws * _points];
        _done = new bool[draws];
        Evaluator = Evaluate;
    }

    /// <summary>Pass this to <see cref="ProbabilisticAnalysis.Run"/> as its evaluator (with the contract's strategy and comparator among the PSA's strategies).</summary>
    public StrategyEvaluator Evaluator { get; }

    /// <summary>Number of draws.</summary>
    public int Draws { get; }

    private readonly DrawPairs _pairs;

    /// <summary>The per-draw figures once every draw is evaluated.</summary>
    /// <exception cref="InvalidOperationException">Some draw has not been evaluated (the PSA did not run both strategies for it).</exception>
    public ContractPsaResult Result()
    {
        var missing = Array.IndexOf(_done, false);
        if (missing >= 0)
        {
            throw new InvalidOperationException($"Draw {missing} has not been evaluated: run the PSA with this evaluator, {Draws} draws, and both '{_contract.Strategy}' and '{_contract.Comparator}' among its strategies.");
        }

        return new ContractPsaResult(_contract, Draws, _points, (double[])_payments.Clone(), (double[])_paymentsPv.Clone(), (double[])_investorNet.Clone(), (Figure[])_irr.Clone(), (double[])_npvContract.Clone(), (double[])_npvSelf.Clone(), (double[])_byCycle.Clone());
    }

    private SimulationResult Evaluate(Strategy strategy, ParameterValues parameters, long draw, CancellationToken cancellationToken)
    {
        var result = _inner(strategy, parameters, draw, cancellationToken);
        if (_pairs.Add(strategy, draw, result) is not { } pair)
        {
            return result;
        }

        var (s, c) = pair;

        var evaluated = _contract.Evaluate(s, c);
        var k = (int)draw;
        _payments[k] = evaluated.TotalPayments;
        _paymentsPv[k] = evaluated.PresentValuePayments;
        _investorNet[k] = evaluated.InvestorNet;
        _irr[k] = evaluated.InvestorIrr;
        _npvContract[k] = evaluated.NpvWithContract;
        _npvSelf[k] = evaluated.NpvSelfFunded;
        for (var t = 0; t < _points; t++)
        {
            _byCycle[(k * _points) + t] = evaluated.PaymentsByCycle[t];
        }

        _done[k] = true;
        return result;
    }
}

/// <summary>
/// An outcome contract's figures in every PSA draw: the commissioner's payments (+ = pays), the
/// investor's undiscounted net and IRR (+ = gains), and the commissioner's NPV with the contract
/// and self-funded (+ = better off). Money in the model's currency and price year.
/// </summary>
public sealed class ContractPsaResult
{
    private readonly double[] _payments;
    private readonly double[] _paymentsPv;
    private readonly double[] _investorNet;
    private readonly Figure[] _irr;
    private readonly double[] _npvContract;
    private readonly double[] _npvSelf;
    private readonly double[] _byCycle;
    private readonly int _points;

    internal ContractPsaResult(OutcomeContract contract, int draws, int points, double[] payments, double[] paymentsPv, double[] investorNet, Figure[] irr, double[] npvContract, double[] npvSelf, double[] byCycle)
    {
        Contract = contract;
        Draws = draws;
        _points = points;
        _payments = payments;
        _paymentsPv = paymentsPv;
        _investorNet = investorNet;
        _irr = irr;
        _npvContract = npvContract;
        _npvSelf = npvSelf;
        _byCycle = byCycle;
    }

    /// <summary>The contract.</summary>
    public OutcomeContract Contract { get; }

    /// <summary>Number of draws K.</summary>
    public int Draws { get; }

    /// <summary>Total outcome payments per draw, undiscounted (+ = the commissioner pays).</summary>
    public ReadOnlySpan<double> TotalPayments => _payments;

    /// <summary>Present value of the outcome payments per draw (+ = the commissioner pays).</summary>
    public ReadOnlySpan<double> PresentValuePayments => _paymentsPv;

    /// <summary>The investor's undiscounted net (received − capital) per draw (+ = gains).</summary>
    public ReadOnlySpan<double> InvestorNet => _investorNet;

    /// <summary>The investor's IRR per draw (undefined figures keep their reason).</summary>
    public IReadOnlyList<Figure> InvestorIrr => _irr;

    /// <summary>The commissioner's NPV with the contract per draw (+ = better off).</summary>
    public ReadOnlySpan<double> NpvWithContract => _npvContract;

    /// <summary>The commissioner's NPV when it runs the intervention itself, per draw (+ = better off).</summary>
    public ReadOnlySpan<double> NpvSelfFunded => _npvSelf;

    /// <summary>The commissioner's outcome payments per trace point in one draw, undiscounted (+ = pays).</summary>
    /// <param name="draw">The draw, 0..K − 1.</param>
    public ReadOnlySpan<double> PaymentsByCycle(int draw)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(draw);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(draw, Draws);
        return _byCycle.AsSpan(draw * _points, _points);
    }

    /// <summary>Mean outcome payment per trace point over the draws, undiscounted (+ = pays).</summary>
    public IReadOnlyList<double> MeanPaymentsByCycle()
    {
        var mean = new double[_points];
        for (var k = 0; k < Draws; k++)
        {
            for (var t = 0; t < _points; t++)
            {
                mean[t] += _byCycle[(k * _points) + t] / Draws;
            }
        }

        return mean;
    }

    /// <summary>Share of draws in which the investor pays in and gets back less than it paid (undiscounted net &lt; 0).</summary>
    public double ProbabilityInvestorLoss => Share(_investorNet, v => v < 0);

    /// <summary>Share of draws in which the commissioner pays any outcome payment.</summary>
    public double ProbabilityAnyPayment => Share(_payments, v => v > 0);

    /// <summary>Share of draws in which the contract gives the commissioner a higher NPV than running the intervention itself.</summary>
    public double ProbabilityContractBetter
    {
        get
        {
            var n = 0;
            for (var k = 0; k < Draws; k++)
            {
                if (_npvContract[k] > _npvSelf[k])
                {
                    n++;
                }
            }

            return (double)n / Draws;
        }
    }

    /// <summary>Share of draws in which the investor's IRR is defined.</summary>
    public double ShareIrrDefined => (double)_irr.Count(f => f.IsDefined) / Draws;

    /// <summary>The empirical quantile of a per-draw series (type 7, linear between order statistics; NaN values ignored).</summary>
    /// <param name="values">The per-draw values.</param>
    /// <param name="p">The probability, in [0, 1].</param>
    public static double Quantile(ReadOnlySpan<double> values, double p)
    {
        Guard.Probability(p);
        var sorted = values.ToArray().Where(double.IsFinite).Order().ToArray();
        if (sorted.Length == 0)
        {
            return double.NaN;
        }

        var h = (sorted.Length - 1) * p;
        var lo = (int)Math.Floor(h);
        var hi = Math.Min(lo + 1, sorted.Length - 1);
        return sorted[lo] + ((h - lo) * (sorted[hi] - sorted[lo]));
    }

    private static double Share(double[] values, Func<double, bool> test) => (double)values.Count(test) / values.Length;
}
