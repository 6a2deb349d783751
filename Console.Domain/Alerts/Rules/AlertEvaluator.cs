using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using OpsConsole.Domain.Changes;
using OpsConsole.Domain.Checkout;
using OpsConsole.Domain.Data;
using OpsConsole.Domain.Instances;
using OpsConsole.Domain.Live;
using OpsConsole.Domain.Locks;
using OpsConsole.Domain.Targets;

namespace OpsConsole.Domain.Alerts.Rules;

/// <summary>
/// Evaluates the enabled alert rules every <c>Alerts:EvaluationInterval</c>, on one console instance at a time (it holds
/// the store lock <see cref="LockName"/>; the others wait to take over). It reads what the pages read (checkout minute
/// buckets, the live rolling minute, the lock monitor, Detected changes), lets <see cref="AlertHysteresis"/> decide, and
/// sends each fire and resolve to <see cref="IAlertSink"/> with the rule's id as the fingerprint. The state is stored
/// with the rule after the sink took the alert: a restart resumes it, and a sink that failed is asked again next time.
/// </summary>
public sealed class AlertEvaluator(IDbContextFactory<OpsDbContext> dbFactory, StoreLocks locks, AlertRuleService rules, CheckoutHealth health,
    CheckoutLive checkoutLive, LockMonitor lockMonitor, IAlertSink sink, LiveEvents live, IOptions<AlertsOptions> options, TimeProvider time,
    ILogger<AlertEvaluator> logger) : BackgroundService
{
    public const string LockName = "alert-evaluator";
    public const string Source = "rule";
    private const string Disabled = "disabled";

    /// <summary>A lock sample older than this says nothing about now (its sampler stopped or lost the target).</summary>
    private static readonly TimeSpan FreshSample = TimeSpan.FromSeconds(30);

    // Targets whose stored deadlock ticks this instance has read into its lock monitor since it took the lock.
    private readonly HashSet<Guid> deadlocksLoaded = [];
    private bool seeded;

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        options.Value.Enabled ? locks.RunWhileHoldingAsync(LockName, EvaluateEveryIntervalAsync, stoppingToken) : Task.CompletedTask;

    private async Task EvaluateEveryIntervalAsync(CancellationToken ct)
    {
        deadlocksLoaded.Clear();
        using var timer = new PeriodicTimer(options.Value.EvaluationInterval, time);
        do
        {
            try
            {
                if (!seeded)
                {
                    await rules.SeedAsync(options.Value.Defaults(), ct);
                    seeded = true;
                }
                await EvaluateOnceAsync(ct);
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UndefinedTable)
            {
                logger.LogDebug("Alert evaluation waits for the store's migrations: {Error}", e.MessageText);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogError(e, "Alert evaluation failed");
            }
        } while (await timer.WaitForNextTickAsync(ct));
    }

    /// <summary>One evaluation of every rule; returns the alerts the sink took. Public for tests and for "evaluate now".</summary>
    public async Task<IReadOnlyList<AlertSignal>> EvaluateOnceAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var all = await db.AlertRules.OrderBy(r => r.Name).ToListAsync(ct);
        var sent = new List<AlertSignal>();
        var now = time.GetUtcNow();
        foreach (var rule in all)
        {
            if (!rule.Enabled)
            {
                if (rule.State.IsFiring && await SendAsync(Signal(rule, rule.AlertTarget, "the rule was disabled", now), sent, ct) is false)
                    continue;
                if (rule.Status != AlertRuleStatus.Ok || rule.LastSummary != Disabled)
                    rule.Reset(now, Disabled);
                continue;
            }
            RuleReading reading;
            try
            {
                reading = await ReadAsync(db, rule, now, ct);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning(e, "Could not read the figures of alert rule {Rule}", rule.Name);
                continue;
            }
            var (state, transition) = AlertHysteresis.Step(rule.State, reading, rule.HoldFor, rule.ClearFor, now,
                AlertHysteresis.Tolerance(options.Value.EvaluationInterval));
            var alertTarget = transition == AlertTransition.Fired ? reading.Target ?? rule.Target : rule.AlertTarget;
            if (transition != AlertTransition.None)
            {
                var signal = transition == AlertTransition.Fired
                    ? Signal(rule, alertTarget, reading.Summary, null, state.ConditionSince, reading.Value)
                    : Signal(rule, alertTarget, reading.Summary, now);
                if (!await SendAsync(signal, sent, ct))
                    continue; // the state stays as it was: the same transition is tried again at the next evaluation
                logger.LogInformation("Alert rule {Rule} {Transition}: {Summary}", rule.Name, transition == AlertTransition.Fired ? "fired" : "resolved",
                    reading.Summary);
            }
            rule.Record(state, reading, now, alertTarget);
        }
        await db.SaveChangesAsync(ct);
        foreach (var signal in sent)
            live.Publish(new AlertRuleUpdated(Guid.Parse(signal.Fingerprint)));
        return sent;
    }

    private async Task<bool> SendAsync(AlertSignal signal, List<AlertSignal> sent, CancellationToken ct)
    {
        try
        {
            await sink.ReceiveAsync(signal, ct);
            sent.Add(signal);
            return true;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogError(e, "The alert sink refused alert {Name} ({Fingerprint}); it is sent again at the next evaluation", signal.Name, signal.Fingerprint);
            return false;
        }
    }

    private AlertSignal Signal(AlertRule rule, string? target, string summary, DateTimeOffset? endsAt, DateTimeOffset? startsAt = null, double? value = null)
    {
        var labels = new Dictionary<string, string> { ["kind"] = rule.Kind.ToString(), ["rule"] = rule.Name };
        if (value is { } v)
            labels["value"] = v.ToString("0.####", CultureInfo.InvariantCulture);
        return new AlertSignal(Source, rule.Id.ToString(), rule.Name, rule.Level, rule.Service ?? rule.Kind.DefaultService(), target, summary,
            startsAt ?? rule.ConditionSince ?? endsAt ?? time.GetUtcNow(), endsAt, labels);
    }

    private async Task<RuleReading> ReadAsync(OpsDbContext db, AlertRule rule, DateTimeOffset now, CancellationToken ct)
    {
        var thresholds = rule.Settings.Thresholds;
        switch (rule.Kind)
        {
            case AlertRuleKind.CheckoutFailureRate:
                return AlertReadings.FailureRate(thresholds, await CheckoutWindowAsync(rule, rule.Window, now, ct));
            case AlertRuleKind.LatencyP95:
                return AlertReadings.LatencyP95(thresholds, await CheckoutWindowAsync(rule, rule.Window, now, ct));
            case AlertRuleKind.SloBurnRate:
                var first = await health.FirstMinuteAsync(now - rule.Window, now, rule.Service, ct);
                return AlertReadings.SloBurn(thresholds, rule.Objective!.Value, await CheckoutWindowAsync(rule, rule.Window, now, ct),
                    await CheckoutWindowAsync(rule, rule.ShortWindow!.Value, now, ct), first is null ? null : now - first.Value);
            case AlertRuleKind.LockWait:
                var waits = new List<(string, TimeSpan)>();
                foreach (var (id, name) in await WatchedTargetsAsync(db, rule, ct))
                    if (lockMonitor.Latest(id) is { } sample && now - sample.At <= FreshSample)
                        waits.Add((name, sample.LongestWait));
                return AlertReadings.LockWait(thresholds, waits);
            case AlertRuleKind.DeadlocksPerMinute:
                var deadlocks = new List<(string, long)>();
                foreach (var (id, name) in await WatchedTargetsAsync(db, rule, ct))
                {
                    if (deadlocksLoaded.Add(id))
                        await lockMonitor.LoadDeadlocksAsync(id, ct);
                    deadlocks.Add((name, lockMonitor.DeadlocksSince(id, now - rule.Window)));
                }
                return AlertReadings.Deadlocks(thresholds, rule.Window, deadlocks);
            case AlertRuleKind.DetectedChange:
                var detected = await (from c in db.Changes.AsNoTracking()
                        join t in db.Targets.AsNoTracking() on c.TargetId equals t.Id
                        where c.Status == ChangeStatus.Detected && t.Environment == TargetEnvironment.Production && t.RetiredAt == null
                              && (rule.Target == null || t.Name == rule.Target)
                        select new DetectedChangeFact(c.Number, c.Title, t.Name, c.DetectedAt ?? c.CreatedAt))
                    .ToListAsync(ct);
                return AlertReadings.DetectedChanges(thresholds, detected);
            default:
                throw new InvalidOperationException($"Alert rule kind {rule.Kind} has no reading.");
        }
    }

    /// <summary>
    /// The checkout figures over a window ending now. A window of a minute with no service named reads the live rolling
    /// minute (fresh to the second, all services); longer ones the minute buckets, the current minute included.
    /// </summary>
    private async Task<CheckoutFigures> CheckoutWindowAsync(AlertRule rule, TimeSpan window, DateTimeOffset now, CancellationToken ct) =>
        window <= TimeSpan.FromMinutes(1) && rule.Service is null
            ? checkoutLive.RollingMinute()
            : await health.WindowAsync(now - window, now, rule.Service, ct);

    private static async Task<List<(Guid Id, string Name)>> WatchedTargetsAsync(OpsDbContext db, AlertRule rule, CancellationToken ct) =>
        (await db.Targets.AsNoTracking().Where(Target.Monitored).Where(t => rule.Target == null || t.Name == rule.Target)
            .Select(t => new { t.Id, t.Name }).ToListAsync(ct)).Select(t => (t.Id, t.Name)).ToList();
}
