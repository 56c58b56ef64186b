using D3Chat.Client.E2ee;

namespace D3Chat.Client;

public sealed record KeyBundleResponse(
    Guid DeviceId, string IdentityKey, string SignedPreKey, string SignedPreKeySignature, string? OneTimePreKey, int OneTimePreKeyCount, string? SigningKey = null);

/// <summary><c>{"status":"ok","count":N}</c>: the one-time pre-keys the device now has on the server.</summary>
public sealed record OneTimeKeyCount(string Status, int Count);

public sealed record X3dhSetup(string InitiatorIdentityKey, string EphemeralPublicKey, bool UsedOneTimeKey);

public sealed record SenderKeyEnvelope(Guid RecipientDeviceId, string Envelope);

public sealed record SenderKeyUploadResponse(Guid DeviceId, string SenderKeyPublic, int MessageNumber, int Recipients);

public sealed record SenderKeyEnvelopeResponse(Guid DeviceId, Guid? SenderUserId, string SenderKeyPublic, Guid RecipientDeviceId, string Envelope, int MessageNumber, DateTime CreatedAt);

public sealed partial class D3ChatClient
{
    public Task UploadKeyBundleAsync(Guid deviceId, string identityKey, string signedPreKey, string signature, IReadOnlyList<string>? oneTimePreKeys = null, CancellationToken ct = default) =>
        SendNoContentAsync(HttpMethod.Post, "/api/v1/keys/upload", new
        {
            device_id = deviceId,
            identity_key = identityKey,
            signed_pre_key = signedPreKey,
            signed_pre_key_signature = signature,
            one_time_pre_keys = oneTimePreKeys ?? Array.Empty<string>(),
        }, ct);

    /// <summary>Protocol v3 upload: the device's identity, signing key, signed pre-key and one-time pre-keys.</summary>
    public Task UploadDeviceKeysAsync(DeviceKeyUpload upload, CancellationToken ct = default) =>
        SendNoContentAsync(HttpMethod.Post, "/api/v1/keys/upload", new
        {
            device_id = upload.DeviceId,
            identity_key = upload.IdentityKey,
            signing_key = upload.SigningKey,
            signed_pre_key = upload.SignedPreKey,
            signed_pre_key_signature = upload.SignedPreKeySignature,
            one_time_pre_keys = upload.OneTimePreKeys,
        }, ct);

    /// <summary>Adds one-time pre-keys (possibly none) and returns how many the device now has.</summary>
    public Task<OneTimeKeyCount> AddOneTimeKeysAsync(Guid deviceId, IReadOnlyList<string> oneTimePreKeys, CancellationToken ct = default) =>
        SendAsync<OneTimeKeyCount>(HttpMethod.Post, "/api/v1/keys/one-time", new { device_id = deviceId, one_time_pre_keys = oneTimePreKeys }, ct);

    /// <summary>Every device of a user with its identity and signing keys; claims no one-time pre-key.</summary>
    public async Task<List<DeviceIdentity>> ListKeyDevicesAsync(Guid userId, CancellationToken ct = default) =>
        await SendAsync<List<DeviceIdentity>>(HttpMethod.Get, $"/api/v1/keys/{userId}/devices", ct: ct);

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
