using SocialInvestment.Model;
using SocialInvestment.Uncertainty;
using SocialInvestment.Workloads;

namespace SocialInvestment.Tests.Uncertainty;

/// <summary>
/// The vector samplers (<see cref="RandomLanes"/>, <c>Distribution.SampleLanes</c>,
/// <see cref="PsaSpecification"/>'s lane draws) give, lane by lane, exactly the numbers of the scalar
/// samplers on the same stream, bit for bit, and leave every stream in the same state, including on
/// the rare branches (ziggurat tail and wedges, the Marsaglia–Tsang v ≤ 0 restart and logarithmic
/// test, the shape &lt; 1 boost), which thousands of rounds reach many times.
/// </summary>
public class RandomLanesTests
{
    private const int Rounds = 3_000;

    public static IEnumerable<TestCaseData> Distributions()
    {
        yield return new TestCaseData(new BetaDistribution(10, 1990)).SetArgDisplayNames("Beta(10,1990)");
        yield return new TestCaseData(new BetaDistribution(0.5, 0.7)).SetArgDisplayNames("Beta(0.5,0.7)");
        yield return new TestCaseData(new BetaDistribution(1, 1)).SetArgDisplayNames("Beta(1,1)");
        yield return new TestCaseData(new GammaDistribution(1, 3)).SetArgDisplayNames("Gamma(1,3)");
        yield return new TestCaseData(new GammaDistribution(0.3, 2)).SetArgDisplayNames("Gamma(0.3,2)");
        yield return new TestCaseData(new GammaDistribution(100, 150)).SetArgDisplayNames("Gamma(100,150)");
        yield return new TestCaseData(new LogNormalDistribution(Math.Log(10), 0.02)).SetArgDisplayNames("LogNormal(ln10,0.02)");
        yield return new TestCaseData(new NormalDistribution(-3, 2)).SetArgDisplayNames("Normal(-3,2)");
        yield return new TestCaseData(new TruncatedNormalDistribution(0, 1, -0.5, 2)).SetArgDisplayNames("TruncNormal(0,1,[-0.5,2])");
        yield return new TestCaseData(new UniformDistribution(2, 5)).SetArgDisplayNames("Uniform(2,5)");
        yield return new TestCaseData(new TriangularDistribution(0, 1, 4)).SetArgDisplayNames("Triangular(0,1,4)");
        yield return new TestCaseData(new FixedDistribution(7.5)).SetArgDisplayNames("Fixed(7.5)");
    }

    [TestCaseSource(nameof(Distributions))]
    public void SampleLanes_EveryLane_IsTheScalarSampleBitForBit(Distribution d)
    {
        foreach (var width in new[] { 1, 5, 8, 16 })
        {
            var lanes = new RandomLanes(width);
            lanes.Reset(42, 1000, width);
            var scalar = Enumerable.Range(0, lanes.Capacity).Select(l => new RandomSource(42, (ulong)(1000 + Math.Min(l, width - 1)))).ToArray();
            var values = new double[lanes.Capacity];
            for (var round = 0; round < Rounds; round++)
            {
                d.SampleLanes(lanes, values);
                for (var l = 0; l < lanes.Capacity; l++)
                {
                    var expected = d.Sample(ref scalar[l]);
                    if (BitConverter.DoubleToInt64Bits(values[l]) != BitConverter.DoubleToInt64Bits(expected))
                    {
                        Assert.Fail($"{d}, {width} lanes, round {round}, lane {l}: {values[l]:R} instead of {expected:R}");
                    }
                }
            }

            for (var l = 0; l < lanes.Capacity; l++)
            {
                var after = lanes.Get(l);
                Assert.That(after.NextUInt64(), Is.EqualTo(scalar[l].NextUInt64()), $"{d}, {width} lanes: stream {l} ends in another state");
            }
        }
    }

