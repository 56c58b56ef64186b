using System.Text.Json;
using System.Text.Json.Serialization;
using D3Chat.Client.Crypto;

namespace D3Chat.Client.E2ee;

/// <summary>
/// The encrypting client of one device (docs/crypto.md §8 <c>E2ee</c>): it keeps the device's keys, sessions and chains in
/// an <see cref="IProtocolStore"/>, talks to the server only through an <see cref="IKeyDirectory"/>, and never returns or
/// posts plaintext in place of ciphertext. One operation runs at a time; state is saved only when an operation succeeded.
/// </summary>
public sealed class E2eeClient
{
    private static readonly JsonSerializerOptions PayloadJson = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    private readonly IKeyDirectory _directory;
    private readonly IProtocolStore _store;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Dictionary<Guid, IReadOnlyList<DeviceIdentity>> _knownDevices = [];
    private readonly HashSet<string> _announcedChanges = [];
    private ProtocolState _state;

    private E2eeClient(ProtocolState state, IKeyDirectory directory, IProtocolStore store, TimeProvider time)
    {
        _state = state;
        _directory = directory;
        _store = store;
        _time = time;
    }

    public Guid UserId => _state.UserId;

    public Guid DeviceId => _state.DeviceId;

    /// <summary>A contact's devices changed: the safety number differs from the remembered one. Never accepted silently.</summary>
    public event Action<SafetyNumberChanged>? SafetyNumberChanged;

    public static async Task<E2eeClient> OpenAsync(
        Guid userId, Guid deviceId, IKeyDirectory directory, IProtocolStore store, TimeProvider? time = null, CancellationToken ct = default)
    {
        var state = await store.LoadAsync(deviceId, ct) ?? ProtocolState.Empty(userId, deviceId);
        if (state.UserId != userId)
        {
            throw new InvalidOperationException("the stored state of this device belongs to another user");
        }
        return new E2eeClient(state, directory, store, time ?? TimeProvider.System);
    }

    /// <summary>Creates and uploads the device keys once; afterwards tops one-time pre-keys back up to 100 when fewer than 20 remain.</summary>
    public Task EnsureDeviceKeysAsync(CancellationToken ct = default) => Exclusive(async () =>
    {
        if (_state.Keys is null)
        {
            await CommitAsync(_state with { Keys = Crypto.DeviceKeys.Generate() }, ct);
        }
        var keys = _state.Keys!;
        if (!_state.KeysUploaded)
        {
            await _directory.UploadDeviceKeysAsync(new DeviceKeyUpload(
                DeviceId, B64(keys.Identity.PublicKey), B64(keys.Signing.PublicKey), B64(keys.SignedPreKey.PublicKey),
                B64(keys.SignedPreKeySignature), keys.OneTimePreKeys.Select(k => B64(k.PublicKey)).ToList()), ct);
            await CommitAsync(_state with { KeysUploaded = true }, ct);
            return;
        }
        var remaining = await _directory.UploadOneTimeKeysAsync(DeviceId, [], ct);
        if (remaining >= Labels.ReplenishBelow)
        {
            return;
        }
        var fresh = Enumerable.Range(0, Labels.OneTimePrekeys - remaining).Select(_ => EcKeyPair.Generate()).ToList();
        // Private halves are stored before the public ones are published, so no claimed key is ever unknown here.
        await CommitAsync(_state with { Keys = keys with { OneTimePreKeys = [.. keys.OneTimePreKeys, .. fresh] } }, ct);
        await _directory.UploadOneTimeKeysAsync(DeviceId, fresh.Select(k => B64(k.PublicKey)).ToList(), ct);
    });

