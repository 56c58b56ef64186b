using System.Reflection;
using D3Chat.Core.Hosting;
using D3Chat.Core.Redis;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace D3Chat.Core.Tests.Fakes;

/// <summary>An <see cref="IConnectionMultiplexer"/> whose every call fails as if Redis were down (no IO).</summary>
public class UnavailableRedis : DispatchProxy
{
    public static IConnectionMultiplexer Create() => Create<IConnectionMultiplexer, UnavailableRedis>();

    /// <summary>The keyspace every Redis-backed feature takes, over a Redis that is down.</summary>
    public static RedisKeyspace Keyspace() => new(Create(), Options.Create(new RedisOptions()));

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args) =>
        throw new RedisException("Redis is down (test fake)");
}
