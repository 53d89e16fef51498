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
/// then moved into place. <see cref="Write"/> reads a PSA that kept its draws; the CLI streams
/// instead (<see cref="PsaCsvStream"/>), with the same bytes.
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
        var drawn = parameters.Select(p => psa.ParameterDraws(p).ToArray()).ToArray();
        writer.NewLine = "\n";
        writer.WriteLine(Header(psa));
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

    /// <summary>The header line (without the line end).</summary>
    internal static string Header(PsaResult psa) => string.Join(',', FixedColumns.Concat(psa.Specification.UncertainParameters.Select(p => Quote(p.Name))));

    internal static string Number(double v) => CsvNumber.Format(v);

    internal static string Quote(string s) =>
        s.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + s.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : s;
}

/// <summary>
/// Writes psa.csv from a PSA that streams its summaries, in memory that does not grow with the
/// draws. Use <see cref="Add"/> as the PSA's draw sink: each draw's NPV and BCR per strategy (other
/// than the comparator) and perspective, and every model parameter's drawn value, are appended as
/// binary doubles to a hidden scratch file in the output folder. <see cref="Complete"/> then writes
/// psa.csv atomically, in the order of <see cref="PsaCsv.WriteTo"/> (strategy, perspective, then
/// draw) — one sequential pass over the scratch file per strategy and perspective — and deletes the
/// scratch file, which <see cref="Dispose"/> also does if the run fails.
/// </summary>
internal sealed class PsaCsvStream : IDisposable
{
    private readonly string _directory;
    private readonly string _scratch;
    private FileStream? _stream;
    private byte[] _record = [];
    private int _blocks;
    private int _parameters;

    public PsaCsvStream(string directory)
    {
        _directory = directory;
        _scratch = Path.Combine(directory, $".{PsaCsv.FileName}.draws.{Guid.NewGuid():N}.tmp");
    }

    /// <summary>Draws appended so far.</summary>
    public long Draws { get; private set; }

    /// <summary>Appends one draw (the PSA's draw sink; draws arrive in order).</summary>
    public void Add(PsaDraw draw)
    {
        if (_stream is null)
        {
            _blocks = (draw.Strategies.Count - 1) * draw.Perspectives.Count;
            _parameters = draw.Parameters.Length;
            _record = new byte[8 * ((2 * _blocks) + _parameters)];
            _stream = new FileStream(_scratch, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 16);
        }

        if (draw.Index != Draws)
        {
            throw new InvalidOperationException($"PSA draw {draw.Index} arrived where draw {Draws} was expected.");
        }

        var values = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, double>(_record.AsSpan());
        var i = 0;
        for (var s = 0; s < draw.Strategies.Count; s++)
        {
            if (s == draw.ComparatorIndex)
            {
                continue;
            }

            for (var v = 0; v < draw.Perspectives.Count; v++)
            {
                values[i++] = draw.Value(PsaFigure.NetPresentValue, s, v);
                values[i++] = draw.Value(PsaFigure.BenefitCostRatio, s, v);
            }
        }

        draw.Parameters.CopyTo(values[i..]);
        _stream.Write(_record);
        Draws++;
    }

    /// <summary>Writes psa.csv from the scratch file (atomically) and deletes the scratch file.</summary>
    public void Complete(PsaResult psa)
    {
        if (Draws != psa.Draws)
        {
            throw new InvalidOperationException($"psa.csv: {Draws} draws were streamed, the PSA has {psa.Draws}.");
        }

        var c = CultureInfo.InvariantCulture;
        var uncertain = psa.Specification.UncertainParameters.Select(p => p.Index).ToArray();
        AtomicFile.Write(Path.Combine(_directory, PsaCsv.FileName), target =>
        {
            using var writer = new StreamWriter(target, new UTF8Encoding(false), 1 << 16, leaveOpen: true) { NewLine = "\n" };
            writer.WriteLine(PsaCsv.Header(psa));
            var line = new StringBuilder();
            var block = 0;
            for (var s = 0; s < psa.Strategies.Count; s++)
            {
                if (s == psa.ComparatorIndex)
                {
                    continue;
                }

                var strategy = PsaCsv.Quote(psa.Strategies[s].Name);
                foreach (var perspective in psa.Perspectives)
                {
                    var name = PsaCsv.Quote(perspective.Name);
                    _stream!.Position = 0;
                    var values = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, double>(_record.AsSpan());
                    for (var k = 0; k < Draws; k++)
                    {
                        _stream.ReadExactly(_record);
                        line.Clear();
                        line.Append(k.ToString(c)).Append(',').Append(strategy).Append(',').Append(name)
                            .Append(',').Append(PsaCsv.Number(values[2 * block])).Append(',').Append(PsaCsv.Number(values[(2 * block) + 1]));
                        foreach (var p in uncertain)
                        {
                            line.Append(',').Append(PsaCsv.Number(values[(2 * _blocks) + p]));
                        }

                        writer.WriteLine(line);
                    }

                    block++;
                }
            }
        });
        Dispose();
    }

    /// <summary>Closes and deletes the scratch file.</summary>
    public void Dispose()
    {
        _stream?.Dispose();
        _stream = null;
        try
        {
            File.Delete(_scratch);
        }
        catch (IOException)
        {
            // Best effort: the name starts with '.', and the staging folder is abandoned on failure.
        }
    }
}
