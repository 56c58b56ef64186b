using D3Chat.Core.Http;
using D3Chat.Core.Redis;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace D3Chat.Core.RateLimiting;

/// <summary>
/// The global per-IP limit of spec §0.2, as a helper every <c>/api/v1</c> function runs first
/// (the LocalHost bypasses worker middleware, so middleware would not cover it offline).
/// Authenticated functions get it through <see cref="Auth.AuthGate"/>; public ones call
/// <see cref="CheckAsync"/> themselves. Health, federation and well-known functions never call it,
/// which is the spec's bypass list; OPTIONS never reaches a function.
/// </summary>
public sealed partial class RateLimiter(
    RedisKeyspace redis, ClientAddress clients, IOptions<RateLimitOptions> options, ILogger<RateLimiter> logger)
{
    /// <summary>The 429 to return when the caller's IP is over the limit; null to go on. Fails open.</summary>
    public async Task<IActionResult?> CheckAsync(HttpRequest request, CancellationToken ct)
    {
        if (HttpMethods.IsOptions(request.Method))
        {
            return null;
        }
        var count = await IncrementAsync(clients.Of(request));
        if (count <= options.Value.PerMinute)
        {
            return null;
        }
        return ApiResults.From(Problem.RateLimited);
    }

    /// <summary>
    /// INCR and, on a fresh key, EXPIRE 60 s in one MULTI, so a key can never be left without a TTL
    /// (which would block that IP for good). EXPIRE NX keeps the window fixed, not sliding.
    /// Returns 0 when Redis is unavailable: the request is allowed (fail-open, spec §0.2).
    /// </summary>
    private async Task<long> IncrementAsync(string clientIp)
    {
        if (!redis.IsConnected)
        {
            return 0;
        }
        try
        {
            var key = RedisKeys.RateLimit(clientIp);
            var transaction = redis.Database.CreateTransaction();
            var count = transaction.StringIncrementAsync(key);
            _ = transaction.KeyExpireAsync(key, RedisKeys.RateLimitWindow, ExpireWhen.HasNoExpiry);
            await transaction.ExecuteAsync();
            return await count;
        }
        catch (RedisException ex)
        {
            LogRedisFailed(logger, ex);
            return 0;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Rate limit check skipped: Redis failed (fail-open)")]
    private static partial void LogRedisFailed(ILogger logger, Exception exception);
}
