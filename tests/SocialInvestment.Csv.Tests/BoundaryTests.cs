using System.Diagnostics;
using System.Text;
using SocialInvestment.Engine;
using SocialInvestment.Model;
using SocialInvestment.Scenarios;

namespace SocialInvestment.Csv.Tests;

/// <summary>
/// Regression tests for issue 8 ("a boundary that holds"), input side: each reproduction of the
/// issue that belongs to the reader, the validator or the model builder, on a copy of the Norwegian
/// default. Every bad input must give one <see cref="ScenarioFormatException"/> whose problems name
/// the file, the line and the field, and never allocate by the input's size.
/// </summary>
public sealed class BoundaryTests
{
    private string _dir = null!;

    [SetUp]
    public void SetUp()
    {
        _dir = Directory.CreateTempSubdirectory("socinv-boundary-").FullName;
        NorwegianDefault.WriteTo(_dir);
    }

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, recursive: true);

    private string PathOf(string file) => Path.Combine(_dir, file);

    private void Replace(string file, string from, string to)
    {
        var text = File.ReadAllText(PathOf(file));
        Assert.That(text, Does.Contain(from), "test setup: the text to corrupt");
        File.WriteAllText(PathOf(file), text.Replace(from, to, StringComparison.Ordinal));
    }

    private void ReplaceLine(string file, int line, Func<string, string> edit)
    {
        var lines = File.ReadAllLines(PathOf(file));
        lines[line - 1] = edit(lines[line - 1]);
        File.WriteAllLines(PathOf(file), lines);
    }

    private IReadOnlyList<ScenarioProblem> Problems(ScenarioLimits? limits = null)
        => Assert.Throws<ScenarioFormatException>(() => ScenarioReader.Read(_dir, limits ?? ScenarioLimits.Default))!.Problems;

    private ScenarioProblem Single() => Problems() is { Count: 1 } p ? p[0] : throw new AssertionException("expected one problem, got: " + string.Join(" | ", Problems()));

    // Item 2: horizons and tunnels beyond the limits are located problems, found before any allocation.
    [TestCase(1_000_000_000)]
    [TestCase(int.MaxValue)]
    [TestCase(1201)]
    public void Item2_HorizonBeyondTheLimit_IsLocatedAndCheap(int horizon)
    {
        Replace("scenario.json", "\"horizonCycles\": 68", $"\"horizonCycles\": {horizon}");
        var before = GC.GetTotalAllocatedBytes(precise: true);
        var p = Single();
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
        Assert.That((p.File, p.Line, p.Column, p.Field), Is.EqualTo(("scenario.json", (int?)5, (int?)3, "horizonCycles")));
        Assert.That(p.Message, Does.Contain(horizon.ToString(System.Globalization.CultureInfo.InvariantCulture)).And.Contain("1200").And.Contain("ModelLimits.MaxCycles"));
        Assert.That(allocated, Is.LessThan(64L << 20), "reading a scenario with a huge horizon must not allocate by the horizon (bytes allocated)");
    }

    [Test]
    public void Item2_HostMayRaiseTheCycleLimit()
    {
        Replace("scenario.json", "\"horizonCycles\": 68", "\"horizonCycles\": 1300");
        Replace("scenario.json", "\"cycleLengthYears\": 1,", "\"cycleLengthYears\": 0.1,");
        Assert.That(Problems().Single().Message, Does.Contain("ModelLimits.MaxCycles"));
        var limits = ScenarioLimits.Default with { Model = ModelLimits.Default with { MaxCycles = 1300 } };
        Assert.That(ScenarioReader.Read(_dir, limits).Settings.HorizonCycles, Is.EqualTo(1300));
    }

    [Test]
    public void Item2_TunnelCyclesBeyondTheLimits_AreLocatedOnTheStatesRow()
    {
        ReplaceLine("states.csv", 2, l => l.Replace(",0,", ",1000000000,", StringComparison.Ordinal));
        var problems = Problems();
        Assert.That(problems.Select(p => (p.File, p.Line, p.Field)), Has.All.EqualTo(("states.csv", (int?)2, "tunnel_cycles")));
        Assert.That(problems.Select(p => p.Message), Has.Some.Contain("ModelLimits.MaxTunnelCycles").And.Some.Contain("ModelLimits.MaxExpandedStates"));
    }

    [Test]
    public void Item2_PlausibleTunnelThatWouldTakeGigabytes_IsRefusedBeforeCompiling()
    {
        ReplaceLine("states.csv", 2, l => l.Replace(",0,", ",1000,", StringComparison.Ordinal));
        var before = GC.GetTotalAllocatedBytes(precise: true);
        var p = Single();
        Assert.That(GC.GetTotalAllocatedBytes(precise: true) - before, Is.LessThan(256L << 20), "bytes allocated before the refusal");
        Assert.That((p.File, p.Field), Is.EqualTo(("states.csv", "tunnel_cycles")));
        Assert.That(p.Message, Does.Contain("ModelLimits.MaxCompiledCells").And.Contain("1013 states"));
    }

    [Test]
    public void Item2_Builder_ChecksLimitsBeforeAllocating_AndHostCanLowerThem()
    {
        LifeCourseModelBuilder Builder(int cycles, int tunnel) => new LifeCourseModelBuilder("limits")
            .AddState("A", tunnelCycles: tunnel).AddState("D", absorbing: true)
            .Probability("A", "D", 0.1).Remainder("A", "A")
            .WithPopulation(Population.StartingIn(20, "A"))
            .WithOptions(new SimulationOptions { Cycles = cycles });
        var e = Assert.Throws<ModelValidationException>(() => Builder(int.MaxValue, 0).Build())!;
        Assert.That(e.Problems.Select(p => p.Message), Has.Some.Contain("ModelLimits.MaxCycles"));
        e = Assert.Throws<ModelValidationException>(() => Builder(68, 1_000_000_000).Build())!;
        Assert.That(e.Problems.Select(p => p.Message), Has.Some.Contain("ModelLimits.MaxTunnelCycles"));
        var model = Builder(100, 0).Build();
        Assert.That(model.Limits, Is.SameAs(ModelLimits.Default));
        e = Assert.Throws<ModelValidationException>(() => model.WithOptions(model.Options with { Cycles = 5000 }))!;
        Assert.That(e.Problems.Single().Message, Does.Contain("5000").And.Contain("ModelLimits.MaxCycles"));
        e = Assert.Throws<ModelValidationException>(() => Builder(100, 0).WithLimits(ModelLimits.Default with { MaxCycles = 50 }).Build())!;
        Assert.That(e.Problems.Single().Message, Does.Contain("limit of 50"));
    }

    // Item 1 (upstream) and item 7: magnitudes and discount rates that would make the appraisal non-finite.
    [TestCase("scenario.json", "\"populationSize\": 1000", "\"populationSize\": 1e308", "populationSize", "ModelLimits.MaxPopulationSize")]
    [TestCase("scenario.json", "\"taxFinancingCost\": 0.2", "\"taxFinancingCost\": 1e308", "taxFinancingCost", "ScenarioLimits.MaxTaxFinancingCost")]
    [TestCase("scenario.json", "\"cycleLengthYears\": 1,", "\"cycleLengthYears\": 1e9,", "cycleLengthYears", "ModelLimits.MaxCycleLengthYears")]
    [TestCase("scenario.json", "\"costDiscounting\": \"norway\"", "\"costDiscounting\": \"constant:1e308\"", "costDiscounting", "MaxDiscountRate")]
    [TestCase("scenario.json", "\"costDiscounting\": \"norway\"", "\"costDiscounting\": \"constant:-0.99999999\"", "costDiscounting", "MinDiscountRate")]
    [TestCase("scenario.json", "\"outcomeDiscounting\": \"norway\"", "\"outcomeDiscounting\": \"constant:1.5\"", "outcomeDiscounting", "MaxDiscountRate")]
    [TestCase("scenario.json", "\"cycleLengthYears\": 1,", "\"cycleLengthYears\": 5,", "horizonCycles", "ModelLimits.MaxHorizonYears")]
    public void Item1And7_NonFiniteMakingSettings_AreLocatedProblems(string file, string from, string to, string field, string limit)
    {
        Replace(file, from, to);
        var p = Single();
        Assert.That((p.File, p.Field), Is.EqualTo((file, field)));
        Assert.That(p.Line, Is.Not.Null, "a settings problem carries the line of its property");
        Assert.That(p.Message, Does.Contain(limit));
    }

    [Test]
    public void Item1_FlowAmountBeyondTheMagnitudeLimit_IsLocatedOnItsCell()
    {
        ReplaceLine("flows.csv", 2, l => l.Replace("135300.0", "1e308", StringComparison.Ordinal));
        var p = Single();
        Assert.That((p.File, p.Line, p.Column, p.Field), Is.EqualTo(("flows.csv", (int?)2, (int?)8, "amount")));
        Assert.That(p.Message, Does.Contain("ModelLimits.MaxAbsoluteValue"));
    }

    [Test]
    public void Item1_Builder_RejectsAmountsBeyondTheMagnitudeLimit()
    {
        var account = new Account(Payer.Municipality, Sector.SocialServices, FlowKind.ResourceCost);
        var e = Assert.Throws<ModelValidationException>(() => new LifeCourseModelBuilder("big")
            .AddState("A").AddState("D", absorbing: true).AddPayers(Payer.Municipality).AddSectors(Sector.SocialServices)
            .Probability("A", "D", 0.1).Remainder("A", "A")
            .StateFlow("A", account, 1e300)
            .WithPopulation(Population.StartingIn(20, "A"))
            .Build())!;
        Assert.That(e.Problems.Single().Message, Does.Contain("ModelLimits.MaxAbsoluteValue"));
    }

    // Item 4: the right exception type, located.
    [Test]
    public void Item4_Windows1252Manifest_IsOneProblemWithTheByteOffset()
    {
        var bytes = File.ReadAllBytes(PathOf("scenario.json"));
        var text = Encoding.UTF8.GetString(bytes).Replace("\"name\": \"Norwegian", "\"name\": \"B\u00e6rum", StringComparison.Ordinal);
        File.WriteAllBytes(PathOf("scenario.json"), Encoding.Latin1.GetBytes(text));
        var p = Single();
        Assert.That((p.File, p.Line, p.Column), Is.EqualTo(("scenario.json", (int?)2, (int?)13)));
        Assert.That(p.Message, Does.Contain("0xE6 at offset 14").And.Contain("not valid UTF-8"));
    }

    [Test]
    public void Item4_NegativeTaxFinancingCost_IsALocatedProblemNotAnArgumentException()
    {
        Replace("scenario.json", "\"taxFinancingCost\": 0.2", "\"taxFinancingCost\": -0.2");
        var p = Single();
        Assert.That((p.File, p.Line, p.Column, p.Field), Is.EqualTo(("scenario.json", (int?)11, (int?)3, "taxFinancingCost")));
        Assert.That(p.Message, Does.Contain("-0.2"));
    }

    [Test]
    public void Item4_NegativeOddsRatio_IsLocatedOnTheEffectsRow()
    {
        ReplaceLine("effects.csv", 5, l => l.Replace(",or,,ips_or_work,", ",or,-3,,", StringComparison.Ordinal));
        var p = Single();
        Assert.That((p.File, p.Line, p.Field), Is.EqualTo(("effects.csv", (int?)5, "value")));
    }

    [Test]
    public void Item4_Builder_NegativeOddsRatio_IsAValidationProblemNotAnArgumentException()
    {
        var ips = Intervention.Create("ips").EligibleIn("A").AffectTransition("A", "D", EffectMeasure.OddsRatio, -3).Build();
        var e = Assert.Throws<ModelValidationException>(() => new LifeCourseModelBuilder("or")
            .AddState("A").AddState("D", absorbing: true)
            .Probability("A", "D", 0.1).Remainder("A", "A")
            .AddStrategy(Strategy.BusinessAsUsual).AddStrategy(new Strategy("S", ips))
            .WithPopulation(Population.StartingIn(20, "A"))
            .Build())!;
        Assert.That(e.Problems.Single().Subject, Does.Contain("strategy 'S'"));
        Assert.That(e.Problems.Single().Message, Does.Not.Contain("(Parameter"));
    }

    // Item 5: payer hierarchy acyclic, in payers.csv and in the builder.
    [Test]
    public void Item5_PayerParentLoop_IsRejected()
    {
        Replace("payers.csv", "municipality,true,,", "municipality,true,county,");
        Replace("payers.csv", "county,true,,", "county,true,municipality,");
        var p = Single();
        Assert.That((p.File, p.Line, p.Field), Is.EqualTo(("payers.csv", (int?)2, "parent")));
        Assert.That(p.Message, Does.Contain("municipality → county → municipality"));
    }

    [Test]
    public void Item5_PayerItsOwnParent_IsRejected()
    {
        Replace("payers.csv", "municipality,true,,", "municipality,true,municipality,");
        Assert.That(Single().Message, Does.Contain("its own parent"));
    }

    [Test]
    public void Item5_Builder_RejectsPayerLoops()
    {
        var e = Assert.Throws<ModelValidationException>(() => new LifeCourseModelBuilder("loop")
            .AddState("A").AddState("D", absorbing: true)
            .AddPayers(new Payer("a", true, "b"), new Payer("b", true, "c"), new Payer("c", true, "a"), new Payer("self", true, "self"))
            .Probability("A", "D", 0.1).Remainder("A", "A")
            .WithPopulation(Population.StartingIn(20, "A"))
            .Build())!;
        Assert.That(e.Problems.Select(p => p.Message), Has.Exactly(1).Contain("a → b → c → a").And.Exactly(1).Contain("its own parent"));
    }

    // Item 6: a byte order mark on scenario.json is accepted.
    [Test]
    public void Item6_ManifestWithByteOrderMark_IsRead()
    {
        var bytes = File.ReadAllBytes(PathOf("scenario.json"));
        File.WriteAllBytes(PathOf("scenario.json"), [0xEF, 0xBB, 0xBF, .. bytes]);
        Assert.That(ScenarioReader.Read(_dir).Settings.HorizonCycles, Is.EqualTo(68));
    }

    [Test]
    public void Item6_CsvInUtf16_IsOneProblemWithTheByteOffset()
    {
        var text = File.ReadAllText(PathOf("sectors.csv"));
        File.WriteAllBytes(PathOf("sectors.csv"), [.. Encoding.Unicode.GetPreamble(), .. Encoding.Unicode.GetBytes(text)]);
        var p = Single();
        Assert.That(p.File, Is.EqualTo("sectors.csv"));
        Assert.That(p.Message, Does.Contain("offset 0").And.Contain("not valid UTF-8"));
    }

    // Item 8: files as untrusted input.
    [Test]
    [Platform(Exclude = "Win")]
    [CancelAfter(20_000)]
    public void Item8_FifoNamedLikeATable_IsRefusedWithoutOpeningIt()
    {
        File.Delete(PathOf("states.csv"));
        using (var mk = Process.Start("mkfifo", PathOf("states.csv")))
        {
            mk.WaitForExit();
            Assume.That(mk.ExitCode, Is.Zero, "mkfifo is available");
        }

        var read = Task.Run(() => Problems());
        Assert.That(read.Wait(TimeSpan.FromSeconds(15)), Is.True, "reading must not block on a FIFO");
        var p = read.Result.Single();
        Assert.That(p.File, Is.EqualTo("states.csv"));
        Assert.That(p.Message, Does.Contain("named pipe"));
    }

    [Test]
    [Platform(Exclude = "Win")]
    public void Item8_SymlinkToDevZero_IsRefused()
    {
        File.Delete(PathOf("states.csv"));
        File.CreateSymbolicLink(PathOf("states.csv"), "/dev/zero");
        Assert.That(Single().Message, Does.Contain("symbolic link that points outside"));
    }

    [Test]
    public void Item8_SymlinkOutOfTheFolder_IsRefused_ButOneInsideIsRead()
    {
        var outside = Path.Combine(Path.GetTempPath(), $"socinv-outside-{Guid.NewGuid():N}.csv");
        File.Move(PathOf("sectors.csv"), outside);
        try
        {
            File.CreateSymbolicLink(PathOf("sectors.csv"), outside);
            Assert.That(Single().Message, Does.Contain("outside the scenario folder"));
            File.Delete(PathOf("sectors.csv"));
            File.Copy(outside, PathOf("real-sectors.csv"));
            File.CreateSymbolicLink(PathOf("sectors.csv"), "real-sectors.csv");
            Assert.That(ScenarioReader.Read(_dir).Sectors, Is.Not.Empty);
        }
        finally
        {
            File.Delete(outside);
        }
    }

    [Test]
    public void Item8_FileBeyondTheSizeCap_IsRefusedBeforeReading()
    {
        var limits = ScenarioLimits.Default with { MaxFileBytes = 4096 };
        var size = new FileInfo(PathOf("flows.csv")).Length;
        Assume.That(size, Is.GreaterThan(4096));
        var p = Problems(limits).Single(x => x.File == "flows.csv");
        Assert.That(p.Message, Does.Contain("ScenarioLimits.MaxFileBytes").And.Contain("4,096"));
    }

    [Test]
    public void Item8_FileThatGrowsBeyondTheCapWhileRead_IsAProblemNotAnIOException()
    {
        // A file checked at 4 KiB that then delivers more bytes (a file appended to while read).
        var files = Directory.GetFiles(_dir).ToDictionary(f => Path.GetFileName(f), File.ReadAllBytes, StringComparer.Ordinal);
        var e = Assert.Throws<ScenarioFormatException>(() => ScenarioReader.ReadFrom(name => files.TryGetValue(name, out var b)
            ? new OpenedFile(name == "flows.csv" ? new BoundedStream(new MemoryStream(b), 4096) : new MemoryStream(b), false, null)
            : new OpenedFile(null, true, null)))!;
        var p = e.Problems.Single(x => x.File == "flows.csv");
        Assert.That(p.Message, Does.Contain("ScenarioLimits.MaxFileBytes"));
    }

    [Test]
    public void Item8_MillionBadRows_KeepTheFirstProblemsAndCountTheRest_InBoundedMemory()
    {
        var header = File.ReadLines(PathOf("flows.csv")).First(l => !l.StartsWith('#'));
        using (var w = new StreamWriter(PathOf("flows.csv")))
        {
            w.WriteLine(header);
            for (var i = 0; i < 200_000; i++)
            {
                w.WriteLine("school,,municipality,education,resource,,16,abc,,2021,,x");
            }
        }

        var limits = ScenarioLimits.Default with { MaxRowsPerTable = 150_000 };
        var e = Assert.Throws<ScenarioFormatException>(() => ScenarioReader.Read(_dir, limits))!;
        Assert.That(e.Problems, Has.Count.EqualTo(limits.MaxProblems + 1), "the first MaxProblems problems and the row-limit breach");
        Assert.That(e.Problems.Select(p => p.Message), Has.Some.Contain("ScenarioLimits.MaxRowsPerTable"));
        Assert.That(e.OmittedCount, Is.EqualTo(150_000 - limits.MaxProblems));
        Assert.That(e.Message, Does.Contain("more (only the first"));
        Assert.That(e.Message.Length, Is.LessThan(400_000), "the message lists the kept problems only");
    }

    [Test]
    public void Item8_LargeTable_IsStreamed_ReadingStopsAtTheRowLimit()
    {
        // About 40 MB of parameters, refused at the 20 000th row: a streaming reader reads and
        // allocates by the rows it has read, not the file (the old reader held the whole file, a
        // UTF-16 copy and every field before looking at a row: more than 3× the file).
        var path = PathOf("parameters.csv");
        var original = File.ReadAllText(path);
        using (var w = new StreamWriter(path, append: false))
        {
            w.Write(original);
            for (var i = 0; i < 1_000_000; i++)
            {
                w.Write("extra_parameter_");
                w.Write(i);
                w.WriteLine(",0.5,,,an unused parameter");
            }
        }

        var size = new FileInfo(path).Length;
        var limits = ScenarioLimits.Default with { MaxRowsPerTable = 20_000 };
        var before = GC.GetTotalAllocatedBytes(precise: true);
        var p = Problems(limits).Single(x => x.File == "parameters.csv");
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
        Assert.That(p.Message, Does.Contain("ScenarioLimits.MaxRowsPerTable"));
        Assert.That(p.Line, Is.GreaterThan(20_000));
        TestContext.Out.WriteLine($"table {size / 1e6:F1} MB; allocated while reading {allocated / 1e6:F1} MB");
        Assert.That(allocated, Is.LessThan(size / 2), "bytes allocated: bounded by the rows read, far below the file size");
    }

    // Item 10: duplicate keys and start ages.
    [Test]
    public void Item10_DuplicateManifestKey_IsRejectedWithItsPosition()
    {
        Replace("scenario.json", "\"horizonCycles\": 68,", "\"horizonCycles\": 68, \"horizonCycles\": 5,");
        var p = Single();
        Assert.That((p.File, p.Line, p.Column, p.Field), Is.EqualTo(("scenario.json", (int?)5, (int?)24, "horizonCycles")));
        Assert.That(p.Message, Does.Contain("more than once"));
    }

    [Test]
    public void Item10_DuplicateNestedKey_IsRejected()
    {
        Replace("scenario.json", "\"states\": \"states.csv\",", "\"states\": \"states.csv\", \"states\": \"states.csv\",");
        var p = Single();
        Assert.That((p.File, p.Field), Is.EqualTo(("scenario.json", "tables.states")));
        Assert.That(p.Message, Does.Contain("more than once"));
    }

    [TestCase("-5")]
    [TestCase("200")]
    public void Item10_StartAgeOutsideTheModelsRange_IsLocated(string age)
    {
        ReplaceLine("population.csv", 2, l => l.Replace("school,12,", $"school,{age},", StringComparison.Ordinal));
        var p = Single();
        Assert.That((p.File, p.Line, p.Field), Is.EqualTo(("population.csv", (int?)2, "start_age")));
        Assert.That(p.Message, Does.Contain("ModelLimits.MinStartAge"));
    }

    // Item 12: messages.
    [TestCase("\"costDiscounting\": \"norway\"", "\"costDiscounting\": \"constant:-1\"", "costDiscounting")]
    [TestCase("\"counting\": \"half-cycle\"", "\"counting\": \"bogus\"", "counting")]
    [TestCase("\"horizonCycles\": 68", "\"horizonCycles\": -1", "horizonCycles")]
    [TestCase("\"comparator\": \"Business as usual\"", "\"comparator\": \"nope\"", "comparator")]
    [TestCase("\"municipality\",", "\"kommunen\",", "perspectives")]
    [TestCase("\"populationSize\": 1000", "\"populationSize\": 0", "populationSize")]
    [TestCase("\"cycleLengthYears\": 1,", "\"cycleLengthYears\": 0,", "cycleLengthYears")]
    public void Item12_SettingsProblems_HaveLineAndColumn_AndNoDotNetText(string from, string to, string field)
    {
        Replace("scenario.json", from, to);
        var p = Single();
        Assert.That((p.File, p.Field), Is.EqualTo(("scenario.json", field)));
        Assert.That(p.Line, Is.Not.Null);
        Assert.That(p.Column, Is.Not.Null);
        Assert.That(p.Message, Does.Not.Contain("(Parameter").And.Not.Contain("Actual value was"));
    }

    [Test]
    public void Item12_EffectValueProblem_IsReportedOnTheEffectsRow()
    {
        ReplaceLine("effects.csv", 2, l => l.Replace(",rr,,family_rr_placement,", ",rr,1000,,", StringComparison.Ordinal));
        var problems = Problems();
        Assert.That(problems.Select(p => (p.File, p.Line)), Has.All.EqualTo(("effects.csv", (int?)2)));
    }

    [Test]
    public void Item12_AllZeroPopulationWeights_NamePopulationCsv()
    {
        var lines = File.ReadAllLines(PathOf("population.csv"));
        for (var i = 1; i < lines.Length; i++)
        {
            var parts = lines[i].Split(',', 4);
            parts[2] = "0";
            lines[i] = string.Join(',', parts);
        }

        File.WriteAllLines(PathOf("population.csv"), lines);
        var p = Single();
        Assert.That((p.File, p.Field), Is.EqualTo(("population.csv", "weight")));
    }

    [Test]
    public void Item12_MissingTransitions_GivesTheRealErrorOnly()
    {
        File.Delete(PathOf("transitions.csv"));
        var p = Single();
        Assert.That(p.File, Is.EqualTo("transitions.csv"));
        Assert.That(p.Message, Does.Contain("missing"));
    }

    // Issue 7: semicolon-separated tables with a decimal comma.
    [Test]
    public void Semicolon_DeclaredFormat_IsReadAndRoundTrips()
    {
        var expected = ScenarioReader.Read(_dir);
        var semi = Directory.CreateTempSubdirectory("socinv-semi-").FullName;
        try
        {
            var declared = expected with { Settings = expected.Settings with { CsvDelimiter = ';', DecimalSeparator = ',' } };
            ScenarioWriter.Write(declared, semi);
            Assert.That(File.ReadAllText(Path.Combine(semi, "scenario.json")), Does.Contain("\"delimiter\": \";\""));
            var header = File.ReadLines(Path.Combine(semi, "parameters.csv")).First();
            Assert.That(header, Does.StartWith("name;value;"));
            Assert.That(File.ReadAllText(Path.Combine(semi, "parameters.csv")), Does.Contain(";0,75;"), "numbers with a decimal comma");
            var back = ScenarioReader.Read(semi);
            Assert.That(back, Is.EqualTo(declared));
        }
        finally
        {
            Directory.Delete(semi, recursive: true);
        }
    }

    [Test]
    public void Semicolon_DetectedFromHeader_AcceptsDecimalComma()
    {
        // year;index;source with a decimal comma, as Excel in a Norwegian locale saves it.
        var rows = ScenarioReader.Read(_dir).PriceIndex;
        var lines = new List<string> { "year;index;source" };
        lines.AddRange(rows.Select(r => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{r.Year};{r.Index.ToString("R", System.Globalization.CultureInfo.InvariantCulture).Replace('.', ',')};\"{r.Source?.Replace("\"", "\"\"", StringComparison.Ordinal)}\"")));
        File.WriteAllLines(PathOf("price_index.csv"), lines);
        var s = ScenarioReader.Read(_dir);
        Assert.That(s.PriceIndex.First(r => r.Year == 2007).Index, Is.EqualTo(84.87));
        Assert.That(s.PriceIndex, Is.EqualTo(rows));
    }

    [Test]
    public void Semicolon_DecimalCommaInACommaFile_StaysAnError()
    {
        ReplaceLine("price_index.csv", 3, l => l.Replace("84.87", "\"84,87\"", StringComparison.Ordinal));
        var p = Single();
        Assert.That((p.File, p.Line, p.Field), Is.EqualTo(("price_index.csv", (int?)3, "index")));
        Assert.That(p.Message, Does.Contain("decimal comma"));
    }

    [Test]
    public void Semicolon_DecimalCommaWithCommaDelimiter_CannotBeDeclared()
    {
        Replace("scenario.json", "\"tables\": {", "\"csv\": {\"delimiter\": \",\", \"decimalSeparator\": \",\"},\n  \"tables\": {");
        var p = Single();
        Assert.That(p.Field, Is.EqualTo("csv.decimalSeparator"));
    }
}
