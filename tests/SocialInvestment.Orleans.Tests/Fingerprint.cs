using SocialInvestment.Engine;
using SocialInvestment.Households;

namespace SocialInvestment.Orleans.Tests;

/// <summary>Every number a microsimulation or household comparison reports, as IEEE bits, so that two runs can be compared bit for bit.</summary>
internal static class Fingerprint
{
    public static long[] Of(MicrosimComparison c)
    {
        var bits = new List<long> { c.People };
        for (var k = 0; k < c.Results.Count; k++)
        {
            var r = c.Results[k];
            foreach (var p in r.Perspectives)
            {
                Add(bits, r.CostPerPerson(p));
                Add(bits, r.TotalCost(p));
                if (k > 0)
                {
                    Add(bits, c.IncrementalCost(k, p));
                }
            }

            foreach (var o in r.Outcomes)
            {
                Add(bits, r.OutcomePerPerson(o));
            }

            for (var t = 0; t <= r.Cycles; t++)
            {
                foreach (var x in r.TraceRow(t))
                {
                    bits.Add(BitConverter.DoubleToInt64Bits(x));
                }
            }
        }

        return [.. bits];
    }

    // Every number of a household comparison, as IEEE bits: per household and total, every strategy, perspective, outcome, account, trace point and share.
    public static long[] Of(HouseholdComparison c)
    {
        var bits = new List<long> { c.Households };
        var d = c.Run.Definition;
        for (var k = 0; k < c.Results.Count; k++)
        {
            var r = c.Results[k];
            bits.Add(r.Households);
            foreach (var p in r.Perspectives)
            {
                Add(bits, r.CostPerHousehold(p));
                Add(bits, r.NetPositionPerHousehold(p));
                Add(bits, r.Totals.TotalCost(p));
                Add(bits, r.Totals.TotalCost(p, discounted: false));
                if (k > 0)
                {
                    Add(bits, c.IncrementalCost(k, p));
                }
            }

            foreach (var o in r.Totals.Outcomes)
            {
                Add(bits, r.OutcomePerHousehold(o));
                Add(bits, r.Totals.TotalOutcome(o));
                if (k > 0)
                {
                    Add(bits, c.IncrementalOutcome(k, o));
                }
            }

            for (var a = 0; a < r.Totals.Accounts.Count; a++)
            {
                Add(bits, r.Totals.TotalFlow(a, null, discounted: true));
                Add(bits, r.Totals.TotalFlow(a, null, discounted: false));
            }

            for (var t = 0; t <= r.Totals.Cycles; t++)
            {
                foreach (var x in r.Totals.TraceRow(t))
                {
                    Add(bits, x);
                }

                Add(bits, r.ShareDissolved(t));
                Add(bits, r.MembersPresent(t));
            }

            foreach (var role in d.Roles)
            {
                foreach (var s in r.Totals.States)
                {
                    Add(bits, r.ShareEverIn(role.Name, s.Name));
                }
            }
        }

        Assert.That(bits, Has.Count.GreaterThan(100), "the fingerprint should hold many numbers");
        return [.. bits];
    }

    /// <summary>Doubles as IEEE bits, for comparing them bit for bit.</summary>
    public static long[] Bits(IEnumerable<double> values) => [.. values.Select(BitConverter.DoubleToInt64Bits)];

    private static void Add(List<long> bits, MonteCarloEstimate e)
    {
        bits.Add(BitConverter.DoubleToInt64Bits(e.Mean));
        bits.Add(BitConverter.DoubleToInt64Bits(e.StandardError));
        bits.Add(e.Count);
    }

    private static void Add(List<long> bits, double x) => bits.Add(BitConverter.DoubleToInt64Bits(x));
}
