using SocialInvestment.Model;

namespace SocialInvestment.Engine;

/// <summary>Whether a flow comes from the base model or from an intervention (its costs).</summary>
public enum FlowOrigin
{
    /// <summary>Flows of the base model (services, benefits, earnings), including changes caused by interventions.</summary>
    Base = 0,

    /// <summary>The interventions' own costs (the investment).</summary>
    Intervention = 1,
}

/// <summary>
/// The expected results of a run for one strategy: state occupancy per trace point, flows per
/// trace point and ledger cell (account × origin), outcomes per trace point, each weighted by the
/// counting convention, undiscounted and discounted. Values are totals for the population size
/// (per person when the size is 1). Immutable.
/// </summary>
public class SimulationResult
{
    private readonly double[] _trace;     // (T+1)·B
    private readonly double[] _flows;     // (T+1)·L, weighted, undiscounted
    private readonly double[] _outcomes;  // (T+1)·O, weighted, undiscounted
    private readonly double[] _costDf;
    private readonly double[] _outcomeDf;

    internal SimulationResult(LifeCourseModel model, Strategy strategy, ParameterValues parameters, double[] trace, double[] flows, double[] outcomes, double[] costDf, double[] outcomeDf)
    {
        Model = model;
        Strategy = strategy;
        Parameters = parameters;
        _trace = trace;
        _flows = flows;
        _outcomes = outcomes;
        _costDf = costDf;
        _outcomeDf = outcomeDf;
    }

    /// <summary>The model run.</summary>
    public LifeCourseModel Model { get; }

    /// <summary>The strategy run.</summary>
    public Strategy Strategy { get; }

    /// <summary>The parameter values used.</summary>
    public ParameterValues Parameters { get; }

    /// <summary>Horizon T in cycles (trace points 0..T).</summary>
    public int Cycles => Model.Options.Cycles;

    /// <summary>Cycle length in years.</summary>
    public double CycleLengthYears => Model.Options.CycleLengthYears;

    /// <summary>The states (index order of <see cref="Occupancy(int, int)"/>).</summary>
    public IReadOnlyList<State> States => Model.States;

    /// <summary>The accounts (index order of <see cref="Flow"/>).</summary>
    public IReadOnlyList<Account> Accounts => Model.Accounts;

    /// <summary>The outcomes.</summary>
    public IReadOnlyList<Outcome> Outcomes => Model.Outcomes;

    /// <summary>Number of people (or expected number) in a state at trace point t (unweighted).</summary>
    /// <param name="cycle">Trace point 0..T.</param>
    /// <param name="state">State index.</param>
    public double Occupancy(int cycle, int state) => _trace[(cycle * States.Count) + state];

    /// <summary>Number of people in a state at trace point t.</summary>
    /// <param name="cycle">Trace point 0..T.</param>
    /// <param name="state">State name.</param>
    public double Occupancy(int cycle, string state) => Occupancy(cycle, Model.StateIndex(state));

    /// <summary>The occupancy of all states at trace point t.</summary>
    /// <param name="cycle">Trace point 0..T.</param>
    public ReadOnlySpan<double> TraceRow(int cycle) => _trace.AsSpan(cycle * States.Count, States.Count);

    /// <summary>The flow booked to an account at trace point t, weighted by the counting convention.</summary>
    /// <param name="cycle">Trace point 0..T.</param>
    /// <param name="account">Account index.</param>
    /// <param name="origin">Base flows or intervention costs.</param>
    /// <param name="discounted">Multiply by the cost discount factor of trace point t.</param>
    public double Flow(int cycle, int account, FlowOrigin origin, bool discounted)
    {
        var v = _flows[(cycle * 2 * Accounts.Count) + ((int)origin * Accounts.Count) + account];
        return discounted ? v * _costDf[cycle] : v;
    }

