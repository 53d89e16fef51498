using System.Globalization;
using System.Text;
using SocialInvestment.IO;
using SocialInvestment.Uncertainty;

namespace SocialInvestment.Cli;

/// <summary>
/// Writes the per-draw results of a probabilistic sensitivity analysis as a tidy CSV: one row per
/// draw × strategy (other than the comparator) × perspective with columns <c>draw</c> (0-based
/// draw index), <c>strategy</c>, <c>perspective</c>, <c>npv</c> (NPV against the comparator,
/// present value in the scenario's currency, totals for the modelled population), <c>bcr</c>
/// (benefit–cost ratio; empty when undefined) and then one column per uncertain parameter with its
/// drawn value (the same on every row of a draw). Numbers as <see cref="CsvNumber"/> writes them (invariant,
/// round-trip, ASCII minus, whatever --culture says); RFC 4180 quoting. Written atomically: a temporary file in the same folder,
/// then moved into place.
/// </summary>
internal static class PsaCsv
{
    public const string FileName = "psa.csv";

    private static readonly string[] FixedColumns = ["draw", "strategy", "perspective", "npv", "bcr"];

    public static void Write(PsaResult psa, string directory)
        => AtomicFile.Write(Path.Combine(directory, FileName), stream =>
        {
            using var writer = new StreamWriter(stream, new UTF8Encoding(false), leaveOpen: true);
            WriteTo(psa, writer);
        });

    public static void WriteTo(PsaResult psa, TextWriter writer)
    {
        var c = CultureInfo.InvariantCulture;
        var parameters = psa.Specification.UncertainParameters;
        var drawn = parameters.Select(psa.ParameterDraws).ToArray();
        writer.NewLine = "\n";
        writer.WriteLine(string.Join(',', FixedColumns.Concat(parameters.Select(p => Quote(p.Name)))));
        var line = new StringBuilder();
        for (var s = 0; s < psa.Strategies.Count; s++)
        {
            if (s == psa.ComparatorIndex)
            {
                continue;
            }

            var strategy = psa.Strategies[s];
            foreach (var perspective in psa.Perspectives)
            {
                var npv = psa.Values(PsaFigure.NetPresentValue, strategy, perspective);
                var bcr = psa.Values(PsaFigure.BenefitCostRatio, strategy, perspective);
                for (var k = 0; k < psa.Draws; k++)
                {
                    line.Clear();
                    line.Append(k.ToString(c)).Append(',').Append(Quote(strategy.Name)).Append(',').Append(Quote(perspective.Name))
                        .Append(',').Append(Number(npv[k])).Append(',').Append(Number(bcr[k]));
                    foreach (var values in drawn)
                    {
                        line.Append(',').Append(Number(values[k]));
                    }

                    writer.WriteLine(line);
                }
            }
        }
    }

    private static string Number(double v) => CsvNumber.Format(v);

    private static string Quote(string s) =>
        s.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + s.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : s;
}
