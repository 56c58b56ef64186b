namespace D3Chat.Client;

/// <summary>A pre-key bundle; <c>SigningKey</c> (protocol v3) is null for devices that uploaded none (reference clients).</summary>
public sealed record KeyBundleResponse(Guid DeviceId, string IdentityKey, string SignedPreKey, string SignedPreKeySignature, string? OneTimePreKey, int OneTimePreKeyCount,
    string? SigningKey = null);

/// <summary>One device of a user from <c>GET /api/v1/keys/{user_id}/devices</c> (no one-time key is claimed).</summary>
public sealed record DeviceKeys(Guid DeviceId, string IdentityKey, string? SigningKey, string SignedPreKey, string SignedPreKeySignature);

/// <summary>One member of a channel with its devices, from <c>GET /api/v1/keys/channels/{channel_id}/devices</c>.</summary>
public sealed record ChannelMemberDevices(Guid UserId, List<DeviceKeys> Devices);

public sealed record X3dhSetup(string InitiatorIdentityKey, string EphemeralPublicKey, bool UsedOneTimeKey);

public sealed record SenderKeyEnvelope(Guid RecipientDeviceId, string Envelope);

public sealed record SenderKeyUploadResponse(Guid DeviceId, string SenderKeyPublic, int MessageNumber, int Recipients);

public sealed record SenderKeyEnvelopeResponse(Guid DeviceId, Guid? SenderUserId, string SenderKeyPublic, Guid RecipientDeviceId, string Envelope, int MessageNumber, DateTime CreatedAt);

public sealed partial class D3ChatClient
{
    /// <param name="signingKey">Base64 of the device's 65-byte ECDSA P-256 public key (protocol v3); null for none (reference clients).</param>
    public Task UploadKeyBundleAsync(Guid deviceId, string identityKey, string signedPreKey, string signature, IReadOnlyList<string>? oneTimePreKeys = null,
        string? signingKey = null, CancellationToken ct = default) =>
        SendNoContentAsync(HttpMethod.Post, "/api/v1/keys/upload", new
        {
            device_id = deviceId,
            identity_key = identityKey,
            signing_key = signingKey,
            signed_pre_key = signedPreKey,
            signed_pre_key_signature = signature,
            one_time_pre_keys = oneTimePreKeys ?? Array.Empty<string>(),
        }, ct);

    /// <summary>The user's devices and their published keys (local or remote user); claims nothing.</summary>
    public Task<List<DeviceKeys>> GetUserDevicesAsync(Guid userId, CancellationToken ct = default) =>
        SendAsync<List<DeviceKeys>>(HttpMethod.Get, $"/api/v1/keys/{userId}/devices", ct: ct);

    /// <summary>Every member of the channel with its devices and their published keys; claims nothing.</summary>
    public Task<List<ChannelMemberDevices>> GetChannelDevicesAsync(Guid channelId, CancellationToken ct = default) =>
        SendAsync<List<ChannelMemberDevices>>(HttpMethod.Get, $"/api/v1/keys/channels/{channelId}/devices", ct: ct);

    public Task<List<KeyBundleResponse>> GetUserKeyBundlesAsync(Guid userId, CancellationToken ct = default) =>
        SendAsync<List<KeyBundleResponse>>(HttpMethod.Get, $"/api/v1/keys/{userId}/bundles", ct: ct);

    public Task<KeyBundleResponse> GetDeviceKeyBundleAsync(Guid deviceId, CancellationToken ct = default) =>
        SendAsync<KeyBundleResponse>(HttpMethod.Get, $"/api/v1/keys/{deviceId}/bundle", ct: ct);

    public Task UploadOneTimeKeysAsync(Guid deviceId, IReadOnlyList<string> oneTimePreKeys, CancellationToken ct = default) =>
        SendNoContentAsync(HttpMethod.Post, "/api/v1/keys/one-time", new { device_id = deviceId, one_time_pre_keys = oneTimePreKeys }, ct);

    public Task PostX3dhSetupAsync(Guid channelId, X3dhSetup setup, CancellationToken ct = default) =>
        SendNoContentAsync(HttpMethod.Post, $"/api/v1/keys/channels/{channelId}/x3dh-setup", setup, ct);

    public Task<X3dhSetup> GetX3dhSetupAsync(Guid channelId, CancellationToken ct = default) =>
        SendAsync<X3dhSetup>(HttpMethod.Get, $"/api/v1/keys/channels/{channelId}/x3dh-setup", ct: ct);

    /// <summary>Distributes a sender key: one envelope, encrypted for that device, per recipient device.</summary>
    public Task<SenderKeyUploadResponse> UploadSenderKeyAsync(Guid channelId, Guid deviceId, string senderKeyPublic, IReadOnlyList<SenderKeyEnvelope> envelopes, CancellationToken ct = default) =>
        SendAsync<SenderKeyUploadResponse>(HttpMethod.Post, $"/api/v1/keys/channels/{channelId}/sender-keys",
            new { device_id = deviceId, sender_key_public = senderKeyPublic, envelopes }, ct);

    /// <summary>The sender-key envelopes addressed to <paramref name="deviceId"/> (one of this user's devices).</summary>
    public Task<List<SenderKeyEnvelopeResponse>> GetSenderKeysAsync(Guid channelId, Guid deviceId, CancellationToken ct = default) =>
        SendAsync<List<SenderKeyEnvelopeResponse>>(HttpMethod.Get, $"/api/v1/keys/channels/{channelId}/sender-keys?device_id={deviceId}", ct: ct);
}
