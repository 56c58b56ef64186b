using D3Chat.Core.Crypto;

namespace D3Chat.Core.Messages;

/// <summary>
/// The server's only look at an encrypted message: the outer frame of a protocol v3 channel message
/// (docs/crypto.md §4), <c>CHAIN_VERSION ‖ TYPE_GROUP ‖ chain_id (16) ‖ u32 index ‖ ciphertext‖tag (≥ 16) ‖ signature (64)</c>.
/// CHAIN_VERSION is 0x04 (Ed25519 chain signatures); 0x03 frames (P-256 ECDSA chains, which no client reads any more) are refused.
/// It checks the encoding, the two leading bytes and the minimum length, never the contents: a
/// malformed frame is refused at the door instead of failing on every receiving device.
/// </summary>
public static class MessageFrame
{
    public const int ProtocolVersion = 3;
    public const byte Version = 0x04;
    public const byte TypeGroup = 0x11;

    /// <summary>Version and type bytes, chain id, index, an empty plaintext's GCM tag, the Ed25519 signature.</summary>
    public const int MinLength = 2 + 16 + 4 + 16 + 64;

    public const string NotBase64 = "content must be standard base64 (with = padding) for protocol_version 3";
    public const string WrongHeader = "content is not a protocol v3 channel message: its bytes must start 0x04 0x11";
    public static readonly string TooShort = $"content is too short for a protocol v3 channel message: at least {MinLength} bytes";

    /// <summary>Null when <paramref name="content"/> is a well-formed v3 frame, else the reason it is not.</summary>
    public static string? Problem(string content)
    {
        if (!StandardBase64.IsStrict(content))
        {
            return NotBase64;
        }
        if (StandardBase64.DecodedLength(content) < MinLength)
        {
            return TooShort;
        }
        // The first 4 characters decode to the first 3 bytes; only those are needed.
        Span<byte> head = stackalloc byte[3];
        if (!Convert.TryFromBase64String(content[..4], head, out _))
        {
            return NotBase64;
        }
        return head[0] == Version && head[1] == TypeGroup ? null : WrongHeader;
    }
}
