using D3Chat.Core.Http;
using D3Chat.Core.Redis;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace D3Chat.Core.Realtime;

/// <summary>Body of <c>PUT /api/v1/presence</c>.</summary>
public sealed record PresenceRequest(string? Status) : IValidatable
{
    public void Validate(Validator v)
    {
        if (v.Required("status", Status) && Status is not (PresenceService.Online or PresenceService.Away or PresenceService.Offline))
        {
            v.Fail("status", "Input should be 'online', 'away' or 'offline'", "literal_error");
        }
    }
}

/// <summary>One entry of <c>GET /api/v1/presence</c>.</summary>
public sealed record PresenceEntry(Guid UserId, string Status);

/// <summary>
/// Presence (spec api.md §11.2, §12; departure 1): online/away is stored in <c>presence:{user_id}</c>
/// for 300 s after the last write, offline deletes it, and a missing key reads as offline.
/// Redis down: writes are skipped (logged), reads answer 503.
/// </summary>
public sealed partial class PresenceService(RedisKeyspace redis, Channels.ChannelStore channels, ILogger<PresenceService> logger)
{
    public const string Online = "online";
    public const string Away = "away";
    public const string Offline = "offline";

    /// <summary>Most users one presence query may ask about.</summary>
    public const int MaxUsersPerQuery = 100;

    public async Task SetAsync(Guid userId, string status, CancellationToken ct)
    {
        try
        {
            var db = redis.Database;
            if (status == Offline)
            {
                await db.KeyDeleteAsync(RedisKeys.Presence(userId));
            }
            else
            {
                await db.StringSetAsync(RedisKeys.Presence(userId), status, RedisKeys.PresenceTtl);
            }
        }
        catch (RedisException ex)
        {
            LogRedisUnavailable(ex);
        }
    }

    /// <summary>
    /// The presence of each asked user as <paramref name="callerId"/> may see it: users who share no
    /// channel with the caller read as offline, so presence cannot be polled for strangers.
    /// </summary>
    public async Task<Outcome<IReadOnlyList<PresenceEntry>>> GetAsync(Guid callerId, IReadOnlyList<Guid> userIds, CancellationToken ct)
    {
        var visible = await channels.SharingAChannelAsync(callerId, userIds, ct);
        RedisValue[] values;
        try
        {
            values = await redis.Database.StringGetAsync(userIds.Select(id => (RedisKey)RedisKeys.Presence(id)).ToArray());
        }
        catch (RedisException ex)
        {
            LogRedisUnavailable(ex);
            return Problem.PresenceUnavailable;
        }
        return userIds.Select((id, i) => new PresenceEntry(id,
            values[i].HasValue && (id == callerId || visible.Contains(id)) ? values[i].ToString() : Offline)).ToList();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Redis unavailable for presence")]
    private partial void LogRedisUnavailable(Exception exception);
}
