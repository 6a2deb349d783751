using Microsoft.Extensions.Logging;
using Npgsql;
using NpgsqlTypes;
using OpsConsole.Domain.Live;
using OpsConsole.Domain.Telemetry;

namespace OpsConsole.Domain.Checkout;

/// <summary>
/// Writes checkout batches to the store in groups: the batches that arrive while a group is being written wait, and go
/// together in the next one, in one COPY and one transaction, each answered after that commit (group commit). Measured by
/// the ingest benchmark on two cores, the store's CPU per 1,000 events: 12-13 ms with a transaction per batch of 500 on
/// four backends at once (a WAL flush per commit, backends contending for the same index pages), 7.5-9 ms with one writer
/// of groups, about 4 ms for one large COPY. At most <c>writers</c> groups (Ingest:GroupWriters) are written at once; with
/// none waiting, a lone batch is written at once, alone.
///
/// Each group is one transaction with the per-minute deltas of the newly stored events and the notice to other console
/// instances (delivered only on commit). Most batches are new, so they are COPYed (binary) straight into checkout_events,
/// which writes as a raw COPY does (rows by the page, a WAL record per page) where INSERT … ON CONFLICT writes them one at
/// a time. When the COPY meets an event stored already (a batch resent in part or whole, or another group storing the same
/// event meanwhile: the unique key stops it and the transaction is rolled back), the group is written again with every
/// batch through the connection's staging table and INSERT … ON CONFLICT DO NOTHING. A batch whose first event this
/// instance stored lately (<see cref="RecentBatches"/>) is taken for a resend and goes that way at once: the hint spares
/// its group the failed COPY; the unique key stays the guarantee. The key is (event id, occurredAt), as the table is
/// partitioned by day (decisions/0035): across batches a resend with another occurredAt is a second row.
/// Raw Npgsql, not EF: COPY is the hot path (tens of thousands of events a second).
/// </summary>
internal sealed class CheckoutGroupWriter(IngestConnections connections, PostgresLiveBridge bridge, int writers, ConsoleMetrics metrics, ILogger logger)
    : IDisposable
{
    /// <summary>Most events in one group: a larger one holds its first batch's answer back for little gain.</summary>
    private const int MaxGroupEvents = 20_000;

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

    // The usual batch has no duplicates: then a null comes back ("all of them") instead of every id. The staging table is
    // emptied in the same statement (same snapshot), ready for the group's next batch.
    private const string MoveNewAndCount =
        $$"""
        WITH moved AS ({{MoveNew}}), emptied AS (DELETE FROM {{IngestConnections.StagingTable}})
        SELECT CASE WHEN count(*) = $2 THEN NULL ELSE coalesce(array_agg("EventId"), '{}') END FROM moved
        """;

    private static readonly string Succeeded = nameof(CheckoutOutcome.Succeeded);
    private static readonly string Failed = nameof(CheckoutOutcome.Failed);

    private const string AddDelta =
        """
        INSERT INTO checkout_minute_deltas ("Service", "Minute", "Attempts", "Successes", "FailuresByClass", "Revenue", "LatenciesMicros")
        VALUES ($1, $2, $3, $4, $5, $6, $7)
        """;

    private readonly Lock gate = new();
    private readonly Queue<PendingBatch> waiting = new();
    private readonly RecentBatches recentBatches = new();
    private readonly CancellationTokenSource stopping = new();
    private int running;

    /// <summary>
    /// Stores the batch (unique event ids) with the next group; completes with its newly stored events once that group has
    /// committed, or fails as the group's write failed (nothing of it stored).
    /// </summary>
    public Task<List<CheckoutEvent>> WriteAsync(Dictionary<string, CheckoutEvent> batch, DateTimeOffset receivedAt)
    {
        var pending = new PendingBatch(batch, receivedAt);
        lock (gate)
        {
            waiting.Enqueue(pending);
            if (running == writers)
                return pending.Stored.Task;
            running++;
        }
        _ = Task.Run(WriteWhileBatchesWaitAsync);
        return pending.Stored.Task;
    }

    private async Task WriteWhileBatchesWaitAsync()
    {
        while (TakeGroup() is { } group)
            await WriteAndAnswerAsync(group);
    }

    private async Task WriteAndAnswerAsync(List<PendingBatch> group)
    {
        try
        {
            await WriteGroupAsync(group, stopping.Token);
            metrics.IngestGroupWritten(group.Count);
            foreach (var batch in group)
                batch.Stored.TrySetResult(batch.Result);
        }
        catch (PostgresException refused) when (group.Count > 1)
        {
            // A value the store refuses fails its transaction, and with it every batch of the group: each is written again
            // alone, so that only the faulty one is answered with the error.
            logger.LogWarning(refused, "The store refused a group of {Batches} checkout batches; writing each alone", group.Count);
            foreach (var batch in group)
                await WriteAndAnswerAsync([batch]);
        }
        catch (Exception e)
        {
            foreach (var batch in group)
                batch.Stored.TrySetException(e);
        }
    }

    /// <summary>The batches waiting, oldest first, up to <see cref="MaxGroupEvents"/>; none when no batch waits (this writer stops).</summary>
    private List<PendingBatch>? TakeGroup()
    {
        lock (gate)
        {
            if (waiting.Count == 0)
            {
                running--;
                return null;
            }
            var group = new List<PendingBatch> { waiting.Dequeue() };
            var events = group[0].Events.Count;
            while (waiting.TryPeek(out var next) && events + next.Events.Count <= MaxGroupEvents)
            {
                group.Add(waiting.Dequeue());
                events += next.Events.Count;
            }
            return group;
        }
    }

    private async Task WriteGroupAsync(List<PendingBatch> group, CancellationToken ct)
    {
        await using var connection = await connections.OpenAsync(ct);
        var fresh = group.Where(batch => !recentBatches.Contains(batch.First)).ToList();
        if (fresh.Count > 0)
        {
            try
            {
                await WriteAsync(connection, group, copied: fresh, ct);
                foreach (var batch in fresh)
                    recentBatches.Add(batch.First);
                return;
            }
            catch (PostgresException stored) when (stored.SqlState == PostgresErrorCodes.UniqueViolation)
            {
                logger.LogDebug("A group of {Batches} checkout batches holds an event stored already; storing its new events only", group.Count);
            }
        }
        await WriteAsync(connection, group, copied: [], ct);
    }

    /// <summary>
    /// One transaction: the <paramref name="copied"/> batches in one COPY, every other one through the staging table, then
    /// the deltas, the notices and the COMMIT in one round trip.
    /// </summary>
    private async Task WriteAsync(NpgsqlConnection connection, List<PendingBatch> group, List<PendingBatch> copied, CancellationToken ct)
    {
        await using var tx = await connection.BeginTransactionAsync(ct);
        if (copied.Count > 0)
        {
            await using var importer = await connection.BeginBinaryImportAsync(CopyNew, ct);
            foreach (var batch in copied)
            {
                var received = batch.ReceivedAt.UtcDateTime;
                foreach (var e in batch.Events.Values)
                {
                    WriteRow(importer, e);
                    importer.Write(received, NpgsqlDbType.TimestampTz);
                }
                batch.Result = [.. batch.Events.Values];
            }
            await importer.CompleteAsync(ct);
        }
        foreach (var batch in group.Except(copied))
            batch.Result = await MoveThroughStagingAsync(connection, tx, batch, ct);
        await CommitWithDeltasAsync(connection, tx, [.. group.SelectMany(batch => batch.Result)], ct);
    }

    private static async Task<List<CheckoutEvent>> MoveThroughStagingAsync(NpgsqlConnection connection, NpgsqlTransaction tx, PendingBatch batch,
        CancellationToken ct)
    {
        await using (var importer = await connection.BeginBinaryImportAsync(Copy, ct))
        {
            foreach (var e in batch.Events.Values)
                WriteRow(importer, e);
            await importer.CompleteAsync(ct);
        }

        await using var move = new NpgsqlCommand(MoveNewAndCount, connection, tx)
            { Parameters = { new() { Value = batch.ReceivedAt.ToUniversalTime() }, new() { Value = (long)batch.Events.Count } } };
        await using var reader = await move.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        return reader.IsDBNull(0) ? [.. batch.Events.Values] : [.. reader.GetFieldValue<string[]>(0).Select(id => batch.Events[id])];
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

    private static void WriteNullable(NpgsqlBinaryImporter importer, string? value)
    {
        if (value is null)
            importer.WriteNull();
        else
            importer.Write(value, NpgsqlDbType.Text);
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

    /// <summary>
    /// Stops the writers: a group being written fails (rolled back), as do the batches still waiting. The token source is
    /// left to the collector: a writer may still be reading its token.
    /// </summary>
    public void Dispose()
    {
        stopping.Cancel();
        lock (gate)
            while (waiting.TryDequeue(out var batch))
                batch.Stored.TrySetCanceled();
    }

    private sealed class PendingBatch(Dictionary<string, CheckoutEvent> events, DateTimeOffset receivedAt)
    {
        public Dictionary<string, CheckoutEvent> Events { get; } = events;
        public DateTimeOffset ReceivedAt { get; } = receivedAt;
        public CheckoutEvent First { get; } = events.Values.First();

        /// <summary>Its newly stored events, set by the write of its group.</summary>
        public List<CheckoutEvent> Result { get; set; } = [];

        // Continuations run on the thread pool, not on the writer, which goes on to the next group.
        public TaskCompletionSource<List<CheckoutEvent>> Stored { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
