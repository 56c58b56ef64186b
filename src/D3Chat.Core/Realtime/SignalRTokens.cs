using System.Security.Claims;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace D3Chat.Core.Realtime;

/// <summary>
/// The JWTs Azure SignalR Service accepts (HS256 signed with the AccessKey): a short-lived server
/// token per REST call (audience = the request URL) and a client token per negotiate (audience =
/// the client URL, <c>nameid</c> = the user id the service addresses with user sends and groups).
/// </summary>
public sealed class SignalRTokens(SignalREndpoint endpoint, TimeProvider time)
{
    /// <summary>The claim the service reads the user id from (short name of ClaimTypes.NameIdentifier).</summary>
    public const string UserIdClaim = "nameid";

    public static readonly TimeSpan ServerTokenLifetime = TimeSpan.FromMinutes(5);

    /// <summary>Client tokens only need to outlive the connect; SignalR re-negotiates on reconnect.</summary>
    public static readonly TimeSpan ClientTokenLifetime = TimeSpan.FromHours(1);

    private static readonly JsonWebTokenHandler Handler = new() { SetDefaultTimesOnTokenCreation = false };
    private readonly SymmetricSecurityKey _key = new(endpoint.KeyBytes);

    public string ServerToken(string audience) => Create(audience, null, ServerTokenLifetime);

    public string ClientToken(string audience, Guid userId) => Create(audience, userId, ClientTokenLifetime);

    private string Create(string audience, Guid? userId, TimeSpan lifetime)
    {
        var now = time.GetUtcNow();
        var claims = new Dictionary<string, object>
        {
            ["aud"] = audience,
            ["iat"] = now.ToUnixTimeSeconds(),
            ["nbf"] = now.ToUnixTimeSeconds(),
            ["exp"] = now.Add(lifetime).ToUnixTimeSeconds(),
        };
        if (userId is { } id)
        {
            claims[UserIdClaim] = id.ToString("D");
        }
        return Handler.CreateToken(new SecurityTokenDescriptor
        {
            Claims = claims,
            SigningCredentials = new SigningCredentials(_key, SecurityAlgorithms.HmacSha256),
        });
    }

    /// <summary>
    /// Validates a token signed with <paramref name="key"/> for <paramref name="audience"/>; the
    /// claims on success, null otherwise. Used by the LocalHost emulator, which plays the service.
    /// </summary>
    public static async Task<ClaimsIdentity?> ValidateAsync(string token, byte[] key, Func<string, bool> audienceMatches, DateTimeOffset now)
    {
        var result = await Handler.ValidateTokenAsync(token, new TokenValidationParameters
        {
            IssuerSigningKey = new SymmetricSecurityKey(key),
            ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
            ValidateIssuer = false,
            ValidateAudience = true,
            AudienceValidator = (audiences, _, _) => audiences.Any(audienceMatches),
            RequireExpirationTime = true,
            LifetimeValidator = (notBefore, expires, _, _) =>
                expires is { } e && e.ToUniversalTime() > now.UtcDateTime.AddSeconds(-30)
                && (notBefore is not { } nb || nb.ToUniversalTime() <= now.UtcDateTime.AddSeconds(30)),
        });
        return result.IsValid ? result.ClaimsIdentity : null;
    }
}
