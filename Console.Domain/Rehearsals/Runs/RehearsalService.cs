using Microsoft.EntityFrameworkCore;
using Npgsql;
using OpsConsole.Domain.Access;
using OpsConsole.Domain.Audit;
using OpsConsole.Domain.Changes;
using OpsConsole.Domain.Data;
using OpsConsole.Domain.Instances;
using OpsConsole.Domain.Live;
using OpsConsole.Domain.Rehearsals.Staging;

namespace OpsConsole.Domain.Rehearsals.Runs;

/// <summary>What a person asks for: rehearse change #<paramref name="ChangeNumber"/> on a staging target with a named profile.</summary>
public sealed record RehearsalRequest(int ChangeNumber, Guid TargetId, string ProfileName);

/// <summary>
/// Starting, cancelling and reading rehearsals. Starting takes <see cref="Permission.RunRehearsals"/> (a refusal is
/// audited), a setting change not yet applied, a profile, and a staging target the <see cref="StagingGuard"/> allows; the
/// rehearsal is stored and audited (rehearsal.started) in one transaction, and the store's unique index keeps a second one
/// off a target that has one under way. The <see cref="RehearsalRunner"/> of this instance then runs it in the background.
/// </summary>
public sealed class RehearsalService(IDbContextFactory<OpsDbContext> dbFactory, AccessGuard guard, AuditLog audit, StagingGuard staging,
    RehearsalProfiles profiles, RehearsalRunner runner, ConsoleInstance instance, LiveEvents live, TimeProvider time)
{
    public const string StartedAction = "rehearsal.started";
    public const string CancelAction = "rehearsal.cancel_requested";

    public async Task<Rehearsal> StartAsync(Actor actor, RehearsalRequest request, CancellationToken ct = default)
    {
        await guard.DemandAsync(actor, Permission.RunRehearsals, StartedAction, $"change:{request.ChangeNumber}", ct);
        var profile = (await profiles.GetByNameAsync(request.ProfileName, ct)).Settings;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var change = await db.Changes.AsNoTracking().FirstOrDefaultAsync(c => c.Number == request.ChangeNumber, ct)
            ?? throw new DomainRuleException($"There is no change #{request.ChangeNumber}.", "change");
        DemandRehearsable(change);
        var target = await staging.DemandRehearsableAsync(request.TargetId, actor, ct);

        var rehearsal = new Rehearsal(change.Id, change.Number, target.Id, target.Name, profile, actor, instance.Id, time.GetUtcNow());
        db.Rehearsals.Add(rehearsal);
        audit.Record(db, actor, StartedAction, $"change:{change.Number}", new
        {
            rehearsal = rehearsal.Id, target = target.Name, profile = profile.Name, profile.Rounds, duration = profile.Duration.ToString(),
            parameter = change.Parameter, value = change.ValueAfter,
        });
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (e.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
        {
            throw new DomainRuleException(await BusyMessageAsync(target.Id, target.Name, ct)) { Bar = RuleBar.State };
        }
        live.Publish(Progress(rehearsal));
        runner.Launch(rehearsal.Id);
        return rehearsal;
    }

    /// <summary>Asks the rehearsal to stop: its runner (on whichever instance) sees the request within a second, stops the load and reverts staging.</summary>
    public async Task CancelAsync(Actor actor, Guid rehearsalId, CancellationToken ct = default)
    {
        // A refusal is filed under the change, as the request and every other step of the rehearsal are.
        await guard.DemandAsync(actor, Permission.RunRehearsals, CancelAction, async (db, c) =>
            await db.Rehearsals.Where(r => r.Id == rehearsalId).Select(r => "change:" + r.ChangeNumber).FirstOrDefaultAsync(c) ?? $"rehearsal:{rehearsalId}", ct);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var rehearsal = await db.Rehearsals.FirstOrDefaultAsync(r => r.Id == rehearsalId, ct)
            ?? throw new DomainRuleException("That rehearsal does not exist.");
        rehearsal.RequestCancel(actor, time.GetUtcNow());
        audit.Record(db, actor, CancelAction, $"change:{rehearsal.ChangeNumber}", new { rehearsal = rehearsal.Id, target = rehearsal.TargetName });
        await db.SaveChangesAsync(ct);
        runner.Cancel(rehearsal.Id);
    }

    public async Task<Rehearsal?> GetAsync(Guid id, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Rehearsals.AsNoTracking().FirstOrDefaultAsync(r => r.Id == id, ct);
    }

    /// <summary>A change's rehearsals, newest first.</summary>
    public async Task<IReadOnlyList<Rehearsal>> ForChangeAsync(Guid changeId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Rehearsals.AsNoTracking().Where(r => r.ChangeId == changeId).OrderByDescending(r => r.CreatedAt).ToListAsync(ct);
    }

    /// <summary>Only a setting change that has not shipped: a rehearsal tries a change before it is applied.</summary>
    public static void DemandRehearsable(ConfigChange change)
    {
        if (change.Kind != ChangeKind.Setting)
            throw new DomainRuleException($"Change #{change.Number} is a {change.Kind.ToString().ToLowerInvariant()} change: a rehearsal applies a " +
                "setting on staging with ALTER SYSTEM and puts it back exactly, which only a setting change allows.", "change");
        if (change.Status is not (ChangeStatus.Draft or ChangeStatus.InReview or ChangeStatus.Approved))
            throw new DomainRuleException($"Change #{change.Number} is {ChangeStatusText.Of(change.Status)}: a rehearsal tries a change before it ships.", "change")
            {
                Bar = RuleBar.State,
            };
    }

    internal static RehearsalProgressed Progress(Rehearsal r, TimeSpan elapsed = default, RehearsalLiveFigures? figures = null) =>
        new(r.Id, r.ChangeId, r.TargetId, r.Status.ToString(), r.Phase.ToString(), r.Round, r.Rounds, elapsed, RehearsalPlan.Planned(r.ProfileSettings), figures);

    private async Task<string> BusyMessageAsync(Guid targetId, string targetName, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var busy = await db.Rehearsals.AsNoTracking()
            .Where(r => r.TargetId == targetId && (r.Status == RehearsalStatus.Queued || r.Status == RehearsalStatus.Running))
            .FirstOrDefaultAsync(ct);
        return busy is null
            ? $"A rehearsal is already under way on {targetName}: wait for it to end."
            : $"A rehearsal of change #{busy.ChangeNumber} by {busy.StartedBy} is under way on {targetName}: one rehearsal runs on a staging " +
              "target at a time. Wait for it to end, or cancel it.";
    }
}
