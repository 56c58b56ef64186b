using System.Text.Json;
using D3Chat.Core.Redis;
using D3Chat.Core.Users;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace D3Chat.Core.Auth;

/// <summary>What the auth gate needs to know about a user on every request.</summary>
internal sealed record AuthState(string Username, string ServerDomain, string Role, bool IsBanned, bool IsSuspended, DateTimeOffset? SuspendedUntil,
    DateTimeOffset? SessionsValidAfter = null)
{
    public static AuthState From(User user) => new(
        user.Username, user.ServerDomain, user.Role, user.IsBanned, user.IsSuspended,
        user.SuspendedUntil is { } until ? new DateTimeOffset(DateTime.SpecifyKind(until, DateTimeKind.Utc)) : null,
        user.SessionsValidAfter is { } after ? new DateTimeOffset(DateTime.SpecifyKind(after, DateTimeKind.Utc)) : null);

    /// <summary>False for a token issued before the user's sessions were ended (logout-all, password change, ban, suspension).</summary>
    public bool Accepts(AccessTokenClaims token) =>
        SessionsValidAfter is not { } after || (token.IssuedAt is { } issued && issued >= after);
}

/// <summary>
/// Caches each user's <see cref="AuthState"/> in Redis for 30 s so the gate does not read the users
/// table on every request. Every change of username, role, ban or suspension, and every delete,
/// calls <see cref="InvalidateAsync"/> after its commit, so such changes take effect on the next
/// request; the TTL only bounds staleness if an invalidation is lost (Redis down at that moment).
/// Redis unavailable: every call falls through to the database.
/// </summary>
public sealed partial class AuthStateCache(RedisKeyspace redis, UserStore users, ILogger<AuthStateCache> logger)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>The user's standing, or null when the user no longer exists.</summary>
    internal async Task<AuthState?> GetAsync(Guid userId, CancellationToken ct)
    {
        var key = RedisKeys.AuthState(userId);
        if (redis.IsConnected)
        {
            try
            {
                var cached = await redis.Database.StringGetAsync(key);
                if (cached.HasValue)
                {
                    return JsonSerializer.Deserialize<AuthState>(cached.ToString(), Json);
                }
            }
            catch (RedisException ex)
            {
                LogRedisFailed(logger, "read", ex);
            }
        }
        var user = await users.FindByIdAsync(userId, ct);
        if (user is null)
        {
            return null;
        }
        var state = AuthState.From(user);
        if (redis.IsConnected)
        {
            try
            {
                await redis.Database.StringSetAsync(key, JsonSerializer.Serialize(state, Json), RedisKeys.AuthStateTtl);
            }
            catch (RedisException ex)
            {
                LogRedisFailed(logger, "write", ex);
            }
        }
        return state;
    }

    /// <summary>Drops the cached standing; call after committing any change to it.</summary>
    public async Task InvalidateAsync(Guid userId)
    {
        try
        {
            await redis.Database.KeyDeleteAsync(RedisKeys.AuthState(userId));
        }
        catch (RedisException ex)
        {
            LogRedisFailed(logger, "invalidate", ex);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Auth state cache {Operation} failed; using the database")]
    private static partial void LogRedisFailed(ILogger logger, string operation, Exception exception);
}
