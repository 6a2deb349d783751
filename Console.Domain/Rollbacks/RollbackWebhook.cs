using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpsConsole.Domain.Access;
using OpsConsole.Domain.Changes;

namespace OpsConsole.Domain.Rollbacks;

/// <summary>
/// Calls an external change's rollback webhook: a signed JSON POST, retried with back-off, 2xx required. The signature covers
/// a timestamp and a delivery id as well as the body, so a receiver can refuse a replayed call. What the receiver answered is
/// never shown or audited (only its status): a webhook must not become a way to read an internal page through the console.
/// </summary>
public sealed class RollbackWebhook(IHttpClientFactory clients, WebhookDestinations destinations, IOptions<RollbackOptions> options,
    TimeProvider time, ILogger<RollbackWebhook> logger)
{
    public const string SignatureHeader = "X-OpsConsole-Signature";
    public const string TimestampHeader = "X-OpsConsole-Timestamp";
    public const string DeliveryHeader = "X-OpsConsole-Delivery";

    public async Task<string> CallAsync(ConfigChange change, Actor actor, string reason, CancellationToken ct)
    {
        var url = change.RollbackWebhookUrl ?? throw new InvalidOperationException($"Change #{change.Number} has no rollback webhook.");
        if (destinations.Problem(url) is { } problem)
        {
            logger.LogWarning("Refused the rollback webhook of change {ChangeNumber}: {Problem}", change.Number, problem);
            throw new RollbackWebhookException(WebhookDestinations.NotAllowedMessage);
        }

        var body = JsonSerializer.Serialize(new
        {
            change = change.Number,
            title = change.Title,
            reason,
            requestedBy = actor.Name,
            requestedAt = time.GetUtcNow(),
        }, JsonSerializerOptions.Web);
        // One delivery, however many tries: a receiver that already acted on this id can answer 2xx and do nothing.
        var delivery = Guid.NewGuid().ToString();
        var client = clients.CreateClient(nameof(RollbackWebhook));
        var attempts = Math.Max(1, options.Value.WebhookAttempts);
        var last = "";
        for (var attempt = 1; attempt <= attempts; attempt++)
        {
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, url)
                {
                    Content = new StringContent(body, Encoding.UTF8, new MediaTypeHeaderValue("application/json")),
                };
                var timestamp = time.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
                request.Headers.Add(TimestampHeader, timestamp);
                request.Headers.Add(DeliveryHeader, delivery);
                request.Headers.Add(SignatureHeader, Sign(options.Value.WebhookSecret, timestamp, delivery, body));
                // Headers only: the body of the answer is never read.
                using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
                var status = (int)response.StatusCode;
                if (status is >= 200 and < 300)
                    return $"The rollback webhook answered {status} (try {attempt} of {attempts}).";
                // 3xx included: redirects are not followed, a webhook must answer where it was registered.
                last = $"The webhook did not accept the rollback: HTTP {status}";
                logger.LogWarning("The rollback webhook of change {ChangeNumber} answered {Status} (try {Attempt} of {Attempts})",
                    change.Number, status, attempt, attempts);
            }
            catch (HttpRequestException e) when (IsRefusedAddress(e))
            {
                logger.LogWarning("Refused to connect the rollback webhook of change {ChangeNumber}: {Reason}", change.Number, e.InnerException?.Message);
                throw new RollbackWebhookException(WebhookDestinations.NotAllowedMessage);
            }
            catch (HttpRequestException e)
            {
                last = "The webhook could not be reached";
                logger.LogWarning("The rollback webhook of change {ChangeNumber} could not be reached (try {Attempt} of {Attempts}): {Error}",
                    change.Number, attempt, attempts, e.Message);
            }
            catch (TaskCanceledException) when (!ct.IsCancellationRequested)
            {
                last = "The webhook did not answer in time";
                logger.LogWarning("The rollback webhook of change {ChangeNumber} timed out (try {Attempt} of {Attempts})", change.Number, attempt, attempts);
            }
            if (attempt < attempts)
                await Task.Delay(TimeSpan.FromMilliseconds(200 * (1 << (attempt - 1))), time, ct);
        }
        throw new RollbackWebhookException($"{last} ({attempts} tries).");
    }

    /// <summary><c>sha256=</c> and the hex HMAC-SHA256 of <c>timestamp.delivery.body</c> under the shared secret.</summary>
    public static string Sign(string secret, string timestamp, string delivery, string body) =>
        "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{timestamp}.{delivery}.{body}")));

    private static bool IsRefusedAddress(Exception e)
    {
        for (var inner = e.InnerException; inner is not null; inner = inner.InnerException)
            if (inner is WebhookAddressRefusedException)
                return true;
        return false;
    }
}

public sealed class RollbackWebhookException(string message) : Exception(message);
