using SocialInvestment.Model;
using SocialInvestment.Tests.TestSupport;
using SocialInvestment.Uncertainty;
using SocialInvestment.Workloads;

namespace SocialInvestment.Tests.Uncertainty;

/// <summary>
/// The appraisal in lanes (all draws of a batch at once from the lane-major ledgers) against the
/// one-draw appraisal, bit for bit, on ledgers made to hit every rule of <c>Appraisal.Compare</c>:
/// a defined payback, no investment, a negative investment, an investment below the rounding
/// threshold, a NaN and an infinite flow, nothing to pay back, never paid back.
/// </summary>
public sealed class LaneAppraisalTests
{
    private enum Case
    {
        Defined,
        NoInvestment,
        NegativeInvestment,
        RoundingInvestment,
        NaNFlow,
        InfiniteFlow,
        NothingToPayBack,
        NeverPaidBack,
    }

    [Test]
    public void LaneAppraisal_IsTheOneDrawAppraisal_BitForBit_OnEveryRule()
    {
        var (model, worker) = Welfare16Lanes.Create();
        var strategies = model.Strategies;
        var (J, points) = worker.LedgerShape();
        var W = CohortDrawEvaluator.LaneCount;
        int S = strategies.Count, V = Welfare16.Perspectives.Count, O = model.Outcomes.Count, P = model.Parameters.Count;
        var cases = Enum.GetValues<Case>();
        var random = new Random(12);
        var checkedCases = new HashSet<Case>();
        for (var first = 0; first < cases.Length; first += W)
        {
            // Per strategy [t][j][lane]: base flows in channels 0..V-1, intervention costs in V..2V-1, outcomes after.
            var ledgers = new double[S][];
            var laneCase = new Case[W];
            for (var s = 0; s < S; s++)
            {
                ledgers[s] = new double[points * J * W];
            }

            for (var lane = 0; lane < W; lane++)
            {
                laneCase[lane] = first + lane < cases.Length ? cases[first + lane] : Case.Defined;
                for (var s = 0; s < S; s++)
                {
                    for (var t = 0; t < points; t++)
                    {
                        for (var j = 0; j < J; j++)
                        {
                            ledgers[s][(((t * J) + j) * W) + lane] = Value(laneCase[lane], s, t, j, V, random);
                        }
                    }
                }
            }

            var lanes = Welfare16Lanes.Buffers(model, W);
            var one = Welfare16Lanes.Buffers(model, W);
            worker.AppraiseLedgers(ledgers, lanes, one);
            Assert.Multiple(() =>
            {
                Assert.That(Bits(lanes.Costs), Is.EqualTo(Bits(one.Costs)), "costs");
                Assert.That(Bits(lanes.Outcomes), Is.EqualTo(Bits(one.Outcomes)), "outcomes");
                Assert.That(Bits(lanes.Figures), Is.EqualTo(Bits(one.Figures)), "figures");
            });

            for (var lane = 0; lane < W && first + lane < cases.Length; lane++)
            {
                // The one-draw appraisal's verdict on strategy 1 from perspective 0, so that each rule is really exercised.
                double F(PsaFigure f) => one.Figures[ProbabilisticAnalysis.FigureIndex(f, 1, 0, S, V, W) + lane];
                var c = laneCase[lane];
                var bcrDefined = c is Case.Defined or Case.NothingToPayBack or Case.NeverPaidBack;
                Assert.That(double.IsNaN(F(PsaFigure.BenefitCostRatio)), Is.EqualTo(!bcrDefined), $"{c}: BCR");
                Assert.That(double.IsNaN(F(PsaFigure.ReturnOnInvestment)), Is.EqualTo(!bcrDefined), $"{c}: ROI");
                Assert.That(double.IsNaN(F(PsaFigure.PaybackYears)), Is.EqualTo(c != Case.Defined), $"{c}: payback");
                if (c == Case.Defined)
                {
                    Assert.That(F(PsaFigure.PaybackYears), Is.EqualTo(4 * model.Options.CycleLengthYears), "paid back at the fifth trace point");
                }

                checkedCases.Add(c);
            }
        }

        Assert.That(checkedCases, Is.EquivalentTo(cases));
    }

    /// <summary>
    /// A ledger value: the comparator (strategy 0) pays 100 a point in base flows and nothing in
    /// intervention costs; the other strategies as the case needs, with a little noise everywhere so
    /// that the sums round.
    /// </summary>
    private static double Value(Case c, int s, int t, int j, int V, Random random)
    {
        var noise = random.NextDouble() * 1e-3;
        if (j >= 2 * V)
        {
            return (random.NextDouble() * 10) + 1;
        }

        var intervention = j >= V;
        if (s == 0)
        {
            return c == Case.InfiniteFlow && intervention && t == 3 ? double.PositiveInfinity : intervention ? 0 : 100 + noise;
        }

        return c switch
        {
            // Invests 50 at points 0-2 and saves 30 every point: the running net gain is back at 0 at point 4.
            Case.Defined => intervention ? (t < 3 ? 50 : 0) : 70,
            Case.NoInvestment => intervention ? 0 : 70 + noise,
            Case.NegativeInvestment => intervention ? -5 - noise : 70 + noise,
            Case.RoundingInvestment => intervention ? (t == 0 ? 1e-20 : 0) : 70 + noise,
            Case.NaNFlow => intervention ? 50 + noise : t == 2 ? double.NaN : 70 + noise,
            Case.InfiniteFlow => intervention ? 50 + noise : 70 + noise,
            Case.NothingToPayBack => intervention ? (t == 0 ? 1 + noise : 0) : 70 + noise,
            _ => intervention ? 100 + noise : 100 + noise,
        };
    }

    private static long[] Bits(double[] values) => [.. values.Select(BitConverter.DoubleToInt64Bits)];
}