    /// <summary>
    /// Encrypts a channel message for every device of every member (this user's other devices included), handing the
    /// chain to devices that do not have it yet. Throws <see cref="EncryptionUnavailableException"/> and posts nothing
    /// when any member device cannot be reached securely.
    /// </summary>
    public Task<EncryptedMessage> EncryptMessageAsync(Guid channelId, MessagePayload payload, CancellationToken ct = default) => Exclusive(async () =>
    {
        var keys = _state.Keys ?? throw new EncryptionUnavailableException("no_keys", "this device has no keys yet: call EnsureDeviceKeysAsync first");
        var now = _time.GetUtcNow();
        var recipients = await RecipientDevicesAsync(channelId, ct);
        var chain = _state.OwnChains.GetValueOrDefault(channelId);
        var recipientIds = recipients.Select(r => r.Device.DeviceId).ToHashSet();
        if (chain is null || SenderKeys.NeedsRotation(chain, now) || chain.Recipients.Keys.Any(d => !recipientIds.Contains(d)))
        {
            chain = SenderKeys.NewChain(channelId, now);
        }
        var working = _state;
        if (recipients.Any(r => !chain.Recipients.ContainsKey(r.Device.DeviceId)))
        {
            // The server replaces this device's envelope set on every upload, so each current reader gets one again,
            // at the index it first got: an unfetched envelope is never lost and no device reads before it joined.
            var envelopes = new List<RecipientEnvelope>();
            var given = new Dictionary<Guid, uint>();
            foreach (var (userId, device) in recipients)
            {
                var distribution = chain.Recipients.TryGetValue(device.DeviceId, out var index)
                    ? SenderKeys.DistributionAt(chain, index)
                    : SenderKeys.Distribution(chain);
                var (sessions, bytes) = await EncryptPairwiseAsync(working, keys, userId, device, distribution.Encode(), ct);
                working = working with { Sessions = With(working.Sessions, device.DeviceId, sessions) };
                envelopes.Add(new RecipientEnvelope(device.DeviceId, B64(bytes)));
                given[device.DeviceId] = distribution.Index;
            }
            await _directory.PostSenderKeyEnvelopesAsync(channelId, DeviceId, B64(chain.ChainId), envelopes, ct);
            chain = chain with { Recipients = given };
        }
        var (message, next) = SenderKeys.Encrypt(chain, UserId, DeviceId, JsonSerializer.SerializeToUtf8Bytes(payload, PayloadJson));
        await CommitAsync(working with { OwnChains = With(working.OwnChains, channelId, next) }, ct);
        return new EncryptedMessage(B64(message), Labels.ProtocolVersion, DeviceId);
    });

    /// <summary>Decrypts a channel message, fetching this device's sender-key envelopes once when the chain is unknown.</summary>
    public Task<DecryptResult<MessagePayload>> DecryptMessageAsync(IncomingMessage message, CancellationToken ct = default) => Exclusive(async () =>
    {
        if (message.ProtocolVersion != Labels.ProtocolVersion)
        {
            return DecryptFailureReason.LegacyProtocol;
        }
        if (message.SenderDeviceId is not { } senderDeviceId || FromB64(message.Content) is not { } bytes)
        {
            return DecryptFailureReason.Malformed;
        }
        if (senderDeviceId == DeviceId && message.SenderUserId == UserId)
        {
            return DecryptOwn(message.ChannelId, bytes);
        }
        var result = DecryptGroup(message.ChannelId, message.SenderUserId, senderDeviceId, bytes);
        if (!result.Ok && result.Reason == DecryptFailureReason.UnknownChain)
        {
            await ReceiveSenderKeysCoreAsync(message.ChannelId, ct);
            result = DecryptGroup(message.ChannelId, message.SenderUserId, senderDeviceId, bytes);
        }
        if (!result.Ok)
        {
            return result.Reason;
        }
        if (ParsePayload(result.Value.Plaintext) is not { } payload)
        {
            return DecryptFailureReason.Malformed;
        }
        var chain = result.Value.Chain;
        await CommitAsync(_state with { ReceivedChains = With(_state.ReceivedChains, Bytes.ToHex(chain.ChainId), chain) }, ct);
        return DecryptResult<MessagePayload>.Success(payload);
    });

    /// <summary>Reads the sender-key envelopes addressed to this device in a channel; returns the ones it could not use.</summary>
    public Task<IReadOnlyList<EnvelopeFailure>> ReceiveSenderKeysAsync(Guid channelId, CancellationToken ct = default) =>
        Exclusive(() => ReceiveSenderKeysCoreAsync(channelId, ct));

    /// <summary>A member or one of its devices left or was removed: the next message starts a new chain.</summary>
    public Task MembersChangedAsync(Guid channelId, CancellationToken ct = default) => Exclusive(async () =>
    {
        if (_state.OwnChains.GetValueOrDefault(channelId) is { } chain)
        {
            await CommitAsync(_state with { OwnChains = With(_state.OwnChains, channelId, chain with { RotationDue = true }) }, ct);
        }
    });

    /// <summary>
    /// The safety number with <paramref name="userId"/> as shown (12 groups of 5 digits, as the TypeScript module returns it),
    /// and whether it differs from the one this device remembered.
    /// </summary>
    public Task<SafetyNumberCheck> SafetyNumberAsync(Guid userId, CancellationToken ct = default) => Exclusive(async () =>
    {
        var number = await ComputeSafetyNumberAsync(userId, ct);
        var remembered = _state.ContactDigests.GetValueOrDefault(userId);
        return new SafetyNumberCheck(number.Grouped, remembered is not null && !Bytes.ConstantTimeEqual(remembered, number.ContactDigest));
    });

