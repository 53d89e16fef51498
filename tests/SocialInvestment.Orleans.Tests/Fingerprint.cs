using SocialInvestment.Engine;

namespace SocialInvestment.Orleans.Tests;

/// <summary>Every number a microsimulation comparison reports, as IEEE bits, so that two runs can be compared bit for bit.</summary>
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

    private static void Add(List<long> bits, MonteCarloEstimate e)
    {
        bits.Add(BitConverter.DoubleToInt64Bits(e.Mean));
        bits.Add(BitConverter.DoubleToInt64Bits(e.StandardError));
        bits.Add(e.Count);
    }

    private static void Add(List<long> bits, double x) => bits.Add(BitConverter.DoubleToInt64Bits(x));
}
