namespace OpsConsole.Domain.Rollbacks;

public enum RollbackRunStatus { Running, Succeeded, Failed, Interrupted }

/// <summary>
/// One run of the rollback procedure for a change. At most one run per change is Running at a time (a
/// partial unique index enforces it across console instances). It records the instance running it: a run left
/// Running by an instance that stopped heartbeating is marked Interrupted by the others (<see cref="RollbackRecovery"/>).
/// </summary>
public sealed class RollbackRun
{
    public Guid Id { get; private set; } = Guid.NewGuid();
    public Guid ChangeId { get; private set; }
    /// <summary>The console instance running the procedure; null for runs from before instances were told apart.</summary>
    public Guid? InstanceId { get; private set; }
    public string StartedBy { get; private set; } = "";
    public string Reason { get; private set; } = "";
    public bool Anyway { get; private set; }
    public RollbackRunStatus Status { get; private set; }
    public DateTimeOffset StartedAt { get; private set; }
    public DateTimeOffset? FinishedAt { get; private set; }
    public string? Error { get; private set; }
    public List<RollbackStepResult> Steps { get; private set; } = [];

    private RollbackRun() { }

    public RollbackRun(Guid changeId, Guid instanceId, string startedBy, string reason, bool anyway, DateTimeOffset now)
    {
        ChangeId = changeId;
        InstanceId = instanceId;
        StartedBy = startedBy;
        Reason = reason;
        Anyway = anyway;
        StartedAt = now;
        Status = RollbackRunStatus.Running;
    }

    public void Finish(bool succeeded, IEnumerable<RollbackStepResult> steps, string? error, DateTimeOffset now)
    {
        Steps = [.. steps];
        Status = succeeded ? RollbackRunStatus.Succeeded : RollbackRunStatus.Failed;
        Error = error;
        FinishedAt = now;
    }

    public void MarkInterrupted(DateTimeOffset now)
    {
        Status = RollbackRunStatus.Interrupted;
        Error = "The console instance running this rollback stopped; check the target and retry.";
        FinishedAt = now;
    }
}

/// <summary>The outcome of one step of the procedure, as shown live and kept in the audit trail.</summary>
public sealed record RollbackStepResult(RollbackStep Step, bool Succeeded, string Message, int DurationMs);

public enum RollbackStep { Authorize, Precheck, Execute, Verify, Record }
