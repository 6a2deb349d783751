using OpsConsole.Domain.Changes;

namespace OpsConsole.Domain.Rollbacks.Actions;

/// <summary>An external change without a webhook is rolled back by hand: the user confirms each of its manual steps as they do them.</summary>
public sealed class ChecklistRollback : IRollbackAction
{
    public bool Handles(ConfigChange change) => change.Kind == ChangeKind.External && change.RollbackWebhookUrl is null;

    public string Describe(ConfigChange change) =>
        "1. Confirm each manual rollback step below as you do it. 2. Mark the change rolled back and audit every step.";

    public IReadOnlyList<string> ManualSteps(ConfigChange change) =>
        (change.RollbackSteps ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    public Task<RollbackCheck> PrecheckAsync(RollbackContext context, CancellationToken ct) =>
        Task.FromResult(RollbackCheck.Ok("The target answers and still has the change's value."));

    // The steps were done by hand and confirmed before the run was claimed: nothing is left to do here but to say so.
    public Task<string> ExecuteAsync(RollbackContext context, CancellationToken ct) =>
        Task.FromResult($"{ManualSteps(context.Change).Count} manual steps confirmed by {context.Actor.Name}.");

    public Task<RollbackVerification> VerifyAsync(RollbackContext context, CancellationToken ct) => Task.FromResult(new RollbackVerification("Done."));
}
