using System.Net;
using System.Text;

namespace SocialInvestment.Reporting;

/// <summary>A small table of already formatted cells, rendered as aligned text, Markdown or HTML.</summary>
internal sealed class Table(IReadOnlyList<string> headers, IReadOnlyList<bool> rightAligned)
{
    private readonly List<string[]> _rows = [];

    public IReadOnlyList<string> Headers { get; } = headers;

    public IReadOnlyList<string[]> Rows => _rows;

    /// <summary>Notes printed under the table (for example why a figure is undefined), each a full sentence.</summary>
    public IReadOnlyList<string> Footnotes { get; set; } = [];

    /// <summary>Which columns hold numbers (right-aligned, never wrapped).</summary>
    public IReadOnlyList<bool> Numeric => rightAligned;

    public void Add(params string[] cells)
    {
        if (cells.Length != Headers.Count)
        {
            throw new ArgumentException("Row width differs from the header.", nameof(cells));
        }

        _rows.Add(cells);
    }

    public string ToText(string indent = "")
    {
        var widths = Headers.Select((h, i) => Math.Max(h.Length, _rows.Count == 0 ? 0 : _rows.Max(r => r[i].Length))).ToArray();
        var sb = new StringBuilder();
        void Line(IReadOnlyList<string> cells)
        {
            sb.Append(indent);
            for (var i = 0; i < cells.Count; i++)
            {
                if (i > 0)
                {
                    sb.Append("  ");
                }

                sb.Append(rightAligned[i] ? cells[i].PadLeft(widths[i]) : cells[i].PadRight(widths[i]));
            }

            while (sb.Length > 0 && sb[^1] == ' ')
            {
                sb.Length--;
            }

            sb.Append('\n');
        }

        Line(Headers);
        sb.Append(indent).Append(string.Join("  ", widths.Select(w => new string('-', w)))).Append('\n');
        foreach (var r in _rows)
        {
            Line(r);
        }

        foreach (var f in Footnotes)
        {
            sb.Append(indent).Append(f).Append('\n');
        }

        return sb.ToString();
    }

    public string ToMarkdown()
    {
        var sb = new StringBuilder();
        sb.Append("| ").Append(string.Join(" | ", Headers.Select(EscapeMarkdown))).Append(" |\n");
        sb.Append('|').Append(string.Join('|', rightAligned.Select(r => r ? " ---: " : " --- "))).Append("|\n");
        foreach (var r in _rows)
        {
            sb.Append("| ").Append(string.Join(" | ", r.Select(EscapeMarkdown))).Append(" |\n");
        }

        if (Footnotes.Count > 0)
        {
            sb.Append('\n').Append(string.Join("\\\n", Footnotes.Select(EscapeMarkdown))).Append('\n');
        }

        return sb.ToString();
    }

    public string ToHtml()
    {
        var sb = new StringBuilder();
        sb.Append("<table>\n<thead><tr>");
        for (var i = 0; i < Headers.Count; i++)
        {
            sb.Append(rightAligned[i] ? "<th class=\"num\">" : "<th>").Append(WebUtility.HtmlEncode(Headers[i])).Append("</th>");
        }

        sb.Append("</tr></thead>\n<tbody>\n");
        foreach (var r in _rows)
        {
            sb.Append("<tr>");
            for (var i = 0; i < r.Length; i++)
            {
                sb.Append(rightAligned[i] ? "<td class=\"num\">" : "<td>").Append(WebUtility.HtmlEncode(r[i])).Append("</td>");
            }

            sb.Append("</tr>\n");
        }

        sb.Append("</tbody>\n</table>\n");
        if (Footnotes.Count > 0)
        {
            sb.Append("<div class=\"notes\">");
            foreach (var f in Footnotes)
            {
                sb.Append("<p>").Append(WebUtility.HtmlEncode(f)).Append("</p>");
            }

            sb.Append("</div>\n");
        }

        return sb.ToString();
    }

    private static string EscapeMarkdown(string s) => s.Replace("|", "\\|", StringComparison.Ordinal);
}
