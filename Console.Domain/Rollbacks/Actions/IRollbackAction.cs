using OpsConsole.Domain.Access;
using OpsConsole.Domain.Changes;
using OpsConsole.Domain.Targets;

namespace OpsConsole.Domain.Rollbacks.Actions;

/// <summary>
/// How one kind of change is rolled back: what it will do (in words), whether the target still has what the change
/// set, the rollback itself and its verification. <see cref="RollbackProcedure"/> picks the one action that
/// <see cref="Handles"/> a change and wraps it in authorization, the claim, the intent and the record. A new kind of
/// rollback is one class implementing this and one line in <see cref="RollbackActionRegistrations"/>.
/// </summary>
public interface IRollbackAction
{
    /// <summary>Whether this action rolls back <paramref name="change"/>; exactly one registered action answers yes.</summary>
    bool Handles(ConfigChange change);

    /// <summary>What the button does, in words an on-call engineer reads at 3 a.m.</summary>
    string Describe(ConfigChange change);

    /// <summary>Steps the user confirms one by one before the rollback may start; empty for most kinds.</summary>
    IReadOnlyList<string> ManualSteps(ConfigChange change) => [];

    /// <summary>Whether the target still has what the change set; throws when the target cannot be asked.</summary>
    Task<RollbackCheck> PrecheckAsync(RollbackContext context, CancellationToken ct);

    /// <summary>Rolls the change back; returns what was done, for the step's line and the audit trail.</summary>
    Task<string> ExecuteAsync(RollbackContext context, CancellationToken ct);

    Task<RollbackVerification> VerifyAsync(RollbackContext context, CancellationToken ct);
}

/// <summary>One rollback in progress, as the action sees it.</summary>
public sealed record RollbackContext(ConfigChange Change, Target Target, Actor Actor, RollbackRequest Request);

/// <summary>
/// The precheck's answer. When the target no longer has the change's value, <see cref="Message"/> says so and how to go on;
/// <see cref="AnywayMessage"/> is the step's line when the user rolls back anyway.
/// </summary>
public sealed record RollbackCheck(bool Holds, string Message, string? AnywayMessage = null)
{
    public static RollbackCheck Ok(string message) => new(true, message);
}

public sealed record RollbackVerification(string Message, bool PendingRestart = false);
