namespace SocialInvestment.Model;

/// <summary>
/// The distinct effect factors of the lean rows (<see cref="LeanRowPlan"/>) that one sub-cohort
/// compiler planned: each (active intervention, size, profile multiplier, scaling, kind) once. The same
/// effect at the same multiplier recurs over many rows of a draw (every cycle of a permanent effect,
/// every state it leaves), so a draw computes each factor once
/// (<see cref="SubcohortCompiler.LeanFactors"/>) and the rows read it by index
/// (<see cref="LeanRowPlan.Effect.Factor"/>, <see cref="LeanRowPlan.ProbabilityEffect.Factor"/>). A factor
/// is computed with the same operations on the same inputs as the row computed it, so the rows are
/// unchanged bit for bit. The table grows while rows are planned; it is read-only once the plans are
/// shared by the workers.
/// </summary>
internal sealed class LeanFactorTable
{
    private readonly List<Factor> _factors = [];
    private readonly Dictionary<Key, int> _index = [];

    /// <summary>The number of distinct factors.</summary>
    public int Count => _factors.Count;

    /// <summary>The factor at <paramref name="i"/>.</summary>
    public Factor this[int i] => _factors[i];

    /// <summary>
    /// The index of the factor (added when new): a ratio <c>ScaledRatio(size, m, scaling)</c>
    /// (<paramref name="isChange"/> false) or an absolute change <c>m·size</c>. Keys compare the doubles
    /// bit for bit (−0 and 0 are two factors).
    /// </summary>
    public int IndexOf(int active, Quantity size, double m, EffectScaling scaling, bool isChange)
    {
        var key = new Key(active, size.IsParameter ? size.ParameterIndex : -1, BitConverter.DoubleToInt64Bits(size.Coefficient), BitConverter.DoubleToInt64Bits(m), isChange ? (EffectScaling)(-1) : scaling);
        if (!_index.TryGetValue(key, out var i))
        {
            i = _factors.Count;
            _factors.Add(new Factor(active, size, m, scaling, isChange));
            _index.Add(key, i);
        }

        return i;
    }

    /// <summary>One distinct factor.</summary>
    /// <param name="Active">Index among the sub-cohort's active interventions (its weight).</param>
    /// <param name="Size">The ratio or change.</param>
    /// <param name="M">The profile multiplier.</param>
    /// <param name="Scaling">How the multiplier scales a ratio.</param>
    /// <param name="IsChange">An absolute change (<c>m·size</c>), else a ratio.</param>
    internal readonly record struct Factor(int Active, Quantity Size, double M, EffectScaling Scaling, bool IsChange);

    private readonly record struct Key(int Active, int Parameter, long Coefficient, long M, EffectScaling Scaling);
}
