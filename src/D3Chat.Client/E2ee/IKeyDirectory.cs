namespace D3Chat.Client.E2ee;

/// <summary>What <c>POST /keys/upload</c> carries; keys as base64 on the wire.</summary>
public sealed record DeviceKeyUpload(
    Guid DeviceId, string IdentityKey, string SigningKey, string SignedPreKey, string SignedPreKeySignature, IReadOnlyList<string> OneTimePreKeys);

/// <summary>One device of a user as <c>GET /keys/{user_id}/devices</c> lists it (claims nothing).</summary>
public sealed record DeviceIdentity(Guid DeviceId, string IdentityKey, string? SigningKey, string? SignedPreKey, string? SignedPreKeySignature);

/// <summary>A member of a channel and its devices.</summary>
public sealed record MemberDevices(Guid UserId, IReadOnlyList<DeviceIdentity> Devices);

/// <summary>A device's bundle with one claimed one-time pre-key when it had one left.</summary>
public sealed record ClaimedPreKeyBundle(
    Guid DeviceId, string IdentityKey, string? SigningKey, string SignedPreKey, string SignedPreKeySignature, string? OneTimePreKey);

/// <summary>One sender-key envelope addressed to one device.</summary>
public sealed record RecipientEnvelope(Guid RecipientDeviceId, string Envelope);

/// <summary>An envelope as the reading device receives it; the sender ids are what the server reports.</summary>
public sealed record ReceivedEnvelope(Guid? SenderUserId, Guid SenderDeviceId, Guid RecipientDeviceId, string SenderKeyPublic, string Envelope);

/// <summary>
/// What <see cref="E2eeClient"/> needs from a server (docs/crypto.md §8 <c>KeyDirectory</c>). The client itself never
/// does HTTP; <see cref="D3ChatKeyDirectory"/> implements this over <see cref="D3ChatClient"/>.
/// </summary>
public interface IKeyDirectory
{
    Task UploadDeviceKeysAsync(DeviceKeyUpload upload, CancellationToken ct = default);

    /// <summary>Adds one-time pre-keys (none to just ask) and returns how many the server now holds for the device.</summary>
    Task<int> UploadOneTimeKeysAsync(Guid deviceId, IReadOnlyList<string> keys, CancellationToken ct = default);

    Task<IReadOnlyList<DeviceIdentity>> ListDevicesAsync(Guid userId, CancellationToken ct = default);

    /// <summary>Claims a bundle of one device; null when the device has none.</summary>
    Task<ClaimedPreKeyBundle?> ClaimBundleAsync(Guid userId, Guid deviceId, CancellationToken ct = default);

    /// <summary>Every member of the channel with its devices, in one answer (what each send checks).</summary>
    Task<IReadOnlyList<MemberDevices>> ChannelDevicesAsync(Guid channelId, CancellationToken ct = default);

    /// <summary>Replaces every envelope this device distributed in the channel with <paramref name="envelopes"/>.</summary>
    Task PostSenderKeyEnvelopesAsync(Guid channelId, Guid deviceId, string chainId, IReadOnlyList<RecipientEnvelope> envelopes, CancellationToken ct = default);

    Task<IReadOnlyList<ReceivedEnvelope>> FetchSenderKeyEnvelopesAsync(Guid channelId, Guid deviceId, CancellationToken ct = default);
}
