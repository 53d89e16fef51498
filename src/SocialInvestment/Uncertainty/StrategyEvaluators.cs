using SocialInvestment.Engine;
using SocialInvestment.Model;

namespace SocialInvestment.Uncertainty;

/// <summary>Ready-made <see cref="StrategyEvaluator"/>s for <see cref="ProbabilisticAnalysis.Run"/>.</summary>
public static class StrategyEvaluators
{
    /// <summary>
    /// Evaluates each (strategy, parameter draw) with the <see cref="MicrosimEngine"/>: draw <c>k</c> runs
    /// with <c>options with { Draw = k }</c>, so its random numbers are keyed by the draw and every
    /// strategy of a draw sees the same people and the same uniforms (common random numbers).
    /// The PSA already runs draws in parallel; <paramref name="options"/>' <see cref="RunOptions.Threads"/>
    /// is used as given, so set it to 1 to avoid nested parallelism. The people's streams are keyed by
    /// <paramref name="options"/>' seed: build the PSA and microsimulation options from one
    /// <see cref="RunOptions"/> root (<c>new PsaOptions(root)</c>, <c>new MicrosimOptions(root) { Threads = 1 }</c>)
    /// so that one master seed drives both the parameter draws and the people.
    /// </summary>
    /// <param name="model">The model whose strategies are evaluated.</param>
    /// <param name="options">Microsimulation options (people, seed, threads, block size).</param>
    /// <returns>The evaluator.</returns>
    public static StrategyEvaluator Microsimulation(LifeCourseModel model, MicrosimOptions options)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(options);
        return (strategy, parameters, draw, cancellationToken)
            => MicrosimEngine.Run(model, strategy, options with { Draw = draw }, parameters, null, cancellationToken);
    }
}
