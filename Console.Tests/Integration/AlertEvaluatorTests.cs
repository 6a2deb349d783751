using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using OpsConsole.Domain.Alerts;
using OpsConsole.Domain.Alerts.Rules;
using OpsConsole.Domain.Changes;
using OpsConsole.Domain.Checkout;
using OpsConsole.Domain.Data;
using OpsConsole.Domain.Instances;
using OpsConsole.Domain.Live;
using OpsConsole.Domain.Locks;
using OpsConsole.Domain.Targets;
using OpsConsole.Tests.Support;

namespace OpsConsole.Tests.Integration;

/// <summary>
/// The evaluator over a real store: checkout events go in through the real ingest and roll-up, rules are stored, and the
/// evaluator's clock is a fake one, so that hold and clear times pass without waiting. The console's own evaluator is off.
/// </summary>
public sealed class AlertEvaluatorTests(AlertEvaluatorTests.Fixture fixture) : IClassFixture<AlertEvaluatorTests.Fixture>
{
    public sealed class Fixture(PostgresClusterFixture postgres) : IAsyncLifetime
    {
        public ConsoleApp App { get; private set; } = null!;

        public async ValueTask InitializeAsync() =>
            App = new ConsoleApp(await postgres.CreateStoreAsync("alerts"),
                new Dictionary<string, string?> { ["Alerts:Enabled"] = "false", ["Locks:Enabled"] = "false" });

        public ValueTask DisposeAsync() => App.DisposeAsync();
    }

    /// <summary>Takes every alert, or refuses them all while <see cref="Refuse"/> is set.</summary>
    private sealed class RecordingSink : IAlertSink
    {
        public List<AlertSignal> Received { get; } = [];
        public bool Refuse { get; set; }

        public Task<int?> ReceiveAsync(AlertSignal alert, CancellationToken ct)
        {
            if (Refuse)
                throw new InvalidOperationException("the incidents store is down");
            lock (Received) Received.Add(alert);
            return Task.FromResult<int?>(null);
        }
    }

    // Whole minutes a few minutes back: accepted by the ingest, and complete.
    private static readonly DateTimeOffset Onset = CheckoutMinute.MinuteOf(DateTimeOffset.UtcNow).AddMinutes(-6);

    private T Service<T>() where T : notnull => fixture.App.Service<T>();

    private AlertEvaluator Evaluator(IAlertSink sink, TimeProvider time) => new(Service<IDbContextFactory<OpsDbContext>>(), Service<StoreLocks>(),
        Service<AlertRuleService>(), Service<CheckoutHealth>(), Service<CheckoutLive>(), Service<LockMonitor>(), sink, Service<LiveEvents>(),
        Options.Create(new AlertsOptions()), time, NullLogger<AlertEvaluator>.Instance);

    private static string NewService() => $"svc-{Guid.NewGuid():N}"[..16];

    /// <summary>A failure-rate rule on a service of its own, so that other tests' rules and events never count.</summary>
    private async Task<Guid> FailureRateRuleAsync(string service) =>
        await Service<AlertRuleService>().CreateAsync(OpsConsole.Domain.Access.Actor.System, AlertRuleKind.CheckoutFailureRate,
            new AlertRuleSettings($"Failure rate of {service}", AlertLevel.Page, 0.05, 0.02, TimeSpan.FromMinutes(1), TimeSpan.FromSeconds(30),
                TimeSpan.FromMinutes(2), MinimumVolume: 20, Service: service, Target: "shop"));

    /// <summary>Two minutes of 100 attempts each from the onset, 40 % of them failing with deadlocks.</summary>
    private async Task FailingCheckoutsAsync(string service)
    {
        var events = Enumerable.Range(0, 200).Select(i => new CheckoutEvent($"e-{Guid.NewGuid():N}", Onset.AddSeconds(i * 0.6),
            i % 5 < 2 ? CheckoutOutcome.Failed : CheckoutOutcome.Succeeded, i % 5 < 2 ? ErrorClasses.DbDeadlock : null, null, 50, 10m, "EUR", null,
            service, "shop")).ToList();
        await Service<CheckoutIngest>().IngestAsync(events, default);
        await Service<CheckoutRollup>().RollUpAsync();
    }