    /// <summary>Sum over the horizon of the flows booked to an account.</summary>
    /// <param name="account">Account index.</param>
    /// <param name="origin">Base flows, intervention costs, or null for both.</param>
    /// <param name="discounted">Discounted or not.</param>
    public double TotalFlow(int account, FlowOrigin? origin, bool discounted)
    {
        var sum = 0.0;
        for (var t = 0; t <= Cycles; t++)
        {
            if (origin != FlowOrigin.Intervention)
            {
                sum += Flow(t, account, FlowOrigin.Base, discounted);
            }

            if (origin != FlowOrigin.Base)
            {
                sum += Flow(t, account, FlowOrigin.Intervention, discounted);
            }
        }

        return sum;
    }

    /// <summary>The discount factor for money flows at trace point t.</summary>
    /// <param name="cycle">Trace point 0..T.</param>
    public double CostDiscountFactor(int cycle) => _costDf[cycle];

    /// <summary>The discount factor for outcomes at trace point t.</summary>
    /// <param name="cycle">Trace point 0..T.</param>
    public double OutcomeDiscountFactor(int cycle) => _outcomeDf[cycle];

    /// <summary>An outcome accumulated at trace point t (weighted by the counting convention).</summary>
    /// <param name="cycle">Trace point 0..T.</param>
    /// <param name="outcome">Outcome index.</param>
    /// <param name="discounted">Multiply by the outcome discount factor.</param>
    public double OutcomeAt(int cycle, int outcome, bool discounted)
    {
        var v = _outcomes[(cycle * Outcomes.Count) + outcome];
        return discounted ? v * _outcomeDf[cycle] : v;
    }

    /// <summary>Total of an outcome over the horizon (for example discounted QALYs).</summary>
    /// <param name="outcome">The outcome.</param>
    /// <param name="discounted">Discounted (default) or not.</param>
    public double TotalOutcome(Outcome outcome, bool discounted = true)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        var o = IndexOfOutcome(outcome);
        var sum = 0.0;
        for (var t = 0; t <= Cycles; t++)
        {
            sum += OutcomeAt(t, o, discounted);
        }

        return sum;
    }

    /// <summary>
    /// The net cost to a perspective at each trace point: <c>Σ_accounts coefficient·flow</c>
    /// (positive = cost, negative = gain).
    /// </summary>
    /// <param name="perspective">The perspective.</param>
    /// <param name="discounted">Discounted or not.</param>
    /// <param name="origin">Only base flows, only intervention costs, or null for both.</param>
    public double[] CostByCycle(Perspective perspective, bool discounted = true, FlowOrigin? origin = null)
    {
        ArgumentNullException.ThrowIfNull(perspective);
        var coefficients = perspective.Coefficients(Accounts);
        var result = new double[Cycles + 1];
        for (var t = 0; t <= Cycles; t++)
        {
            var sum = 0.0;
            for (var a = 0; a < Accounts.Count; a++)
            {
                if (coefficients[a] == 0)
                {
                    continue;
                }

                var v = 0.0;
                if (origin != FlowOrigin.Intervention)
                {
                    v += Flow(t, a, FlowOrigin.Base, discounted);
                }

                if (origin != FlowOrigin.Base)
                {
                    v += Flow(t, a, FlowOrigin.Intervention, discounted);
                }

                sum += coefficients[a] * v;
            }

            result[t] = sum;
        }

        return result;
    }

    /// <summary>Total net cost to a perspective over the horizon (positive = cost).</summary>
    /// <param name="perspective">The perspective.</param>
    /// <param name="discounted">Discounted (default) or not.</param>
    public double TotalCost(Perspective perspective, bool discounted = true) => Numerics.SumInOrder(CostByCycle(perspective, discounted));

    private int IndexOfOutcome(Outcome outcome)
    {
        for (var i = 0; i < Outcomes.Count; i++)
        {
            if (Outcomes[i].Name == outcome.Name)
            {
                return i;
            }
        }

        throw new KeyNotFoundException($"The model has no outcome '{outcome.Name}'.");
    }
}

/// <summary>The exact expected results of the <see cref="CohortEngine"/> for one strategy.</summary>
public sealed class CohortResult : SimulationResult
{
    internal CohortResult(LifeCourseModel model, Strategy strategy, ParameterValues parameters, double[] trace, double[] flows, double[] outcomes, double[] costDf, double[] outcomeDf)
        : base(model, strategy, parameters, trace, flows, outcomes, costDf, outcomeDf)
    {
    }
}
