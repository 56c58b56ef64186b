using D3Chat.Core.Telemetry;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace D3Chat.Core.Federation;

/// <summary>
/// Sends claimed deliveries, one destination at a time and in order. The first transient failure of
/// a destination backs it off (<see cref="Backoff"/>) and postpones the rest of its rows; rows older
/// than <see cref="FederationOptions.MaxRetryAge"/> and rows a peer rejected for good become dead letters.
/// </summary>
public sealed partial class DeliveryProcessor(
    DeliveryStore store, FederationSender sender, IOptions<FederationOptions> options, TimeProvider time, ILogger<DeliveryProcessor> logger)
{
    /// <summary>How long a claimed row is reserved; longer than a send's timeout, so a crash only delays it.</summary>
    public static readonly TimeSpan ClaimLease = FederationSender.RequestTimeout + TimeSpan.FromSeconds(15);

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
        for (var i = 0; i < rows.Count; i++)
        {
            var row = rows[i];
            var now = time.GetUtcNow();
            if (now - new DateTimeOffset(DateTime.SpecifyKind(row.CreatedAt, DateTimeKind.Utc)) > options.Value.MaxRetryAge)
            {
                await store.DeadLetterAsync(row, now, attempted: false, "maximum retry age exceeded", ct);
                LogDeadLettered(row.EventId, destination, "maximum retry age exceeded");
                D3ChatTelemetry.DeadLetters.Add(1, new KeyValuePair<string, object?>("d3chat.dead_letter.source", "relay"));
                continue;
            }
            var result = await sender.SendAsync(destination, row.Body, ct);
            now = time.GetUtcNow();
            if (result.Delivered)
            {
                await store.DeleteAsync(row, ct);
                await store.RecordPeerSuccessAsync(destination, now, ct);
                delivered++;
                continue;
            }
            if (result.Permanent)
            {
                await store.DeadLetterAsync(row, now, attempted: true, result.Error, ct);
                LogDeadLettered(row.EventId, destination, result.Error ?? "rejected");
                D3ChatTelemetry.DeadLetters.Add(1, new KeyValuePair<string, object?>("d3chat.dead_letter.source", "relay"));
                continue;
            }
            var retryAt = await store.RecordPeerFailureAsync(destination, now, n => Backoff.After(n, options.Value.MaxBackoff), ct);
            LogBackingOff(destination, result.Error ?? "failed", retryAt);
            await store.RescheduleAsync(row, retryAt, attempted: true, result.Error, ct);
            await PostponeAsync(rows.Skip(i + 1), retryAt, ct);
            break;
        }
        return delivered;
    }

    private async Task PostponeAsync(IEnumerable<Delivery> rows, DateTimeOffset until, CancellationToken ct)
    {
        foreach (var row in rows)
        {
            await store.RescheduleAsync(row, until, attempted: false, null, ct);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Federation delivery to {Destination} failed ({Reason}); backing off until {RetryAt}")]
    private partial void LogBackingOff(string destination, string reason, DateTimeOffset retryAt);

    [LoggerMessage(Level = LogLevel.Error, Message = "Federation event {EventId} to {Destination} dead-lettered: {Reason}")]
    private partial void LogDeadLettered(string eventId, string destination, string reason);
}