    private static List<AlertSignal> Of(RecordingSink sink, Guid rule) => sink.Received.Where(s => s.Fingerprint == rule.ToString()).ToList();

    [Fact]
    public async Task AFailureRateRule_OverFailingCheckouts_FiresOnce_AfterItsHoldTime_WithTheRuleIdAsFingerprint()
    {
        var service = NewService();
        var rule = await FailureRateRuleAsync(service);
        await FailingCheckoutsAsync(service);
        var sink = new RecordingSink();
        var clock = new FakeTimeProvider(Onset.AddSeconds(50));
        var evaluator = Evaluator(sink, clock);

        await evaluator.EvaluateOnceAsync();
        Assert.Empty(Of(sink, rule)); // breaching, but not yet for 30 s
        for (var i = 0; i < 4; i++)
        {
            clock.Advance(TimeSpan.FromSeconds(10));
            await evaluator.EvaluateOnceAsync();
        }

        var fired = Assert.Single(Of(sink, rule));
        Assert.Equal((AlertEvaluator.Source, AlertLevel.Page, service, "shop", false), (fired.Source, fired.Level, fired.Service, fired.Target, fired.Resolved));
        Assert.Equal(Onset.AddSeconds(50), fired.StartsAt); // the onset is when the condition began, not when it fired
        Assert.Contains("40 %", fired.Summary);
        var stored = await Service<AlertRuleService>().GetAsync(rule);
        Assert.Equal(AlertRuleStatus.Firing, stored.Status);
    }

    [Fact]
    public async Task AFiringRule_ResolvesOnlyAfterItsClearTime_OnceTheFailuresAreOver()
    {
        var service = NewService();
        var rule = await FailureRateRuleAsync(service);
        await FailingCheckoutsAsync(service);
        var sink = new RecordingSink();
        var clock = new FakeTimeProvider(Onset.AddSeconds(50));
        var evaluator = Evaluator(sink, clock);
        await evaluator.EvaluateOnceAsync();
        clock.Advance(TimeSpan.FromSeconds(30));
        await evaluator.EvaluateOnceAsync();
        Assert.Single(Of(sink, rule));

        // Past the failing minutes: the 1-minute window is empty (too few attempts counts as clear), and must stay so for 2 minutes.
        clock.SetUtcNow(Onset.AddMinutes(4));
        await evaluator.EvaluateOnceAsync();
        clock.Advance(TimeSpan.FromSeconds(110));
        await evaluator.EvaluateOnceAsync();
        Assert.Single(Of(sink, rule));
        clock.Advance(TimeSpan.FromSeconds(10));
        await evaluator.EvaluateOnceAsync();

        var signals = Of(sink, rule);
        Assert.Equal([false, true], signals.Select(s => s.Resolved));
        Assert.Equal((Onset.AddSeconds(50), (DateTimeOffset?)Onset.AddMinutes(6)), (signals[1].StartsAt, signals[1].EndsAt));
        Assert.Equal("shop", signals[1].Target);
    }

    [Fact]
    public async Task ARestartedEvaluator_ResumesTheStoredState_AndDoesNotFireAgain()
    {
        var service = NewService();
        var rule = await FailureRateRuleAsync(service);
        await FailingCheckoutsAsync(service);
        var sink = new RecordingSink();
        var clock = new FakeTimeProvider(Onset.AddSeconds(50));
        var first = Evaluator(sink, clock);
        await first.EvaluateOnceAsync();
        clock.Advance(TimeSpan.FromSeconds(30));
        await first.EvaluateOnceAsync();

        var restarted = Evaluator(sink, clock);
        clock.Advance(TimeSpan.FromSeconds(10));
        await restarted.EvaluateOnceAsync();
        clock.Advance(TimeSpan.FromSeconds(10));
        await restarted.EvaluateOnceAsync();

        Assert.Single(Of(sink, rule));
    }

