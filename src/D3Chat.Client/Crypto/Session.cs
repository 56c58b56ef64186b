namespace D3Chat.Client.Crypto;

/// <summary>A message key kept for a message not yet received, by the ratchet key and index it belongs to.</summary>
public sealed record SkippedKey(byte[] RatchetKey, uint Index, byte[] MessageKey);

/// <summary>The X3DH header the initiator repeats on every message until the responder has answered.</summary>
public sealed record PendingPreKey(byte[] IdentityKey, byte[] EphemeralKey, byte[] SignedPreKey, byte[]? OneTimePreKey);

/// <summary>
/// One Double Ratchet session with one peer device (docs/crypto.md §3). Immutable: every step returns a new
/// value, so a failed decrypt leaves the stored one untouched.
/// </summary>
public sealed record SessionState(
    Guid PeerUserId,
    Guid PeerDeviceId,
    byte[] PeerIdentityKey,
    byte[] AssociatedData,
    byte[] BaseKey,
    byte[] RootKey,
    EcKeyPair SendingRatchetKey,
    byte[]? ReceivingRatchetKey,
    byte[]? SendingChainKey,
    byte[]? ReceivingChainKey,
    uint SendIndex,
    uint ReceiveIndex,
    uint PreviousSendCount,
    PendingPreKey? PendingPreKey,
    IReadOnlyList<SkippedKey> SkippedKeys,
    IReadOnlyList<byte[]> PreviousReceivingKeys);

/// <summary>Every session with one peer device: the current one first. Two devices that start a session at once each keep both until one wins.</summary>
public sealed record PeerSessions(SessionState Current, IReadOnlyList<SessionState> Previous)
{
    public const int MaxPrevious = Labels.MaxSessionStates - 1;

    public IEnumerable<SessionState> All => Previous.Prepend(Current);

    /// <summary>Makes <paramref name="state"/> current, replacing the one it evolved from (<paramref name="replaced"/>), or adding it.</summary>
    public static PeerSessions Promote(PeerSessions? existing, SessionState? replaced, SessionState state)
    {
        var others = existing?.All.Where(s => !ReferenceEquals(s, replaced)).ToList() ?? [];
        return new PeerSessions(state, others.Take(MaxPrevious).ToList());
    }
}

/// <summary>The outcome of a pairwise decrypt: the plaintext, the sessions and device keys to store (a used one-time pre-key is gone).</summary>
public sealed record PairwiseDecrypted(byte[] Plaintext, PeerSessions Sessions, DeviceKeys Keys);

public static class Session
{
    private const int MaxPreviousReceivingKeys = 8;

    /// <summary>The initiator's session after X3DH: a fresh ratchet key against the responder's signed pre-key.</summary>
    public static SessionState Initiate(
        X3dhSecret secret, EcKeyPair identity, PreKeyBundle bundle, EcKeyPair ephemeral, EcKeyPair? ratchetKey = null)
    {
        var sending = ratchetKey ?? EcKeyPair.Generate();
        var dh = Primitives.Ecdh(sending, bundle.SignedPreKey) ?? throw new ArgumentException("invalid signed pre-key", nameof(bundle));
        var (rootKey, chainKey) = Ratchet.KdfRk(secret.SharedSecret, dh);
        return new SessionState(
            bundle.UserId, bundle.DeviceId, bundle.IdentityKey, secret.AssociatedData, ephemeral.PublicKey,
            rootKey, sending, bundle.SignedPreKey, chainKey, null, 0, 0, 0,
            new PendingPreKey(identity.PublicKey, ephemeral.PublicKey, bundle.SignedPreKey, bundle.OneTimePreKey),
            [], []);
    }

    /// <summary>The responder's session after X3DH: its signed pre-key is the first sending ratchet key; it ratchets on the first message.</summary>
    public static SessionState Respond(
        X3dhSecret secret, EcKeyPair signedPreKey, Guid peerUserId, Guid peerDeviceId, byte[] peerIdentityKey, byte[] baseKey) =>
        new(peerUserId, peerDeviceId, peerIdentityKey, secret.AssociatedData, baseKey,
            secret.SharedSecret, signedPreKey, null, null, null, 0, 0, 0, null, [], []);

    /// <summary>Encrypts one message; a <c>TYPE_PREKEY</c> message while the peer has not answered yet.</summary>
    public static (byte[] Bytes, SessionState State) Encrypt(SessionState state, byte[] plaintext)
    {
        var chainKey = state.SendingChainKey ?? throw new InvalidOperationException("this session cannot send before it received a message");
        var (messageKey, nextChainKey) = Ratchet.KdfCk(chainKey);
        var header = new RatchetHeader(state.SendingRatchetKey.PublicKey, state.PreviousSendCount, state.SendIndex);
        var aadSuffix = new RatchetMessage(header, []).AadSuffix();
        var (key, nonce) = Ratchet.MessageKeys(Labels.MessageKeysInfo, messageKey);
        var message = new RatchetMessage(header, Primitives.AesGcmSeal(key, nonce, plaintext, Bytes.Concat(state.AssociatedData, aadSuffix)));
        var next = state with { SendingChainKey = nextChainKey, SendIndex = state.SendIndex + 1 };
        var bytes = state.PendingPreKey is { } pending
            ? new PreKeyMessage(pending.IdentityKey, pending.EphemeralKey, pending.SignedPreKey, pending.OneTimePreKey, message).Encode()
            : message.Encode();
        return (bytes, next);
    }

