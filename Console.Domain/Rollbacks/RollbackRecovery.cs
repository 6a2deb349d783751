using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using OpsConsole.Domain.Access;
using OpsConsole.Domain.Audit;
using OpsConsole.Domain.Changes;
using OpsConsole.Domain.Data;

namespace OpsConsole.Domain.Rollbacks;

/// <summary>
/// On start, rollbacks left Running by a console that stopped mid-procedure are marked Interrupted and
/// their changes Rollback failed, so that nothing stays "in progress" forever and a retry is allowed.
/// </summary>
public sealed class RollbackRecovery(IDbContextFactory<OpsDbContext> dbFactory, AuditLog audit, TimeProvider time, ILogger<RollbackRecovery> logger)
{
    public async Task<int> RunAsync(CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var stale = await db.RollbackRuns.Where(r => r.Status == RollbackRunStatus.Running).ToListAsync(ct);
        foreach (var run in stale)
        {
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            var change = await ChangeRegistry.LockAsync(db, run.ChangeId, ct);
            run.MarkInterrupted(time.GetUtcNow());
            if (change.CanRollBack)
                change.RecordRollbackFailure(Actor.System, time.GetUtcNow(), run.Error!);
            audit.Record(db, Actor.System, "rollback.interrupted", $"change:{change.Number}", new { run = run.Id, run.StartedBy, run.StartedAt },
                AuditOutcome.Failed);
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
            logger.LogWarning("Rollback of change {ChangeNumber} started by {StartedBy} was interrupted; marked as failed", change.Number, run.StartedBy);
        }
        return stale.Count;
    }
}
