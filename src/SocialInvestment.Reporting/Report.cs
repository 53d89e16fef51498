using System.Net;
using System.Text;
using SocialInvestment.IO;

namespace SocialInvestment.Reporting;

/// <summary>One chart of a report: its PNG image and the file name it is written under.</summary>
public sealed class ReportChart
{
    private Func<byte[]>? _render;
    private byte[]? _png;

    /// <summary>A chart drawn later: <see cref="Report"/>'s constructor calls <paramref name="render"/> (charts of one report in parallel, <see cref="ReportOptions.Threads"/>).</summary>
    internal ReportChart(string title, string caption, string fileName, Func<byte[]> render)
    {
        Title = title;
        Caption = caption;
        FileName = fileName;
        _render = render;
    }

    /// <summary>Title (used as the image's alternative text).</summary>
    public string Title { get; }

    /// <summary>One sentence saying how to read the chart.</summary>
    public string Caption { get; }

    /// <summary>File name (no folder) under which the Markdown report expects the PNG beside it.</summary>
    public string FileName { get; }

    /// <summary>The encoded PNG image.</summary>
    public ReadOnlyMemory<byte> Png => _png ?? throw new InvalidOperationException("The chart has not been drawn: a report draws its charts when it is built.");

    private bool IsPending => _png is null;

    private void Draw()
    {
        _png = _render!();
        _render = null;
    }

    /// <summary>
    /// Draws the charts not drawn yet, at most <paramref name="threads"/> at once (the convention of
    /// <see cref="ReportOptions.Threads"/>). Each chart is drawn from its own plot, so the images do
    /// not depend on the thread count. The error of the first chart that fails (in report order) is rethrown as itself.
    /// </summary>
    internal static void DrawAll(IReadOnlyList<ReportChart> charts, int threads)
    {
        var pending = charts.Where(c => c.IsPending).ToArray();
        var parallel = threads == 0 ? Environment.ProcessorCount : threads;
        if (pending.Length <= 1 || parallel <= 1)
        {
            foreach (var chart in pending)
            {
                chart.Draw();
            }

            return;
        }

        // Every chart is attempted; the error of the first failing one (in report order) is rethrown as itself.
        var errors = new Exception?[pending.Length];
        Parallel.For(0, pending.Length, new ParallelOptions { MaxDegreeOfParallelism = parallel }, i =>
        {
            try
            {
                pending[i].Draw();
            }
            catch (Exception e)
            {
                errors[i] = e;
            }
        });
        if (errors.FirstOrDefault(e => e is not null) is { } first)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(first).Throw();
        }
    }
}

/// <summary>
/// A built report: headings, paragraphs, tables and charts, rendered on demand as a self-contained
/// HTML page (charts embedded as base64 <c>data:image/png</c> URIs) or as Markdown (charts
/// referenced as PNG files beside it). Immutable.
/// </summary>
public sealed class Report
{
    private readonly IReadOnlyList<Block> _blocks;

    private readonly string _lang;

    internal Report(string title, IReadOnlyList<Block> blocks, string lang = "en", int threads = 1)
    {
        Title = title;
        _lang = lang;
        _blocks = blocks;
        var charts = blocks.OfType<ChartBlock>().Select(b => b.Chart).ToArray();
        ReportChart.DrawAll(charts, threads);
        Charts = charts;
    }

    /// <summary>The report's title.</summary>
    public string Title { get; }

    /// <summary>Every chart, in the order they appear.</summary>
    public IReadOnlyList<ReportChart> Charts { get; }

