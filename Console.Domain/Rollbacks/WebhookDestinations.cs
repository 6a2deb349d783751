using System.Net;
using System.Net.Http;
using Microsoft.Extensions.Options;

namespace OpsConsole.Domain.Rollbacks;

/// <summary>
/// Where rollback webhooks may go. A URL's host must be in <c>Rollbacks:WebhookAllowedHosts</c> (checked when a change is
/// registered and again when it is called), and the connection itself only ever reaches a checked address: the name is
/// resolved here, at connect time, and loopback, private, link-local, CGNAT, multicast and unspecified addresses are refused
/// unless the host is listed by its exact name. Checking at connect time rather than before the request is what stops DNS
/// rebinding (a name that resolves to a public address for the check and to 169.254.169.254 for the call).
/// </summary>
public sealed class WebhookDestinations(IOptions<RollbackOptions> options)
{
    public const string NotAllowedMessage = "The webhook's address is not allowed.";

    /// <summary>Null when the URL may be registered as a rollback webhook; otherwise why not, in words for the form.</summary>
    public string? Problem(string url)
    {
        if (!Uri.TryCreate(url.Trim(), UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http") || uri.Host.Length == 0)
            return "The rollback webhook must be an absolute http(s) URL.";
        if (!options.Value.WebhooksEnabled)
            return "Rollback webhooks are off: an Admin lists the hosts they may call in Rollbacks:WebhookAllowedHosts.";
        if (uri.UserInfo.Length > 0)
            return "The rollback webhook URL must not carry a user name or password: the call is signed instead.";
        if (!IsAllowedHost(uri.IdnHost))
            return $"The host {uri.IdnHost} is not among the allowed webhook hosts (Rollbacks:WebhookAllowedHosts).";
        return null;
    }

    public bool IsAllowedHost(string host) => Hosts.IsAllowedHost(host);

    /// <summary>Listed by its exact name (not only matched by a wildcard): the operator vouched for this very host, private address or not.</summary>
    public bool IsListedExactly(string host) => Hosts.IsListedExactly(host);

    /// <summary>The handler's ConnectCallback (see <see cref="WebhookHosts.ConnectAsync"/>).</summary>
    public ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken ct) => Hosts.ConnectAsync(context, ct);

    public static bool IsInternal(IPAddress address) => WebhookHosts.IsInternal(address);

    public static bool IsValidEntry(string? entry) => WebhookHosts.IsValidEntry(entry);

    private WebhookHosts Hosts => new(options.Value.WebhookAllowedHosts);
}

/// <summary>A webhook whose host is not allowed, or resolves only to addresses it may not reach. Never retried.</summary>
public sealed class WebhookAddressRefusedException(string host) : Exception($"The webhook host {host} is not allowed or resolves only to internal addresses.")
{
    public string Host { get; } = host;
}
