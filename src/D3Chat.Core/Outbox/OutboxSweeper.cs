using Microsoft.Extensions.Logging;

namespace D3Chat.Core.Outbox;

/// <summary>
/// Republishes outbox events that were committed but never marked sent (the queue was down, or the
/// process died between commit and publish), each when its backoff has passed. Events younger than <see cref="GracePeriod"/> are left
/// to the publish after their commit (<see cref="BackgroundOutboxPublisher"/>), so the sweep rarely races a publish in flight; if it does, the
/// consumers' dedup by event id absorbs the duplicate.
/// </summary>
public sealed partial class OutboxSweeper(OutboxStore store, OutboxPublisher publisher, TimeProvider time, ILogger<OutboxSweeper> logger)
{
    public static readonly TimeSpan GracePeriod = TimeSpan.FromSeconds(5);

    /// <summary>Rows per sweep; a larger backlog drains over consecutive sweeps.</summary>
    public const int BatchSize = 500;

    public async Task<int> SweepAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow();
        // Due rows only: a failing row's next attempt moves back with each failure, so it never
        // holds the head of the batch against the rows behind it.
        var due = await store.ListDueAsync(now - GracePeriod, BatchSize, ct);
        if (due.Count == 0)
        {
            return 0;
        }
        // A row that is not a channel event can never be published: straight to the dead letters.
        foreach (var broken in due.Where(r => r.Event is null))
        {
            await store.MoveToDeadLettersAsync(broken.Id, "payload is not a channel event", now, ct);
            LogUnparseable(broken.Id);
        }
        var pending = due.Where(r => r.Event is not null).Select(r => r.Event!).ToList();
        var published = await publisher.PublishAsync(pending, ct);
        LogSwept(pending.Count, published);
        return published;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Outbox row {EventId} is not a channel event; moved to the dead letters")]
    private partial void LogUnparseable(Guid eventId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Outbox sweep found {Pending} unsent events and published {Published}")]
    private partial void LogSwept(int pending, int published);
}
