using Microsoft.Extensions.Logging;

namespace OpsConsole.Domain.Alerts;

/// <summary>A stand-in sink until the incidents feature takes alerts: it logs each one, so nothing is lost silently.</summary>
public sealed class UnhandledAlerts(ILogger<UnhandledAlerts> logger) : IAlertSink
{
    public Task<int?> ReceiveAsync(AlertSignal alert, CancellationToken ct)
    {
        logger.LogWarning("Alert {Name} ({Source}, {Fingerprint}) {State}: no incident feature takes alerts yet", alert.Name, alert.Source,
            alert.Fingerprint, alert.Resolved ? "resolved" : "firing");
        return Task.FromResult<int?>(null);
    }
}
