using System.Net;

namespace D3Chat.Client.E2ee;

/// <summary><see cref="IKeyDirectory"/> over the typed HTTP client of one signed-in user.</summary>
public sealed class D3ChatKeyDirectory(D3ChatClient client) : IKeyDirectory
{
    public Task UploadDeviceKeysAsync(DeviceKeyUpload upload, CancellationToken ct = default) =>
        client.UploadKeyBundleAsync(upload.DeviceId, upload.IdentityKey, upload.SignedPreKey, upload.SignedPreKeySignature,
            upload.OneTimePreKeys, upload.SigningKey, ct);

    public async Task<int> UploadOneTimeKeysAsync(Guid deviceId, IReadOnlyList<string> keys, CancellationToken ct = default) =>
        (await client.AddOneTimeKeysAsync(deviceId, keys, ct)).Count;

    public async Task<IReadOnlyList<DeviceIdentity>> ListDevicesAsync(Guid userId, CancellationToken ct = default) =>
        (await client.GetUserDevicesAsync(userId, ct)).Select(IdentityOf).ToList();

    public async Task<IReadOnlyList<MemberDevices>> ChannelDevicesAsync(Guid channelId, CancellationToken ct = default) =>
        (await client.GetChannelDevicesAsync(channelId, ct)).Select(m => new MemberDevices(m.UserId, m.Devices.Select(IdentityOf).ToList())).ToList();

    private static DeviceIdentity IdentityOf(DeviceKeys d) => new(d.DeviceId, d.IdentityKey, d.SigningKey, d.SignedPreKey, d.SignedPreKeySignature);

    public async Task<ClaimedPreKeyBundle?> ClaimBundleAsync(Guid userId, Guid deviceId, CancellationToken ct = default)
    {
        try
        {
            var bundle = await client.GetDeviceKeyBundleAsync(deviceId, ct);
            return new ClaimedPreKeyBundle(bundle.DeviceId, bundle.IdentityKey, bundle.SigningKey, bundle.SignedPreKey, bundle.SignedPreKeySignature, bundle.OneTimePreKey);
        }
        catch (ApiException e) when (e.Status == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    public Task PostSenderKeyEnvelopesAsync(Guid channelId, Guid deviceId, string chainId, IReadOnlyList<RecipientEnvelope> envelopes, CancellationToken ct = default) =>
        client.UploadSenderKeyAsync(channelId, deviceId, chainId, envelopes.Select(e => new SenderKeyEnvelope(e.RecipientDeviceId, e.Envelope)).ToList(), ct);

    /// <summary>None when the server no longer lets this user read the channel (it left or was removed): nothing is addressed to it.</summary>
    public async Task<IReadOnlyList<ReceivedEnvelope>> FetchSenderKeyEnvelopesAsync(Guid channelId, Guid deviceId, CancellationToken ct = default)
    {
        try
        {
            return (await client.GetSenderKeysAsync(channelId, deviceId, ct))
                .Select(e => new ReceivedEnvelope(e.SenderUserId, e.DeviceId, e.RecipientDeviceId, e.SenderKeyPublic, e.Envelope)).ToList();
        }
        catch (ApiException e) when (e.Status is HttpStatusCode.Forbidden or HttpStatusCode.NotFound)
        {
            return [];
        }
    }
}
