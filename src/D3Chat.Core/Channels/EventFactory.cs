using System.Text.Json;
using D3Chat.Core.Http;
using D3Chat.Core.Queue;

namespace D3Chat.Core.Channels;

/// <summary>Builds outbox events whose <c>Data</c> is the realtime event object of spec api.md §11.3.</summary>
internal static class EventFactory
{
    /// <summary>Event types that only carry <see cref="ChannelEvent.Membership"/> routing (and feed federation); clients never receive them.</summary>
    public static class RoutingTypes
    {
        public const string ChannelCreated = "channel.created";
        public const string ChannelJoin = "channel.join";
        public const string ChannelLeave = "channel.leave";
        public const string ChannelDelete = "channel.delete";

        /// <summary>A banned, suspended, deleted or logged-out-everywhere user leaves every realtime group and loses its connections.</summary>
        public const string UserRevoked = "user.revoked";
    }

    /// <param name="data">The event object, including its <c>type</c>; serialised in the wire style (snake_case).</param>
    public static ChannelEvent Create(string type, object data, DateTimeOffset now,
        Guid? channelId = null, IReadOnlyList<Guid>? userIds = null, MembershipChange? membership = null) => new()
    {
        Id = Guid.NewGuid(),
        Type = type,
        ChannelId = channelId,
        UserIds = userIds,
        Membership = membership,
        OccurredAt = now,
        Data = JsonSerializer.SerializeToElement(data, ApiResults.Json),
    };

    /// <summary>The routing-only event that makes fanout remove the user from every SignalR group and close its connections.</summary>
    public static ChannelEvent UserRevoked(Guid userId, DateTimeOffset now) =>
        Create(RoutingTypes.UserRevoked, new { type = RoutingTypes.UserRevoked, user_id = userId }, now,
            membership: new MembershipChange { ChannelId = null, Left = [userId] });

    /// <summary>
    /// The data of <c>channel.new</c>: spec api.md §11.3 lists exactly seven channel fields, so the
    /// departure-2 <c>is_public</c> of <see cref="ChannelResponse"/> stays out of the event
    /// (clients read it from <c>GET /api/v1/channels/{id}</c>).
    /// </summary>
}