    /// <summary>Decrypts a <c>TYPE_RATCHET</c> message in one session; the new state only on success.</summary>
    public static DecryptResult<(byte[] Plaintext, SessionState State)> Decrypt(SessionState state, RatchetMessage message, Func<EcKeyPair>? newRatchetKey = null)
    {
        var header = message.Header;
        var aad = Bytes.Concat(state.AssociatedData, message.AadSuffix());
        var skippedIndex = FindSkipped(state.SkippedKeys, header.RatchetKey, header.Index);
        if (skippedIndex >= 0)
        {
            var opened = Open(state.SkippedKeys[skippedIndex].MessageKey, message.Ciphertext, aad);
            if (opened is null)
            {
                return DecryptFailureReason.BadMac;
            }
            var skipped = state.SkippedKeys.Where((_, i) => i != skippedIndex).ToList();
            return DecryptResult<(byte[], SessionState)>.Success((opened, state with { SkippedKeys = skipped, PendingPreKey = null }));
        }

        var working = state;
        var skippedKeys = new List<SkippedKey>(state.SkippedKeys);
        var isCurrentChain = state.ReceivingRatchetKey is { } current && current.AsSpan().SequenceEqual(header.RatchetKey);
        if (!isCurrentChain)
        {
            if (state.PreviousReceivingKeys.Any(k => k.AsSpan().SequenceEqual(header.RatchetKey)))
            {
                return DecryptFailureReason.Duplicate;
            }
            if (working.ReceivingChainKey is not null)
            {
                if ((long)header.PreviousCount - working.ReceiveIndex > Labels.MaxForwardJump)
                {
                    return DecryptFailureReason.TooFarAhead;
                }
                working = SkipTo(working, header.PreviousCount, skippedKeys);
            }
            if (!Primitives.IsValidPublicKey(header.RatchetKey))
            {
                return DecryptFailureReason.Malformed;
            }
            working = DhRatchet(working, header.RatchetKey, newRatchetKey ?? EcKeyPair.Generate);
        }
        if (header.Index < working.ReceiveIndex)
        {
            return DecryptFailureReason.Duplicate;
        }
        if ((long)header.Index - working.ReceiveIndex > Labels.MaxForwardJump)
        {
            return DecryptFailureReason.TooFarAhead;
        }
        working = SkipTo(working, header.Index, skippedKeys);
        var (messageKey, nextChainKey) = Ratchet.KdfCk(working.ReceivingChainKey!);
        var plaintext = Open(messageKey, message.Ciphertext, aad);
        if (plaintext is null)
        {
            return DecryptFailureReason.BadMac;
        }
        if (skippedKeys.Count > Labels.MaxSkippedKeys)
        {
            skippedKeys.RemoveRange(0, skippedKeys.Count - Labels.MaxSkippedKeys);
        }
        return DecryptResult<(byte[], SessionState)>.Success((plaintext, working with
        {
            ReceivingChainKey = nextChainKey,
            ReceiveIndex = header.Index + 1,
            SkippedKeys = skippedKeys,
            PendingPreKey = null,
        }));
    }

