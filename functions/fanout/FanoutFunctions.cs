using D3Chat.Core.Fanout;
using D3Chat.Core.Queue;
using Microsoft.Azure.Functions.Worker;

namespace D3Chat.Functions.Fanout;

public sealed class FanoutFunctions(FanoutHandler handler, StorageQueueConsumer consumer, QueueNames queues)
{
    /// <summary>
    /// Delivers the channel events of one queue message to SignalR, together (one send per channel for
    /// its messages). Should that fail, each event is delivered alone and a failed one re-enqueued alone;
    /// a message of one that throws is retried, and after 5 dequeues it goes to the poison queue.
    /// </summary>
    [Function(nameof(FanoutChannelEvent))]
    public Task FanoutChannelEvent([QueueTrigger("%FanoutQueueName%")] string message, CancellationToken ct) =>
        consumer.HandleTogetherAsync(queues.Fanout, message, handler.HandleAllAsync, handler.HandleAsync, ct);
}
