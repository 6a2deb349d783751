using Microsoft.EntityFrameworkCore;
using OpsConsole.Domain;
using OpsConsole.Domain.Access;
using OpsConsole.Domain.Audit;
using OpsConsole.Domain.Changes;
using OpsConsole.Domain.Checkout;
using OpsConsole.Domain.Rollbacks;
using OpsConsole.Domain.DemoShop;
using OpsConsole.Tests.Support;

namespace OpsConsole.Tests.Integration;

/// <summary>The demo shop's checkouts run against a real target; what the target's settings do to them is real too.</summary>
[Collection(QuietCollection.Name)]
public sealed class DemoShopTests(DemoShopFixture fixture, ITestOutputHelper output) : IClassFixture<DemoShopFixture>, IAsyncLifetime
{
    [Fact]
    public async Task TheWorkload_PlacesRealOrders_AndReportsEveryAttemptAsACheckoutEvent()
    {
        await fixture.Control.TuneAsync(fixture.Admin, Settings(s => { s.RatePerSecond = 20; s.Concurrency = 4; s.DeclineRate = 0.2; }));
        await fixture.Control.StartAsync(fixture.Admin);

        var events = await Poll.UntilAsync(() => Task.FromResult(fixture.Events.All), e => e.Count(x => x.Outcome == CheckoutOutcome.Succeeded) >= 20
            && e.Any(x => x.ErrorClass == ErrorClasses.PaymentGateway), TimeSpan.FromSeconds(60), "20 reported checkouts and a decline");
        await fixture.Control.StopAsync(fixture.Admin);

        var paid = await fixture.CountOnTargetAsync("SELECT count(*) FROM orders WHERE status = 'paid'");
        Assert.True(paid >= 20, $"{paid} paid orders");
        Assert.Equal(paid, await fixture.CountOnTargetAsync("SELECT count(*) FROM payments"));
        Assert.Equal(0, await fixture.CountOnTargetAsync("SELECT count(*) FROM orders WHERE status <> 'paid'")); // declines roll back
        Assert.Equal(500, await fixture.CountOnTargetAsync("SELECT count(*) FROM inventory"));

        Assert.Equal(events.Count, events.Select(e => e.EventId).Distinct().Count());
        Assert.All(events, e =>
        {
            Assert.Equal(("checkout", "shop", "EUR"), (e.Service, e.Target, e.Currency));
            Assert.Contains(e.Region, ShopCart.Regions);
            Assert.True(e.Amount > 0 && e.LatencyMs > 0);
            Assert.Equal(e.Outcome == CheckoutOutcome.Failed, e.ErrorClass is not null);
        });
        Assert.All(events.Where(e => e.ErrorClass == ErrorClasses.PaymentGateway), e => Assert.Equal("402", e.ErrorCode));
    }

