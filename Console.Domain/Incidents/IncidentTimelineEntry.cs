namespace OpsConsole.Domain.Incidents;

/// <summary>
/// One line of an incident's timeline, written as things happen and never updated: a note's edit or deletion is a new
/// entry that <see cref="RefersTo"/> the note and keeps the text it replaced in <see cref="PreviousText"/>, so the
/// timeline shows what was said when. Notes are Markdown, kept raw: pages render them through the safe renderer.
/// </summary>
public sealed class IncidentTimelineEntry
{
    /// <summary>Assigned by the store, increasing: the order of entries written at the same instant.</summary>
    public long Id { get; private set; }
    public Guid IncidentId { get; private set; }
    public DateTimeOffset At { get; private set; }
    public TimelineKind Kind { get; private set; }
    /// <summary>Who did it: a person's user id, or null for the console itself and alerts.</summary>
    public string? ActorId { get; private set; }
    public string ActorName { get; private set; } = "";
    public string Text { get; private set; } = "";
    public string? PreviousText { get; private set; }
    /// <summary>The note an edit or deletion is about.</summary>
    public long? RefersTo { get; private set; }
    public Guid? ChangeId { get; private set; }
    public int? ChangeNumber { get; private set; }
    public Guid? RollbackRunId { get; private set; }
    /// <summary>The alert an alert entry is about.</summary>
    public string? Fingerprint { get; private set; }

    private IncidentTimelineEntry() { }

    internal IncidentTimelineEntry(DateTimeOffset at, TimelineKind kind, string? actorId, string actorName, string text)
    {
        At = at;
        Kind = kind;
        ActorId = actorId;
        ActorName = actorName;
        Text = text;
    }

    internal IncidentTimelineEntry About(long? refersTo = null, string? previousText = null, Guid? changeId = null, int? changeNumber = null,
        Guid? rollbackRunId = null, string? fingerprint = null)
    {
        RefersTo = refersTo;
        PreviousText = previousText;
        ChangeId = changeId;
        ChangeNumber = changeNumber;
        RollbackRunId = rollbackRunId;
        Fingerprint = fingerprint;
        return this;
    }

    public bool IsNote => Kind is TimelineKind.Note or TimelineKind.NoteEdited or TimelineKind.NoteDeleted;
}

/// <summary>A note as it stands now: its latest text (or deleted), from its entry and the edits that refer to it.</summary>
public sealed record NoteState(long NoteId, string AuthorId, string AuthorName, string Text, bool Deleted)
{
    /// <summary>Folds a note's entries (the note first, then its edits and deletion in order) into its current state.</summary>
    public static NoteState Of(IReadOnlyList<IncidentTimelineEntry> entries)
    {
        var note = entries.FirstOrDefault(e => e.Kind == TimelineKind.Note) ?? throw new DomainRuleException("That note does not exist.");
        var state = new NoteState(note.Id, note.ActorId ?? "", note.ActorName, note.Text, false);
        foreach (var e in entries.Where(e => e.RefersTo == note.Id).OrderBy(e => e.Id))
            state = e.Kind == TimelineKind.NoteDeleted ? state with { Deleted = true } : state with { Text = e.Text };
        return state;
    }
}
