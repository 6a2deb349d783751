namespace OpsConsole.Web.Api;

/// <summary>
/// One checkout attempt as <c>POST /api/v1/checkout-events</c> takes it, for the OpenAPI document only: the
/// endpoint reads bodies with <see cref="CheckoutBatchParser"/>, which follows exactly these fields.
/// </summary>
public sealed class CheckoutEventBody
{
    /// <summary>Unique per checkout attempt (at most 200 characters); a repeated id is stored once.</summary>
    public required string EventId { get; init; }

    /// <summary>ISO 8601 with an offset (Z or ±hh:mm); at most Ingest:MaxClockSkew ahead, at most Ingest:MaxEventAge old.</summary>
    public required DateTimeOffset OccurredAt { get; init; }

    /// <summary>succeeded or failed.</summary>
    public required string Outcome { get; init; }

    /// <summary>Required when failed, absent or null when succeeded: db_deadlock, db_lock_timeout, db_serialization,
    /// db_connection_timeout, payment_gateway, validation, other.</summary>
    public string? ErrorClass { get; init; }

    /// <summary>The service's own error code, failed attempts only (at most 100 characters).</summary>
    public string? ErrorCode { get; init; }

    /// <summary>Milliseconds, 0 to Ingest:MaxLatencyMs.</summary>
    public required double LatencyMs { get; init; }

    /// <summary>The order amount, 0 or more; counted as revenue when succeeded.</summary>
    public decimal? Amount { get; init; }

    /// <summary>ISO 4217, three capital letters.</summary>
    public string? Currency { get; init; }

    public string? Region { get; init; }

    /// <summary>Default checkout.</summary>
    public string? Service { get; init; }

    /// <summary>The database (target) the attempt used, if known.</summary>
    public string? Target { get; init; }
}
