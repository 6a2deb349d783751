using OpsConsole.Domain.Access;

namespace OpsConsole.Domain.Incidents;

/// <summary>
/// An incident: something is wrong for users, and people respond. It guards its own lifecycle (Investigating →
/// Identified → Monitoring → Resolved, see <see cref="MoveTo"/>) and writes its own timeline: every method that changes
/// it adds the entry that says so. The times it keeps are those a postmortem measures from: onset (when the condition
/// began), opened (detected), identified (the cause named or rolled back), recovered (health back to normal), resolved.
/// </summary>
public sealed class Incident
{
    public const int MaxTitleLength = 200;
    public const int MaxNoteLength = 20_000;

    public Guid Id { get; private set; } = Guid.NewGuid();
    /// <summary>A short human number (#7), assigned by the store.</summary>
    public int Number { get; private set; }
    public string Title { get; private set; } = "";
    public IncidentSeverity Severity { get; private set; }
    public IncidentStatus Status { get; private set; }
    public string? CommanderId { get; private set; }
    public string? CommanderName { get; private set; }
    /// <summary>The affected service ("checkout").</summary>
    public string Service { get; private set; } = "";
    /// <summary>The affected monitored target, when the console knows it.</summary>
    public Guid? TargetId { get; private set; }
    /// <summary>The target's name as the alert gave it (also for targets the console does not monitor).</summary>
    public string? TargetName { get; private set; }
    /// <summary>"rule", "alertmanager", "api" (alerts) or "manual" (opened by a person).</summary>
    public string Source { get; private set; } = "";
    public string OpenedBy { get; private set; } = "";
    public DateTimeOffset OnsetAt { get; private set; }
    public DateTimeOffset OpenedAt { get; private set; }
    public DateTimeOffset? IdentifiedAt { get; private set; }
    public DateTimeOffset? RecoveredAt { get; private set; }
    public DateTimeOffset? ResolvedAt { get; private set; }
    /// <summary>When the console proposed resolving it, after health stayed normal for the quiet period; a person resolves.</summary>
    public DateTimeOffset? ResolveProposedAt { get; private set; }
    /// <summary>The change named as the cause (marked by a person, or rolled back from this incident).</summary>
    public Guid? CauseChangeId { get; private set; }
    public int? CauseChangeNumber { get; private set; }
    /// <summary>Where the failures are, in words, from the latest suspect search.</summary>
    public string? FailureSummary { get; private set; }
    /// <summary>The alerts this incident holds: a repeat or a resolve of one of them comes here.</summary>
    public List<string> Fingerprints { get; private set; } = [];

    private readonly List<IncidentTimelineEntry> timeline = [];
    /// <summary>
    /// The entries this instance added (and, when loaded, all of them). Services never load it to mutate: new entries
    /// added here are inserted, which keeps a long incident's mutations cheap. Reads use the queries.
    /// </summary>
    public IReadOnlyList<IncidentTimelineEntry> Timeline => timeline;

    private Incident() { }

    private Incident(string title, IncidentSeverity severity, string service, Guid? targetId, string? targetName, DateTimeOffset onset,
        string source, string openedBy, DateTimeOffset now)
    {
        Title = title;
        Severity = severity;
        Status = IncidentStatus.Investigating;
        Service = service;
        TargetId = targetId;
        TargetName = targetName;
        OnsetAt = onset <= now ? onset : now;
        OpenedAt = now;
        Source = source;
        OpenedBy = openedBy;
    }

    /// <summary>Opened by a person (on-call declares one): they are its first commander.</summary>
    public static Incident OpenByHand(string title, IncidentSeverity severity, string service, Guid? targetId, string? targetName,
        DateTimeOffset? onset, string? summary, Actor actor, DateTimeOffset now)
    {
        var incident = new Incident(title, severity, service, targetId, targetName, onset ?? now, "manual", actor.AuthorName, now)
        {
            CommanderId = actor.AuthorId,
            CommanderName = actor.AuthorName,
        };
        incident.Add(now, TimelineKind.Opened, actor, $"Opened by {actor.Name} as {IncidentText.Of(severity)}"
            + (string.IsNullOrWhiteSpace(summary) ? "" : $": {summary.Trim()}"));
        return incident;
    }

