using System.Globalization;
using System.Reflection;
using System.Runtime.Loader;
using SocialInvestment.Csv.Tests.TestSupport;
using SocialInvestment.Economics;
using SocialInvestment.Engine;
using SocialInvestment.Model;
using SocialInvestment.Scenarios;

namespace SocialInvestment.Csv.Tests.Travel;

public sealed class ScenarioDocumentTests
{
    private static IEnumerable<TestCaseData> Scenarios()
    {
        yield return new TestCaseData(SmallScenario.Create()).SetArgDisplayNames("small");
        yield return new TestCaseData(NorwegianDefault.Load()).SetArgDisplayNames("Norwegian default");
    }

    [TestCaseSource(nameof(Scenarios))]
    public void Document_RoundTrips_ToAnEqualScenarioAndTheSameBytes(Scenario scenario)
    {
        var bytes = ScenarioDocument.ToUtf8Bytes(scenario);
        var back = ScenarioDocument.FromJson(bytes);
        Assert.That(back, Is.EqualTo(scenario), "every setting and row read back");
        Assert.That(ScenarioDocument.ToUtf8Bytes(back), Is.EqualTo(bytes), "canonical: writing the read-back scenario gives the same bytes");
        Assert.That(ScenarioDocument.Hash(back), Is.EqualTo(ScenarioDocument.Hash(scenario)));
        Assert.That(bytes.Take(3), Is.Not.EqualTo(new byte[] { 0xEF, 0xBB, 0xBF }), "no byte-order mark");
        Assert.That(ScenarioDocument.ToJson(scenario), Does.StartWith("{\"format\":\"socinv-scenario\",\"version\":1,\"scenario\":{"));
    }

    [Test]
    public void Hash_DoesNotDependOnTheCulture()
    {
        var scenario = NorwegianDefault.Load();
        var invariant = ScenarioDocument.Hash(scenario);
        var saved = CultureInfo.CurrentCulture;
        try
        {
            foreach (var name in new[] { "nb-NO", "ar-SA", "fr-FR", "tr-TR" })
            {
                CultureInfo.CurrentCulture = CultureInfo.GetCultureInfo(name);
                Assert.That(ScenarioDocument.Hash(scenario), Is.EqualTo(invariant), name);
            }
        }
        finally
        {
            CultureInfo.CurrentCulture = saved;
        }
    }

    [Test]
    public void BuildModel_CarriesTheDocumentHash_AndAnyChangeChangesIt()
    {
        var scenario = SmallScenario.Create();
        var model = scenario.BuildModel();
        Assert.That(model.DefinitionHash, Is.EqualTo(ScenarioDocument.Hash(scenario)));
        var edited = scenario with { Parameters = [.. scenario.Parameters.Select(p => p.Name == "scale" ? p with { Value = 1.0000000000000002 } : p)] };
        Assert.That(ScenarioDocument.Hash(edited), Is.Not.EqualTo(ScenarioDocument.Hash(scenario)), "one ulp of one parameter");
        var renamed = scenario with { Settings = scenario.Settings with { Description = "another text" } };
        Assert.That(ScenarioDocument.Hash(renamed), Is.Not.EqualTo(ScenarioDocument.Hash(scenario)), "the document is the whole definition, descriptions included");
        Assert.That(model.WithOptions(model.Options with { Cycles = 10 }).DefinitionHash, Is.Null, "a model changed after building is no longer the definition's");
    }

    [Test]
    public void CompiledModels_RebuiltFromTheDocument_HaveTheSameContentHash_AndADifferentParameterChangesIt()
    {
        var scenario = SmallScenario.Create();
        var a = scenario.BuildModel();
        var b = ScenarioDocument.FromJson(ScenarioDocument.ToJson(scenario)).BuildModel();
        Assert.That(b, Is.Not.SameAs(a));
        foreach (var s in a.Strategies)
        {
            Assert.That(b.Compile(b.Strategy(s.Name)).ContentHash, Is.EqualTo(a.Compile(s).ContentHash), s.Name);
        }

        var values = a.BaseParameters.AsSpan().ToArray();
        values[a.Parameter("p_neet_work").Index] = 0.25;
        Assert.That(a.Compile(a.Strategies[0], new ParameterValues(values)).ContentHash, Is.Not.EqualTo(a.Compile(a.Strategies[0]).ContentHash));
    }

