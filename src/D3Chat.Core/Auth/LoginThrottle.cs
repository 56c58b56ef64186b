using D3Chat.Core.Http;
using D3Chat.Core.Redis;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace D3Chat.Core.Auth;

/// <summary>
/// Slows password guessing (issue 12 item 11). Failed logins are counted per (username, client
/// address) and per address across all usernames, in a 15-minute window. Past a threshold each
/// further failure pauses logins for that pair (or that address) for a wait that doubles, up to a
/// cap; while paused, the login answers 429 with <c>Retry-After</c> without checking the password.
/// Counting by the name as typed, whether or not the account exists, keeps the answers the same for
/// unknown names. A success clears the pair's count, not the address's (logging into one's own
/// account must not buy more guesses at others). Redis down: no slowing, like the rate limit.
/// </summary>
public sealed partial class LoginThrottle(RedisKeyspace redis, ILogger<LoginThrottle> logger)
{
    /// <summary>Failures of one name from one address before logins pause.</summary>
    public const int FailuresPerAccount = 5;

    /// <summary>Failures from one address, all names together, before its logins pause.</summary>
    public const int FailuresPerAddress = 50;

    public static readonly TimeSpan FirstPause = TimeSpan.FromSeconds(15);

    public static readonly TimeSpan LongestPause = TimeSpan.FromMinutes(15);

    // Counts the failure (window expiry on the first), and from the threshold on sets the lock key
    // with the pause; both pairs of keys in one script so a crash never leaves a count without expiry.
    private const string RecordFailureScript = """
        local function fail(count_key, lock_key, threshold)
          local count = redis.call('INCR', count_key)
          if count == 1 then redis.call('PEXPIRE', count_key, ARGV[1]) end
          if count < threshold then return 0 end
          local pause = math.min(tonumber(ARGV[3]) * 2 ^ (count - threshold), tonumber(ARGV[4]))
          redis.call('SET', lock_key, '1', 'PX', pause)
          return pause
        end
        local account = fail(KEYS[1], KEYS[2], tonumber(ARGV[2]))
        local address = fail(KEYS[3], KEYS[4], tonumber(ARGV[5]))
        return math.max(account, address)
        """;

    /// <summary>The 429 to answer when logins for this name from this address are paused; null to go on.</summary>
    public async Task<Problem?> PausedAsync(string username, string address)
    {
        if (!redis.IsConnected)
        {
            return null;
        }
        try
        {
            var name = Normalize(username);
            var waits = await Task.WhenAll(
                redis.Database.KeyTimeToLiveAsync(RedisKeys.LoginLock(name, address)),
                redis.Database.KeyTimeToLiveAsync(RedisKeys.LoginLockFrom(address)));
            var wait = waits.Max(w => w ?? TimeSpan.Zero);
            return wait > TimeSpan.Zero ? Problem.LoginsPaused(wait) : null;
        }
        catch (RedisException ex)
        {
            LogRedisFailed(ex);
            return null;
        }
    }

    public async Task RecordFailureAsync(string username, string address)
    {
        if (!redis.IsConnected)
        {
            return;
        }
        var name = Normalize(username);
        try
        {
            await redis.Database.ScriptEvaluateAsync(RecordFailureScript,
                [RedisKeys.LoginFailures(name, address), RedisKeys.LoginLock(name, address), RedisKeys.LoginFailuresFrom(address), RedisKeys.LoginLockFrom(address)],
                [(long)RedisKeys.LoginFailureWindow.TotalMilliseconds, FailuresPerAccount, (long)FirstPause.TotalMilliseconds,
                    (long)LongestPause.TotalMilliseconds, FailuresPerAddress]);
        }
        catch (RedisException ex)
        {
            LogRedisFailed(ex);
        }
    }

    public async Task RecordSuccessAsync(string username, string address)
    {
        if (!redis.IsConnected)
        {
            return;
        }
        try
        {
            await redis.Database.KeyDeleteAsync(RedisKeys.LoginFailures(Normalize(username), address));
        }
        catch (RedisException ex)
        {
            LogRedisFailed(ex);
        }
    }

    // One count whatever the case of the name typed: varying it buys no extra guesses.
    private static string Normalize(string username) => username.ToLowerInvariant();

    [LoggerMessage(Level = LogLevel.Warning, Message = "Failed-login slowing skipped: Redis failed")]
    private partial void LogRedisFailed(Exception exception);
}
