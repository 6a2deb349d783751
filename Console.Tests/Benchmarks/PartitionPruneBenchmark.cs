using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using OpsConsole.Domain.Data;
using OpsConsole.Tests.Support;

namespace OpsConsole.Tests.Benchmarks;

/// <summary>
/// Pruning a day of checkout events (OPS_BENCH_PRUNE_EVENTS, default 10,000,000) two ways on the same cluster and the same
/// rows: dropping the day's partition, as the console does now (the runtime role calling the ops_day_partitions_* functions), against
/// the row DELETE the console ran before (service by service over the (Service, OccurredAt) index it had then) on an unpartitioned table
/// of the same shape and indexes holding only that day, which flatters the DELETE: the old table held a week. The DELETE's
/// vacuum afterwards is not counted either. Rows are made server-side (INSERT … SELECT generate_series) and the day is
/// analyzed first, as autovacuum would have done by the time a day expires. The prune is timed as the console's call
/// (<see cref="DayPartitions.PruneAsync"/>: detach, drop the detached day, DEFAULT's delete) with its steps beside it: the
/// detach is all that holds checkout_events against ingest; the drop removes the day's files and blocks nobody. Beside them,
/// the floor: the file system removing as many bytes. Goal: the prune call in at most 1 s.
/// </summary>
[Collection(BenchmarkCollection.Name)]
public sealed class PartitionPruneBenchmark(PostgresClusterFixture postgres, ITestOutputHelper output)
{
    private static readonly DateOnly Day = new(2020, 1, 15);

    [Benchmark]
    public async Task PruneADayOfEvents_DropPartitionAgainstDelete()
    {
        var events = int.TryParse(Environment.GetEnvironmentVariable("OPS_BENCH_PRUNE_EVENTS"), out var n) && n > 0 ? n : 10_000_000;
        var store = await postgres.CreateStoreAsync("prune-bench");
        await using var owner = new NpgsqlConnection(postgres.AsOwner(store));
        await owner.OpenAsync();
        var dayStart = new DateTimeOffset(Day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);

        var load = Stopwatch.StartNew();
        await ExecuteAsync(owner, $"SELECT ops_day_partitions_ensure('checkout_events', '{Day:yyyy-MM-dd}', '{Day:yyyy-MM-dd}')");
        await ExecuteAsync(owner, $"""
            INSERT INTO checkout_events ("EventId", "OccurredAt", "Outcome", "ErrorClass", "ErrorCode", "LatencyMs", "Amount", "Currency", "Region",
                "Service", "Target", "ReceivedAt")
            SELECT 'bench-' || md5(g::text), t, CASE WHEN g % 50 = 0 THEN 'Failed' ELSE 'Succeeded' END,
                CASE WHEN g % 50 = 0 THEN 'db_lock_timeout' END, NULL, (g % 900)::float8, 59.90, 'EUR', 'eu-west', 'checkout-' || (g % 4), 'shop', t
            FROM generate_series(1, {events}) g, LATERAL (SELECT timestamptz '{dayStart:O}' + (g - 1) * (interval '86399 seconds' / {events})) x(t)
            """);
        var loadPartition = load.Elapsed;
        await ExecuteAsync(owner, $"""
            CREATE TABLE checkout_events_flat (LIKE checkout_events INCLUDING ALL);
            CREATE INDEX ON checkout_events_flat ("Service", "OccurredAt"); -- the old DELETE's path, gone since decisions/0043
            INSERT INTO checkout_events_flat SELECT * FROM checkout_events_{Day:yyyyMMdd};
            ANALYZE checkout_events_{Day:yyyyMMdd};
            ANALYZE checkout_events_flat;
            """);
        // Both start from the same clean state: the load's dirty pages written out first, by a checkpoint (a superuser's right) and a sync.
        await CheckpointAsync(store);
        var loadBoth = load.Elapsed;

        // Before: the console's old PruneAsync, service by service (found by a loose index scan), on the unpartitioned table.
        var delete = Stopwatch.StartNew();
        var services = new List<string>();
        await using (var command = new NpgsqlCommand("""
            WITH RECURSIVE s AS (
                SELECT min("Service") AS v FROM checkout_events_flat
                UNION ALL
                SELECT (SELECT min("Service") FROM checkout_events_flat WHERE "Service" > s.v) FROM s WHERE s.v IS NOT NULL)
            SELECT v FROM s WHERE v IS NOT NULL
            """, owner))
        await using (var reader = await command.ExecuteReaderAsync())
            while (await reader.ReadAsync())
                services.Add(reader.GetString(0));
        long deleted = 0;
        foreach (var service in services)
        {
            await using var command = new NpgsqlCommand("DELETE FROM checkout_events_flat WHERE \"Service\" = $1 AND \"OccurredAt\" < $2", owner)
                { CommandTimeout = 3600, Parameters = { new() { Value = service }, new() { Value = dayStart.AddDays(1) } } };
            deleted += await command.ExecuteNonQueryAsync();
        }
        var deleteTime = delete.Elapsed;

        // The DELETE's gigabytes of dirty pages and WAL written out too: a day expires a week after it was written, into a
        // store that a checkpoint has long made clean, and a checkpoint the DELETE set off would otherwise be timed here.
        await CheckpointAsync(store);

        // Now: the runtime role drops the day through the owner's function, as CheckoutRollup.PruneAsync does.
        await using var db = PostgresClusterFixture.ContextFor(store);
        await db.Database.OpenConnectionAsync(TestContext.Current.CancellationToken);
        // EF compiles the query once per process; the console has done so long before a day expires.
        Assert.Empty(await DayPartitions.PruneAsync(db, DayPartitions.CheckoutEvents, dayStart.AddYears(-10), TestContext.Current.CancellationToken));
        // DayPartitions.PruneAsync's three steps, each timed: detach (the only one that locks checkout_events against ingest),
        // drop of the detached day (its files), and DEFAULT's delete (empty here). Their sum is the prune call.
        var ct = TestContext.Current.CancellationToken;
        var step = Stopwatch.StartNew();
        var pruned = await DayPartitions.DetachAsync(db, DayPartitions.CheckoutEvents, dayStart.AddDays(1), ct);
        var detachTime = step.Elapsed;
        step.Restart();
        var droppedTables = await DayPartitions.DropDetachedAsync(db, DayPartitions.CheckoutEvents, ct);
        var dropFilesTime = step.Elapsed;
        step.Restart();
        Assert.Equal(0, await DayPartitions.PruneDefaultAsync(db, DayPartitions.CheckoutEvents, dayStart.AddDays(1), ct));
        var dropTime = detachTime + dropFilesTime + step.Elapsed;
        Assert.Equal([$"checkout_events_{Day:yyyyMMdd}"], droppedTables);

        var dropped = Assert.Single(pruned, p => p.Dropped);
        var removeTime = await RemoveFilesOfAsync(dropped.Bytes ?? 0);
        var figures = new
        {
            events,
            loadPartitionSeconds = Math.Round(loadPartition.TotalSeconds, 1),
            loadBothSeconds = Math.Round(loadBoth.TotalSeconds, 1),
            deleteSeconds = Math.Round(deleteTime.TotalSeconds, 2),
            deletedRows = deleted,
            pruneCallMs = Math.Round(dropTime.TotalMilliseconds, 1),
            detachMs = Math.Round(detachTime.TotalMilliseconds, 1),
            dropDetachedMs = Math.Round(dropFilesTime.TotalMilliseconds, 1),
            droppedRowsEstimate = dropped.Rows,
            droppedMegabytes = Math.Round((dropped.Bytes ?? 0) / 1048576.0),
            removeSameBytesMs = Math.Round(removeTime.TotalMilliseconds, 1),
            pruneOverRemove = Math.Round(dropTime / removeTime, 2),
            deleteOverDrop = Math.Round(deleteTime / dropTime),
        };
        BenchmarkFigures.Report(output, "prune.json", figures);
        Assert.Equal(events, deleted);
        Assert.Equal($"checkout_events_{Day:yyyyMMdd}", dropped.Name);
        Assert.Null(await ScalarAsync(owner, $"SELECT to_regclass('checkout_events_{Day:yyyyMMdd}')::text"));
    }

