using D3Chat.Core.Http;

namespace D3Chat.Core.Outbox;

/// <summary>Admin view of dead-lettered outbox events (issue 13): list them and put one back in the outbox.</summary>
public sealed class OutboxAdmin(OutboxStore store, TimeProvider time)
{
    /// <summary>The newest dead letters first; the list is capped, the dead letters of a healthy server are few.</summary>
    public const int ListLimit = 500;

    public async Task<object> ListAsync(CancellationToken ct)
    {
        var deadLetters = await store.ListDeadLettersAsync(ListLimit, ct);
        return deadLetters.Select(d => new
        {
            id = d.Id,
            event_type = d.EventType,
            created_at = new DateTimeOffset(DateTime.SpecifyKind(d.CreatedAt, DateTimeKind.Utc)),
            attempts = d.Attempts,
            last_error = d.LastError,
            dead_at = new DateTimeOffset(DateTime.SpecifyKind(d.DeadAt, DateTimeKind.Utc)),
        }).ToList();
    }

    /// <summary>Requeues the event: the next sweep publishes it, with a fresh attempt count.</summary>
    public async Task<Outcome<object>> RetryAsync(Guid id, CancellationToken ct)
    {
        if (!await store.RetryDeadLetterAsync(id, time.GetUtcNow(), ct))
        {
            return Problem.DeadLetterNotFound;
        }
        return new { id, requeued = true };
    }
}