    [Fact]
    public async Task ASinkThatFails_LeavesTheRuleWhereItWas_SoTheAlertIsSentAtTheNextEvaluation()
    {
        var service = NewService();
        var rule = await FailureRateRuleAsync(service);
        await FailingCheckoutsAsync(service);
        var sink = new RecordingSink { Refuse = true };
        var clock = new FakeTimeProvider(Onset.AddSeconds(50));
        var evaluator = Evaluator(sink, clock);
        await evaluator.EvaluateOnceAsync();
        clock.Advance(TimeSpan.FromSeconds(30));
        await evaluator.EvaluateOnceAsync();
        Assert.Equal(AlertRuleStatus.Pending, (await Service<AlertRuleService>().GetAsync(rule)).Status);

        sink.Refuse = false;
        clock.Advance(TimeSpan.FromSeconds(10));
        await evaluator.EvaluateOnceAsync();

        var fired = Assert.Single(Of(sink, rule));
        Assert.Equal(Onset.AddSeconds(50), fired.StartsAt);
        Assert.Equal(AlertRuleStatus.Firing, (await Service<AlertRuleService>().GetAsync(rule)).Status);
    }

    [Fact]
    public async Task DisablingAFiringRule_ResolvesItsAlert()
    {
        var service = NewService();
        var rule = await FailureRateRuleAsync(service);
        await FailingCheckoutsAsync(service);
        var sink = new RecordingSink();
        var clock = new FakeTimeProvider(Onset.AddSeconds(50));
        var evaluator = Evaluator(sink, clock);
        await evaluator.EvaluateOnceAsync();
        clock.Advance(TimeSpan.FromSeconds(30));
        await evaluator.EvaluateOnceAsync();

        await Service<AlertRuleService>().SetEnabledAsync(OpsConsole.Domain.Access.Actor.System, rule, enabled: false);
        clock.Advance(TimeSpan.FromSeconds(10));
        await evaluator.EvaluateOnceAsync();

        var signals = Of(sink, rule);
        Assert.Equal([false, true], signals.Select(s => s.Resolved));
        Assert.Contains("disabled", signals[1].Summary);
        Assert.Equal(AlertRuleStatus.Ok, (await Service<AlertRuleService>().GetAsync(rule)).Status);
    }

    [Fact]
    public async Task ARuleBelowItsMinimumVolume_DoesNotFire()
    {
        var service = NewService();
        var rule = await FailureRateRuleAsync(service);
        await Service<CheckoutIngest>().IngestAsync(Enumerable.Range(0, 10).Select(i => new CheckoutEvent($"e-{Guid.NewGuid():N}", Onset.AddSeconds(i),
            CheckoutOutcome.Failed, ErrorClasses.DbDeadlock, null, 50, null, null, null, service, "shop")).ToList(), default);
        await Service<CheckoutRollup>().RollUpAsync();
        var sink = new RecordingSink();
        var clock = new FakeTimeProvider(Onset.AddSeconds(30));
        var evaluator = Evaluator(sink, clock);

        for (var i = 0; i < 6; i++, clock.Advance(TimeSpan.FromSeconds(10)))
            await evaluator.EvaluateOnceAsync();

        Assert.Empty(Of(sink, rule));
        Assert.Contains("minimum volume", (await Service<AlertRuleService>().GetAsync(rule)).LastSummary);
    }

    /// <summary>A target row of its own, straight into the store: these rules read the store and the lock monitor, never the target.</summary>
    private async Task<(Guid Id, string Name)> TargetAsync(TargetEnvironment environment)
    {
        var name = $"t{Guid.NewGuid():N}"[..12];
        await using var db = await Service<IDbContextFactory<OpsDbContext>>().CreateDbContextAsync();
        var target = new Target(name, environment, Service<TargetConnections>().Protect("Host=127.0.0.1;Port=1;Database=none;Username=none"),
            DateTimeOffset.UtcNow);
        db.Targets.Add(target);
        await db.SaveChangesAsync();
        return (target.Id, name);
    }

    private async Task<Guid> RuleAsync(AlertRuleKind kind, AlertRuleSettings settings) =>
        await Service<AlertRuleService>().CreateAsync(OpsConsole.Domain.Access.Actor.System, kind, settings);

