using System.Buffers.Binary;

namespace D3Chat.Client.Crypto;

/// <summary><c>H = DHs_pub (65) ‖ u32 pn ‖ u32 n</c>.</summary>
public sealed record RatchetHeader(byte[] RatchetKey, uint PreviousCount, uint Index)
{
    public const int Length = Labels.RatchetHeaderLength;

    public byte[] Encode() => Bytes.Concat(RatchetKey, Bytes.U32(PreviousCount), Bytes.U32(Index));
}

/// <summary>A <c>TYPE_RATCHET</c> message: <c>VERSION ‖ TYPE_RATCHET ‖ H ‖ ciphertext‖tag</c>.</summary>
public sealed record RatchetMessage(RatchetHeader Header, byte[] Ciphertext)
{
    public byte[] Encode() => Bytes.Concat([Labels.Version, Labels.TypeRatchet], Header.Encode(), Ciphertext);

    /// <summary>What the AEAD authenticates after the session's AD: <c>VERSION ‖ TYPE_RATCHET ‖ H</c>.</summary>
    public byte[] AadSuffix() => Bytes.Concat([Labels.Version, Labels.TypeRatchet], Header.Encode());
}

/// <summary>A <c>TYPE_PREKEY</c> message: the X3DH header, then a whole <c>TYPE_RATCHET</c> message.</summary>
public sealed record PreKeyMessage(byte[] IdentityKey, byte[] EphemeralKey, byte[] SignedPreKey, byte[]? OneTimePreKey, RatchetMessage Inner)
{
    public byte[] Encode() => Bytes.Concat(
        [Labels.Version, Labels.TypePrekey], IdentityKey, EphemeralKey, SignedPreKey,
        [(byte)(OneTimePreKey is null ? 0 : 1)], OneTimePreKey ?? [], Inner.Encode());
}

/// <summary>A channel message: <c>CHAIN_VERSION ‖ TYPE_GROUP ‖ chain_id ‖ u32 index ‖ ciphertext‖tag ‖ Ed25519 signature</c>.</summary>
public sealed record GroupMessage(byte[] ChainId, uint Index, byte[] Ciphertext, byte[] Signature)
{
    public byte[] Encode() => Bytes.Concat([Labels.ChainVersion, Labels.TypeGroup], ChainId, Bytes.U32(Index), Ciphertext, Signature);
}

/// <summary>
/// The chain state one device hands another:
/// <c>CHAIN_VERSION ‖ TYPE_SENDER_KEY ‖ channel_id ‖ chain_id ‖ u32 index ‖ CK ‖ SIGC_pub</c> (Ed25519, 32 bytes).
/// </summary>
public sealed record SenderKeyDistribution(Guid ChannelId, byte[] ChainId, uint Index, byte[] ChainKey, byte[] SigningKey)
{
    public const int Length = 2 + Labels.IdLength + Labels.ChainIdLength + 4 + Labels.KeyLength + Labels.ChainSigningKeyLength;

    public byte[] Encode() => Bytes.Concat([Labels.ChainVersion, Labels.TypeSenderKey], Bytes.Uuid(ChannelId), ChainId, Bytes.U32(Index), ChainKey, SigningKey);
}

/// <summary>Framing of every message type; decoding returns <c>unsupported_version</c> or <c>malformed</c> for bad input.</summary>
public static class Wire
{
    private const int MinRatchetLength = 2 + RatchetHeader.Length + Labels.TagLength;
    private const int MinGroupLength = 2 + Labels.ChainIdLength + 4 + Labels.TagLength + Labels.SignatureLength;

