using D3Chat.Client.E2ee;

namespace D3Chat.Client.Tests.Fakes;

/// <summary>
/// A small in-memory stand-in for the key routes of a D3Chat server: bundles with one-time keys claimed once,
/// channel members, and sender-key envelopes replaced per sending device, as the real server does.
/// It records every string a client sent, so tests can assert what the server saw.
/// </summary>
public sealed class FakeKeyServer
{
    private readonly Dictionary<Guid, (Guid UserId, DeviceKeyUpload Keys)> _devices = [];
    private readonly Dictionary<Guid, Queue<string>> _oneTimeKeys = [];
    private readonly Dictionary<Guid, HashSet<Guid>> _members = [];
    private readonly Dictionary<(Guid Channel, Guid SenderDevice), List<ReceivedEnvelope>> _envelopes = [];

    public List<string> SentStrings { get; } = [];

    public int BundleClaims { get; private set; }

    public int EnvelopePosts { get; private set; }

    /// <summary>Device-list requests clients made: one user's, and a whole channel's.</summary>
    public int UserDeviceLists { get; private set; }

    public int ChannelDeviceLists { get; private set; }

    /// <summary>Lets a test play a malicious server that alters bundles it hands out.</summary>
    public Func<ClaimedPreKeyBundle, ClaimedPreKeyBundle>? TamperBundle { get; set; }

    /// <summary>Lets a test play a server that alters the envelopes it serves.</summary>
    public Func<ReceivedEnvelope, ReceivedEnvelope>? TamperEnvelope { get; set; }

    public void AddMember(Guid channelId, Guid userId)
    {
        if (!_members.TryGetValue(channelId, out var set))
        {
            _members[channelId] = set = [];
        }
        set.Add(userId);
    }

    public void RemoveMember(Guid channelId, Guid userId) => _members[channelId].Remove(userId);

    public void RemoveDevice(Guid deviceId) => _devices.Remove(deviceId);

    /// <summary>The device stays listed but its bundle is gone (e.g. deleted server-side).</summary>
    public HashSet<Guid> WithoutBundle { get; } = [];

    public int OneTimeKeysLeft(Guid deviceId) => _oneTimeKeys.GetValueOrDefault(deviceId)?.Count ?? 0;

    public IKeyDirectory DirectoryFor(Guid userId) => new Directory(this, userId);

    private IReadOnlyList<DeviceIdentity> DevicesOf(Guid userId) =>
        _devices.Where(d => d.Value.UserId == userId)
            .Select(d => new DeviceIdentity(d.Key, d.Value.Keys.IdentityKey, d.Value.Keys.SigningKey, d.Value.Keys.SignedPreKey, d.Value.Keys.SignedPreKeySignature))
            .ToList();

    private sealed class Directory(FakeKeyServer server, Guid userId) : IKeyDirectory
    {
        public Task UploadDeviceKeysAsync(DeviceKeyUpload upload, CancellationToken ct = default)
        {
            server.SentStrings.AddRange([upload.IdentityKey, upload.SigningKey, upload.SignedPreKey, upload.SignedPreKeySignature, .. upload.OneTimePreKeys]);
            server._devices[upload.DeviceId] = (userId, upload);
            server._oneTimeKeys[upload.DeviceId] = new Queue<string>(upload.OneTimePreKeys);
            return Task.CompletedTask;
        }

        public Task<int> UploadOneTimeKeysAsync(Guid deviceId, IReadOnlyList<string> keys, CancellationToken ct = default)
        {
            server.SentStrings.AddRange(keys);
            var queue = server._oneTimeKeys[deviceId];
            foreach (var key in keys)
            {
                queue.Enqueue(key);
            }
            return Task.FromResult(queue.Count);
        }

        public Task<IReadOnlyList<DeviceIdentity>> ListDevicesAsync(Guid user, CancellationToken ct = default)
        {
            server.UserDeviceLists++;
            return Task.FromResult(server.DevicesOf(user));
        }

        public Task<ClaimedPreKeyBundle?> ClaimBundleAsync(Guid user, Guid deviceId, CancellationToken ct = default)
        {
            server.BundleClaims++;
            if (!server._devices.TryGetValue(deviceId, out var device) || device.UserId != user || server.WithoutBundle.Contains(deviceId))
            {
                return Task.FromResult<ClaimedPreKeyBundle?>(null);
            }
            var queue = server._oneTimeKeys[deviceId];
            var bundle = new ClaimedPreKeyBundle(deviceId, device.Keys.IdentityKey, device.Keys.SigningKey, device.Keys.SignedPreKey,
                device.Keys.SignedPreKeySignature, queue.Count > 0 ? queue.Dequeue() : null);
            return Task.FromResult<ClaimedPreKeyBundle?>(server.TamperBundle is { } tamper ? tamper(bundle) : bundle);
        }

        public Task<IReadOnlyList<MemberDevices>> ChannelDevicesAsync(Guid channelId, CancellationToken ct = default)
        {
            server.ChannelDeviceLists++;
            return Task.FromResult<IReadOnlyList<MemberDevices>>(
                (server._members.GetValueOrDefault(channelId)?.ToList() ?? []).Select(u => new MemberDevices(u, server.DevicesOf(u))).ToList());
        }

        public Task PostSenderKeyEnvelopesAsync(Guid channelId, Guid deviceId, string chainId, IReadOnlyList<RecipientEnvelope> list, CancellationToken ct = default)
        {
            server.EnvelopePosts++;
            server.SentStrings.Add(chainId);
            server.SentStrings.AddRange(list.Select(e => e.Envelope));
            server._envelopes[(channelId, deviceId)] = list
                .Select(e => new ReceivedEnvelope(userId, deviceId, e.RecipientDeviceId, chainId, e.Envelope)).ToList();
            return Task.CompletedTask;
        }

        public Task<IReadOnlyList<ReceivedEnvelope>> FetchSenderKeyEnvelopesAsync(Guid channelId, Guid deviceId, CancellationToken ct = default) =>
            Task.FromResult<IReadOnlyList<ReceivedEnvelope>>(server._envelopes
                .Where(e => e.Key.Channel == channelId)
                .SelectMany(e => e.Value)
                .Where(e => e.RecipientDeviceId == deviceId && server._devices.TryGetValue(deviceId, out var d) && d.UserId == userId)
                .Select(e => server.TamperEnvelope is { } tamper ? tamper(e) : e)
                .ToList());
    }
}
