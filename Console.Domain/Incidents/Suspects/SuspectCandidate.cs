using OpsConsole.Domain.Changes;

namespace OpsConsole.Domain.Incidents.Suspects;

/// <summary>
/// What the ranking needs to know of a change: where and when it took effect, what it touched, and whether anyone
/// reviewed it before it took effect. <paramref name="Text"/> is what keywords are matched in: the script of a SQL
/// change, the description of an external one.
/// </summary>
public sealed record SuspectCandidate(
    Guid ChangeId,
    int Number,
    string Title,
    Guid TargetId,
    ChangeKind Kind,
    ChangeStatus Status,
    string? Parameter,
    string? Text,
    DateTimeOffset TookEffectAt,
    bool DetectedByDrift,
    IReadOnlyList<string> ApprovedBeforeEffectBy,
    DateTimeOffset? RolledBackAt = null)
{
    public bool ReviewedBeforeEffect => ApprovedBeforeEffectBy.Count > 0;

    /// <summary>The candidate for a change that took effect (applied or detected); null for one that never did.</summary>
    public static SuspectCandidate? Of(ConfigChange change)
    {
        if ((change.AppliedAt ?? change.DetectedAt) is not { } tookEffect)
            return null;
        var text = change.Kind switch
        {
            ChangeKind.Sql => change.ForwardScript,
            ChangeKind.External => $"{change.Title}\n{change.Description}",
            _ => null,
        };
        // An approval given after a detected change took effect acknowledges it: it was not a review of what went live.
        var approvers = change.Reviews.Where(r => r.Verdict == ReviewVerdict.Approved && r.At <= tookEffect)
            .Select(r => r.ReviewerName).Distinct().ToList();
        return new SuspectCandidate(change.Id, change.Number, change.Title, change.TargetId, change.Kind, change.Status, change.Parameter, text,
            tookEffect, change.DetectedAt is not null, approvers, change.RolledBackAt);
    }
}
