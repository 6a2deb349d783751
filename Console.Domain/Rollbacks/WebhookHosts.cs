using System.Net;
using System.Net.Http;
using System.Net.Sockets;

namespace OpsConsole.Domain.Rollbacks;

/// <summary>
/// The hosts a kind of webhook may reach, and the connect-time check that enforces them (decisions/0013). Entries are exact
/// names or addresses, <c>*.domain</c> for subdomains, or <c>*</c> for any host; loopback, private, link-local, CGNAT,
/// multicast and unspecified addresses are reached only by a host listed by its exact name. Rollback webhooks
/// (<c>Rollbacks:WebhookAllowedHosts</c>) and incident notifications (<c>Incidents:Webhook:AllowedHosts</c>) each have a list.
/// </summary>
public sealed class WebhookHosts(IEnumerable<string> allowedHosts)
{
    private readonly string[] entries = [.. allowedHosts.Where(h => !string.IsNullOrWhiteSpace(h)).Select(Normalize)];

    public bool IsEmpty => entries.Length == 0;

    public bool IsAllowedHost(string host)
    {
        host = Normalize(host);
        return host.Length > 0 && entries.Any(entry => entry == "*" || entry == host || (entry.StartsWith("*.", StringComparison.Ordinal) && host.EndsWith(entry[1..], StringComparison.Ordinal)));
    }

    /// <summary>Listed by its exact name (not only matched by a wildcard): the operator vouched for this very host, private address or not.</summary>
    public bool IsListedExactly(string host) => entries.Contains(Normalize(host));

    /// <summary>
    /// The handler's ConnectCallback: resolves the host and connects only to addresses it may reach, so what was checked is
    /// what is connected to. Throws <see cref="WebhookAddressRefusedException"/> when no address may be reached.
    /// </summary>
    public async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken ct)
    {
        var host = context.DnsEndPoint.Host;
        if (!IsAllowedHost(host))
            throw new WebhookAddressRefusedException(host);
        var addresses = IPAddress.TryParse(Normalize(host), out var literal) ? [literal] : await Dns.GetHostAddressesAsync(host, ct);
        var exact = IsListedExactly(host);
        var reachable = addresses.Where(a => exact || !IsInternal(a)).ToList();
        if (reachable.Count == 0)
            throw new WebhookAddressRefusedException(host);

        SocketException? last = null;
        foreach (var address in reachable)
        {
            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(new IPEndPoint(address, context.DnsEndPoint.Port), ct);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch (SocketException e)
            {
                socket.Dispose();
                last = e;
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }
        throw last!;
    }

    /// <summary>True when <paramref name="e"/> (an HttpClient failure) came from this check refusing the address: never worth a retry.</summary>
    public static bool IsRefusal(Exception e)
    {
        for (var inner = e; inner is not null; inner = inner.InnerException)
            if (inner is WebhookAddressRefusedException)
                return true;
        return false;
    }

    /// <summary>Addresses inside a network rather than on the internet: loopback, RFC 1918, CGNAT, link-local, unique-local, multicast, unspecified, reserved.</summary>
    public static bool IsInternal(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
            address = address.MapToIPv4();
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            var b = address.GetAddressBytes();
            return b[0] switch
            {
                0 or 10 or 127 => true,                   // "this network" (0.0.0.0 included), private, loopback
                100 => b[1] is >= 64 and <= 127,          // 100.64.0.0/10, carrier-grade NAT
                169 => b[1] == 254,                       // link-local, cloud metadata (169.254.169.254)
                172 => b[1] is >= 16 and <= 31,           // private
                192 => b[1] == 168 || (b[1] == 0 && b[2] == 0), // private; IETF protocol assignments
                198 => b[1] is 18 or 19,                  // benchmarking
                >= 224 => true,                           // multicast, reserved, broadcast
                _ => false,
            };
        }
        if (address.AddressFamily != AddressFamily.InterNetworkV6)
            return true;
        if (IPAddress.IPv6Loopback.Equals(address) || IPAddress.IPv6Any.Equals(address))
            return true;
        var v6 = address.GetAddressBytes();
        if ((v6[0] & 0xfe) == 0xfc) return true;                       // fc00::/7 unique-local
        if (v6[0] == 0xfe && (v6[1] & 0xc0) is 0x80 or 0xc0) return true; // fe80::/10 link-local, fec0::/10 site-local
        if (v6[0] == 0xff) return true;                                 // multicast
        // NAT64 (64:ff9b::/96) and IPv4-compatible (::/96) addresses carry an IPv4 address: judge that one.
        if ((v6[0] == 0 && v6[1] == 0x64 && v6[2] == 0xff && v6[3] == 0x9b && v6[4..12].All(x => x == 0)) || v6[..12].All(x => x == 0))
            return IsInternal(new IPAddress(v6[12..]));
        return false;
    }

    public static bool IsValidEntry(string? entry)
    {
        var text = Normalize(entry ?? "");
        if (text == "*") return true;
        if (text.StartsWith("*.", StringComparison.Ordinal)) text = text[2..];
        return text.Length > 0 && (IPAddress.TryParse(text, out _) || Uri.CheckHostName(text) == UriHostNameType.Dns);
    }

    private static string Normalize(string host) => host.Trim().TrimStart('[').TrimEnd(']').TrimEnd('.').ToLowerInvariant();
}
