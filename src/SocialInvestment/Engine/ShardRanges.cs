namespace SocialInvestment.Engine;

/// <summary>
/// The ranges of units (people, households) a mergeable shard holds: merged only when disjoint, kept
/// sorted, adjacent ranges joined. Shared by the microsimulation's and the household engine's partials.
/// </summary>
internal static class ShardRanges
{
    /// <summary>Adds <paramref name="other"/>'s ranges to <paramref name="mine"/>; throws when any overlaps one already held.</summary>
    /// <param name="mine">The ranges held (sorted and joined on return).</param>
    /// <param name="other">The ranges to add.</param>
    /// <param name="unit">The units counted, in the error message ("people", "households").</param>
    /// <param name="paramName">The parameter named by the exception.</param>
    public static void AddDisjoint(List<(long Start, long End)> mine, IReadOnlyList<(long Start, long End)> other, string unit, string paramName)
    {
        foreach (var r in other)
        {
            foreach (var m in mine)
            {
                if (r.Start < m.End && m.Start < r.End)
                {
                    throw new ArgumentException($"The partials overlap: {unit} [{r.Start}, {r.End}) and [{m.Start}, {m.End}).", paramName);
                }
            }
        }

        mine.AddRange(other);
        mine.Sort();
        for (var i = mine.Count - 1; i > 0; i--)
        {
            if (mine[i - 1].End == mine[i].Start)
            {
                mine[i - 1] = (mine[i - 1].Start, mine[i].End);
                mine.RemoveAt(i);
            }
        }
    }
}
