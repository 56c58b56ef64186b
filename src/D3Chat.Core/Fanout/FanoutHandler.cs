using D3Chat.Core.Channels;
using D3Chat.Core.Queue;
using D3Chat.Core.Realtime;
using D3Chat.Core.Redis;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace D3Chat.Core.Fanout;

/// <summary>
/// Consumes one channel event from the work queue and delivers it to SignalR: first the group
/// membership changes it carries, then the event to the channel's group and to each addressed user. Throws to have the message retried (and, after the
/// configured dequeue count, moved to the poison queue); returns normally for a duplicate.
/// </summary>
public sealed partial class FanoutHandler(
    IRealtimeNotifier notifier, RedisKeyspace redis, ILogger<FanoutHandler> logger, ChannelEventReferences references, IChannelMembership channels)
{
    private const int CallsAtOnce = 16;

    public async Task HandleAsync(string messageBody, CancellationToken ct)
    {
        var channelEvent = await references.ResolveAsync(messageBody, ct);
        if (await AlreadyDeliveredAsync(channelEvent.Id))
        {
            LogDuplicate(channelEvent.Id);
            return;
        }
        await ApplyMembershipAsync(channelEvent, ct);
        if (channelEvent.HasData)
        {
            if (channelEvent.ChannelId is { } channelId)
            {
                await notifier.SendToGroupAsync(RealtimeGroups.Channel(channelId), channelEvent.Data, ct);
            }
            await ForEachAtOnceAsync(channelEvent.UserIds ?? [], userId => notifier.SendToUserAsync(userId, channelEvent.Data, ct));
        }
        await MarkDeliveredAsync(channelEvent.Id);
        LogDelivered(channelEvent.Id, channelEvent.Type);
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
    private async Task<bool> AlreadyDeliveredAsync(Guid eventId)
    {
        try
        {
            return await redis.Database.KeyExistsAsync(RedisKeys.FanoutDone(eventId));
        }
        catch (RedisException ex)
        {
            LogRedisUnavailable(ex);
            return false;
        }
    }

    private async Task MarkDeliveredAsync(Guid eventId)
    {
        try
        {
            await redis.Database.StringSetAsync(RedisKeys.FanoutDone(eventId), "1", RedisKeys.FanoutDoneTtl);
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
