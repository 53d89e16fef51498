using System.Globalization;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;
using SocialInvestment.Cli.Tests.TestSupport;
using SocialInvestment.Csv.Tests.TestSupport;
using SocialInvestment.Scenarios;

namespace SocialInvestment.Cli.Tests;

public class ReportLanguageTests : TempFolderTest
{
    private string WriteSmallScenario()
    {
        var dir = Path.Combine(Dir, "small");
        ScenarioWriter.Write(SmallScenario.Create(), dir);
        return dir;
    }

    [Test]
    public void Run_LanguageNb_WritesANorwegianReportAndAWorkbookWithNumbers()
    {
        var outDir = Path.Combine(Dir, "out");
        var r = Socinv.Run("run", WriteSmallScenario(), "--out", outDir, "--language", "nb");
        Assert.That(r.ExitCode, Is.EqualTo(ExitCodes.Ok), r.Err);
        var html = File.ReadAllText(Path.Combine(outDir, "report.html"));
        Assert.That(html, Does.Contain("<html lang=\"nb\">").And.Contain("<h2>Sammendrag</h2>").And.Contain("<h2>Forutsetninger</h2>"));
        Assert.That(html, Does.Not.Contain("<h2>Summary</h2>"));
        Assert.That(r.Out, Does.Contain("Strategi").And.Contain("Nettogevinst"), "the printed tables follow the language");

        var csv = File.ReadAllText(Path.Combine(outDir, ResultWriter.TidyCsvFileName));
        Assert.That(csv, Does.Not.Contain("\u2212").And.Not.Contain("\u00A0").And.Not.Contain("\u202F"), "CSV numbers stay plain ASCII whatever the report language");

        using var doc = SpreadsheetDocument.Open(Path.Combine(outDir, "results.xlsx"), false);
        var sheet = doc.WorkbookPart!.Workbook.Sheets!.Elements<Sheet>().First();
        Assert.That(sheet.Name!.Value, Is.EqualTo("Vurdering"));
        var rows = ((WorksheetPart)doc.WorkbookPart.GetPartById(sheet.Id!)).Worksheet.GetFirstChild<SheetData>()!.Elements<Row>().ToList();
        var npv = rows[2].Elements<Cell>().ElementAt(4);
        Assert.That(npv.DataType?.Value, Is.EqualTo(CellValues.Number));
        Assert.That(double.Parse(npv.CellValue!.Text, CultureInfo.InvariantCulture), Is.Not.NaN);
    }

    [Test]
    public void Run_UnknownLanguage_IsAUsageError()
    {
        var r = Socinv.Run("run", WriteSmallScenario(), "--out", Path.Combine(Dir, "out"), "--language", "de");
        Assert.That(r.ExitCode, Is.EqualTo(ExitCodes.Usage));
        Assert.That(r.Err, Does.Contain("de"));
    }
}
