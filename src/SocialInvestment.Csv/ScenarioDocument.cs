using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using SocialInvestment.Model;

namespace SocialInvestment.Scenarios;

/// <summary>
/// A scenario as one canonical JSON document: the model definition that travels. A model built in
/// code holds functions (closures) and cannot be sent to another process; a <see cref="Scenario"/>
/// is data, and this document carries all of it (settings and every table) so that
/// <see cref="FromJson(ReadOnlySpan{byte})"/> followed by <see cref="Scenario.BuildModel()"/> rebuilds, anywhere,
/// a model whose compiled tables are bit-identical (same <see cref="Engine.CompiledModel.ContentHash"/>)
/// and whose <see cref="LifeCourseModel.DefinitionHash"/> is this document's <see cref="Hash"/>.
/// </summary>
/// <remarks>
/// <para>
/// Canonical form: UTF-8 without a byte-order mark, no insignificant white space, an envelope
/// <c>{"format":"socinv-scenario","version":1,"scenario":{…}}</c>, object properties in ordinal
/// order of their camel-case names, enumerations by name, null properties written as null, numbers in
/// the shortest form that reads back to the same double (System.Text.Json's, culture-invariant).
/// There are no dictionaries, so nothing depends on hash order. Equal scenarios give equal bytes,
/// except that a number written as −0 and one written as 0 differ (the hash compares bits, and
/// refuses rather than merges when in doubt).
/// </para>
/// <para>The hash is SHA-256 over exactly those bytes, so it is the same in every process and on every machine.</para>
/// </remarks>
public static class ScenarioDocument
{
    /// <summary>The value of the envelope's <c>format</c> property.</summary>
    public const string Format = "socinv-scenario";

    /// <summary>The version of the document layout written and read.</summary>
    public const int Version = 1;

    private const string Source = "scenario document";

    private static readonly JsonSerializerOptions Options = CreateOptions();

