using D3Chat.Core.Channels;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using D3Chat.Core.Devices;
using D3Chat.Core.Hosting;
using D3Chat.Core.Queue;
using Microsoft.Extensions.Options;

namespace D3Chat.Core.Federation;

/// <summary>
/// One federation event to POST, and the peers that get it. A message carries the join of its sender
/// (<see cref="SenderJoin"/>), which the relay sends first wherever that sender is not yet known to be a member.
/// </summary>
internal sealed record OutboundEvent(string EventId, string Type, string Body, IReadOnlyList<string> Destinations, SenderJoin? SenderJoin = null);

/// <summary>A <c>channel.join</c> of a message's local sender, keyed by channel and sender for <c>federation_sender_joins</c>.</summary>
public sealed record SenderJoin(Guid ChannelId, string Username, string EventId, string Body);

/// <summary>
/// The one table from work-queue channel events to federation events (architecture departure 4):
/// <list type="table">
/// <item><c>message.new</c> → <c>message.relay</c> (event id <c>msg-{message id}</c>, as the reference)</item>
/// <item><c>message.edit</c> → <c>message.edit</c>; <c>message.delete</c> → <c>message.delete</c> (D3Chat additions)</item>
/// <item><c>channel.new</c> naming a remote user → <c>channel.invite</c> to that user's server, followed by
///   <c>channel.join</c> for every other local member, so the peer accepts their messages too; naming a
///   local user of a channel with remote members → <c>channel.join</c> to those members' servers</item>
/// <item><c>channel.join</c> / <c>channel.leave</c> of a local user → the same type to every peer in the channel</item>
/// <item><c>sender_key.new</c> of a local device → <c>sender_key.distribute</c> with its envelopes for remote devices</item>
/// <item><c>device.update</c> of a local user → <c>device.update</c> with the device's keys (or <c>removed</c>); one
///   event id per change, so the copies of the user's several channels collapse into one delivery per peer</item>
/// </list>
/// Everything else (and anything about remote users or relayed copies) maps to nothing, which is
/// what keeps events received from a peer from being sent back out.
/// </summary>
public sealed class RelayEventMapper(RelayStore store, ChannelStore channels, IOptions<ServerOptions> server)
{
    internal async Task<IReadOnlyList<OutboundEvent>> MapAsync(ChannelEvent e, CancellationToken ct) => e.Type switch
    {
        "message.new" => await MessageRelayAsync(e, ct),
        "message.edit" => await MessageEditAsync(e, ct),
        "message.delete" => await MessageDeleteAsync(e, ct),
        "channel.new" => await InviteAsync(e, ct),
        "channel.join" => await MembershipAsync(e, FederationEventTypes.ChannelJoin, "join", ct),
        "channel.leave" => await MembershipAsync(e, FederationEventTypes.ChannelLeave, "leave", ct),
        "sender_key.new" => await SenderKeyAsync(e, ct),
        DeviceAnnouncements.EventType => await DeviceUpdateAsync(e, ct),
        _ => [],
    };

    private async Task<IReadOnlyList<OutboundEvent>> MessageRelayAsync(ChannelEvent e, CancellationToken ct)
    {
        if (Guid(e.Data, "message", "id") is not { } id || await store.LocalMessageAsync(id, ct) is not { } m)
        {
            return [];
        }
        var relays = await ToChannelPeersAsync(m.ChannelId, $"msg-{m.Id}", FederationEventTypes.MessageRelay, e, new JsonObject
        {
            ["channel_id"] = m.ChannelId.ToString(),
            ["sender_username"] = m.SenderUsername,
            ["sender_device_id"] = m.SenderDeviceId?.ToString(),
            ["content"] = m.Content,
            ["content_type"] = m.ContentType ?? "text",
            ["protocol_version"] = m.ProtocolVersion ?? 1,
            ["origin_message_id"] = m.Id.ToString(),
        }, ct);
        // The event that made the sender a member may not have been relayed yet (queue messages run
        // concurrently): the message brings its sender's join along (docs/federation.md "Ordering").
        var join = Build($"member-{m.Id}", FederationEventTypes.ChannelJoin, e, [],
            new JsonObject { ["channel_id"] = m.ChannelId.ToString(), ["username"] = m.SenderUsername });
        return relays.Select(r => r with { SenderJoin = new SenderJoin(m.ChannelId, m.SenderUsername, join.EventId, join.Body) }).ToList();
    }

