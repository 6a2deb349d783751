using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using OpsConsole.Domain.Instances;

namespace OpsConsole.Domain.Data;

/// <summary>
/// Keeps the day partitions of checkout events and lock snapshots made ahead of time: yesterday (a late event) to
/// <see cref="DaysAhead"/> days ahead, at start and every hour, on one instance (<see cref="StoreLocks"/>). Making a day
/// is idempotent, so an instance that takes over, or a second start, changes nothing that exists. Should it ever fall
/// behind, nothing is lost: an event without its day's partition lands in DEFAULT and moves into the day once it is made.
/// </summary>
public sealed class DayPartitionMaintenance(IDbContextFactory<OpsDbContext> dbFactory, StoreLocks locks, TimeProvider time,
    ILogger<DayPartitionMaintenance> logger) : BackgroundService
{
    public const string Lock = "day-partitions";

    /// <summary>Days made ahead of today: a week of empty partitions costs a few catalog rows and survives a long outage of the job.</summary>
    public const int DaysAhead = 7;

    private static readonly TimeSpan Period = TimeSpan.FromHours(1);

    protected override Task ExecuteAsync(CancellationToken stoppingToken) => locks.RunWhileHoldingAsync(Lock, KeepAheadAsync, stoppingToken);

    private async Task KeepAheadAsync(CancellationToken ct)
    {
        using var timer = new PeriodicTimer(Period, time);
        do
        {
            try
            {
                await EnsureAheadAsync(ct);
            }
            catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.UndefinedTable or PostgresErrorCodes.UndefinedFunction)
            {
                logger.LogDebug("Day partitions wait for the store's migrations: {Error}", e.MessageText);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogError(e, "Could not make the day partitions ahead");
            }
        } while (await timer.WaitForNextTickAsync(ct));
    }

    /// <summary>Makes the missing days from yesterday to <see cref="DaysAhead"/> days ahead in every day-partitioned table; returns how many it made.</summary>
    public async Task<int> EnsureAheadAsync(CancellationToken ct = default)
    {
        var today = DayPartitions.DayOf(time.GetUtcNow());
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var made = 0;
        foreach (var table in DayPartitions.Tables)
            made += await DayPartitions.EnsureAsync(db, table, today.AddDays(-1), today.AddDays(DaysAhead), ct);
        if (made > 0)
            logger.LogInformation("Made {Count} day partitions ahead, up to {LastDay}", made, today.AddDays(DaysAhead));
        return made;
    }
}
