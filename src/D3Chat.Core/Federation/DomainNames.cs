using System.Globalization;

namespace D3Chat.Core.Federation;

/// <summary>Checks of the server-domain strings peers send (host, optionally <c>:port</c>).</summary>
internal static class DomainNames
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

    private static readonly IdnMapping Idna = new() { AllowUnassigned = false, UseStd3AsciiRules = true };

    /// <summary>
    /// The one spelling of a domain that is stored and compared (issue 12 item 8): lower case, IDNA
    /// (punycode) host, no trailing dot, no default port (443, 80). Null when it is not a valid
    /// <c>host[:port]</c> even after that.
    /// </summary>
    public static string? Normalize(string? domain)
    {
        if (string.IsNullOrWhiteSpace(domain) || domain.Length > 255)
        {
            return null;
        }
        var trimmed = domain.Trim();
        var colon = trimmed.LastIndexOf(':');
        var host = (colon < 0 ? trimmed : trimmed[..colon]).TrimEnd('.');
        var port = colon < 0 ? "" : trimmed[(colon + 1)..];
        try
        {
            host = Idna.GetAscii(host.ToLowerInvariant()).ToLowerInvariant();
        }
        catch (ArgumentException)
        {
            return null;
        }
        var normalized = port is "" or "443" or "80" ? host : $"{host}:{port}";
        return IsValid(normalized) ? normalized : null;
    }

    /// <summary>Whether two domain spellings name the same server.</summary>
    public static bool Same(string? a, string? b) => Normalize(a) is { } x && x == Normalize(b);

    /// <summary>The host part of <c>host[:port]</c>.</summary>
    public static string Host(string domain)
    {
        var colon = domain.LastIndexOf(':');
        return colon < 0 ? domain : domain[..colon];
    }
}
