namespace OpsConsole.Domain.Checkout;

public enum CheckoutOutcome { Succeeded, Failed }

/// <summary>The error classes of the public ingest contract (snake_case on the wire).</summary>
public static class ErrorClasses
{
    public const string DbDeadlock = "db_deadlock";
    public const string DbLockTimeout = "db_lock_timeout";
    public const string DbSerialization = "db_serialization";
    public const string DbConnectionTimeout = "db_connection_timeout";
    public const string PaymentGateway = "payment_gateway";
    public const string Validation = "validation";
    public const string Other = "other";

    public static readonly IReadOnlyList<string> All =
        [DbDeadlock, DbLockTimeout, DbSerialization, DbConnectionTimeout, PaymentGateway, Validation, Other];
}

/// <summary>
/// One checkout attempt, as a checkout service reports it (POST /api/v1/checkout-events) and as the demo shop
/// reports its own. <see cref="ErrorClass"/> is one of <see cref="ErrorClasses"/>, required when failed.
/// </summary>
public sealed record CheckoutEvent(
    string EventId,
    DateTimeOffset OccurredAt,
    CheckoutOutcome Outcome,
    string? ErrorClass,
    string? ErrorCode,
    double LatencyMs,
    decimal? Amount = null,
    string? Currency = null,
    string? Region = null,
    string Service = "checkout",
    string? Target = null);

/// <summary>
/// Where checkout events go: the ingest service behind the HTTP API implements it, and the demo shop's
/// workload reports through it, so that both take the same path into the store.
/// </summary>
public interface ICheckoutEventSink
{
    /// <summary>Stores the batch durably (repeated event ids once) before returning.</summary>
    Task StoreAsync(IReadOnlyList<CheckoutEvent> events, CancellationToken ct);
}
