using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using OpsConsole.Domain.Access;
using OpsConsole.Domain.Audit;
using OpsConsole.Domain.Changes;
using OpsConsole.Domain.Data;
using OpsConsole.Domain.Live;
using OpsConsole.Domain.Rehearsals.Staging;
using OpsConsole.Domain.Targets;

namespace OpsConsole.Domain.Rehearsals.Runs;

/// <summary>
/// Runs the rehearsals started on this instance, in the background: for each round, (a) the profile with staging's current
/// settings, (b) the change applied on staging (ALTER SYSTEM, reload, verified), (c) the profile again, then staging put
/// back to its snapshot; rounds alternate so that a machine growing busier weighs on both sides alike. Before anything
/// changes, the revert plan is stored (<see cref="StagingReverts"/>); however the rehearsal ends (verdict, failure, cancel,
/// the console stopping) staging is reverted and checked against all of pg_settings, and an instance killed midway is
/// reverted by <see cref="StagingRevertOnStart"/> and declared interrupted by <see cref="RehearsalRecovery"/>.
/// A cancel asked on any instance is seen within a second: the runner reads its rehearsal's row every second.
/// </summary>
public sealed class RehearsalRunner(IDbContextFactory<OpsDbContext> dbFactory, TargetConnections connections, SettingsRestorer restorer,
    StagingReverts reverts, SettingWriter writer, RehearsalWorkloads workloads, ThrowawayStagingTargets throwaways, IThrowawayStaging throwawayClusters,
    AuditLog audit, AuditIntents intents, LiveEvents live, TimeProvider time, ILogger<RehearsalRunner> logger) : IHostedService
{
    public const string FinishedAction = "rehearsal.finished";
    public const string AppliedAction = "rehearsal.change_applied";

    /// <summary>How long the console's stop waits for running rehearsals to revert staging; what is left, the next start reverts.</summary>
    private static readonly TimeSpan RevertOnStop = TimeSpan.FromSeconds(30);

    private readonly ConcurrentDictionary<Guid, Running> running = new();
    private readonly CancellationTokenSource stopping = new();

    private sealed record Running(Task Task, CancellationTokenSource Cancel);

    /// <summary>Whether this instance runs the rehearsal now (the recovery leaves those alone).</summary>
    public bool IsRunning(Guid rehearsalId) => running.ContainsKey(rehearsalId);

    /// <summary>Starts a stored, queued rehearsal in the background.</summary>
    public void Launch(Guid rehearsalId)
    {
        var cancel = CancellationTokenSource.CreateLinkedTokenSource(stopping.Token);
        var started = new TaskCompletionSource();
        var task = Task.Run(async () =>
        {
            await started.Task;
            try
            {
                await RunAsync(rehearsalId, cancel.Token);
            }
            catch (Exception e)
            {
                logger.LogError(e, "Rehearsal {RehearsalId} ended with an unexpected error", rehearsalId);
            }
            finally
            {
                running.TryRemove(rehearsalId, out _);
                cancel.Dispose();
            }
        });
        running[rehearsalId] = new Running(task, cancel);
        started.SetResult();
    }

    /// <summary>Stops the load of a rehearsal running here at once (its row says who asked).</summary>
    public void Cancel(Guid rehearsalId)
    {
        if (running.TryGetValue(rehearsalId, out var run))
        {
            try { run.Cancel.Cancel(); }
            catch (ObjectDisposedException) { }
        }
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await stopping.CancelAsync();
        await Task.WhenAll(running.Values.Select(r => r.Task)).WaitAsync(RevertOnStop + TimeSpan.FromSeconds(5), cancellationToken)
            .ContinueWith(_ => { }, TaskScheduler.Default);
    }

    private async Task RunAsync(Guid rehearsalId, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        Rehearsal rehearsal;
        ConfigChange change;
        Target target;
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            rehearsal = await db.Rehearsals.FirstAsync(r => r.Id == rehearsalId, ct);
            change = await db.Changes.AsNoTracking().FirstAsync(c => c.Id == rehearsal.ChangeId, ct);
            target = await db.Targets.AsNoTracking().FirstAsync(t => t.Id == rehearsal.TargetId, ct);
            rehearsal.Begin(time.GetUtcNow());
            await db.SaveChangesAsync(ct);
        }
        live.Publish(RehearsalService.Progress(rehearsal));
        logger.LogInformation("Rehearsal {RehearsalId} of change #{Change} on {Target} starts ({Profile}, {Rounds} rounds)", rehearsal.Id, change.Number,
            target.Name, rehearsal.ProfileName, rehearsal.Rounds);

        var profile = rehearsal.ProfileSettings;
        // While it runs, nobody removes a throwaway staging cluster from under it.
        var hold = await throwaways.HoldAgainstRehearsalsAsync(target.Id, ct);
        using var watching = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var watch = WatchForCancelAsync(rehearsal.Id, watching, clock, watching.Token);
        Guid? plan = null;
        Action<Rehearsal>? end = null;
        try
        {
            if (hold is null)
                throw new CouldNotRehearseException($"{target.Name} is being removed: choose another staging target.");
            var snapshot = await restorer.SnapshotAsync(target, watching.Token);
            plan = await reverts.BeginAsync(target, snapshot, rehearsal.Id, watching.Token);
            var connectionString = connections.Unprotect(target);
            var (baseline, withChange) = (new List<RunFigures>(), new List<RunFigures>());
            for (var round = 1; round <= profile.Rounds; round++)
            {
                await MoveAsync(rehearsal, RehearsalPhase.Baseline, round, clock, watching.Token);
                baseline.Add(await RunSideAsync(rehearsal, "baseline", connectionString, profile, clock, watching.Token));
                await MoveAsync(rehearsal, RehearsalPhase.Applying, round, clock, watching.Token);
                await ApplyOnStagingAsync(rehearsal, change, target, round, watching.Token);
                await MoveAsync(rehearsal, RehearsalPhase.WithChange, round, clock, watching.Token);
                withChange.Add(await RunSideAsync(rehearsal, "with the change", connectionString, profile, clock, watching.Token));
                await MoveAsync(rehearsal, RehearsalPhase.Reverting, round, clock, watching.Token);
                if (round < profile.Rounds)
                    await PutBackBetweenRoundsAsync(target, snapshot, watching.Token);
            }
            var report = RehearsalReport.Of(baseline, withChange, profile.Thresholds);
            end = r => r.Finish(report, time.GetUtcNow());
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            end = r => r.CouldNotRun("The console stopped while the rehearsal ran.", time.GetUtcNow());
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested || watching.IsCancellationRequested)
        {
            end = r => r.Cancel(time.GetUtcNow());
        }
        catch (Exception e) when (e is DomainRuleException or TargetUnavailableException or NpgsqlException or TimeoutException or ApplyVerificationException
                                       or TargetSafetyException or CouldNotRehearseException)
        {
            logger.LogWarning("Rehearsal {RehearsalId} could not run: {Reason}", rehearsal.Id, e.Message);
            end = r => r.CouldNotRun(e.Message, time.GetUtcNow());
        }
        finally
        {
            await watching.CancelAsync();
            await watch;
        }

        await MoveAsync(rehearsal, RehearsalPhase.Reverting, rehearsal.Round, clock, CancellationToken.None);
        try
        {
            var revert = plan is { } id ? await RevertAsync(id) : null;
            await EndAsync(rehearsal.Id, change.Id, end!, revert, clock);
        }
        finally
        {
            if (hold is not null)
                await hold.DisposeAsync();
        }
        if (target.IsThrowaway)
            await RemoveThrowawayAsync(target);
    }

    /// <summary>A throwaway staging cluster serves one rehearsal: it goes when the rehearsal has ended (a later start removes it otherwise).</summary>
    private async Task RemoveThrowawayAsync(Target target)
    {
        try
        {
            await throwawayClusters.RemoveAsync(Actor.System, target.Id, CancellationToken.None);
        }
        catch (Exception e) when (e is DomainRuleException or IOException or InvalidOperationException)
        {
            logger.LogWarning("Could not remove the throwaway staging cluster {Target} after its rehearsal: {Error}", target.Name, e.Message);
        }
    }

    private async Task<RunFigures> RunSideAsync(Rehearsal rehearsal, string side, string connectionString, RehearsalProfileSettings profile, Stopwatch clock,
        CancellationToken ct)
    {
        var figures = await workloads.RunAsync(connectionString, profile, profile.Duration, p => live.Publish(RehearsalService.Progress(rehearsal, clock.Elapsed,
            new RehearsalLiveFigures(side, p.Attempted, p.Failed, p.InFlight, p.LongestLockWait.TotalSeconds, p.LastSecond?.P95Ms))), ct);
        logger.LogInformation("Rehearsal {RehearsalId} round {Round}, {Side}: {Attempted} checkouts, {Rate:P1} failed, {Deadlocks} deadlocks, p95 {P95} ms",
            rehearsal.Id, rehearsal.Round, side, figures.Attempted, figures.FailureRate, figures.Deadlocks, figures.P95Ms);
        return figures;
    }

    /// <summary>The change as the author wrote it, on staging: intent first, then ALTER SYSTEM and reload, verified in pg_settings.</summary>
    private async Task ApplyOnStagingAsync(Rehearsal rehearsal, ConfigChange change, Target target, int round, CancellationToken ct)
    {
        var subject = $"target:{target.Name}";
        var details = new { rehearsal = rehearsal.Id, change = change.Number, change.Parameter, value = change.ValueAfter, round };
        var intent = await intents.DeclareAsync(Actor.System, AppliedAction, subject, details, ct);
        string? failure = null;
        try
        {
            await writer.SetAsync(target, change.Parameter!, change.ValueAfter!, ct);
            if (await writer.WaitForAsync(target, change.Parameter!, change.ValueAfterNormalized!, ct))
                failure = $"{change.Parameter} takes effect only after a restart of the staging cluster, which a rehearsal never does: it cannot be rehearsed.";
        }
        catch (Exception e) when (e is NpgsqlException or ApplyVerificationException or TargetSafetyException or TargetUnavailableException)
        {
            failure = $"The change failed to apply on staging: {e.Message}";
        }
        await using var db = await dbFactory.CreateDbContextAsync(CancellationToken.None);
        audit.Record(db, Actor.System, AppliedAction, subject, new { details, intent, error = failure },
            failure is null ? AuditOutcome.Succeeded : AuditOutcome.Failed);
        await db.SaveChangesAsync(CancellationToken.None);
        if (failure is not null)
            throw new CouldNotRehearseException(failure);
    }

    private async Task PutBackBetweenRoundsAsync(Target target, SettingsSnapshot snapshot, CancellationToken ct)
    {
        var result = await restorer.RestoreAsync(target, snapshot, ct);
        if (!result.Exact)
            throw new CouldNotRehearseException($"Staging did not come back to its earlier settings between rounds: {result.Summary}");
    }

    /// <summary>Reverts staging with a token of its own: a cancel or the console's stop must not cut the revert short.</summary>
    private async Task<RestoreResult?> RevertAsync(Guid plan)
    {
        using var bounded = new CancellationTokenSource(RevertOnStop);
        try
        {
            return await reverts.CompleteAsync(plan, bounded.Token);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // The plan stays open: StagingRevertOnStart tries again.
            logger.LogError(e, "Reverting staging after rehearsal plan {Plan} failed; the console tries again", plan);
            return null;
        }
    }

    private async Task MoveAsync(Rehearsal rehearsal, RehearsalPhase phase, int round, Stopwatch clock, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        await using var db = await dbFactory.CreateDbContextAsync(CancellationToken.None);
        var stored = await db.Rehearsals.FirstAsync(r => r.Id == rehearsal.Id, CancellationToken.None);
        stored.MoveTo(phase, round);
        rehearsal.MoveTo(phase, round);
        await db.SaveChangesAsync(CancellationToken.None);
        live.Publish(RehearsalService.Progress(rehearsal, clock.Elapsed));
    }

    /// <summary>Ends the rehearsal, records it on the change (the review policy reads it) and audits it, in one transaction.</summary>
    private async Task EndAsync(Guid rehearsalId, Guid changeId, Action<Rehearsal> end, RestoreResult? revert, Stopwatch clock)
    {
        await using var db = await dbFactory.CreateDbContextAsync(CancellationToken.None);
        var rehearsal = await db.Rehearsals.FirstAsync(r => r.Id == rehearsalId);
        end(rehearsal);
        rehearsal.RecordRevert(revert?.Summary ?? "Staging could not be reverted yet: the console keeps trying (see the audit log).", revert?.Exact ?? false);
        var change = await db.Changes.FirstAsync(c => c.Id == changeId);
        bool? passed = rehearsal.Status switch { RehearsalStatus.Passed => true, RehearsalStatus.Failed => false, _ => null };
        change.RecordRehearsal(rehearsal.Id, passed, rehearsal.EndedAt!.Value);
        audit.Record(db, Actor.System, FinishedAction, $"change:{rehearsal.ChangeNumber}", new
        {
            rehearsal = rehearsal.Id, target = rehearsal.TargetName, profile = rehearsal.ProfileName, startedBy = rehearsal.StartedBy,
            status = RehearsalStatusText.Of(rehearsal.Status), verdict = rehearsal.Verdict, reason = rehearsal.Reason,
            revert = rehearsal.RevertOutcome, revertExact = rehearsal.RevertExact, seconds = Math.Round(clock.Elapsed.TotalSeconds, 1),
        }, rehearsal.Status is RehearsalStatus.Passed or RehearsalStatus.Failed ? AuditOutcome.Succeeded : AuditOutcome.Failed);
        await db.SaveChangesAsync();
        logger.LogInformation("Rehearsal {RehearsalId} of change #{Change} ended {Status} in {Seconds:0} s: {Verdict}; {Revert}", rehearsal.Id,
            rehearsal.ChangeNumber, rehearsal.Status, clock.Elapsed.TotalSeconds, rehearsal.Verdict ?? rehearsal.Reason, rehearsal.RevertOutcome);
        live.Publish(RehearsalService.Progress(rehearsal, clock.Elapsed));
        live.Publish(new ChangeUpdated(change.Id, change.Number, change.TargetId, change.Status.ToString()));
    }

    /// <summary>Reads the rehearsal's row every second: a cancel asked on another instance stops the load here.</summary>
    private async Task WatchForCancelAsync(Guid rehearsalId, CancellationTokenSource cancel, Stopwatch clock, CancellationToken ct)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1), time);
        try
        {
            while (await timer.WaitForNextTickAsync(ct))
            {
                try
                {
                    await using var db = await dbFactory.CreateDbContextAsync(ct);
                    if (!await db.Rehearsals.AnyAsync(r => r.Id == rehearsalId && r.CancelRequestedAt != null, ct))
                        continue;
                }
                catch (Exception e) when (e is NpgsqlException or TimeoutException or InvalidOperationException && !ct.IsCancellationRequested)
                {
                    logger.LogWarning("Rehearsal {RehearsalId}: could not look for a cancel request: {Error}", rehearsalId, e.Message);
                    continue;
                }
                logger.LogInformation("Rehearsal {RehearsalId} is cancelled after {Seconds:0} s", rehearsalId, clock.Elapsed.TotalSeconds);
                await cancel.CancelAsync();
                return;
            }
        }
        catch (OperationCanceledException) { }
    }
}

/// <summary>A rehearsal that cannot go on, for a reason the person can read (the change needs a restart, staging did not come back).</summary>
public sealed class CouldNotRehearseException(string message) : Exception(message);
