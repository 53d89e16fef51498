using System.Text.Json;

namespace SocialInvestment.Economics;

/// <summary>A settlement plan as a self-contained JSON document (to send a plan to where a computation runs, such as a cluster's silos).</summary>
internal static class SettlementPlanDocument
{
    private const string Format = "socinv-settlement-plan/1";

    public static byte[] Write(SettlementPlan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream))
        {
            w.WriteStartObject();
            w.WriteString("format", Format);
            w.WriteString("name", plan.Name);
            w.WriteStartArray("rules");
            foreach (var rule in plan.Rules)
            {
                w.WriteStartObject();
                w.WriteString("name", rule.Name);
                switch (rule)
                {
                    case ReimburseInvestorsRule r:
                        w.WriteString("kind", "reimburse-investors");
                        Payers(w, r.Payers);
                        w.WriteNumber("timing", (int)r.Timing);
                        break;
                    case ShareGainsRule r:
                        w.WriteString("kind", "share-gains");
                        w.WriteNumber("basis", (int)r.Basis);
                        Payers(w, r.Payers);
                        if (r.Shares is not null)
                        {
                            // In the dictionary's order, as the settlement reads it.
                            w.WriteStartArray("shares");
                            foreach (var (payer, share) in r.Shares)
                            {
                                w.WriteStartObject();
                                w.WriteString("payer", payer);
                                w.WriteNumber("share", share);
                                w.WriteEndObject();
                            }

                            w.WriteEndArray();
                        }

                        w.WriteNumber("timing", (int)r.Timing);
                        break;
                    case ShapleyRule r:
                        w.WriteString("kind", "shapley");
                        Payers(w, r.Payers);
                        w.WriteNumber("timing", (int)r.Timing);
                        break;
                    case PerParticipantPriceRule r:
                        w.WriteString("kind", "per-participant-price");
                        w.WriteString("payer", r.Payer);
                        w.WriteString("payee", r.Payee);
                        w.WriteString("intervention", r.Intervention);
                        w.WriteNumber("price", r.Price);
                        w.WriteNumber("basis", (int)r.Basis);
                        if (r.DurationYears is { } years)
                        {
                            w.WriteNumber("durationYears", years);
                        }

                        break;
                    default:
                        throw new NotSupportedException($"The rule '{rule.Name}' is a {rule.GetType().Name}, which a plan document cannot hold (only the library's rule kinds).");
                }

                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        return stream.ToArray();

        static void Payers(Utf8JsonWriter w, IReadOnlyList<string>? payers)
        {
            if (payers is null)
            {
                return;
            }

            w.WriteStartArray("payers");
            foreach (var p in payers)
            {
                w.WriteStringValue(p);
            }

            w.WriteEndArray();
        }
    }

    public static SettlementPlan Read(byte[] bytes)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        try
        {
            using var doc = JsonDocument.Parse(bytes);
            var root = doc.RootElement;
            if (root.GetProperty("format").GetString() != Format)
            {
                throw new FormatException("The bytes are not a settlement plan document.");
            }

            var rules = new List<SettlementRule>();
            foreach (var r in root.GetProperty("rules").EnumerateArray())
            {
                var name = r.GetProperty("name").GetString()!;
                var payers = r.TryGetProperty("payers", out var ps) ? ps.EnumerateArray().Select(p => p.GetString()!).ToArray() : null;
                var timing = r.TryGetProperty("timing", out var t) ? Known<TransferTiming>(t.GetInt32()) : TransferTiming.AsSaved;
                rules.Add(r.GetProperty("kind").GetString() switch
                {
                    "reimburse-investors" => new ReimburseInvestorsRule(name, payers, timing),
                    "share-gains" => new ShareGainsRule(name, Known<GainShareBasis>(r.GetProperty("basis").GetInt32()), payers, Shares(r), timing),
                    "shapley" => new ShapleyRule(name, payers, timing),
                    "per-participant-price" => new PerParticipantPriceRule(
                        name,
                        r.GetProperty("payer").GetString()!,
                        r.GetProperty("payee").GetString()!,
                        r.GetProperty("intervention").GetString()!,
                        r.GetProperty("price").GetDouble(),
                        Known<ParticipantBasis>(r.GetProperty("basis").GetInt32()),
                        r.TryGetProperty("durationYears", out var y) ? y.GetDouble() : null),
                    var other => throw new FormatException($"The plan document has a rule of unknown kind '{other}'."),
                });
            }

            return new SettlementPlan(root.GetProperty("name").GetString()!, rules);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            throw new FormatException("The settlement plan document cannot be read: " + e.Message, e);
        }

        // An enumeration's value as written, refused when it is not one of its members.
        static TEnum Known<TEnum>(int value)
            where TEnum : struct, Enum
            => Enum.IsDefined(typeof(TEnum), value) ? (TEnum)Enum.ToObject(typeof(TEnum), value) : throw new FormatException($"The plan document has {value}, which is not a {typeof(TEnum).Name}.");

        static Dictionary<string, double>? Shares(JsonElement r)
        {
            if (!r.TryGetProperty("shares", out var shares))
            {
                return null;
            }

            var d = new Dictionary<string, double>(StringComparer.Ordinal);
            foreach (var s in shares.EnumerateArray())
            {
                d.Add(s.GetProperty("payer").GetString()!, s.GetProperty("share").GetDouble());
            }

            return d;
        }
    }
}
