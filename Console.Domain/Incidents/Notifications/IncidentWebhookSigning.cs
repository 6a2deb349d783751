using System.Globalization;
using Microsoft.Extensions.Options;
using OpsConsole.Domain.Rollbacks;

namespace OpsConsole.Domain.Incidents.Notifications;

/// <summary>
/// Signs each try of an incident notice, inside the retry pipeline: every try carries its own timestamp, so a receiver that
/// refuses stale timestamps still accepts a late retry.
/// </summary>
public sealed class IncidentWebhookSigning(IOptions<IncidentWebhookOptions> options, TimeProvider time) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
    {
        var body = request.Content is null ? "" : await request.Content.ReadAsStringAsync(ct);
        var delivery = request.Headers.TryGetValues(RollbackWebhook.DeliveryHeader, out var values) ? values.Single() : "";
        var timestamp = time.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        request.Headers.Remove(RollbackWebhook.TimestampHeader);
        request.Headers.Remove(RollbackWebhook.SignatureHeader);
        request.Headers.Add(RollbackWebhook.TimestampHeader, timestamp);
        request.Headers.Add(RollbackWebhook.SignatureHeader, RollbackWebhook.Sign(options.Value.Secret, timestamp, delivery, body));
        return await base.SendAsync(request, ct);
    }
}
