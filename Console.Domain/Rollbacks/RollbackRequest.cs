namespace OpsConsole.Domain.Rollbacks;

/// <summary>
/// A request to roll a change back. <see cref="Anyway"/> overrides the precheck when someone changed the
/// value again since; <see cref="ChecklistConfirmed"/> confirms each manual step of an external change.
/// </summary>
public sealed record RollbackRequest(Guid ChangeId, string Reason, bool Anyway = false, IReadOnlyList<bool>? ChecklistConfirmed = null);

public sealed record RollbackOutcome(bool Succeeded, string Message, IReadOnlyList<RollbackStepResult> Steps, bool NeedsAnyway = false,
    bool PendingRestart = false);
