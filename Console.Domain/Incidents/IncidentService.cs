using Microsoft.EntityFrameworkCore;
using OpsConsole.Domain.Access;
using OpsConsole.Domain.Audit;
using OpsConsole.Domain.Data;
using OpsConsole.Domain.Live;
using OpsConsole.Domain.Rollbacks;

using OpsConsole.Domain.Incidents.Notifications;

namespace OpsConsole.Domain.Incidents;

/// <summary>
/// What people do to incidents: open one by hand, move its status, change severity and commander, write notes, name the
/// cause and roll a suspect back. Every call demands <see cref="Permission.ManageIncidents"/> through the guard (a refusal
/// is audited), runs in one transaction with its audit entry, and publishes <see cref="IncidentUpdated"/> after the commit.
/// </summary>
public sealed class IncidentService(IDbContextFactory<OpsDbContext> dbFactory, AccessGuard guard, AuditLog audit, LiveEvents live,
    IncidentSuspects suspects, RollbackProcedure rollbacks, IncidentNotifications notifications, TimeProvider time)
{
    public const int MaxServiceLength = 100;

    public async Task<Incident> OpenAsync(Actor actor, NewIncident request, CancellationToken ct = default)
    {
        await guard.DemandAsync(actor, Permission.ManageIncidents, "incident.opened", "incident:new", ct);
        var title = RequireLine(request.Title, "Title", "a title", Incident.MaxTitleLength);
        var service = RequireLine(request.Service, "Service", "the affected service", MaxServiceLength);
        if (!Enum.IsDefined(request.Severity))
            throw new DomainRuleException("Severity is SEV1, SEV2, SEV3 or SEV4.", "Severity");
        TextRules.Require(request.Summary, "Summary", multiLine: true);
        if (request.Summary?.Length > Incident.MaxNoteLength)
            throw new DomainRuleException($"The summary is at most {Incident.MaxNoteLength} characters.", "Summary");
        var now = time.GetUtcNow();
        if (request.OnsetAt > now.AddMinutes(5))
            throw new DomainRuleException("Onset cannot be in the future.", "OnsetAt");

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        string? targetName = null;
        if (request.TargetId is { } targetId)
            targetName = await db.Targets.Where(t => t.Id == targetId).Select(t => t.Name).FirstOrDefaultAsync(ct)
                ?? throw new DomainRuleException("That target does not exist.", "TargetId");
        var incident = Incident.OpenByHand(title, request.Severity, service, request.TargetId, targetName, request.OnsetAt, request.Summary, actor, now);
        await using (var tx = await db.Database.BeginTransactionAsync(ct))
        {
            db.Incidents.Add(incident);
            await db.SaveChangesAsync(ct);
            audit.Record(db, actor, "incident.opened", Subject(incident.Number),
                new { title, severity = IncidentText.Of(request.Severity), service, target = targetName, onset = incident.OnsetAt });
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
        }
        Publish(incident, IncidentUpdated.OpenedWhat);
        await suspects.RefreshAsync(incident.Id, ct);
        return incident;
    }

    public Task SetStatusAsync(Actor actor, Guid incidentId, IncidentStatus status, string? note = null, CancellationToken ct = default) =>
        MutateAsync(actor, incidentId, "incident.status", (i, now) =>
        {
            TextRules.Require(note, "Note", multiLine: true);
            i.MoveTo(status, actor, now, note);
        }, new { status = status.ToString(), note }, "status", ct);

    public Task SetSeverityAsync(Actor actor, Guid incidentId, IncidentSeverity severity, CancellationToken ct = default) =>
        MutateAsync(actor, incidentId, "incident.severity", (i, now) => i.ChangeSeverity(severity, actor, now),
            new { severity = IncidentText.Of(severity) }, "severity", ct);

    /// <summary>Makes a member of staff who may manage incidents the commander (not a Viewer, not a disabled user).</summary>
    public async Task AssignCommanderAsync(Actor actor, Guid incidentId, string userId, CancellationToken ct = default)
    {
        await guard.DemandAsync(actor, Permission.ManageIncidents, "incident.commander", (db, c) => SubjectAsync(db, incidentId, c), ct);
        string name;
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            var user = await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.Id == userId, ct)
                ?? throw new DomainRuleException("That user does not exist.", "CommanderId");
            name = user.UserName ?? user.Id;
            if (user.IsDisabled)
                throw new DomainRuleException($"{name} is disabled and cannot lead an incident.", "CommanderId");
            var roles = await (from ur in db.UserRoles join r in db.Roles on ur.RoleId equals r.Id where ur.UserId == userId select r.Name!).ToListAsync(ct);
            if (!PermissionTable.Allows(roles, Permission.ManageIncidents))
                throw new DomainRuleException($"{name} may not manage incidents: a commander needs one of the roles "
                    + $"{string.Join(", ", PermissionTable.RolesFor(Permission.ManageIncidents))}.", "CommanderId");
        }
        await MutateAsync(actor, incidentId, "incident.commander", (i, now) => i.AssignCommander(userId, name, actor, now),
            new { commander = name }, "commander", ct, demanded: true);
    }

    /// <summary>Adds a Markdown note (kept raw; pages render it safely). Returns the note's entry id, by which it is edited or deleted.</summary>
    public async Task<long> AddNoteAsync(Actor actor, Guid incidentId, string markdown, CancellationToken ct = default)
    {
        IncidentTimelineEntry? note = null;
        await MutateAsync(actor, incidentId, "incident.note_added", (i, now) => note = i.AddNote(markdown, actor, now),
            new { length = markdown?.Length ?? 0 }, "timeline", ct);
        return note!.Id;
    }

    public Task EditNoteAsync(Actor actor, Guid incidentId, long noteId, string markdown, CancellationToken ct = default) =>
        NoteMutationAsync(actor, incidentId, noteId, "incident.note_edited", (i, note, now) => i.EditNote(note, markdown, actor, now), ct);

    public Task DeleteNoteAsync(Actor actor, Guid incidentId, long noteId, CancellationToken ct = default) =>
        NoteMutationAsync(actor, incidentId, noteId, "incident.note_deleted", (i, note, now) => i.DeleteNote(note, actor, now), ct);

    /// <summary>Names one of the incident's suspects as the cause.</summary>
    public async Task MarkCauseAsync(Actor actor, Guid incidentId, Guid changeId, CancellationToken ct = default)
    {
        await guard.DemandAsync(actor, Permission.ManageIncidents, "incident.cause_marked", (db, c) => SubjectAsync(db, incidentId, c), ct);
        var number = await SuspectNumberAsync(incidentId, changeId, ct);
        await MutateAsync(actor, incidentId, "incident.cause_marked", (i, now) => i.MarkCause(changeId, number, actor, now),
            new { change = number }, "cause", ct, demanded: true);
    }

    /// <summary>
    /// Rolls one of the incident's suspects back through the standardized <see cref="RollbackProcedure"/> (which demands
    /// its own permission and audits its own steps). The timeline records the start, then the end: a finished rollback
    /// names the change as the cause and moves the incident to Monitoring; a failed or refused one says why.
    /// </summary>
    public async Task<RollbackOutcome> RollBackSuspectAsync(Actor actor, Guid incidentId, RollbackRequest request,
        IProgress<RollbackStepResult>? progress = null, CancellationToken ct = default)
    {
        await guard.DemandAsync(actor, Permission.ManageIncidents, "incident.rollback_started", (db, c) => SubjectAsync(db, incidentId, c), ct);
        if (string.IsNullOrWhiteSpace(request.Reason))
            throw new DomainRuleException("Say why the change is rolled back.", "Reason");
        TextRules.Require(request.Reason, "Reason", multiLine: true);
        var number = await SuspectNumberAsync(incidentId, request.ChangeId, ct);
        await MutateAsync(actor, incidentId, "incident.rollback_started",
            (i, now) => i.RecordRollbackStarted(request.ChangeId, number, request.Reason, actor, now), new { change = number, request.Reason }, "rollback", ct,
            demanded: true);

        RollbackOutcome outcome;
        try
        {
            outcome = await rollbacks.RunAsync(actor, request, progress, ct);
        }
        catch (Exception refused) when (refused is AccessDeniedException or RollbackRefusedException or DomainRuleException)
        {
            await RecordRollbackEndAsync(actor, incidentId, request.ChangeId, number, succeeded: false, $"refused: {refused.Message}", ct, ran: false);
            throw;
        }
        await RecordRollbackEndAsync(actor, incidentId, request.ChangeId, number, outcome.Succeeded,
            outcome.NeedsAnyway ? $"not done: {outcome.Message}" : outcome.Message, ct);
        return outcome;
    }

    private async Task RecordRollbackEndAsync(Actor actor, Guid incidentId, Guid changeId, int number, bool succeeded, string message, CancellationToken ct,
        bool ran = true)
    {
        // Not the caller's token: the rollback ran (or was refused), and the timeline must say so even if the caller gave up.
        Guid? runId = null;
        // A refused rollback never claimed a run: the latest one is someone else's.
        if (ran)
            await using (var db = await dbFactory.CreateDbContextAsync(CancellationToken.None))
                runId = await db.RollbackRuns.Where(r => r.ChangeId == changeId).OrderByDescending(r => r.StartedAt).Select(r => (Guid?)r.Id)
                    .FirstOrDefaultAsync(CancellationToken.None);
        await MutateAsync(actor, incidentId, succeeded ? "incident.rollback_finished" : "incident.rollback_failed", (i, now) =>
        {
            if (succeeded)
                i.RecordRollbackFinished(changeId, number, runId, message, actor, now);
            else
                i.RecordRollbackFailed(changeId, number, runId, message, actor, now);
        }, new { change = number, run = runId, message }, "rollback", CancellationToken.None, demanded: true);
    }

    private async Task NoteMutationAsync(Actor actor, Guid incidentId, long noteId, string action, Action<Incident, NoteState, DateTimeOffset> mutate,
        CancellationToken ct)
    {
        await guard.DemandAsync(actor, Permission.ManageIncidents, action, (db, c) => SubjectAsync(db, incidentId, c), ct);
        NoteState note;
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
            note = NoteState.Of(await db.IncidentTimeline.AsNoTracking()
                .Where(e => e.IncidentId == incidentId && (e.Id == noteId || e.RefersTo == noteId)).OrderBy(e => e.Id).ToListAsync(ct));
        await MutateAsync(actor, incidentId, action, (i, now) => mutate(i, note, now), new { note = noteId }, "timeline", ct, demanded: true);
    }

    private async Task<int> SuspectNumberAsync(Guid incidentId, Guid changeId, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.IncidentSuspects.Where(s => s.IncidentId == incidentId && s.ChangeId == changeId).Select(s => (int?)s.ChangeNumber)
                   .FirstOrDefaultAsync(ct)
               ?? throw new DomainRuleException("That change is not a suspect of this incident.", "ChangeId");
    }

    /// <summary>
    /// Loads the incident row-locked (two responders never interleave), lets the entity apply its rules, and writes the
    /// result with its audit entry. A rule's refusal is audited on its own, as the mutation's transaction rolls back.
    /// </summary>
    private async Task MutateAsync(Actor actor, Guid incidentId, string action, Action<Incident, DateTimeOffset> mutate, object details, string what,
        CancellationToken ct, bool demanded = false)
    {
        if (!demanded)
            await guard.DemandAsync(actor, Permission.ManageIncidents, action, (db, c) => SubjectAsync(db, incidentId, c), ct);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var incident = await LockAsync(db, incidentId, ct);
        try
        {
            mutate(incident, time.GetUtcNow());
        }
        catch (DomainRuleException refused)
        {
            await tx.RollbackAsync(ct);
            await using var refusal = await dbFactory.CreateDbContextAsync(ct);
            audit.Record(refusal, actor, action, Subject(incident.Number), new { refused = refused.Message }, AuditOutcome.Refused);
            await refusal.SaveChangesAsync(ct);
            throw;
        }
        audit.Record(db, actor, action, Subject(incident.Number), details);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        Publish(incident, what);
    }

    /// <summary>
    /// What the console itself writes on an incident (lock events, health, proposals): no person acts, so no permission is
    /// asked; state changes (recovered, degraded, proposed) are audited as the console's. <paramref name="mutate"/> returns
    /// false when, on the locked row, there is nothing to write after all.
    /// </summary>
    internal async Task RecordByConsoleAsync(Guid incidentId, Func<Incident, DateTimeOffset, bool> mutate, string what, string? auditAction,
        object? details, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var incident = await LockAsync(db, incidentId, ct);
        if (!mutate(incident, time.GetUtcNow()))
            return;
        if (auditAction is not null)
            audit.Record(db, Actor.System, auditAction, Subject(incident.Number), details);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        Publish(incident, what);
    }

    internal static async Task<Incident> LockAsync(OpsDbContext db, Guid incidentId, CancellationToken ct) =>
        await db.Incidents.FromSql($"SELECT * FROM incidents WHERE \"Id\" = {incidentId} FOR UPDATE").FirstOrDefaultAsync(ct)
        ?? throw new DomainRuleException("That incident does not exist.");

    /// <summary>After the commit: open consoles hear every change; the outside (the incident webhook) hears openings and status moves.</summary>
    internal void Publish(Incident incident, string what)
    {
        live.Publish(new IncidentUpdated(incident.Id, incident.Number, incident.Status.ToString(), IncidentText.Of(incident.Severity), what, incident.Title));
        IncidentHappening? happening = what switch
        {
            IncidentUpdated.OpenedWhat => IncidentHappening.Opened,
            "status" when incident.Status == IncidentStatus.Resolved => IncidentHappening.Resolved,
            "status" => IncidentHappening.StatusChanged,
            _ => null,
        };
        if (happening is { } told)
            notifications.Enqueue(new IncidentNotice(incident.Id, incident.Number, incident.Title, IncidentText.Of(incident.Severity),
                incident.Status.ToString(), incident.Service, incident.TargetName, told, time.GetUtcNow()));
    }

    /// <summary>The audit subject of an incident: <c>incident:7</c>, for successes and refusals alike.</summary>
    public static string Subject(int number) => $"incident:{number}";

    private static async Task<string> SubjectAsync(OpsDbContext db, Guid incidentId, CancellationToken ct) =>
        await db.Incidents.Where(i => i.Id == incidentId).Select(i => (int?)i.Number).FirstOrDefaultAsync(ct) is { } number
            ? Subject(number)
            : $"incident:{incidentId}";

    private static string RequireLine(string? value, string field, string what, int max)
    {
        if (string.IsNullOrWhiteSpace(value))
            throw new DomainRuleException($"Give {what}.", field);
        TextRules.Require(value, field, multiLine: false);
        var trimmed = value.Trim();
        return trimmed.Length <= max ? trimmed : throw new DomainRuleException($"{field} is longer than {max} characters.", field);
    }
}
