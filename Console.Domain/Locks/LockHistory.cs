using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using OpsConsole.Domain.Data;

namespace OpsConsole.Domain.Locks;

/// <summary>A point of the Locks page's time scrubber: a stored snapshot's time and size.</summary>
public sealed record SnapshotMark(long Id, DateTimeOffset At, int Waiting, long Deadlocks);

/// <summary>
/// Lock history in the store: a per-minute aggregate for every tick (upserted, so a minute's figures grow as its
/// ticks arrive, and a restart mid-minute loses nothing) and a full snapshot only when something waited.
/// </summary>
public sealed class LockHistory(IDbContextFactory<OpsDbContext> dbFactory, IOptions<LockOptions> options, TimeProvider time)
{
    /// <summary>Stores a tick; returns the id of its full snapshot, when one was kept (other instances read the graph by it).</summary>
    public async Task<long?> RecordAsync(LockSample sample, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var minute = new DateTimeOffset(sample.At.UtcTicks - sample.At.UtcTicks % TimeSpan.TicksPerMinute, TimeSpan.Zero);
        await db.Database.ExecuteSqlInterpolatedAsync($"""
            INSERT INTO lock_minutes ("TargetId", "Minute", "MaxWaiting", "LongestWaitMs", "Deadlocks", "Rollbacks", "Samples")
            VALUES ({sample.TargetId}, {minute}, {sample.Waiting}, {sample.LongestWait.TotalMilliseconds}, {sample.Deadlocks}, {sample.Rollbacks}, 1)
            ON CONFLICT ("TargetId", "Minute") DO UPDATE SET
                "MaxWaiting" = greatest(lock_minutes."MaxWaiting", excluded."MaxWaiting"),
                "LongestWaitMs" = greatest(lock_minutes."LongestWaitMs", excluded."LongestWaitMs"),
                "Deadlocks" = lock_minutes."Deadlocks" + excluded."Deadlocks",
                "Rollbacks" = lock_minutes."Rollbacks" + excluded."Rollbacks",
                "Samples" = lock_minutes."Samples" + 1
            """, ct);
        if (sample.Waiting > 0 || sample.Deadlocks > 0)
        {
            var snapshot = new LockSnapshot(sample);
            db.LockSnapshots.Add(snapshot);
            await db.SaveChangesAsync(ct);
            return snapshot.Id;
        }
        return null;
    }

    /// <summary>The per-minute figures of a target in [from, to), oldest first.</summary>
    public async Task<IReadOnlyList<LockMinute>> MinutesAsync(Guid targetId, DateTimeOffset from, DateTimeOffset to, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var minutes = await db.LockMinutes.AsNoTracking().Where(m => m.TargetId == targetId && m.Minute >= from && m.Minute < to)
            .OrderBy(m => m.Minute).ToListAsync(ct);
        if (minutes.Count == 0)
            return minutes;
        var name = await db.Targets.Where(t => t.Id == targetId).Select(t => t.Name).FirstAsync(ct);
        var timeouts = await db.Database.SqlQuery<MinuteCount>($"""
            SELECT date_trunc('minute', "OccurredAt", 'UTC') AS "Minute", count(*) AS "Count" FROM checkout_events
            WHERE "ErrorClass" = 'db_lock_timeout' AND "Target" = {name} AND "OccurredAt" >= {from} AND "OccurredAt" < {to}
            GROUP BY 1
            """).ToDictionaryAsync(c => c.Minute, c => c.Count, ct);
        foreach (var minute in minutes)
            minute.LockTimeouts = timeouts.GetValueOrDefault(minute.Minute);
        return minutes;
    }

    private sealed record MinuteCount(DateTimeOffset Minute, long Count);

    /// <summary>The stored snapshots of a target in [from, to], oldest first, without their graphs (the scrubber's marks).</summary>
    public async Task<IReadOnlyList<SnapshotMark>> MarksAsync(Guid targetId, DateTimeOffset from, DateTimeOffset to, int limit = 5000,
        CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var newest = await db.LockSnapshots.AsNoTracking().Where(s => s.TargetId == targetId && s.At >= from && s.At <= to)
            .OrderByDescending(s => s.At).Take(limit).Select(s => new SnapshotMark(s.Id, s.At, s.Waiting, s.Deadlocks)).ToListAsync(ct);
        newest.Reverse();
        return newest;
    }

    /// <summary>The ticks of a target in [from, to] that counted deadlocks, and how many (a busy hour's waits are not read along).</summary>
    public async Task<IReadOnlyList<(DateTimeOffset At, long Deadlocks)>> DeadlocksAsync(Guid targetId, DateTimeOffset from, DateTimeOffset to,
        CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var ticks = await db.LockSnapshots.AsNoTracking().Where(s => s.TargetId == targetId && s.At >= from && s.At <= to && s.Deadlocks > 0)
            .Select(s => new { s.At, s.Deadlocks }).ToListAsync(ct);
        return ticks.Select(t => (t.At, t.Deadlocks)).ToList();
    }

    public async Task<LockSnapshot?> SnapshotAsync(long id, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.LockSnapshots.AsNoTracking().FirstOrDefaultAsync(s => s.Id == id, ct);
    }

    /// <summary>
    /// Drops the days of snapshots wholly past their retention (decisions/0035) and deletes aggregates older than theirs;
    /// returns how many rows went (dropped days as estimated), with what was dropped for the log.
    /// </summary>
    public async Task<(long Rows, IReadOnlyList<PrunedPartition> Snapshots)> PruneAsync(CancellationToken ct = default)
    {
        var now = time.GetUtcNow();
        var minutesBefore = now - options.Value.AggregateRetention;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var snapshots = await DayPartitions.PruneAsync(db, DayPartitions.LockSnapshots, now - options.Value.SnapshotRetention, ct);
        var minutes = await db.LockMinutes.Where(m => m.Minute < minutesBefore).ExecuteDeleteAsync(ct);
        return (snapshots.Sum(p => p.Rows) + minutes, snapshots);
    }
}
