using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace OpsConsole.Domain.Data;

/// <summary>What pruning took from a day-partitioned table: a whole day dropped (its rows as the planner estimates them), or rows deleted from DEFAULT.</summary>
public sealed record PrunedPartition(string Name, long Rows, long? Bytes, bool Dropped);

/// <summary>
/// The store's tables partitioned by UTC day (decisions/0035): checkout events and lock snapshots. Days are made ahead and
/// dropped when wholly past retention by the owner's SECURITY DEFINER functions <c>ops_day_partitions_ensure</c> and
/// <c>ops_day_partitions_prune</c>, so the runtime role needs no DDL right; an event whose day has no partition lands in
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
    /// is kept in whole days, so rows live up to one day longer than it, never shorter.
    /// </summary>
    public static async Task<IReadOnlyList<PrunedPartition>> PruneAsync(OpsDbContext db, string table, DateTimeOffset cutoff, CancellationToken ct) =>
        await db.Database.SqlQuery<PrunedPartition>(
                $"SELECT partition_name AS \"Name\", day_rows AS \"Rows\", bytes AS \"Bytes\", dropped AS \"Dropped\" FROM ops_day_partitions_prune({table}::regclass, {cutoff.ToUniversalTime()})")
            .ToListAsync(ct);

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