    /// <summary>The user has compared the new safety number: remember it.</summary>
    public Task AcceptSafetyNumberAsync(Guid userId, CancellationToken ct = default) => Exclusive(async () =>
    {
        var number = await ComputeSafetyNumberAsync(userId, ct);
        await CommitAsync(_state with { ContactDigests = With(_state.ContactDigests, userId, number.ContactDigest) }, ct);
    });

    public static (byte[] Blob, AttachmentRef Ref) EncryptAttachment(byte[] content, string name, string type)
    {
        var encrypted = Attachments.Encrypt(content);
        return (encrypted.Blob, new AttachmentRef(null, B64(encrypted.Key), B64(encrypted.Sha256), name, type, content.Length));
    }

    public static DecryptResult<byte[]> DecryptAttachment(byte[] blob, AttachmentRef reference) =>
        FromB64(reference.Key) is { } key && FromB64(reference.Sha256) is { } hash
            ? Attachments.Decrypt(blob, key, hash)
            : DecryptFailureReason.Malformed;

    /// <summary>Logout: every key, session, chain and remembered safety number of this device is deleted.</summary>
    public Task WipeAsync(CancellationToken ct = default) => Exclusive(async () =>
    {
        await _store.WipeAsync(DeviceId, ct);
        _state = ProtocolState.Empty(UserId, DeviceId);
        _knownDevices.Clear();
    });

    private DecryptResult<(byte[] Plaintext, ReceivedChain Chain)> DecryptGroup(Guid channelId, Guid senderUserId, Guid senderDeviceId, byte[] bytes) =>
        SenderKeys.Decrypt(id => _state.ReceivedChains.GetValueOrDefault(Bytes.ToHex(id)), channelId, senderUserId, senderDeviceId, bytes);

    // This device's own messages (history, other tabs): the current chain is re-derived from its start key; nothing is stored.
    private DecryptResult<MessagePayload> DecryptOwn(Guid channelId, byte[] bytes)
    {
        var decoded = Wire.DecodeGroup(bytes);
        if (!decoded.Ok)
        {
            return decoded.Reason;
        }
        if (_state.OwnChains.GetValueOrDefault(channelId) is not { } own || !own.ChainId.AsSpan().SequenceEqual(decoded.Value!.ChainId))
        {
            return DecryptFailureReason.UnknownChain;
        }
        var start = SenderKeys.DistributionAt(own, 0);
        var asReceived = SenderKeys.Accept(start, UserId, DeviceId);
        var result = SenderKeys.Decrypt(_ => asReceived, channelId, UserId, DeviceId, bytes);
        if (!result.Ok)
        {
            return result.Reason;
        }
        return ParsePayload(result.Value.Plaintext) is { } payload ? DecryptResult<MessagePayload>.Success(payload) : DecryptFailureReason.Malformed;
    }

    private async Task<IReadOnlyList<EnvelopeFailure>> ReceiveSenderKeysCoreAsync(Guid channelId, CancellationToken ct)
    {
        if (_state.Keys is null)
        {
            return [];
        }
        var failures = new List<EnvelopeFailure>();
        foreach (var envelope in await _directory.FetchSenderKeyEnvelopesAsync(channelId, DeviceId, ct))
        {
            var reason = await AcceptEnvelopeAsync(channelId, envelope, ct);
            if (reason is { } failure)
            {
                failures.Add(new EnvelopeFailure(envelope.SenderDeviceId, failure));
            }
        }
        return failures;
    }

