namespace D3Chat.Client.Crypto;

/// <summary>
/// This device's sending chain in one channel (docs/crypto.md §4). <see cref="StartChainKey"/> is kept until the chain
/// rotates so the chain can be handed again, at the index each device first got, when the server's envelope set is replaced.
/// </summary>
public sealed record OwnChain(
    Guid ChannelId,
    byte[] ChainId,
    uint Index,
    byte[] ChainKey,
    byte[] StartChainKey,
    ChainSigningKey Signing,
    DateTimeOffset CreatedAt,
    IReadOnlyDictionary<Guid, uint> Recipients,
    bool RotationDue);

/// <summary>A message key kept for a channel message not received yet.</summary>
public sealed record SkippedGroupKey(uint Index, byte[] MessageKey);

/// <summary>Another device's chain as this device received it; the sender ids come from the pairwise session that carried it.</summary>
public sealed record ReceivedChain(
    byte[] ChainId,
    Guid ChannelId,
    Guid SenderUserId,
    Guid SenderDeviceId,
    uint FirstIndex,
    uint NextIndex,
    byte[] ChainKey,
    byte[] SigningKey,
    IReadOnlyList<SkippedGroupKey> SkippedKeys);

public static class SenderKeys
{
    public static OwnChain NewChain(Guid channelId, DateTimeOffset now, byte[]? chainId = null, byte[]? chainKey = null, ChainSigningKey? signing = null)
    {
        var key = chainKey ?? Primitives.RandomBytes(Labels.KeyLength);
        return new OwnChain(channelId, chainId ?? Primitives.RandomBytes(Labels.ChainIdLength), 0, key, key,
            signing ?? ChainSigningKey.Generate(), now, new Dictionary<Guid, uint>(), false);
    }

    /// <summary>
    /// <c>GROUP_AAD_LABEL ‖ channel_id ‖ sender_device_id ‖ CHAIN_VERSION ‖ TYPE_GROUP ‖ chain_id ‖ u32 index</c>.
    /// No user id: a remote user's id differs on each server, while channel and device ids are the
    /// same everywhere; the sender user is still checked against the chain (<c>wrong_sender</c>).
    /// </summary>
    public static byte[] Aad(Guid channelId, Guid senderDeviceId, byte[] chainId, uint index) =>
        Bytes.Concat(Labels.GroupAadLabel, Bytes.Uuid(channelId), Bytes.Uuid(senderDeviceId),
            [Labels.ChainVersion, Labels.TypeGroup], chainId, Bytes.U32(index));

    /// <summary>Whether this chain must be replaced before the next message (a member left, 100 messages, 7 days).</summary>
    public static bool NeedsRotation(OwnChain chain, DateTimeOffset now) =>
        chain.RotationDue
        || chain.Index >= Labels.RotateAfterMessages
        || (now - chain.CreatedAt).TotalSeconds >= Labels.RotateAfterSeconds;

    /// <summary>Encrypts and signs one channel message at the chain's current index.</summary>
    public static (byte[] Bytes, OwnChain Chain) Encrypt(OwnChain chain, Guid senderUserId, Guid senderDeviceId, byte[] plaintext)
    {
        var (messageKey, nextChainKey) = Ratchet.KdfCk(chain.ChainKey);
        var (key, nonce) = Ratchet.MessageKeys(Labels.GroupMessageKeysInfo, messageKey);
        var aad = Aad(chain.ChannelId, senderDeviceId, chain.ChainId, chain.Index);
        var ciphertext = Primitives.AesGcmSeal(key, nonce, plaintext, aad);
        var signature = chain.Signing.Sign(Bytes.Concat(aad, ciphertext));
        var message = new GroupMessage(chain.ChainId, chain.Index, ciphertext, signature);
        return (message.Encode(), chain with { Index = chain.Index + 1, ChainKey = nextChainKey });
    }

    /// <summary>The chain as a new reader gets it: at the current index, so it reads from here on, never before.</summary>
    public static SenderKeyDistribution Distribution(OwnChain chain) =>
        new(chain.ChannelId, chain.ChainId, chain.Index, chain.ChainKey, chain.Signing.PublicKey);

