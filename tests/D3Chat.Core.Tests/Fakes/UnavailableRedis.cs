using System.Reflection;
using StackExchange.Redis;

namespace D3Chat.Core.Tests.Fakes;

/// <summary>An <see cref="IConnectionMultiplexer"/> whose every call fails as if Redis were down (no IO).</summary>
public class UnavailableRedis : DispatchProxy
{
    public static IConnectionMultiplexer Create() => Create<IConnectionMultiplexer, UnavailableRedis>();

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args) =>
        throw new RedisException("Redis is down (test fake)");
}
