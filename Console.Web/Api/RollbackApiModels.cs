using OpsConsole.Domain.Rollbacks;

namespace OpsConsole.Web.Api;

/// <summary>The body of <c>POST /api/v1/changes/{number}/rollback</c>.</summary>
public sealed class RollbackBody
{
    /// <summary>Why the change is rolled back: kept on the run, the change and the audit trail.</summary>
    public string? Reason { get; set; }

    /// <summary>Roll back although the precheck failed (someone changed the value again since the change was applied).</summary>
    public bool? Anyway { get; set; }

    /// <summary>For an external change with manual steps: one true per step, confirming each was done.</summary>
    public List<bool>? ChecklistConfirmed { get; set; }
}

/// <summary>One step of a run as the API shows it: authorize, precheck, execute, verify, record.</summary>
public sealed record RollbackStepView(string Step, bool Succeeded, string Message, int DurationMs);

/// <summary>A rollback run: status is running, succeeded, failed or interrupted.</summary>
public sealed record RollbackRunView(Guid Id, int Change, string Status, string StartedBy, string Reason, bool Anyway, DateTimeOffset StartedAt,
    DateTimeOffset? FinishedAt, string? Error, IReadOnlyList<RollbackStepView> Steps)
{
    public static RollbackRunView Of(RollbackRunRecord record) => new(record.Run.Id, record.ChangeNumber, record.Run.Status.ToString().ToLowerInvariant(),
        record.Run.StartedBy, record.Run.Reason, record.Run.Anyway, record.Run.StartedAt, record.Run.FinishedAt, record.Run.Error,
        record.Run.Steps.Select(s => new RollbackStepView(s.Step.ToString().ToLowerInvariant(), s.Succeeded, s.Message, s.DurationMs)).ToList());
}
