using System.Globalization;

namespace D3Chat.Core.Federation;

/// <summary>Checks of the server-domain strings peers send (host, optionally <c>:port</c>).</summary>
public static class DomainNames
{
    /// <summary>
    /// True for <c>host</c> or <c>host:port</c> with a DNS name or IPv4 address, and nothing else, so a
    /// domain taken from a request can never smuggle a path, query or credentials into a URL.
    /// </summary>
    public static bool IsValid(string? domain)
    {
        if (string.IsNullOrEmpty(domain) || domain.Length > 255)
        {
            return false;
        }
        var colon = domain.LastIndexOf(':');
        var host = colon < 0 ? domain : domain[..colon];
        if (colon >= 0 && !(int.TryParse(domain[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is > 0 and <= 65535))
        {
            return false;
        }
        return Uri.CheckHostName(host) is UriHostNameType.Dns or UriHostNameType.IPv4;
    }

    /// <summary>The host part of <c>host[:port]</c>.</summary>
    public static string Host(string domain)
    {
        var colon = domain.LastIndexOf(':');
        return colon < 0 ? domain : domain[..colon];
    }
}
