using System.Collections.Concurrent;
using SocialInvestment.Economics;
using SocialInvestment.Engine;
using SocialInvestment.Model;
using SocialInvestment.Scenarios;
using SocialInvestment.Uncertainty;

namespace SocialInvestment.Orleans;

/// <summary>A scenario document read, validated and built once: the scenario, its model and the compiled strategies (comparator first).</summary>
internal sealed class PreparedDefinition
{
    public PreparedDefinition(Scenario scenario)
    {
        Scenario = scenario;
        Model = Scenario.BuildModel();
        var comparator = Model.Strategies.FirstOrDefault(s => s.Name == Scenario.Settings.Comparator)
            ?? throw new ModelValidationException([new ValidationProblem("settings", $"The comparator '{Scenario.Settings.Comparator}' is not a strategy of the model.")]);
        Comparator = comparator;
        Strategies = [comparator, .. Model.Strategies.Where(s => !ReferenceEquals(s, comparator))];
        Perspectives = Scenario.Perspectives();
        _compiled = new Lazy<IReadOnlyList<CompiledModel>>(() => [.. Strategies.Select(s => Model.Compile(s))]);
        _psa = new Lazy<PsaSpecification>(() => Scenario.ToPsaSpecification(Model));
    }

    /// <summary>The scenario's comparator.</summary>
    public Strategy Comparator { get; }

    /// <summary>The scenario's perspectives (one list, reused by every range).</summary>
    public IReadOnlyList<Perspective> Perspectives { get; }

    /// <summary>The scenario's PSA specification (its parameter distributions).</summary>
    public PsaSpecification Psa => _psa.Value;

    private readonly Lazy<PsaSpecification> _psa;

    public Scenario Scenario { get; }

    public LifeCourseModel Model { get; }

    /// <summary>The model's strategies with the scenario's comparator first.</summary>
    public IReadOnlyList<Strategy> Strategies { get; }

    public IReadOnlyList<CompiledModel> Compiled => _compiled.Value;

    private readonly Lazy<IReadOnlyList<CompiledModel>> _compiled;
}

/// <summary>
/// A silo's cache of prepared definitions by content hash (bounded: the least recently used is
/// dropped beyond <see cref="Capacity"/>). Thread-safe; one preparation per hash even under
/// concurrent ranges.
/// </summary>
internal sealed class DefinitionCache
{
    public const int Capacity = 16;

    private readonly ConcurrentDictionary<string, Lazy<PreparedDefinition>> _entries = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> _used = new(StringComparer.Ordinal);
    private long _clock;

    public bool TryGet(string hash, out PreparedDefinition prepared)
    {
        if (_entries.TryGetValue(hash, out var lazy))
        {
            _used[hash] = Interlocked.Increment(ref _clock);
            prepared = lazy.Value;
            return true;
        }

        prepared = null!;
        return false;
    }

    /// <summary>Reads, prepares and caches a document whose hash (<paramref name="hash"/>) has been checked by the caller.</summary>
    public PreparedDefinition Add(string hash, byte[] document)
    {
        var lazy = _entries.GetOrAdd(hash, _ => new Lazy<PreparedDefinition>(() => new PreparedDefinition(ScenarioDocument.FromJson(document)), LazyThreadSafetyMode.ExecutionAndPublication));
        _used[hash] = Interlocked.Increment(ref _clock);
        try
        {
            return lazy.Value;
        }
        catch
        {
            _entries.TryRemove(hash, out _);
            throw;
        }
        finally
        {
            Trim();
        }
    }

    private void Trim()
    {
        while (_entries.Count > Capacity)
        {
            var oldest = _used.OrderBy(p => p.Value).Select(p => p.Key).FirstOrDefault();
            if (oldest is null)
            {
                return;
            }

            _entries.TryRemove(oldest, out _);
            _used.TryRemove(oldest, out _);
        }
    }
}

/// <summary>
/// A silo's cache of prepared household runs, keyed by the scenario and table hashes and the
/// options that shape the run (bounded like <see cref="DefinitionCache"/>). Thread-safe; one
/// preparation per key even under concurrent ranges; a failed preparation is not kept.
/// </summary>
internal sealed class HouseholdRunCache
{
    public const int Capacity = 16;

    private readonly ConcurrentDictionary<string, Lazy<Households.HouseholdRun>> _entries = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> _used = new(StringComparer.Ordinal);
    private long _clock;

    /// <summary>The cache key of the household run of <paramref name="work"/> (the range key's parts that are not the range, and the threads).</summary>
    public static string Key(ClusterWork work)
        => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{work.DefinitionHash}/{work.TablesHash}/{work.Seed}/{work.Total}/{work.BlockSize}/{work.ThreadsPerRange}");

    public bool TryGet(string key, out Households.HouseholdRun run)
    {
        if (_entries.TryGetValue(key, out var lazy))
        {
            _used[key] = Interlocked.Increment(ref _clock);
            run = lazy.Value;
            return true;
        }

        run = null!;
        return false;
    }

    public Households.HouseholdRun GetOrAdd(string key, Func<Households.HouseholdRun> prepare)
    {
        var lazy = _entries.GetOrAdd(key, _ => new Lazy<Households.HouseholdRun>(prepare, LazyThreadSafetyMode.ExecutionAndPublication));
        _used[key] = Interlocked.Increment(ref _clock);
        try
        {
            return lazy.Value;
        }
        catch
        {
            _entries.TryRemove(key, out _);
            throw;
        }
        finally
        {
            while (_entries.Count > Capacity && _used.OrderBy(p => p.Value).Select(p => p.Key).FirstOrDefault() is { } oldest)
            {
                _entries.TryRemove(oldest, out _);
                _used.TryRemove(oldest, out _);
            }
        }
    }
}
