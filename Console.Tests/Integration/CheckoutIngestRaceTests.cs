using Npgsql;
using OpsConsole.Domain.Checkout;
using OpsConsole.Tests.Support;

namespace OpsConsole.Tests.Integration;

/// <summary>
/// The ingest COPYs a batch straight into the table unless its first event was the first of a batch it stored lately (a
/// hint, not a look-up): an event stored already further in (a batch resent in part, or stored by another batch
/// meanwhile) must still be stored once and counted as a duplicate. Batches that arrive while one is being written go
/// together in the next transaction (group commit), each answered with its own counts, and one the store refuses fails alone.
/// </summary>
public sealed class CheckoutIngestRaceTests(ConsoleAppFixture fixture) : IClassFixture<ConsoleAppFixture>
{
    [Fact]
    public async Task AnEventStoredByAnotherBatch_BetweenTheLookUpAndTheCopy_IsStoredOnce_AndCountedAsADuplicate()
    {
        var ct = TestContext.Current.CancellationToken;
        var service = $"race-{Guid.NewGuid():N}";
        var at = DateTimeOffset.FromUnixTimeMilliseconds(DateTimeOffset.UtcNow.AddMinutes(-2).ToUnixTimeMilliseconds());
        var batch = Enumerable.Range(0, 3)
            .Select(i => new CheckoutEvent($"race-{Guid.NewGuid():N}", at.AddMilliseconds(i), CheckoutOutcome.Succeeded, null, null, 40 + i, 10m,
                "EUR", "eu-west", service, "shop"))
            .ToList();

        // The other writer holds the contested event uncommitted: the look-up cannot see it, and the COPY waits on its key.
        await using var other = new NpgsqlConnection(fixture.ConnectionString);
        await other.OpenAsync(ct);
        await using var tx = await other.BeginTransactionAsync(ct);
        await using (var insert = new NpgsqlCommand("""
            INSERT INTO checkout_events ("EventId", "OccurredAt", "Outcome", "LatencyMs", "Service", "ReceivedAt")
            VALUES ($1, $2, 'Succeeded', 41, $3, now())
            """, other, tx) { Parameters = { new() { Value = batch[1].EventId }, new() { Value = batch[1].OccurredAt }, new() { Value = service } } })
            await insert.ExecuteNonQueryAsync(ct);

        var ingest = fixture.App.Service<CheckoutIngest>().IngestAsync(batch, ct);
        await Poll.UntilAsync(() => WaitingIngestSessionsAsync(ct), n => n > 0, TimeSpan.FromSeconds(30), "the ingest's COPY waiting on the contested key");
        await tx.CommitAsync(ct);
        var result = await ingest;

        Assert.Equal((3, 2, 1), (result.Accepted, result.Stored, result.Duplicates));
        await using var count = new NpgsqlCommand("SELECT count(*), count(DISTINCT \"EventId\") FROM checkout_events WHERE \"Service\" = $1", other)
            { Parameters = { new() { Value = service } } };
        await using var reader = await count.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        Assert.Equal((3L, 3L), (reader.GetInt64(0), reader.GetInt64(1)));
    }

    [Fact]
    public async Task ABatchWhoseFirstEventIsNew_ButALaterOneStored_StoresOnlyItsNewEvents()
    {
        var ingest = fixture.App.Service<CheckoutIngest>();
        var service = $"partly-{Guid.NewGuid():N}";
        var at = DateTimeOffset.UtcNow.AddMinutes(-2);
        var events = Enumerable.Range(0, 4)
            .Select(i => new CheckoutEvent($"partly-{Guid.NewGuid():N}", at.AddMilliseconds(i), CheckoutOutcome.Succeeded, null, null, 30, 5m,
                "EUR", "eu-west", service, "shop"))
            .ToList();
        await ingest.IngestAsync(events[2..], TestContext.Current.CancellationToken);

        var result = await ingest.IngestAsync(events, TestContext.Current.CancellationToken);

        Assert.Equal((4, 2, 2), (result.Accepted, result.Stored, result.Duplicates));
        await using var db = PostgresClusterFixture.ContextFor(fixture.ConnectionString);
        Assert.Equal(4, db.CheckoutEvents.Count(e => e.Service == service));
    }

