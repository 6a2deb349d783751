using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using OpsConsole.Domain.Access;
using OpsConsole.Domain.Audit;
using OpsConsole.Domain.Data;
using OpsConsole.Domain.Instances;
using OpsConsole.Domain.Live;
using OpsConsole.Domain.Rollbacks;
using OpsConsole.Domain.Targets;
using OpsConsole.Domain.Telemetry;

namespace OpsConsole.Domain.Changes;

/// <summary>
/// Every interval, for each target: connect (recording the target's status), read pg_settings, and compare
/// with the last snapshot, which is kept in the store so that changes made while the console was down are
/// found too. A difference that no registered change explains becomes a Detected change; settings that only mirror
/// another or that the session derives are not compared (<see cref="DriftScope"/>). With several console instances on
/// one store, one instance checks each target (it holds the target's store lock from its first pass on); another
/// takes over at its next pass after that one dies.
/// </summary>
public sealed class DriftDetector(IDbContextFactory<OpsDbContext> dbFactory, TargetConnections connections, AuditLog audit, LiveEvents live,
    StoreLocks locks, IOptions<DriftOptions> options, ConsoleMetrics metrics, TimeProvider time, ILogger<DriftDetector> logger) : BackgroundService
{
    /// <summary>The store lock under which one instance checks a target's drift.</summary>
    public static string DriftLock(Guid targetId) => $"drift:{targetId}";

    // Concurrent: the timer loop and an on-demand check may touch it at once.
    private readonly ConcurrentDictionary<Guid, (int Failures, DateTimeOffset NextTry)> backoff = new();

    // Set when a pass is wanted before the next tick (RecheckSoon); capacity one, as one pass serves every request made before it.
    private readonly SemaphoreSlim recheck = new(0, 1);

    /// <summary>
    /// Asks for a pass at once, with <paramref name="targetId"/> out of its back-off: an action on it committed its intent and
    /// then could not record its outcome, so what the target holds now is known only by looking.
    /// </summary>
    public void RecheckSoon(Guid targetId)
    {
        backoff.TryRemove(targetId, out _);
        try { recheck.Release(); }
        catch (SemaphoreFullException) { }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.Interval, time);
        Task<bool>? tick = null;
        Task? wake = null;
        do
        {
            try
            {
                await CheckAllAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogError(e, "Drift check failed");
            }
            tick ??= timer.WaitForNextTickAsync(stoppingToken).AsTask();
            wake ??= recheck.WaitAsync(stoppingToken);
            await Task.WhenAny(tick, wake);
            if (wake.IsCompleted)
                wake = null;
            if (tick.IsCompleted)
            {
                if (!await tick)
                    break;
                tick = null;
            }
        } while (!stoppingToken.IsCancellationRequested);
    }

    /// <summary>One pass over every target (public so tests and the UI's "check now" can run one).</summary>
    public async Task CheckAllAsync(CancellationToken ct)
    {
        List<Guid> ids;
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
            ids = await db.Targets.Where(Target.Monitored).Select(t => t.Id).ToListAsync(ct);
        foreach (var id in ids)
            if ((!backoff.TryGetValue(id, out var wait) || time.GetUtcNow() >= wait.NextTry) && await locks.TryTakeAsync(DriftLock(id), ct) is not null)
                await CheckAsync(id, ct);
    }

    public async Task<IReadOnlyList<ConfigChange>> CheckAsync(Guid targetId, CancellationToken ct)
    {
        var started = Stopwatch.GetTimestamp();
        var (detected, result) = await CompareAsync(targetId, ct);
        metrics.DriftChecked(result, Stopwatch.GetElapsedTime(started));
        return detected;
    }

    /// <summary>One check of one target, with its result for the metrics: clean, drift, unreachable or skipped.</summary>
    private async Task<(IReadOnlyList<ConfigChange> Detected, string Result)> CompareAsync(Guid targetId, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var target = await db.Targets.FirstAsync(t => t.Id == targetId, ct);
        IReadOnlyList<SettingInfo> settings;
        var wasReachable = target.Reachable;
        var readAt = time.GetUtcNow();
        try
        {
            await using var connection = await connections.OpenAsync(target, ct);
            settings = await SettingCatalog.ReadAsync(connection, ct);
            target.RecordCheck(time.GetUtcNow(), connection.PostgreSqlVersion.ToString(), null);
            backoff.TryRemove(targetId, out _);
        }
        catch (Exception e) when (e is TargetUnavailableException or NpgsqlException or TimeoutException or System.Net.Sockets.SocketException)
        {
            target.RecordCheck(time.GetUtcNow(), null, e.Message);
            var failures = backoff.TryGetValue(targetId, out var previous) ? previous.Failures + 1 : 1;
            var wait = TimeSpan.FromTicks(Math.Min(options.Value.Interval.Ticks * (1L << Math.Min(failures, 16)), options.Value.MaxBackoff.Ticks));
            backoff[targetId] = (failures, time.GetUtcNow() + wait);
            await db.SaveChangesAsync(ct);
            if (wasReachable != false)
            {
                logger.LogWarning("Target {Target} does not answer: {Error}", target.Name, e.Message);
                live.Publish(new TargetUpdated(target.Id));
            }
            return ([], "unreachable");
        }

        // A rehearsal changes staging on purpose and puts it back exactly (Rehearsals/Staging): while its revert plan is open,
        // staging is not compared, and the snapshot stays as before it, so the rehearsal is never reported as drift. A setting
        // that did not come back, or one changed by someone else meanwhile, shows up at the first pass after the revert.
        if (await db.StagingRevertPlans.AnyAsync(p => p.TargetId == targetId && p.RevertedAt == null, ct))
        {
            await db.SaveChangesAsync(ct);
            return ([], "skipped");
        }

        // The detected changes, their audit entries and the new snapshot commit together or not at all.
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var detected = new List<ConfigChange>();
        // Locked, so that two checks of one target (a takeover while the old holder finishes its pass) compare one after the other.
        var snapshot = (await db.SettingSnapshots.FromSqlInterpolated($"SELECT * FROM setting_snapshots WHERE \"TargetId\" = {targetId} FOR UPDATE")
            .ToListAsync(ct)).FirstOrDefault();
        if (snapshot is null)
            db.SettingSnapshots.Add(new SettingSnapshot(targetId, time.GetUtcNow(), settings));
        else if (snapshot.TakenAt > readAt)
            return ([], "skipped"); // a newer reading was compared meanwhile: this older one would report its differences backwards
        else
        {
            var deferred = new List<SettingInfo>();
            foreach (var after in settings)
            {
                if (!snapshot.Settings.TryGetValue(after.Name, out var previous) || previous == after.Setting)
                    continue;
                if (!DriftScope.Compares(after, snapshot.Sources.GetValueOrDefault(after.Name)))
                    continue;
                var before = after with { Setting = previous, Source = snapshot.Sources.GetValueOrDefault(after.Name, "unknown") };
                // Asked before the explanation, so that an apply committing in between is seen by the explanation's query.
                if (await InFlightAsync(db, targetId, after.Name, ct))
                {
                    deferred.Add(before);
                    continue;
                }
                if (await ExplainedAsync(db, targetId, after, snapshot.TakenAt, ct))
                    continue;
                var change = ConfigChange.Detected(targetId, before, after, time.GetUtcNow());
                db.Changes.Add(change);
                detected.Add(change);
            }
            if (deferred.Count == 0)
                snapshot.Replace(time.GetUtcNow(), settings);
            else
            {
                // A value being applied right now is compared again next time, against the same snapshot time, by when its
                // apply has committed (explained) or died (not explained: reported).
                var byName = deferred.ToDictionary(d => d.Name);
                snapshot.Replace(snapshot.TakenAt, [.. settings.Select(s => byName.GetValueOrDefault(s.Name, s))]);
            }
        }
        await db.SaveChangesAsync(ct);
        foreach (var change in detected)
        {
            audit.Record(db, Actor.System, "change.drift_detected", $"change:{change.Number}",
                new { target = target.Name, parameter = change.Parameter, before = change.ValueBefore, after = change.ValueAfter });
            logger.LogWarning("Unregistered change of {Parameter} on {Target}: {Before} -> {After}", change.Parameter, target.Name,
                change.ValueBefore, change.ValueAfter);
        }
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        foreach (var change in detected)
            live.Publish(new ChangeUpdated(change.Id, change.Number, change.TargetId, change.Status.ToString()));
        if (wasReachable != true)
            live.Publish(new TargetUpdated(target.Id));
        return (detected, detected.Count > 0 ? "drift" : "clean");
    }

    /// <summary>
    /// Explained when the console itself moved this parameter since the last snapshot: a recorded apply or rollback. An
    /// approved change with this very value does not explain it: an apply whose outcome was never recorded (a crash, a store
    /// that stopped answering) must show up as drift, not be taken for the console's own work.
    /// </summary>
    private static Task<bool> ExplainedAsync(OpsDbContext db, Guid targetId, SettingInfo after, DateTimeOffset since, CancellationToken ct) =>
        db.Changes.AnyAsync(c => c.TargetId == targetId && c.Parameter == after.Name && c.Status != ChangeStatus.Detected
            && c.Transitions.Any(t => t.At >= since && (t.To == ChangeStatus.Applied || t.To == ChangeStatus.RolledBack)), ct);

    /// <summary>
    /// Whether a change of this parameter is being applied or rolled back at this moment. <see cref="ChangeApplier"/> holds the
    /// change's row locked from the claim to the recorded outcome, and a console that dies lets go of the lock with its
    /// connection; a rollback runs while its run is Running, which <c>RollbackRecovery</c> ends when its console is gone.
    /// </summary>
    private static async Task<bool> InFlightAsync(OpsDbContext db, Guid targetId, string parameter, CancellationToken ct)
    {
        if (await db.RollbackRuns.AnyAsync(r => r.Status == RollbackRunStatus.Running
                && db.Changes.Any(c => c.Id == r.ChangeId && c.TargetId == targetId && c.Parameter == parameter), ct))
            return true;
        var approved = await db.Changes.CountAsync(c => c.TargetId == targetId && c.Parameter == parameter && c.Status == ChangeStatus.Approved, ct);
        if (approved == 0)
            return false;
        var free = await db.Database.SqlQuery<int>($"""
            SELECT count(*)::int AS "Value" FROM (SELECT 1 FROM config_changes
                WHERE "TargetId" = {targetId} AND "Parameter" = {parameter} AND "Status" = 'Approved' FOR KEY SHARE SKIP LOCKED) AS free
            """).SingleAsync(ct);
        return free < approved;
    }
}
