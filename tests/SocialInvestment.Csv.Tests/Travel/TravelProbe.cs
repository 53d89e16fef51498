using System.Globalization;
using System.Text;
using SocialInvestment.Economics;
using SocialInvestment.Engine;
using SocialInvestment.Model;
using SocialInvestment.Scenarios;
using SocialInvestment.Uncertainty;

namespace SocialInvestment.Csv.Tests.Travel;

/// <summary>
/// Rebuilds a model from a scenario document and reports, as text, its hashes and the exact bits
/// of its results. Called in the test's own load context and, through reflection, in a fresh
/// collectible <see cref="System.Runtime.Loader.AssemblyLoadContext"/> holding its own copies of
/// the library, so the two reports can be compared character for character.
/// </summary>
public static class TravelProbe
{
    /// <summary>Reads the document, builds and runs the model, and reports hashes and result bits.</summary>
    /// <param name="document">The canonical scenario document.</param>
    /// <returns>One line per figure.</returns>
    public static string Report(string document)
    {
        var scenario = ScenarioDocument.FromJson(document);
        var model = scenario.BuildModel();
        var perspectives = Perspective.StandardSet(model);
        var text = new StringBuilder();
        text.Append("load context ").AppendLine(System.Runtime.Loader.AssemblyLoadContext.GetLoadContext(typeof(LifeCourseModel).Assembly)!.Name);
        text.Append("definition ").AppendLine(model.DefinitionHash?.ToString() ?? "none");
        var compiled = model.Strategies.Select(s => model.Compile(s)).ToArray();
        foreach (var c in compiled)
        {
            text.Append("compiled ").Append(c.Strategy.Name).Append(' ').AppendLine(c.ContentHash.ToString());
            var r = CohortEngine.RunCompiled(c);
            foreach (var p in perspectives)
            {
                text.Append("cohort ").Append(c.Strategy.Name).Append(' ').Append(p.Name).Append(' ').AppendLine(Bits(r.TotalCost(p)));
            }
        }

        var micro = MicrosimEngine.RunCompiled(compiled, new MicrosimOptions { People = 3_000, Seed = 9, BlockSize = 512, Threads = 1 });
        foreach (var r in micro.Results)
        {
            foreach (var p in perspectives)
            {
                var e = r.CostPerPerson(p);
                text.Append("micro ").Append(r.Strategy.Name).Append(' ').Append(p.Name).Append(' ').Append(Bits(e.Mean)).Append(' ').AppendLine(Bits(e.StandardError));
            }
        }

        // A PSA over two draw ranges, merged, and the single run: the same bits in either context.
        var spec = scenario.ToPsaSpecification(model);
        var psaOptions = new PsaOptions { Seed = 17, Threads = 1, Perspectives = perspectives, KeepDraws = false };
        var first = ProbabilisticAnalysis.RunRange(spec, psaOptions, 0, 9);
        var second = ProbabilisticAnalysis.RunRange(spec, psaOptions, 9, 7);
        text.Append("psa run key ").AppendLine(first.RunKey?.ToString() ?? "none");
        Summaries(text, "psa merged", second.Merge(first).ToResult());
        Summaries(text, "psa single", ProbabilisticAnalysis.Run(spec, psaOptions with { Draws = 16 }));
        return text.ToString();
    }

    private static void Summaries(StringBuilder text, string label, PsaResult psa)
    {
        foreach (var s in psa.Strategies)
        {
            foreach (var p in psa.Perspectives)
            {
                var m = psa.CostMoments(s, p);
                text.Append(label).Append(' ').Append(s.Name).Append(' ').Append(p.Name).Append(' ').Append(Bits(m.Mean)).Append(' ').Append(Bits(m.StandardDeviation))
                    .Append(' ').AppendLine(Bits(psa.ProbabilityPositiveNpv(s, p)));
            }
        }
    }

    private static string Bits(double x) => BitConverter.DoubleToInt64Bits(x).ToString("x16", CultureInfo.InvariantCulture);
}
