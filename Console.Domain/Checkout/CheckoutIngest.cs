using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;
using System.Diagnostics;
using OpsConsole.Domain.Live;
using OpsConsole.Domain.Telemetry;

namespace OpsConsole.Domain.Checkout;

/// <summary>
/// Stores checkout events durably, a resent event once, in one transaction with the per-minute deltas of the newly stored
/// events and the notice to other console instances (delivered only on commit). Most batches are new, so a batch is COPYed
/// (binary) straight into checkout_events, which writes as a raw COPY does (rows by the page, a WAL record per page) where
/// INSERT … ON CONFLICT writes them one at a time. When the COPY meets an event stored already (a batch resent in part or
/// whole, or another batch storing the same event meanwhile: the unique key stops it and the transaction is rolled back),
/// the batch goes through the connection's staging table and INSERT … ON CONFLICT DO NOTHING. A batch whose first event
/// this instance stored lately (<see cref="RecentBatches"/>) is taken for a resend and goes that way at once: the hint
/// spares a resend the failed COPY, and saves every new batch a look-up round trip; the unique key stays the guarantee.
/// The deltas, the notices and the COMMIT go in one round trip; only after the commit does the caller hear "stored".
/// The key is (event id, occurredAt), as the table is
/// partitioned by day (decisions/0035): within a batch an id counts once whatever its occurredAt; across batches a resend
/// with another occurredAt is a second row.
/// Raw Npgsql, not EF: COPY is the hot path (tens of thousands of events a second).
/// </summary>
public sealed class CheckoutIngest(IngestConnections connections, CheckoutLive liveFigures, PostgresLiveBridge bridge,
    IOptions<IngestOptions> options, ConsoleMetrics metrics,
    TimeProvider time, ILogger<CheckoutIngest> logger) : ICheckoutEventSink, IDisposable
{
    private const string CopyNew =
        """
        COPY checkout_events ("EventId", "OccurredAt", "Outcome", "ErrorClass", "ErrorCode", "LatencyMs", "Amount", "Currency",
            "Region", "Service", "Target", "ReceivedAt") FROM STDIN (FORMAT BINARY)
        """;

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
        ON CONFLICT ("EventId", "OccurredAt") DO NOTHING
        RETURNING "EventId"
        """;

    // The usual batch has no duplicates: then a null comes back ("all of them") instead of every id.
    private const string MoveNewAndCount =
        $"WITH moved AS ({MoveNew}) SELECT CASE WHEN count(*) = $2 THEN NULL ELSE coalesce(array_agg(\"EventId\"), '{{}}') END FROM moved";

    private static readonly string Succeeded = nameof(CheckoutOutcome.Succeeded);
    private static readonly string Failed = nameof(CheckoutOutcome.Failed);

    private const string AddDelta =
        """
        INSERT INTO checkout_minute_deltas ("Service", "Minute", "Attempts", "Successes", "FailuresByClass", "Revenue", "LatenciesMicros")
        VALUES ($1, $2, $3, $4, $5, $6, $7)
        """;

    // Bounds the COPYs in flight (and so the store's load): a batch beyond it waits briefly, then is refused with 429.
    private readonly SemaphoreSlim slots = new(options.Value.MaxConcurrentBatches, options.Value.MaxConcurrentBatches);

    private readonly RecentBatches recentBatches = new();

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
            stored = await WriteAsync(unique, now, ct);
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

    private async Task<List<CheckoutEvent>> WriteAsync(Dictionary<string, CheckoutEvent> batch, DateTimeOffset receivedAt, CancellationToken ct)
    {
        await using var connection = await connections.OpenAsync(ct);
        var first = batch.Values.First();
        if (!recentBatches.Contains(first))
        {
            try
            {
                var stored = await CopyAllAsync(connection, batch, receivedAt, ct);
                recentBatches.Add(first);
                return stored;
            }
            catch (PostgresException stored) when (stored.SqlState == PostgresErrorCodes.UniqueViolation)
            {
                logger.LogDebug("A batch of {Count} checkout events holds one stored already; storing its new events only", batch.Count);
            }
        }
        return await MoveThroughStagingAsync(connection, batch, receivedAt, ct);
    }

    private async Task<List<CheckoutEvent>> CopyAllAsync(NpgsqlConnection connection, Dictionary<string, CheckoutEvent> batch,
        DateTimeOffset receivedAt, CancellationToken ct)
    {
        await using var tx = await connection.BeginTransactionAsync(ct);
        await using (var importer = await connection.BeginBinaryImportAsync(CopyNew, ct))
        {
            var received = receivedAt.UtcDateTime;
            foreach (var e in batch.Values)
            {
                WriteRow(importer, e);
                importer.Write(received, NpgsqlDbType.TimestampTz);
            }
            await importer.CompleteAsync(ct);
        }
        List<CheckoutEvent> stored = [.. batch.Values];
        await CommitWithDeltasAsync(connection, tx, stored, ct);
        return stored;
    }

    private async Task<List<CheckoutEvent>> MoveThroughStagingAsync(NpgsqlConnection connection, Dictionary<string, CheckoutEvent> batch,
        DateTimeOffset receivedAt, CancellationToken ct)
    {
        await using var tx = await connection.BeginTransactionAsync(ct);

        await using (var importer = await connection.BeginBinaryImportAsync(Copy, ct))
        {
            foreach (var e in batch.Values)
                WriteRow(importer, e);
            await importer.CompleteAsync(ct);
        }

        List<CheckoutEvent> stored;
        await using (var move = new NpgsqlCommand(MoveNewAndCount, connection, tx)
                     { Parameters = { new() { Value = receivedAt.ToUniversalTime() }, new() { Value = (long)batch.Count } } })
        await using (var reader = await move.ExecuteReaderAsync(ct))
        {
            await reader.ReadAsync(ct);
            stored = reader.IsDBNull(0) ? [.. batch.Values] : [.. reader.GetFieldValue<string[]>(0).Select(id => batch[id])];
        }

        await CommitWithDeltasAsync(connection, tx, stored, ct);
        return stored;
    }

    /// <summary>
    /// One event's columns, up to Target. Synchronous writes: they fill Npgsql's buffer (a rare flush goes to a loopback or
    /// LAN socket), and an await per field would cost more than the field.
    /// </summary>
    private static void WriteRow(NpgsqlBinaryImporter importer, CheckoutEvent e)
    {
        importer.StartRow();
        importer.Write(e.EventId, NpgsqlDbType.Text);
        importer.Write(e.OccurredAt.UtcDateTime, NpgsqlDbType.TimestampTz);
        importer.Write(e.Outcome == CheckoutOutcome.Succeeded ? Succeeded : Failed, NpgsqlDbType.Text);
        WriteNullable(importer, e.ErrorClass);
        WriteNullable(importer, e.ErrorCode);
        importer.Write(e.LatencyMs, NpgsqlDbType.Double);
        if (e.Amount is { } amount)
            importer.Write(amount, NpgsqlDbType.Numeric);
        else
            importer.WriteNull();
        WriteNullable(importer, e.Currency);
        WriteNullable(importer, e.Region);
        importer.Write(e.Service, NpgsqlDbType.Text);
        WriteNullable(importer, e.Target);
    }

    /// <summary>
    /// Deltas of the newly stored events only, so that a resent batch adds nothing to the buckets, and the COMMIT, in one
    /// round trip. Its answer comes once the commit is on disk (synchronous_commit); should a statement fail, PostgreSQL
    /// skips the rest of the round trip, COMMIT included, and the transaction is rolled back when it is disposed.
    /// </summary>
    private async Task CommitWithDeltasAsync(NpgsqlConnection connection, NpgsqlTransaction tx, List<CheckoutEvent> stored, CancellationToken ct)
    {
        await using var deltas = new NpgsqlBatch(connection, tx);
        foreach (var group in stored.GroupBy(e => (e.Service, Minute: CheckoutMinute.MinuteOf(e.OccurredAt))))
        {
            long successes = 0;
            decimal revenue = 0;
            var failures = new long[ErrorClasses.All.Count];
            var latencies = new long[group.Count()];
            var i = 0;
            foreach (var e in group)
            {
                latencies[i++] = LatencyHistograms.Micros(e.LatencyMs);
                if (e.Outcome == CheckoutOutcome.Succeeded)
                    (successes, revenue) = (successes + 1, revenue + (e.Amount ?? 0));
                else
                    failures[CheckoutTally.ClassIndex(e.ErrorClass)]++;
            }
            deltas.BatchCommands.Add(new NpgsqlBatchCommand(AddDelta)
            {
                Parameters =
                {
                    new() { Value = group.Key.Service }, new() { Value = group.Key.Minute }, new() { Value = (long)latencies.Length },
                    new() { Value = successes }, new() { Value = failures }, new() { Value = revenue }, new() { Value = latencies },
                },
            });
        }
        // Same round trip as the deltas; PostgreSQL holds the notifications back until the commit and drops them on rollback.
        foreach (var notify in bridge.CheckoutNotifications(stored))
            deltas.BatchCommands.Add(notify);
        deltas.BatchCommands.Add(new NpgsqlBatchCommand("COMMIT"));
        await deltas.ExecuteNonQueryAsync(ct);
    }

    private static void WriteNullable(NpgsqlBinaryImporter importer, string? value)
    {
        if (value is null)
            importer.WriteNull();
        else
            importer.Write(value, NpgsqlDbType.Text);
    }

    public void Dispose() => slots.Dispose();
}
