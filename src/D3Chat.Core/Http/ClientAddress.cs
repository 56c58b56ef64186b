using System.Net;
using System.Net.Sockets;
using D3Chat.Core.RateLimiting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace D3Chat.Core.Http;

/// <summary>
/// The client IP of a request, for rate limiting and audit rows. <c>X-Forwarded-For</c> is read
/// only when the peer is a configured trusted proxy, and then from the right: the first address
/// that is not itself a trusted proxy is the client (entries further left are client-supplied
/// and could be forged).
/// </summary>
public sealed class ClientAddress
{
    private readonly IPNetwork[] _trusted;

    public ClientAddress(IOptions<RateLimitOptions> options)
    {
        _trusted = [.. RateLimitOptions.Entries(options.Value.TrustedProxies).Select(ToNetwork)];
    }

    /// <summary>The client address as text (IPv4-mapped IPv6 shown as IPv4); "unknown" when the host gives none.</summary>
    public string Of(HttpRequest request)
    {
        var peer = request.HttpContext.Connection.RemoteIpAddress;
        if (peer is null)
        {
            return "unknown";
        }
        peer = Normalize(peer);
        if (!IsTrusted(peer))
        {
            return peer.ToString();
        }
        var hops = request.Headers["X-Forwarded-For"].ToString()
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        for (var i = hops.Length - 1; i >= 0; i--)
        {
            if (!IPAddress.TryParse(hops[i], out var hop))
            {
                // A garbled entry ends the trusted chain: use the last address we could trust.
                break;
            }
            hop = Normalize(hop);
            if (!IsTrusted(hop))
            {
                return hop.ToString();
            }
            peer = hop;
        }
        return peer.ToString();
    }

    private bool IsTrusted(IPAddress address) => _trusted.Any(n => n.Contains(address));

    private static IPAddress Normalize(IPAddress address) => address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;

    private static IPNetwork ToNetwork(string entry)
    {
        if (IPNetwork.TryParse(entry, out var network))
        {
            return network;
        }
        var address = Normalize(IPAddress.Parse(entry));
        return new IPNetwork(address, address.AddressFamily == AddressFamily.InterNetwork ? 32 : 128);
    }
}
