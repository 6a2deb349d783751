using OpsConsole.Domain.Incidents;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace OpsConsole.Domain.Incidents.Notifications;

/// <summary>
/// Sends queued notices one at a time, in order. Each instance sends the notices its own mutations queued, so no store lock
/// is needed. A failure is logged and the next notice goes on: nothing a receiver does stops this loop.
/// </summary>
public sealed class IncidentNotificationSender(IncidentNotifications notifications, IncidentWebhook webhook, IOptions<IncidentWebhookOptions> options,
    IOptions<IncidentOptions> links, ILogger<IncidentNotificationSender> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (options.Value.Enabled && string.IsNullOrWhiteSpace(links.Value.PublicBaseUrl))
            logger.LogWarning("Incident notices carry relative links: set {Setting} to the console's public address", $"{IncidentOptions.Section}:PublicBaseUrl");
        try
        {
            await foreach (var notice in notifications.Reader.ReadAllAsync(stoppingToken))
            {
                try
                {
                    await webhook.SendAsync(notice, stoppingToken);
                }
                catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception e)
                {
                    logger.LogError(e, "Could not send the {What} notice of incident {IncidentNumber}", notice.What, notice.Number);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: notices still queued are not sent (they were hints to people, the incident itself is in the store).
        }
    }
}
