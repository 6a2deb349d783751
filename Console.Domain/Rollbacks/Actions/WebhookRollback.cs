using Microsoft.Extensions.Options;
using OpsConsole.Domain.Changes;

namespace OpsConsole.Domain.Rollbacks.Actions;

/// <summary>An external change with a rollback webhook: one signed POST, retried, that must answer 2xx (<see cref="RollbackWebhook"/>).</summary>
public sealed class WebhookRollback(RollbackWebhook webhook, IOptions<RollbackOptions> options) : IRollbackAction
{
    public bool Handles(ConfigChange change) => change.Kind == ChangeKind.External && change.RollbackWebhookUrl is not null;

    public string Describe(ConfigChange change) =>
        $"1. POST a signed rollback request to the change's webhook, up to {options.Value.WebhookAttempts} tries of {options.Value.WebhookTimeout.TotalSeconds:0.#} s each; " +
        "a 2xx answer is required. 2. Mark the change rolled back and audit every step.";

    // What the receiving system holds is not the console's to read: the webhook itself is the check.
    public Task<RollbackCheck> PrecheckAsync(RollbackContext context, CancellationToken ct) =>
        Task.FromResult(RollbackCheck.Ok("The target answers and still has the change's value."));

    public Task<string> ExecuteAsync(RollbackContext context, CancellationToken ct) =>
        webhook.CallAsync(context.Change, context.Actor, context.Request.Reason, ct);

    public Task<RollbackVerification> VerifyAsync(RollbackContext context, CancellationToken ct) => Task.FromResult(new RollbackVerification("Done."));
}
