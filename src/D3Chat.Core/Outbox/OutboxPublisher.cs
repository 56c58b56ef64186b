using D3Chat.Core.Hosting;
using D3Chat.Core.Queue;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace D3Chat.Core.Outbox;

/// <summary>
/// Publishes committed outbox events and marks them sent. A failure is logged and left for the
/// sweep: the change is already committed, so the request that made it still succeeds. Each
/// failure pushes the row's next attempt back (exponential backoff); after
/// <see cref="QueueOptions.OutboxMaxAttempts"/> failures the event moves to the dead letters.
/// </summary>
public sealed partial class OutboxPublisher(
    OutboxStore store, IChannelEventPublisher publisher, IOptions<QueueOptions> options, TimeProvider time, ILogger<OutboxPublisher> logger)
{
    /// <summary>Publishes each event, then marks those the queue accepted sent in one statement; returns how many it accepted.</summary>
    public async Task<int> PublishAsync(IEnumerable<ChannelEvent> events, CancellationToken ct)
    {
        var published = await SendInOrderAsync(events, ct);
        await TryMarkSentAsync(published, ct);
        return published.Count;
    }

    /// <summary>
    /// Publishes the events of several units of work side by side (each unit's events in their order),
    /// then marks every accepted event sent in one statement; returns how many it accepted.
    /// </summary>
    public async Task<int> PublishUnitsAsync(IReadOnlyCollection<IReadOnlyList<ChannelEvent>> units, CancellationToken ct)
    {
        var sent = await Task.WhenAll(units.Select(unit => SendInOrderAsync(unit, ct)));
        var published = sent.SelectMany(ids => ids).ToList();
        await TryMarkSentAsync(published, ct);
        return published.Count;
    }

    // A failed send is recorded on its row (backoff, then the dead letters) and the next event is still sent.
    private async Task<List<Guid>> SendInOrderAsync(IEnumerable<ChannelEvent> events, CancellationToken ct)
    {
        var published = new List<Guid>();
        foreach (var channelEvent in events)
        {
            try
            {
                await publisher.PublishAsync(channelEvent, ct);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogPublishFailed(channelEvent.Id, channelEvent.Type, ex);
                await TryRecordFailureAsync(channelEvent.Id, $"{ex.GetType().Name}: {ex.Message}", ct);
                continue;
            }
            published.Add(channelEvent.Id);
        }
        return published;
    }

    // The event is on the queue; a failed mark only means the sweep publishes it once more, and
    // consumers deduplicate by event id. It must never fail the request whose change is committed.
    private async Task TryMarkSentAsync(IReadOnlyCollection<Guid> ids, CancellationToken ct)
    {
        try
        {
            await store.MarkSentAsync(ids, time.GetUtcNow(), ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogMarkSentFailed(ids.Count, ex);
        }
    }

    private async Task TryRecordFailureAsync(Guid id, string error, CancellationToken ct)
    {
        try
        {
            var settings = options.Value;
            var now = time.GetUtcNow();
            var attempts = await store.RecordFailedAttemptAsync(id, error, now, TimeSpan.FromSeconds(settings.OutboxRetryBaseSeconds), ct);
            if (attempts >= settings.OutboxMaxAttempts)
            {
                await store.MoveToDeadLettersAsync(id, error: null, now, ct);
                LogDeadLettered(id, attempts.Value);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogRecordFailed(id, ex);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Publishing outbox event {EventId} ({EventType}) failed; the sweep will retry it")]
    private partial void LogPublishFailed(Guid eventId, string eventType, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Marking {Count} published outbox events sent failed; the sweep will publish them again")]
    private partial void LogMarkSentFailed(int count, Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "Outbox event {EventId} failed {Attempts} publishes and moved to the dead letters")]
    private partial void LogDeadLettered(Guid eventId, int attempts);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Recording a failed publish of outbox event {EventId} failed")]
    private partial void LogRecordFailed(Guid eventId, Exception exception);
}
