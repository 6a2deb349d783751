using Microsoft.EntityFrameworkCore;
using Npgsql;
using OpsConsole.Domain.Checkout;
using OpsConsole.Domain.Live;
using OpsConsole.Tests.Support;

namespace OpsConsole.Tests.Integration;

/// <summary>
/// Minute buckets and the health queries over known inputs, through the real ingest and roll-up on a real store.
/// Each test uses a service of its own; RollUpAsync waits for any pass the console runs itself, so after it
/// every committed batch is in the buckets.
/// </summary>
public sealed class CheckoutAggregationTests(ConsoleAppFixture fixture) : IClassFixture<ConsoleAppFixture>
{
    // Ten minutes back: inside Ingest:MaxEventAge, and whole minutes that no longer change.
    private static readonly DateTimeOffset Minute = CheckoutMinute.MinuteOf(DateTimeOffset.UtcNow).AddMinutes(-10);

    private CheckoutIngest Ingest => fixture.App.Service<CheckoutIngest>();
    private CheckoutHealth Health => fixture.App.Service<CheckoutHealth>();

    private static CheckoutEvent Attempt(string service, DateTimeOffset at, double latencyMs, CheckoutOutcome outcome = CheckoutOutcome.Succeeded,
        string? errorClass = null, decimal? amount = null, string? id = null) =>
        new(id ?? $"e-{Guid.NewGuid():N}", at, outcome, errorClass, null, latencyMs, amount, "EUR", "eu-west", service, "shop");

    private static void AssertNear(double expected, double actual) => Assert.InRange(actual, expected * 0.999, expected * 1.001);

    [Fact]
    public async Task LatenciesOneToAHundred_InOneMinute_GiveExactPercentiles_Revenue_AndRate()
    {
        var service = NewService();
        await Ingest.IngestAsync(Enumerable.Range(1, 100).Select(ms => Attempt(service, Minute.AddSeconds(ms % 60), ms, amount: 10)).ToList(), default);

        await fixture.App.Service<CheckoutRollup>().RollUpAsync();
        var series = await Health.SeriesAsync(Minute, Minute.AddMinutes(1), service);

        var point = Assert.Single(series);
        Assert.Equal((Minute, 100L, 100L, 1.0, 1000m), (point.Minute, point.Attempts, point.Successes, point.SuccessRate, point.Revenue));
        AssertNear(50, point.P50Ms);
        AssertNear(95, point.P95Ms);
        AssertNear(99, point.P99Ms);
    }

    [Fact]
    public async Task FailuresByClass_SuccessRate_AndRevenueOfSucceededOnly()
    {
        var service = NewService();
        List<CheckoutEvent> batch =
        [
            .. Enumerable.Range(0, 7).Select(_ => Attempt(service, Minute, 20, amount: 25.50m)),
            Attempt(service, Minute, 900, CheckoutOutcome.Failed, ErrorClasses.DbDeadlock, amount: 99),
            Attempt(service, Minute, 950, CheckoutOutcome.Failed, ErrorClasses.DbDeadlock),
            Attempt(service, Minute, 3000, CheckoutOutcome.Failed, ErrorClasses.PaymentGateway, amount: 99),
        ];
        await Ingest.IngestAsync(batch, default);

        await fixture.App.Service<CheckoutRollup>().RollUpAsync();
        var figures = await Health.WindowAsync(Minute, Minute.AddMinutes(1), service);

        Assert.Equal((10L, 7L, 3L, 0.7, 178.50m), (figures.Attempts, figures.Successes, figures.Failures, figures.SuccessRate, figures.Revenue));
        Assert.Equal(2, figures.FailuresByClass[ErrorClasses.DbDeadlock]);
        Assert.Equal(1, figures.FailuresByClass[ErrorClasses.PaymentGateway]);
        Assert.Equal(0, figures.FailuresByClass[ErrorClasses.DbLockTimeout]);
        Assert.Equal(10, figures.CheckoutsPerMinute);
    }

    [Fact]
    public async Task EventsInTwoMinutes_MakeTwoBuckets_AndTheWindowOverBothIsExact()
    {
        var service = NewService();
        // One batch spanning both minutes, the second minute's attempts all slower.
        await Ingest.IngestAsync([
            .. Enumerable.Range(1, 50).Select(ms => Attempt(service, Minute.AddSeconds(59), ms)),
            .. Enumerable.Range(51, 50).Select(ms => Attempt(service, Minute.AddMinutes(1), ms)),
        ], default);

        await fixture.App.Service<CheckoutRollup>().RollUpAsync();
        var series = await Health.SeriesAsync(Minute, Minute.AddMinutes(2), service);
        var both = await Health.WindowAsync(Minute, Minute.AddMinutes(2), service);

        Assert.Equal([(Minute, 50L), (Minute.AddMinutes(1), 50L)], series.Select(p => (p.Minute, p.Attempts)));
        AssertNear(25, series[0].P50Ms);
        AssertNear(75, series[1].P50Ms);
        // Exact over both minutes (merged histograms), not an average of the two medians.
        AssertNear(50, both.P50Ms);
        AssertNear(95, both.P95Ms);
        Assert.Equal(50, both.CheckoutsPerMinute);
    }

