namespace SocialInvestment.Model;

/// <summary>
/// What is fixed, for a PSA, about one dependent flow and outcome cell (trace point <see cref="T"/>,
/// expanded state <see cref="X"/>) of a sub-cohort, so that a draw evaluates only the flows that read a
/// drawn parameter (<see cref="SubcohortCompiler.LeanCell"/>): the other flows with their base values
/// (amount × price factor × real growth, which passed the checks), the evaluated flows with their price
/// and growth factors, the intervention costs that apply at the point's age with their share of the
/// point, and the state's outcomes. Built by <see cref="SubcohortCompiler.PlanLeanCell"/> only for cells
/// that no flow effect, outcome effect or parameter effect reaches. Immutable, shared by the workers.
/// </summary>
internal sealed class LeanCellPlan
{
    public LeanCellPlan(int t, int x, (int Account, double Value)[] fixedFlows, Flow[] evaluated, Cost[] costs, OutcomeValue[] outcomes)
    {
        T = t;
        X = x;
        Fixed = fixedFlows;
        Evaluated = evaluated;
        Costs = costs;
        Outcomes = outcomes;
    }

    /// <summary>The trace point.</summary>
    public int T { get; }

    /// <summary>The expanded state.</summary>
    public int X { get; }

    /// <summary>The flows that keep their base values, in flow order: account index and value.</summary>
    public (int Account, double Value)[] Fixed { get; }

    /// <summary>The flows evaluated per draw, in flow order.</summary>
    public Flow[] Evaluated { get; }

    /// <summary>The per-cycle intervention costs that apply at the point, in the compiler's order.</summary>
    public Cost[] Costs { get; }

    /// <summary>The state's occupancy outcomes, in definition order.</summary>
    public OutcomeValue[] Outcomes { get; }

    /// <summary>An occupancy outcome of the state.</summary>
    /// <param name="F">Its value function.</param>
    /// <param name="Outcome">The outcome's index.</param>
    /// <param name="IsFixed">It reads no parameter at the point: <paramref name="Value"/> is its value in every draw.</param>
    /// <param name="Value">The value of a fixed outcome (finite).</param>
    /// <param name="Parameter">Where the value is of scaled form at the point (<see cref="IScaledModelFunction"/>), the parameter <c>p</c>: the value is <c>(p · A) · B</c>; else −1.</param>
    /// <param name="A">The first factor of the scaled form.</param>
    /// <param name="B">The second factor of the scaled form.</param>
    internal readonly record struct OutcomeValue(ModelFunction F, int Outcome, bool IsFixed, double Value, int Parameter = -1, double A = 0, double B = 0);

    /// <summary>A flow evaluated per draw.</summary>
    /// <param name="Account">Its account index (a base-flow ledger cell).</param>
    /// <param name="Amount">Its amount function.</param>
    /// <param name="Price">Its price factor.</param>
    /// <param name="HasGrowth">It has real growth.</param>
    /// <param name="Growth">The growth factor <c>(1 + g)^τ</c> at the point.</param>
    /// <param name="Parameter">Where the amount is of scaled form at the point (<see cref="IScaledModelFunction"/>), the parameter <c>p</c>: the amount is <c>(p · A) · B</c>; else −1.</param>
    /// <param name="A">The first factor of the scaled form.</param>
    /// <param name="B">The second factor of the scaled form.</param>
    internal readonly record struct Flow(int Account, ModelFunction Amount, double Price, bool HasGrowth, double Growth, int Parameter = -1, double A = 0, double B = 0);

    /// <summary>An intervention cost at the point.</summary>
    /// <param name="Active">Index among the sub-cohort's active interventions (its weight).</param>
    /// <param name="Amount">The cost per person-year.</param>
    /// <param name="Share">The share of the point inside the cost's duration.</param>
    /// <param name="Account">Its account index (booked to the intervention half of the ledger).</param>
    internal readonly record struct Cost(int Active, Quantity Amount, double Share, int Account);
}
