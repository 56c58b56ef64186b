using System.Runtime.InteropServices;
using System.Text.Json;
using D3Chat.Core.Channels;
using D3Chat.Core.Queue;
using D3Chat.Core.Realtime;
using D3Chat.Core.Redis;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace D3Chat.Core.Fanout;

/// <summary>
/// Consumes channel events from the work queue and delivers them to SignalR: first the group
/// membership changes an event carries, then the event to the channel's group and to each addressed user.
/// Throws to have the message retried (and, after the configured dequeue count, moved to the poison
/// queue); returns normally for a duplicate.
/// </summary>
public sealed partial class FanoutHandler(
    IRealtimeNotifier notifier, RedisKeyspace redis, ILogger<FanoutHandler> logger, ChannelEventReferences references, IChannelMembership channels)
{
    private const int CallsAtOnce = 16;

    /// <summary>Events in one SignalR send to a group at most.</summary>
    public const int MaxEventsPerSend = 50;

    /// <summary>Their JSON in one send at most; an event larger than this goes alone.</summary>
    public const int MaxBytesPerSend = 64 * 1024;

    /// <summary>Delivers one event (a queue message of one, or one event of several handled alone).</summary>
    public Task HandleAsync(string messageBody, CancellationToken ct) => HandleAllAsync([messageBody], ct);

    /// <summary>
    /// Delivers the events of one queue message in their order (issue 14): one dedup read for all of
    /// them, and consecutive events that only go to a channel's group (new, edited and deleted messages)
    /// leave in one SignalR send per channel, target <see cref="IRealtimeNotifier.EventsTarget"/>, instead
    /// of one each. An event that changes membership or addresses users is delivered on its own, after
    /// the events before it, so a join still precedes the messages after it. Should anything throw, the
    /// consumer delivers each event alone (<see cref="StorageQueueConsumer.HandleTogetherAsync"/>); the
    /// events already delivered are marked and skipped.
    /// </summary>
    public async Task HandleAllAsync(IReadOnlyList<string> messageBodies, CancellationToken ct)
    {
        var events = new List<ChannelEvent>(messageBodies.Count);
        foreach (var body in messageBodies)
        {
            events.Add(await references.ResolveAsync(body, ct));
        }
        var delivered = await AlreadyDeliveredAsync([.. events.Select(e => e.Id)]);
        var groupRun = new List<ChannelEvent>();
        for (var i = 0; i < events.Count; i++)
        {
            var channelEvent = events[i];
            if (delivered[i])
            {
                LogDuplicate(channelEvent.Id);
            }
            else if (IsForItsGroupOnly(channelEvent))
            {
                groupRun.Add(channelEvent);
            }
            else
            {
                await SendToGroupsAsync(groupRun, ct);
                groupRun.Clear();
                await DeliverAsync(channelEvent, ct);
                await MarkDeliveredAsync([channelEvent.Id]);
            }
        }
        await SendToGroupsAsync(groupRun, ct);
    }

    private static bool IsForItsGroupOnly(ChannelEvent channelEvent) =>
        channelEvent is { ChannelId: not null, Membership: null, HasData: true } && (channelEvent.UserIds ?? []).Count == 0;

    private async Task DeliverAsync(ChannelEvent channelEvent, CancellationToken ct)
    {
        await ApplyMembershipAsync(channelEvent, ct);
        if (channelEvent.HasData)
        {
            if (channelEvent.ChannelId is { } channelId)
            {
                await notifier.SendToGroupAsync(RealtimeGroups.Channel(channelId), [channelEvent.Data], ct);
            }
            await ForEachAtOnceAsync(channelEvent.UserIds ?? [], userId => notifier.SendToUserAsync(userId, channelEvent.Data, ct));
        }
        LogDelivered(channelEvent.Id, channelEvent.Type);
    }

    // Each channel's events in their order, in sends bounded by count and size; the channels side by side.
    private async Task SendToGroupsAsync(List<ChannelEvent> groupRun, CancellationToken ct)
    {
        if (groupRun.Count == 0)
        {
            return;
        }
        var sends = groupRun.GroupBy(e => e.ChannelId!.Value).SelectMany(channel => Sends(channel.Key, channel)).ToList();
        foreach (var chunk in sends.Chunk(CallsAtOnce))
        {
            await Task.WhenAll(chunk.Select(send => notifier.SendToGroupAsync(send.Group, send.Events, ct)));
        }
        await MarkDeliveredAsync([.. groupRun.Select(e => e.Id)]);
        foreach (var channelEvent in groupRun)
        {
            LogDelivered(channelEvent.Id, channelEvent.Type);
        }
    }

    private static IEnumerable<(string Group, List<JsonElement> Events)> Sends(Guid channelId, IEnumerable<ChannelEvent> events)
    {
        var group = RealtimeGroups.Channel(channelId);
        var send = new List<JsonElement>();
        var bytes = 0;
        foreach (var channelEvent in events)
        {
            var size = JsonMarshal.GetRawUtf8Value(channelEvent.Data).Length;
            if (send.Count > 0 && (send.Count == MaxEventsPerSend || bytes + size > MaxBytesPerSend))
            {
                yield return (group, send);
                send = [];
                bytes = 0;
            }
            send.Add(channelEvent.Data);
            bytes += size;
        }
        yield return (group, send);
    }

    // Membership first, so a joining user already gets this event and a leaving one does not.
    // Every call is idempotent, so a retried event repeats them harmlessly. Within a channel the event
    // only says whose membership changed, never what it is now (issue 12 item 10).
    private async Task ApplyMembershipAsync(ChannelEvent channelEvent, CancellationToken ct)
    {
        if (channelEvent.Membership is not { } membership)
        {
            return;
        }
        if (membership.ChannelId is not { } channelId)
        {
            foreach (var userId in membership.Left)
            {
                await notifier.RemoveUserFromAllGroupsAsync(userId, ct);
                await notifier.CloseUserConnectionsAsync(userId, ct);
            }
            return;
        }
        await SyncGroupAsync(channelId, membership.Joined.Concat(membership.Left).Distinct().ToList(), ct);
    }

    /// <summary>
    /// Makes the users' places in the channel's group what PostgreSQL says now, not what the event said:
    /// queue messages are handled concurrently, retried and out of order, so a join handled after the
    /// leave that followed it must not put the leaver back. After acting, membership is read again and,
    /// for whoever changed meanwhile, applied again: whichever handler acts last has read after the last
    /// change it could have missed, and that change's own event syncs once more. One membership query
    /// per round for all users (a channel created with 200 members is not 400 queries), and the SignalR
    /// calls, one per user since the service has no batch call, go out side by side.
    /// </summary>
    private async Task SyncGroupAsync(Guid channelId, IReadOnlyList<Guid> userIds, CancellationToken ct)
    {
        var group = RealtimeGroups.Channel(channelId);
        var pending = userIds;
        var members = await channels.MembersAmongAsync(channelId, pending, ct);
        while (pending.Count > 0)
        {
            await ForEachAtOnceAsync(pending, userId => members.Contains(userId)
                ? notifier.AddUserToGroupAsync(userId, group, ct)
                : notifier.RemoveUserFromGroupAsync(userId, group, ct));
            var now = await channels.MembersAmongAsync(channelId, pending, ct);
            pending = pending.Where(userId => members.Contains(userId) != now.Contains(userId)).ToList();
            members = now;
        }
    }

    // SignalR calls for many users: side by side, a bounded number at once so a large channel does not
    // open hundreds of connections to the service.
    private static async Task ForEachAtOnceAsync(IReadOnlyList<Guid> userIds, Func<Guid, Task> call)
    {
        foreach (var chunk in userIds.Chunk(CallsAtOnce))
        {
            await Task.WhenAll(chunk.Select(call));
        }
    }

    // Dedup is an optimisation (clients dedup by message id too), so Redis trouble only costs a resend.
    // One MGET for all the events of a queue message.
    private async Task<bool[]> AlreadyDeliveredAsync(IReadOnlyList<Guid> eventIds)
    {
        try
        {
            var values = await redis.Database.StringGetAsync([.. eventIds.Select(id => (RedisKey)RedisKeys.FanoutDone(id))]);
            return [.. values.Select(v => v.HasValue)];
        }
        catch (RedisException ex)
        {
            LogRedisUnavailable(ex);
            return new bool[eventIds.Count];
        }
    }

    // The marks go out together: the client pipelines them, one round trip for all.
    private async Task MarkDeliveredAsync(IReadOnlyList<Guid> eventIds)
    {
        try
        {
            var database = redis.Database;
            await Task.WhenAll(eventIds.Select(id => database.StringSetAsync(RedisKeys.FanoutDone(id), "1", RedisKeys.FanoutDoneTtl)));
        }
        catch (RedisException ex)
        {
            LogRedisUnavailable(ex);
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Fanout skipped duplicate event {EventId}")]
    private partial void LogDuplicate(Guid eventId);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Fanout delivered event {EventId} ({EventType})")]
    private partial void LogDelivered(Guid eventId, string eventType);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Redis unavailable for fanout dedup; delivering without it")]
    private partial void LogRedisUnavailable(Exception exception);
}

/// <summary>A queue message that can never be processed; it ends in the poison queue.</summary>
internal sealed class InvalidChannelEventException(string message) : Exception(message);
