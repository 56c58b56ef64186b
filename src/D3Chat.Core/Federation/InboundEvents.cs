using System.Text.Json;
using D3Chat.Core.Http;
using D3Chat.Core.Queue;

namespace D3Chat.Core.Federation;

/// <summary>
/// The realtime events (spec api.md §11.3) the inbox publishes through the outbox for what it
/// materialised, so fanout delivers remote activity like local activity.
/// </summary>
internal static class InboundEvents
{
    public static ChannelEvent MessageNew(RemoteMessage m) => Create("message.new", new
    {
        type = "message.new",
        message = new
        {
            id = m.Id,
            channel_id = m.ChannelId,
            sender_id = m.SenderId,
            // Departure 4: the sending device is kept, so recipients can pick the sender key.
            sender_device_id = m.RemoteSenderDeviceId,
            content = m.Content,
            content_type = m.ContentType,
            protocol_version = m.ProtocolVersion,
            reply_to_id = (Guid?)null,
            reply_to = (object?)null,
            attachments = Array.Empty<object>(),
            edited_at = (DateTimeOffset?)null,
            created_at = m.CreatedAt,
        },
    }, m.CreatedAt, channelId: m.ChannelId);

    public static ChannelEvent MessageEdit(Guid id, Guid channelId, string content, DateTimeOffset editedAt) => Create("message.edit", new
    {
        type = "message.edit",
        message = new { id, channel_id = channelId, content, edited_at = editedAt },
    }, editedAt, channelId: channelId);

    public static ChannelEvent MessageDelete(Guid id, Guid channelId, DateTimeOffset now) =>
        Create("message.delete", new { type = "message.delete", message_id = id, channel_id = channelId }, now, channelId: channelId);

    public static ChannelEvent ChannelNew(FederatedChannel channel, Guid invitee, DateTimeOffset now) => Create("channel.new", new
    {
        type = "channel.new",
        channel = new
        {
            id = channel.Id,
            name = channel.Name,
            is_dm = channel.IsDm,
            is_federated = true,
            encryption_type = channel.EncryptionType ?? "sender_keys",
            created_by = channel.CreatedBy,
            created_at = new DateTimeOffset(DateTime.SpecifyKind(channel.CreatedAt, DateTimeKind.Utc)),
        },
    }, now, userIds: [invitee]) with
    {
        // Fanout adds the invitee to the channel's SignalR group, so relayed messages reach them.
        Membership = new MembershipChange { ChannelId = channel.Id, Joined = [invitee] },
    };

    public static ChannelEvent SenderKeyNew(Guid channelId, Guid deviceId, string senderUsername, string origin, DateTimeOffset now) => Create("sender_key.new", new
    {
        type = "sender_key.new",
        channel_id = channelId,
        device_id = deviceId,
        sender_username = senderUsername,
        origin_server = origin,
    }, now, channelId: channelId);

    private static ChannelEvent Create(string type, object data, DateTimeOffset now, Guid? channelId = null, IReadOnlyList<Guid>? userIds = null) => new()
    {
        Id = Guid.NewGuid(),
        Type = type,
        ChannelId = channelId,
        UserIds = userIds,
        OccurredAt = now,
        Data = JsonSerializer.SerializeToElement(data, ApiResults.Json),
    };
}
