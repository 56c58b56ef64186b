using D3Chat.Core.Data;
using System.Text.Json;
using System.Text.RegularExpressions;
using D3Chat.Core.Channels;
using D3Chat.Core.Devices;
using D3Chat.Core.Hosting;
using D3Chat.Core.Keys;
using D3Chat.Core.Messages;
using D3Chat.Core.Outbox;
using D3Chat.Core.Queue;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace D3Chat.Core.Federation;

/// <summary>
/// Applies verified inbox events (spec federation.md §6-7 plus departure 4). Events that do not fit
/// local state (unknown channel, sender not a member, invitee not local) are ignored, as in the
/// reference, and still acknowledged. An event commits with its outbox rows in one transaction, alone
/// (<see cref="DispatchAsync"/>) or with the other events of a batch (<see cref="DispatchAllAsync"/>).
/// </summary>
public sealed partial class InboxHandlers(
    FederationStore store,
    RemoteDeviceStore remoteDevices,
    SenderKeyStore senderKeys,
    DeviceAnnouncements announcements,
    OutboxUnitOfWork unitOfWork,
    IOptions<ServerOptions> server,
    TimeProvider time,
    ILogger<InboxHandlers> logger)
{
    [GeneratedRegex("^[A-Za-z0-9_-]{1,64}$")]
    private static partial Regex UsernamePattern();

    /// <summary>Applies one event in its own unit of work: committed with its outbox rows, or nothing of it.</summary>
    internal Task DispatchAsync(InboxEvent e, CancellationToken ct) => DispatchAllAsync([e], ct);

    /// <summary>
    /// Applies <paramref name="events"/> in order in one unit of work (one transaction, one publish of
    /// their channel events after commit): each event sees what the earlier ones wrote, exactly as if
    /// they ran one after another, and a failure of any rolls all of them back.
    /// </summary>
    internal Task DispatchAllAsync(IReadOnlyList<InboxEvent> events, CancellationToken ct) =>
        unitOfWork.RunAsync(async unit =>
        {
            var run = new MessageRun();
            foreach (var e in events)
            {
                if (e.Type != FederationEventTypes.MessageRelay)
                {
                    // Any other event may read the messages so far, or change who is a member or whose device is whose.
                    await InsertRunAsync(unit, run, ct);
                    run.Admissions.Clear();
                }
                await ApplyAsync(e, unit, run, ct);
            }
            await InsertRunAsync(unit, run, ct);
        }, ct);

    private Task ApplyAsync(InboxEvent e, OutboxTransaction unit, MessageRun run, CancellationToken ct) => e.Type switch
    {
        FederationEventTypes.MessageRelay => MessageRelayAsync(e, unit, run, ct),
        FederationEventTypes.MessageEdit => MessageEditAsync(e, unit, ct),
        FederationEventTypes.MessageDelete => MessageDeleteAsync(e, unit, ct),
        FederationEventTypes.ChannelInvite => ChannelInviteAsync(e, unit, ct),
        FederationEventTypes.ChannelJoin => ChannelJoinAsync(e, unit, ct),
        FederationEventTypes.ChannelLeave => ChannelLeaveAsync(e, unit, ct),
        FederationEventTypes.SenderKeyDistribute => SenderKeyDistributeAsync(e, unit, ct),
        FederationEventTypes.DeviceUpdate => DeviceUpdateAsync(e, unit, ct),
        _ => Ignore(e, "unknown event type"),
    };

    private async Task MessageRelayAsync(InboxEvent e, OutboxTransaction unit, MessageRun run, CancellationToken ct)
    {
        if (e.Uuid("channel_id") is not { } channelId || Username(e, "sender_username") is not { } sender
            || e.String("origin_message_id") is not { Length: > 0 and <= 255 } originMessageId || e.String("content") is not { } content)
        {
            await Ignore(e, "incomplete message.relay");
            return;
        }
        var protocolVersion = e.Int("protocol_version") ?? 1;
        var senderDeviceId = e.Uuid("sender_device_id");
        if (RelayedContentProblem(protocolVersion, senderDeviceId, content) is { } problem)
        {
            await Ignore(e, problem);
            return;
        }
        var now = DbTime.DbPrecision(time.GetUtcNow());
        var key = new RelayAdmissionKey(sender, e.Origin, channelId, senderDeviceId, Plaintext: protocolVersion == 1);
        if (!run.Admissions.TryGetValue(key, out var admission))
        {
            admission = await AdmitAsync(unit.Connection, unit.Transaction, key, now, ct);
            run.Admissions[key] = admission;
        }
        if (admission.IgnoredBecause is { } reason)
        {
            LogIgnored(e.EventId, e.Type, reason);
            return;
        }
        run.Messages.Add(new RemoteMessage(Guid.NewGuid(), channelId, admission.SenderId, senderDeviceId, content,
            e.String("content_type") is { Length: > 0 and <= 32 } contentType ? contentType : "text",
            protocolVersion, e.Origin, originMessageId, now));
    }

    /// <summary>
    /// Stores the run's messages so far in one statement, and the <c>message.new</c> of each one stored (an
    /// origin message already here is skipped) in one outbox statement, in the order received.
    /// </summary>
    private async Task InsertRunAsync(OutboxTransaction unit, MessageRun run, CancellationToken ct)
    {
        if (run.Messages.Count == 0)
        {
            return;
        }
        var inserted = await store.InsertMessagesAsync(unit.Connection, unit.Transaction, run.Messages, ct);
        // A relayed copy is never relayed again (RelayEventMapper maps only local messages): fanout
        // queue only, one queue send and one relay run less per received message.
        unit.AddAll([.. run.Messages.Where(m => inserted.Contains(m.Id)).Select(m => InboundEvents.MessageNew(m) with { SkipFederation = true })]);
        run.Messages.Clear();
    }

    /// <summary>Whether a sender (created as a remote user if new) may post in the channel with that device and that kind of content.</summary>
    private async Task<RelayAdmission> AdmitAsync(NpgsqlConnection c, NpgsqlTransaction tx, RelayAdmissionKey key, DateTimeOffset now, CancellationToken ct)
    {
        var senderId = await store.GetOrCreateRemoteUserAsync(c, tx, key.Sender, key.Origin, now, ct);
        if (!await store.IsMemberAsync(c, tx, key.ChannelId, senderId, ct))
        {
            return new RelayAdmission(senderId, "sender is not a member of the channel");
        }
        if (key.SenderDeviceId is { } device && await store.IsOtherOwnersDeviceAsync(c, tx, device, senderId, ct))
        {
            return new RelayAdmission(senderId, NotSendersDevice);
        }
        // The same rule as for local clients: no plaintext in an encrypted channel.
        if (key.Plaintext && ChannelEncryption.IsEncrypted((await store.FindChannelAsync(c, tx, key.ChannelId, ct))?.EncryptionType))
        {
            return new RelayAdmission(senderId, "plaintext message in an encrypted channel");
        }
        return new RelayAdmission(senderId, null);
    }

    private readonly record struct RelayAdmissionKey(string Sender, string Origin, Guid ChannelId, Guid? SenderDeviceId, bool Plaintext);

    private readonly record struct RelayAdmission(Guid SenderId, string? IgnoredBecause);

    /// <summary>
    /// Consecutive received messages in one transaction: their admission checks (a batch of one member's
    /// messages costs those lookups once, not once per message) and the admitted messages, stored together
    /// by <see cref="InsertRunAsync"/> (two statements for the run instead of two per message). Every other
    /// kind of event stores the run first and then clears the checks.
    /// </summary>
    private sealed class MessageRun
    {
        public Dictionary<RelayAdmissionKey, RelayAdmission> Admissions { get; } = [];

        public List<RemoteMessage> Messages { get; } = [];
    }

    private async Task MessageEditAsync(InboxEvent e, OutboxTransaction unit, CancellationToken ct)
    {
        if (e.String("origin_message_id") is not { Length: > 0 } originMessageId || e.String("content") is not { } content)
        {
            await Ignore(e, "incomplete message.edit");
            return;
        }
        var now = DbTime.DbPrecision(time.GetUtcNow());
        await ProduceAsync(unit, async (c, tx) =>
        {
            // Only the origin's own messages: the lookup is by (origin_server = signed origin, origin id).
            if (await store.FindByOriginAsync(c, tx, e.Origin, originMessageId, ct) is not { } message)
            {
                LogIgnored(e.EventId, e.Type, "message unknown");
                return null;
            }
            // An edit keeps the message's version: a v3 message stays a v3 frame, plaintext cannot be rewritten in an encrypted channel.
            if (message.ProtocolVersion == MessageFrame.ProtocolVersion ? MessageFrame.Problem(content) is not null
                : message.ProtocolVersion == 1 && ChannelEncryption.IsEncrypted(message.EncryptionType))
            {
                LogIgnored(e.EventId, e.Type, "edit breaks the message's encryption");
                return null;
            }
            await store.UpdateContentAsync(c, tx, message.Id, content, now, ct);
            return InboundEvents.MessageEdit(message.Id, message.ChannelId, content, now);
        });
    }

    private async Task MessageDeleteAsync(InboxEvent e, OutboxTransaction unit, CancellationToken ct)
    {
        if (e.String("origin_message_id") is not { Length: > 0 } originMessageId)
        {
            await Ignore(e, "incomplete message.delete");
            return;
        }
        await ProduceAsync(unit, async (c, tx) =>
        {
            if (await store.FindByOriginAsync(c, tx, e.Origin, originMessageId, ct) is not { } message)
            {
                LogIgnored(e.EventId, e.Type, "message unknown");
                return null;
            }
            await store.DeleteMessageAsync(c, tx, message.Id, ct);
            return InboundEvents.MessageDelete(message.Id, message.ChannelId, time.GetUtcNow());
        });
    }

    private async Task ChannelInviteAsync(InboxEvent e, OutboxTransaction unit, CancellationToken ct)
    {
        if (e.Uuid("channel_id") is not { } channelId || Username(e, "inviter_username") is not { } inviter
            || Username(e, "invitee_username") is not { } invitee)
        {
            await Ignore(e, "incomplete channel.invite");
            return;
        }
        var now = DbTime.DbPrecision(time.GetUtcNow());
        await ProduceAsync(unit, async (c, tx) =>
        {
            if (await store.FindUserAsync(c, tx, invitee, server.Value.Domain, isLocal: true, ct) is not { } inviteeId)
            {
                LogIgnored(e.EventId, e.Type, "invitee is not a local user");
                return null;
            }
            var inviterId = await store.GetOrCreateRemoteUserAsync(c, tx, inviter, e.Origin, now, ct);
            var channel = await store.FindChannelAsync(c, tx, channelId, ct);
            if (channel is null)
            {
                var name = e.String("channel_name") is { Length: <= 128 } n ? n : null;
                var encryption = ChannelEncryption.FromInvite(e.String("encryption_type"));
                await store.InsertChannelAsync(c, tx, channelId, name, encryption, now, ct);
                await store.AddMemberAsync(c, tx, channelId, inviterId, now, ct);
                channel = await store.FindChannelAsync(c, tx, channelId, ct);
            }
            // Unlike the reference, an existing channel is entered only through one of its members:
            // a peer that merely knows a channel id cannot pull local users into it.
            else if (channel.IsDm || !await store.IsMemberAsync(c, tx, channelId, inviterId, ct))
            {
                LogIgnored(e.EventId, e.Type, "inviter is not a member of the existing channel");
                return null;
            }
            await store.MarkFederatedAsync(c, tx, channelId, ct);
            return await store.AddMemberAsync(c, tx, channelId, inviteeId, now, ct) ? InboundEvents.ChannelNew(channel!, inviteeId, now) : null;
        });
    }

    private async Task ChannelJoinAsync(InboxEvent e, OutboxTransaction unit, CancellationToken ct)
    {
        if (e.Uuid("channel_id") is not { } channelId || Username(e, "username") is not { } username)
        {
            await Ignore(e, "incomplete channel.join");
            return;
        }
        var now = DbTime.DbPrecision(time.GetUtcNow());
        await ProduceAsync(unit, async (c, tx) =>
        {
            var userId = await store.GetOrCreateRemoteUserAsync(c, tx, username, e.Origin, now, ct);
            var channel = await store.FindChannelAsync(c, tx, channelId, ct);
            // Only channels already shared with that peer: a join cannot open a local channel to a new server.
            if (channel is null || channel.IsDm || !await store.HasMemberFromAsync(c, tx, channelId, e.Origin, ct))
            {
                LogIgnored(e.EventId, e.Type, "channel not federated with the origin");
                return null;
            }
            await store.AddMemberAsync(c, tx, channelId, userId, now, ct);
            return null;
        });
    }

    private async Task ChannelLeaveAsync(InboxEvent e, OutboxTransaction unit, CancellationToken ct)
    {
        if (e.Uuid("channel_id") is not { } channelId || Username(e, "username") is not { } username)
        {
            await Ignore(e, "incomplete channel.leave");
            return;
        }
        await ProduceAsync(unit, async (c, tx) =>
        {
            if (await store.FindUserAsync(c, tx, username, e.Origin, isLocal: false, ct) is { } userId)
            {
                await store.RemoveMemberAsync(c, tx, channelId, userId, ct);
            }
            return null;
        });
    }

    /// <summary>
    /// Departure 3: only opaque per-device envelopes are accepted. The reference form (chain key in
    /// the clear, no <c>envelopes</c>) is ignored rather than stored.
    /// </summary>
    private async Task SenderKeyDistributeAsync(InboxEvent e, OutboxTransaction unit, CancellationToken ct)
    {
        if (e.Uuid("channel_id") is not { } channelId || e.Uuid("device_id") is not { } deviceId
            || Username(e, "sender_username") is not { } sender || e.String("sender_key_public") is not { Length: > 0 and <= 255 } senderKeyPublic
            || !e.Body.TryGetProperty("envelopes", out var envelopes) || envelopes.ValueKind != JsonValueKind.Array)
        {
            await Ignore(e, "sender_key.distribute without envelopes");
            return;
        }
        var now = time.GetUtcNow();
        await ProduceAsync(unit, async (c, tx) =>
        {
            var senderId = await store.GetOrCreateRemoteUserAsync(c, tx, sender, e.Origin, now, ct);
            if (!await store.IsMemberAsync(c, tx, channelId, senderId, ct))
            {
                LogIgnored(e.EventId, e.Type, "sender is not a member of the channel");
                return null;
            }
            if (await store.IsOtherOwnersDeviceAsync(c, tx, deviceId, senderId, ct))
            {
                LogIgnored(e.EventId, e.Type, NotSendersDevice);
                return null;
            }
            var stored = 0;
            foreach (var item in envelopes.EnumerateArray())
            {
                if (item.ValueKind == JsonValueKind.Object
                    && item.TryGetProperty("recipient_device_id", out var r) && r.ValueKind == JsonValueKind.String && Guid.TryParse(r.GetString(), out var recipient)
                    && item.TryGetProperty("envelope", out var env) && env.ValueKind == JsonValueKind.String && env.GetString() is { Length: > 0 and <= 16384 } envelope
                    && await store.UpsertEnvelopeAsync(c, tx, channelId, deviceId, senderId, senderKeyPublic, recipient, envelope, now, ct))
                {
                    stored++;
                }
            }
            return stored > 0 ? InboundEvents.SenderKeyNew(channelId, deviceId, sender, e.Origin, now) : null;
        });
    }

    /// <summary>
    /// D3Chat addition: a remote user's device has new keys (recorded in <c>remote_devices</c>) or was
    /// removed (forgotten, with the envelopes addressed to it). Only for users already known from
    /// that origin, under the same take-over rule as a device-list fetch; local members of the user's
    /// channels then get <c>device.update</c>, as for a local device.
    /// </summary>
    private async Task DeviceUpdateAsync(InboxEvent e, OutboxTransaction unit, CancellationToken ct)
    {
        if (Username(e, "username") is not { } username || e.Uuid("device_id") is not { } deviceId
            || !e.Body.TryGetProperty("removed", out var removedValue) || removedValue.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
        {
            await Ignore(e, "incomplete device.update");
            return;
        }
        var removed = removedValue.ValueKind == JsonValueKind.True;
        var keys = new KeyBundleResponse(deviceId, e.String("identity_key")!, e.String("signed_pre_key")!, e.String("signed_pre_key_signature")!,
            null, 0, e.String("signing_key"));
        if (!removed && !RemoteKeyBundles.IsValid(keys))
        {
            await Ignore(e, "device.update with invalid keys");
            return;
        }
        var now = time.GetUtcNow();
        var (c, tx) = (unit.Connection, unit.Transaction);
        if (await store.FindUserAsync(c, tx, username, e.Origin, isLocal: false, ct) is not { } userId)
        {
            LogIgnored(e.EventId, e.Type, "user unknown here");
            return;
        }
        var changed = removed ? await remoteDevices.DeleteAsync(c, tx, userId, deviceId, ct) : await remoteDevices.UpsertAsync(c, tx, userId, keys, now, ct);
        if (!changed)
        {
            LogIgnored(e.EventId, e.Type, "device not recorded for that user");
            return;
        }
        if (removed)
        {
            await senderKeys.RemoveForRecipientDeviceAsync(c, tx, deviceId, ct);
        }
        await announcements.AddAsync(unit, userId, deviceId, removed, now, ct);
    }

    /// <summary>What makes a relayed message unacceptable before any lookup: an unknown version, or a v3 message without its device or frame.</summary>
    private static string? RelayedContentProblem(int protocolVersion, Guid? senderDeviceId, string content) => protocolVersion switch
    {
        1 or 2 => null,
        MessageFrame.ProtocolVersion when senderDeviceId is null => "protocol_version 3 without sender_device_id",
        MessageFrame.ProtocolVersion => MessageFrame.Problem(content),
        _ => "unknown protocol_version",
    };

    /// <summary>Runs <paramref name="work"/> in the unit's transaction; the event it returns, if any, is written to the outbox and published after commit.</summary>
    private static async Task ProduceAsync(OutboxTransaction unit, Func<NpgsqlConnection, NpgsqlTransaction, Task<ChannelEvent?>> work)
    {
        if (await work(unit.Connection, unit.Transaction) is { } produced)
        {
            unit.Add(produced);
        }
    }

    private string? Username(InboxEvent e, string field) => e.String(field) is { } value && UsernamePattern().IsMatch(value) ? value : null;

    private const string NotSendersDevice = "the device belongs to this server or to another user";

    private Task Ignore(InboxEvent e, string reason)
    {
        LogIgnored(e.EventId, e.Type, reason);
        return Task.CompletedTask;
    }


    [LoggerMessage(Level = LogLevel.Information, Message = "Federation event {EventId} ({EventType}) ignored: {Reason}")]
    private partial void LogIgnored(string eventId, string eventType, string reason);
}
