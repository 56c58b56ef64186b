using System.Security.Cryptography;
using System.Text;

namespace D3Chat.Core.Auth;

/// <summary>Refresh tokens: 64 random bytes, URL-safe base64 without padding (86 chars), stored as lowercase hex SHA-256.</summary>
internal static class RefreshTokens
{
    public static string New() => Base64Url(RandomNumberGenerator.GetBytes(64));

    public static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    private static readonly byte[] SealInfo = "d3chat refresh-token successor"u8.ToArray();

    /// <summary>
    /// Seals <paramref name="successor"/> under a key derived from <paramref name="retired"/>: only
    /// someone presenting the retired token again (within the grace) can recover its successor.
    /// Layout: 12-byte nonce, 16-byte tag, ciphertext.
    /// </summary>
    public static byte[] SealSuccessor(string retired, string successor)
    {
        var plaintext = Encoding.UTF8.GetBytes(successor);
        var sealedBytes = new byte[12 + 16 + plaintext.Length];
        RandomNumberGenerator.Fill(sealedBytes.AsSpan(0, 12));
        using var aes = new AesGcm(SealKey(retired), 16);
        aes.Encrypt(sealedBytes.AsSpan(0, 12), plaintext, sealedBytes.AsSpan(28), sealedBytes.AsSpan(12, 16));
        return sealedBytes;
    }

    /// <summary>The successor sealed by <see cref="SealSuccessor"/>, or null when the token or bytes do not match.</summary>
    public static string? OpenSuccessor(string retired, byte[] sealedBytes)
    {
        if (sealedBytes.Length < 28)
        {
            return null;
        }
        var plaintext = new byte[sealedBytes.Length - 28];
        try
        {
            using var aes = new AesGcm(SealKey(retired), 16);
            aes.Decrypt(sealedBytes.AsSpan(0, 12), sealedBytes.AsSpan(28), sealedBytes.AsSpan(12, 16), plaintext);
            return Encoding.UTF8.GetString(plaintext);
        }
        catch (AuthenticationTagMismatchException)
        {
            return null;
        }
    }

    private static byte[] SealKey(string retired) => HKDF.DeriveKey(HashAlgorithmName.SHA256, Encoding.UTF8.GetBytes(retired), 32, salt: [], info: SealInfo);

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
