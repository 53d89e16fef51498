using System.Text.Encodings.Web;
using System.Text.Json;
using SocialInvestment.Decisions;
using SocialInvestment.Economics;

namespace SocialInvestment.Scenarios;

/// <summary>
/// <c>forecast.json</c>: an <see cref="InvestmentForecast"/> stored when the investment starts, to be
/// compared with the follow-up later. Format <c>socinv-forecast/1</c>: the investment, comparator,
/// start year, the scenario's content hash, cohort size, price year, years, the names of states,
/// payers, perspectives and parameters, the seed, the base case and every draw (counts, spending,
/// comparator spending, NPV, parameters; numbers round-trip exactly).
/// </summary>
public static class ForecastFile
{
    /// <summary>The conventional file name.</summary>
    public const string FileName = "forecast.json";

    /// <summary>The value of the <c>format</c> field.</summary>
    public const string Format = "socinv-forecast/1";

    /// <summary>Writes a forecast.</summary>
    /// <param name="forecast">The forecast.</param>
    /// <param name="stream">The destination.</param>
    public static void Write(InvestmentForecast forecast, Stream stream)
    {
        ArgumentNullException.ThrowIfNull(forecast);
        ArgumentNullException.ThrowIfNull(stream);
        using var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        w.WriteStartObject();
        w.WriteString("format", Format);
        w.WriteString("investment", forecast.Investment);
        w.WriteString("comparator", forecast.Comparator);
        w.WriteNumber("startYear", forecast.StartYear);
        w.WriteString("scenarioHash", forecast.ScenarioHash);
        w.WriteNumber("cohortSize", forecast.CohortSize);
        if (forecast.PriceYear is int py)
        {
            w.WriteNumber("priceYear", py);
        }
        else
        {
            w.WriteNull("priceYear");
        }

        w.WriteNumber("years", forecast.Years);
        Strings(w, "states", forecast.States);
        Strings(w, "payers", forecast.Payers);
        Strings(w, "perspectives", forecast.Perspectives);
        Strings(w, "parameters", forecast.Parameters);
        if (forecast.Seed is ulong seed)
        {
            w.WriteNumber("seed", seed);
        }
        else
        {
            w.WriteNull("seed");
        }

        w.WritePropertyName("baseCase");
        Draw(w, forecast.BaseCase);
        w.WriteStartArray("draws");
        foreach (var d in forecast.Draws)
        {
            Draw(w, d);
        }

        w.WriteEndArray();
        w.WriteEndObject();
    }

    /// <summary>Reads a forecast.</summary>
    /// <param name="path">The file.</param>
    /// <exception cref="ScenarioFormatException">The file is not a forecast socinv wrote (one problem naming the file and what is wrong).</exception>
    public static InvestmentForecast Read(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var name = Path.GetFileName(path);
        try
        {
            using var stream = File.OpenRead(path);
            return Read(stream, name);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ScenarioFormatException([new ScenarioProblem(name, null, null, null, $"The forecast cannot be read: {e.Message}")]);
        }
    }

    /// <summary>Reads a forecast from a stream.</summary>
    /// <param name="stream">The JSON bytes.</param>
    /// <param name="file">File name for messages.</param>
    /// <exception cref="ScenarioFormatException">The content is not a valid forecast.</exception>
    public static InvestmentForecast Read(Stream stream, string file)
    {
        ArgumentNullException.ThrowIfNull(stream);
        try
        {
            using var doc = JsonDocument.Parse(stream);
            var r = doc.RootElement;
            if (!r.TryGetProperty("format", out var f) || f.GetString() != Format)
            {
                throw new FormatException($"the format field is not \"{Format}\"");
            }

            return new InvestmentForecast(
                r.GetProperty("investment").GetString()!,
                r.GetProperty("comparator").GetString()!,
                r.GetProperty("startYear").GetInt32(),
                r.GetProperty("scenarioHash").GetString()!,
                r.GetProperty("cohortSize").GetDouble(),
                r.GetProperty("priceYear").ValueKind == JsonValueKind.Null ? null : r.GetProperty("priceYear").GetInt32(),
                r.GetProperty("years").GetInt32(),
                StringsOf(r.GetProperty("states")),
                StringsOf(r.GetProperty("payers")),
                StringsOf(r.GetProperty("perspectives")),
                StringsOf(r.GetProperty("parameters")),
                DrawOf(r.GetProperty("baseCase")),
                r.GetProperty("draws").EnumerateArray().Select(DrawOf).ToArray(),
                r.GetProperty("seed").ValueKind == JsonValueKind.Null ? null : r.GetProperty("seed").GetUInt64());
        }
        catch (Exception e) when (e is JsonException or FormatException or KeyNotFoundException or InvalidOperationException or ArgumentException)
        {
            throw new ScenarioFormatException([new ScenarioProblem(file, null, null, null, $"This is not a forecast socinv wrote ({Format}): {e.Message}")]);
        }
    }

    private static string[] StringsOf(JsonElement e) => e.EnumerateArray().Select(x => x.GetString() ?? throw new FormatException("a name is null")).ToArray();

    private static double[] NumbersOf(JsonElement e) => e.EnumerateArray().Select(x => x.GetDouble()).ToArray();

    private static ForecastDraw DrawOf(JsonElement e) => new(
        NumbersOf(e.GetProperty("counts")),
        NumbersOf(e.GetProperty("spending")),
        NumbersOf(e.GetProperty("comparatorSpending")),
        NumbersOf(e.GetProperty("npv")),
        NumbersOf(e.GetProperty("parameters")));

    private static void Strings(Utf8JsonWriter w, string name, IReadOnlyList<string> values)
    {
        w.WriteStartArray(name);
        foreach (var v in values)
        {
            w.WriteStringValue(v);
        }

        w.WriteEndArray();
    }

    private static void Draw(Utf8JsonWriter w, ForecastDraw d)
    {
        w.WriteStartObject();
        Numbers(w, "counts", d.Counts);
        Numbers(w, "spending", d.Spending);
        Numbers(w, "comparatorSpending", d.ComparatorSpending);
        Numbers(w, "npv", d.Npv);
        Numbers(w, "parameters", d.Parameters);
        w.WriteEndObject();
    }

    private static void Numbers(Utf8JsonWriter w, string name, IReadOnlyList<double> values)
    {
        w.WriteStartArray(name);
        foreach (var v in values)
        {
            w.WriteNumberValue(v);
        }

        w.WriteEndArray();
    }
}
