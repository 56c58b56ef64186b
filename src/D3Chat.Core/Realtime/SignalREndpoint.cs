using System.Text;

namespace D3Chat.Core.Realtime;

/// <summary>
/// A parsed SignalR Service connection string: the service endpoint (without trailing slash) and
/// either the access key that signs every server and client token, or (<c>AuthType=azure.msi</c>)
/// the managed identity whose Microsoft Entra tokens authorize the calls instead.
/// </summary>
public sealed record SignalREndpoint(Uri Endpoint, string? AccessKey, string? ClientId = null)
{
    /// <summary>The connection-string value of <c>AuthType</c> that selects a managed identity.</summary>
    public const string ManagedIdentityAuthType = "azure.msi";

    /// <summary>True when calls are authorized with Microsoft Entra ID (no access key; local auth can be off).</summary>
    public bool UsesIdentity => AccessKey is null;

    /// <summary>The key bytes exactly as the service uses them: the UTF-8 of the AccessKey text.</summary>
    public byte[] KeyBytes => Encoding.UTF8.GetBytes(AccessKey ?? throw new InvalidOperationException("This SignalR endpoint uses Microsoft Entra ID, not an access key."));

    /// <summary>The endpoint as <c>scheme://host[:port]</c>, never with a trailing slash.</summary>
    public string BaseUrl => Endpoint.GetLeftPart(UriPartial.Authority);

    /// <summary>
    /// Parses <c>Endpoint=...;AccessKey=...;Version=1.0;[Port=...;]</c> (keys case-insensitive).
    /// Returns null for null or empty input; throws <see cref="FormatException"/> for a malformed one.
    /// </summary>
    public static SignalREndpoint? Parse(string? connectionString)
    {
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            return null;
        }
        var parts = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var segment in connectionString.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var equals = segment.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                throw new FormatException("SignalR connection string segments must be key=value.");
            }
            parts[segment[..equals].Trim()] = segment[(equals + 1)..].Trim();
        }
        if (!parts.TryGetValue("Endpoint", out var endpointText) || !Uri.TryCreate(endpointText, UriKind.Absolute, out var endpoint)
            || (endpoint.Scheme != Uri.UriSchemeHttp && endpoint.Scheme != Uri.UriSchemeHttps))
        {
            throw new FormatException("SignalR connection string needs Endpoint=http(s)://host.");
        }
        string? key = null;
        string? clientId = null;
        if (parts.TryGetValue("AuthType", out var authType) && string.Equals(authType, ManagedIdentityAuthType, StringComparison.OrdinalIgnoreCase))
        {
            clientId = parts.TryGetValue("ClientId", out var id) && id.Length > 0 ? id : null;
        }
        else if (!parts.TryGetValue("AccessKey", out key) || key.Length == 0)
        {
            throw new FormatException("SignalR connection string needs AccessKey=... or AuthType=azure.msi.");
        }
        if (parts.TryGetValue("Port", out var portText))
        {
            if (!int.TryParse(portText, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
            {
                throw new FormatException("SignalR connection string Port must be 1-65535.");
            }
            endpoint = new UriBuilder(endpoint) { Port = port }.Uri;
        }
        return new SignalREndpoint(new Uri(endpoint.GetLeftPart(UriPartial.Authority)), key, clientId);
    }

    /// <summary>The same connection string with the endpoint's port replaced (LocalHost on a random port).</summary>
    public static string WithPort(string connectionString, int port)
    {
        var parsed = Parse(connectionString) ?? throw new FormatException("Empty SignalR connection string.");
        var endpoint = new UriBuilder(parsed.Endpoint) { Port = port }.Uri.GetLeftPart(UriPartial.Authority);
        return $"Endpoint={endpoint};AccessKey={parsed.AccessKey};Version=1.0;";
    }

    public string ServerUrl(string path) => BaseUrl + path;

    /// <summary>The URL clients connect to (also the audience of their access token).</summary>
    public string ClientUrl(string hub) => $"{BaseUrl}/client/?hub={Uri.EscapeDataString(hub)}";
}
