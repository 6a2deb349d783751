using Npgsql;
using OpsConsole.Domain.Checkout;
using OpsConsole.Tests.Support;

namespace OpsConsole.Tests.Integration;

/// <summary>
/// The ingest COPYs a batch straight into the table unless its first event was the first of a batch it stored lately (a
/// hint, not a look-up): an event stored already further in (a batch resent in part, or stored by another batch
/// meanwhile) must still be stored once and counted as a duplicate.
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

    private async Task<long> WaitingIngestSessionsAsync(CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(fixture.ConnectionString);
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand(
            "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'opsconsole-ingest' AND wait_event_type = 'Lock'", connection);
        return (long)(await command.ExecuteScalarAsync(ct))!;
    }
}
