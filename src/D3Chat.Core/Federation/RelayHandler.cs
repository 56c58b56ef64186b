using System.Diagnostics;
using D3Chat.Core.Fanout;
using D3Chat.Core.Queue;
using Microsoft.Extensions.Logging;

namespace D3Chat.Core.Federation;

/// <summary>
/// Consumes channel events for the federation relay (never inside an API request): maps each to
/// federation events (<see cref="RelayEventMapper"/>), records one durable delivery row per
/// destination (idempotent on event and destination, so a redelivered queue message adds nothing),
/// and tries those new rows once at once. Whatever fails stays for the retry timer. A message's rows
/// are preceded by its sender's join where needed, so the order in which channel events are handled
/// does not matter (<see cref="DeliveryStore.EnqueueAsync"/>).
/// </summary>
public sealed partial class RelayHandler(
    RelayEventMapper mapper, DeliveryStore deliveries, DeliveryProcessor processor, TimeProvider time, ILogger<RelayHandler> logger, ChannelEventReferences references)
{
    public async Task HandleAsync(string messageBody, CancellationToken ct)
    {
        var started = Stopwatch.GetTimestamp();
        var channelEvent = await references.ResolveAsync(messageBody, ct);
        var outbound = await mapper.MapAsync(channelEvent, ct);
        if (outbound.Count == 0)
        {
            return;
        }
        var mapped = Stopwatch.GetTimestamp();
        var now = time.GetUtcNow();
        var rows = outbound.SelectMany(o => o.Destinations.Select(d => new DeliveryRow(o.EventId, d, o.Type, o.Body, channelEvent.OccurredAt, o.SenderJoin)));
        var inserted = await deliveries.EnqueueAsync(rows, now, now + DeliveryProcessor.ClaimLease, ct);
        var queued = Stopwatch.GetTimestamp();
        if (inserted.Count > 0)
        {
            await processor.SendAsync(inserted, ct);
        }
        LogQueued(channelEvent.Id, channelEvent.Type, inserted.Count, Stopwatch.GetElapsedTime(started, mapped).TotalMilliseconds,
            Stopwatch.GetElapsedTime(mapped, queued).TotalMilliseconds, Stopwatch.GetElapsedTime(queued).TotalMilliseconds);
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Channel event {EventId} ({EventType}) queued {Deliveries} federation deliveries: map {MapMs:F1} ms, queue {QueueMs:F1} ms, send {SendMs:F1} ms")]
    private partial void LogQueued(Guid eventId, string eventType, int deliveries, double mapMs, double queueMs, double sendMs);
}
