using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using OpsConsole.Domain.Data;
using OpsConsole.Domain.Instances;
using OpsConsole.Domain.Telemetry;

namespace OpsConsole.Domain.Checkout;

/// <summary>
/// Keeps the per-minute buckets (checkout_minutes) and prunes old data.
///
/// Why deltas: each ingest transaction appends, with its events, one delta row per (service, minute) it
/// touched, counting only the events it newly stored, latencies included. Concurrent batches thus never lock
/// a shared row (the current minute's bucket would otherwise serialize every batch), and a late event simply
/// adds a delta to its own, older minute. A rollup pass deletes the deltas it can see and merges them into
/// the buckets in one transaction: a delta is folded exactly once (its delete and the bucket update commit
/// together), and one committed later is still there for the next pass. A transaction-scoped advisory lock
/// makes passes run one at a time across console instances, so no bucket update is lost to another's; and the
/// loop itself, pruning included, runs on one instance at a time (<see cref="StoreLocks"/>).
/// </summary>
public sealed class CheckoutRollup(IDbContextFactory<OpsDbContext> dbFactory, StoreLocks locks, IOptions<CheckoutOptions> options, ConsoleMetrics metrics,
    TimeProvider time, ILogger<CheckoutRollup> logger) : BackgroundService
{
    public const string RollupLock = "checkout-rollup";

    private const long RollupLockKey = 0x4F70_7343_6B52_6F6C; // "OpsCkRol"
    private const int DeltasPerPass = 5000;

    private const string TakeDeltas =
        """
        DELETE FROM checkout_minute_deltas WHERE "Id" IN (SELECT "Id" FROM checkout_minute_deltas ORDER BY "Id" LIMIT $1)
        RETURNING "Service", "Minute", "Attempts", "Successes", "FailuresByClass", "Revenue", "LatenciesMicros",
            EXTRACT(EPOCH FROM clock_timestamp() - "RecordedAt")::float8
        """;

    private DateTimeOffset lastPrune = DateTimeOffset.MinValue;

    protected override Task ExecuteAsync(CancellationToken stoppingToken) => locks.RunWhileHoldingAsync(RollupLock, RollUpEveryIntervalAsync, stoppingToken);

    private async Task RollUpEveryIntervalAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.RollupInterval, time);
        do
        {
            try
            {
                while (await RollUpAsync(stoppingToken) >= DeltasPerPass) { }
                if (time.GetUtcNow() - lastPrune >= options.Value.PruneInterval)
                {
                    await PruneAsync(stoppingToken);
                    lastPrune = time.GetUtcNow();
                }
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UndefinedTable)
            {
                // A store whose migrations have not run yet (Database:MigrateOnStartup off): /readyz says so already.
                logger.LogDebug("Checkout roll-up waits for the store's migrations: {Error}", e.MessageText);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogError(e, "Checkout roll-up failed");
            }
        } while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    /// <summary>One pass: folds up to <see cref="DeltasPerPass"/> committed deltas into their buckets. Returns how many.</summary>
    public async Task<int> RollUpAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        var npgsqlTx = (NpgsqlTransaction)tx.GetDbTransaction();
        await using (var take = new NpgsqlCommand("SELECT pg_advisory_xact_lock($1)", connection, npgsqlTx) { Parameters = { new() { Value = RollupLockKey } } })
            await take.ExecuteNonQueryAsync(ct);

        var deltas = new Dictionary<(string Service, DateTimeOffset Minute), CheckoutTally>();
        var count = 0;
        // The store's clock on both ends: the lag is how long the oldest delta waited, whatever the console's TimeProvider says.
        var oldestAge = 0.0;
        await using (var command = new NpgsqlCommand(TakeDeltas, connection, npgsqlTx) { Parameters = { new() { Value = DeltasPerPass } } })
        await using (var reader = await command.ExecuteReaderAsync(ct))
            while (await reader.ReadAsync(ct))
            {
                count++;
                oldestAge = Math.Max(oldestAge, reader.GetDouble(7));
                var key = (reader.GetString(0), reader.GetFieldValue<DateTimeOffset>(1));
                var delta = CheckoutTally.FromDelta(reader.GetInt64(2), reader.GetInt64(3), reader.GetFieldValue<long[]>(4), reader.GetDecimal(5),
                    reader.GetFieldValue<long[]>(6));
                if (deltas.TryGetValue(key, out var sum))
                    sum.Add(delta);
                else
                    deltas[key] = delta;
            }
        if (count == 0)
            return 0;

        var services = deltas.Keys.Select(k => k.Service).Distinct().ToList();
        var minutes = deltas.Keys.Select(k => k.Minute).Distinct().ToList();
        var buckets = (await db.CheckoutMinutes.Where(m => services.Contains(m.Service) && minutes.Contains(m.Minute)).ToListAsync(ct))
            .ToDictionary(m => (m.Service, m.Minute));
        var now = time.GetUtcNow();
        foreach (var (key, delta) in deltas)
        {
            if (buckets.TryGetValue(key, out var bucket))
            {
                var tally = bucket.ToTally();
                tally.Add(delta);
                bucket.Set(tally, now);
            }
            else
            {
                bucket = new CheckoutMinute(key.Service, key.Minute);
                bucket.Set(delta, now);
                db.CheckoutMinutes.Add(bucket);
            }
        }
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        metrics.RollupPass(TimeSpan.FromSeconds(oldestAge));
        return count;
    }

    /// <summary>
    /// Drops the days of events wholly past Checkout:EventRetention (a day straddling the cutoff stays until it is all past,
    /// decisions/0035) and deletes buckets past Checkout:AggregateRetention. Returns the events gone (dropped days as estimated).
    /// </summary>
    public async Task<(long Events, int Minutes)> PruneAsync(CancellationToken ct = default)
    {
        var now = time.GetUtcNow();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        db.Database.SetCommandTimeout(TimeSpan.FromMinutes(10));
        var pruned = await DayPartitions.PruneAsync(db, DayPartitions.CheckoutEvents, now - options.Value.EventRetention, ct);
        DayPartitions.Log(logger, "checkout events", pruned);
        var minutes = await db.CheckoutMinutes.Where(m => m.Minute < now - options.Value.AggregateRetention).ExecuteDeleteAsync(ct);
        if (minutes > 0)
            logger.LogInformation("Pruned {Minutes} checkout minute buckets", minutes);
        return (pruned.Sum(p => p.Rows), minutes);
    }
}
