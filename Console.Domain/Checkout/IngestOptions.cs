namespace OpsConsole.Domain.Checkout;

/// <summary>Limits of the checkout ingest (<c>POST /api/v1/checkout-events</c> and the demo shop's sink).</summary>
public sealed class IngestOptions
{
    public const string Section = "Ingest";

    /// <summary>Histograms cover latencies up to one hour; a larger bound would make them incompatible.</summary>
    public const double LatencyCeilingMs = 3_600_000;

    /// <summary>Largest request body; larger ones are answered 413.</summary>
    public int MaxBatchBytes { get; set; } = 1024 * 1024;

    /// <summary>Most events in one batch; more are answered 413.</summary>
    public int MaxBatchEvents { get; set; } = 5000;

    /// <summary>Batches written to the store at once; more wait up to <see cref="QueueWait"/>, then get 429.</summary>
    public int MaxConcurrentBatches { get; set; } = 4;

    /// <summary>How long a batch waits for a free slot before it is refused with 429 and Retry-After.</summary>
    public TimeSpan QueueWait { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>The Retry-After a refused batch is given.</summary>
    public TimeSpan RetryAfter { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How far ahead of the console's clock an event may be (the sender's clock may run a little fast).</summary>
    public TimeSpan MaxClockSkew { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>The oldest event accepted. Must stay below Checkout:EventRetention, or a resent old event would count twice.</summary>
    public TimeSpan MaxEventAge { get; set; } = TimeSpan.FromDays(1);

    /// <summary>The largest latency accepted, in milliseconds (at most one hour).</summary>
    public double MaxLatencyMs { get; set; } = 600_000;
}
