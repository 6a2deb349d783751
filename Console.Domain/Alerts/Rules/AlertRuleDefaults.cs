namespace OpsConsole.Domain.Alerts.Rules;

/// <summary>
/// The rules a console starts with when <c>Alerts:Rules</c> configures none: tuned for the demo shop's checkout on the
/// target <c>shop</c> and for a 99.5 % checkout objective. Configuration replaces them as a whole.
/// </summary>
public static class AlertRuleDefaults
{
    private static TimeSpan Min(double minutes) => TimeSpan.FromMinutes(minutes);

    public static readonly IReadOnlyList<(AlertRuleKind Kind, AlertRuleSettings Settings)> Builtin =
    [
        // Pages within a minute of a real failure spike: the 2-minute rate over 5 % held 20 s, three readings in a row at the
        // 10 s default interval (the first up to 10 s after the crossing, the firing one 20 to 30 s after that when the timer
        // slips: 40 s at worst). Keeps the incident open until the rate stays under 2 % for 2 minutes.
        (AlertRuleKind.CheckoutFailureRate, new("Checkout failure rate", AlertLevel.Page, 0.05, 0.02, Min(2), TimeSpan.FromSeconds(20), Min(2),
            MinimumVolume: 30, Service: "checkout", Target: "shop")),
        (AlertRuleKind.SloBurnRate, new("Checkout SLO burn, fast (1 h and 5 min)", AlertLevel.Page, 14.4, 7.2, Min(60), TimeSpan.Zero, Min(5),
            MinimumVolume: 100, ShortWindow: Min(5), Objective: 0.995, Service: "checkout", Target: "shop")),
        (AlertRuleKind.SloBurnRate, new("Checkout SLO burn, slow (6 h and 30 min)", AlertLevel.Page, 6, 3, Min(360), TimeSpan.Zero, Min(15),
            MinimumVolume: 100, ShortWindow: Min(30), Objective: 0.995, Service: "checkout", Target: "shop")),
        (AlertRuleKind.LatencyP95, new("Checkout p95 latency", AlertLevel.Ticket, 2000, 1000, Min(5), Min(2), Min(5),
            MinimumVolume: 30, Service: "checkout", Target: "shop")),
        (AlertRuleKind.LockWait, new("Lock wait longer than 30 s", AlertLevel.Ticket, 30, 5, TimeSpan.Zero, TimeSpan.Zero, Min(1))),
        (AlertRuleKind.DeadlocksPerMinute, new("Deadlocks", AlertLevel.Ticket, 2, 0.5, Min(5), TimeSpan.Zero, Min(5))),
        (AlertRuleKind.DetectedChange, new("Detected change on production", AlertLevel.Ticket, 1, 1, TimeSpan.Zero, TimeSpan.Zero, TimeSpan.Zero)),
    ];
}
