using D3Chat.Core.Channels;
using D3Chat.Core.Messages;
using D3Chat.Core.Queue;
using D3Chat.Core.Realtime;

namespace D3Chat.Core.Federation;

/// <summary>
/// The realtime events the inbox publishes through the outbox for what it materialised: the same
/// catalog entries (<see cref="RealtimeEvents"/>) as local activity, so fanout and clients cannot
/// tell a remote cause from a local one.
/// </summary>
internal static class InboundEvents
{
    public static ChannelEvent MessageNew(RemoteMessage m) => RealtimeEvents.MessageNew(new MessageResponse(
        m.Id, m.ChannelId, m.SenderId,
        // Departure 4: the sending device is kept, so recipients can pick the sender key.
        m.RemoteSenderDeviceId, m.Content, m.ContentType, m.ProtocolVersion,
        ReplyToId: null, ReplyTo: null, Attachments: [], EditedAt: null, CreatedAt: m.CreatedAt.UtcDateTime), m.CreatedAt);

    public static ChannelEvent MessageEdit(Guid id, Guid channelId, string content, DateTimeOffset editedAt) =>
        RealtimeEvents.MessageEdit(id, channelId, content, editedAt);

    public static ChannelEvent MessageDelete(Guid id, Guid channelId, DateTimeOffset now) => RealtimeEvents.MessageDelete(id, channelId, now);

    // Fanout adds the invitee to the channel's SignalR group, so relayed messages reach them.
    public static ChannelEvent ChannelNew(FederatedChannel channel, Guid invitee, DateTimeOffset now) => RealtimeEvents.ChannelNew(
        new ChannelResponse(channel.Id, channel.Name, channel.IsDm, IsFederated: true, channel.EncryptionType ?? ChannelEncryption.SenderKeys,
            channel.CreatedBy, DateTime.SpecifyKind(channel.CreatedAt, DateTimeKind.Utc), IsPublic: false),
        [invitee], new MembershipChange { ChannelId = channel.Id, Joined = [invitee] }, now);

    public static ChannelEvent SenderKeyNew(Guid channelId, Guid deviceId, string senderUsername, string origin, DateTimeOffset now) =>
        RealtimeEvents.SenderKeyNew(channelId, deviceId, senderUsername, origin, now);
}
