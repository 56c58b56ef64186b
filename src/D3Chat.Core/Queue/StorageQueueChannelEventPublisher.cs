using System.Collections.Concurrent;
using Azure.Storage.Queues;
using D3Chat.Core.Storage;
using D3Chat.Core.Telemetry;

namespace D3Chat.Core.Queue;

/// <summary>
/// Storage Queues adapter: one queue per consumer, so the event is sent to the fanout queue and, unless
/// it is for a channel without remote members (<see cref="ChannelEvent.SkipFederation"/>), the
/// federation queue. A failure after the first send makes the caller retry both; consumers are
/// idempotent by event id, so the duplicate is harmless. An event too large for a queue message
/// is sent as a reference (<see cref="ChannelEventReferences"/>). Each accepted send is told to the
/// <see cref="IQueueSendObserver"/>s (none in Azure; the LocalHost's wakes its listener of that queue).
/// </summary>
internal sealed class StorageQueueChannelEventPublisher(StorageAccount storage, QueueNames names, IEnumerable<IQueueSendObserver> observers) : IChannelEventPublisher
{
    private readonly IQueueSendObserver[] _observers = [.. observers];

    private readonly ConcurrentDictionary<string, QueueClient> _ready = new();

    public async Task PublishAsync(ChannelEvent channelEvent, CancellationToken ct)
    {
        // Storage queue messages have no properties to carry a trace context, so the consumers of
        // this transport start new traces; the event id tag still ties them together.
        using var activity = D3ChatTelemetry.StartPublish(channelEvent.Id, channelEvent.Type);
        var body = ChannelEventReferences.BodyFor(channelEvent, ChannelEventReferences.StorageQueueInlineBytes);
        foreach (var name in names.For(channelEvent))
        {
            var queue = await GetQueueAsync(name, ct);
            await queue.SendMessageAsync(body, ct);
            foreach (var observer in _observers)
            {
                observer.Sent(name);
            }
        }
        D3ChatTelemetry.EventsPublished.Add(1, new KeyValuePair<string, object?>(D3ChatTelemetry.EventTypeTag, channelEvent.Type));
    }

    // Creating each queue once per process keeps a fresh Azurite (or a new deployment) working
    // without a setup step; a failed attempt is not cached, so the next publish tries again.
    private async Task<QueueClient> GetQueueAsync(string name, CancellationToken ct)
    {
        if (_ready.TryGetValue(name, out var ready))
        {
            return ready;
        }
        var queue = storage.Queue(name);
        await queue.CreateIfNotExistsAsync(cancellationToken: ct);
        _ready[name] = queue;
        return queue;
    }
}
