namespace OpsConsole.Domain.Incidents;

/// <summary>An incident opened by hand. Onset defaults to now; the target, when given, is a monitored one (its suspects are searched).</summary>
public sealed record NewIncident(string Title, IncidentSeverity Severity, string Service, Guid? TargetId = null, DateTimeOffset? OnsetAt = null,
    string? Summary = null);

/// <summary>An incident with its timeline (in order) and its suspects (best first), for a detail page or the API.</summary>
public sealed record IncidentDetail(Incident Incident, IReadOnlyList<IncidentTimelineEntry> Timeline, IReadOnlyList<IncidentSuspect> Suspects)
{
    /// <summary>Each note as it stands now (latest text, or deleted), by the note's entry id.</summary>
    public IReadOnlyDictionary<long, NoteState> Notes { get; } = Timeline.Where(e => e.Kind == TimelineKind.Note)
        .ToDictionary(n => n.Id, n => NoteState.Of([n, .. Timeline.Where(e => e.RefersTo == n.Id)]));
}

public sealed record IncidentFilter(DateTimeOffset? From = null, DateTimeOffset? To = null, string? Service = null, IncidentStatus? Status = null,
    bool OpenOnly = false, int Skip = 0, int Take = 50);

public sealed record IncidentListItem(Guid Id, int Number, string Title, IncidentSeverity Severity, IncidentStatus Status, string Service,
    Guid? TargetId, string? TargetName, string? CommanderName, DateTimeOffset OnsetAt, DateTimeOffset OpenedAt, DateTimeOffset? IdentifiedAt,
    DateTimeOffset? RecoveredAt, DateTimeOffset? ResolvedAt, int? CauseChangeNumber);

public sealed record IncidentPage(IReadOnlyList<IncidentListItem> Items, int Total);