    private async Task<IReadOnlyList<OutboundEvent>> MessageEditAsync(ChannelEvent e, CancellationToken ct)
    {
        if (Guid(e.Data, "message", "id") is not { } id || await store.LocalMessageAsync(id, ct) is not { } m)
        {
            return [];
        }
        return await ToChannelPeersAsync(m.ChannelId, $"edit-{m.Id}-{e.Id}", FederationEventTypes.MessageEdit, e, new JsonObject
        {
            ["channel_id"] = m.ChannelId.ToString(),
            ["sender_username"] = m.SenderUsername,
            ["origin_message_id"] = m.Id.ToString(),
            ["content"] = m.Content,
            ["edited_at"] = m.EditedAt is { } at ? Iso(new DateTimeOffset(DateTime.SpecifyKind(at, DateTimeKind.Utc))) : null,
        }, ct);
    }

    /// <summary>
    /// The row is gone, so origin cannot be checked here; receivers match (their sender, origin id), so a
    /// delete of a relayed copy reaches nothing on the peer.
    /// </summary>
    private async Task<IReadOnlyList<OutboundEvent>> MessageDeleteAsync(ChannelEvent e, CancellationToken ct)
    {
        if (Guid(e.Data, "message_id") is not { } id || (Guid(e.Data, "channel_id") ?? e.ChannelId) is not { } channelId)
        {
            return [];
        }
        return await ToChannelPeersAsync(channelId, $"delete-{id}", FederationEventTypes.MessageDelete, e, new JsonObject
        {
            ["channel_id"] = channelId.ToString(),
            ["origin_message_id"] = id.ToString(),
        }, ct);
    }

    private async Task<IReadOnlyList<OutboundEvent>> InviteAsync(ChannelEvent e, CancellationToken ct)
    {
        if (Guid(e.Data, "channel", "id") is not { } channelId || await store.ChannelAsync(channelId, ct) is not { IsDm: false } channel)
        {
            return [];
        }
        var invitees = new List<RelayUser>();
        var addedLocals = new List<RelayUser>();
        foreach (var userId in e.UserIds ?? [])
        {
            if (await store.UserAsync(userId, ct) is { } user)
            {
                (user.IsLocal ? addedLocals : invitees).Add(user);
            }
        }
        var events = new List<OutboundEvent>();
        // A local user added to an already federated channel joins it on every peer, or peers would drop their messages.
        foreach (var added in addedLocals)
        {
            events.AddRange(await ToChannelPeersAsync(channelId, $"join-{channelId}-{added.Id}-{e.Id}", FederationEventTypes.ChannelJoin, e,
                new JsonObject { ["channel_id"] = channelId.ToString(), ["username"] = added.Username }, ct));
        }
        var locals = await store.LocalMembersAsync(channelId, ct);
        if (invitees.Count == 0 || locals.Count == 0)
        {
            return events;
        }
        await channels.MarkFederatedAsync(channelId, ct);
        var inviter = locals[0];
        foreach (var invitee in invitees)
        {
            var to = new[] { invitee.ServerDomain };
            events.Add(Build($"invite-{channelId}-{invitee.Id}-{e.Id}", FederationEventTypes.ChannelInvite, e, to, new JsonObject
            {
                ["channel_id"] = channelId.ToString(),
                ["channel_name"] = channel.Name,
                ["inviter_username"] = inviter.Username,
                ["invitee_username"] = invitee.Username,
                ["encryption_type"] = channel.EncryptionType ?? "sender_keys",
            }));
            events.AddRange(locals.Skip(1).Select(member => Build($"join-{channelId}-{member.Id}-{e.Id}", FederationEventTypes.ChannelJoin, e, to,
                new JsonObject { ["channel_id"] = channelId.ToString(), ["username"] = member.Username })));
        }
        return events;
    }

    private async Task<IReadOnlyList<OutboundEvent>> MembershipAsync(ChannelEvent e, string type, string prefix, CancellationToken ct)
    {
        if ((Guid(e.Data, "channel_id") ?? e.ChannelId) is not { } channelId || Guid(e.Data, "user_id") is not { } userId
            || await store.UserAsync(userId, ct) is not { IsLocal: true } user)
        {
            return [];
        }
        return await ToChannelPeersAsync(channelId, $"{prefix}-{channelId}-{userId}-{e.Id}", type, e,
            new JsonObject { ["channel_id"] = channelId.ToString(), ["username"] = user.Username }, ct);
    }

