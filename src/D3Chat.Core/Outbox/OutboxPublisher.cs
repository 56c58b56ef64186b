using System.Collections.Concurrent;
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
    /// <summary>
    /// Sends at most this many events at once. Consumers depend on no order between events (fanout
    /// syncs membership from PostgreSQL, the relay orders deliveries by time), and the queue answers
    /// many sends side by side far sooner than one after another (a federation batch is 50 events).
    /// </summary>
    internal const int MaxConcurrentSends = 32;

    /// <summary>Publishes the events, then marks those the queue accepted sent in one statement; returns how many it accepted.</summary>
    public async Task<int> PublishAsync(IEnumerable<ChannelEvent> events, CancellationToken ct)
    {
        var published = new ConcurrentQueue<Guid>();
        var options = new ParallelOptions { MaxDegreeOfParallelism = MaxConcurrentSends, CancellationToken = ct };
        await Parallel.ForEachAsync(events, options, async (channelEvent, token) =>
        {
            if (await TrySendAsync(channelEvent, token))
            {
                published.Enqueue(channelEvent.Id);
            }
        });
        await TryMarkSentAsync(published, ct);
        return published.Count;
    }

    /// <summary>Publishes the events of several units of work as one batch (<see cref="PublishAsync"/>); returns how many the queue accepted.</summary>
    public Task<int> PublishUnitsAsync(IReadOnlyCollection<IReadOnlyList<ChannelEvent>> units, CancellationToken ct) =>
        PublishAsync(units.SelectMany(unit => unit), ct);

    // A failed send is recorded on its row (backoff, then the dead letters); the other events are still sent.
    private async Task<bool> TrySendAsync(ChannelEvent channelEvent, CancellationToken ct)
    {
        try
        {
            await publisher.PublishAsync(channelEvent, ct);
            return true;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogPublishFailed(channelEvent.Id, channelEvent.Type, ex);
            await TryRecordFailureAsync(channelEvent.Id, $"{ex.GetType().Name}: {ex.Message}", ct);
            return false;
        }
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
