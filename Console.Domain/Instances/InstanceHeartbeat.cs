using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using OpsConsole.Domain.Data;
using OpsConsole.Domain.Rollbacks;

namespace OpsConsole.Domain.Instances;

/// <summary>
/// Tells the other instances on the store that this one is alive: a heartbeat row (console_instances) written every
/// HeartbeatInterval on the store's clock, deleted on a clean stop. Each beat also runs <see cref="RollbackRecovery"/>,
/// so that the rollbacks of an instance that went quiet are marked interrupted by whoever is still alive.
/// </summary>
public sealed class InstanceHeartbeat(IDbContextFactory<OpsDbContext> dbFactory, ConsoleInstance instance, RollbackRecovery recovery,
    IOptions<InstanceOptions> options, TimeProvider time, ILogger<InstanceHeartbeat> logger) : BackgroundService
{
    /// <summary>Rows of instances silent this long are deleted: nobody needs to know of them any more.</summary>
    private static readonly TimeSpan ForgetAfter = TimeSpan.FromDays(1);

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        // The first beat before the console takes requests: a rollback it starts must never look orphaned to the others.
        await BeatQuietlyAsync(cancellationToken);
        await base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.HeartbeatInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                if (!await BeatQuietlyAsync(stoppingToken))
                    continue;
                try
                {
                    await recovery.RunAsync(stoppingToken);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    logger.LogWarning(e, "Could not look for the rollbacks of stopped instances");
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        try
        {
            await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
            await db.Instances.Where(i => i.Id == instance.Id).ExecuteDeleteAsync(cancellationToken);
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException or InvalidOperationException or OperationCanceledException)
        {
            logger.LogDebug("Could not remove this instance's heartbeat: {Error}", e.Message);
        }
    }

    /// <summary>One beat; false when the store could not take it (logged, retried at the next beat).</summary>
    public async Task<bool> BeatQuietlyAsync(CancellationToken ct)
    {
        try
        {
            await using var db = await dbFactory.CreateDbContextAsync(ct);
            await db.Database.ExecuteSqlInterpolatedAsync($"""
                INSERT INTO console_instances ("Id", "Host", "StartedAt", "HeartbeatAt") VALUES ({instance.Id}, {instance.Host}, now(), now())
                ON CONFLICT ("Id") DO UPDATE SET "HeartbeatAt" = now()
                """, ct);
            await db.Database.ExecuteSqlInterpolatedAsync($"""DELETE FROM console_instances WHERE "HeartbeatAt" < now() - {ForgetAfter}""", ct);
            return true;
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UndefinedTable)
        {
            logger.LogDebug("The heartbeat waits for the store's migrations: {Error}", e.MessageText);
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException or InvalidOperationException && !ct.IsCancellationRequested)
        {
            logger.LogWarning("Could not write this instance's heartbeat: {Error}", e.Message);
        }
        return false;
    }
}
