using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using D3Chat.Core.Crypto;

namespace D3Chat.Core.Federation;

/// <summary>The headers of one signed federation request.</summary>
public sealed record SignedHeaders(string Origin, string Timestamp, string Signature);

/// <summary>
/// The one implementation of federation request signing (spec federation.md §3), used by the relay,
/// the signed user-lookup GET and the inbox. Signed bytes are the UTF-8 of
/// <c>METHOD\nPATH\nTIMESTAMP\nlowercase-hex(SHA-256(raw body))</c>, no trailing newline.
/// </summary>
public static class RequestSigning
{
    /// <summary>The canonical string that is signed; <paramref name="timestamp"/> is used byte for byte.</summary>
    public static string CanonicalString(string method, string pathAndQuery, string timestamp, ReadOnlySpan<byte> body) =>
        string.Join('\n', method.ToUpperInvariant(), pathAndQuery, timestamp, BodyHash(body));

    /// <summary>Lowercase hex SHA-256 of the exact body bytes (empty body → the hash of nothing).</summary>
    public static string BodyHash(ReadOnlySpan<byte> body) => Convert.ToHexStringLower(SHA256.HashData(body));

    /// <summary>The timestamp header for <paramref name="now"/>: Unix seconds as a decimal string, like the reference's <c>str(time.time())</c>.</summary>
    public static string FormatTimestamp(DateTimeOffset now) =>
        (now.ToUnixTimeMilliseconds() / 1000.0).ToString("0.0##", CultureInfo.InvariantCulture);

    /// <summary>Signs a request with this server's key; the caller sends exactly <paramref name="body"/>.</summary>
    public static SignedHeaders Sign(ServerSigningKey key, string origin, string method, string pathAndQuery, string timestamp, ReadOnlySpan<byte> body)
    {
        var signature = key.Sign(Encoding.UTF8.GetBytes(CanonicalString(method, pathAndQuery, timestamp, body)));
        return new SignedHeaders(origin, timestamp, Convert.ToBase64String(signature));
    }

    /// <summary>
    /// Verifies a signature (standard base64) by a peer's published key (standard base64 of 32 bytes).
    /// Malformed keys or signatures verify as false, never throw.
    /// </summary>
    public static bool Verify(string publicKeyBase64, string method, string pathAndQuery, string timestamp, ReadOnlySpan<byte> body, string signatureBase64)
    {
        if (!TryFromBase64(publicKeyBase64, out var publicKey) || !TryFromBase64(signatureBase64, out var signature))
        {
            return false;
        }
        return ServerSigningKey.Verify(publicKey, Encoding.UTF8.GetBytes(CanonicalString(method, pathAndQuery, timestamp, body)), signature);
    }

    /// <summary>Parses the timestamp header as the reference does (any float string); null when it does not parse.</summary>
    public static double? ParseTimestamp(string? value) =>
        double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && double.IsFinite(seconds) ? seconds : null;

    private static bool TryFromBase64(string value, out byte[] bytes)
    {
        try
        {
            bytes = Convert.FromBase64String(value);
            return true;
        }
        catch (FormatException)
        {
            bytes = [];
            return false;
        }
    }
}
