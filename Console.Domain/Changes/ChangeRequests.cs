namespace OpsConsole.Domain.Changes;

/// <summary>A new setting change, as a form or the API sends it.</summary>
public sealed record SettingChangeRequest(Guid TargetId, string Parameter, string Value, ChangeDetails Details, bool SubmitForReview = false);

public sealed record SqlChangeRequest(Guid TargetId, string ForwardScript, string RollbackScript, ChangeDetails Details, bool SubmitForReview = false);

public sealed record ExternalChangeRequest(Guid TargetId, string Description, string RollbackSteps, string? RollbackWebhookUrl,
    ChangeDetails Details, bool SubmitForReview = false);

/// <summary>Filters of the registry list; null means any.</summary>
public sealed record ChangeFilter(
    Guid? TargetId = null,
    ChangeStatus? Status = null,
    ChangeKind? Kind = null,
    string? Author = null,
    ChangeRisk? Risk = null,
    DateTimeOffset? From = null,
    DateTimeOffset? To = null,
    string? Search = null,
    int Skip = 0,
    int Take = 50);

public sealed record ChangeListItem(Guid Id, int Number, string Title, ChangeKind Kind, ChangeStatus Status, ChangeRisk Risk, string TargetName,
    string AuthorName, string? Parameter, string? ValueBefore, string? ValueAfter, string? Unit, bool RequiresRestart, DateTimeOffset CreatedAt,
    DateTimeOffset? AppliedAt, DateTimeOffset? DetectedAt = null, string? RegisteredThroughKey = null)
{
    /// <summary>As <see cref="ConfigChange.RegisteredBy"/>: "alice through API key deploy-pipeline".</summary>
    public string RegisteredBy => ConfigChange.Registrant(AuthorName, RegisteredThroughKey);

    /// <summary>The rule of <see cref="ConfigChange.CanRollBack"/>, for a list row that has no entity behind it.</summary>
    public bool CanRollBack => ConfigChange.IsInEffect(Status, DetectedAt);
}

public sealed record ChangePage(IReadOnlyList<ChangeListItem> Items, int Total);
