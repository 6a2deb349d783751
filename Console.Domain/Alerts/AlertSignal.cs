namespace OpsConsole.Domain.Alerts;

/// <summary>How loud an alert is: a page wakes someone and opens (or joins) an incident; a ticket is only recorded.</summary>
public enum AlertLevel { Page, Ticket }

/// <summary>
/// One alert, whoever raised it: the console's own rules, Prometheus Alertmanager, or a generic sender. The same
/// <see cref="Fingerprint"/> names the same alert from firing to resolved, so a repeat joins what it opened.
/// </summary>
/// <param name="Source">"rule", "alertmanager" or "api".</param>
/// <param name="Fingerprint">Stable per alert and source: a rule's id, Alertmanager's fingerprint, or the sender's key.</param>
/// <param name="Name">What fired, short: "Checkout failure rate", "HighErrorRate".</param>
/// <param name="Service">The affected service ("checkout" for the console's own checkout rules).</param>
/// <param name="Target">The affected monitored target's name, when one is known.</param>
/// <param name="Summary">One sentence in words: what was measured against what threshold.</param>
/// <param name="StartsAt">When the condition began (the onset), not when it was noticed.</param>
/// <param name="EndsAt">Set when the alert resolved.</param>
public sealed record AlertSignal(string Source, string Fingerprint, string Name, AlertLevel Level, string Service, string? Target,
    string Summary, DateTimeOffset StartsAt, DateTimeOffset? EndsAt = null, IReadOnlyDictionary<string, string>? Labels = null)
{
    public bool Resolved => EndsAt is not null;
}
