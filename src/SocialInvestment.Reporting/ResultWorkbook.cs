using System.Globalization;
using System.IO.Compression;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;
using SocialInvestment.Economics;
using SocialInvestment.IO;
using SocialInvestment.Model;
using SocialInvestment.Uncertainty;

namespace SocialInvestment.Reporting;

/// <summary>
/// The appraisal as an Excel workbook (.xlsx, Office Open XML, written with DocumentFormat.OpenXml):
/// a sheet per table — the appraisal (strategy × perspective), who invests and who saves by payer
/// and by payer × sector, and, with a PSA, the uncertainty summary. Each sheet starts with a title
/// row stating the currency, price year, that amounts are present values for the modelled population
/// and the sign convention (+ = better off); then a header row; then one row per record. Amounts,
/// ratios, percentages and years are numeric cells (percentages as fractions with a percent format),
/// never text, so they calculate in any spreadsheet whatever its locale. An undefined figure (see
/// <see cref="Figure"/>) is an empty cell, and the row's last column says why. Headers follow
/// <see cref="ReportOptions.Language"/>; <see cref="ReportOptions.Culture"/> is not used (the
/// spreadsheet formats numbers itself).
/// </summary>
public static class ResultWorkbook
{
    private const uint StyleText = 0;
    private const uint StyleBold = 1;
    private const uint StyleAmount = 2;
    private const uint StylePercent = 3;
    private const uint StyleRatio = 4;
    private const uint StyleYears = 5;

