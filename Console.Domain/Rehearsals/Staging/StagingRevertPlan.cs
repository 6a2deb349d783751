namespace OpsConsole.Domain.Rehearsals.Staging;

/// <summary>
/// How to put a staging cluster back after a rehearsal, stored before the rehearsal changes anything on it. A plan not
/// reverted yet is a cluster that may still hold a rehearsal's change: if the console instance running the rehearsal
/// stops, another (or the next start) restores it (<see cref="StagingRevertOnStart"/>).
/// </summary>
public sealed class StagingRevertPlan
{
    public Guid Id { get; private set; } = Guid.NewGuid();
    public Guid TargetId { get; private set; }
    /// <summary>The rehearsal the plan belongs to (its id in the rehearsals' own records).</summary>
    public Guid RehearsalId { get; private set; }
    /// <summary>The console instance running the rehearsal: while it heartbeats, nobody else reverts its plan.</summary>
    public Guid InstanceId { get; private set; }
    /// <summary>The <see cref="SettingsSnapshot"/>, as JSON.</summary>
    public string Snapshot { get; private set; } = "";
    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset? RevertedAt { get; private set; }
    /// <summary>Who reverted it ("the rehearsal", "a later start") and what the restore found (<see cref="RestoreResult.Summary"/>).</summary>
    public string? Outcome { get; private set; }
    /// <summary>The last failed attempt to revert, for a DBA reading the store while the target does not answer.</summary>
    public string? LastError { get; private set; }

    private StagingRevertPlan() { }

    public StagingRevertPlan(Guid targetId, Guid rehearsalId, Guid instanceId, SettingsSnapshot snapshot, DateTimeOffset now)
    {
        TargetId = targetId;
        RehearsalId = rehearsalId;
        InstanceId = instanceId;
        Snapshot = snapshot.ToJson();
        CreatedAt = now;
    }

    public bool IsReverted => RevertedAt is not null;

    public SettingsSnapshot ReadSnapshot() => SettingsSnapshot.FromJson(Snapshot);

    /// <summary>Whether the restore brought all of pg_settings back (<see cref="RestoreResult.Exact"/>); null while open.</summary>
    public bool? Exact { get; private set; }

    public void MarkReverted(DateTimeOffset now, string outcome, bool exact)
    {
        if (RevertedAt is not null)
            throw new DomainRuleException("This rehearsal's staging settings were reverted already.");
        RevertedAt = now;
        Outcome = outcome.Length > 4000 ? outcome[..4000] : outcome;
        LastError = null;
        Exact = exact;
    }

    public void RecordFailure(string error) => LastError = error.Length > 2000 ? error[..2000] : error;
}
