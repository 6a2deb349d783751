using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using System.Diagnostics;
using OpsConsole.Domain.Live;
using OpsConsole.Domain.Telemetry;

namespace OpsConsole.Domain.Checkout;

/// <summary>
/// The checkout ingest: checks a batch, admits it while <see cref="IngestOptions.MaxConcurrentBatches"/> batches at most are
/// in the store's hands (beyond, a batch waits briefly, then is refused with 429), has <see cref="CheckoutGroupWriter"/>
/// store it durably with the batches that arrive meanwhile (a resent event once), and only after that commit answers
/// "stored" and adds the new events to this instance's live figures.
/// </summary>
public sealed class CheckoutIngest(IngestConnections connections, CheckoutLive liveFigures, PostgresLiveBridge bridge,
    IOptions<IngestOptions> options, ConsoleMetrics metrics,
    TimeProvider time, ILogger<CheckoutIngest> logger) : ICheckoutEventSink, IDisposable
{
    private readonly SemaphoreSlim slots = new(options.Value.MaxConcurrentBatches, options.Value.MaxConcurrentBatches);

    private readonly CheckoutGroupWriter writer = new(connections, bridge, options.Value.GroupWriters, metrics, logger);

    /// <inheritdoc />
    public Task StoreAsync(IReadOnlyList<CheckoutEvent> events, CancellationToken ct) => IngestAsync(events, ct);

    /// <summary>
    /// Checks every event (<see cref="DomainRuleException"/> naming "[i].field" for the first bad one: nothing is
    /// stored), then stores the batch. Throws <see cref="CheckoutIngestBusyException"/> when no slot frees up in time.
    /// </summary>
    public async Task<CheckoutBatchResult> IngestAsync(IReadOnlyList<CheckoutEvent> events, CancellationToken ct)
    {
        var limits = options.Value;
        var now = time.GetUtcNow();
        if (events.Count > limits.MaxBatchEvents)
            throw new DomainRuleException($"A batch has at most {limits.MaxBatchEvents} events.");
        for (var i = 0; i < events.Count; i++)
            if (CheckoutEventRules.FirstProblem(events[i], now, limits) is { } problem)
                throw new DomainRuleException(problem.Message, $"[{i}].{problem.Field}");
        if (events.Count == 0)
            return new CheckoutBatchResult(0, 0, 0);

        // Repeats within the batch count as duplicates too; the first occurrence is the one stored.
        var unique = new Dictionary<string, CheckoutEvent>(events.Count, StringComparer.Ordinal);
        foreach (var e in events)
            unique.TryAdd(e.EventId, e);

        if (!await slots.WaitAsync(limits.QueueWait, ct))
        {
            logger.LogWarning("Refused a batch of {Count} checkout events: all {Slots} ingest slots stayed busy for {Wait}",
                events.Count, limits.MaxConcurrentBatches, limits.QueueWait);
            metrics.IngestThrottled();
            throw new CheckoutIngestBusyException(limits.RetryAfter);
        }
        List<CheckoutEvent> stored;
        var clock = Stopwatch.StartNew();
        try
        {
            // Not cancelled with the request: the batch may be in a group with others' already.
            stored = await writer.WriteAsync(unique, now);
        }
        finally
        {
            slots.Release();
        }

        metrics.IngestStored(stored.Count, events.Count - stored.Count, clock.Elapsed);
        if (stored.Count > 0)
            liveFigures.Record(stored, announce: new CheckoutEventsStored(stored.Count, stored.Max(e => e.OccurredAt)));
        return new CheckoutBatchResult(events.Count, stored.Count, events.Count - stored.Count);
    }

    public void Dispose()
    {
        writer.Dispose();
        slots.Dispose();
    }
}
