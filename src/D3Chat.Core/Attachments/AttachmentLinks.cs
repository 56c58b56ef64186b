using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using D3Chat.Core.Auth;
using Microsoft.Extensions.Options;

namespace D3Chat.Core.Attachments;

/// <summary>
/// Short-lived signed download links (departure 5): the token names one attachment, the user it
/// was issued to and its expiry, MACed with HMAC-SHA256 under a key derived from the JWT secret.
/// Access tokens never appear in URLs.
/// </summary>
public sealed class AttachmentLinks(IOptions<AuthOptions> auth, TimeProvider time)
{
    /// <summary>Long enough to start a download or render an image, short enough that a leaked URL soon dies.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(5);

    // A separate key per purpose: a link token can never be confused with a JWT signature.
    private readonly byte[] _key = HMACSHA256.HashData(Encoding.UTF8.GetBytes(auth.Value.JwtSecret), "d3chat attachment link v1"u8);

    public (string Token, DateTimeOffset ExpiresAt) Issue(Guid attachmentId, Guid userId)
    {
        var expires = time.GetUtcNow() + Lifetime;
        var payload = Encoding.ASCII.GetBytes(FormattableString.Invariant($"{attachmentId:N}.{userId:N}.{expires.ToUnixTimeSeconds()}"));
        return ($"{Base64Url.EncodeToString(payload)}.{Base64Url.EncodeToString(HMACSHA256.HashData(_key, payload))}",
            DateTimeOffset.FromUnixTimeSeconds(expires.ToUnixTimeSeconds()));
    }

    /// <summary>The user the token was issued to, when it is authentic, unexpired and for this attachment.</summary>
    public Guid? Validate(string? token, Guid attachmentId)
    {
        var parts = token?.Split('.');
        if (parts is not { Length: 2 })
        {
            return null;
        }
        byte[] payload, mac;
        try
        {
            payload = Base64Url.DecodeFromChars(parts[0]);
            mac = Base64Url.DecodeFromChars(parts[1]);
        }
        catch (FormatException)
        {
            return null;
        }
        if (!CryptographicOperations.FixedTimeEquals(mac, HMACSHA256.HashData(_key, payload)))
        {
            return null;
        }
        var fields = Encoding.ASCII.GetString(payload).Split('.');
        if (fields.Length != 3
            || !Guid.TryParseExact(fields[0], "N", out var forAttachment) || forAttachment != attachmentId
            || !Guid.TryParseExact(fields[1], "N", out var userId)
            || !long.TryParse(fields[2], NumberStyles.None, CultureInfo.InvariantCulture, out var expires)
            || time.GetUtcNow().ToUnixTimeSeconds() >= expires)
        {
            return null;
        }
        return userId;
    }
}
