using D3Chat.Core.Http;
using D3Chat.Core.Users;
using Microsoft.AspNetCore.Http;

namespace D3Chat.Core.Auth;

/// <summary>
/// Establishes the bearer-token caller for <see cref="RequestGate"/>. Unlike the reference, it
/// enforces bans and suspensions on every request (through <see cref="AuthStateCache"/>), so they
/// take effect at once.
/// </summary>
public sealed class AuthGate(AccessTokens tokens, AuthStateCache states, TimeProvider time)
{
    /// <summary>The caller with at least <paramref name="access"/> (User, Admin or Superadmin), or the 401/403.</summary>
    public async Task<Outcome<CurrentUser>> AuthenticateAsync(HttpRequest request, Access access, CancellationToken ct)
    {
        var header = request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) || header.Length <= 7)
        {
            return Problem.NotAuthenticated;
        }
        var outcome = await AuthenticateTokenAsync(header[7..].Trim(), ct);
        return outcome.Value is not { } caller ? outcome
            : access == Access.Superadmin && !caller.IsSuperadmin ? Problem.SuperadminRequired
            : access == Access.Admin && !caller.IsAdmin ? Problem.AdminRequired
            : caller;
    }

    /// <summary>Authenticates a raw access token. No rate limit.</summary>
    public async Task<Outcome<CurrentUser>> AuthenticateTokenAsync(string token, CancellationToken ct)
    {
        if (await tokens.ReadAsync(token) is not { } claims)
        {
            return Problem.InvalidToken;
        }
        var userId = claims.UserId;
        var state = await states.GetAsync(userId, ct);
        if (state is null)
        {
            return Problem.TokenUserNotFound;
        }
        if (Standing(state, time.GetUtcNow()) is { } problem)
        {
            return problem;
        }
        if (!state.Accepts(claims))
        {
            // Issued before a logout-all, password change, ban or suspension ended the user's sessions.
            return Problem.InvalidToken;
        }
        return new CurrentUser(userId, state.Username, state.ServerDomain, state.Role) { SessionId = claims.SessionId };
    }

    /// <summary>The 403 a banned or currently suspended user gets; null when the account is in good standing.</summary>
    public static Problem? Standing(User user, DateTimeOffset now) =>
        Standing(user.IsBanned, user.IsSuspended, AuthState.From(user).SuspendedUntil, now);

    /// <summary>The same, from the cached standing.</summary>
    internal static Problem? Standing(AuthState state, DateTimeOffset now) => Standing(state.IsBanned, state.IsSuspended, state.SuspendedUntil, now);

    private static Problem? Standing(bool banned, bool suspended, DateTimeOffset? suspendedUntil, DateTimeOffset now) =>
        banned ? Problem.AccountBanned
        : suspended && suspendedUntil is { } until && until > now ? Problem.AccountSuspended(until)
        : null;
}
