namespace OpsConsole.Domain.Checkout;

/// <summary>
/// A row of checkout_events. Written only by <see cref="CheckoutIngest"/> through COPY (never through EF),
/// so this type exists for the schema, the migrations and reading back.
/// </summary>
public sealed class StoredCheckoutEvent
{
    public string EventId { get; private set; } = "";
    public DateTimeOffset OccurredAt { get; private set; }
    public CheckoutOutcome Outcome { get; private set; }
    public string? ErrorClass { get; private set; }
    public string? ErrorCode { get; private set; }
    public double LatencyMs { get; private set; }
    public decimal? Amount { get; private set; }
    public string? Currency { get; private set; }
    public string? Region { get; private set; }
    public string Service { get; private set; } = "";
    public string? Target { get; private set; }
    public DateTimeOffset ReceivedAt { get; private set; }
}