    private async Task<IReadOnlyList<OutboundEvent>> SenderKeyAsync(ChannelEvent e, CancellationToken ct)
    {
        if ((Guid(e.Data, "channel_id") ?? e.ChannelId) is not { } channelId || Guid(e.Data, "device_id") is not { } deviceId
            || String(e.Data, "origin_server") != server.Value.Domain || String(e.Data, "sender_username") is not { } sender)
        {
            return [];
        }
        var envelopes = await store.RemoteEnvelopesAsync(channelId, deviceId, ct);
        if (envelopes.Count == 0)
        {
            return [];
        }
        var list = new JsonArray();
        foreach (var envelope in envelopes)
        {
            list.Add(new JsonObject { ["recipient_device_id"] = envelope.RecipientDeviceId.ToString(), ["envelope"] = envelope.Envelope });
        }
        return await ToChannelPeersAsync(channelId, $"sk-{channelId}-{deviceId}-{e.Id}", FederationEventTypes.SenderKeyDistribute, e, new JsonObject
        {
            ["channel_id"] = channelId.ToString(),
            ["device_id"] = deviceId.ToString(),
            ["sender_username"] = sender,
            ["sender_key_public"] = envelopes[0].SenderKeyPublic,
            ["envelopes"] = list,
        }, ct);
    }

    private async Task<IReadOnlyList<OutboundEvent>> DeviceUpdateAsync(ChannelEvent e, CancellationToken ct)
    {
        if ((Guid(e.Data, "channel_id") ?? e.ChannelId) is not { } channelId || Guid(e.Data, "user_id") is not { } userId
            || Guid(e.Data, "device_id") is not { } deviceId || !e.Data.TryGetProperty("removed", out var removedValue)
            || await store.UserAsync(userId, ct) is not { IsLocal: true } user)
        {
            return [];
        }
        var fields = new JsonObject
        {
            ["username"] = user.Username,
            ["device_id"] = deviceId.ToString(),
            ["removed"] = removedValue.ValueKind == JsonValueKind.True,
        };
        if (removedValue.ValueKind != JsonValueKind.True)
        {
            // Keys as they are now; a device deleted meanwhile sends nothing here, its removal follows.
            if (await store.DeviceKeysAsync(userId, deviceId, ct) is not { } keys)
            {
                return [];
            }
            fields["identity_key"] = keys.IdentityKey;
            fields["signing_key"] = keys.SigningKey;
            fields["signed_pre_key"] = keys.SignedPreKey;
            fields["signed_pre_key_signature"] = keys.SignedPreKeySignature;
        }
        // The channel events of one change share OccurredAt: one event id per change and device.
        return await ToChannelPeersAsync(channelId, $"device-{deviceId}-{e.OccurredAt.UtcTicks}", FederationEventTypes.DeviceUpdate, e, fields, ct);
    }

    private async Task<IReadOnlyList<OutboundEvent>> ToChannelPeersAsync(Guid channelId, string eventId, string type, ChannelEvent source, JsonObject fields, CancellationToken ct)
    {
        var domains = await store.RemoteDomainsAsync(channelId, ct);
        return domains.Count == 0 ? [] : [Build(eventId, type, source, domains, fields)];
    }

    /// <summary>The common envelope (spec §6) first, then the type's fields; serialised once, and these bytes are what gets signed.</summary>
    private OutboundEvent Build(string eventId, string type, ChannelEvent source, IReadOnlyList<string> destinations, JsonObject fields)
    {
        var body = new JsonObject
        {
            ["event_id"] = eventId,
            ["type"] = type,
            ["origin_server"] = server.Value.Domain,
            ["timestamp"] = Iso(source.OccurredAt),
        };
        foreach (var (name, value) in fields.ToList())
        {
            fields.Remove(name);
            body[name] = value;
        }
        return new OutboundEvent(eventId, type, body.ToJsonString(), destinations);
    }

    /// <summary>The reference's ISO form, e.g. <c>2026-02-16T12:00:00.123456+00:00</c>.</summary>
    private static string Iso(DateTimeOffset value) => value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'+00:00'", CultureInfo.InvariantCulture);

    private static Guid? Guid(JsonElement data, params string[] path)
    {
        var s = String(data, path);
        return System.Guid.TryParse(s, out var id) ? id : null;
    }

    private static string? String(JsonElement data, params string[] path)
    {
        var current = data;
        foreach (var name in path)
        {
            if (current.ValueKind != JsonValueKind.Object || !current.TryGetProperty(name, out current))
            {
                return null;
            }
        }
        return current.ValueKind == JsonValueKind.String ? current.GetString() : null;
    }
}
