using System.Text;
using Orleans.TestingHost;
using SocialInvestment.Engine;
using SocialInvestment.Households;
using SocialInvestment.Scenarios;

namespace SocialInvestment.Orleans.Tests;

/// <summary>
/// The household microsimulation over an in-process cluster of three silos against the same run in
/// one process (as <c>socinv households</c> runs it). The expectation is bit-for-bit equality, not a
/// tolerance: household h draws from the streams (seed, h) in any range and the partials merge
/// exactly, so any difference is a defect.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class ClusterHouseholdTests
{
    private const long Households = 3_000;
    private const int BlockSize = 512;
    private const ulong Seed = 20261201;
    private TestCluster _cluster = null!;
    private Scenario _scenario = null!;
    private Dictionary<string, byte[]> _files = null!;
    private long[] _single = null!;

    [OneTimeSetUp]
    public async Task StartCluster()
    {
        _cluster = await Clusters.StartAsync(3);
        _scenario = NorwegianDefault.Load();
        _files = DefaultTables();
        var tables = HouseholdFiles.Parse(_files, _scenario, _scenario.BuildModel());
        var single = HouseholdAppraisal.Run(tables, _scenario, new HouseholdOptions { Households = Households, Seed = Seed, BlockSize = BlockSize, Threads = 2 }).All;
        _single = Fingerprint.Of(single);
    }

    [OneTimeTearDown]
    public async Task StopCluster()
    {
        await _cluster.StopAllSilosAsync();
        await _cluster.DisposeAsync();
    }

    [TestCase(512, 6)]
    [TestCase(1536, 2)]
    public async Task A_cluster_household_run_equals_the_single_process_run_bit_for_bit(int rangeSize, int ranges)
    {
        var runner = new ClusterRunner(_cluster.GrainFactory);
        var (result, stats) = await runner.RunHouseholdsAsync(_scenario, _files, Households, Seed, BlockSize, options: new ClusterRunOptions { RangeSize = rangeSize });
        Assert.That(stats.Ranges, Is.EqualTo(ranges));
        Assert.That(stats.Duplicates, Is.Zero);
        Assert.That(result.Households, Is.EqualTo(Households));
        Assert.That(Fingerprint.Of(result), Is.EqualTo(_single));
    }

    [Test]
    public void The_whole_appraisal_with_each_household_type_on_the_cluster_equals_the_local_one_bit_for_bit()
    {
        var tables = HouseholdFiles.Parse(_files, _scenario, _scenario.BuildModel());
        var options = new HouseholdOptions { Households = Households, Seed = Seed, BlockSize = BlockSize, Threads = 2 };
        var local = HouseholdAppraisal.Run(tables, _scenario, options);
        var runner = new ClusterRunner(_cluster.GrainFactory);
        var types = new List<string?>();
        var onCluster = HouseholdAppraisal.Run(tables, _scenario, options, (type, o) =>
        {
            types.Add(type);
            return runner.RunHouseholdsAsync(_scenario, _files, o.Households, o.Seed, o.BlockSize, type, new ClusterRunOptions { RangeSize = 1024 }).GetAwaiter().GetResult().Result;
        });
        Assert.That(types, Is.EqualTo(new string?[] { null }.Concat(tables.Definition.Templates.Select(t => t.Name))), "every household, then each type alone");
        Assert.That(local.ByType, Has.Count.EqualTo(2), "the default has two household types");
        Assert.That(Fingerprint.Of(onCluster.All), Is.EqualTo(Fingerprint.Of(local.All)));
        Assert.That(onCluster.ByType.Select(t => (t.Type, t.Share)), Is.EqualTo(local.ByType.Select(t => (t.Type, t.Share))));
        for (var i = 0; i < local.ByType.Count; i++)
        {
            Assert.That(Fingerprint.Of(onCluster.ByType[i].Comparison), Is.EqualTo(Fingerprint.Of(local.ByType[i].Comparison)), local.ByType[i].Type);
        }

        // A type's run is another run: its partials carry another run key than the whole run's.
        Assert.That(onCluster.ByType[0].Comparison.Run.RunKey, Is.Not.EqualTo(onCluster.All.Run.RunKey));
    }

    [Test]
    public async Task An_unknown_household_type_is_refused_at_the_coordinator_naming_the_types()
    {
        var runner = new ClusterRunner(_cluster.GrainFactory);
        var e = await Assert.ThrowsAsync<ArgumentException>(() => runner.RunHouseholdsAsync(_scenario, _files, Households, Seed, BlockSize, "three adults"));
        Assert.That(e!.Message, Does.Contain("'three adults'").And.Contain("'one adult with child'"));
    }

    [TestCase(3, 4)]
    [TestCase(7, 2)]
    public async Task A_cluster_household_psa_equals_the_single_process_psa_bit_for_bit(int rangeSize, int ranges)
    {
        const int draws = 12;
        var tables = HouseholdFiles.Parse(_files, _scenario, _scenario.BuildModel());
        var local = HouseholdUncertainty.Run(tables, _scenario, draws, Seed, threads: 2);
        var runner = new ClusterRunner(_cluster.GrainFactory);
        var (onCluster, stats) = await runner.RunHouseholdPsaAsync(_scenario, _files, draws, Seed, new ClusterRunOptions { RangeSize = rangeSize });
        Assert.That(stats.Ranges, Is.EqualTo(ranges));
        Assert.That(onCluster.Draws, Is.EqualTo(draws));
        var compared = 0;
        for (var k = 1; k < local.Strategies.Count; k++)
        {
            foreach (var p in local.Perspectives)
            {
                Assert.That(Fingerprint.Bits(onCluster.ChangesPerHousehold(k, p)), Is.EqualTo(Fingerprint.Bits(local.ChangesPerHousehold(k, p))), $"{local.Strategies[k].Name}, {p.Name}");
                Assert.That(onCluster.ProbabilityBetterOff(k, p), Is.EqualTo(local.ProbabilityBetterOff(k, p)));
                var (a, b) = (onCluster.ChangePerHousehold(k, p), local.ChangePerHousehold(k, p));
                Assert.That(Fingerprint.Bits([a.Mean, a.StandardDeviation, a.Lower, a.Median, a.Upper]), Is.EqualTo(Fingerprint.Bits([b.Mean, b.StandardDeviation, b.Lower, b.Median, b.Upper])));
                compared++;
            }
        }

        Assert.That(compared, Is.GreaterThan(3));
        Assert.That(local.ChangesPerHousehold(1, local.Perspectives[0]).Distinct().Count(), Is.GreaterThan(1), "the draws differ, so equal draws are not a constant");
    }

    [Test]
    public void A_household_psa_partial_of_another_seed_is_refused()
    {
        var tables = HouseholdFiles.Parse(_files, _scenario, _scenario.BuildModel());
        var mine = HouseholdUncertainty.Prepare(tables, _scenario, 6, Seed);
        var other = HouseholdUncertainty.Prepare(tables, _scenario, 6, Seed + 1);
        Assert.That(mine.RunKey, Is.Not.Null);
        Assert.That(mine.ReadPartial(mine.RunRange(0, 2).ToBytes()).DrawCount, Is.EqualTo(2));
        Assert.That(() => mine.ReadPartial(other.RunRange(0, 2).ToBytes()), Throws.InstanceOf<FormatException>().With.Message.Contains("another run"));
    }

    [Test]
    public async Task Bad_household_tables_give_one_error_naming_the_file_before_any_range_runs()
    {
        var bad = new Dictionary<string, byte[]>(_files, StringComparer.Ordinal)
        {
            [HouseholdFiles.TemplatesFileName] = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(_files[HouseholdFiles.TemplatesFileName]).Replace(",adult,", ",stepparent,", StringComparison.Ordinal)),
        };
        var runner = new ClusterRunner(_cluster.GrainFactory);
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var e = await Assert.ThrowsAsync<ScenarioFormatException>(() => runner.RunHouseholdsAsync(_scenario, bad, Households, Seed, BlockSize, cancellationToken: timeout.Token));
        Assert.That(e!.Problems, Is.Not.Empty);
        Assert.That(e.Problems.Select(p => p.File), Has.Some.EqualTo(HouseholdFiles.TemplatesFileName));
        Assert.That(e.Message, Does.Contain("stepparent"));
    }

    [Test]
    public async Task A_silo_given_bad_household_tables_refuses_the_range_for_good_with_the_located_problem()
    {
        var bad = new Dictionary<string, byte[]>(_files, StringComparer.Ordinal) { [HouseholdFiles.RolesFileName] = "role,age_out\nadult,-3\n"u8.ToArray() };
        var document = ScenarioDocument.ToUtf8Bytes(_scenario);
        var tables = HouseholdTables.Pack(bad);
        var work = new ClusterWork(Model.ContentHash.Of(document).ToString(), ClusterWorkKind.Households, Seed, Households, BlockSize, 1, ClusterVersion.Current) { TablesHash = Model.ContentHash.Of(tables).ToString() };
        await _cluster.GrainFactory.GetGrain<IScenarioDefinitionGrain>(work.DefinitionHash).Store(document);
        await _cluster.GrainFactory.GetGrain<IScenarioDefinitionGrain>(work.TablesHash).Store(tables);
        var outcome = await _cluster.GrainFactory.GetGrain<IRangeGrain>(work.RangeKey(0, BlockSize)).Run(work, 0, BlockSize, CancellationToken.None);
        Assert.That(outcome.Partial, Is.Null);
        Assert.That(outcome.Permanent, Is.True);
        Assert.That(outcome.Error, Does.Contain("household tables are invalid").And.Contain(HouseholdFiles.RolesFileName));
    }

    [Test]
    public async Task A_partial_of_another_household_run_is_refused_when_merged()
    {
        // Put the partial of another run (another seed) in the ledger under this run's first range key.
        var document = ScenarioDocument.ToUtf8Bytes(_scenario);
        var tables = HouseholdTables.Pack(_files);
        var work = new ClusterWork(Model.ContentHash.Of(document).ToString(), ClusterWorkKind.Households, Seed, Households, BlockSize, 1, ClusterVersion.Current) { TablesHash = Model.ContentHash.Of(tables).ToString() };
        var other = HouseholdTables.Prepare(new PreparedDefinition(_scenario), _files, work with { Seed = Seed + 1 });
        var ledger = new MemoryRangeLedger();
        Assert.That(ledger.TryRecord(work.RangeKey(0, 1536), HouseholdEngine.RunRange(other, 0, 1536).ToBytes()), Is.True);
        var runner = new ClusterRunner(_cluster.GrainFactory);
        var e = await Assert.ThrowsAsync<ClusterRunException>(() => runner.RunHouseholdsAsync(_scenario, _files, Households, Seed, BlockSize, options: new ClusterRunOptions { RangeSize = 1536, Ledger = ledger }));
        Assert.That(e!.Message, Does.Contain("range 1 of 2").And.Contain("belongs to the run"));
        Assert.That(e.InnerException, Is.InstanceOf<FormatException>());
    }

    [Test]
    public void The_table_bundle_is_canonical_and_round_trips()
    {
        var reversed = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var (name, bytes) in _files.Reverse())
        {
            reversed[name] = bytes;
        }

        reversed["notes.txt"] = "not a household table"u8.ToArray();
        var packed = HouseholdTables.Pack(_files);
        Assert.That(HouseholdTables.Pack(reversed), Is.EqualTo(packed), "insertion order and files that are not household tables do not change the bundle");
        var unpacked = HouseholdTables.Unpack(packed);
        Assert.That(unpacked.Keys, Is.EquivalentTo(_files.Keys));
        foreach (var (name, bytes) in _files)
        {
            Assert.That(unpacked[name], Is.EqualTo(bytes), name);
        }

        Assert.That(() => HouseholdTables.Unpack(packed.AsSpan(0, packed.Length - 1)), Throws.InstanceOf<FormatException>());
        Assert.That(() => HouseholdTables.Unpack("{}"u8), Throws.InstanceOf<FormatException>());
    }

    // The default's household tables, as the files a scenario folder would hold.
    private static Dictionary<string, byte[]> DefaultTables()
    {
        var files = new Dictionary<string, byte[]>(HouseholdFiles.DefaultFiles(), StringComparer.Ordinal);
        Assert.That(files, Contains.Key(HouseholdFiles.TemplatesFileName));
        return files;
    }
}
