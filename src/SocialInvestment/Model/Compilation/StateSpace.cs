namespace SocialInvestment.Model;

/// <summary>
/// Compiler stage 1, the state space: the model's base states expanded by their tunnels. A state
/// with <see cref="State.TunnelCycles"/> = n becomes n expanded states (time in state 0 … n − 1, the
/// last one keeping everyone who stays longer); every other state is one expanded state.
/// </summary>
internal sealed class StateSpace
{
    private StateSpace(int[] entryOf, int[] countOf, int[] baseOf, int[] timeInStateOf)
    {
        EntryOf = entryOf;
        CountOf = countOf;
        BaseOf = baseOf;
        TimeInStateOf = timeInStateOf;
    }

    /// <summary>Number of base states B.</summary>
    public int BaseCount => EntryOf.Length;

    /// <summary>Number of expanded states N.</summary>
    public int Count => BaseOf.Length;

    /// <summary>The first expanded state of each base state (time in state 0).</summary>
    public int[] EntryOf { get; }

    /// <summary>The number of expanded states of each base state.</summary>
    public int[] CountOf { get; }

    /// <summary>The base state of each expanded state.</summary>
    public int[] BaseOf { get; }

    /// <summary>The completed cycles in state of each expanded state (0 outside tunnels).</summary>
    public int[] TimeInStateOf { get; }

    /// <summary>Expands a model's states.</summary>
    public static StateSpace Of(LifeCourseModel model)
    {
        var states = model.States;
        var B = states.Count;
        var entryOf = new int[B];
        var countOf = new int[B];
        var baseOf = new List<int>();
        var tisOf = new List<int>();
        for (var b = 0; b < B; b++)
        {
            entryOf[b] = baseOf.Count;
            countOf[b] = Math.Max(1, states[b].TunnelCycles);
            for (var tunnel = 0; tunnel < countOf[b]; tunnel++)
            {
                baseOf.Add(b);
                tisOf.Add(states[b].TunnelCycles > 0 ? tunnel : 0);
            }
        }

        return new StateSpace(entryOf, countOf, [.. baseOf], [.. tisOf]);
    }

    /// <summary>
    /// The expanded state reached from expanded state <paramref name="x"/> by moving to base state
    /// <paramref name="to"/>: the next tunnel step when it stays in its own tunnel state, otherwise the
    /// entry of <paramref name="to"/>.
    /// </summary>
    public int Destination(int x, int to, LifeCourseModel model)
    {
        var b = BaseOf[x];
        return to == b && model.States[b].TunnelCycles > 0
            ? EntryOf[b] + Math.Min(TimeInStateOf[x] + 1, CountOf[b] - 1)
            : EntryOf[to];
    }
}