    [Fact]
    public async Task BatchesArrivingWhileOneIsWritten_GoTogetherInTheNextTransaction_EachCountedAsItsOwn()
    {
        var ct = TestContext.Current.CancellationToken;
        var ingest = fixture.App.Service<CheckoutIngest>();
        var service = $"group-{Guid.NewGuid():N}";
        var at = DateTimeOffset.FromUnixTimeMilliseconds(DateTimeOffset.UtcNow.AddMinutes(-2).ToUnixTimeMilliseconds());
        List<CheckoutEvent> Batch(int size) => [.. Enumerable.Range(0, size).Select(i => new CheckoutEvent($"group-{Guid.NewGuid():N}",
            at.AddMilliseconds(i), CheckoutOutcome.Succeeded, null, null, 20 + i, 7m, "EUR", "eu-west", service, "shop"))];
        var (first, second, third) = (Batch(2), Batch(3), Batch(4));

        // The store stalls the first batch's transaction on a table lock; three more arrive meanwhile, the last of them the
        // second again (a sender that lost the answer): its group's COPY meets the second's events and is written again
        // through ON CONFLICT.
        await using var blocker = new NpgsqlConnection(fixture.ConnectionString);
        await blocker.OpenAsync(ct);
        await using var hold = await blocker.BeginTransactionAsync(ct);
        await new NpgsqlCommand("LOCK TABLE checkout_events IN SHARE ROW EXCLUSIVE MODE", blocker, hold).ExecuteNonQueryAsync(ct);
        var firstStored = ingest.IngestAsync(first, ct);
        await Poll.UntilAsync(() => WaitingIngestSessionsAsync(ct), n => n > 0, TimeSpan.FromSeconds(30), "the first batch's COPY waiting on the lock");
        var later = new[] { second, third, second }.Select(batch => ingest.IngestAsync(batch, ct)).ToList();
        await hold.RollbackAsync(ct);
        var results = await Task.WhenAll(later.Prepend(firstStored));

        Assert.Equal([(2, 2, 0), (3, 3, 0), (4, 4, 0), (3, 0, 3)], results.Select(r => (r.Accepted, r.Stored, r.Duplicates)));
        // A transaction's rows share its id (xmin): the first batch alone in one, the three later ones together in the next.
        await using var transactions = new NpgsqlCommand(
            "SELECT array_agg(DISTINCT xmin::text::bigint ORDER BY xmin::text::bigint), count(*) FROM checkout_events WHERE \"Service\" = $1 AND \"EventId\" = ANY($2)",
            blocker) { Parameters = { new() { Value = service }, new() { Value = Array.Empty<string>() } } };
        async Task<(long[] Xmins, long Rows)> WrittenByAsync(IEnumerable<CheckoutEvent> events)
        {
            transactions.Parameters[1].Value = events.Select(e => e.EventId).ToArray();
            await using var reader = await transactions.ExecuteReaderAsync(ct);
            await reader.ReadAsync(ct);
            return (reader.GetFieldValue<long[]>(0), reader.GetInt64(1));
        }
        var (firstTransaction, firstRows) = await WrittenByAsync(first);
        var (laterTransactions, laterRows) = await WrittenByAsync(second.Concat(third));
        Assert.Equal((1, 2L), (firstTransaction.Length, firstRows));
        Assert.Equal((1, 7L), (laterTransactions.Length, laterRows));
        Assert.NotEqual(firstTransaction[0], laterTransactions[0]);
    }

