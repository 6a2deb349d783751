using OpsConsole.Domain.Incidents;
using OpsConsole.Domain.Incidents.Impact;
using OpsConsole.Domain.Incidents.Reports;
using OpsConsole.Domain.Rollbacks;

namespace OpsConsole.Web.Api;

/// <summary>The body of <c>POST /api/v1/incidents</c>: an incident declared by hand.</summary>
public sealed class NewIncidentBody
{
    /// <summary>What is wrong, in one line (at most 200 characters).</summary>
    public string? Title { get; set; }

    /// <summary>SEV1 (worst) to SEV4.</summary>
    public string? Severity { get; set; }

    /// <summary>The affected service ("checkout").</summary>
    public string? Service { get; set; }

    /// <summary>The affected monitored target, by name: its changes become the suspects.</summary>
    public string? TargetName { get; set; }

    /// <summary>When it began; now when left out.</summary>
    public DateTimeOffset? OnsetAt { get; set; }

    /// <summary>What is known so far, in Markdown: the first note on the timeline.</summary>
    public string? Summary { get; set; }
}

/// <summary>The body of <c>POST /api/v1/incidents/{number}/notes</c>.</summary>
public sealed class NewNoteBody
{
    /// <summary>The note in Markdown (at most 20,000 characters), kept raw and rendered safely by the console.</summary>
    public string? Markdown { get; set; }
}

/// <summary>The body of <c>POST /api/v1/incidents/{number}/suspects/{changeNumber}/rollback</c>.</summary>
public sealed class SuspectRollbackBody
{
    /// <summary>Why the change is rolled back: kept on the run, the change, the timeline and the audit trail.</summary>
    public string? Reason { get; set; }

    /// <summary>Roll back although the precheck failed (someone changed the value again since the change was applied).</summary>
    public bool? Anyway { get; set; }
}

/// <summary>An incident in a list. Severity is SEV1 to SEV4; status investigating, identified, monitoring or resolved.</summary>
public sealed record IncidentSummaryView(int Number, string Title, string Severity, string Status, string Service, string? Target, string? Commander,
    DateTimeOffset OnsetAt, DateTimeOffset OpenedAt, DateTimeOffset? IdentifiedAt, DateTimeOffset? RecoveredAt, DateTimeOffset? ResolvedAt,
    int? CauseChange)
{
    public static IncidentSummaryView Of(IncidentListItem i) => new(i.Number, i.Title, IncidentText.Of(i.Severity), IncidentText.Of(i.Status), i.Service,
        i.TargetName, i.CommanderName, i.OnsetAt, i.OpenedAt, i.IdentifiedAt, i.RecoveredAt, i.ResolvedAt, i.CauseChangeNumber);
}

public sealed record IncidentListView(IReadOnlyList<IncidentSummaryView> Items, int Total, int Skip, int Take);

/// <summary>A suspect change, best first (rank 1), with its evidence in words. Strength is weak, possible or strong.</summary>
public sealed record IncidentSuspectView(int Rank, int Change, string Title, string? Parameter, double Score, string Strength,
    IReadOnlyList<string> Evidence, bool MarkedCause)
{
    public static IncidentSuspectView Of(IncidentSuspect s, Incident incident) => new(s.Rank, s.ChangeNumber, s.Title, s.Parameter, s.Score,
        s.Strength.ToString().ToLowerInvariant(), s.Evidence, s.ChangeId == incident.CauseChangeId);
}

/// <summary>
/// One timeline entry, in order. A note's edit or deletion is an entry of its own that refers to the note (refersTo) and
/// keeps the replaced text (previousText). Note text is raw Markdown: render it through a sanitizer.
/// </summary>
public sealed record IncidentTimelineView(long Id, DateTimeOffset At, string Kind, string Actor, string Text, string? PreviousText, long? RefersTo,
    int? Change, Guid? RollbackRun)
{
    public static IncidentTimelineView Of(IncidentTimelineEntry e) =>
        new(e.Id, e.At, KindName(e.Kind), e.ActorName, e.Text, e.PreviousText, e.RefersTo, e.ChangeNumber, e.RollbackRunId);

    /// <summary>"alert_fired", "rollback_finished": the kind as the API names it.</summary>
    public static string KindName(TimelineKind kind) =>
        string.Concat(kind.ToString().Select((c, i) => i > 0 && char.IsUpper(c) ? "_" + char.ToLowerInvariant(c) : char.ToLowerInvariant(c).ToString()));
}

