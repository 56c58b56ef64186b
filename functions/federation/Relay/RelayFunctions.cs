using D3Chat.Core.Federation;
using D3Chat.Core.Queue;
using Microsoft.Azure.Functions.Worker;

namespace D3Chat.Functions.Federation.Relay;

public sealed class RelayFunctions(RelayHandler handler, DeliveryProcessor processor, StorageQueueConsumer consumer, QueueNames queues)
{
    /// <summary>
    /// Turns the channel events of one queue message into durable per-destination deliveries and tries
    /// them once; a failed event of several is re-enqueued alone.
    /// </summary>
    // TODO(issue 14): a RelayHandler overload taking a message's events at once would queue and send
    // their deliveries to each peer as one federation batch instead of one per event.
    [Function(nameof(RelayChannelEvent))]
    public Task RelayChannelEvent([QueueTrigger("%FederationQueueName%")] string message, CancellationToken ct) =>
        consumer.HandleAsync(queues.Federation, message, handler.HandleAsync, ct);

    /// <summary>Retries due deliveries, honouring each destination's backoff; dead-letters what is too old.</summary>
    [Function(nameof(RetryFederationDeliveries))]
    public Task RetryFederationDeliveries([TimerTrigger("%FederationRetrySchedule%")] TimerInfo timer, CancellationToken ct) =>
        processor.ProcessDueAsync(ct);
}
