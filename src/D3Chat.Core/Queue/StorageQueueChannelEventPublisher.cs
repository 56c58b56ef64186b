using System.Collections.Concurrent;
using D3Chat.Core.Telemetry;

namespace D3Chat.Core.Queue;

/// <summary>
/// Storage Queues adapter: one queue per consumer, so a round's events go to the fanout queue and,
/// except those for channels without remote members (<see cref="ChannelEvent.SkipFederation"/>), to the
/// federation queue, packed into as few messages per queue as the 64 KiB limit allows
/// (<see cref="ChannelEventMessageBody"/>; issue 14: Azurite spends the same CPU on a message of one
/// event as on one of fifty). An event counts as published only when every message holding it was
/// accepted; a failure after one queue accepted it makes the caller retry it on both, and consumers are
/// idempotent by event id, so the duplicate is harmless.
/// </summary>
internal sealed class StorageQueueChannelEventPublisher(IQueueMessageSender sender, QueueNames names) : IChannelEventPublisher
{
    /// <summary>
    /// Messages sent at once. Consumers depend on no order between events (fanout syncs membership from
    /// PostgreSQL, the relay orders deliveries by time), and the queue answers sends side by side far
    /// sooner than one after another (an outbox sweep of 500 rows is a dozen messages).
    /// </summary>
    internal const int MaxConcurrentSends = 16;

    public async Task<IReadOnlyList<PublishFailure>> PublishAsync(IReadOnlyList<ChannelEvent> events, CancellationToken ct)
    {
        var sends = names.All.SelectMany(queue => ChannelEventMessageBody
            .Pack(events.Where(e => names.For(e).Contains(queue)), ChannelEventReferences.StorageQueueInlineBytes)
            .Select(message => (queue, message)));
        var failures = new ConcurrentDictionary<Guid, PublishFailure>();
        var options = new ParallelOptions { MaxDegreeOfParallelism = MaxConcurrentSends, CancellationToken = ct };
        await Parallel.ForEachAsync(sends, options, async (send, token) =>
        {
            // Storage queue messages have no properties to carry a trace context, so the consumers of
            // this transport start new traces; the event ids in the body still tie them together.
            using var activity = D3ChatTelemetry.StartPublishMessage(send.queue, send.message.Events.Count);
            try
            {
                await sender.SendAsync(send.queue, send.message.Body, token);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                foreach (var failed in send.message.Events)
                {
                    failures.TryAdd(failed.Id, new PublishFailure(failed, ex));
                }
            }
        });
        foreach (var published in events.Where(e => !failures.ContainsKey(e.Id)))
        {
            D3ChatTelemetry.EventsPublished.Add(1, new KeyValuePair<string, object?>(D3ChatTelemetry.EventTypeTag, published.Type));
        }
        return [.. failures.Values];
    }
}
