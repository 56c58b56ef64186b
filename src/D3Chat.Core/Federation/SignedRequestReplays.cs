using System.Security.Cryptography;
using System.Text;
using D3Chat.Core.Http;
using D3Chat.Core.Redis;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace D3Chat.Core.Federation;

/// <summary>
/// Refuses the second arrival of a signed request whose effect must happen once. The timestamp check
/// alone lets a captured request be sent again for 300 s; for the key claim that would hand out
/// another one-time pre-key per copy. A signature is unique to its origin, method, path, timestamp
/// and body, so it is remembered (hashed) until its timestamp has left the window on either side.
/// A sender that makes two equal requests within one second tells them apart with a nonce in the body.
/// Redis unreachable fails closed (503 through <see cref="ServiceOutage"/>): a replay is never let through.
/// </summary>
public sealed partial class SignedRequestReplays(RedisKeyspace redis, ILogger<SignedRequestReplays> logger)
{
    /// <summary>Null the first time this signed request is seen; the 409 every time after.</summary>
    public async Task<Problem?> FirstArrivalAsync(SignedRequest request)
    {
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.ASCII.GetBytes(request.Signature)));
        var first = await redis.Database.StringSetAsync(
            RedisKeys.FederationRequestSeen(request.Origin, hash), "1", RedisKeys.FederationRequestSeenTtl, When.NotExists);
        if (first)
        {
            return null;
        }
        LogReplayed(request.Origin);
        return Problem.FederationRequestReplayed;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused a replayed signed request from {Origin}")]
    private partial void LogReplayed(string origin);
}