    /// <summary>
    /// The outage in miniature, through the console's own change flow: at peak, with carts sharing best-sellers in
    /// random order, a registered, reviewed and applied deadlock_timeout of 30 s leaves deadlocked pairs holding hot
    /// rows until the shoppers give up, and the failure rate climbs; the on-call engineer's rollback brings it back.
    /// Recovery is measured only once every lock wait that began under the 30 s timer has ended (a waiting session
    /// keeps the timer it started with) and the shoppers queued during the outage have been served, over a fresh window.
    /// </summary>
    [Fact]
    public async Task RaisingDeadlockTimeoutAtPeak_RaisesTheFailureRate_AndRollingItBackBringsItDown()
    {
        // A pool of 6: with many more connections, every deadlock (even at 1 s) convoys all of them and the
        // baseline itself collapses, which is a different lesson than the one this test is about.
        await fixture.Control.TuneAsync(fixture.Admin, Settings(s =>
        {
            (s.RatePerSecond, s.PeakFactor, s.PeakEvery, s.PeakDuration) = (6, 3, TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(1)); // always at peak
            (s.Concurrency, s.CartSizeMin, s.CartSizeMax, s.HotProducts, s.HotShare) = (PoolSize, 1, 4, 6, 0.6);
            (s.LineLatency, s.PaymentLatencyMin, s.PaymentLatencyMax, s.DeclineRate) =
                (TimeSpan.FromMilliseconds(10), TimeSpan.FromMilliseconds(10), TimeSpan.FromMilliseconds(30), 0);
        }));
        await fixture.Control.StartAsync(fixture.Admin);
        await Poll.UntilAsync(() => Task.FromResult(fixture.Counters.Snapshot()), s => s.Attempts >= 30, TimeSpan.FromSeconds(60), "the shop to warm up");

        // 300 checkouts per measured window: a deadlock fails several checkouts at once, so smaller windows swing widely.
        var baseline = await FailureRateOverAsync(300, "baseline (deadlock_timeout 1s)");

        var registry = fixture.Service<ChangeRegistry>();
        var change = await registry.RegisterSettingAsync(fixture.Dba, new SettingChangeRequest(fixture.TargetId, "deadlock_timeout", "30s",
            new ChangeDetails("Fewer deadlock checks at peak", "Deadlock detection costs CPU", null, ChangeRisk.Medium, null), SubmitForReview: true));
        await registry.ApproveAsync(fixture.Dba2, change.Id, "Looks harmless");
        var applied = await fixture.Service<ChangeApplier>().ApplyAsync(fixture.Dba, change.Id);
        Assert.True(applied.Succeeded, applied.Message);

        // Nothing changes until the next deadlock forms (seconds, at random); from then on its pair holds best-sellers
        // past the shoppers' timeout and the failures climb. So: wait for the climb, over a sliding 10 s, with a deadline.
        var climb = Math.Max(baseline + 0.15, 2 * baseline);
        var peak = await Poll.UntilAsync(() => Task.FromResult(fixture.Counters.Window(TimeSpan.FromSeconds(10))),
            w => w.Attempts >= 30 && w.FailureRate >= climb, TimeSpan.FromSeconds(90), $"the failure rate to climb to {climb:P0}");
        output.WriteLine($"deadlock_timeout 30s: {peak!.Failures} of {peak.Attempts} failed ({peak.FailureRate:P1}) in the last 10 s; " +
            $"by class: {string.Join(", ", peak.FailuresByClass.Where(c => c.Value > 0).Select(c => $"{c.Key} {c.Value}"))}");
        var raised = peak.FailureRate;

        var rollback = await fixture.Service<RollbackProcedure>().RunAsync(fixture.OnCall, new RollbackRequest(change.Id, "Checkout failures at peak"));
        Assert.True(rollback.Succeeded, rollback.Message);
        Assert.Equal("1s", await fixture.ScalarOnTargetAsync("SHOW deadlock_timeout"));
        // Sessions already waiting keep the 30 s timer they started with (until the shopper gives up). A wait that
        // began up to the restored deadlock_timeout after the reload may also have started under the old one (its
        // statement was running at the reload): the fresh window starts once none of those waits is left.
        var cutoff = (string)(await fixture.ScalarOnTargetAsync("SELECT (now() + current_setting('deadlock_timeout')::interval)::text"))!;
        var settle = System.Diagnostics.Stopwatch.StartNew();
        await Poll.UntilAsync(() => fixture.CountOnTargetAsync($"""
                SELECT count(*) FROM pg_locks l JOIN pg_stat_activity a USING (pid)
                WHERE NOT l.granted AND a.application_name = 'OpsConsole demo shop' AND l.waitstart < '{cutoff}'::timestamptz
                """), n => n == 0, TimeSpan.FromSeconds(60), "the waits begun under the 30 s timer to end");
        output.WriteLine($"waits begun under the old timer ended {settle.Elapsed.TotalSeconds:0.0} s after the rollback");
        // Shoppers who arrived during the outage queue for the pool's connections and fail on its timeout after the
        // waits have ended: the fresh window also waits until every one of them has ended. (Not "no more in flight than
        // connections": a shop near its capacity on a loaded machine keeps a queue of new shoppers, a CI failure.)
        var waitsEnded = DateTimeOffset.UtcNow;
        await Poll.UntilAsync(() => Task.FromResult(fixture.Counters.Snapshot()), s => !(s.OldestInFlightSince < waitsEnded), TimeSpan.FromSeconds(60),
            "the shoppers queued during the outage to be served");
        output.WriteLine($"backlog drained {settle.Elapsed.TotalSeconds:0.0} s after the rollback");
        var restored = await FailureRateOverAsync(300, "after the rollback");

        // Near the baseline: 300 checkouts give a rate within a few points of the truth, the climb was at least 15 points.
        Assert.True(restored <= baseline + 0.08, $"restored {restored:P0} vs baseline {baseline:P0} (raised {raised:P0})");
        Assert.True(restored < raised, $"restored {restored:P0} vs raised {raised:P0}");
        Assert.Equal(ChangeStatus.RolledBack, (await registry.GetAsync(change.Id))!.Status);
    }

