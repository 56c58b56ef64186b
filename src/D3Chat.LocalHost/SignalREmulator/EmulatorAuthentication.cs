using System.Security.Claims;
using System.Text.RegularExpressions;
using D3Chat.Core.Caching;
using D3Chat.Core.Realtime;

namespace D3Chat.LocalHost.SignalREmulator;

/// <summary>
/// Token checks of the emulated service: every client and REST request needs an HS256 JWT signed
/// with the configured AccessKey whose audience is the URL it is used for (the client URL
/// <c>{endpoint}/client/?hub={hub}</c>, or the REST request's URL). Anything else is a 401.
/// The audience's scheme, host and port are not compared, so 127.0.0.1 and localhost both work.
/// </summary>
internal static partial class EmulatorAuthentication
{
    public const string HubItem = "signalr-emulator-hub";

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9_]*$")]
    public static partial Regex HubName();

    /// <summary>Client requests: <c>/client/negotiate?hub=...</c> and the connection itself.</summary>
    public static async Task<bool> AuthenticateClientAsync(HttpContext context, SignalREndpoint endpoint, TimeProvider time)
    {
        var hub = context.Request.Query["hub"].ToString();
        if (!HubName().IsMatch(hub) || ReadToken(context.Request) is not { } token)
        {
            return false;
        }
        var identity = await SignalRTokens.ValidateAsync(token, endpoint.KeyBytes, aud => IsClientAudience(aud, hub), time.GetUtcNow());
        if (identity?.FindFirst(SignalRTokens.UserIdClaim)?.Value is not { Length: > 0 } userId)
        {
            return false;
        }
        context.User = new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, userId)], "SignalRAccessKey"));
        context.Items[HubItem] = hub;
        return true;
    }

    /// <summary>Server tokens remembered at most by <see cref="NewVerifiedServerTokens"/>.</summary>
    public const int VerifiedServerTokensKept = 4_096;

    /// <summary>
    /// Server tokens verified for a request path, until their <c>exp</c>. The server reuses a token per
    /// URL for minutes, and verifying every use again cost the LocalHost about 25 µs per message, work
    /// the real service does outside our process (issue 14).
    /// </summary>
    public static ExpiringMemo<(string Token, string Path), bool> NewVerifiedServerTokens() => new(VerifiedServerTokensKept);

    /// <summary>
    /// REST requests: the audience must be this very URL (path compared unescaped). A token verified
    /// for a path is remembered in <paramref name="verified"/> until it expires.
    /// </summary>
    public static async Task<bool> AuthenticateServerAsync(HttpContext context, SignalREndpoint endpoint, TimeProvider time,
        ExpiringMemo<(string Token, string Path), bool> verified)
    {
        if (ReadToken(context.Request) is not { } token)
        {
            return false;
        }
        var path = context.Request.Path.Value ?? "";
        var now = time.GetUtcNow();
        if (verified.TryGet((token, path), now, out _))
        {
            return true;
        }
        var identity = await SignalRTokens.ValidateAsync(token, endpoint.KeyBytes,
            aud => Uri.TryCreate(aud, UriKind.Absolute, out var uri) && Uri.UnescapeDataString(uri.AbsolutePath) == path, now);
        if (identity?.FindFirst("exp")?.Value is { } exp && long.TryParse(exp, out var expSeconds))
        {
            verified.Set((token, path), true, DateTimeOffset.FromUnixTimeSeconds(expSeconds));
        }
        return identity is not null;
    }

    private static bool IsClientAudience(string audience, string hub)
    {
        if (!Uri.TryCreate(audience, UriKind.Absolute, out var uri) || uri.AbsolutePath.TrimEnd('/') != "/client")
        {
            return false;
        }
        var query = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(uri.Query);
        return query.TryGetValue("hub", out var value) && string.Equals(value.ToString(), hub, StringComparison.OrdinalIgnoreCase);
    }

    // Browsers cannot set headers on WebSockets and send access_token in the query instead.
    private static string? ReadToken(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        if (header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) && header.Length > 7)
        {
            return header[7..].Trim();
        }
        return request.Query["access_token"].ToString() is { Length: > 0 } query ? query : null;
    }
}
