using System.Globalization;
using D3Chat.Core.Http;
using D3Chat.Core.Users;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace D3Chat.Core.Auth;

/// <summary>
/// The bearer-token gate every authenticated API function calls first. Unlike the reference it also
/// enforces bans and suspensions on every request, so they take effect at once.
/// </summary>
public sealed class AuthGate(AccessTokens tokens, UserStore users, TimeProvider time)
{
    /// <summary>The caller, or the 401/403 result to return instead.</summary>
    public async Task<(CurrentUser? User, IActionResult? Denied)> AuthenticateAsync(HttpRequest request, CancellationToken ct)
    {
        var header = request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) || header.Length <= 7)
        {
            return (null, ApiResults.Error(StatusCodes.Status401Unauthorized, "Not authenticated"));
        }
        return await AuthenticateTokenAsync(header[7..].Trim(), ct);
    }

    /// <summary>Authenticates a raw access token (also used where a token arrives outside the header).</summary>
    public async Task<(CurrentUser? User, IActionResult? Denied)> AuthenticateTokenAsync(string token, CancellationToken ct)
    {
        if (await tokens.ValidateAsync(token) is not { } userId)
        {
            return (null, ApiResults.Error(StatusCodes.Status401Unauthorized, "Invalid token"));
        }
        var user = await users.FindByIdAsync(userId, ct);
        if (user is null)
        {
            return (null, ApiResults.Error(StatusCodes.Status401Unauthorized, "User not found"));
        }
        if (Standing(user, time.GetUtcNow()) is { } problem)
        {
            return (null, ApiResults.From(problem));
        }
        return (new CurrentUser(user.Id, user.Username, user.ServerDomain, user.Role), null);
    }

    /// <summary>The 403 a banned or currently suspended user gets; null when the account is in good standing.</summary>
    public static Problem? Standing(User user, DateTimeOffset now)
    {
        if (user.IsBanned)
        {
            return Problem.Forbidden("Account has been banned");
        }
        if (user.IsSuspended && user.SuspendedUntil is { } until && new DateTimeOffset(until, TimeSpan.Zero) > now)
        {
            return Problem.Forbidden($"Account suspended until {new DateTimeOffset(until, TimeSpan.Zero).ToString("O", CultureInfo.InvariantCulture)}");
        }
        return null;
    }
}