    [Fact]
    public async Task ALockWaitRule_FiresOnTheMonitorsLatestSample_NamingItsTarget()
    {
        var (targetId, target) = await TargetAsync(TargetEnvironment.Production);
        var rule = await RuleAsync(AlertRuleKind.LockWait, new AlertRuleSettings($"Lock wait on {target}", AlertLevel.Ticket, 30, 5, TimeSpan.Zero,
            TimeSpan.Zero, TimeSpan.FromMinutes(1), Target: target));
        var sink = new RecordingSink();
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var evaluator = Evaluator(sink, clock);

        Service<LockMonitor>().Record(LockSample.Empty(targetId, clock.GetUtcNow()) with { Waiting = 1, LongestWait = TimeSpan.FromSeconds(12) });
        await evaluator.EvaluateOnceAsync();
        Assert.Empty(Of(sink, rule));
        clock.Advance(TimeSpan.FromSeconds(10));
        Service<LockMonitor>().Record(LockSample.Empty(targetId, clock.GetUtcNow()) with { Waiting = 1, LongestWait = TimeSpan.FromSeconds(45) });
        await evaluator.EvaluateOnceAsync();

        var fired = Assert.Single(Of(sink, rule));
        Assert.Equal(("database", target, AlertLevel.Ticket), (fired.Service, fired.Target, fired.Level));
        Assert.Contains("45 s", fired.Summary);
    }

    [Fact]
    public async Task ADeadlocksRule_CountsTheMonitorsDeadlocksOverItsWindow()
    {
        var (targetId, target) = await TargetAsync(TargetEnvironment.Production);
        var rule = await RuleAsync(AlertRuleKind.DeadlocksPerMinute, new AlertRuleSettings($"Deadlocks on {target}", AlertLevel.Page, 2, 0.5,
            TimeSpan.FromMinutes(5), TimeSpan.Zero, TimeSpan.FromMinutes(5), Target: target));
        var sink = new RecordingSink();
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var evaluator = Evaluator(sink, clock);

        Service<LockMonitor>().Record(LockSample.Empty(targetId, clock.GetUtcNow().AddSeconds(-1)) with { Deadlocks = 4 });
        await evaluator.EvaluateOnceAsync();
        Assert.Empty(Of(sink, rule)); // 4 in 5 minutes: 0.8 a minute
        Service<LockMonitor>().Record(LockSample.Empty(targetId, clock.GetUtcNow()) with { Deadlocks = 8 });
        clock.Advance(TimeSpan.FromSeconds(10));
        await evaluator.EvaluateOnceAsync();

        var fired = Assert.Single(Of(sink, rule));
        Assert.Equal((target, AlertLevel.Page), (fired.Target, fired.Level));
        Assert.Contains("12 deadlocks", fired.Summary);
    }

    [Fact]
    public async Task ADetectedChangeRule_FiresForAProductionTarget_NotForAStagingOne()
    {
        var (production, productionName) = await TargetAsync(TargetEnvironment.Production);
        var (staging, stagingName) = await TargetAsync(TargetEnvironment.Staging);
        var onProduction = await RuleAsync(AlertRuleKind.DetectedChange, new AlertRuleSettings($"Detected on {productionName}", AlertLevel.Ticket, 1, 1,
            TimeSpan.Zero, TimeSpan.Zero, TimeSpan.Zero, Target: productionName));
        var onStaging = await RuleAsync(AlertRuleKind.DetectedChange, new AlertRuleSettings($"Detected on {stagingName}", AlertLevel.Ticket, 1, 1,
            TimeSpan.Zero, TimeSpan.Zero, TimeSpan.Zero, Target: stagingName));
        SettingInfo Setting(string value) => new("deadlock_timeout", value, "ms", "integer", "1", "2147483647", [], "superuser", "configuration file", "", false);
        await using (var db = await Service<IDbContextFactory<OpsDbContext>>().CreateDbContextAsync())
        {
            db.Changes.Add(ConfigChange.Detected(production, Setting("1000"), Setting("30000"), DateTimeOffset.UtcNow));
            db.Changes.Add(ConfigChange.Detected(staging, Setting("1000"), Setting("30000"), DateTimeOffset.UtcNow));
            await db.SaveChangesAsync();
        }
        var sink = new RecordingSink();

        await Evaluator(sink, new FakeTimeProvider(DateTimeOffset.UtcNow)).EvaluateOnceAsync();

        var fired = Assert.Single(Of(sink, onProduction));
        Assert.Equal(productionName, fired.Target);
        Assert.Contains("deadlock_timeout", fired.Summary);
        Assert.Empty(Of(sink, onStaging));
    }
}
