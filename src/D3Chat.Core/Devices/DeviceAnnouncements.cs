using D3Chat.Core.Channels;
using D3Chat.Core.Outbox;
using D3Chat.Core.Queue;

namespace D3Chat.Core.Devices;

/// <summary>
/// <c>device.update</c>: a user's device published new keys or was removed. Members of every channel
/// of that user hear it (one event per channel, sent to the channel's group), so their clients
/// refresh the device list and rotate sender-key chains (docs/crypto.md §4); the relay forwards it
/// to peers sharing the channel, so remote device lists refresh without a client fetch.
/// </summary>
public sealed class DeviceAnnouncements(ChannelStore channels)
{
    public const string EventType = "device.update";

    /// <summary>Appends the events to the caller's unit of work, which publishes them after commit.</summary>
    public async Task AddAsync(OutboxTransaction unit, Guid userId, Guid deviceId, bool removed, DateTimeOffset now, CancellationToken ct)
    {
        foreach (var channelId in await channels.ChannelIdsOfUserAsync(unit.Connection, unit.Transaction, userId, ct))
        {
            unit.Add(EventFactory.Create(EventType,
                new { type = EventType, channel_id = channelId, user_id = userId, device_id = deviceId, removed }, now, channelId: channelId));
        }
    }
}