    /// <summary>
    /// The file system's own price for freeing as many bytes as the day held: files in PostgreSQL's 1 GB segments, written
    /// and flushed beside the cluster's data, then removed, timed. It is the floor of any drop. Where the file system is
    /// mounted with online discard (this machine's root is), a removal waits for the disk to trim the freed blocks.
    /// </summary>
    private static async Task<TimeSpan> RemoveFilesOfAsync(long bytes)
    {
        const long Segment = 1L << 30;
        var folder = PostgresClusterFixture.NewTempFolder("prune-floor");
        try
        {
            var block = new byte[1 << 20];
            Random.Shared.NextBytes(block);
            var files = new List<string>();
            for (var left = bytes; left > 0; left -= Segment)
            {
                var path = Path.Combine(folder, $"segment.{files.Count}");
                await using (var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, block.Length))
                {
                    for (long written = 0; written < Math.Min(left, Segment); written += block.Length)
                        await file.WriteAsync(block);
                    file.Flush(flushToDisk: true);
                }
                files.Add(path);
            }
            var clock = Stopwatch.StartNew();
            foreach (var file in files)
                File.Delete(file);
            return clock.Elapsed;
        }
        finally
        {
            PostgresClusterFixture.TryDelete(folder);
        }
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 3600 };
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>
    /// A checkpoint, then the file system's sync: the tests' cluster runs without fsync, so its checkpoint leaves gigabytes
    /// in the page cache, and a drop timed while the kernel writes them back would wait for that write-back. A day expires
    /// a week after it was written, long on disk by then.
    /// </summary>
    private async Task CheckpointAsync(string store)
    {
        await using var superuser = new NpgsqlConnection(postgres.AsSuperuser(store));
        await superuser.OpenAsync();
        await ExecuteAsync(superuser, "CHECKPOINT");
        using var sync = Process.Start("sync") ?? throw new InvalidOperationException("sync did not start");
        await sync.WaitForExitAsync();
        Assert.Equal(0, sync.ExitCode);
    }

    private static async Task<object?> ScalarAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        var value = await command.ExecuteScalarAsync();
        return value is DBNull ? null : value;
    }
}
