namespace OpsConsole.Domain.Incidents.Notifications;

/// <summary>What happened to an incident, as far as the people outside the console need to know.</summary>
public enum IncidentHappening
{
    Opened,
    StatusChanged,
    Resolved,
}

/// <summary>
/// One thing to tell the outside about an incident, built by the incidents service after its transaction commits. Severity
/// and status are the incident's own words (<c>SEV1</c>, <c>Identified</c>); <paramref name="PreviousStatus"/> is set on a
/// status change.
/// </summary>
public sealed record IncidentNotice(
    Guid IncidentId,
    int Number,
    string Title,
    string Severity,
    string Status,
    string? Service,
    string? Target,
    IncidentHappening What,
    DateTimeOffset At,
    string? PreviousStatus = null);