    [Fact]
    public async Task ABatchTheStoreRefuses_FailsAlone_WhileTheOthersOfItsGroupAreStored()
    {
        var ct = TestContext.Current.CancellationToken;
        var ingest = fixture.App.Service<CheckoutIngest>();
        var (good, poisoned) = ($"group-{Guid.NewGuid():N}", $"poisoned-{Guid.NewGuid():N}");
        var at = DateTimeOffset.FromUnixTimeMilliseconds(DateTimeOffset.UtcNow.AddMinutes(-2).ToUnixTimeMilliseconds());
        List<CheckoutEvent> Batch(string service, int size) => [.. Enumerable.Range(0, size).Select(i => new CheckoutEvent(
            $"{service}-{Guid.NewGuid():N}", at.AddMilliseconds(i), CheckoutOutcome.Failed, "db_deadlock", "40P01", 90, null, null, null, service, "shop"))];
        var (first, refused, later) = (Batch(good, 2), Batch(poisoned, 3), Batch(good, 4));

        // The store refuses the poisoned service's rows (a trigger, as a constraint the checks did not foresee would).
        var trigger = $"refuse_{poisoned.Replace('-', '_')}";
        await using var owner = new NpgsqlConnection(PostgresClusterFixture.OwnerConnectionString(fixture.ConnectionString));
        await owner.OpenAsync(ct);
        await new NpgsqlCommand($$"""
            CREATE FUNCTION {{trigger}}() RETURNS trigger LANGUAGE plpgsql AS $f$
            BEGIN IF NEW."Service" = '{{poisoned}}' THEN RAISE EXCEPTION 'refused by the test'; END IF; RETURN NEW; END $f$;
            CREATE TRIGGER {{trigger}} BEFORE INSERT ON checkout_events FOR EACH ROW EXECUTE FUNCTION {{trigger}}();
            """, owner).ExecuteNonQueryAsync(ct);
        try
        {
            // As above: the first batch held on a lock, the poisoned one and another arrive meanwhile and make one group.
            await using var hold = await owner.BeginTransactionAsync(ct);
            await new NpgsqlCommand("LOCK TABLE checkout_events IN SHARE ROW EXCLUSIVE MODE", owner, hold).ExecuteNonQueryAsync(ct);
            var firstStored = ingest.IngestAsync(first, ct);
            await Poll.UntilAsync(() => WaitingIngestSessionsAsync(ct), n => n > 0, TimeSpan.FromSeconds(30), "the first batch's COPY waiting on the lock");
            var refusedStored = ingest.IngestAsync(refused, ct);
            var laterStored = ingest.IngestAsync(later, ct);
            await hold.RollbackAsync(ct);

            Assert.Equal(2, (await firstStored).Stored);
            var error = await Assert.ThrowsAsync<PostgresException>(() => refusedStored);
            Assert.Equal("refused by the test", error.MessageText);
            var result = await laterStored;
            Assert.Equal((4, 4, 0), (result.Accepted, result.Stored, result.Duplicates));
            await using var count = new NpgsqlCommand("SELECT count(*) FILTER (WHERE \"Service\" = $1), count(*) FILTER (WHERE \"Service\" = $2) FROM checkout_events",
                owner) { Parameters = { new() { Value = good }, new() { Value = poisoned } } };
            await using var reader = await count.ExecuteReaderAsync(ct);
            await reader.ReadAsync(ct);
            Assert.Equal((6L, 0L), (reader.GetInt64(0), reader.GetInt64(1)));
        }
        finally
        {
            await new NpgsqlCommand($"DROP TRIGGER {trigger} ON checkout_events; DROP FUNCTION {trigger}()", owner).ExecuteNonQueryAsync(ct);
        }
    }

    private async Task<long> WaitingIngestSessionsAsync(CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(fixture.ConnectionString);
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand(
            "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'opsconsole-ingest' AND wait_event_type = 'Lock'", connection);
        return (long)(await command.ExecuteScalarAsync(ct))!;
    }
}