    /// <summary>Creates the workbook in memory.</summary>
    /// <param name="appraisals">The appraisals of each strategy against the comparator (any perspectives).</param>
    /// <param name="psa">A PSA of the same model for the uncertainty sheet, or null for none.</param>
    /// <param name="options">Language, currency and perspective filter; null for the defaults.</param>
    /// <param name="priceYear">Price year named in the title rows, or null when the amounts have none.</param>
    /// <returns>The .xlsx file's bytes.</returns>
    public static byte[] Create(IReadOnlyList<AppraisalResult> appraisals, PsaResult? psa = null, ReportOptions? options = null, int? priceYear = null)
    {
        ArgumentNullException.ThrowIfNull(appraisals);
        options ??= new ReportOptions();
        options.Validate();
        var t = Loc.For(options);
        var shown = appraisals.Where(a => options.Shows(a.Perspective.Name)).ToList();
        var money = t.Money(options.Currency, string.Empty, priceYear, compact: true);
        var comparator = appraisals.Count == 0 ? string.Empty : appraisals[0].Comparator.Name;
        var title = t.F("xlsx.title", comparator, t.Money(options.Currency, string.Empty, priceYear));

        using var stream = new MemoryStream();
        using (var document = SpreadsheetDocument.Create(stream, SpreadsheetDocumentType.Workbook))
        {
            // Fixed relationship ids (the SDK would draw random ones), so the same results give the same bytes.
            var workbookPart = document.AddNewPart<WorkbookPart>("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml", "rIdWorkbook");
            workbookPart.Workbook = new Workbook(new Sheets());
            var styles = workbookPart.AddNewPart<WorkbookStylesPart>("rIdStyles");
            styles.Stylesheet = Stylesheet();

            var appraisal = new List<Cell[]>();
            foreach (var a in shown)
            {
                var notes = new List<string>();
                Cell Figure(Figure f, string column, uint style)
                {
                    if (f.Value is double v && double.IsFinite(v))
                    {
                        return Number(v, style);
                    }

                    notes.Add(column + ": " + t["reason." + (f.IsDefined ? FigureReason.NonFinite : f.Reason)]);
                    return Empty();
                }

                var row = new List<Cell>
                {
                    Text(a.Strategy.Name), Text(a.Perspective.Name),
                    Number(a.PresentValueInvestment, StyleAmount), Number(a.PresentValueBenefits, StyleAmount), Number(a.NetPresentValue, StyleAmount),
                    Figure(a.BenefitCostRatio, t["col.bcr"], StyleRatio),
                    Figure(a.ReturnOnInvestment, t["col.roi"], StylePercent),
                    Figure(a.InternalRateOfReturn, t["col.irr"], StylePercent),
                    Figure(a.PaybackYearsDiscounted, t["col.paybackDiscounted"], StyleYears),
                    Figure(a.PaybackYears, t["col.payback"], StyleYears),
                };
                row.Add(Text(string.Join(" ", notes)));
                appraisal.Add([.. row]);
            }

            AddSheet(workbookPart, t["sheet.appraisal"], title,
                [t["col.strategy"], t["col.perspective"], t.F("col.investedPv", money), t.F("col.savingsPv", money), t.F("col.npv", money), t["col.bcr"], t["col.roi"], t["col.irr"], t["col.paybackDiscounted"], t["col.payback"], t["col.notes"]],
                appraisal);

            var first = appraisals.GroupBy(a => a.Strategy.Name, StringComparer.Ordinal).Select(g => g.First()).ToList();
            AddSheet(workbookPart, t["sheet.payers"], title,
                [t["col.strategy"], t["col.payer"], t.F("col.investedPv", money), t.F("col.savingsPv", money), t.F("col.netGainPv", money), t.F("col.netGainUndiscounted", money)],
                first.SelectMany(a => a.Payers.Select(p =>
                {
                    var b = Figures.Balance(p);
                    return new[] { Text(a.Strategy.Name), Text(p.Payer.Name), Number(b.Invested, StyleAmount), Number(b.Savings, StyleAmount), Number(b.NetGain, StyleAmount), Number(b.NetGainUndiscounted, StyleAmount) };
                })).ToList());
            AddSheet(workbookPart, t["sheet.payerSectors"], title,
                [t["col.strategy"], t["col.payer"], t["col.sector"], t.F("col.investedPv", money), t.F("col.savingsPv", money), t.F("col.netGainPv", money)],
                first.SelectMany(a => a.PayerSectors.Select(p =>
                {
                    var b = Figures.Balance(p);
                    return new[] { Text(a.Strategy.Name), Text(p.Payer.Name), Text(p.Sector.Name), Number(b.Invested, StyleAmount), Number(b.Savings, StyleAmount), Number(b.NetGain, StyleAmount) };
                })).ToList());

            if (psa is not null)
            {
                var rows = new List<Cell[]>();
                for (var s = 0; s < psa.Strategies.Count; s++)
                {
                    if (s == psa.ComparatorIndex)
                    {
                        continue;
                    }

                    foreach (var p in psa.Perspectives.Where(p => options.Shows(p.Name)))
                    {
                        var npv = psa.Summarize(PsaFigure.NetPresentValue, psa.Strategies[s], p);
                        var point = appraisals.FirstOrDefault(a => a.Strategy.Name == psa.Strategies[s].Name && a.Perspective.Equals(p));
                        rows.Add(
                        [
                            Text(psa.Strategies[s].Name), Text(p.Name),
                            point is null ? Empty() : Number(point.NetPresentValue, StyleAmount),
                            Number(npv.Mean, StyleAmount), Number(npv.StandardDeviation, StyleAmount), Number(npv.Lower, StyleAmount), Number(npv.Median, StyleAmount), Number(npv.Upper, StyleAmount),
                            Number(psa.ProbabilityPositiveNpv(psa.Strategies[s], p), StylePercent),
                        ]);
                    }
                }

                AddSheet(workbookPart, t["sheet.uncertainty"], t.F("xlsx.titlePsa", title, psa.Draws.ToString(CultureInfo.InvariantCulture), psa.Seed.ToString(CultureInfo.InvariantCulture)),
                    [t["col.strategy"], t["col.perspective"], t.F("col.pointNpv", money), t.F("col.meanNpv", money), t.F("col.npvSd", money), t.F("col.npvLow", money), t.F("col.npvMedian", money), t.F("col.npvHigh", money), t["col.probPositive"]],
                    rows);
            }

            workbookPart.Workbook.Save();
        }

        return Repacked(stream.ToArray());
    }

    /// <summary>The time every part of the package is dated (a zip entry's modification time): 2000-01-01, so that a workbook's bytes depend on its content only.</summary>
    private static readonly DateTimeOffset PartTime = new(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>The package with the same parts in the same order, each dated <see cref="PartTime"/> instead of the time it was written.</summary>
    private static byte[] Repacked(byte[] package)
    {
        using var input = new ZipArchive(new MemoryStream(package), ZipArchiveMode.Read);
        using var output = new MemoryStream();
        using (var zip = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var entry in input.Entries)
            {
                var copy = zip.CreateEntry(entry.FullName, CompressionLevel.Optimal);
                copy.LastWriteTime = PartTime;
                using var from = entry.Open();
                using var to = copy.Open();
                from.CopyTo(to);
            }
        }

        return output.ToArray();
    }

    /// <summary>
    /// Writes the workbook of <see cref="Create"/> to a file, through a temporary file in the same
    /// folder moved into place, so an interrupted write never leaves a half-written workbook.
    /// </summary>
    /// <param name="path">The .xlsx file to write (its folder must exist; an existing file is replaced).</param>
    /// <param name="appraisals">The appraisals.</param>
    /// <param name="psa">A PSA for the uncertainty sheet, or null.</param>
    /// <param name="options">Language, currency and perspective filter; null for the defaults.</param>
    /// <param name="priceYear">Price year named in the title rows, or null.</param>
    /// <exception cref="IOException">The file could not be written.</exception>
    public static void Write(string path, IReadOnlyList<AppraisalResult> appraisals, PsaResult? psa = null, ReportOptions? options = null, int? priceYear = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        AtomicFile.WriteAllBytes(path, Create(appraisals, psa, options, priceYear));
    }