    /// <summary>The canonical UTF-8 bytes of the scenario's document.</summary>
    /// <param name="scenario">The scenario.</param>
    /// <exception cref="ArgumentException">A number is not finite (NaN or infinite), which the document cannot hold.</exception>
    public static byte[] ToUtf8Bytes(Scenario scenario)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        var output = new ArrayBufferWriter<byte>();
        Write(scenario, output);
        return output.WrittenSpan.ToArray();
    }

    /// <summary>Writes the canonical document to <paramref name="output"/> as the JSON writer goes (the bytes of <see cref="ToUtf8Bytes"/>).</summary>
    private static void Write(Scenario scenario, IBufferWriter<byte> output)
    {
        using var writer = new Utf8JsonWriter(output, new JsonWriterOptions { Indented = false, SkipValidation = false });
        writer.WriteStartObject();
        writer.WriteString("format", Format);
        writer.WriteNumber("version", Version);
        writer.WritePropertyName("scenario");
        try
        {
            JsonSerializer.Serialize(writer, scenario, Options);
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"The scenario cannot be written as a document: {e.Message}", nameof(scenario), e);
        }

        writer.WriteEndObject();
        writer.Flush();
    }

    /// <summary>The canonical document as a string (the same characters as <see cref="ToUtf8Bytes"/>).</summary>
    /// <param name="scenario">The scenario.</param>
    public static string ToJson(Scenario scenario) => Encoding.UTF8.GetString(ToUtf8Bytes(scenario));

    /// <summary>SHA-256 of the canonical document: the scenario's content hash.</summary>
    /// <param name="scenario">The scenario.</param>
    /// <remarks>
    /// The document is hashed as it is written, through a buffer of a few tens of kilobytes: hashing a
    /// scenario with a large table does not hold the document (about twice the size of its tables) in memory.
    /// </remarks>
    /// <exception cref="ArgumentException">A number is not finite (NaN or infinite), which the document cannot hold.</exception>
    public static ContentHash Hash(Scenario scenario)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        using var output = new HashingBufferWriter();
        Write(scenario, output);
        return output.Finish();
    }

    /// <summary>
    /// An <see cref="IBufferWriter{T}"/> that feeds every advanced byte to SHA-256 and reuses one
    /// buffer, so memory stays at the largest single write (the JSON writer asks for at most a few
    /// times its longest token).
    /// </summary>
    private sealed class HashingBufferWriter : IBufferWriter<byte>, IDisposable
    {
        private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        private byte[] _buffer = new byte[64 * 1024];

        public void Advance(int count)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(count);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(count, _buffer.Length);
            _hash.AppendData(_buffer, 0, count);
        }

        public Memory<byte> GetMemory(int sizeHint = 0)
        {
            if (sizeHint > _buffer.Length)
            {
                _buffer = new byte[Math.Max(sizeHint, _buffer.Length * 2)];
            }

            return _buffer;
        }

        public Span<byte> GetSpan(int sizeHint = 0) => GetMemory(sizeHint).Span;

        public ContentHash Finish() => ContentHash.FromBytes(_hash.GetHashAndReset());

        public void Dispose() => _hash.Dispose();
    }

    /// <summary>Reads a document written by <see cref="ToJson"/> (or any JSON with the same content).</summary>
    /// <param name="json">The document.</param>
    /// <exception cref="ScenarioFormatException">The document is not a scenario document of this version, or a value is missing or of the wrong type; the problem names the line and column.</exception>
    public static Scenario FromJson(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        return FromJson(Encoding.UTF8.GetBytes(json));
    }

    /// <summary>Reads a document from its UTF-8 bytes (see <see cref="FromJson(string)"/>).</summary>
    /// <param name="utf8">The document's bytes.</param>
    /// <exception cref="ScenarioFormatException">The document is not a scenario document of this version, or a value is missing or of the wrong type.</exception>
    public static Scenario FromJson(ReadOnlySpan<byte> utf8)
    {
        Scenario? scenario = null;
        string? format = null;
        int? version = null;
        var reader = new Utf8JsonReader(utf8, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Disallow });
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                throw Problem(reader, null, "The document must be a JSON object {\"format\": \"socinv-scenario\", \"version\": 1, \"scenario\": {…}}.");
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var name = reader.GetString();
                reader.Read();
                switch (name)
                {
                    case "format":
                        format = reader.TokenType == JsonTokenType.String ? reader.GetString() : throw Problem(reader, "format", "The format must be a string.");
                        break;
                    case "version":
                        version = reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out var v) ? v : throw Problem(reader, "version", "The version must be a whole number.");
                        break;
                    case "scenario":
                        if (format != Format || version != Version)
                        {
                            throw Problem(reader, "format", string.Create(CultureInfo.InvariantCulture, $"This is not a scenario document of version {Version}: it must start with \"format\": \"{Format}\" and \"version\": {Version} (found format {(format is null ? "none" : $"'{format}'")}, version {(version is null ? "none" : version.Value.ToString(CultureInfo.InvariantCulture))})."));
                        }

                        scenario = JsonSerializer.Deserialize<Scenario>(ref reader, Options);
                        break;
                    default:
                        throw Problem(reader, name, $"Unknown property '{name}'; a scenario document has format, version and scenario.");
                }
            }
        }
        catch (JsonException e)
        {
            var line = e.LineNumber is long l ? (int)l + 1 : (int?)null;
            var column = e.BytePositionInLine is long c ? (int)c + 1 : (int?)null;
            throw new ScenarioFormatException([new ScenarioProblem(Source, line, column, e.Path, $"The document cannot be read: {e.Message}")]);
        }

        return scenario ?? throw new ScenarioFormatException([new ScenarioProblem(Source, null, null, "scenario", "The document has no scenario.")]);
    }

    private static ScenarioFormatException Problem(in Utf8JsonReader reader, string? field, string message)
        => new([new ScenarioProblem(Source, null, (int)Math.Min(int.MaxValue, reader.TokenStartIndex + 1), field, message)]);

    private static JsonSerializerOptions CreateOptions()
    {
        var resolver = new DefaultJsonTypeInfoResolver();
        resolver.Modifiers.Add(Canonical);
        var options = new JsonSerializerOptions
        {
            TypeInfoResolver = resolver,
            PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
            DefaultIgnoreCondition = JsonIgnoreCondition.Never,
            NumberHandling = JsonNumberHandling.Strict,
            UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
            RespectRequiredConstructorParameters = true,
            WriteIndented = false,
        };
        options.Converters.Add(new JsonStringEnumConverter(allowIntegerValues: false));
        options.MakeReadOnly(populateMissingResolver: false);
        return options;
    }

    /// <summary>Keeps only the data (properties that are set or passed to a constructor) and orders them by name, ordinally.</summary>
    private static void Canonical(JsonTypeInfo info)
    {
        if (info.Kind != JsonTypeInfoKind.Object)
        {
            return;
        }

        var kept = info.Properties.Where(p => p.Set is not null || p.AssociatedParameter is not null).OrderBy(p => p.Name, StringComparer.Ordinal).ToList();
        info.Properties.Clear();
        foreach (var p in kept)
        {
            info.Properties.Add(p);
        }
    }
}
