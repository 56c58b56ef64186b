using D3Chat.Core.Federation;
using Microsoft.Azure.Functions.Worker;

namespace D3Chat.Functions.Federation.Relay;

public sealed class RelayFunctions(RelayHandler handler, DeliveryProcessor processor)
{
    /// <summary>Turns channel events of federated channels into durable per-destination deliveries and tries them once.</summary>
    [Function(nameof(RelayChannelEvent))]
    public Task RelayChannelEvent([QueueTrigger("%FederationQueueName%")] string message, CancellationToken ct) =>
        handler.HandleAsync(message, ct);

    /// <summary>Retries due deliveries, honouring each destination's backoff; dead-letters what is too old.</summary>
    [Function(nameof(RetryFederationDeliveries))]
    public Task RetryFederationDeliveries([TimerTrigger("%FederationRetrySchedule%")] TimerInfo timer, CancellationToken ct) =>
        processor.ProcessDueAsync(ct);
}
