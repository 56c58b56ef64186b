using System.Security.Claims;
using D3Chat.Core.Caching;
using System.Text;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace D3Chat.Core.Auth;

/// <summary>What a valid access token says: its user, its session and when it was issued (null on tokens from before these claims).</summary>
internal sealed record AccessTokenClaims(Guid UserId, Guid? SessionId, DateTimeOffset? IssuedAt);

/// <summary>
/// Access tokens as the spec defines them: HS256 JWTs with <c>sub</c> = user id, <c>exp</c>, and
/// <c>type</c> = <c>access</c>; short-lived (15 minutes by default).
/// </summary>
public sealed class AccessTokens(IOptions<AuthOptions> options, TimeProvider time)
{
    /// <summary>Verified tokens remembered at most; when full the memo starts over.</summary>
    public const int VerifiedTokensKept = 10_000;

    // Seconds a token is still accepted after its exp, as in the check below.
    private static readonly TimeSpan ExpirySkew = TimeSpan.FromSeconds(30);

    private readonly JsonWebTokenHandler _handler = new() { SetDefaultTimesOnTokenCreation = false };
    private readonly SymmetricSecurityKey _key = new(Encoding.UTF8.GetBytes(options.Value.JwtSecret));

    // Every API call checks its bearer token: an HMAC and a JSON parse, about 30 µs (issue 14). A token
    // that verified once is remembered by its exact string until it expires. Whether its session and
    // user are still in good standing is not the token's business: AuthGate asks on every request.
    private readonly ExpiringMemo<string, AccessTokenClaims> _verified = new(VerifiedTokensKept);

    /// <summary>Issues a token for the user's session; <c>iat_ms</c> lets the gate end every token issued before a logout-all, ban or password change.</summary>
    public string Issue(Guid userId, Guid? sessionId = null)
    {
        var now = time.GetUtcNow();
        var expires = now.AddMinutes(options.Value.AccessTokenMinutes);
        var claims = new Dictionary<string, object>
        {
            ["sub"] = userId.ToString("D"),
            ["type"] = "access",
            ["exp"] = expires.ToUnixTimeSeconds(),
            ["iat_ms"] = now.ToUnixTimeMilliseconds(),
        };
        if (sessionId is { } sid)
        {
            claims["sid"] = sid.ToString("D");
        }
        return _handler.CreateToken(new SecurityTokenDescriptor
        {
            Claims = claims,
            SigningCredentials = new SigningCredentials(_key, SecurityAlgorithms.HmacSha256),
        });
    }

    /// <summary>The user id of a valid, unexpired access token; null for anything else.</summary>
    public async Task<Guid?> ValidateAsync(string token) => (await ReadAsync(token))?.UserId;

    /// <summary>The claims of a valid, unexpired access token; null for anything else.</summary>
    internal async Task<AccessTokenClaims?> ReadAsync(string token)
    {
        if (_verified.TryGet(token, time.GetUtcNow(), out var known))
        {
            return known;
        }
        var result = await _handler.ValidateTokenAsync(token, new TokenValidationParameters
        {
            IssuerSigningKey = _key,
            ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
            ValidateIssuer = false,
            ValidateAudience = false,
            ValidateLifetime = true,
            RequireExpirationTime = true,
            ClockSkew = ExpirySkew,
            LifetimeValidator = (_, expires, _, _) => expires is { } e && IsUnexpired(new DateTimeOffset(e.ToUniversalTime(), TimeSpan.Zero)),
        });
        if (!result.IsValid
            || !result.Claims.TryGetValue("type", out var type) || type as string != "access"
            || !result.Claims.TryGetValue("sub", out var sub) || !Guid.TryParse(sub as string, out var userId))
        {
            return null;
        }
        var sessionId = result.Claims.TryGetValue("sid", out var sid) && Guid.TryParse(sid as string, out var parsed) ? parsed : (Guid?)null;
        var issuedAt = result.Claims.TryGetValue("iat_ms", out var iat) && iat is long or int or double
            ? DateTimeOffset.FromUnixTimeMilliseconds(Convert.ToInt64(iat, System.Globalization.CultureInfo.InvariantCulture))
            : (DateTimeOffset?)null;
        var claims = new AccessTokenClaims(userId, sessionId, issuedAt);
        _verified.Set(token, claims, new DateTimeOffset(result.SecurityToken.ValidTo, TimeSpan.Zero) + ExpirySkew);
        return claims;
    }

    private bool IsUnexpired(DateTimeOffset expires) => expires > time.GetUtcNow() - ExpirySkew;
}
