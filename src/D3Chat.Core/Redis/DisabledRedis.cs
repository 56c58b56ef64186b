using System.Reflection;
using StackExchange.Redis;

namespace D3Chat.Core.Redis;

/// <summary>
/// The Redis of a deployment without one (<c>Redis__ConnectionString</c> empty, the <c>small</c>
/// profile): every call fails at once, exactly as when Redis is down, so the degraded paths of
/// architecture decision 5 take over (rate limits open, caches read PostgreSQL, presence 503, fanout
/// dedup skipped) without any connection attempt or timeout.
/// </summary>
internal class DisabledRedis : DispatchProxy
{
    public static IConnectionMultiplexer Create() => Create<IConnectionMultiplexer, DisabledRedis>();

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args) =>
        targetMethod?.Name is "Dispose" or "DisposeAsync" or "Close" or "CloseAsync"
            ? DefaultResult(targetMethod)
            : throw new RedisException("Redis is not configured (Redis__ConnectionString is empty).");

    private static object? DefaultResult(MethodInfo method) =>
        method.ReturnType == typeof(Task) ? Task.CompletedTask
        : method.ReturnType == typeof(ValueTask) ? ValueTask.CompletedTask
        : null;
}
