using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Npgsql;
using OpsConsole.Domain.Access;
using OpsConsole.Domain.ApiKeys;
using OpsConsole.Domain.Changes;
using OpsConsole.Domain.Checkout;
using OpsConsole.Domain.Live;
using OpsConsole.Domain.Targets;
using OpsConsole.Tests.Support;
using OpsConsole.Web.Hubs;

namespace OpsConsole.Tests.Integration;

/// <summary>Two console instances on one store show each other's events: the live bus rides LISTEN/NOTIFY.</summary>
public sealed class LiveBridgeTests(TwoConsolesFixture consoles, PostgresClusterFixture postgres) : IClassFixture<TwoConsolesFixture>
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task ABatchPostedToA_ReachesBsBus_BsHubClients_AndBsLiveSecond()
    {
        using var onB = new Recorder(consoles.B);
        await using var hubOnB = await HubClient.ConnectAsync(consoles.B.BaseUrl,
            (await consoles.B.Service<ApiKeyService>().CreateAsync(Actor.System, $"wall-{Guid.NewGuid():N}", [ApiScopes.Read])).Key);
        var attemptsBefore = consoles.B.Service<CheckoutLive>().Recent.Sum(s => s.Attempts);
        var latest = DateTimeOffset.FromUnixTimeMilliseconds(DateTimeOffset.UtcNow.AddSeconds(-2).ToUnixTimeMilliseconds());

        await PostEventsAsync(consoles.A, 4, latest);

        var stored = await Poll.UntilAsync(() => Task.FromResult(onB.Of<CheckoutEventsStored>().Where(e => e.Latest == latest).ToList()),
            found => found.Count > 0, Wait, "CheckoutEventsStored on B");
        Assert.Equal(4, Assert.Single(stored).Count);
        Assert.True(stored[0].Remote);
        await Poll.UntilAsync(() => Task.FromResult(hubOnB.Payloads(OpsHubForwarder.CheckoutEventsStored).Count(p => p.GetProperty("latest").GetDateTimeOffset() == latest)),
            count => count == 1, Wait, "checkoutEventsStored on a hub client of B");
        // The pulse of B counts A's attempts: its ticks are made from every instance's batches.
        await Poll.UntilAsync(() => Task.FromResult(consoles.B.Service<CheckoutLive>().Recent.Sum(s => s.Attempts) - attemptsBefore),
            attempts => attempts >= 4, Wait, "B's live seconds counting A's batch");
    }

    [Fact]
    public async Task ABatchLargerThanOneNotification_ArrivesWhole()
    {
        using var onB = new Recorder(consoles.B);
        var latest = DateTimeOffset.FromUnixTimeMilliseconds(DateTimeOffset.UtcNow.AddSeconds(-2).ToUnixTimeMilliseconds() - 7);
        var attemptsBefore = consoles.B.Service<CheckoutLive>().Recent.Sum(s => s.Attempts);

        // Identical events: the parts differ only by number, which must keep PostgreSQL from merging them.
        await PostEventsAsync(consoles.A, 3 * CheckoutStoredNotice.EventsPerPart + 1, latest);

        var stored = await Poll.UntilAsync(() => Task.FromResult(onB.Of<CheckoutEventsStored>().Where(e => e.Latest == latest).ToList()),
            found => found.Count > 0, Wait, "CheckoutEventsStored on B");
        Assert.Equal(3 * CheckoutStoredNotice.EventsPerPart + 1, Assert.Single(stored).Count);
        await Poll.UntilAsync(() => Task.FromResult(consoles.B.Service<CheckoutLive>().Recent.Sum(s => s.Attempts) - attemptsBefore),
            attempts => attempts >= 3 * CheckoutStoredNotice.EventsPerPart + 1, Wait, "B's live seconds counting every part");
    }

    [Fact]
    public async Task AChangeRegisteredOnA_PublishesChangeUpdatedOnB()
    {
        using var onB = new Recorder(consoles.B);
        var targetId = await consoles.A.Service<TargetRegistry>().RegisterAsync(Actor.System, $"bridge-{Guid.NewGuid():N}"[..20],
            TargetEnvironment.Staging, await postgres.CreateTargetDatabaseAsync("bridge_target"));

        var change = await consoles.A.Service<ChangeRegistry>().RegisterExternalAsync(Actor.System, new ExternalChangeRequest(targetId,
            "Resize the connection pool", "Put the old pool size back", null,
            new ChangeDetails("Pool size 40", "Peak rehearsal", null, ChangeRisk.Low, null)));

        var updated = await Poll.UntilAsync(() => Task.FromResult(onB.Of<ChangeUpdated>().Where(e => e.ChangeId == change.Id).ToList()),
            found => found.Count > 0, Wait, "ChangeUpdated on B");
        Assert.Equal((change.Number, targetId, change.Status.ToString(), true), (updated[0].Number, updated[0].TargetId, updated[0].Status, updated[0].Remote));
        Assert.Contains(onB.Of<TargetUpdated>(), e => e.TargetId == targetId && e.Remote);
    }

    /// <summary>Other consoles see a rehearsal live: its progress, figures included, crosses to every instance.</summary>
    [Fact]
    public async Task ARehearsalsProgressOnA_ReachesB_WithItsLiveFigures()
    {
        using var onB = new Recorder(consoles.B);
        var progress = new RehearsalProgressed(Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), "Running", "WithChange", 2, 3,
            TimeSpan.FromSeconds(150), TimeSpan.FromSeconds(400), new RehearsalLiveFigures("with the change", 120, 9, 4, 2.5, 840));

        consoles.A.Service<LiveEvents>().Publish(progress);

        var received = await Poll.UntilAsync(() => Task.FromResult(onB.Of<RehearsalProgressed>().SingleOrDefault(e => e.RehearsalId == progress.RehearsalId)),
            e => e is not null, Wait, "the rehearsal's progress on B");
        Assert.True(received!.Remote);
        Assert.Equal(progress with { Remote = true }, received);
        Assert.Equal(0.375, received.Fraction, 3);
    }

    /// <summary>A manager reading a postmortem, or an admin the alert rules, on B sees what was saved or fired on A.</summary>
    [Fact]
    public async Task APostmortemSavedOnA_AndAnAlertRuleFiringOnA_ReachB()
    {
        using var onB = new Recorder(consoles.B);
        var postmortem = new PostmortemUpdated(Guid.NewGuid(), 3);
        var rule = new AlertRuleUpdated(Guid.NewGuid());

        consoles.A.Service<LiveEvents>().Publish(postmortem);
        consoles.A.Service<LiveEvents>().Publish(rule);

        await Poll.UntilAsync(() => Task.FromResult(onB.Of<AlertRuleUpdated>().Any(e => e.RuleId == rule.RuleId)), found => found, Wait, "the rule's news on B");
        Assert.Equal([postmortem with { Remote = true }], onB.Of<PostmortemUpdated>().Where(e => e.IncidentId == postmortem.IncidentId));
        Assert.Equal([rule with { Remote = true }], onB.Of<AlertRuleUpdated>().Where(e => e.RuleId == rule.RuleId));
    }

    [Fact]
    public async Task BsOwnEvents_AreNotEchoedBackToB()
    {
        using var onA = new Recorder(consoles.A);
        using var onB = new Recorder(consoles.B);
        var fromB = Guid.NewGuid();
        var fromA = Guid.NewGuid();

        consoles.B.Service<LiveEvents>().Publish(new TargetUpdated(fromB));
        await Poll.UntilAsync(() => Task.FromResult(onA.Of<TargetUpdated>().Count(e => e.TargetId == fromB)), n => n > 0, Wait, "B's event on A");
        // A sends in publishing order, so an echo of B's event would reach B before this one does.
        consoles.A.Service<LiveEvents>().Publish(new TargetUpdated(fromA));
        await Poll.UntilAsync(() => Task.FromResult(onB.Of<TargetUpdated>().Count(e => e.TargetId == fromA)), n => n > 0, Wait, "A's event on B");

        Assert.Equal([false], onB.Of<TargetUpdated>().Where(e => e.TargetId == fromB).Select(e => e.Remote));
        Assert.Equal([true], onA.Of<TargetUpdated>().Where(e => e.TargetId == fromB).Select(e => e.Remote));
        Assert.Equal([false], onA.Of<TargetUpdated>().Where(e => e.TargetId == fromA).Select(e => e.Remote));
    }

    [Fact]
    public async Task AfterTheStoreDropsBsListener_BListensAgain_AndHearsA()
    {
        using var onB = new Recorder(consoles.B);
        await using (var store = new NpgsqlConnection(consoles.ConnectionString))
        {
            await store.OpenAsync();
            await using var kill = new NpgsqlCommand(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = 'opsconsole-live-listen' AND datname = current_database()", store);
            Assert.Equal(2L, await kill.ExecuteScalarAsync());
        }

        // Published until one arrives: notifications sent while B was away are lost by design (hints, not the record).
        var marker = Guid.NewGuid();
        await Poll.UntilAsync(() =>
        {
            consoles.A.Service<LiveEvents>().Publish(new TargetUpdated(marker));
            return Task.FromResult(onB.Of<TargetUpdated>().Any(e => e.TargetId == marker));
        }, arrived => arrived, Wait, "A's event on B after the reconnect");
        Assert.True(consoles.B.Service<PostgresLiveBridge>().Listening);
        // And the other way, which also leaves both listening for the next test.
        using var onA = new Recorder(consoles.A);
        var back = Guid.NewGuid();
        await Poll.UntilAsync(() =>
        {
            consoles.B.Service<LiveEvents>().Publish(new TargetUpdated(back));
            return Task.FromResult(onA.Of<TargetUpdated>().Any(e => e.TargetId == back));
        }, arrived => arrived, Wait, "B's event on A after the reconnect");
    }

    private static async Task PostEventsAsync(ConsoleApp app, int count, DateTimeOffset latest)
    {
        using var http = await app.ApiClientAsync("events", ApiScopes.EventsWrite);
        var events = Enumerable.Range(0, count).Select(i => CheckoutBatches.Event("bridge-test", occurredAt: latest.AddMilliseconds(-(i % 2)))).ToList();
        using var response = await http.PostAsync("/api/v1/checkout-events",
            new StringContent(CheckoutBatches.Json(events), Encoding.UTF8, new MediaTypeHeaderValue("application/json")));
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
    }

    /// <summary>Everything one instance's bus carries while the test runs.</summary>
    private sealed class Recorder : IDisposable
    {
        private readonly ConcurrentQueue<OpsEvent> events = new();
        private readonly IDisposable subscription;

        public Recorder(ConsoleApp app) =>
            subscription = app.Service<LiveEvents>().Subscribe(e => { events.Enqueue(e); return Task.CompletedTask; });

        public IEnumerable<T> Of<T>() where T : OpsEvent => events.OfType<T>();

        public void Dispose() => subscription.Dispose();
    }
}
