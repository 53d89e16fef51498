using System.Globalization;

namespace SocialInvestment.Reporting;

/// <summary>
/// Looks up the report's text in <see cref="Texts"/> for one language and formats it with the
/// report's culture. A missing message id is a bug and throws (tests build every report in both
/// languages).
/// </summary>
internal sealed class Loc
{
    private readonly IReadOnlyDictionary<string, string> _table;

    private Loc(ReportLanguage language, CultureInfo culture)
    {
        Language = language;
        Culture = culture;
        _table = Texts.For(language);
    }

    public ReportLanguage Language { get; }

    public CultureInfo Culture { get; }

    public static Loc For(ReportOptions options) => new(options.Language, options.Culture);

    /// <summary>The text of a message.</summary>
    public string this[string id] => _table.TryGetValue(id, out var s) ? s : throw new KeyNotFoundException($"No text '{id}' for {Language}.");

    /// <summary>The text of a message with its {0}, {1}, … placeholders filled, numbers formatted with the culture.</summary>
    public string F(string id, params object?[] args) => string.Format(Culture, this[id], args);

    /// <summary>The HTML <c>lang</c> code.</summary>
    public string HtmlLang => Language == ReportLanguage.NorwegianBokmal ? "nb" : "en";

    /// <summary>
    /// The money unit of an axis or column: currency, scale word and price year, for example
    /// "NOK million, 2023 prices".
    /// </summary>
    public string Money(string currency, string scaleId, int? priceYear, bool compact = false)
    {
        var unit = scaleId.Length == 0 ? currency : F(scaleId, currency);
        return priceYear is int y ? F(compact ? "unit.moneyShort" : "unit.moneyPriceYear", unit, y.ToString(CultureInfo.InvariantCulture)) : unit;
    }

    /// <summary>A money axis label with the sign convention: "NOK million, 2023 prices; + = payer better off".</summary>
    public string MoneyAxis(string currency, string scaleId, int? priceYear, string what) =>
        F("axis.moneySigned", what, Money(currency, scaleId, priceYear));
}
