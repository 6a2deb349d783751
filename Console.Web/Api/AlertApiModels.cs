using OpsConsole.Domain.Alerts;

namespace OpsConsole.Web.Api;

/// <summary>What became of each alert: the incident it opened or joined, when it did.</summary>
public sealed record AlertsReceivedView(int Received, IReadOnlyList<AlertReceiptView> Alerts);

public sealed record AlertReceiptView(string Fingerprint, string Status, int? Incident)
{
    public static AlertReceiptView Of(AlertReceipt receipt) => new(receipt.Fingerprint, receipt.Resolved ? "resolved" : "firing", receipt.Incident);
}

/// <summary>Alertmanager's webhook body, version 4, for the OpenAPI description only (the body is read by <see cref="AlertmanagerParser"/>).</summary>
public sealed class AlertmanagerWebhookBody
{
    public string? Version { get; set; }
    public string? GroupKey { get; set; }
    public int? TruncatedAlerts { get; set; }
    public string? Status { get; set; }
    public string? Receiver { get; set; }
    public Dictionary<string, string>? GroupLabels { get; set; }
    public Dictionary<string, string>? CommonLabels { get; set; }
    public Dictionary<string, string>? CommonAnnotations { get; set; }
    public string? ExternalURL { get; set; }
    public List<AlertmanagerAlert>? Alerts { get; set; }
}

public sealed class AlertmanagerAlert
{
    /// <summary>firing or resolved.</summary>
    public string? Status { get; set; }
    /// <summary>alertname is required; severity, service (or job) and target are read.</summary>
    public Dictionary<string, string>? Labels { get; set; }
    /// <summary>summary (or description) is read.</summary>
    public Dictionary<string, string>? Annotations { get; set; }
    public DateTimeOffset? StartsAt { get; set; }
    /// <summary>0001-01-01T00:00:00Z while firing.</summary>
    public DateTimeOffset? EndsAt { get; set; }
    public string? GeneratorURL { get; set; }
    public string? Fingerprint { get; set; }
}
