namespace OpsConsole.Domain.Rollbacks;

public sealed class RollbackOptions : IValidatedOptions
{
    public const string Section = "Rollbacks";
    public const int MinSecretLength = 32;

    /// <summary>
    /// Hosts that rollback webhooks may call: exact names or addresses (<c>deploy.example.com</c>, <c>10.0.4.7</c>), <c>*.example.com</c>
    /// for any subdomain, or <c>*</c> for any host. Empty: webhooks are off. Only a host listed by its exact name may resolve to a
    /// loopback, private or link-local address; a wildcard never reaches those.
    /// </summary>
    public List<string> WebhookAllowedHosts { get; set; } = [];

    /// <summary>Secret for the HMAC-SHA256 signature of rollback webhook calls (header X-OpsConsole-Signature).</summary>
    public string WebhookSecret { get; set; } = "";

    /// <summary>Tries per webhook call; the wait doubles from 200 ms between them.</summary>
    public int WebhookAttempts { get; set; } = 3;

    /// <summary>How long one try of a webhook call may take before it counts as unanswered.</summary>
    public TimeSpan WebhookTimeout { get; set; } = TimeSpan.FromSeconds(10);

    public bool WebhooksEnabled => WebhookAllowedHosts.Any(h => !string.IsNullOrWhiteSpace(h));

    /// <summary>The first problem with the webhook settings, or null when they are usable.</summary>
    public string? Problem()
    {
        if (WebhookAttempts is < 1 or > 10)
            return "Rollbacks:WebhookAttempts is 1 to 10.";
        if (WebhookTimeout <= TimeSpan.Zero || WebhookTimeout > TimeSpan.FromMinutes(5))
            return "Rollbacks:WebhookTimeout is more than zero and at most 5 minutes.";
        if (WebhooksEnabled && (WebhookSecret ?? "").Length < MinSecretLength)
            return $"Rollbacks:WebhookSecret must be at least {MinSecretLength} characters when Rollbacks:WebhookAllowedHosts is set: " +
                   "it signs every webhook call, and receivers trust what it signs. Generate one, e.g. `openssl rand -base64 48`.";
        if (WebhookAllowedHosts.FirstOrDefault(h => !WebhookDestinations.IsValidEntry(h)) is { } bad)
            return $"Rollbacks:WebhookAllowedHosts has '{bad}', which is neither a host name, an address, '*.domain' nor '*'.";
        return null;
    }
}
