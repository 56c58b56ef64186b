using D3Chat.Core.Crypto;

namespace D3Chat.Core.Keys;

/// <summary>The wire form of a P-256 public key (docs/crypto.md §1): standard padded base64 of the 65-byte point <c>04‖X‖Y</c>.</summary>
public static class PublicKeyEncoding
{
    public const int PointLength = 65;
    public const byte UncompressedPrefix = 0x04;
    public const string NotAPointMessage = "signing_key must be standard base64 of a 65-byte uncompressed P-256 point (first byte 0x04)";

    /// <summary>
    /// True for standard base64 of 65 bytes starting 0x04. Only the encoding is checked, not that
    /// the point lies on the curve: clients verify signatures with it and refuse what does not work.
    /// </summary>
    public static bool IsP256Point(string value)
    {
        Span<byte> point = stackalloc byte[PointLength + 1];
        return StandardBase64.IsStrict(value)
            && Convert.TryFromBase64String(value, point, out var written)
            && written == PointLength
            && point[0] == UncompressedPrefix;
    }
}