    /// <summary>Opened by a page-level alert: onset is when its condition began, not when it was noticed.</summary>
    public static Incident OpenFromAlert(Alerts.AlertSignal alert, IncidentSeverity severity, Guid? targetId, DateTimeOffset now)
    {
        var title = Clip($"{alert.Name} on {alert.Service}" + (alert.Target is null ? "" : $" ({alert.Target})"), MaxTitleLength);
        var incident = new Incident(title, severity, alert.Service, targetId, alert.Target, alert.StartsAt, alert.Source, $"alert ({alert.Source})", now);
        incident.Fingerprints.Add(alert.Fingerprint);
        incident.Add(incident.OnsetAt, TimelineKind.AlertFired, null, $"alert ({alert.Source})", $"Alert fired: {alert.Name}. {alert.Summary}")
            .About(fingerprint: alert.Fingerprint);
        incident.Add(now, TimelineKind.Opened, null, "console", $"Opened as {IncidentText.Of(severity)} from the {alert.Source} alert {alert.Name}");
        return incident;
    }

    public bool IsOpen => Status != IncidentStatus.Resolved;

    /// <summary>A page-level alert for the same service and target joins the open incident rather than opening another.</summary>
    public void JoinAlert(Alerts.AlertSignal alert, DateTimeOffset now)
    {
        var repeat = Fingerprints.Contains(alert.Fingerprint);
        if (!repeat)
            Fingerprints.Add(alert.Fingerprint);
        if (alert.StartsAt < OnsetAt)
            OnsetAt = alert.StartsAt;
        Add(now, TimelineKind.AlertFired, null, $"alert ({alert.Source})",
            $"{(repeat ? "Alert fired again" : "Alert joined")}: {alert.Name}. {alert.Summary}").About(fingerprint: alert.Fingerprint);
    }

    public void RecordAlertResolved(Alerts.AlertSignal alert, DateTimeOffset now) =>
        Add(alert.EndsAt is { } end && end <= now ? end : now, TimelineKind.AlertResolved, null, $"alert ({alert.Source})",
            $"Alert resolved: {alert.Name}. {alert.Summary}").About(fingerprint: alert.Fingerprint);

    /// <summary>A ticket-level alert is recorded on an open incident's timeline; it never opens one.</summary>
    public void RecordTicket(Alerts.AlertSignal alert, DateTimeOffset now) =>
        Add(now, TimelineKind.TicketAlert, null, $"alert ({alert.Source})",
            $"{(alert.Resolved ? "Ticket alert resolved" : "Ticket alert")}: {alert.Name}. {alert.Summary}").About(fingerprint: alert.Fingerprint);

    /// <summary>
    /// Whether the incident may move to <paramref name="to"/>, and if not why. Forward moves may skip a step (a rollback
    /// goes straight to Monitoring), a response may step back when things get worse, and a resolved incident can only
    /// be reopened (to Investigating).
    /// </summary>
    public string? StatusRefusal(IncidentStatus to) =>
        !Enum.IsDefined(to) ? "Status is Investigating, Identified, Monitoring or Resolved."
        : to == Status ? $"Incident #{Number} is already {IncidentText.Of(Status)}."
        : Status == IncidentStatus.Resolved && to != IncidentStatus.Investigating
            ? $"Incident #{Number} is resolved: reopen it (Investigating) first."
        : null;

    /// <summary>The statuses the incident may move to now.</summary>
    public IReadOnlyList<IncidentStatus> NextStatuses => Enum.GetValues<IncidentStatus>().Where(s => StatusRefusal(s) is null).ToList();

    public void MoveTo(IncidentStatus to, Actor actor, DateTimeOffset now, string? note = null)
    {
        if (StatusRefusal(to) is { } refusal)
            throw new DomainRuleException(refusal, "Status");
        var from = Status;
        Status = to;
        switch (to)
        {
            case IncidentStatus.Identified or IncidentStatus.Monitoring:
                IdentifiedAt ??= now;
                break;
            case IncidentStatus.Resolved:
                IdentifiedAt ??= now;
                ResolvedAt = now;
                break;
            case IncidentStatus.Investigating when from == IncidentStatus.Resolved:
                ResolvedAt = null;
                ResolveProposedAt = null;
                RecoveredAt = null;
                break;
        }
        var verb = from == IncidentStatus.Resolved ? "Reopened" : $"Status {IncidentText.Of(from)} → {IncidentText.Of(to)}";
        Add(now, TimelineKind.StatusChanged, actor, $"{verb} by {actor.Name}" + (string.IsNullOrWhiteSpace(note) ? "" : $": {note.Trim()}"));
    }

