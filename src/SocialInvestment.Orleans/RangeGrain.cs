using System.Diagnostics;
using Microsoft.Extensions.Logging;
using SocialInvestment.Scenarios;

namespace SocialInvestment.Orleans;

/// <summary>
/// Runs one range on the silo it is activated on. Activations are spread over the silos by
/// activation count; the computation runs on the thread pool (not the grain scheduler), and a
/// successful outcome is kept so that the same range asked for again is not computed twice.
/// </summary>
[global::Orleans.Placement.ActivationCountBasedPlacement]
internal sealed partial class RangeGrain(DefinitionCache cache, HouseholdRunCache households, HouseholdPsaCache householdPsas, ILogger<RangeGrain> logger) : Grain, IRangeGrain
{
    private RangeOutcome? _done;

    public async Task<RangeOutcome> Run(ClusterWork work, long first, long count, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(work);
        var silo = RuntimeIdentity;
        if (!string.Equals(work.LibraryVersion, ClusterVersion.Current, StringComparison.Ordinal))
        {
            return new RangeOutcome(null, $"The silo {silo} runs SocialInvestment {ClusterVersion.Current}; the coordinator runs {work.LibraryVersion}. Results are identical only between identical library builds: deploy the same version on every silo and the coordinator.", true, silo, 0);
        }

        if (!string.Equals(work.RangeKey(first, count), this.GetPrimaryKeyString(), StringComparison.Ordinal))
        {
            return new RangeOutcome(null, $"The range [{first}, {first + count}) does not belong to this grain's key {this.GetPrimaryKeyString()}.", true, silo, 0);
        }

        if (_done is not null)
        {
            return _done;
        }

        using var activity = ClusterTelemetry.Source.StartActivity("socinv.cluster.range");
        activity?.SetTag("socinv.range.first", first);
        activity?.SetTag("socinv.range.count", count);
        activity?.SetTag("socinv.definition", work.DefinitionHash);
        var clock = Stopwatch.StartNew();
        PreparedDefinition definition;
        Households.HouseholdRun? run = null;
        Uncertainty.HouseholdPsa? householdPsa = null;
        Economics.SettlementPlan? plan = null;
        try
        {
            definition = await Prepare(work.DefinitionHash).ConfigureAwait(true);
            if (work.Kind == ClusterWorkKind.ProbabilisticAnalysis && work.SettlementHash is { } settlement)
            {
                plan = definition.TryGetPlan(settlement, out var known) ? known : definition.AddPlan(settlement, await Fetch(settlement, "settlement plan").ConfigureAwait(true));
            }
            else if (work.Kind == ClusterWorkKind.Households)
            {
                run = await PrepareHouseholds(definition, work).ConfigureAwait(true);
            }
            else if (work.Kind == ClusterWorkKind.HouseholdProbabilisticAnalysis)
            {
                householdPsa = await PrepareHouseholdPsa(definition, work).ConfigureAwait(true);
            }
        }
        catch (Exception e) when (e is ScenarioFormatException or Model.ModelValidationException or FormatException or ArgumentException)
        {
            return new RangeOutcome(null, (work.Kind is ClusterWorkKind.Households or ClusterWorkKind.HouseholdProbabilisticAnalysis ? "The model definition or its household tables are invalid: " : "The model definition is invalid: ") + e.Message, true, silo, clock.Elapsed.TotalSeconds);
        }
        catch (DefinitionUnavailableException e)
        {
            return new RangeOutcome(null, e.Message, false, silo, clock.Elapsed.TotalSeconds);
        }

        byte[] partial;
        ClusterTelemetry.RangesRunning.Add(1);
        try
        {
            partial = await Task.Run(() => RangeComputation.Run(definition, run, householdPsa, work, first, count, cancellationToken, plan), cancellationToken).ConfigureAwait(true);
        }
        catch (OperationCanceledException)
        {
            throw;
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or ArithmeticException or Model.ModelValidationException or Economics.SettlementValidationException)
        {
            return new RangeOutcome(null, $"The range [{first}, {first + count}) cannot be run: {e.Message}", true, silo, clock.Elapsed.TotalSeconds);
        }
        finally
        {
            ClusterTelemetry.RangesRunning.Add(-1);
        }

        var seconds = clock.Elapsed.TotalSeconds;
        ClusterTelemetry.RangesCompleted.Add(1);
        ClusterTelemetry.RangeSeconds.Record(seconds);
        LogRange(logger, first, first + count, silo, seconds);
        _done = new RangeOutcome(partial, null, false, silo, seconds);
        return _done;
    }

    private async Task<PreparedDefinition> Prepare(string hash)
    {
        if (cache.TryGet(hash, out var prepared))
        {
            return prepared;
        }

        var bytes = await Fetch(hash, "scenario document").ConfigureAwait(true);
        return await Task.Run(() => cache.Add(hash, bytes)).ConfigureAwait(true);
    }

    private Task<Households.HouseholdRun> PrepareHouseholds(PreparedDefinition definition, ClusterWork work)
        => PrepareFromTables(households, work, "household", tables => HouseholdTables.Prepare(definition, tables, work));

    private Task<Uncertainty.HouseholdPsa> PrepareHouseholdPsa(PreparedDefinition definition, ClusterWork work)
        => PrepareFromTables(householdPsas, work, "household PSA", tables => HouseholdTables.PreparePsa(definition, tables, work));

    // What a household range needs, prepared once per run on this silo from the work's household tables (fetched by hash).
    private async Task<T> PrepareFromTables<T>(BoundedCache<T> prepared, ClusterWork work, string what, Func<IReadOnlyDictionary<string, byte[]>, T> prepare)
        where T : class
    {
        var hash = work.TablesHash ?? throw new FormatException($"The {what} work names no household tables (TablesHash is null).");
        var key = HouseholdRunCache.Key(work);
        if (prepared.TryGet(key, out var value))
        {
            return value;
        }

        var bytes = await Fetch(hash, "household tables").ConfigureAwait(true);
        return await Task.Run(() => prepared.GetOrAdd(key, () => prepare(HouseholdTables.Unpack(bytes)))).ConfigureAwait(true);
    }

    // A content-addressed document by its hash, checked.
    private async Task<byte[]> Fetch(string hash, string what)
    {
        var bytes = await GrainFactory.GetGrain<IScenarioDefinitionGrain>(hash).Fetch().ConfigureAwait(true)
            ?? throw new DefinitionUnavailableException($"No silo holds the {what} {hash} (its holder may have stopped); the coordinator stores it again and retries.");
        if (!string.Equals(Model.ContentHash.Of(bytes).ToString(), hash, StringComparison.Ordinal))
        {
            throw new FormatException($"The {what} fetched for {hash} has another hash.");
        }

        return bytes;
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Range [{First}, {End}) done on {Silo} in {Seconds:F3} s")]
    private static partial void LogRange(ILogger logger, long first, long end, string silo, double seconds);
}

/// <summary>The scenario document of a range is not held by any silo (a transient condition the coordinator repairs).</summary>
internal sealed class DefinitionUnavailableException(string message) : Exception(message);
