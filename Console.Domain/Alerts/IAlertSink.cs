namespace OpsConsole.Domain.Alerts;

/// <summary>
/// Where alerts go once raised: the incidents feature opens or joins an incident for a page, and records a resolved
/// alert on the incident's timeline. The rule evaluator and the alert endpoints call it; neither knows incidents.
/// </summary>
public interface IAlertSink
{
    /// <summary>Takes a firing or a resolved alert. Returns the incident number it opened or joined, if any.</summary>
    Task<int?> ReceiveAsync(AlertSignal alert, CancellationToken ct);
}
