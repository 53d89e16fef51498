using System.Globalization;

namespace SocialInvestment.Reporting;

/// <summary>
/// Options for charts and reports. Immutable; use <c>with</c>. Nothing is read from the machine:
/// the culture used to format numbers and the generation time printed in the report are passed in.
/// </summary>
public sealed record ReportOptions
{
    /// <summary>Title of the report (first heading). Default "Social investment appraisal".</summary>
    public string Title { get; init; } = "Social investment appraisal";

    /// <summary>Optional paragraph printed under the title (plain text, HTML-escaped in the HTML report).</summary>
    public string? Description { get; init; }

    /// <summary>
    /// Culture used to format numbers in tables and chart tick labels. Default
    /// <see cref="CultureInfo.InvariantCulture"/> (for example 1,234,567.89); use nb-NO for
    /// Norwegian grouping and decimal comma.
    /// </summary>
    public CultureInfo Culture { get; init; } = CultureInfo.InvariantCulture;

    /// <summary>
    /// Names of the perspectives to show in the summary tables and payback charts (ordinal,
    /// case-insensitive match on <see cref="Model.Perspective.Name"/>); null or empty shows
    /// every perspective present in the appraisals.
    /// </summary>
    public IReadOnlyList<string>? Perspectives { get; init; }

    /// <summary>
    /// Language of every label, heading, table header, footnote and chart title and axis: English
    /// (the default) or Norwegian bokmål. Names that come from the model (states, payers, strategies,
    /// parameters) are printed as given. Independent of <see cref="Culture"/>, which formats numbers.
    /// </summary>
    public ReportLanguage Language { get; init; } = ReportLanguage.English;

    /// <summary>Currency label used in headings and axis titles. Default "NOK".</summary>
    public string Currency { get; init; } = "NOK";

    /// <summary>Width of each chart in pixels. Default 1000.</summary>
    public int ChartWidth { get; init; } = 1000;

    /// <summary>Height of each chart in pixels. Default 560.</summary>
    public int ChartHeight { get; init; } = 560;

    /// <summary>
    /// How many of a report's charts are drawn at once: 1 (the default) one after the other, 0 every
    /// core (<see cref="Environment.ProcessorCount"/>), n ≥ 2 at most n. Each chart is drawn from its
    /// own plot, so the images are the same byte for byte whatever the count (the report of the
    /// Norwegian default is tested on 1 and 2).
    /// </summary>
    public int Threads { get; init; } = 1;

    /// <summary>
    /// Optional free text that identifies the run (scenario name, command line, time stamp); printed
    /// in the report footer as given. The library never reads the clock.
    /// </summary>
    public string? Provenance { get; init; }

    internal void Validate()
    {
        ArgumentNullException.ThrowIfNull(Title);
        ArgumentNullException.ThrowIfNull(Culture);
        ArgumentNullException.ThrowIfNull(Currency);
        ArgumentOutOfRangeException.ThrowIfLessThan(ChartWidth, 200);
        if (!Enum.IsDefined(Language))
        {
            throw new ArgumentOutOfRangeException(nameof(Language), Language, "Unknown report language.");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(ChartHeight, 150);
        ArgumentOutOfRangeException.ThrowIfNegative(Threads);
    }

    internal bool Shows(string perspective) =>
        Perspectives is null || Perspectives.Count == 0 || Perspectives.Any(p => string.Equals(p, perspective, StringComparison.OrdinalIgnoreCase));
}

/// <summary>The language of a report's text.</summary>
public enum ReportLanguage
{
    /// <summary>English (the default).</summary>
    English = 0,

    /// <summary>Norwegian bokmål (language code <c>nb</c>).</summary>
    NorwegianBokmal = 1,
}