    public void ChangeSeverity(IncidentSeverity severity, Actor actor, DateTimeOffset now)
    {
        if (!Enum.IsDefined(severity))
            throw new DomainRuleException("Severity is SEV1, SEV2, SEV3 or SEV4.", "Severity");
        if (severity == Severity)
            throw new DomainRuleException($"Incident #{Number} is already {IncidentText.Of(severity)}.", "Severity");
        Add(now, TimelineKind.SeverityChanged, actor, $"Severity {IncidentText.Of(Severity)} → {IncidentText.Of(severity)} by {actor.Name}");
        Severity = severity;
    }

    public void AssignCommander(string userId, string userName, Actor actor, DateTimeOffset now)
    {
        if (userId == CommanderId)
            throw new DomainRuleException($"{userName} is already the commander of incident #{Number}.", "CommanderId");
        CommanderId = userId;
        CommanderName = userName;
        Add(now, TimelineKind.CommanderChanged, actor, $"{userName} is the commander (assigned by {actor.Name})");
    }

    public IncidentTimelineEntry AddNote(string markdown, Actor actor, DateTimeOffset now) =>
        Add(now, TimelineKind.Note, actor, RequireNote(markdown));

    /// <summary>An edit is a new entry that keeps the text it replaces; only the note's author edits it.</summary>
    public void EditNote(NoteState note, string markdown, Actor actor, DateTimeOffset now)
    {
        RequireOwnNote(note, actor, "edit");
        var text = RequireNote(markdown);
        if (text == note.Text)
            throw new DomainRuleException("The note is unchanged.", "Text");
        Add(now, TimelineKind.NoteEdited, actor, text).About(refersTo: note.NoteId, previousText: note.Text);
    }

    /// <summary>A deletion is a new entry that keeps the deleted text: the timeline never forgets what was said.</summary>
    public void DeleteNote(NoteState note, Actor actor, DateTimeOffset now)
    {
        RequireOwnNote(note, actor, "delete");
        Add(now, TimelineKind.NoteDeleted, actor, $"Note deleted by {actor.Name}").About(refersTo: note.NoteId, previousText: note.Text);
    }

    /// <summary>A person names a suspect change as the cause: the incident counts as identified from now.</summary>
    public void MarkCause(Guid changeId, int changeNumber, Actor actor, DateTimeOffset now)
    {
        if (CauseChangeId == changeId)
            throw new DomainRuleException($"Change #{changeNumber} is already marked as the cause.");
        CauseChangeId = changeId;
        CauseChangeNumber = changeNumber;
        IdentifiedAt ??= now;
        Add(now, TimelineKind.CauseMarked, actor, $"Change #{changeNumber} marked as the cause by {actor.Name}")
            .About(changeId: changeId, changeNumber: changeNumber);
    }

    /// <summary>Rolling back from a resolved incident makes no sense: it would leave the timeline behind its own end.</summary>
    public void DemandOpen(string what)
    {
        if (!IsOpen)
            throw new DomainRuleException($"Incident #{Number} is resolved: reopen it to {what}.");
    }

    public void RecordRollbackStarted(Guid changeId, int changeNumber, string reason, Actor actor, DateTimeOffset now)
    {
        DemandOpen("roll back a suspect");
        IdentifiedAt ??= now;
        Add(now, TimelineKind.RollbackStarted, actor, $"Rollback of change #{changeNumber} started by {actor.Name}: {reason.Trim()}")
            .About(changeId: changeId, changeNumber: changeNumber);
    }

