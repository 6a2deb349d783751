namespace OpsConsole.Domain.Alerts.Rules;

/// <summary>
/// What a rule measures, and so the unit of its thresholds: a failure rate is a fraction of attempts (0.05 = 5 %), a burn
/// rate a multiple of the error budget's pace (14.4 = 14.4×), latency milliseconds, a lock wait seconds, deadlocks per
/// minute, and Detected changes a count.
/// </summary>
public enum AlertRuleKind
{
    CheckoutFailureRate,
    SloBurnRate,
    LatencyP95,
    LockWait,
    DeadlocksPerMinute,
    DetectedChange,
}

public static class AlertRuleKinds
{
    /// <summary>Kinds that read checkout figures over <c>Window</c> and honour <c>MinimumVolume</c>.</summary>
    public static bool ReadsCheckout(this AlertRuleKind kind) =>
        kind is AlertRuleKind.CheckoutFailureRate or AlertRuleKind.SloBurnRate or AlertRuleKind.LatencyP95;

    /// <summary>Kinds whose reading is taken over a window (the lock wait and Detected changes are read as they are now).</summary>
    public static bool HasWindow(this AlertRuleKind kind) => kind is not (AlertRuleKind.LockWait or AlertRuleKind.DetectedChange);

    public static string Describe(this AlertRuleKind kind) => kind switch
    {
        AlertRuleKind.CheckoutFailureRate => "Checkout failure rate",
        AlertRuleKind.SloBurnRate => "SLO burn rate",
        AlertRuleKind.LatencyP95 => "p95 latency",
        AlertRuleKind.LockWait => "Lock wait",
        AlertRuleKind.DeadlocksPerMinute => "Deadlocks per minute",
        AlertRuleKind.DetectedChange => "Detected change on production",
        _ => kind.ToString(),
    };

    /// <summary>The unit of the thresholds, as a form labels them.</summary>
    public static string ThresholdUnit(this AlertRuleKind kind) => kind switch
    {
        AlertRuleKind.CheckoutFailureRate => "fraction of attempts (0.05 = 5 %)",
        AlertRuleKind.SloBurnRate => "× the budget's pace",
        AlertRuleKind.LatencyP95 => "ms",
        AlertRuleKind.LockWait => "seconds",
        AlertRuleKind.DeadlocksPerMinute => "deadlocks per minute",
        AlertRuleKind.DetectedChange => "changes",
        _ => "",
    };

    /// <summary>The service an alert names when the rule names none.</summary>
    public static string DefaultService(this AlertRuleKind kind) => kind.ReadsCheckout() ? "checkout" : "database";
}
