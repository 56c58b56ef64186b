using D3Chat.Core.Channels;
using D3Chat.Core.Messages;
using D3Chat.Core.Queue;

namespace D3Chat.Core.Realtime;

/// <summary>
/// The catalog of channel events clients receive (docs/realtime.md): one constructor per type, used by
/// the local paths (the services) and the inbound federation path alike, so an event has the same
/// shape whichever server its cause happened on. Routing-only events live in <see cref="EventFactory"/>.
/// </summary>
internal static class RealtimeEvents
{
    public const string MessageNewType = "message.new";
    public const string MessageEditType = "message.edit";
    public const string MessageDeleteType = "message.delete";
    public const string ChannelNewType = "channel.new";
    public const string SenderKeyNewType = "sender_key.new";

    public static ChannelEvent MessageNew(MessageResponse message, DateTimeOffset now) =>
        EventFactory.Create(MessageNewType, new { type = MessageNewType, message }, now, channelId: message.ChannelId);

    public static ChannelEvent MessageEdit(Guid messageId, Guid channelId, string content, DateTimeOffset editedAt) =>
        EventFactory.Create(MessageEditType, new
        {
            type = MessageEditType,
            message = new { id = messageId, channel_id = channelId, content, edited_at = editedAt },
        }, editedAt, channelId: channelId);

    public static ChannelEvent MessageDelete(Guid messageId, Guid channelId, DateTimeOffset now) =>
        EventFactory.Create(MessageDeleteType, new { type = MessageDeleteType, message_id = messageId, channel_id = channelId }, now, channelId: channelId);

    /// <summary>Sent to <paramref name="userIds"/>; <paramref name="membership"/> makes fanout add them to the channel's group first.</summary>
    public static ChannelEvent ChannelNew(ChannelResponse channel, IReadOnlyList<Guid> userIds, MembershipChange membership, DateTimeOffset now) =>
        EventFactory.Create(ChannelNewType, new
        {
            type = ChannelNewType,
            channel = new { channel.Id, channel.Name, channel.IsDm, channel.IsFederated, channel.EncryptionType, channel.CreatedBy, channel.CreatedAt },
        }, now, userIds: userIds, membership: membership);

    /// <summary>A device of <paramref name="senderUsername"/> (of <paramref name="originServer"/>) distributed a new sender key in the channel.</summary>
    public static ChannelEvent SenderKeyNew(Guid channelId, Guid deviceId, string senderUsername, string originServer, DateTimeOffset now) =>
        EventFactory.Create(SenderKeyNewType, new
        {
            type = SenderKeyNewType,
            channel_id = channelId,
            device_id = deviceId,
            sender_username = senderUsername,
            origin_server = originServer,
        }, now, channelId: channelId);
}