    /// <summary>The type byte of a pairwise message, after the version check.</summary>
    public static DecryptResult<byte> PeekType(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length < 2)
        {
            return DecryptFailureReason.Malformed;
        }
        return bytes[0] != Labels.Version ? DecryptFailureReason.UnsupportedVersion : DecryptResult<byte>.Success(bytes[1]);
    }

    /// <summary>The type byte of a channel message or distribution; a P-256 ECDSA chain's 0x03 is <c>legacy_protocol</c>.</summary>
    private static DecryptResult<byte> PeekChainType(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length < 2)
        {
            return DecryptFailureReason.Malformed;
        }
        return bytes[0] switch
        {
            Labels.ChainVersion => DecryptResult<byte>.Success(bytes[1]),
            Labels.LegacyChainVersion => DecryptFailureReason.LegacyProtocol,
            _ => DecryptFailureReason.UnsupportedVersion,
        };
    }

    public static DecryptResult<RatchetMessage> DecodeRatchet(ReadOnlySpan<byte> bytes)
    {
        var type = PeekType(bytes);
        if (!type.Ok)
        {
            return type.Reason;
        }
        if (type.Value != Labels.TypeRatchet || bytes.Length < MinRatchetLength)
        {
            return DecryptFailureReason.Malformed;
        }
        var header = bytes.Slice(2, RatchetHeader.Length);
        return DecryptResult<RatchetMessage>.Success(new RatchetMessage(
            new RatchetHeader(
                header[..Labels.PublicKeyLength].ToArray(),
                BinaryPrimitives.ReadUInt32BigEndian(header[Labels.PublicKeyLength..]),
                BinaryPrimitives.ReadUInt32BigEndian(header[(Labels.PublicKeyLength + 4)..])),
            bytes[(2 + RatchetHeader.Length)..].ToArray()));
    }

    public static DecryptResult<PreKeyMessage> DecodePreKey(ReadOnlySpan<byte> bytes)
    {
        var type = PeekType(bytes);
        if (!type.Ok)
        {
            return type.Reason;
        }
        const int fixedLength = 2 + 3 * Labels.PublicKeyLength + 1;
        if (type.Value != Labels.TypePrekey || bytes.Length < fixedLength)
        {
            return DecryptFailureReason.Malformed;
        }
        var flags = bytes[fixedLength - 1];
        if (flags > 1)
        {
            return DecryptFailureReason.Malformed;
        }
        var offset = fixedLength;
        byte[]? oneTimePreKey = null;
        if (flags == 1)
        {
            if (bytes.Length < offset + Labels.PublicKeyLength)
            {
                return DecryptFailureReason.Malformed;
            }
            oneTimePreKey = bytes.Slice(offset, Labels.PublicKeyLength).ToArray();
            offset += Labels.PublicKeyLength;
        }
        var inner = DecodeRatchet(bytes[offset..]);
        if (!inner.Ok)
        {
            return inner.Reason;
        }
        return DecryptResult<PreKeyMessage>.Success(new PreKeyMessage(
            bytes.Slice(2, Labels.PublicKeyLength).ToArray(),
            bytes.Slice(2 + Labels.PublicKeyLength, Labels.PublicKeyLength).ToArray(),
            bytes.Slice(2 + 2 * Labels.PublicKeyLength, Labels.PublicKeyLength).ToArray(),
            oneTimePreKey,
            inner.Value!));
    }

    public static DecryptResult<GroupMessage> DecodeGroup(ReadOnlySpan<byte> bytes)
    {
        var type = PeekChainType(bytes);
        if (!type.Ok)
        {
            return type.Reason;
        }
        if (type.Value != Labels.TypeGroup || bytes.Length < MinGroupLength)
        {
            return DecryptFailureReason.Malformed;
        }
        var ciphertextStart = 2 + Labels.ChainIdLength + 4;
        var signatureStart = bytes.Length - Labels.SignatureLength;
        return DecryptResult<GroupMessage>.Success(new GroupMessage(
            bytes.Slice(2, Labels.ChainIdLength).ToArray(),
            BinaryPrimitives.ReadUInt32BigEndian(bytes[(2 + Labels.ChainIdLength)..]),
            bytes[ciphertextStart..signatureStart].ToArray(),
            bytes[signatureStart..].ToArray()));
    }

    /// <summary>
    /// A distribution envelope's plaintext: one or more items, the current chain first, then earlier
    /// chains of the same channel the recipient already held (the server keeps one envelope per
    /// device pair, so a reader offline across a rotation still gets them). One item is exactly
    /// <see cref="SenderKeyDistribution.Encode"/>.
    /// </summary>
    public static DecryptResult<IReadOnlyList<SenderKeyDistribution>> DecodeSenderKeys(ReadOnlySpan<byte> bytes)
    {
        var type = PeekChainType(bytes);
        if (!type.Ok)
        {
            return type.Reason;
        }
        if (bytes.Length % SenderKeyDistribution.Length != 0)
        {
            return DecryptFailureReason.Malformed;
        }
        var items = new List<SenderKeyDistribution>();
        for (var at = 0; at < bytes.Length; at += SenderKeyDistribution.Length)
        {
            var item = DecodeSenderKey(bytes.Slice(at, SenderKeyDistribution.Length));
            if (!item.Ok)
            {
                return item.Reason;
            }
            if (items.Count > 0 && item.Value!.ChannelId != items[0].ChannelId)
            {
                return DecryptFailureReason.Malformed;
            }
            items.Add(item.Value!);
        }
        return DecryptResult<IReadOnlyList<SenderKeyDistribution>>.Success(items);
    }

    public static DecryptResult<SenderKeyDistribution> DecodeSenderKey(ReadOnlySpan<byte> bytes)
    {
        var type = PeekChainType(bytes);
        if (!type.Ok)
        {
            return type.Reason;
        }
        if (type.Value != Labels.TypeSenderKey || bytes.Length != SenderKeyDistribution.Length)
        {
            return DecryptFailureReason.Malformed;
        }
        var offset = 2;
        var channelId = Bytes.ReadUuid(bytes[offset..]);
        offset += Labels.IdLength;
        var chainId = bytes.Slice(offset, Labels.ChainIdLength).ToArray();
        offset += Labels.ChainIdLength;
        var index = BinaryPrimitives.ReadUInt32BigEndian(bytes[offset..]);
        offset += 4;
        var chainKey = bytes.Slice(offset, Labels.KeyLength).ToArray();
        offset += Labels.KeyLength;
        var signingKey = bytes[offset..].ToArray();
        return DecryptResult<SenderKeyDistribution>.Success(new SenderKeyDistribution(channelId, chainId, index, chainKey, signingKey));
    }
}
