using D3Chat.Core.Federation;
using D3Chat.Core.Queue;
using Microsoft.Azure.Functions.Worker;

namespace D3Chat.Functions.Federation.Relay;

public sealed class RelayFunctions(RelayHandler handler, DeliveryProcessor processor, StorageQueueConsumer consumer, QueueNames queues)
{
    /// <summary>
    /// Turns the channel events of one queue message into durable per-destination deliveries, queued
    /// together and sent to each peer in as few federation batches as its limit allows; if that fails,
    /// each event is handled alone and a failing one re-enqueued alone.
    /// </summary>
    [Function(nameof(RelayChannelEvent))]
    public Task RelayChannelEvent([QueueTrigger("%FederationQueueName%")] string message, CancellationToken ct) =>
        consumer.HandleTogetherAsync(queues.Federation, message, handler.HandleBodiesAsync, handler.HandleAsync, ct);

    /// <summary>Retries due deliveries, honouring each destination's backoff; dead-letters what is too old.</summary>
    [Function(nameof(RetryFederationDeliveries))]
    public Task RetryFederationDeliveries([TimerTrigger("%FederationRetrySchedule%")] TimerInfo timer, CancellationToken ct) =>
        processor.ProcessDueAsync(ct);
}
