using MudBlazor;
using OpsConsole.Domain.Incidents;
using OpsConsole.Domain.Incidents.Impact;
using OpsConsole.Domain.Incidents.Suspects;

namespace OpsConsole.Web.Components.Pages.Incidents;

/// <summary>How incidents read on every incident screen: one set of colours, words and icons.</summary>
public static class IncidentFormat
{
    public static Color SeverityColor(IncidentSeverity severity) => severity switch
    {
        IncidentSeverity.Sev1 => Color.Error,
        IncidentSeverity.Sev2 => Color.Warning,
        IncidentSeverity.Sev3 => Color.Info,
        _ => Color.Default,
    };

    public static Color StatusColor(IncidentStatus status) => status switch
    {
        IncidentStatus.Investigating => Color.Error,
        IncidentStatus.Identified => Color.Warning,
        IncidentStatus.Monitoring => Color.Info,
        _ => Color.Success,
    };

    public static string StatusText(IncidentStatus status) => status.ToString();

    public static Color StrengthColor(SuspectStrength strength) => strength switch
    {
        SuspectStrength.Strong => Color.Error,
        SuspectStrength.Possible => Color.Warning,
        _ => Color.Default,
    };

    /// <summary>From onset to resolution, or to now while it lasts ("ongoing").</summary>
    public static string Duration(DateTimeOffset onset, DateTimeOffset? resolved, DateTimeOffset now) =>
        IncidentDurations.Words(IncidentDurations.FromOnset(onset, resolved ?? now)!.Value) + (resolved is null ? " (ongoing)" : "");

    public static string Span(TimeSpan? span) => span is { } s ? IncidentDurations.Words(s) : "—";

    public static string Share(double? share) => share is { } s ? $"{s * 100:0.#} %" : "—";

    /// <summary>The window impact is measured over: onset to recovery, else resolution, else now.</summary>
    public static (DateTimeOffset From, DateTimeOffset To) ImpactWindow(DateTimeOffset onset, DateTimeOffset? recovered, DateTimeOffset? resolved,
        DateTimeOffset now)
    {
        var to = recovered ?? resolved ?? now;
        return (onset, to > onset ? to : onset.AddMinutes(1));
    }

    /// <summary>One icon per kind of timeline entry, so a long timeline can be scanned.</summary>
    public static string Icon(TimelineKind kind) => kind switch
    {
        TimelineKind.Opened => Icons.Material.Filled.Flag,
        TimelineKind.AlertFired => Icons.Material.Filled.NotificationsActive,
        TimelineKind.AlertResolved => Icons.Material.Filled.NotificationsOff,
        TimelineKind.TicketAlert => Icons.Material.Filled.ConfirmationNumber,
        TimelineKind.FirstFailure => Icons.Material.Filled.ErrorOutline,
        TimelineKind.SuspectsFound or TimelineKind.SuspectsReranked => Icons.Material.Filled.ManageSearch,
        TimelineKind.StatusChanged => Icons.Material.Filled.SwapHoriz,
        TimelineKind.SeverityChanged => Icons.Material.Filled.PriorityHigh,
        TimelineKind.CommanderChanged => Icons.Material.Filled.Person,
        TimelineKind.Note => Icons.Material.Filled.Notes,
        TimelineKind.NoteEdited => Icons.Material.Filled.Edit,
        TimelineKind.NoteDeleted => Icons.Material.Filled.Delete,
        TimelineKind.CauseMarked => Icons.Material.Filled.GppMaybe,
        TimelineKind.RollbackStarted => Icons.Material.Filled.Undo,
        TimelineKind.RollbackFinished => Icons.Material.Filled.CheckCircle,
        TimelineKind.RollbackFailed => Icons.Material.Filled.Cancel,
        TimelineKind.LockWait => Icons.Material.Filled.Lock,
        TimelineKind.Deadlocks => Icons.Material.Filled.SyncProblem,
        TimelineKind.HealthRecovered => Icons.Material.Filled.Favorite,
        TimelineKind.HealthDegraded => Icons.Material.Filled.HeartBroken,
        TimelineKind.ResolveProposed => Icons.Material.Filled.TaskAlt,
        _ => Icons.Material.Filled.Circle,
    };

    public static Color KindColor(TimelineKind kind) => kind switch
    {
        TimelineKind.AlertFired or TimelineKind.FirstFailure or TimelineKind.RollbackFailed or TimelineKind.Deadlocks or TimelineKind.HealthDegraded
            => Color.Error,
        TimelineKind.LockWait or TimelineKind.CauseMarked or TimelineKind.RollbackStarted => Color.Warning,
        TimelineKind.RollbackFinished or TimelineKind.HealthRecovered or TimelineKind.AlertResolved or TimelineKind.ResolveProposed => Color.Success,
        TimelineKind.Note or TimelineKind.NoteEdited => Color.Primary,
        _ => Color.Default,
    };

    /// <summary>"SuspectsReranked" → "suspects re-ranked": the kind as the timeline's data attribute and screen-reader label.</summary>
    public static string KindText(TimelineKind kind) => kind switch
    {
        TimelineKind.SuspectsReranked => "suspects re-ranked",
        _ => string.Concat(kind.ToString().Select((c, i) => i > 0 && char.IsUpper(c) ? " " + char.ToLowerInvariant(c) : char.ToLowerInvariant(c).ToString())),
    };
}
