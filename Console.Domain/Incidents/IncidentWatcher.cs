using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using OpsConsole.Domain.Checkout;
using OpsConsole.Domain.Data;
using OpsConsole.Domain.Instances;
using OpsConsole.Domain.Locks;

namespace OpsConsole.Domain.Incidents;

/// <summary>
/// Writes what the console sees on open incidents, on one instance (store lock <see cref="Lock"/>), every
/// <see cref="IncidentOptions.WatchInterval"/>: suspects re-ranked as evidence arrives, the first failure of the run that
/// led to the alert, long lock waits and deadlocks on the incident's target (at most one entry of each a minute), health
/// back to normal (or worse again), and, after <see cref="IncidentOptions.QuietPeriod"/> of normal health, a proposal to
/// resolve: a person resolves, since only a person knows whether the fix holds.
/// </summary>
public sealed class IncidentWatcher(IDbContextFactory<OpsDbContext> dbFactory, IncidentService incidents, IncidentSuspects suspects,
    CheckoutLive checkoutLive, CheckoutHealth checkoutHealth, LockMonitor locks, StoreLocks storeLocks, IOptions<IncidentOptions> options,
    TimeProvider time, ILogger<IncidentWatcher> logger) : BackgroundService
{
    public const string Lock = "incident-watcher";
    /// <summary>The service whose health the console's own live figures show (what checkout services report by default).</summary>
    public const string CheckoutService = "checkout";
    private static readonly TimeSpan LockEventSpacing = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan FirstFailureSearch = TimeSpan.FromMinutes(15);
    public static readonly TimeSpan RecordedElsewhereAfter = TimeSpan.FromSeconds(10);

    // Per incident, in memory: after a restart or a takeover, the worst that happens is one repeated lock entry.
    private readonly Dictionary<Guid, WatchState> states = [];

    private sealed class WatchState
    {
        public DateTimeOffset? DeadlockCursor;
        public DateTimeOffset LastLongWait = DateTimeOffset.MinValue;
        public bool SeenUnhealthy;
        public bool FirstFailureDone;
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) => storeLocks.RunWhileHoldingAsync(Lock, WatchEveryIntervalAsync, stoppingToken);

    private async Task WatchEveryIntervalAsync(CancellationToken ct)
    {
        using var timer = new PeriodicTimer(options.Value.WatchInterval, time);
        do
        {
            try
            {
                await WatchOnceAsync(ct);
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UndefinedTable)
            {
                logger.LogDebug("The incident watcher waits for the store's migrations: {Error}", e.MessageText);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogError(e, "The incident watcher's round failed");
            }
        } while (await timer.WaitForNextTickAsync(ct));
    }

    /// <summary>One round over the open incidents.</summary>
    public async Task WatchOnceAsync(CancellationToken ct = default)
    {
        List<Incident> open;
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
            open = await db.Incidents.AsNoTracking().Where(i => i.Status != IncidentStatus.Resolved).ToListAsync(ct);
        foreach (var gone in states.Keys.Except(open.Select(i => i.Id)).ToList())
            states.Remove(gone);
        foreach (var incident in open)
        {
            var state = states.TryGetValue(incident.Id, out var s) ? s : states[incident.Id] = new WatchState();
            try
            {
                await suspects.RefreshAsync(incident.Id, ct);
                await RollbacksElsewhereAsync(incident, ct);
                await FirstFailureAsync(incident, state, ct);
                if (incident.TargetId is { } targetId)
                    await LockEventsAsync(incident, targetId, state, ct);
                await HealthAsync(incident, state, ct);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning(e, "Could not watch incident {Number} this round", incident.Number);
            }
        }
    }

    /// <summary>
    /// The first failed checkout of the run that led to the alert: after the last minute before onset whose failures were
    /// within normal (or <see cref="FirstFailureSearch"/> before onset at most).
    /// </summary>
    private async Task FirstFailureAsync(Incident incident, WatchState state, CancellationToken ct)
    {
        if (state.FirstFailureDone)
            return;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (await db.IncidentTimeline.AnyAsync(e => e.IncidentId == incident.Id && e.Kind == TimelineKind.FirstFailure, ct))
        {
            state.FirstFailureDone = true;
            return;
        }
        var onsetMinute = CheckoutMinute.MinuteOf(incident.OnsetAt);
        var series = await checkoutHealth.SeriesAsync(onsetMinute - FirstFailureSearch, onsetMinute, incident.Service, ct);
        var lastNormal = series.LastOrDefault(p => p.Attempts > 0 && (double)p.Failures / p.Attempts <= options.Value.HealthyFailureRate);
        var from = lastNormal is null ? onsetMinute - FirstFailureSearch : lastNormal.Minute.AddMinutes(1);
        var first = await db.CheckoutEvents.AsNoTracking()
            .Where(e => e.Service == incident.Service && e.Outcome == CheckoutOutcome.Failed && e.OccurredAt >= from && e.OccurredAt <= time.GetUtcNow())
            .OrderBy(e => e.OccurredAt).Select(e => new { e.OccurredAt, e.ErrorClass, e.ErrorCode }).FirstOrDefaultAsync(ct);
        state.FirstFailureDone = true; // searched once: a later failure is not the first
        if (first is null)
            return;
        var text = $"First failed checkout of this run: {first.ErrorClass ?? "unknown class"}" + (first.ErrorCode is null ? "" : $" ({first.ErrorCode})");
        await incidents.RecordByConsoleAsync(incident.Id, (i, _) =>
        {
            i.RecordFirstFailure(text, first.OccurredAt);
            return true;
        }, "timeline", null, null, ct);
    }

    /// <summary>
    /// A suspect rolled back from its change page or the API, not from the incident, counts the same: the run is written on
    /// the timeline and a finished one moves the incident to Monitoring. Runs the incident recorded itself carry their id
    /// on its entries; a run is looked at only once <see cref="RecordedElsewhereAfter"/> has passed, so that the incident's
    /// own rollback has written its entries first.
    /// </summary>
    private async Task RollbacksElsewhereAsync(Incident incident, CancellationToken ct)
    {
        var settled = time.GetUtcNow() - RecordedElsewhereAfter;
        List<(Rollbacks.RollbackRun Run, int Number)> runs;
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            var recorded = db.IncidentTimeline.Where(e => e.IncidentId == incident.Id && e.RollbackRunId != null).Select(e => e.RollbackRunId);
            runs = (await (from run in db.RollbackRuns.AsNoTracking()
                           join suspect in db.IncidentSuspects on run.ChangeId equals suspect.ChangeId
                           where suspect.IncidentId == incident.Id && run.StartedAt >= incident.OpenedAt && run.FinishedAt != null
                                 && run.FinishedAt <= settled && !recorded.Contains(run.Id)
                           orderby run.StartedAt
                           select new { run, suspect.ChangeNumber }).ToListAsync(ct))
                .Select(x => (x.run, x.ChangeNumber)).ToList();
        }
        foreach (var (run, number) in runs)
        {
            var by = new Access.Actor(run.StartedBy, run.StartedBy, []);
            await incidents.RecordByConsoleAsync(incident.Id, (i, _) =>
            {
                if (!i.IsOpen) return false;
                i.RecordRollbackStarted(run.ChangeId, number, $"{run.Reason} (from outside the incident)", by, run.StartedAt);
                if (run.Status == Rollbacks.RollbackRunStatus.Succeeded)
                    i.RecordRollbackFinished(run.ChangeId, number, run.Id, "Rolled back.", by, run.FinishedAt!.Value);
                else
                    i.RecordRollbackFailed(run.ChangeId, number, run.Id, run.Error ?? run.Status.ToString(), by, run.FinishedAt!.Value);
                return true;
            }, "rollback", "incident.rollback_recorded", new { change = number, run = run.Id, run.Status }, ct);
        }
    }

    private async Task LockEventsAsync(Incident incident, Guid targetId, WatchState state, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var target = incident.TargetName ?? "the target";
        if (locks.Latest(targetId) is { } sample && sample.LongestWait >= options.Value.LongLockWait && now - state.LastLongWait >= LockEventSpacing)
        {
            state.LastLongWait = now;
            var text = $"Lock wait of {sample.LongestWait.TotalSeconds:0} s on {target}: {sample.Waiting} session{(sample.Waiting == 1 ? "" : "s")} waiting";
            await incidents.RecordByConsoleAsync(incident.Id, (i, _) =>
            {
                i.RecordLockEvent(TimelineKind.LockWait, text, sample.At);
                return true;
            }, "timeline", null, null, ct);
        }

        // Deadlocks since onset at first (as far back as the monitor keeps them), then once a minute.
        var first = state.DeadlockCursor is null;
        var cursor = state.DeadlockCursor ?? Max(incident.OnsetAt, now - DeadlockTally.Kept);
        if (!first && now - cursor < LockEventSpacing)
            return;
        var deadlocks = locks.DeadlocksSince(targetId, cursor);
        state.DeadlockCursor = now;
        if (deadlocks > 0)
            await incidents.RecordByConsoleAsync(incident.Id, (i, _) =>
            {
                i.RecordLockEvent(TimelineKind.Deadlocks, $"{deadlocks} deadlock{(deadlocks == 1 ? "" : "s")} on {target} since {cursor:HH:mm:ss} UTC", now);
                return true;
            }, "timeline", null, null, ct);
    }

    private async Task HealthAsync(Incident incident, WatchState state, CancellationToken ct)
    {
        var figures = await HealthOfAsync(incident.Service, ct);
        if (figures is null || figures.Attempts < options.Value.HealthMinimumAttempts)
            return; // too little traffic to judge: nothing is written
        var failed = (double)figures.Failures / figures.Attempts;
        var healthy = failed <= options.Value.HealthyFailureRate;
        var now = time.GetUtcNow();
        var share = $"{failed:P1} of {figures.Attempts} checkouts failed in the last minute";
        if (!healthy)
        {
            state.SeenUnhealthy = true;
            if (incident.RecoveredAt is not null)
                await incidents.RecordByConsoleAsync(incident.Id, (i, at) =>
                {
                    if (i.RecoveredAt is null) return false;
                    i.RecordHealthDegraded($"Health degraded again: {share}", at);
                    return true;
                }, "health", "incident.health_degraded", new { figures.Attempts, figures.Failures }, ct);
            return;
        }
        // Healthy now. Recovered only from something: health seen bad since opening, or a whole window since opening.
        if (incident.RecoveredAt is null && (state.SeenUnhealthy || now - incident.OpenedAt >= TimeSpan.FromSeconds(CheckoutLive.SecondsKept)))
        {
            await incidents.RecordByConsoleAsync(incident.Id, (i, at) =>
            {
                if (i.RecoveredAt is not null) return false;
                i.RecordHealthRecovered($"Health back to normal: {share}", at);
                return true;
            }, "health", "incident.health_recovered", new { figures.Attempts, figures.Failures }, ct);
        }
        else if (incident.RecoveredAt is { } recovered && incident.ResolveProposedAt is null && now - recovered >= options.Value.QuietPeriod)
        {
            var quiet = options.Value.QuietPeriod;
            await incidents.RecordByConsoleAsync(incident.Id, (i, at) =>
            {
                if (i.RecoveredAt is null || i.ResolveProposedAt is not null) return false;
                i.ProposeResolve($"Health has been normal for {Words(quiet)}: resolve the incident when the fix holds", at);
                return true;
            }, "health", "incident.resolve_proposed", new { quietPeriod = quiet }, ct);
        }
    }

    /// <summary>The last minute of the service's checkouts: live seconds for the console's own checkout, minute buckets for other services.</summary>
    private async Task<CheckoutFigures?> HealthOfAsync(string service, CancellationToken ct)
    {
        if (service == CheckoutService)
            return checkoutLive.RollingMinute();
        var now = time.GetUtcNow();
        return await checkoutHealth.WindowAsync(now.AddMinutes(-1), now, service, ct);
    }

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;

    private static string Words(TimeSpan span) =>
        span.TotalMinutes >= 1 ? $"{span.TotalMinutes:0.#} min" : $"{span.TotalSeconds:0} s";
}
