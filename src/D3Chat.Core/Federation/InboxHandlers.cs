using D3Chat.Core.Data;
using System.Text.Json;
using System.Text.RegularExpressions;
using D3Chat.Core.Hosting;
using D3Chat.Core.Outbox;
using D3Chat.Core.Queue;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace D3Chat.Core.Federation;

/// <summary>
/// Applies verified inbox events (spec federation.md §6-7 plus departure 4). Events that do not fit
/// local state (unknown channel, sender not a member, invitee not local) are ignored, as in the
/// reference, and still acknowledged. Each event commits with its outbox rows in one transaction.
/// </summary>
public sealed partial class InboxHandlers(
    FederationStore store,
    OutboxStore outbox,
    OutboxPublisher publisher,
    IOptions<ServerOptions> server,
    TimeProvider time,
    ILogger<InboxHandlers> logger)
{
    [GeneratedRegex("^[A-Za-z0-9_-]{1,64}$")]
    private static partial Regex UsernamePattern();

    public Task DispatchAsync(InboxEvent e, CancellationToken ct) => e.Type switch
    {
        FederationEventTypes.MessageRelay => MessageRelayAsync(e, ct),
        FederationEventTypes.MessageEdit => MessageEditAsync(e, ct),
        FederationEventTypes.MessageDelete => MessageDeleteAsync(e, ct),
        FederationEventTypes.ChannelInvite => ChannelInviteAsync(e, ct),
        FederationEventTypes.ChannelJoin => ChannelJoinAsync(e, ct),
        FederationEventTypes.ChannelLeave => ChannelLeaveAsync(e, ct),
        FederationEventTypes.SenderKeyDistribute => SenderKeyDistributeAsync(e, ct),
        _ => Ignore(e, "unknown event type"),
    };

    private async Task MessageRelayAsync(InboxEvent e, CancellationToken ct)
    {
        if (e.Uuid("channel_id") is not { } channelId || Username(e, "sender_username") is not { } sender
            || e.String("origin_message_id") is not { Length: > 0 and <= 255 } originMessageId || e.String("content") is not { } content)
        {
            await Ignore(e, "incomplete message.relay");
            return;
        }
        var now = DbTime.DbPrecision(time.GetUtcNow());
        await InTransactionAsync(async (c, tx) =>
        {
            var senderId = await store.GetOrCreateRemoteUserAsync(c, tx, sender, e.Origin, now, ct);
            if (!await store.IsMemberAsync(c, tx, channelId, senderId, ct))
            {
                LogIgnored(e.EventId, e.Type, "sender is not a member of the channel");
                return null;
            }
            var message = new RemoteMessage(Guid.NewGuid(), channelId, senderId, e.Uuid("sender_device_id"), content,
                e.String("content_type") is { Length: > 0 and <= 32 } contentType ? contentType : "text",
                e.Int("protocol_version") ?? 1, e.Origin, originMessageId, now);
            return await store.InsertMessageAsync(c, tx, message, ct) ? InboundEvents.MessageNew(message) : null;
        }, ct);
    }

    private async Task MessageEditAsync(InboxEvent e, CancellationToken ct)
    {
        if (e.String("origin_message_id") is not { Length: > 0 } originMessageId || e.String("content") is not { } content)
        {
            await Ignore(e, "incomplete message.edit");
            return;
        }
        var now = DbTime.DbPrecision(time.GetUtcNow());
        await InTransactionAsync(async (c, tx) =>
        {
            // Only the origin's own messages: the lookup is by (origin_server = signed origin, origin id).
            if (await store.FindByOriginAsync(c, tx, e.Origin, originMessageId, ct) is not { } message)
            {
                LogIgnored(e.EventId, e.Type, "message unknown");
                return null;
            }
            await store.UpdateContentAsync(c, tx, message.Id, content, now, ct);
            return InboundEvents.MessageEdit(message.Id, message.ChannelId, content, now);
        }, ct);
    }

    private async Task MessageDeleteAsync(InboxEvent e, CancellationToken ct)
    {
        if (e.String("origin_message_id") is not { Length: > 0 } originMessageId)
        {
            await Ignore(e, "incomplete message.delete");
            return;
        }
        await InTransactionAsync(async (c, tx) =>
        {
            if (await store.FindByOriginAsync(c, tx, e.Origin, originMessageId, ct) is not { } message)
            {
                LogIgnored(e.EventId, e.Type, "message unknown");
                return null;
            }
            await store.DeleteMessageAsync(c, tx, message.Id, ct);
            return InboundEvents.MessageDelete(message.Id, message.ChannelId, time.GetUtcNow());
        }, ct);
    }

    private async Task ChannelInviteAsync(InboxEvent e, CancellationToken ct)
    {
        if (e.Uuid("channel_id") is not { } channelId || Username(e, "inviter_username") is not { } inviter
            || Username(e, "invitee_username") is not { } invitee)
        {
            await Ignore(e, "incomplete channel.invite");
            return;
        }
        var now = DbTime.DbPrecision(time.GetUtcNow());
        await InTransactionAsync(async (c, tx) =>
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
                var encryption = e.String("encryption_type") is { Length: > 0 and <= 32 } t ? t : "sender_keys";
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
        }, ct);
    }

    private async Task ChannelJoinAsync(InboxEvent e, CancellationToken ct)
    {
        if (e.Uuid("channel_id") is not { } channelId || Username(e, "username") is not { } username)
        {
            await Ignore(e, "incomplete channel.join");
            return;
        }
        var now = DbTime.DbPrecision(time.GetUtcNow());
        await InTransactionAsync(async (c, tx) =>
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
        }, ct);
    }

    private async Task ChannelLeaveAsync(InboxEvent e, CancellationToken ct)
    {
        if (e.Uuid("channel_id") is not { } channelId || Username(e, "username") is not { } username)
        {
            await Ignore(e, "incomplete channel.leave");
            return;
        }
        await InTransactionAsync(async (c, tx) =>
        {
            if (await store.FindUserAsync(c, tx, username, e.Origin, isLocal: false, ct) is { } userId)
            {
                await store.RemoveMemberAsync(c, tx, channelId, userId, ct);
            }
            return null;
        }, ct);
    }

    /// <summary>
    /// Departure 3: only opaque per-device envelopes are accepted. The reference form (chain key in
    /// the clear, no <c>envelopes</c>) is ignored rather than stored.
    /// </summary>
    private async Task SenderKeyDistributeAsync(InboxEvent e, CancellationToken ct)
    {
        if (e.Uuid("channel_id") is not { } channelId || e.Uuid("device_id") is not { } deviceId
            || Username(e, "sender_username") is not { } sender || e.String("sender_key_public") is not { Length: > 0 and <= 255 } senderKeyPublic
            || !e.Body.TryGetProperty("envelopes", out var envelopes) || envelopes.ValueKind != JsonValueKind.Array)
        {
            await Ignore(e, "sender_key.distribute without envelopes");
            return;
        }
        var now = time.GetUtcNow();
        await InTransactionAsync(async (c, tx) =>
        {
            var senderId = await store.GetOrCreateRemoteUserAsync(c, tx, sender, e.Origin, now, ct);
            if (!await store.IsMemberAsync(c, tx, channelId, senderId, ct))
            {
                LogIgnored(e.EventId, e.Type, "sender is not a member of the channel");
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
        }, ct);
    }

    /// <summary>Runs <paramref name="work"/> in one transaction; the event it returns is written to the outbox and published after commit.</summary>
    private async Task InTransactionAsync(Func<NpgsqlConnection, NpgsqlTransaction, Task<ChannelEvent?>> work, CancellationToken ct)
    {
        var (connection, tx) = await store.BeginAsync(ct);
        ChannelEvent? produced;
        await using (connection)
        await using (tx)
        {
            produced = await work(connection, tx);
            if (produced is not null)
            {
                await outbox.AddAsync(connection, tx, produced, ct);
            }
            await tx.CommitAsync(ct);
        }
        if (produced is not null)
        {
            await publisher.PublishAsync([produced], ct);
        }
    }

    private string? Username(InboxEvent e, string field) => e.String(field) is { } value && UsernamePattern().IsMatch(value) ? value : null;

    private Task Ignore(InboxEvent e, string reason)
    {
        LogIgnored(e.EventId, e.Type, reason);
        return Task.CompletedTask;
    }


    [LoggerMessage(Level = LogLevel.Information, Message = "Federation event {EventId} ({EventType}) ignored: {Reason}")]
    private partial void LogIgnored(string eventId, string eventType, string reason);
}
