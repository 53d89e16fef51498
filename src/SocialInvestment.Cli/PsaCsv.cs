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
/// draw) — one sequential pass over the scratch file per strategy and perspective; the drawn parameter
/// values are formatted once, in the first pass, and read back as text from a second scratch file in
/// the others — and deletes the scratch files, which <see cref="Dispose"/> also does if the run fails.
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

        var uncertain = psa.Specification.UncertainParameters.Select(p => p.Index).ToArray();
        AtomicFile.Write(Path.Combine(_directory, PsaCsv.FileName), target =>
        {
            // The bytes of PsaCsv.WriteTo (UTF-8 without a byte order mark, '\n' line ends), formatted
            // straight into one reused buffer: no string per number or per row.
            var output = new Utf8Rows(target);
            var suffix = new byte[uncertain.Length * (1 + CsvNumber.MaxUtf8Length)];
            var length = new byte[sizeof(int)];
            using var parameters = uncertain.Length == 0 || _blocks < 2
                ? null
                : new FileStream(_scratch + ".values", FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 16, FileOptions.DeleteOnClose);
            output.Text(PsaCsv.Header(psa));
            output.Byte((byte)'\n');
            var block = 0;
            for (var s = 0; s < psa.Strategies.Count; s++)
            {
                if (s == psa.ComparatorIndex)
                {
                    continue;
                }

                var strategy = Encoding.UTF8.GetBytes(PsaCsv.Quote(psa.Strategies[s].Name));
                foreach (var perspective in psa.Perspectives)
                {
                    var name = Encoding.UTF8.GetBytes(PsaCsv.Quote(perspective.Name));
                    _stream!.Position = 0;
                    if (parameters is not null)
                    {
                        parameters.Position = 0;
                    }

                    var values = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, double>(_record.AsSpan());
                    for (var k = 0; k < Draws; k++)
                    {
                        _stream.ReadExactly(_record);
                        output.Integer(k);
                        output.Byte((byte)',');
                        output.Bytes(strategy);
                        output.Byte((byte)',');
                        output.Bytes(name);
                        output.Byte((byte)',');
                        output.Number(values[2 * block]);
                        output.Byte((byte)',');
                        output.Number(values[(2 * block) + 1]);
                        if (block == 0)
                        {
                            // The drawn values are the same in every block: formatted once, in the first,
                            // and kept in a scratch file (so memory does not grow with the draws).
                            var n = 0;
                            foreach (var p in uncertain)
                            {
                                suffix[n++] = (byte)',';
                                n += CsvNumber.FormatUtf8(values[(2 * _blocks) + p], suffix.AsSpan(n));
                            }

                            BitConverter.TryWriteBytes(length, n);
                            parameters?.Write(length);
                            parameters?.Write(suffix, 0, n);
                            output.Bytes(suffix.AsSpan(0, n));
                        }
                        else if (parameters is not null)
                        {
                            parameters.ReadExactly(length);
                            var n = BitConverter.ToInt32(length);
                            parameters.ReadExactly(suffix, 0, n);
                            output.Bytes(suffix.AsSpan(0, n));
                        }

                        output.Byte((byte)'\n');
                    }

                    block++;
                }
            }

            output.Flush();
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

/// <summary>
/// Rows of a CSV file written as UTF-8 bytes into one reused 64 KB buffer (flushed to the stream when
/// full): numbers as <see cref="CsvNumber.FormatUtf8"/> writes them, integers invariant, text encoded
/// as UTF-8 without a byte order mark — the bytes a <see cref="StreamWriter"/> with
/// <c>new UTF8Encoding(false)</c> writes for the same strings.
/// </summary>
internal sealed class Utf8Rows(Stream stream)
{
    private readonly byte[] _buffer = new byte[1 << 16];
    private int _used;

    /// <summary>One byte (ASCII).</summary>
    public void Byte(byte b)
    {
        if (_used == _buffer.Length)
        {
            Flush();
        }

        _buffer[_used++] = b;
    }

    /// <summary>Bytes as they are.</summary>
    public void Bytes(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length > _buffer.Length - _used)
        {
            Flush();
            if (bytes.Length > _buffer.Length)
            {
                stream.Write(bytes);
                return;
            }
        }

        bytes.CopyTo(_buffer.AsSpan(_used));
        _used += bytes.Length;
    }

    /// <summary>Text, UTF-8 encoded.</summary>
    public void Text(string text) => Bytes(Encoding.UTF8.GetBytes(text));

    /// <summary>A number field (<see cref="CsvNumber.FormatUtf8"/>).</summary>
    public void Number(double value)
    {
        Reserve(CsvNumber.MaxUtf8Length);
        _used += CsvNumber.FormatUtf8(value, _buffer.AsSpan(_used));
    }

    /// <summary>An integer, invariant (as <c>k.ToString(CultureInfo.InvariantCulture)</c>).</summary>
    public void Integer(int value)
    {
        Reserve(16);
        if (!value.TryFormat(_buffer.AsSpan(_used), out var written, default, CultureInfo.InvariantCulture))
        {
            throw new InvalidOperationException("An integer did not fit 16 bytes.");
        }

        _used += written;
    }

    /// <summary>Writes the buffered bytes to the stream.</summary>
    public void Flush()
    {
        stream.Write(_buffer, 0, _used);
        _used = 0;
    }

    private void Reserve(int bytes)
    {
        if (_buffer.Length - _used < bytes)
        {
            Flush();
        }
    }
}
