using OpsConsole.Domain.Incidents.Suspects;

namespace OpsConsole.Domain.Incidents.Postmortems;

/// <summary>
/// What a postmortem is drafted from: the incident as it stands, read by whoever drafts (the incident's service), so the
/// drafter stays pure and knows nothing of the store. Durations come already worked out (<c>IncidentDurations</c>).
/// </summary>
public sealed record PostmortemFacts(
    int IncidentNumber,
    string Title,
    string Severity,
    string? Service,
    string? TargetName,
    string? Commander,
    PostmortemTimes Times,
    PostmortemDurations Durations,
    PostmortemImpact? Impact,
    IReadOnlyList<PostmortemTimelineItem> Timeline,
    IReadOnlyList<PostmortemSuspect> Suspects,
    string? FailureSummary);

/// <summary>When the incident began (onset of the failures), was detected, identified, recovered and resolved.</summary>
public sealed record PostmortemTimes(DateTimeOffset Onset, DateTimeOffset Detected, DateTimeOffset? Identified, DateTimeOffset? Recovered,
    DateTimeOffset? Resolved);

public sealed record PostmortemDurations(TimeSpan? ToDetect, TimeSpan? ToIdentify, TimeSpan? ToRecover, TimeSpan? Total);

/// <summary>Checkout impact over the incident window; lost revenue only where amounts exist.</summary>
public sealed record PostmortemImpact(long FailedCheckouts, long Attempts, double FailedShare, decimal? EstimatedLostRevenue, string? Currency);

/// <summary>One timeline entry as it reads: a note's text is its Markdown, shown on one line.</summary>
public sealed record PostmortemTimelineItem(DateTimeOffset At, string Kind, string? Actor, string Text);

/// <summary>A suspect change and what was done with it: marked as the cause, rolled back (when), or neither.</summary>
public sealed record PostmortemSuspect(int ChangeNumber, string Title, string? Parameter, SuspectStrength Strength,
    IReadOnlyList<string> Evidence, bool MarkedCause = false, DateTimeOffset? RolledBackAt = null);

/// <summary>An action item as the draft lists it under corrective and preventive measures.</summary>
public sealed record PostmortemActionLine(string Title, string Owner, DateOnly? Due, ActionItemStatus Status);
