using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpsConsole.Domain.Access;
using OpsConsole.Domain.Audit;
using OpsConsole.Domain.Data;
using OpsConsole.Domain.Instances;
using OpsConsole.Domain.Live;

namespace OpsConsole.Domain.Rehearsals.Runs;

/// <summary>
/// Ends the rehearsals whose console instance stopped midway (no fresh heartbeat), and this instance's own that its
/// runner no longer runs, as "could not run", once their staging revert plan is reverted (<see cref="Staging.StagingReverts"/>
/// runs first, in the same beat): so a rehearsal never shows as under way forever, and the staging target takes a new one.
/// </summary>
public sealed class RehearsalRecovery(IDbContextFactory<OpsDbContext> dbFactory, RehearsalRunner runner, ConsoleInstance instance,
    IOptions<InstanceOptions> instanceOptions, AuditLog audit, LiveEvents live, TimeProvider time, ILogger<RehearsalRecovery> logger)
{
    public const string InterruptedAction = "rehearsal.interrupted";

    public async Task<int> EndInterruptedAsync(CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var staleAfter = instanceOptions.Value.StaleAfter;
        var orphans = await db.Rehearsals.FromSqlInterpolated($"""
                SELECT r.* FROM rehearsals r
                WHERE r."Status" IN ('Queued', 'Running')
                  AND (r."InstanceId" = {instance.Id}
                       OR NOT EXISTS (SELECT 1 FROM console_instances i WHERE i."Id" = r."InstanceId" AND i."HeartbeatAt" >= now() - {staleAfter}))
                """).ToListAsync(ct);
        var ended = 0;
        foreach (var rehearsal in orphans.Where(r => !runner.IsRunning(r.Id)))
        {
            var plan = await db.StagingRevertPlans.AsNoTracking().Where(p => p.RehearsalId == rehearsal.Id).FirstOrDefaultAsync(ct);
            if (plan is { IsReverted: false })
                continue; // Not reverted yet: staging may still hold the change. The next beat looks again.
            rehearsal.CouldNotRun("The console running the rehearsal stopped midway; staging was reverted.", time.GetUtcNow());
            rehearsal.RecordRevert(plan?.Outcome ?? "Nothing to revert: the rehearsal had not touched staging.", plan?.Exact ?? true);
            var change = await db.Changes.FirstAsync(c => c.Id == rehearsal.ChangeId, ct);
            change.RecordRehearsal(rehearsal.Id, passed: null, rehearsal.EndedAt!.Value);
            audit.Record(db, Actor.System, InterruptedAction, $"change:{rehearsal.ChangeNumber}", new
            {
                rehearsal = rehearsal.Id, target = rehearsal.TargetName, profile = rehearsal.ProfileName, startedBy = rehearsal.StartedBy,
                revert = rehearsal.RevertOutcome,
            }, AuditOutcome.Failed);
            await db.SaveChangesAsync(ct);
            logger.LogWarning("Rehearsal {RehearsalId} of change #{Change} was interrupted (its console stopped); {Revert}", rehearsal.Id,
                rehearsal.ChangeNumber, rehearsal.RevertOutcome);
            live.Publish(RehearsalService.Progress(rehearsal));
            live.Publish(new ChangeUpdated(change.Id, change.Number, change.TargetId, change.Status.ToString()));
            ended++;
        }
        return ended;
    }
}