    /// <summary>The chain at an earlier index (one a device was already given), derived from the start key.</summary>
    public static SenderKeyDistribution DistributionAt(OwnChain chain, uint index)
    {
        var chainKey = chain.StartChainKey;
        for (var i = 0u; i < index; i++)
        {
            chainKey = Ratchet.KdfCk(chainKey).NextChainKey;
        }
        return new SenderKeyDistribution(chain.ChannelId, chain.ChainId, index, chainKey, chain.Signing.PublicKey);
    }

    public static ReceivedChain Accept(SenderKeyDistribution distribution, Guid senderUserId, Guid senderDeviceId) =>
        new(distribution.ChainId, distribution.ChannelId, senderUserId, senderDeviceId, distribution.Index, distribution.Index,
            distribution.ChainKey, distribution.SigningKey, []);

    /// <summary>
    /// Verifies and decrypts a channel message in the order of docs/crypto.md §4; returns the chain to store only on success.
    /// <paramref name="findChain"/> looks a received chain up by its id.
    /// </summary>
    public static DecryptResult<(byte[] Plaintext, ReceivedChain Chain)> Decrypt(
        Func<byte[], ReceivedChain?> findChain, Guid channelId, Guid senderUserId, Guid senderDeviceId, byte[] bytes)
    {
        var decoded = Wire.DecodeGroup(bytes);
        if (!decoded.Ok)
        {
            return decoded.Reason;
        }
        var message = decoded.Value!;
        if (findChain(message.ChainId) is not { } chain)
        {
            return DecryptFailureReason.UnknownChain;
        }
        if (chain.ChannelId != channelId)
        {
            return DecryptFailureReason.WrongChannel;
        }
        if (chain.SenderUserId != senderUserId || chain.SenderDeviceId != senderDeviceId)
        {
            return DecryptFailureReason.WrongSender;
        }
        var aad = Aad(channelId, senderDeviceId, message.ChainId, message.Index);
        if (!ChainSigningKey.Verify(chain.SigningKey, Bytes.Concat(aad, message.Ciphertext), message.Signature))
        {
            return DecryptFailureReason.BadSignature;
        }
        if (message.Index < chain.FirstIndex)
        {
            return DecryptFailureReason.BeforeDeviceJoined;
        }
        byte[] messageKey;
        var next = chain;
        if (message.Index < chain.NextIndex)
        {
            var skipped = chain.SkippedKeys.FirstOrDefault(k => k.Index == message.Index);
            if (skipped is null)
            {
                return DecryptFailureReason.Duplicate;
            }
            messageKey = skipped.MessageKey;
            next = chain with { SkippedKeys = chain.SkippedKeys.Where(k => k.Index != message.Index).ToList() };
        }
        else
        {
            if ((long)message.Index - chain.NextIndex > Labels.MaxForwardJump)
            {
                return DecryptFailureReason.TooFarAhead;
            }
            var skippedKeys = new List<SkippedGroupKey>(chain.SkippedKeys);
            var chainKey = chain.ChainKey;
            for (var index = chain.NextIndex; index < message.Index; index++)
            {
                var (skippedKey, following) = Ratchet.KdfCk(chainKey);
                skippedKeys.Add(new SkippedGroupKey(index, skippedKey));
                chainKey = following;
            }
            if (skippedKeys.Count > Labels.MaxSkippedKeys)
            {
                skippedKeys.RemoveRange(0, skippedKeys.Count - Labels.MaxSkippedKeys);
            }
            (messageKey, chainKey) = Ratchet.KdfCk(chainKey);
            next = chain with { NextIndex = message.Index + 1, ChainKey = chainKey, SkippedKeys = skippedKeys };
        }
        var (key, nonce) = Ratchet.MessageKeys(Labels.GroupMessageKeysInfo, messageKey);
        var plaintext = Primitives.AesGcmOpen(key, nonce, message.Ciphertext, aad);
        return plaintext is null
            ? DecryptFailureReason.BadMac
            : DecryptResult<(byte[], ReceivedChain)>.Success((plaintext, next));
    }
}