    [Fact]
    public async Task ALateEvent_LandsInItsOwnMinute_AndAddsToAnExistingBucket()
    {
        var service = NewService();
        var rollup = fixture.App.Service<CheckoutRollup>();
        await Ingest.IngestAsync([Attempt(service, Minute, 10), Attempt(service, Minute, 20)], default);
        await rollup.RollUpAsync();

        await Ingest.IngestAsync([Attempt(service, Minute.AddMinutes(-5), 500), Attempt(service, Minute.AddSeconds(30), 30)], default);
        await rollup.RollUpAsync();

        var series = await Health.SeriesAsync(Minute.AddMinutes(-5), Minute.AddMinutes(1), service);
        Assert.Equal([1L, 0, 0, 0, 0, 3], series.Select(p => p.Attempts));
        AssertNear(500, series[0].P50Ms);
        AssertNear(30, series[^1].P99Ms);
        AssertNear(20, series[^1].P50Ms);
    }

    [Fact]
    public async Task ABatchSentTwice_CountsOnceInTheBuckets()
    {
        var service = NewService();
        var batch = Enumerable.Range(0, 20).Select(i => Attempt(service, Minute, 15 + i)).ToList();

        var first = await Ingest.IngestAsync(batch, default);
        var second = await Ingest.IngestAsync(batch, default);
        await fixture.App.Service<CheckoutRollup>().RollUpAsync();

        Assert.Equal((20, 0, 20), (second.Accepted, second.Stored, second.Duplicates));
        Assert.Equal(20, first.Stored);
        Assert.Equal(20, (await Health.WindowAsync(Minute, Minute.AddMinutes(1), service)).Attempts);
    }

    [Fact]
    public async Task TheHeadline_IsTheLastWholeMinute_AndTheLastFive()
    {
        var service = NewService();
        await Ingest.IngestAsync([
            .. Enumerable.Range(0, 4).Select(i => Attempt(service, Minute.AddMinutes(-i), 100, amount: 1)),
            Attempt(service, Minute, 200, CheckoutOutcome.Failed, ErrorClasses.DbLockTimeout),
            Attempt(service, Minute.AddMinutes(-5), 100), // outside the five minutes
        ], default);
        await fixture.App.Service<CheckoutRollup>().RollUpAsync();

        var headline = await Health.HeadlineAsync(Minute.AddMinutes(1).AddSeconds(30), service);

        Assert.Equal((2L, 0.5, 1L), (headline.LastMinute.Attempts, headline.LastMinute.SuccessRate, headline.LastMinute.FailuresByClass[ErrorClasses.DbLockTimeout]));
        Assert.Equal((5L, 0.8, 1.0, 4m), (headline.LastFiveMinutes.Attempts, headline.LastFiveMinutes.SuccessRate,
            headline.LastFiveMinutes.CheckoutsPerMinute, headline.LastFiveMinutes.Revenue));
        AssertNear(200, headline.LastMinute.P95Ms);
    }

    [Fact]
    public async Task AStoredBatch_IsAnnouncedOnTheLiveFeed_AndInTheLiveSeconds()
    {
        var service = NewService();
        var stored = new TaskCompletionSource<CheckoutEventsStored>();
        using var subscription = fixture.App.Service<LiveEvents>().Subscribe(e =>
        {
            if (e is CheckoutEventsStored { Count: 3 } s && s.Latest == Minute.AddSeconds(2))
                stored.TrySetResult(s);
            return Task.CompletedTask;
        });

        await Ingest.IngestAsync([Attempt(service, Minute, 10), Attempt(service, Minute.AddSeconds(1), 10), Attempt(service, Minute.AddSeconds(2), 10)], default);

        await stored.Task.WaitAsync(TimeSpan.FromSeconds(10));
        await Poll.UntilAsync(() => Task.FromResult(fixture.App.Service<CheckoutLive>().Recent), seconds => seconds.Sum(s => s.Attempts) >= 3,
            TimeSpan.FromSeconds(10), "the live seconds to show the batch");
    }

    [Fact]
    public async Task Pruning_DeletesEventsAndBucketsPastTheirRetention_Only()
    {
        var service = NewService();
        await Ingest.IngestAsync([Attempt(service, Minute, 10)], default);
        await fixture.App.Service<CheckoutRollup>().RollUpAsync();
        // Old rows written behind the ingest's back: the ingest itself refuses events that old.
        await using (var connection = new NpgsqlConnection(fixture.ConnectionString))
        {
            await connection.OpenAsync();
            await new NpgsqlCommand(
                $"""
                INSERT INTO checkout_events ("EventId", "OccurredAt", "Outcome", "LatencyMs", "Service", "ReceivedAt")
                VALUES ('{service}-old', now() - interval '8 days', 'Succeeded', 5, '{service}', now() - interval '8 days');
                INSERT INTO checkout_minutes SELECT "Service", "Minute" - interval '91 days', "Attempts", "Successes", "Failures", "FailedDbDeadlock",
                    "FailedDbLockTimeout", "FailedDbSerialization", "FailedDbConnectionTimeout", "FailedPaymentGateway", "FailedValidation", "FailedOther",
                    "LatencyP50Ms", "LatencyP95Ms", "LatencyP99Ms", "Revenue", "Histogram", "UpdatedAt"
                FROM checkout_minutes WHERE "Service" = '{service}';
                """, connection).ExecuteNonQueryAsync();
        }

        await fixture.App.Service<CheckoutRollup>().PruneAsync();

        await using var db = PostgresClusterFixture.ContextFor(fixture.ConnectionString);
        Assert.Equal([Minute], await db.CheckoutMinutes.Where(m => m.Service == service).Select(m => m.Minute).ToListAsync());
        Assert.Equal(1, await db.CheckoutEvents.CountAsync(e => e.Service == service));
    }

    private static string NewService() => $"agg-{Guid.NewGuid():N}"[..20];
}
