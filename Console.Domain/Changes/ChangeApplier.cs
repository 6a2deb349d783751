using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using OpsConsole.Domain.Access;
using OpsConsole.Domain.Audit;
using OpsConsole.Domain.Data;
using OpsConsole.Domain.Live;
using OpsConsole.Domain.Targets;

namespace OpsConsole.Domain.Changes;

public sealed record ApplyResult(bool Succeeded, string Message, bool PendingRestart, TimeSpan Duration);

/// <summary>
/// Applies approved changes to their target: settings through <see cref="SettingWriter"/> (set, reload,
/// verify), SQL through <see cref="TargetScripts"/> (one transaction with timeouts). The change row stays
/// locked throughout, so a second apply waits and then finds it applied (and the drift detector knows it is under way).
/// Intent before action: the intent is committed before the target is touched, the outcome after (<see cref="AuditIntents"/>).
/// </summary>
public sealed class ChangeApplier(IDbContextFactory<OpsDbContext> dbFactory, TargetRegistry targets, SettingWriter settings, TargetScripts scripts,
    AccessGuard guard, AuditLog audit, AuditIntents intents, DriftDetector drift, LiveEvents live, TimeProvider time)
{
    public const string Action = "change.apply";

    public async Task<ApplyResult> ApplyAsync(Actor actor, Guid changeId, CancellationToken ct = default)
    {
        await guard.DemandAsync(actor, Permission.ApplyChange, "change.apply", (db, c) => AuditSubjects.ChangeAsync(db, changeId, c), ct);
        var started = Stopwatch.StartNew();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var change = await ChangeRegistry.LockAsync(db, changeId, ct);
        var target = await targets.GetAsync(change.TargetId, ct);
        try
        {
            change.Demand(ChangeAction.Apply, actor);
            target.DemandActive();
        }
        catch (DomainRuleException refused)
        {
            // Not approved, external, or a retired target: refused before anything is declared, and audited on its own.
            await tx.RollbackAsync(ct);
            await using var refusal = await dbFactory.CreateDbContextAsync(ct);
            audit.Record(refusal, actor, Action, $"change:{change.Number}", new { refused = refused.Message }, AuditOutcome.Refused);
            await refusal.SaveChangesAsync(ct);
            throw;
        }
        var intent = await intents.DeclareAsync(actor, Action, $"change:{change.Number}",
            new { target = target.Name, change.Kind, change.Parameter, value = change.ValueAfter }, ct);
        ApplyResult result;
        try
        {
            var pendingRestart = change.Kind == ChangeKind.Setting
                ? await ApplySettingAsync(target, change, ct)
                : await ApplySqlAsync(target, change.ForwardScript!, ct);
            change.MarkApplied(actor, time.GetUtcNow(), pendingRestart);
            result = new ApplyResult(true, pendingRestart ? "Applied; takes effect after a server restart." : "Applied and verified.", pendingRestart, started.Elapsed);
        }
        catch (Exception e) when (e is TargetUnavailableException or NpgsqlException or TimeoutException or ApplyVerificationException or System.Net.Sockets.SocketException or TargetSafetyException)
        {
            change.RecordApplyFailure(e.Message);
            result = new ApplyResult(false, e.Message, false, started.Elapsed);
        }

        audit.Record(db, actor, result.Succeeded ? "change.applied" : "change.apply_failed", $"change:{change.Number}",
            new { result.Message, result.PendingRestart, durationMs = (int)result.Duration.TotalMilliseconds, intent },
            result.Succeeded ? AuditOutcome.Succeeded : AuditOutcome.Failed);
        try
        {
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The target may hold the change and the store does not say so: the intent stays without an outcome, and the
            // drift detector looks at the target now rather than at its next pass.
            drift.RecheckSoon(target.Id);
            throw;
        }
        live.Publish(new ChangeUpdated(change.Id, change.Number, change.TargetId, change.Status.ToString()));
        return result;
    }

    private async Task<bool> ApplySettingAsync(Target target, ConfigChange change, CancellationToken ct)
    {
        await settings.SetAsync(target, change.Parameter!, change.ValueAfter!, ct);
        return await settings.WaitForAsync(target, change.Parameter!, change.ValueAfterNormalized!, ct);
    }

    private async Task<bool> ApplySqlAsync(Target target, string script, CancellationToken ct)
    {
        await scripts.RunInTransactionAsync(target, script, ct);
        return false;
    }
}
