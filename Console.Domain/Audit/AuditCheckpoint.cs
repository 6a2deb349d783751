namespace OpsConsole.Domain.Audit;

/// <summary>
/// A signed note of the chain head at a moment: "the log held entries 1 to <see cref="Sequence"/>, the last with this
/// hash". Kept in an append-only table and in the log, so that deleting the newest entries (and rewinding the head)
/// leaves a checkpoint pointing past the end, which <see cref="AuditChain.VerifyAsync"/> names.
/// </summary>
public sealed class AuditCheckpoint
{
    public long Id { get; private set; }
    public long Sequence { get; private set; }
    public string Hash { get; private set; } = "";
    public DateTimeOffset At { get; private set; }
    /// <summary>HMAC-SHA256 (hex) of <see cref="AuditCheckpointSigner.Canonical"/> under <c>Audit:CheckpointKey</c>.</summary>
    public string Signature { get; private set; } = "";

    private AuditCheckpoint() { }

    public AuditCheckpoint(long sequence, string hash, DateTimeOffset at, string signature)
    {
        Sequence = sequence;
        Hash = hash;
        At = at;
        Signature = signature;
    }
}