    /// <summary>A rolled-back cause: the change is named as the cause, and the incident watches whether health comes back.</summary>
    public void RecordRollbackFinished(Guid changeId, int changeNumber, Guid? runId, string message, Actor actor, DateTimeOffset now)
    {
        CauseChangeId ??= changeId;
        CauseChangeNumber ??= changeNumber;
        Add(now, TimelineKind.RollbackFinished, actor, $"Change #{changeNumber} rolled back: {message}")
            .About(changeId: changeId, changeNumber: changeNumber, rollbackRunId: runId);
        if (Status is IncidentStatus.Investigating or IncidentStatus.Identified)
            MoveTo(IncidentStatus.Monitoring, actor, now, $"change #{changeNumber} rolled back");
    }

    public void RecordRollbackFailed(Guid changeId, int changeNumber, Guid? runId, string message, Actor actor, DateTimeOffset now) =>
        Add(now, TimelineKind.RollbackFailed, actor, $"Rollback of change #{changeNumber} failed: {message}")
            .About(changeId: changeId, changeNumber: changeNumber, rollbackRunId: runId);

    public void RecordSuspects(string text, bool first, string? failureSummary, DateTimeOffset now)
    {
        FailureSummary = failureSummary;
        Add(now, first ? TimelineKind.SuspectsFound : TimelineKind.SuspectsReranked, null, "console", text);
    }

    internal void UpdateFailureSummary(string? failureSummary) => FailureSummary = failureSummary;

    /// <summary>A lock event on the incident's target (a long wait, deadlocks), noticed by the watcher.</summary>
    public void RecordLockEvent(TimelineKind kind, string text, DateTimeOffset at)
    {
        if (kind is not (TimelineKind.LockWait or TimelineKind.Deadlocks))
            throw new ArgumentOutOfRangeException(nameof(kind), kind, "Only lock events.");
        Add(at, kind, null, "console", text);
    }

    public void RecordFirstFailure(string text, DateTimeOffset at) => Add(at, TimelineKind.FirstFailure, null, "console", text);

    public void RecordHealthRecovered(string text, DateTimeOffset now)
    {
        RecoveredAt = now;
        Add(now, TimelineKind.HealthRecovered, null, "console", text);
    }

    /// <summary>Health went bad again after it recovered: recovery and any proposal to resolve no longer hold.</summary>
    public void RecordHealthDegraded(string text, DateTimeOffset now)
    {
        RecoveredAt = null;
        ResolveProposedAt = null;
        Add(now, TimelineKind.HealthDegraded, null, "console", text);
    }

    public void ProposeResolve(string text, DateTimeOffset now)
    {
        ResolveProposedAt = now;
        Add(now, TimelineKind.ResolveProposed, null, "console", text);
    }

    /// <summary>Whether this actor may change the incident at all (Viewers read only); pages hide what it refuses.</summary>
    public static bool CanManage(Actor actor) => actor.Can(Permission.ManageIncidents);

    private IncidentTimelineEntry Add(DateTimeOffset at, TimelineKind kind, Actor actor, string text) =>
        Add(at, kind, actor.AuthorId, actor.Name, text);

    private IncidentTimelineEntry Add(DateTimeOffset at, TimelineKind kind, string? actorId, string actorName, string text)
    {
        var entry = new IncidentTimelineEntry(at, kind, actorId, actorName, Clip(text, MaxNoteLength + 200));
        timeline.Add(entry);
        return entry;
    }

    private static void RequireOwnNote(NoteState note, Actor actor, string verb)
    {
        if (note.Deleted)
            throw new DomainRuleException("That note was deleted.");
        if (note.AuthorId != actor.AuthorId)
            throw new DomainRuleException($"Only the note's author ({note.AuthorName}) may {verb} it: add a note of your own instead.");
    }

    private static string RequireNote(string? markdown)
    {
        if (string.IsNullOrWhiteSpace(markdown))
            throw new DomainRuleException("A note cannot be empty.", "Text");
        TextRules.Require(markdown, "Text", multiLine: true);
        if (markdown.Length > MaxNoteLength)
            throw new DomainRuleException($"A note is at most {MaxNoteLength} characters.", "Text");
        return markdown.Trim();
    }

    internal static string Clip(string text, int max) => text.Length <= max ? text : text[..(max - 1)] + "…";
}
