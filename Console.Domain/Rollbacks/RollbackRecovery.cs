using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpsConsole.Domain.Access;
using OpsConsole.Domain.Audit;
using OpsConsole.Domain.Changes;
using OpsConsole.Domain.Data;
using OpsConsole.Domain.Instances;

namespace OpsConsole.Domain.Rollbacks;

/// <summary>
/// Rollbacks left Running by a console instance that stopped mid-procedure are marked Interrupted and their changes
/// Rollback failed, so that nothing stays "in progress" forever and a retry is allowed. Only runs whose instance has
/// stopped heartbeating (<see cref="InstanceHeartbeat"/>) count: starting a second instance must not fail the first
/// one's running rollback. Runs at start and at every heartbeat.
/// </summary>
public sealed class RollbackRecovery(IDbContextFactory<OpsDbContext> dbFactory, AuditLog audit, ConsoleInstance instance,
    IOptions<InstanceOptions> options, TimeProvider time, ILogger<RollbackRecovery> logger)
{
    public async Task<int> RunAsync(CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        // The store's clock judges the heartbeats, as it wrote them. This instance's own runs are alive by definition,
        // even when the store missed its beats for a while.
        var staleAfter = options.Value.StaleAfter;
        var orphaned = await db.RollbackRuns.FromSqlInterpolated($"""
                SELECT r.* FROM rollback_runs r
                WHERE r."Status" = 'Running' AND r."InstanceId" IS DISTINCT FROM {instance.Id}
                  AND NOT EXISTS (SELECT 1 FROM console_instances i WHERE i."Id" = r."InstanceId" AND i."HeartbeatAt" >= now() - {staleAfter})
                """).Select(r => r.Id).ToListAsync(ct);
        var interrupted = 0;
        foreach (var runId in orphaned)
        {
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            var run = await db.RollbackRuns.FirstAsync(r => r.Id == runId, ct);
            var change = await ChangeRegistry.LockAsync(db, run.ChangeId, ct);
            // Under the change's lock: another instance may have recovered it, or its own instance finished it, meanwhile.
            await db.Entry(run).ReloadAsync(ct);
            if (run.Status != RollbackRunStatus.Running)
                continue;
            run.MarkInterrupted(time.GetUtcNow());
            if (change.CanRollBack)
                change.RecordRollbackFailure(Actor.System, time.GetUtcNow(), run.Error!);
            audit.Record(db, Actor.System, "rollback.interrupted", $"change:{change.Number}",
                new { run = run.Id, run.StartedBy, run.StartedAt, run.InstanceId }, AuditOutcome.Failed);
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
            interrupted++;
            logger.LogWarning("Rollback of change {ChangeNumber} started by {StartedBy} was interrupted (its console instance stopped); marked as failed",
                change.Number, run.StartedBy);
        }
        return interrupted;
    }
}
