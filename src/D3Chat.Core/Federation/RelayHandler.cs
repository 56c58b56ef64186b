using System.Diagnostics;
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
    /// <summary>One queue message carrying one channel event (or its reference).</summary>
    public Task HandleAsync(string messageBody, CancellationToken ct) => HandleBodiesAsync([messageBody], ct);

    /// <summary>The channel events of one queue message (each inline or a reference), handled together.</summary>
    public async Task HandleBodiesAsync(IReadOnlyList<string> messageBodies, CancellationToken ct)
    {
        var channelEvents = new List<ChannelEvent>(messageBodies.Count);
        foreach (var body in messageBodies)
        {
            channelEvents.Add(await references.ResolveAsync(body, ct));
        }
        await HandleAllAsync(channelEvents, ct);
    }

    /// <summary>
    /// Several channel events handled together (for instance all events of one queue message): their
    /// deliveries are queued in one transaction, in the given order, and sent by one attempt, so a
    /// peer that takes batches gets them in as few requests as the batch limit allows, instead of one
    /// relay run, one transaction and one small request per event.
    /// </summary>
    public async Task HandleAllAsync(IReadOnlyList<ChannelEvent> channelEvents, CancellationToken ct)
    {
        var started = Stopwatch.GetTimestamp();
        var rows = new List<DeliveryRow>();
        foreach (var channelEvent in channelEvents)
        {
            rows.AddRange(RowsFor(channelEvent, await mapper.MapAsync(channelEvent, ct)));
        }
        if (rows.Count == 0)
        {
            return;
        }
        var mapped = Stopwatch.GetTimestamp();
        var now = time.GetUtcNow();
        var inserted = await deliveries.EnqueueAsync(rows, now, now + DeliveryProcessor.ClaimLease, ct);
        var queued = Stopwatch.GetTimestamp();
        if (inserted.Count > 0)
        {
            await processor.SendAsync(inserted, ct);
        }
        LogQueued(channelEvents.Count, inserted.Count, Stopwatch.GetElapsedTime(started, mapped).TotalMilliseconds,
            Stopwatch.GetElapsedTime(mapped, queued).TotalMilliseconds, Stopwatch.GetElapsedTime(queued).TotalMilliseconds);
    }

    /// <summary>One delivery row per mapped event and destination, in mapping order, stamped with the channel event's time (the send order).</summary>
    internal static IEnumerable<DeliveryRow> RowsFor(ChannelEvent channelEvent, IReadOnlyList<OutboundEvent> outbound) =>
        outbound.SelectMany(o => o.Destinations.Select(d => new DeliveryRow(o.EventId, d, o.Type, o.Body, channelEvent.OccurredAt, o.SenderJoin)));

    [LoggerMessage(Level = LogLevel.Debug, Message = "{ChannelEvents} channel events queued {Deliveries} federation deliveries: map {MapMs:F1} ms, queue {QueueMs:F1} ms, send {SendMs:F1} ms")]
    private partial void LogQueued(int channelEvents, int deliveries, double mapMs, double queueMs, double sendMs);
}
