using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using OpsConsole.Domain.Instances;
using OpsConsole.Domain.Rehearsals.Runs;

namespace OpsConsole.Domain.Rehearsals.Staging;

/// <summary>
/// Reverts staging after interrupted rehearsals: at start, and then at every heartbeat interval for as long as this
/// instance holds the store lock, because the plan of an instance killed a moment ago counts as orphaned only once its
/// heartbeat has gone stale (Instances:StaleAfter), and an instance may die while this one runs. One instance does it
/// (<see cref="StoreLocks"/>, decisions/0011); an instance stopped cleanly removes its heartbeat, so its plans are reverted at once.
/// </summary>
public sealed class StagingRevertOnStart(StagingReverts reverts, RehearsalRecovery recovery, StoreLocks locks, IOptions<InstanceOptions> options, TimeProvider time,
    ILogger<StagingRevertOnStart> logger) : BackgroundService
{
    public const string LockName = "staging-reverts";

    protected override Task ExecuteAsync(CancellationToken stoppingToken) => locks.RunWhileHoldingAsync(LockName, RevertEveryBeatAsync, stoppingToken);

    private async Task RevertEveryBeatAsync(CancellationToken ct)
    {
        using var timer = new PeriodicTimer(options.Value.HeartbeatInterval, time);
        do
        {
            try
            {
                if (await reverts.RevertOrphanedAsync(ct) is > 0 and var count)
                    logger.LogWarning("Reverted staging after {Count} interrupted rehearsals", count);
                await recovery.EndInterruptedAsync(ct);
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UndefinedTable)
            {
                logger.LogDebug("Staging reverts wait for the store's migrations: {Error}", e.MessageText);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogError(e, "Looking for interrupted rehearsals to revert failed");
            }
        } while (await timer.WaitForNextTickAsync(ct));
    }
}