    private static void AddSheet(WorkbookPart workbookPart, string name, string title, IReadOnlyList<string> headers, List<Cell[]> rows)
    {
        var part = workbookPart.AddNewPart<WorksheetPart>("rIdSheet" + (workbookPart.WorksheetParts.Count() + 1).ToString(CultureInfo.InvariantCulture));
        var data = new SheetData();
        data.Append(Row(1, [Text(title, StyleBold)]));
        data.Append(Row(3, headers.Select(h => Text(h, StyleBold)).ToArray()));
        for (var i = 0; i < rows.Count; i++)
        {
            data.Append(Row((uint)(4 + i), rows[i]));
        }

        var columns = new Columns();
        for (var c = 0; c < headers.Count; c++)
        {
            var width = Math.Clamp(Math.Max(headers[c].Length * 0.9, rows.Count == 0 ? 8 : rows.Max(r => r.Length > c ? CellWidth(r[c]) : 8)) + 2, 8, 60);
            columns.Append(new Column { Min = (uint)(c + 1), Max = (uint)(c + 1), Width = width, CustomWidth = true });
        }

        var view = new SheetViews(new SheetView(new Pane { VerticalSplit = 3, TopLeftCell = "A4", ActivePane = PaneValues.BottomLeft, State = PaneStateValues.Frozen }) { WorkbookViewId = 0 });
        part.Worksheet = new Worksheet(view, columns, data);
        var sheets = workbookPart.Workbook.Sheets!;
        var id = (uint)(sheets.ChildElements.Count + 1);
        sheets.Append(new Sheet { Id = workbookPart.GetIdOfPart(part), SheetId = id, Name = SheetName(name) });
    }

    private static double CellWidth(Cell c) => c.DataType?.Value == CellValues.InlineString ? Math.Min(50, (c.InlineString?.InnerText.Length ?? 0) * 0.9) : 14;

    /// <summary>Excel's limits on sheet names: at most 31 characters, none of : \ / ? * [ ].</summary>
    private static string SheetName(string name)
    {
        var clean = new string(name.Select(ch => ":\\/?*[]".Contains(ch, StringComparison.Ordinal) ? '-' : ch).ToArray());
        return clean.Length <= 31 ? clean : clean[..31];
    }

    private static Row Row(uint index, Cell[] cells)
    {
        var row = new Row { RowIndex = index };
        for (var i = 0; i < cells.Length; i++)
        {
            cells[i].CellReference = Column(i) + index.ToString(CultureInfo.InvariantCulture);
            row.Append(cells[i]);
        }

        return row;
    }

    private static string Column(int index)
    {
        var name = string.Empty;
        for (var i = index + 1; i > 0; i = (i - 1) / 26)
        {
            name = (char)('A' + ((i - 1) % 26)) + name;
        }

        return name;
    }

    private static Cell Text(string text, uint style = StyleText) =>
        new(new InlineString(new Text(text) { Space = SpaceProcessingModeValues.Preserve })) { DataType = CellValues.InlineString, StyleIndex = style };

    private static Cell Number(double value, uint style) =>
        double.IsFinite(value)
            ? new Cell(new CellValue(value)) { DataType = CellValues.Number, StyleIndex = style }
            : Empty();

    private static Cell Empty() => new();

    private static Stylesheet Stylesheet() => new(
        new NumberingFormats(new NumberingFormat { NumberFormatId = 164, FormatCode = "0.0" }) { Count = 1 },
        new Fonts(new Font(), new Font(new Bold())) { Count = 2 },
        new Fills(new Fill(new PatternFill { PatternType = PatternValues.None }), new Fill(new PatternFill { PatternType = PatternValues.Gray125 })) { Count = 2 },
        new Borders(new Border()) { Count = 1 },
        new CellFormats(
            new CellFormat(),
            new CellFormat { FontId = 1, ApplyFont = true },
            new CellFormat { NumberFormatId = 3, ApplyNumberFormat = true },
            new CellFormat { NumberFormatId = 10, ApplyNumberFormat = true },
            new CellFormat { NumberFormatId = 4, ApplyNumberFormat = true },
            new CellFormat { NumberFormatId = 164, ApplyNumberFormat = true })
        { Count = 6 });
}
