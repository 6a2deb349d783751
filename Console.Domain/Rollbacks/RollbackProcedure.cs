using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using OpsConsole.Domain.Access;
using OpsConsole.Domain.Audit;
using OpsConsole.Domain.Changes;
using OpsConsole.Domain.Data;
using OpsConsole.Domain.Instances;
using OpsConsole.Domain.Live;
using OpsConsole.Domain.Targets;

namespace OpsConsole.Domain.Rollbacks;

/// <summary>
/// The one standardized rollback, the same for every change kind: authorize, precheck, execute, verify,
/// record. Each step is reported as it completes; the change's new state, the run and one audit entry per
/// step are written in one transaction at the end, so a rollback whose audit fails did not happen.
/// </summary>
public sealed class RollbackProcedure(IDbContextFactory<OpsDbContext> dbFactory, TargetRegistry targets, SettingWriter settings,
    TargetScripts scripts, RollbackWebhook webhook, AccessGuard guard, AuditLog audit, LiveEvents live, ConsoleInstance instance, TimeProvider time)
{
    /// <summary>What the button does, in words an on-call engineer reads at 3 a.m.</summary>
    public static string StandardProcedure(ConfigChange change) => change.Kind switch
    {
        ChangeKind.Setting => $"1. Check that {change.Parameter} on the target still has the value this change set ({Display(change.ValueAfterNormalized, change.Unit)}). " +
            $"2. {(ResetsToDefault(change) ? $"ALTER SYSTEM RESET {change.Parameter}" : $"ALTER SYSTEM SET {change.Parameter} = '{change.ValueBefore}'")}, then reload the configuration. " +
            $"3. Read {change.Parameter} again until it shows {Display(change.ValueBefore, change.Unit)}{(change.RequiresRestart ? " (it needs a restart: recorded as pending restart)" : "")}. " +
            "4. Mark the change rolled back and write every step to the audit trail.",
        ChangeKind.Sql => "1. Check that the target answers. 2. Run the rollback script in one transaction (lock timeout 5 s, statement timeout 60 s); " +
            "any error undoes it whole. 3. Mark the change rolled back and write every step to the audit trail.",
        _ => change.RollbackWebhookUrl is not null
            ? "1. POST a signed rollback request to the change's webhook, retrying up to 3 times; a 2xx answer is required. 2. Mark the change rolled back and audit every step."
            : "1. Confirm each manual rollback step below as you do it. 2. Mark the change rolled back and audit every step.",
    };

    public async Task<RollbackOutcome> RunAsync(Actor actor, RollbackRequest request, IProgress<RollbackStepResult>? progress = null,
        CancellationToken ct = default)
    {
        var steps = new List<RollbackStepResult>();
        var clock = Stopwatch.StartNew();
        await guard.DemandAsync(actor, Permission.RollbackChange, "change.rollback", (db, c) => AuditSubjects.ChangeAsync(db, request.ChangeId, c), ct);
        if (string.IsNullOrWhiteSpace(request.Reason))
            throw new DomainRuleException("Say why the change is rolled back.", "Reason");
        Report(RollbackStep.Authorize, true, $"{actor.Name} may roll back changes.");

        var (change, run) = await ClaimAsync(actor, request, ct);
        var pendingRestart = false;
        string? failure = null;
        var needsAnyway = false;
        try
        {
            var target = await targets.GetAsync(change.TargetId, ct);
            var drift = await PrecheckAsync(target, change, ct);
            if (drift is not null && !request.Anyway)
            {
                needsAnyway = true;
                failure = $"{drift} Roll back anyway, with a reason, to restore {Display(change.ValueBefore, change.Unit)}.";
                Report(RollbackStep.Precheck, false, failure);
            }
            else
            {
                Report(RollbackStep.Precheck, true, drift is null ? "The target answers and still has the change's value." : $"{drift} Rolling back anyway.");
                Report(RollbackStep.Execute, true, await ExecuteAsync(target, change, actor, request, ct));
                pendingRestart = await VerifyAsync(target, change, ct);
                Report(RollbackStep.Verify, true, change.Kind == ChangeKind.Setting
                    ? pendingRestart ? $"{change.Parameter} returns to its earlier value after a restart (pending restart)." : $"{change.Parameter} shows {Display(change.ValueBefore, change.Unit)} again."
                    : "Done.");
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Whatever went wrong is recorded as the outcome: a run is never left half-told.
            failure = e.Message;
            var failedStep = steps.Count switch { 1 => RollbackStep.Precheck, 2 => RollbackStep.Execute, _ => RollbackStep.Verify };
            Report(failedStep, false, e.Message);
        }

        await RecordAsync(actor, request, change.Id, run.Id, steps, failure, needsAnyway, ct, Report);
        var message = failure ?? (pendingRestart ? "Rolled back; the earlier value takes effect after a restart." : "Rolled back and verified.");
        return new RollbackOutcome(failure is null, message, steps, needsAnyway, pendingRestart);

        void Report(RollbackStep step, bool ok, string message)
        {
            var result = new RollbackStepResult(step, ok, message, (int)clock.ElapsedMilliseconds);
            clock.Restart();
            steps.Add(result);
            progress?.Report(result);
        }
    }

    /// <summary>
    /// Starts a run: exactly one per change at a time, whichever instance or user asks. The change row is
    /// locked while the run is claimed, so a caller that arrives just after a run finished sees it rolled back.
    /// </summary>
    private async Task<(ConfigChange Change, RollbackRun Run)> ClaimAsync(Actor actor, RollbackRequest request, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var change = await ChangeRegistry.LockAsync(db, request.ChangeId, ct);
        if (change.Status == ChangeStatus.RolledBack)
            throw new RollbackRefusedException($"Change #{change.Number} is already rolled back.");
        if (!change.CanRollBack)
            throw new RollbackRefusedException($"Change #{change.Number} is {ChangeStatusText.Of(change.Status)}: there is nothing in effect to roll back.");
        if (change.Kind == ChangeKind.External && change.RollbackWebhookUrl is null)
        {
            var checklist = Checklist(change);
            if (request.ChecklistConfirmed is not { } confirmed || confirmed.Count != checklist.Count || confirmed.Any(c => !c))
                throw new RollbackRefusedException($"Confirm each of the {checklist.Count} manual rollback steps as you do them.");
        }
        var run = new RollbackRun(change.Id, instance.Id, actor.Name, request.Reason.Trim(), request.Anyway, time.GetUtcNow());
        db.RollbackRuns.Add(run);
        try
        {
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
        }
        catch (DbUpdateException e) when (e.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
        {
            throw new RollbackRefusedException($"A rollback of change #{change.Number} is already in progress.");
        }
        return (change, run);
    }

    /// <summary>Null when the target still has what the change set; otherwise what differs.</summary>
    private async Task<string?> PrecheckAsync(Target target, ConfigChange change, CancellationToken ct)
    {
        if (change.Kind == ChangeKind.Setting)
        {
            var current = await settings.ReadAsync(target, change.Parameter!, ct);
            return SettingValidator.Matches(current, change.ValueAfterNormalized!)
                ? null
                : $"{change.Parameter} was changed again since: it is {Display(current.Setting, current.Unit)}, not {Display(change.ValueAfterNormalized, change.Unit)}.";
        }
        if (change.Kind == ChangeKind.Sql && !await targets.CheckAsync(target.Id, ct))
            throw new TargetUnavailableException(target.Name, "the connection check failed");
        return null;
    }

    private async Task<string> ExecuteAsync(Target target, ConfigChange change, Actor actor, RollbackRequest request, CancellationToken ct)
    {
        switch (change.Kind)
        {
            case ChangeKind.Setting when ResetsToDefault(change):
                await settings.ResetAsync(target, change.Parameter!, ct);
                return $"ALTER SYSTEM RESET {change.Parameter}; configuration reloaded.";
            case ChangeKind.Setting:
                await settings.SetAsync(target, change.Parameter!, change.ValueBefore!, ct);
                return $"ALTER SYSTEM SET {change.Parameter} = '{change.ValueBefore}'; configuration reloaded.";
            case ChangeKind.Sql:
                await scripts.RunInTransactionAsync(target, change.RollbackScript!, ct);
                return "The rollback script ran and committed.";
            case ChangeKind.External when change.RollbackWebhookUrl is not null:
                return await webhook.CallAsync(change, actor, request.Reason, ct);
            default:
                return $"{Checklist(change).Count} manual steps confirmed by {actor.Name}.";
        }
    }

    private async Task<bool> VerifyAsync(Target target, ConfigChange change, CancellationToken ct) =>
        change.Kind == ChangeKind.Setting && await settings.WaitForAsync(target, change.Parameter!, change.ValueBefore!, ct);

    private async Task RecordAsync(Actor actor, RollbackRequest request, Guid changeId, Guid runId, List<RollbackStepResult> steps, string? failure,
        bool needsAnyway, CancellationToken ct, Action<RollbackStep, bool, string> report)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var change = await ChangeRegistry.LockAsync(db, changeId, ct);
        var run = await db.RollbackRuns.FirstAsync(r => r.Id == runId, ct);
        var now = time.GetUtcNow();
        if (failure is null)
            change.MarkRolledBack(actor, now, request.Reason.Trim());
        else if (!needsAnyway)
            change.RecordRollbackFailure(actor, now, failure);
        report(RollbackStep.Record, true, failure is null ? $"Change #{change.Number} is rolled back." : needsAnyway ? "Nothing was changed." : $"Change #{change.Number}: rollback failed.");
        run.Finish(failure is null, steps, failure, now);
        foreach (var step in steps)
            audit.Record(db, actor, $"rollback.{step.Step.ToString().ToLowerInvariant()}", $"change:{change.Number}",
                new { step.Message, step.DurationMs, request.Reason, request.Anyway, run = run.Id },
                step.Succeeded ? AuditOutcome.Succeeded : AuditOutcome.Failed);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        live.Publish(new ChangeUpdated(change.Id, change.Number, change.TargetId, change.Status.ToString()));
    }

    /// <summary>The manual rollback steps of an external change, one a line.</summary>
    public static IReadOnlyList<string> Checklist(ConfigChange change) =>
        (change.RollbackSteps ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>A value that came from the defaults or the configuration files is restored by RESET, not by writing a literal.</summary>
    public static bool ResetsToDefault(ConfigChange change) => change.SourceBefore is "default" or "configuration file";

    private static string Display(string? setting, string? unit) => $"{setting}{(unit is null ? "" : " " + unit)}";
}

/// <summary>A rollback that cannot start or proceed for a reason the user can act on (already done, in progress, unconfirmed steps).</summary>
public sealed class RollbackRefusedException(string message) : Exception(message);