    [Theory]
    [InlineData(Roles.Viewer)]
    [InlineData(Roles.Dba)]
    public async Task StartStopAndTune_ByANonAdmin_AreRefusedAndAudited(string role)
    {
        var actor = role == Roles.Viewer ? fixture.Viewer : fixture.Dba;
        var before = Json(fixture.Control.Settings);

        await Assert.ThrowsAsync<AccessDeniedException>(() => fixture.Control.StartAsync(actor));
        await Assert.ThrowsAsync<AccessDeniedException>(() => fixture.Control.TuneAsync(actor, Settings(s => s.RatePerSecond = 99)));
        await Assert.ThrowsAsync<AccessDeniedException>(() => fixture.Control.StopAsync(actor));

        Assert.False(fixture.Control.IsRunning);
        Assert.Equal(before, Json(fixture.Control.Settings));
        var refused = await AuditAsync(e => e.ActorName == actor.Name);
        Assert.Equal(["workload.start", "workload.tune", "workload.stop"], refused.Select(e => e.Action));
        Assert.All(refused, e => Assert.Equal((AuditOutcome.Refused, "workload:shop"), (e.Outcome, e.Subject)));
    }

    [Fact]
    public async Task TheShop_OpensAllItsConnectionsBeforeItsShoppers_EvenWhenTooFewArriveToNeedThem()
    {
        // One shopper a second, each done in well under a second: left to demand, the pool would hold one or two.
        await fixture.Control.TuneAsync(fixture.Admin, Settings(s => { (s.RatePerSecond, s.PeakFactor, s.Concurrency) = (1, 1, PoolSize); }));
        await fixture.Control.StartAsync(fixture.Admin);

        await Poll.UntilAsync(() => fixture.CountOnTargetAsync("SELECT count(*) FROM pg_stat_activity WHERE application_name = 'OpsConsole demo shop'"),
            n => n == PoolSize, TimeSpan.FromSeconds(30), $"{PoolSize} connections of the shop on its target");
        await fixture.Control.StopAsync(fixture.Admin);
    }

    [Fact]
    public async Task StartTuneAndStop_ByAnAdmin_TakeEffectAndAreAudited()
    {
        await fixture.Control.TuneAsync(fixture.Admin, Settings(s => { s.RatePerSecond = 7; s.Concurrency = 3; }));
        await fixture.Control.StartAsync(fixture.Admin);
        Assert.True(fixture.Control.IsRunning);
        await Poll.UntilAsync(() => Task.FromResult(fixture.Counters.Snapshot()), s => s.Running && s.TargetRate == 7, TimeSpan.FromSeconds(30), "the workload to run at 7/s");

        await fixture.Control.StopAsync(fixture.Admin);
        Assert.False(fixture.Control.IsRunning);
        await Poll.UntilAsync(() => Task.FromResult(fixture.Counters.Snapshot()), s => !s.Running, TimeSpan.FromSeconds(30), "the workload to stop");

        var entries = await AuditAsync(e => e.ActorName == fixture.Admin.Name);
        Assert.Equal(["workload.tuned", "workload.started", "workload.stopped"], entries.TakeLast(3).Select(e => e.Action));
        Assert.All(entries, e => Assert.Equal((AuditOutcome.Succeeded, "workload:shop"), (e.Outcome, e.Subject)));
        using var tuned = System.Text.Json.JsonDocument.Parse(entries.Last(e => e.Action == "workload.tuned").Details);
        Assert.Equal(7, tuned.RootElement.GetProperty("ratePerSecond").GetDouble());
    }

