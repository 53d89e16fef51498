using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace SocialInvestment.Orleans;

/// <summary>
/// The names under which the cluster path reports through <see cref="System.Diagnostics"/>: an
/// <see cref="ActivitySource"/> with one activity per range (on the silo) and per run (on the
/// coordinator), and a <see cref="Meter"/> with the ranges completed, retried and their duration.
/// Subscribe with OpenTelemetry (<c>AddSource</c>/<c>AddMeter</c> with <see cref="Name"/>) or any
/// listener; nothing is written to the console.
/// </summary>
public static class ClusterTelemetry
{
    /// <summary>The activity source and meter name: <c>SocialInvestment.Orleans</c>.</summary>
    public const string Name = "SocialInvestment.Orleans";

    internal static readonly ActivitySource Source = new(Name);

    internal static readonly Meter Meter = new(Name);

    internal static readonly Counter<long> RangesCompleted = Meter.CreateCounter<long>("socinv.cluster.ranges.completed", "{range}", "Ranges whose partial a silo returned.");

    internal static readonly Counter<long> RangesRetried = Meter.CreateCounter<long>("socinv.cluster.ranges.retried", "{range}", "Range attempts that failed transiently and were sent again.");

    internal static readonly UpDownCounter<long> RangesRunning = Meter.CreateUpDownCounter<long>("socinv.cluster.ranges.running", "{range}", "Ranges being computed on this silo now.");

    internal static readonly Histogram<double> RangeSeconds = Meter.CreateHistogram<double>("socinv.cluster.range.duration", "s", "Wall-clock time a silo spent on one range.");
}
