using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace OpsConsole.Domain.Live;

/// <summary>
/// A live event on its way between console instances, as the JSON payload of a PostgreSQL NOTIFY:
/// <c>{"origin":"…","type":"changeUpdated","data":{…},"sentAt":"…"}</c>. The origin lets each instance drop its own; the
/// sending time gives the receiver the bridge's lag (optional: a payload of an older version has none).
/// </summary>
public sealed record LiveEnvelope(Guid Origin, string Type, JsonElement Data, DateTimeOffset? SentAt = null)
{
    public const string ChangeUpdatedType = "changeUpdated";
    public const string TargetUpdatedType = "targetUpdated";
    public const string CheckoutStoredType = "checkoutStored";
    public const string LocksSampledType = "locksSampled";
    public const string LockStatusType = "lockStatus";
    public const string IncidentUpdatedType = "incidentUpdated";
    public const string RehearsalProgressedType = "rehearsalProgressed";
    public const string PostmortemUpdatedType = "postmortemUpdated";
    public const string AlertRuleUpdatedType = "alertRuleUpdated";

    /// <summary>PostgreSQL refuses NOTIFY payloads of 8000 bytes and more.</summary>
    public const int MaxPayloadBytes = 7999;

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static string Payload<T>(Guid origin, string type, T data, DateTimeOffset sentAt)
    {
        var payload = JsonSerializer.Serialize(new LiveEnvelope(origin, type, JsonSerializer.SerializeToElement(data, Json), sentAt), Json);
        return Encoding.UTF8.GetByteCount(payload) <= MaxPayloadBytes
            ? payload
            : throw new InvalidOperationException($"A {type} notification of {Encoding.UTF8.GetByteCount(payload)} bytes does not fit in NOTIFY.");
    }

    /// <summary>The envelope, or null for a payload this version cannot read (another version's, say).</summary>
    public static LiveEnvelope? Parse(string payload)
    {
        try { return JsonSerializer.Deserialize<LiveEnvelope>(payload, Json); }
        catch (JsonException) { return null; }
    }

    public T? DataAs<T>() => Data.Deserialize<T>(Json);
}