    [Theory]
    [InlineData(nameof(DemoShopOptions.RatePerSecond))]
    [InlineData(nameof(DemoShopOptions.Concurrency))]
    [InlineData(nameof(DemoShopOptions.CartSizeMax))]
    [InlineData(nameof(DemoShopOptions.HotShare))]
    [InlineData(nameof(DemoShopOptions.DeclineRate))]
    [InlineData(nameof(DemoShopOptions.PeakDuration))]
    [InlineData(nameof(DemoShopOptions.AttemptTimeout))]
    [InlineData(nameof(DemoShopOptions.Target))]
    public async Task Tune_WithAValueOutOfRange_IsRefusedNamingTheField_AndChangesNothing(string field)
    {
        var before = Json(fixture.Control.Settings);
        var audited = (await AuditAsync(e => true)).Count;
        var bad = Settings(s =>
        {
            switch (field)
            {
                case nameof(s.RatePerSecond): s.RatePerSecond = 0; break;
                case nameof(s.Concurrency): s.Concurrency = 0; break;
                case nameof(s.CartSizeMax): (s.CartSizeMin, s.CartSizeMax) = (3, 2); break;
                case nameof(s.HotShare): s.HotShare = 1.5; break;
                case nameof(s.DeclineRate): s.DeclineRate = -0.1; break;
                case nameof(s.PeakDuration): (s.PeakEvery, s.PeakDuration) = (TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(2)); break;
                case nameof(s.AttemptTimeout): s.AttemptTimeout = TimeSpan.FromMilliseconds(1500); break;
                case nameof(s.Target): s.Target = "no-such-target"; break;
            }
        });

        var refused = await Assert.ThrowsAsync<DomainRuleException>(() => fixture.Control.TuneAsync(fixture.Admin, bad));

        Assert.Equal(field, refused.Field);
        Assert.Equal(before, Json(fixture.Control.Settings));
        Assert.Equal(audited, (await AuditAsync(e => true)).Count);
    }

    private const int PoolSize = 6;

    /// <summary>The failure share of the next <paramref name="attempts"/> completed checkouts.</summary>
    private async Task<double> FailureRateOverAsync(int attempts, string label)
    {
        var start = fixture.Counters.Snapshot();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var end = await Poll.UntilAsync(() => Task.FromResult(fixture.Counters.Snapshot()), s => s.Attempts - start.Attempts >= attempts,
            TimeSpan.FromSeconds(180), $"{attempts} checkouts ({label})");
        var rate = (double)(end.Failures - start.Failures) / (end.Attempts - start.Attempts);
        output.WriteLine($"{label}: {end.Failures - start.Failures} of {end.Attempts - start.Attempts} failed ({rate:P1}) in {clock.Elapsed.TotalSeconds:0.0} s; " +
            $"last minute by class: {string.Join(", ", end.LastMinute.FailuresByClass.Where(c => c.Value > 0).Select(c => $"{c.Key} {c.Value}"))}");
        return rate;
    }

    private static DemoShopOptions Settings(Action<DemoShopOptions> change)
    {
        var settings = new DemoShopOptions { PeakFactor = 1 };
        change(settings);
        return settings;
    }

    private static string Json(DemoShopOptions settings) => System.Text.Json.JsonSerializer.Serialize(settings);

    private async Task<List<AuditEntry>> AuditAsync(Func<AuditEntry, bool> where)
    {
        await using var db = PostgresClusterFixture.ContextFor(fixture.StoreConnectionString);
        return (await db.AuditEntries.Where(e => e.Action.StartsWith("workload.")).OrderBy(e => e.Id).ToListAsync()).Where(where).ToList();
    }

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    /// <summary>Each test leaves the shop stopped and the target on its default settings.</summary>
    public async ValueTask DisposeAsync()
    {
        if (fixture.Control.IsRunning)
            await fixture.Control.StopAsync(fixture.Admin);
        await fixture.ExecuteOnTargetAsync("ALTER SYSTEM RESET deadlock_timeout", "SELECT pg_reload_conf()");
    }
}
