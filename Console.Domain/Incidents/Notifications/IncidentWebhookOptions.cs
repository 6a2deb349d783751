using OpsConsole.Domain.Rollbacks;

namespace OpsConsole.Domain.Incidents.Notifications;

/// <summary>The optional outbound webhook that tells chat or paging tools when an incident opens, changes status or is resolved.</summary>
public sealed class IncidentWebhookOptions : IValidatedOptions
{
    public const string Section = "Incidents:Webhook";
    public const int MinSecretLength = RollbackOptions.MinSecretLength;

    /// <summary>Where notices are POSTed (a Slack incoming webhook works: it reads the <c>text</c> field). Empty: no webhook.</summary>
    public string Url { get; set; } = "";

    /// <summary>Secret for the HMAC-SHA256 signature of each call (header X-OpsConsole-Signature, as for rollback webhooks).</summary>
    public string Secret { get; set; } = "";

    /// <summary>How long one try may take before it counts as unanswered (and is retried).</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Hosts the webhook may call, as for rollback webhooks: the Url's host must be among them; only a host listed by its exact
    /// name may resolve to a loopback, private or link-local address.
    /// </summary>
    public List<string> AllowedHosts { get; set; } = [];

    /// <summary>Tries per notice, counting the first, on a 5xx answer, no answer or a timeout; a 4xx is never retried.</summary>
    public int Attempts { get; set; } = 4;

    /// <summary>The wait before the first retry; it doubles for each further one.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    public bool Enabled => !string.IsNullOrWhiteSpace(Url);

    public string? Problem()
    {
        if (Attempts is < 1 or > 10)
            return $"{Section}:Attempts is 1 to 10.";
        if (Timeout <= TimeSpan.Zero || Timeout > TimeSpan.FromMinutes(5))
            return $"{Section}:Timeout is more than zero and at most 5 minutes.";
        if (RetryDelay <= TimeSpan.Zero || RetryDelay > TimeSpan.FromMinutes(1))
            return $"{Section}:RetryDelay is more than zero and at most 1 minute.";
        if (AllowedHosts.FirstOrDefault(h => !WebhookHosts.IsValidEntry(h)) is { } bad)
            return $"{Section}:AllowedHosts has '{bad}', which is neither a host name, an address, '*.domain' nor '*'.";
        if (!Enabled)
            return null;
        if (!Uri.TryCreate(Url.Trim(), UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http") || uri.Host.Length == 0)
            return $"{Section}:Url must be an absolute http(s) URL.";
        if (uri.UserInfo.Length > 0)
            return $"{Section}:Url must not carry a user name or password: the call is signed instead.";
        if (!new WebhookHosts(AllowedHosts).IsAllowedHost(uri.IdnHost))
            return $"{Section}:AllowedHosts does not allow the host of {Section}:Url ({uri.IdnHost}): list it (by its exact name if it is on a private network).";
        if ((Secret ?? "").Length < MinSecretLength)
            return $"{Section}:Secret must be at least {MinSecretLength} characters when {Section}:Url is set: it signs every notice, " +
                   "and receivers trust what it signs. Generate one, e.g. `openssl rand -base64 48`.";
        return null;
    }
}
