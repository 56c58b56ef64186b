using System.Security.Claims;
using System.Text;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace D3Chat.Core.Auth;

/// <summary>
/// Access tokens as the spec defines them: HS256 JWTs with <c>sub</c> = user id, <c>exp</c>, and
/// <c>type</c> = <c>access</c>; short-lived (15 minutes by default).
/// </summary>
public sealed class AccessTokens(IOptions<AuthOptions> options, TimeProvider time)
{
    private readonly JsonWebTokenHandler _handler = new() { SetDefaultTimesOnTokenCreation = false };
    private readonly SymmetricSecurityKey _key = new(Encoding.UTF8.GetBytes(options.Value.JwtSecret));

    public string Issue(Guid userId)
    {
        var expires = time.GetUtcNow().AddMinutes(options.Value.AccessTokenMinutes);
        return _handler.CreateToken(new SecurityTokenDescriptor
        {
            Claims = new Dictionary<string, object>
            {
                ["sub"] = userId.ToString("D"),
                ["type"] = "access",
                ["exp"] = expires.ToUnixTimeSeconds(),
            },
            SigningCredentials = new SigningCredentials(_key, SecurityAlgorithms.HmacSha256),
        });
    }

    /// <summary>The user id of a valid, unexpired access token; null for anything else.</summary>
    public async Task<Guid?> ValidateAsync(string token)
    {
        var result = await _handler.ValidateTokenAsync(token, new TokenValidationParameters
        {
            IssuerSigningKey = _key,
            ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
            ValidateIssuer = false,
            ValidateAudience = false,
            ValidateLifetime = true,
            RequireExpirationTime = true,
            ClockSkew = TimeSpan.FromSeconds(30),
            LifetimeValidator = (_, expires, _, _) => expires is { } e && e.ToUniversalTime() > time.GetUtcNow().UtcDateTime.AddSeconds(-30),
        });
        if (!result.IsValid
            || !result.Claims.TryGetValue("type", out var type) || type as string != "access"
            || !result.Claims.TryGetValue("sub", out var sub) || !Guid.TryParse(sub as string, out var userId))
        {
            return null;
        }
        return userId;
    }
}
