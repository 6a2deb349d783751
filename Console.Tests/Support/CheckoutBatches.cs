using System.Text.Json;

namespace OpsConsole.Tests.Support;

/// <summary>Checkout event bodies as a checkout service would send them, for the ingest tests and the benchmark.</summary>
public static class CheckoutBatches
{
    /// <summary>One event as a JSON-ready dictionary (so a test can drop, add or spoil a field), ids unique per call.</summary>
    public static Dictionary<string, object?> Event(string service, DateTimeOffset? occurredAt = null, string outcome = "succeeded",
        string? errorClass = null, double latencyMs = 42.5, decimal? amount = 19.99m, string? eventId = null) => new()
    {
        ["eventId"] = eventId ?? $"evt-{Guid.NewGuid():N}",
        ["occurredAt"] = (occurredAt ?? DateTimeOffset.UtcNow.AddSeconds(-5)).ToString("O"),
        ["outcome"] = outcome,
        ["errorClass"] = errorClass,
        ["latencyMs"] = latencyMs,
        ["amount"] = amount,
        ["currency"] = "EUR",
        ["region"] = "eu-west",
        ["service"] = service,
        ["target"] = "shop",
    };

    public static string Json(IEnumerable<Dictionary<string, object?>> events) => JsonSerializer.Serialize(events);

    public static string Json(string service, int count) => Json(Enumerable.Range(0, count).Select(_ => Event(service)));
}
