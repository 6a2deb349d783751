using System.Collections.Concurrent;
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
using OpsConsole.Domain.Targets;

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
    StoreLocks locks, IOptions<DriftOptions> options, TimeProvider time, ILogger<DriftDetector> logger) : BackgroundService
{
    /// <summary>The store lock under which one instance checks a target's drift.</summary>
    public static string DriftLock(Guid targetId) => $"drift:{targetId}";

    // Concurrent: the timer loop and an on-demand check may touch it at once.
    private readonly ConcurrentDictionary<Guid, (int Failures, DateTimeOffset NextTry)> backoff = new();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.Interval, time);
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
        } while (await timer.WaitForNextTickAsync(stoppingToken));
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
            return [];
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
            return []; // a newer reading was compared meanwhile: this older one would report its differences backwards
        else
        {
            foreach (var after in settings)
            {
                if (!snapshot.Settings.TryGetValue(after.Name, out var previous) || previous == after.Setting)
                    continue;
                if (!DriftScope.Compares(after, snapshot.Sources.GetValueOrDefault(after.Name)))
                    continue;
                if (await ExplainedAsync(db, targetId, after, snapshot.TakenAt, ct))
                    continue;
                var before = after with { Setting = previous, Source = snapshot.Sources.GetValueOrDefault(after.Name, "unknown") };
                var change = ConfigChange.Detected(targetId, before, after, time.GetUtcNow());
                db.Changes.Add(change);
                detected.Add(change);
            }
            snapshot.Replace(time.GetUtcNow(), settings);
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
        return detected;
    }

    /// <summary>
    /// Explained when the console itself moved this parameter since the last snapshot (applied or rolled back),
    /// or is applying it right now (approved, with exactly this value: its transaction has not committed yet).
    /// </summary>
    private static Task<bool> ExplainedAsync(OpsDbContext db, Guid targetId, SettingInfo after, DateTimeOffset since, CancellationToken ct) =>
        db.Changes.AnyAsync(c => c.TargetId == targetId && c.Parameter == after.Name && c.Status != ChangeStatus.Detected
            && (c.Transitions.Any(t => t.At >= since && (t.To == ChangeStatus.Applied || t.To == ChangeStatus.RolledBack))
                || (c.Status == ChangeStatus.Approved && c.ValueAfterNormalized == after.Setting)), ct);
}