    /// <summary>
    /// Decrypts any pairwise message from <paramref name="senderDeviceId"/>. A <c>TYPE_PREKEY</c> message opens a session
    /// (its identity key must be <paramref name="expectedIdentityKey"/>, the one the directory lists for that device).
    /// </summary>
    public static DecryptResult<PairwiseDecrypted> DecryptPairwise(
        DeviceKeys own, Guid ownDeviceId, Guid senderUserId, Guid senderDeviceId, byte[]? expectedIdentityKey,
        PeerSessions? sessions, byte[] bytes, Func<EcKeyPair>? newRatchetKey = null)
    {
        var type = Wire.PeekType(bytes);
        if (!type.Ok)
        {
            return type.Reason;
        }
        if (type.Value == Labels.TypeRatchet)
        {
            var message = Wire.DecodeRatchet(bytes);
            if (!message.Ok)
            {
                return message.Reason;
            }
            return sessions is null
                ? DecryptFailureReason.NoSession
                : DecryptInAny(sessions, message.Value!, own, newRatchetKey);
        }
        if (type.Value != Labels.TypePrekey)
        {
            return DecryptFailureReason.Malformed;
        }
        var decoded = Wire.DecodePreKey(bytes);
        if (!decoded.Ok)
        {
            return decoded.Reason;
        }
        var preKey = decoded.Value!;
        if (expectedIdentityKey is null || !Bytes.ConstantTimeEqual(expectedIdentityKey, preKey.IdentityKey))
        {
            return DecryptFailureReason.UntrustedIdentity;
        }
        // The initiator repeats its X3DH header until it hears back: a session built from this header already exists.
        var existing = sessions?.All.FirstOrDefault(s => s.BaseKey.AsSpan().SequenceEqual(preKey.EphemeralKey)
            && s.PeerIdentityKey.AsSpan().SequenceEqual(preKey.IdentityKey));
        if (existing is not null)
        {
            var again = Decrypt(existing, preKey.Inner, newRatchetKey);
            return again.Ok
                ? DecryptResult<PairwiseDecrypted>.Success(new PairwiseDecrypted(again.Value.Plaintext, PeerSessions.Promote(sessions, existing, again.Value.State), own))
                : again.Reason;
        }
        if (!preKey.SignedPreKey.AsSpan().SequenceEqual(own.SignedPreKey.PublicKey))
        {
            return DecryptFailureReason.UnknownPrekey;
        }
        EcKeyPair? oneTimePreKey = null;
        if (preKey.OneTimePreKey is { } opk && (oneTimePreKey = own.FindOneTimePreKey(opk)) is null)
        {
            return DecryptFailureReason.UnknownPrekey;
        }
        var secret = X3dh.Respond(own.Identity, ownDeviceId, own.SignedPreKey, oneTimePreKey, preKey.IdentityKey, preKey.EphemeralKey, senderDeviceId);
        if (secret is null)
        {
            return DecryptFailureReason.Malformed;
        }
        var fresh = Respond(secret, own.SignedPreKey, senderUserId, senderDeviceId, preKey.IdentityKey, preKey.EphemeralKey);
        var result = Decrypt(fresh, preKey.Inner, newRatchetKey);
        if (!result.Ok)
        {
            return result.Reason;
        }
        var keys = oneTimePreKey is null ? own : own.WithoutOneTimePreKey(oneTimePreKey.PublicKey);
        return DecryptResult<PairwiseDecrypted>.Success(new PairwiseDecrypted(result.Value.Plaintext, PeerSessions.Promote(sessions, null, result.Value.State), keys));
    }

    private static DecryptResult<PairwiseDecrypted> DecryptInAny(PeerSessions sessions, RatchetMessage message, DeviceKeys own, Func<EcKeyPair>? newRatchetKey)
    {
        DecryptFailureReason? first = null;
        foreach (var candidate in sessions.All)
        {
            var result = Decrypt(candidate, message, newRatchetKey);
            if (result.Ok)
            {
                return DecryptResult<PairwiseDecrypted>.Success(new PairwiseDecrypted(result.Value.Plaintext, PeerSessions.Promote(sessions, candidate, result.Value.State), own));
            }
            first ??= result.Reason;
        }
        return first!.Value;
    }

    private static SessionState DhRatchet(SessionState state, byte[] remoteKey, Func<EcKeyPair> newRatchetKey)
    {
        var (rootKey, receivingChain) = Ratchet.KdfRk(state.RootKey, Primitives.Ecdh(state.SendingRatchetKey, remoteKey)!);
        var sending = newRatchetKey();
        var (nextRootKey, sendingChain) = Ratchet.KdfRk(rootKey, Primitives.Ecdh(sending, remoteKey)!);
        var previous = state.ReceivingRatchetKey is { } old
            ? state.PreviousReceivingKeys.Append(old).TakeLast(MaxPreviousReceivingKeys).ToList()
            : state.PreviousReceivingKeys;
        return state with
        {
            RootKey = nextRootKey,
            SendingRatchetKey = sending,
            ReceivingRatchetKey = remoteKey,
            SendingChainKey = sendingChain,
            ReceivingChainKey = receivingChain,
            PreviousSendCount = state.SendIndex,
            SendIndex = 0,
            ReceiveIndex = 0,
            PreviousReceivingKeys = previous,
        };
    }

    // Keys of messages still to come are kept (the oldest evicted past MAX_SKIPPED_KEYS) so out-of-order delivery decrypts.
    private static SessionState SkipTo(SessionState state, uint until, List<SkippedKey> skipped)
    {
        if (state.ReceivingChainKey is null)
        {
            return state;
        }
        var chainKey = state.ReceivingChainKey;
        var index = state.ReceiveIndex;
        while (index < until)
        {
            var (messageKey, next) = Ratchet.KdfCk(chainKey);
            skipped.Add(new SkippedKey(state.ReceivingRatchetKey!, index, messageKey));
            chainKey = next;
            index++;
        }
        return state with { ReceivingChainKey = chainKey, ReceiveIndex = index };
    }

    private static int FindSkipped(IReadOnlyList<SkippedKey> skipped, byte[] ratchetKey, uint index)
    {
        for (var i = 0; i < skipped.Count; i++)
        {
            if (skipped[i].Index == index && skipped[i].RatchetKey.AsSpan().SequenceEqual(ratchetKey))
            {
                return i;
            }
        }
        return -1;
    }

    private static byte[]? Open(byte[] messageKey, byte[] ciphertext, byte[] aad)
    {
        var (key, nonce) = Ratchet.MessageKeys(Labels.MessageKeysInfo, messageKey);
        return Primitives.AesGcmOpen(key, nonce, ciphertext, aad);
    }
}
