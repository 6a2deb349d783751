using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;
using OpsConsole.Domain.Live;

namespace OpsConsole.Domain.Checkout;

/// <summary>
/// Stores checkout events durably, repeated event ids once: the batch is COPYed (binary) into the connection's
/// staging table and moved with INSERT … ON CONFLICT DO NOTHING, and the per-minute deltas of the newly stored
/// events are appended, all in one transaction. Only after the commit does the caller hear "stored".
/// Raw Npgsql, not EF: COPY is the hot path (tens of thousands of events a second).
/// </summary>
public sealed class CheckoutIngest(IngestConnections connections, CheckoutLive liveFigures, LiveEvents live, IOptions<IngestOptions> options,
    TimeProvider time, ILogger<CheckoutIngest> logger) : ICheckoutEventSink, IDisposable
{
    private const string Copy =
        $"""
        COPY {IngestConnections.StagingTable} ("EventId", "OccurredAt", "Outcome", "ErrorClass", "ErrorCode", "LatencyMs", "Amount", "Currency",
            "Region", "Service", "Target") FROM STDIN (FORMAT BINARY)
        """;

    private const string MoveNew =
        $"""
        INSERT INTO checkout_events ("EventId", "OccurredAt", "Outcome", "ErrorClass", "ErrorCode", "LatencyMs", "Amount", "Currency",
            "Region", "Service", "Target", "ReceivedAt")
        SELECT "EventId", "OccurredAt", "Outcome", "ErrorClass", "ErrorCode", "LatencyMs", "Amount", "Currency", "Region", "Service", "Target", $1
        FROM {IngestConnections.StagingTable}
        ON CONFLICT ("EventId") DO NOTHING
        RETURNING "EventId"
        """;

    private const string AddDelta =
        """
        INSERT INTO checkout_minute_deltas ("Service", "Minute", "Attempts", "Successes", "FailuresByClass", "Revenue", "Histogram")
        VALUES ($1, $2, $3, $4, $5, $6, $7)
        """;

    // Bounds the COPYs in flight (and so the store's load): a batch beyond it waits briefly, then is refused with 429.
    private readonly SemaphoreSlim slots = new(options.Value.MaxConcurrentBatches, options.Value.MaxConcurrentBatches);

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
            throw new CheckoutIngestBusyException(limits.RetryAfter);
        }
        List<CheckoutEvent> stored;
        try
        {
            stored = await WriteAsync(unique, now, ct);
        }
        finally
        {
            slots.Release();
        }

        liveFigures.Record(stored);
        if (stored.Count > 0)
            live.Publish(new CheckoutEventsStored(stored.Count, stored.Max(e => e.OccurredAt)));
        return new CheckoutBatchResult(events.Count, stored.Count, events.Count - stored.Count);
    }

    private async Task<List<CheckoutEvent>> WriteAsync(Dictionary<string, CheckoutEvent> batch, DateTimeOffset receivedAt, CancellationToken ct)
    {
        await using var connection = await connections.OpenAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);

        await using (var importer = await connection.BeginBinaryImportAsync(Copy, ct))
        {
            foreach (var e in batch.Values)
            {
                await importer.StartRowAsync(ct);
                await importer.WriteAsync(e.EventId, NpgsqlDbType.Text, ct);
                await importer.WriteAsync(e.OccurredAt.ToUniversalTime(), NpgsqlDbType.TimestampTz, ct);
                await importer.WriteAsync(e.Outcome.ToString(), NpgsqlDbType.Text, ct);
                await WriteNullableAsync(importer, e.ErrorClass, ct);
                await WriteNullableAsync(importer, e.ErrorCode, ct);
                await importer.WriteAsync(e.LatencyMs, NpgsqlDbType.Double, ct);
                if (e.Amount is { } amount)
                    await importer.WriteAsync(amount, NpgsqlDbType.Numeric, ct);
                else
                    await importer.WriteNullAsync(ct);
                await WriteNullableAsync(importer, e.Currency, ct);
                await WriteNullableAsync(importer, e.Region, ct);
                await importer.WriteAsync(e.Service, NpgsqlDbType.Text, ct);
                await WriteNullableAsync(importer, e.Target, ct);
            }
            await importer.CompleteAsync(ct);
        }

        var stored = new List<CheckoutEvent>(batch.Count);
        await using (var move = new NpgsqlCommand(MoveNew, connection, tx) { Parameters = { new() { Value = receivedAt.ToUniversalTime() } } })
        await using (var reader = await move.ExecuteReaderAsync(ct))
            while (await reader.ReadAsync(ct))
                stored.Add(batch[reader.GetString(0)]);

        // Deltas of the newly stored events only, so that a resent batch adds nothing to the buckets.
        await using (var deltas = new NpgsqlBatch(connection, tx))
        {
            foreach (var group in stored.GroupBy(e => (e.Service, Minute: CheckoutMinute.MinuteOf(e.OccurredAt))))
            {
                var tally = new CheckoutTally();
                foreach (var e in group)
                    tally.Add(e);
                deltas.BatchCommands.Add(new NpgsqlBatchCommand(AddDelta)
                {
                    Parameters =
                    {
                        new() { Value = group.Key.Service }, new() { Value = group.Key.Minute }, new() { Value = tally.Attempts },
                        new() { Value = tally.Successes }, new() { Value = tally.FailuresByClass }, new() { Value = tally.Revenue },
                        new() { Value = LatencyHistograms.Encode(tally.Latency) },
                    },
                });
            }
            if (deltas.BatchCommands.Count > 0)
                await deltas.ExecuteNonQueryAsync(ct);
        }

        await tx.CommitAsync(ct);
        return stored;
    }

    private static Task WriteNullableAsync(NpgsqlBinaryImporter importer, string? value, CancellationToken ct) =>
        value is null ? importer.WriteNullAsync(ct) : importer.WriteAsync(value, NpgsqlDbType.Text, ct);

    public void Dispose() => slots.Dispose();
}