    [Test]
    public void RawLanes_MatchTheScalarStreams()
    {
        var lanes = new RandomLanes(8);
        lanes.Reset(3, 0, 8);
        var scalar = Enumerable.Range(0, 8).Select(l => new RandomSource(3, (ulong)l)).ToArray();
        var buffer = new double[lanes.Capacity];
        for (var round = 0; round < Rounds; round++)
        {
            switch (round % 4)
            {
                case 0:
                    lanes.NextDoubles(buffer);
                    Same(buffer, scalar.Select((_, l) => scalar[l].NextDouble()).ToArray(), round);
                    break;
                case 1:
                    lanes.NextOpenDoubles(buffer);
                    Same(buffer, scalar.Select((_, l) => scalar[l].NextOpenDouble()).ToArray(), round);
                    break;
                case 2:
                    lanes.NextNormals(buffer);
                    Same(buffer, scalar.Select((_, l) => scalar[l].NextNormal()).ToArray(), round);
                    break;
                default:
                    lanes.NextGammaCores(2.0 / 3, 1 / Math.Sqrt(6), buffer);
                    Same(buffer, scalar.Select((_, l) => scalar[l].NextGammaCore(2.0 / 3, 1 / Math.Sqrt(6))).ToArray(), round);
                    break;
            }
        }

        static void Same(double[] actual, double[] expected, int round)
        {
            for (var l = 0; l < expected.Length; l++)
            {
                Assert.That(BitConverter.DoubleToInt64Bits(actual[l]), Is.EqualTo(BitConverter.DoubleToInt64Bits(expected[l])), $"round {round}, lane {l}");
            }
        }
    }

    [Test]
    public void DrawLanes_IsDrawIntoForEveryLane_WithADirichletGroupAndPartialBatches()
    {
        var b = new LifeCourseModelBuilder("lanes");
        b.AddState("A").AddState("B", absorbing: true);
        var names = new[] { "beta", "gamma", "logn", "norm", "unif", "tri", "trunc", "fixed", "d1", "d2", "d3", "free" };
        var refs = names.Select(n => b.AddParameter(n, 0.25)).ToArray();
        b.Probability("A", "B", (in ModelContext c) => c[refs[0]]).Remainder("A", "A");
        b.WithPopulation(Population.StartingIn(0, "A"));
        var model = b.Build();
        var spec = new PsaSpecification(model)
            .With("beta", new BetaDistribution(30, 170))
            .With("gamma", new GammaDistribution(0.7, 2))
            .WithDirichlet([refs[8], refs[9], refs[10]], new DirichletDistribution([2, 0.5, 7]))
            .With("logn", new LogNormalDistribution(0, 0.5))
            .With("norm", new NormalDistribution(1, 3))
            .With("unif", new UniformDistribution(-1, 1))
            .With("tri", new TriangularDistribution(0, 0.2, 1))
            .With("trunc", new TruncatedNormalDistribution(0, 1, 0, 3))
            .With("fixed", new FixedDistribution(9));
        var lanes = new RandomLanes(8);
        var rows = Enumerable.Range(0, 8).Select(_ => model.BaseParameters.AsSpan().ToArray()).ToArray();
        var expected = model.BaseParameters.AsSpan().ToArray();
        for (var first = 0L; first < 2_000; first += 8)
        {
            var count = first % 24 == 16 ? 3 : 8;
            spec.DrawLanes(77, first, count, lanes, rows);
            for (var l = 0; l < rows.Length; l++)
            {
                spec.DrawInto(77, first + Math.Min(l, count - 1), expected);
                Assert.That(rows[l], Is.EqualTo(expected).AsCollection, $"draw {first + l}");
                Assert.That(rows[l][^1], Is.EqualTo(0.25), "a parameter without a distribution keeps its base value");
            }
        }
    }

    [Test]
    public void HomogeneousPsa_KeptDraws_AreTheKernelOnTheScalarDraws_AcrossBatchesAndChunks()
    {
        // 1,100 draws: two full chunks of 512 (batches of 64 sampled in lanes) and a partial one of 76.
        var model = Welfare4.BuildPsaModel();
        var spec = Welfare4.Specification(model);
        var kernel = HomogeneousCohortKernel.Create(model);
        var result = HomogeneousPsa.Run(spec, kernel, new PsaOptions { Draws = 1_100, Seed = 12345, Threads = 2, KeepDraws = true });
        var kept = Enumerable.Range(0, kernel.ValueCount).Select(v => result.Values(v).ToArray()).ToArray();
        for (var k = 0; k < result.Draws; k++)
        {
            var expected = kernel.Evaluate(spec.Draw(12345, k));
            for (var v = 0; v < kernel.ValueCount; v++)
            {
                Assert.That(BitConverter.DoubleToInt64Bits(kept[v][k]), Is.EqualTo(BitConverter.DoubleToInt64Bits(expected[v])), $"draw {k}, value {v}");
            }
        }
    }
}
