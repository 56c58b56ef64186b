using System.Globalization;
using D3Chat.Core.Http;
using D3Chat.Core.RateLimiting;
using D3Chat.Core.Users;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace D3Chat.Core.Auth;

/// <summary>
/// The bearer-token gate every authenticated API function calls first. It applies the global rate
/// limit (spec §0.2) before anything else, and, unlike the reference, enforces bans and suspensions
/// on every request (through <see cref="AuthStateCache"/>), so they take effect at once.
/// </summary>
public sealed class AuthGate(AccessTokens tokens, AuthStateCache states, RateLimiter rateLimiter, TimeProvider time)
{
    /// <summary>The caller, or the 429/401/403 result to return instead.</summary>
    public async Task<(CurrentUser? User, IActionResult? Denied)> AuthenticateAsync(HttpRequest request, CancellationToken ct)
    {
        if (await rateLimiter.CheckAsync(request, ct) is { } limited)
        {
            return (null, limited);
        }
        var header = request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) || header.Length <= 7)
        {
            return (null, ApiResults.Error(StatusCodes.Status401Unauthorized, "Not authenticated"));
        }
        return await AuthenticateTokenAsync(header[7..].Trim(), ct);
    }

    /// <summary>Like <see cref="AuthenticateAsync"/>, then requires role admin (or superadmin when <paramref name="superadmin"/>).</summary>
    public async Task<(CurrentUser? User, IActionResult? Denied)> AuthenticateAdminAsync(HttpRequest request, CancellationToken ct, bool superadmin = false)
    {
        var (caller, denied) = await AuthenticateAsync(request, ct);
        if (denied is not null)
        {
            return (null, denied);
        }
        if (superadmin ? !caller!.IsSuperadmin : !caller!.IsAdmin)
        {
            return (null, ApiResults.Error(StatusCodes.Status403Forbidden, superadmin ? "Superadmin access required" : "Admin access required"));
        }
        return (caller, null);
    }

    /// <summary>
    /// <see cref="AuthenticateAsync(HttpRequest, CancellationToken)"/>, then parses the UUID route value
    /// <paramref name="rawId"/>: the 429/401/403 comes first, then the spec's 422 naming <paramref name="idName"/>.
    /// </summary>
    public async Task<(CurrentUser? User, Guid Id, IActionResult? Denied)> AuthenticateAsync(
        HttpRequest request, string? rawId, string idName, CancellationToken ct) =>
        WithRouteId(await AuthenticateAsync(request, ct), rawId, idName);

    /// <summary><see cref="AuthenticateAdminAsync(HttpRequest, CancellationToken, bool)"/>, then parses a UUID route value.</summary>
    public async Task<(CurrentUser? User, Guid Id, IActionResult? Denied)> AuthenticateAdminAsync(
        HttpRequest request, string? rawId, string idName, CancellationToken ct) =>
        WithRouteId(await AuthenticateAdminAsync(request, ct), rawId, idName);

    private static (CurrentUser? User, Guid Id, IActionResult? Denied) WithRouteId(
        (CurrentUser? User, IActionResult? Denied) auth, string? rawId, string idName)
    {
        if (auth.Denied is not null)
        {
            return (null, Guid.Empty, auth.Denied);
        }
        return RouteIds.TryParse(rawId, idName, out var id, out var invalid) ? (auth.User, id, null) : (null, Guid.Empty, invalid);
    }

    /// <summary>Authenticates a raw access token (also used where a token arrives outside the header). No rate limit.</summary>
    public async Task<(CurrentUser? User, IActionResult? Denied)> AuthenticateTokenAsync(string token, CancellationToken ct)
    {
        if (await tokens.ReadAsync(token) is not { } claims)
        {
            return (null, ApiResults.Error(StatusCodes.Status401Unauthorized, "Invalid token"));
        }
        var userId = claims.UserId;
        var state = await states.GetAsync(userId, ct);
        if (state is null)
        {
            return (null, ApiResults.Error(StatusCodes.Status401Unauthorized, "User not found"));
        }
        if (Standing(state.IsBanned, state.IsSuspended, state.SuspendedUntil, time.GetUtcNow()) is { } problem)
        {
            return (null, ApiResults.From(problem));
        }
        if (!state.Accepts(claims))
        {
            // Issued before a logout-all, password change, ban or suspension ended the user's sessions.
            return (null, ApiResults.Error(StatusCodes.Status401Unauthorized, "Invalid token"));
        }
        return (new CurrentUser(userId, state.Username, state.ServerDomain, state.Role) { SessionId = claims.SessionId }, null);
    }

    /// <summary>The 403 a banned or currently suspended user gets; null when the account is in good standing.</summary>
    public static Problem? Standing(User user, DateTimeOffset now) =>
        Standing(user.IsBanned, user.IsSuspended, AuthState.From(user).SuspendedUntil, now);

    private static Problem? Standing(bool banned, bool suspended, DateTimeOffset? suspendedUntil, DateTimeOffset now)
    {
        if (banned)
        {
            return Problem.Forbidden("Account has been banned");
        }
        if (suspended && suspendedUntil is { } until && until > now)
        {
            return Problem.Forbidden($"Account suspended until {until.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'+00:00'", CultureInfo.InvariantCulture)}");
        }
        return null;
    }
}
