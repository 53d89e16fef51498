using System.Collections.Concurrent;
using SocialInvestment.Engine;
using SocialInvestment.Model;

namespace SocialInvestment.Uncertainty;

/// <summary>
/// Pairs the results of one strategy and its comparator within each PSA draw, whichever of the two
/// the PSA evaluates first and on whichever thread: the per-draw collectors
/// (<see cref="SettlementUncertainty"/>, <see cref="ContractUncertainty"/>) act once both are in.
/// </summary>
internal sealed class DrawPairs(string strategy, string comparator, int draws, string collector)
{
    private readonly ConcurrentDictionary<long, SimulationResult?[]> _pending = new();

    /// <summary>
    /// Records <paramref name="result"/> of draw <paramref name="draw"/>; returns the draw's
    /// (strategy, comparator) results when this completes the pair, otherwise null (also for a
    /// strategy that is neither).
    /// </summary>
    /// <exception cref="InvalidOperationException">The draw is outside the draws the collector was made for.</exception>
    public (SimulationResult Strategy, SimulationResult Comparator)? Add(Strategy of, long draw, SimulationResult result)
    {
        var slot = of.Name == strategy ? 0 : of.Name == comparator ? 1 : -1;
        if (slot < 0)
        {
            return null;
        }

        if (draw < 0 || draw >= draws)
        {
            throw new InvalidOperationException($"Draw {draw} is outside the {draws} draws this {collector} collector was made for.");
        }

        var pair = _pending.GetOrAdd(draw, _ => new SimulationResult?[2]);
        SimulationResult? other;
        lock (pair)
        {
            pair[slot] = result;
            other = pair[1 - slot];
        }

        if (other is null)
        {
            return null;
        }

        _pending.TryRemove(draw, out _);
        return slot == 0 ? (result, other) : (other, result);
    }
}
