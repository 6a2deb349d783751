using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Npgsql;
using OpsConsole.Domain.Checkout;
using OpsConsole.Domain.Data;
using OpsConsole.Domain.Instances;
using OpsConsole.Domain.Locks;
using OpsConsole.Tests.Support;

namespace OpsConsole.Tests.Integration;

/// <summary>
/// Checkout events and lock snapshots partitioned by UTC day (decisions/0035), on real stores as the runtime role. The clock
/// is fake and set in the past (2019-2020), so that the days these tests make and prune never meet the store's real ones.
/// </summary>
public sealed class DayPartitionTests(PostgresClusterFixture postgres)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static DateTimeOffset Utc(int year, int month, int day, int hour = 12) => new(year, month, day, hour, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task EventsOnSeveralDays_LandInTheirDayPartitions_MadeFromYesterdayToAWeekAhead()
    {
        var store = await postgres.CreateStoreAsync("days");
        await using var locks = Locks(store);
        var maintenance = new DayPartitionMaintenance(new StoreContextFactory(store), locks, new FakeTimeProvider(Utc(2020, 1, 3, 10)),
            NullLogger<DayPartitionMaintenance>.Instance);

        Assert.Equal(2 * 9, await maintenance.EnsureAheadAsync(Ct));
        Assert.Equal(0, await maintenance.EnsureAheadAsync(Ct)); // a second start, or another instance, finds them made
        await InsertEventAsync(store, "first-instant", new DateTimeOffset(2020, 1, 2, 0, 0, 0, TimeSpan.Zero));
        await InsertEventAsync(store, "last-instant", new DateTimeOffset(2020, 1, 3, 23, 59, 59, 999, TimeSpan.Zero));
        await InsertEventAsync(store, "a-week-ahead", Utc(2020, 1, 10));

        Assert.Equal(new Dictionary<string, string>
        {
            ["first-instant"] = "checkout_events_20200102", ["last-instant"] = "checkout_events_20200103", ["a-week-ahead"] = "checkout_events_20200110",
        }, await WhereEventsAreAsync(store));
        Assert.Null(await ScalarAsync(store, "SELECT to_regclass('checkout_events_20200101')::text"));
        Assert.Equal("lock_snapshots_20200110", await ScalarAsync(store, "SELECT to_regclass('lock_snapshots_20200110')::text"));
    }

    [Fact]
    public async Task AnEventOutsideTheMadeDays_LandsInDefault_AndMovesIntoItsDayWhenTheDayIsMade()
    {
        var store = await postgres.CreateStoreAsync("default-day");
        var target = await new StoreSeeds(store).TargetAsync("default-day", Utc(2019, 5, 5));
        await InsertEventAsync(store, "odd", Utc(2019, 5, 5));
        await InsertSnapshotAsync(store, target, Utc(2019, 5, 5));
        Assert.Equal(new Dictionary<string, string> { ["odd"] = "checkout_events_default" }, await WhereEventsAreAsync(store));

        await using (var db = PostgresClusterFixture.ContextFor(store))
            foreach (var table in DayPartitions.Tables)
                Assert.Equal(1, await DayPartitions.EnsureAsync(db, table, new DateOnly(2019, 5, 5), new DateOnly(2019, 5, 5), Ct));

        Assert.Equal(new Dictionary<string, string> { ["odd"] = "checkout_events_20190505" }, await WhereEventsAreAsync(store));
        Assert.Equal("lock_snapshots_20190505", await ScalarAsync(store, "SELECT tableoid::regclass::text FROM lock_snapshots"));
        // The moved-in day is a partition like any other: new rows of that day go there, with the snapshot identity going on.
        var next = await InsertSnapshotAsync(store, target, Utc(2019, 5, 5, 13));
        Assert.Equal(2L, await ScalarAsync(store, "SELECT count(*) FROM lock_snapshots_20190505"));
        Assert.True(next > 1);
    }

    [Fact]
    public async Task Pruning_DropsExactlyTheDaysWhollyPastRetention_KeepsTheRest_AndDeletesOldRowsOfDefault()
    {
        var store = await postgres.CreateStoreAsync("prune-days");
        var now = Utc(2020, 3, 10, 15);
        var clock = new FakeTimeProvider(now);
        var factory = new StoreContextFactory(store);
        var target = await new StoreSeeds(store).TargetAsync("prune-days", now);
        await using (var db = factory.CreateDbContext())
            foreach (var table in DayPartitions.Tables)
                await DayPartitions.EnsureAsync(db, table, new DateOnly(2020, 3, 1), new DateOnly(2020, 3, 10), Ct);
        for (var day = 1; day <= 10; day++)
        {
            await InsertEventAsync(store, $"day-{day:00}", Utc(2020, 3, day));
            await InsertSnapshotAsync(store, target, Utc(2020, 3, day));
        }
        await InsertEventAsync(store, "default-old", Utc(2019, 6, 1)); // no partition: in DEFAULT
        await InsertEventAsync(store, "default-kept", Utc(2021, 6, 1));
        await using var locks = Locks(store);

        // Retention 7 days: the cutoff is 3 March 15:00. 1 and 2 March are wholly past it; 3 March straddles it and stays whole.
        var (events, _) = await new CheckoutRollup(factory, locks, Options.Create(new CheckoutOptions { EventRetention = TimeSpan.FromDays(7) }), TestMetrics.Create(), clock,
            NullLogger<CheckoutRollup>.Instance).PruneAsync(Ct);
        var (_, snapshots) = await new LockHistory(factory, Options.Create(new LockOptions { SnapshotRetention = TimeSpan.FromDays(7) }), clock).PruneAsync(Ct);

        Assert.Equal(["checkout_events_20200303", "checkout_events_20200304", "checkout_events_20200305", "checkout_events_20200306",
            "checkout_events_20200307", "checkout_events_20200308", "checkout_events_20200309", "checkout_events_20200310"],
            await PartitionsAsync(store, "checkout_events", "2020%"));
        Assert.Equal(8, (await PartitionsAsync(store, "lock_snapshots", "2020%")).Count);
        Assert.Equal(["day-03", "day-04", "day-05", "day-06", "day-07", "day-08", "day-09", "day-10", "default-kept"],
            (await WhereEventsAreAsync(store)).Keys.Order().ToList());
        Assert.Equal(8L, await ScalarAsync(store, "SELECT count(*) FROM lock_snapshots"));
        Assert.Equal(["lock_snapshots_20200301", "lock_snapshots_20200302"], snapshots.Where(p => p.Dropped).Select(p => p.Name).ToList());
        Assert.True(events >= 1); // the DEFAULT row exactly; the dropped days as the planner estimates them (none analyzed yet)
    }

    [Fact]
    public async Task AResentEvent_IsStoredOnce_AnotherOccurredAtIsASecondRow_ButNotWithinOneBatch()
    {
        var store = await postgres.CreateStoreAsync("resend");
        await using var app = new ConsoleApp(store);
        var ingest = app.Service<CheckoutIngest>();
        var at = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.AddMinutes(-30).ToUnixTimeSeconds()); // whole seconds: the store keeps microseconds
        CheckoutEvent Event(string id, DateTimeOffset occurredAt) => new(id, occurredAt, CheckoutOutcome.Succeeded, null, null, 12, 10, "EUR", "eu", "resend", null);

        var first = await ingest.IngestAsync([Event("e-1", at)], Ct);
        var resent = await ingest.IngestAsync([Event("e-1", at)], Ct);
        var sameBatch = await ingest.IngestAsync([Event("e-2", at), Event("e-2", at.AddSeconds(5))], Ct);
        var otherTime = await ingest.IngestAsync([Event("e-1", at.AddSeconds(1))], Ct);

        Assert.Equal((1, 0), (first.Stored, first.Duplicates));
        Assert.Equal((0, 1), (resent.Stored, resent.Duplicates));
        Assert.Equal((1, 1), (sameBatch.Stored, sameBatch.Duplicates));
        Assert.Equal((1, 0), (otherTime.Stored, otherTime.Duplicates)); // decisions/0035: a sender that changes occurredAt sends a new row
        await using var db = PostgresClusterFixture.ContextFor(store);
        Assert.Equal(2, await db.CheckoutEvents.CountAsync(e => e.EventId == "e-1", Ct));
        Assert.Equal(at, (await db.CheckoutEvents.SingleAsync(e => e.EventId == "e-2", Ct)).OccurredAt);
    }

    [Fact]
    public async Task TheMigration_MovesExistingEventsAndSnapshots_IntoTheirDays_AndTheSnapshotIdsGoOn()
    {
        var store = await postgres.CreateEmptyDatabaseAsync("partition-migration");
        var now = DateTimeOffset.UtcNow;
        long oldSnapshotId;
        await using (var db = PostgresClusterFixture.ContextFor(store))
        {
            var migrator = db.GetService<IMigrator>();
            await migrator.MigrateAsync(db.Database.GetMigrations().TakeWhile(m => !m.EndsWith("_DayPartitionedEventsAndSnapshots")).Last(), Ct);
            var target = await new StoreSeeds(store).TargetAsync("migrated", now);
            await InsertEventAsync(store, "an-hour-ago", now.AddHours(-1));
            await InsertEventAsync(store, "three-days-ago", now.AddDays(-3));
            await InsertEventAsync(store, "a-year-ago", now.AddDays(-365));
            oldSnapshotId = await InsertSnapshotAsync(store, target, now.AddDays(-2));
            await migrator.MigrateAsync(cancellationToken: Ct);
        }

        Assert.Equal(new Dictionary<string, string>
        {
            ["an-hour-ago"] = $"checkout_events_{now.AddHours(-1).UtcDateTime:yyyyMMdd}",
            ["three-days-ago"] = $"checkout_events_{now.AddDays(-3).UtcDateTime:yyyyMMdd}",
            ["a-year-ago"] = "checkout_events_default", // beyond the 62 days the migration makes: pruned from DEFAULT
        }, await WhereEventsAreAsync(store));
        Assert.Equal($"lock_snapshots_{now.AddDays(-2).UtcDateTime:yyyyMMdd}",
            await ScalarAsync(store, $"SELECT tableoid::regclass::text FROM lock_snapshots WHERE \"Id\" = {oldSnapshotId}"));
        Assert.NotNull(await ScalarAsync(store, $"SELECT to_regclass('checkout_events_{now.AddDays(7).UtcDateTime:yyyyMMdd}')::text"));
        var target2 = await ScalarAsync(store, "SELECT \"TargetId\" FROM lock_snapshots");
        Assert.True(await InsertSnapshotAsync(store, (Guid)target2!, now) > oldSnapshotId);
    }

    [Fact]
    public async Task Pruning_BehindAnOpenIngestTransaction_NeverQueuesOtherIngestBehindIt_AndDropsTheDayOnceItEnds()
    {
        var store = await postgres.CreateStoreAsync("prune-busy");
        await using (var db = new StoreContextFactory(store).CreateDbContext())
            await DayPartitions.EnsureAsync(db, DayPartitions.CheckoutEvents, new DateOnly(2020, 3, 1), new DateOnly(2020, 3, 3), Ct);
        await InsertEventAsync(store, "expired", Utc(2020, 3, 1));
        // An ingest batch that stays open: it holds checkout_events, which detaching a day must have to itself.
        await using var open = new NpgsqlConnection(store);
        await open.OpenAsync(Ct);
        await using var batch = await open.BeginTransactionAsync(Ct);
        await new NpgsqlCommand("""
            INSERT INTO checkout_events ("EventId", "OccurredAt", "Outcome", "LatencyMs", "Service", "ReceivedAt")
            VALUES ('open-batch', '2020-03-03T12:00:00Z', 'Succeeded', 5, 'days', now())
            """, open, batch).ExecuteNonQueryAsync(Ct);

        await using var db2 = new StoreContextFactory(store).CreateDbContext();
        var prune = DayPartitions.PruneAsync(db2, DayPartitions.CheckoutEvents, Utc(2020, 3, 2, 0), Ct);
        // Each time the detach is seen waiting for its lock, another ingest arrives and queues behind it: it is through well
        // within its own 1 s lock_timeout, because the detach gives up after 200 ms (the old DROP waited 2 s).
        for (var i = 0; i < 3; i++)
        {
            await Poll.UntilAsync(async () => prune.IsCompleted ? -1L : (long)(await ScalarAsync(store, """
                SELECT count(*) FROM pg_locks WHERE NOT granted AND relation = 'checkout_events'::regclass AND mode = 'AccessExclusiveLock'
                """))!, waiting => waiting != 0, TimeSpan.FromSeconds(30), "the detach waiting for checkout_events");
            if (prune.IsCompleted)
                await prune; // its error, if any
            Assert.False(prune.IsCompleted);
            await ExecuteAsync(store, $"""
                SET lock_timeout = '1s';
                INSERT INTO checkout_events ("EventId", "OccurredAt", "Outcome", "LatencyMs", "Service", "ReceivedAt")
                VALUES ('meanwhile-{i}', '2020-03-02T12:00:00Z', 'Succeeded', 5, 'days', now())
                """);
        }
        Assert.False(prune.IsCompleted);
        await batch.CommitAsync(Ct);

        var pruned = await prune;

        Assert.Equal(["checkout_events_20200301"], pruned.Where(p => p.Dropped).Select(p => p.Name).ToList());
        Assert.Null(await ScalarAsync(store, "SELECT to_regclass('checkout_events_20200301')::text"));
        Assert.Equal(["meanwhile-0", "meanwhile-1", "meanwhile-2", "open-batch"], (await WhereEventsAreAsync(store)).Keys.Order().ToList());
    }

    [Fact]
    public async Task ADayLeftDetachedByAStoppedPrune_IsDroppedByTheNext_AndNoOtherTable()
    {
        var store = await postgres.CreateStoreAsync("prune-leftover");
        await using var db = new StoreContextFactory(store).CreateDbContext();
        await DayPartitions.EnsureAsync(db, DayPartitions.CheckoutEvents, new DateOnly(2020, 3, 1), new DateOnly(2020, 3, 2), Ct);
        await InsertEventAsync(store, "expired", Utc(2020, 3, 1));
        Assert.Equal(["checkout_events_20200301"], (await DayPartitions.DetachAsync(db, DayPartitions.CheckoutEvents, Utc(2020, 3, 2, 0), Ct)).Select(p => p.Name));
        await ExecuteAsync(postgres.AsOwner(store), "CREATE TABLE checkout_events_keep (id int); CREATE TABLE checkout_events_2020 (id int)");

        var pruned = await DayPartitions.PruneAsync(db, DayPartitions.CheckoutEvents, Utc(2020, 3, 2, 0), Ct);

        Assert.Empty(pruned);
        Assert.Null(await ScalarAsync(store, "SELECT to_regclass('checkout_events_20200301')::text"));
        Assert.NotNull(await ScalarAsync(store, "SELECT to_regclass('checkout_events_keep')::text"));
        Assert.NotNull(await ScalarAsync(store, "SELECT to_regclass('checkout_events_2020')::text"));
        Assert.Equal(["checkout_events_20200302"], await PartitionsAsync(store, "checkout_events", "2020%"));
    }

    private static StoreLocks Locks(string store) =>
        new(store, Options.Create(new InstanceOptions()), TimeProvider.System, NullLogger<StoreLocks>.Instance);

    private static Task InsertEventAsync(string store, string id, DateTimeOffset at) => ExecuteAsync(store,
        """
        INSERT INTO checkout_events ("EventId", "OccurredAt", "Outcome", "LatencyMs", "Service", "ReceivedAt")
        VALUES ($1, $2, 'Succeeded', 5, 'days', $2)
        """, id, at);

    private static async Task<long> InsertSnapshotAsync(string store, Guid target, DateTimeOffset at) =>
        (long)(await ScalarAsync(store,
            """
            INSERT INTO lock_snapshots ("TargetId", "At", "Waiting", "LongestWaitMs", "Deadlocks", "Graph")
            VALUES ($1, $2, 1, 10, 0, '{"backends": [], "waits": []}') RETURNING "Id"
            """, target, at))!;

    private static async Task<Dictionary<string, string>> WhereEventsAreAsync(string store)
    {
        await using var connection = new NpgsqlConnection(store);
        await connection.OpenAsync(Ct);
        await using var command = new NpgsqlCommand("SELECT \"EventId\", tableoid::regclass::text FROM checkout_events", connection);
        await using var reader = await command.ExecuteReaderAsync(Ct);
        var where = new Dictionary<string, string>();
        while (await reader.ReadAsync(Ct))
            where[reader.GetString(0)] = reader.GetString(1);
        return where;
    }

    private static async Task<List<string>> PartitionsAsync(string store, string table, string dayPattern)
    {
        await using var connection = new NpgsqlConnection(store);
        await connection.OpenAsync(Ct);
        await using var command = new NpgsqlCommand(
            "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = $1::regclass AND c.relname LIKE $2 ORDER BY 1",
            connection) { Parameters = { new() { Value = table }, new() { Value = table + "\\_" + dayPattern } } };
        var names = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(Ct);
        while (await reader.ReadAsync(Ct))
            names.Add(reader.GetString(0));
        return names;
    }

    private static async Task ExecuteAsync(string store, string sql, params object[] values) => await ScalarAsync(store, sql, values);

    private static async Task<object?> ScalarAsync(string store, string sql, params object[] values)
    {
        await using var connection = new NpgsqlConnection(store);
        await connection.OpenAsync(Ct);
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var value in values)
            command.Parameters.Add(new NpgsqlParameter { Value = value });
        var result = await command.ExecuteScalarAsync(Ct);
        return result is DBNull ? null : result;
    }
}
