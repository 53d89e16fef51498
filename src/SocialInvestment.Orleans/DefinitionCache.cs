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
        SettledStrategies = Strategies.Skip(1).ToArray();
        Perspectives = Scenario.Perspectives();
        _compiled = new Lazy<IReadOnlyList<CompiledModel>>(() => [.. Strategies.Select(s => Model.Compile(s))]);
        _psa = new Lazy<PsaSpecification>(() => Scenario.ToPsaSpecification(Model));
        _prepared = [.. Enumerable.Range(0, 4).Select(i => new Lazy<PreparedPsa>(() => ProbabilisticAnalysis.Prepare(Psa, RangeComputation.PsaOptions(this, (i & 1) != 0, (i & 2) != 0))))];
    }

    /// <summary>The scenario's comparator.</summary>
    public Strategy Comparator { get; }

    /// <summary>The scenario's perspectives (one list, reused by every range).</summary>
    public IReadOnlyList<Perspective> Perspectives { get; }

    /// <summary>The scenario's PSA specification (its parameter distributions).</summary>
    public PsaSpecification Psa => _psa.Value;

    private readonly Lazy<PsaSpecification> _psa;

    /// <summary>The scenario's PSA prepared once per silo (compiled and planned, its work spaces kept), for the incremental path and for every draw in full, without and with a payer-flow observer.</summary>
    private readonly Lazy<PreparedPsa>[] _prepared;

    /// <summary>The settlement plans of this definition's runs on this silo, by their documents' hashes.</summary>
    private readonly ConcurrentDictionary<string, SettlementPlan> _plans = new(StringComparer.Ordinal);

    /// <summary>
    /// The PSA prepared for ranges that do (<paramref name="inFull"/>) or do not evaluate every draw in full, and that
    /// do (<paramref name="observed"/>: settled ranges) or do not pass every draw's payer flows to an observer; every
    /// range of the definition on this silo reuses it.
    /// </summary>
    public PreparedPsa PreparedPsa(bool inFull, bool observed = false) => _prepared[(inFull ? 1 : 0) + (observed ? 2 : 0)].Value;

    /// <summary>The settlement plan of document hash <paramref name="hash"/> when this silo has read it.</summary>
    public bool TryGetPlan(string hash, out SettlementPlan plan) => _plans.TryGetValue(hash, out plan!);

    /// <summary>Reads (once) the settlement plan document with hash <paramref name="hash"/>.</summary>
    public SettlementPlan AddPlan(string hash, byte[] document) => _plans.GetOrAdd(hash, _ => SettlementPlan.FromDocument(document));

    public Scenario Scenario { get; }

    public LifeCourseModel Model { get; }

    /// <summary>The model's strategies with the scenario's comparator first.</summary>
    public IReadOnlyList<Strategy> Strategies { get; }

    /// <summary>The strategies a settled PSA settles against the comparator, in the model's order (the comparator left out): the order of a settled range's settlements, on the silo and the coordinator alike.</summary>
    public IReadOnlyList<Strategy> SettledStrategies { get; }

    public IReadOnlyList<CompiledModel> Compiled => _compiled.Value;

    private readonly Lazy<IReadOnlyList<CompiledModel>> _compiled;
}

/// <summary>
/// A silo's bounded cache of prepared values by key: the least recently used is dropped beyond
/// <see cref="Capacity"/>. Thread-safe; one preparation per key even under concurrent ranges; a
/// failed preparation is not kept, so the next range prepares again.
/// </summary>
/// <typeparam name="T">The prepared value.</typeparam>
internal abstract class BoundedCache<T>
    where T : class
{
    public const int Capacity = 16;

    private readonly ConcurrentDictionary<string, Lazy<T>> _entries = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> _used = new(StringComparer.Ordinal);
    private long _clock;

    public bool TryGet(string key, out T value)
    {
        if (_entries.TryGetValue(key, out var lazy))
        {
            _used[key] = Interlocked.Increment(ref _clock);
            value = lazy.Value;
            return true;
        }

        value = null!;
        return false;
    }

    /// <summary>The value of <paramref name="key"/>, prepared by <paramref name="prepare"/> when it is not held.</summary>
    public T GetOrAdd(string key, Func<T> prepare)
    {
        var lazy = _entries.GetOrAdd(key, _ => new Lazy<T>(prepare, LazyThreadSafetyMode.ExecutionAndPublication));
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
            Trim();
        }
    }

    private void Trim()
    {
        while (_entries.Count > Capacity && _used.OrderBy(p => p.Value).Select(p => p.Key).FirstOrDefault() is { } oldest)
        {
            _entries.TryRemove(oldest, out _);
            _used.TryRemove(oldest, out _);
        }
    }
}

/// <summary>A silo's cache of prepared definitions by content hash (a <see cref="BoundedCache{T}"/>).</summary>
internal sealed class DefinitionCache : BoundedCache<PreparedDefinition>
{
    /// <summary>Reads, prepares and caches a document whose hash (<paramref name="hash"/>) has been checked by the caller.</summary>
    public PreparedDefinition Add(string hash, byte[] document)
        => GetOrAdd(hash, () => new PreparedDefinition(ScenarioDocument.FromJson(document)));
}

/// <summary>
/// A silo's cache of prepared household runs, keyed by the scenario and table hashes and the
/// options that shape the run (a <see cref="BoundedCache{T}"/>).
/// </summary>
internal sealed class HouseholdRunCache : BoundedCache<Households.HouseholdRun>
{
    /// <summary>The cache key of the household run of <paramref name="work"/> (the range key's parts that are not the range, and the threads).</summary>
    public static string Key(ClusterWork work)
        => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{work.DefinitionHash}/{work.TablesHash}/{work.HouseholdType}/{work.Seed}/{work.Total}/{work.BlockSize}/{work.ThreadsPerRange}");
}

/// <summary>A silo's cache of prepared household PSAs (the base case run once per run), keyed as <see cref="HouseholdRunCache.Key"/> (a <see cref="BoundedCache{T}"/>).</summary>
internal sealed class HouseholdPsaCache : BoundedCache<HouseholdPsa>;
