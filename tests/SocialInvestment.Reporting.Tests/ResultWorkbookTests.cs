using System.Globalization;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;
using SocialInvestment.Model;
using SocialInvestment.Reporting.Tests.TestSupport;
using SocialInvestment.Uncertainty;

namespace SocialInvestment.Reporting.Tests;

public class ResultWorkbookTests
{
    /// <summary>Reads a sheet back as rows of (text or number) cells keyed by column letter.</summary>
    private static List<Dictionary<string, Cell>> ReadSheet(SpreadsheetDocument doc, string name)
    {
        var workbook = doc.WorkbookPart!;
        var sheet = workbook.Workbook.Sheets!.Elements<Sheet>().Single(s => s.Name == name);
        var part = (WorksheetPart)workbook.GetPartById(sheet.Id!);
        return part.Worksheet.GetFirstChild<SheetData>()!.Elements<Row>()
            .Select(r => r.Elements<Cell>().ToDictionary(c => new string(c.CellReference!.Value!.TakeWhile(char.IsLetter).ToArray()), c => c))
            .ToList();
    }

    private static string TextOf(Cell c) => c.InlineString?.InnerText ?? c.CellValue?.Text ?? string.Empty;

    private static double NumberOf(Cell c)
    {
        Assert.That(c.DataType?.Value, Is.EqualTo(CellValues.Number), "a numeric cell is a number, not text");
        return double.Parse(c.CellValue!.Text, NumberStyles.Float, CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// The same results give the same bytes: the package's relationship ids are fixed and its parts are
    /// dated 2000-01-01, not at the time they were written (two workbooks made a second apart are equal byte
    /// for byte), and the package still opens.
    /// </summary>
    [Test]
    public void Create_IsByteIdenticalForTheSameResults()
    {
        var (_, appraisals) = YouthModel.Run();
        var psa = YouthModel.Psa(draws: 20);
        var first = ResultWorkbook.Create(appraisals, psa, priceYear: 2023);
        Thread.Sleep(1100);
        var second = ResultWorkbook.Create(appraisals, psa, priceYear: 2023);
        Assert.That(second, Is.EqualTo(first).AsCollection);
        using var zip = new System.IO.Compression.ZipArchive(new MemoryStream(first));
        Assert.That(zip.Entries.Select(e => e.LastWriteTime.Year).Distinct(), Is.EqualTo(new[] { 2000 }));
        using var doc = SpreadsheetDocument.Open(new MemoryStream(first), false);
        Assert.That(doc.WorkbookPart!.Workbook.Sheets!.Elements<Sheet>().Count(), Is.EqualTo(4));
    }

    [Test]
    public void Create_ReadBack_AppraisalPayersAndPsaEqualTheResults()
    {
        var (_, appraisals) = YouthModel.Run();
        var psa = YouthModel.Psa(draws: 50);
        var bytes = ResultWorkbook.Create(appraisals, psa, priceYear: 2023);
        using var doc = SpreadsheetDocument.Open(new MemoryStream(bytes), false);
        var names = doc.WorkbookPart!.Workbook.Sheets!.Elements<Sheet>().Select(s => s.Name!.Value).ToArray();
        Assert.That(names, Is.EqualTo(new[] { "Appraisal", "Who invests (payer)", "Who invests (payer x sector)", "Uncertainty" }));

        var rows = ReadSheet(doc, "Appraisal");
        Assert.That(TextOf(rows[0]["A"]), Does.Contain("NOK, 2023 prices").And.Contain("+ = better off"), "the title row states units, price year and sign");
        Assert.That(TextOf(rows[1]["E"]), Is.EqualTo("NPV (NOK 2023, + = better off)"));
        Assert.That(rows, Has.Count.EqualTo(2 + appraisals.Count));
        foreach (var a in appraisals)
        {
            var row = rows.Skip(2).Single(r => TextOf(r["B"]) == a.Perspective.Name);
            Assert.That(NumberOf(row["C"]), Is.EqualTo(a.PresentValueInvestment));
            Assert.That(NumberOf(row["D"]), Is.EqualTo(a.PresentValueBenefits));
            Assert.That(NumberOf(row["E"]), Is.EqualTo(a.NetPresentValue));
            if (a.BenefitCostRatio.Value is double bcr)
            {
                Assert.That(NumberOf(row["F"]), Is.EqualTo(bcr));
            }
            else
            {
                Assert.That(row["F"].CellValue, Is.Null, "an undefined figure is an empty cell");
                Assert.That(TextOf(row["K"]), Does.Contain("BCR: Not defined: this perspective bears no investment"));
            }
        }

        var payers = ReadSheet(doc, "Who invests (payer)");
        foreach (var p in appraisals[0].Payers)
        {
            var row = payers.Single(r => r.TryGetValue("B", out var b) && TextOf(b) == p.Payer.Name);
            Assert.That(new[] { NumberOf(row["C"]), NumberOf(row["D"]), NumberOf(row["E"]), NumberOf(row["F"]) }, Is.EqualTo(new[] { p.Invested, p.Savings, p.NetGain, p.NetGainUndiscounted }));
        }

        var sectors = ReadSheet(doc, "Who invests (payer x sector)");
        Assert.That(sectors, Has.Count.EqualTo(2 + appraisals[0].PayerSectors.Count));
        Assert.That(sectors.Skip(2).Sum(r => NumberOf(r["F"])), Is.EqualTo(appraisals[0].Payers.Sum(p => p.NetGain)).Within(1e-6 * appraisals[0].Payers.Sum(p => Math.Abs(p.NetGain))));

        var uncertainty = ReadSheet(doc, "Uncertainty");
        var society = psa.Perspectives.Single(p => p.Name.StartsWith("society", StringComparison.Ordinal));
        var srow = uncertainty.Single(r => r.TryGetValue("B", out var b) && TextOf(b) == society.Name);
        Assert.That(NumberOf(srow["D"]), Is.EqualTo(psa.Summarize(PsaFigure.NetPresentValue, psa.Strategies[1], society).Mean));
        Assert.That(NumberOf(srow["I"]), Is.EqualTo(psa.ProbabilityPositiveNpv(psa.Strategies[1], society)));
    }

    [Test]
    public void Write_Norwegian_HeadersInNorwegianNumbersStillNumbers()
    {
        var (_, appraisals) = YouthModel.Run();
        var path = Path.Combine(Path.GetTempPath(), "socinv-xlsx-" + Guid.NewGuid().ToString("N") + ".xlsx");
        try
        {
            ResultWorkbook.Write(path, appraisals, null, new ReportOptions { Language = ReportLanguage.NorwegianBokmal, Culture = CultureInfo.GetCultureInfo("nb-NO") }, 2023);
            using var doc = SpreadsheetDocument.Open(path, false);
            var rows = ReadSheet(doc, "Vurdering");
            Assert.That(TextOf(rows[1]["A"]), Is.EqualTo("Strategi"));
            Assert.That(NumberOf(rows[2]["E"]), Is.EqualTo(appraisals[0].NetPresentValue), "the culture never turns a number into text");
            Assert.That(doc.WorkbookPart!.Workbook.Sheets!.Elements<Sheet>().Select(s => s.Name!.Value!.Length), Has.All.LessThanOrEqualTo(31));
        }
        finally
        {
            File.Delete(path);
        }
    }
}
