namespace OpsConsole.Domain.Audit;

/// <summary>
/// One line of the append-only audit log: who did what to which subject, and how it went. The store
/// fills <see cref="Sequence"/>, <see cref="PreviousHash"/> and <see cref="Hash"/> on insert (a trigger
/// that serializes writers on the chain head), so every entry is chained to the one before it.
/// </summary>
public sealed class AuditEntry
{
    public long Id { get; private set; }
    /// <summary>Position in the hash chain (commit order), gap-free from 1.</summary>
    public long Sequence { get; private set; }
    public string PreviousHash { get; private set; } = "";
    /// <summary>SHA-256 (hex) over the previous hash and this entry's canonical content: see <see cref="AuditChain"/>.</summary>
    public string Hash { get; private set; } = "";
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
    /// <summary>
    /// An action about to be taken on a target, committed before it is taken (<see cref="AuditIntents"/>). Its outcome
    /// follows in an entry whose details name it (<c>"intent": id</c>); an intent without one is "outcome unknown".
    /// </summary>
    Intended,
}