    private async Task<DecryptFailureReason?> AcceptEnvelopeAsync(Guid channelId, ReceivedEnvelope envelope, CancellationToken ct)
    {
        if (envelope.RecipientDeviceId != DeviceId)
        {
            return DecryptFailureReason.NotARecipient;
        }
        if (envelope.SenderUserId is not { } senderUserId || FromB64(envelope.Envelope) is not { } bytes)
        {
            return DecryptFailureReason.Malformed;
        }
        var identity = await KnownIdentityAsync(senderUserId, envelope.SenderDeviceId, ct);
        var expectedIdentityKey = identity is not null && IsTrustedIdentity(identity) ? FromB64(identity.IdentityKey) : null;
        var pairwise = Session.DecryptPairwise(_state.Keys!, DeviceId, senderUserId, envelope.SenderDeviceId, expectedIdentityKey,
            _state.Sessions.GetValueOrDefault(envelope.SenderDeviceId), bytes);
        if (!pairwise.Ok)
        {
            // The server keeps serving an envelope until the sender replaces it; one already read is not a failure.
            return pairwise.Reason == DecryptFailureReason.Duplicate ? null : pairwise.Reason;
        }
        var decoded = pairwise.Value!;
        var distributions = Wire.DecodeSenderKeys(decoded.Plaintext);
        if (!distributions.Ok)
        {
            return distributions.Reason;
        }
        if (distributions.Value![0].ChannelId != channelId)
        {
            return DecryptFailureReason.WrongChannel;
        }
        // The current chain first, then earlier chains this device may have missed while offline.
        var chains = _state.ReceivedChains;
        foreach (var distribution in distributions.Value)
        {
            var chainId = Bytes.ToHex(distribution.ChainId);
            var known = chains.GetValueOrDefault(chainId);
            if (known is not null && (known.SenderDeviceId != envelope.SenderDeviceId || known.SenderUserId != senderUserId))
            {
                return DecryptFailureReason.WrongSender;
            }
            if (known is null)
            {
                chains = With(chains, chainId, SenderKeys.Accept(distribution, senderUserId, envelope.SenderDeviceId));
            }
        }
        await CommitAsync(_state with
        {
            Keys = decoded.Keys,
            Sessions = With(_state.Sessions, envelope.SenderDeviceId, decoded.Sessions),
            ReceivedChains = chains,
        }, ct);
        return null;
    }

    private async Task<(PeerSessions Sessions, byte[] Bytes)> EncryptPairwiseAsync(
        ProtocolState working, Crypto.DeviceKeys keys, Guid userId, DeviceIdentity device, byte[] plaintext, CancellationToken ct)
    {
        var identityKey = FromB64(device.IdentityKey)!;
        var sessions = working.Sessions.GetValueOrDefault(device.DeviceId);
        if (sessions is null || !sessions.Current.PeerIdentityKey.AsSpan().SequenceEqual(identityKey) || sessions.Current.SendingChainKey is null)
        {
            var claimed = await _directory.ClaimBundleAsync(userId, device.DeviceId, ct)
                ?? throw new EncryptionUnavailableException("no_bundle", $"device {device.DeviceId} of user {userId} has no key bundle");
            var bundle = DecodeBundle(userId, claimed);
            if (bundle is null || !bundle.IdentityKey.AsSpan().SequenceEqual(identityKey) || !Keys.VerifyBundle(bundle))
            {
                throw new EncryptionUnavailableException("untrusted_identity", $"the key bundle of device {device.DeviceId} does not verify");
            }
            var ephemeral = EcKeyPair.Generate();
            var secret = X3dh.Initiate(keys.Identity, DeviceId, bundle, ephemeral);
            sessions = PeerSessions.Promote(sessions, null, Session.Initiate(secret, keys.Identity, bundle, ephemeral));
        }
        var (bytes, next) = Session.Encrypt(sessions.Current, plaintext);
        return (sessions with { Current = next }, bytes);
    }

    // Every device of every member except this one; a device whose keys do not verify makes the send fail.
    private async Task<List<(Guid UserId, DeviceIdentity Device)>> RecipientDevicesAsync(Guid channelId, CancellationToken ct)
    {
        var recipients = new List<(Guid, DeviceIdentity)>();
        var members = (await _directory.ChannelDevicesAsync(channelId, ct)).DistinctBy(m => m.UserId).ToList();
        if (!members.Any(m => m.UserId == UserId))
        {
            throw new EncryptionUnavailableException("not_a_member", $"user {UserId} is not a member of channel {channelId}");
        }
        foreach (var (memberId, listed) in members)
        {
            var devices = await RememberDevicesAsync(memberId, listed, ct);
            if (devices.Count == 0)
            {
                throw new EncryptionUnavailableException("no_devices", $"user {memberId} has no device with keys to encrypt for");
            }
            foreach (var device in devices)
            {
                if (device.DeviceId == DeviceId)
                {
                    continue;
                }
                if (!IsTrustedIdentity(device))
                {
                    throw new EncryptionUnavailableException("untrusted_identity", $"device {device.DeviceId} of user {memberId} has no verifiable keys");
                }
                recipients.Add((memberId, device));
            }
        }
        return recipients;
    }

    private async Task<IReadOnlyList<DeviceIdentity>> FreshDevicesAsync(Guid userId, CancellationToken ct) =>
        await RememberDevicesAsync(userId, await _directory.ListDevicesAsync(userId, ct), ct);

    // The user's devices as the server just listed them: kept for reading, and checked against the contact's safety digest.
    private async Task<IReadOnlyList<DeviceIdentity>> RememberDevicesAsync(Guid userId, IReadOnlyList<DeviceIdentity> devices, CancellationToken ct)
    {
        _knownDevices[userId] = devices;
        if (userId != UserId)
        {
            await NoticeContactKeysAsync(userId, devices, ct);
        }
        return devices;
    }

