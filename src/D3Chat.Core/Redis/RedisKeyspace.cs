using D3Chat.Core.Hosting;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using StackExchange.Redis.KeyspaceIsolation;

namespace D3Chat.Core.Redis;

/// <summary>
/// This server's keys in Redis: every feature reads and writes through <see cref="Database"/>, which
/// puts <c>Redis__KeyPrefix</c> in front of each key (scripts' KEYS included). Servers sharing one
/// Redis, such as the integration tests' servers running side by side, then never see each other's
/// rate-limit counters, caches or dedup keys.
/// </summary>
public sealed class RedisKeyspace(IConnectionMultiplexer connection, IOptions<RedisOptions> options)
{
    private readonly RedisKey _prefix = options.Value.KeyPrefix ?? "";

    /// <summary>False while Redis is unreachable: callers take their degraded path without waiting.</summary>
    public bool IsConnected => connection.IsConnected;

    public IDatabase Database => string.IsNullOrEmpty(_prefix) ? connection.GetDatabase() : connection.GetDatabase().WithKeyPrefix(_prefix);
}
