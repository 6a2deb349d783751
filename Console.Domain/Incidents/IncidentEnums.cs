namespace OpsConsole.Domain.Incidents;

/// <summary>How bad it is: SEV1 is the worst (checkout down for everyone), SEV4 a nuisance.</summary>
public enum IncidentSeverity { Sev1 = 1, Sev2 = 2, Sev3 = 3, Sev4 = 4 }

/// <summary>Where the response stands. Rules for moving between them live on <see cref="Incident.MoveTo"/>.</summary>
public enum IncidentStatus { Investigating, Identified, Monitoring, Resolved }

/// <summary>What a timeline entry records.</summary>
public enum TimelineKind
{
    Opened,
    AlertFired,
    AlertResolved,
    TicketAlert,
    FirstFailure,
    SuspectsFound,
    SuspectsReranked,
    StatusChanged,
    SeverityChanged,
    CommanderChanged,
    Note,
    NoteEdited,
    NoteDeleted,
    CauseMarked,
    RollbackStarted,
    RollbackFinished,
    RollbackFailed,
    LockWait,
    Deadlocks,
    HealthRecovered,
    HealthDegraded,
    ResolveProposed,
}

public static class IncidentText
{
    public static string Of(IncidentSeverity severity) => $"SEV{(int)severity}";

    public static string Of(IncidentStatus status) => status.ToString().ToLowerInvariant();

    /// <summary>"SEV1" to "SEV4" (any case), or "1" to "4"; null for anything else.</summary>
    public static IncidentSeverity? ParseSeverity(string? text)
    {
        var t = text?.Trim().ToUpperInvariant();
        if (t is null) return null;
        if (t.StartsWith("SEV")) t = t[3..];
        return int.TryParse(t, out var n) && n is >= 1 and <= 4 ? (IncidentSeverity)n : null;
    }
}
