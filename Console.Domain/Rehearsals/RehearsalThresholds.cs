namespace OpsConsole.Domain.Rehearsals;

/// <summary>
/// How much worse than the baseline a run with the change may be and still pass: the failure rate by at most
/// <see cref="FailureRatePoints"/> percentage points, deadlocks up to baseline × <see cref="DeadlockFactor"/> +
/// <see cref="DeadlockAllowance"/>, and p95 latency up to baseline × <see cref="P95Factor"/>.
/// </summary>
public sealed record RehearsalThresholds(double FailureRatePoints, double DeadlockFactor, double DeadlockAllowance, double P95Factor)
{
    /// <summary>The example: failure rate + 2 points, deadlocks × 1.5 + 1, p95 × 1.2.</summary>
    public static readonly RehearsalThresholds Default = new(2, 1.5, 1, 1.2);
}
