using SocialInvestment.Economics;
using SocialInvestment.Engine;
using SocialInvestment.Model;
using SocialInvestment.Tests.TestSupport;
using SocialInvestment.Workloads;

namespace SocialInvestment.Tests.Engine;

/// <summary>The compiler's stages on their own: state space, row kernel, time weights, structure and recorded parameter dependence.</summary>
public class CompilerStageTests
{
    [Test]
    public void StateSpace_ExpandsTunnels()
    {
        var model = RandomModels.Builder(1, 3, 5, tunnel: true).Build();
        var space = StateSpace.Of(model);
        Assert.Multiple(() =>
        {
            Assert.That(space.BaseOf, Is.EqualTo(new[] { 0, 0, 0, 1, 2, 3 }));
            Assert.That(space.TimeInStateOf, Is.EqualTo(new[] { 0, 1, 2, 0, 0, 0 }));
            Assert.That(space.Destination(0, 0, model), Is.EqualTo(1), "a stay moves one tunnel step");
            Assert.That(space.Destination(2, 0, model), Is.EqualTo(2), "the last tunnel step keeps who stays");
            Assert.That(space.Destination(1, 2, model), Is.EqualTo(4));
            Assert.That(space.Destination(4, 0, model), Is.EqualTo(0), "entering the tunnel starts at time in state 0");
        });
    }

    [Test]
    public void RowKernel_CompetingRisks()
    {
        // Rates 0.2 and 0.1 per year, half-year cycles: p_j = r_j/R·(1 − e^(−R/2)), stay e^(−R/2).
        var q = new double[] { 0, 0.2, 0.1 };
        TransitionRowKernel.CompetingRisks(q, 0, 0.5);
        var stay = Math.Exp(-0.15);
        Assert.Multiple(() =>
        {
            Assert.That(q[0], Is.EqualTo(stay).Within(1e-15));
            Assert.That(q[1], Is.EqualTo(2.0 / 3 * (1 - stay)).Within(1e-15));
            Assert.That(q[2], Is.EqualTo(1.0 / 3 * (1 - stay)).Within(1e-15));
        });
    }

    [Test]
    public void RowKernel_RemainderChecksAndHazardRatio()
    {
        Span<double> q = [0.25, 0.5, 0];
        TransitionRowKernel.AddRemainder(q, 2);
        Assert.That(q[2], Is.EqualTo(0.25));
        Assert.That(TransitionRowKernel.CheckAndClamp(q, out var sum), Is.EqualTo(-1));
        Assert.That(sum, Is.EqualTo(1));

        Span<double> bad = [1.1, -0.1, 0];
        Assert.That(TransitionRowKernel.CheckAndClamp(bad, out _), Is.EqualTo(0));
        Span<double> rounding = [1 + 1e-10, -1e-10];
        Assert.That(TransitionRowKernel.CheckAndClamp(rounding, out var s2), Is.EqualTo(-1), "within 1e-9 is rounding");
        Assert.That(rounding.ToArray(), Is.EqualTo(new[] { 1.0, 0.0 }));
        Assert.That(s2, Is.EqualTo(1));

        // Hazard ratio 2 on 0.2: 1 − 0.8² = 0.36, taken from the remainder.
        var row = new double[] { 0.2, 0.5, 0.3 };
        var remaining = TransitionRowKernel.ApplyHazardRatio(row, 0, 2, 2);
        Assert.Multiple(() =>
        {
            Assert.That(row[0], Is.EqualTo(0.36).Within(1e-15));
            Assert.That(row[2], Is.EqualTo(0.14).Within(1e-15));
            Assert.That(remaining, Is.EqualTo(0.14).Within(1e-15));
        });
        Span<double> over = [0.5, 0.45, 0.05];
        Assert.That(TransitionRowKernel.ApplyHazardRatio(over, 0, 2, 3), Is.EqualTo(0.05 + 0.5 - 0.875).Within(1e-15));
        Assert.That(over[2], Is.Zero, "floored at 0");
    }

    [Test]
    public void TimeWeights_HalfCycleAndDiscounting()
    {
        var options = new SimulationOptions { Cycles = 4, StateWeights = CycleWeights.HalfCycle, CostDiscounting = DiscountSchedule.Constant(0.04), OutcomeDiscounting = DiscountSchedule.None };
        var w = TimeWeights.Of(options);
        Assert.Multiple(() =>
        {
            Assert.That(w.StateWeights, Is.EqualTo(new[] { 0.5, 1, 1, 1, 0.5 }));
            Assert.That(w.CostDiscountFactors[2], Is.EqualTo(1 / (1.04 * 1.04)).Within(1e-15));
            Assert.That(w.OutcomeDiscountFactors, Is.All.EqualTo(1));
        });
    }