    private async Task<DeviceIdentity?> KnownIdentityAsync(Guid userId, Guid deviceId, CancellationToken ct)
    {
        if (_knownDevices.GetValueOrDefault(userId)?.FirstOrDefault(d => d.DeviceId == deviceId) is { } known)
        {
            return known;
        }
        return (await FreshDevicesAsync(userId, ct)).FirstOrDefault(d => d.DeviceId == deviceId);
    }

    // Trust on first use: the first digest seen is remembered; a different one later raises the event once and is not accepted.
    private async Task NoticeContactKeysAsync(Guid userId, IReadOnlyList<DeviceIdentity> devices, CancellationToken ct)
    {
        var digest = Safety.UserDigest(Fingerprints(devices));
        var remembered = _state.ContactDigests.GetValueOrDefault(userId);
        if (remembered is null)
        {
            await CommitAsync(_state with { ContactDigests = With(_state.ContactDigests, userId, digest) }, ct);
        }
        else if (!Bytes.ConstantTimeEqual(remembered, digest) && _announcedChanges.Add($"{userId}:{Bytes.ToHex(digest)}"))
        {
            SafetyNumberChanged?.Invoke(new SafetyNumberChanged(userId));
        }
    }

    private async Task<SafetyNumber> ComputeSafetyNumberAsync(Guid userId, CancellationToken ct)
    {
        var own = await FreshDevicesAsync(UserId, ct);
        var theirs = await FreshDevicesAsync(userId, ct);
        return Safety.Compute(Fingerprints(own), Fingerprints(theirs));
    }

    private static IEnumerable<DeviceFingerprint> Fingerprints(IEnumerable<DeviceIdentity> devices) =>
        devices.Where(IsTrustedIdentity).Select(d => new DeviceFingerprint(FromB64(d.IdentityKey)!, FromB64(d.SigningKey!)!));

    /// <summary>Valid identity and signing keys, and (when the listing carries it) a pre-key signature binding the two.</summary>
    private static bool IsTrustedIdentity(DeviceIdentity device)
    {
        if (FromB64(device.IdentityKey) is not { } identityKey || device.SigningKey is null || FromB64(device.SigningKey) is not { } signingKey
            || !Primitives.IsValidPublicKey(identityKey) || !Primitives.IsValidPublicKey(signingKey))
        {
            return false;
        }
        if (device.SignedPreKey is null || device.SignedPreKeySignature is null)
        {
            return true;
        }
        return FromB64(device.SignedPreKey) is { } spk && FromB64(device.SignedPreKeySignature) is { } signature
            && Primitives.Verify(signingKey, Keys.PreKeySignatureInput(identityKey, spk), signature);
    }

    private static PreKeyBundle? DecodeBundle(Guid userId, ClaimedPreKeyBundle claimed)
    {
        var identity = FromB64(claimed.IdentityKey);
        var spk = FromB64(claimed.SignedPreKey);
        var signature = FromB64(claimed.SignedPreKeySignature);
        var signing = claimed.SigningKey is null ? null : FromB64(claimed.SigningKey);
        var opk = claimed.OneTimePreKey is null ? null : FromB64(claimed.OneTimePreKey);
        if (identity is null || spk is null || signature is null || (claimed.OneTimePreKey is not null && opk is null))
        {
            return null;
        }
        return new PreKeyBundle(userId, claimed.DeviceId, identity, signing, spk, signature, opk);
    }

    private static MessagePayload? ParsePayload(byte[] plaintext)
    {
        try
        {
            return JsonSerializer.Deserialize<MessagePayload>(plaintext, PayloadJson) is { Text: not null } payload ? payload : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private async Task CommitAsync(ProtocolState next, CancellationToken ct)
    {
        await _store.SaveAsync(next, ct);
        _state = next;
    }

    private async Task<T> Exclusive<T>(Func<Task<T>> operation)
    {
        await _gate.WaitAsync();
        try
        {
            return await operation();
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task Exclusive(Func<Task> operation) => await Exclusive(async () =>
    {
        await operation();
        return true;
    });

    private static IReadOnlyDictionary<TKey, TValue> With<TKey, TValue>(IReadOnlyDictionary<TKey, TValue> map, TKey key, TValue value)
        where TKey : notnull => new Dictionary<TKey, TValue>(map) { [key] = value };

    private static string B64(byte[] bytes) => Convert.ToBase64String(bytes);

    private static byte[]? FromB64(string text)
    {
        try
        {
            return Convert.FromBase64String(text);
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
