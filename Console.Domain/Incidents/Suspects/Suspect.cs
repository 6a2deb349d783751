namespace OpsConsole.Domain.Incidents.Suspects;

/// <summary>How strongly the evidence points at a change: only a Strong suspect is offered as the likely cause.</summary>
public enum SuspectStrength { Weak, Possible, Strong }

/// <summary>A change that may have caused an incident, with its score (0 to 1) and the evidence for it in words.</summary>
public sealed record Suspect(Guid ChangeId, int ChangeNumber, string Title, string? Parameter, double Score, SuspectStrength Strength,
    IReadOnlyList<string> Evidence)
{
    /// <summary>When the change was applied or detected on the target (null only for suspects made before the ranker set it).</summary>
    public DateTimeOffset? TookEffectAt { get; init; }
}

/// <summary>
/// The suspects of an incident, best first, and where the failures are: <see cref="FailureSummary"/> says it in words
/// ("72 % of failures are db_deadlock or db_lock_timeout"; or, when they are not database-class, where they are).
/// </summary>
public sealed record SuspectFindings(IReadOnlyList<Suspect> Suspects, string FailureSummary, bool DatabaseClassFailures);
