using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace OpsConsole.Domain.Data;

/// <summary>What pruning took from a day-partitioned table: a whole day dropped (its rows as the planner estimates them), or rows deleted from DEFAULT.</summary>
public sealed record PrunedPartition(string Name, long Rows, long? Bytes, bool Dropped);

/// <summary>
/// The store's tables partitioned by UTC day (decisions/0035): checkout events and lock snapshots. Days are made ahead and
/// dropped when wholly past retention by the owner's SECURITY DEFINER functions (<c>ops_day_partitions_ensure</c>, <c>_detach</c>,
/// <c>_drop_detached</c> and <c>_prune_default</c>), so the runtime role needs no DDL right; an event whose day has no partition lands in
/// the DEFAULT partition and moves into its day when that day's partition is made.
/// </summary>
public static class DayPartitions
{
    public const string CheckoutEvents = "checkout_events";
    public const string LockSnapshots = "lock_snapshots";
    public static readonly IReadOnlyList<string> Tables = [CheckoutEvents, LockSnapshots];

    /// <summary>The UTC day of a moment.</summary>
    public static DateOnly DayOf(DateTimeOffset at) => DateOnly.FromDateTime(at.UtcDateTime);

    /// <summary>Makes the missing day partitions of <paramref name="table"/> from <paramref name="first"/> to <paramref name="last"/>; returns how many.</summary>
    public static async Task<int> EnsureAsync(OpsDbContext db, string table, DateOnly first, DateOnly last, CancellationToken ct) =>
        await db.Database.SqlQuery<int>($"SELECT ops_day_partitions_ensure({table}::regclass, {first}, {last}) AS \"Value\"").SingleAsync(ct);

    /// <summary>
    /// Drops the day partitions of <paramref name="table"/> that end at or before <paramref name="cutoff"/>, and deletes the
    /// rows of its DEFAULT partition older than it. A day that straddles the cutoff stays whole until it is all past: retention
    /// is kept in whole days, so rows live up to one day longer than it, never shorter. Three steps, each its own transaction:
    /// <see cref="DetachAsync"/>, <see cref="DropDetachedAsync"/> and the DEFAULT partition's DELETE.
    /// </summary>
    public static async Task<IReadOnlyList<PrunedPartition>> PruneAsync(OpsDbContext db, string table, DateTimeOffset cutoff, CancellationToken ct)
    {
        var detached = await DetachAsync(db, table, cutoff, ct);
        await DropDetachedAsync(db, table, ct);
        var fromDefault = await PruneDefaultAsync(db, table, cutoff, ct);
        return fromDefault > 0 ? [.. detached, new PrunedPartition($"{table}_default", fromDefault, null, Dropped: false)] : detached;
    }

    /// <summary>Deletes the rows of <paramref name="table"/>'s DEFAULT partition older than <paramref name="cutoff"/> (few: a row lands there only when its day had no partition); returns how many.</summary>
    public static async Task<long> PruneDefaultAsync(OpsDbContext db, string table, DateTimeOffset cutoff, CancellationToken ct) =>
        await db.Database.SqlQuery<long>($"SELECT ops_day_partitions_prune_default({table}::regclass, {cutoff.ToUniversalTime()}) AS \"Value\"").SingleAsync(ct);

    /// <summary>Tries of <see cref="DetachAsync"/> before it gives up until the next prune, and the pause after the first.</summary>
    public const int DetachTries = 10;
    private static readonly TimeSpan FirstPause = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// Detaches the expired days: the one step that locks the parent against ingest. It is catalog work (milliseconds), and it
    /// waits at most 200 ms for the lock (the function's lock_timeout) so that ingest never queues behind it for longer; busy,
    /// it is tried again after a pause that doubles, <see cref="DetachTries"/> times in all.
    /// </summary>
    public static async Task<IReadOnlyList<PrunedPartition>> DetachAsync(OpsDbContext db, string table, DateTimeOffset cutoff, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await db.Database.SqlQuery<PrunedPartition>(
                        $"SELECT partition_name AS \"Name\", day_rows AS \"Rows\", bytes AS \"Bytes\", true AS \"Dropped\" FROM ops_day_partitions_detach({table}::regclass, {cutoff.ToUniversalTime()})")
                    .ToListAsync(ct);
            }
            // The store's execution strategy may have retried it already, and then wraps the refusal.
            catch (Exception e) when ((e as PostgresException ?? e.InnerException as PostgresException)?.SqlState == PostgresErrorCodes.LockNotAvailable
                                      && attempt < DetachTries)
            {
                await Task.Delay(FirstPause * (1 << (attempt - 1)), ct);
            }
        }
    }

    /// <summary>
    /// Drops the detached days of <paramref name="table"/>: their files, the slow part for a big day, with nobody waiting on
    /// them. Days detached by a prune that stopped before this step are dropped too. Returns the tables dropped.
    /// </summary>
    public static async Task<IReadOnlyList<string>> DropDetachedAsync(OpsDbContext db, string table, CancellationToken ct) =>
        await db.Database.SqlQuery<string>($"SELECT ops_day_partitions_drop_detached({table}::regclass) AS \"Value\"").ToListAsync(ct);

    /// <summary>What was pruned, one line each, as the row DELETEs before were logged.</summary>
    public static void Log(ILogger logger, string what, IReadOnlyList<PrunedPartition> pruned)
    {
        foreach (var part in pruned)
            if (part.Dropped)
                logger.LogInformation("Dropped day partition {Partition} of {What} past retention: about {Rows} rows, {Bytes} bytes",
                    part.Name, what, part.Rows, part.Bytes);
            else
                logger.LogInformation("Deleted {Rows} rows of {What} past retention from {Partition}", part.Rows, what, part.Name);
    }
}
