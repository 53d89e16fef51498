namespace SocialInvestment.Model;

/// <summary>
/// Re-indexing of amounts between price years: the one formula every layer uses (the compiler for
/// flows, the scenario mapper for intervention costs). An amount in the prices of year <c>from</c>
/// is in the prices of year <c>to</c> after multiplying by <c>index[to] / index[from]</c>.
/// </summary>
internal static class PriceIndexing
{
    /// <summary>The factor that takes an amount in <paramref name="fromYear"/>'s prices to <paramref name="toYear"/>'s: <c>index[to] / index[from]</c>; 1 when the years are equal (the index then need not list them).</summary>
    /// <param name="index">Index level by year (any base).</param>
    /// <param name="fromYear">The price year the amount is given in.</param>
    /// <param name="toYear">The price year wanted.</param>
    /// <param name="factor">The factor, or 1 when the index lacks either year.</param>
    /// <returns>False when the years differ and the index lacks either of them.</returns>
    public static bool TryFactor(IReadOnlyDictionary<int, double>? index, int fromYear, int toYear, out double factor)
    {
        factor = 1.0;
        if (fromYear == toYear)
        {
            return true;
        }

        if (index is null || !index.TryGetValue(fromYear, out var from) || !index.TryGetValue(toYear, out var to))
        {
            return false;
        }

        factor = to / from;
        return true;
    }

    /// <summary>The factor <c>index[to] / index[from]</c> (see <see cref="TryFactor"/>); the model's validation has made sure both years are listed.</summary>
    /// <param name="index">Index level by year (any base).</param>
    /// <param name="fromYear">The price year the amount is given in.</param>
    /// <param name="toYear">The price year wanted.</param>
    /// <exception cref="InvalidOperationException">The years differ and the index lacks either of them.</exception>
    public static double Factor(IReadOnlyDictionary<int, double>? index, int fromYear, int toYear)
        => TryFactor(index, fromYear, toYear, out var factor) ? factor
            : throw new InvalidOperationException($"The price index has no entry for {fromYear} or {toYear}.");
}