/// <summary>What the incident cost checkout from onset to recovery (or now): null figures where nothing is known.</summary>
public sealed record IncidentImpactView(long Attempts, long FailedCheckouts, double? FailedShare, double? PeakFailedShare, decimal? EstimatedLostRevenue,
    IReadOnlyDictionary<string, long> FailuresByClass)
{
    public static IncidentImpactView Of(IncidentImpact i) =>
        new(i.Attempts, i.FailedCheckouts, i.FailedShare, i.PeakFailedShare, i.EstimatedLostRevenue, i.FailuresByClass);
}

/// <summary>Spans from onset, in seconds; null while their end has not happened. Total runs to now while the incident is open (ongoing).</summary>
public sealed record IncidentDurationsView(double? TimeToDetectSeconds, double? TimeToIdentifySeconds, double? TimeToRecoverSeconds, double TotalSeconds,
    bool Ongoing)
{
    public static IncidentDurationsView Of(IncidentDurations d) => new(d.TimeToDetect?.TotalSeconds, d.TimeToIdentify?.TotalSeconds,
        d.TimeToRecover?.TotalSeconds, d.Total.TotalSeconds, d.Ongoing);
}

/// <summary>An incident with everything known about it.</summary>
public sealed record IncidentView(int Number, string Title, string Severity, string Status, string Service, string? Target, string? Commander,
    string Source, string OpenedBy, DateTimeOffset OnsetAt, DateTimeOffset OpenedAt, DateTimeOffset? IdentifiedAt, DateTimeOffset? RecoveredAt,
    DateTimeOffset? ResolvedAt, DateTimeOffset? ResolveProposedAt, int? CauseChange, string? FailureSummary,
    IReadOnlyList<IncidentSuspectView> Suspects, IReadOnlyList<IncidentTimelineView> Timeline, IncidentImpactView Impact, IncidentDurationsView Durations)
{
    public static IncidentView Of(IncidentDetail detail, IncidentImpact impact, DateTimeOffset now)
    {
        var i = detail.Incident;
        return new(i.Number, i.Title, IncidentText.Of(i.Severity), IncidentText.Of(i.Status), i.Service, i.TargetName, i.CommanderName, i.Source,
            i.OpenedBy, i.OnsetAt, i.OpenedAt, i.IdentifiedAt, i.RecoveredAt, i.ResolvedAt, i.ResolveProposedAt, i.CauseChangeNumber, i.FailureSummary,
            detail.Suspects.Select(s => IncidentSuspectView.Of(s, i)).ToList(), detail.Timeline.Select(IncidentTimelineView.Of).ToList(),
            IncidentImpactView.Of(impact), IncidentDurationsView.Of(IncidentDurations.Of(i.OnsetAt, i.OpenedAt, i.IdentifiedAt, i.RecoveredAt, i.ResolvedAt, now)));
    }
}

/// <summary>A note just written: its timeline entry id, by which the console refers to it.</summary>
public sealed record NoteAddedView(int Incident, long Id, DateTimeOffset At);

/// <summary>
/// A suspect's rollback from an incident, finished: succeeded, or not (message says why; needsAnyway when the precheck
/// found the value changed again). run is the rollback run, followed at <c>/api/v1/rollbacks/{run}</c>.
/// </summary>
public sealed record SuspectRollbackView(int Incident, int Change, bool Succeeded, bool NeedsAnyway, string Message, Guid? Run, string IncidentStatus);

/// <summary>The monthly summary: its range as asked (or defaulted), the zone whose months they are, one entry per month, oldest first.</summary>
public sealed record MonthlySummaryView(string From, string To, string TimeZone, IReadOnlyList<MonthFiguresView> Months)
{
    public static MonthlySummaryView Of(ReportMonth from, ReportMonth to, TimeZoneInfo zone, IReadOnlyList<MonthFigures> months) =>
        new(from.ToString(), to.ToString(), zone.Id, months.Select(MonthFiguresView.Of).ToList());
}

/// <summary>One month: means in seconds from onset and the rate as a fraction (0.25), both null when there was nothing to measure.</summary>
public sealed record MonthFiguresView(string Month, int Incidents, double? MeanTimeToDetectSeconds, double? MeanTimeToRecoverSeconds, int ChangesApplied,
    int ChangesFailed, double? ChangeFailureRate)
{
    public static MonthFiguresView Of(MonthFigures m) =>
        new(m.Month.ToString(), m.Incidents, m.MeanTimeToDetect?.TotalSeconds, m.MeanTimeToRecover?.TotalSeconds, m.ChangesApplied, m.FailedChanges,
            m.ChangeFailureRate);
}
