using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;
using OpsConsole.Domain.Access;
using OpsConsole.Domain.Changes;

namespace OpsConsole.Domain.Rollbacks;

/// <summary>Calls an external change's rollback webhook: a signed JSON POST, retried with back-off, 2xx required.</summary>
public sealed class RollbackWebhook(IHttpClientFactory clients, IOptions<RollbackOptions> options, TimeProvider time)
{
    public const string SignatureHeader = "X-OpsConsole-Signature";

    public async Task<string> CallAsync(ConfigChange change, Actor actor, string reason, CancellationToken ct)
    {
        var body = JsonSerializer.Serialize(new
        {
            change = change.Number,
            title = change.Title,
            reason,
            requestedBy = actor.Name,
            requestedAt = time.GetUtcNow(),
        }, JsonSerializerOptions.Web);
        var signature = "sha256=" + Convert.ToHexString(HMACSHA256.HashData(Encoding.UTF8.GetBytes(options.Value.WebhookSecret), Encoding.UTF8.GetBytes(body))).ToLowerInvariant();
        var client = clients.CreateClient(nameof(RollbackWebhook));
        var attempts = Math.Max(1, options.Value.WebhookAttempts);
        string last = "";
        for (var attempt = 1; attempt <= attempts; attempt++)
        {
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, change.RollbackWebhookUrl)
                {
                    Content = new StringContent(body, Encoding.UTF8, new MediaTypeHeaderValue("application/json")),
                };
                request.Headers.Add(SignatureHeader, signature);
                using var response = await client.SendAsync(request, ct);
                if (response.IsSuccessStatusCode)
                    return $"The rollback webhook answered {(int)response.StatusCode} (try {attempt} of {attempts}).";
                last = $"answered {(int)response.StatusCode}";
            }
            catch (HttpRequestException e)
            {
                last = e.Message;
            }
            if (attempt < attempts)
                await Task.Delay(TimeSpan.FromMilliseconds(200 * (1 << (attempt - 1))), time, ct);
        }
        throw new RollbackWebhookException($"The rollback webhook failed {attempts} times; last: {last}.");
    }
}

public sealed class RollbackWebhookException(string message) : Exception(message);
