using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpsConsole.Domain.Access;
using OpsConsole.Domain.Audit;
using OpsConsole.Domain.Data;
using OpsConsole.Domain.Instances;
using OpsConsole.Domain.Targets;

namespace OpsConsole.Domain.Rehearsals.Staging;

/// <summary>
/// The revert plans of rehearsals. A rehearsal calls <see cref="BeginAsync"/> before it changes anything on staging
/// (the plan is committed first, as an intent is), and <see cref="RevertAsync"/> when it ends, however it ends. A plan
/// left open by a console instance that stopped is restored by <see cref="RevertOrphanedAsync"/> on whichever instance
/// runs <see cref="StagingRevertOnStart"/>: open plans of instances with no fresh heartbeat (as <c>RollbackRecovery</c>
/// judges them), and this instance's own plans whose rehearsal is no longer running (its revert failed).
/// </summary>
public sealed class StagingReverts(IDbContextFactory<OpsDbContext> dbFactory, SettingsRestorer restorer, AuditLog audit, AuditIntents intents,
    ConsoleInstance instance, IOptions<InstanceOptions> instanceOptions, TimeProvider time, ILogger<StagingReverts> logger)
{
    public const string Action = "rehearsal.reverted";

    /// <summary>How long after a failed attempt (the target did not answer) a plan is tried again.</summary>
    public static readonly TimeSpan RetryAfter = TimeSpan.FromMinutes(1);

    /// <summary>Plans of rehearsals running on this instance: theirs to revert, not the recovery's.</summary>
    private readonly ConcurrentDictionary<Guid, byte> running = new();
    private readonly ConcurrentDictionary<Guid, DateTimeOffset> failedAt = new();

    /// <summary>Stores how to put <paramref name="target"/> back, before the rehearsal touches it; returns the plan's id.</summary>
    public async Task<Guid> BeginAsync(Target target, SettingsSnapshot snapshot, Guid rehearsalId, CancellationToken ct = default)
    {
        if (target.Environment != TargetEnvironment.Staging)
            throw new DomainRuleException($"{target.Name} is not a staging target.", StagingGuard.Field);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var plan = new StagingRevertPlan(target.Id, rehearsalId, instance.Id, snapshot, time.GetUtcNow());
        db.StagingRevertPlans.Add(plan);
        running[plan.Id] = 0;
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch
        {
            running.TryRemove(plan.Id, out _);
            throw;
        }
        return plan.Id;
    }

    /// <summary>
    /// Restores the plan's snapshot on its target and marks it reverted, audited as rehearsal.reverted (intent first).
    /// When the target does not answer, the plan stays open and the recovery tries it again later; the exception is the caller's.
    /// </summary>
    public async Task<RestoreResult> RevertAsync(Guid planId, string why = "the rehearsal ended", CancellationToken ct = default)
    {
        try
        {
            return await RestoreAsync(planId, why, ct);
        }
        finally
        {
            running.TryRemove(planId, out _);
        }
    }

    /// <summary>
    /// The end of a rehearsal, however it ended: the same as <see cref="RevertAsync"/>. Restoring is idempotent, so a caller
    /// that put some settings back itself loses nothing, and staging is checked against the stored snapshot either way.
    /// </summary>
    public Task<RestoreResult> CompleteAsync(Guid planId, CancellationToken ct = default) => RevertAsync(planId, "the rehearsal ended", ct);

    /// <summary>Marks a plan reverted by a caller that restored the snapshot itself (with <see cref="SettingsRestorer"/>), audited.</summary>
    public async Task CompleteAsync(Guid planId, RestoreResult result, CancellationToken ct = default)
    {
        running.TryRemove(planId, out _);
        await MarkRevertedAsync(planId, "the rehearsal ended", result, intent: null, ct);
    }

    /// <summary>Restores every plan left open by a rehearsal that no longer runs; returns how many were reverted.</summary>
    public async Task<int> RevertOrphanedAsync(CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var staleAfter = instanceOptions.Value.StaleAfter;
        // The store's clock judges the heartbeats, as it wrote them.
        var open = await db.StagingRevertPlans.FromSqlInterpolated($"""
                SELECT p.* FROM staging_revert_plans p
                WHERE p."RevertedAt" IS NULL
                  AND (p."InstanceId" = {instance.Id}
                       OR NOT EXISTS (SELECT 1 FROM console_instances i WHERE i."Id" = p."InstanceId" AND i."HeartbeatAt" >= now() - {staleAfter}))
                ORDER BY p."CreatedAt"
                """).AsNoTracking().Select(p => new { p.Id, p.InstanceId }).ToListAsync(ct);
        var reverted = 0;
        foreach (var plan in open.Where(p => !running.ContainsKey(p.Id)))
        {
            if (failedAt.TryGetValue(plan.Id, out var at) && time.GetUtcNow() - at < RetryAfter)
                continue;
            var why = plan.InstanceId == instance.Id ? "the rehearsal ended without reverting" : "the console running the rehearsal stopped";
            try
            {
                await RestoreAsync(plan.Id, why, ct);
                reverted++;
            }
            catch (Exception e) when (e is TargetUnavailableException or DomainRuleException)
            {
                logger.LogWarning("Could not revert staging after an interrupted rehearsal (plan {PlanId}): {Error}; trying again in {RetryAfter}",
                    plan.Id, e.Message, RetryAfter);
            }
        }
        return reverted;
    }

    private async Task<RestoreResult> RestoreAsync(Guid planId, string why, CancellationToken ct)
    {
        StagingRevertPlan plan;
        Target target;
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            plan = await db.StagingRevertPlans.AsNoTracking().FirstOrDefaultAsync(p => p.Id == planId, ct)
                ?? throw new DomainRuleException("That revert plan does not exist.");
            if (plan.IsReverted)
                throw new DomainRuleException($"That rehearsal's staging settings were reverted already ({plan.Outcome}).");
            target = await db.Targets.AsNoTracking().FirstAsync(t => t.Id == plan.TargetId, ct);
        }
        var subject = $"target:{target.Name}";
        var intent = await intents.DeclareAsync(Actor.System, Action, subject, new { plan = plan.Id, rehearsal = plan.RehearsalId, why }, ct);
        RestoreResult result;
        try
        {
            result = await restorer.RestoreAsync(target, plan.ReadSnapshot(), ct);
        }
        catch (Exception e) when (e is TargetUnavailableException or DomainRuleException or Npgsql.PostgresException)
        {
            failedAt[planId] = time.GetUtcNow();
            await using var db = await dbFactory.CreateDbContextAsync(CancellationToken.None);
            var stored = await db.StagingRevertPlans.FirstAsync(p => p.Id == planId, CancellationToken.None);
            stored.RecordFailure(e.Message);
            audit.Record(db, Actor.System, Action, subject, new { plan = planId, rehearsal = plan.RehearsalId, why, error = e.Message, intent },
                AuditOutcome.Failed);
            await db.SaveChangesAsync(CancellationToken.None);
            throw;
        }
        failedAt.TryRemove(planId, out _);
        await MarkRevertedAsync(planId, why, result, intent, ct);
        if (result.Exact)
            logger.LogInformation("Reverted staging target {Target} after rehearsal {RehearsalId} ({Why}): {Outcome}", target.Name, plan.RehearsalId, why,
                result.Summary);
        else
            logger.LogWarning("Reverted staging target {Target} after rehearsal {RehearsalId} ({Why}), not exactly: {Outcome}", target.Name,
                plan.RehearsalId, why, result.Summary);
        return result;
    }

    /// <summary>
    /// Marks the plan reverted once the restore ran to its end, exact or not: what it could not bring back (a setting
    /// awaiting a restart, a file edited by hand meanwhile) would not come back by trying again, and the audit entry says what it is.
    /// </summary>
    private async Task MarkRevertedAsync(Guid planId, string why, RestoreResult result, long? intent, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var plan = await db.StagingRevertPlans.FromSql($"SELECT * FROM staging_revert_plans WHERE \"Id\" = {planId} FOR UPDATE").FirstOrDefaultAsync(ct)
            ?? throw new DomainRuleException("That revert plan does not exist.");
        var target = await db.Targets.AsNoTracking().FirstAsync(t => t.Id == plan.TargetId, ct);
        var details = new
        {
            plan = plan.Id, rehearsal = plan.RehearsalId, why, exact = result.Exact, outcome = result.Summary,
            statements = result.Statements.Count, awaitingRestart = result.AwaitingRestart.Select(d => d.Name).ToArray(), intent,
        };
        if (plan.IsReverted)
        {
            // Reverted meanwhile by the rehearsal itself or the recovery: its entry says so; an intent of ours still gets its outcome.
            if (intent is null)
                return;
            audit.Record(db, Actor.System, Action, $"target:{target.Name}", new { details, alreadyRevertedAt = plan.RevertedAt },
                result.Exact ? AuditOutcome.Succeeded : AuditOutcome.Failed);
        }
        else
        {
            plan.MarkReverted(time.GetUtcNow(), $"{why}: {result.Summary}", result.Exact);
            audit.Record(db, Actor.System, Action, $"target:{target.Name}", details, result.Exact ? AuditOutcome.Succeeded : AuditOutcome.Failed);
        }
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
    }
}
