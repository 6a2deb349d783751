using OpsConsole.Domain.Incidents;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly.Timeout;
using OpsConsole.Domain.Rollbacks;

namespace OpsConsole.Domain.Incidents.Notifications;

/// <summary>How one notice fared, after its retries.</summary>
public enum IncidentWebhookResult
{
    /// <summary>No <c>Incidents:Webhook:Url</c>: nothing was sent.</summary>
    Off,
    Delivered,
    /// <summary>The receiver answered, but not 2xx (a 4xx at once, a 5xx on the last try).</summary>
    Rejected,
    /// <summary>The address is not one the webhook may reach (decisions/0013): nothing was sent, nor retried.</summary>
    NotAllowed,
    /// <summary>No answer: refused, reset or timed out on every try.</summary>
    Unreachable,
}

public sealed record IncidentWebhookOutcome(IncidentWebhookResult Result, int? Status = null);

/// <summary>
/// POSTs one incident notice to <c>Incidents:Webhook:Url</c>, signed like a rollback webhook (the same three headers, see
/// <see cref="RollbackWebhook.Sign"/>) plus <see cref="EventHeader"/>. Retries and the per-try timeout belong to the
/// client's resilience pipeline (<see cref="IncidentNotificationsRegistration"/>); the signature is made per try, by
/// <see cref="IncidentWebhookSigning"/>. Only the status of an answer is read, never its body.
/// </summary>
public sealed class IncidentWebhook(IHttpClientFactory clients, IOptions<IncidentWebhookOptions> options, IOptions<IncidentOptions> links,
    ILogger<IncidentWebhook> logger)
{
    public const string ClientName = nameof(IncidentWebhook);
    public const string EventHeader = "X-OpsConsole-Event";

    public async Task<IncidentWebhookOutcome> SendAsync(IncidentNotice notice, CancellationToken ct)
    {
        if (!options.Value.Enabled)
            return new(IncidentWebhookResult.Off);

        var body = IncidentWebhookMessage.Body(notice, links.Value.LinkTo(notice.Number));
        using var request = new HttpRequestMessage(HttpMethod.Post, options.Value.Url.Trim())
        {
            Content = new StringContent(body, Encoding.UTF8, new MediaTypeHeaderValue("application/json")),
        };
        // One delivery id for all tries: a receiver that already posted this notice can answer 2xx and do nothing.
        request.Headers.Add(RollbackWebhook.DeliveryHeader, Guid.NewGuid().ToString());
        request.Headers.Add(EventHeader, IncidentWebhookMessage.EventName(notice.What));
        try
        {
            using var response = await clients.CreateClient(ClientName).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
            var status = (int)response.StatusCode;
            if (status is >= 200 and < 300)
            {
                logger.LogInformation("Sent the {Event} notice of incident {IncidentNumber}: HTTP {Status}", EventName(notice), notice.Number, status);
                return new(IncidentWebhookResult.Delivered, status);
            }
            logger.LogWarning("The incident webhook refused the {Event} notice of incident {IncidentNumber}: HTTP {Status}", EventName(notice), notice.Number, status);
            return new(IncidentWebhookResult.Rejected, status);
        }
        catch (HttpRequestException e) when (WebhookHosts.IsRefusal(e))
        {
            logger.LogWarning("Refused to connect the incident webhook for incident {IncidentNumber}: {Reason}", notice.Number, e.InnerException?.Message);
            return new(IncidentWebhookResult.NotAllowed);
        }
        catch (Exception e) when (e is HttpRequestException or TimeoutRejectedException)
        {
            logger.LogWarning("The incident webhook could not be reached with the {Event} notice of incident {IncidentNumber}: {Error}",
                EventName(notice), notice.Number, e.Message);
            return new(IncidentWebhookResult.Unreachable);
        }
    }

    private static string EventName(IncidentNotice notice) => IncidentWebhookMessage.EventName(notice.What);
}
