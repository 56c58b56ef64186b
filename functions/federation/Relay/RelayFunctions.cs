using D3Chat.Core.Federation;
using Microsoft.Azure.Functions.Worker;

namespace D3Chat.Functions.Federation.Relay;

public sealed class RelayFunctions(RelayHandler handler)
{
    /// <summary>Relays channel events of federated channels to peer servers.</summary>
    [Function(nameof(RelayChannelEvent))]
    public Task RelayChannelEvent([QueueTrigger("%FederationQueueName%")] string message, CancellationToken ct) =>
        handler.HandleAsync(message, ct);
}
