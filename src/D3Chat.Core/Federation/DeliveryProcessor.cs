using System.Diagnostics;
using D3Chat.Core.Telemetry;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace D3Chat.Core.Federation;

/// <summary>
/// Sends claimed deliveries, one destination at a time and in order. The first transient failure of
/// a destination backs it off (<see cref="Backoff"/>) and postpones the rest of its rows; rows older
/// than <see cref="FederationOptions.MaxRetryAge"/> and rows a peer rejected for good become dead letters.
/// A peer that offers batches (spec §4.1) gets its due rows in send order, many per request, from one
/// sender at a time; any other peer one event per inbox request.
/// </summary>
public sealed partial class DeliveryProcessor(
    DeliveryStore store, DestinationLeases leases, FederationSender sender, PeerDiscovery discovery, IOptions<FederationOptions> options,
    TimeProvider time, ILogger<DeliveryProcessor> logger)
{
    /// <summary>How long a claimed row is reserved; longer than a send's timeout, so a crash only delays it.</summary>
    public static readonly TimeSpan ClaimLease = FederationSender.RequestTimeout + TimeSpan.FromSeconds(15);

    /// <summary>
    /// How long a destination's lease lasts from each renewal: longer than one drain step (the four
    /// batches of one claim, each a request), so only a holder that stopped loses it.
    /// </summary>
    public static readonly TimeSpan DestinationLeaseTime = 4 * FederationSender.RequestTimeout + TimeSpan.FromSeconds(30);

    /// <summary>Rows per timer run; a larger backlog drains over consecutive runs.</summary>
    public const int BatchSize = 200;

    /// <summary>One retry run: claims due rows and sends them. Returns how many were delivered.</summary>
    public async Task<int> ProcessDueAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var due = await store.ClaimDueAsync(now, now + ClaimLease, BatchSize, ct);
        var delivered = due.Count == 0 ? 0 : await SendAsync(due, ct);
        D3ChatTelemetry.RecordRelayBacklog(await store.CountBacklogAsync(ct));
        return delivered;
    }

    /// <summary>Sends rows this process has claimed; returns how many were delivered.</summary>
    public async Task<int> SendAsync(IReadOnlyList<Delivery> claimed, CancellationToken ct)
    {
        var delivered = 0;
        foreach (var group in claimed.GroupBy(d => d.Destination))
        {
            delivered += await SendToDestinationAsync(group.Key, group.ToList(), ct);
        }
        return delivered;
    }

    private async Task<int> SendToDestinationAsync(string destination, List<Delivery> rows, CancellationToken ct)
    {
        var delivered = 0;
        if (await store.PeerBackoffUntilAsync(destination, ct) is { } until && until > time.GetUtcNow())
        {
            await PostponeAsync(rows, until, ct);
            return 0;
        }
        var batchLimit = await discovery.BatchLimitAsync(destination, ct);
        if (batchLimit > 1)
        {
            return await DrainBatchedAsync(destination, rows, batchLimit, ct);
        }
        for (var i = 0; i < rows.Count; i++)
        {
            var row = rows[i];
            if (await DeadLetterIfTooOldAsync(row, ct))
            {
                continue;
            }
            var result = await sender.SendAsync(destination, row.Body, ct);
            var now = time.GetUtcNow();
            if (result.Delivered)
            {
                await store.DeleteAsync(row, ct);
                await store.RecordPeerSuccessAsync(destination, now, ct);
                delivered++;
                continue;
            }
            if (result.Permanent)
            {
                await DeadLetterAsync(row, result.Error ?? "rejected", ct);
                continue;
            }
            await BackOffAsync(destination, row, result.Error, rows.Skip(i + 1), ct);
            break;
        }
        return delivered;
    }

    /// <summary>
    /// Batches for a peer that offers them. The claimed rows are given back first and the holder of the
    /// destination's lease (<see cref="DestinationLeases"/>) sends every due row in send order (event
    /// time, then insertion), whoever claimed it, so concurrent relay runs coalesce into full batches and
    /// never overtake each other. Without the lease nothing is sent here: the holder takes the rows. A
    /// holder looks again after letting go, so rows handed over just before it let go are not left for
    /// the retry timer.
    /// </summary>
    private async Task<int> DrainBatchedAsync(string destination, List<Delivery> claimed, int batchLimit, CancellationToken ct)
    {
        await store.ReleaseAsync(destination, claimed, time.GetUtcNow(), ct);
        var delivered = 0;
        do
        {
            var now = time.GetUtcNow();
            await using var lease = await leases.TryTakeAsync(destination, now, now + DestinationLeaseTime, ct);
            if (lease is null)
            {
                return delivered;
            }
            var (sent, stopped) = await DrainWhileHeldAsync(lease, batchLimit, ct);
            delivered += sent;
            if (stopped)
            {
                return delivered;
            }
        }
        while (await store.HasSendableForDestinationAsync(destination, time.GetUtcNow(), ct));
        return delivered;
    }

    /// <summary>Sends due rows until none are left (false), or the destination backs off or the lease was lost (true).</summary>
    private async Task<(int Delivered, bool Stopped)> DrainWhileHeldAsync(DestinationLease lease, int batchLimit, CancellationToken ct)
    {
        var destination = lease.Destination;
        var delivered = 0;
        for (var step = 0; ; step++)
        {
            if (step > 0 && !await RenewAsync(lease, ct))
            {
                LogLeaseLost(destination);
                return (delivered, true);
            }
            var now = time.GetUtcNow();
            if (await store.PeerBackoffUntilAsync(destination, ct) is { } until && until > now)
            {
                return (delivered, true);
            }
            var started = Stopwatch.GetTimestamp();
            var due = await store.ClaimDueForDestinationAsync(destination, now, now + ClaimLease, batchLimit * 4, ct);
            LogClaimed(destination, due.Count, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            if (due.Count == 0)
            {
                return (delivered, false);
            }
            var (sent, stopped) = await SendBatchesAsync(destination, due, batchLimit, ct);
            delivered += sent;
            if (stopped)
            {
                return (delivered, true);
            }
        }
    }

    private Task<bool> RenewAsync(DestinationLease lease, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        return lease.RenewAsync(now, now + DestinationLeaseTime, ct);
    }

    /// <summary>Sends <paramref name="rows"/> as consecutive batches; stops (true) at the first transient failure.</summary>
    private async Task<(int Delivered, bool Stopped)> SendBatchesAsync(string destination, IReadOnlyList<Delivery> rows, int batchLimit, CancellationToken ct)
    {
        var live = new List<Delivery>();
        foreach (var row in rows)
        {
            if (!await DeadLetterIfTooOldAsync(row, ct))
            {
                live.Add(row);
            }
        }
        var batches = FederationBatches.Split(live, r => r.Body, batchLimit);
        var delivered = 0;
        for (var b = 0; b < batches.Count; b++)
        {
            var batch = batches[b];
            var later = batches.Skip(b + 1).SelectMany(x => x);
            var results = await SendBatchAsync(destination, batch, ct);
            if (results is null)
            {
                continue;
            }
            var done = batch.Where((_, i) => results[i].Delivered).ToList();
            if (done.Count > 0)
            {
                var answered = Stopwatch.GetTimestamp();
                await store.DeleteManyAsync(destination, done, ct);
                await store.RecordPeerSuccessAsync(destination, time.GetUtcNow(), ct);
                delivered += done.Count;
                LogBatchDelivered(destination, done.Count, Stopwatch.GetElapsedTime(answered).TotalMilliseconds);
            }
            for (var i = 0; i < batch.Count; i++)
            {
                if (results[i].Status == BatchEventResult.Rejected)
                {
                    await DeadLetterAsync(batch[i], $"rejected: {results[i].Detail}", ct);
                }
                else if (!results[i].Delivered)
                {
                    // The receiver stopped at this event; it and everything after it wait for the backoff.
                    var rest = batch.Skip(i + 1).Where((_, j) => results[i + 1 + j].Status != BatchEventResult.Rejected);
                    await BackOffAsync(destination, batch[i], results[i].Detail ?? results[i].Status, rest.Concat(later), ct);
                    return (delivered, true);
                }
            }
        }
        return (delivered, false);

        // One batch; null when it was dead-lettered whole. A transient failure is reported for its first event.
        async Task<IReadOnlyList<BatchEventResult>?> SendBatchAsync(string destination, List<Delivery> batch, CancellationToken ct)
        {
            // An event too large to share a request still travels alone, to the inbox.
            var result = batch.Count == 1 && !FederationBatches.FitsInBatch(batch[0].Body)
                ? new BatchSendResult(await sender.SendAsync(destination, batch[0].Body, ct), [])
                : await sender.SendBatchAsync(destination, batch.Select(r => (r.EventId, r.Body)).ToList(), ct);
            if (result.Request.Delivered)
            {
                return result.Events.Count == batch.Count ? result.Events : [new BatchEventResult(batch[0].EventId, BatchEventResult.Ok, null)];
            }
            if (result.Request.Permanent)
            {
                foreach (var row in batch)
                {
                    await DeadLetterAsync(row, result.Request.Error ?? "rejected", ct);
                }
                return null;
            }
            return [.. batch.Select((r, i) => new BatchEventResult(r.EventId, i == 0 ? BatchEventResult.Failed : BatchEventResult.Skipped, i == 0 ? result.Request.Error : null))];
        }
    }

    private async Task<bool> DeadLetterIfTooOldAsync(Delivery row, CancellationToken ct)
    {
        if (time.GetUtcNow() - new DateTimeOffset(DateTime.SpecifyKind(row.CreatedAt, DateTimeKind.Utc)) <= options.Value.MaxRetryAge)
        {
            return false;
        }
        await store.DeadLetterAsync(row, time.GetUtcNow(), attempted: false, "maximum retry age exceeded", ct);
        LogDeadLettered(row.EventId, row.Destination, "maximum retry age exceeded");
        D3ChatTelemetry.DeadLetters.Add(1, new KeyValuePair<string, object?>("d3chat.dead_letter.source", "relay"));
        return true;
    }

    private async Task DeadLetterAsync(Delivery row, string error, CancellationToken ct)
    {
        await store.DeadLetterAsync(row, time.GetUtcNow(), attempted: true, error, ct);
        LogDeadLettered(row.EventId, row.Destination, error);
        D3ChatTelemetry.DeadLetters.Add(1, new KeyValuePair<string, object?>("d3chat.dead_letter.source", "relay"));
    }

    /// <summary>A transient failure: the peer backs off, the failed row counts an attempt, the rest wait unattempted.</summary>
    private async Task BackOffAsync(string destination, Delivery failed, string? error, IEnumerable<Delivery> rest, CancellationToken ct)
    {
        var retryAt = await store.RecordPeerFailureAsync(destination, time.GetUtcNow(), n => Backoff.After(n, options.Value.MaxBackoff), ct);
        LogBackingOff(destination, error ?? "failed", retryAt);
        await store.RescheduleAsync(failed, retryAt, attempted: true, error, ct);
        await PostponeAsync(rest, retryAt, ct);
    }

    private async Task PostponeAsync(IEnumerable<Delivery> rows, DateTimeOffset until, CancellationToken ct)
    {
        foreach (var row in rows)
        {
            await store.RescheduleAsync(row, until, attempted: false, null, ct);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The batch lease of {Destination} ran out while sending; another run carries on")]
    private partial void LogLeaseLost(string destination);

    // Where a drain's time goes (issue 14), beside FederationSender's signing and round trip.
    [LoggerMessage(Level = LogLevel.Debug, Message = "Claimed {Rows} due deliveries to {Destination} in {ClaimMs:F1} ms")]
    private partial void LogClaimed(string destination, int rows, double claimMs);

    [LoggerMessage(Level = LogLevel.Debug, Message = "{Events} events delivered to {Destination}; deleting them took {BookkeepingMs:F1} ms")]
    private partial void LogBatchDelivered(string destination, int events, double bookkeepingMs);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Federation delivery to {Destination} failed ({Reason}); backing off until {RetryAt}")]
    private partial void LogBackingOff(string destination, string reason, DateTimeOffset retryAt);

    [LoggerMessage(Level = LogLevel.Error, Message = "Federation event {EventId} to {Destination} dead-lettered: {Reason}")]
    private partial void LogDeadLettered(string eventId, string destination, string reason);
}
