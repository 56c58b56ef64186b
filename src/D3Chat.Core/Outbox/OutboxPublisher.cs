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
    /// <summary>Failures recorded at once (each is a row update; a queue outage fails a whole sweep of them).</summary>
    private const int FailuresRecordedAtOnce = 8;

    /// <summary>
    /// Publishes the events as one round (the transport packs them into as few messages as it can,
    /// issue 14), then marks those the queue accepted sent in one statement; returns how many it accepted.
    /// </summary>
    public async Task<int> PublishAsync(IEnumerable<ChannelEvent> events, CancellationToken ct)
    {
        IReadOnlyList<ChannelEvent> round = [.. events];
        if (round.Count == 0)
        {
            return 0;
        }
        var failures = await TryPublishAsync(round, ct);
        var options = new ParallelOptions { MaxDegreeOfParallelism = FailuresRecordedAtOnce, CancellationToken = ct };
        await Parallel.ForEachAsync(failures, options, async (failure, token) =>
        {
            LogPublishFailed(failure.Event.Id, failure.Event.Type, failure.Error);
            await TryRecordFailureAsync(failure.Event.Id, $"{failure.Error.GetType().Name}: {failure.Error.Message}", token);
        });
        var failed = failures.Select(f => f.Event.Id).ToHashSet();
        var published = round.Select(e => e.Id).Where(id => !failed.Contains(id)).ToList();
        await TryMarkSentAsync(published, ct);
        return published.Count;
    }

    /// <summary>Publishes the events of several units of work as one round (<see cref="PublishAsync"/>); returns how many the queue accepted.</summary>
    public Task<int> PublishUnitsAsync(IReadOnlyCollection<IReadOnlyList<ChannelEvent>> units, CancellationToken ct) =>
        PublishAsync(units.SelectMany(unit => unit), ct);

    // A failed send is recorded on the rows it held (backoff, then the dead letters); the other events
    // still count as sent. A transport that cannot tell which it accepted fails the whole round.
    private async Task<IReadOnlyList<PublishFailure>> TryPublishAsync(IReadOnlyList<ChannelEvent> round, CancellationToken ct)
    {
        try
        {
            return await publisher.PublishAsync(round, ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return [.. round.Select(e => new PublishFailure(e, ex))];
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
