using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using OpsConsole.Domain.Access;
using OpsConsole.Domain.Audit;
using OpsConsole.Domain.Changes;
using OpsConsole.Domain.Data;
using OpsConsole.Domain.Instances;
using OpsConsole.Domain.Live;
using OpsConsole.Domain.Rollbacks.Actions;
using OpsConsole.Domain.Targets;
using OpsConsole.Domain.Telemetry;

namespace OpsConsole.Domain.Rollbacks;

/// <summary>
/// The one standardized rollback, the same for every change kind: authorize, claim the run, then the kind's own
/// <see cref="IRollbackAction"/> prechecks, executes and verifies, then record. Each step is reported as it completes;
/// the change's new state, the run and one audit entry per step are written in one transaction at the end, so a
/// rollback whose audit fails did not happen. Before the execute step touches anything, its intent is committed
/// (<see cref="AuditIntents"/>): a run that dies between the two leaves "outcome unknown" in the trail, not silence.
/// </summary>
public sealed class RollbackProcedure(IDbContextFactory<OpsDbContext> dbFactory, TargetRegistry targets, IEnumerable<IRollbackAction> actions,
    AccessGuard guard, AuditLog audit, AuditIntents intents, DriftDetector drift, LiveEvents live, ConsoleInstance instance, TimeProvider time,
    ConsoleMetrics metrics)
{
    public const string ExecuteAction = "rollback.execute";

    private readonly IRollbackAction[] actions = [.. actions];

    /// <summary>The action that rolls back <paramref name="change"/>: the first registered one that handles it.</summary>
    public IRollbackAction ActionFor(ConfigChange change) =>
        actions.FirstOrDefault(a => a.Handles(change))
        ?? throw new InvalidOperationException($"No rollback action handles change #{change.Number} ({change.Kind}).");

    /// <summary>What the button does, in words an on-call engineer reads at 3 a.m.</summary>
    public string Describe(ConfigChange change) => ActionFor(change).Describe(change);

    /// <summary>The steps to confirm one by one before the rollback may start; empty for most kinds.</summary>
    public IReadOnlyList<string> ManualSteps(ConfigChange change) => ActionFor(change).ManualSteps(change);

    /// <param name="claimed">Told the run's id once the run is claimed, before the action starts (see <see cref="RollbackStarter"/>).</param>
    public async Task<RollbackOutcome> RunAsync(Actor actor, RollbackRequest request, IProgress<RollbackStepResult>? progress = null,
        CancellationToken ct = default, Action<Guid>? claimed = null)
    {
        var steps = new List<RollbackStepResult>();
        var started = Stopwatch.GetTimestamp();
        var clock = Stopwatch.StartNew();
        await guard.DemandAsync(actor, Permission.RollbackChange, "change.rollback", (db, c) => AuditSubjects.ChangeAsync(db, request.ChangeId, c), ct);
        if (string.IsNullOrWhiteSpace(request.Reason))
            throw new DomainRuleException("Say why the change is rolled back.", "Reason");
        Report(RollbackStep.Authorize, true, $"{actor.Name} may roll back changes.");

        var (change, run) = await ClaimAsync(actor, request, ct);
        claimed?.Invoke(run.Id);
        var pendingRestart = false;
        string? failure = null;
        var needsAnyway = false;
        long? intent = null;
        try
        {
            var action = ActionFor(change);
            var context = new RollbackContext(change, await targets.GetAsync(change.TargetId, ct), actor, request);
            var check = await action.PrecheckAsync(context, ct);
            if (!check.Holds && !request.Anyway)
            {
                needsAnyway = true;
                failure = check.Message;
                Report(RollbackStep.Precheck, false, failure);
            }
            else
            {
                Report(RollbackStep.Precheck, true, check.Holds ? check.Message : check.AnywayMessage ?? check.Message);
                intent = await intents.DeclareAsync(actor, ExecuteAction, $"change:{change.Number}",
                    new { target = context.Target.Name, change.Kind, request.Reason, request.Anyway, run = run.Id }, ct);
                Report(RollbackStep.Execute, true, await action.ExecuteAsync(context, ct));
                var verified = await action.VerifyAsync(context, ct);
                pendingRestart = verified.PendingRestart;
                Report(RollbackStep.Verify, true, verified.Message);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Whatever went wrong is recorded as the outcome: a run is never left half-told.
            failure = e.Message;
            var failedStep = steps.Count switch { 1 => RollbackStep.Precheck, 2 => RollbackStep.Execute, _ => RollbackStep.Verify };
            Report(failedStep, false, e.Message);
        }

        try
        {
            await RecordAsync(actor, request, change.Id, run, intent, steps, failure, needsAnyway, ct, Report);
        }
        catch (Exception e) when (intent is not null && e is not OperationCanceledException)
        {
            // The target may be rolled back and the store does not say so: look at it now (see ChangeApplier).
            drift.RecheckSoon(change.TargetId);
            metrics.RollbackEnded("failed", Stopwatch.GetElapsedTime(started));
            throw;
        }
        var message = failure ?? (pendingRestart ? "Rolled back; the earlier value takes effect after a restart." : "Rolled back and verified.");
        metrics.RollbackEnded(failure is null ? "succeeded" : needsAnyway ? "needs_anyway" : "failed", Stopwatch.GetElapsedTime(started));
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
        // The row lock and the row: the claim reads only the status, and the record loads the transitions it adds to.
        var change = await db.Changes.FromSql($"SELECT * FROM config_changes WHERE \"Id\" = {request.ChangeId} FOR UPDATE").FirstOrDefaultAsync(ct)
            ?? throw new DomainRuleException("That change does not exist.");
        if (change.Status == ChangeStatus.RolledBack)
            throw new RollbackRefusedException($"Change #{change.Number} is already rolled back.");
        if (!change.CanRollBack)
            throw new RollbackRefusedException($"Change #{change.Number} is {ChangeStatusText.Of(change.Status)}: there is nothing in effect to roll back.");
        var manual = ManualSteps(change);
        if (manual.Count > 0 && (request.ChecklistConfirmed is not { } confirmed || confirmed.Count != manual.Count || confirmed.Any(c => !c)))
            throw new RollbackRefusedException($"Confirm each of the {manual.Count} manual rollback steps as you do them.");
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

    private async Task RecordAsync(Actor actor, RollbackRequest request, Guid changeId, RollbackRun run, long? intent, List<RollbackStepResult> steps, string? failure,
        bool needsAnyway, CancellationToken ct, Action<RollbackStep, bool, string> report)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        // One round trip for the lock and the transitions the new status is added to. The run is the one claimed above,
        // attached rather than read again: Finish sets every column the procedure writes either way.
        var change = await db.Changes.FromSql($"SELECT * FROM config_changes WHERE \"Id\" = {changeId} FOR UPDATE")
            .Include(c => c.Transitions).FirstAsync(ct);
        db.RollbackRuns.Attach(run);
        var now = time.GetUtcNow();
        if (failure is null)
            change.MarkRolledBack(actor, now, request.Reason.Trim());
        else if (!needsAnyway)
            change.RecordRollbackFailure(actor, now, failure);
        report(RollbackStep.Record, true, failure is null ? $"Change #{change.Number} is rolled back." : needsAnyway ? "Nothing was changed." : $"Change #{change.Number}: rollback failed.");
        run.Finish(failure is null, steps, failure, now);
        foreach (var step in steps)
            audit.Record(db, actor, $"rollback.{step.Step.ToString().ToLowerInvariant()}", $"change:{change.Number}",
                new { step.Message, step.DurationMs, request.Reason, request.Anyway, run = run.Id, intent },
                step.Succeeded ? AuditOutcome.Succeeded : AuditOutcome.Failed);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        live.Publish(new ChangeUpdated(change.Id, change.Number, change.TargetId, change.Status.ToString()));
    }
}

/// <summary>A rollback that cannot start or proceed for a reason the user can act on (already done, in progress, unconfirmed steps).</summary>
public sealed class RollbackRefusedException(string message) : Exception(message);
