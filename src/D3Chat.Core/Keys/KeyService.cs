using D3Chat.Core.Realtime;
using D3Chat.Core.Auth;
using D3Chat.Core.Channels;
using D3Chat.Core.Devices;
using D3Chat.Core.Hosting;
using D3Chat.Core.Http;
using D3Chat.Core.Outbox;
using D3Chat.Core.Queue;
using D3Chat.Core.Users;
using Microsoft.Extensions.Options;
using Npgsql;

namespace D3Chat.Core.Keys;

/// <summary>
/// Spec api.md §8 with departures 2 and 3: one-time pre-keys are claimed atomically, x3dh-setup
/// and sender keys need membership, and sender keys exist only as per-device envelopes.
/// </summary>
public sealed class KeyService(
    NpgsqlDataSource dataSource,
    KeyStore keys,
    SenderKeyStore senderKeys,
    X3dhSetupStore x3dh,
    ChannelService channels,
    DeviceOwnership devices,
    UserStore users,
    RemoteKeyBundles remoteBundles,
    RemoteDeviceStore remoteDevices,
    DeviceAnnouncements announcements,
    IOptions<ServerOptions> server,
    OutboxUnitOfWork unitOfWork,
    TimeProvider time)
{
    /// <summary>Below this many remaining one-time keys the owner is told to upload more (spec: <c>keys.low_otp</c>).</summary>
    public const int LowOneTimeKeyThreshold = 10;

    public async Task<Outcome<StatusResponse>> UploadAsync(CurrentUser caller, UploadBundleRequest request, CancellationToken ct)
    {
        var deviceId = request.DeviceId!.Value;
        if (!await devices.IsOwnedByAsync(deviceId, caller.Id, ct))
        {
            return Problem.DeviceNotFound;
        }
        var now = time.GetUtcNow();
        await unitOfWork.RunAsync(async unit =>
        {
            await keys.UpsertBundleAsync(unit.Connection, unit.Transaction, request, now, ct);
            await keys.LockBundleAsync(unit.Connection, unit.Transaction, deviceId, ct);
            await keys.ReplaceOneTimeKeysAsync(unit.Connection, unit.Transaction, deviceId, request.OneTimePreKeys ?? [], ct);
            await announcements.AddAsync(unit, caller.Id, deviceId, removed: false, now, ct);
        }, ct);
        return StatusResponse.Ok;
    }

    public async Task<Outcome<OneTimeKeysResponse>> AddOneTimeKeysAsync(CurrentUser caller, OneTimeKeysRequest request, CancellationToken ct)
    {
        var deviceId = request.DeviceId!.Value;
        if (!await devices.IsOwnedByAsync(deviceId, caller.Id, ct))
        {
            return Problem.DeviceNotFound;
        }
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        if (!await keys.LockBundleAsync(connection, tx, deviceId, ct))
        {
            return Problem.KeyBundleNotUploaded;
        }
        await keys.AppendOneTimeKeysAsync(connection, tx, deviceId, request.OneTimePreKeys!, ct);
        var count = await keys.CountOneTimeKeysAsync(connection, tx, deviceId, ct);
        await tx.CommitAsync(ct);
        return new OneTimeKeysResponse("ok", count);
    }

    /// <summary>
    /// One bundle per device of the user that has one, each with a freshly claimed one-time key; for a
    /// remote user, the bundles its server publishes (no one-time keys), see <see cref="RemoteKeyBundles"/>.
    /// </summary>
    public async Task<IReadOnlyList<KeyBundleResponse>> BundlesOfUserAsync(Guid userId, CancellationToken ct)
    {
        if (await users.FindByIdAsync(userId, ct) is { IsLocal: false } remote)
        {
            return await remoteBundles.FetchAsync(remote, ct);
        }
        return await unitOfWork.RunAsync<IReadOnlyList<KeyBundleResponse>>(async unit =>
        {
            var claimed = new List<ClaimedBundle>();
            foreach (var deviceId in await keys.BundleDevicesOfUserAsync(unit.Connection, unit.Transaction, userId, ct))
            {
                if (await keys.ClaimAsync(unit.Connection, unit.Transaction, deviceId, ct) is { } bundle)
                {
                    claimed.Add(bundle);
                }
            }
            await AddLowKeyEventsAsync(unit, claimed);
            return claimed.Select(b => b.ToResponse()).ToList();
        }, ct);
    }

    /// <summary>
    /// The user's devices with their published keys, claiming nothing (clients enumerate member
    /// devices and compute safety numbers with it). A remote user's devices come from its server,
    /// or the last known ones when it cannot answer; an unknown user is 404.
    /// </summary>
    public async Task<Outcome<IReadOnlyList<DeviceKeysResponse>>> DevicesOfUserAsync(Guid userId, CancellationToken ct)
    {
        var user = await users.FindByIdAsync(userId, ct);
        if (user is null)
        {
            return Problem.UserNotFound;
        }
        if (!user.IsLocal)
        {
            return (await remoteBundles.FetchAsync(user, ct)).Select(DeviceKeysResponse.From).ToList();
        }
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return (await keys.PublishedBundlesOfUserAsync(connection, userId, ct)).Select(DeviceKeysResponse.From).ToList();
    }

    /// <summary>
    /// Every member of the channel with its devices, each as <see cref="DevicesOfUserAsync"/> lists
    /// them, in member order: what a client needs before each send, in one request instead of one per
    /// member. The caller must be a member (404/403 as every channel route). A remote member comes from
    /// <c>remote_devices</c> while its list is recent, else from its server, asked together with the
    /// others (<see cref="RemoteKeyBundles.FetchAllAsync"/>).
    /// </summary>
    public async Task<Outcome<IReadOnlyList<MemberDevicesResponse>>> DevicesOfChannelAsync(CurrentUser caller, Guid channelId, CancellationToken ct)
    {
        var (listed, problem) = await channels.MembersAsync(caller, channelId, ct);
        if (problem is not null)
        {
            return problem;
        }
        var members = listed!;
        ILookup<Guid, KeyBundleResponse> local;
        await using (var connection = await dataSource.OpenConnectionAsync(ct))
        {
            local = await keys.PublishedBundlesOfChannelAsync(connection, channelId, ct);
        }
        var remote = await remoteBundles.FetchAllAsync(members.Where(m => !m.IsLocal)
            .Select(m => new User { Id = m.UserId, Username = m.Username, ServerDomain = m.ServerDomain, IsLocal = false }).ToList(), ct);
        return members.Select(m => new MemberDevicesResponse(m.UserId,
            (m.IsLocal ? local[m.UserId] : remote[m.UserId]).Select(DeviceKeysResponse.From).ToList())).ToList();
    }

    /// <summary>
    /// The device's bundle with one claimed one-time key. For a device of a remote user (known from
    /// its server's device list) the key is claimed on that server through <c>/federation/key-claim</c>;
    /// when it cannot answer, the last known keys come back without a one-time key.
    /// </summary>
    public async Task<Outcome<KeyBundleResponse>> BundleOfDeviceAsync(Guid deviceId, CancellationToken ct)
    {
        if (await ClaimLocalAsync(deviceId, ct) is { } local)
        {
            return local;
        }
        if (await remoteDevices.FindAsync(deviceId, ct) is not { } known)
        {
            return Problem.KeyBundleNotFound;
        }
        if (await users.FindByIdAsync(known.UserId, ct) is { IsLocal: false } owner && await remoteBundles.ClaimAsync(owner, deviceId, ct) is { } claimed)
        {
            return claimed;
        }
        return known.Bundle;
    }

    /// <summary>
    /// Answers a verified peer's <c>POST /federation/key-claim</c>: one one-time key of a device of
    /// local user <paramref name="username"/>, claimed atomically as for local clients. Only for users
    /// who share a channel with a user of <paramref name="origin"/> (403 otherwise), so a server
    /// that merely knows a device id cannot drain its keys.
    /// </summary>
    public async Task<Outcome<KeyBundleResponse>> ClaimForPeerAsync(string origin, KeyClaimRequest request, CancellationToken ct)
    {
        return await unitOfWork.RunAsync<Outcome<KeyBundleResponse>>(async unit =>
        {
            var owner = await keys.LocalOwnerAsync(unit.Connection, unit.Transaction, request.DeviceId!.Value, request.Username!, server.Value.Domain, ct);
            if (owner is null)
            {
                return Problem.KeyBundleNotFound;
            }
            if (!await keys.SharesChannelWithDomainAsync(unit.Connection, unit.Transaction, owner.Value, origin, ct))
            {
                return Problem.NoSharedChannel;
            }
            return await ClaimAsync(unit, request.DeviceId.Value) is { } bundle ? bundle : Problem.KeyBundleNotFound;
        }, ct);
    }

    private Task<KeyBundleResponse?> ClaimLocalAsync(Guid deviceId, CancellationToken ct) =>
        unitOfWork.RunAsync(unit => ClaimAsync(unit, deviceId), ct);

    // One claimed one-time key of the device, with its low-key warning in the same transaction; null without a bundle.
    private async Task<KeyBundleResponse?> ClaimAsync(OutboxTransaction unit, Guid deviceId)
    {
        var bundle = await keys.ClaimAsync(unit.Connection, unit.Transaction, deviceId, unit.CancellationToken);
        if (bundle is null)
        {
            return null;
        }
        await AddLowKeyEventsAsync(unit, [bundle]);
        return bundle.ToResponse();
    }

    public async Task<Outcome<StatusResponse>> PutX3dhSetupAsync(CurrentUser caller, Guid channelId, X3dhSetupRequest request, CancellationToken ct)
    {
        var (_, problem) = await channels.RequireMemberAsync(caller, channelId, null, ct);
        if (problem is not null)
        {
            return problem;
        }
        await x3dh.UpsertAsync(channelId, caller.Id, request, time.GetUtcNow(), ct);
        return StatusResponse.Ok;
    }

    public async Task<Outcome<X3dhSetupResponse>> GetX3dhSetupAsync(CurrentUser caller, Guid channelId, CancellationToken ct)
    {
        var (_, problem) = await channels.RequireMemberAsync(caller, channelId, null, ct);
        if (problem is not null)
        {
            return problem;
        }
        return await x3dh.GetAsync(channelId, ct) is { } setup ? setup : Problem.X3dhSetupNotFound;
    }

    /// <summary>
    /// Stores a new sender-key generation of the caller's device as envelopes for member devices,
    /// replacing the previous ones, and tells the channel (<c>sender_key.new</c>) so recipients fetch theirs.
    /// </summary>
    public async Task<Outcome<SenderKeyUploadResponse>> UploadSenderKeyAsync(CurrentUser caller, Guid channelId, UploadSenderKeyRequest request, CancellationToken ct)
    {
        var deviceId = request.DeviceId!.Value;
        if (!await devices.IsOwnedByAsync(deviceId, caller.Id, ct))
        {
            return Problem.DeviceNotFound;
        }
        var (_, problem) = await channels.RequireMemberAsync(caller, channelId, null, ct);
        if (problem is not null)
        {
            return problem;
        }
        var envelopes = request.Envelopes!;
        var recipients = envelopes.Select(e => e.RecipientDeviceId!.Value).ToList();
        var memberDevices = await senderKeys.MemberDevicesAsync(channelId, recipients, ct);
        if (recipients.Any(r => !memberDevices.Contains(r)))
        {
            return Problem.RecipientNotChannelDevice;
        }
        var now = time.GetUtcNow();
        var notice = RealtimeEvents.SenderKeyNew(channelId, deviceId, caller.Username, caller.ServerDomain, now);
        await unitOfWork.RunAsync(async unit =>
        {
            await senderKeys.ReplaceAsync(unit.Connection, unit.Transaction, channelId, deviceId, caller.Id, request.SenderKeyPublic!, envelopes, now, ct);
            unit.Add(notice);
        }, ct);
        return new SenderKeyUploadResponse(deviceId, request.SenderKeyPublic!, 0, envelopes.Count);
    }

    /// <summary>Only the envelopes addressed to <paramref name="deviceId"/>, which must be the caller's own device.</summary>
    public async Task<Outcome<IReadOnlyList<SenderKeyEnvelopeResponse>>> SenderKeysForDeviceAsync(CurrentUser caller, Guid channelId, Guid deviceId, CancellationToken ct)
    {
        if (!await devices.IsOwnedByAsync(deviceId, caller.Id, ct))
        {
            return Problem.DeviceNotFound;
        }
        var (_, problem) = await channels.RequireMemberAsync(caller, channelId, null, ct);
        if (problem is not null)
        {
            return problem;
        }
        return (await senderKeys.ForRecipientAsync(channelId, deviceId, ct)).ToList();
    }

    // keys.low_otp goes through the outbox with the claim, so the warning is as durable as the claim itself.
    private async Task AddLowKeyEventsAsync(OutboxTransaction unit, IEnumerable<ClaimedBundle> claimed)
    {
        foreach (var bundle in claimed.Where(b => b.OneTimePreKey is not null))
        {
            var remaining = Math.Max(0, bundle.OneTimePreKeyCount - 1);
            if (remaining >= LowOneTimeKeyThreshold)
            {
                continue;
            }
            unit.Add(EventFactory.Create("keys.low_otp", new { type = "keys.low_otp", device_id = bundle.DeviceId, remaining },
                time.GetUtcNow(), userIds: [bundle.OwnerId]));
        }
    }
}