    /// <summary>
    /// The report as one self-contained HTML5 page (UTF-8, inline CSS, images as data URIs). Each
    /// section heading (h2) is preceded by an anchor <c>&lt;a id="…" class="section"&gt;</c>
    /// (settings, summary, who-invests, what-changes, uncertainty, assumptions, baseline,
    /// conventions) for links; numeric table cells have the class <c>num</c> and never wrap.
    /// </summary>
    public string ToHtml()
    {
        var sb = new StringBuilder();
        sb.Append("<!DOCTYPE html>\n<html lang=\"").Append(_lang).Append("\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
        sb.Append("<title>").Append(WebUtility.HtmlEncode(Title)).Append("</title>\n<style>\n");
        sb.Append("body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#222;line-height:1.45}\n");
        sb.Append("table{border-collapse:collapse;margin:1em 0;font-size:0.88em}th,td{border:1px solid #ccc;padding:0.3em 0.5em;vertical-align:top}th{background:#f2f2f2;vertical-align:bottom;font-weight:600}\n");
        sb.Append(".num{text-align:right;font-variant-numeric:tabular-nums}td.num{white-space:nowrap}.notes p{margin:0.2em 0;font-size:0.85em;color:#444}\n");
        sb.Append(".warning{border-left:5px solid #d9822b;background:#fff6ea;padding:0.6em 0.9em}.table-wrap{overflow-x:auto}\n");
        sb.Append("figure{margin:1.5em 0}figure img{max-width:100%;border:1px solid #ddd}\n");
        sb.Append("figcaption{font-size:0.9em;color:#555}footer{margin-top:3em;font-size:0.85em;color:#666}\n</style>\n</head>\n<body>\n");
        foreach (var block in _blocks)
        {
            switch (block)
            {
                case HeadingBlock h:
                    if (h.Id is not null)
                    {
                        sb.Append("<a id=\"").Append(h.Id).Append("\" class=\"section\"></a>\n");
                    }

                    sb.Append(FormattableString.Invariant($"<h{h.Level}>")).Append(WebUtility.HtmlEncode(h.Text)).Append(FormattableString.Invariant($"</h{h.Level}>\n"));
                    break;
                case ParagraphBlock p:
                    sb.Append("<p>").Append(WebUtility.HtmlEncode(p.Text)).Append("</p>\n");
                    break;
                case ListBlock l:
                    sb.Append("<ul>\n");
                    foreach (var item in l.Items)
                    {
                        sb.Append("<li>").Append(WebUtility.HtmlEncode(item)).Append("</li>\n");
                    }

                    sb.Append("</ul>\n");
                    break;
                case TableBlock t:
                    sb.Append("<div class=\"table-wrap\">\n").Append(t.Table.ToHtml()).Append("</div>\n");
                    break;
                case WarningBlock w:
                    sb.Append("<p class=\"warning\" role=\"note\">⚠ ").Append(WebUtility.HtmlEncode(w.Text)).Append("</p>\n");
                    break;
                case ChartBlock c:
                    sb.Append("<figure>\n<img alt=\"").Append(WebUtility.HtmlEncode(c.Chart.Title)).Append("\" src=\"data:image/png;base64,")
                        .Append(Convert.ToBase64String(c.Chart.Png.Span)).Append("\">\n<figcaption>")
                        .Append(WebUtility.HtmlEncode(c.Chart.Caption)).Append("</figcaption>\n</figure>\n");
                    break;
                case FooterBlock f:
                    sb.Append("<footer>").Append(WebUtility.HtmlEncode(f.Text)).Append("</footer>\n");
                    break;
            }
        }

        sb.Append("</body>\n</html>\n");
        return sb.ToString();
    }

    /// <summary>The report as Markdown (CommonMark with pipe tables); charts are image links to <see cref="ReportChart.FileName"/> in the same folder.</summary>
    public string ToMarkdown()
    {
        var sb = new StringBuilder();
        foreach (var block in _blocks)
        {
            switch (block)
            {
                case HeadingBlock h:
                    sb.Append(new string('#', h.Level)).Append(' ').Append(h.Text).Append("\n\n");
                    break;
                case ParagraphBlock p:
                    sb.Append(p.Text).Append("\n\n");
                    break;
                case ListBlock l:
                    foreach (var item in l.Items)
                    {
                        sb.Append("- ").Append(item).Append('\n');
                    }

                    sb.Append('\n');
                    break;
                case TableBlock t:
                    sb.Append(t.Table.ToMarkdown()).Append('\n');
                    break;
                case WarningBlock w:
                    sb.Append("> ⚠ ").Append(w.Text).Append("\n\n");
                    break;
                case ChartBlock c:
                    sb.Append("![").Append(c.Chart.Title).Append("](").Append(c.Chart.FileName).Append(")\n\n*").Append(c.Chart.Caption).Append("*\n\n");
                    break;
                case FooterBlock f:
                    sb.Append("---\n\n").Append(f.Text).Append('\n');
                    break;
            }
        }

        return sb.ToString();
    }

    /// <summary>
    /// Writes <c>{baseName}.html</c>, <c>{baseName}.md</c> and every chart's PNG into a folder
    /// (created if missing). Each file is written to a temporary file in the folder and then moved
    /// into place, so an interrupted write never leaves a half-written file; existing files are replaced.
    /// </summary>
    /// <param name="directory">Target folder.</param>
    /// <param name="baseName">File name stem of the HTML and Markdown files. Default "report".</param>
    /// <returns>The full paths written, HTML first, then Markdown, then the PNGs.</returns>
    /// <exception cref="IOException">A file could not be written.</exception>
    public IReadOnlyList<string> WriteTo(string directory, string baseName = "report")
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        ArgumentException.ThrowIfNullOrWhiteSpace(baseName);
        var dir = Path.GetFullPath(directory);
        Directory.CreateDirectory(dir);
        var written = new List<string>();
        foreach (var chart in Charts)
        {
            var path = Path.Combine(dir, chart.FileName);
            AtomicFile.WriteAllBytes(path, chart.Png);
            written.Add(path);
        }

        var md = Path.Combine(dir, baseName + ".md");
        AtomicFile.WriteAllText(md, ToMarkdown());
        written.Insert(0, md);
        var html = Path.Combine(dir, baseName + ".html");
        AtomicFile.WriteAllText(html, ToHtml());
        written.Insert(0, html);
        return written;
    }
}

/// <summary>A piece of a report.</summary>
internal abstract record Block;

internal sealed record HeadingBlock(int Level, string Text, string? Id = null) : Block;

internal sealed record WarningBlock(string Text) : Block;

internal sealed record ParagraphBlock(string Text) : Block;

internal sealed record ListBlock(IReadOnlyList<string> Items) : Block;

internal sealed record TableBlock(Table Table) : Block;

internal sealed record ChartBlock(ReportChart Chart) : Block;

internal sealed record FooterBlock(string Text) : Block;