    [Test]
    public void MicrosimShards_OfTwoSeparatelyBuiltModels_Merge_ToTheSingleRunBitForBit()
    {
        // Before, shards merged only when they held the very same CompiledModel objects.
        var scenario = SmallScenario.Create();
        var a = scenario.BuildModel();
        var b = ScenarioDocument.FromJson(ScenarioDocument.ToUtf8Bytes(scenario)).BuildModel();
        var options = new MicrosimOptions { People = 5_000, Seed = 4, BlockSize = 1000, Threads = 1 };
        CompiledModel[] Compile(LifeCourseModel m) => [.. m.Strategies.Select(s => m.Compile(s))];
        var whole = MicrosimEngine.RunCompiled(Compile(a), options);
        var first = MicrosimEngine.RunRange(Compile(a), options, 0, 2000);
        var second = MicrosimEngine.RunRange(Compile(b), options, 2000, 3000);
        Assert.That(second.RunKey, Is.EqualTo(first.RunKey).And.Not.Null, "one run, whichever model object compiled it");
        var merged = MicrosimEngine.Complete(second.Merge(first));
        foreach (var p in Perspective.StandardSet(a))
        {
            for (var k = 0; k < whole.Results.Count; k++)
            {
                Assert.That(merged.Results[k].CostPerPerson(p), Is.EqualTo(whole.Results[k].CostPerPerson(p)), $"{whole.Results[k].Strategy.Name}, {p.Name}");
            }
        }

        var other = MicrosimEngine.RunRange(Compile((scenario with { Settings = scenario.Settings with { HorizonCycles = 19 } }).BuildModel()), options, 2000, 3000);
        Assert.That(other.RunKey, Is.Not.EqualTo(first.RunKey));
        Assert.That(() => first.Merge(other), Throws.ArgumentException.With.Message.Contains("different runs"));
    }

    [Test]
    public void ModelRebuiltInAFreshLoadContext_HasTheSameHashes_AndBitIdenticalResults()
    {
        var document = ScenarioDocument.ToJson(NorwegianDefault.Load());
        var here = TravelProbe.Report(document);
        var context = new IsolatedContext(typeof(TravelProbe).Assembly.Location);
        try
        {
            var probe = context.LoadFromAssemblyPath(typeof(TravelProbe).Assembly.Location).GetType(typeof(TravelProbe).FullName!, throwOnError: true)!;
            Assert.That(probe, Is.Not.SameAs(typeof(TravelProbe)), "a separate copy of the types");
            var there = (string)probe.GetMethod(nameof(TravelProbe.Report))!.Invoke(null, [document])!;
            Assert.That(context.Assemblies.Select(a => a.GetName().Name), Does.Contain("SocialInvestment").And.Contain("SocialInvestment.Csv"), "the library itself was loaded afresh");
            var hereLines = here.Split('\n');
            var thereLines = there.Split('\n');
            Assert.That(thereLines[0], Does.Contain("travel"), "ran in the fresh context");
            Assert.That(thereLines.Skip(1), Is.EqualTo(hereLines.Skip(1)), "the same definition hash, compiled hashes and result bits");
            Assert.That(here, Does.Contain("definition " + ScenarioDocument.Hash(NorwegianDefault.Load())));
            Assert.That(here, Does.Not.Contain("psa run key none"), "a scenario's PSA partials carry a run key");
            var merged = hereLines.Where(l => l.StartsWith("psa merged ", StringComparison.Ordinal)).Select(l => l["psa merged ".Length..]).ToArray();
            var single = hereLines.Where(l => l.StartsWith("psa single ", StringComparison.Ordinal)).Select(l => l["psa single ".Length..]).ToArray();
            Assert.That(merged, Is.Not.Empty);
            Assert.That(merged, Is.EqualTo(single), "PSA partials over [0, 9) and [9, 16) merge to the single run's bits");
        }
        finally
        {
            context.Unload();
        }
    }

    [Test]
    public void BadDocuments_GiveOneClearProblem()
    {
        var good = ScenarioDocument.ToJson(SmallScenario.Create());
        Assert.That(() => ScenarioDocument.FromJson("[1]"), Throws.TypeOf<ScenarioFormatException>().With.Message.Contains("must be a JSON object"));
        Assert.That(() => ScenarioDocument.FromJson(good.Replace("\"version\":1", "\"version\":2", StringComparison.Ordinal)), Throws.TypeOf<ScenarioFormatException>().With.Message.Contains("not a scenario document of version 1"));
        Assert.That(() => ScenarioDocument.FromJson(good.Replace("\"horizonCycles\":20", "\"horizonCycles\":\"twenty\"", StringComparison.Ordinal)), Throws.TypeOf<ScenarioFormatException>().With.Message.Contains("horizonCycles"));
        Assert.That(() => ScenarioDocument.FromJson(good.Replace("\"horizonCycles\":20", "\"horizonCyclez\":20", StringComparison.Ordinal)), Throws.TypeOf<ScenarioFormatException>().With.Message.Contains("horizonCyclez"));
        Assert.That(() => ScenarioDocument.FromJson(good[..(good.Length / 2)]), Throws.TypeOf<ScenarioFormatException>().With.Property(nameof(ScenarioFormatException.Problems)).Count.EqualTo(1));
    }

    /// <summary>A collectible load context that loads the library and the test assembly afresh from the test folder; everything else comes from the default context.</summary>
    private sealed class IsolatedContext(string testAssembly) : AssemblyLoadContext("travel", isCollectible: true)
    {
        private readonly string _folder = Path.GetDirectoryName(testAssembly)!;

        protected override Assembly? Load(AssemblyName assemblyName)
        {
            var path = Path.Combine(_folder, assemblyName.Name + ".dll");
            return assemblyName.Name!.StartsWith("SocialInvestment", StringComparison.Ordinal) && File.Exists(path) ? LoadFromAssemblyPath(path) : null;
        }
    }
}
