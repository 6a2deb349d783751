using Microsoft.Extensions.Options;
using static OpsConsole.Domain.ValidatedOptions;

namespace OpsConsole.Domain.Checkout;

/// <summary>Limits of the checkout ingest (<c>POST /api/v1/checkout-events</c> and the demo shop's sink).</summary>
public sealed class IngestOptions : IValidatedOptions
{
    public const string Section = "Ingest";

    /// <summary>Histograms cover latencies up to one hour; a larger bound would make them incompatible.</summary>
    public const double LatencyCeilingMs = 3_600_000;

    /// <summary>Largest request body; larger ones are answered 413.</summary>
    public int MaxBatchBytes { get; set; } = 1024 * 1024;

    /// <summary>Most events in one batch; more are answered 413.</summary>
    public int MaxBatchEvents { get; set; } = 5000;

    /// <summary>
    /// Batches in the store's hands at once, being written or waiting for the next group; more wait up to
    /// <see cref="QueueWait"/>, then get 429.
    /// </summary>
    public int MaxConcurrentBatches { get; set; } = 4;

    /// <summary>
    /// Groups of batches written at once, each on its own connection. One is fastest on a small store: batches that arrive
    /// meanwhile make the next group larger, and two backends writing at once cost the store more CPU per event (measured).
    /// </summary>
    public int GroupWriters { get; set; } = 1;

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

    public string? Problem() => First(
        AtLeast("Ingest:MaxBatchBytes", MaxBatchBytes, 1),
        AtLeast("Ingest:MaxBatchEvents", MaxBatchEvents, 1),
        AtLeast("Ingest:MaxConcurrentBatches", MaxConcurrentBatches, 1),
        AtLeast("Ingest:GroupWriters", GroupWriters, 1),
        AtLeast("Ingest:QueueWait", QueueWait, TimeSpan.Zero),
        AtLeast("Ingest:RetryAfter", RetryAfter, TimeSpan.FromSeconds(1)),
        AtLeast("Ingest:MaxClockSkew", MaxClockSkew, TimeSpan.Zero),
        AtLeast("Ingest:MaxEventAge", MaxEventAge, TimeSpan.FromMinutes(1)),
        MaxLatencyMs > 0 && MaxLatencyMs <= LatencyCeilingMs ? null : "Ingest:MaxLatencyMs is at most 3600000 (one hour).");
}

/// <summary>A rule across two sections: a resent event older than the stored ones could not be recognised as a duplicate.</summary>
internal sealed class IngestAgainstRetentionValidator(IOptions<CheckoutOptions> checkout) : IValidateOptions<IngestOptions>
{
    public ValidateOptionsResult Validate(string? name, IngestOptions options) =>
        options.MaxEventAge < checkout.Value.EventRetention ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail("Ingest:MaxEventAge must be shorter than Checkout:EventRetention, or a resent old event would be stored twice.");
}
