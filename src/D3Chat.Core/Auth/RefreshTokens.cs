using System.Security.Cryptography;
using System.Text;

namespace D3Chat.Core.Auth;

/// <summary>Refresh tokens: 64 random bytes, URL-safe base64 without padding (86 chars), stored as lowercase hex SHA-256.</summary>
public static class RefreshTokens
{
    public static string New() => Base64Url(RandomNumberGenerator.GetBytes(64));

    public static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