    [Test]
    public void Welfare16_StructureCoversEveryNonZero_AndDependenceIsWhatTheRowsRead()
    {
        var model = Welfare16.Build(UptakeMode.MeanEffect);
        var c = Welfare16.StrategyNamed(model, "C");
        var recorder = new DependenceRecorder(model);
        var compiled = ModelCompiler.Compile(model, c, model.BaseParameters, [], recorder)!;
        var plain = model.Compile(c);
        int T = compiled.Cycles, N = compiled.ExpandedStateCount, L = compiled.LedgerCount;
        var sc = compiled.Subcohorts[0];
        Assert.That(sc.P, Is.EqualTo(plain.Subcohorts[0].P), "recording does not change the values");
        for (var t = 0; t < T; t++)
        {
            for (var x = 0; x < N; x++)
            {
                for (var y = 0; y < N; y++)
                {
                    if (sc.P[(((t * N) + x) * N) + y] != 0 && !compiled.Columns[x].Contains(y))
                    {
                        Assert.Fail($"P[{t}, {x}, {y}] is not in the structure");
                    }
                }

                for (var l = 0; l < L; l++)
                {
                    if (sc.StateFlows[(((t * N) + x) * L) + l] != 0 && !compiled.Cells[x].Contains(l))
                    {
                        Assert.Fail($"F[{t}, {x}, {l}] is not in the structure");
                    }
                }
            }
        }

        var d = recorder.Result().Subcohorts[0];
        string[] Names(CompiledBlock kind, int t, string state) => [.. d.Parameters(kind, t, model.StateIndex(state)).Select(p => model.Parameters[p].Name)];
        Assert.Multiple(() =>
        {
            // CWH → FC (drawn level, family-team hazard ratio with its uptake), CWH → INST (hazard ratio): cycle 0 = age 12.
            Assert.That(Names(CompiledBlock.TransitionRow, 0, "CWH"), Is.EquivalentTo(new[] { "a_CWH_FC", "hr_A", "u_A" }));
            Assert.That(Names(CompiledBlock.TransitionRow, 0, "S"), Is.EquivalentTo(new[] { "a_S_CWH" }));
            Assert.That(Names(CompiledBlock.TransitionRow, 0, "D"), Is.Empty);
            Assert.That(Names(CompiledBlock.TransitionRow, 10, "NEET"), Is.EquivalentTo(new[] { "a_NEET_W", "hr_B_NEET", "u_B" }));
            Assert.That(Names(CompiledBlock.TransitionRow, 20, "NEET"), Is.EquivalentTo(new[] { "a_NEET_W" }), "age 32 is outside the effect's window 16–30");
            Assert.That(Names(CompiledBlock.TransitionRow, 20, "HE"), Is.Empty, "no drawn parameter in the row");
            Assert.That(Names(CompiledBlock.StateCell, 3, "FC"), Does.Contain("c_FC"));
            Assert.That(Names(CompiledBlock.StateCell, 3, "D"), Is.Empty);
        });
    }

    [Test]
    public void Dependence_SpanReadsCountAsEveryParameter()
    {
        var b = new LifeCourseModelBuilder("span");
        b.AddParameter("a", 0.1);
        b.AddParameter("b", 0.2);
        b.AddState("Alive").AddState("Dead", absorbing: true).AddPayers(RandomModels.Kommune).AddSectors(RandomModels.Services);
        b.Probability("Alive", "Dead", (in ModelContext c) => c.Parameters.AsSpan()[0]).Remainder("Alive", "Alive");
        b.WithPopulation(Population.StartingIn(50, "Alive"));
        var model = b.WithOptions(new SimulationOptions { Cycles = 2 }).Build();
        var recorder = new DependenceRecorder(model);
        ModelCompiler.Compile(model, Strategy.BusinessAsUsual, model.BaseParameters, [], recorder);
        Assert.That(recorder.Result().Subcohorts[0].Parameters(CompiledBlock.TransitionRow, 1, 0), Is.SupersetOf(new[] { 0, 1 }));
    }
}
