namespace OpsConsole.Domain.Audit;

/// <summary>One line of the append-only audit log: who did what to which subject, and how it went.</summary>
public sealed class AuditEntry
{
    public long Id { get; private set; }
    public DateTimeOffset At { get; private set; }
    public string ActorId { get; private set; } = "";
    public string ActorName { get; private set; } = "";
    /// <summary>Dotted verb such as <c>user.created</c> or <c>change.rolled_back</c>.</summary>
    public string Action { get; private set; } = "";
    /// <summary>What was acted on, as <c>kind:id</c> (for example <c>user:alice</c>).</summary>
    public string Subject { get; private set; } = "";
    public AuditOutcome Outcome { get; private set; }
    /// <summary>Details as a JSON object; never secrets.</summary>
    public string Details { get; private set; } = "{}";

    private AuditEntry() { }

    public AuditEntry(DateTimeOffset at, string actorId, string actorName, string action, string subject, AuditOutcome outcome, string details)
    {
        At = at;
        ActorId = actorId;
        ActorName = actorName;
        Action = action;
        Subject = subject;
        Outcome = outcome;
        Details = details;
    }
}

public enum AuditOutcome
{
    Succeeded,
    Refused,
    Failed,
}
